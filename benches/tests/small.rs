//! Every benchmark program runs at its small size on beamos and must print the checksum the
//! real `erl` prints for it, so no benchmark rots between benchmark runs. Timings are not
//! looked at here (they are the harness's business, as ratios).

use beamos_benches::{bench_modules, compile, default_beamos, run_bench, run_child, tail, vm_command, workspace_root};
use std::collections::BTreeMap;
use std::time::Duration;

#[test]
fn every_benchmark_matches_erl_at_small_size() {
    let root = workspace_root();
    let ebin = root.join("target/bench/ebin-test");
    compile(&root, &ebin).expect("benchmarks compile");
    let modules = bench_modules(&root).expect("benchmark list");
    assert!(modules.len() >= 20, "only {} benchmark programs", modules.len());

    // erl: one VM for all programs (its boot is the slow part).
    let eval = format!(
        "[io:format(\"~s ~w~n\", [M, erlang:phash2(M:run(small))]) || M <- [{}]], halt().",
        modules.join(",")
    );
    let erl = run_child(vm_command("erl".as_ref(), &ebin, &["-eval", &eval]), Duration::from_secs(300))
        .expect("erl runs the small benchmarks");
    assert!(erl.status.success(), "erl failed: {}", tail(&erl.stderr));
    let expected: BTreeMap<&str, u64> = erl
        .stdout
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(m, c)| (m, c.trim().parse().expect("checksum")))
        .collect();
    assert_eq!(expected.len(), modules.len(), "erl output: {}", erl.stdout);

    let beamos = default_beamos();
    let mut failures = Vec::new();
    for module in &modules {
        match run_bench(&beamos, &ebin, module, "small", 1, Duration::from_secs(120)) {
            Ok(run) if run.checksum == expected[module.as_str()] => {}
            Ok(run) => failures.push(format!("{module}: checksum {} on beamos, {} on erl", run.checksum, expected[module.as_str()])),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{} of {} benchmarks failed:\n{}", failures.len(), modules.len(), failures.join("\n"));
}
