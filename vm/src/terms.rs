//! Building and reading heap objects: tuples, lists, floats, bignums, binaries, funs.
//!
//! The layouts are gc's ([`beamos_gc::term`]); this module gives them meaning. Readers return
//! borrowed views with unbounded lifetimes: a view is valid until the owning heap's next
//! collection, and the interpreter never holds one across a collection point.

use alloc::vec::Vec;
use beamos_gc::bin::{self, BinData, HEAP_BIN_LIMIT, REFC_BIN_WORDS};
use beamos_gc::heap::Heap;
use beamos_gc::resource::{self, Resource, MAGIC_REF_WORDS};
use beamos_gc::term::{header_arity, header_tag_of};
use beamos_gc::{header_tag, make_header, Term};
use num_bigint::{BigInt, BigUint, Sign};

/// Anything objects can be allocated on: a process heap, or a fragment being built.
pub trait Alloc {
    fn alloc_words(&mut self, n: usize) -> *mut u64;
    /// Records a refc binary or magic reference object (holding one count of its off-heap
    /// data) so the owner releases it when it dies.
    fn note_off_heap(&mut self, obj: *mut u64);
}

impl Alloc for Heap {
    #[inline]
    fn alloc_words(&mut self, n: usize) -> *mut u64 {
        self.alloc(n)
    }
    fn note_off_heap(&mut self, obj: *mut u64) {
        Heap::note_off_heap(self, obj)
    }
}

impl Alloc for beamos_gc::heap::Fragment {
    fn alloc_words(&mut self, n: usize) -> *mut u64 {
        self.alloc(n).expect("fragment sized by its builder")
    }
    fn note_off_heap(&mut self, obj: *mut u64) {
        beamos_gc::heap::Fragment::note_off_heap(self, obj)
    }
}

// ---------------------------------------------------------------- tuples

pub fn tuple(h: &mut impl Alloc, elems: &[Term]) -> Term {
    if elems.is_empty() {
        return Term::empty_tuple(); // never on a heap (see beamos_gc::term::EMPTY_TUPLE)
    }
    let p = h.alloc_words(elems.len() + 1);
    // SAFETY: fresh words, len + 1 of them.
    unsafe {
        *p = make_header(header_tag::TUPLE, elems.len());
        core::ptr::copy_nonoverlapping(elems.as_ptr() as *const u64, p.add(1), elems.len());
    }
    Term::boxed_ptr(p)
}

/// The elements of a tuple term, or `None` for other terms.
#[inline]
pub fn tuple_elems<'a>(t: Term) -> Option<&'a [Term]> {
    if !t.is_boxed() {
        return None;
    }
    let p = t.ptr();
    // SAFETY: boxed terms point at live objects.
    let h = unsafe { *p };
    if header_tag_of(h) != header_tag::TUPLE {
        return None;
    }
    // SAFETY: a tuple has `arity` term words after its header.
    Some(unsafe { core::slice::from_raw_parts(p.add(1) as *const Term, header_arity(h)) })
}

/// Mutable elements of a freshly built tuple (set_tuple_element, setelement on a copy).
///
/// # Safety
/// `t` must be a tuple on the caller's own heap that no other term shares yet.
pub unsafe fn tuple_elems_mut<'a>(t: Term) -> &'a mut [Term] {
    let p = t.ptr();
    // SAFETY: per the contract.
    unsafe { core::slice::from_raw_parts_mut(p.add(1) as *mut Term, header_arity(*p)) }
}

// ---------------------------------------------------------------- lists

#[inline]
pub fn cons(h: &mut impl Alloc, head: Term, tail: Term) -> Term {
    let p = h.alloc_words(2);
    // SAFETY: two fresh words.
    unsafe {
        *p = head.raw();
        *p.add(1) = tail.raw();
    }
    Term::list_ptr(p)
}

