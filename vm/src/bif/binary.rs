//! BIFs of `binary` (being written).
use super::BifEntry;

pub const BIFS: &[BifEntry] = &[];
