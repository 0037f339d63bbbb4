#!/usr/bin/env bash
# Fetches OTP 25.2.3's source tree (test suites included) from Debian's source package of the
# installed Erlang, with a private apt configuration (the system's sources are not touched), and
# unpacks the parts the conformance runs need into $OTP_TESTS_CACHE (default conformance/otp/cache).
# Prints the path of the unpacked tree. Idempotent. OTP_SRC=<dir of an unpacked otp-OTP-25.2.3>
# skips the download.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${OTP_TESTS_CACHE:-$here/cache}
vsn=25.2.3
if [ -n "${OTP_SRC:-}" ]; then
  [ -f "$OTP_SRC/lib/compiler/test/test_lib.erl" ] || { echo "fetch: OTP_SRC=$OTP_SRC is not an OTP source tree" >&2; exit 1; }
  echo "$OTP_SRC"
  exit 0
fi
tree=$cache/otp-OTP-$vsn
if [ -f "$tree/.unpacked" ]; then echo "$tree"; exit 0; fi
apt=$cache/apt
tarball=$apt/erlang_$vsn+dfsg.orig.tar.xz
if [ ! -f "$tarball" ]; then
  if ! command -v xz >/dev/null 2>&1 || ! command -v dpkg-source >/dev/null 2>&1; then
    echo "fetch: installing xz-utils dpkg-dev" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xz-utils dpkg-dev >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xz-utils dpkg-dev >/dev/null; }
  fi
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  echo "deb-src http://deb.debian.org/debian bookworm main" > "$apt/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1)
  echo "fetch: apt-get update, apt-get source --download-only erlang (log: $apt/apt.log)" >&2
  if ! { apt-get -q "${opts[@]}" update && (cd "$apt" && apt-get -q "${opts[@]}" source --download-only erlang); } \
       > "$apt/apt.log" 2>&1 || [ ! -f "$tarball" ]; then
    cat "$apt/apt.log" >&2
    echo "fetch: could not download $(basename "$tarball")" >&2
    exit 1
  fi
fi
# Only the parts the suites and their include files need.
echo "fetch: unpacking test directories from $(basename "$tarball")" >&2
rm -rf "$tree"
mkdir -p "$cache"
tar -xJf "$tarball" -C "$cache" --wildcards \
  "otp-OTP-$vsn/lib/compiler/test" "otp-OTP-$vsn/erts/emulator/test" "otp-OTP-$vsn/lib/stdlib/test" \
  "otp-OTP-$vsn/lib/*/include" "otp-OTP-$vsn/lib/compiler/src/*.hrl" "otp-OTP-$vsn/OTP_VERSION"
touch "$tree/.unpacked"
echo "$tree"
