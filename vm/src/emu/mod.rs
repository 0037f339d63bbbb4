//! Execution: the instruction set, the interpreter loop, exceptions, bit syntax, receive.
pub mod bits;
pub mod exception;
pub mod instr;
pub mod interp;
pub mod receive;
pub mod trap;
