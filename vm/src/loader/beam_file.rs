//! Parsing and validating a .beam file (erts `beam_file.c`), without loading anything.
//!
//! The container is IFF: `FOR1`, a big-endian form size, `BEAM`, then chunks, each a 4-byte id,
//! a 4-byte big-endian size and that many bytes padded to a multiple of 4. [`parse`] turns the
//! chunks into a [`BeamFile`]: atoms, the Code chunk decoded into [`GenericOp`]s (operands in
//! the compact encoding, see [`super::compact`]), the import, export, local and fun tables, the
//! literal table inflated and split (each literal kept as external term format bytes), the
//! line table, and the rest raw. It checks what the file alone can tell: every count against
//! the bytes present, atom, literal, type and line indices, labels (in range, defined once,
//! every reference and export defined), opcodes against the genop table and the file's own
//! maximum. A file that erts 25 loads parses here; the loader checks the rest (operand kinds
//! per instruction, BIF and string ranges).
//!
//! Untrusted input: no panics, no arithmetic on file sizes without a check, and no allocation
//! larger than the bytes that back it (a zlib stream inflates to at most the size it declares).
//! Every failure is a [`BeamFileError`] naming the chunk, the problem and the file offset.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::compact::{CompactError, Operand, Reader};
use super::genop::{self, op};

/// A chunk's 4-byte id, e.g. `*b"Code"`.
pub type ChunkId = [u8; 4];

/// Registers (x, y, float) above this are refused, as erts does (`MAX_REG`).
pub const MAX_REG: u32 = 1024;

/// The most arguments a function, BIF or fun may take (erts `MAX_ARG`).
pub const MAX_ARG: u32 = 255;

/// The longest atom, in characters (erts `MAX_ATOM_CHARACTERS`).
pub const MAX_ATOM_CHARACTERS: usize = 255;

/// The Type chunk format this parser validates (OTP 25, `BEAM_TYPES_VERSION`): 18 bytes per type.
pub const TYPES_VERSION: u32 = 1;
const TYPE_ENTRY_BYTES: usize = 18;

/// Why a .beam file was rejected. Offsets are byte offsets from the start of the file, except
/// in [`BeamFileError::BadLiteralTable`] (offset into the inflated table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeamFileError {
    /// The file does not start with `FOR1`, a size and `BEAM`.
    NotBeam,
    /// Data ends before what `chunk` (or `FOR1` for the container) says is there.
    Truncated { chunk: ChunkId, offset: usize },
    /// A chunk's content is malformed.
    BadChunk { chunk: ChunkId, offset: usize, what: &'static str },
    /// An index (atom, label, literal, register, type, line) beyond its table.
    IndexOutOfRange { chunk: ChunkId, offset: usize, what: &'static str, index: u64, limit: u64 },
    /// A required chunk (atoms, Code, ImpT, ExpT) is absent.
    MissingChunk { chunk: ChunkId },
    /// An opcode that is 0 or above [`genop::MAX_OPCODE`].
    UnknownOpcode { opcode: u8, offset: usize },
    /// An opcode above the maximum the Code header declares.
    OpcodeAboveMax { opcode: u8, max_opcode: u32, offset: usize },
    /// An operand that does not decode; `offset` is where the operand starts.
    BadOperand { opcode: u8, offset: usize, error: CompactError },
    /// An operand that decodes but breaks a rule (e.g. a label/1 operand that is not tagged u).
    BadInstruction { opcode: u8, offset: usize, what: &'static str },
    /// A label defined twice.
    DuplicateLabel { label: u32, offset: usize },
    /// A label used (by an operand, export, local or fun) but never defined.
    UndefinedLabel { chunk: ChunkId, label: u32, offset: usize },
    /// The LitT zlib stream is corrupt or inflates to more than it declares.
    LiteralInflateFailed { offset: usize },
    /// The inflated literal table is malformed; `offset` is into the inflated bytes.
    BadLiteralTable { offset: usize, what: &'static str },
}

/// The chunk id as text: ASCII as is, other bytes as `?`.
struct ChunkName<'a>(&'a ChunkId);

impl fmt::Display for ChunkName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.0 {
            let c = if b.is_ascii_graphic() || b == b' ' { b as char } else { '?' };
            write!(f, "{}", c)?;
        }
        Ok(())
    }
}

