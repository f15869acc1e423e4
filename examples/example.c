/* rigz_example_c: the C API of rigz in a small program.
 *
 *   rigz_example_c        round-trips a text in memory and shows how errors are reported
 *   rigz_example_c -c     compresses standard input to standard output
 *   rigz_example_c -d     decompresses standard input to standard output
 *
 * Build against an installed rigz with CMake (see CMakeLists.txt here) or
 *   cc example.c $(pkg-config --cflags --libs rigz)             (shared library)
 *   cc example.c $(pkg-config --cflags --libs --static rigz)    (static, where no .so is installed) */
#include <rigz/rigz.h>
#include <stdio.h>
#include <string.h>

static int demo(void) {
  static char text[200000];
  size_t len = 0;
  void *gz = NULL, *back = NULL;
  size_t gz_len = 0, back_len = 0;
  rigz_options opts;
  int rc;

  while (len + 64 < sizeof text) len += (size_t)sprintf(text + len, "line %d of a text that compresses well\n", (int)(len % 97));

  memset(&opts, 0, sizeof opts); /* zero: the defaults */
  opts.level = 9;
  rc = rigz_compress(text, len, &gz, &gz_len, &opts);
  if (rc != RIGZ_OK) {
    fprintf(stderr, "rigz_example_c: %s: %s\n", rigz_strerror(rc), rigz_last_error());
    return 1;
  }
  rc = rigz_decompress(gz, gz_len, &back, &back_len, NULL);
  if (rc != RIGZ_OK || back_len != len || memcmp(back, text, len) != 0) {
    fprintf(stderr, "rigz_example_c: round trip failed\n");
    return 1;
  }
  printf("rigz %s: %zu bytes -> %zu bytes -> %zu bytes\n", rigz_version(), len, gz_len, back_len);
  rigz_free(back);

  ((unsigned char*)gz)[gz_len - 8] ^= 1; /* damage the CRC-32 in the trailer */
  rc = rigz_decompress(gz, gz_len, &back, &back_len, NULL);
  rigz_free(gz);
  if (rc != RIGZ_EDATA) {
    fprintf(stderr, "rigz_example_c: corrupt data went unnoticed\n");
    return 1;
  }
  printf("corrupt input: %s (%s, code %d)\n", rigz_last_error(), rigz_strerror(rc), rc);
  return 0;
}

int main(int argc, char** argv) {
  int rc;
  if (argc < 2) return demo();
  if (strcmp(argv[1], "-c") == 0)
    rc = rigz_compress_fd(0, 1, NULL);
  else if (strcmp(argv[1], "-d") == 0)
    rc = rigz_decompress_fd(0, 1, NULL);
  else {
    fprintf(stderr, "usage: rigz_example_c [-c | -d] < input > output\n");
    return 2;
  }
  if (rc != RIGZ_OK) {
    fprintf(stderr, "rigz_example_c: %s\n", rigz_last_error());
    return 1;
  }
  return 0;
}
