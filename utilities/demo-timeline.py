#!/usr/bin/python3
"""The demo's eyes on the physical network, and its picture.

utilities/demo.sh runs this script three ways:

  watch    in the physical network's namespace: every --interval seconds
           (10 ms) it reads the packet counters of the switch's uplinks'
           peers (/sys/class/net/DEV/statistics), and it listens on those
           devices for the announcements a team sends when a station moves
           (RARP, or a gratuitous ARP), each written as one line to
           --announcements as it arrives: "TIME DEVICE VLAN MAC KIND".
           On SIGTERM (or after --timeout s) it writes the samples to
           --out (JSON).
  outage   reads the output of "ping -D" (a timestamp per reply) and
           prints, for the replies in a time window, "LOST SILENCE-MS":
           how many echo requests went unanswered and the longest time
           without a reply.
  report   draws the timeline of each uplink's traffic (frames per
           sample, both directions) with the events marked, as a PNG
           (matplotlib) and as a few lines of text for the terminal.
"""

import argparse
import errno
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import textwrap
import time

ETH_P_ALL = 0x0003
ETH_P_8021Q = 0x8100
ETH_P_ARP = 0x0806
ETH_P_RARP = 0x8035
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 0x10
# struct tpacket_auxdata: status, len, snaplen (u32); mac, net, vlan_tci,
# vlan_tpid (u16).
AUXDATA = struct.Struct("IIIHHHH")


# ---- watch -----------------------------------------------------------------

def counters(dev):
    """Frames in both directions on DEV so far."""
    total = 0
    for name in ("rx_packets", "tx_packets"):
        with open("/sys/class/net/%s/statistics/%s" % (dev, name)) as f:
            total += int(f.read())
    return total


def announcement(frame, aux):
    """(vlan, source MAC, kind) if FRAME announces a station, else None."""
    if len(frame) < 14:
        return None
    vlan = 0
    etype = struct.unpack_from("!H", frame, 12)[0]
    off = 14
    if etype == ETH_P_8021Q and len(frame) >= 18:
        vlan = struct.unpack_from("!H", frame, 14)[0] & 0xfff
        etype = struct.unpack_from("!H", frame, 16)[0]
        off = 18
    if aux is not None and aux[0] & TP_STATUS_VLAN_VALID:
        vlan = aux[5] & 0xfff
    src = ":".join("%02x" % b for b in frame[6:12])
    if etype == ETH_P_RARP:
        return vlan, src, "RARP"
    if etype == ETH_P_ARP and len(frame) >= off + 28:
        op = struct.unpack_from("!H", frame, off + 6)[0]
        if op == 1 and frame[off + 14:off + 18] == frame[off + 24:off + 28]:
            return vlan, src, "gratuitous-ARP"
    return None


def watch(args):
    devs = args.dev
    socks = {}
    for dev in devs:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        s.bind((dev, ETH_P_ALL))
        s.setblocking(False)
        socks[s.fileno()] = (s, dev)
    samples = []
    running = [True]

    def stop(signum, frame):
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    ann = open(args.announcements, "w", buffering=1)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    deadline = time.time() + args.timeout
    tick = time.time()
    while running[0] and time.time() < deadline:
        now = time.time()
        if now >= tick:
            samples.append([round(now, 6)] + [counters(d) for d in devs])
            tick += args.interval
            if tick < now:
                tick = now + args.interval
            continue
        try:
            ready, _, _ = select.select(list(socks), [], [], tick - now)
        except InterruptedError:
            continue
        for fd in ready:
            s, dev = socks[fd]
            while True:
                try:
                    frame, anc, _, addr = s.recvmsg(2048, 64)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError as e:
                    # The device went down (a cable pull): the socket
                    # says so once, and hears again once it is back up.
                    if e.errno == errno.ENETDOWN:
                        break
                    raise
                if addr[2] == PACKET_OUTGOING:
                    continue
                aux = None
                for level, kind, data in anc:
                    if (level == SOL_PACKET and kind == PACKET_AUXDATA
                            and len(data) >= AUXDATA.size):
                        aux = AUXDATA.unpack_from(data)
                a = announcement(frame, aux)
                if a:
                    ann.write("%.6f %s %d %s %s\n" % (time.time(), dev, *a))
    ann.close()
    with open(args.out + ".tmp", "w") as f:
        json.dump({"devices": devs, "interval": args.interval,
                   "samples": samples}, f)
    os.rename(args.out + ".tmp", args.out)
    return 0


# ---- outage ----------------------------------------------------------------

REPLY = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)", re.M)


def replies(path):
    """[(time, seq)] of the replies in a "ping -D" output, by time."""
    with open(path) as f:
        text = f.read()
    seen = {}
    for t, s in REPLY.findall(text):
        seen.setdefault(int(s), float(t))
    return sorted((t, s) for s, t in seen.items())


def outage(args):
    got = replies(args.ping)
    # The reply just before the window starts the first silence in it.
    before = [r for r in got if r[0] < args.start]
    inside = [r for r in got if args.start <= r[0] <= args.end]
    chain = before[-1:] + inside
    lost, silence = 0, 0.0
    for (t0, s0), (t1, s1) in zip(chain, chain[1:]):
        if s1 > s0 + 1:
            lost += s1 - s0 - 1
        silence = max(silence, t1 - t0)
    print("%d %.1f %d" % (lost, silence * 1000.0, len(inside)))
    return 0


# ---- report ----------------------------------------------------------------

