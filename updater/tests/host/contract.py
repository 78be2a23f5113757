#!/usr/bin/python3
# The machine contract of docs/agent.md, checked from outside (80-agent.sh).
# Each check prints what breaks the contract on one line, nothing when it holds.
#
#   contract.py result RC OUT ERR REASONS WANT_EXIT [WANT_REASON]
#       the result of a command run with --json: exit status RC, its standard
#       output in OUT and standard error in ERR; REASONS maps every documented
#       reason to its exit code (JSON). WANT_EXIT -1: one JSON object whatever
#       the exit and reason.
#   contract.py progress FILE COMPONENTS RESULT
#       the --progress=json lines in FILE of an install of COMPONENTS (comma-
#       separated, in bundle order) whose result is the JSON object in RESULT
import json
import sys

PHASES = ('verify', 'write', 'readback', 'sync', 'arm')


def no_duplicates(bad):
    def pairs(kv):
        keys = [k for k, _ in kv]
        if len(set(keys)) != len(keys):
            bad.append('a member given twice: %s' % keys)
        return dict(kv)
    return pairs


def result(rc, out, err, reasons, want, want_reason=''):
    rc, want, table, bad = int(rc), int(want), json.load(open(reasons)), []
    if want >= 0 and rc != want:
        bad.append('exit status %d, want %d' % (rc, want))
    text = open(out, errors='replace').read()
    if text.count('\n') != 1 or not text.endswith('\n'):
        bad.append('standard output is not one line')
    try:
        d = json.loads(text, object_pairs_hook=no_duplicates(bad))
    except ValueError as e:
        return bad + ['standard output is not JSON (%s): %r' % (e, text[:200])]
    if not isinstance(d, dict):
        return bad + ['not an object: %r' % text[:200]]
    if list(d)[:4] != ['ok', 'exit', 'reason', 'message']:
        bad.append('the members begin %s' % list(d)[:4])
    if d.get('ok') is not (rc == 0):
        bad.append('ok %r with exit status %d' % (d.get('ok'), rc))
    if d.get('exit') != rc:
        bad.append('exit %r with exit status %d' % (d.get('exit'), rc))
    if rc == 0 and (d.get('reason') is not None or d.get('message') is not None):
        bad.append('a reason or message on success')
    if rc != 0 and want >= 0:
        r, m = d.get('reason'), d.get('message')
        if r not in table:
            bad.append('reason %r is not documented' % r)
        elif table[r] != rc:
            bad.append('reason %s belongs to exit %d, not %d' % (r, table[r], rc))
        if not isinstance(m, str) or not m or '\n' in m:
            bad.append('message %r is not one line' % m)
    if want_reason and d.get('reason') != want_reason:
        bad.append('reason %r, want %r' % (d.get('reason'), want_reason))
    for i, line in enumerate(open(err, errors='replace').read().splitlines()):
        try:
            obj = isinstance(json.loads(line), dict)
        except ValueError:
            obj = False
        if not obj:
            bad.append('standard error line %d is not JSON: %r' % (i + 1, line[:200]))
    return bad


def events(lines, comps, bad):
    """Where each (phase, component, start|end) happens; checks each line."""
    pos = {}
    for i, e in enumerate(lines):
        if set(e) != {'phase', 'component', 'event', 'done', 'total'}:
            bad.append('members %s' % sorted(e))
            continue
        ph, c, kind = e['phase'], e['component'], e['event']
        if ph not in PHASES or kind not in ('start', 'progress', 'end'):
            bad.append('phase %r event %r' % (ph, kind))
            continue
        if (c is not None) if ph in ('verify', 'arm') else (c not in comps):
            bad.append('%s with component %r' % (ph, c))
        if not 0 <= e['done'] <= e['total']:
            bad.append('%s %s: done %d of %d' % (ph, c, e['done'], e['total']))
        if kind == 'end' and e['done'] != e['total']:
            bad.append('%s %s ends at %d of %d' % (ph, c, e['done'], e['total']))
        if kind == 'progress':
            if (ph, c, 'start') not in pos or (ph, c, 'end') in pos:
                bad.append('%s %s progress outside its start and end' % (ph, c))
            continue
        if (ph, c, kind) in pos:
            bad.append('%s %s %s twice' % (ph, c, kind))
        pos[(ph, c, kind)] = i
    return pos


def progress(path, comps, res_path):
    comps, res, bad, lines = [c for c in comps.split(',') if c], json.load(open(res_path)), [], []
    for i, line in enumerate(open(path, errors='replace').read().splitlines()):
        try:
            lines.append(json.loads(line))
        except ValueError:
            bad.append('line %d is not JSON: %r' % (i + 1, line[:100]))
    if not lines:
        return bad + ['no progress lines']
    if res['ok']:
        want = {'phase': 'done', 'component': None}
    else:
        want = {'phase': 'failed', 'component': None, 'exit': res['exit'], 'reason': res['reason'],
                'message': res['message']}
    if lines[-1] != want:
        bad.append('last line %r, want %r' % (lines[-1], want))
    body = lines[:-1]
    pos = events(body, comps, bad)
    never = 1 << 30
    # verify, then per component write < readback < sync (sync after both ended), then arm
    seq = [('verify', None)] + [(p, c) for c in comps for p in ('write', 'readback', 'sync')] + [('arm', None)]
    for p, c in seq:
        if res['ok'] and ((p, c, 'start') not in pos or (p, c, 'end') not in pos):
            bad.append('no start and end of %s %s' % (p, c))
        if (p, c, 'end') in pos and pos.get((p, c, 'start'), never) > pos[(p, c, 'end')]:
            bad.append('%s %s ends before it starts' % (p, c))
    starts = [pos[(p, c, 'start')] for p, c in seq if (p, c, 'start') in pos]
    if starts != sorted(starts):
        bad.append('phases start out of order: %s' % [k[:2] for k in sorted(pos, key=pos.get) if k[2] == 'start'])
    for c in comps:
        later = seq[seq.index(('sync', c)) + 1:]
        end = pos.get(('sync', c, 'end'))
        if end is not None and any(pos.get((p, n, 'start'), never) < end for p, n in later):
            bad.append('a later phase starts before sync %s ends' % c)
        for p in ('write', 'readback'):
            if (p, c, 'end') in pos and pos.get(('sync', c, 'start'), never) < pos[(p, c, 'end')]:
                bad.append('sync %s starts before %s ends' % (c, p))
        if ('verify', None, 'end') not in pos and any(k[1] == c for k in pos):
            bad.append('%s written before the bundle was verified' % c)
    if res['ok'] and pos.get(('arm', None, 'end')) != len(body) - 1:
        bad.append('arm is not the last phase')
    return bad


if __name__ == '__main__':
    check = {'result': result, 'progress': progress}[sys.argv[1]]
    print('; '.join(check(*sys.argv[2:])))
