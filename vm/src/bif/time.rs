//! Time, calendar, unique integers, `erlang:system_info/1`, `erlang:statistics/1` and the
//! `os` BIFs (ERTS: erl_time_sup.c, bif.c, erl_bif_info.c, erl_bif_unique.c, erl_bif_os.c).
//!
//! Clocks come from the platform: `monotonic_ns()` (since an arbitrary origin) and
//! `system_time_ns()` (since the Unix epoch). The native time unit is the nanosecond, as
//! on 64-bit Linux ERTS, and monotonic time starts where ERTS starts it: at
//! `-576460752000000000` (the smallest small integer, rounded to whole seconds), counting
//! from the VM's creation.
//!
//! Deliberate differences from ERTS:
//! - System time is read from the platform's clock at each call, and the time offset is
//!   their difference (ERTS's default "no time warp" mode freezes the offset at start and
//!   slews; both are valid ERTS behaviours, ours is its `multi_time_warp` one, though
//!   `system_info(time_warp_mode)` still reports `no_time_warp`).
//! - The local time zone is UTC: `localtime/0` equals `universaltime/0`, and
//!   `localtime_to_universaltime/2` with `IsDst = true` goes back one hour, as glibc's
//!   `mktime` does in a zone without summer time.
//! - `statistics(runtime)` is wall-clock time since the VM started (there is no CPU clock);
//!   reductions are the calling process's; GC, I/O and context-switch counts are zero. The
//!   "since last call" values are process-global, as in ERTS.
//! - `os:getpid/0` is `"1"` (the platform offers no process id). `os:env/0` (so
//!   `os:getenv/0`) and `os:getenv/1` ask the platform.

use alloc::string::String;
use alloc::vec::Vec;
use beamos_gc::term::MIN_SMALL;
use beamos_gc::Term;
use core::sync::atomic::{AtomicU64, Ordering};
use num_bigint::BigInt;
use num_integer::Integer;

use super::binary::term_to_i64;
use super::{badarg_r, bif, BifEntry, BifResult, Ctx};
use crate::atom::{self, am};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "monotonic_time", 0, monotonic_time_0),
    bif("erlang", "monotonic_time", 1, monotonic_time_1),
    bif("erlang", "system_time", 0, system_time_0),
    bif("erlang", "system_time", 1, system_time_1),
    bif("erlang", "time_offset", 0, time_offset_0),
    bif("erlang", "time_offset", 1, time_offset_1),
    bif("erlang", "convert_time_unit", 3, convert_time_unit_3),
    bif("erlang", "timestamp", 0, timestamp_0),
    bif("erlang", "now", 0, now_0),
    bif("erlang", "unique_integer", 0, unique_integer_0),
    bif("erlang", "unique_integer", 1, unique_integer_1),
    bif("erlang", "localtime", 0, universaltime_0),
    bif("erlang", "universaltime", 0, universaltime_0),
    bif("erlang", "date", 0, date_0),
    bif("erlang", "time", 0, time_0),
    bif("erlang", "localtime_to_universaltime", 1, localtime_to_universaltime_1),
    bif("erlang", "localtime_to_universaltime", 2, localtime_to_universaltime_2),
    bif("erlang", "universaltime_to_localtime", 1, universaltime_to_localtime_1),
    bif("erlang", "universaltime_to_posixtime", 1, universaltime_to_posixtime_1),
    bif("erlang", "posixtime_to_universaltime", 1, posixtime_to_universaltime_1),
    bif("erlang", "system_info", 1, system_info_1),
    bif("erlang", "statistics", 1, statistics_1),
    bif("erts_internal", "time_unit", 0, time_unit_0),
    bif("erts_internal", "perf_counter_unit", 0, time_unit_0),
    bif("os", "system_time", 0, system_time_0),
    bif("os", "system_time", 1, system_time_1),
    bif("os", "timestamp", 0, timestamp_0),
    bif("os", "perf_counter", 0, perf_counter_0),
    bif("os", "perf_counter", 1, perf_counter_1),
    bif("os", "type", 0, os_type_0),
    bif("os", "getpid", 0, os_getpid_0),
    bif("os", "getenv", 1, os_getenv_1),
    bif("os", "env", 0, os_env_0),
];

