#!/usr/bin/python3
"""Summarise `make bench`: one table (stdout and OUT/bench.md) and a plot (OUT/bench.png).

    report.py METRICS OUT key=value...

METRICS holds lines "tool size_mib wall_s cpu_s peak_rss_kib"; the key=value
arguments carry each tool's SHA-256 engine and slotflip's latencies and size.
"""
import os
import statistics
import subprocess
import sys

TOOLS = [
    ("limit", "one pass: read + SHA-256 + write + fsync"),
    ("slotflip", "slotflip install (verify, write, fsync, read back, arm)"),
    ("rauc", "RAUC 1.8 install, plain bundle (no read-back)"),
    ("swupdate", "SWUpdate 2022.12 streamed, to \"successful\" (no read-back, no fsync)"),
]


def main():
    metrics, out = sys.argv[1], sys.argv[2]
    info = dict(a.split("=", 1) for a in sys.argv[3:])
    runs = {}
    for line in open(metrics):
        tool, size, wall, cpu, rss = line.split()
        runs.setdefault((tool, int(size)), []).append((float(wall), float(cpu), int(rss)))
    sizes = sorted({s for _, s in runs})
    med = {k: (statistics.median(w for w, _, _ in v), min(w for w, _, _ in v), max(w for w, _, _ in v),
               statistics.median(c for _, c, _ in v), max(r for _, _, r in v) / 1024, len(v))
           for k, v in runs.items()}

    lines = ["| tool | size | wall s, median (min–max) | CPU s | peak RSS MiB | runs | ÷ slotflip |",
             "|---|---|---|---|---|---|---|"]
    for tool, label in TOOLS:
        for s in sizes:
            if (tool, s) not in med:
                continue
            w, lo, hi, c, r, n = med[(tool, s)]
            ratio = w / med[("slotflip", s)][0] if ("slotflip", s) in med else float("nan")
            lines.append(f"| {label} | {s} MiB | {w:.3f} ({lo:.3f}–{hi:.3f}) | {c:.2f} | {r:.1f} | {n} | {ratio:.2f} |")

    def ratio(a, b, s):
        return med[(a, s)][0] / med[(b, s)][0]

    top = max(sizes)
    checks = []
    if ("slotflip", top) in med:
        for peer, target in (("swupdate", 0.7), ("rauc", 0.5), ("limit", 1.3)):
            if (peer, top) in med:
                r = ratio("slotflip", peer, top)
                checks.append(f"- slotflip ÷ {peer} at {top} MiB: **{r:.2f}** (target ≤ {target}): "
                              f"{'met' if r <= target else 'not met'}")
        rss = [med[("slotflip", s)][4] for s in sizes if ("slotflip", s) in med]
        checks.append(f"- slotflip peak RSS from {min(sizes)} to {top} MiB: "
                      f"{', '.join(f'{x:.1f}' for x in rss)} MiB (target ≤ 8, flat): "
                      f"{'met' if max(rss) <= 8 and max(rss) - min(rss) < 1 else 'not met'}")
    bc = float(info.get("bootcheck_ms", "nan"))
    tr = float(info.get("true_ms", "nan"))
    checks.append(f"- `slotflip boot-check` with nothing pending: {bc:.2f} ms median of 50 "
                  f"(a process that does nothing, /bin/true: {tr:.2f} ms) (target ≤ 5 ms): "
                  f"{'met' if bc <= 5 else 'not met'}")
    checks.append(f"- `slotflip status --json`: {float(info.get('status_ms', 'nan')):.2f} ms median of 50")
    size = int(info.get("size_kib", "0"))
    checks.append(f"- stripped `slotflip` as a board carries it (qemu-x86_64_defconfig: no bundle tool): "
                  f"{size} KiB, dynamically linked against libfdt, mbedTLS and libubootenv "
                  f"(target ≤ 150 KiB): {'met' if size <= 150 else 'not met'}; the host build with "
                  f"`bundle create`: {info.get('host_kib', '?')} KiB")
    engines = [f"- {t}: {info[t]}" for t in ("slotflip", "limit", "rauc", "swupdate") if t in info]

    text = "\n".join(["# Benchmark", "",
                      "Produced by `make bench` (scripts/bench/): every tool installs the same random image "
                      "from the page cache into the same loop-device slot (1 GiB, direct I/O); warm-up runs "
                      "first, then timed runs back to back. One run of the whole bench on this machine; "
                      "compare ratios, not seconds.", "",
                      *lines, "", "Targets:", "", *checks, "", "SHA-256 engines:", "", *engines, ""])
    print(text)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "bench.md"), "w") as f:
        f.write(text)

    dat = os.path.join(os.path.dirname(metrics), "bench.dat")
    with open(dat, "w") as f:
        # columns: size, wall of each tool, peak RSS of each tool (no header: gnuplot would plot it)
        for s in sizes:
            f.write(f"{s}MiB " + " ".join(f"{med[(t, s)][0]:.4f}" if (t, s) in med else "NaN" for t, _ in TOOLS)
                    + " " + " ".join(f"{med[(t, s)][4]:.2f}" if (t, s) in med else "NaN" for t, _ in TOOLS) + "\n")
    plot = f"""
set terminal pngcairo size 1100,460 font ",10"
set output "{os.path.join(out, 'bench.png')}"
set multiplot layout 1,2 title "Installing a raw image into a slot (median of the timed runs)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top left
set grid ytics
set ylabel "wall time (s)"
set title "wall time"
plot "{dat}" using 2:xtic(1) title "one pass (limit)", "" using 3 title "slotflip", "" using 4 title "RAUC", "" using 5 title "SWUpdate"
set logscale y
set ylabel "peak RSS (MiB, log scale)"
set title "peak resident memory"
plot "{dat}" using 6:xtic(1) title "one pass (limit)", "" using 7 title "slotflip", "" using 8 title "RAUC", "" using 9 title "SWUpdate"
unset multiplot
"""
    subprocess.run(["gnuplot"], input=plot.encode(), check=True)


main()
