-module(c_lists_bifs).
-export([main/0]).

%% List BIFs: length, hd/tl, ++, --, reverse, member, keyfind, keysearch, and their errors.
main() ->
    D = fun erlang:display/1,
    L = [3, 1, 4, 1, 5, 9, 2, 6],
    D(length(L)), D(length([])), D(hd(L)), D(tl(L)),
    D(L ++ [a, b]), D([] ++ []), D([a] ++ b), D([1, 2] ++ [3 | 4]),
    D(L -- [1, 9]), D(L -- [1, 1, 1]), D([a, b, a, c] -- [a]), D([] -- [a]),
    D([1, 1.0, 1] -- [1.0]),
    D(lists:reverse(L)), D(lists:reverse(L, [x, y])), D(lists:reverse([])),
    D(lists:member(9, L)), D(lists:member(7, L)),
    D(lists:keyfind(b, 1, [{a, 1}, {b, 2}, {b, 3}])),
    D(lists:keyfind(2, 2, [{a, 1}, {b, 2}])),
    D(lists:keyfind(x, 1, [{a, 1}, foo, {}])),
    D(lists:keysearch(a, 1, [{a, 1}])),
    D(lists:keymember(c, 1, [{a, 1}])),
    D(erlang:length([a | [b | [c]]])),
    D(t(fun() -> length(id([a | b])) end)),
    D(t(fun() -> length(id(a)) end)),
    D(t(fun() -> hd(id([])) end)),
    D(t(fun() -> tl(id([])) end)),
    D(t(fun() -> hd(id(x)) end)),
    D(t(fun() -> id(a) ++ [b] end)),
    D(t(fun() -> [a | b] ++ [c] end)),
    D(t(fun() -> [a] -- id(b) end)),
    D(t(fun() -> [a | b] -- [a] end)),
    D(t(fun() -> lists:reverse(id(x)) end)),
    D(t(fun() -> lists:member(a, id([b | c])) end)),
    D(t(fun() -> lists:member(b, id([b | c])) end)),
    D(t(fun() -> lists:keyfind(a, 0, []) end)),
    D(lists:reverse(lists:seq(1, 30))),
    D(lists:seq(1, 20) -- lists:seq(2, 20, 2)),
    D([X || X <- lists:seq(1, 100), X rem 17 =:= 0]),
    D([[X | Y] || X <- [a, b], Y <- [c, [d]]]),
    D(erlang:list_to_tuple(L)),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
