//! The one term encoding: a `Term` is one 64-bit word.
//!
//! Layout (the same shape as ERTS's 64-bit encoding, see erts/emulator/beam/erl_term.h):
//!
//! ```text
//! primary tag, bits 0..2
//!   00  header word (only as the first word of a heap object) or a raw word (CP, non-value)
//!   01  list: pointer to a cons cell (two words: head, tail)
//!   10  boxed: pointer to a heap object whose first word is a header
//!   11  immediate
//! immediate-1, bits 0..4
//!   0011 local pid      (pid number << 4)
//!   0111 local port     (port number << 4)
//!   1011 immediate-2
//!   1111 small integer  (60-bit signed value << 4)
//! immediate-2, bits 0..6
//!   001011 atom   (atom index << 6)
//!   011011 catch  (catch index << 6)
//!   111011 nil
//! header, bits 0..6 = tag << 2, bits 6..64 = arity (object size in words, minus the header)
//! ```
//!
//! Pointers are 8-byte aligned, so the low three bits are free for the tag. The non-value (0)
//! marks "no term" (an empty register, a missing map value, a forwarded cons in the collector).

use core::fmt;

/// One tagged word.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Term(pub u64);

const _: () = assert!(core::mem::size_of::<Term>() == 8);

pub const PRIMARY_MASK: u64 = 0b11;
pub const TAG_HEADER: u64 = 0b00;
pub const TAG_LIST: u64 = 0b01;
pub const TAG_BOXED: u64 = 0b10;
pub const TAG_IMMED1: u64 = 0b11;

pub const IMMED1_MASK: u64 = 0b1111;
pub const IMMED1_PID: u64 = 0b0011;
pub const IMMED1_PORT: u64 = 0b0111;
pub const IMMED1_IMMED2: u64 = 0b1011;
pub const IMMED1_SMALL: u64 = 0b1111;

pub const IMMED2_MASK: u64 = 0b11_1111;
pub const IMMED2_ATOM: u64 = 0b00_1011;
pub const IMMED2_CATCH: u64 = 0b01_1011;
pub const IMMED2_NIL: u64 = 0b11_1011;

/// Small integers hold 60 bits, signed.
pub const SMALL_BITS: u32 = 60;
pub const MAX_SMALL: i64 = (1i64 << (SMALL_BITS - 1)) - 1;
pub const MIN_SMALL: i64 = -(1i64 << (SMALL_BITS - 1));

/// Header tags (bits 2..6 of a header word). Numbered as in ERTS.
pub mod header_tag {
    pub const TUPLE: u64 = 0;
    pub const MATCH_STATE: u64 = 1;
    pub const POS_BIG: u64 = 2;
    pub const NEG_BIG: u64 = 3;
    pub const REF: u64 = 4;
    pub const FUN: u64 = 5;
    pub const FLOAT: u64 = 6;
    pub const EXPORT: u64 = 7;
    pub const REFC_BIN: u64 = 8;
    pub const HEAP_BIN: u64 = 9;
    pub const SUB_BIN: u64 = 10;
    /// An inner node of a HAMT map: `[header(HASHMAP_NODE, 1 + c), small(bitmap), c children]`.
    pub const HASHMAP_NODE: u64 = 11;
    pub const EXTERNAL_PID: u64 = 12;
    pub const EXTERNAL_PORT: u64 = 13;
    pub const EXTERNAL_REF: u64 = 14;
    /// A map: flat, `[header(MAP, n + 1), keys tuple, n values]`, or the head of a HAMT,
    /// `[header(MAP, 2 + c), small(size), small(bitmap), c children]` (word 1 tells them apart:
    /// boxed or small). HAMT children are leaves (list terms to cons cells `[K|V]`) or boxed
    /// HASHMAP_NODEs. Bitmaps and sizes are small integers so that, as in a tuple, every word
    /// after the header is a term. vm/src/map.rs owns these layouts.
    pub const MAP: u64 = 15;
}

