#!/usr/bin/env python3
"""ctl-crowd: hostile clients of vswitchd's control socket, for test-ctl-lockout.

Opens SILENT connections that never send a byte and TRICKLE connections that
send one byte of a request every INTERVAL seconds, for DURATION seconds.
With --reconnect, a connection the daemon closes is opened again within
0.1 s, so the crowd never shrinks for long (an attacker that keeps trying,
without burning a CPU on it).  Writes READY when
every connection is open, and at the end prints one JSON object:

  {"silent_closed": N, "trickle_closed": N,
   "trickle_lifetime_max": SECS,  # longest a trickler lived before the
                                  # daemon closed it (-1: none closed)
   "trickle_alive": N}            # tricklers open at the end

Bounded: exits after DURATION seconds whatever happens.
"""

import argparse
import json
import select
import socket
import sys
import time

REQUEST = b'{"command": "list-br", "args": [], "json": false}\n'


class Conn:
    """One client connection and what it has done."""

    def __init__(self, path, trickle):
        self.trickle = trickle
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        # A unix socket's connect fails with EAGAIN while the daemon's
        # backlog is full: try again for up to 2 s, as vswitch-ctl does.
        give_up = time.monotonic() + 2
        while True:
            try:
                self.sock.connect(path)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    self.sock.close()
                    raise
                time.sleep(0.01)
        self.opened = time.monotonic()
        self.sent = 0

    def send_byte(self):
        """Sends the next byte of the request; False if the peer is gone."""
        if self.sent >= len(REQUEST) - 1:   # Never complete the request.
            return True
        try:
            self.sock.send(REQUEST[self.sent:self.sent + 1])
            self.sent += 1
        except BlockingIOError:
            pass
        except OSError:
            return False
        return True

    def closed_by_peer(self):
        """True once the daemon has closed the connection."""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except BlockingIOError:
            return False
        except OSError:
            return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--silent", type=int, default=64)
    ap.add_argument("--trickle", type=int, default=64)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--reconnect", action="store_true")
    ap.add_argument("--ready", required=True)
    args = ap.parse_args()

    end = time.monotonic() + args.duration
    conns = [Conn(args.socket, False) for _ in range(args.silent)]
    conns += [Conn(args.socket, True) for _ in range(args.trickle)]
    for c in conns:
        if c.trickle:
            c.send_byte()
    with open(args.ready, "w") as f:
        f.write("ready\n")

    stats = {"silent_closed": 0, "trickle_closed": 0,
             "trickle_lifetime_max": -1.0}
    next_byte = time.monotonic() + args.interval
    closed = []     # Kinds (trickle or not) of connections to open again.
    next_reconnect = time.monotonic() + 0.1
    while time.monotonic() < end:
        if time.monotonic() >= next_reconnect:
            for trickle in closed:
                try:
                    c = Conn(args.socket, trickle)
                except OSError:
                    continue        # Dropped from the crowd for good.
                if trickle:
                    c.send_byte()
                conns.append(c)
            closed = []
            next_reconnect = time.monotonic() + 0.1
        timeout = max(0.0, min(next_byte, next_reconnect, end)
                      - time.monotonic())
        readable, _, _ = select.select([c.sock for c in conns], [], [],
                                       timeout)
        readable = set(readable)
        now = time.monotonic()
        send_now = now >= next_byte
        if send_now:
            next_byte = now + args.interval
        for i, c in enumerate(conns):
            gone = c.sock in readable and c.closed_by_peer()
            if not gone and send_now and c.trickle:
                gone = not c.send_byte()
            if not gone:
                continue
            c.sock.close()
            if c.trickle:
                stats["trickle_closed"] += 1
                stats["trickle_lifetime_max"] = max(
                    stats["trickle_lifetime_max"], round(now - c.opened, 2))
            else:
                stats["silent_closed"] += 1
            if args.reconnect:
                closed.append(c.trickle)
            conns[i] = None
        conns = [c for c in conns if c is not None]
        if not conns and not closed:
            break
    stats["trickle_alive"] = sum(1 for c in conns if c.trickle)
    json.dump(stats, sys.stdout, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
