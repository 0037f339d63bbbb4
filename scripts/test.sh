#!/usr/bin/env bash
# Runs every test: unit and integration tests, the differential conformance corpus against
# the real BEAM, and the kernel image under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cargo build --release --workspace
cargo test --release --workspace
if [ -f conformance/src/bin/conformance.rs ]; then
  cargo run --release -q -p beamos-conformance --bin conformance -- --vm target/release/beamos
fi
if [ -f os-personality/kernel/run-qemu.sh ]; then
  bash os-personality/kernel/run-qemu.sh
fi
