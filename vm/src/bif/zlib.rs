//! `zlib`: the NIF functions of OTP's `zlib.erl` (`erts/emulator/nifs/common/zlib_nif.c`) as
//! BIFs. OTP's module stays the interface: it chunks the work (`deflate_nif/4` and
//! `inflate_nif/4` process at most 8 KiB of queued input and fill at most one output chunk per
//! call, answering `{continue, Out}`, `{finished, Out}` or `{need_dictionary, Adler, Out}`) and
//! keeps its progress in the stream's stash.
//!
//! A stream is a reference whose id carries [`ZLIB_TAG`], the stream number and the number of
//! the process that opened it; its state lives in the VM's [`Streams`] registry, usable only by
//! its controlling process, and is freed by `close/1` or when the controller exits (ERTS frees
//! it when the reference is garbage; nobody else can use it anyway). A stream missing from the
//! registry answers its creator as a closed stream and anyone else `not_on_controlling_process`;
//! one handed to another process that exits stays as a tombstone until its creator exits, so
//! the creator too is told `not_on_controlling_process` (see [`owner_exited`]).
//!
//! The deflate and inflate engines are miniz_oxide's, for raw deflate data only; the zlib and
//! gzip wrappers (headers, preset dictionaries, Adler-32/CRC-32 trailers, windowBits 8..15,
//! -8..-15, 24..31 and 40..47 for auto-detection) and the return codes of zlib's `deflate()`
//! and `inflate()` are emulated here, so inflating gives erl's results chunk for chunk, and
//! erl's errors (`data_error`, `stream_error`, `not_initialized`, ...) on corrupt input.
//!
//! Differences from erl, all in compressed bytes only (any zlib inflates ours):
//! - the compressed data is miniz's, not zlib's;
//! - deflate with windowBits below 15 (a window under 32 KiB) writes stored blocks, as miniz
//!   cannot limit match distances;
//! - a preset deflate dictionary is given to miniz as data compressed before the stream, its
//!   output discarded (it ends with a sync flush, so the real output starts on a byte boundary);
//! - deflateParams/3 starts a fresh compressor (after the sync flush zlib.erl does first), so
//!   matches do not reach across the change;
//! - miniz accepts a few malformed Huffman code tables zlib rejects (a lone code longer than one
//!   bit, a literal/length table without an end-of-block code).

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec;
use alloc::vec::Vec;
use beamos_gc::heap::Fragment;
use beamos_gc::Term;
use miniz_oxide::deflate::core::{
    compress_to_output, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use super::misc::{adler32_update, crc32_update};
use super::{badarg, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("zlib", "open_nif", 0, open_nif_0),
    bif("zlib", "close_nif", 1, close_nif_1),
    bif("zlib", "set_controller_nif", 2, set_controller_nif_2),
    bif("zlib", "deflateInit_nif", 6, deflate_init_nif_6),
    bif("zlib", "deflateSetDictionary_nif", 2, deflate_set_dictionary_nif_2),
    bif("zlib", "deflateReset_nif", 1, deflate_reset_nif_1),
    bif("zlib", "deflateEnd_nif", 1, deflate_end_nif_1),
    bif("zlib", "deflateParams_nif", 3, deflate_params_nif_3),
    bif("zlib", "deflate_nif", 4, deflate_nif_4),
    bif("zlib", "inflateInit_nif", 3, inflate_init_nif_3),
    bif("zlib", "inflateSetDictionary_nif", 2, inflate_set_dictionary_nif_2),
    bif("zlib", "inflateGetDictionary_nif", 1, inflate_get_dictionary_nif_1),
    bif("zlib", "inflateReset_nif", 1, inflate_reset_nif_1),
    bif("zlib", "inflateEnd_nif", 1, inflate_end_nif_1),
    bif("zlib", "inflate_nif", 4, inflate_nif_4),
    bif("zlib", "crc32_nif", 1, crc32_nif_1),
    bif("zlib", "getStash_nif", 1, get_stash_nif_1),
    bif("zlib", "clearStash_nif", 1, clear_stash_nif_1),
    bif("zlib", "setStash_nif", 2, set_stash_nif_2),
    bif("zlib", "getBufSize_nif", 1, get_buf_size_nif_1),
    bif("zlib", "setBufSize_nif", 2, set_buf_size_nif_2),
    bif("zlib", "enqueue_nif", 2, enqueue_nif_2),
];

// zlib's return and flush codes.
const Z_OK: i32 = 0;
const Z_STREAM_END: i32 = 1;
const Z_NEED_DICT: i32 = 2;
const Z_STREAM_ERROR: i32 = -2;
const Z_DATA_ERROR: i32 = -3;
const Z_MEM_ERROR: i32 = -4;
const Z_BUF_ERROR: i32 = -5;
const Z_NO_FLUSH: i32 = 0;
const Z_FULL_FLUSH: i32 = 3;
const Z_FINISH: i32 = 4;
const Z_BLOCK: i32 = 5;

const EOS_BEHAVIOR_ERROR: i32 = 0;
const EOS_BEHAVIOR_RESET: i32 = 1;
const EOS_BEHAVIOR_CUT: i32 = 2;

/// Stream references carry this tag in bits 64..96 (the creator's pid number is above it).
const ZLIB_TAG: u128 = 0x5a4c_4942 << 64;

// ---------------------------------------------------------------- registry

/// The open streams of a VM, by stream number.
pub type Streams = super::Objects<Stream>;

/// A process ended: the streams it controlled can no longer be used by anyone; free them.
/// A stream it was given by another process stays as a tombstone while that process lives
/// (which is then told `not_on_controlling_process`, not that the stream was closed; see
/// [`with_stream`]), and its own tombstones go.
pub fn owner_exited(vm: &crate::vm::Vm, pid: Term) {
    let mut map = vm.zlib.map.lock();
    if map.is_empty() {
        return;
    }
    let n = pid.pid_number() & 0xffff_ffff;
    map.retain(|_, s| {
        if s.controller == pid {
            if s.creator == n {
                return false;
            }
            *s = Stream { dead: true, ..Stream::new(pid, s.creator) };
            s.codec = Codec::Closed;
            return true;
        }
        !(s.dead && s.creator == n)
    });
}

enum Codec {
    None,
    Deflate(Box<Deflater>),
    Inflate(Box<Inflater>),
    Closed,
}

pub struct Stream {
    controller: Term,
    /// The pid number of the process that opened it (also in the reference).
    creator: u64,
    /// A tombstone: its controller exited.
    dead: bool,
    codec: Codec,
    eos_behavior: i32,
    eos_seen: bool,
    input_crc: u32,
    output_crc: u32,
    want_input_crc: bool,
    want_output_crc: bool,
    /// The output chunk size of the deprecated inflateChunk.
    buf_size: i32,
    queue: Queue,
    stash: Option<(Term, Fragment)>,
}

impl Stream {
    fn new(controller: Term, creator: u64) -> Stream {
        Stream {
            controller,
            creator,
            dead: false,
            codec: Codec::None,
            eos_behavior: EOS_BEHAVIOR_CUT,
            eos_seen: false,
            input_crc: 0,
            output_crc: 0,
            want_input_crc: false,
            want_output_crc: false,
            buf_size: 4000,
            queue: Queue::default(),
            stash: None,
        }
    }

    fn reset_input(&mut self) {
        self.queue = Queue::default();
        self.stash = None;
    }
}

/// The input queue (ERTS's ErlNifIOQueue): the binaries enqueued, in order.
#[derive(Default)]
struct Queue {
    segs: VecDeque<Vec<u8>>,
    /// Bytes of the first segment already consumed.
    off: usize,
    size: usize,
}

impl Queue {
    fn push(&mut self, b: Vec<u8>) {
        if !b.is_empty() {
            self.size += b.len();
            self.segs.push_back(b);
        }
    }

    fn seg(&self, i: usize) -> &[u8] {
        let s = &self.segs[i];
        if i == 0 {
            &s[self.off..]
        } else {
            s
        }
    }

    fn dequeue(&mut self, mut n: usize) {
        self.size -= n;
        while n > 0 {
            let left = self.segs[0].len() - self.off;
            if n >= left {
                n -= left;
                self.segs.pop_front();
                self.off = 0;
            } else {
                self.off += n;
                n = 0;
            }
        }
    }
}

// ---------------------------------------------------------------- deflate

#[derive(Clone, Copy, PartialEq)]
enum DStatus {
    Init,
    Gzip,
    Busy,
    Finish,
}

/// zlib's deflate stream over miniz's raw compressor; output waits in `pending`.
struct Deflater {
    comp: Box<CompressorOxide>,
    /// 0 raw, 1 zlib, 2 gzip; negated once the trailer is written.
    wrap: i32,
    wbits: i32,
    level: i32,
    strategy: i32,
    status: DStatus,
    last_flush: i32,
    pending: Vec<u8>,
    pending_pos: usize,
    /// Adler-32 (zlib) or CRC-32 (gzip) of the input.
    check: u32,
    total_in: u64,
    dict_id: Option<u32>,
    /// Input given without a flush since (zlib's `lookahead != 0`).
    lookahead: bool,
}

fn rank(f: i32) -> i32 {
    f * 2 - if f > 4 { 9 } else { 0 }
}

fn compressor(level: i32, wbits: i32, strategy: i32) -> Box<CompressorOxide> {
    // miniz cannot bound match distances below 32 KiB: stored blocks fit any window.
    let flags = if wbits < 15 {
        create_comp_flags_from_zip_params(0, -15, 0)
    } else {
        create_comp_flags_from_zip_params(level, -15, strategy)
    };
    Box::new(CompressorOxide::new(flags))
}

/// Compresses all of `input` with `flush`, handing the output to `out`.
fn run_miniz(comp: &mut CompressorOxide, mut input: &[u8], flush: TDEFLFlush, out: &mut dyn FnMut(&[u8])) -> bool {
    loop {
        let (st, used) = compress_to_output(comp, input, flush, |b| {
            out(b);
            true
        });
        input = &input[used.min(input.len())..];
        match st {
            TDEFLStatus::Done => return true,
            TDEFLStatus::Okay if input.is_empty() => return true,
            TDEFLStatus::Okay if used > 0 => {}
            _ => return false,
        }
    }
}

impl Deflater {
    /// zlib's deflateInit2 checks.
    fn new(level: i32, method: i32, window_bits: i32, mem_level: i32, strategy: i32) -> Result<Deflater, i32> {
        let level = if level == -1 { 6 } else { level };
        let (wrap, mut wbits) = if window_bits < 0 {
            if window_bits < -15 {
                return Err(Z_STREAM_ERROR);
            }
            (0, -window_bits)
        } else if window_bits > 15 {
            (2, window_bits - 16)
        } else {
            (1, window_bits)
        };
        if !(1..=9).contains(&mem_level)
            || method != 8
            || !(8..=15).contains(&wbits)
            || !(0..=9).contains(&level)
            || !(0..=4).contains(&strategy)
            || (wbits == 8 && wrap != 1)
        {
            return Err(Z_STREAM_ERROR);
        }
        if wbits == 8 {
            wbits = 9;
        }
        Ok(Deflater {
            comp: compressor(level, wbits, strategy),
            wrap,
            wbits,
            level,
            strategy,
            status: if wrap == 2 { DStatus::Gzip } else { DStatus::Init },
            last_flush: -2,
            pending: Vec::new(),
            pending_pos: 0,
            check: if wrap == 1 { 1 } else { 0 },
            total_in: 0,
            dict_id: None,
            lookahead: false,
        })
    }

    fn reset(&mut self) {
        let wrap = self.wrap.abs();
        *self = Deflater {
            comp: compressor(self.level, self.wbits, self.strategy),
            wrap,
            wbits: self.wbits,
            level: self.level,
            strategy: self.strategy,
            status: if wrap == 2 { DStatus::Gzip } else { DStatus::Init },
            last_flush: -2,
            pending: Vec::new(),
            pending_pos: 0,
            check: if wrap == 1 { 1 } else { 0 },
            total_in: 0,
            dict_id: None,
            lookahead: false,
        };
    }

    /// Moves pending output to `out[*op..]`; true if some is still pending.
    fn drain(&mut self, out: &mut [u8], op: &mut usize) -> bool {
        let n = (self.pending.len() - self.pending_pos).min(out.len() - *op);
        out[*op..*op + n].copy_from_slice(&self.pending[self.pending_pos..self.pending_pos + n]);
        *op += n;
        self.pending_pos += n;
        if self.pending_pos == self.pending.len() {
            self.pending.clear();
            self.pending_pos = 0;
            false
        } else {
            true
        }
    }

    fn has_pending(&self) -> bool {
        self.pending_pos < self.pending.len()
    }

    fn write_header(&mut self) {
        if self.status == DStatus::Init && self.wrap == 0 {
            self.status = DStatus::Busy;
        }
        if self.status == DStatus::Init {
            let level_flags = if self.strategy >= 2 || self.level < 2 {
                0
            } else if self.level < 6 {
                1
            } else if self.level == 6 {
                2
            } else {
                3
            };
            let mut header: u32 = (8 + (((self.wbits - 8) as u32) << 4)) << 8;
            header |= level_flags << 6;
            if self.dict_id.is_some() {
                header |= 0x20;
            }
            header += 31 - (header % 31);
            self.pending.extend_from_slice(&[(header >> 8) as u8, header as u8]);
            if let Some(id) = self.dict_id {
                self.pending.extend_from_slice(&id.to_be_bytes());
            }
            self.check = 1;
            self.status = DStatus::Busy;
        } else if self.status == DStatus::Gzip {
            let xfl = if self.level == 9 {
                2
            } else if self.strategy >= 2 || self.level < 2 {
                4
            } else {
                0
            };
            self.pending.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3]);
            self.status = DStatus::Busy;
        }
    }

    /// zlib's `deflate()`: compresses `input` (all of it, or none) into `out`.
    /// Returns (code, bytes consumed, bytes produced).
    fn deflate(&mut self, input: &[u8], out: &mut [u8], flush: i32) -> (i32, usize, usize) {
        if !(0..=Z_BLOCK).contains(&flush) || (self.status == DStatus::Finish && flush != Z_FINISH) {
            return (Z_STREAM_ERROR, 0, 0);
        }
        if out.is_empty() {
            return (Z_BUF_ERROR, 0, 0);
        }
        let mut op = 0;
        let old_flush = self.last_flush;
        self.last_flush = flush;
        if self.has_pending() {
            if self.drain(out, &mut op) {
                self.last_flush = -1;
                return (Z_OK, 0, op);
            }
        } else if input.is_empty() && rank(flush) <= rank(old_flush) && flush != Z_FINISH {
            return (Z_BUF_ERROR, 0, 0);
        }
        if self.status == DStatus::Finish && !input.is_empty() {
            return (Z_BUF_ERROR, 0, op);
        }
        if matches!(self.status, DStatus::Init | DStatus::Gzip) {
            self.write_header();
            if self.drain(out, &mut op) {
                self.last_flush = -1;
                return (Z_OK, 0, op);
            }
        }
        let mut consumed = 0;
        if !input.is_empty() || self.lookahead || (flush != Z_NO_FLUSH && self.status != DStatus::Finish) {
            let mode = match flush {
                Z_NO_FLUSH => TDEFLFlush::None,
                Z_FULL_FLUSH => TDEFLFlush::Full,
                Z_FINISH => TDEFLFlush::Finish,
                _ => TDEFLFlush::Sync,
            };
            let pending = &mut self.pending;
            if !run_miniz(&mut self.comp, input, mode, &mut |b| pending.extend_from_slice(b)) {
                return (Z_STREAM_ERROR, 0, op);
            }
            consumed = input.len();
            match self.wrap {
                1 => self.check = adler32_update(self.check, input),
                2 => self.check = crc32_update(self.check, input),
                _ => {}
            }
            self.total_in += input.len() as u64;
            self.lookahead = flush == Z_NO_FLUSH && (self.lookahead || !input.is_empty());
            if flush == Z_FINISH {
                self.status = DStatus::Finish;
            }
            if self.drain(out, &mut op) {
                self.last_flush = -1;
                return (Z_OK, consumed, op);
            }
        }
        if flush != Z_FINISH {
            return (Z_OK, consumed, op);
        }
        if self.wrap <= 0 {
            return (Z_STREAM_END, consumed, op);
        }
        if self.wrap == 2 {
            self.pending.extend_from_slice(&self.check.to_le_bytes());
            self.pending.extend_from_slice(&(self.total_in as u32).to_le_bytes());
        } else {
            self.pending.extend_from_slice(&self.check.to_be_bytes());
        }
        let left = self.drain(out, &mut op);
        self.wrap = -self.wrap;
        (if left { Z_OK } else { Z_STREAM_END }, consumed, op)
    }

    /// zlib's deflateSetDictionary: the checksum erl returns, or an error code.
    fn set_dictionary(&mut self, dict: &[u8]) -> Result<u32, i32> {
        if self.wrap == 2 || (self.wrap == 1 && self.status != DStatus::Init) || self.lookahead {
            return Err(Z_STREAM_ERROR);
        }
        // zlib_nif.c: zlib's own Adler-32 of the dictionary, or one started at 0 for raw streams.
        let checksum = if self.wrap == 1 { adler32_update(1, dict) } else { adler32_update(0, dict) };
        if !dict.is_empty() {
            if self.wrap == 1 {
                self.dict_id = Some(checksum);
            }
            let w = 1usize << self.wbits;
            let tail = &dict[dict.len().saturating_sub(w)..];
            if !run_miniz(&mut self.comp, tail, TDEFLFlush::Sync, &mut |_| {}) {
                return Err(Z_STREAM_ERROR);
            }
        }
        Ok(checksum)
    }

    /// zlib's deflateParams (after the sync flush zlib.erl does first).
    fn params(&mut self, level: i32, strategy: i32) -> i32 {
        let level = if level == -1 { 6 } else { level };
        if !(0..=9).contains(&level) || !(0..=4).contains(&strategy) {
            return Z_STREAM_ERROR;
        }
        if level != self.level || strategy != self.strategy {
            if self.lookahead || self.has_pending() {
                return Z_STREAM_ERROR;
            }
            self.level = level;
            self.strategy = strategy;
            if self.status != DStatus::Finish {
                self.comp = compressor(level, self.wbits, strategy);
            }
        }
        Z_OK
    }

    /// zlib's deflateEnd: a data error if the stream was started and not finished.
    fn end(&self) -> i32 {
        if self.status == DStatus::Busy {
            Z_DATA_ERROR
        } else {
            Z_OK
        }
    }
}

