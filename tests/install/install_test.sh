#!/usr/bin/env bash
# cmake --install into a temporary prefix, then what a user of the installed copy does: run the
# programs, build examples/ with find_package(rigz) and with pkg-config, statically and against
# librigz.so, and run them.
#   install_test.sh BUILD_DIR SOURCE_DIR CXX_COMPILER VERSION
# shellcheck disable=SC2046  # pkg-config's output is split into words on purpose
set -u
BUILD=$1 SRC=$2 CXX=$3 VERSION=$4
export LC_ALL=C
unset GZIP RIGZ
T=$(mktemp -d "${TMPDIR:-/tmp}/rigz-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
P=$T/prefix
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
check() { "$@" || fail "$*"; }
# Runs a command quietly; shows its output if it fails.
quiet() {
  "$@" >"$T/log" 2>&1 || { cat "$T/log" >&2; fail "$*"; return 1; }
}

quiet cmake --install "$BUILD" --prefix "$P" || exit 1

# --- the files, wherever GNUInstallDirs put the libraries (lib, lib64, lib/<multiarch>)
PC=$(find "$P" -name rigz.pc | head -n 1)
[ -n "$PC" ] || { fail "no rigz.pc installed"; exit 1; }
LIBDIR=$(dirname "$(dirname "$PC")")
for f in bin/rigz include/rigz/rigz.h include/rigz/rigz.hpp share/man/man1/rigz.1 \
         share/bash-completion/completions/rigz; do
  check test -f "$P/$f"
done
for f in librigz.a cmake/rigz/rigzConfig.cmake cmake/rigz/rigzConfigVersion.cmake; do
  check test -f "$LIBDIR/$f"
done
for name in unrigz rigzcat; do
  check test "$(readlink "$P/bin/$name")" = rigz
  check test "$(readlink "$P/share/man/man1/$name.1")" = rigz.1
  check test "$(readlink "$P/share/bash-completion/completions/$name")" = rigz
done
# No internal header is installed: the public ones stand alone.
check test "$(ls "$P/include/rigz")" = "$(printf 'rigz.h\nrigz.hpp')"

# --- the installed programs
seq 1 200000 >"$T/in.txt"
"$P/bin/rigz" -c "$T/in.txt" >"$T/in.txt.gz" || fail "installed rigz -c"
check cmp -s <("$P/bin/rigzcat" "$T/in.txt.gz") "$T/in.txt"
check cmp -s <("$P/bin/unrigz" -c <"$T/in.txt.gz") "$T/in.txt"
check cmp -s <(gzip -dc "$T/in.txt.gz") "$T/in.txt"
check test "$("$P/bin/rigz" --version)" = "rigz $VERSION"

# --- the shared library: its SONAME, and only the public API exported
SHARED=""
if [ -e "$LIBDIR/librigz.so" ]; then
  SHARED=1
  soname=$(readelf -d "$LIBDIR/librigz.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
  check test -e "$LIBDIR/$soname"
  case $soname in librigz.so.*) ;; *) fail "SONAME $soname" ;; esac
  nm -D --defined-only "$LIBDIR/librigz.so" | c++filt | awk '{ $1 = ""; $2 = ""; print substr($0, 3) }' |
    grep -v -E '^(rigz_[a-z_]+|rigz::api::|(typeinfo|typeinfo name|vtable) for rigz::api::|RIGZ_0$)' >"$T/extra"
  [ -s "$T/extra" ] && { fail "librigz.so exports more than the API:"; head "$T/extra" >&2; }
fi

# --- the headers compile alone, strictly: rigz.h as C89/C99 and C++, rigz.hpp as C++20
check cc -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$P/include" -x c - <<<'#include <rigz/rigz.h>'
check "$CXX" -std=c++20 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$P/include" -x c++ - \
  <<<'#include <rigz/rigz.hpp>
int main() { return rigz::api::compress(std::span<const uint8_t>{}).empty(); }'

# --- examples/ with find_package(rigz)
quiet cmake -S "$SRC/examples" -B "$T/ex" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_BUILD_TYPE=Release && quiet cmake --build "$T/ex" -j 4
programs=(rigz_example rigz_example_c)
[ -n "$SHARED" ] && programs+=(rigz_example_shared)
# A consumer asking for an incompatible version is refused.
mkdir -p "$T/wrong" && echo 'cmake_minimum_required(VERSION 3.20)
project(w NONE)
find_package(rigz 99 REQUIRED)' >"$T/wrong/CMakeLists.txt"
cmake -S "$T/wrong" -B "$T/wrong/b" -DCMAKE_PREFIX_PATH="$P" >/dev/null 2>&1 && fail "find_package(rigz 99) succeeded"

# --- the same with pkg-config (whose output is meant to be split into words)
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
check test "$(pkg-config --modversion rigz)" = "$VERSION"
if [ -n "$SHARED" ]; then
  # -lrigz finds librigz.so
  quiet "$CXX" -std=c++20 -o "$T/ex/pc_cxx" "$SRC/examples/example.cpp" $(pkg-config --cflags --libs rigz) &&
    programs+=(pc_cxx)
  quiet cc -o "$T/ex/pc_c" "$SRC/examples/example.c" $(pkg-config --cflags --libs rigz) && programs+=(pc_c)
fi
# Statically: librigz.a and the Libs.private/Requires.private of rigz.pc must be all a C program needs.
static_libs=$(pkg-config --static --libs rigz | sed 's/-lrigz\b/-l:librigz.a/')
quiet cc -o "$T/ex/pc_c_static" "$SRC/examples/example.c" $(pkg-config --cflags rigz) $static_libs &&
  programs+=(pc_c_static)

# --- run them all: the demo, then a round trip through standard input and output
for prog in "${programs[@]}"; do
  exe=$T/ex/$prog
  [ -x "$exe" ] || { fail "$prog was not built"; continue; }
  out=$(LD_LIBRARY_PATH=$LIBDIR "$exe" 2>&1) || fail "$prog: $out"
  case $out in *"rigz $VERSION: "*"corrupt input: "*crc*) ;; *) fail "$prog printed: $out" ;; esac
  LD_LIBRARY_PATH=$LIBDIR "$exe" -c <"$T/in.txt" 2>/dev/null >"$T/out.gz" || fail "$prog -c"
  check cmp -s <(gzip -dc "$T/out.gz") "$T/in.txt"
  check cmp -s <(gzip -c "$T/in.txt" | LD_LIBRARY_PATH=$LIBDIR "$exe" -d 2>/dev/null) "$T/in.txt"
done
# The shared builds really use the installed librigz.so; the static ones do not need it.
for prog in rigz_example_shared pc_cxx pc_c; do
  [ -x "$T/ex/$prog" ] || continue
  LD_LIBRARY_PATH=$LIBDIR ldd "$T/ex/$prog" | grep -q "librigz.so.* => $LIBDIR/" || fail "$prog does not load $LIBDIR/librigz.so"
done
for prog in rigz_example rigz_example_c pc_c_static; do
  [ -x "$T/ex/$prog" ] || continue
  ldd "$T/ex/$prog" | grep -q librigz && fail "$prog links librigz.so"
done

echo "install test: ${#programs[@]} programs built and run, $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