const NS_PER_SEC: i64 = 1_000_000_000;
/// External monotonic time at the VM's start (ERTS's `ERTS_MONOTONIC_TIME_START_EXTERNAL`).
const MONOTONIC_START_NS: i64 = (MIN_SMALL / NS_PER_SEC) * NS_PER_SEC;
/// The largest monotonic time (ERTS's `ERTS_MONOTONIC_END` plus its offset).
const MONOTONIC_END_NS: i64 = (i64::MAX / NS_PER_SEC) * NS_PER_SEC + MONOTONIC_START_NS - NS_PER_SEC;
const _: () = assert!(MONOTONIC_START_NS == -576_460_752_000_000_000);

// ---------------------------------------------------------------- clocks and units

pub(crate) fn monotonic_ns(ctx: &Ctx) -> i64 {
    MONOTONIC_START_NS + ctx.vm.platform.monotonic_ns().saturating_sub(ctx.vm.start_ns) as i64
}

pub(crate) fn system_ns(ctx: &Ctx) -> i64 {
    ctx.vm.platform.system_time_ns()
}

/// Parts per second of a time unit: a named unit (with the deprecated plural names) or a
/// positive integer. `perf_counter` is the native unit here.
fn unit_per_sec(t: Term) -> Option<BigInt> {
    let named = match atom_name(t) {
        Some("native" | "nanosecond" | "nano_seconds" | "perf_counter") => Some(NS_PER_SEC),
        Some("microsecond" | "micro_seconds") => Some(1_000_000),
        Some("millisecond" | "milli_seconds") => Some(1_000),
        Some("second" | "seconds") => Some(1),
        Some(_) => return None,
        None => None,
    };
    if let Some(n) = named {
        return Some(BigInt::from(n));
    }
    let v = terms::to_bigint(t)?;
    (v > BigInt::from(0)).then_some(v)
}

fn atom_name(t: Term) -> Option<&'static str> {
    t.is_atom().then(|| atom::name(t))
}

/// `floor(time * to / from)`: erlang:convert_time_unit's arithmetic.
fn convert(time: &BigInt, from: &BigInt, to: &BigInt) -> BigInt {
    (time * to).div_floor(from)
}

/// A native (nanosecond) time in `unit`, or badarg.
fn in_unit(ctx: &mut Ctx, ns: i64, unit: Term) -> BifResult {
    let Some(per_sec) = unit_per_sec(unit) else { return badarg_r() };
    let v = convert(&BigInt::from(ns), &BigInt::from(NS_PER_SEC), &per_sec);
    Ok(terms::bignum(ctx.heap(), &v))
}

fn monotonic_time_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let ns = monotonic_ns(ctx);
    Ok(terms::int(ctx.heap(), ns))
}

fn monotonic_time_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ns = monotonic_ns(ctx);
    in_unit(ctx, ns, a[0])
}

fn system_time_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let ns = system_ns(ctx);
    Ok(terms::int(ctx.heap(), ns))
}

fn system_time_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ns = system_ns(ctx);
    in_unit(ctx, ns, a[0])
}

fn time_offset_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let ns = system_ns(ctx) - monotonic_ns(ctx);
    Ok(terms::int(ctx.heap(), ns))
}

fn time_offset_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ns = system_ns(ctx) - monotonic_ns(ctx);
    in_unit(ctx, ns, a[0])
}

/// Erlang code in erlang.erl; every failure is badarg.
fn convert_time_unit_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(time) = terms::to_bigint(a[0]) else { return badarg_r() };
    let (Some(from), Some(to)) = (unit_per_sec(a[1]), unit_per_sec(a[2])) else { return badarg_r() };
    let v = convert(&time, &from, &to);
    Ok(terms::bignum(ctx.heap(), &v))
}

fn time_unit_0(_c: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(Term::small(NS_PER_SEC))
}

fn perf_counter_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let ns = ctx.vm.platform.monotonic_ns() as i64;
    Ok(terms::int(ctx.heap(), ns))
}

fn perf_counter_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ns = ctx.vm.platform.monotonic_ns() as i64;
    in_unit(ctx, ns, a[0])
}

/// `{MegaSecs, Secs, MicroSecs}` of a time in microseconds since the epoch.
pub(crate) fn timestamp_term(ctx: &mut Ctx, us: i64) -> Term {
    let (mega, rest) = (us.div_euclid(1_000_000_000_000), us.rem_euclid(1_000_000_000_000));
    let parts = [Term::small(mega), Term::small(rest / 1_000_000), Term::small(rest % 1_000_000)];
    terms::tuple(ctx.heap(), &parts)
}

