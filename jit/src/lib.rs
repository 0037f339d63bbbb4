//! beamos-jit: the Cranelift backend implementing the vm crate's code-generator trait.
//!
//! Not built yet: the interpreter in `beamos-vm` is the only execution engine today. This crate
//! will compile hot functions from the same internal instructions, sharing the interpreter's
//! frame and register layout. Nothing here pretends to work.
