//! `beamos-bench`: runs every benchmark program on `erl` and on beamos in the same run and
//! prints min and median wall time per program, the ratio beamos/erl (of the minimums: noise
//! only ever adds time), the geometric mean of the ratios and each side's peak RSS; then the
//! VM-level figures (boot and halt, a fresh process's memory, 100,000 idle processes). The same
//! table is written as JSON for comparing commits.
//!
//! `--callgrind` instead counts the instructions beamos executes for each program with
//! `valgrind --tool=callgrind` (one untimed run each): a figure machine noise does not move.

use beamos_benches::{
    bench_modules, compile, default_beamos, geomean, min_median, run_bench, run_child, tail,
    vm_command, workspace_root, BenchRun,
};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const USAGE: &str = "\
usage: beamos-bench [--reps N] [--size small|full] [--filter SUBSTR] [--vm PATH] [--erl PATH]
                    [--json PATH] [--timeout SECS] [--no-meta] [--callgrind]

  --reps N         timed runs per program and VM (default 5)
  --size S         program size: full (default) or small (what the test suite runs)
  --filter SUBSTR  only programs whose name contains SUBSTR
  --vm PATH        beamos binary (default: <workspace>/target/release/beamos)
  --erl PATH       the reference VM (default: erl)
  --json PATH      where to write the results (default: <workspace>/target/bench/results.json)
  --timeout SECS   limit per VM process (default 600)
  --no-meta        skip boot time and process memory figures
  --callgrind      count beamos's instructions per program with valgrind instead of timing";

