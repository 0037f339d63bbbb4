//! `prim_file`: the NIFs of OTP's `prim_file.erl` (`erts/emulator/nifs/common/prim_file_nif.c`)
//! and its four BIFs (`internal_name2native/1` and friends, from `erl_unicode.c`), over the
//! Platform's file capability. OTP's module stays the interface: it encodes names, keeps the
//! read-ahead buffer (`prim_buffer`), checks the owner and converts times.
//!
//! An open file is a reference tagged [`FILE_TAG`] whose number keys the VM's [`Files`] table.
//! The process that opened it owns it: when that process exits the file is closed (ERTS's
//! resource monitor, which asks the `erts_prim_file` process to close it). Any process holding
//! the reference may use it, as in ERTS. A file in use by one call is taken out of its slot
//! ([`Slot::Busy`]); a second call meanwhile, or a call after `close`, gets `{error, einval}`
//! as ERTS's state machine answers. Calls block the scheduler for the system call's length
//! (ERTS runs them on dirty I/O schedulers).

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use beamos_gc::Term;

use super::{badarg, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::platform::{Advice, FileInfo, FileType, OpenOptions, PlatformError, PlatformFile, Whence};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("prim_file", "open_nif", 2, open_nif_2),
    bif("prim_file", "file_desc_to_ref_nif", 1, file_desc_to_ref_nif_1),
    bif("prim_file", "close_nif", 1, close_nif_1),
    bif("prim_file", "delayed_close_nif", 1, delayed_close_nif_1),
    bif("prim_file", "read_nif", 2, read_nif_2),
    bif("prim_file", "write_nif", 2, write_nif_2),
    bif("prim_file", "pread_nif", 3, pread_nif_3),
    bif("prim_file", "pwrite_nif", 3, pwrite_nif_3),
    bif("prim_file", "seek_nif", 3, seek_nif_3),
    bif("prim_file", "sync_nif", 2, sync_nif_2),
    bif("prim_file", "truncate_nif", 1, truncate_nif_1),
    bif("prim_file", "allocate_nif", 3, allocate_nif_3),
    bif("prim_file", "advise_nif", 4, advise_nif_4),
    bif("prim_file", "read_handle_info_nif", 1, read_handle_info_nif_1),
    bif("prim_file", "get_handle_nif", 1, get_handle_nif_1),
    bif("prim_file", "ipread_s32bu_p32bu_nif", 3, ipread_s32bu_p32bu_nif_3),
    bif("prim_file", "read_file_nif", 1, read_file_nif_1),
    bif("prim_file", "read_info_nif", 2, read_info_nif_2),
    bif("prim_file", "set_permissions_nif", 2, set_permissions_nif_2),
    bif("prim_file", "set_owner_nif", 3, set_owner_nif_3),
    bif("prim_file", "set_time_nif", 4, set_time_nif_4),
    bif("prim_file", "read_link_nif", 1, read_link_nif_1),
    bif("prim_file", "list_dir_nif", 1, list_dir_nif_1),
    bif("prim_file", "make_hard_link_nif", 2, make_hard_link_nif_2),
    bif("prim_file", "make_soft_link_nif", 2, make_soft_link_nif_2),
    bif("prim_file", "rename_nif", 2, rename_nif_2),
    bif("prim_file", "make_dir_nif", 1, make_dir_nif_1),
    bif("prim_file", "del_file_nif", 1, del_file_nif_1),
    bif("prim_file", "del_dir_nif", 1, del_dir_nif_1),
    bif("prim_file", "get_device_cwd_nif", 1, get_device_cwd_nif_1),
    bif("prim_file", "set_cwd_nif", 1, set_cwd_nif_1),
    bif("prim_file", "get_cwd_nif", 0, get_cwd_nif_0),
    bif("prim_file", "altname_nif", 1, altname_nif_1),
    bif("prim_file", "internal_name2native", 1, internal_name2native_1),
    bif("prim_file", "internal_native2name", 1, internal_native2name_1),
    bif("prim_file", "internal_normalize_utf8", 1, internal_normalize_utf8_1),
    bif("prim_file", "is_translatable", 1, is_translatable_1),
];

/// File references carry this tag in the high half of their id ("FILE").
const FILE_TAG: u64 = 0x4649_4c45;