// ---------------------------------------------------------------- inflate

#[derive(Clone, Copy, PartialEq, Debug)]
enum IMode {
    Head,
    GzFlags,
    GzTime,
    GzOs,
    GzExLen,
    GzExtra,
    GzName,
    GzComment,
    GzHcrc,
    DictId,
    Dict,
    Body,
    Check,
    Length,
    Done,
    Bad,
}

/// zlib's inflate state machine: wrappers here, deflate blocks by miniz.
struct Inflater {
    /// Bit 0: zlib header allowed, bit 1: gzip header allowed; 0 for raw.
    wrap: i32,
    /// log2 of the window (0 until a header sets it).
    wbits: u32,
    mode: IMode,
    /// Header bytes collected for the current field.
    acc: Vec<u8>,
    /// gzip header flags (0 for a zlib stream).
    gz_flags: u32,
    gzip: bool,
    extra_left: usize,
    /// CRC-32 of the gzip header so far.
    hcrc: u32,
    /// Adler-32 or CRC-32 of the output.
    check: u32,
    total: u64,
    /// `strm->adler`: the dictionary id while a dictionary is needed.
    adler: u32,
    havedict: bool,
    dec: Box<DecompressorOxide>,
    /// The last `1 << wbits` bytes of output (zlib's window), then room for the next output.
    hist: Vec<u8>,
}

