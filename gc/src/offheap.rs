//! The entries of off-heap lists: refc binaries ([`crate::bin`]) and magic references
//! ([`crate::resource`]). Each entry is the address of an object holding one count of an
//! off-heap thing; these functions dispatch on its header, so heaps, fragments and the
//! collector treat both kinds alike.

use crate::bin::{refc_bin_data, BinData};
use crate::resource::{is_magic_ref_header, magic_ref_resource, Resource};
use crate::term::{header_tag, header_tag_of};

/// True for the header of an object an off-heap list tracks.
#[inline]
pub const fn is_off_heap_header(h: u64) -> bool {
    header_tag_of(h) == header_tag::REFC_BIN || is_magic_ref_header(h)
}

/// Takes one more count of what `obj` refers to (it was just copied).
///
/// # Safety
/// `obj` must point at a live refc binary or magic reference object.
pub unsafe fn retain(obj: *const u64) {
    // SAFETY: per the contract; the header says which kind it is.
    unsafe {
        if header_tag_of(*obj) == header_tag::REFC_BIN {
            BinData::inc_ref(refc_bin_data(obj));
        } else {
            Resource::inc_ref(magic_ref_resource(obj));
        }
    }
}

/// Gives back the count `obj` holds (it died or its holder was dropped).
///
/// # Safety
/// `obj` must point at a refc binary or magic reference object whose count was not released.
pub unsafe fn release(obj: *const u64) {
    // SAFETY: per the contract.
    unsafe {
        if header_tag_of(*obj) == header_tag::REFC_BIN {
            BinData::dec_ref(refc_bin_data(obj));
        } else {
            debug_assert!(is_magic_ref_header(*obj));
            Resource::dec_ref(magic_ref_resource(obj));
        }
    }
}

/// The bytes `obj` charges to its heap's virtual binary heap.
///
/// # Safety
/// `obj` must point at a live refc binary or magic reference object.
pub unsafe fn bytes(obj: *const u64) -> usize {
    // SAFETY: per the contract.
    unsafe {
        if header_tag_of(*obj) == header_tag::REFC_BIN {
            (*refc_bin_data(obj)).len()
        } else {
            (*magic_ref_resource(obj)).bytes
        }
    }
}
