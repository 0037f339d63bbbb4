#!/usr/bin/env bash
# Installs what the build and the tests need, when missing: Erlang/OTP (the oracle and the
# source of OTP's .beam files), QEMU (the kernel-image test) and a C compiler (rustc links
# through cc, and the mimalloc crate compiles its C sources with it). Idempotent.
set -euo pipefail
need=()
command -v erl >/dev/null 2>&1 || need+=(erlang-nox erlang-dev erlang-src)
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
