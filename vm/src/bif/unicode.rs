//! BIFs of `unicode` (being written).
use super::BifEntry;

pub const BIFS: &[BifEntry] = &[];
