-module(c_float_arith).
-export([main/0]).

%% Float arithmetic; results shown exactly via float_to_list(X, [short]) (display uses ~.6e).
main() ->
    S = fun(X) when is_float(X) -> erlang:display(float_to_list(X, [short]));
           (X) -> erlang:display(X) end,
    Xs = [0.1, 0.2, 1.5, -2.25, 3.0, 1.0e10, 1.0e-10, 123.456],
    [S(X + Y) || X <- Xs, Y <- [0.1, -3.5, 7]],
    [S(X * Y) || X <- Xs, Y <- [0.1, -3.5, 7]],
    [S(X - Y) || X <- Xs, Y <- [0.3, 2]],
    [S(X / Y) || X <- Xs, Y <- [3.0, -7, 0.1]],
    S(0.1 + 0.2),
    S(1 / 3),
    S(2 / 3),
    S(1.0e308 * 1.0),
    S(5.0e-324),
    S(5.0e-324 / 2 * 2),
    S(2.2250738585072014e-308),
    S(1.7976931348623157e308),
    S(-0.0),
    S(0.0 * -1),
    S(-0.0 + 0.0),
    S(1 + 1.0),
    S((1 bsl 70) + 0.5),
    S((1 bsl 53) + 1.0),
    S(-(1.5)),
    S(abs(-2.5)),
    S(lists:sum([0.1 || _ <- lists:seq(1, 10)])),
    S(lists:foldl(fun(X, A) -> A * 1.1 + X end, 0.0, lists:seq(1, 50))),
    erlang:display(0.1 + 0.2),
    erlang:display(1 / 3),
    erlang:display(-1.0e-5),
    erlang:display(123456789.123),
    erlang:display(1.0e300 * 10),
    erlang:halt().
