//! The `ets` module's BIFs over [`crate::ets`], and the match specification interpreter.
//!
//! Table identifiers are references (as in OTP 25) or, for named tables, the name. Access
//! rules are ERTS's: a private table is the owner's alone, a protected one is read by all and
//! written by its owner. Results are copied into the caller's heap.

use alloc::vec::Vec;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::compare;
use crate::ets::{Access, KeyLock, Kind, Table, TableRef};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("ets", "new", 2, new_2),
    bif("ets", "insert", 2, insert_2),
    bif("ets", "insert_new", 2, insert_new_2),
    bif("ets", "lookup", 2, lookup_2),
    bif("ets", "lookup_element", 3, lookup_element_3),
    bif("ets", "member", 2, member_2),
    bif("ets", "delete", 1, delete_1),
    bif("ets", "delete", 2, delete_2),
    bif("ets", "delete_object", 2, delete_object_2),
    bif("ets", "internal_delete_all", 2, internal_delete_all_2),
    bif("ets", "internal_select_delete", 2, internal_select_delete_2),
    bif("ets", "take", 2, take_2),
    bif("ets", "first", 1, first_1),
    bif("ets", "slot", 2, slot_2),
    bif("ets", "last", 1, last_1),
    bif("ets", "next", 2, next_2),
    bif("ets", "prev", 2, prev_2),
    bif("ets", "update_counter", 3, update_counter_3),
    bif("ets", "update_counter", 4, update_counter_4),
    bif("ets", "update_element", 3, update_element_3),
    bif("ets", "match", 2, match_2),
    bif("ets", "match_object", 2, match_object_2),
    bif("ets", "select", 2, select_2),
    bif("ets", "select", 3, select_3),
    bif("ets", "select", 1, select_1),
    bif("ets", "match", 1, select_1),
    bif("ets", "match", 3, match_3),
    bif("ets", "match_object", 1, select_1),
    bif("ets", "match_object", 3, match_object_3),
    bif("ets", "select_reverse", 2, select_reverse_2),
    bif("ets", "select_reverse", 3, select_reverse_3),
    bif("ets", "select_reverse", 1, select_1),
    bif("ets", "select_count", 2, select_count_2),
    bif("ets", "select_replace", 2, select_replace_2),
    bif("ets", "info", 1, info_1),
    bif("ets", "info", 2, info_2),
    bif("ets", "whereis", 1, whereis_1),
    bif("ets", "rename", 2, rename_2),
    bif("ets", "give_away", 3, give_away_3),
    bif("ets", "setopts", 2, setopts_2),
    bif("ets", "safe_fixtable", 2, safe_fixtable_2),
    bif("ets", "is_compiled_ms", 1, is_compiled_ms_1),
    bif("ets", "match_spec_compile", 1, match_spec_compile_1),
    bif("ets", "match_spec_run_r", 3, match_spec_run_r_3),
    bif("ets", "internal_request_all", 0, internal_request_all_0),
];

/// The name of `t` if it is an atom.
fn name_opt(t: Term) -> Option<&'static str> {
    t.is_atom().then(|| atom::name(t))
}

/// Table references carry this tag above the table id.
const TID_TAG: u64 = 0x4554_5321;

fn tid_term(ctx: &mut Ctx, id: u64) -> Term {
    terms::tagged_reference(ctx.heap(), TID_TAG, id)
}

fn end_of_table() -> Term {
    atom::atom("$end_of_table")
}

/// The table `t` names (a tid reference or a registered name).
fn table(ctx: &Ctx, t: Term) -> Option<TableRef> {
    if t.is_atom() {
        return ctx.vm.ets.by_name(t);
    }
    ctx.vm.ets.by_id(terms::tagged_ref_number(t, TID_TAG)?)
}

#[derive(PartialEq)]
enum Op {
    Read,
    Write,
}

/// The table, if it exists and the caller may access it this way; otherwise badarg.
fn open(ctx: &Ctx, t: Term, op: Op) -> Result<TableRef, Exc> {
    let tr = table(ctx, t).ok_or(super::badarg())?;
    {
        let g = tr.read();
        let me = ctx.proc.pid;
        let ok = match g.access {
            Access::Public => true,
            Access::Protected => op == Op::Read || g.owner == me,
            Access::Private => g.owner == me,
        };
        if !ok {
            return super::badarg_r();
        }
    }
    Ok(tr)
}

fn copy_out(ctx: &mut Ctx, ts: &[Term]) -> Term {
    let copies: Vec<Term> = ts.iter().map(|&t| terms::copy_into(ctx.heap(), t)).collect();
    terms::list(ctx.heap(), &copies)
}

fn new_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let name = a[0];
    if !name.is_atom() {
        return super::badarg_r();
    }
    let opts = terms::list_to_vec(a[1]).ok_or(super::badarg())?;
    let id = ctx.vm.ets.next_id();
    let mut t = Table::new(id, name, Kind::Set);
    let mut kind = Kind::Set;
    let mut fixed_locks = false;
    let mut dc_given = false;
    for o in opts {
        if o.is_atom() {
            match atom::name(o) {
                "set" => kind = Kind::Set,
                "ordered_set" => kind = Kind::OrderedSet,
                "bag" => kind = Kind::Bag,
                "duplicate_bag" => kind = Kind::DuplicateBag,
                "public" => t.access = Access::Public,
                "protected" => t.access = Access::Protected,
                "private" => t.access = Access::Private,
                "named_table" => t.named = true,
                "compressed" => t.compressed = true,
                _ => return super::badarg_r(),
            }
            continue;
        }
        let Some(e) = terms::tuple_elems(o) else { return super::badarg_r() };
        match (e.len(), e.first().map(|&k| name_opt(k))) {
            (2, Some(Some("keypos"))) => match e[1].as_small() {
                Some(k) if k >= 1 => t.keypos = k as usize,
                _ => return super::badarg_r(),
            },
            (2, Some(Some("heir"))) if e[1] == atom::atom("none") => t.heir = None,
            (3, Some(Some("heir"))) if e[1].is_local_pid() => t.heir = Some((e[1], crate::ets::Stored::new(e[2]))),
            // OTP's test option fixing the number of locks of a hash table.
            (2, Some(Some("write_concurrency")))
                if terms::tuple_elems(e[1]).is_some_and(|d| {
                    d.len() == 2 && name_opt(d[0]) == Some("debug_hash_fixed_number_of_locks") && d[1].is_integer()
                }) =>
            {
                t.write_concurrency = true;
                t.write_concurrency_auto = false;
                // ERTS rounds the count up to a power of two, at least 64.
                let n = terms::tuple_elems(e[1]).and_then(|d| d[1].as_small()).unwrap_or(64);
                t.fixed_locks = (n.clamp(64, 1 << 16) as u32).next_power_of_two();
                fixed_locks = true;
            }
            (2, Some(Some(k @ ("write_concurrency" | "read_concurrency" | "decentralized_counters")))) => {
                let v = e[1] == am::TRUE;
                if !(v || e[1] == am::FALSE || (k == "write_concurrency" && name_opt(e[1]) == Some("auto"))) {
                    return super::badarg_r();
                }
                match k {
                    "write_concurrency" => {
                        t.write_concurrency = v || e[1] != am::FALSE;
                        t.write_concurrency_auto = !v && e[1] != am::FALSE;
                        t.fixed_locks = 0;
                    }
                    "read_concurrency" => t.read_concurrency = v,
                    _ => {
                        t.decentralized_counters = v;
                        dc_given = true;
                    }
                }
            }
            _ => return super::badarg_r(),
        }
    }
    if fixed_locks && kind == Kind::OrderedSet {
        return super::badarg_r();
    }
    // As ERTS: only a table other processes may write, on more than one scheduler, gets
    // write_concurrency (and reports it); an ordered_set that gets it counts its size in
    // decentralized counters unless told otherwise.
    let multi = ctx.vm.sched.count() > 1;
    if t.access == Access::Private || !multi {
        t.write_concurrency = false;
        t.write_concurrency_auto = false;
        t.fixed_locks = 0;
    }
    if kind == Kind::OrderedSet && t.write_concurrency && !dc_given {
        t.decentralized_counters = true;
    }
    t.multi_scheduler = multi;
    t.set_kind(kind);
    t.owner = ctx.proc.pid;
    let named = t.named;
    if !ctx.vm.ets.add(t) {
        return super::badarg_r();
    }
    Ok(if named { name } else { tid_term(ctx, id) })
}

