#!/usr/bin/python3
"""bench-report: the benchmark's table, JSON and bar chart.

Reads the samples tests/bench/bench.sh recorded (one per line: round,
switch, figure, value, tab-separated), its notes (one per line) and its
description of the run (JSON), and
  - prints a table on stdout: each figure's median over the rounds with
    min and max, for each switch, and the ratio of ours to each other
    (and of ours with --busy-poll to the kernel bridge);
  - writes all of it, with every sample, to --json;
  - draws one bar chart per figure (median, min-max as error bars) into
    --png, if matplotlib is there (Debian's python3-matplotlib).

Usage: bench-report.py --raw FILE --notes FILE --meta FILE --json OUT
                       [--png OUT]
"""

import argparse
import json
import statistics
import sys

SWITCHES = ["ours", "ours-bp", "kbr", "ovs", "ovs-tso", "ovs-ab"]
LABELS = {"ours": "ours", "ours-bp": "ours --busy-poll",
          "kbr": "kernel bridge", "ovs": "ovs slb",
          "ovs-tso": "ovs-tso slb", "ovs-ab": "ovs-ab"}
OURS = "ours"
# Ours with --busy-poll: compared with the kernel bridge only (its rows
# are the latency ones), and not a column of ours' ratios.
BUSY = "ours-bp"
BRIDGE = "kbr"


def ratio_pairs(switches):
    """The (a, b) of each ratio column a/b, in order."""
    pairs = []
    if OURS in switches:
        pairs = [(OURS, s) for s in switches if s not in (OURS, BUSY)]
    if BUSY in switches and BRIDGE in switches:
        pairs.append((BUSY, BRIDGE))
    return pairs

# key, label, unit, scale from the recorded unit, which way is better.
FIGURES = [
    ("tcp_ew_1", "TCP east-west, 1 stream", "Gbit/s", 1, "higher"),
    ("tcp_ew_4", "TCP east-west, 4 streams", "Gbit/s", 1, "higher"),
    ("tcp_ns_1", "TCP north-south VM->remote, 1 stream", "Gbit/s", 1,
     "higher"),
    ("udp64_delivered_pps", "UDP 64 B frames delivered", "kpps", 1e-3,
     "higher"),
    ("udp64_offered_pps", "UDP 64 B frames offered", "kpps", 1e-3,
     "higher"),
    ("rtt_median_us", "ping RTT VM->VM, median (10 ms apart)", "us", 1,
     "lower"),
    ("rtt_p99_us", "ping RTT VM->VM, 99th percentile (10 ms apart)", "us",
     1, "lower"),
    ("rtt1ms_median_us", "ping RTT VM->VM, median (1 ms apart)", "us", 1,
     "lower"),
    ("rtt1ms_p99_us", "ping RTT VM->VM, 99th percentile (1 ms apart)",
     "us", 1, "lower"),
    ("loaded_rtt_median_us", "ping RTT vm3->vm4 under load, median "
     "(1 ms apart; vm1->vm2 TCP)", "us", 1, "lower"),
    ("loaded_rtt_p99_us", "ping RTT vm3->vm4 under load, 99th percentile",
     "us", 1, "lower"),
    ("loaded_tcp_gbit", "the load: TCP vm1->vm2 during those pings",
     "Gbit/s", 1, "higher"),
    ("tcp_cpu_per_gbit", "switch CPU per Gbit (TCP E-W 1 stream)",
     "CPU s/Gbit", 1, "lower"),
    ("tcp_cpu_pct", "switch CPU during TCP E-W 1 stream", "% of a CPU", 1,
     "-"),
    ("idle_cpu_pct", "switch CPU with no traffic", "% of a CPU", 1,
     "lower"),
    ("fo_failover_ms", "failover outage", "ms", 1, "lower"),
    ("fo_failback_ms", "failback outage", "ms", 1, "lower"),
    ("fo_drain_ms", "drain outage", "ms", 1, "lower"),
    ("ours_migration_us", "ours: event to new map in use", "us", 1,
     "lower"),
    ("fo_control_ms", "stream loss without event (control)", "ms", 1,
     "lower"),
]


