//! The compact term encoding of Code-chunk operands (OTP's beam_asm.erl / beam_file.c).
//!
//! First byte: tag in bits 0..3 (u=0 i=1 a=2 x=3 y=4 f=5 h=6 z=7). Bit 3 clear: the value is
//! bits 4..8. Bit 3 set, bit 4 clear: 11-bit value (bits 5..8 high, next byte low). Both set:
//! bits 5..8 + 2 bytes follow (big-endian), or when those bits are 7, a nested length + 9.
//! Tag z is extended: 1 list, 2 float register, 3 allocation list, 4 literal, 5 typed register.

use alloc::boxed::Box;
use alloc::vec::Vec;

/// A decoded operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Tag u: an unsigned number (arities, counts, import indices, flags...).
    Unsigned(u64),
    /// Tag i that fits in an i64.
    Integer(i64),
    /// Tag i too large for an i64.
    BigInteger { negative: bool, magnitude_le: Vec<u8> },
    /// Tag a: index into the atom table (1-based); 0 is `[]`.
    Atom(u32),
    X(u32),
    Y(u32),
    /// Tag f: a label number (0 means none).
    Label(u32),
    /// Tag h.
    Character(u32),
    FloatReg(u32),
    List(Vec<Operand>),
    /// `(kind, count)`: kind 0 words, 1 floats, 2 funs.
    AllocList(Vec<(u32, u32)>),
    /// Index into the literal table.
    Literal(u32),
    /// A register with a type from the Type chunk (OTP 25).
    TypedReg { reg: Box<Operand>, type_index: u32 },
}

/// Why operand decoding stopped (the caller adds the chunk and offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompactError {
    Truncated,
    BadTag,
    TooLarge,
    BadExtended(u8),
}

pub const TAG_U: u8 = 0;
pub const TAG_I: u8 = 1;
pub const TAG_A: u8 = 2;
pub const TAG_X: u8 = 3;
pub const TAG_Y: u8 = 4;
pub const TAG_F: u8 = 5;
pub const TAG_H: u8 = 6;
pub const TAG_Z: u8 = 7;

/// Longest list or allocation list we accept (bounded by the input anyway).
const MAX_LIST: u64 = 1 << 24;

pub struct Reader<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
}

