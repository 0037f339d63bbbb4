//! The `re` module's BIFs (erts/emulator/beam/erl_bif_re.c): `compile/1,2`, `run/2,3`,
//! `internal_run/4`, `inspect/2`, `version/0`. `replace`, `split` and friends are Erlang
//! code in re.erl on top of these; as in ERTS, unicode runs on non-binary subjects go to
//! `re:urun/3`, `re:ucompile/2`, and `global` runs to `re:grun/3`.
//!
//! The engine is our own (`crate::re`). The compiled pattern is
//! `{re_pattern, Groups, Unicode, UseCrlf, Binary}` as in ERTS, but the binary holds the
//! pattern source and options (`re::serialize`) instead of PCRE bytecode, and is recompiled
//! on each run.
//!
//! Differences from ERTS: nothing traps (a run charges reductions for its steps); the step
//! count behind `{match_limit, N}` is ours, not PCRE's, so the exact limit at which
//! `{error, match_limit}` appears differs.

use alloc::vec::Vec;
use beamos_gc::Term;

use super::{badarg, badarg_r, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::re::{self as engine, ExecError, ExecOpts, Flags, Newline, Regex};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("re", "compile", 1, compile_1),
    bif("re", "compile", 2, compile_2),
    bif("re", "run", 2, run_2),
    bif("re", "run", 3, run_3),
    bif("re", "internal_run", 4, internal_run_4),
    bif("re", "inspect", 2, inspect_2),
    bif("re", "version", 0, version_0),
];

/// Steps of the matcher per reduction charged.
const STEPS_PER_REDUCTION: u64 = 100;

#[derive(Default)]
struct Opts {
    flags: Flags,
    exec: ExecOpts,
    unique_exec: bool,
    unique_compile: bool,
    unicode: bool,
    global: bool,
    report_errors: bool,
    offset: usize,
    capture: Option<(Term, Term)>,
}

fn int_arg(t: Term) -> Option<i64> {
    t.as_small()
}

/// ERTS's `parse_options`; `None` is badarg (badopt).
fn parse_options(mut l: Term) -> Option<Opts> {
    let mut o = Opts::default();
    while let Some((item, tl)) = terms::cons_parts(l) {
        l = tl;
        if let Some(tp) = terms::tuple_elems(item) {
            if tp.len() == 3 && tp[0] == atom::atom("capture") {
                o.capture = Some((tp[1], tp[2]));
                o.unique_exec = true;
                continue;
            }
            if tp.len() != 2 || !tp[0].is_atom() {
                return None;
            }
            match atom::name(tp[0]) {
                "capture" => {
                    o.capture = Some((tp[1], atom::atom("index")));
                    o.unique_exec = true;
                }
                "offset" => {
                    let v = int_arg(tp[1]).filter(|v| (0..=i32::MAX as i64).contains(v))?;
                    o.offset = v as usize;
                    o.unique_exec = true;
                }
                "match_limit" => {
                    let v = int_arg(tp[1]).filter(|v| (0..=i32::MAX as i64).contains(v))?;
                    o.exec.match_limit = Some(v as u64);
                    o.unique_exec = true;
                }
                "match_limit_recursion" => {
                    int_arg(tp[1]).filter(|v| (0..=i32::MAX as i64).contains(v))?;
                    o.unique_exec = true;
                }
                "newline" => {
                    if !tp[1].is_atom() {
                        return None;
                    }
                    let nl = match atom::name(tp[1]) {
                        "cr" => Newline::Cr,
                        "crlf" => Newline::Crlf,
                        "lf" => Newline::Lf,
                        "anycrlf" => Newline::AnyCrlf,
                        "any" => Newline::Any,
                        _ => return None,
                    };
                    o.flags.newline = nl;
                    o.exec.newline = Some(nl);
                }
                _ => return None,
            }
        } else if item.is_atom() {
            match atom::name(item) {
                "anchored" => {
                    o.flags.anchored = true;
                    o.exec.anchored = true;
                }
                "notempty" => {
                    o.exec.notempty = true;
                    o.unique_exec = true;
                }
                "notempty_atstart" => {
                    o.exec.notempty_atstart = true;
                    o.unique_exec = true;
                }
                "notbol" => {
                    o.exec.notbol = true;
                    o.unique_exec = true;
                }
                "noteol" => {
                    o.exec.noteol = true;
                    o.unique_exec = true;
                }
                "no_start_optimize" => o.unique_compile = true,
                "caseless" => {
                    o.flags.caseless = true;
                    o.unique_compile = true;
                }
                "dollar_endonly" => {
                    o.flags.dollar_endonly = true;
                    o.unique_compile = true;
                }
                "dotall" => {
                    o.flags.dotall = true;
                    o.unique_compile = true;
                }
                "extended" => {
                    o.flags.extended = true;
                    o.unique_compile = true;
                }
                "firstline" => {
                    o.flags.firstline = true;
                    o.unique_compile = true;
                }
                "multiline" => {
                    o.flags.multiline = true;
                    o.unique_compile = true;
                }
                "no_auto_capture" => {
                    o.flags.no_auto_capture = true;
                    o.unique_compile = true;
                }
                "dupnames" => {
                    o.flags.dupnames = true;
                    o.unique_compile = true;
                }
                "ungreedy" => {
                    o.flags.ungreedy = true;
                    o.unique_compile = true;
                }
                "ucp" => {
                    o.flags.ucp = true;
                    o.unique_compile = true;
                }
                "never_utf" => o.unique_compile = true,
                "report_errors" => {
                    o.report_errors = true;
                    o.unique_exec = true;
                }
                "unicode" => {
                    o.flags.utf8 = true;
                    o.unicode = true;
                    o.unique_compile = true;
                }
                "global" => {
                    o.global = true;
                    o.unique_exec = true;
                }
                "bsr_anycrlf" => {
                    o.flags.bsr_anycrlf = true;
                    o.exec.bsr_anycrlf = Some(true);
                }
                "bsr_unicode" => {
                    o.flags.bsr_anycrlf = false;
                    o.exec.bsr_anycrlf = Some(false);
                }
                _ => return None,
            }
        } else {
            return None;
        }
    }
    if !l.is_nil() {
        return None;
    }
    Some(o)
}

