-module(c_conv_misc).
-export([main/0]).

%% binary/list/iolist conversions.
main() ->
    D = fun erlang:display/1,
    D(binary_to_list(<<"hello">>)), D(binary_to_list(<<1, 2, 255>>)),
    D(binary_to_list(<<"abcdef">>, 2, 4)),
    D(list_to_binary("abc")), D(list_to_binary([1, [2, <<3, 4>>], [], 5])),
    D(list_to_binary([])),
    D(iolist_to_binary([<<"a">>, "b", [$c, [<<"d">>]] | <<"e">>])),
    D(iolist_size([<<"ab">>, "cd", [[[$e]]]])),
    D(erlang:iolist_to_iovec([<<"ab">>, "cd"])),
    D(list_to_bitstring([<<1:1>>, 2, <<3:3>>])),
    D(bitstring_to_list(<<1, 2, 3:3>>)),
    D(tuple_to_list({a, {b}, [c]})),
    D(term_to_binary(abc) =:= term_to_binary(list_to_atom("abc"))),
    D(list_to_binary(lists:seq(0, 255)) =:= << <<X>> || X <- lists:seq(0, 255) >>),
    D(t(fun() -> list_to_binary([256]) end)),
    D(t(fun() -> list_to_binary([-1]) end)),
    D(t(fun() -> list_to_binary([a]) end)),
    D(t(fun() -> list_to_binary(id(<<"x">>)) end)),
    D(t(fun() -> iolist_to_binary(id(<<"x">>)) end)),
    D(t(fun() -> list_to_binary([1 | 2]) end)),
    D(t(fun() -> list_to_binary([1 | <<2>>]) end)),
    D(t(fun() -> iolist_size([<<1:1>>]) end)),
    D(t(fun() -> binary_to_list(id(abc)) end)),
    D(t(fun() -> binary_to_list(<<"abc">>, 3, 2) end)),
    D(t(fun() -> binary_to_list(<<1:1>>) end)),
    D(t(fun() -> tuple_to_list(id([])) end)),
    D(erlang:integer_to_list(-0)),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
