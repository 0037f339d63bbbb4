-module(c_int_arith).
-export([main/0]).

%% Small-integer arithmetic, operator precedence and integer results.
main() ->
    D = fun erlang:display/1,
    Xs = [0, 1, -1, 7, -7, 100, -100, 12345, -54321],
    [D({X, Y, X + Y, X - Y, X * Y}) || X <- Xs, Y <- [3, -3, 1]],
    [D({X, Y, X div Y, X rem Y}) || X <- Xs, Y <- [3, -3, 7, -7]],
    D(2 + 3 * 4 - 10 div 3),
    D(-(-5)),
    D(+5),
    D(- 0),
    D(bnot 0),
    D(bnot -1),
    D(bnot 12345),
    D({5 band 3, 5 bor 3, 5 bxor 3}),
    D({-5 band 3, -5 bor 3, -5 bxor 3}),
    D({1 bsl 10, 1024 bsr 3, -1024 bsr 3, -1 bsr 100, 1 bsr 100, 5 bsl -1, 5 bsr -2}),
    D({17 bsl 0, -17 bsr 0}),
    D(lists:sum(lists:seq(1, 1000))),
    D(erlang:'+'(1, 2)),
    D(erlang:'*'(6, 7)),
    D(erlang:'-'(5)),
    D(erlang:'div'(17, 5)),
    D(erlang:'rem'(-17, 5)),
    D(erlang:'bsl'(3, 4)),
    D(2#1010 + 8#17 + 16#ff + 36#zz),
    D($a + $\n),
    D(1_000_000 * 3),
    erlang:halt().
