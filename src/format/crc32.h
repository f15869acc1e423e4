// CRC-32 (the gzip polynomial) of buffers, and the combine that joins the CRCs of
// adjacent pieces without reading them again.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rigz {

// CRC-32 of `len` bytes at `data`, continuing from `crc` (0 for a fresh start).
uint32_t crc32_update(uint32_t crc, const void* data, size_t len);

// CRC-32 of A followed by B, from crc(A), crc(B) and the length of B.
uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

}  // namespace rigz
