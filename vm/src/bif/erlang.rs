//! The `erlang` module's pure BIFs: type tests, comparisons, tuples, lists, atoms,
//! conversions, `display`, errors, apply, and module information.

use alloc::string::String;
use alloc::vec::Vec;
use beamos_gc::Term;
use core::cmp::Ordering;

use super::{bif, numfmt, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::compare::{cmp, eq, eq_exact};
use crate::terms::{self, bit_view};

pub const BIFS: &[BifEntry] = &[
    bif("erts_internal", "cmp_term", 2, cmp_term_2),
    bif("erlang", "display", 1, display_1),
    bif("erlang", "is_atom", 1, is_atom_1),
    bif("erlang", "is_integer", 1, is_integer_1),
    bif("erlang", "is_float", 1, is_float_1),
    bif("erlang", "is_number", 1, is_number_1),
    bif("erlang", "is_list", 1, is_list_1),
    bif("erlang", "is_tuple", 1, is_tuple_1),
    bif("erlang", "is_binary", 1, is_binary_1),
    bif("erlang", "is_bitstring", 1, is_bitstring_1),
    bif("erlang", "is_boolean", 1, is_boolean_1),
    bif("erlang", "is_pid", 1, is_pid_1),
    bif("erlang", "is_port", 1, is_port_1),
    bif("erlang", "is_reference", 1, is_reference_1),
    bif("erlang", "is_map", 1, is_map_1),
    bif("erlang", "is_function", 1, is_function_1),
    bif("erlang", "is_function", 2, is_function_2),
    bif("erlang", "is_record", 2, is_record_2),
    bif("erlang", "is_record", 3, is_record_3),
    bif("erlang", "==", 2, op_eq),
    bif("erlang", "/=", 2, op_ne),
    bif("erlang", "=:=", 2, op_eqx),
    bif("erlang", "=/=", 2, op_nex),
    bif("erlang", "<", 2, op_lt),
    bif("erlang", ">", 2, op_gt),
    bif("erlang", "=<", 2, op_le),
    bif("erlang", ">=", 2, op_ge),
    bif("erlang", "not", 1, op_not),
    bif("erlang", "and", 2, op_and),
    bif("erlang", "or", 2, op_or),
    bif("erlang", "xor", 2, op_xor),
    bif("erlang", "max", 2, max_2),
    bif("erlang", "min", 2, min_2),
    bif("erlang", "element", 2, element_2),
    bif("erlang", "setelement", 3, setelement_3),
    bif("erlang", "tuple_size", 1, tuple_size_1),
    bif("erlang", "size", 1, size_1),
    bif("erlang", "byte_size", 1, byte_size_1),
    bif("erlang", "bit_size", 1, bit_size_1),
    bif("erlang", "hd", 1, hd_1),
    bif("erlang", "tl", 1, tl_1),
    bif("erlang", "tuple_to_list", 1, tuple_to_list_1),
    bif("erlang", "list_to_tuple", 1, list_to_tuple_1),
    bif("erlang", "make_tuple", 2, make_tuple_2),
    bif("erlang", "make_tuple", 3, make_tuple_3),
    bif("erlang", "append_element", 2, append_element_2),
    bif("erlang", "delete_element", 2, delete_element_2),
    bif("erlang", "insert_element", 3, insert_element_3),
    bif("erlang", "atom_to_list", 1, atom_to_list_1),
    bif("erlang", "list_to_atom", 1, list_to_atom_1),
    bif("erlang", "list_to_existing_atom", 1, list_to_existing_atom_1),
    bif("erlang", "atom_to_binary", 1, atom_to_binary_1),
    bif("erlang", "atom_to_binary", 2, atom_to_binary_2),
    bif("erlang", "binary_to_atom", 1, binary_to_atom_1),
    bif("erlang", "binary_to_atom", 2, binary_to_atom_2),
    bif("erlang", "binary_to_existing_atom", 1, binary_to_existing_atom_1),
    bif("erlang", "binary_to_existing_atom", 2, binary_to_existing_atom_2),
    bif("erlang", "integer_to_list", 1, integer_to_list_1),
    bif("erlang", "integer_to_list", 2, integer_to_list_2),
    bif("erlang", "integer_to_binary", 1, integer_to_binary_1),
    bif("erlang", "integer_to_binary", 2, integer_to_binary_2),
    bif("erlang", "list_to_integer", 1, list_to_integer_1),
    bif("erlang", "list_to_integer", 2, list_to_integer_2),
    bif("erlang", "binary_to_integer", 1, binary_to_integer_1),
    bif("erlang", "binary_to_integer", 2, binary_to_integer_2),
    bif("erlang", "bitstring_to_list", 1, bitstring_to_list_1),
    bif("erlang", "list_to_bitstring", 1, list_to_bitstring_1),
    bif("erlang", "binary_part", 2, binary_part_2),
    bif("erlang", "binary_part", 3, binary_part_3),
    bif("erlang", "split_binary", 2, split_binary_2),
    bif("erlang", "error", 1, error_1),
    bif("erlang", "error", 2, error_2),
    bif("erlang", "error", 3, error_3),
    bif("erlang", "throw", 1, throw_1),
    bif("erlang", "raise", 3, raise_3),
    bif("erlang", "nif_error", 1, error_1),
    bif("erlang", "nif_error", 2, error_2),
    bif("erlang", "apply", 2, apply_2),
    bif("erlang", "apply", 3, apply_3),
    bif("erlang", "make_fun", 3, make_fun_3),
    bif("erlang", "node", 0, node_0),
    bif("erlang", "node", 1, node_1),
    bif("erlang", "nodes", 0, nodes_0),
    bif("erlang", "is_alive", 0, is_alive_0),
    bif("erlang", "get_module_info", 1, get_module_info_1),
    bif("erlang", "get_module_info", 2, get_module_info_2),
    bif("erlang", "function_exported", 3, function_exported_3),
    bif("erlang", "module_loaded", 1, module_loaded_1),
    bif("erlang", "phash2", 1, phash2_1),
    bif("erlang", "phash2", 2, phash2_2),
    bif("erlang", "phash", 2, phash_2),
    bif("erlang", "float_to_list", 1, float_to_list_1),
    bif("erlang", "float_to_binary", 1, float_to_binary_1),
    bif("erlang", "float_to_list", 2, float_to_list_2),
    bif("erlang", "float_to_binary", 2, float_to_binary_2),
    bif("erlang", "list_to_float", 1, list_to_float_1),
    bif("erlang", "binary_to_float", 1, binary_to_float_1),
    bif("erlang", "fun_info", 2, fun_info_2),
    bif("erlang", "pid_to_list", 1, pid_to_list_1),
    bif("erlang", "list_to_pid", 1, list_to_pid_1),
    bif("erlang", "port_to_list", 1, display_to_list_1),
    bif("erlang", "ref_to_list", 1, display_to_list_1),
    bif("erlang", "fun_to_list", 1, display_to_list_1),
    bif("erlang", "list_to_ref", 1, list_to_ref_1),
];

/// The printed form of a pid/port/ref/fun as a string (pid_to_list and friends).
fn display_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !(a[0].is_port() || a[0].is_ref() || a[0].is_fun()) {
        return super::badarg_r();
    }
    let mut out = Vec::new();
    crate::print::display(a[0], &mut out);
    Ok(terms::byte_string(ctx.heap(), &out))
}

