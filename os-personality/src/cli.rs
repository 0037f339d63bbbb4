//! The `beamos` command line: erl's flags, the OTP installation, and a bare-mode run.

use std::path::{Path, PathBuf};

use beamos_gc::heap::Fragment;
use beamos_vm::atom;
use beamos_vm::terms;
use beamos_vm::vm::{RunEnd, Vm};
use beamos_vm::Term;

use crate::hosted::HostedPlatform;

/// Bare mode's `init` (compiled from `os-personality/erl/init.erl` with `+no_line_info`).
const BARE_INIT: &[u8] = include_bytes!("../erl/init.beam");

/// An action of the command line, run in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `-s Mod [Fun [Args]]`: arguments as atoms.
    S { module: String, function: String, args: Vec<String> },
    /// `-run Mod [Fun [Args]]`: arguments as strings.
    Run { module: String, function: String, args: Vec<String> },
    /// `-eval Expr`.
    Eval(String),
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    pub pa: Vec<String>,
    pub pz: Vec<String>,
    pub actions: Vec<Action>,
    pub extra: Vec<String>,
    pub schedulers: Option<u32>,
    pub schedulers_online: Option<u32>,
    /// Plain init arguments (`-flag Values`), for init:get_arguments/0.
    pub init_args: Vec<(String, Vec<String>)>,
    /// Flags accepted but not acted on in bare mode (-sname, -boot, ...), for a warning.
    pub ignored: Vec<String>,
}

/// A command-line mistake, reported to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

/// Flags of erl that take exactly one value.
const ONE_VALUE: &[&str] = &[
    "-boot", "-config", "-sname", "-name", "-setcookie", "-mode", "-args_file", "-env", "-hidden_unused", "-home",
    "-shutdown_time", "-connect_all", "-hidden", "-epmd_module", "-proto_dist",
];

fn values(args: &[String], i: &mut usize) -> Vec<String> {
    let mut v = Vec::new();
    while *i < args.len() && !args[*i].starts_with('-') && !args[*i].starts_with('+') {
        v.push(args[*i].clone());
        *i += 1;
    }
    v
}

/// Parses erl-style arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Options, CliError> {
    let mut o = Options::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].clone();
        i += 1;
        match a.as_str() {
            "-extra" => {
                o.extra = args[i..].to_vec();
                break;
            }
            "-pa" => o.pa.extend(values(args, &mut i)),
            "-pz" => o.pz.extend(values(args, &mut i)),
            "-s" | "-run" => {
                let v = values(args, &mut i);
                let Some(module) = v.first().cloned() else {
                    return Err(CliError(format!("{} needs a module name", a)));
                };
                let function = v.get(1).cloned().unwrap_or_else(|| "start".to_string());
                let rest = v.get(2..).map(|r| r.to_vec()).unwrap_or_default();
                o.actions.push(if a == "-s" {
                    Action::S { module, function, args: rest }
                } else {
                    Action::Run { module, function, args: rest }
                });
            }
            "-eval" => {
                let Some(e) = args.get(i).cloned() else { return Err(CliError("-eval needs an expression".into())) };
                i += 1;
                o.actions.push(Action::Eval(e));
            }
            "-noshell" | "-noinput" | "-nostick" | "-detached" | "-nouser" | "-emu_type" => {}
            "+S" => {
                let Some(v) = args.get(i) else { return Err(CliError("+S needs a number of schedulers".into())) };
                i += 1;
                // +S Schedulers[:SchedulersOnline], either part may be left out.
                let bad = || CliError(format!("bad number of schedulers: {}", v));
                let num = |s: &str| s.parse::<u32>().ok().filter(|n| (1..=1024).contains(n));
                let (total, online) = v.split_once(':').unwrap_or((v, ""));
                if !total.is_empty() {
                    o.schedulers = Some(num(total).ok_or_else(bad)?);
                }
                if !online.is_empty() {
                    o.schedulers_online = Some(num(online).ok_or_else(bad)?);
                }
                if total.is_empty() && online.is_empty() {
                    return Err(bad());
                }
            }
            f if f.starts_with('+') => {
                // Emulator flags: a value follows unless it is glued on (+A10) or absent.
                if f.len() == 2 && args.get(i).is_some_and(|v| !v.starts_with('-') && !v.starts_with('+')) {
                    i += 1;
                }
                o.ignored.push(f.to_string());
            }
            f if ONE_VALUE.contains(&f) => {
                if i < args.len() {
                    i += 1;
                }
                o.ignored.push(f.to_string());
            }
            f if f.starts_with('-') => {
                // Plain init arguments (-flag Values), answered by init:get_argument/1.
                let v = values(args, &mut i);
                o.init_args.push((f[1..].to_string(), v));
            }
            other => o.extra.push(other.to_string()),
        }
    }
    Ok(o)
}

