#!/usr/bin/python3
"""Summarise the delta part of `make bench`: the "Delta bundles" section of OUT/bench.md
(replaced when it exists, appended otherwise) and the plot OUT/bench-delta.png.

    report_delta.py METRICS OUT

METRICS (written by delta.sh) holds the lines
    pair NAME PACKAGE OLD_VERSION NEW_VERSION OLD_BYTES NEW_BYTES
    size NAME FULL BUNDLE PAYLOAD BSDIFF BSDIFF_XZ ZSTD_PATCH_FROM XDELTA3 CREATE_S CREATE_RSS_KIB
    install full|delta NAME WALL_S PEAK_RSS_KIB
"""
import os
import re
import statistics
import subprocess
import sys

TARGETS = {"libssl3": ("bundle", 10.0), "libexpat1": ("bundle", 55.0)}
HEADING = "## Delta bundles"


def pct(a, full):
    return 100.0 * a / full


def main():
    metrics, out = sys.argv[1], sys.argv[2]
    pairs, sizes, inst = [], {}, {}
    for line in open(metrics):
        f = line.split()
        if f[0] == "pair":
            pairs.append(f[1:])
        elif f[0] == "size":
            sizes[f[1]] = [int(x) for x in f[2:9]] + [float(f[9]), int(f[10])]
        elif f[0] == "install":
            inst.setdefault((f[1], f[2]), []).append((float(f[3]), int(f[4])))

    rows = ["| pair | images (old → new) | full: zstd -19 --long=27 | slotflip delta bundle (payload) | "
            "bsdiff | bsdiff + xz | zstd --patch-from | xdelta3 |",
            "|---|---|---|---|---|---|---|---|"]
    irows = ["| pair | full install, wall s (min–max) | delta install, wall s (min–max) | delta ÷ full | "
             "apply peak RSS MiB (full install's) | `bundle create --delta-from` s (peak RSS MiB) |",
             "|---|---|---|---|---|---|"]
    checks, dat = [], []
    for name, pkg, ov, nv, ob, nb in pairs:
        full, bundle, payload, bsd, bsdxz, zpf, xd, create_s, create_rss = sizes[name]
        rows.append(f"| {name}: {pkg} {ov} → {nv} | {int(ob) / 1e6:.2f} → {int(nb) / 1e6:.2f} MB | {full:,} B | "
                    f"**{pct(bundle, full):.2f} %** ({bundle:,} B; payload {payload:,} B) | {pct(bsd, full):.2f} % | "
                    f"{pct(bsdxz, full):.2f} % | {pct(zpf, full):.2f} % | {pct(xd, full):.2f} % |")
        fw = [w for w, _ in inst[("full", name)]]
        dw = [w for w, _ in inst[("delta", name)]]
        drss = max(r for _, r in inst[("delta", name)]) / 1024
        frss = max(r for _, r in inst[("full", name)]) / 1024
        ratio = statistics.median(dw) / statistics.median(fw)
        irows.append(f"| {name} | {statistics.median(fw):.3f} ({min(fw):.3f}–{max(fw):.3f}) | "
                     f"{statistics.median(dw):.3f} ({min(dw):.3f}–{max(dw):.3f}) | {ratio:.2f} | {drss:.1f} ({frss:.1f}) | "
                     f"{create_s:.1f} ({create_rss / 1024:.0f}) |")
        if name in TARGETS:
            target = TARGETS[name][1]
            v = pct(bundle, full)
            checks.append(f"- {name}: whole signed delta bundle **{v:.2f} %** of the full image "
                          f"(target ≤ {target:g} %): {'met' if v <= target else 'not met'}")
        elif name == "rebuild":
            checks.append(f"- rebuild with no code change ({pkg}, {int(nb) / 1e6:.0f} MB image): payload "
                          f"**{payload} B** (target ≤ 1 KiB): {'met' if payload <= 1024 else 'not met'}; "
                          f"whole bundle **{bundle} B** (target ≤ 2 KiB): {'met' if bundle <= 2048 else 'not met'}")
        checks.append(f"- {name}: apply peak RSS {drss:.1f} MiB (target ≤ 8): {'met' if drss <= 8 else 'not met'}; "
                      f"delta install ÷ full install {ratio:.2f} (target ≤ 1.2): {'met' if ratio <= 1.2 else 'not met'}")
        dat.append(f"{name} {pct(bundle, full):.4f} {pct(bsd, full):.4f} {pct(bsdxz, full):.4f} "
                   f"{pct(zpf, full):.4f} {pct(xd, full):.4f} {statistics.median(fw):.4f} {statistics.median(dw):.4f}")

    section = "\n".join([
        HEADING, "",
        "Produced by `make bench` (or `make bench-delta` alone; scripts/bench/delta.sh): real Debian security "
        "updates, each package's files without `usr/share/doc` as an uncompressed reproducible erofs "
        "(`SOURCE_DATE_EPOCH=0 mkfs.erofs -T0 -U <fixed uuid> --all-root`). Every size is a percentage of "
        "\"full\", the new image compressed with `zstd -19 --long=27`; slotflip's figure is the whole signed "
        "bundle (RSA-4096 signature), the others are bare patch files. bsdiff + xz is bsdiff's three streams "
        "recompressed with xz (2 MiB dictionary).", "",
        *rows, "",
        "Installs on one board, slots on loop devices with direct I/O, the delta bundle and the full bundle of "
        "the same new image run alternately (median of the timed runs; bundles and the active slot in the page "
        "cache). The delta install also reads and hashes the active slot before anything is written.", "",
        *irows, "", "Targets:", "", *checks, "",
        "![delta sizes and install times](bench-delta.png)", ""])
    path = os.path.join(out, "bench.md")
    text = open(path).read() if os.path.exists(path) else ""
    m = re.search(r"^" + re.escape(HEADING) + r"$", text, re.M)
    text = (text[:m.start()] if m else text.rstrip("\n") + "\n\n") + section
    with open(path, "w") as f:
        f.write(text)
    print(section)

    datf = os.path.join(os.path.dirname(metrics), "delta.dat")
    with open(datf, "w") as f:
        f.write("\n".join(dat) + "\n")
    plot = f"""
set terminal pngcairo size 1100,460 font ",10"
set output "{os.path.join(out, 'bench-delta.png')}"
set multiplot layout 1,2 title "Delta bundles on real Debian security updates"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top right
set grid ytics
set logscale y
set ylabel "% of the full image (zstd -19 --long=27), log scale"
set title "size"
plot "{datf}" using 2:xtic(1) title "slotflip (whole bundle)", "" using 3 title "bsdiff", "" using 4 title "bsdiff + xz", "" using 5 title "zstd --patch-from", "" using 6 title "xdelta3"
unset logscale y
set key top left
set ylabel "wall time (s)"
set title "install of the new image"
plot "{datf}" using 7:xtic(1) title "full bundle", "" using 8 title "delta bundle"
unset multiplot
"""
    subprocess.run(["gnuplot"], input=plot.encode(), check=True)


main()