fn pid_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_pid() {
        return super::badarg_r();
    }
    let mut out = Vec::new();
    crate::print::display(a[0], &mut out);
    Ok(terms::byte_string(ctx.heap(), &out))
}

/// Parses `<A.B.C>` into its three numbers.
fn dotted(s: &str, open: &str, close: char, n: usize) -> Option<Vec<u64>> {
    let inner = s.strip_prefix(open)?.strip_suffix(close)?;
    let parts: Vec<u64> = inner.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if parts.len() == n {
        Some(parts)
    } else {
        None
    }
}

fn list_to_pid_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = char_list(a[0]) else { return super::badarg_r() };
    match dotted(&s, "<", '>', 3) {
        Some(v) if v[0] == 0 && v[2] == 0 && v[1] < (1 << 59) => Ok(Term::pid(v[1])),
        _ => super::badarg_r(),
    }
}

fn list_to_ref_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = char_list(a[0]) else { return super::badarg_r() };
    match dotted(&s, "#Ref<", '>', 4) {
        Some(v) if v[0] == 0 && v[1..].iter().all(|&x| x <= u32::MAX as u64) => {
            let id = ((v[1] as u128) << 64) | ((v[2] as u128) << 32) | v[3] as u128;
            // A live resource's reference comes back working, as in ERTS (crate::resource).
            match ctx.vm.resources.lookup(id) {
                Some(res) => Ok(terms::magic_ref(ctx.heap(), res)),
                None => Ok(terms::reference(ctx.heap(), id)),
            }
        }
        _ => super::badarg_r(),
    }
}