/// The objects to insert: one tuple or a list of them, each long enough for the key.
fn objects_arg(t: Term, keypos: usize) -> Result<Vec<Term>, Exc> {
    let objs = if terms::tuple_elems(t).is_some() { alloc::vec![t] } else { terms::list_to_vec(t).ok_or(super::badarg())? };
    for &o in &objs {
        if !terms::tuple_elems(o).is_some_and(|e| e.len() >= keypos) {
            return super::badarg_r();
        }
    }
    Ok(objs)
}

/// The table's lock as a write of one key takes it: for reading on a table with
/// `write_concurrency` (the key's part is then locked alone), else for writing.
enum KeyWrite<'a> {
    Shared(spin::RwLockReadGuard<'a, Table>),
    Excl(spin::RwLockWriteGuard<'a, Table>),
}

impl KeyWrite<'_> {
    fn table(&self) -> &Table {
        match self {
            KeyWrite::Shared(g) => g,
            KeyWrite::Excl(g) => g,
        }
    }
    /// `key`'s part, locked for writing.
    fn key(&mut self, key: Term) -> KeyLock<'_> {
        match self {
            KeyWrite::Shared(g) => g.lock_key(key).expect("striped tables are hashed"),
            KeyWrite::Excl(g) => g.lock_key_mut(key),
        }
    }
}

fn key_write(tr: &TableRef) -> KeyWrite<'_> {
    let g = tr.read();
    if g.striped() {
        return KeyWrite::Shared(g);
    }
    drop(g);
    KeyWrite::Excl(tr.write())
}

fn insert_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    if terms::tuple_elems(a[1]).is_some() {
        // One object: only its key's part (a list is inserted atomically, below).
        let mut t = key_write(&tr);
        let objs = objects_arg(a[1], t.table().keypos)?;
        let key = t.table().key_of(objs[0]);
        t.key(key).insert(objs[0]);
        return Ok(am::TRUE);
    }
    let mut t = tr.write();
    let objs = objects_arg(a[1], t.keypos)?;
    for o in objs {
        t.insert(o);
    }
    Ok(am::TRUE)
}

fn insert_new_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    if terms::tuple_elems(a[1]).is_some() {
        let mut t = key_write(&tr);
        let objs = objects_arg(a[1], t.table().keypos)?;
        let key = t.table().key_of(objs[0]);
        let mut k = t.key(key);
        if k.member(key) {
            return Ok(am::FALSE);
        }
        k.insert(objs[0]);
        return Ok(am::TRUE);
    }
    let mut t = tr.write();
    let objs = objects_arg(a[1], t.keypos)?;
    if objs.iter().any(|&o| t.member(t.key_of(o))) {
        return Ok(am::FALSE);
    }
    for o in objs {
        t.insert(o);
    }
    Ok(am::TRUE)
}

fn lookup_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    // The objects are copied out under the lock: another scheduler may delete them (and free
    // their storage) as soon as it is released.
    let t = tr.read();
    let k = t.read_key(a[1]);
    let found = k.lookup(a[1]);
    Ok(copy_out(ctx, &found))
}

fn lookup_element_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    let pos = a[2].as_small().filter(|&p| p >= 1).ok_or(super::badarg())? as usize;
    let t = tr.read();
    let k = t.read_key(a[1]);
    let (found, kind) = (k.lookup(a[1]), t.kind);
    if found.is_empty() {
        return super::badarg_r();
    }
    let mut els = Vec::new();
    for o in &found {
        let e = terms::tuple_elems(*o).unwrap_or(&[]);
        els.push(*e.get(pos - 1).ok_or(super::badarg())?);
    }
    if matches!(kind, Kind::Set | Kind::OrderedSet) {
        return Ok(terms::copy_into(ctx.heap(), els[0]));
    }
    Ok(copy_out(ctx, &els))
}

fn member_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    let m = tr.read().member(a[1]);
    Ok(atom::bool_atom(m))
}

fn delete_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    let id = tr.read().id;
    ctx.vm.ets.remove(id);
    Ok(am::TRUE)
}

fn delete_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    key_write(&tr).key(a[1]).delete_key(a[1]);
    Ok(am::TRUE)
}

fn delete_object_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    let mut t = tr.write();
    if !terms::tuple_elems(a[1]).is_some_and(|e| e.len() >= t.keypos) {
        return super::badarg_r();
    }
    t.delete_object(a[1]);
    Ok(am::TRUE)
}

fn internal_delete_all_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    let n = tr.write().clear();
    Ok(Term::small(n as i64))
}

fn take_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    let mut t = key_write(&tr);
    let mut k = t.key(a[1]);
    let found = k.lookup(a[1]);
    let out = copy_out(ctx, &found);
    k.delete_key(a[1]);
    Ok(out)
}

fn key_or_end(ctx: &mut Ctx, k: Option<Term>) -> Term {
    match k {
        Some(k) => terms::copy_into(ctx.heap(), k),
        None => end_of_table(),
    }
}

