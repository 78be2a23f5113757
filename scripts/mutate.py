#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The project's mutation run (`make mutate`).

Each mutant of the list (scripts/mutants.txt, format described at its top) is
a small, realistic change to one source file: a snippet that must occur
exactly once in that file and its replacement. One at a time, each is applied
to a scratch copy of the tree in a temporary folder (never the working tree),
the copy is rebuilt and the fast test suite (scripts/run-tests.sh --fast) runs
against it, fastest tests first, each under a timeout, until one test fails.

A mutant is then
  caught      a test failed, timed out or crashed (the first such test is named);
  survived    every test passed: a bug the suite lets through;
  equivalent  marked so in the list (with why) and indeed not caught;
  stale       its snippet no longer occurs exactly once, or the file is gone:
              the list needs refreshing (never skipped silently);
  broken      the mutated tree does not build: the list needs refreshing.
The score is caught / (caught + survived). A mutant marked equivalent that is
caught is reported too: its mark is wrong.

  scripts/mutate.py [--list FILE] [--only ID,ID...] [--jobs N] [--history FILE]
                    [--check] [--keep]

  --check    only check the list (every snippet matches exactly once); no build
  --only     run these mutants only
  --jobs     tests run at once (default 2)
  --history  remembers which test caught each mutant and tries it first next
             time (make mutate keeps it in $(O)/mutate-history.txt)
  --keep     keep the scratch copy (its path is printed)

Exit codes: 0 every mutant caught or equivalent, nothing stale or broken;
1 a mutant survived, a mark is wrong, a mutant is stale or broken, or the
suite fails without any mutant; 2 usage or a malformed list.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYS = ("file", "find", "replace", "bug", "equivalent")
MIN_TIMEOUT = 60.0  # seconds a test may take whatever its baseline
TIMEOUT_FACTOR = 5.0  # times its baseline
BASELINE_TIMEOUT = 900.0  # seconds a test may take unmutated (a loaded machine is slow)


class ListError(Exception):
    pass


