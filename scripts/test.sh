#!/usr/bin/env bash
# Runs every test: unit and integration tests, the differential conformance corpus against
# the real BEAM, and the kernel image under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cargo build --release --workspace
cargo test --release --workspace
if [ -f conformance/src/bin/conformance.rs ]; then
  # With two schedulers (whatever the machine has), as erl on this machine.
  # c_smp_stress alone takes 20-30 s: the limit leaves room for a loaded machine.
  ERL_FLAGS="+S 2" cargo run --release -q -p beamos-conformance --bin conformance -- --vm target/release/beamos --timeout 240
  # Again on one scheduler, with the collector's heap invariant checks on around every
  # collection (verification is linear in the heap, so the modules with the largest heaps are
  # left out of this pass).
  ERL_FLAGS="+S 1" BEAMOS_GC_VERIFY=1 cargo run --release -q -p beamos-conformance --bin conformance -- \
    --vm target/release/beamos --timeout 120 --skip c_bif_yield --skip c_large_data --skip c_gc_stress --skip c_vm_limits --skip c_smp_stress
fi
if [ -f conformance/otp/run.sh ]; then
  # OTP's own test suites (the compiler suites and their build variants, the quick emulator
  # suites) on erl and on beamos; fails on cases passing on erl that beamos does not pass and
  # conformance/otp/known_failures.txt does not list. Fetches the suites (apt-get source) first.
  bash conformance/otp/run.sh --ci
fi
if [ -f os-personality/kernel/run-qemu.sh ]; then
  bash os-personality/kernel/run-qemu.sh
fi
