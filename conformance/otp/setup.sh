#!/usr/bin/env bash
# Fetches OTP's test suites (fetch.sh) and compiles them, with the runner and our small ct and
# test_server modules, into conformance/otp/cache (outside git). Idempotent; only stale files are
# recompiled.   setup.sh [TIER...]   (default: 1 2 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${OTP_TESTS_CACHE:-$here/cache}
tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(1 2 3)
src=$(bash "$here/fetch.sh")
mkdir -p "$cache/ebin"
for f in "$here"/src/*.erl; do
  beam=$cache/ebin/$(basename "$f" .erl).beam
  if [ ! -f "$beam" ] || [ "$f" -nt "$beam" ]; then
    erlc -o "$cache/ebin" "$f"
  fi
done
escript "$here/tools/build.escript" "$src" "$cache" "${tiers[@]}"