/// A proper list of `elems` ending in `tail`.
pub fn list_with_tail(h: &mut impl Alloc, elems: &[Term], tail: Term) -> Term {
    if elems.is_empty() {
        return tail;
    }
    let p = h.alloc_words(2 * elems.len());
    // SAFETY: 2*len fresh words; each cell points at the next.
    unsafe {
        for (i, e) in elems.iter().enumerate() {
            let c = p.add(2 * i);
            *c = e.raw();
            *c.add(1) = if i + 1 < elems.len() { Term::list_ptr(c.add(2)).raw() } else { tail.raw() };
        }
    }
    Term::list_ptr(p)
}

pub fn list(h: &mut impl Alloc, elems: &[Term]) -> Term {
    list_with_tail(h, elems, Term::NIL)
}

/// Head and tail of a cons, or `None`.
#[inline]
pub fn cons_parts(t: Term) -> Option<(Term, Term)> {
    if t.is_list() {
        // SAFETY: list terms point at live cons cells.
        Some(unsafe { t.cons_parts() })
    } else {
        None
    }
}

/// Collects a proper list into a Vec, or `None` if improper. Bounded by `limit` elements.
pub fn list_to_vec(mut t: Term) -> Option<Vec<Term>> {
    let mut v = Vec::new();
    while let Some((h, tl)) = cons_parts(t) {
        v.push(h);
        t = tl;
    }
    if t.is_nil() {
        Some(v)
    } else {
        None
    }
}

/// Length of a proper list, or `None`.
pub fn list_length(mut t: Term) -> Option<usize> {
    let mut n = 0;
    while let Some((_, tl)) = cons_parts(t) {
        n += 1;
        t = tl;
    }
    if t.is_nil() {
        Some(n)
    } else {
        None
    }
}

/// Byte list (a string of 0..=255 integers) into bytes, or `None`.
pub fn byte_list(mut t: Term) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    while let Some((h, tl)) = cons_parts(t) {
        match h.as_small() {
            Some(b @ 0..=255) => v.push(b as u8),
            _ => return None,
        }
        t = tl;
    }
    if t.is_nil() {
        Some(v)
    } else {
        None
    }
}

pub fn string(h: &mut impl Alloc, s: &str) -> Term {
    let chars: Vec<Term> = s.chars().map(|c| Term::small(c as i64)).collect();
    list(h, &chars)
}

pub fn byte_string(h: &mut impl Alloc, s: &[u8]) -> Term {
    let chars: Vec<Term> = s.iter().map(|&c| Term::small(c as i64)).collect();
    list(h, &chars)
}

// ---------------------------------------------------------------- floats

pub fn float(h: &mut impl Alloc, f: f64) -> Term {
    let p = h.alloc_words(2);
    // SAFETY: two fresh words.
    unsafe {
        *p = make_header(header_tag::FLOAT, 1);
        *p.add(1) = f.to_bits();
    }
    Term::boxed_ptr(p)
}

#[inline]
pub fn float_value(t: Term) -> Option<f64> {
    if t.box_tag() == Some(header_tag::FLOAT) {
        // SAFETY: a float object has its bits in word 1.
        Some(f64::from_bits(unsafe { *t.ptr().add(1) }))
    } else {
        None
    }
}

// ---------------------------------------------------------------- integers

/// An integer read from a term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Int {
    Small(i64),
    Big(BigInt),
}

impl Int {
    pub fn to_big(&self) -> BigInt {
        match self {
            Int::Small(v) => BigInt::from(*v),
            Int::Big(b) => b.clone(),
        }
    }
}

pub fn int(h: &mut impl Alloc, v: i64) -> Term {
    match Term::try_small(v) {
        Some(t) => t,
        None => bignum(h, &BigInt::from(v)),
    }
}

pub fn int_from_i128(h: &mut impl Alloc, v: i128) -> Term {
    if v >= beamos_gc::term::MIN_SMALL as i128 && v <= beamos_gc::term::MAX_SMALL as i128 {
        Term::small(v as i64)
    } else {
        bignum(h, &BigInt::from(v))
    }
}