fn timestamp_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let us = system_ns(ctx).div_euclid(1000);
    Ok(timestamp_term(ctx, us))
}

/// The last value `erlang:now/0` returned, in microseconds (it never repeats one).
static LAST_NOW_US: AtomicU64 = AtomicU64::new(0);

fn now_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let now = system_ns(ctx).div_euclid(1000).max(0) as u64;
    let mut last = LAST_NOW_US.load(Ordering::Relaxed);
    let us = loop {
        let next = now.max(last + 1);
        match LAST_NOW_US.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break next,
            Err(seen) => last = seen,
        }
    };
    Ok(timestamp_term(ctx, us as i64))
}

// ---------------------------------------------------------------- unique integers

fn unique_integer(ctx: &mut Ctx, positive: bool) -> Term {
    // One strictly increasing counter serves both kinds (monotonic ones must increase).
    let n = ctx.vm.unique_integer() as i128;
    let v = if positive { n } else { MIN_SMALL as i128 + n - 1 };
    terms::int_from_i128(ctx.heap(), v)
}

fn unique_integer_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(unique_integer(ctx, false))
}

fn unique_integer_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (monotonic, positive) = (atom::atom("monotonic"), atom::atom("positive"));
    let mut is_positive = false;
    let mut l = a[0];
    while let Some((h, t)) = terms::cons_parts(l) {
        if h == positive {
            is_positive = true;
        } else if h != monotonic {
            return badarg_r();
        }
        l = t;
    }
    if !l.is_nil() {
        return badarg_r();
    }
    Ok(unique_integer(ctx, is_positive))
}

// ---------------------------------------------------------------- calendar

/// A date and time of day, as ERTS's `time_to_parts` reads them.
#[derive(Clone, Copy)]
struct DateTime {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
}

const MONTH_DAYS: [i64; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/// ERTS's earliest year for local time conversions.
const BASE_YEAR: i64 = 1902;
const INT_MAX: i64 = i32::MAX as i64;

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

impl DateTime {
    /// `{{Y, Mo, D}, {H, Mi, S}}` of small integers.
    fn parse(t: Term) -> Option<DateTime> {
        let &[date, time] = <&[Term; 2]>::try_from(terms::tuple_elems(t)?).ok()?;
        let &[y, mo, d] = <&[Term; 3]>::try_from(terms::tuple_elems(date)?).ok()?;
        let &[h, mi, s] = <&[Term; 3]>::try_from(terms::tuple_elems(time)?).ok()?;
        let (year, month, day) = (y.as_small()?, mo.as_small()?, d.as_small()?);
        let (hour, minute, second) = (h.as_small()?, mi.as_small()?, s.as_small()?);
        Some(DateTime { year, month, day, hour, minute, second })
    }

    /// ERTS's range check, from `first_year`.
    fn valid_from(&self, first_year: i64) -> bool {
        (first_year..=INT_MAX - 1).contains(&self.year)
            && (1..=12).contains(&self.month)
            && (1..=MONTH_DAYS[self.month as usize] + (self.month == 2 && is_leap(self.year)) as i64).contains(&self.day)
            && (0..=23).contains(&self.hour)
            && (0..=59).contains(&self.minute)
            && (0..=59).contains(&self.second)
    }

    /// Seconds since the epoch (ERTS's `gregday` arithmetic; the date must be valid).
    fn to_seconds(self) -> i64 {
        let mut days = 0;
        let gyear = self.year - 1600;
        if gyear > 0 {
            let p = gyear - 1;
            days = p / 4 - p / 100 + p / 400 + p * 365 + 366;
        }
        days += MONTH_DAYS[1..self.month as usize].iter().sum::<i64>();
        if is_leap(self.year) && self.month > 2 {
            days += 1;
        }
        days += self.day - 1;
        let days = days - 135_140; // days from 1600-01-01 to 1970-01-01
        days * 86_400 + self.hour * 3600 + self.minute * 60 + self.second
    }

    /// ERTS's `seconds_to_univ`.
    fn from_seconds(time: i64) -> DateTime {
        let mut days = time / 86_400;
        let mut secs = time % 86_400;
        if secs < 0 {
            days -= 1;
            secs += 86_400;
        }
        let (hour, minute, second) = (secs / 3600, (secs % 3600) / 60, secs % 60);
        days += 719_468;
        let mut y = (10_000 * days + 14_780) / 3_652_425;
        let mut rest = days - (365 * y + y / 4 - y / 100 + y / 400);
        if rest < 0 {
            y -= 1;
            rest = days - (365 * y + y / 4 - y / 100 + y / 400);
        }
        let mi = (100 * rest + 52) / 3060;
        DateTime {
            year: y + (mi + 2) / 12,
            month: (mi + 2) % 12 + 1,
            day: rest - (mi * 306 + 5) / 10 + 1,
            hour,
            minute,
            second,
        }
    }

    fn term(&self, ctx: &mut Ctx) -> Term {
        let date = terms::tuple(ctx.heap(), &[Term::small(self.year), Term::small(self.month), Term::small(self.day)]);
        let time = terms::tuple(ctx.heap(), &[Term::small(self.hour), Term::small(self.minute), Term::small(self.second)]);
        terms::tuple(ctx.heap(), &[date, time])
    }
}

fn now_utc(ctx: &Ctx) -> DateTime {
    DateTime::from_seconds(system_ns(ctx).div_euclid(NS_PER_SEC))
}

fn universaltime_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let now = now_utc(ctx);
    Ok(now.term(ctx))
}

