//! Small BIFs that stdlib and kernel call: checksums (crc32, adler32, md5), environment
//! writes, printable range and file name encoding, iovecs, and code introspection.

use alloc::string::String;
use alloc::vec::Vec;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx};
use crate::atom::{self, am};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "crc32", 1, crc32_1),
    bif("erlang", "crc32", 2, crc32_2),
    bif("erlang", "crc32_combine", 3, crc32_combine_3),
    bif("erlang", "adler32", 1, adler32_1),
    bif("erlang", "adler32", 2, adler32_2),
    bif("erlang", "adler32_combine", 3, adler32_combine_3),
    bif("erlang", "md5", 1, md5_1),
    bif("erlang", "md5_init", 0, md5_init_0),
    bif("erlang", "md5_update", 2, md5_update_2),
    bif("erlang", "md5_final", 1, md5_final_1),
    bif("erlang", "iolist_to_iovec", 1, iolist_to_iovec_1),
    bif("erlang", "is_builtin", 3, is_builtin_3),
    bif("erlang", "fun_info_mfa", 1, fun_info_mfa_1),
    bif("erlang", "display_string", 1, display_string_1),
    bif("erlang", "display_nl", 0, display_nl_0),
    bif("erlang", "bump_reductions", 1, bump_reductions_1),
    bif("erlang", "loaded", 0, loaded_0),
    bif("erlang", "pre_loaded", 0, pre_loaded_0),
    bif("erlang", "nodes", 1, nodes_1),
    bif("erlang", "ports", 0, ports_0),
    bif("io", "printable_range", 0, printable_range_0),
    bif("file", "native_name_encoding", 0, native_name_encoding_0),
    bif("os", "putenv", 2, putenv_2),
    bif("os", "unsetenv", 1, unsetenv_1),
    bif("erlang", "hibernate", 3, hibernate_3),
    bif("net_kernel", "dflag_unicode_io", 1, dflag_unicode_io_1),
    bif("beamos", "put_chars", 2, beamos_put_chars_2),
    bif("erlang", "dt_put_tag", 1, dt_put_tag_1),
    bif("erlang", "dt_get_tag", 0, dt_get_tag_0),
    bif("erlang", "dt_get_tag_data", 0, dt_get_tag_data_0),
    bif("erlang", "dt_prepend_vm_tag_data", 1, dt_prepend_vm_tag_data_1),
    bif("erlang", "dt_append_vm_tag_data", 1, dt_append_vm_tag_data_1),
    bif("erlang", "dt_spread_tag", 1, dt_spread_tag_1),
    bif("erlang", "dt_restore_tag", 1, dt_restore_tag_1),
];

/// Whether io requests to this process may carry unicode (always, without distribution).
fn dflag_unicode_io_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_pid() {
        return super::badarg_r();
    }
    Ok(am::TRUE)
}

/// `beamos:put_chars(stdout | stderr, Bytes)`: what bare mode's io servers write with.
fn beamos_put_chars_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let bytes = iodata(a[1])?;
    match a[0].is_atom().then(|| atom::name(a[0])) {
        Some("stdout") => ctx.vm.platform.write_stdout(&bytes),
        Some("stderr") => ctx.vm.platform.write_stderr(&bytes),
        _ => return super::badarg_r(),
    }
    Ok(am::OK)
}

/// `erlang:hibernate(M, F, Args)`: drop the call stack, wait for a message (without taking
/// it), then run `M:F(Args)`; when that returns, the process exits normally. The BIF yields
/// into the VM's hibernate continuation, with M, F and Args as its live registers.
fn hibernate_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() || !a[1].is_atom() || terms::list_length(a[2]).is_none() {
        return super::badarg_r();
    }
    let p = &mut *ctx.proc;
    p.stack.clear();
    p.exc = None;
    p.saved_x.clear();
    // A frame for the hibernate code: return to normal exit; y0..y2 = M, F, Args.
    p.stack.extend_from_slice(&[Term(ctx.vm.exit_entry() as u64), a[2], a[1], a[0]]);
    // The yield resumes at cp (with the BIF's `true` in x0, which nothing reads).
    p.cp = ctx.vm.hibernate_entry();
    Err(super::Exc::Yield)
}

