//! beamos-benches: the benchmark programs (Erlang, in `benches/erl/`) and what runs them on
//! beamos and on `erl` in the same run (`src/bin/beamos-bench.rs`, `benches/run.sh`).
//!
//! Every `benches/erl/bench_*.erl` follows the protocol documented in `bench_util.erl`: it
//! exports `run(small | full)`, and `bench_util:main/1` runs it once untimed (its result's
//! `erlang:phash2/1` is the checksum both VMs must agree on), then N times timed, printing
//! `checksum C` and `times T1 T2 ...` (microseconds, VM startup excluded).
//!
//! This library holds what both the harness binary and the test suite (`tests/small.rs`, which
//! runs every program at its small size on both VMs) need: finding and compiling the programs,
//! and running one VM process with a timeout while recording its wall time and peak RSS.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The workspace root (this crate lives in `<root>/benches`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches crate has a parent directory")
        .to_path_buf()
}

/// The release beamos binary built by `cargo build --release`.
pub fn default_beamos() -> PathBuf {
    workspace_root().join("target/release/beamos")
}

/// Names of the benchmark modules (`bench_*` except `bench_util`), sorted.
pub fn bench_modules(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("benches/erl");
    let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(module) = file.strip_suffix(".erl") {
            if module.starts_with("bench_") && module != "bench_util" {
                names.push(module.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Compiles every `benches/erl/*.erl` whose `.beam` in `ebin` is missing or older than the
/// source, with `erlc`.
pub fn compile(root: &Path, ebin: &Path) -> Result<(), String> {
    fs::create_dir_all(ebin).map_err(|e| format!("{}: {e}", ebin.display()))?;
    let src_dir = root.join("benches/erl");
    let mut stale = Vec::new();
    let entries = fs::read_dir(&src_dir).map_err(|e| format!("{}: {e}", src_dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "erl") {
            let beam = ebin.join(path.file_stem().unwrap()).with_extension("beam");
            if is_newer(&path, &beam) {
                stale.push(path);
            }
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    stale.sort();
    let output = Command::new("erlc")
        .arg("-o")
        .arg(ebin)
        .args(&stale)
        .output()
        .map_err(|e| format!("cannot run erlc: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "erlc failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

fn is_newer(src: &Path, target: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(src), modified(target)) {
        (Some(s), Some(t)) => s > t,
        _ => true,
    }
}

/// What one VM process did.
pub struct ChildRun {
    pub stdout: String,
    pub stderr: String,
    pub status: ExitStatus,
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Peak resident set size of the process, from `wait4`'s rusage.
    pub peak_rss_kb: u64,
}

/// Runs `cmd` to completion (killing it after `timeout`), collecting its output, wall time
/// and peak RSS.
pub fn run_child(mut cmd: Command, timeout: Duration) -> Result<ChildRun, String> {
    let describe = format!("{cmd:?}");
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot run {describe}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out_pipe.read_to_end(&mut s);
        s
    });
    let err_reader = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err_pipe.read_to_end(&mut s);
        s
    });
    let mut killed = false;
    let (raw_status, usage) = loop {
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain old data that wait4 fills in; zeroed is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: pid is our own child, not yet reaped (std's Child is never waited on here).
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        if reaped < 0 {
            return Err(format!("wait4 on {describe}: {}", std::io::Error::last_os_error()));
        }
        if !killed && start.elapsed() > timeout {
            // SAFETY: plain kill(2) of our unreaped child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            killed = true;
        }
        thread::sleep(Duration::from_micros(500));
    };
    let wall = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    if killed {
        return Err(format!("{describe} timed out after {} s", timeout.as_secs()));
    }
    use std::os::unix::process::ExitStatusExt;
    Ok(ChildRun {
        stdout,
        stderr,
        status: ExitStatus::from_raw(raw_status),
        wall,
        peak_rss_kb: usage.ru_maxrss as u64,
    })
}

/// The VM command line for running `args` (erl-style flags) on `vm`.
pub fn vm_command(vm: &Path, ebin: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(vm);
    cmd.arg("-noshell").arg("-pa").arg(ebin).args(args);
    cmd
}

/// One benchmark's result on one VM.
pub struct BenchRun {
    pub checksum: u64,
    /// Wall time of each timed run, microseconds.
    pub times_us: Vec<u64>,
    pub peak_rss_kb: u64,
}

/// Runs `module` at `size` (`"small"` or `"full"`) with `reps` timed runs on `vm`.
pub fn run_bench(
    vm: &Path,
    ebin: &Path,
    module: &str,
    size: &str,
    reps: usize,
    timeout: Duration,
) -> Result<BenchRun, String> {
    let reps = reps.to_string();
    let cmd = vm_command(vm, ebin, &["-s", "bench_util", "main", module, size, &reps]);
    let run = run_child(cmd, timeout)?;
    parse_bench_output(&run).map_err(|e| {
        format!(
            "{module} on {}: {e} (exit {:?})\nstdout: {}\nstderr: {}",
            vm.display(),
            run.status,
            tail(&run.stdout),
            tail(&run.stderr)
        )
    })
}

fn parse_bench_output(run: &ChildRun) -> Result<BenchRun, String> {
    let mut checksum = None;
    let mut times = None;
    for line in run.stdout.lines() {
        if let Some(rest) = line.strip_prefix("checksum ") {
            checksum = Some(rest.trim().parse::<u64>().map_err(|e| format!("bad checksum line: {e}"))?);
        } else if let Some(rest) = line.strip_prefix("times") {
            let parsed: Result<Vec<u64>, _> = rest.split_whitespace().map(str::parse).collect();
            times = Some(parsed.map_err(|e| format!("bad times line: {e}"))?);
        }
    }
    if !run.status.success() {
        return Err("VM exited unsuccessfully".into());
    }
    match (checksum, times) {
        (Some(checksum), Some(times_us)) => Ok(BenchRun { checksum, times_us, peak_rss_kb: run.peak_rss_kb }),
        _ => Err("no checksum/times lines in the output".into()),
    }
}

/// The last few lines of a long output, for error messages.
pub fn tail(s: &str) -> &str {
    const KEEP: usize = 2000;
    if s.len() <= KEEP {
        return s;
    }
    let mut start = s.len() - KEEP;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Smallest and median of a non-empty sample.
pub fn min_median(samples: &[u64]) -> (u64, u64) {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2 };
    (sorted[0], median)
}

/// Geometric mean of positive ratios.
pub fn geomean(ratios: &[f64]) -> f64 {
    if ratios.is_empty() {
        return f64::NAN;
    }
    (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_median_of_odd_and_even_samples() {
        assert_eq!(min_median(&[5, 1, 3]), (1, 3));
        assert_eq!(min_median(&[4, 1, 3, 2]), (1, 2));
        assert_eq!(min_median(&[7]), (7, 7));
    }

    #[test]
    fn geomean_of_ratios() {
        assert!((geomean(&[2.0, 8.0]) - 4.0).abs() < 1e-12);
        assert!((geomean(&[1.0]) - 1.0).abs() < 1e-12);
        assert!(geomean(&[]).is_nan());
    }
}
