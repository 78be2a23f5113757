#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Craft and inspect redundant U-Boot environments (libubootenv layout: per
copy crc32 (little endian) | flags byte | data) inside a disk image, for the
boot script tests. Independent of U-Boot and libubootenv on purpose.

  envimg.py put IMG OFFSET SIZE FLAGS VALID VARFILE
      write one copy at byte OFFSET: variables from VARFILE (name=value
      lines, "-" for none), FLAGS 0..255, VALID 1 or 0 (0: the crc32 is
      wrong on purpose)
  envimg.py show IMG OFFSET SIZE
      one line: "flags=N crc=ok|bad sha=<first 16 hex of the data's sha256>"
  envimg.py offsets IMG PART
      byte offset of GPT partition PART (number) of IMG
"""
import hashlib
import json
import struct
import subprocess
import sys
import zlib


def put(img, offset, size, flags, valid, varfile):
    names = []
    if varfile != '-':
        with open(varfile) as f:
            names = [line.rstrip('\n') for line in f if line.strip()]
    data = b''.join(v.encode() + b'\0' for v in names) + b'\0'
    if len(data) > size - 5:
        sys.exit('envimg: variables do not fit')
    data = data.ljust(size - 5, b'\0')
    crc = zlib.crc32(data)
    if valid == '0':
        crc ^= 0x5a5a5a5a
    with open(img, 'r+b') as f:
        f.seek(offset)
        f.write(struct.pack('<I', crc) + bytes([flags]) + data)


def show(img, offset, size):
    with open(img, 'rb') as f:
        f.seek(offset)
        b = f.read(size)
    ok = struct.unpack_from('<I', b)[0] == zlib.crc32(b[5:])
    print('flags=%d crc=%s sha=%s' % (b[4], 'ok' if ok else 'bad', hashlib.sha256(b[5:]).hexdigest()[:16]))


def offsets(img, part):
    r = subprocess.run(['sfdisk', '-J', img], capture_output=True, text=True, check=True)
    table = json.loads(r.stdout)['partitiontable']
    for p in table['partitions']:
        if p['node'].endswith(str(part)) and not p['node'][:-len(str(part))][-1:].isdigit():
            print(p['start'] * table.get('sectorsize', 512))
            return
    sys.exit('envimg: no partition %s' % part)


def main():
    a = sys.argv[1:]
    if a[:1] == ['put'] and len(a) == 7:
        put(a[1], int(a[2], 0), int(a[3], 0), int(a[4]), a[5], a[6])
    elif a[:1] == ['show'] and len(a) == 4:
        show(a[1], int(a[2], 0), int(a[3], 0))
    elif a[:1] == ['offsets'] and len(a) == 3:
        offsets(a[1], a[2])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
