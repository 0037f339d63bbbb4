#!/usr/bin/env bash
# Runs every benches/erl/bench_*.erl on erl and on beamos in the same run and prints the
# fastest-of-5 time of each (workload only, VM startup excluded) and beamos/erl as a ratio
# (below 1 is faster than erl). Both VMs must compute the same result (phash2 compared).
#   bash benches/run.sh [path/to/beamos]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
beamos="${1:-$root/target/release/beamos}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
erlc -o "$out" "$root"/benches/erl/*.erl
printf '%-14s %12s %12s %8s\n' bench erl_us beamos_us ratio
for src in "$root"/benches/erl/bench_*.erl; do
  m="$(basename "$src" .erl)"
  [ "$m" = bench_util ] && continue
  e="$(erl -noshell -pa "$out" -s "$m" main | tr -d '\r{}')"
  b="$("$beamos" -noshell -pa "$out" -s "$m" main | tr -d '\r{}')"
  et="${e%%,*}"; bt="${b%%,*}"
  if [ "${e#*,}" != "${b#*,}" ]; then
    echo "$m: results differ (erl ${e#*,}, beamos ${b#*,})" >&2
    exit 1
  fi
  printf '%-14s %12s %12s %8s\n' "${m#bench_}" "$et" "$bt" "$(awk -v a="$bt" -v b="$et" 'BEGIN { printf "%.2f", a / b }')"
done
