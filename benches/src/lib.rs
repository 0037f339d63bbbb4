//! beamos-benches: benchmark programs (Erlang, in `benches/erl/`) and the runner that runs
//! each on beamos and on `erl` in one run and reports ratios.
//!
//! Not built yet (issue 5).