fn display_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mut out = Vec::new();
    crate::print::display(a[0], &mut out);
    out.extend_from_slice(b"\r\n");
    ctx.vm.platform.write_stdout(&out);
    Ok(am::TRUE)
}

macro_rules! type_test {
    ($name:ident, $t:ident => $e:expr) => {
        fn $name(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
            let $t = a[0];
            Ok(atom::bool_atom($e))
        }
    };
}

type_test!(is_atom_1, t => t.is_atom());
type_test!(is_integer_1, t => t.is_integer());
type_test!(is_float_1, t => t.is_float());
type_test!(is_number_1, t => t.is_number());
type_test!(is_list_1, t => t.is_list_or_nil());
type_test!(is_tuple_1, t => t.is_tuple());
type_test!(is_binary_1, t => terms::is_binary(t));
type_test!(is_bitstring_1, t => t.is_bitstring());
type_test!(is_boolean_1, t => t == am::TRUE || t == am::FALSE);
type_test!(is_pid_1, t => t.is_pid());
type_test!(is_port_1, t => t.is_port());
type_test!(is_reference_1, t => t.is_ref());
type_test!(is_map_1, t => t.is_map());
type_test!(is_function_1, t => t.is_fun());

fn is_function_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[1].as_small().filter(|&n| n >= 0) else { return super::badarg_r() };
    Ok(atom::bool_atom(crate::emu::interp::fun_arity(a[0]) == Some(n as u32)))
}

fn is_record_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[1].is_atom() {
        return super::badarg_r();
    }
    Ok(atom::bool_atom(terms::tuple_elems(a[0]).is_some_and(|e| !e.is_empty() && e[0] == a[1])))
}

fn is_record_3(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[2].as_small() else { return super::badarg_r() };
    if !a[1].is_atom() {
        return super::badarg_r();
    }
    Ok(atom::bool_atom(terms::tuple_elems(a[0]).is_some_and(|e| e.len() as i64 == n && n > 0 && e[0] == a[1])))
}

fn op_eq(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(eq(a[0], a[1])))
}
fn op_ne(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(!eq(a[0], a[1])))
}
fn op_eqx(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(eq_exact(a[0], a[1])))
}
fn op_nex(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(!eq_exact(a[0], a[1])))
}
fn op_lt(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(cmp(a[0], a[1]) == Ordering::Less))
}
fn op_gt(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(cmp(a[0], a[1]) == Ordering::Greater))
}
fn op_le(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(cmp(a[0], a[1]) != Ordering::Greater))
}
fn op_ge(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(cmp(a[0], a[1]) != Ordering::Less))
}

fn bool_of(t: Term) -> Result<bool, Exc> {
    if t == am::TRUE {
        Ok(true)
    } else if t == am::FALSE {
        Ok(false)
    } else {
        super::badarg_r()
    }
}

fn op_not(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(!bool_of(a[0])?))
}
fn op_and(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let (x, y) = (bool_of(a[0])?, bool_of(a[1])?);
    Ok(atom::bool_atom(x && y))
}
fn op_or(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let (x, y) = (bool_of(a[0])?, bool_of(a[1])?);
    Ok(atom::bool_atom(x || y))
}
fn op_xor(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let (x, y) = (bool_of(a[0])?, bool_of(a[1])?);
    Ok(atom::bool_atom(x ^ y))
}

fn max_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(if cmp(a[0], a[1]) == Ordering::Less { a[1] } else { a[0] })
}
fn min_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(if cmp(a[0], a[1]) == Ordering::Greater { a[1] } else { a[0] })
}

fn index_arg(t: Term) -> Option<usize> {
    t.as_small().filter(|&i| i >= 1).map(|i| i as usize)
}

fn element_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    match (index_arg(a[0]), terms::tuple_elems(a[1])) {
        (Some(i), Some(e)) if i <= e.len() => Ok(e[i - 1]),
        _ => super::badarg_r(),
    }
}

fn setelement_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match (index_arg(a[0]), terms::tuple_elems(a[1])) {
        (Some(i), Some(e)) if i <= e.len() => {
            let mut v = e.to_vec();
            v[i - 1] = a[2];
            Ok(terms::tuple(ctx.heap(), &v))
        }
        _ => super::badarg_r(),
    }
}

fn tuple_size_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    match terms::tuple_elems(a[0]) {
        Some(e) => Ok(Term::small(e.len() as i64)),
        None => super::badarg_r(),
    }
}

