//! `prim_buffer`: the NIFs of OTP's `prim_buffer.erl` (`erts/emulator/nifs/common/
//! prim_buffer_nif.c`), the byte queue prim_file keeps its read-ahead in.
//!
//! A buffer is a reference tagged [`BUFFER_TAG`] whose number keys the VM's [`Buffers`] table.
//! ERTS frees a buffer when its resource term becomes garbage; here it lives until the process
//! that created it exits (a process that opens many raw files keeps one small empty buffer per
//! file until then).

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use beamos_gc::Term;

use super::{badarg, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("prim_buffer", "new", 0, new_0),
    bif("prim_buffer", "size", 1, size_1),
    bif("prim_buffer", "peek_head", 1, peek_head_1),
    bif("prim_buffer", "copying_read", 2, copying_read_2),
    bif("prim_buffer", "write", 2, write_2),
    bif("prim_buffer", "skip", 2, skip_2),
    bif("prim_buffer", "find_byte_index", 2, find_byte_index_2),
    bif("prim_buffer", "try_lock", 1, try_lock_1),
    bif("prim_buffer", "unlock", 1, unlock_1),
];

/// Buffer references carry this tag in the high half of their id ("PBUF").
const BUFFER_TAG: u64 = 0x5042_5546;

#[derive(Default)]
pub struct Buffer {
    creator: u64,
    segments: VecDeque<Vec<u8>>,
    /// Bytes of the first segment already consumed.
    offset: usize,
    size: usize,
    locked: bool,
}

impl Buffer {
    /// Copies the first `n` bytes out (n <= size) and drops them.
    fn take(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let first = &self.segments[0][self.offset..];
            let k = first.len().min(n - out.len());
            out.extend_from_slice(&first[..k]);
            self.drop_front(k);
        }
        out
    }

    /// Drops the first `n` bytes (n <= size).
    fn drop_front(&mut self, mut n: usize) {
        self.size -= n;
        while n > 0 {
            let left = self.segments[0].len() - self.offset;
            if n < left {
                self.offset += n;
                return;
            }
            n -= left;
            self.segments.pop_front();
            self.offset = 0;
        }
    }
}

/// The buffers of a VM, by number.
pub type Buffers = super::Objects<Buffer>;

/// A process ended: the buffers it created go.
pub fn owner_exited(vm: &crate::vm::Vm, pid: Term) {
    let mut map = vm.prim_buffers.map.lock();
    if !map.is_empty() {
        let n = pid.pid_number();
        map.retain(|_, b| b.creator != n);
    }
}

fn with_buffer(ctx: &mut Ctx, t: Term, f: impl FnOnce(&mut Ctx, &mut Buffer) -> BifResult) -> BifResult {
    let n = terms::tagged_ref_number(t, BUFFER_TAG).ok_or_else(badarg)?;
    let vm = ctx.vm;
    let mut map = vm.prim_buffers.map.lock();
    let b = map.get_mut(&n).ok_or_else(badarg)?;
    f(ctx, b)
}

/// `enif_get_uint64`.
fn get_u64(t: Term) -> Result<usize, Exc> {
    let v = match t.as_small() {
        Some(v) => u64::try_from(v).ok(),
        None => terms::to_bigint(t).and_then(|b| u64::try_from(b).ok()),
    };
    v.map(|v| usize::try_from(v).unwrap_or(usize::MAX)).ok_or_else(badarg)
}

fn new_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let n = ctx.vm.prim_buffers.next_id();
    let b = Buffer { creator: ctx.proc.pid.pid_number(), ..Buffer::default() };
    ctx.vm.prim_buffers.map.lock().insert(n, b);
    Ok(terms::tagged_reference(ctx.heap(), BUFFER_TAG, n))
}

fn size_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_buffer(ctx, a[0], |ctx, b| Ok(terms::int_from_i128(ctx.heap(), b.size as i128)))
}

fn peek_head_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_buffer(ctx, a[0], |ctx, b| {
        let head = b.segments.front().ok_or_else(badarg)?;
        Ok(terms::binary(ctx.heap(), &head[b.offset..]))
    })
}

fn copying_read_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let n = get_u64(a[1]);
    with_buffer(ctx, a[0], |ctx, b| {
        let n = n?;
        if n > b.size {
            return Err(badarg());
        }
        let bytes = b.take(n);
        Ok(terms::binary(ctx.heap(), &bytes))
    })
}

fn write_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mut segments = Vec::new();
    let mut l = a[1];
    while let Some((h, tl)) = terms::cons_parts(l) {
        segments.push(terms::binary_bytes(h).ok_or_else(badarg)?);
        l = tl;
    }
    if !l.is_nil() {
        return Err(badarg());
    }
    with_buffer(ctx, a[0], |_, b| {
        for s in segments.into_iter().filter(|s| !s.is_empty()) {
            b.size += s.len();
            b.segments.push_back(s.to_vec());
        }
        Ok(am::OK)
    })
}

fn skip_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let n = get_u64(a[1]);
    with_buffer(ctx, a[0], |_, b| {
        let n = n?;
        if n > b.size {
            return Err(badarg());
        }
        b.drop_front(n);
        Ok(am::OK)
    })
}

fn find_byte_index_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let needle = a[1].as_small().and_then(|v| i32::try_from(v).ok());
    with_buffer(ctx, a[0], |ctx, b| {
        let needle = needle.ok_or_else(badarg)?;
        let needle = u8::try_from(needle).map_err(|_| badarg())?;
        let mut base = 0;
        for (i, s) in b.segments.iter().enumerate() {
            let s = if i == 0 { &s[b.offset..] } else { &s[..] };
            if let Some(at) = s.iter().position(|&c| c == needle) {
                let idx = terms::int_from_i128(ctx.heap(), (base + at) as i128);
                return Ok(terms::tuple(ctx.heap(), &[am::OK, idx]));
            }
            base += s.len();
        }
        Ok(atom::atom("not_found"))
    })
}

fn try_lock_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_buffer(ctx, a[0], |_, b| {
        if b.locked {
            return Ok(atom::atom("busy"));
        }
        b.locked = true;
        Ok(atom::atom("acquired"))
    })
}

fn unlock_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_buffer(ctx, a[0], |_, b| {
        if !b.locked {
            return Err(Exc::Error(atom::atom("lock_order_violation")));
        }
        b.locked = false;
        Ok(am::OK)
    })
}