/// The earliest time a file_info reports (ERTS's `EFILE_MIN_FILETIME`, 1902-01-01).
const MIN_FILETIME: i64 = -2_145_916_800;

// ---------------------------------------------------------------- the table

enum Slot {
    Idle(Box<dyn PlatformFile>),
    /// Taken by a call in progress; close it when that call ends if `close_pending`.
    Busy { close_pending: bool },
}

pub struct OpenFile {
    owner: Term,
    slot: Slot,
}

/// The open files of a VM, by number.
pub type Files = super::Objects<OpenFile>;

/// A process ended: close the files it opened (one in use is closed when its call ends).
pub fn owner_exited(vm: &crate::vm::Vm, pid: Term) {
    let mut closing = Vec::new();
    {
        let mut map = vm.files.map.lock();
        if map.is_empty() {
            return;
        }
        map.retain(|_, f| {
            if f.owner != pid {
                return true;
            }
            match core::mem::replace(&mut f.slot, Slot::Busy { close_pending: true }) {
                Slot::Idle(file) => {
                    closing.push(file);
                    false
                }
                Slot::Busy { .. } => true,
            }
        });
    }
    for f in closing {
        let _ = f.close();
    }
}

/// The file number of a file reference, or badarg.
fn file_number(t: Term) -> Result<u64, Exc> {
    terms::tagged_ref_number(t, FILE_TAG).ok_or_else(badarg)
}

/// ERTS's `file_handle_wrapper`: runs `op` on the file `fref` (badarg if it is no file
/// reference, `{error, einval}` if it is closed or busy), then closes it if its owner died
/// meanwhile.
fn with_file(
    ctx: &mut Ctx,
    fref: Term,
    op: impl FnOnce(&mut Ctx, &mut dyn PlatformFile) -> BifResult,
) -> BifResult {
    let n = file_number(fref)?;
    let vm = ctx.vm;
    let taken = {
        let mut map = vm.files.map.lock();
        match map.get_mut(&n) {
            Some(f) => match core::mem::replace(&mut f.slot, Slot::Busy { close_pending: false }) {
                Slot::Idle(file) => Some(file),
                busy => {
                    f.slot = busy;
                    None
                }
            },
            None => None,
        }
    };
    let Some(mut file) = taken else { return posix_error(ctx, "einval") };
    let result = op(ctx, &mut *file);
    let mut map = vm.files.map.lock();
    match map.get_mut(&n) {
        Some(f) if matches!(f.slot, Slot::Busy { close_pending: false }) => f.slot = Slot::Idle(file),
        _ => {
            map.remove(&n);
            drop(map);
            let _ = file.close();
        }
    }
    result
}

fn new_file(ctx: &mut Ctx, file: Box<dyn PlatformFile>) -> BifResult {
    let n = ctx.vm.files.next_id();
    ctx.vm.files.map.lock().insert(n, OpenFile { owner: ctx.proc.pid, slot: Slot::Idle(file) });
    let r = terms::tagged_reference(ctx.heap(), FILE_TAG, n);
    Ok(terms::tuple(ctx.heap(), &[am::OK, r]))
}

// ---------------------------------------------------------------- arguments and results

fn posix_error(ctx: &mut Ctx, name: &str) -> BifResult {
    Ok(terms::tuple(ctx.heap(), &[am::ERROR, atom::atom(name)]))
}

fn error_tuple(ctx: &mut Ctx, e: PlatformError) -> BifResult {
    posix_error(ctx, e.errno_name())
}

/// `ok` or `{error, Errno}`.
fn ok_or_error(ctx: &mut Ctx, r: Result<(), PlatformError>) -> BifResult {
    match r {
        Ok(()) => Ok(am::OK),
        Err(e) => error_tuple(ctx, e),
    }
}

/// `efile_marshal_path`: a binary holding a name and its NUL terminator (more NULs may follow);
/// the name without them. Anything else is `einval`.
fn marshal_path(t: Term) -> Option<&'static [u8]> {
    let bytes = terms::bit_view(t)?.as_bytes()?;
    let nul = bytes.iter().position(|&b| b == 0)?;
    bytes[nul..].iter().all(|&b| b == 0).then_some(&bytes[..nul])
}

/// Runs `op` on the marshalled path `t`, `{error, einval}` if it is not one.
fn with_path(ctx: &mut Ctx, t: Term, op: impl FnOnce(&mut Ctx, &[u8]) -> BifResult) -> BifResult {
    match marshal_path(t) {
        Some(p) => op(ctx, p),
        None => posix_error(ctx, "einval"),
    }
}

