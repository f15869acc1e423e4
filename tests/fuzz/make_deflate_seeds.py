#!/usr/bin/env python3
"""Raw deflate seeds for fuzz_inflate (called by make_seeds.sh): DIR is the output folder."""
import os
import random
import sys
import zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(1)
words = [b"the ", b"quick ", b"brown ", b"fox ", b"GET /index.html ", b"200 ", b"\n", b"rigz "]
text = b"".join(rng.choice(words) for _ in range(3000))
noise = bytes(rng.getrandbits(8) for _ in range(3000))


def deflate(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, flush_every=0):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    parts = []
    step = flush_every or max(1, len(data))
    for i in range(0, len(data), step):
        parts.append(c.compress(data[i:i + step]))
        if flush_every:
            parts.append(c.flush(zlib.Z_SYNC_FLUSH))
    parts.append(c.flush())
    return b"".join(parts)


seeds = {
    "stored": deflate(noise[:500], 0),
    "fixed": deflate(text[:2000], 6, zlib.Z_FIXED),
    "dynamic": deflate(text, 9),
    "huffman_only": deflate(text, 6, zlib.Z_HUFFMAN_ONLY),
    "sync_flushed": deflate(text + noise, 6, flush_every=2500),
    "mixed": deflate(text[:4000] + noise[:1500] + text[4000:8000], 1, flush_every=1800),
    "empty": deflate(b""),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