fn iodata(t: Term) -> Option<Vec<u8>> {
    let (b, bits) = super::erlang::iolist_bits(t, false)?;
    (bits % 8 == 0).then_some(b)
}

fn use_crlf(f: &Flags) -> bool {
    matches!(f.newline, Newline::Any | Newline::Crlf | Newline::AnyCrlf)
}

/// `{re_pattern, N, U, CRLF, Bin}`.
fn pattern_term(ctx: &mut Ctx, re: &Regex, src: &[u8], unicode: bool) -> Term {
    let bin = terms::binary(ctx.heap(), &engine::serialize(src, &re.flags));
    terms::tuple(
        ctx.heap(),
        &[
            atom::atom("re_pattern"),
            Term::small(re.groups as i64),
            Term::small(unicode as i64),
            Term::small(use_crlf(&re.flags) as i64),
            bin,
        ],
    )
}

/// `{Msg, Offset}`.
fn error_spec(ctx: &mut Ctx, e: &engine::CompileError) -> Term {
    let msg = terms::byte_string(ctx.heap(), e.msg.as_bytes());
    terms::tuple(ctx.heap(), &[msg, Term::small(e.offset as i64)])
}

fn compile(ctx: &mut Ctx, re: Term, opts: Term) -> BifResult {
    let o = parse_options(opts).ok_or_else(badarg)?;
    if o.unique_exec {
        return badarg_r();
    }
    if o.unicode && !terms::is_binary(re) {
        return Err(Exc::CallMfa { module: atom::atom("re"), function: atom::atom("ucompile"), args: alloc::vec![re, opts] });
    }
    let src = iodata(re).ok_or_else(badarg)?;
    match Regex::new(&src, o.flags) {
        Ok(r) => {
            let p = pattern_term(ctx, &r, &src, o.unicode);
            Ok(terms::tuple(ctx.heap(), &[am::OK, p]))
        }
        Err(e) => {
            let spec = error_spec(ctx, &e);
            Ok(terms::tuple(ctx.heap(), &[am::ERROR, spec]))
        }
    }
}

fn compile_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    compile(ctx, a[0], Term::NIL)
}

fn compile_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    compile(ctx, a[0], a[1])
}

fn version_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(terms::binary(ctx.heap(), engine::VERSION.as_bytes()))
}

/// The parts of a `re_pattern` tuple, checked as ERTS does.
fn pattern_parts(t: Term) -> Option<(Term, Term, Term, Term)> {
    let tp = terms::tuple_elems(t)?;
    if tp.len() != 5
        || tp[0] != atom::atom("re_pattern")
        || !tp[1].is_small()
        || !tp[2].is_small()
        || !tp[3].is_small()
        || !terms::is_binary(tp[4])
    {
        return None;
    }
    Some((tp[1], tp[2], tp[3], tp[4]))
}