/// An integer term from a BigInt, small when it fits.
pub fn bignum(h: &mut impl Alloc, b: &BigInt) -> Term {
    use num_traits::ToPrimitive;
    if let Some(v) = b.to_i64() {
        if let Some(t) = Term::try_small(v) {
            return t;
        }
    }
    let (sign, digits) = b.to_u64_digits();
    let p = h.alloc_words(digits.len() + 1);
    let tag = if sign == Sign::Minus { header_tag::NEG_BIG } else { header_tag::POS_BIG };
    // SAFETY: len + 1 fresh words.
    unsafe {
        *p = make_header(tag, digits.len());
        core::ptr::copy_nonoverlapping(digits.as_ptr(), p.add(1), digits.len());
    }
    Term::boxed_ptr(p)
}

/// The limbs and sign of a bignum term.
pub fn big_parts<'a>(t: Term) -> Option<(bool, &'a [u64])> {
    let tag = t.box_tag()?;
    if tag != header_tag::POS_BIG && tag != header_tag::NEG_BIG {
        return None;
    }
    let p = t.ptr();
    // SAFETY: a bignum has `arity` limbs after its header.
    let limbs = unsafe { core::slice::from_raw_parts(p.add(1), header_arity(*p)) };
    Some((tag == header_tag::NEG_BIG, limbs))
}

pub fn to_bigint(t: Term) -> Option<BigInt> {
    if let Some(v) = t.as_small() {
        return Some(BigInt::from(v));
    }
    let (neg, limbs) = big_parts(t)?;
    let mut digits = Vec::with_capacity(limbs.len() * 2);
    for &l in limbs {
        digits.push(l as u32);
        digits.push((l >> 32) as u32);
    }
    let mag = BigUint::new(digits);
    Some(BigInt::from_biguint(if neg { Sign::Minus } else { Sign::Plus }, mag))
}

pub fn int_value(t: Term) -> Option<Int> {
    if let Some(v) = t.as_small() {
        Some(Int::Small(v))
    } else {
        to_bigint(t).map(Int::Big)
    }
}

pub fn int_term(h: &mut impl Alloc, v: &Int) -> Term {
    match v {
        Int::Small(v) => int(h, *v),
        Int::Big(b) => bignum(h, b),
    }
}

// ---------------------------------------------------------------- binaries

/// A bitstring seen as bits: the bytes of the underlying binary, a bit offset and a bit size.
#[derive(Clone, Copy)]
pub struct BitView<'a> {
    pub bytes: &'a [u8],
    pub bit_offset: usize,
    pub bit_size: usize,
}

impl<'a> BitView<'a> {
    /// The bytes, if the view is byte-aligned and a whole number of bytes.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        if self.bit_offset % 8 == 0 && self.bit_size % 8 == 0 {
            let s = self.bit_offset / 8;
            Some(&self.bytes[s..s + self.bit_size / 8])
        } else {
            None
        }
    }
    /// Bit `i` (0 = most significant of the first byte) of the view.
    #[inline]
    pub fn bit(&self, i: usize) -> u8 {
        let b = self.bit_offset + i;
        (self.bytes[b / 8] >> (7 - (b % 8))) & 1
    }
    /// Copies the view's bits into whole bytes (the last byte zero-padded on the right).
    pub fn to_vec(&self) -> Vec<u8> {
        if let Some(b) = self.as_bytes() {
            return b.to_vec();
        }
        let n = self.bit_size.div_ceil(8);
        let mut out = alloc::vec![0u8; n];
        copy_bits(self.bytes, self.bit_offset, &mut out, 0, self.bit_size);
        out
    }
}

/// Copies `n` bits from `src` at bit `so` into `dst` at bit `do_`.
pub fn copy_bits(src: &[u8], so: usize, dst: &mut [u8], do_: usize, n: usize) {
    if so % 8 == 0 && do_ % 8 == 0 {
        let whole = n / 8;
        dst[do_ / 8..do_ / 8 + whole].copy_from_slice(&src[so / 8..so / 8 + whole]);
        let rest = n % 8;
        if rest > 0 {
            let mask = 0xffu8 << (8 - rest);
            let d = &mut dst[do_ / 8 + whole];
            *d = (*d & !mask) | (src[so / 8 + whole] & mask);
        }
        return;
    }
    // Unaligned: up to 56 bits at a time through a word, written a byte (or part of one) at
    // a time.
    let mut done = 0;
    while done < n {
        let k = (n - done).min(56);
        let v = read_bits(src, so + done, k);
        write_bits(dst, do_ + done, k, v);
        done += k;
    }
}

