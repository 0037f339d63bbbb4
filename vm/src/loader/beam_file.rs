//! Parsing and validating a .beam file (erts/emulator/beam/beam_file.c).
//!
//! The container is IFF: `FOR1`, a big-endian size, `BEAM`, then chunks (4-byte id, 4-byte
//! size, data padded to 4 bytes). Every chunk the loader needs is parsed into [`BeamFile`];
//! unknown chunks are kept raw. Any malformed input is a [`BeamFileError`] naming the chunk,
//! the problem and the offset; nothing here panics or allocates more than the input justifies.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::compact::{CompactError, Operand, Reader};
use super::genop;

/// Why a .beam file was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeamFileError {
    NotBeam,
    /// A chunk runs past the end of the file.
    Truncated { chunk: [u8; 4], offset: usize },
    /// A chunk's content is malformed.
    BadChunk { chunk: [u8; 4], offset: usize, what: &'static str },
    MissingChunk { chunk: [u8; 4] },
    UnknownOpcode { opcode: u8, offset: usize },
    BadOperand { opcode: u8, offset: usize, what: &'static str },
    LiteralInflateFailed { offset: usize },
}

impl fmt::Display for BeamFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |c: &[u8; 4]| String::from_utf8_lossy(c).into_owned();
        match self {
            BeamFileError::NotBeam => write!(f, "not a BEAM file (no FOR1/BEAM header)"),
            BeamFileError::Truncated { chunk, offset } => {
                write!(f, "chunk {} truncated at offset {}", name(chunk), offset)
            }
            BeamFileError::BadChunk { chunk, offset, what } => {
                write!(f, "chunk {} at offset {}: {}", name(chunk), offset, what)
            }
            BeamFileError::MissingChunk { chunk } => write!(f, "missing chunk {}", name(chunk)),
            BeamFileError::UnknownOpcode { opcode, offset } => {
                write!(f, "Code chunk: unknown opcode {} at offset {}", opcode, offset)
            }
            BeamFileError::BadOperand { opcode, offset, what } => {
                write!(f, "Code chunk: {} (opcode {}) at offset {}: {}", genop::name(*opcode), opcode, offset, what)
            }
            BeamFileError::LiteralInflateFailed { offset } => {
                write!(f, "chunk LitT at offset {}: zlib data does not inflate", offset)
            }
        }
    }
}

pub struct Import {
    pub module: u32,
    pub function: u32,
    pub arity: u32,
}
pub struct ExportEntry {
    pub function: u32,
    pub arity: u32,
    pub label: u32,
}
pub struct FunEntry {
    pub function: u32,
    pub arity: u32,
    pub label: u32,
    pub index: u32,
    pub num_free: u32,
    pub old_uniq: u32,
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineItem {
    /// Index into `line_files` (0 = the module's own `<module>.erl`).
    pub file_index: u32,
    pub line: u32,
}
pub struct GenericOp {
    pub opcode: u8,
    pub args: Vec<Operand>,
}
pub struct Code {
    pub instruction_set: u32,
    pub max_opcode: u32,
    pub label_count: u32,
    pub function_count: u32,
    pub ops: Vec<GenericOp>,
}

/// A parsed .beam file. Atom indices in imports/exports/funs are 1-based as in the file.
pub struct BeamFile {
    pub atoms: Vec<String>,
    pub imports: Vec<Import>,
    pub exports: Vec<ExportEntry>,
    pub locals: Vec<ExportEntry>,
    pub funs: Vec<FunEntry>,
    /// Each literal's external term format (without the 131 version byte).
    pub literals: Vec<Vec<u8>>,
    pub strings: Vec<u8>,
    /// Item 0 is "no location".
    pub lines: Vec<LineItem>,
    /// `line_files[0]` is `<module>.erl`, then the Line chunk's names.
    pub line_files: Vec<String>,
    pub attributes: Option<Vec<u8>>,
    pub compile_info: Option<Vec<u8>>,
    pub code: Code,
    pub md5: [u8; 16],
    /// Chunks kept raw (Type, Meta, Dbgi, Docs, ExCk, unknown ones).
    pub other_chunks: Vec<([u8; 4], Vec<u8>)>,
}

struct Cursor<'a> {
    chunk: [u8; 4],
    b: &'a [u8],
    pos: usize,
    /// Offset of `b` in the file, for error messages.
    base: usize,
}

