/* rigz: parallel gzip compression and decompression, C API.
 *
 *   #include <rigz/rigz.h>
 *
 *   void* gz; size_t gz_len;
 *   if (rigz_compress(data, len, &gz, &gz_len, NULL) != RIGZ_OK)
 *     fprintf(stderr, "rigz: %s\n", rigz_last_error());
 *   ...
 *   rigz_free(gz);
 *
 * Every function returns RIGZ_OK (0) or one of the RIGZ_E* codes below; none exits the process,
 * writes to stderr or lets a C++ exception escape. Calls are independent of each other and may be
 * made from any number of threads at once. The output is standard gzip (RFC 1952).
 *
 * Link with `pkg-config --libs rigz` (shared library) or the CMake target rigz::rigz. Linking the
 * static library into a C program needs the C++ runtime: `pkg-config --static --libs rigz` or the
 * CMake target provide it. */
#ifndef RIGZ_RIGZ_H
#define RIGZ_RIGZ_H

#include <stddef.h>

#define RIGZ_VERSION_MAJOR 0
#define RIGZ_VERSION_MINOR 1
#define RIGZ_VERSION_PATCH 0
#define RIGZ_VERSION "0.1.0"

/* Status codes. */
#define RIGZ_OK 0
#define RIGZ_EINVAL 1    /* an argument or option is invalid */
#define RIGZ_EREAD 2     /* the input could not be read */
#define RIGZ_EWRITE 3    /* the output could not be written */
#define RIGZ_EPIPE 4     /* the output is a pipe whose reader went away */
#define RIGZ_EDATA 5     /* the compressed input is corrupt, truncated or not gzip */
#define RIGZ_ENOMEM 6    /* out of memory */
#define RIGZ_ELIMIT 7    /* the output would exceed max_output_size */
#define RIGZ_EINTERNAL 8 /* anything else, for instance threads could not be started */

/* rigz_options.flags */
#define RIGZ_FLAG_PASS_THROUGH 0x1u           /* decompression: copy input that is not gzip */
#define RIGZ_FLAG_ALLOW_TRAILING_GARBAGE 0x2u /* decompression: ignore data after the last member */
#define RIGZ_FLAG_RSYNCABLE 0x4u              /* compression: block ends follow the content */

/* rigz_options.level besides 1 .. 12 */
#define RIGZ_LEVEL_DEFAULT 0  /* level 6 */
#define RIGZ_LEVEL_STORE (-1) /* no compression (the command line's -0) */

#ifdef __cplusplus
extern "C" {
#endif

/* Options. A zeroed struct (or a NULL pointer) gives the defaults. */
typedef struct rigz_options {
  int level;                     /* 1 (fastest) .. 9 (smallest), 10 .. 12 (slower, smaller), or
                                    RIGZ_LEVEL_DEFAULT (0, level 6) or RIGZ_LEVEL_STORE */
  unsigned threads;              /* worker threads; 0: every online core */
  size_t block_size;             /* bytes per block, 32 KiB .. 256 MiB; 0: the default (plan.h) */
  unsigned flags;                /* RIGZ_FLAG_* */
  unsigned long long max_output; /* largest output in bytes, else RIGZ_ELIMIT; 0: no limit */
} rigz_options;

/* Compresses or decompresses in_len bytes at `in` into a buffer allocated by the library. On
 * RIGZ_OK, *out (never NULL) holds *out_len bytes and must be released with rigz_free(). On an
 * error, *out is NULL and *out_len 0. */
int rigz_compress(const void* in, size_t in_len, void** out, size_t* out_len, const rigz_options* opts);
int rigz_decompress(const void* in, size_t in_len, void** out, size_t* out_len, const rigz_options* opts);

/* Releases a buffer returned by rigz_compress() or rigz_decompress(); NULL is ignored. */
void rigz_free(void* buffer);

/* Reads in_fd to end of file and writes to out_fd; neither is closed. Writing to a pipe whose
 * reader has gone raises SIGPIPE unless the caller ignores it (then RIGZ_EPIPE). */
int rigz_compress_fd(int in_fd, int out_fd, const rigz_options* opts);
int rigz_decompress_fd(int in_fd, int out_fd, const rigz_options* opts);

/* A static description of a status code ("corrupt or not gzip data", ...). */
const char* rigz_strerror(int code);

/* The detailed message of the calling thread's last failed call (for instance
 * "invalid compressed data--crc error"); "" if none has failed. The pointer stays valid until that
 * thread's next failed call. */
const char* rigz_last_error(void);

/* The library's version, "MAJOR.MINOR.PATCH". */
const char* rigz_version(void);

#ifdef __cplusplus
}
#endif

#endif /* RIGZ_RIGZ_H */
