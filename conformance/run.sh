#!/bin/sh
# Build the conformance runner (this crate only; no VM rebuild) and run it.
#   conformance/run.sh                      test target/release/beamos against expected/
#   conformance/run.sh --vm "$(which erl)"  check the corpus against erl itself
#   conformance/run.sh --update             regenerate expected/*.out from erl (or UPDATE_EXPECT=1)
#   conformance/run.sh --filter bin_        a subset
set -e
here=$(cd "$(dirname "$0")" && pwd)
cargo build --quiet --release --manifest-path "$here/../Cargo.toml" -p beamos-conformance --bin conformance
exec "$here/../target/release/conformance" "$@"
