//! The compact term encoding of Code-chunk operands (OTP's `beam_asm:encode/2`, read back by
//! `beamreader_read_tagged` in erts `beam_file.c` and by `beam_disasm`).
//!
//! The first byte holds a 3-bit tag in bits 0..=2: u=0 i=1 a=2 x=3 y=4 f=5 h=6 z=7. The value:
//!
//! | bits 3, 4 | value |
//! | --- | --- |
//! | `0 _` | bits 4..=7 (0..=15) |
//! | `1 0` | bits 5..=7 are the high 3 bits of an 11-bit value; the next byte the low 8 |
//! | `1 1` | bits 5..=7 = n: n+2 bytes follow (n < 7), or n = 7 and a nested `u` value m precedes m+9 bytes |
//!
//! The bytes of the long form are big-endian; for tag `i` they are two's complement (so an
//! integer of any size is possible), for the other tags an unsigned number.
//!
//! Tag `z` is extended; its value selects: 0 float (superseded in R16B, refused), 1 list (a
//! `u` count, then that many operands), 2 float register (a `u` index), 3 allocation list (a `u`
//! count, then `u` kind, `u` count pairs), 4 literal (a `u` index into the literal table), 5
//! typed register (an `x` or `y` operand, then a `u` index into the Type chunk).
//!
//! This module only decodes; range checks against the module's tables are `beam_file`'s.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

pub const TAG_U: u8 = 0;
pub const TAG_I: u8 = 1;
pub const TAG_A: u8 = 2;
pub const TAG_X: u8 = 3;
pub const TAG_Y: u8 = 4;
pub const TAG_F: u8 = 5;
pub const TAG_H: u8 = 6;
pub const TAG_Z: u8 = 7;

/// One decoded operand.
///
/// Invariants of a decoded value: `BigInteger` never fits in an `i64` and its `magnitude_le`
/// has no high zero bytes; `TypedReg::reg` is `X` or `Y`; `List` holds no `List`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// Tag u: an unsigned number (arities, counts, live registers, import and string
    /// indices, flags, label numbers in `label/1`).
    Unsigned(u64),
    /// Tag i whose value fits in an `i64`.
    Integer(i64),
    /// Tag i too large for an `i64`: sign and magnitude, least significant byte first.
    BigInteger { negative: bool, magnitude_le: Vec<u8> },
    /// Tag a: 1-based index into the atom table; 0 is `[]` (nil).
    Atom(u32),
    /// Tag x.
    X(u32),
    /// Tag y.
    Y(u32),
    /// Tag f: a label number; 0 means "no label" (fail by raising).
    Label(u32),
    /// Tag h: a character.
    Character(u32),
    /// z 2: a float register.
    FloatReg(u32),
    /// z 1: a list of operands (select_val pairs, put_tuple2 elements, ...).
    List(Vec<Operand>),
    /// z 3: `(kind, count)` pairs; kind 0 words, 1 floats, 2 funs.
    AllocList(Vec<(u32, u32)>),
    /// z 4: 0-based index into the literal table (LitT).
    Literal(u32),
    /// z 5: a register with a 0-based index into the Type chunk (OTP 25+).
    TypedReg { reg: Box<Operand>, type_index: u32 },
}

/// Why an operand could not be decoded. The caller adds the chunk and the offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompactError {
    /// The bytes end inside the operand.
    Truncated,
    /// A number of a tag other than i does not fit its width (u64 for u, u32 otherwise).
    TooLarge { tag: u8 },
    /// The nested length of a long number is not a small `u` value.
    BadLengthPrefix,
    /// z 0: floats in the code stream were superseded by literals in OTP R16B.
    FloatOperand,
    /// A z value above 5.
    UnknownExtendedTag { value: u64 },
    /// A z sub-operand (count, index, kind) that is not tagged u.
    ExpectedUnsigned,
    /// A list inside a list.
    NestedList,
    /// An allocation list entry of an unknown kind.
    BadAllocKind { kind: u64 },
    /// A typed register whose register is neither x nor y.
    TypedRegNotRegister,
}

