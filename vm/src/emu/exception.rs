//! Raising exceptions: stack traces from the Line chunk, catch frames, exit reasons.
//!
//! A `try`/`catch` stores a catch tag (an immediate naming an entry of the global catch table:
//! handler address and y register) in its y register. Raising scans the stack from the top for
//! the newest catch tag, cuts the stack back to that frame and jumps to the handler with
//! x0 = non-value, x1 = class, x2 = reason, x3 = stack trace, as BEAM does.

use alloc::vec::Vec;
use beamos_gc::Term;
use spin::RwLock;

use crate::atom::{self, am};
use crate::emu::instr::Instr;
use crate::module::Export;
use crate::process::{ExcState, Process};
use crate::terms;
use crate::vm::Vm;

static CATCHES: RwLock<Vec<(usize, u32)>> = RwLock::new(Vec::new());

/// Registers a catch handler at load time; the index goes into the catch tag.
pub fn register_catch(handler: usize, y: u32) -> u32 {
    let mut c = CATCHES.write();
    c.push((handler, y));
    (c.len() - 1) as u32
}

#[inline]
pub fn catch_term(index: u32) -> Term {
    Term::catch(index)
}

/// What the first stack frame of a new exception shows.
pub enum Origin {
    /// The current function at the failing instruction.
    Here,
    /// As `Here`, with an argument list in place of the arity (erlang:error/2).
    /// `erlang:error/2,3`: the arguments, and an `error_info` map (or the non-value) to add
    /// to the frame's location.
    HereArgs(Term, Term),
    /// A BIF failed: `{M, F, Args, [{error_info, Info}]}` then the current function; the
    /// term is the `cause` of `Info` (or the non-value).
    Bif(&'static Export, Vec<Term>, Term),
    /// `{M, F, Args, Location}` of a function clause, then the callers.
    FunctionClause { module: Term, function: Term, args: Vec<Term>, at: *const Instr },
    /// undef: `{M, F, Args, []}` then the current function.
    Undef { module: Term, function: Term, args: Term },
    /// A given stack trace (raise/3, re-raise).
    Given(Term),
}

pub struct Raised {
    pub class: Term,
    pub reason: Term,
    pub origin: Origin,
    /// Raised by a called export (a BIF or an undefined function): the caller's frame comes
    /// from the continuation pointer, not from the current instruction.
    pub from_call: bool,
}

impl Raised {
    pub fn new(class: Term, reason: Term) -> Raised {
        Raised { class, reason, origin: Origin::Here, from_call: false }
    }
    pub fn error(reason: Term) -> Raised {
        Raised::new(am::ERROR, reason)
    }
    pub fn bif_error(reason: Term, export: &'static Export, args: &[Term]) -> Raised {
        Raised::bif_error_cause(reason, Term::NON_VALUE, export, args)
    }
    /// A BIF error whose error_info has a `cause` (unless it is the non-value).
    pub fn bif_error_cause(reason: Term, cause: Term, export: &'static Export, args: &[Term]) -> Raised {
        Raised { class: am::ERROR, reason, origin: Origin::Bif(export, args.to_vec(), cause), from_call: false }
    }
    /// An error of the current function: `args` (a list) replaces its arity in the frame
    /// unless it is the non-value; `info` (or the non-value) becomes the frame's error_info.
    pub fn here_with_args(reason: Term, args: Term, info: Term) -> Raised {
        if args.is_list_or_nil() || (args.is_non_value() && info.is_value()) {
            Raised { class: am::ERROR, reason, origin: Origin::HereArgs(args, info), from_call: false }
        } else {
            Raised::error(reason)
        }
    }
    pub fn with_trace(class: Term, reason: Term, stacktrace: Term) -> Raised {
        Raised { class, reason, origin: Origin::Given(stacktrace), from_call: false }
    }
    pub fn undef(module: Term, function: Term, args: Term) -> Raised {
        Raised { class: am::ERROR, reason: am::UNDEF, origin: Origin::Undef { module, function, args }, from_call: true }
    }
    pub fn function_clause(fi: &Instr, x: &[Term]) -> Raised {
        let Instr::FuncInfo { module, function, arity } = fi else { return Raised::error(am::FUNCTION_CLAUSE) };
        Raised {
            class: am::ERROR,
            reason: am::FUNCTION_CLAUSE,
            origin: Origin::FunctionClause {
                module: *module,
                function: *function,
                args: x[..*arity as usize].to_vec(),
                at: fi as *const Instr,
            },
            from_call: false,
        }
    }
}

/// `[{file, F}, {line, L}]` for the instruction at `at`, or `[]`.
fn location(vm: &Vm, p: &mut Process, at: *const Instr) -> Term {
    let Some(m) = vm.code.module_of(at) else { return Term::NIL };
    // SAFETY: `at` is inside m's code (module_of checked the range).
    let idx = unsafe { at.offset_from(m.code.as_ptr()) } as usize;
    match m.location_at(idx) {
        Some((file, line)) => {
            let f = terms::string(&mut p.heap, file);
            let ft = terms::tuple(&mut p.heap, &[am::FILE, f]);
            let lt = terms::tuple(&mut p.heap, &[am::LINE, Term::small(line as i64)]);
            terms::list(&mut p.heap, &[ft, lt])
        }
        None => Term::NIL,
    }
}

/// `{M, F, Arity, Location}` for the function containing `at`.
fn frame(vm: &Vm, p: &mut Process, at: *const Instr) -> Option<Term> {
    let m = vm.code.module_of(at)?;
    // SAFETY: `at` is inside m's code.
    let idx = unsafe { at.offset_from(m.code.as_ptr()) } as usize;
    let f = *m.function_at(idx)?;
    let loc = location(vm, p, at);
    Some(terms::tuple(&mut p.heap, &[m.name, f.function, Term::small(f.arity as i64), loc]))
}

/// `[{error_info, #{module => M}}]` for a failing BIF, by its module (beam_common.c), with
/// `cause => Cause` in the map when `cause` is a value.
fn error_info(p: &mut Process, module: Term, cause: Term) -> Term {
    let fm = match atom::name(module) {
        "erlang" | "atomics" | "counters" | "erts_internal" | "persistent_term" => "erl_erts_errors",
        "os" => "erl_kernel_errors",
        "binary" | "ets" | "lists" | "maps" | "math" | "re" | "unicode" => "erl_stdlib_errors",
        _ => return Term::NIL,
    };
    let mut pairs = alloc::vec![(am::MODULE, atom::atom(fm))];
    if cause.is_value() {
        pairs.push((am::CAUSE, cause));
    }
    let m = crate::map::from_pairs(&mut p.heap, &pairs);
    let ei = terms::tuple(&mut p.heap, &[am::ERROR_INFO, m]);
    terms::list(&mut p.heap, &[ei])
}

fn build_trace(vm: &Vm, p: &mut Process, ip: *const Instr, origin: &Origin, from_call: bool) -> Term {
    let mut frames: Vec<Term> = Vec::new();
    // The failing instruction is the one before ip.
    // SAFETY: ip was advanced past the current instruction, so ip - 1 is in the same block.
    let here = unsafe { ip.sub(1) };
    let mut skip_here = from_call;
    // Whether the failing function's own frame is in the trace already.
    let mut here_pushed = false;
    match origin {
        Origin::Given(t) => return *t,
        Origin::Here => {}
        Origin::HereArgs(args, info) => {
            if let Some(f) = frame(vm, p, here) {
                let mut el = terms::tuple_elems(f).unwrap_or(&[]).to_vec();
                if el.len() == 4 {
                    if args.is_value() {
                        el[2] = *args;
                    }
                    if info.is_value() {
                        // [{file, F}, {line, L} | [{error_info, Info}]], as ERTS builds it.
                        let ei = terms::tuple(&mut p.heap, &[am::ERROR_INFO, *info]);
                        let mut loc = terms::list_to_vec(el[3]).unwrap_or_default();
                        loc.push(ei);
                        el[3] = terms::list(&mut p.heap, &loc);
                    }
                    frames.push(terms::tuple(&mut p.heap, &el));
                    skip_here = true;
                    here_pushed = true;
                }
            }
        }
        Origin::Bif(e, args, cause) => {
            let a = terms::list(&mut p.heap, args);
            let info = error_info(p, e.module, *cause);
            frames.push(terms::tuple(&mut p.heap, &[e.module, e.function, a, info]));
            // A NIF stub that calls its own BIF (loader's route_nif_stubs) is no frame of its
            // own: in ERTS the NIF replaces the stub.
            skip_here |= vm.code.module_of(here).is_some_and(|m| {
                // SAFETY: `here` is inside m's code.
                let idx = unsafe { here.offset_from(m.code.as_ptr()) } as usize;
                m.name == e.module
                    && m.function_at(idx).is_some_and(|f| f.function == e.function && f.arity as usize == args.len())
            });
        }
        Origin::Undef { module, function, args } => {
            frames.push(terms::tuple(&mut p.heap, &[*module, *function, *args, Term::NIL]));
        }
        Origin::FunctionClause { module, function, args, at } => {
            let a = terms::list(&mut p.heap, args);
            // The location of a function is the line of its first clause, after func_info.
            // SAFETY: func_info is followed by the function body.
            let loc = location(vm, p, unsafe { at.add(1) });
            frames.push(terms::tuple(&mut p.heap, &[*module, *function, a, loc]));
            skip_here = true;
        }
    }
    // `backtrace_depth` (erlang:system_flag/2) counts every frame, but the first is always
    // there (save_stacktrace in beam_common.c).
    let depth = vm.flags.backtrace_depth().max(1);
    if !skip_here && frames.len() < depth {
        if let Some(f) = frame(vm, p, here) {
            frames.push(f);
            here_pushed = true;
        }
    }
    // The continuation register (if the current function has not saved it yet), then the
    // saved ones. As ERTS's gather_stacktrace, a continuation equal to the one before it (a
    // body-recursive call returning to the same place) is recorded once; the first is
    // compared with the current position, so error/exit/throw called from a body (the call
    // set the continuation to just after itself) show their function once.
    let mut prev: *const Instr = if here_pushed { ip } else { core::ptr::null() };
    let saved = p.stack.iter().rev().filter(|w| w.raw() & 0b11 == 0 && w.raw() != 0).map(|w| w.raw() as *const Instr);
    let cps: Vec<*const Instr> = core::iter::once(p.cp).filter(|cp| !cp.is_null()).chain(saved).collect();
    for cp in cps {
        if frames.len() >= depth {
            break;
        }
        if cp == prev {
            continue;
        }
        prev = cp;
        // SAFETY: a continuation pointer points just after a call instruction.
        let call = unsafe { cp.sub(1) };
        if let Some(f) = frame(vm, p, call) {
            frames.push(f);
        }
    }
    terms::list(&mut p.heap, &frames)
}

/// Raises `r` in `p`: returns the handler to jump to, or the exit reason if uncaught.
pub fn handle(vm: &Vm, p: &mut Process, x: &mut [Term], ip: *const Instr, r: Raised) -> Result<*const Instr, Term> {
    let st = build_trace(vm, p, ip, &r.origin, r.from_call);
    p.exc = Some(ExcState { class: r.class, reason: r.reason, stacktrace: st });
    // Find the newest catch tag.
    let mut k = p.stack.len();
    while k > 0 {
        k -= 1;
        let w = p.stack[k];
        if w.is_catch() {
            let (handler, y) = CATCHES.read()[w.catch_index() as usize];
            p.stack.truncate(k + 1 + y as usize);
            p.cp = core::ptr::null();
            x[0] = Term::NON_VALUE;
            x[1] = r.class;
            x[2] = r.reason;
            x[3] = st;
            return Ok(handler as *const Instr);
        }
    }
    let reason = exit_reason(p, r.class, r.reason, st);
    if r.class == am::ERROR {
        vm.report_crash(p.pid, reason);
    }
    Err(reason)
}

/// The exit reason of an uncaught exception.
pub fn exit_reason(p: &mut Process, class: Term, reason: Term, st: Term) -> Term {
    if class == am::EXIT {
        reason
    } else if class == am::THROW {
        let nc = terms::tuple(&mut p.heap, &[am::NOCATCH, reason]);
        terms::tuple(&mut p.heap, &[nc, st])
    } else {
        terms::tuple(&mut p.heap, &[reason, st])
    }
}

/// The value of `catch Expr` after an exception.
pub fn catch_value(p: &mut Process, class: Term, reason: Term, st: Term) -> Term {
    if class == am::THROW {
        reason
    } else if class == am::EXIT {
        terms::tuple(&mut p.heap, &[am::EXIT_UPPER, reason])
    } else {
        let inner = terms::tuple(&mut p.heap, &[reason, st]);
        terms::tuple(&mut p.heap, &[am::EXIT_UPPER, inner])
    }
}

/// The `raise` instruction: re-raise with the class of the exception that made `st`.
pub fn reraise(p: &Process, st: Term, value: Term) -> Raised {
    let class = match p.exc {
        Some(e) if e.stacktrace == st => e.class,
        _ => am::ERROR,
    };
    Raised::with_trace(class, value, st)
}

/// `build_stacktrace`: our raw stack traces are already lists.
pub fn build_stacktrace(_p: &mut Process, raw: Term) -> Term {
    raw
}

/// A readable class name for messages.
pub fn class_name(c: Term) -> &'static str {
    atom::name(c)
}
