//! Term order and equality (`<`, `==`, `=:=`), as erts/emulator/beam/utils.c `erts_cmp`.
//!
//! number < atom < reference < fun < port < pid < tuple < map < [] < list < bitstring.
//! Iterative: a work list of pairs still to compare, so deep terms never deepen the Rust stack.
//!
//! Maps compare by size, then by their keys in map-key order (exact: every integer before
//! every float), then by their values in key order. Flat maps hold their keys sorted; HAMTs
//! are walked in hash order with ERTS's two-phase algorithm (see `HmState`), whose steps are
//! items of the same work list.

use alloc::vec::Vec;
use beamos_gc::term::header_tag_of;
use beamos_gc::{header_tag, Term};
use core::cmp::Ordering;
use num_bigint::BigInt;

use crate::map::{self, NodeView};
use crate::terms::{self, bit_view, cons_parts, float_value, to_bigint};

/// How numbers of different types compare.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `==`, `<`: 1 and 1.0 are equal.
    Arith,
    /// `=:=`, map keys: 1 and 1.0 differ; every integer sorts before every float.
    Exact,
}

fn type_rank(t: Term) -> u8 {
    if t.is_small() {
        return 0;
    }
    if t.is_atom() {
        return 1;
    }
    if t.is_local_pid() {
        return 5;
    }
    if t.is_local_port() {
        return 4;
    }
    if t.is_nil() {
        return 8;
    }
    if t.is_list() {
        return 9;
    }
    if t.is_boxed() {
        // SAFETY: boxed terms point at live objects.
        let h = unsafe { t.boxed_header() };
        return match header_tag_of(h) {
            header_tag::POS_BIG | header_tag::NEG_BIG | header_tag::FLOAT => 0,
            header_tag::REF | header_tag::EXTERNAL_REF => 2,
            header_tag::FUN | header_tag::EXPORT => 3,
            header_tag::EXTERNAL_PORT => 4,
            header_tag::EXTERNAL_PID => 5,
            header_tag::TUPLE => 6,
            header_tag::MAP | header_tag::HASHMAP_NODE => 7,
            _ => 10,
        };
    }
    11
}

