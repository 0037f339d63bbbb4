//! beamos-conformance: the differential corpus (Erlang modules in `erl/`, the expected output of the real BEAM in `expected/`) and its runner (`src/bin/conformance.rs`).