pub const HEADER_TAG_MASK: u64 = 0b11_1100;
pub const HEADER_ARITY_SHIFT: u32 = 6;

impl Term {
    pub const NON_VALUE: Term = Term(0);
    pub const NIL: Term = Term(IMMED2_NIL);

    #[inline(always)]
    pub const fn raw(self) -> u64 {
        self.0
    }
    #[inline(always)]
    pub const fn from_raw(w: u64) -> Term {
        Term(w)
    }
    #[inline(always)]
    pub const fn primary(self) -> u64 {
        self.0 & PRIMARY_MASK
    }
    #[inline(always)]
    pub const fn is_non_value(self) -> bool {
        self.0 == 0
    }
    #[inline(always)]
    pub const fn is_value(self) -> bool {
        self.0 != 0
    }

    // ---- small integers ----
    #[inline(always)]
    pub const fn small(v: i64) -> Term {
        debug_assert!(v >= MIN_SMALL && v <= MAX_SMALL);
        Term(((v as u64) << 4) | IMMED1_SMALL)
    }
    /// A small integer if `v` fits, else `None` (the caller makes a bignum).
    #[inline(always)]
    pub const fn try_small(v: i64) -> Option<Term> {
        if v >= MIN_SMALL && v <= MAX_SMALL {
            Some(Term::small(v))
        } else {
            None
        }
    }
    #[inline(always)]
    pub const fn is_small(self) -> bool {
        self.0 & IMMED1_MASK == IMMED1_SMALL
    }
    #[inline(always)]
    pub const fn small_value(self) -> i64 {
        (self.0 as i64) >> 4
    }
    #[inline(always)]
    pub const fn as_small(self) -> Option<i64> {
        if self.is_small() {
            Some(self.small_value())
        } else {
            None
        }
    }

    // ---- atoms ----
    #[inline(always)]
    pub const fn atom(index: u32) -> Term {
        Term(((index as u64) << 6) | IMMED2_ATOM)
    }
    #[inline(always)]
    pub const fn is_atom(self) -> bool {
        self.0 & IMMED2_MASK == IMMED2_ATOM
    }
    #[inline(always)]
    pub const fn atom_index(self) -> u32 {
        (self.0 >> 6) as u32
    }

    // ---- catch tags ----
    #[inline(always)]
    pub const fn catch(index: u32) -> Term {
        Term(((index as u64) << 6) | IMMED2_CATCH)
    }
    #[inline(always)]
    pub const fn is_catch(self) -> bool {
        self.0 & IMMED2_MASK == IMMED2_CATCH
    }
    #[inline(always)]
    pub const fn catch_index(self) -> u32 {
        (self.0 >> 6) as u32
    }

    // ---- nil ----
    #[inline(always)]
    pub const fn is_nil(self) -> bool {
        self.0 == IMMED2_NIL
    }

    // ---- pids and ports (local) ----
    #[inline(always)]
    pub const fn pid(number: u64) -> Term {
        Term((number << 4) | IMMED1_PID)
    }
    #[inline(always)]
    pub const fn is_local_pid(self) -> bool {
        self.0 & IMMED1_MASK == IMMED1_PID
    }
    #[inline(always)]
    pub const fn pid_number(self) -> u64 {
        self.0 >> 4
    }
    #[inline(always)]
    pub const fn port(number: u64) -> Term {
        Term((number << 4) | IMMED1_PORT)
    }
    #[inline(always)]
    pub const fn is_local_port(self) -> bool {
        self.0 & IMMED1_MASK == IMMED1_PORT
    }
    #[inline(always)]
    pub const fn port_number(self) -> u64 {
        self.0 >> 4
    }

    #[inline(always)]
    pub const fn is_immediate(self) -> bool {
        self.primary() == TAG_IMMED1
    }