fn slot_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    let Some(i) = a[1].as_small().filter(|&i| i >= 0) else { return super::badarg_r() };
    let t = tr.read();
    let _frozen = t.freeze();
    let r = t.slot(i as usize);
    match r {
        Ok(Some(objs)) => Ok(copy_out(ctx, &objs)),
        Ok(None) => Ok(atom::atom("$end_of_table")),
        Err(()) => super::badarg_r(),
    }
}

fn first_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    let t = tr.read();
    let _frozen = t.freeze();
    let k = t.first();
    Ok(key_or_end(ctx, k))
}

fn last_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    let t = tr.read();
    let _frozen = t.freeze();
    // Only ordered_set has a last; the others' last is their first (as ERTS).
    let k = if t.kind == Kind::OrderedSet { t.last() } else { t.first() };
    Ok(key_or_end(ctx, k))
}

fn next_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    let t = tr.read();
    let _frozen = t.freeze();
    if end_key_absent(&t, a[1]) {
        return super::badarg_r();
    }
    let k = t.next(a[1]).map_err(|()| super::badarg())?;
    Ok(key_or_end(ctx, k))
}

/// An ordered_set steps from any key, present or not, except `'$end_of_table'` when it is
/// not a key (badarg, as ERTS: the end marker is no place to step from).
fn end_key_absent(t: &Table, key: Term) -> bool {
    t.kind == Kind::OrderedSet && key == end_of_table() && !t.member(key)
}

fn prev_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Read)?;
    let t = tr.read();
    let _frozen = t.freeze();
    if end_key_absent(&t, a[1]) {
        return super::badarg_r();
    }
    let k = if t.kind == Kind::OrderedSet { t.prev(a[1]) } else { t.next(a[1]) }.map_err(|()| super::badarg())?;
    Ok(key_or_end(ctx, k))
}

/// One `{Pos, Incr}` / `{Pos, Incr, Threshold, SetValue}` operation on `elems`.
fn counter_op(ctx: &mut Ctx, elems: &mut [Term], keypos: usize, op: Term) -> Result<Term, Exc> {
    let (pos, incr, wrap) = if op.is_integer() {
        (keypos + 1, op, None)
    } else {
        let e = terms::tuple_elems(op).ok_or(super::badarg())?;
        let pos = e.first().and_then(|p| p.as_small()).filter(|&p| p >= 1).ok_or(super::badarg())? as usize;
        match e.len() {
            2 => (pos, e[1], None),
            4 => (pos, e[1], Some((e[2], e[3]))),
            _ => return super::badarg_r(),
        }
    };
    if pos == keypos || pos > elems.len() || !incr.is_integer() || !elems[pos - 1].is_integer() {
        return super::badarg_r();
    }
    if let Some((th, sv)) = wrap {
        if !th.is_integer() || !sv.is_integer() {
            return super::badarg_r();
        }
    }
    let sum = super::arith::add(ctx, &[elems[pos - 1], incr])?;
    let v = match wrap {
        Some((th, sv)) => {
            let up = compare::cmp(incr, Term::small(0)) != core::cmp::Ordering::Less;
            let over = if up {
                compare::cmp(sum, th) == core::cmp::Ordering::Greater
            } else {
                compare::cmp(sum, th) == core::cmp::Ordering::Less
            };
            if over {
                sv
            } else {
                sum
            }
        }
        None => sum,
    };
    elems[pos - 1] = v;
    Ok(v)
}

fn update_counter(ctx: &mut Ctx, tab: Term, key: Term, ops: Term, default: Option<Term>) -> BifResult {
    let tr = open(ctx, tab, Op::Write)?;
    let mut t = key_write(&tr);
    if !matches!(t.table().kind, Kind::Set | Kind::OrderedSet) {
        return super::badarg_r();
    }
    let keypos = t.table().keypos;
    let mut t = t.key(key);
    // The stored object is read in place (the key's part is held).
    let stored = t.get_one(key);
    let obj = match stored {
        Some(o) => o,
        None => {
            let d = default.ok_or(super::badarg())?;
            if !terms::tuple_elems(d).is_some_and(|e| e.len() >= keypos) {
                return super::badarg_r();
            }
            d
        }
    };
    let old = terms::tuple_elems(obj).unwrap_or(&[]);
    let mut elems = old.to_vec();
    elems[keypos - 1] = key;
    let result = if ops.is_list_or_nil() {
        let list = terms::list_to_vec(ops).ok_or(super::badarg())?;
        let mut rs = Vec::new();
        for op in list {
            rs.push(counter_op(ctx, &mut elems, keypos, op)?);
        }
        terms::list(ctx.heap(), &rs)
    } else {
        counter_op(ctx, &mut elems, keypos, ops)?
    };
    if stored.is_some() {
        let changed: Vec<(usize, Term)> =
            elems.iter().zip(old).enumerate().filter(|(_, (n, o))| !crate::compare::eq_exact(**n, **o)).map(|(i, (&n, _))| (i, n)).collect();
        if !t.update_in_place(key, &changed) {
            let new_obj = terms::tuple(ctx.heap(), &elems);
            t.replace(key, new_obj);
        }
    } else {
        let new_obj = terms::tuple(ctx.heap(), &elems);
        t.insert(new_obj);
    }
    Ok(result)
}

fn update_counter_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    update_counter(ctx, a[0], a[1], a[2], None)
}

fn update_counter_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    update_counter(ctx, a[0], a[1], a[2], Some(a[3]))
}

fn update_element_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = open(ctx, a[0], Op::Write)?;
    let mut t = key_write(&tr);
    if !matches!(t.table().kind, Kind::Set | Kind::OrderedSet) {
        return super::badarg_r();
    }
    let keypos = t.table().keypos;
    let mut t = t.key(a[1]);
    let ops = if terms::tuple_elems(a[2]).is_some() { alloc::vec![a[2]] } else { terms::list_to_vec(a[2]).ok_or(super::badarg())? };
    let Some(&obj) = t.lookup(a[1]).first() else {
        // Argument errors still count when the key is missing.
        for op in &ops {
            if !terms::tuple_elems(*op).is_some_and(|e| e.len() == 2 && e[0].as_small().is_some_and(|p| p >= 1)) {
                return super::badarg_r();
            }
        }
        return Ok(am::FALSE);
    };
    let mut elems = terms::tuple_elems(obj).unwrap_or(&[]).to_vec();
    let mut changes = Vec::with_capacity(ops.len());
    for op in ops {
        let e = terms::tuple_elems(op).filter(|e| e.len() == 2).ok_or(super::badarg())?;
        let pos = e[0].as_small().filter(|&p| p >= 1).ok_or(super::badarg())? as usize;
        if pos > elems.len() || pos == keypos {
            return super::badarg_r();
        }
        elems[pos - 1] = e[1];
        changes.push((pos - 1, e[1]));
    }
    let key = a[1];
    if !t.update_in_place(key, &changes) {
        let new_obj = terms::tuple(ctx.heap(), &elems);
        t.replace(key, new_obj);
    }
    Ok(am::TRUE)
}