impl<'a> Cursor<'a> {
    fn new(chunk: [u8; 4], b: &'a [u8], base: usize) -> Cursor<'a> {
        Cursor { chunk, b, pos: 0, base }
    }
    fn trunc(&self) -> BeamFileError {
        BeamFileError::Truncated { chunk: self.chunk, offset: self.base + self.pos }
    }
    fn bad(&self, what: &'static str) -> BeamFileError {
        BeamFileError::BadChunk { chunk: self.chunk, offset: self.base + self.pos, what }
    }
    fn u32(&mut self) -> Result<u32, BeamFileError> {
        let s = self.b.get(self.pos..self.pos + 4).ok_or_else(|| self.trunc())?;
        self.pos += 4;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u16(&mut self) -> Result<u16, BeamFileError> {
        let s = self.b.get(self.pos..self.pos + 2).ok_or_else(|| self.trunc())?;
        self.pos += 2;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }
    fn u8(&mut self) -> Result<u8, BeamFileError> {
        let v = *self.b.get(self.pos).ok_or_else(|| self.trunc())?;
        self.pos += 1;
        Ok(v)
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], BeamFileError> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.trunc())?;
        let s = self.b.get(self.pos..end).ok_or_else(|| self.trunc())?;
        self.pos = end;
        Ok(s)
    }
    fn remaining(&self) -> usize {
        self.b.len() - self.pos
    }
    /// A count whose items take at least `item_size` bytes each: checked against the input.
    fn count(&mut self, item_size: usize) -> Result<usize, BeamFileError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(item_size) > self.remaining() {
            return Err(self.bad("count larger than the chunk"));
        }
        Ok(n)
    }
}

/// Splits the IFF container into `(id, data, offset)` chunks.
fn chunks(bytes: &[u8]) -> Result<Vec<([u8; 4], &[u8], usize)>, BeamFileError> {
    if bytes.len() < 12 || &bytes[0..4] != b"FOR1" || &bytes[8..12] != b"BEAM" {
        return Err(BeamFileError::NotBeam);
    }
    let size = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let end = (size.saturating_add(8)).min(bytes.len());
    let mut out = Vec::new();
    let mut pos = 12;
    while pos + 8 <= end {
        let id: [u8; 4] = [bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]];
        let len = u32::from_be_bytes([bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]]) as usize;
        let start = pos + 8;
        let stop = start.checked_add(len).filter(|&s| s <= bytes.len()).ok_or(BeamFileError::Truncated { chunk: id, offset: start })?;
        out.push((id, &bytes[start..stop], start));
        pos = start + ((len + 3) & !3);
    }
    Ok(out)
}

fn parse_atoms(c: &mut Cursor, utf8: bool) -> Result<Vec<String>, BeamFileError> {
    let raw = c.u32()? as i32;
    let mut atoms = Vec::new();
    if raw < 0 {
        // OTP 26+: lengths in the compact encoding.
        let n = raw.unsigned_abs() as usize;
        if n > c.remaining() {
            return Err(c.bad("atom count larger than the chunk"));
        }
        for _ in 0..n {
            let mut r = Reader::new(&c.b[c.pos..]);
            let len = r.unsigned().map_err(|_| c.bad("bad atom length"))? as usize;
            c.pos += r.pos;
            let b = c.bytes(len)?;
            atoms.push(String::from(core::str::from_utf8(b).map_err(|_| c.bad("atom is not UTF-8"))?));
        }
        return Ok(atoms);
    }
    let n = raw as usize;
    if n > c.remaining() {
        return Err(c.bad("atom count larger than the chunk"));
    }
    for _ in 0..n {
        let len = c.u8()? as usize;
        let b = c.bytes(len)?;
        let s = if utf8 {
            String::from(core::str::from_utf8(b).map_err(|_| c.bad("atom is not UTF-8"))?)
        } else {
            b.iter().map(|&x| x as char).collect()
        };
        atoms.push(s);
    }
    Ok(atoms)
}

fn check_atom(c: &Cursor, i: u32, n_atoms: usize) -> Result<u32, BeamFileError> {
    if i == 0 || i as usize > n_atoms {
        return Err(c.bad("atom index out of range"));
    }
    Ok(i)
}

fn parse_triples(c: &mut Cursor, n_atoms: usize) -> Result<Vec<ExportEntry>, BeamFileError> {
    let n = c.count(12)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let function = c.u32()?;
        check_atom(c, function, n_atoms)?;
        v.push(ExportEntry { function, arity: c.u32()?, label: c.u32()? });
    }
    Ok(v)
}

fn parse_literals(c: &mut Cursor) -> Result<Vec<Vec<u8>>, BeamFileError> {
    let size = c.u32()? as usize;
    let data = &c.b[c.pos..];
    // A zlib stream expands at most ~1032x; refuse claims beyond that.
    if size > data.len().saturating_mul(1032).saturating_add(64) {
        return Err(c.bad("uncompressed size implausible"));
    }
    let raw = if size == 0 && data.len() >= 4 {
        data.to_vec()
    } else {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, size)
            .map_err(|_| BeamFileError::LiteralInflateFailed { offset: c.base + c.pos })?
    };
    let mut r = Cursor::new(*b"LitT", &raw, 0);
    let n = r.count(4)?;
    let mut lits = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.u32()? as usize;
        let b = r.bytes(len)?;
        let b = if b.first() == Some(&131) { &b[1..] } else { b };
        lits.push(b.to_vec());
    }
    Ok(lits)
}

