#include "format/crc32.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <vector>

namespace rigz {

TEST(Crc32, MatchesZlib) {
  std::vector<uint8_t> data(100000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + (i >> 8));
  EXPECT_EQ(crc32_update(0, data.data(), data.size()), ::crc32(0, data.data(), data.size()));
  EXPECT_EQ(crc32_update(0, "123456789", 9), 0xcbf43926u);
}

TEST(Crc32, CombineJoinsPieces) {
  std::vector<uint8_t> data(70000, 'x');
  for (size_t cut : {size_t(0), size_t(1), size_t(32768), size_t(69999), size_t(70000)}) {
    uint32_t a = crc32_update(0, data.data(), cut);
    uint32_t b = crc32_update(0, data.data() + cut, data.size() - cut);
    EXPECT_EQ(crc32_combine(a, b, data.size() - cut), crc32_update(0, data.data(), data.size()));
  }
}

}  // namespace rigz