fn size_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    if let Some(e) = terms::tuple_elems(a[0]) {
        return Ok(Term::small(e.len() as i64));
    }
    match bit_view(a[0]) {
        Some(v) => Ok(Term::small((v.bit_size / 8) as i64)),
        None => super::badarg_r(),
    }
}

fn byte_size_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    match bit_view(a[0]) {
        Some(v) => Ok(Term::small(v.bit_size.div_ceil(8) as i64)),
        None => super::badarg_r(),
    }
}

fn bit_size_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    match bit_view(a[0]) {
        Some(v) => Ok(Term::small(v.bit_size as i64)),
        None => super::badarg_r(),
    }
}

fn hd_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    terms::cons_parts(a[0]).map(|(h, _)| h).ok_or(super::badarg())
}
fn tl_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    terms::cons_parts(a[0]).map(|(_, t)| t).ok_or(super::badarg())
}

/// Traps (see `yielding`).
fn tuple_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    super::yielding::tuple_to_list_1(ctx, a)
}

/// Traps (see `yielding`).
fn list_to_tuple_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    super::yielding::list_to_tuple_1(ctx, a)
}

fn make_tuple_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[0].as_small().filter(|&n| (0..=16_777_215).contains(&n)) else { return super::badarg_r() };
    let v = alloc::vec![a[1]; n as usize];
    Ok(terms::tuple(ctx.heap(), &v))
}

fn make_tuple_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[0].as_small().filter(|&n| (0..=16_777_215).contains(&n)) else { return super::badarg_r() };
    let mut v = alloc::vec![a[1]; n as usize];
    let Some(inits) = terms::list_to_vec(a[2]) else { return super::badarg_r() };
    for i in inits {
        match terms::tuple_elems(i) {
            Some(&[pos, val]) => match index_arg(pos) {
                Some(p) if p <= v.len() => v[p - 1] = val,
                _ => return super::badarg_r(),
            },
            _ => return super::badarg_r(),
        }
    }
    Ok(terms::tuple(ctx.heap(), &v))
}

fn append_element_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(e) = terms::tuple_elems(a[0]) else { return super::badarg_r() };
    let mut v = e.to_vec();
    v.push(a[1]);
    Ok(terms::tuple(ctx.heap(), &v))
}

fn delete_element_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match (index_arg(a[0]), terms::tuple_elems(a[1])) {
        (Some(i), Some(e)) if i <= e.len() => {
            let mut v = e.to_vec();
            v.remove(i - 1);
            Ok(terms::tuple(ctx.heap(), &v))
        }
        _ => super::badarg_r(),
    }
}

fn insert_element_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match (index_arg(a[0]), terms::tuple_elems(a[1])) {
        (Some(i), Some(e)) if i <= e.len() + 1 => {
            let mut v = e.to_vec();
            v.insert(i - 1, a[2]);
            Ok(terms::tuple(ctx.heap(), &v))
        }
        _ => super::badarg_r(),
    }
}

/// A list of character codes as a String, or None.
pub fn char_list(t: Term) -> Option<String> {
    let mut s = String::new();
    let mut l = t;
    while let Some((h, tl)) = terms::cons_parts(l) {
        let c = h.as_small().and_then(|c| u32::try_from(c).ok()).and_then(char::from_u32)?;
        s.push(c);
        l = tl;
    }
    if l.is_nil() {
        Some(s)
    } else {
        None
    }
}

fn atom_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() {
        return super::badarg_r();
    }
    Ok(terms::string(ctx.heap(), atom::name(a[0])))
}

fn make_atom(name: &str) -> BifResult {
    atom::intern(name).map_err(|_| Exc::Error(am::SYSTEM_LIMIT))
}

fn list_to_atom_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    match char_list(a[0]) {
        Some(s) => make_atom(&s),
        None => super::badarg_r(),
    }
}

fn list_to_existing_atom_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    char_list(a[0]).and_then(|s| atom::lookup(&s)).ok_or(super::badarg())
}

fn encoding_ok(t: Term) -> Option<bool> {
    if t == am::UTF8 || t == am::UNICODE {
        Some(true)
    } else if t == am::LATIN1 {
        Some(false)
    } else {
        None
    }
}

fn atom_to_binary_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    atom_to_binary_2(ctx, &[a[0], am::UTF8])
}

fn atom_to_binary_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(utf8) = encoding_ok(a[1]) else { return super::badarg_r() };
    if !a[0].is_atom() {
        return super::badarg_r();
    }
    let name = atom::name(a[0]);
    if utf8 {
        Ok(terms::binary(ctx.heap(), name.as_bytes()))
    } else {
        let mut b = Vec::new();
        for c in name.chars() {
            if (c as u32) > 255 {
                return super::badarg_r();
            }
            b.push(c as u8);
        }
        Ok(terms::binary(ctx.heap(), &b))
    }
}