/// The bytes of an iodata term (binaries, byte lists, nested), or badarg.
fn iodata(t: Term) -> Result<Vec<u8>, super::Exc> {
    match super::erlang::iolist_bits(t, false) {
        Some((bytes, _)) => Ok(bytes),
        None => super::badarg_r(),
    }
}

fn uint(ctx: &mut Ctx, v: u64) -> Term {
    terms::int_from_i128(ctx.heap(), v as i128)
}

/// An integer argument that fits `T` (u32 checksums, u64 lengths), else badarg.
fn uint_arg<T: TryFrom<num_bigint::BigInt>>(t: Term) -> Result<T, super::Exc> {
    terms::int_value(t).and_then(|i| i.to_big().try_into().ok()).ok_or(super::badarg())
}

// ---------------------------------------------------------------- crc32 (zlib's, reflected)

const CRC_POLY: u32 = 0xEDB8_8320;

const fn crc_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { CRC_POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[n] = c;
        n += 1;
    }
    t
}

static CRC_TABLE: [u32; 256] = crc_table();

pub fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c = CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

/// a(x) * b(x) modulo the CRC polynomial (zlib's `multmodp`).
fn multmodp(a: u32, mut b: u32) -> u32 {
    let mut m = 1u32 << 31;
    let mut p = 0u32;
    loop {
        if a & m != 0 {
            p ^= b;
            if a & (m - 1) == 0 {
                break;
            }
        }
        m >>= 1;
        b = if b & 1 != 0 { (b >> 1) ^ CRC_POLY } else { b >> 1 };
    }
    p
}

/// x^(n * 2^k) modulo the CRC polynomial (zlib's `x2nmodp`).
fn x2nmodp(mut n: u64, mut k: u32) -> u32 {
    let mut table = [0u32; 32];
    let mut p = 1u32 << 30;
    for slot in table.iter_mut() {
        *slot = p;
        p = multmodp(p, p);
    }
    let mut p = 1u32 << 31;
    while n != 0 {
        if n & 1 != 0 {
            p = multmodp(table[(k & 31) as usize], p);
        }
        n >>= 1;
        k += 1;
    }
    p
}

pub fn crc32_combine(crc1: u32, crc2: u32, len2: u64) -> u32 {
    multmodp(x2nmodp(len2, 3), crc1) ^ crc2
}

fn crc32_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let data = iodata(a[0])?;
    Ok(uint(ctx, crc32_update(0, &data) as u64))
}

fn crc32_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let crc = uint_arg::<u32>(a[0])?;
    let data = iodata(a[1])?;
    Ok(uint(ctx, crc32_update(crc, &data) as u64))
}

fn crc32_combine_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (c1, c2, len) = (uint_arg::<u32>(a[0])?, uint_arg::<u32>(a[1])?, uint_arg::<u64>(a[2])?);
    Ok(uint(ctx, crc32_combine(c1, c2, len) as u64))
}

// ---------------------------------------------------------------- adler32

const ADLER_BASE: u32 = 65521;

pub fn adler32_update(adler: u32, data: &[u8]) -> u32 {
    let (mut s1, mut s2) = (adler & 0xffff, adler >> 16);
    for chunk in data.chunks(5552) {
        for &b in chunk {
            s1 += b as u32;
            s2 += s1;
        }
        s1 %= ADLER_BASE;
        s2 %= ADLER_BASE;
    }
    (s2 << 16) | s1
}

pub fn adler32_combine(adler1: u32, adler2: u32, len2: u64) -> u32 {
    let base = ADLER_BASE as u64;
    let rem = len2 % base;
    let mut sum1 = (adler1 & 0xffff) as u64;
    let mut sum2 = (rem * sum1) % base;
    sum1 += (adler2 & 0xffff) as u64 + base - 1;
    sum2 += ((adler1 >> 16) & 0xffff) as u64 + ((adler2 >> 16) & 0xffff) as u64 + base - rem;
    if sum1 >= base {
        sum1 -= base;
    }
    if sum1 >= base {
        sum1 -= base;
    }
    if sum2 >= base << 1 {
        sum2 -= base << 1;
    }
    if sum2 >= base {
        sum2 -= base;
    }
    (sum1 | (sum2 << 16)) as u32
}