fn path_op(ctx: &mut Ctx, t: Term, op: impl FnOnce(&dyn crate::platform::Platform, &[u8]) -> Result<(), PlatformError>) -> BifResult {
    with_path(ctx, t, |ctx, p| {
        let r = op(&*ctx.vm.platform, p);
        ok_or_error(ctx, r)
    })
}

fn two_path_op(
    ctx: &mut Ctx,
    a: Term,
    b: Term,
    op: impl FnOnce(&dyn crate::platform::Platform, &[u8], &[u8]) -> Result<(), PlatformError>,
) -> BifResult {
    let (Some(a), Some(b)) = (marshal_path(a), marshal_path(b)) else { return posix_error(ctx, "einval") };
    let r = op(&*ctx.vm.platform, a, b);
    ok_or_error(ctx, r)
}

fn atom_name(t: Term) -> Option<&'static str> {
    t.is_atom().then(|| atom::name(t))
}

/// `enif_get_int64`.
fn get_i64(t: Term) -> Option<i64> {
    match t.as_small() {
        Some(v) => Some(v),
        None => terms::to_bigint(t).and_then(|b| i64::try_from(b).ok()),
    }
}

/// `enif_get_int`.
fn get_i32(t: Term) -> Option<i32> {
    t.as_small().and_then(|v| i32::try_from(v).ok())
}

/// `enif_inspect_iovec`: a list of binaries (their bytes, in place on the heap; no collection
/// happens while a BIF runs).
fn iovec(t: Term) -> Result<Vec<&'static [u8]>, Exc> {
    let mut out = Vec::new();
    let mut l = t;
    while let Some((h, tl)) = terms::cons_parts(l) {
        // Byte-aligned binaries only (a binary matched out at a bit offset is copied first).
        out.push(terms::bit_view(h).and_then(|v| v.as_bytes()).ok_or_else(badarg)?);
        l = tl;
    }
    if !l.is_nil() {
        return Err(badarg());
    }
    Ok(out)
}

/// Writes the segments of an iovec in order (at `offset` and on if given).
fn write_iovec(f: &mut dyn PlatformFile, segments: &[&[u8]], offset: Option<u64>) -> Result<(), PlatformError> {
    let mut at = offset;
    for s in segments.iter().filter(|s| !s.is_empty()) {
        match at {
            None => f.write(s)?,
            Some(o) => {
                f.pwrite(o, s)?;
                at = Some(o + s.len() as u64);
            }
        }
    }
    Ok(())
}

/// A binary of `bytes` (off-heap without a copy when large).
fn binary_of(ctx: &mut Ctx, bytes: Vec<u8>) -> Term {
    if bytes.len() <= 64 {
        terms::binary(ctx.heap(), &bytes)
    } else {
        terms::refc_binary(ctx.heap(), bytes)
    }
}

fn ok_binary(ctx: &mut Ctx, bytes: Vec<u8>) -> BifResult {
    let b = binary_of(ctx, bytes);
    Ok(terms::tuple(ctx.heap(), &[am::OK, b]))
}

/// A zeroed buffer of `n` bytes, or `enomem`.
fn buffer(n: u64) -> Option<Vec<u8>> {
    let n = usize::try_from(n).ok()?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).ok()?;
    v.resize(n, 0);
    Some(v)
}

/// `{ok, Data}` for `got` bytes read into `buf`, `eof` for none.
fn read_result(ctx: &mut Ctx, mut buf: Vec<u8>, got: Result<usize, PlatformError>) -> BifResult {
    match got {
        Err(e) => error_tuple(ctx, e),
        Ok(0) => Ok(atom::atom("eof")),
        Ok(n) => {
            buf.truncate(n);
            buf.shrink_to_fit();
            ok_binary(ctx, buf)
        }
    }
}