impl fmt::Display for BeamFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use BeamFileError::*;
        match self {
            NotBeam => write!(f, "not a BEAM file (no FOR1/BEAM header)"),
            Truncated { chunk, offset } => {
                write!(f, "chunk {}: data ends early at offset {}", ChunkName(chunk), offset)
            }
            BadChunk { chunk, offset, what } => write!(f, "chunk {} at offset {}: {}", ChunkName(chunk), offset, what),
            IndexOutOfRange { chunk, offset, what, index, limit } => write!(
                f,
                "chunk {} at offset {}: {} {} out of range (limit {})",
                ChunkName(chunk),
                offset,
                what,
                index,
                limit
            ),
            MissingChunk { chunk } => write!(f, "required chunk {} is missing", ChunkName(chunk)),
            UnknownOpcode { opcode, offset } => write!(f, "chunk Code at offset {}: unknown opcode {}", offset, opcode),
            OpcodeAboveMax { opcode, max_opcode, offset } => write!(
                f,
                "chunk Code at offset {}: opcode {} ({}) above the declared maximum {}",
                offset,
                opcode,
                genop::name(*opcode),
                max_opcode
            ),
            BadOperand { opcode, offset, error } => write!(
                f,
                "chunk Code at offset {}: operand of {} (opcode {}): {}",
                offset,
                genop::name(*opcode),
                opcode,
                error
            ),
            BadInstruction { opcode, offset, what } => {
                write!(f, "chunk Code at offset {}: {} (opcode {}): {}", offset, genop::name(*opcode), opcode, what)
            }
            DuplicateLabel { label, offset } => {
                write!(f, "chunk Code at offset {}: label {} defined twice", offset, label)
            }
            UndefinedLabel { chunk, label, offset } => {
                write!(f, "chunk {} at offset {}: label {} is never defined", ChunkName(chunk), offset, label)
            }
            LiteralInflateFailed { offset } => {
                write!(f, "chunk LitT at offset {}: the zlib stream does not inflate to the declared size", offset)
            }
            BadLiteralTable { offset, what } => {
                write!(f, "chunk LitT: inflated literal table at offset {}: {}", offset, what)
            }
        }
    }
}

/// An ImpT entry: `module:function/arity`, atom indices 1-based into [`BeamFile::atoms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import {
    pub module: u32,
    pub function: u32,
    pub arity: u32,
}

/// An ExpT or LocT entry: function atom (1-based), arity and entry label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportEntry {
    pub function: u32,
    pub arity: u32,
    pub label: u32,
}

/// A FunT entry. `arity` counts the free variables too; `index` is the fun's number in the
/// module and `old_uniq` the legacy hash (excluded from the module md5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunEntry {
    pub function: u32,
    pub arity: u32,
    pub label: u32,
    pub index: u32,
    pub num_free: u32,
    pub old_uniq: u32,
}

/// One line-table location. `lines[0]` is "no location" (file 0, line 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineItem {
    /// Index into [`BeamFile::line_files`] (0 = `<module>.erl`).
    pub file_index: u32,
    pub line: u32,
}

/// One generic instruction with its operands decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericOp {
    pub opcode: u8,
    /// As many as [`genop::OPCODES`] says; a list operand is one [`Operand::List`].
    pub args: Vec<Operand>,
    /// Offset of the opcode byte in the file.
    pub offset: usize,
}

/// The Code chunk: its header and its instructions, ending with `int_code_end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// Always 0 (`BEAM_FORMAT_NUMBER`).
    pub instruction_set: u32,
    /// The highest opcode the file uses, as its header declares.
    pub max_opcode: u32,
    /// One more than the highest label number.
    pub label_count: u32,
    /// The number of functions (`func_info` instructions).
    pub function_count: u32,
    /// Every instruction up to and including `int_code_end`.
    pub ops: Vec<GenericOp>,
}

/// The Type chunk (OTP 25+): header plus raw entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeTable {
    pub version: u32,
    pub count: u32,
    /// The entries, undecoded (18 bytes each in version [`TYPES_VERSION`]).
    pub entries: Vec<u8>,
}

/// A chunk kept as raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawChunk {
    pub id: ChunkId,
    pub data: Vec<u8>,
}

