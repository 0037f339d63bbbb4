//! The loader on real and corrupted input: every .beam of the installed OTP loads; truncated
//! and mutated files never panic.

mod common;

use beamos_vm::loader;
use beamos_vm::vm::Vm;
use proptest::prelude::*;

fn all_otp_beams() -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for dir in common::otp_paths() {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                if e.path().extension().is_some_and(|x| x == "beam") {
                    v.push(e.path());
                }
            }
        }
    }
    v.sort();
    v
}

fn new_vm() -> Vm {
    let (p, _) = common::TestPlatform::new();
    Vm::new(Box::new(p))
}

#[test]
fn every_installed_otp_module_translates() {
    let beams = all_otp_beams();
    if beams.is_empty() {
        eprintln!("SKIPPED: no OTP installation under /usr/lib/erlang");
        return;
    }
    let vm = new_vm();
    let mut failures = Vec::new();
    for b in &beams {
        let bytes = std::fs::read(b).unwrap();
        if let Err(e) = loader::load(&vm, &bytes) {
            failures.push(format!("{}: {}", b.display(), e));
        }
    }
    assert!(beams.len() > 500, "only {} beams found", beams.len());
    assert!(failures.is_empty(), "{} of {} failed:\n{}", failures.len(), beams.len(), failures.join("\n"));
}

#[test]
fn md5_matches_module_info() {
    let Some(out) = std::process::Command::new("erl")
        .args(["-noshell", "-eval", "io:format(\"~w~n\", [[lists:module_info(md5), maps:module_info(md5)]]), halt()."])
        .output()
        .ok()
    else {
        eprintln!("SKIPPED: erl not found");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let vm = new_vm();
    for (i, m) in ["lists", "maps"].iter().enumerate() {
        let path = common::otp_paths().into_iter().map(|d| format!("{}/{}.beam", d, m)).find(|p| std::path::Path::new(p).exists()).unwrap();
        let bf = beamos_vm::loader::beam_file::parse(&std::fs::read(path).unwrap()).unwrap();
        let ours: Vec<String> = bf.md5.iter().map(|b| b.to_string()).collect();
        let want = text.trim().trim_start_matches("[<<").trim_end_matches(">>]").split(">>,<<").nth(i).unwrap().to_string();
        assert_eq!(ours.join(","), want, "md5 of {}", m);
    }
    let _ = vm;
}

fn sample() -> Option<Vec<u8>> {
    let p = common::otp_paths().into_iter().map(|d| format!("{}/lists.beam", d)).find(|p| std::path::Path::new(p).exists())?;
    std::fs::read(p).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn truncated_files_are_errors(cut in any::<usize>()) {
        let Some(b) = sample() else { return Ok(()) };
        let vm = new_vm();
        let n = cut % b.len();
        prop_assert!(loader::load(&vm, &b[..n]).is_err());
    }

    #[test]
    fn mutated_files_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let Some(mut b) = sample() else { return Ok(()) };
        let vm = new_vm();
        for (pos, val) in edits {
            let i = pos % b.len();
            b[i] = val;
        }
        let _ = loader::load(&vm, &b);
    }
}