/// Compares an integer with a float exactly (no rounding of big integers).
fn cmp_int_float(i: &BigInt, f: f64) -> Ordering {
    if f.is_nan() {
        return Ordering::Less;
    }
    let fl = libm::floor(f);
    let fi: BigInt = num_traits::FromPrimitive::from_f64(fl).unwrap_or_default();
    match i.cmp(&fi) {
        Ordering::Equal => {
            if f > fl {
                Ordering::Less
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

fn cmp_numbers(a: Term, b: Term, mode: Mode) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    match (float_value(a), float_value(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        // Exactly (`=:=`, map keys), every integer sorts before every float.
        (Some(_), None) if mode == Mode::Exact => Ordering::Greater,
        (None, Some(_)) if mode == Mode::Exact => Ordering::Less,
        (Some(x), None) => {
            if let Some(i) = b.as_small() {
                if i.unsigned_abs() < (1u64 << 53) {
                    return x.partial_cmp(&(i as f64)).unwrap_or(Ordering::Equal);
                }
            }
            let i = to_bigint(b).unwrap_or_default();
            cmp_int_float(&i, x).reverse()
        }
        (None, Some(y)) => {
            if let Some(i) = a.as_small() {
                if i.unsigned_abs() < (1u64 << 53) {
                    return (i as f64).partial_cmp(&y).unwrap_or(Ordering::Equal);
                }
            }
            let i = to_bigint(a).unwrap_or_default();
            cmp_int_float(&i, y)
        }
        (None, None) => {
            let x = to_bigint(a).unwrap_or_default();
            let y = to_bigint(b).unwrap_or_default();
            x.cmp(&y)
        }
    }
}

fn cmp_atoms(a: Term, b: Term) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    crate::atom::name(a).as_bytes().cmp(crate::atom::name(b).as_bytes())
}

fn cmp_bits(a: Term, b: Term) -> Ordering {
    let (Some(x), Some(y)) = (bit_view(a), bit_view(b)) else { return Ordering::Equal };
    if let (Some(xb), Some(yb)) = (x.as_bytes(), y.as_bytes()) {
        return xb.cmp(yb);
    }
    let n = x.bit_size.min(y.bit_size);
    for i in 0..n {
        let o = x.bit(i).cmp(&y.bit(i));
        if o != Ordering::Equal {
            return o;
        }
    }
    x.bit_size.cmp(&y.bit_size)
}

/// Compares two terms in the standard term order.
pub fn compare(a: Term, b: Term, mode: Mode) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if a.is_atom() && b.is_atom() {
        return cmp_atoms(a, b);
    }
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    Cmp { work: Vec::new(), hm: Vec::new(), exact: mode == Mode::Exact }.run(a, b)
}

/// A pending item of a comparison (utils.c `erts_cmp_compound`'s WSTACK).
enum Work {
    Pair(Term, Term),
    /// Back from the exact comparison of a flat map's keys to the comparison of its values.
    SetExact(bool),
    /// The next step of the HAMT comparison on top of `Cmp::hm`, given the result of the
    /// comparison pushed after it.
    Hm(HmOp),
}

#[derive(Clone, Copy)]
enum HmOp {
    P1KeysEqual,
    P1IsMinKey,
    P1CmpValues,
    P2KeysEqual,
    P2IsMinKeyA,
    P2IsMinKeyB,
}

/// One HAMT comparison in progress (utils.c `erts_cmp_hashmap_state`): both maps walked in
/// hash order. Phase 1, while the keys agree: remember the value comparison of the smallest
/// key (in term order) whose values differ. Phase 2, once the keys differ: find the smallest
/// key present in only one map; that map is the smaller. The result equals comparing the
/// sorted keys, then the values in key order, as for flat maps.
struct HmState {
    ai: map::Iter<'static>,
    bi: map::Iter<'static>,
    ap: Option<(Term, Term)>,
    bp: Option<(Term, Term)>,
    min_key: Term,
    cmp_res: Ordering,
    was_exact: bool,
    /// Work-list length to go back to when a sub-comparison finds a difference.
    rollback: usize,
}

/// What a HAMT step asks for next.
enum After {
    Compare(Term, Term),
    Done(Ordering),
}

struct Cmp {
    work: Vec<Work>,
    hm: Vec<HmState>,
    /// Numbers of different types differ (`=:=`, map keys).
    exact: bool,
}

impl Cmp {
    fn run(&mut self, a: Term, b: Term) -> Ordering {
        let mut next = Some((a, b));
        let mut j = Ordering::Equal;
        loop {
            if let Some((a, b)) = next.take() {
                j = if a == b { Ordering::Equal } else { self.step(a, b) };
            }
            if j != Ordering::Equal {
                // A difference ends the comparison, unless a HAMT comparison wants to know.
                let Some(s) = self.hm.last() else { return j };
                self.work.truncate(s.rollback);
            }
            match self.work.pop() {
                None => return j,
                Some(Work::Pair(a, b)) => next = Some((a, b)),
                Some(Work::SetExact(e)) => self.exact = e,
                Some(Work::Hm(op)) => {
                    let r = self.hm_op(op, j);
                    j = Ordering::Equal;
                    match r {
                        After::Compare(a, b) => next = Some((a, b)),
                        After::Done(r) => j = r,
                    }
                }
            }
        }
    }

    /// Compares the top level of `a` and `b`; pushes pairs of children still to compare
    /// (in reverse, so the first child is compared first).
    fn step(&mut self, a: Term, b: Term) -> Ordering {
        let (ra, rb) = (type_rank(a), type_rank(b));
        if ra != rb {
            return ra.cmp(&rb);
        }
        let mode = if self.exact { Mode::Exact } else { Mode::Arith };
        let work = &mut self.work;
        match ra {
            0 => cmp_numbers(a, b, mode),
            1 => cmp_atoms(a, b),
            2 => terms::ref_id(a).cmp(&terms::ref_id(b)),
            3 => cmp_funs(a, b, work),
            4 => a.port_number().cmp(&b.port_number()),
            5 => a.pid_number().cmp(&b.pid_number()),
            6 => {
                let (x, y) = (terms::tuple_elems(a).unwrap_or(&[]), terms::tuple_elems(b).unwrap_or(&[]));
                if x.len() != y.len() {
                    return x.len().cmp(&y.len());
                }
                for i in (0..x.len()).rev() {
                    work.push(Work::Pair(x[i], y[i]));
                }
                Ordering::Equal
            }
            7 => self.cmp_maps(a, b),
            8 => Ordering::Equal,
            9 => {
                let (ha, ta) = cons_parts(a).expect("list");
                let (hb, tb) = cons_parts(b).expect("list");
                work.push(Work::Pair(ta, tb));
                work.push(Work::Pair(ha, hb));
                Ordering::Equal
            }
            10 => cmp_bits(a, b),
            _ => Ordering::Equal,
        }
    }

    /// Maps: by size, then keys in map-key order (exactly), then values in key order.
    fn cmp_maps(&mut self, a: Term, b: Term) -> Ordering {
        let (na, nb) = (map::size(a), map::size(b));
        if na != nb || na == 0 {
            return na.cmp(&nb);
        }
        match (map::node_view(a), map::node_view(b)) {
            (NodeView::Flat { keys: ka, vals: va }, NodeView::Flat { keys: kb, vals: vb }) => {
                for i in (0..va.len()).rev() {
                    self.work.push(Work::Pair(va[i], vb[i]));
                }
                if !self.exact {
                    self.work.push(Work::SetExact(false));
                    self.exact = true;
                }
                for i in (0..ka.len()).rev() {
                    self.work.push(Work::Pair(ka[i], kb[i]));
                }
                Ordering::Equal
            }
            (NodeView::Hamt { .. }, NodeView::Hamt { .. }) => {
                let (mut ai, mut bi) = (map::iter(a), map::iter(b));
                let (ap, bp) = (ai.next(), bi.next());
                let (Some((ka, _)), Some((kb, _))) = (ap, bp) else { return Ordering::Equal };
                self.hm.push(HmState {
                    ai,
                    bi,
                    ap,
                    bp,
                    min_key: Term::NON_VALUE,
                    cmp_res: Ordering::Equal,
                    was_exact: self.exact,
                    rollback: 0,
                });
                self.exact = true;
                let After::Compare(x, y) = self.sub(HmOp::P1KeysEqual, ka, kb) else { unreachable!() };
                self.work.push(Work::Pair(x, y));
                Ordering::Equal
            }
            // A flat map and a HAMT never have the same size.
            _ => Ordering::Equal,
        }
    }

    /// Pushes `op` to run after comparing `a` with `b`.
    fn sub(&mut self, op: HmOp, a: Term, b: Term) -> After {
        self.work.push(Work::Hm(op));
        if let Some(s) = self.hm.last_mut() {
            s.rollback = self.work.len();
        }
        After::Compare(a, b)
    }

    fn hm_op(&mut self, op: HmOp, j: Ordering) -> After {
        let Some(s) = self.hm.last_mut() else { return After::Done(j) };
        let key = |p: Option<(Term, Term)>| p.map_or(Term::NON_VALUE, |p| p.0);
        let val = |p: Option<(Term, Term)>| p.map_or(Term::NON_VALUE, |p| p.1);
        match op {
            HmOp::P1KeysEqual => {
                if j != Ordering::Equal {
                    // The key sets differ: phase 2.
                    if map::key_hash_cmp(s.ap.map(|p| p.0), s.bp.map(|p| p.0)) == Ordering::Less {
                        s.min_key = key(s.ap);
                        s.cmp_res = Ordering::Less;
                        s.ap = s.ai.next();
                    } else {
                        s.min_key = key(s.bp);
                        s.cmp_res = Ordering::Greater;
                        s.bp = s.bi.next();
                    }
                    return self.p2_loop();
                }
                if s.cmp_res != Ordering::Equal {
                    let (x, y) = (key(s.ap), s.min_key);
                    self.exact = true;
                    return self.sub(HmOp::P1IsMinKey, x, y);
                }
                let (x, y) = (val(s.ap), val(s.bp));
                self.exact = s.was_exact;
                self.sub(HmOp::P1CmpValues, x, y)
            }
            HmOp::P1IsMinKey => {
                if j == Ordering::Less {
                    let (x, y) = (val(s.ap), val(s.bp));
                    self.exact = s.was_exact;
                    return self.sub(HmOp::P1CmpValues, x, y);
                }
                self.p1_loop()
            }
            HmOp::P1CmpValues => {
                if j != Ordering::Equal {
                    s.cmp_res = j;
                    s.min_key = key(s.ap);
                }
                self.p1_loop()
            }
            HmOp::P2KeysEqual => {
                if j == Ordering::Equal {
                    s.ap = s.ai.next();
                    s.bp = s.bi.next();
                    return self.p2_loop();
                }
                self.p2_next_step()
            }
            HmOp::P2IsMinKeyA => {
                if j == Ordering::Less {
                    s.min_key = key(s.ap);
                    s.cmp_res = Ordering::Less;
                }
                s.ap = s.ai.next();
                self.p2_loop()
            }
            HmOp::P2IsMinKeyB => {
                if j == Ordering::Less {
                    s.min_key = key(s.bp);
                    s.cmp_res = Ordering::Greater;
                }
                s.bp = s.bi.next();
                self.p2_loop()
            }
        }
    }

    fn p1_loop(&mut self) -> After {
        let Some(s) = self.hm.last_mut() else { return After::Done(Ordering::Equal) };
        s.ap = s.ai.next();
        s.bp = s.bi.next();
        match (s.ap, s.bp) {
            (Some((ka, _)), Some((kb, _))) => {
                self.exact = true;
                self.sub(HmOp::P1KeysEqual, ka, kb)
            }
            _ => self.finish(),
        }
    }

    fn p2_loop(&mut self) -> After {
        let Some(s) = self.hm.last_mut() else { return After::Done(Ordering::Equal) };
        if let (Some((ka, _)), Some((kb, _))) = (s.ap, s.bp) {
            self.exact = true;
            return self.sub(HmOp::P2KeysEqual, ka, kb);
        }
        self.p2_next_step()
    }

    fn p2_next_step(&mut self) -> After {
        let Some(s) = self.hm.last_mut() else { return After::Done(Ordering::Equal) };
        let (ka, kb) = (s.ap.map(|p| p.0), s.bp.map(|p| p.0));
        if ka.is_none() && kb.is_none() {
            return self.finish();
        }
        let m = s.min_key;
        self.exact = true;
        if map::key_hash_cmp(ka, kb) == Ordering::Less {
            self.sub(HmOp::P2IsMinKeyA, ka.unwrap_or(Term::NON_VALUE), m)
        } else {
            self.sub(HmOp::P2IsMinKeyB, kb.unwrap_or(Term::NON_VALUE), m)
        }
    }

    fn finish(&mut self) -> After {
        let Some(s) = self.hm.pop() else { return After::Done(Ordering::Equal) };
        self.exact = s.was_exact;
        After::Done(s.cmp_res)
    }
}

fn cmp_funs(a: Term, b: Term, work: &mut Vec<Work>) -> Ordering {
    match (terms::export_of_fun(a), terms::export_of_fun(b)) {
        (Some(x), Some(y)) => {
            return cmp_atoms(x.module, y.module)
                .then_with(|| cmp_atoms(x.function, y.function))
                .then(x.arity.cmp(&y.arity))
        }
        (Some(_), None) => return Ordering::Greater,
        (None, Some(_)) => return Ordering::Less,
        _ => {}
    }
    let (Some((ea, fa)), Some((eb, fb))) = (terms::closure_parts(a), terms::closure_parts(b)) else {
        return Ordering::Equal;
    };
    let o = cmp_atoms(ea.module, eb.module).then(ea.index.cmp(&eb.index)).then(ea.old_uniq.cmp(&eb.old_uniq));
    if o != Ordering::Equal {
        return o;
    }
    if fa.len() != fb.len() {
        return fa.len().cmp(&fb.len());
    }
    for i in (0..fa.len()).rev() {
        work.push(Work::Pair(fa[i], fb[i]));
    }
    Ordering::Equal
}

/// `=:=`
#[inline]
pub fn eq_exact(a: Term, b: Term) -> bool {
    if a == b {
        return true;
    }
    if a.is_immediate() || b.is_immediate() {
        return false;
    }
    // Tuples of immediates (the common ETS key) compare word by word.
    if let (Some(x), Some(y)) = (terms::tuple_elems(a), terms::tuple_elems(b)) {
        if x.len() != y.len() {
            return false;
        }
        let mut flat = true;
        for (&p, &q) in x.iter().zip(y) {
            if p != q {
                if p.is_immediate() && q.is_immediate() {
                    return false;
                }
                flat = false;
            }
        }
        if flat {
            return true;
        }
    }
    compare(a, b, Mode::Exact) == Ordering::Equal
}

/// `==`
#[inline]
pub fn eq(a: Term, b: Term) -> bool {
    a == b || (!(a.is_immediate() && b.is_immediate()) && compare(a, b, Mode::Arith) == Ordering::Equal)
}

/// Term order with numbers compared by value (`<`, `>=`, sorting).
#[inline]
pub fn cmp(a: Term, b: Term) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    compare(a, b, Mode::Arith)
}