fn date_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let n = now_utc(ctx);
    Ok(terms::tuple(ctx.heap(), &[Term::small(n.year), Term::small(n.month), Term::small(n.day)]))
}

fn time_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let n = now_utc(ctx);
    Ok(terms::tuple(ctx.heap(), &[Term::small(n.hour), Term::small(n.minute), Term::small(n.second)]))
}

fn localtime_to_universaltime_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    localtime_to_universaltime_2(ctx, &[a[0], am::UNDEFINED])
}

fn localtime_to_universaltime_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let dst = if a[1] == am::TRUE {
        true
    } else if a[1] == am::FALSE || a[1] == am::UNDEFINED {
        false
    } else {
        return badarg_r();
    };
    let Some(local) = DateTime::parse(a[0]).filter(|d| d.valid_from(BASE_YEAR)) else { return badarg_r() };
    let utc = if dst { DateTime::from_seconds(local.to_seconds() - 3600) } else { local };
    Ok(utc.term(ctx))
}

fn universaltime_to_localtime_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(utc) = DateTime::parse(a[0]).filter(|d| d.valid_from(BASE_YEAR)) else { return badarg_r() };
    Ok(utc.term(ctx))
}

fn universaltime_to_posixtime_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(utc) = DateTime::parse(a[0]).filter(|d| d.valid_from(1600)) else { return badarg_r() };
    Ok(terms::int(ctx.heap(), utc.to_seconds()))
}

fn posixtime_to_universaltime_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(secs) = term_to_i64(a[0]) else { return badarg_r() };
    Ok(DateTime::from_seconds(secs).term(ctx))
}

// ---------------------------------------------------------------- system_info

const OTP_RELEASE: &str = "25";
const ERTS_VERSION: &str = "13.1.5";
const SYSTEM_VERSION: &str = "Erlang/OTP 25 [erts-13.1.5] [beamos] [64-bit] [smp:1:1] [ds:0:0:0] [async-threads:0]\n";

fn pair(ctx: &mut Ctx, tag: &str, v: Term) -> Term {
    let a = atom::atom(tag);
    terms::tuple(ctx.heap(), &[a, v])
}

/// The CPU topology in use, formatted by erlang:format_cpu_topology/1 as in ERTS (none is
/// detected here, so it is `undefined` until one is set).
fn cpu_topology(ctx: &mut Ctx, which: &str) -> BifResult {
    let internal = ctx.vm.flags.cpu_topology(&mut ctx.proc.heap, which);
    if internal == am::UNDEFINED {
        return Ok(internal);
    }
    Err(super::Exc::CallMfa { module: am::ERLANG, function: atom::atom("format_cpu_topology"), args: alloc::vec![internal] })
}