BLOCKS = " ▁▂▃▄▅▆▇█"
ASCII_BLOCKS = " .:-=+*#%"      # For a terminal that is not UTF-8.


def series(watch_doc):
    """Times (s from the first sample) and per-device frames per sample."""
    s = watch_doc["samples"]
    t0 = s[0][0]
    times = [row[0] - t0 for row in s[1:]]
    per = []
    for i in range(len(watch_doc["devices"])):
        per.append([b[i + 1] - a[i + 1] for a, b in zip(s, s[1:])])
    return t0, times, per


def text_timeline(t0, times, per, names, marks, width, blocks):
    """A few lines: one row of blocks per uplink, a row of event numbers."""
    span = times[-1] if times else 1.0
    cols = [[0] * width for _ in per]
    for k, t in enumerate(times):
        c = min(width - 1, int(t / span * width))
        for i, p in enumerate(per):
            cols[i][c] += p[k]
    top = max(max(c) for c in cols) or 1
    label = max([len(n) for n in names] + [len("event")])
    lines = []
    for name, c in zip(names, cols):
        row = "".join(blocks[0 if v == 0 else
                             max(1, round(v / top * (len(blocks) - 1)))]
                      for v in c)
        lines.append("%-*s |%s|" % (label, name, row))
    marker = [" "] * width
    for n, (t, _) in enumerate(marks, 1):
        c = min(width - 1, max(0, int((t - t0) / span * width)))
        marker[c] = str(n)
    lines.append("%-*s |%s|" % (label, "event", "".join(marker)))
    lines.append("%-*s  0 s%s%.1f s" % (label, "", " " * (width - 8), span))
    pad = " " * (label + 2)
    for n, (t, text) in enumerate(marks, 1):
        lines += textwrap.wrap("%d: at %.2f s, %s" % (n, t - t0, text),
                               width=label + width + 3, initial_indent=pad,
                               subsequent_indent=pad + "   ")
    return lines


def report(args):
    with open(args.watch) as f:
        doc = json.load(f)
    if len(doc["samples"]) < 2:
        print("demo-timeline: no samples in %s" % args.watch, file=sys.stderr)
        return 1
    names = args.name or doc["devices"]
    marks = []
    for m in args.mark:
        t, _, text = m.partition("|")
        marks.append((float(t), text))
    anns = []
    if args.announcements:
        with open(args.announcements) as f:
            for line in f:
                w = line.split()
                if len(w) >= 5 and w[1] in doc["devices"]:
                    anns.append((float(w[0]), doc["devices"].index(w[1])))
    t0, times, per = series(doc)
    ms = doc["interval"] * 1000.0
    blocks = BLOCKS
    if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        blocks = ASCII_BLOCKS
    print("\n".join("   " + x for x in
                    text_timeline(t0, times, per, names, marks, args.width,
                                  blocks)))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(per), 1, sharex=True, sharey=True,
                             figsize=(10, 2.2 + 1.9 * len(per)), dpi=100)
    if len(per) == 1:
        axes = [axes]
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    top = max(max(p) for p in per) or 1
    for i, ax in enumerate(axes):
        ax.fill_between(times, per[i], step="pre", alpha=0.35,
                        color=colors[i % 4])
        ax.step(times, per[i], where="pre", color=colors[i % 4], lw=0.8)
        ax.set_ylabel("frames\nper %g ms" % ms)
        ax.set_title(names[i], loc="left", fontsize=10)
        ax.set_ylim(0, top * 1.35)
        ax.grid(axis="y", alpha=0.3)
        xs = [t - t0 for t, d in anns if d == i]
        if xs:
            ax.plot(xs, [top * 1.2] * len(xs), "v", color="black", ms=6,
                    label="announcement received from the switch")
            ax.legend(loc="upper right", fontsize=8)
        for n, (t, _) in enumerate(marks, 1):
            ax.axvline(t - t0, color="red", lw=1.2, ls="--")
            if i == 0:
                ax.annotate(str(n), (t - t0, 1.0),
                            xycoords=("data", "axes fraction"),
                            xytext=(3, -12), textcoords="offset points",
                            color="red", fontweight="bold")
    axes[-1].set_xlabel("seconds")
    fig.suptitle(args.title, fontsize=12)
    legend = "\n".join("%d: %s" % (n, text)
                       for n, (_, text) in enumerate(marks, 1))
    fig.text(0.01, 0.01, legend, fontsize=9, va="bottom", color="darkred")
    fig.tight_layout(rect=(0, 0.045 * max(1, len(marks)), 1, 1))
    fig.savefig(args.png)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("watch")
    w.add_argument("--dev", action="append", required=True)
    w.add_argument("--out", required=True)
    w.add_argument("--announcements", required=True)
    w.add_argument("--interval", type=float, default=0.01)
    w.add_argument("--ready")
    w.add_argument("--timeout", type=float, default=100.0)
    o = sub.add_parser("outage")
    o.add_argument("--ping", required=True)
    o.add_argument("--start", type=float, required=True)
    o.add_argument("--end", type=float, default=float("inf"))
    r = sub.add_parser("report")
    r.add_argument("--watch", required=True)
    r.add_argument("--announcements")
    r.add_argument("--name", action="append")
    r.add_argument("--mark", action="append", default=[],
                   help="TIME|TEXT: an event at TIME (epoch seconds)")
    r.add_argument("--png", required=True)
    r.add_argument("--title", default="")
    r.add_argument("--width", type=int, default=60)
    args = ap.parse_args()
    return {"watch": watch, "outage": outage, "report": report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
