//! STUB
use alloc::string::String;
use alloc::vec::Vec;
use super::compact::Operand;
#[derive(Debug)] pub struct BeamFileError;
impl core::fmt::Display for BeamFileError { fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result { write!(f, "stub") } }
pub struct Import { pub module: u32, pub function: u32, pub arity: u32 }
pub struct ExportEntry { pub function: u32, pub arity: u32, pub label: u32 }
pub struct FunEntry { pub function: u32, pub arity: u32, pub label: u32, pub index: u32, pub num_free: u32, pub old_uniq: u32 }
pub struct LineItem { pub file_index: u32, pub line: u32 }
pub struct GenericOp { pub opcode: u8, pub args: Vec<Operand> }
pub struct Code { pub ops: Vec<GenericOp> }
pub struct BeamFile { pub atoms: Vec<String>, pub imports: Vec<Import>, pub exports: Vec<ExportEntry>, pub funs: Vec<FunEntry>, pub literals: Vec<Vec<u8>>, pub strings: Vec<u8>, pub lines: Vec<LineItem>, pub line_files: Vec<String>, pub attributes: Option<Vec<u8>>, pub compile_info: Option<Vec<u8>>, pub code: Code, pub md5: [u8; 16] }
pub fn parse(_b: &[u8]) -> Result<BeamFile, BeamFileError> { Err(BeamFileError) }