fn regex_of_pattern(bin: Term) -> Option<Regex> {
    let bytes = iodata(bin)?;
    let (src, flags) = engine::deserialize(&bytes)?;
    Regex::new(&src, flags).ok()
}

fn inspect_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (_, _, _, bin) = pattern_parts(a[0]).ok_or_else(badarg)?;
    if a[1] != atom::atom("namelist") {
        return badarg_r();
    }
    let re = regex_of_pattern(bin).ok_or_else(badarg)?;
    let mut names: Vec<&Vec<u8>> = re.names.iter().map(|(n, _)| n).collect();
    names.dedup();
    let elems: Vec<Term> = names.iter().map(|n| terms::binary(ctx.heap(), n)).collect();
    let l = terms::list(ctx.heap(), &elems);
    Ok(terms::tuple(ctx.heap(), &[atom::atom("namelist"), l]))
}

fn run_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    run(ctx, a[0], a[1], Term::NIL, true)
}

fn run_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    run(ctx, a[0], a[1], a[2], true)
}

fn internal_run_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let first = if a[3] == am::FALSE {
        false
    } else if a[3] == am::TRUE {
        true
    } else {
        return badarg_r();
    };
    run(ctx, a[0], a[1], a[2], first)
}

enum RetType {
    Index,
    List,
    Bin,
    None,
}

/// Which groups to return: `All(skip)` (0 = all, 1 = all_but_first) or a list of specs,
/// each a list of candidate groups (several for a duplicated name; empty = none).
enum Spec {
    All(usize),
    List(Vec<Vec<usize>>),
}

fn name_bytes(t: Term) -> Option<Vec<u8>> {
    if t.is_atom() {
        return Some(atom::name(t).as_bytes().to_vec());
    }
    iodata(t)
}

fn build_capture(values: Term, typ: Term, re: &Regex) -> Option<(RetType, Spec)> {
    if !typ.is_atom() {
        return None;
    }
    let mut ty = match atom::name(typ) {
        "index" => RetType::Index,
        "list" => RetType::List,
        "binary" => RetType::Bin,
        _ => return None,
    };
    let lookup = |name: &[u8]| -> Vec<usize> { re.names.iter().filter(|(n, _)| n == name).map(|(_, g)| *g).collect() };
    let spec = if values.is_nil() {
        ty = RetType::None;
        Spec::All(0)
    } else if values.is_atom() {
        match atom::name(values) {
            "all" => Spec::All(0),
            "none" => {
                ty = RetType::None;
                Spec::All(0)
            }
            "all_but_first" => Spec::All(1),
            "first" => Spec::List(alloc::vec![alloc::vec![0]]),
            "all_names" => {
                if re.names.is_empty() {
                    ty = RetType::None;
                    Spec::All(0)
                } else {
                    let mut v: Vec<Vec<usize>> = Vec::new();
                    let mut last: Option<&Vec<u8>> = None;
                    for (n, _) in &re.names {
                        if last != Some(n) {
                            v.push(lookup(n));
                        }
                        last = Some(n);
                    }
                    Spec::List(v)
                }
            }
            _ => return None,
        }
    } else if values.is_list() {
        let items = terms::list_to_vec(values)?;
        let mut v = Vec::new();
        for it in items {
            if let Some(x) = it.as_small() {
                v.push(if (0..=re.groups as i64).contains(&x) { alloc::vec![x as usize] } else { Vec::new() });
            } else if it.is_atom() || terms::is_binary(it) || it.is_list() || it.is_nil() {
                let n = name_bytes(it)?;
                v.push(lookup(&n));
            } else {
                return None;
            }
        }
        Spec::List(v)
    } else {
        return None;
    };
    Some((ty, spec))
}