/// `#file_info{}` as prim_file_nif.c builds it (times still in posix seconds).
fn file_info_tuple(ctx: &mut Ctx, i: &FileInfo) -> Term {
    let file_type = match i.file_type {
        FileType::Device => "device",
        FileType::Directory => "directory",
        FileType::Regular => "regular",
        FileType::Symlink => "symlink",
        FileType::Other => "other",
    };
    let access = match (i.readable, i.writable) {
        (true, false) => "read",
        (false, true) => "write",
        (true, true) => "read_write",
        (false, false) => "none",
    };
    let h = ctx.heap();
    let size = terms::int_from_i128(h, i.size as i128);
    let u32_of = |v: u64| Term::small(v as u32 as i64);
    let elems = [
        atom::atom("file_info"),
        size,
        atom::atom(file_type),
        atom::atom(access),
        terms::int(h, i.atime.max(MIN_FILETIME)),
        terms::int(h, i.mtime.max(MIN_FILETIME)),
        terms::int(h, i.ctime.max(MIN_FILETIME)),
        Term::small(i.mode as i64),
        u32_of(i.links),
        u32_of(i.major_device),
        u32_of(i.minor_device),
        u32_of(i.inode),
        Term::small(i.uid as i64),
        Term::small(i.gid as i64),
    ];
    terms::tuple(h, &elems)
}

// ---------------------------------------------------------------- opening and closing

/// `efile_translate_modelist`: unknown modes (raw, binary, read_ahead, ...) are prim_file's.
fn open_options(mut modes: Term) -> OpenOptions {
    let mut o = OpenOptions::default();
    while let Some((m, tl)) = terms::cons_parts(modes) {
        match atom_name(m) {
            Some("read") => o.read = true,
            Some("write") => o.write = true,
            Some("exclusive") => o.exclusive = true,
            Some("append") => o.append = true,
            Some("sync") => o.sync = true,
            Some("skip_type_check") => o.skip_type_check = true,
            Some("directory") => o.directory = true,
            _ => {}
        }
        modes = tl;
    }
    if o.append || o.exclusive {
        o.write = true;
    } else if !o.read && !o.write {
        o.read = true;
    }
    o
}

fn open_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[1].is_list_or_nil() {
        return Err(badarg());
    }
    let options = open_options(a[1]);
    with_path(ctx, a[0], |ctx, p| match ctx.vm.platform.open_file(p, options) {
        Ok(f) => new_file(ctx, f),
        Err(e) => error_tuple(ctx, e),
    })
}

fn file_desc_to_ref_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let fd = get_i32(a[0]).ok_or_else(badarg)?;
    match ctx.vm.platform.file_from_fd(fd) {
        Ok(f) => new_file(ctx, f),
        Err(e) => error_tuple(ctx, e),
    }
}

fn close_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let n = file_number(a[0])?;
    let taken = {
        let mut map = ctx.vm.files.map.lock();
        match map.get(&n).map(|f| matches!(f.slot, Slot::Idle(_))) {
            Some(true) => map.remove(&n),
            _ => None,
        }
    };
    match taken {
        Some(OpenFile { slot: Slot::Idle(f), .. }) => {
            let r = f.close();
            ok_or_error(ctx, r)
        }
        _ => posix_error(ctx, "einval"),
    }
}

/// Closing on behalf of a dead owner happens in [`owner_exited`]; this closes what is left.
fn delayed_close_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let n = file_number(a[0])?;
    let taken = ctx.vm.files.map.lock().remove(&n);
    if let Some(OpenFile { slot: Slot::Idle(f), .. }) = taken {
        let _ = f.close();
    }
    Ok(am::OK)
}

// ---------------------------------------------------------------- file handle operations

fn read_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let size = a[1];
    with_file(ctx, a[0], |ctx, f| {
        if !size.is_number() {
            return Err(badarg());
        }
        let Some(n) = get_i64(size).filter(|&n| n >= 0) else { return posix_error(ctx, "einval") };
        let Some(mut buf) = buffer(n as u64) else { return posix_error(ctx, "enomem") };
        let got = f.read(&mut buf);
        read_result(ctx, buf, got)
    })
}

fn write_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let data = a[1];
    with_file(ctx, a[0], |ctx, f| {
        let segments = iovec(data)?;
        let r = write_iovec(f, &segments, None);
        ok_or_error(ctx, r)
    })
}

fn pread_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (offset, size) = (a[1], a[2]);
    with_file(ctx, a[0], |ctx, f| {
        if !offset.is_number() || !size.is_number() {
            return Err(badarg());
        }
        let (Some(offset), Some(n)) = (get_i64(offset), get_i64(size)) else { return posix_error(ctx, "einval") };
        if offset < 0 || n < 0 {
            return posix_error(ctx, "einval");
        }
        let Some(mut buf) = buffer(n as u64) else { return posix_error(ctx, "enomem") };
        let got = f.pread(offset as u64, &mut buf);
        read_result(ctx, buf, got)
    })
}