    // ---- pointers ----
    #[inline(always)]
    pub fn list_ptr(p: *const u64) -> Term {
        Term(p as u64 | TAG_LIST)
    }
    #[inline(always)]
    pub fn boxed_ptr(p: *const u64) -> Term {
        Term(p as u64 | TAG_BOXED)
    }
    #[inline(always)]
    pub const fn is_list(self) -> bool {
        self.0 & PRIMARY_MASK == TAG_LIST
    }
    #[inline(always)]
    pub const fn is_boxed(self) -> bool {
        self.0 & PRIMARY_MASK == TAG_BOXED
    }
    /// The address a list or boxed term points to.
    #[inline(always)]
    pub const fn ptr(self) -> *mut u64 {
        (self.0 & !PRIMARY_MASK) as *mut u64
    }

    /// Head and tail of a cons cell.
    ///
    /// # Safety
    /// `self` must be a list term pointing at a live cons cell.
    #[inline(always)]
    pub unsafe fn cons_parts(self) -> (Term, Term) {
        debug_assert!(self.is_list());
        let p = self.ptr();
        // SAFETY: the caller guarantees p points at two live words.
        unsafe { (Term(*p), Term(*p.add(1))) }
    }

    /// The header word of a boxed term.
    ///
    /// # Safety
    /// `self` must be a boxed term pointing at a live heap object.
    #[inline(always)]
    pub unsafe fn boxed_header(self) -> u64 {
        debug_assert!(self.is_boxed());
        // SAFETY: the caller guarantees the pointer is live.
        unsafe { *self.ptr() }
    }

    /// The header tag of a boxed term, or `None` for other terms.
    #[inline(always)]
    pub fn box_tag(self) -> Option<u64> {
        if self.is_boxed() {
            // SAFETY: every boxed term the VM holds points at a live object (heap or literal).
            Some(header_tag_of(unsafe { self.boxed_header() }))
        } else {
            None
        }
    }
    #[inline(always)]
    pub fn is_tuple(self) -> bool {
        self.box_tag() == Some(header_tag::TUPLE)
    }
    #[inline(always)]
    pub fn is_float(self) -> bool {
        self.box_tag() == Some(header_tag::FLOAT)
    }
    #[inline(always)]
    pub fn is_bignum(self) -> bool {
        matches!(self.box_tag(), Some(header_tag::POS_BIG | header_tag::NEG_BIG))
    }
    #[inline(always)]
    pub fn is_integer(self) -> bool {
        self.is_small() || self.is_bignum()
    }
    #[inline(always)]
    pub fn is_number(self) -> bool {
        self.is_small() || matches!(self.box_tag(), Some(header_tag::POS_BIG | header_tag::NEG_BIG | header_tag::FLOAT))
    }
    #[inline(always)]
    pub fn is_map(self) -> bool {
        matches!(self.box_tag(), Some(header_tag::MAP))
    }
    #[inline(always)]
    pub fn is_fun(self) -> bool {
        matches!(self.box_tag(), Some(header_tag::FUN | header_tag::EXPORT))
    }
    #[inline(always)]
    pub fn is_bitstring(self) -> bool {
        matches!(self.box_tag(), Some(header_tag::REFC_BIN | header_tag::HEAP_BIN | header_tag::SUB_BIN))
    }
    #[inline(always)]
    pub fn is_ref(self) -> bool {
        matches!(self.box_tag(), Some(header_tag::REF | header_tag::EXTERNAL_REF))
    }
    #[inline(always)]
    pub fn is_pid(self) -> bool {
        self.is_local_pid() || self.box_tag() == Some(header_tag::EXTERNAL_PID)
    }
    #[inline(always)]
    pub fn is_port(self) -> bool {
        self.is_local_port() || self.box_tag() == Some(header_tag::EXTERNAL_PORT)
    }
    #[inline(always)]
    pub fn is_list_or_nil(self) -> bool {
        self.is_list() || self.is_nil()
    }
}

