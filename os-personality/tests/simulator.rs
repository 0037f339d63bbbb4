//! The deterministic simulator (`BEAMOS_SIM_SEED`): a run is a function of its seed (the
//! same seed gives the same interleaving, other seeds others), and its clock is simulated
//! (a one-minute sleep is a minute of simulated time, taken at once).

mod common;

use std::path::PathBuf;
use std::process::Command;

const RACE: &str = r#"
-module(race).
-export([main/0]).
%% Four writers interleave 20 messages; then a minute's sleep on the simulated clock.
main() ->
    Self = self(),
    T0 = erlang:monotonic_time(millisecond),
    [spawn(fun() -> w(Self, N, 5) end) || N <- lists:seq(1, 4)],
    L = [receive {N, I} -> {N, I} end || _ <- lists:seq(1, 20)],
    timer:sleep(60000),
    Slept = erlang:monotonic_time(millisecond) - T0,
    io:format("~w ~p~n", [[N || {N, _} <- L], Slept >= 60000 andalso Slept < 61000]),
    erlang:halt().
w(_, _, 0) -> ok;
w(P, N, K) -> P ! {N, K}, erlang:yield(), w(P, N, K - 1).
"#;


fn run(dir: &PathBuf, seed: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_beamos"))
        .env("BEAMOS_SIM_SEED", seed)
        .args(["-noshell", "-pa"])
        .arg(dir)
        .args(["-s", "race", "main"])
        .output()
        .expect("beamos runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_seed_replays_its_interleaving() {
    let Some(dir) = common::compile("race", RACE) else {
        eprintln!("erlc not found: skipped");
        return;
    };
    let runs: Vec<String> = ["7", "7", "1", "2", "3", "4"].iter().map(|s| run(&dir, s).1).collect();
    for r in &runs {
        assert!(r.ends_with(" true\n"), "the simulated minute passed: {r}");
    }
    assert_eq!(runs[0], runs[1], "the same seed, the same run");
    let distinct: std::collections::BTreeSet<&String> = runs.iter().collect();
    assert!(distinct.len() >= 3, "seeds choose different interleavings: {runs:?}");
    let (ok, msg) = run(&dir, "seven");
    assert!(!ok && msg.contains("BEAMOS_SIM_SEED"), "a bad seed is an error: {msg}");
    let _ = std::fs::remove_dir_all(&dir);
}