def unescape(text, where):
    """\\n, \\t and \\\\ in a snippet; any other backslash is refused."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if nxt not in ("n", "t", "\\"):
            raise ListError(f"{where}: unknown escape '\\{nxt}' (use \\n, \\t or \\\\)")
        out.append({"n": "\n", "t": "\t", "\\": "\\"}[nxt])
        i += 2
    return "".join(out)


def parse_list(path):
    """The mutants of @path, in order: dicts with id, line and KEYS."""
    mutants = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            where = f"{path}:{lineno}"
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("[") and line.rstrip().endswith("]"):
                ident = line.strip()[1:-1].strip()
                if not ident or any(m["id"] == ident for m in mutants):
                    raise ListError(f"{where}: mutant name '{ident}' is empty or used twice")
                cur = {"id": ident, "line": lineno}
                mutants.append(cur)
                continue
            key, sep, value = line.partition("=")
            key = key.strip()
            if not sep or key not in KEYS:
                raise ListError(f"{where}: expected '[name]' or one of {', '.join(KEYS)} = ...")
            if cur is None:
                raise ListError(f"{where}: '{key}' before the first [name]")
            if key in cur:
                raise ListError(f"{where}: '{key}' given twice for {cur['id']}")
            value = value.strip()
            cur[key] = unescape(value, where) if key in ("find", "replace") else value
    for m in mutants:
        for key in ("file", "find", "replace", "bug"):
            if not m.get(key) and not (key == "replace" and "replace" in m):
                raise ListError(f"{path}:{m['line']}: mutant {m['id']} has no {key}")
        if m["find"] == m["replace"]:
            raise ListError(f"{path}:{m['line']}: mutant {m['id']} changes nothing")
    return mutants


def staleness(m, root):
    """None when the snippet occurs exactly once in its file under @root, else why not."""
    path = os.path.join(root, m["file"])
    if not os.path.isfile(path):
        return f"{m['file']} does not exist"
    with open(path, encoding="utf-8") as f:
        n = f.read().count(m["find"])
    if n != 1:
        shown = m["find"] if len(m["find"]) < 70 else m["find"][:67] + "..."
        shown = shown.replace("\n", "\\n").replace("\t", "\\t")
        return f"'{shown}' occurs {n} times in {m['file']}, not once"
    return None


def tree_files():
    """The files of the working tree (tracked and new, not ignored)."""
    out = subprocess.run(
        ["git", "-C", TOP, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True, stdout=subprocess.PIPE,
    ).stdout
    return [p for p in out.decode().split("\0") if p and os.path.lexists(os.path.join(TOP, p))]


def copy_tree(dest):
    for rel in tree_files():
        src = os.path.join(TOP, rel)
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)


def build(root, jobs):
    """make tests in the scratch copy; (ok, last lines of output)."""
    p = subprocess.run(
        ["make", "-C", root, f"-j{jobs}", "--no-print-directory", "O=build", "tests"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    lines = p.stdout.decode(errors="replace").splitlines()
    errors = [ln for ln in lines if "error" in ln] or lines[-3:]
    return p.returncode == 0, errors[:3]


def list_tests(root):
    out = subprocess.run(
        [os.path.join(root, "scripts/run-tests.sh"), "--fast", "--list", os.path.join(root, "build")],
        check=True, stdout=subprocess.PIPE,
    ).stdout.decode()
    return [t for t in out.splitlines() if t]


def start_test(root, name):
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [os.path.join(root, "scripts/run-tests.sh"), "--only", name, os.path.join(root, "build")],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return proc, log


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_tests(root, tests, timeouts, jobs, stop_at_failure):
    """
    Run @tests (in order, @jobs at once). Return (failures, times): failures is
    a list of (test, why, output tail); with @stop_at_failure the run ends at
    the first one.
    """
    pending = list(tests)
    running = {}  # test -> (proc, log, start)
    failures, times = [], {}
    while pending or running:
        while pending and len(running) < jobs and not (failures and stop_at_failure):
            t = pending.pop(0)
            proc, log = start_test(root, t)
            running[t] = (proc, log, time.monotonic())
        if not running:
            break
        time.sleep(0.05)
        for t, (proc, log, t0) in list(running.items()):
            took = time.monotonic() - t0
            rc = proc.poll()
            why = None
            if rc is None and took > timeouts.get(t, MIN_TIMEOUT):
                stop(proc)
                why = f"timed out after {took:.0f} s"
            elif rc is None:
                continue
            elif rc != 0:
                why = "failed"
            del running[t]
            times[t] = took
            if why:
                log.seek(0)
                tail = [ln for ln in log.read().decode(errors="replace").splitlines()
                        if ln.startswith(("not ok", "FAIL", "#"))][-4:]
                failures.append((t, why, tail))
            log.close()
        if failures and stop_at_failure:
            for t, (proc, log, _) in running.items():
                stop(proc)
                log.close()
            running.clear()
    return failures, times


def apply(root, m):
    path = os.path.join(root, m["file"])
    with open(path, encoding="utf-8") as f:
        original = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(original.replace(m["find"], m["replace"], 1))
    return path, original


def main():
    ap = argparse.ArgumentParser(description="slotflip's mutation run", add_help=True)
    ap.add_argument("--list", default=os.path.join(TOP, "scripts/mutants.txt"))
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--history", default="")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--keep", action="store_true")
    try:
        args = ap.parse_args()
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        mutants = parse_list(args.list)
    except (ListError, OSError) as e:
        print(f"mutate: {e}", file=sys.stderr)
        return 2
    if args.only:
        want = [w for w in args.only.replace(",", " ").split() if w]
        unknown = [w for w in want if not any(m["id"] == w for m in mutants)]
        if unknown:
            print(f"mutate: no mutant named {', '.join(unknown)} in {args.list}", file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m["id"] in want]

    stale = [(m, staleness(m, TOP)) for m in mutants]
    stale = [(m, why) for m, why in stale if why]
    for m, why in stale:
        print(f"STALE      {m['id']}: {why} (list line {m['line']})")
    if args.check:
        print(f"{len(mutants)} mutants, {len(stale)} stale")
        return 1 if stale else 0

    scratch = tempfile.mkdtemp(prefix="slotflip-mutate-")
    try:
        return run(args, mutants, stale, scratch)
    finally:
        if args.keep:
            print(f"scratch copy kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def read_history(path):
    """{mutant: test} from an earlier run; empty when there is none."""
    hist = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                ident, _, test = line.rstrip("\n").partition("\t")
                if ident and test:
                    hist[ident] = test
    except OSError:
        pass
    return hist


def write_history(path, hist):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for ident in sorted(hist):
            f.write(f"{ident}\t{hist[ident]}\n")


def run(args, mutants, stale, scratch):
    copy_tree(scratch)
    print(f"scratch copy: {scratch}; building...", flush=True)
    ok, errors = build(scratch, args.jobs)
    if not ok:
        print("mutate: the unmutated tree does not build:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    tests = list_tests(scratch)
    t0 = time.monotonic()
    failures, times = run_tests(scratch, tests, {t: BASELINE_TIMEOUT for t in tests}, args.jobs, False)
    if failures:
        for t, why, tail in failures:
            print(f"mutate: without any mutant, {t} {why}:\n    " + "\n    ".join(tail), file=sys.stderr)
        return 1
    print(f"{len(tests)} fast tests pass unmutated in {time.monotonic() - t0:.0f} s", flush=True)
    order = sorted(tests, key=lambda t: times[t])
    timeouts = {t: max(MIN_TIMEOUT, TIMEOUT_FACTOR * times[t]) for t in tests}

    stale_ids = {m["id"] for m, _ in stale}
    counts = {"caught": 0, "survived": 0, "equivalent": 0, "stale": len(stale), "broken": 0, "wrong-mark": 0}
    killers = {}
    hist = read_history(args.history) if args.history else {}
    t_all = time.monotonic()
    for m in mutants:
        if m["id"] in stale_ids:
            continue
        path, original = apply(scratch, m)
        try:
            ok, errors = build(scratch, args.jobs)
            if not ok:
                counts["broken"] += 1
                print(f"BROKEN     {m['id']}: the mutated tree does not build: {errors[0] if errors else ''}")
                continue
            t1 = time.monotonic()
            first = hist.get(m["id"])
            mine = [first] + [t for t in order if t != first] if first in order else order
            failures, _ = run_tests(scratch, mine, timeouts, args.jobs, True)
            took = time.monotonic() - t1
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        equivalent = m.get("equivalent")
        if failures:
            t, why, tail = failures[0]
            killers[t] = killers.get(t, 0) + 1
            hist[m["id"]] = t
            if equivalent:
                counts["wrong-mark"] += 1
                print(f"WRONG MARK {m['id']}: marked equivalent, but {t} {why}")
            else:
                counts["caught"] += 1
                print(f"caught     {m['id']}: {t} {why} ({took:.0f} s)")
        elif equivalent:
            counts["equivalent"] += 1
            print(f"equivalent {m['id']}: {equivalent}")
        else:
            counts["survived"] += 1
            print(f"SURVIVED   {m['id']}: {m['file']}: {m['bug']}")
        sys.stdout.flush()

    if args.history:
        write_history(args.history, hist)
    killable = counts["caught"] + counts["survived"]
    score = 100.0 * counts["caught"] / killable if killable else 0.0
    print()
    print("caught by: " + ", ".join(f"{t} {n}" for t, n in sorted(killers.items(), key=lambda kv: -kv[1])))
    print(
        f"{len(mutants)} mutants: {counts['caught']} caught, {counts['survived']} survived, "
        f"{counts['equivalent']} equivalent, {counts['stale']} stale, {counts['broken']} broken"
        + (f", {counts['wrong-mark']} wrongly marked equivalent" if counts["wrong-mark"] else "")
        + f" ({time.monotonic() - t_all:.0f} s)"
    )
    print(f"mutation score: {counts['caught']}/{killable} ({score:.1f} %)")
    bad = counts["survived"] + counts["stale"] + counts["broken"] + counts["wrong-mark"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
