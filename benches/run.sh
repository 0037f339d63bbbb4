#!/usr/bin/env bash
# Builds the release binaries, then runs every benches/erl/bench_*.erl on erl and on beamos in
# the same run: min and median wall time (VM startup excluded), beamos/erl ratios, their
# geometric mean, peak RSS, boot time and process memory; JSON in target/bench/results.json.
#   bash benches/run.sh [--reps N] [--filter SUBSTR] [--size small|full] [--callgrind] ...
# (beamos-bench --help lists the options.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release -q -p beamos-os --bin beamos -p beamos-benches --bin beamos-bench
exec target/release/beamos-bench "$@"