/// `k` (at most 56) bits of `src` from bit `off`, as the low bits of the result.
#[inline]
fn read_bits(src: &[u8], off: usize, k: usize) -> u64 {
    let b = off / 8;
    let mut w = [0u8; 8];
    let avail = src.len().saturating_sub(b).min(8);
    w[..avail].copy_from_slice(&src[b..b + avail]);
    (u64::from_be_bytes(w) << (off % 8)) >> (64 - k)
}

/// Writes the low `k` bits of `v` into `dst` from bit `off`, leaving the other bits.
#[inline]
fn write_bits(dst: &mut [u8], off: usize, k: usize, v: u64) {
    let (mut off, mut left) = (off, k);
    while left > 0 {
        let bp = off % 8;
        let t = (8 - bp).min(left);
        let bits = ((v >> (left - t)) & ((1u64 << t) - 1)) as u8;
        let shift = 8 - bp - t;
        let mask = (((1u16 << t) - 1) as u8) << shift;
        let d = &mut dst[off / 8];
        *d = (*d & !mask) | (bits << shift);
        off += t;
        left -= t;
    }
}

/// The bits of a binary or bitstring term.
pub fn bit_view<'a>(t: Term) -> Option<BitView<'a>> {
    let tag = t.box_tag()?;
    let p = t.ptr();
    // SAFETY: the layouts of the binary objects (gc::bin and `sub_binary` below).
    unsafe {
        match tag {
            header_tag::HEAP_BIN | header_tag::REFC_BIN => {
                let bytes = bin::binary_bytes(t);
                Some(BitView { bytes, bit_offset: 0, bit_size: bytes.len() * 8 })
            }
            header_tag::SUB_BIN => {
                let orig = Term(*p.add(1));
                let bytes = bin::binary_bytes(orig);
                Some(BitView { bytes, bit_offset: *p.add(2) as usize, bit_size: *p.add(3) as usize })
            }
            _ => None,
        }
    }
}

/// The bytes of a binary term (bit size a multiple of 8): borrowed, or copied when the
/// binary does not start on a byte boundary (a sub-binary matched out at a bit offset).
pub fn binary_bytes<'a>(t: Term) -> Option<alloc::borrow::Cow<'a, [u8]>> {
    let v = bit_view(t)?;
    if v.bit_size % 8 != 0 {
        return None;
    }
    Some(match v.as_bytes() {
        Some(b) => alloc::borrow::Cow::Borrowed(b),
        None => alloc::borrow::Cow::Owned(v.to_vec()),
    })
}

/// True for a binary (whole bytes), false for other bitstrings and terms.
pub fn is_binary(t: Term) -> bool {
    bit_view(t).is_some_and(|v| v.bit_size % 8 == 0)
}

/// A new binary holding `bytes`: on the heap up to 64 bytes, else off-heap.
pub fn binary(h: &mut impl Alloc, bytes: &[u8]) -> Term {
    if bytes.len() <= HEAP_BIN_LIMIT {
        let p = h.alloc_words(bin::heap_bin_words(bytes.len()));
        // SAFETY: fresh words sized for the bytes.
        unsafe {
            *p = make_header(header_tag::HEAP_BIN, bin::heap_bin_words(bytes.len()) - 1);
            *p.add(1) = bytes.len() as u64;
            let n = bytes.len().div_ceil(8);
            if n > 0 {
                *p.add(1 + n) = 0; // zero the padding of the last word
            }
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), p.add(2) as *mut u8, bytes.len());
        }
        Term::boxed_ptr(p)
    } else {
        refc_binary(h, bytes.to_vec())
    }
}