/// The root of the installed OTP: BEAMOS_OTP_ROOT, else the root of `erl` on the PATH, else
/// /usr/lib/erlang.
pub fn otp_root() -> PathBuf {
    if let Ok(r) = std::env::var("BEAMOS_OTP_ROOT") {
        return PathBuf::from(r);
    }
    if let Ok(path) = std::env::var("PATH") {
        for dir in path.split(':') {
            let erl = Path::new(dir).join("erl");
            if let Ok(real) = std::fs::canonicalize(&erl) {
                // <root>/bin/erl or <root>/erts-*/bin/erl
                if let Some(bin) = real.parent() {
                    let root = bin.parent().unwrap_or(bin);
                    let root = if root.file_name().is_some_and(|n| n.to_string_lossy().starts_with("erts-")) {
                        root.parent().unwrap_or(root)
                    } else {
                        root
                    };
                    if root.join("lib").is_dir() {
                        return root.to_path_buf();
                    }
                }
            }
        }
    }
    PathBuf::from("/usr/lib/erlang")
}

/// `lib/*/ebin` of the OTP installation (and erts's preloaded modules), sorted.
pub fn otp_code_path(root: &Path) -> Vec<String> {
    let mut dirs = Vec::new();
    if let Ok(rd) = std::fs::read_dir(root.join("lib")) {
        for e in rd.flatten() {
            let ebin = e.path().join("ebin");
            if ebin.is_dir() {
                dirs.push(ebin.to_string_lossy().into_owned());
            }
        }
    }
    dirs.sort();
    dirs
}

/// The start list of init: `[M, F | Args]` lists and `{eval, Binary}`, as OTP's init keeps it.
fn build_actions(f: &mut Fragment, actions: &[Action]) -> Term {
    let mut items = Vec::new();
    for a in actions {
        let t = match a {
            Action::S { module, function, args } | Action::Run { module, function, args } => {
                let mut v = vec![atom::atom(module), atom::atom(function)];
                for s in args {
                    v.push(if matches!(a, Action::S { .. }) { atom::atom(s) } else { terms::string(f, s) });
                }
                if args.is_empty() && function == "start" && matches!(a, Action::S { .. }) {
                    v.truncate(1);
                }
                terms::list(f, &v)
            }
            Action::Eval(e) => {
                let b = terms::binary(f, e.as_bytes());
                terms::tuple(f, &[atom::atom("eval"), b])
            }
        };
        items.push(t);
    }
    terms::list(f, &items)
}

/// Runs beamos with erl-style arguments; returns the process exit status.
/// The command line as erl sees it: `ERL_AFLAGS` first, then the arguments, then
/// `ERL_FLAGS` and `ERL_ZFLAGS`, all before `-extra` (whose words stay last).
pub fn with_env_flags(args: &[String], env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let words = |name: &str| -> Vec<String> {
        env(name).map(|v| v.split_whitespace().map(str::to_string).collect()).unwrap_or_default()
    };
    let split = args.iter().position(|a| a == "-extra").unwrap_or(args.len());
    let mut out = words("ERL_AFLAGS");
    out.extend_from_slice(&args[..split]);
    out.extend(words("ERL_FLAGS"));
    out.extend(words("ERL_ZFLAGS"));
    out.extend_from_slice(&args[split..]);
    out
}

