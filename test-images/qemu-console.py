#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Drive a QEMU guest through its serial console.

Runs a command (qemu-system-x86_64 ... -serial stdio) with the guest console on
its stdin/stdout, stamps every console line with the seconds since the harness
started, and acts on console lines:

  --until REGEX       stop the guest (SIGTERM, then SIGKILL) once REGEX has been
                      seen --count times; this is the success condition
  --cut REGEX         power cut: SIGKILL the guest as soon as a line matches.
                      Cuts fire once each, in the order given. Combine with a
                      hold in the guest (it prints, then sleeps) for an exact
                      cut point: the guest runs on for a few ms after a line.
  --restarts N        when the guest exits by itself or was cut, start the same
                      command again (a power cycle: the disk image keeps its
                      state), at most N times
  --expect REGEX --send TEXT
                      in order: when REGEX appears (also in an unfinished line,
                      e.g. a prompt), write TEXT (with \\n, \\r escapes) to the
                      console
  --fail REGEX        stop at once when a line matches (exit status 3): a
                      marker that must never appear

Every line goes to --log as "[  12.345] text" and, unless --quiet, to stdout.
Harness events are logged as "### ..." lines.

Exit status: 0 --until satisfied (or, without --until, the guest exited with
status 0), 1 timeout, 2 the guest exited before --until was satisfied, 3 a
--fail line was seen.

The guest runs in its own session so that a cut also reaches a wrapper's
children; only processes this harness started are ever signalled.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time

ANSI = re.compile(rb'\x1b\[[0-9;?]*[A-Za-z]|\x1bc|\r')


class Guest:
    """One run of the command in its own process group."""

    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0, start_new_session=True)

    def alive(self):
        return self.proc.poll() is None

    def kill(self, sig):
        if self.alive():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, sig=signal.SIGTERM):
        self.kill(sig)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.proc.wait()

    def send(self, text):
        try:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass


class Console:
    def __init__(self, args):
        self.a = args
        self.t0 = time.monotonic()
        self.log = open(args.log, 'w') if args.log else None
        self.cuts = [re.compile(r) for r in args.cut]
        self.pairs = [(re.compile(r), s.encode().decode('unicode_escape'))
                      for r, s in zip(args.expect, args.send)]
        self.until = re.compile(args.until) if args.until else None
        self.fails = [re.compile(r) for r in args.fail]
        self.seen = 0

    def emit(self, text):
        line = '[%8.3f] %s' % (time.monotonic() - self.t0, text)
        if not self.a.quiet:
            print(line, flush=True)
        if self.log:
            self.log.write(line + '\n')
            self.log.flush()

    def answer(self, guest, text):
        if self.pairs and self.pairs[0][0].search(text):
            guest.send(self.pairs[0][1])
            self.pairs.pop(0)

    def judge(self, text):
        """What one complete console line asks for: None, 'cut', 'until', 'fail'."""
        if any(f.search(text) for f in self.fails):
            return 'fail'
        if self.cuts and self.cuts[0].search(text):
            self.cuts.pop(0)
            return 'cut'
        if self.until and self.until.search(text):
            self.seen += 1
            if self.seen >= self.a.count:
                return 'until'
        return None

    def run(self, cmd):
        guest = Guest(cmd)
        restarts = self.a.restarts
        buf = b''
        result = None
        try:
            while result is None:
                left = self.a.timeout - (time.monotonic() - self.t0)
                if left <= 0:
                    self.emit('### timeout after %.1f s' % self.a.timeout)
                    result = 'timeout'
                    break
                ready, _, _ = select.select([guest.proc.stdout], [], [], min(left, 0.25))
                action = None
                data = os.read(guest.proc.stdout.fileno(), 65536) if ready else b''
                if data:
                    buf += ANSI.sub(b'', data)
                    while b'\n' in buf and action is None:
                        line, buf = buf.split(b'\n', 1)
                        text = line.decode('utf-8', 'replace')
                        self.emit(text)
                        self.answer(guest, text)
                        action = self.judge(text)
                    if action is None and buf:
                        self.answer(guest, buf.decode('utf-8', 'replace'))
                elif ready or not guest.alive():
                    guest.proc.wait()
                    action = 'exit'
                if action in ('until', 'fail'):
                    result = action
                elif action in ('cut', 'exit'):
                    if buf:
                        self.emit(buf.decode('utf-8', 'replace'))
                        buf = b''
                    if action == 'cut':
                        guest.kill(signal.SIGKILL)
                        guest.proc.wait()
                        self.emit('### power cut (pid %d killed)' % guest.proc.pid)
                    else:
                        self.emit('### guest exited with status %d' % guest.proc.returncode)
                    if restarts > 0:
                        restarts -= 1
                        guest = Guest(cmd)
                        self.emit('### power on (pid %d)' % guest.proc.pid)
                    else:
                        result = 'exit'
        finally:
            if buf:
                self.emit(buf.decode('utf-8', 'replace'))
            guest.stop()
        if result == 'until':
            rc = 0
        elif result == 'timeout':
            rc = 1
        elif result == 'fail':
            rc = 3
        else:
            rc = 2 if self.until else (guest.proc.returncode or 0)
        self.emit('### end status=%d elapsed=%.3f s' % (rc, time.monotonic() - self.t0))
        return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--timeout', type=float, default=120)
    ap.add_argument('--log')
    ap.add_argument('--until')
    ap.add_argument('--count', type=int, default=1)
    ap.add_argument('--restarts', type=int, default=0)
    ap.add_argument('--cut', action='append', default=[])
    ap.add_argument('--expect', action='append', default=[])
    ap.add_argument('--send', action='append', default=[])
    ap.add_argument('--fail', action='append', default=[])
    ap.add_argument('--quiet', action='store_true')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ['--'] else a.cmd
    if not cmd:
        ap.error('no command given')
    if len(a.expect) != len(a.send):
        ap.error('--expect and --send come in pairs')
    sys.exit(Console(a).run(cmd))


if __name__ == '__main__':
    main()
