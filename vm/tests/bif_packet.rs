//! `erlang:decode_packet/3` against erl (a table, unaligned inputs included), and on arbitrary
//! bytes, types and options: it returns one of its documented shapes or raises badarg, and
//! never panics. The broad differential checks are conformance/erl/c_decode_packet*.erl.

mod bif_support;

use beamos_gc::Term;
use beamos_vm::atom;
use beamos_vm::bif::Exc;
use beamos_vm::terms;
use bif_support::{check, Case, Harness};
use proptest::prelude::*;

const CASES: &[Case] = &[
    (r#"{erlang, decode_packet, [raw, {'$unaligned', <<"abc">>}, []]}"#, None),
    (r#"{erlang, decode_packet, [2, {'$unaligned', <<0, 3, "abcdef">>}, []]}"#, None),
    (r#"{erlang, decode_packet, [2, {'$unaligned', <<0, 3, "abcdef", 1:5>>}, []]}"#, None),
    (r#"{erlang, decode_packet, [asn1, {'$unaligned', <<16#1f, 16#81, 17, 16#81, 2, 1, 2, 3>>}, []]}"#, None),
    (r#"{erlang, decode_packet, [fcgi, {'$unaligned', <<1, 2, 0, 1, 0, 3, 2, 0, "abcdefg">>}, []]}"#, None),
    (r#"{erlang, decode_packet, [ssl_tls, {'$unaligned', <<1:1, 5:15, 1, 3, 1, 9, 9, 9>>}, []]}"#, None),
    (r#"{erlang, decode_packet, [line, {'$unaligned', <<"ab,cd">>}, [{line_delimiter, $,}]]}"#, None),
    (r#"{erlang, decode_packet, [http, {'$unaligned', <<"GET http://h:8/p HTTP/1.1\r\n">>}, []]}"#, None),
    (r#"{erlang, decode_packet, [http_bin, {'$unaligned', <<"HTTP/1.1 200 A phrase longer than 25 bytes\r\nx">>}, []]}"#, None),
    (r#"{erlang, decode_packet, [httph_bin, {'$unaligned', <<"content-type: text/plain\r\n x\r\n\r\n">>}, []]}"#, None),
    (r#"{erlang, decode_packet, [httph, {'$unaligned', <<"\r\n">>}, []]}"#, None),
    (r#"{erlang, decode_packet, [tpkt, <<3, 0, 0, 2, "ab">>, []]}"#, None),
    (r#"{erlang, decode_packet, [4, <<128, 0, 0, 0>>, [{packet_size, 0}]]}"#, None),
    (r#"{erlang, decode_packet, [line, <<"abc">>, [{line_length, 2}, {packet_size, 2}]]}"#, None),
    (r#"{erlang, decode_packet, [bad, <<"abc">>, []]}"#, None),
    (r#"{erlang, decode_packet, [raw, <<"abc">>, [{packet_size, 4294967296}]]}"#, None),
];

#[test]
fn decode_packet_against_erl() {
    check(CASES);
}

const TYPES: &[&str] = &[
    "raw", "asn1", "sunrm", "cdr", "fcgi", "line", "tpkt", "http", "httph", "http_bin", "httph_bin", "ssl_tls",
    "bogus",
];

/// A type argument: one of [`TYPES`] or a small integer (0, 1, 2, 4 valid).
fn type_term(i: usize) -> Term {
    if i < TYPES.len() {
        atom::atom(TYPES[i])
    } else {
        Term::small((i - TYPES.len()) as i64)
    }
}

/// Bytes that steer the parsers into their branches.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b" \t\r\n:/.*-0123456789HTPGEIOa".to_vec()),
        prop::sample::select(vec![0u8, 1, 3, 0x1f, 0x7f, 0x80, 0x81, 0x84, 0x85, 0xff]),
    ];
    prop::collection::vec(byte, 0..80)
}

/// `{Key, Value}` options, valid and not.
fn options_term(h: &mut Harness, opts: &[(u8, u64)]) -> Term {
    let keys = ["packet_size", "line_length", "line_delimiter", "other"];
    let items: Vec<Term> = opts
        .iter()
        .map(|&(k, v)| {
            let key = atom::atom(keys[k as usize % keys.len()]);
            let val = terms::int_from_i128(&mut h.p.heap, v as i128 - 2);
            terms::tuple(&mut h.p.heap, &[key, val])
        })
        .collect();
    terms::list(&mut h.p.heap, &items)
}

/// The input: `bytes` starting `offset` bits into a binary, followed by `tail` stray bits.
fn input_term(h: &mut Harness, bytes: &[u8], offset: usize, tail: usize) -> Term {
    let mut buf = vec![0xa5u8; bytes.len() + 2];
    terms::copy_bits(bytes, 0, &mut buf, offset, bytes.len() * 8);
    let whole = terms::binary(&mut h.p.heap, &buf);
    terms::sub_binary(&mut h.p.heap, whole, offset, bytes.len() * 8 + tail)
}

fn is_one_of_the_shapes(r: Term) -> bool {
    let Some(e) = terms::tuple_elems(r) else { return false };
    let tag = atom::name(e[0]);
    match (tag, e.len()) {
        ("ok", 3) => terms::bit_view(e[2]).is_some(),
        ("more", 2) => e[1] == atom::atom("undefined") || e[1].as_small().is_some_and(|n| n > 0),
        ("error", 2) => e[1] == atom::atom("invalid"),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn decode_packet_never_panics(
        ty in 0usize..TYPES.len() + 6,
        bytes in interesting_bytes(),
        offset in 0usize..8,
        tail in 0usize..8,
        opts in prop::collection::vec((0u8..4, prop_oneof![0u64..50, 0u64..300, any::<u32>().prop_map(u64::from)]), 0..3),
    ) {
        let mut h = Harness::new();
        let t = type_term(ty);
        let bin = input_term(&mut h, &bytes, offset, tail);
        let o = options_term(&mut h, &opts);
        match h.call("erlang", "decode_packet", &[t, bin, o]) {
            Ok(r) => prop_assert!(is_one_of_the_shapes(r), "{}", beamos_vm::print::to_string(r)),
            Err(Exc::Error(reason)) => prop_assert_eq!(reason, atom::atom("badarg")),
            Err(Exc::ErrorCause { reason, cause }) => {
                prop_assert_eq!(reason, atom::atom("badarg"));
                prop_assert_eq!(cause, atom::atom("badopt"));
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}