fn adler32_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let data = iodata(a[0])?;
    Ok(uint(ctx, adler32_update(1, &data) as u64))
}

fn adler32_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let adler = uint_arg::<u32>(a[0])?;
    let data = iodata(a[1])?;
    Ok(uint(ctx, adler32_update(adler, &data) as u64))
}

fn adler32_combine_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (a1, a2, len) = (uint_arg::<u32>(a[0])?, uint_arg::<u32>(a[1])?, uint_arg::<u64>(a[2])?);
    Ok(uint(ctx, adler32_combine(a1, a2, len) as u64))
}

// ---------------------------------------------------------------- md5

fn md5_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    use md5::Digest;
    let data = iodata(a[0])?;
    let d = md5::Md5::digest(&data);
    Ok(terms::binary(ctx.heap(), &d))
}

/// An md5 context is a binary: a tag and the data so far (the digest is taken at
/// `md5_final/1`). ERTS's is its C struct; both are opaque to Erlang code.
const MD5_CTX_TAG: &[u8] = b"beamos-md5\0";

fn md5_init_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(terms::binary(ctx.heap(), MD5_CTX_TAG))
}

fn md5_context(t: Term) -> Result<&'static [u8], super::Exc> {
    match terms::bit_view(t).and_then(|v| v.as_bytes()) {
        Some(b) if b.starts_with(MD5_CTX_TAG) => Ok(&b[MD5_CTX_TAG.len()..]),
        _ => super::badarg_r(),
    }
}

fn md5_update_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let so_far = md5_context(a[0])?;
    let data = iodata(a[1])?;
    let mut c = Vec::with_capacity(MD5_CTX_TAG.len() + so_far.len() + data.len());
    c.extend_from_slice(MD5_CTX_TAG);
    c.extend_from_slice(so_far);
    c.extend_from_slice(&data);
    Ok(terms::binary(ctx.heap(), &c))
}

fn md5_final_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    use md5::Digest;
    let so_far = md5_context(a[0])?;
    let d = md5::Md5::digest(so_far);
    Ok(terms::binary(ctx.heap(), &d))
}

// ---------------------------------------------------------------- iolists, funs, misc

/// `erlang:iolist_to_iovec/1`: the data as a list of binaries (one, or none when empty).
fn iolist_to_iovec_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    // A binary is its own iovec (no copy: file writes pass whole files through here).
    if terms::is_binary(a[0]) {
        let empty = terms::binary_bytes(a[0]).is_some_and(|b| b.is_empty());
        return Ok(if empty { Term::NIL } else { terms::list(ctx.heap(), &[a[0]]) });
    }
    let data = iodata(a[0])?;
    if data.is_empty() {
        return Ok(Term::NIL);
    }
    let b = if data.len() <= 64 { terms::binary(ctx.heap(), &data) } else { terms::refc_binary(ctx.heap(), data) };
    Ok(terms::list(ctx.heap(), &[b]))
}

fn is_builtin_3(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[2].as_small().filter(|&n| (0..=255).contains(&n)) else { return super::badarg_r() };
    if !a[0].is_atom() || !a[1].is_atom() {
        return super::badarg_r();
    }
    Ok(atom::bool_atom(super::lookup(a[0], a[1], n as u32).is_some()))
}

fn fun_info_mfa_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if let Some((e, _)) = terms::closure_parts(a[0]) {
        let (m, f, n) = (e.module, e.function, e.arity);
        return Ok(terms::tuple(ctx.heap(), &[m, f, Term::small(n as i64)]));
    }
    if let Some(e) = terms::export_of_fun(a[0]) {
        let (m, f, n) = (e.module, e.function, e.arity);
        return Ok(terms::tuple(ctx.heap(), &[m, f, Term::small(n as i64)]));
    }
    super::badarg_r()
}