fn pwrite_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (offset, data) = (a[1], a[2]);
    with_file(ctx, a[0], |ctx, f| {
        if !offset.is_number() {
            return Err(badarg());
        }
        let segments = iovec(data)?;
        let Some(offset) = get_i64(offset).filter(|&o| o >= 0) else { return posix_error(ctx, "einval") };
        let r = write_iovec(f, &segments, Some(offset as u64));
        ok_or_error(ctx, r)
    })
}

fn seek_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (mark, offset) = (a[1], a[2]);
    with_file(ctx, a[0], |ctx, f| {
        let offset = get_i64(offset).ok_or_else(badarg)?;
        let whence = match atom_name(mark) {
            Some("bof") => Whence::Bof,
            Some("cur") => Whence::Cur,
            Some("eof") => Whence::Eof,
            _ => return Err(badarg()),
        };
        match f.seek(whence, offset) {
            Ok(pos) => {
                let p = terms::int_from_i128(ctx.heap(), pos as i128);
                Ok(terms::tuple(ctx.heap(), &[am::OK, p]))
            }
            Err(e) => error_tuple(ctx, e),
        }
    })
}

fn sync_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let data_only = a[1];
    with_file(ctx, a[0], |ctx, f| {
        let data_only = get_i32(data_only).ok_or_else(badarg)?;
        let r = f.sync(data_only != 0);
        ok_or_error(ctx, r)
    })
}

fn truncate_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_file(ctx, a[0], |ctx, f| {
        let r = f.truncate();
        ok_or_error(ctx, r)
    })
}

/// Offset and length of allocate/advise: badarg unless numbers, einval unless non-negative.
fn range_args(offset: Term, length: Term) -> Result<Option<(u64, u64)>, Exc> {
    if !offset.is_number() || !length.is_number() {
        return Err(badarg());
    }
    Ok(match (get_i64(offset), get_i64(length)) {
        (Some(o), Some(l)) if o >= 0 && l >= 0 => Some((o as u64, l as u64)),
        _ => None,
    })
}

fn allocate_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (offset, length) = (a[1], a[2]);
    with_file(ctx, a[0], |ctx, f| {
        let Some((o, l)) = range_args(offset, length)? else { return posix_error(ctx, "einval") };
        let r = f.allocate(o, l);
        ok_or_error(ctx, r)
    })
}

fn advise_nif_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (offset, length, advice) = (a[1], a[2], a[3]);
    with_file(ctx, a[0], |ctx, f| {
        let Some((o, l)) = range_args(offset, length)? else { return posix_error(ctx, "einval") };
        let advice = match atom_name(advice) {
            Some("normal") => Advice::Normal,
            Some("random") => Advice::Random,
            Some("sequential") => Advice::Sequential,
            Some("will_need") => Advice::WillNeed,
            Some("dont_need") => Advice::DontNeed,
            Some("no_reuse") => Advice::NoReuse,
            _ => return posix_error(ctx, "einval"),
        };
        let r = f.advise(o, l, advice);
        ok_or_error(ctx, r)
    })
}

fn read_handle_info_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_file(ctx, a[0], |ctx, f| match f.info() {
        Ok(i) => Ok(file_info_tuple(ctx, &i)),
        Err(e) => error_tuple(ctx, e),
    })
}

fn get_handle_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_file(ctx, a[0], |ctx, f| {
        let h = f.native_handle();
        Ok(terms::binary(ctx.heap(), &h))
    })
}

