//! beamos-nif: the erl_nif C ABI (`enif_*` symbols exported by the binary, loading `.so`
//! NIFs with dlopen, static NIF registration where there is no dlopen).
//!
//! Not built yet: nothing here pretends to work.