/// A parsed and validated .beam file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeamFile {
    /// The atom table; `atoms[0]` is the module name. Atom index `i` (1-based, as in the file
    /// and in [`Operand::Atom`]) is `atoms[i - 1]`.
    pub atoms: Vec<String>,
    pub imports: Vec<Import>,
    pub exports: Vec<ExportEntry>,
    /// LocT (absent in stripped files: then empty).
    pub locals: Vec<ExportEntry>,
    pub funs: Vec<FunEntry>,
    /// Each literal's external term format exactly as stored, starting with the version
    /// byte 131 (as `term_to_binary` gives it).
    pub literals: Vec<Vec<u8>>,
    /// StrT (empty when absent).
    pub strings: Vec<u8>,
    /// The line table; `lines[0]` is "no location". Only that entry when the file has no Line
    /// chunk or one of a version other than 0 (erts ignores those too).
    pub lines: Vec<LineItem>,
    /// `line_files[0]` is `<module>.erl`, then the Line chunk's file names (an empty name
    /// stands for `<module>.erl`, as in erts).
    pub line_files: Vec<String>,
    /// The Line chunk's flags word (0 when absent).
    pub line_flags: u32,
    /// Attr: external term format of the attribute list.
    pub attributes: Option<Vec<u8>>,
    /// CInf: external term format of the compile info.
    pub compile_info: Option<Vec<u8>>,
    pub types: Option<TypeTable>,
    pub code: Code,
    /// The module checksum, equal to `Mod:module_info(md5)` and `beam_lib:md5/1`.
    pub md5: [u8; 16],
    /// Every other chunk in file order (Meta, Dbgi, Docs, ExCk, unknown ones).
    pub other_chunks: Vec<RawChunk>,
}

impl BeamFile {
    pub fn module_name(&self) -> &str {
        self.atoms.first().map_or("", |s| s.as_str())
    }

    /// The atom with 1-based index `index`; `None` for 0 (nil) and beyond the table.
    pub fn atom(&self, index: u32) -> Option<&str> {
        let i = usize::try_from(index).ok()?.checked_sub(1)?;
        self.atoms.get(i).map(|s| s.as_str())
    }

    /// The raw bytes of a chunk kept in [`BeamFile::other_chunks`].
    pub fn other_chunk(&self, id: &ChunkId) -> Option<&[u8]> {
        self.other_chunks.iter().find(|c| &c.id == id).map(|c| c.data.as_slice())
    }
}

/// A chunk's data and where it starts in the file.
#[derive(Clone, Copy)]
struct ChunkRef<'a> {
    id: ChunkId,
    data: &'a [u8],
    offset: usize,
}

/// Reads big-endian fields from one chunk, reporting absolute file offsets.
struct Cursor<'a> {
    chunk: ChunkId,
    bytes: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Cursor<'a> {
    fn new(chunk: ChunkRef<'a>) -> Cursor<'a> {
        Cursor { chunk: chunk.id, bytes: chunk.data, pos: 0, base: chunk.offset }
    }

    fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    fn truncated(&self) -> BeamFileError {
        BeamFileError::Truncated { chunk: self.chunk, offset: self.offset() }
    }

    fn bad(&self, what: &'static str) -> BeamFileError {
        BeamFileError::BadChunk { chunk: self.chunk, offset: self.offset(), what }
    }

    fn out_of_range(&self, what: &'static str, index: u64, limit: u64) -> BeamFileError {
        BeamFileError::IndexOutOfRange { chunk: self.chunk, offset: self.offset(), what, index, limit }
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    fn bytes(&mut self, count: usize) -> Result<&'a [u8], BeamFileError> {
        let end = self.pos.checked_add(count).ok_or_else(|| self.truncated())?;
        let slice = self.bytes.get(self.pos..end).ok_or_else(|| self.truncated())?;
        self.pos = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, BeamFileError> {
        Ok(self.bytes(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, BeamFileError> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, BeamFileError> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn skip(&mut self, count: usize) -> Result<(), BeamFileError> {
        self.bytes(count).map(|_| ())
    }

    /// A u32 count of entries of at least `entry_bytes` each, checked against the bytes left,
    /// so that reserving `count` entries is backed by input.
    fn count(&mut self, entry_bytes: usize) -> Result<usize, BeamFileError> {
        let count = self.u32()? as usize;
        if count.saturating_mul(entry_bytes) > self.remaining() {
            return Err(self.truncated());
        }
        Ok(count)
    }

    /// A 1-based atom index into a table of `atom_count` atoms.
    fn atom_index(&mut self, atom_count: usize) -> Result<u32, BeamFileError> {
        let at = self.pos;
        let index = self.u32()?;
        if index == 0 || index as usize > atom_count {
            self.pos = at;
            return Err(self.out_of_range("atom index", u64::from(index), atom_count as u64 + 1));
        }
        Ok(index)
    }
}

/// Splits the IFF container into its chunks, in file order.
fn split_chunks(bytes: &[u8]) -> Result<Vec<ChunkRef<'_>>, BeamFileError> {
    let (Some(b"FOR1"), Some(size), Some(b"BEAM")) = (bytes.get(0..4), bytes.get(4..8), bytes.get(8..12)) else {
        return Err(BeamFileError::NotBeam);
    };
    let form_size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
    // The form holds "BEAM" and the chunks; bytes after it are ignored, as erts does.
    let form_end = form_size
        .checked_add(8)
        .filter(|&end| end <= bytes.len() && end >= 12)
        .ok_or(BeamFileError::Truncated { chunk: *b"FOR1", offset: bytes.len().min(12) })?;
    let mut chunks = Vec::new();
    let mut pos = 12usize;
    while pos < form_end {
        let header = bytes.get(pos..pos.saturating_add(8)).filter(|_| pos + 8 <= form_end);
        let Some(header) = header else {
            return Err(BeamFileError::Truncated { chunk: *b"FOR1", offset: pos });
        };
        let id = [header[0], header[1], header[2], header[3]];
        let size = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let start = pos + 8;
        // Chunk storage is padded to 4 bytes; the padding must be there too (as erts requires).
        let stored = size.checked_add(3).map(|s| s & !3);
        let end = stored.and_then(|s| start.checked_add(s)).filter(|&end| end <= form_end);
        let (Some(end), Some(data)) = (end, bytes.get(start..start.saturating_add(size))) else {
            return Err(BeamFileError::Truncated { chunk: id, offset: start });
        };
        chunks.push(ChunkRef { id, data, offset: start });
        pos = end;
    }
    Ok(chunks)
}

/// The chunks by id; when an id repeats, the last one counts (as in erts).
struct Chunks<'a> {
    all: Vec<ChunkRef<'a>>,
}

impl<'a> Chunks<'a> {
    fn get(&self, id: &ChunkId) -> Option<ChunkRef<'a>> {
        self.all.iter().rev().find(|c| &c.id == id).copied()
    }

    fn require(&self, id: &ChunkId) -> Result<ChunkRef<'a>, BeamFileError> {
        self.get(id).ok_or(BeamFileError::MissingChunk { chunk: *id })
    }
}