impl Inflater {
    /// zlib's inflateInit2 checks.
    fn new(window_bits: i32) -> Result<Inflater, i32> {
        let (wrap, wbits) = if window_bits < 0 {
            if window_bits < -15 {
                return Err(Z_STREAM_ERROR);
            }
            (0, -window_bits)
        } else {
            let wrap = (window_bits >> 4) + 5;
            (wrap, if window_bits < 48 { window_bits & 15 } else { window_bits })
        };
        if wbits != 0 && !(8..=15).contains(&wbits) {
            return Err(Z_STREAM_ERROR);
        }
        Ok(Inflater {
            wrap: wrap & 3,
            wbits: wbits as u32,
            mode: IMode::Head,
            acc: Vec::new(),
            gz_flags: 0,
            gzip: false,
            extra_left: 0,
            hcrc: 0,
            check: 0,
            total: 0,
            adler: if wrap & 3 != 0 { (wrap & 1) as u32 } else { 0 },
            havedict: false,
            dec: Box::new(DecompressorOxide::new()),
            hist: Vec::new(),
        })
    }

    /// zlib's inflateReset: a new stream with the same settings, an empty window.
    fn reset(&mut self) {
        self.mode = IMode::Head;
        self.acc.clear();
        self.gz_flags = 0;
        self.gzip = false;
        self.extra_left = 0;
        self.hcrc = 0;
        self.check = 0;
        self.total = 0;
        self.adler = if self.wrap != 0 { (self.wrap & 1) as u32 } else { 0 };
        self.havedict = false;
        self.dec.init();
        self.hist.clear();
    }