# Shown only when measured (BENCH_SCALE): key, label, unit, scale, better.
def scale_figures(meta):
    sc = meta.get("scale") or {}
    ports = sc.get("ports", 1000)
    blk = max(1, ports // 10)
    figs = []
    for k in range(1, 11):
        figs.append(("addport_ms_b%02d" % k,
                     "add-port, mean per command, ports %d-%d added"
                     % ((k - 1) * blk + 1, k * blk), "ms", 1, "lower"))
    figs.append(("addport_ms_max", "add-port, slowest command of %d"
                 % ports, "ms", 1, "lower"))
    figs.append(("mem_port_kb", "memory per port (RSS growth / %d ports)"
                 % ports, "KiB", 1, "lower"))
    figs.append(("mem_mac_bytes", "memory per MAC entry (RSS growth / "
                 "entries)", "bytes", 1, "lower"))
    macs = sc.get("macs", 10000)
    for n in sc.get("sizes", [4, 64, 256]):
        figs.append(("scale%d_udp64_pps" % n, "%d ports, %d MACs: UDP 64 B "
                     "delivered" % (n, macs), "kpps", 1e-3, "higher"))
        figs.append(("scale%d_rtt_median_us" % n, "%d ports, %d MACs: RTT "
                     "median (1 ms apart)" % (n, macs), "us", 1, "lower"))
        figs.append(("scale%d_rtt_p99_us" % n, "%d ports, %d MACs: RTT "
                     "99th percentile" % (n, macs), "us", 1, "lower"))
    n = sc.get("failover_size", 256)
    figs.append(("scale_fo_migration_us", "%d ports, %d MACs: failover, "
                 "event to new map in use" % (n, macs), "us", 1, "lower"))
    figs.append(("scale_fo_announce_ms", "%d ports, %d MACs: failover, "
                 "cable pulled to last announcement" % (n, macs), "ms", 1,
                 "lower"))
    return figs


def fmt(v):
    """A number in about 3 significant digits."""
    if v is None:
        return "n/a"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def load_samples(path):
    samples = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            rnd, sw, fig, value = parts
            try:
                v = float(value)
            except ValueError:
                continue
            samples.setdefault(fig, {}).setdefault(sw, []).append(
                (int(rnd), v))
    return samples


def summarize(samples, meta):
    switches = [s for s in SWITCHES if s in meta.get("switches", SWITCHES)]
    figures = []
    optional = scale_figures(meta)
    for key, label, unit, scale, better in FIGURES + optional:
        if (key, label, unit, scale, better) in optional and \
                not samples.get(key):
            continue
        values = {}
        for sw in switches:
            got = samples.get(key, {}).get(sw)
            if not got:
                values[sw] = None
                continue
            vs = [v * scale for _, v in sorted(got)]
            values[sw] = {"median": statistics.median(vs), "min": min(vs),
                          "max": max(vs), "samples": vs,
                          "rounds": [r for r, _ in sorted(got)]}
        ratios = {}
        for a, b in ratio_pairs(switches):
            va, vb = values.get(a), values.get(b)
            if va and vb and vb["median"]:
                ratios["%s/%s" % (a, b)] = va["median"] / vb["median"]
            else:
                ratios["%s/%s" % (a, b)] = None
        figures.append({"key": key, "label": label, "unit": unit,
                        "better": better, "values": values,
                        "ratios": ratios})
    return switches, figures


def cell(v):
    if v is None:
        return "n/a"
    return "%s (%s-%s)" % (fmt(v["median"]), fmt(v["min"]), fmt(v["max"]))


def print_table(switches, figures, meta, notes):
    pairs = ratio_pairs(switches)
    head = (["figure", "unit", "better"] + [LABELS[s] for s in switches]
            + ["%s/%s" % p for p in pairs])
    rows = []
    for f in figures:
        row = [f["label"], f["unit"], f["better"]]
        row += [cell(f["values"][s]) for s in switches]
        for p in pairs:
            r = f["ratios"].get("%s/%s" % p)
            row.append("n/a" if r is None else "%.2f" % r)
        rows.append(row)
    widths = [max(len(r[i]) for r in rows + [head])
              for i in range(len(head))]

    def line(r):
        return "  ".join(c.ljust(w) if i < 3 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    print("Benchmark %s: %s, %d round(s) of %d s per traffic run, "
          "median (min-max)" % (meta.get("date", "?"),
                                "QUICK" if meta.get("quick") else "full",
                                meta.get("rounds", 0),
                                meta.get("seconds_per_run", 0)))
    print("Host: %s, %s CPUs, kernel %s" % (
        meta.get("host", {}).get("cpu", "?"),
        meta.get("host", {}).get("cpus", "?"),
        meta.get("host", {}).get("kernel", "?")))
    if meta.get("topology"):
        print("Topology: %s." % meta["topology"])
    print(line(head))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    print("n/a: not measured (a kernel bridge has no process and one "
          "uplink; ours --busy-poll is measured for latency and idle CPU "
          "only; ovs-tso and ovs-ab are not in every part) or failed "
          "(see notes); a ratio is n/a when the other's median is 0.")
    fo = meta.get("failover")
    if fo:
        print("Failover figures: %d repeat(s) per switch (ours, ovs slb, "
              "ovs-ab), median (min-max); a UDP stream vm1 -> rh1 of one "
              "frame every %.1f ms for %s s, the event %s s in; outage = "
              "frames lost x %.1f ms.  Drain: ours %s; ovs slb %s; "
              "ovs-ab %s." % (
                  fo.get("repeats", 0), 1000.0 / fo.get("rate_pps", 1),
                  fo.get("stream_seconds"), fo.get("event_at_seconds"),
                  1000.0 / fo.get("rate_pps", 1),
                  fo.get("drain", {}).get("ours", "?"),
                  fo.get("drain", {}).get("ovs", "?"),
                  fo.get("drain", {}).get("ovs-ab", "?")))
    sc = meta.get("scale") or {}
    if sc.get("on"):
        print("Scale figures (%s; one sample each): %d ports added one "
              "command at a time (veth pairs made beforehand; ours "
              "vswitch-ctl add-port, ovs ovs-vsctl add-port, kernel bridge "
              "ip link set master); %d MACs learned from vm3's frames; "
              "UDP and RTT vm1 -> vm2 at %s ports; memory from the switch "
              "process's VmRSS (a kernel bridge has none)." % (
                  " ".join(sc.get("switches", [])), sc.get("ports", 0),
                  sc.get("macs", 0),
                  ", ".join(str(x) for x in sc.get("sizes", []))))
    if meta.get("offloads"):
        print("Offloads: %s." % meta["offloads"])
    if notes:
        print("Notes:")
        for n in notes:
            print("  - " + n)


def draw(path, switches, figures, meta):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no chart: python3-matplotlib is not installed",
              file=sys.stderr)
        return False
    shown = [f for f in figures
             if any(f["values"].get(s) for s in switches)]
    if not shown:
        print("no chart: no figure was measured", file=sys.stderr)
        return False
    cols = 3
    rows = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.6 * rows),
                             squeeze=False)
    colors = {"ours": "#1f77b4", "ours-bp": "#9467bd", "kbr": "#7f7f7f",
              "ovs": "#ff7f0e", "ovs-tso": "#d62728", "ovs-ab": "#2ca02c"}
    for ax, f in zip(axes.flat, shown):
        xs, hs, lo, hi, cs, names = [], [], [], [], [], []
        for i, s in enumerate(switches):
            v = f["values"].get(s)
            names.append(LABELS[s])
            xs.append(i)
            cs.append(colors.get(s, "#333333"))
            if v:
                hs.append(v["median"])
                lo.append(v["median"] - v["min"])
                hi.append(v["max"] - v["median"])
            else:
                hs.append(0)
                lo.append(0)
                hi.append(0)
        ax.bar(xs, hs, color=cs, yerr=[lo, hi], capsize=4)
        for x, h, s in zip(xs, hs, switches):
            v = f["values"].get(s)
            # Above the whisker, so that the cap does not hide it.
            ax.text(x, v["max"] if v else 0, fmt(h) if v else "n/a",
                    ha="center", va="bottom", fontsize=8)
        ax.set_xticks(xs)
        ax.set_xticklabels(names, fontsize=7, rotation=20, ha="right")
        title = f["label"]
        if f["better"] in ("higher", "lower"):
            title += " (%s is better)" % f["better"]
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(f["unit"], fontsize=8)
        ax.margins(y=0.15)
    for ax in list(axes.flat)[len(shown):]:
        ax.axis("off")
    fig.suptitle("vswitch benchmark %s (%s, %d rounds, median, min-max "
                 "bars)" % (meta.get("date", "?"),
                            "QUICK" if meta.get("quick") else "full",
                            meta.get("rounds", 0)), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--notes", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--png")
    a = ap.parse_args()

    with open(a.meta) as f:
        meta = json.load(f)
    with open(a.notes) as f:
        notes = [n.strip() for n in f if n.strip()]
    samples = load_samples(a.raw)
    switches, figures = summarize(samples, meta)
    print_table(switches, figures, meta, notes)
    with open(a.json, "w") as f:
        json.dump({"meta": meta, "switches": switches,
                   "labels": {s: LABELS[s] for s in switches},
                   "figures": figures, "notes": notes}, f, indent=1)
    print("JSON: %s" % a.json)
    if a.png and draw(a.png, switches, figures, meta):
        print("Chart: %s" % a.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