/// The chunks [`parse`] decodes into fields of [`BeamFile`]; the others stay raw.
const PARSED_CHUNKS: [&ChunkId; 13] = [
    b"AtU8", b"Atom", b"Code", b"StrT", b"ImpT", b"ExpT", b"LocT", b"FunT", b"LitT", b"Line", b"Attr", b"CInf", b"Type",
];

/// Parses and validates a .beam file.
pub fn parse(bytes: &[u8]) -> Result<BeamFile, BeamFileError> {
    let chunks = Chunks { all: split_chunks(bytes)? };
    let atoms = match (chunks.get(b"AtU8"), chunks.get(b"Atom")) {
        (Some(c), _) => parse_atoms(c, true)?,
        (None, Some(c)) => parse_atoms(c, false)?,
        (None, None) => return Err(BeamFileError::MissingChunk { chunk: *b"AtU8" }),
    };
    let code_chunk = chunks.require(b"Code")?;
    let imports = parse_imports(chunks.require(b"ImpT")?, atoms.len())?;
    let exports_chunk = chunks.require(b"ExpT")?;
    let exports = parse_exports(exports_chunk, atoms.len())?;
    let locals = chunks.get(b"LocT").map(|c| parse_exports(c, atoms.len())).transpose()?.unwrap_or_default();
    let funs = chunks.get(b"FunT").map(|c| parse_funs(c, atoms.len())).transpose()?.unwrap_or_default();
    let literals = chunks.get(b"LitT").map(parse_literals).transpose()?.unwrap_or_default();
    let types = chunks.get(b"Type").map(parse_types).transpose()?;
    let module = atoms.first().map_or("", |s| s.as_str());
    let line_table = match chunks.get(b"Line") {
        Some(c) => parse_lines(c, module)?,
        None => LineTable::empty(module),
    };
    let limits = Limits {
        atom_count: atoms.len(),
        literal_count: literals.len(),
        type_count: types.as_ref().filter(|t| t.version == TYPES_VERSION).map(|t| t.count),
        line_count: if line_table.present { Some(line_table.items.len()) } else { None },
    };
    let code = parse_code(code_chunk, &limits)?;
    let defined = check_labels(&code)?;
    check_entry_labels(exports_chunk, exports.iter().map(|e| e.label), &defined)?;
    if let Some(c) = chunks.get(b"LocT") {
        check_entry_labels(c, locals.iter().map(|e| e.label), &defined)?;
    }
    if let Some(c) = chunks.get(b"FunT") {
        check_entry_labels(c, funs.iter().map(|f| f.label), &defined)?;
    }
    let md5 = module_md5(&chunks);
    let other_chunks = chunks
        .all
        .iter()
        .filter(|c| !PARSED_CHUNKS.contains(&&c.id))
        .map(|c| RawChunk { id: c.id, data: c.data.to_vec() })
        .collect();
    Ok(BeamFile {
        atoms,
        imports,
        exports,
        locals,
        funs,
        literals,
        strings: chunks.get(b"StrT").map(|c| c.data.to_vec()).unwrap_or_default(),
        lines: line_table.items,
        line_files: line_table.files,
        line_flags: line_table.flags,
        attributes: chunks.get(b"Attr").map(|c| c.data.to_vec()),
        compile_info: chunks.get(b"CInf").map(|c| c.data.to_vec()),
        types,
        code,
        md5,
        other_chunks,
    })
}