fn binary_name(t: Term, enc: Term) -> Result<String, Exc> {
    let Some(utf8) = encoding_ok(enc) else { return super::badarg_r() };
    let Some(b) = terms::binary_bytes(t) else { return super::badarg_r() };
    if utf8 {
        core::str::from_utf8(&b).map(String::from).map_err(|_| super::badarg())
    } else {
        Ok(b.iter().map(|&c| c as char).collect())
    }
}

fn binary_to_atom_1(c: &mut Ctx, a: &[Term]) -> BifResult {
    binary_to_atom_2(c, &[a[0], am::UTF8])
}
fn binary_to_atom_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    make_atom(&binary_name(a[0], a[1])?)
}
fn binary_to_existing_atom_1(c: &mut Ctx, a: &[Term]) -> BifResult {
    binary_to_existing_atom_2(c, &[a[0], am::UTF8])
}
fn binary_to_existing_atom_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    atom::lookup(&binary_name(a[0], a[1])?).ok_or(super::badarg())
}

fn int_text(t: Term, base: Term) -> Result<String, Exc> {
    let Some(b) = base.as_small().filter(|b| (2..=36).contains(b)) else { return super::badarg_r() };
    let Some(v) = terms::to_bigint(t) else { return super::badarg_r() };
    Ok(v.to_str_radix(b as u32).to_uppercase())
}

fn integer_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let s = int_text(a[0], Term::small(10))?;
    Ok(terms::string(ctx.heap(), &s))
}
fn integer_to_list_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let s = int_text(a[0], a[1])?;
    Ok(terms::string(ctx.heap(), &s))
}
fn integer_to_binary_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let s = int_text(a[0], Term::small(10))?;
    Ok(terms::binary(ctx.heap(), s.as_bytes()))
}
fn integer_to_binary_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let s = int_text(a[0], a[1])?;
    Ok(terms::binary(ctx.heap(), s.as_bytes()))
}

fn parse_int(ctx: &mut Ctx, s: &[u8], base: Term) -> BifResult {
    let Some(b) = base.as_small().filter(|b| (2..=36).contains(b)) else { return super::badarg_r() };
    match numfmt::parse_integer(s, b as u32) {
        Some(v) => Ok(terms::int_term(ctx.heap(), &v)),
        None => super::badarg_r(),
    }
}

fn list_to_integer_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = super::string::low_byte_list(a[0]) else { return super::badarg_r() };
    parse_int(ctx, &s, Term::small(10))
}
fn list_to_integer_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = super::string::low_byte_list(a[0]) else { return super::badarg_r() };
    parse_int(ctx, &s, a[1])
}
fn binary_to_integer_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = terms::binary_bytes(a[0]).map(|b| b.to_vec()) else { return super::badarg_r() };
    parse_int(ctx, &s, Term::small(10))
}
fn binary_to_integer_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = terms::binary_bytes(a[0]).map(|b| b.to_vec()) else { return super::badarg_r() };
    parse_int(ctx, &s, a[1])
}

/// Traps (see `yielding`).
fn bitstring_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    super::yielding::bitstring_to_list_1(ctx, a)
}

/// Flattens an iolist (or bitstring list) into bits. Iterative.
pub fn iolist_bits(t: Term, allow_bits: bool) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut bits = 0usize;
    let mut stack = alloc::vec![t];
    while let Some(t) = stack.pop() {
        if let Some(v) = bit_view(t) {
            if v.bit_size % 8 != 0 && !allow_bits {
                return None;
            }
            let need = (bits + v.bit_size).div_ceil(8);
            out.resize(need, 0);
            terms::copy_bits(v.bytes, v.bit_offset, &mut out, bits, v.bit_size);
            bits += v.bit_size;
        } else if let Some((h, tl)) = terms::cons_parts(t) {
            stack.push(tl);
            if let Some(c) = h.as_small() {
                if !(0..=255).contains(&c) {
                    return None;
                }
                if bits % 8 == 0 {
                    out.push(c as u8);
                } else {
                    // After a bitstring (list_to_bitstring): the byte lands unaligned.
                    out.push(0);
                    terms::copy_bits(&[c as u8], 0, &mut out, bits, 8);
                }
                bits += 8;
            } else if h.is_list() || h.is_nil() || h.is_bitstring() {
                stack.push(h);
            } else {
                return None;
            }
        } else if !t.is_nil() {
            return None;
        }
    }
    Some((out, bits))
}

