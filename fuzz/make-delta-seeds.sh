#!/bin/sh
# Make the seed corpus of fuzz_delta (fuzz/corpus/delta): pairs of small images
# (edited, shifted x86-64-like code, unrelated, identical, one byte), each as a
# decode input (mode byte, source length, source, the delta `bundle delta`
# made) and as a round-trip input (mode byte, split, source, target). Run once;
# the results are committed.
#
#   fuzz/make-delta-seeds.sh SLOTFLIP     (the built command, for `bundle delta`)
#
# Needs python3. Exit code: 0, or 1 when a tool fails.
set -eu
sf=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/fuzz/corpus/delta
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out"

python3 - "$tmp" <<'PY'
import random, struct, sys
d = sys.argv[1]
r = random.Random(1)
def code(n, shift_at=None, gap=b''):
    """x86-64-like bytes: calls, RIP-relative lea, 8-byte pointers, filler; gap inserted at shift_at"""
    out = bytearray()
    rr = random.Random(7)
    while len(out) < n:
        if shift_at is not None and len(out) >= shift_at and gap:
            out += gap
            gap = b''
        k = rr.randrange(8)
        t = rr.randrange(n)
        tn = t + (len(gap) if False else 0)
        if k < 3:
            out += b'\xe8' + struct.pack('<i', t - len(out) - 5)
        elif k < 5:
            out += b'\x48\x8d\x05' + struct.pack('<i', t - len(out) - 7)
        elif k == 5 and len(out) % 8 == 0:
            out += struct.pack('<Q', 0x400000 + t)
        else:
            out += bytes(rr.randrange(0x40, 0x60) for _ in range(rr.randrange(1, 7)))
    return bytes(out[:n])
base = bytes(r.randrange(256) for _ in range(20000))
edited = bytearray(base)
for i in range(0, 20000, 997):
    edited[i] ^= 0x5a
pairs = {
    'edited': (base, bytes(edited)),
    'inserted': (base, base[:5000] + b'new bytes ' * 30 + base[5000:]),
    'code': (code(30000), code(30000, 10000, b'\x90' * 48)),
    'unrelated': (base[:3000], bytes(r.randrange(256) for _ in range(3000))),
    'identical': (base, base),
    'tiny': (b'a', b'b'),
}
for name, (a, b) in pairs.items():
    open(f'{d}/{name}.a', 'wb').write(a)
    open(f'{d}/{name}.b', 'wb').write(b)
PY
for a in "$tmp"/*.a; do
	name=$(basename "$a" .a)
	b=$tmp/$name.b
	"$sf" bundle delta "$a" "$b" -o "$tmp/$name.delta" >/dev/null 2>&1
	python3 - "$a" "$b" "$tmp/$name.delta" "$out/$name" <<'PY'
import struct, sys
a, b, delta = (open(p, 'rb').read() for p in sys.argv[1:4])
out = sys.argv[4]
open(out + '.decode', 'wb').write(b'\x00' + struct.pack('<H', len(a)) + a + delta)
open(out + '.pieces', 'wb').write(b'\x04' + struct.pack('<H', len(a)) + a + delta)
open(out + '.roundtrip', 'wb').write(b'\x01' + struct.pack('<H', len(a)) + a + b)
PY
done
ls "$out" | wc -l