fn parse_lines(c: &mut Cursor, module: &str) -> Result<(Vec<LineItem>, Vec<String>), BeamFileError> {
    let mut files = Vec::new();
    files.push(alloc::format!("{}.erl", module));
    let version = c.u32()?;
    if version != 0 {
        return Ok((Vec::new(), files));
    }
    let _flags = c.u32()?;
    let _instr_count = c.u32()?;
    let item_count = c.count(1)?;
    let name_count = c.count(2)?;
    let mut items = Vec::with_capacity(item_count + 1);
    items.push(LineItem { file_index: 0, line: 0 });
    let mut file_index = 0u32;
    let mut r = Reader::new(&c.b[c.pos..]);
    while items.len() < item_count + 1 {
        match r.operand().map_err(|_| c.bad("bad line item"))? {
            Operand::Atom(i) => {
                if i as usize > name_count {
                    return Err(c.bad("line file index out of range"));
                }
                file_index = i;
            }
            Operand::Integer(l) if l >= 0 => items.push(LineItem { file_index, line: l as u32 }),
            Operand::Unsigned(l) => items.push(LineItem { file_index, line: l as u32 }),
            _ => return Err(c.bad("bad line item tag")),
        }
    }
    c.pos += r.pos;
    for _ in 0..name_count {
        let len = c.u16()? as usize;
        let b = c.bytes(len)?;
        let name = String::from(core::str::from_utf8(b).map_err(|_| c.bad("file name is not UTF-8"))?);
        files.push(if name.is_empty() { files[0].clone() } else { name });
    }
    Ok((items, files))
}

fn parse_code(c: &mut Cursor) -> Result<Code, BeamFileError> {
    let header_size = c.u32()? as usize;
    let start = c.pos;
    let instruction_set = c.u32()?;
    let max_opcode = c.u32()?;
    let label_count = c.u32()?;
    let function_count = c.u32()?;
    if header_size < 16 {
        return Err(c.bad("code header too short"));
    }
    c.pos = start.checked_add(header_size).filter(|&p| p <= c.b.len()).ok_or_else(|| c.trunc())?;
    if instruction_set != 0 {
        return Err(c.bad("unknown instruction set"));
    }
    let code = &c.b[c.pos..];
    let base = c.base + c.pos;
    let mut r = Reader::new(code);
    let mut ops = Vec::new();
    while !r.at_end() {
        let at = base + r.pos;
        let opcode = code[r.pos];
        r.pos += 1;
        if opcode == 0 || opcode as u32 > max_opcode.max(genop::MAX_OPCODE as u32) || !genop::known(opcode) {
            return Err(BeamFileError::UnknownOpcode { opcode, offset: at });
        }
        let n = genop::arity(opcode);
        let mut args = Vec::with_capacity(n);
        for _ in 0..n {
            let o = r.operand().map_err(|e| BeamFileError::BadOperand {
                opcode,
                offset: base + r.pos,
                what: match e {
                    CompactError::Truncated => "operand truncated",
                    CompactError::BadTag => "bad operand tag",
                    CompactError::TooLarge => "operand too large",
                    CompactError::BadExtended(_) => "bad extended operand",
                },
            })?;
            args.push(o);
        }
        let end = opcode == genop::op::INT_CODE_END;
        ops.push(GenericOp { opcode, args });
        if end {
            break;
        }
    }
    Ok(Code { instruction_set, max_opcode, label_count, function_count, ops })
}