    fn wsize(&self) -> usize {
        1usize << if self.wbits == 0 { 15 } else { self.wbits }
    }

    /// Keeps the last window's worth of `hist`.
    fn trim_window(&mut self) {
        let w = self.wsize();
        if self.hist.len() > w {
            let cut = self.hist.len() - w;
            self.hist.drain(..cut);
        }
    }

    /// Collects header bytes until `acc` holds `n`; true when it does.
    fn need(&mut self, n: usize, input: &[u8], ip: &mut usize) -> bool {
        let take = (n - self.acc.len()).min(input.len() - *ip);
        let bytes = &input[*ip..*ip + take];
        if self.gzip {
            self.hcrc = crc32_update(self.hcrc, bytes);
        }
        self.acc.extend_from_slice(bytes);
        *ip += take;
        self.acc.len() == n
    }

    fn acc_le(&mut self) -> u32 {
        let v = self.acc.iter().rev().fold(0u32, |v, &b| (v << 8) | b as u32);
        self.acc.clear();
        v
    }

    /// zlib's `inflate()`. Returns (code, bytes consumed, bytes produced).
    fn inflate(&mut self, input: &[u8], out: &mut [u8], flush: i32) -> (i32, usize, usize) {
        let mut ip = 0;
        let mut op = 0;
        let mut ret = Z_OK;
        // The window before this call: zlib adds a call's output to it when the call ends,
        // except output followed by the stream's check value in the same call.
        let window_before = self.hist.len();
        loop {
            match self.mode {
                IMode::Head => {
                    if self.wrap == 0 {
                        self.mode = IMode::Body;
                        continue;
                    }
                    if !self.need(2, input, &mut ip) {
                        break;
                    }
                    let (b0, b1) = (self.acc[0], self.acc[1]);
                    self.acc.clear();
                    if self.wrap & 2 != 0 && b0 == 0x1f && b1 == 0x8b {
                        if self.wbits == 0 {
                            self.wbits = 15;
                        }
                        self.gzip = true;
                        self.hcrc = crc32_update(0, &[b0, b1]);
                        self.mode = IMode::GzFlags;
                        continue;
                    }
                    if self.wrap & 1 == 0 || ((b0 as u32) << 8 | b1 as u32) % 31 != 0 || b0 & 0x0f != 8 {
                        self.mode = IMode::Bad;
                        continue;
                    }
                    let len = (b0 >> 4) as u32 + 8;
                    if self.wbits == 0 {
                        self.wbits = len;
                    }
                    if len > 15 || len > self.wbits {
                        self.mode = IMode::Bad;
                        continue;
                    }
                    self.gz_flags = 0;
                    self.check = 1;
                    self.adler = 1;
                    self.mode = if b1 & 0x20 != 0 { IMode::DictId } else { IMode::Body };
                }
                IMode::GzFlags => {
                    if !self.need(2, input, &mut ip) {
                        break;
                    }
                    let f = self.acc_le();
                    if f & 0xff != 8 || f & 0xe000 != 0 {
                        self.mode = IMode::Bad;
                        continue;
                    }
                    self.gz_flags = f;
                    self.mode = IMode::GzTime;
                }
                IMode::GzTime => {
                    if !self.need(4, input, &mut ip) {
                        break;
                    }
                    self.acc.clear();
                    self.mode = IMode::GzOs;
                }
                IMode::GzOs => {
                    if !self.need(2, input, &mut ip) {
                        break;
                    }
                    self.acc.clear();
                    self.mode = IMode::GzExLen;
                }
                IMode::GzExLen => {
                    if self.gz_flags & 0x0400 != 0 {
                        if !self.need(2, input, &mut ip) {
                            break;
                        }
                        self.extra_left = self.acc_le() as usize;
                    } else {
                        self.extra_left = 0;
                    }
                    self.mode = IMode::GzExtra;
                }
                IMode::GzExtra => {
                    let n = self.extra_left.min(input.len() - ip);
                    self.hcrc = crc32_update(self.hcrc, &input[ip..ip + n]);
                    ip += n;
                    self.extra_left -= n;
                    if self.extra_left > 0 {
                        break;
                    }
                    self.mode = IMode::GzName;
                }
                IMode::GzName | IMode::GzComment => {
                    let bit = if self.mode == IMode::GzName { 0x0800 } else { 0x1000 };
                    if self.gz_flags & bit != 0 {
                        let rest = &input[ip..];
                        let (n, end) = match rest.iter().position(|&b| b == 0) {
                            Some(i) => (i + 1, true),
                            None => (rest.len(), false),
                        };
                        self.hcrc = crc32_update(self.hcrc, &rest[..n]);
                        ip += n;
                        if !end {
                            break;
                        }
                    }
                    self.mode = if self.mode == IMode::GzName { IMode::GzComment } else { IMode::GzHcrc };
                }
                IMode::GzHcrc => {
                    if self.gz_flags & 0x0200 != 0 {
                        let want = self.hcrc & 0xffff;
                        let n = (2 - self.acc.len()).min(input.len() - ip);
                        self.acc.extend_from_slice(&input[ip..ip + n]);
                        ip += n;
                        if self.acc.len() < 2 {
                            break;
                        }
                        if self.acc_le() != want {
                            self.mode = IMode::Bad;
                            continue;
                        }
                    }
                    self.gzip = true;
                    self.check = 0;
                    self.adler = 0;
                    self.mode = IMode::Body;
                    // Header CRC no longer accumulates.
                    self.hcrc = 0;
                }
                IMode::DictId => {
                    if !self.need(4, input, &mut ip) {
                        break;
                    }
                    let id = u32::from_be_bytes([self.acc[0], self.acc[1], self.acc[2], self.acc[3]]);
                    self.acc.clear();
                    self.adler = id;
                    self.check = id;
                    self.mode = IMode::Dict;
                }
                IMode::Dict => {
                    if !self.havedict {
                        ret = Z_NEED_DICT;
                        break;
                    }
                    self.check = 1;
                    self.adler = 1;
                    self.mode = IMode::Body;
                }
                IMode::Body => {
                    let hist_len = self.hist.len();
                    let room = out.len() - op;
                    self.hist.resize(hist_len + room, 0);
                    let flags = inflate_flags::TINFL_FLAG_HAS_MORE_INPUT
                        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
                    let (st, c, p) = decompress(&mut self.dec, &input[ip..], &mut self.hist, hist_len, flags);
                    let (c, p) = (c.min(input.len() - ip), p.min(room));
                    out[op..op + p].copy_from_slice(&self.hist[hist_len..hist_len + p]);
                    self.hist.truncate(hist_len + p);
                    if self.gzip {
                        self.check = crc32_update(self.check, &out[op..op + p]);
                    } else if self.wrap != 0 {
                        self.check = adler32_update(self.check, &out[op..op + p]);
                    }
                    self.total += p as u64;
                    ip += c;
                    op += p;
                    match st {
                        TINFLStatus::Done => self.mode = IMode::Check,
                        TINFLStatus::NeedsMoreInput | TINFLStatus::HasMoreOutput => break,
                        _ => self.mode = IMode::Bad,
                    }
                }
                IMode::Check => {
                    if self.wrap != 0 {
                        if !self.need(4, input, &mut ip) {
                            break;
                        }
                        let v = if self.gzip {
                            self.acc_le()
                        } else {
                            let v = u32::from_be_bytes([self.acc[0], self.acc[1], self.acc[2], self.acc[3]]);
                            self.acc.clear();
                            v
                        };
                        if v != self.check {
                            self.mode = IMode::Bad;
                            continue;
                        }
                        self.hist.truncate(window_before);
                    }
                    self.mode = IMode::Length;
                }
                IMode::Length => {
                    if self.wrap != 0 && self.gzip {
                        if !self.need(4, input, &mut ip) {
                            break;
                        }
                        if self.acc_le() != self.total as u32 {
                            self.mode = IMode::Bad;
                            continue;
                        }
                    }
                    self.mode = IMode::Done;
                }
                IMode::Done => {
                    ret = Z_STREAM_END;
                    break;
                }
                IMode::Bad => {
                    ret = Z_DATA_ERROR;
                    break;
                }
            }
        }
        self.trim_window();
        if ((ip == 0 && op == 0) || flush == Z_FINISH) && ret == Z_OK {
            ret = Z_BUF_ERROR;
        }
        (ret, ip, op)
    }

