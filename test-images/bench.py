#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Soft-restart activation against a full reboot cycle, in the same VM.

  test-images/bench.py --out OUT [--runs N]

Boots a QEMU test system (OUT from test-images/build.sh, any board) once with
the control script test-images/ctl/bench.sh: N times it installs the webkit
patch and activates it with 'slotflip activate' (soft restart), then N times
it installs the patch and reboots, so that the boot-check activates it. The
console harness timestamps every line on the host; a run's time is the
distance between its start and end lines. Prints every run, the medians and
their ratio. Exit status 0 when all 2N runs completed.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scenarios  # noqa: E402  (same folder)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--runs', type=int, default=5)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    lay = scenarios.layout(out)
    with open(os.path.join(HERE, 'ctl', 'bench.sh')) as f:
        ctl = f.read().replace('@RUNS@', str(a.runs))
    ctl_path = os.path.join(out, 'bench-ctl.sh')
    with open(ctl_path, 'w') as f:
        f.write(ctl)
    s = dict(name='bench', ctl=ctl_path, bundles=['webkit-26.3a.fit'])
    run, img, _ = scenarios.prepare(out, lay, s)
    log = os.path.join(run, 'console.log')
    rc = subprocess.run(['python3', os.path.join(HERE, 'qemu-console.py'), '--quiet', '--log', log,
                         '--timeout', str(60 + 20 * a.runs), '--until', 'SF-TEST: done', '--']
                        + scenarios.qemu_cmd(out, img)).returncode
    t = {}
    with open(log, errors='replace') as f:
        for line in f:
            m = re.match(r'\[\s*([0-9.]+)\] SF-BENCH: (soft|reboot) (start|end) (\d+)', line)
            if m:
                t[(m.group(2), m.group(3), int(m.group(4)))] = float(m.group(1))
    result = {}
    for kind in ('soft', 'reboot'):
        runs = [t[(kind, 'end', i)] - t[(kind, 'start', i)] for i in range(1, a.runs + 1)
                if (kind, 'start', i) in t and (kind, 'end', i) in t]
        result[kind] = runs
        print('%-7s %s' % (kind, ' '.join('%.2f' % x for x in runs)))
    ok = rc == 0 and all(len(v) == a.runs for v in result.values())
    if not ok:
        print('bench: incomplete (console harness status %d), log: %s' % (rc, log))
        sys.exit(1)
    soft, reboot = statistics.median(result['soft']), statistics.median(result['reboot'])
    print('activation of the webkit patch, median of %d runs (TCG, 1 vCPU):' % a.runs)
    print('  soft restart (slotflip activate)   %6.2f s  (min %.2f, max %.2f)'
          % (soft, min(result['soft']), max(result['soft'])))
    print('  full reboot (U-Boot, kernel, init) %6.2f s  (min %.2f, max %.2f)'
          % (reboot, min(result['reboot']), max(result['reboot'])))
    print('  the soft restart takes %.0f %% of the reboot cycle (%.1fx faster)'
          % (100 * soft / reboot, reboot / soft))


if __name__ == '__main__':
    main()
