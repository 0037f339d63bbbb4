#!/usr/bin/env bash
# Build beamos-kernel and boot it under qemu-system-x86_64 (TCG), printing the serial console.
# Exit status 0 iff the kernel reported success through isa-debug-exit (QEMU status 33 =
# (0x10 << 1) | 1) and printed "BeamOS kernel done". Run from anywhere, e.g. from the repo root:
#   bash os-personality/kernel/run-qemu.sh
# Env: CARGO_TARGET_DIR (default <repo>/target/kernel), QEMU_TIMEOUT (seconds, default 120),
#      BEAMOS_KERNEL_NO_BUILD=1 to boot an existing image, QEMU_EXTRA for extra qemu args.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/kernel}"
image="$CARGO_TARGET_DIR/kernel/beamos-kernel"

if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "run-qemu.sh: qemu-system-x86_64 not found (apt-get install qemu-system-x86)" >&2
    exit 2
fi

if [ "${BEAMOS_KERNEL_NO_BUILD:-0}" != 1 ]; then
    cargo build --profile kernel --manifest-path "$here/Cargo.toml" || {
        echo "run-qemu.sh: kernel build failed" >&2
        exit 2
    }
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086
timeout "${QEMU_TIMEOUT:-120}" qemu-system-x86_64 \
    -kernel "$image" \
    -display none -serial stdio -nodefaults -no-reboot \
    -m 512M -accel tcg \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    ${QEMU_EXTRA:-} </dev/null | tee "$log"
status=${PIPESTATUS[0]}

if [ "$status" = 124 ]; then
    echo "run-qemu.sh: FAIL: timed out after ${QEMU_TIMEOUT:-120}s" >&2
    exit 1
fi
if [ "$status" != 33 ]; then
    echo "run-qemu.sh: FAIL: qemu exit status $status (33 = kernel success, 35 = kernel failure)" >&2
    exit 1
fi
if ! tr -d '\r' <"$log" | grep -qx "BeamOS kernel done"; then
    echo "run-qemu.sh: FAIL: kernel exited 33 but never printed 'BeamOS kernel done'" >&2
    exit 1
fi
echo "run-qemu.sh: PASS"
