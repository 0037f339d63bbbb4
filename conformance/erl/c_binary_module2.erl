-module(c_binary_module2).
-export([main/0]).

%% binary module: encode/decode_unsigned, first/last/at, bin_to_list, list_to_bin, prefixes, hex.
main() ->
    D = fun erlang:display/1,
    [D({N, binary:encode_unsigned(N), binary:encode_unsigned(N, little)}) || N <- [0, 1, 255, 256, 65535, 1 bsl 64, 123456789012345678901234567890]],
    D(binary:decode_unsigned(<<1, 0>>)), D(binary:decode_unsigned(<<1, 0>>, little)),
    D(binary:decode_unsigned(<<>>)), D(binary:decode_unsigned(<<0, 0, 0, 0, 0, 0, 0, 0, 0, 1>>)),
    D(binary:first(<<"abc">>)), D(binary:last(<<"abc">>)), D(binary:at(<<"abc">>, 1)),
    D(t(fun() -> binary:first(<<>>) end)),
    D(t(fun() -> binary:at(<<"abc">>, 3) end)),
    D(binary:bin_to_list(<<"hello">>)), D(binary:bin_to_list(<<"hello">>, 1, 3)),
    D(binary:bin_to_list(<<"hello">>, {4, -2})),
    D(binary:list_to_bin([<<"a">>, $b, "c"])),
    D(binary:longest_common_prefix([<<"erlang">>, <<"ergonomic">>, <<"era">>])),
    D(binary:longest_common_suffix([<<"going">>, <<"doing">>, <<"ring">>])),
    D(binary:longest_common_prefix([<<"a">>, <<"b">>])),
    D(binary:encode_hex(<<1, 171, 255>>)),
    D(binary:decode_hex(<<"01abFF">>)),
    D(t(fun() -> binary:decode_hex(<<"abc">>) end)),
    D(binary:referenced_byte_size(<<"abc">>)),
    D(t(fun() -> binary:encode_unsigned(-1) end)),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
