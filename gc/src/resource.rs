//! Off-heap resources and the magic references that keep them alive.
//!
//! A [`Resource`] is a VM object living outside every process heap (an `atomics` array, a
//! `counters` array; later NIF resources): a type tag, the reference id its terms carry, the
//! bytes it accounts for, and its data as `Box<dyn Any + Send + Sync>`. It is reference counted
//! (an [`Arc`]); terms refer to it through a *magic reference*, a REF object one word longer
//! than an ordinary reference:
//!
//! ```text
//! ordinary reference  [header(REF, 2), id_low, id_high]
//! magic reference     [header(REF, 3), id_low, id_high, *const Resource]
//! ```
//!
//! Everything that orders, prints, hashes or encodes a reference reads only the id words, so a
//! magic reference is a reference to all of them, equal only to copies of itself (its id is
//! unique). Each magic reference object holds one count. Like a refc binary, it is listed in
//! the off-heap list of the heap or fragment holding it ([`crate::heap::Heap::note_off_heap`]);
//! a copy (message, ETS, persistent_term, `copy_to_fragment`) takes a count and is listed where
//! it lands; a collection releases the count of every listed object it did not copy, and a
//! dropped heap or fragment releases all of its own. The data is dropped with the last count,
//! as ERTS frees a magic binary when its last magic reference is collected.

use alloc::boxed::Box;
use alloc::sync::{Arc, Weak};
use core::any::Any;

use crate::term::{header_arity, header_tag, header_tag_of, make_header};

/// Words of a magic reference object, header included.
pub const MAGIC_REF_WORDS: usize = 4;

/// An off-heap object that terms keep alive (see the module note).
pub struct Resource {
    /// Who made it and what `data` is (the vm's `resource::kind` constants; for NIF resources
    /// the resource type).
    pub type_tag: u64,
    /// The reference id every magic reference to it carries.
    pub id: u128,
    /// Bytes it accounts for: what `info/1` reports as memory and what its terms charge to a
    /// process's virtual binary heap (so holding many makes collections due, as binaries do).
    pub bytes: usize,
    data: Box<dyn Any + Send + Sync>,
}

impl Resource {
    /// A new resource with one count, owned by the caller (give it to [`write_magic_ref`] or
    /// release it with [`Resource::dec_ref`]).
    pub fn new(type_tag: u64, id: u128, bytes: usize, data: Box<dyn Any + Send + Sync>) -> *const Resource {
        Arc::into_raw(Arc::new(Resource { type_tag, id, bytes, data }))
    }

    /// The data, if it is a `T`.
    pub fn data<T: Any>(&self) -> Option<&T> {
        self.data.downcast_ref::<T>()
    }

    /// Adds a count.
    ///
    /// # Safety
    /// `p` must come from [`Resource::new`] (or a lookup that took a count) and be live.
    pub unsafe fn inc_ref(p: *const Resource) {
        // SAFETY: per the contract, p is a live Arc pointer.
        unsafe { Arc::increment_strong_count(p) };
    }

    /// Releases a count; the data is dropped with the last.
    ///
    /// # Safety
    /// `p` must be live and the caller must own one of its counts.
    pub unsafe fn dec_ref(p: *const Resource) {
        // SAFETY: per the contract, we give back one count of a live Arc.
        unsafe { Arc::decrement_strong_count(p) };
    }

    /// The number of counts (for tests).
    ///
    /// # Safety
    /// `p` must be live.
    pub unsafe fn ref_count(p: *const Resource) -> usize {
        // SAFETY: p is live; ManuallyDrop keeps the count unchanged.
        let a = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(p) });
        Arc::strong_count(&a)
    }

    /// A weak handle (it does not keep the data alive), for tables that find a live resource
    /// by id (binary_to_term of an encoded magic reference).
    ///
    /// # Safety
    /// `p` must be live.
    pub unsafe fn downgrade(p: *const Resource) -> Weak<Resource> {
        // SAFETY: p is live; ManuallyDrop keeps the count unchanged.
        let a = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(p) });
        Arc::downgrade(&a)
    }

    /// A counted pointer from a weak handle, if the resource still lives; the caller owns the
    /// count (hand it to [`write_magic_ref`] or release it).
    pub fn upgrade(w: &Weak<Resource>) -> Option<*const Resource> {
        w.upgrade().map(Arc::into_raw)
    }
}

/// True for the header of a magic reference object.
#[inline]
pub const fn is_magic_ref_header(h: u64) -> bool {
    header_tag_of(h) == header_tag::REF && header_arity(h) == MAGIC_REF_WORDS - 1
}

/// Writes a magic reference object at `p` for `res`, taking over one count.
///
/// # Safety
/// `p` must point at [`MAGIC_REF_WORDS`] writable words; `res` must be live and the caller
/// must own the count it gives.
pub unsafe fn write_magic_ref(p: *mut u64, res: *const Resource) {
    // SAFETY: per the contract.
    unsafe {
        let id = (*res).id;
        *p = make_header(header_tag::REF, MAGIC_REF_WORDS - 1);
        *p.add(1) = id as u64;
        *p.add(2) = (id >> 64) as u64;
        *p.add(3) = res as u64;
    }
}

/// The resource of a magic reference object.
///
/// # Safety
/// `obj` must point at a live magic reference object.
#[inline]
pub unsafe fn magic_ref_resource(obj: *const u64) -> *const Resource {
    // SAFETY: per the contract, word 3 is the resource pointer.
    unsafe { *obj.add(3) as *const Resource }
}
