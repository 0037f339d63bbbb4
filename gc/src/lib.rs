//! beamos-gc: the one term encoding, heap object layouts, per-process heaps and the
//! generational copying collector.
//!
//! What it does: defines [`Term`] (one 64-bit tagged word, see [`term`]), the layouts of boxed
//! objects ([`object_layout`] is the only per-type knowledge the collector needs), process heaps
//! with a young generation, heap fragments and an old generation ([`heap::Heap`]), off-heap
//! reference-counted binaries ([`bin`]) and resources behind magic references ([`resource`]),
//! and the collector ([`collect`]).
//!
//! What it deliberately does not do: it knows nothing of processes, schedulers, atoms or modules.
//! It is handed a heap and a root set. Interpreting terms (printing, comparing) is the vm's job.
//!
//! Tests: unit tests beside each module; property tests of heap invariants in `tests/`.
#![no_std]
extern crate alloc;

pub mod bin;
pub mod collect;
pub mod heap;
pub mod offheap;
pub mod resource;
pub mod term;

pub use term::{header_tag, make_header, object_layout, Term};
