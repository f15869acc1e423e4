// rigz_example: the C++ API of rigz in a small program.
//
//   rigz_example            round-trips a text in memory and shows how errors are reported
//   rigz_example -c [-N]    compresses standard input to standard output (level N, 1..9)
//   rigz_example -d         decompresses standard input to standard output
//
// Build against an installed rigz with CMake (find_package(rigz), see CMakeLists.txt here) or
//   c++ -std=c++20 example.cpp $(pkg-config --cflags --libs rigz)
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <rigz/rigz.hpp>
#include <string>
#include <vector>

namespace {

int demo() {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i % 97) + " of a text that compresses well\n";
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());

  // Level 9 on every core; the output does not depend on the number of threads.
  std::vector<uint8_t> gz = rigz::api::compress(bytes, {.level = 9});
  std::vector<uint8_t> back = rigz::api::decompress(gz);
  if (back.size() != text.size() || std::memcmp(back.data(), text.data(), text.size()) != 0) {
    std::cerr << "rigz_example: round trip differs\n";
    return 1;
  }
  std::cout << "rigz " << rigz::api::version() << ": " << text.size() << " bytes -> " << gz.size() << " bytes -> "
            << back.size() << " bytes\n";

  // Errors are exceptions carrying a code; the process goes on.
  gz[gz.size() - 8] ^= 1;  // damage the CRC-32 in the trailer
  try {
    rigz::api::decompress(gz);
    std::cerr << "rigz_example: corrupt data went unnoticed\n";
    return 1;
  } catch (const rigz::api::Error& e) {
    std::cout << "corrupt input: " << e.what() << " (code " << static_cast<int>(e.code()) << ")\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) return demo();
  const std::string mode = argv[1];
  rigz::api::Options options;
  if (argc > 2 && argv[2][0] == '-') options.level = std::atoi(argv[2] + 1);
  try {
    rigz::api::Result r;
    if (mode == "-c")
      r = rigz::api::compress(std::cin, std::cout, options);
    else if (mode == "-d")
      r = rigz::api::decompress(std::cin, std::cout, options);
    else {
      std::cerr << "usage: rigz_example [-c [-1..-9] | -d] < input > output\n";
      return 2;
    }
    std::cerr << "rigz_example: " << r.in_bytes << " bytes in, " << r.out_bytes << " bytes out\n";
  } catch (const rigz::api::Error& e) {
    std::cerr << "rigz_example: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