/// Builds a header word.
#[inline(always)]
pub const fn make_header(tag: u64, arity: usize) -> u64 {
    ((arity as u64) << HEADER_ARITY_SHIFT) | (tag << 2)
}
#[inline(always)]
pub const fn header_tag_of(header: u64) -> u64 {
    (header & HEADER_TAG_MASK) >> 2
}
#[inline(always)]
pub const fn header_arity(header: u64) -> usize {
    (header >> HEADER_ARITY_SHIFT) as usize
}
/// The one empty tuple. Its header word is 0, which a heap scan cannot tell from the first
/// word of a moved cons cell, so `{}` never lives on a heap or in a fragment: builders,
/// copies and collections all use this static object instead (ERTS 26 has the same global
/// literal empty tuple).
#[repr(C, align(8))]
pub struct EmptyTuple([u64; 1]);
pub static EMPTY_TUPLE: EmptyTuple = EmptyTuple([0]);

impl Term {
    /// `{}` (see [`EMPTY_TUPLE`]).
    #[inline]
    pub fn empty_tuple() -> Term {
        Term::boxed_ptr(EMPTY_TUPLE.0.as_ptr() as *mut u64)
    }
}

#[inline(always)]
pub const fn is_header(w: u64) -> bool {
    w & PRIMARY_MASK == TAG_HEADER && w != 0
}

/// Which words of a heap object hold terms: `(total_words, first_term, n_terms)`.
///
/// This is the only per-type knowledge the collector has.
#[inline]
pub const fn object_layout(header: u64) -> (usize, usize, usize) {
    let arity = header_arity(header);
    let total = arity + 1;
    match header_tag_of(header) {
        header_tag::TUPLE | header_tag::MAP | header_tag::HASHMAP_NODE => (total, 1, arity),
        // [hdr, fun entry (raw), free variables...]
        header_tag::FUN => (total, 2, arity.saturating_sub(1)),
        // [hdr, original binary, raw fields...]
        header_tag::SUB_BIN | header_tag::MATCH_STATE => (total, 1, 1),
        _ => (total, 1, 0),
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_small() {
            write!(f, "{}", self.small_value())
        } else if self.is_atom() {
            write!(f, "atom#{}", self.atom_index())
        } else if self.is_nil() {
            write!(f, "[]")
        } else if self.is_non_value() {
            write!(f, "NON_VALUE")
        } else {
            write!(f, "Term({:#x})", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_round_trip_and_bounds() {
        for v in [0, 1, -1, 42, MAX_SMALL, MIN_SMALL] {
            let t = Term::small(v);
            assert!(t.is_small() && !t.is_atom() && !t.is_boxed());
            assert_eq!(t.small_value(), v);
        }
        assert!(Term::try_small(MAX_SMALL + 1).is_none());
        assert!(Term::try_small(MIN_SMALL - 1).is_none());
    }

    #[test]
    fn immediates_are_distinct() {
        let a = Term::atom(7);
        assert!(a.is_atom() && a.atom_index() == 7 && !a.is_small() && !a.is_nil());
        assert!(Term::NIL.is_nil() && !Term::NIL.is_atom());
        let p = Term::pid(99);
        assert!(p.is_local_pid() && p.pid_number() == 99 && !p.is_local_port());
        let c = Term::catch(3);
        assert!(c.is_catch() && c.catch_index() == 3 && !c.is_atom());
    }

    #[test]
    fn header_layouts() {
        let h = make_header(header_tag::TUPLE, 3);
        assert_eq!(object_layout(h), (4, 1, 3));
        let h = make_header(header_tag::FUN, 3);
        assert_eq!(object_layout(h), (4, 2, 2));
        let h = make_header(header_tag::FLOAT, 1);
        assert_eq!(object_layout(h), (2, 1, 0));
        assert!(is_header(h));
        // Maps and HAMT nodes: every word after the header is a term.
        assert_eq!(object_layout(make_header(header_tag::MAP, 5)), (6, 1, 5));
        assert_eq!(object_layout(make_header(header_tag::HASHMAP_NODE, 17)), (18, 1, 17));
    }
}