    /// zlib's inflateSetDictionary.
    fn set_dictionary(&mut self, dict: &[u8]) -> i32 {
        if self.wrap != 0 && self.mode != IMode::Dict {
            return Z_STREAM_ERROR;
        }
        if self.mode == IMode::Dict && adler32_update(1, dict) != self.check {
            return Z_DATA_ERROR;
        }
        self.hist.extend_from_slice(dict);
        self.trim_window();
        self.havedict = true;
        Z_OK
    }
}

// ---------------------------------------------------------------- shared codec loop

/// `zlib_flush_queue`: runs the codec over the queued input, one segment of at most
/// `input_limit` bytes at a time, then once more with `flush` if the input ran out and there is
/// output room. Returns (code, produced, consumed, remaining).
fn flush_queue(
    ctx: &mut Ctx,
    s: &mut Stream,
    input_limit: usize,
    out: &mut [u8],
    flush: i32,
) -> (i32, usize, usize, usize) {
    let mut res = Z_OK;
    let mut produced = 0;
    let mut consumed = 0;
    let mut idx = 0;
    let mut input_crc = s.input_crc;
    while res == Z_OK && idx < s.queue.segs.len() && consumed < input_limit {
        let seg = s.queue.seg(idx);
        let block = &seg[..seg.len().min(input_limit)];
        let (r, c, p) = match &mut s.codec {
            Codec::Deflate(d) => d.deflate(block, &mut out[produced..], Z_NO_FLUSH),
            Codec::Inflate(i) => i.inflate(block, &mut out[produced..], Z_NO_FLUSH),
            _ => (Z_STREAM_ERROR, 0, 0),
        };
        res = r;
        consumed += c;
        produced += p;
        if s.want_input_crc {
            input_crc = crc32_update(input_crc, &block[..c]);
        }
        // enif_consume_timeslice: 40 reductions per percent of the input limit.
        let percent = ((100 * c as u128) / input_limit as u128).clamp(1, 100) as usize;
        ctx.bump_reds(40 * percent);
        if ctx.proc.trap.reds_left - ctx.proc.trap.charged <= 0 {
            break;
        }
        idx += 1;
    }
    s.input_crc = input_crc;
    s.queue.dequeue(consumed);
    let remaining = s.queue.size;
    if res == Z_OK && remaining == 0 && produced < out.len() {
        let (r, _, p) = match &mut s.codec {
            Codec::Deflate(d) => d.deflate(&[], &mut out[produced..], flush),
            Codec::Inflate(i) => i.inflate(&[], &mut out[produced..], flush),
            _ => (Z_STREAM_ERROR, 0, 0),
        };
        res = r;
        produced += p;
    }
    (res, produced, consumed, remaining)
}