/// Traps (see `yielding`).
fn list_to_bitstring_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    super::yielding::list_to_bitstring_1(ctx, a)
}

fn part(ctx: &mut Ctx, bin: Term, start: Term, len: Term) -> BifResult {
    let Some(v) = bit_view(bin) else { return super::badarg_r() };
    let size = (v.bit_size / 8) as i64;
    let (Some(s), Some(l)) = (start.as_small(), len.as_small()) else { return super::badarg_r() };
    let (s, l) = if l < 0 { (s + l, -l) } else { (s, l) };
    if s < 0 || s + l > size || v.bit_size % 8 != 0 {
        return super::badarg_r();
    }
    Ok(terms::sub_binary(ctx.heap(), bin, s as usize * 8, l as usize * 8))
}

fn binary_part_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match terms::tuple_elems(a[1]) {
        Some(&[s, l]) => part(ctx, a[0], s, l),
        _ => super::badarg_r(),
    }
}
fn binary_part_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    part(ctx, a[0], a[1], a[2])
}

fn split_binary_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(v) = bit_view(a[0]) else { return super::badarg_r() };
    let Some(n) = a[1].as_small().filter(|&n| n >= 0 && n as usize * 8 <= v.bit_size) else {
        return super::badarg_r();
    };
    let n = n as usize * 8;
    let x = terms::sub_binary(ctx.heap(), a[0], 0, n);
    let y = terms::sub_binary(ctx.heap(), a[0], n, v.bit_size - n);
    Ok(terms::tuple(ctx.heap(), &[x, y]))
}

fn error_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Err(Exc::ErrorHere { reason: a[0], args: Term::NON_VALUE, info: Term::NON_VALUE })
}
fn error_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Err(Exc::ErrorHere { reason: a[0], args: a[1], info: Term::NON_VALUE })
}

/// `erlang:error(Reason, Args, Options)`: Options is a proper list of `{error_info, Map}`
/// (the last one counts); anything else there drops the error info (as ERTS's error_3).
fn error_3(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let mut info = Term::NON_VALUE;
    let mut l = a[2];
    while let Some((h, t)) = terms::cons_parts(l) {
        match terms::tuple_elems(h) {
            Some(&[k, m]) if k == am::ERROR_INFO && crate::map::is_map(m) => info = m,
            _ => break,
        }
        l = t;
    }
    if !l.is_nil() {
        info = Term::NON_VALUE;
    }
    Err(Exc::ErrorHere { reason: a[0], args: a[1], info })
}
fn throw_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    Err(Exc::Throw(a[0]))
}
/// `erlang:raise/3`. A bad class or stack trace is not an exception: the BIF returns the atom
/// `badarg`. Frames are checked as ERTS does (bif.c): `{M,F,A,Loc}`, `{M,F,A}`, `{Fun,Args}`,
/// `{Fun,Args,Loc}` with Loc a list; the short forms get an empty location, and the trace is
/// cut to the backtrace depth (8).
fn raise_3(c: &mut Ctx, a: &[Term]) -> BifResult {
    let class = a[0];
    if class != am::ERROR && class != am::EXIT && class != am::THROW {
        return Ok(am::BADARG);
    }
    let Some(frames) = terms::list_to_vec(a[2]) else { return Ok(am::BADARG) };
    let mut must_copy = frames.len() > 8;
    for &f in &frames {
        let Some(e) = terms::tuple_elems(f) else { return Ok(am::BADARG) };
        let is_fun = |t: Term| terms::closure_parts(t).is_some() || terms::export_of_fun(t).is_some();
        let loc = match e.len() {
            2 if is_fun(e[0]) => {
                must_copy = true;
                Term::NIL
            }
            3 if is_fun(e[0]) => e[2],
            3 if e[0].is_atom() && e[1].is_atom() => {
                must_copy = true;
                Term::NIL
            }
            4 if e[0].is_atom() && e[1].is_atom() => e[3],
            _ => return Ok(am::BADARG),
        };
        if !loc.is_list_or_nil() {
            return Ok(am::BADARG);
        }
    }
    let stacktrace = if must_copy {
        let out: Vec<Term> = frames
            .iter()
            .take(8)
            .map(|&f| {
                let e = terms::tuple_elems(f).unwrap_or(&[]);
                match e.len() {
                    2 => terms::tuple(c.heap(), &[e[0], e[1], Term::NIL]),
                    3 if e[0].is_atom() => terms::tuple(c.heap(), &[e[0], e[1], e[2], Term::NIL]),
                    _ => f,
                }
            })
            .collect();
        terms::list(c.heap(), &out)
    } else {
        a[2]
    };
    Err(Exc::Raise { class, reason: a[1], stacktrace })
}