impl CompactError {
    /// A short description for error messages.
    pub fn what(&self) -> &'static str {
        match self {
            CompactError::Truncated => "operand truncated",
            CompactError::TooLarge { .. } => "operand value too large",
            CompactError::BadLengthPrefix => "bad length prefix of a long number",
            CompactError::FloatOperand => "float operand (superseded in R16B)",
            CompactError::UnknownExtendedTag { .. } => "unknown extended (z) tag",
            CompactError::ExpectedUnsigned => "extended operand part is not tagged u",
            CompactError::NestedList => "list inside a list",
            CompactError::BadAllocKind { .. } => "unknown allocation list kind",
            CompactError::TypedRegNotRegister => "typed register is not an x or y register",
        }
    }
}

impl fmt::Display for CompactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompactError::TooLarge { tag } => write!(f, "{} (tag {})", self.what(), tag),
            CompactError::UnknownExtendedTag { value } => write!(f, "{} {}", self.what(), value),
            CompactError::BadAllocKind { kind } => write!(f, "{} {}", self.what(), kind),
            _ => f.write_str(self.what()),
        }
    }
}

/// A number as read from the stream: a short form's value, or a long form's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number<'a> {
    /// At most 11 bits.
    Short(u64),
    /// Big-endian, two or more bytes.
    Long(&'a [u8]),
}

/// Decodes operands from a byte slice, front to back.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn is_at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// One raw byte (an opcode).
    pub fn read_u8(&mut self) -> Result<u8, CompactError> {
        let byte = *self.bytes.get(self.pos).ok_or(CompactError::Truncated)?;
        self.pos += 1;
        Ok(byte)
    }

    fn read_bytes(&mut self, count: usize) -> Result<&'a [u8], CompactError> {
        let end = self.pos.checked_add(count).ok_or(CompactError::Truncated)?;
        let bytes = self.bytes.get(self.pos..end).ok_or(CompactError::Truncated)?;
        self.pos = end;
        Ok(bytes)
    }

    /// A tag and its number, without interpreting either.
    fn read_tagged(&mut self) -> Result<(u8, Number<'a>), CompactError> {
        let first = self.read_u8()?;
        let tag = first & 0x07;
        if first & 0x08 == 0 {
            return Ok((tag, Number::Short(u64::from(first >> 4))));
        }
        if first & 0x10 == 0 {
            let low = self.read_u8()?;
            return Ok((tag, Number::Short((u64::from(first >> 5) << 8) | u64::from(low))));
        }
        let length_code = first >> 5;
        let count = if length_code < 7 {
            usize::from(length_code) + 2
        } else {
            match self.read_tagged()? {
                (TAG_U, Number::Short(n)) => {
                    usize::try_from(n).ok().and_then(|n| n.checked_add(9)).ok_or(CompactError::BadLengthPrefix)?
                }
                _ => return Err(CompactError::BadLengthPrefix),
            }
        };
        Ok((tag, Number::Long(self.read_bytes(count)?)))
    }

    /// A number of any tag but i, as an unsigned value.
    fn read_unsigned_of(&mut self, tag: u8, number: Number<'a>) -> Result<u64, CompactError> {
        match number {
            Number::Short(v) => Ok(v),
            Number::Long(bytes) => {
                let split = bytes.len().saturating_sub(8);
                if bytes[..split].iter().any(|&b| b != 0) {
                    return Err(CompactError::TooLarge { tag });
                }
                Ok(bytes[split..].iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)))
            }
        }
    }

    /// A sub-operand of an extended operand, which must be tagged u.
    fn read_u(&mut self) -> Result<u64, CompactError> {
        let (tag, number) = self.read_tagged()?;
        if tag != TAG_U {
            return Err(CompactError::ExpectedUnsigned);
        }
        self.read_unsigned_of(tag, number)
    }

    fn read_u32(&mut self) -> Result<u32, CompactError> {
        let v = self.read_u()?;
        u32::try_from(v).map_err(|_| CompactError::TooLarge { tag: TAG_U })
    }

    /// A value tagged u (used for lengths outside the code stream, e.g. long atom counts).
    pub fn read_unsigned(&mut self) -> Result<u64, CompactError> {
        self.read_u()
    }

    /// The next operand.
    pub fn read_operand(&mut self) -> Result<Operand, CompactError> {
        self.read_operand_in(false)
    }

    fn read_operand_in(&mut self, in_list: bool) -> Result<Operand, CompactError> {
        let (tag, number) = self.read_tagged()?;
        let small = |reader: &mut Self, number| -> Result<u32, CompactError> {
            let v = reader.read_unsigned_of(tag, number)?;
            u32::try_from(v).map_err(|_| CompactError::TooLarge { tag })
        };
        Ok(match tag {
            // A u number past u64 (the compiler emits one as bs_test_tail2's size of a
            // match that can never succeed) saturates: every use bounds-checks it.
            TAG_U => Operand::Unsigned(self.read_unsigned_of(tag, number).unwrap_or(u64::MAX)),
            TAG_I => integer(number),
            TAG_A => Operand::Atom(small(self, number)?),
            TAG_X => Operand::X(small(self, number)?),
            TAG_Y => Operand::Y(small(self, number)?),
            TAG_F => Operand::Label(small(self, number)?),
            TAG_H => Operand::Character(small(self, number)?),
            _ => {
                let value = self.read_unsigned_of(tag, number)?;
                self.read_extended(value, in_list)?
            }
        })
    }

    fn read_extended(&mut self, value: u64, in_list: bool) -> Result<Operand, CompactError> {
        match value {
            0 => Err(CompactError::FloatOperand),
            1 => {
                if in_list {
                    return Err(CompactError::NestedList);
                }
                let count = self.read_u()?;
                // Every element takes at least one byte: cap the reservation by the input.
                let mut items = Vec::with_capacity(bounded(count, self.remaining()));
                for _ in 0..count {
                    items.push(self.read_operand_in(true)?);
                }
                Ok(Operand::List(items))
            }
            2 => Ok(Operand::FloatReg(self.read_u32()?)),
            3 => {
                let count = self.read_u()?;
                let mut items = Vec::with_capacity(bounded(count, self.remaining() / 2));
                for _ in 0..count {
                    let kind = self.read_u()?;
                    if kind > 2 {
                        return Err(CompactError::BadAllocKind { kind });
                    }
                    items.push((kind as u32, self.read_u32()?));
                }
                Ok(Operand::AllocList(items))
            }
            4 => Ok(Operand::Literal(self.read_u32()?)),
            5 => {
                let (tag, number) = self.read_tagged()?;
                let index =
                    u32::try_from(self.read_unsigned_of(tag, number)?).map_err(|_| CompactError::TooLarge { tag })?;
                let reg = match tag {
                    TAG_X => Operand::X(index),
                    TAG_Y => Operand::Y(index),
                    _ => return Err(CompactError::TypedRegNotRegister),
                };
                let type_index = self.read_u32()?;
                Ok(Operand::TypedReg { reg: Box::new(reg), type_index })
            }
            _ => Err(CompactError::UnknownExtendedTag { value }),
        }
    }
}