/// AtU8 (UTF-8) or the pre-OTP-21 Atom (Latin-1). A negative count (OTP 28) means each
/// length is compact-encoded instead of one byte.
fn parse_atoms(chunk: ChunkRef<'_>, utf8: bool) -> Result<Vec<String>, BeamFileError> {
    let mut c = Cursor::new(chunk);
    let raw_count = c.u32()? as i32;
    let long_lengths = raw_count < 0;
    let count = raw_count.unsigned_abs() as usize;
    if count == 0 {
        return Err(c.bad("no atoms (the module name is atom 1)"));
    }
    if count > c.remaining() {
        return Err(c.truncated());
    }
    let mut atoms = Vec::with_capacity(count);
    for _ in 0..count {
        let length = if long_lengths {
            let mut reader = Reader::new(c.rest());
            let length = reader.read_unsigned().map_err(|_| c.bad("bad atom length"))?;
            c.skip(reader.position())?;
            usize::try_from(length).map_err(|_| c.truncated())?
        } else {
            usize::from(c.u8()?)
        };
        let at = c.pos;
        let name = c.bytes(length)?;
        let atom = if utf8 {
            String::from(core::str::from_utf8(name).map_err(|_| {
                c.pos = at;
                c.bad("atom is not valid UTF-8")
            })?)
        } else {
            name.iter().map(|&b| char::from(b)).collect()
        };
        if atom.chars().count() > MAX_ATOM_CHARACTERS {
            c.pos = at;
            return Err(c.bad("atom longer than 255 characters"));
        }
        atoms.push(atom);
    }
    Ok(atoms)
}

fn arity(c: &mut Cursor<'_>) -> Result<u32, BeamFileError> {
    let arity = c.u32()?;
    if arity > MAX_ARG {
        c.pos = c.pos.saturating_sub(4);
        return Err(c.out_of_range("arity", u64::from(arity), u64::from(MAX_ARG) + 1));
    }
    Ok(arity)
}

fn parse_imports(chunk: ChunkRef<'_>, atom_count: usize) -> Result<Vec<Import>, BeamFileError> {
    let mut c = Cursor::new(chunk);
    let count = c.count(12)?;
    let mut imports = Vec::with_capacity(count);
    for _ in 0..count {
        let module = c.atom_index(atom_count)?;
        let function = c.atom_index(atom_count)?;
        imports.push(Import { module, function, arity: arity(&mut c)? });
    }
    Ok(imports)
}

/// ExpT or LocT. Labels are checked against the code later.
fn parse_exports(chunk: ChunkRef<'_>, atom_count: usize) -> Result<Vec<ExportEntry>, BeamFileError> {
    let mut c = Cursor::new(chunk);
    let count = c.count(12)?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let function = c.atom_index(atom_count)?;
        let arity = arity(&mut c)?;
        entries.push(ExportEntry { function, arity, label: c.u32()? });
    }
    Ok(entries)
}

fn parse_funs(chunk: ChunkRef<'_>, atom_count: usize) -> Result<Vec<FunEntry>, BeamFileError> {
    let mut c = Cursor::new(chunk);
    // The md5 covers whole 24-byte entries only, so erts refuses any other size.
    if chunk.data.len() < 4 || !(chunk.data.len() - 4).is_multiple_of(24) {
        return Err(c.bad("size is not 4 + 24 * entries"));
    }
    let count = c.count(24)?;
    let mut funs = Vec::with_capacity(count);
    for _ in 0..count {
        let function = c.atom_index(atom_count)?;
        let arity = arity(&mut c)?;
        let label = c.u32()?;
        let index = c.u32()?;
        let num_free = c.u32()?;
        if num_free > arity {
            c.pos = c.pos.saturating_sub(4);
            return Err(c.bad("fun has more free variables than arguments"));
        }
        funs.push(FunEntry { function, arity, label, index, num_free, old_uniq: c.u32()? });
    }
    Ok(funs)
}