/// Parses and validates a .beam file.
pub fn parse(bytes: &[u8]) -> Result<BeamFile, BeamFileError> {
    let all = chunks(bytes)?;
    let find = |id: &[u8; 4]| all.iter().find(|(i, _, _)| i == id).map(|&(i, d, o)| (i, d, o));
    let (atoms, atom_chunk) = match (find(b"AtU8"), find(b"Atom")) {
        (Some((id, d, o)), _) => (parse_atoms(&mut Cursor::new(id, d, o), true)?, d),
        (None, Some((id, d, o))) => (parse_atoms(&mut Cursor::new(id, d, o), false)?, d),
        _ => return Err(BeamFileError::MissingChunk { chunk: *b"AtU8" }),
    };
    if atoms.is_empty() {
        return Err(BeamFileError::BadChunk { chunk: *b"AtU8", offset: 0, what: "no module name" });
    }
    let n_atoms = atoms.len();
    let (id, code_data, off) = find(b"Code").ok_or(BeamFileError::MissingChunk { chunk: *b"Code" })?;
    let code = parse_code(&mut Cursor::new(id, code_data, off))?;
    let (id, imp_data, off) = find(b"ImpT").ok_or(BeamFileError::MissingChunk { chunk: *b"ImpT" })?;
    let mut c = Cursor::new(id, imp_data, off);
    let n = c.count(12)?;
    let mut imports = Vec::with_capacity(n);
    for _ in 0..n {
        let module = check_atom(&c, c.clone_u32()?, n_atoms)?;
        c.pos += 4;
        let function = check_atom(&c, c.clone_u32()?, n_atoms)?;
        c.pos += 4;
        imports.push(Import { module, function, arity: c.u32()? });
    }
    let (id, exp_data, off) = find(b"ExpT").ok_or(BeamFileError::MissingChunk { chunk: *b"ExpT" })?;
    let exports = parse_triples(&mut Cursor::new(id, exp_data, off), n_atoms)?;
    let locals = match find(b"LocT") {
        Some((id, d, o)) => parse_triples(&mut Cursor::new(id, d, o), n_atoms)?,
        None => Vec::new(),
    };
    let strings = find(b"StrT").map(|(_, d, _)| d.to_vec()).unwrap_or_default();
    let mut funs = Vec::new();
    let fun_data = find(b"FunT");
    if let Some((id, d, o)) = fun_data {
        let mut c = Cursor::new(id, d, o);
        let n = c.count(24)?;
        for _ in 0..n {
            let function = check_atom(&c, c.clone_u32()?, n_atoms)?;
            c.pos += 4;
            funs.push(FunEntry {
                function,
                arity: c.u32()?,
                label: c.u32()?,
                index: c.u32()?,
                num_free: c.u32()?,
                old_uniq: c.u32()?,
            });
        }
    }
    let literals = match find(b"LitT") {
        Some((id, d, o)) => parse_literals(&mut Cursor::new(id, d, o))?,
        None => Vec::new(),
    };
    let (lines, line_files) = match find(b"Line") {
        Some((id, d, o)) => parse_lines(&mut Cursor::new(id, d, o), &atoms[0])?,
        None => (Vec::new(), alloc::vec![alloc::format!("{}.erl", atoms[0])]),
    };
    let attributes = find(b"Attr").map(|(_, d, _)| d.to_vec());
    let compile_info = find(b"CInf").map(|(_, d, _)| d.to_vec());
    let md5 = module_md5(atom_chunk, code_data, find(b"StrT").map(|c| c.1), imp_data, exp_data, fun_data.map(|c| c.1), find(b"LitT").map(|c| c.1), find(b"Meta").map(|c| c.1));
    let known: [&[u8; 4]; 11] = [b"AtU8", b"Atom", b"Code", b"ImpT", b"ExpT", b"LocT", b"StrT", b"FunT", b"LitT", b"Line", b"Attr"];
    let other_chunks = all
        .iter()
        .filter(|(id, _, _)| !known.contains(&id) && id != b"CInf")
        .map(|(id, d, _)| (*id, d.to_vec()))
        .collect();
    Ok(BeamFile {
        atoms,
        imports,
        exports,
        locals,
        funs,
        literals,
        strings,
        lines,
        line_files,
        attributes,
        compile_info,
        code,
        md5,
        other_chunks,
    })
}

impl Cursor<'_> {
    fn clone_u32(&self) -> Result<u32, BeamFileError> {
        let s = self.b.get(self.pos..self.pos + 4).ok_or_else(|| self.trunc())?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
}

/// The module checksum as the loader computes it (beam_file.c): atoms, code, strings,
/// imports, exports, lambdas with OldUniq zeroed, literals, meta.
#[allow(clippy::too_many_arguments, reason = "one argument per chunk, in checksum order")]
fn module_md5(
    atoms: &[u8],
    code: &[u8],
    strings: Option<&[u8]>,
    imports: &[u8],
    exports: &[u8],
    funs: Option<&[u8]>,
    literals: Option<&[u8]>,
    meta: Option<&[u8]>,
) -> [u8; 16] {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    h.update(atoms);
    h.update(code);
    h.update(strings.unwrap_or(&[]));
    h.update(imports);
    h.update(exports);
    if let Some(f) = funs.filter(|f| f.len() >= 4) {
        h.update(&f[..4]);
        let mut rest = &f[4..];
        while rest.len() >= 24 {
            h.update(&rest[..20]);
            h.update([0u8; 4]);
            rest = &rest[24..];
        }
    }
    if let Some(l) = literals {
        h.update(l);
    }
    if let Some(m) = meta {
        h.update(m);
    }
    h.finalize().into()
}
