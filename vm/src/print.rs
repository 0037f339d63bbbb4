//! Printing terms exactly as `erlang:display/1` does (erts/emulator/beam/erl_printf_term.c).
//!
//! Iterative: a work list of pending items, so a 10-million-deep list prints without recursion.

use alloc::string::String;
use alloc::vec::Vec;
use beamos_gc::term::header_tag_of;
use beamos_gc::{header_tag, Term};
use core::fmt::Write;

use crate::atom;
use crate::terms::{self, bit_view, cons_parts};

enum Item {
    Term(Term),
    Text(&'static str),
    /// The rest of a list after an element: `,Next`, `|Tail` or `]`.
    ListRest(Term),
    /// A map's remaining pairs from index i.
    MapRest(Term, usize),
}

/// Appends the display form of `t` to `out` (bytes: chars 128..255 of strings are raw bytes).
pub fn display(t: Term, out: &mut Vec<u8>) {
    let mut work = alloc::vec![Item::Term(t)];
    while let Some(item) = work.pop() {
        match item {
            Item::Text(s) => out.extend_from_slice(s.as_bytes()),
            Item::ListRest(tail) => {
                if tail.is_nil() {
                    out.push(b']');
                } else if let Some((h, t)) = cons_parts(tail) {
                    out.push(b',');
                    work.push(Item::ListRest(t));
                    work.push(Item::Term(h));
                } else {
                    out.push(b'|');
                    work.push(Item::Text("]"));
                    work.push(Item::Term(tail));
                }
            }
            Item::MapRest(m, i) => {
                let crate::map::NodeView::Flat { keys, vals } = crate::map::node_view(m) else { continue };
                if i >= keys.len() {
                    out.push(b'}');
                } else {
                    if i > 0 {
                        out.push(b',');
                    }
                    work.push(Item::MapRest(m, i + 1));
                    work.push(Item::Term(vals[i]));
                    work.push(Item::Text("=>"));
                    work.push(Item::Term(keys[i]));
                }
            }
            Item::Term(t) => display_one(t, out, &mut work),
        }
    }
}

fn display_one(t: Term, out: &mut Vec<u8>, work: &mut Vec<Item>) {
    if let Some(v) = t.as_small() {
        let _ = write!(Bytes(out), "{}", v);
    } else if t.is_atom() {
        write_atom(t, out);
    } else if t.is_nil() {
        out.extend_from_slice(b"[]");
    } else if t.is_local_pid() {
        let _ = write!(Bytes(out), "<0.{}.0>", t.pid_number());
    } else if t.is_local_port() {
        let _ = write!(Bytes(out), "#Port<0.{}>", t.port_number());
    } else if t.is_list() {
        if let Some(s) = printable_list(t) {
            out.push(b'"');
            for c in s {
                match c {
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'"' => out.extend_from_slice(b"\\\""),
                    _ => out.push(c),
                }
            }
            out.push(b'"');
        } else {
            let (h, tl) = cons_parts(t).expect("list");
            out.push(b'[');
            work.push(Item::ListRest(tl));
            work.push(Item::Term(h));
        }
    } else if t.is_boxed() {
        // SAFETY: boxed terms point at live objects.
        let hdr = unsafe { t.boxed_header() };
        match header_tag_of(hdr) {
            header_tag::TUPLE => {
                let el = terms::tuple_elems(t).unwrap_or(&[]);
                out.push(b'{');
                work.push(Item::Text("}"));
                for (i, &e) in el.iter().enumerate().rev() {
                    work.push(Item::Term(e));
                    if i > 0 {
                        work.push(Item::Text(","));
                    }
                }
            }
            header_tag::FLOAT => {
                let f = terms::float_value(t).unwrap_or(0.0);
                out.extend_from_slice(crate::bif::numfmt::display_float(f).as_bytes());
            }
            header_tag::POS_BIG | header_tag::NEG_BIG => {
                let b = terms::to_bigint(t).unwrap_or_default();
                let _ = write!(Bytes(out), "{}", b);
            }
            header_tag::MAP | header_tag::HASHMAP_NODE => match crate::map::node_view(t) {
                crate::map::NodeView::Flat { .. } => {
                    out.extend_from_slice(b"#{");
                    work.push(Item::MapRest(t, 0));
                }
                // A HAMT prints its structure, as ERTS: `#<bitmap>{...}` for the head,
                // `<bitmap>{...}` for inner nodes, leaves as the cons cells `[K|V]` they are.
                crate::map::NodeView::Hamt { size, bitmap, children } => {
                    let prefix = if size.is_some() { "#<" } else { "<" };
                    let _ = write!(Bytes(out), "{}{:x}>{{", prefix, bitmap);
                    work.push(Item::Text("}"));
                    for (i, &c) in children.iter().enumerate().rev() {
                        work.push(Item::Term(c));
                        if i > 0 {
                            work.push(Item::Text(","));
                        }
                    }
                }
            },
            header_tag::HEAP_BIN | header_tag::REFC_BIN | header_tag::SUB_BIN => write_bits(t, out),
            header_tag::REF => {
                let id = terms::ref_id(t).unwrap_or(0);
                let _ = write!(
                    Bytes(out),
                    "#Ref<0.{}.{}.{}>",
                    (id >> 64) as u32,
                    (id >> 32) as u32,
                    id as u32
                );
            }
            header_tag::FUN => {
                if let Some((e, _)) = terms::closure_parts(t) {
                    out.extend_from_slice(b"#Fun<");
                    write_atom(e.module, out);
                    let _ = write!(Bytes(out), ".{}.{}>", e.index, e.old_uniq);
                }
            }
            header_tag::EXPORT => {
                if let Some(e) = terms::export_of_fun(t) {
                    out.extend_from_slice(b"fun ");
                    write_atom(e.module, out);
                    out.push(b':');
                    write_atom(e.function, out);
                    let _ = write!(Bytes(out), "/{}", e.arity);
                }
            }
            _ => out.extend_from_slice(b"<unknown>"),
        }
    } else {
        out.extend_from_slice(b"<bad term>");
    }
}

/// Strings print as `"..."` when every element is a byte display considers printable.
fn printable_list(mut t: Term) -> Option<Vec<u8>> {
    let mut s = Vec::new();
    while let Some((h, tl)) = cons_parts(t) {
        let c = h.as_small()?;
        // erl_printf_term.c: not a control character (Latin-1), or a space character.
        if !((32..=126).contains(&c) || (160..=255).contains(&c) || c == 10 || c == 9 || c == 13) {
            return None;
        }
        s.push(c as u8);
        t = tl;
    }
    if t.is_nil() {
        Some(s)
    } else {
        None
    }
}

fn write_bits(t: Term, out: &mut Vec<u8>) {
    let Some(v) = bit_view(t) else { return };
    let whole = v.bit_size / 8;
    let rest = v.bit_size % 8;
    let bytes: Vec<u8> = (0..whole)
        .map(|i| {
            let mut b = 0u8;
            for k in 0..8 {
                b = (b << 1) | v.bit(i * 8 + k);
            }
            b
        })
        .collect();
    out.extend_from_slice(b"<<");
    let printable = rest == 0 && !bytes.is_empty() && bytes.iter().all(|&b| (32..=126).contains(&b));
    if printable {
        out.push(b'"');
        for &b in &bytes {
            if b == b'"' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = write!(Bytes(out), "{}", b);
        }
        if rest > 0 {
            let mut last = 0u8;
            for k in 0..rest {
                last = (last << 1) | v.bit(whole * 8 + k);
            }
            if whole > 0 {
                out.push(b',');
            }
            let _ = write!(Bytes(out), "{}:{}", last, rest);
        }
    }
    out.extend_from_slice(b">>");
}

fn is_latin1_lower(c: char) -> bool {
    c.is_ascii_lowercase() || (('\u{df}'..='\u{ff}').contains(&c) && c != '\u{f7}')
}

fn is_atom_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || (('\u{c0}'..='\u{ff}').contains(&c) && c != '\u{d7}' && c != '\u{f7}')
}

/// True if the atom prints without quotes.
pub fn atom_needs_quotes(name: &str) -> bool {
    let mut cs = name.chars();
    match cs.next() {
        Some(c) if is_latin1_lower(c) => !cs.all(is_atom_char),
        _ => true,
    }
}

pub fn write_atom(a: Term, out: &mut Vec<u8>) {
    let name = atom::name(a);
    if !atom_needs_quotes(name) {
        out.extend_from_slice(name.as_bytes());
        return;
    }
    out.push(b'\'');
    for c in name.chars() {
        match c {
            '\'' => out.extend_from_slice(b"\\'"),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\u{b}' => out.extend_from_slice(b"\\v"),
            c if (c as u32) < 32 || (128..160).contains(&(c as u32)) => {
                let _ = write!(Bytes(out), "\\{:03o}", c as u32);
            }
            _ => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'\'');
}

/// The display form as a String (lossy for raw latin1 bytes), for errors and debugging.
pub fn to_string(t: Term) -> String {
    let mut v = Vec::new();
    display(t, &mut v);
    String::from_utf8_lossy(&v).into_owned()
}

struct Bytes<'a>(&'a mut Vec<u8>);
impl Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}