fn run(ctx: &mut Ctx, subj: Term, pat: Term, opts: Term, first: bool) -> BifResult {
    let o = parse_options(opts).ok_or_else(badarg)?;
    let is_list_cap = o.capture.is_some_and(|(_, t)| t == atom::atom("list"));
    let re_mod = atom::atom("re");
    let re = if let Some((_, u, _, bin)) = pattern_parts(pat) {
        if o.unique_compile {
            return badarg_r();
        }
        if u != Term::small(0) && (!terms::is_binary(subj) || (is_list_cap && !o.global)) {
            return Err(Exc::CallMfa { module: re_mod, function: atom::atom("urun"), args: alloc::vec![subj, pat, opts] });
        }
        if o.global {
            let r = terms::tuple(ctx.heap(), &[opts, am::FALSE]);
            return Err(Exc::CallMfa { module: re_mod, function: atom::atom("grun"), args: alloc::vec![subj, pat, r] });
        }
        regex_of_pattern(bin).ok_or_else(badarg)?
    } else if terms::is_binary(pat) || pat.is_list() || pat.is_nil() {
        if o.unicode && (!terms::is_binary(pat) || !terms::is_binary(subj) || (is_list_cap && !o.global)) {
            return Err(Exc::CallMfa { module: re_mod, function: atom::atom("urun"), args: alloc::vec![subj, pat, opts] });
        }
        let src = iodata(pat).ok_or_else(badarg)?;
        let re = match Regex::new(&src, o.flags) {
            Ok(r) => r,
            Err(e) => {
                if o.report_errors {
                    let spec = error_spec(ctx, &e);
                    let c = terms::tuple(ctx.heap(), &[atom::atom("compile"), spec]);
                    return Ok(terms::tuple(ctx.heap(), &[am::ERROR, c]));
                }
                return badarg_r();
            }
        };
        if o.global {
            let pre = pattern_term(ctx, &re, &src, o.unicode);
            let r = terms::tuple(ctx.heap(), &[opts, if o.unique_compile { am::TRUE } else { am::FALSE }, pat]);
            return Err(Exc::CallMfa { module: re_mod, function: atom::atom("grun"), args: alloc::vec![subj, pre, r] });
        }
        re
    } else {
        return badarg_r();
    };
    let (ty, spec) = match o.capture {
        Some((v, t)) => build_capture(v, t, &re).ok_or_else(badarg)?,
        None => (RetType::Index, Spec::All(0)),
    };
    let subject = iodata(subj).ok_or_else(badarg)?;
    if o.offset > subject.len() {
        return Err(Exc::Error(atom::atom("internal_error")));
    }
    if re.flags.utf8 {
        if first && !engine::valid_utf8(&subject) {
            return badarg_r();
        }
        if o.offset < subject.len() && (subject[o.offset] & 0xc0) == 0x80 {
            return badarg_r();
        }
    }
    let mut exec = o.exec;
    exec.anchored = o.exec.anchored;
    let result = re.exec(&subject, o.offset, &exec);
    let caps = match result {
        Err(ExecError::MatchLimit) => {
            ctx.bump_reds(ctx.reds_left());
            if o.report_errors {
                return Ok(terms::tuple(ctx.heap(), &[am::ERROR, atom::atom("match_limit")]));
            }
            return Ok(atom::atom("nomatch"));
        }
        Ok(None) => return Ok(atom::atom("nomatch")),
        Ok(Some(c)) => c,
    };
    ctx.bump_reds((subject.len() as u64 / STEPS_PER_REDUCTION) as usize);
    if let RetType::None = ty {
        return Ok(atom::atom("match"));
    }
    // rc: one more than the highest group set.
    let rc = caps.iter().rposition(|c| c.is_some()).map_or(1, |i| i + 1);
    let groups: Vec<Option<(usize, usize)>> = match spec {
        Spec::All(skip) => (skip..rc).map(|i| caps[i]).collect(),
        Spec::List(v) => v
            .iter()
            .map(|cands| {
                let g = if cands.len() > 1 { cands.iter().copied().find(|&g| g < rc && caps[g].is_some()) } else { cands.first().copied() };
                match g {
                    Some(g) if g < rc => Some(caps[g].unwrap_or((usize::MAX, usize::MAX))),
                    _ => None,
                }
            })
            .collect(),
    };
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let t = match ty {
            RetType::Index => {
                let (s, l) = match g {
                    Some((s, e)) if s != usize::MAX => (s as i64, (e - s) as i64),
                    _ => (-1, 0),
                };
                terms::tuple(ctx.heap(), &[Term::small(s), Term::small(l)])
            }
            RetType::Bin | RetType::List => {
                let bytes: &[u8] = match g {
                    Some((s, e)) if s != usize::MAX => &subject[s..e],
                    _ => &[],
                };
                if let RetType::Bin = ty {
                    terms::binary(ctx.heap(), bytes)
                } else {
                    terms::byte_string(ctx.heap(), bytes)
                }
            }
            RetType::None => unreachable!(),
        };
        out.push(t);
    }
    let l = terms::list(ctx.heap(), &out);
    Ok(terms::tuple(ctx.heap(), &[atom::atom("match"), l]))
}