fn bounded(count: u64, limit: usize) -> usize {
    usize::try_from(count).map_or(limit, |c| c.min(limit))
}

/// Interprets a tag-i number: a short form is non-negative, a long form two's complement.
fn integer(number: Number<'_>) -> Operand {
    match number {
        Number::Short(v) => Operand::Integer(v as i64),
        Number::Long(bytes) => integer_from_be_twos_complement(bytes),
    }
}

/// The integer that `bytes` (big-endian two's complement, any length) denote.
pub fn integer_from_be_twos_complement(bytes: &[u8]) -> Operand {
    let negative = bytes.first().is_some_and(|&b| b & 0x80 != 0);
    if bytes.len() <= 8 {
        // Sign-extend into a word: start from all ones when negative.
        let start = if negative { -1i64 } else { 0 };
        return Operand::Integer(bytes.iter().fold(start, |v, &b| (v << 8) | i64::from(b)));
    }
    // Magnitude, least significant byte first: negate the two's complement if negative.
    let mut magnitude_le: Vec<u8> = bytes.iter().rev().copied().collect();
    if negative {
        let mut carry = true;
        for b in magnitude_le.iter_mut() {
            let (inverted, overflow) = (!*b).overflowing_add(u8::from(carry));
            *b = inverted;
            carry = carry && overflow;
        }
    }
    while magnitude_le.last() == Some(&0) {
        magnitude_le.pop();
    }
    if magnitude_le.len() <= 8 {
        let mut word = 0u64;
        for &b in magnitude_le.iter().rev() {
            word = (word << 8) | u64::from(b);
        }
        if !negative && word <= i64::MAX as u64 {
            return Operand::Integer(word as i64);
        }
        if negative && word <= 1u64 << 63 {
            return Operand::Integer((word as i64).wrapping_neg());
        }
    }
    Operand::BigInteger { negative, magnitude_le }
}
