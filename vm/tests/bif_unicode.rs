//! The `unicode` module's BIFs against erl (see bif_support for the harness).
//!
//! Encodings other than latin1/unicode/utf8 continue in unicode.erl's Erlang code, as in
//! ERTS; for those cases we check that the BIF hands over the call unchanged (erl's own
//! result, which runs that Erlang code, is printed next to ours on failure).

mod bif_support;

use bif_support::{check, Case};

const CASES: &[Case] = &[
    // characters_to_binary/2: success
    (r#"{unicode, characters_to_binary, [<<"abc">>, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [<<"abc">>, unicode]}"#, None),
    (r#"{unicode, characters_to_binary, ["abc", latin1]}"#, None),
    (r#"{unicode, characters_to_binary, [[97, [98, <<"c">>], [], <<"d">> | <<"e">>], unicode]}"#, None),
    (r#"{unicode, characters_to_binary, [[16#41, 16#E5, 16#10FFFF, 16#20AC], unicode]}"#, None),
    (r#"{unicode, characters_to_binary, [<<"åäö"/utf8>>, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [<<"åäö">>, latin1]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<"å"/utf8>>, $x], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [<<>>, latin1]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<226>>, <<130>>, <<172>>], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<226>>, [<<130, 172>>, "x"]], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [{'$unaligned', <<"héllo"/utf8>>}, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[{'$unaligned', <<"hé"/utf8>>}, 255], latin1]}"#, None),
    // characters_to_binary/2: errors and incomplete
    (r#"{unicode, characters_to_binary, [<<"a", 255, "b">>, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<"a", 255>>], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[$a, [$b, 16#D800, $c], $d], unicode]}"#, None),
    (r#"{unicode, characters_to_binary, [[$a, [$b, [16#110000], $c], $d], unicode]}"#, None),
    (r#"{unicode, characters_to_binary, [[$a, -1], unicode]}"#, None),
    (r#"{unicode, characters_to_binary, [[$a, 256], latin1]}"#, None),
    (r#"{unicode, characters_to_binary, [[$a, 1 bsl 64, foo], unicode]}"#, None),
    (r#"{unicode, characters_to_binary, [<<"a", 16#E2, 16#82>>, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [<<"a", 16#E2, 16#41>>, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<"a", 16#E2>>, <<16#82>>], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<"a", 16#E2>>, $b], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<"a", 16#E2>>, <<16#41, "bc">>], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<"a", 16#F0, 16#9F>>, <<16#98>>], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[[<<"x">>, <<16#C0, 16#80>>], "y"], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<"x">> | <<"y", 16#FF>>], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [<<16#ED, 16#A0, 16#80>>, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [<<16#F4, 16#90, 16#80, 16#80>>, utf8]}"#, None),
    // characters_to_binary/2: badarg
    (r#"{unicode, characters_to_binary, [foo, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[$a, foo], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[$a | foo], utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [<<1:3>>, utf8]}"#, None),
    (r#"{unicode, characters_to_binary, [[<<1:3>>], latin1]}"#, None),
    (r#"{unicode, characters_to_binary, [[1.0], latin1]}"#, None),
    (r#"{unicode, characters_to_binary, ["abc", utf16]}"#, Some(r#"{'$trap',unicode,characters_to_binary_int,["abc",utf16]}"#)),
    (r#"{unicode, characters_to_binary, ["abc", {utf32, little}]}"#, Some(r#"{'$trap',unicode,characters_to_binary_int,["abc",{utf32,little}]}"#)),
    (r#"{unicode, characters_to_binary, ["abc", bogus]}"#, Some(r#"{'$trap',unicode,characters_to_binary_int,["abc",bogus]}"#)),
    // characters_to_list/2
    (r#"{unicode, characters_to_list, [<<"abc">>, utf8]}"#, None),
    (r#"{unicode, characters_to_list, [<<"åäö"/utf8>>, unicode]}"#, None),
    (r#"{unicode, characters_to_list, [<<"åäö">>, latin1]}"#, None),
    (r#"{unicode, characters_to_list, [["ab", <<"ç"/utf8>>, [16#1F600]], unicode]}"#, None),
    (r#"{unicode, characters_to_list, [[<<"a", 255>>], utf8]}"#, None),
    (r#"{unicode, characters_to_list, [<<"a", 255, "b">>, utf8]}"#, None),
    (r#"{unicode, characters_to_list, [<<"a", 16#E2, 16#82>>, utf8]}"#, None),
    (r#"{unicode, characters_to_list, [<<"a", 16#E2, 16#41>>, utf8]}"#, None),
    (r#"{unicode, characters_to_list, [[<<"a", 16#E2>>, <<16#82>>], utf8]}"#, None),
    (r#"{unicode, characters_to_list, [[$a, [16#DFFF]], unicode]}"#, None),
    (r#"{unicode, characters_to_list, [[$a, 300], latin1]}"#, None),
    (r#"{unicode, characters_to_list, [{'$unaligned', <<"hé"/utf8>>}, utf8]}"#, None),
    (r#"{unicode, characters_to_list, [<<1:3>>, utf8]}"#, None),
    (r#"{unicode, characters_to_list, [foo, latin1]}"#, None),
    (r#"{unicode, characters_to_list, [[foo], utf8]}"#, None),
    (r#"{unicode, characters_to_list, [<<"ab">>, {utf16, big}]}"#, Some(r#"{'$trap',unicode,characters_to_list_int,[<<"ab">>,{utf16,big}]}"#)),
    // bin_is_7bit/1
    (r#"{unicode, bin_is_7bit, [<<"abc">>]}"#, None),
    (r#"{unicode, bin_is_7bit, [<<"abc", 128>>]}"#, None),
    (r#"{unicode, bin_is_7bit, [<<>>]}"#, None),
    (r#"{unicode, bin_is_7bit, [<<1:3>>]}"#, None),
    (r#"{unicode, bin_is_7bit, ["abc"]}"#, None),
    (r#"{unicode, bin_is_7bit, [{'$unaligned', <<"abc">>}]}"#, None),
];

#[test]
fn unicode_bifs_match_erl() {
    assert!(CASES.len() >= 40);
    check(CASES);
}