// ---------------------------------------------------------------- match specifications

/// A parsed match specification: `[{Pattern, Guards, Body}]`.
struct Ms {
    clauses: Vec<(Term, Vec<Term>, Vec<Term>)>,
}

fn parse_ms(ms: Term) -> Option<Ms> {
    let mut clauses = Vec::new();
    for c in terms::list_to_vec(ms)? {
        let e = terms::tuple_elems(c).filter(|e| e.len() == 3)?;
        let (guards, body) = (terms::list_to_vec(e[1])?, terms::list_to_vec(e[2])?);
        // As ERTS compiles a match spec: every guard and body expression must be one it can
        // run (a call of an unknown function is badarg even when no object would match).
        let mut head_vars = Vec::new();
        pattern_vars(e[0], &mut head_vars);
        if !guards.iter().chain(&body).all(|&x| valid_expr(x, &head_vars)) {
            return None;
        }
        clauses.push((e[0], guards, body));
    }
    Some(Ms { clauses })
}

/// The functions an ETS match spec may call (ERTS's guard table, without the tracing-only
/// ones such as `message` and `display`, which ETS rejects).
/// (OTP 25's: no min/max, ceil/floor, is_boolean, is_bitstring, tuple_size; is_function and
/// is_record only as is_function/1 and is_record/3.)
const MS_GUARD_FUNCTIONS: &[&str] = &[
    "is_atom", "is_float", "is_integer", "is_list", "is_number", "is_pid", "is_port", "is_reference",
    "is_tuple", "is_map", "is_map_key", "is_binary", "is_function/1", "is_record/3", "abs", "element",
    "hd", "tl", "length", "map_get", "map_size", "node", "round", "size", "bit_size", "byte_size",
    "trunc", "float", "binary_part", "+", "-", "*", "/", "div", "rem", "band", "bor", "bxor", "bnot",
    "bsl", "bsr", ">", ">=", "<", "=<", "=:=", "==", "=/=", "/=", "not", "and", "or", "xor", "self",
];

fn ms_guard_function(name: &str, arity: usize) -> bool {
    // "name/arity" entries name one arity; others ("=/=" included) any.
    MS_GUARD_FUNCTIONS.iter().any(|g| match g.rsplit_once('/').and_then(|(n, a)| Some((n, a.parse::<usize>().ok()?))) {
        Some((n, a)) if !n.is_empty() => n == name && a == arity,
        _ => *g == name,
    })
}

/// The `'$N'` variables a match head binds.
fn pattern_vars(p: Term, out: &mut Vec<usize>) {
    let mut stack = alloc::vec![p];
    while let Some(t) = stack.pop() {
        if let Some(i) = var_index(t) {
            out.push(i);
        } else if let Some((h, tl)) = terms::cons_parts(t) {
            stack.push(h);
            stack.push(tl);
        } else if let Some(el) = terms::tuple_elems(t) {
            stack.extend_from_slice(el);
        } else if crate::map::is_map(t) {
            stack.extend(crate::map::iter(t).map(|(_, v)| v));
        }
    }
}

/// A guard or body expression ERTS's match spec compiler accepts: variables the head binds,
/// `'$_'`, `'$$'`, constants, lists and `{{...}}` tuples of valid expressions, `{const, X}`,
/// and calls of guard functions (`{F, Args...}` with F a BIF of erlang, or andalso, orelse,
/// self).
fn valid_expr(e: Term, head_vars: &[usize]) -> bool {
    // A work list, not recursion: a match spec's depth is guest data.
    let mut work = alloc::vec![e];
    while let Some(e) = work.pop() {
        if e.is_atom() {
            if var_index(e).is_some_and(|i| !head_vars.contains(&i)) {
                return false;
            }
            continue;
        }
        if let Some((h, t)) = terms::cons_parts(e) {
            work.push(h);
            work.push(t);
            continue;
        }
        let Some(el) = terms::tuple_elems(e) else { continue };
        if el.is_empty() {
            continue;
        }
        if el.len() == 1 {
            // {{...}} builds a tuple; {F} calls F/0.
            if let Some(inner) = terms::tuple_elems(el[0]) {
                work.extend_from_slice(inner);
                continue;
            }
        }
        let f = el[0];
        if !f.is_atom() {
            return false;
        }
        let args = &el[1..];
        let name = atom::name(f);
        let known = match name {
            "const" if args.len() == 1 => continue,
            "const" => false,
            "andalso" | "orelse" => !args.is_empty(),
            "self" => args.is_empty(),
            _ => ms_guard_function(name, args.len()) && super::lookup(am::ERLANG, f, args.len() as u32).is_some(),
        };
        if !known {
            return false;
        }
        work.extend_from_slice(args);
    }
    true
}

/// `'$N'` → N.
fn var_index(t: Term) -> Option<usize> {
    if !t.is_atom() {
        return None;
    }
    let n = atom::name(t).strip_prefix('$')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 9 {
        return None;
    }
    n.parse().ok()
}

fn is_wild(t: Term) -> bool {
    t.is_atom() && atom::name(t) == "_"
}

struct Bindings(Vec<Option<Term>>);

impl Bindings {
    fn get(&self, i: usize) -> Option<Term> {
        self.0.get(i).copied().flatten()
    }
    fn set(&mut self, i: usize, v: Term) {
        if self.0.len() <= i {
            self.0.resize(i + 1, None);
        }
        self.0[i] = Some(v);
    }
}

fn match_pat(p: Term, t: Term, b: &mut Bindings) -> bool {
    if is_wild(p) {
        return true;
    }
    if let Some(i) = var_index(p) {
        return match b.get(i) {
            Some(v) => compare::eq_exact(v, t),
            None => {
                b.set(i, t);
                true
            }
        };
    }
    if let Some(pe) = terms::tuple_elems(p) {
        let Some(te) = terms::tuple_elems(t) else { return false };
        return pe.len() == te.len() && pe.iter().zip(te).all(|(&x, &y)| match_pat(x, y, b));
    }
    if let Some((ph, pt)) = terms::cons_parts(p) {
        let Some((th, tt)) = terms::cons_parts(t) else { return false };
        return match_pat(ph, th, b) && match_pat(pt, tt, b);
    }
    if crate::map::is_map(p) {
        if !crate::map::is_map(t) {
            return false;
        }
        for (k, v) in crate::map::iter(p) {
            match crate::map::get(t, k) {
                Some(tv) if match_pat(v, tv, b) => {}
                _ => return false,
            }
        }
        return true;
    }
    compare::eq_exact(p, t)
}

