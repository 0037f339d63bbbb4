//! beamos-vm: atoms, the .beam loader, the internal instruction set, the interpreter,
//! processes and signals, scheduling, BIFs, and the `Platform` trait (the VM's only door to
//! the outside).
//!
//! What it does not do: touch the OS (that is os-personality's job, through [`platform`]),
//! define the term encoding or collect garbage (that is beamos-gc), or compile to machine code
//! (beamos-jit will, through a code-generator trait).
//!
//! Entry point for embedders: [`vm::Vm`]. Tests: unit tests beside the code, integration tests
//! in `vm/tests/`, and the differential corpus in `conformance/`.
#![no_std]
#![recursion_limit = "512"]
extern crate alloc;

pub mod atom;
pub mod bif;
pub mod compare;
pub mod emu;
pub mod ets;
pub mod hash;
pub mod loader;
pub mod map;
pub mod module;
pub mod platform;
pub mod print;
pub mod process;
pub mod re;
pub mod resource;
pub mod sched;
pub mod terms;
pub mod timers;
pub mod vm;

pub use beamos_gc::Term;
