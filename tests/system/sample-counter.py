#!/usr/bin/python3
"""sample-counter: reads a counter file (e.g. a device's
/sys/class/net/DEV/statistics/rx_bytes) every --interval seconds for
--duration seconds and prints "TIME VALUE" lines, TIME in CLOCK_MONOTONIC
seconds (time.monotonic(), the same clock in every process), taken at the
read.  Bounded: at most 600 seconds, at least 10 ms apart."""

import argparse
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--path", required=True)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--duration", type=float, required=True)
    a = ap.parse_args()
    if not 0.01 <= a.interval <= 10 or not 0 < a.duration <= 600:
        ap.error("--interval 0.01 to 10, --duration up to 600 seconds")
    with open(a.path, "rb", buffering=0) as f:
        start = time.monotonic()
        t = start
        while t < start + a.duration:
            f.seek(0)
            v = int(f.read())
            print("%.6f %d" % (time.monotonic(), v), flush=False)
            t += a.interval
            delay = t - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    return 0


if __name__ == "__main__":
    sys.exit(main())