/// Evaluates a guard or body expression; `None` is a failure (the clause does not match).
fn eval(ctx: &mut Ctx, e: Term, obj: Term, b: &Bindings) -> Option<Term> {
    if e.is_atom() {
        if let Some(i) = var_index(e) {
            return b.get(i);
        }
        return match atom::name(e) {
            "$_" => Some(obj),
            "$$" => {
                // Every variable the head bound, by number ('$0' included).
                let vs: Vec<Term> = b.0.iter().flatten().copied().collect();
                Some(terms::list(ctx.heap(), &vs))
            }
            _ => Some(e),
        };
    }
    if let Some((h, t)) = terms::cons_parts(e) {
        let h = eval(ctx, h, obj, b)?;
        let t = eval(ctx, t, obj, b)?;
        return Some(terms::cons(ctx.heap(), h, t));
    }
    if let Some(el) = terms::tuple_elems(e) {
        if el.is_empty() {
            return Some(e);
        }
        // {{A, B}} constructs a tuple; {const, X} quotes.
        if el.len() == 1 {
            if let Some(inner) = terms::tuple_elems(el[0]) {
                let inner = inner.to_vec();
                let mut vs = Vec::with_capacity(inner.len());
                for x in inner {
                    vs.push(eval(ctx, x, obj, b)?);
                }
                return Some(terms::tuple(ctx.heap(), &vs));
            }
        }
        let f = el[0];
        if !f.is_atom() {
            return None;
        }
        let args = el[1..].to_vec();
        match atom::name(f) {
            "const" if args.len() == 1 => return Some(args[0]),
            "andalso" | "and" if !args.is_empty() => {
                for a in args {
                    if eval(ctx, a, obj, b)? != am::TRUE {
                        return Some(am::FALSE);
                    }
                }
                return Some(am::TRUE);
            }
            "orelse" | "or" if !args.is_empty() => {
                for a in args {
                    if eval(ctx, a, obj, b)? == am::TRUE {
                        return Some(am::TRUE);
                    }
                }
                return Some(am::FALSE);
            }
            "self" if args.is_empty() => return Some(ctx.proc.pid),
            _ => {}
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(eval(ctx, a, obj, b)?);
        }
        let bif = super::lookup(am::ERLANG, f, vals.len() as u32)?;
        return bif(ctx, &vals).ok();
    }
    Some(e)
}

/// The body result of the first clause matching `obj`, if any.
fn run_ms(ctx: &mut Ctx, ms: &Ms, obj: Term) -> Option<Term> {
    'clauses: for (pat, guards, body) in &ms.clauses {
        let mut b = Bindings(Vec::new());
        if !match_pat(*pat, obj, &mut b) {
            continue;
        }
        for &g in guards {
            if eval(ctx, g, obj, &b) != Some(am::TRUE) {
                continue 'clauses;
            }
        }
        let mut r = None;
        for &e in body {
            r = Some(eval(ctx, e, obj, &b)?);
        }
        return r;
    }
    None
}

/// Runs a match spec over the table's objects; the results are copied into the caller's heap.
/// Also returns the table's id (for a continuation).
fn select(ctx: &mut Ctx, tab: Term, ms: Term, reverse: bool) -> Result<(u64, Vec<Term>), Exc> {
    let ms = parse_ms(ms).ok_or(super::badarg())?;
    let tr = open(ctx, tab, Op::Read)?;
    let t = tr.read();
    let _frozen = t.freeze();
    let mut objs = t.objects();
    if reverse {
        objs.reverse();
    }
    let mut out = Vec::new();
    for o in objs {
        if let Some(r) = run_ms(ctx, &ms, o) {
            out.push(terms::copy_into(ctx.heap(), r));
        }
    }
    Ok((t.id, out))
}

fn select_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (_, r) = select(ctx, a[0], a[1], false)?;
    Ok(terms::list(ctx.heap(), &r))
}

fn select_reverse_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (_, r) = select(ctx, a[0], a[1], true)?;
    Ok(terms::list(ctx.heap(), &r))
}

/// Our select continuations: `{Tid, Limit, 0, MsRef, Rest, 0}`, Rest the results not yet
/// returned (found when the select began: an unfixed table's later writes may or may not show
/// in a continued select on ERTS too). The shape is ERTS's hash-table continuation's, so
/// ets:repair_continuation/2 takes it (it replaces MsRef, which we do not use).

/// `select/3` (and match/3, match_object/3, select_reverse/3): the first `limit` results,
/// and a continuation for the rest (`'$end_of_table'` when there is none).
fn chunked(ctx: &mut Ctx, (id, r): (u64, Vec<Term>), limit: Term) -> BifResult {
    if !limit.as_small().is_some_and(|l| l > 0) {
        return super::badarg_r();
    }
    chunk(ctx, id, &r, limit)
}

fn chunk(ctx: &mut Ctx, id: u64, r: &[Term], limit: Term) -> BifResult {
    if r.is_empty() {
        return Ok(end_of_table());
    }
    let limit_n = limit.as_small().unwrap_or(1).max(1) as usize;
    let n = limit_n.min(r.len());
    let first = terms::list(ctx.heap(), &r[..n]);
    // A full chunk has a continuation even when nothing follows (as ERTS, which cannot know
    // yet): continuing it finds the end, or badarg if the table is gone.
    let cont = if n < limit_n {
        end_of_table()
    } else {
        let rest = terms::list(ctx.heap(), &r[n..]);
        let tid = tid_term(ctx, id);
        let zero = Term::small(0);
        terms::tuple(ctx.heap(), &[tid, limit, zero, Term::NIL, rest, zero])
    };
    Ok(terms::tuple(ctx.heap(), &[first, cont]))
}

fn select_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let r = select(ctx, a[0], a[1], false)?;
    chunked(ctx, r, a[2])
}

fn select_reverse_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let r = select(ctx, a[0], a[1], true)?;
    chunked(ctx, r, a[2])
}

/// `select/1` (and match/1, match_object/1, select_reverse/1): the next chunk; badarg once
/// the table is gone.
fn select_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0] == end_of_table() {
        return Ok(end_of_table());
    }
    match terms::tuple_elems(a[0]) {
        Some(&[tid, limit, z1, _ms, rest, z2])
            if limit.as_small().is_some_and(|l| l > 0) && z1 == Term::small(0) && z2 == Term::small(0) =>
        {
            let id = terms::tagged_ref_number(tid, TID_TAG).ok_or(super::badarg())?;
            ctx.vm.ets.by_id(id).ok_or(super::badarg())?;
            let r = terms::list_to_vec(rest).ok_or(super::badarg())?;
            chunk(ctx, id, &r, limit)
        }
        _ => super::badarg_r(),
    }
}

