-module(c_binary_module1).
-export([main/0]).

%% binary module: split, match, matches, replace, part, copy, compile_pattern.
main() ->
    D = fun erlang:display/1,
    S = <<"a,b,,c,">>,
    D(binary:split(S, <<",">>)),
    D(binary:split(S, <<",">>, [global])),
    D(binary:split(S, <<",">>, [global, trim])),
    D(binary:split(S, <<",">>, [global, trim_all])),
    D(binary:split(<<"a-b_c">>, [<<"-">>, <<"_">>], [global])),
    D(binary:split(<<"abc">>, <<"x">>)),
    D(binary:split(<<>>, <<",">>)),
    D(binary:split(<<"aXbXc">>, <<"X">>, [{scope, {2, 3}}])),
    D(binary:match(<<"hello world">>, <<"o">>)),
    D(binary:match(<<"hello world">>, [<<"wor">>, <<"or">>, <<"l">>])),
    D(binary:match(<<"hello">>, <<"z">>)),
    D(binary:match(<<"abcabc">>, <<"c">>, [{scope, {3, 3}}])),
    D(binary:matches(<<"abcabcab">>, <<"ab">>)),
    D(binary:matches(<<"aaaa">>, <<"aa">>)),
    D(binary:matches(<<"abcd">>, [<<"bc">>, <<"abc">>, <<"d">>])),
    CP = binary:compile_pattern([<<"x">>, <<"yz">>]),
    D(binary:matches(<<"axbyzc">>, CP)),
    D(binary:replace(<<"a.b.c">>, <<".">>, <<"--">>)),
    D(binary:replace(<<"a.b.c">>, <<".">>, <<"--">>, [global])),
    D(binary:replace(<<"abcb">>, <<"b">>, <<"[]">>, [global, {insert_replaced, 1}])),
    D(binary:part(<<"abcdef">>, 2, 3)), D(binary:part(<<"abcdef">>, {6, -2})),
    D(binary:copy(<<"ab">>, 3)), D(binary:copy(<<>>, 5)), D(binary:copy(<<"x">>, 0)),
    D(t(fun() -> binary:part(<<"abc">>, 1, 5) end)),
    D(t(fun() -> binary:split(<<"abc">>, <<>>) end)),
    D(t(fun() -> binary:match(<<"abc">>, []) end)),
    D(t(fun() -> binary:copy(<<"a">>, -1) end)),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