fn display_string_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = terms::list_to_vec(a[0]) else { return super::badarg_r() };
    let mut out = String::new();
    for c in s {
        match c.as_small().and_then(|c| char::from_u32(c as u32)) {
            Some(ch) => out.push(ch),
            None => return super::badarg_r(),
        }
    }
    ctx.vm.platform.write_stderr(out.as_bytes());
    Ok(am::TRUE)
}

fn display_nl_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    ctx.vm.platform.write_stderr(b"\n");
    Ok(am::TRUE)
}

fn bump_reductions_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[0].as_small().filter(|&n| n >= 0) else { return super::badarg_r() };
    ctx.proc.reductions = ctx.proc.reductions.saturating_add(n as u64);
    Ok(am::TRUE)
}

fn loaded_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let mods = ctx.vm.code.loaded_modules();
    Ok(terms::list(ctx.heap(), &mods))
}

/// Bare mode preloads only its `init`; ERTS's list is its preloaded modules.
fn pre_loaded_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let init = atom::atom("init");
    Ok(terms::list(ctx.heap(), &[init]))
}

/// No distribution: there are no other nodes (`this` is only listed when alive).
fn nodes_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ok = |t: Term| ["visible", "hidden", "connected", "this", "known"].contains(&atom::name(t));
    let valid = if a[0].is_atom() {
        ok(a[0])
    } else {
        terms::list_to_vec(a[0]).is_some_and(|v| v.iter().all(|&t| t.is_atom() && ok(t)))
    };
    if valid {
        Ok(Term::NIL)
    } else {
        super::badarg_r()
    }
}

fn ports_0(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(Term::NIL)
}

/// `+pc latin1` is the default: only Latin-1 characters count as printable.
fn printable_range_0(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(am::LATIN1)
}

/// ERTS picks utf8 when the locale's character set is UTF-8 (the first of LC_ALL, LC_CTYPE,
/// LANG that is set), latin1 otherwise.
fn native_name_encoding_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(native_name_encoding(ctx.vm))
}

/// `utf8` or `latin1` (see `native_name_encoding_0`).
pub fn native_name_encoding(vm: &crate::vm::Vm) -> Term {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| vm.platform.getenv(v).filter(|s| !s.is_empty()))
        .unwrap_or_default()
        .to_ascii_lowercase();
    if locale.contains("utf-8") || locale.contains("utf8") { am::UTF8 } else { am::LATIN1 }
}

// ---------------------------------------------------------------- dynamic trace tags

// ERTS built without dynamic tracing (no USE_VM_PROBES), as erl is: no tag is ever kept.

fn dt_put_tag_1(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(am::UNDEFINED)
}

fn dt_get_tag_0(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(am::UNDEFINED)
}

fn dt_get_tag_data_0(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(am::UNDEFINED)
}

fn dt_prepend_vm_tag_data_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(a[0])
}

fn dt_append_vm_tag_data_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(a[0])
}

fn dt_spread_tag_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0] != am::TRUE && a[0] != am::FALSE {
        return super::badarg_r();
    }
    Ok(am::TRUE)
}

fn dt_restore_tag_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0] != am::TRUE {
        return super::badarg_r();
    }
    Ok(am::TRUE)
}

/// An environment variable name or value: a flat list of characters (what os:putenv accepts).
fn env_text(t: Term, is_name: bool) -> Option<String> {
    let mut s = String::new();
    for c in terms::list_to_vec(t)? {
        let ch = char::from_u32(c.as_small()? as u32)?;
        if ch == '\0' || (is_name && ch == '=') {
            return None;
        }
        s.push(ch);
    }
    (!is_name || !s.is_empty()).then_some(s)
}

fn putenv_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (Some(k), Some(v)) = (env_text(a[0], true), env_text(a[1], false)) else { return super::badarg_r() };
    match ctx.vm.platform.setenv(&k, Some(&v)) {
        Ok(()) => Ok(am::TRUE),
        Err(_) => super::badarg_r(),
    }
}

fn unsetenv_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(k) = env_text(a[0], true) else { return super::badarg_r() };
    match ctx.vm.platform.setenv(&k, None) {
        Ok(()) => Ok(am::TRUE),
        Err(_) => super::badarg_r(),
    }
}