fn match_ms(ctx: &mut Ctx, pattern: Term, body: Term) -> Term {
    let clause = terms::tuple(ctx.heap(), &[pattern, Term::NIL, body]);
    terms::list(ctx.heap(), &[clause])
}

fn dollar_dollar(ctx: &mut Ctx) -> Term {
    let d = atom::atom("$$");
    terms::list(ctx.heap(), &[d])
}

fn dollar_underscore(ctx: &mut Ctx) -> Term {
    let d = atom::atom("$_");
    terms::list(ctx.heap(), &[d])
}

fn match_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let body = dollar_dollar(ctx);
    let ms = match_ms(ctx, a[1], body);
    select_2(ctx, &[a[0], ms])
}

fn match_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let body = dollar_dollar(ctx);
    let ms = match_ms(ctx, a[1], body);
    let r = select(ctx, a[0], ms, false)?;
    chunked(ctx, r, a[2])
}

fn match_object_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let body = dollar_underscore(ctx);
    let ms = match_ms(ctx, a[1], body);
    select_2(ctx, &[a[0], ms])
}

fn match_object_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let body = dollar_underscore(ctx);
    let ms = match_ms(ctx, a[1], body);
    let r = select(ctx, a[0], ms, false)?;
    chunked(ctx, r, a[2])
}

fn select_count_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ms = parse_ms(a[1]).ok_or(super::badarg())?;
    let tr = open(ctx, a[0], Op::Read)?;
    let t = tr.read();
    let _frozen = t.freeze();
    let objs = t.objects();
    let mut n = 0;
    for o in objs {
        if run_ms(ctx, &ms, o) == Some(am::TRUE) {
            n += 1;
        }
    }
    Ok(Term::small(n))
}

fn internal_select_delete_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ms = parse_ms(a[1]).ok_or(super::badarg())?;
    let tr = open(ctx, a[0], Op::Write)?;
    let mut t = tr.write();
    let objs = t.objects();
    let mut n = 0;
    for o in objs {
        if run_ms(ctx, &ms, o) == Some(am::TRUE) {
            // Copy first: deleting frees the stored object.
            let c = terms::copy_into(ctx.heap(), o);
            n += t.delete_object(c);
        }
    }
    Ok(Term::small(n as i64))
}

fn select_replace_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ms = parse_ms(a[1]).ok_or(super::badarg())?;
    let tr = open(ctx, a[0], Op::Write)?;
    let mut t = tr.write();
    // As ERTS: bags are not supported, and every clause must keep the key by construction.
    if matches!(t.kind, Kind::Bag | Kind::DuplicateBag) || !ms_keeps_key(&ms, t.keypos) {
        return super::badarg_r();
    }
    let objs = t.objects();
    let mut n = 0;
    for o in objs {
        if let Some(r) = run_ms(ctx, &ms, o) {
            let key = t.key_of(o);
            let ok = terms::tuple_elems(r).is_some_and(|e| e.len() >= t.keypos && compare::eq_exact(e[t.keypos - 1], key));
            if ok {
                let k = terms::copy_into(ctx.heap(), key);
                let r = terms::copy_into(ctx.heap(), r);
                t.replace(k, r);
                n += 1;
            }
        }
    }
    Ok(Term::small(n))
}

/// Whether every clause of `ms` is guaranteed to keep the key of what it matches: its single
/// body expression is `'$_'`, or builds a tuple whose key element is the head's key again
/// (the same variable, the same constant, or a construction of the same shape), as ERTS's
/// `db_match_keeps_key` requires of select_replace.
fn ms_keeps_key(ms: &Ms, keypos: usize) -> bool {
    ms.clauses.iter().all(|(head, _, body)| {
        let &[b] = body.as_slice() else { return false };
        if b == atom::atom("$_") {
            return true;
        }
        let Some(&h) = terms::tuple_elems(*head).and_then(|e| e.get(keypos - 1)) else { return false };
        let Some(&[built]) = terms::tuple_elems(b) else { return false };
        let Some(&bk) = terms::tuple_elems(built).and_then(|e| e.get(keypos - 1)) else { return false };
        keeps(bk, h)
    })
}

/// Body expression `b` rebuilds head pattern `h` (see [`ms_keeps_key`]).
fn keeps(b: Term, h: Term) -> bool {
    let mut work = alloc::vec![(b, h)];
    while let Some((b, h)) = work.pop() {
        if var_index(h).is_some() {
            if b != h {
                return false;
            }
            continue;
        }
        if is_wild(h) {
            return false;
        }
        if let Some(&[c, x]) = terms::tuple_elems(b) {
            if c == atom::atom("const") {
                let mut vars = Vec::new();
                pattern_vars(h, &mut vars);
                if !vars.is_empty() || !compare::eq_exact(x, h) {
                    return false;
                }
                continue;
            }
        }
        if let Some(hs) = terms::tuple_elems(h) {
            let Some(&[built]) = terms::tuple_elems(b) else { return false };
            let Some(bs) = terms::tuple_elems(built) else { return false };
            if bs.len() != hs.len() {
                return false;
            }
            work.extend(bs.iter().copied().zip(hs.iter().copied()));
            continue;
        }
        if let (Some((bh, bt)), Some((hh, ht))) = (terms::cons_parts(b), terms::cons_parts(h)) {
            work.push((bh, hh));
            work.push((bt, ht));
            continue;
        }
        if !compare::eq_exact(b, h) {
            return false;
        }
    }
    true
}

fn is_compiled_ms_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(terms::tuple_elems(a[0]).is_some_and(|e| e.len() == 2 && e[0] == atom::atom("$beamos_ms"))))
}

/// A "compiled" match spec is the checked spec in a tagged tuple.
fn match_spec_compile_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if parse_ms(a[0]).is_none() {
        return super::badarg_r();
    }
    let tag = atom::atom("$beamos_ms");
    Ok(terms::tuple(ctx.heap(), &[tag, a[0]]))
}

fn match_spec_run_r_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ms_term = terms::tuple_elems(a[1]).filter(|e| e.len() == 2).map(|e| e[1]).ok_or(super::badarg())?;
    let ms = parse_ms(ms_term).ok_or(super::badarg())?;
    let items = terms::list_to_vec(a[0]).ok_or(super::badarg())?;
    let mut acc = a[2];
    for it in items {
        if let Some(r) = run_ms(ctx, &ms, it) {
            acc = terms::cons(ctx.heap(), r, acc);
        }
    }
    Ok(acc)
}