fn apply_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(args) = terms::list_to_vec(a[1]) else { return super::badarg_r() };
    Err(Exc::CallFun { fun: a[0], args })
}

fn apply_3(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(args) = terms::list_to_vec(a[2]) else { return super::badarg_r() };
    Err(Exc::CallMfa { module: a[0], function: a[1], args })
}

fn make_fun_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[2].as_small().filter(|n| (0..=255).contains(n)) else { return super::badarg_r() };
    if !a[0].is_atom() || !a[1].is_atom() {
        return super::badarg_r();
    }
    let e = ctx.vm.code.export(a[0], a[1], n as u32);
    Ok(terms::export_fun(ctx.heap(), e))
}

fn node_0(_c: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(am::NONODE)
}
fn node_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0].is_pid() || a[0].is_port() || a[0].is_ref() {
        Ok(am::NONODE)
    } else {
        super::badarg_r()
    }
}
fn nodes_0(_c: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(Term::NIL)
}
fn is_alive_0(_c: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(am::FALSE)
}

fn module_info_item(ctx: &mut Ctx, m: &crate::module::Module, item: Term) -> Option<Term> {
    let h = &mut ctx.proc.heap;
    Some(if item == am::MODULE {
        m.name
    } else if item == am::MD5 {
        terms::binary(h, &m.md5)
    } else if item == am::EXPORTS || item == am::FUNCTIONS {
        let mut v = Vec::new();
        let src: Vec<(Term, u32)> = if item == am::EXPORTS {
            m.exports.clone()
        } else {
            m.functions.iter().map(|f| (f.function, f.arity)).collect()
        };
        for (f, a) in src {
            v.push(terms::tuple(h, &[f, Term::small(a as i64)]));
        }
        terms::list(h, &v)
    } else if item == am::ATTRIBUTES {
        m.attributes
    } else if item == am::COMPILE {
        m.compile_info
    } else if item == am::NATIVE {
        am::FALSE
    } else if item == am::NIFS {
        Term::NIL
    } else {
        return None;
    })
}

fn get_module_info_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(m) = ctx.vm.code.module(a[0]) else { return super::badarg_r() };
    let mut v = Vec::new();
    for item in [am::MODULE, am::EXPORTS, am::ATTRIBUTES, am::COMPILE, am::MD5] {
        let val = module_info_item(ctx, &m, item).unwrap_or(Term::NIL);
        v.push(terms::tuple(ctx.heap(), &[item, val]));
    }
    Ok(terms::list(ctx.heap(), &v))
}

fn get_module_info_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(m) = ctx.vm.code.module(a[0]) else { return super::badarg_r() };
    module_info_item(ctx, &m, a[1]).ok_or(super::badarg())
}

fn function_exported_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(n) = a[2].as_small() else { return super::badarg_r() };
    if !a[0].is_atom() || !a[1].is_atom() {
        return super::badarg_r();
    }
    let e = ctx.vm.code.find_export(a[0], a[1], n as u32);
    Ok(atom::bool_atom(e.is_some_and(|e| !e.code().is_null() || e.bif.is_some())))
}

fn module_loaded_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() {
        return super::badarg_r();
    }
    Ok(atom::bool_atom(ctx.vm.code.module(a[0]).is_some()))
}

/// Traps (see `yielding`).
fn phash2_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    super::yielding::phash2(ctx, a[0], None)
}

fn hash_range(t: Term) -> Result<u64, Exc> {
    t.as_small().filter(|&r| (1..=1i64 << 32).contains(&r)).map(|r| r as u64).ok_or(super::badarg())
}

fn phash2_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let r = hash_range(a[1])?;
    super::yielding::phash2(ctx, a[0], Some(r))
}

fn phash_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let r = hash_range(a[1])?;
    Ok(Term::small(crate::hash::phash(a[0], r) as i64))
}

fn float_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(f) = terms::float_value(a[0]) else { return super::badarg_r() };
    let s = numfmt::float_to_string_default(f);
    Ok(terms::string(ctx.heap(), &s))
}

fn float_to_binary_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(f) = terms::float_value(a[0]) else { return super::badarg_r() };
    let s = numfmt::float_to_string_default(f);
    Ok(terms::binary(ctx.heap(), s.as_bytes()))
}