/// `zlib_codec`: one chunk of output, as `{continue | finished, Out}` or
/// `{need_dictionary, Adler, Out}`.
fn codec(ctx: &mut Ctx, s: &mut Stream, input_chunk: i32, output_chunk: i32, flush: i32) -> BifResult {
    if !(0..=1 << 26).contains(&output_chunk) {
        return zlib_return(Z_MEM_ERROR);
    }
    let input_limit = if input_chunk < 0 { usize::MAX } else { input_chunk as usize };
    let mut out = vec![0u8; output_chunk as usize];
    let (res, produced, consumed, remaining) = flush_queue(ctx, s, input_limit, &mut out, flush);
    if res < 0 && res != Z_BUF_ERROR {
        return zlib_return(res);
    }
    if res == Z_STREAM_END {
        s.eos_seen = true;
    }
    if s.want_output_crc {
        s.output_crc = crc32_update(s.output_crc, &out[..produced]);
    }
    if consumed == 0 && produced == 0 && remaining != 0 {
        return zlib_return(Z_DATA_ERROR);
    }
    let h = ctx.heap();
    let flushed = if produced > 0 {
        out.truncate(produced);
        let b = if produced <= 64 { terms::binary(h, &out) } else { terms::refc_binary(h, out) };
        terms::list(h, &[b])
    } else {
        Term::NIL
    };
    if remaining == 0 && produced < output_chunk as usize {
        Ok(terms::tuple(h, &[atom::atom("finished"), flushed]))
    } else if res != Z_NEED_DICT {
        Ok(terms::tuple(h, &[atom::atom("continue"), flushed]))
    } else {
        let adler = match &s.codec {
            Codec::Inflate(i) => i.adler,
            _ => 0,
        };
        Ok(terms::tuple(h, &[atom::atom("need_dictionary"), Term::small(adler as i32 as i64), flushed]))
    }
}