// ---------------------------------------------------------------- info and ownership

fn info_item(ctx: &mut Ctx, t: &Table, item: &str) -> Option<Term> {
    Some(match item {
        "id" => {
            if t.named {
                t.name
            } else {
                tid_term(ctx, t.id)
            }
        }
        "name" => t.name,
        "named_table" => atom::bool_atom(t.named),
        "type" => atom::atom(match t.kind {
            Kind::Set => "set",
            Kind::OrderedSet => "ordered_set",
            Kind::Bag => "bag",
            Kind::DuplicateBag => "duplicate_bag",
        }),
        "keypos" => Term::small(t.keypos as i64),
        "protection" => atom::atom(match t.access {
            Access::Public => "public",
            Access::Protected => "protected",
            Access::Private => "private",
        }),
        "owner" => t.owner,
        "heir" => t.heir.as_ref().map_or(atom::atom("none"), |h| h.0),
        "size" => Term::small(t.size() as i64),
        "memory" => Term::small(t.memory_words() as i64),
        "node" => am::NONODE,
        "compressed" => atom::bool_atom(t.compressed),
        "read_concurrency" => atom::bool_atom(t.read_concurrency),
        "write_concurrency" if t.fixed_locks > 0 => {
            let n = Term::small(t.fixed_locks as i64);
            terms::tuple(ctx.heap(), &[atom::atom("debug_hash_fixed_number_of_locks"), n])
        }
        "write_concurrency" if t.write_concurrency_auto => atom::atom("auto"),
        "write_concurrency" => atom::bool_atom(t.write_concurrency),
        "decentralized_counters" => atom::bool_atom(t.decentralized_counters),
        "fixed" => atom::bool_atom(!t.fixations.is_empty()),
        "binary" => refc_binaries(ctx, t),
        "safe_fixed" => fix_info(ctx, t, false),
        "safe_fixed_monotonic_time" => fix_info(ctx, t, true),
        // ERTS's hash statistics tuple, {Buckets, AvgChain, StdDev, ExpectedStdDev, MinChain,
        // MaxChain, KeyHashSize, Locks}, for a table spread evenly over its buckets (our hash
        // tables have no buckets to report); `false` for an ordered_set, as ERTS.
        "stats" if t.kind == Kind::OrderedSet => am::FALSE,
        "stats" => {
            let n = t.size();
            let buckets = t.buckets();
            let avg = terms::float(ctx.heap(), if n == 0 { 0.0 } else { n as f64 / buckets as f64 });
            let zero = terms::float(ctx.heap(), 0.0);
            let max = Term::small(n.div_ceil(buckets) as i64);
            let kept = Term::small(t.kept() as i64);
            let elems = [Term::small(buckets as i64), avg, zero, zero, Term::small(0), max, kept, Term::small(1)];
            terms::tuple(ctx.heap(), &elems)
        }
        _ => return None,
    })
}

const INFO_ITEMS: &[&str] = &[
    "id",
    "decentralized_counters",
    "read_concurrency",
    "write_concurrency",
    "compressed",
    "memory",
    "owner",
    "heir",
    "name",
    "size",
    "node",
    "named_table",
    "type",
    "keypos",
    "protection",
];

fn info_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() && !a[0].is_ref() {
        return super::badarg_r();
    }
    let Some(tr) = table(ctx, a[0]) else { return Ok(am::UNDEFINED) };
    let t = tr.read();
    let _frozen = t.freeze();
    let mut out = Vec::new();
    for item in INFO_ITEMS {
        let v = info_item(ctx, &t, item).unwrap_or(am::UNDEFINED);
        let k = atom::atom(item);
        out.push(terms::tuple(ctx.heap(), &[k, v]));
    }
    Ok(terms::list(ctx.heap(), &out))
}

fn info_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if (!a[0].is_atom() && !a[0].is_ref()) || !a[1].is_atom() {
        return super::badarg_r();
    }
    let Some(tr) = table(ctx, a[0]) else { return Ok(am::UNDEFINED) };
    let t = tr.read();
    let _frozen = t.freeze();
    info_item(ctx, &t, atom::name(a[1])).ok_or(super::badarg())
}

fn whereis_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() {
        return super::badarg_r();
    }
    match ctx.vm.ets.id_of_name(a[0]) {
        Some(id) => Ok(tid_term(ctx, id)),
        None => Ok(am::UNDEFINED),
    }
}

fn rename_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[1].is_atom() {
        return super::badarg_r();
    }
    let tr = open(ctx, a[0], Op::Write)?;
    let mut t = tr.write();
    if t.named && !ctx.vm.ets.rename(t.id, t.name, a[1]) {
        return super::badarg_r();
    }
    t.name = a[1];
    // The table's identifier: its new name, or the tid of an unnamed table.
    Ok(if t.named { a[1] } else { tid_term(ctx, t.id) })
}

fn give_away_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let to = a[1];
    let tr = table(ctx, a[0]).ok_or(super::badarg())?;
    let me = ctx.proc.pid;
    let tid = {
        let mut t = tr.write();
        if t.owner != me || to == me || !ctx.vm.is_alive(to) {
            return super::badarg_r();
        }
        t.owner = to;
        ctx.vm.ets.set_owner(t.id, me, to);
        if t.named {
            t.name
        } else {
            tid_term(ctx, t.id)
        }
    };
    let tag = atom::atom("ETS-TRANSFER");
    let msg = terms::tuple(ctx.heap(), &[tag, tid, me, a[2]]);
    ctx.vm.send_message(to, msg);
    Ok(am::TRUE)
}

fn setopts_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let tr = table(ctx, a[0]).ok_or(super::badarg())?;
    let opts = if terms::tuple_elems(a[1]).is_some() { alloc::vec![a[1]] } else { terms::list_to_vec(a[1]).ok_or(super::badarg())? };
    let mut t = tr.write();
    if t.owner != ctx.proc.pid {
        return super::badarg_r();
    }
    for o in opts {
        let e = terms::tuple_elems(o).ok_or(super::badarg())?;
        match (e.len(), name_opt(e[0])) {
            (2, Some("heir")) if e[1] == atom::atom("none") => t.heir = None,
            (3, Some("heir")) if e[1].is_local_pid() => t.heir = Some((e[1], crate::ets::Stored::new(e[2]))),
            (2, Some("protection")) => {
                t.access = match name_opt(e[1]) {
                    Some("public") => Access::Public,
                    Some("protected") => Access::Protected,
                    Some("private") => Access::Private,
                    _ => return super::badarg_r(),
                }
            }
            _ => return super::badarg_r(),
        }
    }
    Ok(am::TRUE)
}

