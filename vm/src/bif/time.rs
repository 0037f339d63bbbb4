//! BIFs of `time` (being written).
use super::BifEntry;

pub const BIFS: &[BifEntry] = &[];