/// `zlib_return`: codes as atoms, except stream and data errors, which are raised.
fn zlib_return(code: i32) -> BifResult {
    Ok(match code {
        Z_OK => am::OK,
        Z_STREAM_END => atom::atom("stream_end"),
        Z_STREAM_ERROR => return Err(Exc::Error(atom::atom("stream_error"))),
        Z_DATA_ERROR => return Err(Exc::Error(atom::atom("data_error"))),
        Z_MEM_ERROR => atom::atom("mem_error"),
        Z_BUF_ERROR => atom::atom("buf_error"),
        _ => atom::atom("unknown_error"),
    })
}

fn raise(name: &str) -> Exc {
    Exc::Error(atom::atom(name))
}

// ---------------------------------------------------------------- arguments and streams

/// (stream number, creator's pid number) of a stream reference.
fn handle(t: Term) -> Option<(u64, u64)> {
    let id = terms::ref_id(t)?;
    if id & (0xffff_ffffu128 << 64) != ZLIB_TAG {
        return None;
    }
    Some((id as u64, (id >> 96) as u64))
}

/// `enif_get_int`.
fn int_arg(t: Term) -> Result<i32, Exc> {
    t.as_small().and_then(|v| i32::try_from(v).ok()).ok_or_else(badarg)
}

/// `enif_inspect_iolist_as_binary`.
fn iolist_arg(t: Term) -> Result<Vec<u8>, Exc> {
    match super::erlang::iolist_bits(t, false) {
        Some((bytes, _)) => Ok(bytes),
        None => Err(badarg()),
    }
}

/// Runs `f` on the stream `z` (badarg if `z` is no stream) if the caller controls it. A stream
/// missing from the registry was closed by its creator (who then sees a closed stream) or its
/// controller exited.
fn with_stream(ctx: &mut Ctx, z: Term, f: impl FnOnce(&mut Ctx, &mut Stream) -> BifResult) -> BifResult {
    let (id, creator) = handle(z).ok_or_else(badarg)?;
    let vm = ctx.vm;
    let mut map = vm.zlib.map.lock();
    match map.get_mut(&id) {
        Some(s) => {
            if s.controller != ctx.proc.pid {
                return Err(raise("not_on_controlling_process"));
            }
            f(ctx, s)
        }
        None => {
            if creator != ctx.proc.pid.pid_number() & 0xffff_ffff {
                return Err(raise("not_on_controlling_process"));
            }
            let mut s = Stream::new(ctx.proc.pid, creator);
            s.codec = Codec::Closed;
            f(ctx, &mut s)
        }
    }
}

fn deflater(s: &mut Stream) -> Result<&mut Deflater, Exc> {
    match &mut s.codec {
        Codec::Deflate(d) => Ok(d),
        _ => Err(raise("not_initialized")),
    }
}

fn inflater(s: &mut Stream) -> Result<&mut Inflater, Exc> {
    match &mut s.codec {
        Codec::Inflate(i) => Ok(i),
        _ => Err(raise("not_initialized")),
    }
}

// ---------------------------------------------------------------- the NIFs

fn open_nif_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let n = ctx.vm.zlib.next_id();
    let pid = ctx.proc.pid;
    let creator = pid.pid_number() & 0xffff_ffff;
    ctx.vm.zlib.map.lock().insert(n, Stream::new(pid, creator));
    let id = ZLIB_TAG | (creator as u128) << 96 | n as u128;
    Ok(terms::reference(ctx.heap(), id))
}

fn close_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |_, s| match s.codec {
        Codec::Closed => Err(raise("not_initialized")),
        _ => {
            s.codec = Codec::Closed;
            s.reset_input();
            Ok(am::OK)
        }
    })?;
    if let Some((id, _)) = handle(a[0]) {
        ctx.vm.zlib.map.lock().remove(&id);
    }
    Ok(am::OK)
}

fn set_controller_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[1].is_local_pid() {
        return Err(badarg());
    }
    let pid = a[1];
    with_stream(ctx, a[0], |_, s| {
        s.controller = pid;
        Ok(am::OK)
    })
}

fn deflate_init_nif_6(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    handle(a[0]).ok_or_else(badarg)?;
    let (level, method, wbits, mem, strategy) =
        (int_arg(a[1])?, int_arg(a[2])?, int_arg(a[3])?, int_arg(a[4])?, int_arg(a[5])?);
    with_stream(ctx, a[0], |_, s| {
        if !matches!(s.codec, Codec::None) {
            return Err(raise("already_initialized"));
        }
        match Deflater::new(level, method, wbits, mem, strategy) {
            Ok(d) => {
                s.codec = Codec::Deflate(Box::new(d));
                s.eos_seen = false;
                s.want_output_crc = false;
                s.want_input_crc = wbits < 0;
                s.output_crc = 0;
                s.input_crc = 0;
                Ok(am::OK)
            }
            Err(code) => zlib_return(code),
        }
    })
}

fn deflate_set_dictionary_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    handle(a[0]).ok_or_else(badarg)?;
    let dict = iolist_arg(a[1])?;
    with_stream(ctx, a[0], |ctx, s| match deflater(s)?.set_dictionary(&dict) {
        Ok(sum) => Ok(terms::int(ctx.heap(), sum as i32 as i64)),
        Err(code) => zlib_return(code),
    })
}

fn deflate_reset_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |_, s| {
        deflater(s)?.reset();
        s.input_crc = 0;
        s.eos_seen = false;
        s.reset_input();
        Ok(am::OK)
    })
}

fn deflate_end_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |_, s| {
        let mut res = deflater(s)?.end();
        if res == Z_OK && s.queue.size > 0 {
            res = Z_DATA_ERROR;
        }
        s.reset_input();
        s.codec = Codec::None;
        zlib_return(res)
    })
}