struct Options {
    reps: usize,
    size: String,
    filter: Option<String>,
    vm: PathBuf,
    erl: PathBuf,
    json: PathBuf,
    timeout: Duration,
    meta: bool,
    callgrind: bool,
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let root = workspace_root();
    let mut options = Options {
        reps: 5,
        size: "full".into(),
        filter: None,
        vm: default_beamos(),
        erl: PathBuf::from("erl"),
        json: root.join("target/bench/results.json"),
        timeout: Duration::from_secs(600),
        meta: true,
        callgrind: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--reps" => {
                options.reps = value("--reps")?.parse().map_err(|_| "--reps needs a number")?;
                if options.reps == 0 {
                    return Err("--reps must be at least 1".into());
                }
            }
            "--size" => {
                options.size = value("--size")?;
                if options.size != "small" && options.size != "full" {
                    return Err(format!("--size must be small or full, not {}", options.size));
                }
            }
            "--filter" => options.filter = Some(value("--filter")?),
            "--vm" => options.vm = PathBuf::from(value("--vm")?),
            "--erl" => options.erl = PathBuf::from(value("--erl")?),
            "--json" => options.json = PathBuf::from(value("--json")?),
            "--timeout" => {
                let secs: u64 = value("--timeout")?.parse().map_err(|_| "--timeout needs seconds")?;
                options.timeout = Duration::from_secs(secs);
            }
            "--no-meta" => options.meta = false,
            "--callgrind" => options.callgrind = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

fn main() {
    let options = match parse_args(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("beamos-bench: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(message) = run(&options) {
        eprintln!("beamos-bench: {message}");
        std::process::exit(1);
    }
}

fn run(options: &Options) -> Result<(), String> {
    let root = workspace_root();
    let ebin = root.join("target/bench/ebin");
    compile(&root, &ebin)?;
    let mut modules = bench_modules(&root)?;
    if let Some(filter) = &options.filter {
        modules.retain(|m| m.contains(filter.as_str()));
    }
    if modules.is_empty() {
        return Err("no benchmark matches".into());
    }
    if options.callgrind {
        return callgrind(options, &ebin, &modules);
    }
    let mut json = String::new();
    let _ = write!(
        json,
        "{{\n  \"commit\": \"{}\",\n  \"size\": \"{}\",\n  \"reps\": {},\n  \"ratio\": \"beamos_min / erl_min\",\n  \"benchmarks\": [",
        git_commit(&root),
        options.size,
        options.reps
    );
    println!(
        "{:<18} {:>10} {:>10} {:>10} {:>10} {:>7} {:>8} {:>8}",
        "program", "erl min", "erl med", "beamos min", "beamos med", "ratio", "erl MB", "beamos MB"
    );
    let mut ratios = Vec::new();
    let mut failures = Vec::new();
    for (i, module) in modules.iter().enumerate() {
        let name = module.trim_start_matches("bench_");
        let erl = run_bench(&options.erl, &ebin, module, &options.size, options.reps, options.timeout);
        let beamos = run_bench(&options.vm, &ebin, module, &options.size, options.reps, options.timeout);
        let (erl, beamos) = match (erl, beamos) {
            (Ok(e), Ok(b)) if e.checksum == b.checksum => (e, b),
            (Ok(e), Ok(b)) => {
                failures.push(format!("{name}: checksums differ (erl {}, beamos {})", e.checksum, b.checksum));
                continue;
            }
            (Err(e), _) | (_, Err(e)) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let (emin, emed) = min_median(&erl.times_us);
        let (bmin, bmed) = min_median(&beamos.times_us);
        let ratio = bmin.max(1) as f64 / emin.max(1) as f64;
        ratios.push(ratio);
        println!(
            "{:<18} {:>10} {:>10} {:>10} {:>10} {:>7.2} {:>8.1} {:>8.1}",
            name,
            ms(emin),
            ms(emed),
            ms(bmin),
            ms(bmed),
            ratio,
            erl.peak_rss_kb as f64 / 1024.0,
            beamos.peak_rss_kb as f64 / 1024.0
        );
        let _ = write!(
            json,
            "{}\n    {{\"name\": \"{name}\", \"checksum\": {}, \"ratio\": {ratio:.4}, \"erl\": {}, \"beamos\": {}}}",
            if i == 0 { "" } else { "," },
            erl.checksum,
            side_json(&erl),
            side_json(&beamos)
        );
    }
    let mean = geomean(&ratios);
    println!("geometric mean of beamos/erl over {} programs: {mean:.2}", ratios.len());
    let _ = write!(json, "\n  ],\n  \"geomean\": {mean:.4}");
    if options.meta {
        let meta = measure_meta(options, &ebin)?;
        print!("{}", meta.table);
        let _ = write!(json, ",\n  \"meta\": {}", meta.json);
    }
    json.push_str("\n}\n");
    if let Some(dir) = options.json.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(&options.json, json).map_err(|e| format!("{}: {e}", options.json.display()))?;
    println!("results written to {}", options.json.display());
    if !failures.is_empty() {
        return Err(format!("{} program(s) failed:\n{}", failures.len(), failures.join("\n")));
    }
    Ok(())
}

fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

fn side_json(run: &BenchRun) -> String {
    let (min, median) = min_median(&run.times_us);
    let times: Vec<String> = run.times_us.iter().map(u64::to_string).collect();
    format!(
        "{{\"min_us\": {min}, \"median_us\": {median}, \"times_us\": [{}], \"peak_rss_kb\": {}}}",
        times.join(", "),
        run.peak_rss_kb
    )
}

fn git_commit(root: &Path) -> String {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

struct Meta {
    table: String,
    json: String,
}

const IDLE_PROCESSES: usize = 100_000;

/// Boot-and-halt time, the memory of a fresh process, and the cost of 100,000 idle processes
/// (peak RSS of a VM that spawns them, minus that of one that only boots), on both VMs.
fn measure_meta(options: &Options, ebin: &Path) -> Result<Meta, String> {
    let mut table = String::from("\nVM figures                     erl        beamos     beamos/erl\n");
    let mut json = String::from("{");
    let vms = [("erl", &options.erl), ("beamos", &options.vm)];
    // Boot and halt: wall time of the whole OS process.
    let mut boot = Vec::new();
    let mut boot_rss = Vec::new();
    for (_, vm) in vms {
        let mut walls = Vec::new();
        let mut rss = u64::MAX;
        for _ in 0..options.reps {
            let run = run_child(vm_command(vm, ebin, &["-eval", "halt()."]), options.timeout)?;
            walls.push(run.wall.as_micros() as u64);
            rss = rss.min(run.peak_rss_kb);
        }
        boot.push(min_median(&walls).0);
        boot_rss.push(rss);
    }
    let _ = writeln!(
        table,
        "boot and halt (min)       {:>10} {:>12} {:>10.2}",
        ms(boot[0]),
        ms(boot[1]),
        boot[1] as f64 / boot[0] as f64
    );
    let _ = writeln!(
        table,
        "RSS after boot            {:>7.1} MB {:>9.1} MB {:>10.2}",
        boot_rss[0] as f64 / 1024.0,
        boot_rss[1] as f64 / 1024.0,
        boot_rss[1] as f64 / boot_rss[0] as f64
    );
    let _ = write!(
        json,
        "\"boot_halt_us\": {{\"erl\": {}, \"beamos\": {}}}, \"boot_rss_kb\": {{\"erl\": {}, \"beamos\": {}}}",
        boot[0], boot[1], boot_rss[0], boot_rss[1]
    );
    // A fresh process's memory, as process_info reports it.
    let mut words = Vec::new();
    for (name, vm) in vms {
        let run = run_child(vm_command(vm, ebin, &["-s", "bench_util", "fresh_process"]), options.timeout)?;
        let figure = run.stdout.trim().parse::<u64>().map_err(|_| {
            format!("fresh-process figure on {name}: unexpected output {:?} {}", run.stdout, tail(&run.stderr))
        })?;
        words.push(figure);
    }
    let _ = writeln!(
        table,
        "fresh process (words)     {:>10} {:>12} {:>10.2}",
        words[0],
        words[1],
        words[1] as f64 / words[0] as f64
    );
    let _ = write!(json, ", \"fresh_process_words\": {{\"erl\": {}, \"beamos\": {}}}", words[0], words[1]);
    // 100,000 idle processes: extra peak RSS and the time to spawn them.
    let count = IDLE_PROCESSES.to_string();
    let mut bytes_per = Vec::new();
    let mut spawn_us = Vec::new();
    for (i, (name, vm)) in vms.iter().enumerate() {
        let run = run_child(vm_command(vm, ebin, &["-s", "bench_util", "idle_processes", &count]), options.timeout)?;
        let mut fields = run.stdout.split_whitespace().map(str::parse::<u64>);
        let (Some(Ok(n)), Some(Ok(t))) = (fields.next(), fields.next()) else {
            return Err(format!("idle-process figure on {name}: unexpected output {:?} {}", run.stdout, tail(&run.stderr)));
        };
        if n != IDLE_PROCESSES as u64 {
            return Err(format!("idle-process figure on {name}: spawned {n}"));
        }
        bytes_per.push(run.peak_rss_kb.saturating_sub(boot_rss[i]) * 1024 / n);
        spawn_us.push(t);
    }
    let _ = writeln!(
        table,
        "100,000 idle processes:\n  RSS per process (bytes)  {:>10} {:>12} {:>10.2}\n  time to spawn them       {:>10} {:>12} {:>10.2}",
        bytes_per[0],
        bytes_per[1],
        bytes_per[1] as f64 / bytes_per[0].max(1) as f64,
        ms(spawn_us[0]),
        ms(spawn_us[1]),
        spawn_us[1] as f64 / spawn_us[0].max(1) as f64
    );
    let _ = write!(
        json,
        ", \"idle_process_rss_bytes\": {{\"erl\": {}, \"beamos\": {}}}, \"spawn_100k_us\": {{\"erl\": {}, \"beamos\": {}}}}}",
        bytes_per[0], bytes_per[1], spawn_us[0], spawn_us[1]
    );
    Ok(Meta { table, json })
}

/// Instructions (callgrind's Ir) beamos executes per program: one untimed run each, minus a
/// VM that boots and halts (startup and loading the standard modules).
fn callgrind(options: &Options, ebin: &Path, modules: &[String]) -> Result<(), String> {
    let count = |args: &[&str]| -> Result<u64, String> {
        let mut cmd = Command::new("valgrind");
        cmd.args(["--tool=callgrind", "--callgrind-out-file=/dev/null"]).arg(&options.vm);
        cmd.arg("-noshell").arg("-pa").arg(ebin).args(args);
        let run = run_child(cmd, options.timeout * 20)?;
        if !run.status.success() {
            return Err(format!("valgrind {args:?} failed: {}", tail(&run.stderr)));
        }
        run.stderr
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("no 'Collected' line from callgrind: {}", tail(&run.stderr)))
    };
    let baseline = count(&["-eval", "halt()."])?;
    println!("boot and halt: {baseline} instructions");
    println!("{:<18} {:>16} {:>16}", "program", "instructions", "minus boot");
    for module in modules {
        let total = count(&["-s", "bench_util", "main", module, &options.size, "0"])?;
        println!(
            "{:<18} {:>16} {:>16}",
            module.trim_start_matches("bench_"),
            total,
            total.saturating_sub(baseline)
        );
    }
    Ok(())
}
