//! The literal area of a module: blocks of words that collections never copy.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use crate::terms::Alloc;

const BLOCK_WORDS: usize = 4096;

/// Bump allocation in blocks that never move; handed to the module when loading ends.
pub struct LiteralArena {
    pub blocks: Vec<Box<[u64]>>,
    used: usize,
}

impl Default for LiteralArena {
    fn default() -> Self {
        Self::new()
    }
}

impl LiteralArena {
    pub fn new() -> LiteralArena {
        LiteralArena { blocks: Vec::new(), used: 0 }
    }
}

impl Alloc for LiteralArena {
    fn alloc_words(&mut self, n: usize) -> *mut u64 {
        let fits = self.blocks.last().is_some_and(|b| b.len() - self.used >= n);
        if !fits {
            self.blocks.push(vec![0u64; n.max(BLOCK_WORDS)].into_boxed_slice());
            self.used = 0;
        }
        let b = self.blocks.last_mut().expect("a block");
        // SAFETY: used + n <= len by the check above.
        let p = unsafe { b.as_mut_ptr().add(self.used) };
        self.used += n;
        p
    }
    fn note_off_heap(&mut self, _obj: *mut u64) {
        // Literal binaries live as long as the module (their counts are never released).
    }
}
