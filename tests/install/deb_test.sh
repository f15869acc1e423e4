#!/usr/bin/env bash
# cpack -G DEB makes the packages rigz (the programs, man page, completion) and librigz-dev
# (library, headers, pkg-config and CMake files) with the right dependencies. Exit 77 (skipped)
# without dpkg-deb.
#   deb_test.sh BUILD_DIR VERSION
set -u
BUILD=$1 VERSION=$2
export LC_ALL=C
command -v dpkg-deb >/dev/null && command -v cpack >/dev/null || { echo "no dpkg-deb or cpack: skipped"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/rigz-deb.XXXXXX")
trap 'rm -rf "$T"' EXIT
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

(cd "$BUILD" && cpack -G DEB -B "$T" >"$T/log" 2>&1) || { cat "$T/log" >&2; echo "FAIL: cpack" >&2; exit 1; }
arch=$(dpkg --print-architecture)
deb=$T/rigz_${VERSION}_$arch.deb
dev=$T/librigz-dev_${VERSION}_$arch.deb
[ -f "$deb" ] || { ls "$T" >&2; echo "FAIL: no $deb" >&2; exit 1; }

[ "$(dpkg-deb -f "$deb" Package)" = rigz ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$VERSION" ] || fail "version"
depends=$(dpkg-deb -f "$deb" Depends)
# The shared libraries the program loads: ISA-L and zlib (libdeflate and libstdc++ are linked
# in statically, CMakeLists.txt).
for d in libisal2 zlib1g; do
  grep -qE "(^|, )$d( |,|$)" <<<"$depends" || fail "rigz does not depend on $d: $depends"
done
files=$(dpkg-deb -c "$deb")
for f in ./usr/bin/rigz ./usr/share/man/man1/rigz.1 ./usr/share/bash-completion/completions/rigz; do
  grep -qE " $f\$" <<<"$files" || fail "rigz.deb lacks $f"
done
for f in unrigz rigzcat; do
  grep -qE " ./usr/bin/$f -> rigz\$" <<<"$files" || fail "rigz.deb lacks the link /usr/bin/$f"
done
grep -qE 'include/|\.a$|\.so' <<<"$files" && fail "rigz.deb holds development files"
# The packaged program runs.
dpkg-deb -x "$deb" "$T/root"
[ "$(echo hello | "$T/root/usr/bin/rigz" | "$T/root/usr/bin/rigzcat")" = hello ] || fail "packaged rigz does not run"
# dpkg would install it here (dependencies met, no conflicts); --dry-run changes nothing.
if [ "$(id -u)" = 0 ]; then
  dpkg --dry-run -i "$deb" >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log" >&2; fail "dpkg -i --dry-run"; }
fi
# `man rigz` finds and renders the packaged page.
if command -v man >/dev/null; then
  page=$(MANPATH=$T/root/usr/share/man MANWIDTH=80 man -P cat rigz 2>&1)
  grep -q "rigz, *unrigz, *rigzcat" <<<"$page" || fail "man rigz from the package: $(head -3 <<<"$page")"
fi

if [ -f "$dev" ]; then
  [ "$(dpkg-deb -f "$dev" Package)" = librigz-dev ] || fail "dev package name"
  devfiles=$(dpkg-deb -c "$dev")
  for f in include/rigz/rigz.h include/rigz/rigz.hpp librigz.a pkgconfig/rigz.pc cmake/rigz/rigzConfig.cmake; do
    grep -q "$f\$" <<<"$devfiles" || fail "librigz-dev lacks $f"
  done
else
  fail "no $dev"
fi
echo "deb: $(basename "$deb") $(basename "$dev"), $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
