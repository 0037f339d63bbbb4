#!/usr/bin/env bash
# The main job: build beamos and run the bundled example program on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cargo build --release --bin beamos
out=$(mktemp -d)
erlc -o "$out" examples/hello.erl
./target/release/beamos -noshell -pa "$out" -s hello main