/// Reads a 32-bit size and a 32-bit pointer at `offset`, then that many bytes at the pointer
/// (DETS's indirect read).
fn ipread_s32bu_p32bu_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (offset, max_size) = (a[1], a[2]);
    with_file(ctx, a[0], |ctx, f| {
        if !offset.is_number() || !max_size.is_number() {
            return Err(badarg());
        }
        let (Some(offset), Some(max_size)) = (get_i64(offset), get_i64(max_size)) else {
            return posix_error(ctx, "einval");
        };
        if offset < 0 || max_size >= 1 << 31 {
            return posix_error(ctx, "einval");
        }
        let mut head = [0u8; 8];
        match f.pread(offset as u64, &mut head) {
            Err(e) => return error_tuple(ctx, e),
            Ok(n) if n < 8 => return Ok(atom::atom("eof")),
            Ok(_) => {}
        }
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let pointer = u32::from_be_bytes([head[4], head[5], head[6], head[7]]);
        if size as i64 > max_size {
            return Ok(atom::atom("eof"));
        }
        let mut buf = vec![0u8; size as usize];
        let data = match f.pread(pointer as u64, &mut buf) {
            Err(e) => return error_tuple(ctx, e),
            Ok(0) => atom::atom("eof"),
            Ok(n) => {
                buf.truncate(n);
                binary_of(ctx, buf)
            }
        };
        let h = ctx.heap();
        let (s, p) = (terms::int(h, size as i64), terms::int(h, pointer as i64));
        let t = terms::tuple(h, &[s, p, data]);
        Ok(terms::tuple(h, &[am::OK, t]))
    })
}

// ---------------------------------------------------------------- whole files and names

/// Opens, reads to the end (sized by fstat, growing past it if the file grew) and closes.
fn read_file_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_path(ctx, a[0], |ctx, p| {
        let read_only = OpenOptions { read: true, ..OpenOptions::default() };
        let mut f = match ctx.vm.platform.open_file(p, read_only) {
            Ok(f) => f,
            Err(e) => return error_tuple(ctx, e),
        };
        let size = f.info().map(|i| i.size).unwrap_or(0);
        let r = read_all(&mut *f, size);
        let _ = f.close();
        match r {
            Ok(Some(bytes)) => ok_binary(ctx, bytes),
            Ok(None) => posix_error(ctx, "enomem"),
            Err(e) => error_tuple(ctx, e),
        }
    })
}

fn read_all(f: &mut dyn PlatformFile, size: u64) -> Result<Option<Vec<u8>>, PlatformError> {
    let Some(mut buf) = buffer(if size == 0 { 16 << 10 } else { size }) else { return Ok(None) };
    let mut done = 0;
    loop {
        let n = f.read(&mut buf[done..])?;
        done += n;
        if done < buf.len() || done as u64 == size {
            break;
        }
        if buf.try_reserve(done).is_err() {
            return Ok(None);
        }
        buf.resize(done * 2, 0);
    }
    buf.truncate(done);
    buf.shrink_to_fit();
    Ok(Some(buf))
}

fn read_info_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let follow = get_i32(a[1]).ok_or_else(badarg)?;
    with_path(ctx, a[0], |ctx, p| match ctx.vm.platform.file_info(p, follow != 0) {
        Ok(i) => Ok(file_info_tuple(ctx, &i)),
        Err(e) => error_tuple(ctx, e),
    })
}

fn set_permissions_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mode = a[1].as_small().and_then(|v| u32::try_from(v).ok()).ok_or_else(badarg)?;
    path_op(ctx, a[0], |pl, p| pl.set_permissions(p, mode))
}

fn set_owner_nif_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (Some(uid), Some(gid)) = (get_i32(a[1]), get_i32(a[2])) else { return Err(badarg()) };
    path_op(ctx, a[0], |pl, p| pl.set_owner(p, uid, gid))
}

fn set_time_nif_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (Some(atime), Some(mtime), Some(_ctime)) = (get_i64(a[1]), get_i64(a[2]), get_i64(a[3])) else {
        return Err(badarg());
    };
    path_op(ctx, a[0], |pl, p| pl.set_time(p, atime, mtime))
}

fn read_link_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_path(ctx, a[0], |ctx, p| match ctx.vm.platform.read_link(p) {
        Ok(target) => ok_binary(ctx, target),
        Err(e) => error_tuple(ctx, e),
    })
}

/// The names, last read first (ERTS conses them up as readdir gives them; prim_file reverses).
fn list_dir_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_path(ctx, a[0], |ctx, p| match ctx.vm.platform.list_dir_bytes(p) {
        Ok(names) => {
            let mut l = Term::NIL;
            for n in names {
                let b = binary_of(ctx, n);
                l = terms::cons(ctx.heap(), b, l);
            }
            Ok(terms::tuple(ctx.heap(), &[am::OK, l]))
        }
        Err(e) => error_tuple(ctx, e),
    })
}

fn make_hard_link_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    two_path_op(ctx, a[0], a[1], |pl, x, y| pl.make_hard_link(x, y))
}

