//! `conformance`: runs the differential corpus against a VM binary.
//!
//! Every `erl/<mod>.erl` is compiled with `erlc` into `cache/ebin` (only when the source is newer
//! than its `.beam`), then run as `<vm> -noshell -pa <ebin> -s <mod> main` with a timeout. Its
//! stdout must equal `expected/<mod>.out` byte for byte; the exit status must be 0. One line is
//! printed per module, in module order, then `N passed, M failed, K ignored`.
//!
//! `--update` (or `UPDATE_EXPECT=1`) instead runs the real `erl` twice per module and writes
//! `expected/<mod>.out`, refusing output that differs between the two runs.
//!
//! Modules listed in `ignore.txt` (`module  # reason`) are not run but are always reported.
//! Panics (exit code 101) and deaths by signal are reported as `CRASH` and counted apart from
//! ordinary output mismatches (`FAIL`) and `TIMEOUT`s; all of them count as failed.

use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

const USAGE: &str = "\
usage: conformance [--vm PATH] [--filter SUBSTR] [--skip SUBSTR]... [--timeout SECS] [--jobs N]
                   [--update] [--erl PATH] [--erlc PATH] [--root DIR]

  --vm PATH        VM binary to test (default: <root>/../target/release/beamos)
  --filter SUBSTR  only modules whose name contains SUBSTR
  --skip SUBSTR    leave out modules whose name contains SUBSTR (repeatable; not counted)
  --timeout SECS   per-module timeout, the process group is killed after it (default 60)
  --jobs N         modules run in parallel (default 2)
  --update         regenerate expected/*.out with the real erl (also: UPDATE_EXPECT=1)
  --erl PATH       erl used by --update (default: erl)
  --erlc PATH      compiler (default: erlc)
  --root DIR       corpus directory holding erl/, expected/, ignore.txt (default: this crate)";

/// Exit code of a Rust program that panicked (the default panic=unwind runtime).
const PANIC_EXIT_CODE: i32 = 101;
/// How much of a child's stderr is kept for diagnosing a crash.
const STDERR_TAIL_BYTES: usize = 4096;
const POLL_INTERVAL: Duration = Duration::from_millis(5);

struct Options {
    root: PathBuf,
    vm: PathBuf,
    erl: PathBuf,
    erlc: PathBuf,
    filter: Option<String>,
    skip: Vec<String>,
    timeout: Duration,
    jobs: usize,
    update: bool,
}

/// What one run of a module's `main/0` produced.
struct RunOutput {
    stdout: Vec<u8>,
    stderr_tail: Vec<u8>,
    /// `None` when the run was killed for exceeding the timeout.
    status: Option<ExitStatus>,
    elapsed: Duration,
}

enum Outcome {
    Pass,
    Fail(String),
    Timeout,
    Crash { panic: bool, detail: String },
    Ignored(String),
}

fn main() {
    let options = match parse_args(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("conformance: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let code = match run(&options) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("conformance: {message}");
            2
        }
    };
    std::process::exit(code);
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut options = Options {
        vm: root.join("../target/release/beamos"),
        root,
        erl: PathBuf::from("erl"),
        erlc: PathBuf::from("erlc"),
        filter: None,
        skip: Vec::new(),
        timeout: Duration::from_secs(60),
        jobs: 2,
        update: std::env::var("UPDATE_EXPECT").is_ok_and(|v| !v.is_empty() && v != "0"),
    };
    let mut vm_given = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--vm" => {
                options.vm = PathBuf::from(value()?);
                vm_given = true;
            }
            "--erl" => options.erl = PathBuf::from(value()?),
            "--erlc" => options.erlc = PathBuf::from(value()?),
            "--root" => options.root = PathBuf::from(value()?),
            "--filter" => options.filter = Some(value()?),
            "--skip" => options.skip.push(value()?),
            "--timeout" => options.timeout = Duration::from_secs_f64(parse_number(&value()?)?),
            "--jobs" => options.jobs = (parse_number(&value()?)? as usize).max(1),
            "--update" => options.update = true,
            "-h" | "--help" => return Err("help".to_string()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !vm_given {
        options.vm = options.root.join("../target/release/beamos");
    }
    Ok(options)
}

fn parse_number(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .ok_or_else(|| format!("expected a positive number, got {text:?}"))
}

fn run(options: &Options) -> Result<i32, String> {
    let erl_dir = options.root.join("erl");
    let ebin = options.root.join("cache/ebin");
    let modules: Vec<String> = discover_modules(&erl_dir)?
        .into_iter()
        .filter(|m| {
            options
                .filter
                .as_ref()
                .is_none_or(|f| m.contains(f.as_str()))
                && !options.skip.iter().any(|s| m.contains(s.as_str()))
        })
        .collect();
    if modules.is_empty() {
        return Err("no modules selected".to_string());
    }
    compile_stale(&options.erlc, &erl_dir, &ebin, &modules)?;
    let ebin = fs::canonicalize(&ebin).map_err(|e| format!("{}: {e}", ebin.display()))?;
    if options.update {
        update_all(options, &ebin, modules)
    } else {
        check_all(options, &ebin, modules)
    }
}

/// Module names of every `*.erl` in `dir`, sorted.
fn discover_modules(dir: &Path) -> Result<Vec<String>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut modules: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_suffix(".erl").map(str::to_string)
        })
        .collect();
    modules.sort();
    Ok(modules)
}

/// `ignore.txt`: one module per line, then optional whitespace and `# reason`.
fn read_ignore(path: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut ignored = BTreeMap::new();
    for line in text.lines() {
        let (name, reason) = match line.split_once('#') {
            Some((name, reason)) => (name.trim(), reason.trim()),
            None => (line.trim(), ""),
        };
        if !name.is_empty() {
            let reason = if reason.is_empty() {
                "no reason given"
            } else {
                reason
            };
            ignored.insert(name.to_string(), reason.to_string());
        }
    }
    ignored
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Compiles every module whose `.beam` is missing or older than its source, in one `erlc` call.
/// erlc runs inside `erl_dir` so the `file` in stack-trace locations is the bare file name.
/// A module that fails to compile is left without a `.beam` and fails when run.
fn compile_stale(
    erlc: &Path,
    erl_dir: &Path,
    ebin: &Path,
    modules: &[String],
) -> Result<(), String> {
    fs::create_dir_all(ebin).map_err(|e| format!("{}: {e}", ebin.display()))?;
    let ebin = fs::canonicalize(ebin).map_err(|e| format!("{}: {e}", ebin.display()))?;
    let stale: Vec<String> = modules
        .iter()
        .filter(|m| {
            let beam = ebin.join(format!("{m}.beam"));
            match (modified(&erl_dir.join(format!("{m}.erl"))), modified(&beam)) {
                (Some(src), Some(obj)) => src > obj,
                _ => true,
            }
        })
        .cloned()
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    for m in &stale {
        let _ = fs::remove_file(ebin.join(format!("{m}.beam")));
    }
    eprintln!("conformance: compiling {} module(s)", stale.len());
    let output = Command::new(erlc)
        .current_dir(erl_dir)
        .arg("-o")
        .arg(&ebin)
        .args(stale.iter().map(|m| format!("{m}.erl")))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", erlc.display()))?;
    if !output.status.success() {
        eprintln!("conformance: erlc failed:");
        eprint!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(())
}

/// Runs `<program> -noshell -pa <ebin> -s <module> main` in its own process group.
fn run_module(
    program: &Path,
    ebin: &Path,
    module: &str,
    timeout: Duration,
) -> Result<RunOutput, String> {
    let start = Instant::now();
    let mut child = Command::new(program)
        .arg("-noshell")
        .arg("-pa")
        .arg(ebin)
        .args(["-s", module, "main"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let stdout = spawn_reader(child.stdout.take().expect("piped stdout"), usize::MAX);
    let stderr = spawn_reader(
        child.stderr.take().expect("piped stderr"),
        STDERR_TAIL_BYTES,
    );
    let status = wait_with_timeout(&mut child, timeout);
    let elapsed = start.elapsed();
    Ok(RunOutput {
        stdout: stdout.join().unwrap_or_default(),
        stderr_tail: stderr.join().unwrap_or_default(),
        status,
        elapsed,
    })
}

/// Reads a pipe to its end on its own thread, keeping at most the last `keep` bytes.
fn spawn_reader<R: Read + Send + 'static>(mut pipe: R, keep: usize) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buffer = [0u8; 16384];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    kept.extend_from_slice(&buffer[..n]);
                    if kept.len() > keep {
                        kept.drain(..kept.len() - keep);
                    }
                }
            }
        }
        kept
    })
}

/// Waits for the child; after `timeout` kills its whole process group and returns `None`.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                kill_group(child.id());
                return Some(status);
            }
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL_INTERVAL),
            _ => {
                kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// Kills every process left in the group led by `pid` (helpers such as erl_child_setup), so
/// none keeps the output pipes open. Without a libc dependency this goes through kill(1).
fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn check_all(options: &Options, ebin: &Path, modules: Vec<String>) -> Result<i32, String> {
    if !options.vm.is_file() {
        return Err(format!(
            "VM binary {} not found (build it with `cargo build --release`, or pass --vm)",
            options.vm.display()
        ));
    }
    let ignored = read_ignore(&options.root.join("ignore.txt"));
    let expected_dir = options.root.join("expected");
    let (vm, timeout) = (options.vm.clone(), options.timeout);
    let ebin = ebin.to_path_buf();
    let mut counts = Counts::default();
    for_each_parallel(
        modules,
        options.jobs,
        move |module| {
            if let Some(reason) = ignored.get(module) {
                return (Outcome::Ignored(reason.clone()), Duration::ZERO);
            }
            let expected = fs::read(expected_dir.join(format!("{module}.out")));
            match (expected, run_module(&vm, &ebin, module, timeout)) {
                (_, Err(e)) => (Outcome::Fail(e), Duration::ZERO),
                (Err(_), Ok(out)) => (
                    Outcome::Fail("no expected output (run with --update)".into()),
                    out.elapsed,
                ),
                (Ok(expected), Ok(out)) => (classify(&out, &expected), out.elapsed),
            }
        },
        |module, (outcome, elapsed)| {
            counts.add(&outcome);
            report(module, &outcome, elapsed);
        },
    );
    counts.print();
    Ok(if counts.failed() > 0 { 1 } else { 0 })
}

fn classify(out: &RunOutput, expected: &[u8]) -> Outcome {
    let Some(status) = out.status else {
        return Outcome::Timeout;
    };
    let panicked_text = find_panic_message(&out.stderr_tail);
    if let Some(signal) = status.signal() {
        return Outcome::Crash {
            panic: false,
            detail: format!("killed by signal {signal}"),
        };
    }
    if status.code() == Some(PANIC_EXIT_CODE) || panicked_text.is_some() {
        let detail = panicked_text.unwrap_or_else(|| format!("exit code {PANIC_EXIT_CODE}"));
        return Outcome::Crash {
            panic: true,
            detail,
        };
    }
    if out.stdout != expected {
        return Outcome::Fail(first_difference(expected, &out.stdout));
    }
    if !status.success() {
        let last = last_line(&out.stderr_tail);
        return Outcome::Fail(format!(
            "output matches but exit status is {status}; stderr: {last}"
        ));
    }
    Outcome::Pass
}

/// The `panicked at` line of a Rust panic report plus the message line after it.
fn find_panic_message(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let mut lines = text.lines();
    let at = lines.find(|line| line.contains("panicked at"))?;
    let message = lines.next().unwrap_or("");
    Some(format!("{} {}", at.trim(), message.trim()))
}

fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    format!("{:?}", truncate(line, 200))
}

/// Describes the first line where the two outputs differ, showing each side escaped.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let expected_lines: Vec<&[u8]> = expected.split_inclusive(|&b| b == b'\n').collect();
    let actual_lines: Vec<&[u8]> = actual.split_inclusive(|&b| b == b'\n').collect();
    let n = expected_lines.len().max(actual_lines.len());
    let index = (0..n)
        .find(|&i| expected_lines.get(i) != actual_lines.get(i))
        .unwrap_or(0);
    let show = |line: Option<&&[u8]>| match line {
        Some(line) => format!("{:?}", truncate(&String::from_utf8_lossy(line), 300)),
        None => "<end of output>".to_string(),
    };
    format!(
        "line {}:\n      expected: {}\n      actual:   {}",
        index + 1,
        show(expected_lines.get(index)),
        show(actual_lines.get(index))
    )
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{cut}...")
}

fn report(module: &str, outcome: &Outcome, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    match outcome {
        Outcome::Pass => println!("ok       {module} ({secs:.2}s)"),
        Outcome::Fail(detail) => println!("FAIL     {module} ({secs:.2}s) {detail}"),
        Outcome::Timeout => println!("TIMEOUT  {module} ({secs:.2}s)"),
        Outcome::Crash {
            panic: true,
            detail,
        } => println!("CRASH    {module} ({secs:.2}s) panic: {detail}"),
        Outcome::Crash {
            panic: false,
            detail,
        } => println!("CRASH    {module} ({secs:.2}s) {detail}"),
        Outcome::Ignored(reason) => println!("ignored  {module} # {reason}"),
    }
}

#[derive(Default)]
struct Counts {
    passed: usize,
    mismatched: usize,
    timeouts: usize,
    panics: usize,
    signals: usize,
    ignored: usize,
}

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail(_) => self.mismatched += 1,
            Outcome::Timeout => self.timeouts += 1,
            Outcome::Crash { panic: true, .. } => self.panics += 1,
            Outcome::Crash { panic: false, .. } => self.signals += 1,
            Outcome::Ignored(_) => self.ignored += 1,
        }
    }

    fn failed(&self) -> usize {
        self.mismatched + self.timeouts + self.panics + self.signals
    }

    fn print(&self) {
        if self.failed() > 0 {
            println!(
                "of the failed: {} FAIL, {} TIMEOUT, {} CRASH ({} panics, {} signals)",
                self.mismatched,
                self.timeouts,
                self.panics + self.signals,
                self.panics,
                self.signals
            );
        }
        println!(
            "{} passed, {} failed, {} ignored",
            self.passed,
            self.failed(),
            self.ignored
        );
    }
}

fn update_all(options: &Options, ebin: &Path, modules: Vec<String>) -> Result<i32, String> {
    let expected_dir = options.root.join("expected");
    fs::create_dir_all(&expected_dir).map_err(|e| format!("{}: {e}", expected_dir.display()))?;
    let (erl, timeout) = (options.erl.clone(), options.timeout);
    let ebin = ebin.to_path_buf();
    let (mut updated, mut same, mut errors) = (0usize, 0usize, 0usize);
    for_each_parallel(
        modules,
        options.jobs,
        move |module| update_one(&erl, &ebin, &expected_dir, module, timeout),
        |module, result| match result {
            Ok(changed) => {
                *(if changed { &mut updated } else { &mut same }) += 1;
                println!("{:<9}{module}", if changed { "updated" } else { "same" });
            }
            Err(message) => {
                errors += 1;
                println!("ERROR    {module}: {message}");
            }
        },
    );
    println!("{updated} updated, {same} unchanged, {errors} errors (expected output from erl)");
    Ok(if errors > 0 { 1 } else { 0 })
}

/// Runs the module twice under the real erl; writes `expected/<module>.out` if both agree.
/// Returns whether the file changed.
fn update_one(
    erl: &Path,
    ebin: &Path,
    dir: &Path,
    module: &str,
    timeout: Duration,
) -> Result<bool, String> {
    let first = run_module(erl, ebin, module, timeout)?;
    let second = run_module(erl, ebin, module, timeout)?;
    for out in [&first, &second] {
        match out.status {
            None => return Err("timed out under erl".to_string()),
            Some(status) if !status.success() => {
                return Err(format!(
                    "erl exited with {status}; stderr: {}",
                    last_line(&out.stderr_tail)
                ));
            }
            Some(_) => {}
        }
    }
    if first.stdout != second.stdout {
        return Err(format!(
            "nondeterministic output, {}",
            first_difference(&first.stdout, &second.stdout)
        ));
    }
    let path = dir.join(format!("{module}.out"));
    if fs::read(&path).is_ok_and(|old| old == first.stdout) {
        return Ok(false);
    }
    fs::write(&path, &first.stdout).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

/// Runs `work` on every module using `jobs` threads and hands each result to `done` on the
/// calling thread, in the original (sorted) module order.
fn for_each_parallel<T, W, D>(modules: Vec<String>, jobs: usize, work: W, mut done: D)
where
    T: Send + 'static,
    W: Fn(&str) -> T + Send + Sync + 'static,
    D: FnMut(&str, T),
{
    let queue: Arc<Mutex<VecDeque<(usize, String)>>> =
        Arc::new(Mutex::new(modules.iter().cloned().enumerate().collect()));
    let work = Arc::new(work);
    let (sender, receiver) = mpsc::channel::<(usize, T)>();
    let workers: Vec<_> = (0..jobs.min(modules.len()))
        .map(|_| {
            let (queue, work, sender) = (Arc::clone(&queue), Arc::clone(&work), sender.clone());
            thread::spawn(move || loop {
                let Some((index, module)) = queue.lock().expect("queue lock").pop_front() else {
                    break;
                };
                if sender.send((index, work(&module))).is_err() {
                    break;
                }
            })
        })
        .collect();
    drop(sender);
    let mut pending = BTreeMap::new();
    let mut next = 0;
    for (index, result) in receiver {
        pending.insert(index, result);
        while let Some(result) = pending.remove(&next) {
            done(&modules[next], result);
            next += 1;
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
}