/// `erlang:system_info/1` for the items stdlib and kernel ask about; others are badarg.
fn system_info_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let item = a[0];
    if let Some(&[tag, kind]) = terms::tuple_elems(item) {
        if tag == am::WORDSIZE && (atom_name(kind) == Some("internal") || atom_name(kind) == Some("external")) {
            return Ok(Term::small(8));
        }
        // No ERTS alloc_util allocators here (alloc_util_allocators is []): an allocator is
        // `false`, as ERTS answers for one that is not enabled.
        match atom_name(tag) {
            Some("allocator" | "allocator_sizes") if kind.is_atom() => return Ok(am::FALSE),
            Some("allocator_sizes") => {
                let Some(names) = terms::list_to_vec(kind).filter(|l| l.iter().all(|t| t.is_atom())) else {
                    return badarg_r();
                };
                let pairs: Vec<Term> = names.iter().map(|&n| terms::tuple(ctx.heap(), &[n, am::FALSE])).collect();
                return Ok(terms::list(ctx.heap(), &pairs));
            }
            _ => {}
        }
        if let (Some(t @ ("cpu_topology" | "internal_cpu_topology")), Some(k @ ("defined" | "detected" | "used"))) =
            (atom_name(tag), atom_name(kind))
        {
            if t == "cpu_topology" {
                return cpu_topology(ctx, k);
            }
            return Ok(ctx.vm.flags.cpu_topology(&mut ctx.proc.heap, k));
        }
        return badarg_r();
    }
    let Some(name) = atom_name(item) else { return badarg_r() };
    let flags = &ctx.vm.flags;
    let a = atom::atom;
    let small = |v: i64| Term::small(v);
    let t = match name {
        "wordsize" => small(8),
        "endian" => a(if cfg!(target_endian = "little") { "little" } else { "big" }),
        "system_architecture" => terms::string(ctx.heap(), "x86_64-pc-linux-gnu"),
        "dirty_cpu_schedulers" | "dirty_cpu_schedulers_online" | "dirty_io_schedulers" => small(1),
        "c_compiler_used" => {
            let v = terms::tuple(ctx.heap(), &[small(0), small(0), small(0)]);
            terms::tuple(ctx.heap(), &[a("rustc"), v])
        }
        "check_io" | "allocator" | "alloc_util_allocators" | "info" | "procs" | "loaded" | "dist" => Term::NIL,
        "ets_limit" => small(8192),
        "ets_count" => small(0),
        "outstanding_system_requests_limit" => small(flags.outstanding_requests_limit() as i64),
        "message_queue_data" => a("on_heap"),
        "async_dist" => am::FALSE,
        "eager_check_io" => am::TRUE,
        "port_parallelism" => am::FALSE,
        "kernel_poll" => am::FALSE,
        "otp_release" => terms::string(ctx.heap(), OTP_RELEASE),
        "version" => terms::string(ctx.heap(), ERTS_VERSION),
        "system_version" => terms::string(ctx.heap(), SYSTEM_VERSION),
        "machine" => terms::string(ctx.heap(), "BEAM"),
        "nif_version" => terms::string(ctx.heap(), "2.16"),
        "driver_version" => terms::string(ctx.heap(), "3.3"),
        "compat_rel" => small(25),
        "os_type" => os_type(ctx),
        "schedulers" => small(ctx.vm.sched.count() as i64),
        "schedulers_online" => small(ctx.vm.sched.online() as i64),
        "logical_processors" | "logical_processors_available" | "logical_processors_online" => {
            small(ctx.vm.platform.logical_processors() as i64)
        }
        "scheduler_id" => small(ctx.proc.sched as i64 + 1),
        "schedulers_state" => {
            let s = &ctx.vm.sched;
            let v = [small(s.count() as i64), small(s.online() as i64), small(s.active() as i64)];
            terms::tuple(ctx.heap(), &v)
        }
        "multi_scheduling" => flags.multi_scheduling(),
        // With one scheduler there is nothing to block, and ERTS lists no blocker.
        "multi_scheduling_blockers" | "normal_multi_scheduling_blockers" => {
            let pids = if ctx.vm.sched.count() > 1 { flags.blockers(name.starts_with("normal")) } else { Vec::new() };
            let pids: Vec<Term> = pids.into_iter().map(Term::pid).collect();
            terms::list(ctx.heap(), &pids)
        }
        "dist_ctrl" => Term::NIL,
        "thread_pool_size" | "creation" | "port_count" => small(0),
        "trace_control_word" => terms::int_from_i128(ctx.heap(), flags.trace_control_word() as i128),
        "smp_support" | "threads" | "time_correction" => am::TRUE,
        "break_ignored" | "debug_compiled" => am::FALSE,
        "sequential_tracer" => pair(ctx, "sequential_tracer", am::FALSE),
        "emu_type" | "build_type" => a("opt"),
        "emu_flavor" => a("emu"),
        "heap_type" => a("private"),
        "cpu_topology" => return cpu_topology(ctx, "used"),
        "hipe_architecture" | "modified_timing_level" => am::UNDEFINED,
        "update_cpu_info" => a("unchanged"),
        "scheduler_bind_type" => a("unbound"),
        "scheduler_bindings" => terms::tuple(ctx.heap(), &[a("unbound")]),
        "tolerant_timeofday" => a("enabled"),
        "time_offset" => a("final"),
        "time_warp_mode" => a("no_time_warp"),
        "start_time" => terms::int(ctx.heap(), MONOTONIC_START_NS),
        "end_time" => terms::int(ctx.heap(), MONOTONIC_END_NS),
        "context_reductions" => small(4000),
        "process_limit" => small(262_144),
        "port_limit" => small(65_536),
        "atom_limit" => small(1_048_576),
        "dist_buf_busy_limit" => small(1_048_576),
        "process_count" => small(ctx.vm.process_count() as i64),
        "atom_count" => small(atom::count() as i64),
        "fullsweep_after" => pair(ctx, "fullsweep_after", small(flags.fullsweep_after() as i64)),
        "min_heap_size" => pair(ctx, "min_heap_size", small(flags.min_heap_size() as i64)),
        "min_bin_vheap_size" => pair(ctx, "min_bin_vheap_size", small(flags.min_bin_vheap_size() as i64)),
        "max_heap_size" => flags.max_heap_size().to_map(ctx.heap()),
        "garbage_collection" => {
            let max_heap_size = terms::int_from_i128(ctx.heap(), flags.max_heap_size().size as i128);
            let items = [
                pair(ctx, "max_heap_size", max_heap_size),
                pair(ctx, "min_bin_vheap_size", small(flags.min_bin_vheap_size() as i64)),
                pair(ctx, "min_heap_size", small(flags.min_heap_size() as i64)),
                pair(ctx, "fullsweep_after", small(flags.fullsweep_after() as i64)),
            ];
            terms::list(ctx.heap(), &items)
        }
        _ => return badarg_r(),
    };
    Ok(t)
}