fn make_soft_link_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    two_path_op(ctx, a[0], a[1], |pl, x, y| pl.make_soft_link(x, y))
}

fn rename_nif_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    two_path_op(ctx, a[0], a[1], |pl, x, y| pl.rename(x, y))
}

fn make_dir_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    path_op(ctx, a[0], |pl, p| pl.make_dir(p))
}

fn del_file_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    path_op(ctx, a[0], |pl, p| pl.del_file(p))
}

fn del_dir_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    path_op(ctx, a[0], |pl, p| pl.del_dir(p))
}

/// Drive-letter working directories exist only on Windows.
fn get_device_cwd_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    get_i32(a[0]).ok_or_else(badarg)?;
    posix_error(ctx, "enotsup")
}

fn set_cwd_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    path_op(ctx, a[0], |pl, p| pl.set_cwd(p))
}

fn get_cwd_nif_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    match ctx.vm.platform.get_cwd() {
        Ok(d) => ok_binary(ctx, d),
        Err(e) => error_tuple(ctx, e),
    }
}

/// Short (8.3) names exist only on Windows.
fn altname_nif_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    with_path(ctx, a[0], |ctx, _| posix_error(ctx, "enotsup"))
}

// ---------------------------------------------------------------- name encoding (erl_unicode.c)

/// Whether file names are UTF-8 (else latin1): `file:native_name_encoding/0`.
fn names_are_utf8(ctx: &Ctx) -> bool {
    super::misc::native_name_encoding(ctx.vm) == am::UTF8
}

/// A name as the NIFs take it: a binary's bytes as they are, or a (deep) list of characters
/// encoded in the native encoding; NUL-terminated. No NUL may appear inside.
fn internal_name2native_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let name = a[0];
    let mut out = Vec::new();
    if let Some(bytes) = terms::binary_bytes(name) {
        if bytes.contains(&0) {
            return Err(badarg());
        }
        out.extend_from_slice(&bytes);
    } else {
        let utf8 = names_are_utf8(ctx);
        let mut stack = vec![name];
        while let Some(t) = stack.pop() {
            if t.is_nil() {
                continue;
            }
            let (h, tl) = terms::cons_parts(t).ok_or_else(badarg)?;
            stack.push(tl);
            if h.is_list_or_nil() {
                stack.push(h);
                continue;
            }
            let c = h.as_small().ok_or_else(badarg)?;
            if c == 0 {
                return Err(badarg());
            }
            if utf8 {
                let ch = u32::try_from(c).ok().and_then(char::from_u32).ok_or_else(badarg)?;
                let mut b = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
            } else {
                out.push(u8::try_from(c).map_err(|_| badarg())?);
            }
        }
    }
    out.push(0);
    Ok(terms::binary(ctx.heap(), &out))
}

/// A raw name as characters: bytes as latin1, or decoded UTF-8 (`{error, warning}` if it is not
/// UTF-8, as with ERTS's default `+fnuw`).
fn internal_native2name_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let bytes = terms::binary_bytes(a[0]).ok_or_else(badarg)?;
    if !names_are_utf8(ctx) {
        let chars: Vec<Term> = bytes.iter().map(|&b| Term::small(b as i64)).collect();
        return Ok(terms::list(ctx.heap(), &chars));
    }
    match core::str::from_utf8(&bytes) {
        Ok(s) => {
            let chars: Vec<Term> = s.chars().map(|c| Term::small(c as i64)).collect();
            Ok(terms::list(ctx.heap(), &chars))
        }
        Err(_) => Ok(terms::tuple(ctx.heap(), &[am::ERROR, atom::atom("warning")])),
    }
}

/// UTF-8 to characters (ERTS also normalizes to NFC; names here are taken as they are).
fn internal_normalize_utf8_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let bytes = terms::binary_bytes(a[0]).ok_or_else(badarg)?;
    let s = core::str::from_utf8(&bytes).map_err(|_| badarg())?;
    let chars: Vec<Term> = s.chars().map(|c| Term::small(c as i64)).collect();
    Ok(terms::list(ctx.heap(), &chars))
}

fn is_translatable_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let bytes = terms::binary_bytes(a[0]).ok_or_else(badarg)?;
    Ok(atom::bool_atom(!names_are_utf8(ctx) || core::str::from_utf8(&bytes).is_ok()))
}
