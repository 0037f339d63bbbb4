#!/usr/bin/env bash
# OTP's own test suites (*_SUITE.erl, unmodified) on erl and on beamos, compared case by case.
#   conformance/otp/run.sh                    tier 1 (lib/compiler/test and its build variants)
#   conformance/otp/run.sh --tier 1,2,3       more tiers (2: erts/emulator/test, 3: lib/stdlib/test)
#   conformance/otp/run.sh --ci               the CI selection (ci_suites.txt)
#   conformance/otp/run.sh --filter bs_match  suites whose name contains a string (repeatable)
#   conformance/otp/run.sh --update-known     rewrite known_failures.txt from this run
# Other options: --jobs N, --beamos PATH, --erl PATH, --strict-init, --fresh-erl, --quiet.
# Fetches and compiles the suites first (setup.sh). Results: cache/results/ (summary.tsv, logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${OTP_TESTS_CACHE:-$here/cache}
args=() tiers=1
while [ $# -gt 0 ]; do
  case $1 in
    --tier) tiers=$2; args+=(--tier "$2"); shift 2;;
    --ci) tiers=1,2; args+=(--tier 1,2 --suites "$here/ci_suites.txt" --quiet); shift;;
    *) args+=("$1"); shift;;
  esac
done
bash "$here/setup.sh" ${tiers//,/ } >&2
exec escript "$here/tools/driver.escript" "$cache" --beamos "$root/target/release/beamos" \
  --known "$here/known_failures.txt" "${args[@]}"