pub fn main_with_args(args: &[String]) -> i32 {
    let args = with_env_flags(args, |n| std::env::var(n).ok());
    let o = match parse(&args) {
        Ok(o) => o,
        Err(CliError(msg)) => {
            eprintln!("beamos: {}", msg);
            return 1;
        }
    };
    // The deterministic simulator (DESIGN: a failure replays from its seed): one scheduler,
    // a seeded run queue and a simulated clock.
    let sim_seed = match std::env::var("BEAMOS_SIM_SEED") {
        Ok(s) => match s.trim().parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                eprintln!("beamos: BEAMOS_SIM_SEED must be an unsigned integer, not {:?}", s);
                return 1;
            }
        },
        Err(_) => None,
    };
    let platform = if sim_seed.is_some() { HostedPlatform::simulated() } else { HostedPlatform::default() };
    let mut vm = Vm::new(Box::new(platform));
    // Heap invariant checks around every collection (slow; for tests and bug hunts).
    if std::env::var_os("BEAMOS_GC_VERIFY").is_some_and(|v| !v.is_empty() && v != "0") {
        vm.gc_settings.verify = true;
    }
    for d in &o.pa {
        vm.add_code_path(d);
    }
    vm.add_code_path(".");
    for d in otp_code_path(&otp_root()) {
        vm.add_code_path(&d);
    }
    for d in &o.pz {
        vm.add_code_path(d);
    }
    vm.add_module_bytes("init", BARE_INIT.to_vec());
    // Room for every action's strings and tuples.
    let words: usize = o.actions.iter().map(|a| 64 + 4 * format!("{:?}", a).len()).sum::<usize>() + 16;
    let mut f = Fragment::with_capacity(words);
    let actions = build_actions(&mut f, &o.actions);
    let mut g = Fragment::with_capacity(16 + 8 * format!("{:?}{:?}", o.init_args, o.extra).len());
    let mut init_args = Vec::new();
    for (flag, vals) in &o.init_args {
        let vs: Vec<Term> = vals.iter().map(|v| terms::string(&mut g, v)).collect();
        let l = terms::list(&mut g, &vs);
        init_args.push(terms::tuple(&mut g, &[atom::atom(flag), l]));
    }
    let init_args = terms::list(&mut g, &init_args);
    let plain: Vec<Term> = o.extra.iter().map(|v| terms::string(&mut g, v)).collect();
    let plain = terms::list(&mut g, &plain);
    // init serves io for everyone, so it must not keep an idle VM alive: a system process.
    vm.spawn_process(atom::atom("init"), atom::atom("boot"), &[actions, init_args, plain], None, |p| vm.mark_system(p));
    drop(g);
    drop(f);
    let n = o.schedulers.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize);
    vm.set_schedulers(if sim_seed.is_some() { 1 } else { n });
    if let Some(seed) = sim_seed {
        vm.sched.set_seed(seed);
    }
    if let Some(online) = o.schedulers_online {
        vm.sched.set_online(online as usize, &*vm.platform);
    }
    match run_schedulers(&vm) {
        RunEnd::Halt(s) => s,
        RunEnd::Idle => 0,
    }
}

/// Runs the VM's schedulers, one thread each (this thread is the first), until the run ends.
pub fn run_schedulers(vm: &Vm) -> RunEnd {
    vm.sched.restart();
    std::thread::scope(|s| {
        for i in 1..vm.sched.count() {
            let spawned = std::thread::Builder::new()
                .name(format!("scheduler {}", i + 1))
                .stack_size(16 << 20)
                .spawn_scoped(s, move || vm.run_scheduler(i));
            if let Err(e) = spawned {
                // Fewer threads than schedulers: the others steal their queues' work.
                eprintln!("beamos: cannot start scheduler thread {}: {}", i + 1, e);
            }
        }
        vm.run_scheduler(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn env_flags_go_around_the_command_line() {
        let env = |n: &str| match n {
            "ERL_AFLAGS" => Some("+S 1".to_string()),
            "ERL_FLAGS" => Some(" -pa /f ".to_string()),
            "ERL_ZFLAGS" => Some("-noshell".to_string()),
            _ => None,
        };
        let got = with_env_flags(&args(&["-s", "m", "-extra", "x"]), env);
        assert_eq!(got, args(&["+S", "1", "-s", "m", "-pa", "/f", "-noshell", "-extra", "x"]));
        let o = parse(&with_env_flags(&args(&["+S", "2:1"]), |_| None)).unwrap();
        assert_eq!((o.schedulers, o.schedulers_online), (Some(2), Some(1)));
        assert!(parse(&args(&["+S", ":"])).is_err());
    }

    #[test]
    fn parses_erl_flags() {
        let o = parse(&args(&["-noshell", "-pa", "/a", "/b", "-s", "calc", "main", "1", "2", "-eval", "ok.", "-extra", "x"]))
            .unwrap();
        assert_eq!(o.pa, vec!["/a", "/b"]);
        assert_eq!(
            o.actions,
            vec![
                Action::S { module: "calc".into(), function: "main".into(), args: vec!["1".into(), "2".into()] },
                Action::Eval("ok.".into())
            ]
        );
        assert_eq!(o.extra, vec!["x"]);
        let o = parse(&args(&["-s", "hello"])).unwrap();
        assert_eq!(o.actions, vec![Action::S { module: "hello".into(), function: "start".into(), args: vec![] }]);
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(parse(&args(&["+S", "zero"])).is_err());
        assert!(parse(&args(&["-eval"])).is_err());
        assert!(parse(&args(&["-s"])).is_err());
        assert_eq!(parse(&args(&["+S", "2"])).unwrap().schedulers, Some(2));
    }
}
