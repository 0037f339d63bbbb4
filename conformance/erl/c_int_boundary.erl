-module(c_int_boundary).
-export([main/0]).

%% Arithmetic around the small-integer boundaries: 2^27, 2^31, 2^59 (60-bit smalls), 2^63, 2^64.
main() ->
    D = fun erlang:display/1,
    Bs = [27, 28, 31, 32, 58, 59, 60, 61, 62, 63, 64, 65],
    lists:foreach(fun(B) ->
        P = 1 bsl B,
        D({B, P, P - 1, -P, -P + 1, -P - 1, P + P, P * P}),
        D({(P - 1) + 1, (-P) - 1, (P - 1) * 2, -(P - 1) * 2, P div 2, (-P) div 2}),
        D({P * -1, (P * 4) div 4, (P + 1) rem 3, -(P + 1) rem 3}),
        D({P band (P - 1), P bor (P - 1), (P - 1) bxor P, bnot P, bnot (P - 1)}),
        D({P bsl 1, P bsr 1, -P bsr 1, (P - 1) bsr 1, P bsl 5})
    end, Bs),
    Max = (1 bsl 59) - 1,
    Min = -(1 bsl 59),
    D({Max, Max + 1, Min, Min - 1, Max * Max, Min * Min, Min * -1, Min div -1, Min rem -1}),
    D({abs(Min), -Min, Max - Min, Min - Max}),
    D(lists:foldl(fun(_, Acc) -> Acc * 2 end, 1, lists:seq(1, 70))),
    D(lists:foldl(fun(_, Acc) -> Acc div 2 end, 1 bsl 70, lists:seq(1, 70))),
    D([is_integer(X) || X <- [Max + 1, Min - 1, 1 bsl 64]]),
    D((1 bsl 64) - (1 bsl 64 - 1)),
    D((Max + 1) - 1 =:= Max),
    D(18446744073709551615 + 1),
    D(-9223372036854775808 - 1),
    D(9223372036854775807 * 9223372036854775807),
    erlang:halt().
