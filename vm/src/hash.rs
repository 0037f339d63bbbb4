//! Term hashing: `erlang:phash2/1,2` and `erlang:phash/2`.
//!
//! Known gap: this placeholder hashes the external format with FNV-1a; it is deterministic
//! but does NOT yet give ERTS's values (erts/emulator/beam/utils.c `make_hash2`), so
//! iteration orders of `dict`/`sets` differ from the real BEAM until it is replaced.

use beamos_gc::Term;

pub fn phash2(t: Term) -> u32 {
    let bytes = crate::bif::etf::encode(t, crate::bif::etf::EncodeOpts::default());
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}