/// A raw tagged number: tag, and the value as big-endian bytes or a u64.
enum Raw {
    Small(u64),
    Big(Vec<u8>),
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }
    fn byte(&mut self) -> Result<u8, CompactError> {
        let b = *self.bytes.get(self.pos).ok_or(CompactError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }
    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn raw(&mut self, first: u8) -> Result<Raw, CompactError> {
        if first & 0x08 == 0 {
            return Ok(Raw::Small((first >> 4) as u64));
        }
        if first & 0x10 == 0 {
            let lo = self.byte()? as u64;
            return Ok(Raw::Small((((first as u64) & 0xe0) << 3) | lo));
        }
        let mut n = (first >> 5) as usize + 2;
        if n == 9 {
            let b = self.byte()?;
            let len = match self.raw(b)? {
                Raw::Small(v) if b & 0x07 == TAG_U => v,
                _ => return Err(CompactError::BadTag),
            };
            n = usize::try_from(len).map_err(|_| CompactError::TooLarge)?.checked_add(9).ok_or(CompactError::TooLarge)?;
        }
        if self.bytes.len() - self.pos < n {
            return Err(CompactError::Truncated);
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(Raw::Big(s.to_vec()))
    }

    fn unsigned_of(r: Raw) -> Result<u64, CompactError> {
        match r {
            Raw::Small(v) => Ok(v),
            Raw::Big(b) => {
                // Leading zero bytes are allowed (a positive number with the top bit set).
                let sig: &[u8] = {
                    let z = b.iter().take_while(|&&x| x == 0).count();
                    &b[z..]
                };
                if sig.len() > 8 {
                    return Err(CompactError::TooLarge);
                }
                Ok(sig.iter().fold(0u64, |v, &x| (v << 8) | x as u64))
            }
        }
    }

    fn u32_of(r: Raw) -> Result<u32, CompactError> {
        u32::try_from(Self::unsigned_of(r)?).map_err(|_| CompactError::TooLarge)
    }

    /// Reads a tag-u number.
    pub fn unsigned(&mut self) -> Result<u64, CompactError> {
        let b = self.byte()?;
        if b & 0x07 != TAG_U {
            return Err(CompactError::BadTag);
        }
        Self::unsigned_of(self.raw(b)?)
    }

    /// Reads one operand.
    pub fn operand(&mut self) -> Result<Operand, CompactError> {
        let b = self.byte()?;
        let tag = b & 0x07;
        if tag == TAG_Z {
            return self.extended(b >> 4);
        }
        let raw = self.raw(b)?;
        Ok(match tag {
            TAG_U => Operand::Unsigned(Self::unsigned_of(raw)?),
            TAG_I => match raw {
                Raw::Small(v) => Operand::Integer(v as i64),
                Raw::Big(bytes) => integer_of(&bytes),
            },
            TAG_A => Operand::Atom(Self::u32_of(raw)?),
            TAG_X => Operand::X(Self::u32_of(raw)?),
            TAG_Y => Operand::Y(Self::u32_of(raw)?),
            TAG_F => Operand::Label(Self::u32_of(raw)?),
            TAG_H => Operand::Character(Self::u32_of(raw)?),
            _ => return Err(CompactError::BadTag),
        })
    }

    fn extended(&mut self, ext: u8) -> Result<Operand, CompactError> {
        match ext {
            1 => {
                let n = self.unsigned()?;
                if n > MAX_LIST || n as usize > self.bytes.len() - self.pos {
                    return Err(CompactError::TooLarge);
                }
                let mut v = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    v.push(self.operand()?);
                }
                Ok(Operand::List(v))
            }
            2 => {
                let b = self.byte()?;
                Ok(Operand::FloatReg(Self::u32_of(self.raw(b)?)?))
            }
            3 => {
                let n = self.unsigned()?;
                if n > MAX_LIST || n as usize > self.bytes.len() - self.pos {
                    return Err(CompactError::TooLarge);
                }
                let mut v = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    let kind = u32::try_from(self.unsigned()?).map_err(|_| CompactError::TooLarge)?;
                    let count = u32::try_from(self.unsigned()?).map_err(|_| CompactError::TooLarge)?;
                    v.push((kind, count));
                }
                Ok(Operand::AllocList(v))
            }
            4 => {
                let i = self.unsigned()?;
                Ok(Operand::Literal(u32::try_from(i).map_err(|_| CompactError::TooLarge)?))
            }
            5 => {
                let reg = self.operand()?;
                if !matches!(reg, Operand::X(_) | Operand::Y(_)) {
                    return Err(CompactError::BadExtended(5));
                }
                let t = self.unsigned()?;
                Ok(Operand::TypedReg { reg: Box::new(reg), type_index: u32::try_from(t).map_err(|_| CompactError::TooLarge)? })
            }
            e => Err(CompactError::BadExtended(e)),
        }
    }
}

/// A two's complement big-endian integer.
fn integer_of(bytes: &[u8]) -> Operand {
    let negative = bytes.first().is_some_and(|&b| b & 0x80 != 0);
    if bytes.len() <= 8 {
        let mut v: i64 = if negative { -1 } else { 0 };
        for &b in bytes {
            v = (v << 8) | b as i64;
        }
        return Operand::Integer(v);
    }
    // Magnitude of a two's complement number, little-endian.
    let mut le: Vec<u8> = bytes.iter().rev().copied().collect();
    if negative {
        // Negate: invert and add one.
        let mut carry = 1u16;
        for b in le.iter_mut() {
            let v = (!*b) as u16 + carry;
            *b = v as u8;
            carry = v >> 8;
        }
    }
    while le.last() == Some(&0) {
        le.pop();
    }
    if le.len() <= 8 {
        let mag = le.iter().rev().fold(0u64, |v, &b| (v << 8) | b as u64);
        if negative && mag <= i64::MAX as u64 + 1 {
            return Operand::Integer((mag as i64).wrapping_neg());
        }
        if !negative && mag <= i64::MAX as u64 {
            return Operand::Integer(mag as i64);
        }
    }
    Operand::BigInteger { negative, magnitude_le: le }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(bytes: &[u8]) -> Operand {
        let mut r = Reader::new(bytes);
        let o = r.operand().unwrap();
        assert!(r.at_end());
        o
    }

    #[test]
    fn small_and_medium_values() {
        assert_eq!(one(&[0x30 | TAG_X]), Operand::X(3));
        assert_eq!(one(&[0x08 | 0x20 | TAG_U, 0x10]), Operand::Unsigned(0x110));
        assert_eq!(one(&[0x18 | TAG_I, 0xff, 0xfe]), Operand::Integer(-2));
        assert_eq!(one(&[0x18 | TAG_I, 0x00, 0x80]), Operand::Integer(128));
    }

    #[test]
    fn truncation_is_an_error() {
        let mut r = Reader::new(&[0x18 | TAG_I, 0xff]);
        assert_eq!(r.operand(), Err(CompactError::Truncated));
        let mut r = Reader::new(&[0x17, 0x10]);
        assert!(r.operand().is_err());
    }
}