/// LitT: the inflated size, then a zlib stream of: count, then count × (u32 size, ETF bytes).
/// A declared size of 0 (OTP 28 for small tables) means the table follows uncompressed.
fn parse_literals(chunk: ChunkRef<'_>) -> Result<Vec<Vec<u8>>, BeamFileError> {
    let mut c = Cursor::new(chunk);
    let inflated_size = c.u32()? as usize;
    let stream_offset = c.offset();
    let table: Box<[u8]> = if inflated_size == 0 {
        c.rest().into()
    } else {
        // Inflating grows the output with the data actually produced, up to the declared size,
        // so a lying size field cannot make it allocate more than the stream yields.
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(c.rest(), inflated_size)
            .map_err(|_| BeamFileError::LiteralInflateFailed { offset: stream_offset })?
            .into_boxed_slice()
    };
    split_literals(&table)
}

fn split_literals(table: &[u8]) -> Result<Vec<Vec<u8>>, BeamFileError> {
    let bad = |offset, what| BeamFileError::BadLiteralTable { offset, what };
    let mut c = Cursor { chunk: *b"LitT", bytes: table, pos: 0, base: 0 };
    let count = c.count(4).map_err(|_| bad(0, "literal count larger than the table"))?;
    let mut literals = Vec::with_capacity(count);
    for _ in 0..count {
        let at = c.pos;
        let size = c.u32().map_err(|_| bad(at, "literal table ends early"))? as usize;
        let term = c.bytes(size).map_err(|_| bad(at, "literal runs past the table"))?;
        if term.first() != Some(&131) {
            return Err(bad(at + 4, "literal does not start with the external term format version 131"));
        }
        literals.push(term.to_vec());
    }
    Ok(literals)
}

fn parse_types(chunk: ChunkRef<'_>) -> Result<TypeTable, BeamFileError> {
    let mut c = Cursor::new(chunk);
    let version = c.u32()?;
    let count = c.u32()?;
    let entries = c.rest();
    if version == TYPES_VERSION {
        if count == 0 {
            return Err(c.bad("type table without the \"any\" entry"));
        }
        if (count as usize).checked_mul(TYPE_ENTRY_BYTES) != Some(entries.len()) {
            return Err(c.bad("type table size is not 18 bytes per entry"));
        }
    }
    Ok(TypeTable { version, count, entries: entries.to_vec() })
}

struct LineTable {
    /// Whether a version-0 Line chunk was read (its indices are then checked).
    present: bool,
    flags: u32,
    items: Vec<LineItem>,
    files: Vec<String>,
}

impl LineTable {
    fn empty(module: &str) -> LineTable {
        LineTable {
            present: false,
            flags: 0,
            items: alloc::vec![LineItem { file_index: 0, line: 0 }],
            files: alloc::vec![alloc::format!("{}.erl", module)],
        }
    }
}

/// Line: version, flags, instruction count, item count, name count, the items in the compact
/// encoding (a = switch to file n, i = a line in the current file), then the names (u16
/// length + UTF-8).
fn parse_lines(chunk: ChunkRef<'_>, module: &str) -> Result<LineTable, BeamFileError> {
    let mut table = LineTable::empty(module);
    let mut c = Cursor::new(chunk);
    if c.u32()? != 0 {
        return Ok(table); // An unknown version: erts ignores the table.
    }
    table.present = true;
    table.flags = c.u32()?;
    let _line_instruction_count = c.u32()?;
    let item_count = c.count(1)?;
    let name_count = c.u32()? as usize;
    table.items.reserve(item_count);
    let mut file_index = 0u32;
    while table.items.len() <= item_count {
        let mut reader = Reader::new(c.rest());
        let item = reader.read_operand().map_err(|_| c.bad("bad line item"))?;
        match item {
            Operand::Atom(index) if index as usize <= name_count => file_index = index,
            Operand::Atom(index) => {
                return Err(c.out_of_range("line file index", u64::from(index), name_count as u64 + 1))
            }
            Operand::Integer(line) => {
                let line = u32::try_from(line).map_err(|_| c.bad("line number out of range"))?;
                table.items.push(LineItem { file_index, line });
            }
            _ => return Err(c.bad("line item is neither a file (a) nor a line (i)")),
        }
        c.skip(reader.position())?;
    }
    if name_count.saturating_mul(2) > c.remaining() {
        return Err(c.truncated());
    }
    table.files.reserve(name_count);
    for _ in 0..name_count {
        let length = usize::from(c.u16()?);
        let at = c.pos;
        let name = core::str::from_utf8(c.bytes(length)?).map_err(|_| {
            c.pos = at;
            c.bad("file name is not valid UTF-8")
        })?;
        let name = if name.is_empty() { table.files[0].clone() } else { String::from(name) };
        table.files.push(name);
    }
    Ok(table)
}

