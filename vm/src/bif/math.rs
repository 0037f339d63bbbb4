//! BIFs of `math` (being written).
use super::BifEntry;

pub const BIFS: &[BifEntry] = &[];
