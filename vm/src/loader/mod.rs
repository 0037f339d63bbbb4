//! Loading .beam files: `beam_file` parses and validates the container and its chunks into a
//! `BeamFile`; `load` translates its generic instructions into the VM's own [`Instr`]s with
//! every operand resolved. Corrupt input is an error value naming chunk and offset, never a
//! panic.
//!
//! [`Instr`]: crate::emu::instr::Instr

pub mod beam_file;
pub mod compact;
pub mod genop;
mod literals;
mod load;

pub use literals::LiteralArena;
pub use load::load;

use core::fmt;

/// Why a module could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The container or a chunk is malformed.
    BadFile(beam_file::BeamFileError),
    /// A literal's external term format is invalid.
    BadLiteral { index: usize },
    /// An instruction's operands do not fit its opcode.
    BadInstruction { opcode: u8, offset: usize, what: &'static str },
    /// A label operand names no label.
    BadLabel { label: u32 },
    /// An opcode we know but cannot execute.
    UnsupportedOpcode { opcode: u8, name: &'static str },
    /// No .beam for the module on the code path.
    NotFound,
    /// The file defines another module than the one asked for.
    WrongModuleName,
    /// An old version still exists (load_module without purge).
    NotPurged,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::BadFile(e) => write!(f, "{}", e),
            LoadError::BadLiteral { index } => write!(f, "literal {} has invalid external term format", index),
            LoadError::BadInstruction { opcode, offset, what } => {
                write!(f, "instruction {} (opcode {}) at op {}: {}", genop::name(*opcode), opcode, offset, what)
            }
            LoadError::BadLabel { label } => write!(f, "undefined label {}", label),
            LoadError::UnsupportedOpcode { opcode, name } => write!(f, "unsupported opcode {} ({})", opcode, name),
            LoadError::NotFound => write!(f, "module not found on the code path"),
            LoadError::WrongModuleName => write!(f, "module name in file differs from the file name"),
            LoadError::NotPurged => write!(f, "old code not purged"),
        }
    }
}

impl From<beam_file::BeamFileError> for LoadError {
    fn from(e: beam_file::BeamFileError) -> Self {
        LoadError::BadFile(e)
    }
}