/// The sizes operand indices are checked against.
struct Limits {
    atom_count: usize,
    literal_count: usize,
    /// `None` when the Type chunk is absent or of another version (erts then ignores types).
    type_count: Option<u32>,
    /// Number of line items including item 0; `None` without a usable Line chunk.
    line_count: Option<usize>,
}

/// Code: sub-header size, then (instruction set, max opcode, label count, function count,
/// anything newer), then the instructions.
fn parse_code(chunk: ChunkRef<'_>, limits: &Limits) -> Result<Code, BeamFileError> {
    let mut c = Cursor::new(chunk);
    let header_size = c.u32()? as usize;
    let header_at = c.pos;
    let mut header = Cursor { chunk: *b"Code", bytes: c.bytes(header_size)?, pos: 0, base: c.base + header_at };
    let instruction_set = header.u32()?;
    let max_opcode = header.u32()?;
    let label_count = header.u32()?;
    let function_count = header.u32()?;
    if instruction_set != 0 {
        return Err(header.bad("unknown instruction set (format number is not 0)"));
    }
    // Label numbers are dense and each definition takes at least two bytes of code, so a
    // larger count is corrupt (and would make the label table an unbacked allocation).
    if label_count as usize > c.remaining().saturating_add(1) {
        return Err(header.bad("label count larger than the code could define"));
    }
    let code = Code { instruction_set, max_opcode, label_count, function_count, ops: Vec::new() };
    decode_instructions(c, code, limits)
}

fn decode_instructions(c: Cursor<'_>, mut code: Code, limits: &Limits) -> Result<Code, BeamFileError> {
    let base = c.offset();
    let mut reader = Reader::new(c.rest());
    let mut functions = 0u32;
    loop {
        let offset = base + reader.position();
        let opcode = reader.read_u8().map_err(|_| BeamFileError::Truncated { chunk: *b"Code", offset })?;
        let info = genop::info(opcode).ok_or(BeamFileError::UnknownOpcode { opcode, offset })?;
        if u32::from(opcode) > code.max_opcode {
            return Err(BeamFileError::OpcodeAboveMax { opcode, max_opcode: code.max_opcode, offset });
        }
        let mut args = Vec::with_capacity(usize::from(info.arity));
        for _ in 0..info.arity {
            let at = base + reader.position();
            let operand = reader.read_operand().map_err(|error| match error {
                CompactError::Truncated => BeamFileError::Truncated { chunk: *b"Code", offset: at },
                error => BeamFileError::BadOperand { opcode, offset: at, error },
            })?;
            check_operand(&operand, opcode, at, &code, limits)?;
            args.push(operand);
        }
        if opcode == op::FUNC_INFO {
            functions += 1;
            if functions > code.function_count {
                let what = "more functions than the header declares";
                return Err(BeamFileError::BadInstruction { opcode, offset, what });
            }
        }
        code.ops.push(GenericOp { opcode, args, offset });
        if opcode == op::INT_CODE_END {
            // Anything after int_code_end is ignored, as in erts.
            return Ok(code);
        }
    }
}