/// A new off-heap binary owning `bytes`.
pub fn refc_binary(h: &mut impl Alloc, bytes: Vec<u8>) -> Term {
    let len = bytes.len();
    let data = BinData::new(bytes);
    let p = h.alloc_words(REFC_BIN_WORDS);
    // SAFETY: four fresh words; the object takes over our reference.
    unsafe { bin::write_refc_bin(p, data, 0, len) };
    h.note_off_heap(p);
    Term::boxed_ptr(p)
}

/// A binary or bitstring of `bit_size` bits from `bytes` (zero-padded last byte).
pub fn bitstring(h: &mut impl Alloc, bytes: &[u8], bit_size: usize) -> Term {
    let whole = binary(h, bytes);
    if bit_size == bytes.len() * 8 {
        whole
    } else {
        sub_binary(h, whole, 0, bit_size)
    }
}

/// A sub-binary of `orig` (a heap or refc binary, or a sub-binary, which is flattened).
pub fn sub_binary(h: &mut impl Alloc, orig: Term, bit_offset: usize, bit_size: usize) -> Term {
    let (base, off) = match orig.box_tag() {
        // SAFETY: a sub-binary's word 1 is its heap/refc binary and word 2 its offset.
        Some(header_tag::SUB_BIN) => unsafe { (Term(*orig.ptr().add(1)), *orig.ptr().add(2) as usize + bit_offset) },
        _ => (orig, bit_offset),
    };
    let p = h.alloc_words(4);
    // SAFETY: four fresh words.
    unsafe {
        *p = make_header(header_tag::SUB_BIN, 3);
        *p.add(1) = base.raw();
        *p.add(2) = off as u64;
        *p.add(3) = bit_size as u64;
    }
    Term::boxed_ptr(p)
}

// ---------------------------------------------------------------- funs

/// An external fun (`fun M:F/A`) object: `[header(EXPORT, 1), &Export]`.
pub fn export_fun(h: &mut impl Alloc, exp: &'static crate::module::Export) -> Term {
    let p = h.alloc_words(2);
    // SAFETY: two fresh words; the export entry lives forever.
    unsafe {
        *p = make_header(header_tag::EXPORT, 1);
        *p.add(1) = exp as *const _ as u64;
    }
    Term::boxed_ptr(p)
}

pub fn export_of_fun(t: Term) -> Option<&'static crate::module::Export> {
    if t.box_tag() == Some(header_tag::EXPORT) {
        // SAFETY: word 1 of an EXPORT object is a leaked &'static Export.
        Some(unsafe { &*(*t.ptr().add(1) as *const crate::module::Export) })
    } else {
        None
    }
}

/// A closure object: `[header(FUN, 1 + n_free), &FunEntry, free...]`.
pub fn closure(h: &mut impl Alloc, entry: &'static crate::module::FunEntry, free: &[Term]) -> Term {
    let p = h.alloc_words(2 + free.len());
    // SAFETY: fresh words; the fun entry lives forever.
    unsafe {
        *p = make_header(header_tag::FUN, 1 + free.len());
        *p.add(1) = entry as *const _ as u64;
        core::ptr::copy_nonoverlapping(free.as_ptr() as *const u64, p.add(2), free.len());
    }
    Term::boxed_ptr(p)
}

/// The entry and free variables of a closure.
pub fn closure_parts<'a>(t: Term) -> Option<(&'static crate::module::FunEntry, &'a [Term])> {
    if t.box_tag() != Some(header_tag::FUN) {
        return None;
    }
    let p = t.ptr();
    // SAFETY: the FUN layout above.
    unsafe {
        let n = header_arity(*p) - 1;
        let e = &*(*p.add(1) as *const crate::module::FunEntry);
        Some((e, core::slice::from_raw_parts(p.add(2) as *const Term, n)))
    }
}

// ---------------------------------------------------------------- references

