//! The `binary` module's BIFs against erl (see bif_support for the harness).

mod bif_support;

use bif_support::{check, Case};

const CASES: &[Case] = &[
    // at, first, last
    (r#"{binary, at, [<<"abc">>, 0]}"#, None),
    (r#"{binary, at, [<<"abc">>, 2]}"#, None),
    (r#"{binary, at, [<<"abc">>, 3]}"#, None),
    (r#"{binary, at, [<<"abc">>, -1]}"#, None),
    (r#"{binary, at, [<<"abc">>, 100000000000000000000000]}"#, None),
    (r#"{binary, at, [<<>>, 0]}"#, None),
    (r#"{binary, at, [<<1,2,3:4>>, 0]}"#, None),
    (r#"{binary, at, [{'$unaligned', <<"xyz">>}, 1]}"#, None),
    (r#"{binary, first, [<<"abc">>]}"#, None),
    (r#"{binary, first, [<<>>]}"#, None),
    (r#"{binary, first, [{'$unaligned', <<200,7>>}]}"#, None),
    (r#"{binary, first, [abc]}"#, None),
    (r#"{binary, last, [<<"abc">>]}"#, None),
    (r#"{binary, last, [{'$unaligned', <<200,7>>}]}"#, None),
    (r#"{binary, last, [<<>>]}"#, None),
    // part
    (r#"{binary, part, [<<"abcdef">>, 1, 3]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {6, -2}]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {6, 0}]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {1, -2}]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {7, 0}]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {2, 5}]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {-1, 1}]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {a, 1}]}"#, None),
    (r#"{binary, part, [<<"abcdef">>, {1, 2, 3}]}"#, None),
    (r#"{binary, part, [<<1,2,3:4>>, 0, 2]}"#, None),
    (r#"{binary, part, [<<1,2,3:4>>, 0, 3]}"#, None),
    (r#"{binary, part, [{'$unaligned', <<"hello">>}, 1, 3]}"#, None),
    (r#"{binary, part, [list_to_binary(lists:seq(1, 200)), 10, 100]}"#, None),
    // copy, referenced_byte_size
    (r#"{binary, copy, [<<"ab">>]}"#, None),
    (r#"{binary, copy, [<<"ab">>, 3]}"#, None),
    (r#"{binary, copy, [<<"ab">>, 0]}"#, None),
    (r#"{binary, copy, [<<1:3>>, 0]}"#, None),
    (r#"{binary, copy, [<<1:3>>, 2]}"#, None),
    (r#"{binary, copy, [<<"ab">>, -1]}"#, None),
    (r#"{binary, copy, [<<"abcdefghij">>, 10]}"#, None),
    (r#"{binary, referenced_byte_size, [<<"abc">>]}"#, None),
    (r#"{pipe, {binary, part, [list_to_binary(lists:seq(1, 200)), 10, 100]}, binary, referenced_byte_size}"#, None),
    (r#"{pipe, {binary, part, [list_to_binary(lists:seq(1, 200)), 10, 10]}, binary, referenced_byte_size}"#, None),
    (r#"{pipe, {binary, copy, [<<"abcdefghij">>, 10]}, binary, referenced_byte_size}"#, None),
    (r#"{binary, referenced_byte_size, [[]]}"#, None),
    // list_to_bin
    (r#"{binary, list_to_bin, [[1, [2, <<3>>], <<>>, 4]]}"#, None),
    (r#"{binary, list_to_bin, [[]]}"#, None),
    (r#"{binary, list_to_bin, [<<"a">>]}"#, None),
    (r#"{binary, list_to_bin, [[256]]}"#, None),
    (r#"{binary, list_to_bin, [[1 | 2]]}"#, None),
    (r#"{binary, list_to_bin, [[<<1:3>>]]}"#, None),
    // encode_unsigned, decode_unsigned
    (r#"{binary, encode_unsigned, [0]}"#, None),
    (r#"{binary, encode_unsigned, [256]}"#, None),
    (r#"{binary, encode_unsigned, [16#123456789abcdef0123]}"#, None),
    (r#"{binary, encode_unsigned, [16#123456789abcdef0123, little]}"#, None),
    (r#"{binary, encode_unsigned, [1 bsl 64, little]}"#, None),
    (r#"{binary, encode_unsigned, [-1]}"#, None),
    (r#"{binary, encode_unsigned, [-(1 bsl 70)]}"#, None),
    (r#"{binary, encode_unsigned, [1.0]}"#, None),
    (r#"{binary, encode_unsigned, [1, middle]}"#, None),
    (r#"{binary, decode_unsigned, [<<0,0,1,0>>]}"#, None),
    (r#"{binary, decode_unsigned, [<<0,0,1,0>>, little]}"#, None),
    (r#"{binary, decode_unsigned, [<<>>]}"#, None),
    (r#"{binary, decode_unsigned, [<<255,255,255,255,255,255,255,255,255>>]}"#, None),
    (r#"{binary, decode_unsigned, [<<255,255,255,255,255,255,255,255>>]}"#, None),
    (r#"{binary, decode_unsigned, [<<1,2,3,4,5,6,7,8,9,10>>, little]}"#, None),
    (r#"{binary, decode_unsigned, [{'$unaligned', <<1,2,3>>}]}"#, None),
    (r#"{binary, decode_unsigned, [<<1:4>>]}"#, None),
    (r#"{binary, decode_unsigned, [<<1>>, native]}"#, None),
    // longest_common_prefix / suffix
    (r#"{binary, longest_common_prefix, [[<<"erlang">>, <<"ergonomy">>]]}"#, None),
    (r#"{binary, longest_common_prefix, [[<<"erlang">>]]}"#, None),
    (r#"{binary, longest_common_prefix, [[<<"erlang">>, <<>>]]}"#, None),
    (r#"{binary, longest_common_prefix, [[]]}"#, None),
    (r#"{binary, longest_common_prefix, [[<<"a">>, b]]}"#, None),
    (r#"{binary, longest_common_prefix, [[<<"a">>, <<1:3>>]]}"#, None),
    (r#"{binary, longest_common_prefix, [[<<"a">> | <<"b">>]]}"#, None),
    (r#"{binary, longest_common_suffix, [[<<"erlang">>, <<"fang">>, <<"ang">>]]}"#, None),
    (r#"{binary, longest_common_suffix, [[{'$unaligned', <<"xfang">>}, <<"ang">>]]}"#, None),
    // compile_pattern
    (r#"{binary, compile_pattern, [<<"ab">>]}"#, None),
    (r#"{binary, compile_pattern, [[<<"ab">>]]}"#, None),
    (r#"{binary, compile_pattern, [[<<"ab">>, <<"c">>]]}"#, None),
    (r#"{binary, compile_pattern, [[<<"ab">>, <<>>]]}"#, None),
    (r#"{binary, compile_pattern, [<<>>]}"#, None),
    (r#"{binary, compile_pattern, [[]]}"#, None),
    (r#"{binary, compile_pattern, [<<1:3>>]}"#, None),
    (r#"{binary, compile_pattern, [abc]}"#, None),
    (r#"{binary, compile_pattern, [[<<"a">> | <<"b">>]]}"#, None),
    // match
    (r#"{binary, match, [<<"abcde">>, <<"cd">>]}"#, None),
    (r#"{binary, match, [<<"abcde">>, <<"x">>]}"#, None),
    (r#"{binary, match, [<<"abcde">>, [<<"de">>, <<"bcd">>, <<"b">>]]}"#, None),
    (r#"{binary, match, [<<"abcde">>, [<<"bc">>, <<"bcd">>]]}"#, None),
    (r#"{binary, match, [<<"abcde">>, {'$cp', [<<"de">>, <<"cd">>]}]}"#, None),
    (r#"{binary, match, [<<"abcde">>, {'$cp', <<"e">>}]}"#, None),
    (r#"{binary, match, [<<"abcabc">>, <<"abc">>, [{scope, {1, 5}}]]}"#, None),
    (r#"{binary, match, [<<"abcabc">>, <<"abc">>, [{scope, {6, -5}}]]}"#, None),
    (r#"{binary, match, [<<"abcabc">>, <<"abc">>, [{scope, {1, -5}}]]}"#, None),
    (r#"{binary, match, [<<"abcabc">>, <<"abc">>, [{scope, {0, 7}}]]}"#, None),
    (r#"{binary, match, [<<"abcabc">>, <<"abc">>, [{scope, {0, 2}}]]}"#, None),
    (r#"{binary, match, [<<"abcabc">>, foo, [{scope, {0, 0}}]]}"#, None),
    (r#"{binary, match, [<<"abcabc">>, foo, [{scope, {1, 0}}]]}"#, None),
    (r#"{binary, match, [<<"abc">>, <<"b">>, [{scope, {0, 3}} | foo]]}"#, None),
    (r#"{binary, match, [<<"abc">>, <<"b">>, [global]]}"#, None),
    (r#"{binary, match, [<<"abc">>, <<"b">>, foo]}"#, None),
    (r#"{binary, match, [<<>>, foo]}"#, None),
    (r#"{binary, match, [<<"abc">>, foo]}"#, None),
    (r#"{binary, match, [<<"abc">>, {bm, <<"b">>}]}"#, Some("{ok,{1,1}}")), // by design: we accept a plain {bm, Bin}; erl wants its magic ref
    (r#"{binary, match, [<<"abc">>, {xx, <<"b">>}]}"#, None),
    (r#"{binary, match, [<<"ab", 3:4>>, <<"b">>]}"#, None),
    (r#"{binary, match, [{'$unaligned', <<"hello">>}, <<"ll">>]}"#, None),
    // matches
    (r#"{binary, matches, [<<"abcabcab">>, <<"ab">>]}"#, None),
    (r#"{binary, matches, [<<"aaaaa">>, <<"aa">>]}"#, None),
    (r#"{binary, matches, [<<"abcde">>, [<<"bcd">>, <<"abc">>, <<"cde">>, <<"de">>]]}"#, None),
    (r#"{binary, matches, [<<"abcde">>, [<<"a">>, <<"abcd">>, <<"bc">>, <<"c">>, <<"de">>]]}"#, None),
    (r#"{binary, matches, [<<"xabcabcy">>, [<<"abca">>, <<"bcab">>, <<"ca">>, <<"b">>]]}"#, None),
    (r#"{binary, matches, [<<"aaaa">>, [<<"a">>, <<"aa">>, <<"aaa">>]]}"#, None),
    (r#"{binary, matches, [<<"she sells sea shells">>, [<<"he">>, <<"she">>, <<"hers">>, <<"his">>, <<"s">>]]}"#, None),
    (r#"{binary, matches, [<<"abcabc">>, {'$cp', [<<"c">>, <<"ab">>]}, [{scope, {1, 4}}]]}"#, None),
    (r#"{binary, matches, [<<"abc">>, <<"x">>]}"#, None),
    (r#"{binary, matches, [<<>>, <<"x">>]}"#, None),
    (r#"{binary, matches, [abc, <<"x">>]}"#, None),
    // split
    (r#"{binary, split, [<<"a,b,c">>, <<",">>]}"#, None),
    (r#"{binary, split, [<<"a,b,c">>, <<",">>, [global]]}"#, None),
    (r#"{binary, split, [<<",a,,b,">>, <<",">>, [global]]}"#, None),
    (r#"{binary, split, [<<",a,,b,,">>, <<",">>, [global, trim]]}"#, None),
    (r#"{binary, split, [<<",a,,b,,">>, <<",">>, [global, trim_all]]}"#, None),
    (r#"{binary, split, [<<",,,">>, <<",">>, [global, trim]]}"#, None),
    (r#"{binary, split, [<<",,,">>, <<",">>, [global, trim_all]]}"#, None),
    (r#"{binary, split, [<<"ab,">>, <<",">>, [trim]]}"#, None),
    (r#"{binary, split, [<<",">>, <<",">>, [trim]]}"#, None),
    (r#"{binary, split, [<<",ab">>, <<",">>, [trim_all]]}"#, None),
    (r#"{binary, split, [<<",ab">>, <<",">>, [trim]]}"#, None),
    (r#"{binary, split, [<<"a,b;c">>, [<<",">>, <<";">>], [global]]}"#, None),
    (r#"{binary, split, [<<"a,b,c,d">>, <<",">>, [global, {scope, {2, 3}}]]}"#, None),
    (r#"{binary, split, [<<"abc">>, <<"x">>]}"#, None),
    (r#"{binary, split, [<<>>, foo]}"#, None),
    (r#"{binary, split, [<<>>, foo, [trim]]}"#, None),
    (r#"{binary, split, [<<"abc">>, <<"b">>, [bad]]}"#, None),
    (r#"{binary, split, [<<"abc">>, <<"b">>, [global | trim]]}"#, None),
    (r#"{binary, split, [<<"abc">>, <<>>]}"#, None),
    (r#"{binary, split, [list_to_binary(lists:duplicate(100, <<"0123456789,">>)), <<",">>, [global, trim]]}"#, None),
    (r#"{pipe, {binary, split, [list_to_binary([lists:duplicate(100, $x), $,, lists:duplicate(100, $y)]), <<",">>]}, erlang, hd}"#, None),
];

#[test]
fn binary_bifs_match_erl() {
    assert!(CASES.len() >= 40);
    check(CASES);
}

/// Random subjects and overlapping multi-needle patterns over a two-letter alphabet, where
/// the choice among overlapping matches is subtle.
#[test]
fn random_searches_match_erl() {
    let mut rng = bif_support::Rng(0x5eed);
    let word = |rng: &mut bif_support::Rng, max: u64| -> String {
        let n = 1 + rng.below(max);
        (0..n).map(|_| if rng.below(2) == 0 { 'a' } else { 'b' }).collect()
    };
    let mut cases = Vec::new();
    for i in 0..300 {
        let subject = word(&mut rng, 12);
        let n_needles = 1 + rng.below(4);
        let needles: Vec<String> = (0..n_needles).map(|_| format!("<<\"{}\">>", word(&mut rng, 4))).collect();
        let (f, opts) = match i % 4 {
            0 => ("match", "[]"),
            1 => ("matches", "[]"),
            2 => ("split", "[global]"),
            _ => ("split", "[global, trim]"),
        };
        cases.push(format!("{{binary, {f}, [<<\"{subject}\">>, [{}], {opts}]}}", needles.join(", ")));
    }
    bif_support::check_generated(cases);
}
