-module(c_arith_small).
-export([main/0]).

%% The integer operators on small integers and at the small/bignum boundary (2^59), with
%% zero divisors, negative operands, mixed floats, and failures in guards and bodies.
main() ->
    D = fun erlang:display/1,
    Max = id(1 bsl 59 - 1), Min = id(-(1 bsl 59)),
    Vals = [0, 1, -1, 7, -7, 3, -3, Max, Min, Max - 1, Min + 1, 1 bsl 30, -(1 bsl 30), 1 bsl 32],
    Ops = [fun(A, B) -> A + B end, fun(A, B) -> A - B end, fun(A, B) -> A * B end,
           fun(A, B) -> A div B end, fun(A, B) -> A rem B end, fun(A, B) -> A band B end,
           fun(A, B) -> A bor B end, fun(A, B) -> A bxor B end],
    [D([t(fun() -> Op(A, B) end) || A <- Vals, B <- Vals]) || Op <- Ops],
    D([t(fun() -> id(A) + id(B) end) || {A, B} <- [{1, 1.5}, {a, 1}, {1, "x"}, {Max, 1.0}]]),
    D([t(fun() -> id(A) div id(B) end) || {A, B} <- [{1, 0}, {1.0, 1}, {5, -2}, {-5, 2}]]),
    D([t(fun() -> id(A) rem id(B) end) || {A, B} <- [{1, 0}, {5, -2}, {-5, 2}, {-5, -2}]]),
    D([g(X) || X <- [1, 0, a, Max, 2.0]]),
    D(try id(a) * 2 catch error:R:S -> {R, hd(S)} end),
    D(try id(3) div id(0) catch error:R2:S2 -> {R2, hd(S2)} end),
    erlang:halt().

g(X) when X * 2 > 1, X rem 2 =:= 1 -> odd_pos;
g(X) when is_integer(X), X band 1 =:= 0 -> even;
g(_) -> other.

t(F) -> try F() catch C:R -> {C, R} end.
id(X) -> X.