/// The option list of `float_to_list/2` and `float_to_binary/2`, resolved as ERTS does: the
/// last of `short`, `{decimals,N}`, `{scientific,N}` wins; `compact` anywhere only matters for
/// `decimals`; a negative scientific precision means 6.
fn float_format_opts(opts: Term) -> Option<numfmt::FloatFormat> {
    use numfmt::FloatFormat;
    let mut fmt = FloatFormat::Default;
    let mut compact = false;
    for o in terms::list_to_vec(opts)? {
        if o == am::COMPACT {
            compact = true;
        } else if o == am::SHORT {
            fmt = FloatFormat::Short;
        } else if let Some(e) = terms::tuple_elems(o).filter(|e| e.len() == 2) {
            let (k, n) = (e[0], e[1].as_small()?);
            if k == am::DECIMALS {
                fmt = FloatFormat::Decimals { n: u8::try_from(n).ok()?, compact: false };
            } else if k == am::SCIENTIFIC {
                fmt = FloatFormat::Scientific(if n < 0 { 6 } else { u8::try_from(n).ok()? });
            } else {
                return None;
            }
        } else {
            return None;
        }
    }
    if let FloatFormat::Decimals { n, .. } = fmt {
        fmt = FloatFormat::Decimals { n, compact };
    }
    Some(fmt)
}

fn float_to_text(a: &[Term]) -> Result<alloc::string::String, Exc> {
    let f = terms::float_value(a[0]).ok_or(super::badarg())?;
    let fmt = float_format_opts(a[1]).ok_or(super::badarg())?;
    numfmt::float_to_string(f, fmt).map_err(|()| super::badarg())
}

fn float_to_list_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let s = float_to_text(a)?;
    Ok(terms::string(ctx.heap(), &s))
}

fn float_to_binary_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let s = float_to_text(a)?;
    Ok(terms::binary(ctx.heap(), s.as_bytes()))
}

fn list_to_float_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = terms::byte_list(a[0]) else { return super::badarg_r() };
    match numfmt::parse_float(&s) {
        Some(f) => Ok(terms::float(ctx.heap(), f)),
        None => super::badarg_r(),
    }
}

fn binary_to_float_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = terms::binary_bytes(a[0]).map(|b| b.to_vec()) else { return super::badarg_r() };
    match numfmt::parse_float(&s) {
        Some(f) => Ok(terms::float(ctx.heap(), f)),
        None => super::badarg_r(),
    }
}

fn fun_info_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (f, item) = (a[0], a[1]);
    let v = if let Some((e, free)) = terms::closure_parts(f) {
        let free = free.to_vec();
        if item == am::ARITY {
            Term::small(e.arity as i64)
        } else if item == am::MODULE {
            e.module
        } else if item == am::NAME {
            e.function
        } else if item == am::ENV {
            terms::list(ctx.heap(), &free)
        } else if item == am::TYPE {
            am::LOCAL
        } else if item == am::INDEX {
            Term::small(e.index as i64)
        } else if item == am::UNIQ {
            Term::small(e.old_uniq as i64)
        } else if item == am::NEW_INDEX {
            Term::small(e.index as i64)
        } else if item == am::NEW_UNIQ {
            terms::binary(ctx.heap(), &e.md5_uniq)
        } else if item == am::PID {
            ctx.proc.pid
        } else {
            return super::badarg_r();
        }
    } else if let Some(e) = terms::export_of_fun(f) {
        if item == am::ARITY {
            Term::small(e.arity as i64)
        } else if item == am::MODULE {
            e.module
        } else if item == am::NAME {
            e.function
        } else if item == am::ENV {
            Term::NIL
        } else if item == am::TYPE {
            am::EXTERNAL
        } else if [am::PID, am::INDEX, am::UNIQ, am::NEW_INDEX, am::NEW_UNIQ].contains(&item) {
            am::UNDEFINED
        } else {
            return super::badarg_r();
        }
    } else {
        return super::badarg_r();
    };
    Ok(terms::tuple(ctx.heap(), &[item, v]))
}

/// `erts_internal:cmp_term/2`: -1, 0 or 1 by exact term order (1 and 1.0 differ), as
/// `CMP_TERM` (used by the `lists:sort` and `ets` code that asks for it).
fn cmp_term_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(Term::small(match crate::compare::compare(a[0], a[1], crate::compare::Mode::Exact) {
        core::cmp::Ordering::Less => -1,
        core::cmp::Ordering::Equal => 0,
        core::cmp::Ordering::Greater => 1,
    }))
}
