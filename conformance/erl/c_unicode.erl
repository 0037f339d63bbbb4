-module(c_unicode).
-export([main/0]).

%% unicode:characters_to_list/binary and friends; display of non-ASCII strings and binaries.
main() ->
    D = fun erlang:display/1,
    S = [$h, 233, $l, 8364, 128512],
    D(S),
    D(unicode:characters_to_binary(S)),
    D(unicode:characters_to_list(unicode:characters_to_binary(S))),
    D(unicode:characters_to_binary(S, unicode, utf16)),
    D(unicode:characters_to_binary(S, unicode, {utf32, little})),
    D(unicode:characters_to_binary([<<"ab">>, [99, <<"d">>]])),
    D(unicode:characters_to_binary(<<233>>, latin1)),
    D(unicode:characters_to_binary(<<233>>, latin1, latin1)),
    D(unicode:characters_to_binary([233, 8364], unicode, latin1)),
    D(unicode:characters_to_list(<<195, 169, 255>>)),
    D(unicode:characters_to_list(<<195, 169, 226, 130>>)),
    D(unicode:characters_to_list(<<0, 104, 0, 105>>, utf16)),
    D(unicode:characters_to_list([<<"x">>, 1070])),
    D(t(fun() -> unicode:characters_to_binary([16#110000]) end)),
    D(t(fun() -> unicode:characters_to_binary(id(atom)) end)),
    D(unicode:bom_to_encoding(<<239, 187, 191, $x>>)),
    D(unicode:encoding_to_bom(utf16)),
    D(unicode:characters_to_nfc_list([$e, 16#301])),
    D(unicode:characters_to_nfd_list([233])),
    D(unicode:characters_to_nfkc_binary(<<"ﬁ"/utf8>>)),
    D(<<"ünïcödé"/utf8>>),
    D("ünïcödé"),
    D([1070, 1085, 1080]),
    D([0, 1, 2, 127, 128, 159, 160, 255, 256]),
    D("tab\there"),
    D("quote\"back\\slash"),
    D("\e\b\f\v\r\n\s\d"),
    D(io_lib:format("~ts", [[1070, 1085]])),
    D(lists:flatten(io_lib:format("~tp", [[1070, 1085]]))),
    D(lists:flatten(io_lib:format("~p", [[1070, 1085]]))),
    D(string:length("héllo" ++ [128512])),
    D(string:uppercase("straße ñ")),
    D(string:lowercase(<<"ÀÉÎ"/utf8>>)),
    D(string:casefold("ǅ")),
    D(string:reverse([$a, $e, 16#301, $b])),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