/// Checks one operand's indices against the module's tables.
fn check_operand(
    operand: &Operand,
    opcode: u8,
    offset: usize,
    code: &Code,
    limits: &Limits,
) -> Result<(), BeamFileError> {
    let out_of_range = |what, index: u32, limit: u64| {
        Err(BeamFileError::IndexOutOfRange { chunk: *b"Code", offset, what, index: u64::from(index), limit })
    };
    match operand {
        Operand::Atom(i) if *i as usize > limits.atom_count => {
            out_of_range("atom index", *i, limits.atom_count as u64 + 1)
        }
        Operand::X(r) | Operand::Y(r) | Operand::FloatReg(r) if *r >= MAX_REG => {
            out_of_range("register", *r, u64::from(MAX_REG))
        }
        Operand::Label(l) if *l >= code.label_count => out_of_range("label", *l, u64::from(code.label_count)),
        Operand::Literal(i) if *i as usize >= limits.literal_count => {
            out_of_range("literal index", *i, limits.literal_count as u64)
        }
        Operand::TypedReg { reg, type_index } => {
            if let Some(count) = limits.type_count.filter(|count| type_index >= count) {
                return out_of_range("type index", *type_index, u64::from(count));
            }
            check_operand(reg, opcode, offset, code, limits)
        }
        Operand::List(items) => items.iter().try_for_each(|item| check_operand(item, opcode, offset, code, limits)),
        Operand::Unsigned(i) if opcode == op::LINE => match limits.line_count {
            Some(count) if *i >= count as u64 => Err(BeamFileError::IndexOutOfRange {
                chunk: *b"Code",
                offset,
                what: "line index",
                index: *i,
                limit: count as u64,
            }),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Label definitions: a bit per label number below `label_count`.
struct DefinedLabels {
    bits: Vec<u64>,
}

impl DefinedLabels {
    fn contains(&self, label: u32) -> bool {
        let i = label as usize;
        self.bits.get(i / 64).is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }
}

/// Checks that each `label/1` defines a label in range exactly once and that every label
/// operand refers to a defined label.
fn check_labels(code: &Code) -> Result<DefinedLabels, BeamFileError> {
    let mut defined = DefinedLabels { bits: alloc::vec![0u64; (code.label_count as usize).div_ceil(64)] };
    for op in code.ops.iter().filter(|op| op.opcode == op::LABEL) {
        let label = match op.args.first() {
            Some(Operand::Unsigned(n)) if *n > 0 && *n < u64::from(code.label_count) => *n as u32,
            Some(Operand::Unsigned(_)) => {
                let what = "label number 0 or not below the label count";
                return Err(BeamFileError::BadInstruction { opcode: op.opcode, offset: op.offset, what });
            }
            _ => {
                let what = "label operand is not tagged u";
                return Err(BeamFileError::BadInstruction { opcode: op.opcode, offset: op.offset, what });
            }
        };
        if defined.contains(label) {
            return Err(BeamFileError::DuplicateLabel { label, offset: op.offset });
        }
        if let Some(word) = defined.bits.get_mut(label as usize / 64) {
            *word |= 1u64 << (label % 64);
        }
    }
    for op in &code.ops {
        for arg in &op.args {
            check_label_use(arg, op.offset, &defined)?;
        }
    }
    Ok(defined)
}

fn check_label_use(operand: &Operand, offset: usize, defined: &DefinedLabels) -> Result<(), BeamFileError> {
    match operand {
        Operand::Label(l) if *l != 0 && !defined.contains(*l) => {
            Err(BeamFileError::UndefinedLabel { chunk: *b"Code", label: *l, offset })
        }
        Operand::List(items) => items.iter().try_for_each(|item| check_label_use(item, offset, defined)),
        _ => Ok(()),
    }
}

fn check_entry_labels(
    chunk: ChunkRef<'_>,
    labels: impl Iterator<Item = u32>,
    defined: &DefinedLabels,
) -> Result<(), BeamFileError> {
    for (i, label) in labels.enumerate() {
        if !defined.contains(label) {
            // Entries start after the 4-byte count; the label is their last field but one
            // (FunT) or last (ExpT, LocT): point at the entry.
            let entry_bytes = if chunk.id == *b"FunT" { 24 } else { 12 };
            let offset = chunk.offset.saturating_add(4).saturating_add(i.saturating_mul(entry_bytes));
            return Err(BeamFileError::UndefinedLabel { chunk: chunk.id, label, offset });
        }
    }
    Ok(())
}

/// The module checksum, as `beam_lib:md5/1` and the erts loader compute it: MD5 over the data
/// (without padding) of Atom, AtU8, Code, StrT, ImpT, ExpT, FunT, LitT and Meta, in that order,
/// those present; in FunT each entry's last word (OldUniq) counts as zero. LitT counts as
/// stored (compressed).
fn module_md5(chunks: &Chunks<'_>) -> [u8; 16] {
    use md5::{Digest, Md5};
    let mut hasher = Md5::new();
    for id in [b"Atom", b"AtU8", b"Code", b"StrT", b"ImpT", b"ExpT"] {
        if let Some(c) = chunks.get(id) {
            hasher.update(c.data);
        }
    }
    if let Some(c) = chunks.get(b"FunT") {
        // parse_funs has checked the size is 4 + 24 * n.
        let (count, entries) = c.data.split_at(4.min(c.data.len()));
        hasher.update(count);
        for entry in entries.chunks(24) {
            hasher.update(entry.get(..20).unwrap_or(entry));
            hasher.update([0u8; 4]);
        }
    }
    for id in [b"LitT", b"Meta"] {
        if let Some(c) = chunks.get(id) {
            hasher.update(c.data);
        }
    }
    hasher.finalize().into()
}