fn os_type(ctx: &mut Ctx) -> Term {
    let (unix, linux) = (atom::atom("unix"), atom::atom("linux"));
    terms::tuple(ctx.heap(), &[unix, linux])
}

fn os_type_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(os_type(ctx))
}

// ---------------------------------------------------------------- statistics

static LAST_RUNTIME_MS: AtomicU64 = AtomicU64::new(0);
static LAST_WALL_CLOCK_MS: AtomicU64 = AtomicU64::new(0);
static LAST_REDUCTIONS: AtomicU64 = AtomicU64::new(0);

/// `{Total, Total - previous Total}` with the previous total kept in `last`.
fn total_and_since(ctx: &mut Ctx, total: u64, last: &AtomicU64) -> Term {
    let before = last.swap(total, Ordering::Relaxed);
    let a = terms::int_from_i128(ctx.heap(), total as i128);
    let b = terms::int_from_i128(ctx.heap(), total.saturating_sub(before) as i128);
    terms::tuple(ctx.heap(), &[a, b])
}

fn statistics_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(name) = atom_name(a[0]) else { return badarg_r() };
    let elapsed_ms = ctx.vm.platform.monotonic_ns().saturating_sub(ctx.vm.start_ns) / 1_000_000;
    let zero = Term::small(0);
    let t = match name {
        "runtime" => total_and_since(ctx, elapsed_ms, &LAST_RUNTIME_MS),
        "wall_clock" => total_and_since(ctx, elapsed_ms, &LAST_WALL_CLOCK_MS),
        "reductions" | "exact_reductions" => {
            let reds = ctx.proc.reductions;
            total_and_since(ctx, reds, &LAST_REDUCTIONS)
        }
        "garbage_collection" => terms::tuple(ctx.heap(), &[zero, zero, zero]),
        "io" => {
            let i = pair(ctx, "input", zero);
            let o = pair(ctx, "output", zero);
            terms::tuple(ctx.heap(), &[i, o])
        }
        "context_switches" => terms::tuple(ctx.heap(), &[zero, zero]),
        // The schedulers' run queues, then the (empty) dirty CPU and, for _all, dirty I/O ones.
        "run_queue" | "total_run_queue_lengths" | "total_run_queue_lengths_all" => {
            Term::small(ctx.vm.sched.queued() as i64)
        }
        "total_active_tasks" | "total_active_tasks_all" => {
            Term::small(ctx.vm.sched.active_tasks().iter().sum::<usize>() as i64)
        }
        "run_queue_lengths" | "active_tasks" | "run_queue_lengths_all" | "active_tasks_all" => {
            let mut v: Vec<Term> = if name.starts_with("active") {
                ctx.vm.sched.active_tasks()
            } else {
                ctx.vm.sched.queue_lengths()
            }
            .into_iter()
            .map(|n| Term::small(n as i64))
            .collect();
            v.push(zero);
            if name.ends_with("_all") {
                v.push(zero);
            }
            terms::list(ctx.heap(), &v)
        }
        "scheduler_wall_time" | "scheduler_wall_time_all" | "microstate_accounting" => am::UNDEFINED,
        _ => return badarg_r(),
    };
    Ok(t)
}

