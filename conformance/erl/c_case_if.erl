-module(c_case_if).
-export([main/0]).

%% case / if / match semantics: clause order, guards, variable binding, nested patterns, aliases.
main() ->
    D = fun erlang:display/1,
    D([c(X) || X <- [0, 1, 2, {pair, 1, 1}, {pair, 1, 2}, [1, 2, 3], [x], "abc", <<"ab">>, 3.0, other]]),
    D([i(X) || X <- [-5, 0, 5, 50]]),
    {A, B} = {1, 2}, D(A + B),
    [H | T] = "hello", D({H, T}),
    X = Y = {same}, D({X, Y}),
    {P = {Q, _}, R} = {{1, 2}, 3}, D({P, Q, R}),
    D(case {1, 1} of {V, V} -> equal; _ -> different end),
    D(case {1, 2} of {V2, V2} -> equal; _ -> different end),
    D(case "prefix-rest" of "prefix-" ++ Rest -> Rest end),
    D(case <<"key=value">> of <<"key=", Val/binary>> -> Val end),
    Z = case id(3) of 3 -> three; _ -> other end, D(Z),
    D(case id([1, 2]) of [_, _ | _] = L -> {at_least_two, L}; _ -> fewer end),
    D(fizz(15)),
    D([fizz(I) || I <- lists:seq(1, 15)]),
    D(begin W = 1, W + 1 end),
    D(if true -> a end),
    erlang:halt().

c(0) -> zero;
c(N) when is_integer(N), N > 0 -> positive;
c({pair, S, S}) -> same_pair;
c({pair, _, _}) -> pair;
c([_, _, _]) -> three_list;
c([_]) -> one_list;
c(<<_, _>>) -> two_byte_bin;
c(F) when is_float(F) -> float;
c(_) -> other.

i(N) ->
    if N < 0 -> negative;
       N =:= 0 -> zero;
       N < 10 -> small;
       true -> large
    end.

fizz(N) ->
    case {N rem 3, N rem 5} of
        {0, 0} -> fizzbuzz;
        {0, _} -> fizz;
        {_, 0} -> buzz;
        _ -> N
    end.

id(V) -> V.