fn deflate_params_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    handle(a[0]).ok_or_else(badarg)?;
    let (level, strategy) = (int_arg(a[1])?, int_arg(a[2])?);
    with_stream(ctx, a[0], |_, s| zlib_return(deflater(s)?.params(level, strategy)))
}

fn deflate_nif_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    handle(a[0]).ok_or_else(badarg)?;
    let (ich, och, flush) = (int_arg(a[1])?, int_arg(a[2])?, int_arg(a[3])?);
    with_stream(ctx, a[0], |ctx, s| {
        deflater(s)?;
        codec(ctx, s, ich, och, flush)
    })
}

fn inflate_init_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    handle(a[0]).ok_or_else(badarg)?;
    let (wbits, eos) = (int_arg(a[1])?, int_arg(a[2])?);
    with_stream(ctx, a[0], |_, s| {
        if !matches!(s.codec, Codec::None) {
            return Err(raise("already_initialized"));
        }
        match Inflater::new(wbits) {
            Ok(i) => {
                s.codec = Codec::Inflate(Box::new(i));
                s.eos_behavior = eos;
                s.eos_seen = false;
                s.want_output_crc = wbits < 0;
                s.want_input_crc = false;
                s.output_crc = 0;
                s.input_crc = 0;
                Ok(am::OK)
            }
            Err(code) => zlib_return(code),
        }
    })
}

fn inflate_set_dictionary_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    handle(a[0]).ok_or_else(badarg)?;
    let dict = iolist_arg(a[1])?;
    with_stream(ctx, a[0], |_, s| zlib_return(inflater(s)?.set_dictionary(&dict)))
}

fn inflate_get_dictionary_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |ctx, s| {
        let i = inflater(s)?;
        let w = i.wsize();
        let window = &i.hist[i.hist.len().saturating_sub(w)..];
        Ok(terms::binary(ctx.heap(), window))
    })
}

fn inflate_reset_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |_, s| {
        inflater(s)?.reset();
        s.output_crc = 0;
        s.eos_seen = false;
        s.reset_input();
        Ok(am::OK)
    })
}

fn inflate_end_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |_, s| {
        inflater(s)?;
        let res = if !s.eos_seen || s.queue.size > 0 { Z_DATA_ERROR } else { Z_OK };
        s.reset_input();
        s.codec = Codec::None;
        zlib_return(res)
    })
}

fn inflate_nif_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    handle(a[0]).ok_or_else(badarg)?;
    let (ich, och, flush) = (int_arg(a[1])?, int_arg(a[2])?, int_arg(a[3])?);
    with_stream(ctx, a[0], |ctx, s| {
        inflater(s)?;
        if s.eos_seen && s.queue.size > 0 {
            match s.eos_behavior {
                EOS_BEHAVIOR_ERROR => return zlib_return(Z_DATA_ERROR),
                EOS_BEHAVIOR_RESET => {
                    inflater(s)?.reset();
                    s.eos_seen = false;
                }
                EOS_BEHAVIOR_CUT => s.reset_input(),
                _ => {}
            }
        }
        codec(ctx, s, ich, och, flush)
    })
}

fn crc32_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |ctx, s| {
        let crc = match s.codec {
            Codec::Deflate(_) => s.input_crc,
            Codec::Inflate(_) => s.output_crc,
            _ => return Err(raise("not_initialized")),
        };
        Ok(terms::int(ctx.heap(), crc as i64))
    })
}

fn get_stash_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |ctx, s| match &s.stash {
        None => Ok(atom::atom("empty")),
        Some((t, _)) => {
            let t = *t;
            let h = ctx.heap();
            let c = terms::copy_into(h, t);
            Ok(terms::tuple(h, &[am::OK, c]))
        }
    })
}

fn clear_stash_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |_, s| {
        if s.stash.take().is_none() {
            return Err(Exc::Error(am::ERROR));
        }
        Ok(am::OK)
    })
}

fn set_stash_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let t = a[1];
    with_stream(ctx, a[0], |_, s| {
        if s.stash.is_some() {
            return Err(Exc::Error(am::ERROR));
        }
        s.stash = Some(beamos_gc::collect::copy_to_fragment(t));
        Ok(am::OK)
    })
}

fn get_buf_size_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_stream(ctx, a[0], |_, s| Ok(Term::small(s.buf_size as i64)))
}

fn set_buf_size_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let size = a[1];
    with_stream(ctx, a[0], |_, s| {
        s.buf_size = int_arg(size)?;
        Ok(am::OK)
    })
}

/// `enif_inspect_iovec` with at most 256 elements: the binaries, and the rest of the list.
fn iovec(t: Term) -> Option<(Vec<Vec<u8>>, Term)> {
    let mut v = Vec::new();
    let mut rest = t;
    while v.len() < 256 {
        if rest.is_nil() {
            break;
        }
        let (h, tl) = terms::cons_parts(rest)?;
        let b = terms::bit_view(h).filter(|b| b.bit_size % 8 == 0)?;
        v.push(b.to_vec());
        rest = tl;
    }
    if !rest.is_list_or_nil() {
        return None;
    }
    Some((v, rest))
}

fn enqueue_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let list = a[1];
    with_stream(ctx, a[0], |ctx, s| {
        if !matches!(s.codec, Codec::Deflate(_) | Codec::Inflate(_)) {
            return Err(raise("not_initialized"));
        }
        let (bins, tail) = iovec(list).ok_or_else(badarg)?;
        for b in bins {
            s.queue.push(b);
        }
        if tail.is_nil() {
            Ok(am::OK)
        } else {
            Ok(terms::tuple(ctx.heap(), &[atom::atom("continue"), tail]))
        }
    })
}
