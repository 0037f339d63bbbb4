//! beamos-vm (being written)
#![no_std]
extern crate alloc;
