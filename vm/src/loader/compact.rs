//! STUB (replaced by the real compact-term decoder).
use alloc::boxed::Box;
use alloc::vec::Vec;
#[derive(Debug, Clone, PartialEq)]
pub enum Operand { Unsigned(u64), Integer(i64), BigInteger { negative: bool, magnitude_le: Vec<u8> }, Atom(u32), X(u32), Y(u32), Label(u32), Character(u32), FloatReg(u32), List(Vec<Operand>), AllocList(Vec<(u32, u32)>), Literal(u32), TypedReg { reg: Box<Operand>, type_index: u32 } }
