//! beamos-os: Platform implementations (the only code that touches the OS) and the `beamos`
//! binary.
//!
//! Today: the hosted POSIX personality ([`hosted::HostedPlatform`], its files in
//! [`unix_prim_file`]) and the command line of `beamos` ([`cli`]). The bare-metal personality
//! lives in `os-personality/kernel/` (its own crate, built for no OS); the deterministic
//! simulator is not built yet.
//!
//! Tests: `tests/` (command-line behaviour against real .beam files compiled by erlc).

pub mod cli;
pub mod hosted;
pub mod unix_prim_file;
