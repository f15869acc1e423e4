// The pack (.z) decoder: round trips through a small pack encoder written here (canonical
// Huffman codes as the format lays them out), and bad headers and data.
#include "decompress/pack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <queue>

#include "io/error.h"
#include "test_support.h"

namespace rigz {
namespace {

using test::Bytes;

// Huffman code lengths for the bytes that occur and the end code (symbol 256), with the
// end code moved to the longest length, as the format wants it last.
std::map<int, unsigned> code_lengths(const Bytes& in) {
  std::map<int, uint64_t> freq;
  for (uint8_t b : in) ++freq[b];
  freq[256] = 1;
  // Nodes: (weight, id); ids < 0x1000 are symbols, others are internal nodes.
  using Node = std::pair<uint64_t, int>;
  std::priority_queue<Node, std::vector<Node>, std::greater<>> q;
  std::map<int, std::pair<int, int>> kids;
  for (auto [sym, f] : freq) q.push({f, sym});
  int next = 0x1000;
  while (q.size() > 1) {
    Node a = q.top();
    q.pop();
    Node b = q.top();
    q.pop();
    kids[next] = {a.second, b.second};
    q.push({a.first + b.first, next++});
  }
  std::map<int, unsigned> len;
  std::vector<std::pair<int, unsigned>> stack = {{q.top().second, 0}};
  while (!stack.empty()) {
    auto [id, depth] = stack.back();
    stack.pop_back();
    if (id < 0x1000) {
      len[id] = depth;
    } else {
      stack.push_back({kids[id].first, depth + 1});
      stack.push_back({kids[id].second, depth + 1});
    }
  }
  unsigned max_len = 0;
  for (auto [s, l] : len) max_len = std::max(max_len, l);
  for (auto& [s, l] : len)
    if (l == max_len && s != 256) {  // swap lengths with the end code
      std::swap(l, len[256]);
      break;
    }
  return len;
}

Bytes pack(const Bytes& in) {
  auto len = code_lengths(in);
  unsigned max_len = 0;
  for (auto [s, l] : len) max_len = std::max(max_len, l);
  std::vector<std::vector<int>> at(max_len + 1);  // symbols per length, end code last
  for (auto [s, l] : len)
    if (s != 256) at[l].push_back(s);
  at[max_len].push_back(256);
  Bytes out = {0x1f, 0x1e};
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(in.size() >> shift));
  out.push_back(static_cast<uint8_t>(max_len));
  for (unsigned l = 1; l <= max_len; ++l) out.push_back(static_cast<uint8_t>(at[l].size() - (l == max_len ? 2 : 0)));
  for (unsigned l = 1; l <= max_len; ++l)
    for (int s : at[l])
      if (s != 256) out.push_back(static_cast<uint8_t>(s));
  // Canonical codes: prefixes first at each length, then the leaves in order.
  std::map<int, std::pair<uint32_t, unsigned>> code;
  unsigned nodes = 0;
  for (unsigned l = max_len; l >= 1; --l) {
    nodes /= 2;
    for (size_t j = 0; j < at[l].size(); ++j) code[at[l][j]] = {static_cast<uint32_t>(nodes + j), l};
    nodes += static_cast<unsigned>(at[l].size());
  }
  uint32_t acc = 0;
  unsigned nbits = 0;
  auto put = [&](int sym) {
    auto [c, l] = code[sym];
    for (unsigned i = l; i-- > 0;) {
      acc = acc << 1 | ((c >> i) & 1);
      if (++nbits == 8) {
        out.push_back(static_cast<uint8_t>(acc));
        acc = nbits = 0;
      }
    }
  };
  for (uint8_t b : in) put(b);
  put(256);
  if (nbits) out.push_back(static_cast<uint8_t>(acc << (8 - nbits)));
  return out;
}

Bytes unpack(const Bytes& z) {
  MemoryInput in(z.data(), z.size());
  MemoryOutput out;
  PackResult r = decompress_pack(in, out);
  EXPECT_EQ(r.out_bytes, out.data.size());
  EXPECT_EQ(r.in_bytes, z.size());
  return out.data;
}

std::string unpack_error(const Bytes& z) {
  try {
    unpack(z);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::data);
    return e.what();
  }
  return "";
}

TEST(Pack, RoundTrips) {
  for (size_t size : {size_t(2), size_t(100), size_t(70000)}) {
    for (unsigned random_pct : {0u, 40u, 100u}) {
      Bytes data = test::make_data(size, static_cast<unsigned>(size) + random_pct, random_pct);
      if (std::all_of(data.begin(), data.end(), [&](uint8_t b) { return b == data[0]; })) data[0] ^= 1;
      EXPECT_EQ(unpack(pack(data)), data) << size << " bytes, " << random_pct << "% random";
    }
  }
  Bytes ab = {'a', 'b', 'a', 'a'};
  EXPECT_EQ(unpack(pack(ab)), ab);
}

// gzip goes on after a pack stream, so from a window the decoder takes its bytes only.
TEST(Pack, LeavesWhatFollowsInTheWindow) {
  const Bytes data = test::make_data(70000, 5, 30);
  const Bytes z = pack(data);
  Bytes both = z;
  const Bytes after = {0x1f, 0x8b, 'x', 'y'};
  both.insert(both.end(), after.begin(), after.end());
  MemoryInput in(both.data(), both.size());
  InputWindow window(in, 4096);  // smaller than the stream: it refills on the way
  MemoryOutput out;
  PackResult r = decompress_pack(window, out);
  EXPECT_EQ(out.data, data);
  EXPECT_EQ(r.in_bytes, z.size());
  ASSERT_TRUE(window.ensure(after.size()));
  EXPECT_EQ(Bytes(window.data(), window.data() + window.size()), after);
}

TEST(Pack, BadInput) {
  const Bytes good = pack(test::make_data(5000, 9, 30));
  EXPECT_EQ(unpack_error(Bytes(good.begin(), good.begin() + 6)), "unexpected end of file");
  EXPECT_EQ(unpack_error(Bytes(good.begin(), good.end() - 40)), "unexpected end of file");
  Bytes z = good;
  z[6] = 0;  // no code length
  EXPECT_EQ(unpack_error(z), "invalid compressed data -- Huffman code bit length out of range");
  z = good;
  z[7] = 3;  // three codes of one bit
  EXPECT_EQ(unpack_error(z), "too many leaves in Huffman tree");
  z = good;
  z[2] ^= 1;  // another size in the header
  EXPECT_EQ(unpack_error(z), "invalid compressed data--length error");
}

TEST(Pack, HostileInputNeverCrashes) {
  std::mt19937 rng(777);
  const Bytes good = pack(test::make_data(20000, 4, 20));
  for (int i = 0; i < 400; ++i) {
    Bytes z = good;
    for (int k = 0; k < 3; ++k) z[2 + rng() % (z.size() - 2)] ^= static_cast<uint8_t>(1 + rng() % 255);
    if (i % 3 == 0) z.resize(2 + rng() % z.size());
    MemoryInput in(z.data(), z.size());
    NullOutput out;
    try {
      decompress_pack(in, out);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::data);
    }
  }
}

}  // namespace
}  // namespace rigz
