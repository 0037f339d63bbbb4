-module(c_bin_utf).
-export([main/0]).

%% utf8/utf16/utf32 segments, construction and matching, invalid code points.
main() ->
    D = fun erlang:display/1,
    Cps = [0, $a, 127, 128, 233, 2047, 2048, 16#20AC, 16#FFFF, 16#10000, 16#1F600, 16#10FFFF],
    [D({C, <<C/utf8>>, <<C/utf16>>, <<C/utf16-little>>, <<C/utf32>>, <<C/utf32-little>>}) || C <- Cps],
    D(<<"héllo"/utf8>>), D(<<"héllo"/utf16>>), D(<<"é"/utf32-little>>),
    D([C || <<C/utf8>> <= <<"añ€😀"/utf8>>]),
    D([C || <<C/utf16>> <= <<"añ€😀"/utf16>>]),
    D([C || <<C/utf32-little>> <= <<"añ€😀"/utf32-little>>]),
    <<A/utf8, B/utf8, Rest/binary>> = <<"€😀xyz"/utf8>>, D({A, B, Rest}),
    D(t(fun() -> <<(id(16#D800))/utf8>> end)),
    D(t(fun() -> <<(id(16#110000))/utf8>> end)),
    D(t(fun() -> <<(id(-1))/utf16>> end)),
    D(t(fun() -> <<(id(16#DFFF))/utf32>> end)),
    D(t(fun() -> <<_/utf8>> = id(<<255>>) end)),
    D(t(fun() -> <<_/utf8>> = id(<<16#C0, 16#80>>) end)),
    D(t(fun() -> <<_/utf8>> = id(<<16#ED, 16#A0, 16#80>>) end)),
    D(t(fun() -> <<_/utf8>> = id(<<16#E2, 16#82>>) end)),
    D(t(fun() -> <<_/utf16>> = id(<<16#D8, 0, 0, 0>>) end)),
    D(t(fun() -> <<_/utf32>> = id(<<0, 16#11, 0, 0>>) end)),
    D(valid(<<"ok ✓"/utf8>>)), D(valid(<<"bad", 200>>)),
    erlang:halt().

valid(<<>>) -> true;
valid(<<_/utf8, R/binary>>) -> valid(R);
valid(_) -> false.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
