#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Run the QEMU scenarios of a test board (qemu-x86_64, qemu-arm64) and check them.

  test-images/scenarios.py --out OUT [--jobs N] [--demo] [NAME...]

OUT is what test-images/build.sh made. Each scenario runs on its own sparse
copy of OUT/disk.img (OUT/run/NAME/), with its bundles in the payload
partition (a tar) and its control script (test-images/ctl/) in the testctl
partition; the guest's /init runs that script after the boot-check. The
console goes through test-images/qemu-console.py (timestamps, power cuts,
restarts). A scenario passes when
  - its console markers appear in order (U-Boot's, the kernel's, /init's and
    slotflip's own lines),
  - no forbidden marker appears (e.g. a second boot in a soft restart),
  - the final environment, read on the host with fw_printenv -c from the
    image file, holds the expected values ("" = absent; BundleId(NAME): the
    id of that bundle, computed here from its FIT header),
  - with 'stores': libubootenv stored the environment that many times since
    the factory state (the current copy's flags byte counts them; U-Boot's
    script writes each copy with the flags it read).
Prints one line per scenario and a last line "N passed, M failed".
--demo plays the scenarios with their console lines (slotflip's, U-Boot's,
the services') as they come. Exit status 0 when every scenario passed.
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
# the environment test-images/build.sh writes (slotflip init --factory ...);
# every sf_* variable of both components, "" = absent
FACTORY = {}
for _c, _floor, _ver in (('rootfs', '1', '1.0'), ('webkit', '3', '26.3')):
    FACTORY.update({'sf_%s_%s' % (_c, k): '' for k in
                    ('trial', 'tries', 'bad', 'bad_why', 'b_ver', 'b_sv')})
    FACTORY.update({'sf_%s_active' % _c: 'a', 'sf_%s_floor' % _c: _floor,
                    'sf_%s_a_ver' % _c: _ver, 'sf_%s_a_sv' % _c: _floor})


def env(**kw):
    e = dict(FACTORY)
    e.update({k if k.startswith('sf_') else 'sf_' + k: v for k, v in kw.items()})
    return e


class BundleId:
    """An expected sf_C_*_id: the id of bundle NAME in OUT/bundles (docs/environment.md)."""

    def __init__(self, name):
        self.name = name

    def value(self, out):
        with open(os.path.join(out, 'bundles', self.name), 'rb') as f:
            head = f.read(8)
            f.seek(0)
            return hashlib.sha256(f.read(int.from_bytes(head[4:8], 'big'))).hexdigest()[:16]

    def __repr__(self):
        return 'the id of %s' % self.name


def status(**comps):
    """The console line of 'slotflip status --json' (ctl: sf_status) with, per component in
    the board's order, (active, trial or None, tries_left, the reason of its last failure or
    None); the components with a trial must name the same set."""
    parts = []
    set_re = '"(?P<set>[0-9a-f]{16})"'
    for c, (active, trial, tries, failure) in comps.items():
        parts.append(r'"%s": \{[^{}]*"active": "%s", "trial": %s, "tries_left": %d, [^{}]*"set": %s, '
                     r'[^{}]*"failure": %s' % (c, active, '"%s"' % trial if trial else 'null', tries,
                                               set_re if trial else 'null',
                                               r'\{"reason": "%s"' % failure if failure else 'null'))
        if trial:
            set_re = '"(?P=set)"'
    return r'SF-TEST: status \{.*' + '.*'.join(parts)


# U-Boot's lines (boot/boot.cmd)
UB_TRIAL = r'slotflip: rootfs: trial b, tries %d -> %d'
UB_BOOT_A = r'slotflip: boot rootfs slot a '
UB_BOOT_B = r'slotflip: boot rootfs slot b '
UB_NO_TRIES = r'slotflip: rootfs: trial b has no tries left: falling back to a'
UB_FAIL = 'tries-exhausted U-Boot found no try left for slot b'  # sf_rootfs_fail after that
UP = r'SF: rootfs %s up, slot %s,'
SERVING = r"SF-TEST: serving 'webkit %s'"
# activate of a set whose reboot member has not booted yet (exit 12)
WAITING = r'slotflip: \d components? waits? for the reboot that tries the rest of .* bundle; nothing was switched'

SCENARIOS = [
    dict(name='a', ctl='a-soft-patch.sh', title='userspace patch, soft restart, committed without a reboot',
         bundles=['webkit-26.3a.fit'], timeout=60,
         expect=[UP % ('1.0', 'a'), SERVING % r'26\.3', r'install webkit-26.3a.fit exit 0',
                 r'SF: webkit stopped', r'webkit selftest: health .ok.', r'SF: webkit 26.3 \(a\) started',
                 r'[a-z]+: committed', r'SF-TEST: activate exit 0', SERVING % r'26\.3 \(a\)',
                 r'SF-TEST: done'],
         once=[r'U-Boot 20\d\d', r'SF: rootfs .* up'],
         env=env(webkit_active='b', webkit_b_ver='26.3 (a)', webkit_b_sv='4')),
    dict(name='b', ctl='b-soft-patch-unhealthy.sh',
         title='userspace patch failing its health check, automatic fallback',
         bundles=['webkit-26.3b.fit'], timeout=60,
         expect=[SERVING % r'26\.3', r'install webkit-26.3b.fit exit 0', r'SF: webkit stopped',
                 r"webkit selftest: health 'broken'", r'SF: webkit 26.3 started',
                 r'[a-z]+: fell-back', r'SF-TEST: activate exit 6', SERVING % r'26\.3',
                 r'SF-TEST: done'],
         once=[r'U-Boot 20\d\d', r'SF: rootfs .* up'],
         env=env(webkit_bad='b', webkit_bad_why='failed', webkit_b_ver='26.3 (b)', webkit_b_sv='4',
                 webkit_fail="health-check-failed health check 'webkit/10-selftest' exited with status 1",
                 webkit_fail_ver='26.3 (b)')),
    dict(name='c', ctl='c-rootfs-update.sh', title='kernel/rootfs update, reboot, trial, committed',
         bundles=['rootfs-1.1.fit'], timeout=90,
         expect=[UP % ('1.0', 'a'), r'install rootfs-1.1.fit exit 0', r'SF-TEST: reboot',
                 UB_TRIAL % (3, 2), UB_BOOT_B + r'.*slotflip\.rootfs=b', UP % ('1.1', 'b'),
                 r'[a-z]+: committed', r'SF: boot-check exit 0', r'SF-TEST: done'],
         env=env(rootfs_active='b', rootfs_floor='2', rootfs_b_ver='1.1', rootfs_b_sv='2')),
    dict(name='d', ctl='d-rootfs-panic.sh', title='kernel panics, U-Boot falls back after the tries',
         bundles=['rootfs-1.2.fit'], timeout=180,
         expect=[r'install rootfs-1.2.fit exit 0', r'SF-TEST: reboot',
                 UB_TRIAL % (3, 2), UP % ('1.2', 'b'), r'Kernel panic',
                 UB_TRIAL % (2, 1), UP % ('1.2', 'b'), r'Kernel panic',
                 UB_TRIAL % (1, 0), UP % ('1.2', 'b'), r'Kernel panic',
                 UB_NO_TRIES, UB_BOOT_A, UP % ('1.0', 'a'), r'nothing pending', r'SF-TEST: done'],
         env=env(rootfs_bad='b', rootfs_bad_why='failed', rootfs_b_ver='1.2', rootfs_b_sv='2',
                 rootfs_fail='tries-exhausted U-Boot found no try left for slot b')),
    dict(name='e', ctl='e-rootfs-hang.sh', title='init hangs, watchdog resets, U-Boot falls back',
         bundles=['rootfs-1.3.fit'], timeout=150,
         expect=[r'install rootfs-1.3.fit exit 0', r'SF-TEST: reboot',
                 UB_TRIAL % (3, 2), r'init hangs, watchdog armed', r'softdog: Initiating system reboot',
                 UB_TRIAL % (2, 1), r'init hangs, watchdog armed', r'softdog: Initiating system reboot',
                 UB_TRIAL % (1, 0), r'init hangs, watchdog armed', r'softdog: Initiating system reboot',
                 UB_NO_TRIES, UP % ('1.0', 'a'), r'SF-TEST: done'],
         env=env(rootfs_bad='b', rootfs_bad_why='failed', rootfs_b_ver='1.3', rootfs_b_sv='2',
                 rootfs_fail='tries-exhausted U-Boot found no try left for slot b')),
    dict(name='j', ctl='j-rootfs-unhealthy.sh',
         title='rootfs update failing its health check: fallback, reboot to the old slot',
         bundles=['rootfs-1.4.fit'], timeout=90,
         expect=[r'install rootfs-1.4.fit exit 0', r'SF-TEST: reboot', UB_TRIAL % (3, 2), UP % ('1.4', 'b'),
                 r'rootfs: no watchdog', r'[a-z]+: fell-back', r'SF: boot-check exit 6',
                 r'SF: rootfs fell back from slot b: rebooting', UB_BOOT_A, UP % ('1.0', 'a'),
                 r'nothing pending', r'SF-TEST: done'],
         env=env(rootfs_bad='b', rootfs_bad_why='failed', rootfs_b_ver='1.4', rootfs_b_sv='2',
                 rootfs_fail="health-check-failed health check 'rootfs/10-devices' exited with status 1",
                 rootfs_fail_ver='1.4')),
    dict(name='l', ctl='l-mixed-bundle.sh',
         title='rootfs + webkit patch requiring it, kernel panics: both fall back',
         bundles=['rootfs-1.2+webkit-26.3c.fit'], timeout=180,
         expect=[UP % ('1.0', 'a'), r'install rootfs-1\.2\+webkit-26\.3c\.fit exit 0', r'webkit: waiting-for-reboot',
                 WAITING, r'SF-TEST: activate exit 12', SERVING % r'26\.3',
                 status(rootfs=('a', 'b', 3, None), webkit=('a', 'b', 3, None)),
                 r'SF-TEST: reboot', UB_TRIAL % (3, 2), UP % ('1.2', 'b'), r'Kernel panic',
                 UB_TRIAL % (2, 1), UP % ('1.2', 'b'), r'Kernel panic',
                 UB_TRIAL % (1, 0), UP % ('1.2', 'b'), r'Kernel panic',
                 UB_NO_TRIES, UB_BOOT_A, UP % ('1.0', 'a'), r'webkit: fell-back',
                 r'slotflip: .*rootfs of the same bundle fell back', r'SF: boot-check exit 6',
                 r'SF: webkit 26\.3 started', SERVING % r'26\.3',
                 status(rootfs=('a', None, 0, 'tries-exhausted'), webkit=('a', None, 0, 'set-fell-back')),
                 r'SF-TEST: done'],
         forbid=[r'SF: webkit stopped', r'webkit selftest', r'SF: webkit 26\.3 \(c\)', r'rootfs: fell-back',
                 r'rebooting into the committed'],
         stores=3,  # install 2, activate 0, U-Boot's fallback (flags kept), the boot-check's fallback 1
         env=env(rootfs_bad='b', rootfs_bad_why='failed', rootfs_b_ver='1.2', rootfs_b_sv='2', rootfs_fail=UB_FAIL,
                 rootfs_b_id=BundleId('rootfs-1.2+webkit-26.3c.fit'),
                 webkit_bad='b', webkit_bad_why='failed', webkit_b_ver='26.3 (c)', webkit_b_sv='4',
                 webkit_b_id=BundleId('rootfs-1.2+webkit-26.3c.fit'), webkit_b_req='rootfs>=1.2',
                 webkit_fail='set-fell-back rootfs of the same bundle fell back', webkit_fail_ver='26.3 (c)')),
    dict(name='m', ctl='l-mixed-bundle.sh',
         title='rootfs + webkit patch requiring it, healthy: both committed at boot',
         bundles=['rootfs-1.1+webkit-26.3c.fit'], timeout=90,
         expect=[UP % ('1.0', 'a'), r'install rootfs-1\.1\+webkit-26\.3c\.fit exit 0', r'webkit: waiting-for-reboot',
                 WAITING, r'SF-TEST: activate exit 12', SERVING % r'26\.3',
                 status(rootfs=('a', 'b', 3, None), webkit=('a', 'b', 3, None)),
                 r'SF-TEST: reboot', UB_TRIAL % (3, 2), UB_BOOT_B + r'.*slotflip\.rootfs=b', UP % ('1.1', 'b'),
                 r"webkit selftest: health 'ok'", r'rootfs: committed', r'webkit: committed', r'SF: boot-check exit 0',
                 r'SF: webkit 26\.3 \(c\) started', SERVING % r'26\.3 \(c\)',
                 status(rootfs=('b', None, 0, None), webkit=('b', None, 0, None)), r'SF-TEST: done'],
         forbid=[r'SF: webkit stopped'],
         stores=4,  # install 2, activate 0, the boot-check: webkit's try 1, the commit of both 1
         env=env(rootfs_active='b', rootfs_floor='2', rootfs_b_ver='1.1', rootfs_b_sv='2',
                 rootfs_b_id=BundleId('rootfs-1.1+webkit-26.3c.fit'),
                 webkit_active='b', webkit_b_ver='26.3 (c)', webkit_b_sv='4',
                 webkit_b_id=BundleId('rootfs-1.1+webkit-26.3c.fit'), webkit_b_req='rootfs>=1.1')),
    dict(name='f', ctl='f-cut-slot-write.sh', title='power cut while the slot is written',
         bundles=['rootfs-1.1.fit'], timeout=90, restarts=1,
         cut=[r'"phase": "write", "component": "rootfs", "event": "progress", "done": [1-9]'],
         expect=[r'SF-TEST: install rootfs-1.1.fit', r'"phase": "write"', r'### power cut', r'### power on',
                 UB_BOOT_A, UP % ('1.0', 'a'), r'nothing pending', r'SF-TEST: done'],
         forbid=[UB_BOOT_B, r'install rootfs-1.1.fit exit'],
         cut_mid_write=True, env_unchanged=True,
         env=env()),
    dict(name='g', ctl='g-cut-env-store.sh',
         title='power cut between U-Boot'"'"'s env copy writes: old state, try spent again',
         bundles=['rootfs-1.1.fit'], timeout=90, restarts=1,
         cut=[r'slotflip: test hold'],
         expect=[r'install rootfs-1.1.fit exit 0', UB_TRIAL % (3, 2), r'slotflip: wrote env copy',
                 r'### power cut', r'### power on', UB_TRIAL % (3, 2), r'slotflip: wrote env copy',
                 r'slotflip: wrote env copy', UP % ('1.1', 'b'), r'[a-z]+: committed', r'SF-TEST: done'],
         env=env(rootfs_active='b', rootfs_floor='2', rootfs_b_ver='1.1', rootfs_b_sv='2')),
    dict(name='g2', ctl='g-cut-env-store.sh',
         title='power cut after both of U-Boot'"'"'s env copy writes: new state, next try',
         bundles=['rootfs-1.1.fit'], timeout=90, restarts=1,
         cut=[r'slotflip: test hold .* after env copy 1'],
         expect=[r'install rootfs-1.1.fit exit 0', UB_TRIAL % (3, 2), r'slotflip: wrote env copy 2',
                 r'slotflip: wrote env copy 1', r'### power cut', r'### power on', UB_TRIAL % (2, 1),
                 UP % ('1.1', 'b'), r'[a-z]+: committed', r'SF-TEST: done'],
         env=env(rootfs_active='b', rootfs_floor='2', rootfs_b_ver='1.1', rootfs_b_sv='2')),
    dict(name='i', ctl='i-soft-patch-at-boot.sh',
         title='userspace patch armed, then a real boot: the boot-check commits it',
         bundles=['webkit-26.3a.fit'], timeout=60,
         expect=[r'install webkit-26.3a.fit exit 0', r'SF-TEST: reboot', UB_BOOT_A, UP % ('1.0', 'a'),
                 r"webkit selftest: health 'ok'", r'[a-z]+: committed', r'SF: boot-check exit 0',
                 r'SF: webkit 26.3 \(a\) started', SERVING % r'26\.3 \(a\)', r'SF-TEST: done'],
         forbid=[r'slotflip: rootfs: trial'],
         env=env(webkit_active='b', webkit_b_ver='26.3 (a)', webkit_b_sv='4')),
    dict(name='h', ctl='h-remove-patch.sh', title='removal of a committed userspace patch, soft restart',
         bundles=['webkit-26.3a.fit'], timeout=60,
         expect=[r'install webkit-26.3a.fit exit 0', r'SF-TEST: activate exit 0', SERVING % r'26\.3 \(a\)',
                 r'SF: webkit stopped', r'SF: webkit 26.3 started', r'removed the update of webkit',
                 r'SF-TEST: remove exit 0', SERVING % r'26\.3', r'SF-TEST: done'],
         once=[r'U-Boot 20\d\d', r'SF: rootfs .* up'],
         env=env(webkit_bad='b', webkit_bad_why='removed', webkit_b_ver='26.3 (a)', webkit_b_sv='4',
                 webkit_removed='4 26.3 (a)')),
]

SYSTEMD_UNIT = r'SF-TEST: unit %s ActiveState=%s ExecMainStatus=%d Result=%s'
SCENARIOS.insert(0,  # the longest first: it overlaps the others
    dict(name='k', ctl='k-systemd-window.sh', image='systemd', clock='01:45:00',
         title='systemd: boot-check before the service; the window timer activates, then rolls back',
         bundles=['webkit-26.3a.fit', 'webkit-26.3b.fit'], timeout=420,
         expect=[r'SF: rootfs systemd up, slot a', r'slotflip\[\d+\]: nothing pending', r'SF: webkit 26\.3 started',
                 r'SF-TEST: Startup finished in', r'SF-TEST: the boot-check ended before webkit started',
                 SYSTEMD_UNIT % ('slotflip-boot-check.service', 'active', 0, 'success'), SERVING % r'26\.3',
                 r'SF-TEST: policy: automatic updates: on', r'install webkit-26.3a.fit exit 0',
                 r'outside the window 02:00-03:00 \(now 01:59\): nothing activated', r'SF-TEST: activate --due exit 0',
                 r'slotflip-window.service', r'SF: webkit stopped', r'SF: webkit 26.3 \(a\) started',
                 r'SF-TEST: sf_webkit_active=b after', r"SF-TEST: window: webkit selftest: health 'ok'",
                 r'SF-TEST: window: webkit: committed',
                 SYSTEMD_UNIT % ('slotflip-window.service', 'inactive', 0, 'success'), SERVING % r'26\.3 \(a\)',
                 r'install webkit-26.3b.fit exit 0', r'SF: webkit stopped', r'SF: webkit 26.3 \(a\) started',
                 r'SF-TEST: sf_webkit_bad=a after', r"SF-TEST: window: webkit selftest: health 'broken'",
                 r'SF-TEST: window: webkit: fell-back',
                 SYSTEMD_UNIT % ('slotflip-window.service', 'failed', 6, 'exit-code'),
                 r'SF-TEST: failed: .*slotflip-window.service', SERVING % r'26\.3 \(a\)', r'SF-TEST: done'],
         forbid=[r'ORDER WRONG', r'\[FAILED\] Failed to start slotflip-b'],
         once=[r'U-Boot 20\d\d', r'SF: rootfs .* up'],
         env=dict(env(webkit_active='b', webkit_a_ver='26.3 (b)', webkit_a_sv='4', webkit_b_ver='26.3 (a)',
                      webkit_b_sv='4', webkit_bad='a', webkit_bad_why='failed',
                      webkit_fail="health-check-failed health check 'webkit/10-selftest' exited with status 1",
                      webkit_fail_ver='26.3 (b)'),
                  sf_auto='on', sf_window='02:00-03:00')))

DEMO_LINES = re.compile(r'slotflip|SF[:-]|Kernel panic|softdog|### |webkit|committed|fell back|fell-back|removed|'
                        r'nothing pending|^(rootfs|webkit|board)\b|^\s+slot |^U-Boot 20')


def layout(out):
    vals = {}
    with open(os.path.join(out, 'layout.env')) as f:
        for line in f:
            k, v = line.strip().split('=', 1)
            vals[k] = int(v, 0)
    return vals


def put(img, offset, data):
    with open(img, 'r+b') as f:
        f.seek(offset)
        f.write(data)


def read_env(cfg):
    r = subprocess.run(['fw_printenv', '-c', cfg], capture_output=True, text=True)
    vals = {}
    for line in r.stdout.splitlines():
        if '=' in line:
            k, v = line.split('=', 1)
            vals[k] = v
    return vals, r.returncode


def env_generation(img, lay):
    """The flags byte of the environment copy libubootenv reads in the image file @img
    (both copies valid: copy 2 when its flags are greater, 255 -> 0 wrapping; else the valid one)."""
    copies = []
    with open(img, 'rb') as f:
        for k in ('ENV1_OFFSET', 'ENV2_OFFSET'):
            f.seek(lay[k])
            b = f.read(lay['ENV_SIZE'])
            copies.append(b[4] if zlib.crc32(b[5:]) == int.from_bytes(b[:4], 'little') else None)
    f1, f2 = copies
    if f1 is None or f2 is None:
        return f2 if f1 is None else f1
    newer2 = (f2 > f1 and not (f2 == 255 and f1 == 0)) or (f1 == 255 and f2 == 0)
    return f2 if newer2 else f1


def qemu_cmd(out, img, clock=None):
    """QEMU for the disk image @img: the board's command (OUT/qemu.cmd, from its profile in
    test-images/boards/); @clock 'HH:MM:SS' starts the guest's RTC at that time today (UTC)."""
    rtc = ['-rtc', 'base=%sT%s' % (time.strftime('%Y-%m-%d', time.gmtime()), clock)] if clock else []
    with open(os.path.join(out, 'qemu.cmd')) as f:
        words = [w.replace('@OUT@', out).replace('@DISK@', img) for w in f.read().splitlines() if w]
    return words + rtc


def image_dir(out, s):
    """The folder of the scenario's disk: OUT, or OUT/systemd for the systemd image."""
    return os.path.join(out, s['image']) if s.get('image') else out


def prepare(out, lay, s):
    run = os.path.join(out, 'run', s['name'])
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(run)
    img = os.path.join(run, 'disk.img')
    subprocess.run(['cp', '--sparse=always', os.path.join(image_dir(out, s), 'disk.img'), img], check=True)
    tar = os.path.join(run, 'payload.tar')
    subprocess.run(['tar', '-cf', tar, '-C', os.path.join(out, 'bundles')] + s['bundles'], check=True)
    with open(tar, 'rb') as f:
        put(img, lay['P%d_OFFSET' % lay['PAYLOAD_PART']], f.read())
    with open(os.path.join(HERE, 'ctl', s['ctl']), 'rb') as f:  # an absolute ctl path stays as is
        ctl = f.read()
    if len(ctl) >= 65536:
        raise SystemExit('%s: control script too large' % s['ctl'])
    put(img, lay['P%d_OFFSET' % lay['TESTCTL_PART']], ctl.ljust(65536 + 16, b'\0'))
    cfg = os.path.join(run, 'fw_env.config')
    with open(cfg, 'w') as f:
        f.write('%s 0x%x 0x%x\n%s 0x%x 0x%x\n' % (img, lay['ENV1_OFFSET'], lay['ENV_SIZE'],
                                                   img, lay['ENV2_OFFSET'], lay['ENV_SIZE']))
    return run, img, cfg


def check_markers(lines, s):
    """Problems found in the console lines of scenario s."""
    bad = []
    i = 0
    for line in lines:
        if i < len(s['expect']) and re.search(s['expect'][i], line):
            i += 1
    bad += ['missing (in order): %s' % m for m in s['expect'][i:]]
    for m in s.get('forbid', []):
        hit = [line for line in lines if re.search(m, line)]
        if hit:
            bad.append('forbidden: %s' % hit[0].strip())
    for m in s.get('once', []):
        count = sum(1 for line in lines if re.search(m, line))
        if count != 1:
            bad.append('%d lines match %s, want exactly 1' % (count, m))
    if s.get('cut_mid_write'):
        cut = [k for k, line in enumerate(lines) if '### power cut' in line]
        last = None
        for line in lines[:cut[0]] if cut else []:
            m = re.search(r'"done": (\d+), "total": (\d+)', line)
            if m:
                last = (int(m.group(1)), int(m.group(2)))
        if not last or not 0 < last[0] < last[1]:
            bad.append('the power cut did not fall inside the slot write (last progress %s)' % (last,))
    return bad


def run_one(out, lay, s, demo):
    lay = layout(image_dir(out, s))
    run, img, cfg = prepare(out, lay, s)
    log = os.path.join(run, 'console.log')
    args = ['python3', os.path.join(HERE, 'qemu-console.py'), '--log', log, '--timeout', str(s['timeout']),
            '--until', r'SF-TEST: done', '--restarts', str(s.get('restarts', 0))]
    for c in s.get('cut', []):
        args += ['--cut', c]
    if not demo:
        args.append('--quiet')
    t0 = time.monotonic()
    if demo:
        print('\n=== scenario %s: %s' % (s['name'], s['title']), flush=True)
        p = subprocess.Popen(args + ['--'] + qemu_cmd(out, img, s.get('clock')), stdout=subprocess.PIPE, text=True)
        for line in p.stdout:
            text = line.split('] ', 1)[-1]
            if DEMO_LINES.search(text) and 'Info: input data size' not in text:
                print(line.rstrip(), flush=True)
        rc = p.wait()
    else:
        rc = subprocess.run(args + ['--'] + qemu_cmd(out, img, s.get('clock')), stdout=subprocess.DEVNULL).returncode
    took = time.monotonic() - t0
    with open(log, errors='replace') as f:
        lines = f.read().splitlines()
    bad = [] if rc == 0 else ['console harness status %d (1 timeout, 2 guest exited early)' % rc]
    bad += check_markers(lines, s)
    got, erc = read_env(cfg)
    if erc:
        bad.append('fw_printenv cannot read the final environment')
    for k, v in s['env'].items():
        want = v.value(out) if isinstance(v, BundleId) else v
        if got.get(k, '') != want:
            bad.append('env %s = %r, want %r' % (k, got.get(k, ''), v if want == v else '%s (%r)' % (want, v)))
    if 'stores' in s:
        before = env_generation(os.path.join(image_dir(out, s), 'disk.img'), lay)
        after = env_generation(img, lay)
        if None in (before, after) or (after - before) % 256 != s['stores']:
            bad.append('the environment was stored %s times since the factory state, want %d' %
                       ('?' if None in (before, after) else (after - before) % 256, s['stores']))
    for k in sorted(set(got) - set(s['env'])):
        # a slot's bundle id depends on the bundle's bytes: it must only be one
        if re.fullmatch(r'sf_[a-z0-9_]+_[ab]_id', k) and re.fullmatch(r'[0-9a-f]{16}', got[k]):
            continue
        if k.startswith('sf_'):
            bad.append('env %s = %r is unexpected' % (k, got[k]))
    if s.get('env_unchanged'):
        before, _ = read_env(os.path.join(image_dir(out, s), 'fw_env.host.config'))
        if before != got:
            bad.append('env changed: %s -> %s' % (before, got))
    boots = sum(1 for line in lines if re.search(r'SF: rootfs .* up', line))
    return s, bad, took, boots, run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--demo', action='store_true')
    ap.add_argument('names', nargs='*')
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    lay = layout(out)
    todo = [s for s in SCENARIOS if not a.names or s['name'] in a.names]
    unknown = set(a.names) - {s['name'] for s in SCENARIOS}
    if unknown:
        raise SystemExit('unknown scenario(s): %s' % ' '.join(sorted(unknown)))
    t0 = time.monotonic()
    passed = failed = 0
    jobs = 1 if a.demo else max(1, a.jobs)
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for s, bad, took, boots, run in ex.map(lambda s: run_one(out, lay, s, a.demo), todo):
            verdict = 'FAIL' if bad else 'PASS'
            print('%s %-3s %-72s %5.1f s, %d boot%s' % (verdict, s['name'], s['title'], took, boots,
                                                        '' if boots == 1 else 's'), flush=True)
            for b in bad:
                print('         %s' % b)
            if bad:
                print('         console: %s' % os.path.join(run, 'console.log'))
                failed += 1
            else:
                passed += 1
    print('qemu scenarios: %.0f s wall time' % (time.monotonic() - t0))
    print('%d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