/// Fixes (or releases) a table for the caller: counted per process, released when it exits.
/// (Our traversals need no fixing to be safe: `next` of a deleted key is badarg, as on an
/// unfixed ERTS table; the fixation is kept and reported as ERTS reports it.)
fn safe_fixtable_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[1] != am::TRUE && a[1] != am::FALSE {
        return super::badarg_r();
    }
    let tr = open(ctx, a[0], Op::Read)?;
    let me = ctx.proc.pid;
    let mut t = tr.write();
    let was_fixed = !t.fixations.is_empty();
    let i = t.fixations.iter().position(|f| f.0 == me);
    if a[1] == am::TRUE {
        match i {
            Some(i) => t.fixations[i].1 += 1,
            None => t.fixations.insert(0, (me, 1)),
        }
        if !was_fixed {
            t.fixed_at = (super::time::monotonic_ns(ctx), super::time::system_ns(ctx));
        }
    } else if let Some(i) = i {
        t.fixations[i].1 -= 1;
        if t.fixations[i].1 == 0 {
            t.fixations.remove(i);
        }
    }
    let fixed = !t.fixations.is_empty();
    if was_fixed && !fixed {
        t.unfixed();
    }
    if fixed != was_fixed {
        let n = &ctx.vm.ets.fixed_tables;
        if fixed {
            n.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        } else {
            n.fetch_sub(1, core::sync::atomic::Ordering::Relaxed);
        }
    }
    Ok(am::TRUE)
}

/// `ets:info(T, binary)`: `{Address, Size, RefCount}` of each reference to an off-heap
/// binary from the table's objects, in table order.
fn refc_binaries(ctx: &mut Ctx, t: &Table) -> Term {
    use beamos_gc::term::{header_tag, header_tag_of};
    let mut found = Vec::new();
    for o in t.objects() {
        let mut stack = alloc::vec![o];
        while let Some(x) = stack.pop() {
            if let Some((h, tl)) = terms::cons_parts(x) {
                stack.push(tl);
                stack.push(h);
            } else if x.is_boxed() {
                // SAFETY: a stored object's boxed terms point at live objects.
                let hdr = unsafe { *x.ptr() };
                if hdr != 0 && header_tag_of(hdr) == header_tag::REFC_BIN {
                    // SAFETY: a REFC_BIN object points at live BinData.
                    let d = unsafe { &*beamos_gc::bin::refc_bin_data(x.ptr()) };
                    found.push((d as *const _ as usize, d.len(), d.ref_count()));
                    continue;
                }
                let (_, first, n) = beamos_gc::object_layout(hdr);
                for k in (first..first + n).rev() {
                    // SAFETY: term slots of a live object.
                    stack.push(Term::from_raw(unsafe { *x.ptr().add(k) }));
                }
            }
        }
    }
    let items: Vec<Term> = found
        .into_iter()
        .map(|(a, size, n)| {
            let a = terms::int(ctx.heap(), a as i64);
            terms::tuple(ctx.heap(), &[a, Term::small(size as i64), Term::small(n as i64)])
        })
        .collect();
    terms::list(ctx.heap(), &items)
}

/// `ets:info(T, safe_fixed | safe_fixed_monotonic_time)`: false, or when and by whom.
fn fix_info(ctx: &mut Ctx, t: &Table, monotonic: bool) -> Term {
    if t.fixations.is_empty() {
        return am::FALSE;
    }
    let when = if monotonic { terms::int(ctx.heap(), t.fixed_at.0) } else { super::time::timestamp_term(ctx, t.fixed_at.1.div_euclid(1000)) };
    let fixers: Vec<Term> = t.fixations.iter().map(|&(p, n)| terms::tuple(ctx.heap(), &[p, Term::small(n as i64)])).collect();
    let l = terms::list(ctx.heap(), &fixers);
    terms::tuple(ctx.heap(), &[when, l])
}

/// ets:all/0 asks for every table and waits for `{Ref, Tables}` messages; answer at once.
fn internal_request_all_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let rid = ctx.vm.make_ref_id();
    let r = terms::reference(ctx.heap(), rid);
    let mut tabs = Vec::new();
    for id in ctx.vm.ets.all_ids() {
        let named = ctx.vm.ets.by_id(id).map(|t| {
            let g = t.read();
            (g.named, g.name)
        });
        match named {
            Some((true, name)) => tabs.push(name),
            Some(_) => tabs.push(tid_term(ctx, id)),
            None => {}
        }
    }
    let l = terms::list(ctx.heap(), &tabs);
    let msg = terms::tuple(ctx.heap(), &[r, l]);
    ctx.vm.send_message(ctx.proc.pid, msg);
    // ets:all/0 waits for one answer per scheduler (each lists the tables in its part of
    // ERTS's table registry): the others have none to add.
    let empty = terms::tuple(ctx.heap(), &[r, Term::NIL]);
    for _ in 1..ctx.vm.sched.count() {
        ctx.vm.send_message(ctx.proc.pid, empty);
    }
    Ok(r)
}

/// A process ended: its tables go to their heirs, or are deleted.
pub fn owner_exited(vm: &crate::vm::Vm, pid: Term) {
    if vm.ets.fixed_tables.load(core::sync::atomic::Ordering::Relaxed) > 0 {
        for tr in vm.ets.all() {
            let mut t = tr.write();
            if let Some(i) = t.fixations.iter().position(|f| f.0 == pid) {
                t.fixations.remove(i);
                if t.fixations.is_empty() {
                    t.unfixed();
                    vm.ets.fixed_tables.fetch_sub(1, core::sync::atomic::Ordering::Relaxed);
                }
            }
        }
    }
    for tr in vm.ets.owned_by(pid) {
        let mut t = tr.write();
        let heir = t.heir.as_ref().map(|(p, d)| (*p, d.term));
        match heir {
            Some((h, data)) if h != pid && vm.is_alive(h) => {
                t.owner = h;
                vm.ets.set_owner(t.id, pid, h);
                let mut f = beamos_gc::heap::Fragment::with_capacity(beamos_gc::collect::size_of_term(data) + 16);
                let tid = if t.named { t.name } else { terms::tagged_reference(&mut f, TID_TAG, t.id) };
                let d = terms::copy_into(&mut f, data);
                let msg = terms::tuple(&mut f, &[atom::atom("ETS-TRANSFER"), tid, pid, d]);
                vm.send_signal(h, crate::process::Signal::Message(msg, Some(f)));
            }
            _ => {
                let id = t.id;
                drop(t);
                vm.ets.remove(id);
            }
        }
    }
}