// ---------------------------------------------------------------- os

fn os_getpid_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(terms::string(ctx.heap(), "1"))
}

fn os_env_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let vars = ctx.vm.platform.environ();
    let mut out = Vec::with_capacity(vars.len());
    for (k, v) in vars {
        let (k, v) = (terms::string(ctx.heap(), &k), terms::string(ctx.heap(), &v));
        out.push(terms::tuple(ctx.heap(), &[k, v]));
    }
    Ok(terms::list(ctx.heap(), &out))
}

/// A variable name: a possibly deep list of characters other than NUL and `=` (ERTS's
/// `erts_native_filename_need` with UTF-8 file names, then its `=` check).
fn env_name(t: Term) -> Option<String> {
    if t.is_atom() {
        return None;
    }
    let mut s = String::new();
    let mut stack = alloc::vec![t];
    while let Some(mut l) = stack.pop() {
        while let Some((h, tl)) = terms::cons_parts(l) {
            if h.is_list() || h.is_nil() {
                stack.push(tl);
                stack.push(h);
                break;
            }
            let c = h.as_small().and_then(|c| u32::try_from(c).ok()).and_then(char::from_u32)?;
            if c == '\0' || c == '=' {
                return None;
            }
            s.push(c);
            l = tl;
        }
        if !l.is_nil() && !l.is_list() {
            return None;
        }
    }
    Some(s)
}

fn os_getenv_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(name) = env_name(a[0]) else { return badarg_r() };
    if name.is_empty() {
        return Ok(am::FALSE);
    }
    match ctx.vm.platform.getenv(&name) {
        Some(v) => Ok(terms::string(ctx.heap(), &v)),
        None => Ok(am::FALSE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    fn describe(d: DateTime) -> String {
        format!("{}-{}-{} {}:{}:{}", d.year, d.month, d.day, d.hour, d.minute, d.second)
    }

    #[test]
    fn calendar_round_trips() {
        for secs in [0i64, 86_399, 951_782_400, -1, -86_401, 4_102_444_800, -11_676_096_000] {
            let d = DateTime::from_seconds(secs);
            assert_eq!(d.to_seconds(), secs, "{}", describe(d));
        }
        assert_eq!(describe(DateTime::from_seconds(951_782_400)), "2000-2-29 0:0:0");
    }

    #[test]
    fn env_names_follow_erts() {
        let mut p = crate::process::Process::new(0, Default::default());
        let h = &mut p.heap;
        let s = |h: &mut beamos_gc::heap::Heap, x: &str| terms::string(h, x);
        let (ho, me) = (s(h, "HO"), s(h, "ME"));
        let deep = terms::list(h, &[ho, me]);
        assert_eq!(env_name(deep).as_deref(), Some("HOME"));
        let eq = s(h, "A=B");
        assert_eq!(env_name(eq), None);
        let nul = terms::list(h, &[Term::small(65), Term::small(0)]);
        assert_eq!(env_name(nul), None);
        let bin = terms::binary(h, b"HOME");
        let with_bin = terms::list(h, &[ho, bin]);
        assert_eq!(env_name(with_bin), None);
        assert_eq!(env_name(Term::NIL).as_deref(), Some(""));
    }

    #[test]
    fn unit_conversion_floors() {
        let (n, s) = (BigInt::from(NS_PER_SEC), BigInt::from(1));
        assert_eq!(convert(&BigInt::from(-1), &n, &s), BigInt::from(-1));
        assert_eq!(convert(&BigInt::from(1_999_999_999), &n, &s), BigInt::from(1));
    }
}
