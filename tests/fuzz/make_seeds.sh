#!/usr/bin/env bash
# Regenerates the seed corpora of the fuzz targets (committed; a few KB in all):
#   seeds/gz/   small gzip files from gzip, pigz, rigz and hand-made headers (fuzz_header,
#               fuzz_decompress)
#   seeds/raw/  inputs of fuzz_roundtrip: 5 option bytes, then the payload
# Usage: tests/fuzz/make_seeds.sh [path/to/rigz]   (without rigz, its seeds are skipped)
set -euo pipefail
cd "$(dirname "$0")"
RIGZ=${1:-../../build/rigz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf seeds && mkdir -p seeds/gz seeds/raw seeds/deflate

text="$tmp/words.txt"
printf 'the quick brown fox jumps over the lazy dog\nGET /index.html HTTP/1.1 200 1234\n%.0s' {1..6} >"$text"
printf 'a' >"$tmp/a"
: >"$tmp/empty"
head -c 300 /dev/urandom >"$tmp/random"   # incompressible: stored blocks
python3 -c "print('rigz fuzz seed line ' * 3500, end='')" >"$tmp/long"  # > 2 blocks of 32 KiB, tiny compressed

gzip -1 -n -c "$text" >seeds/gz/gzip1.gz
gzip -9 -c "$text" >seeds/gz/gzip9_name.gz            # FNAME
gzip -n -c "$tmp/a" >seeds/gz/one_byte.gz             # fixed Huffman
gzip -n -c "$tmp/empty" >seeds/gz/empty.gz
gzip -n -c "$tmp/random" >seeds/gz/stored.gz
pigz -6 -n -c "$text" >seeds/gz/pigz6.gz
pigz -11 -n -c "$text" >seeds/gz/pigz11_zopfli.gz
pigz -b 32 -n -c "$tmp/long" >seeds/gz/pigz_blocks.gz  # sync-flushed blocks
cat seeds/gz/gzip1.gz seeds/gz/one_byte.gz seeds/gz/empty.gz >seeds/gz/multi.gz
{ cat seeds/gz/one_byte.gz; head -c 16 /dev/zero; } >seeds/gz/trailing_zeros.gz
{ cat seeds/gz/one_byte.gz; printf 'garbage'; } >seeds/gz/trailing_garbage.gz
if [ -x "$RIGZ" ]; then
  "$RIGZ" -6 -c <"$text" >seeds/gz/rigz6.gz
  "$RIGZ" -1 -b 32 -c <"$tmp/long" >seeds/gz/rigz_indexed.gz   # several indexed members
  "$RIGZ" -9 -c <"$tmp/empty" >seeds/gz/rigz_empty.gz
fi
# Every header field, with FHCRC.
python3 - "$text" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()[:120]
h = bytearray(b'\x1f\x8b\x08' + bytes([1 | 2 | 4 | 8 | 16]) + struct.pack('<I', 1700000000) + b'\x00\x03')
extra = b'AP\x02\x00hi'
h += struct.pack('<H', len(extra)) + extra + b'name.txt\x00' + b'a comment\x00'
h += struct.pack('<H', zlib.crc32(bytes(h)) & 0xffff)
c = zlib.compressobj(6, zlib.DEFLATED, -15)
body = c.compress(data) + c.flush()
open('seeds/gz/all_fields.gz', 'wb').write(bytes(h) + body + struct.pack('<II', zlib.crc32(data), len(data)))
PY

# fuzz_roundtrip: [level 0-12][threads][block: size, 0x40 -R, 0x80 -i][shape][header flags] payload
raw() { printf "$1" >"seeds/raw/$2"; head -c "${4:-200}" "$3" >>"seeds/raw/$2"; }
raw '\x06\x00\x00\x00\x00' level6_plain "$text"
raw '\x01\x03\x01\x05\x00' level1_4threads_repeat "$text"
raw '\x09\x01\x43\x7e\x0b' level9_rsyncable_named_changed "$text"
raw '\x02\x02\x81\xfb\x07' incompressible_independent "$tmp/random" 64
raw '\x03\x03\x07\x01\x00' tiny_block "$tmp/a"
raw '\x04\x01\x02\x00\x00' empty_payload "$tmp/empty"
raw '\x00\x01\x01\x09\x00' level0_stored "$text" 60
raw '\x0c\x00\x04\x02\x00' level12 "$text" 80
du -cb seeds/gz/* seeds/raw/* | tail -1
# Raw deflate streams for fuzz_inflate: every block type, sync-flushed (empty stored)
# blocks as pigz writes them, and several dynamic blocks in a row.
python3 "$(pwd)/make_deflate_seeds.py" seeds/deflate