/// A local reference: `[header(REF, 2), id_low, id_high]`. (A magic reference is one word
/// longer; readers of the id take either.)
pub fn reference(h: &mut impl Alloc, id: u128) -> Term {
    let p = h.alloc_words(3);
    // SAFETY: three fresh words.
    unsafe {
        *p = make_header(header_tag::REF, 2);
        *p.add(1) = id as u64;
        *p.add(2) = (id >> 64) as u64;
    }
    Term::boxed_ptr(p)
}

pub fn ref_id(t: Term) -> Option<u128> {
    if t.box_tag() == Some(header_tag::REF) {
        // SAFETY: the REF layout above.
        unsafe { Some(*t.ptr().add(1) as u128 | ((*t.ptr().add(2) as u128) << 64)) }
    } else {
        None
    }
}

/// A reference that names a VM object (an ETS table, prepared code, ...): `tag` in the high
/// 64 bits of its id (never set in `make_ref` ids), the object's number in the low ones.
pub fn tagged_reference(h: &mut impl Alloc, tag: u64, n: u64) -> Term {
    reference(h, (tag as u128) << 64 | n as u128)
}

/// A magic reference to `res` (see [`beamos_gc::resource`]), taking over one count of it.
pub fn magic_ref(h: &mut impl Alloc, res: *const Resource) -> Term {
    let p = h.alloc_words(MAGIC_REF_WORDS);
    // SAFETY: fresh words; the caller gives us its count of the live resource.
    unsafe { resource::write_magic_ref(p, res) };
    h.note_off_heap(p);
    Term::boxed_ptr(p)
}

/// The resource a magic reference keeps alive, if `t` is one. The borrow is valid while `t`
/// is (the caller's term holds a count).
pub fn resource_of<'a>(t: Term) -> Option<&'a Resource> {
    if !t.is_boxed() {
        return None;
    }
    let p = t.ptr();
    // SAFETY: boxed terms point at live objects; a magic reference's word 3 is its resource,
    // alive while the object is.
    unsafe { resource::is_magic_ref_header(*p).then(|| &*resource::magic_ref_resource(p)) }
}

/// The number in a [`tagged_reference`] with `tag`, if `t` is one.
pub fn tagged_ref_number(t: Term, tag: u64) -> Option<u64> {
    let id = ref_id(t)?;
    ((id >> 64) as u64 == tag).then_some(id as u64)
}

/// Allocation of one term into a heap: deep copy (for literals that must not be shared).
pub fn copy_into(h: &mut impl Alloc, t: Term) -> Term {
    if t.is_immediate() {
        return t;
    }
    let mut work = Vec::new();
    let mut refcs = Vec::new();
    let r = beamos_gc::collect::copy_term_with(
        t,
        &mut |n| {
            let p = h.alloc_words(n);
            p
        },
        &mut work,
    );
    // Refc binaries and magic references copied need a count and an MSO entry each.
    collect_off_heap(r, &mut refcs);
    for obj in refcs {
        // SAFETY: obj is an off-heap object just copied from a live one.
        unsafe { beamos_gc::offheap::retain(obj) };
        h.note_off_heap(obj);
    }
    r
}

fn collect_off_heap(t: Term, out: &mut Vec<*mut u64>) {
    // Only compound terms go on the stack, and the root not at all: a flat term is walked
    // without allocating.
    let mut stack = Vec::new();
    let mut next = Some(t);
    while let Some(t) = next.take().or_else(|| stack.pop()) {
        if t.is_immediate() {
            continue;
        }
        if let Some((a, b)) = cons_parts(t) {
            for x in [a, b] {
                if !x.is_immediate() {
                    stack.push(x);
                }
            }
        } else if t.is_boxed() {
            let p = t.ptr();
            // SAFETY: live object.
            let hdr = unsafe { *p };
            if beamos_gc::offheap::is_off_heap_header(hdr) {
                out.push(p);
            }
            let (_, first, n) = beamos_gc::object_layout(hdr);
            for k in first..first + n {
                // SAFETY: term slots.
                let e = Term(unsafe { *p.add(k) });
                if !e.is_immediate() {
                    stack.push(e);
                }
            }
        }
    }
}
