-module(bench_qsort).
-export([run/1]).
%% List partitioning with guards: a hand-written quicksort of pseudo-random integers.
run(small) -> check(qsort(random_list(1000)));
run(full) -> check(qsort(random_list(200000))).

qsort([]) -> [];
qsort([Pivot | Rest]) ->
    {Smaller, Larger} = partition(Pivot, Rest, [], []),
    qsort(Smaller) ++ [Pivot | qsort(Larger)].

partition(_, [], S, L) -> {S, L};
partition(P, [X | Xs], S, L) when X < P -> partition(P, Xs, [X | S], L);
partition(P, [X | Xs], S, L) -> partition(P, Xs, S, [X | L]).

%% A linear congruential generator, so erl and beamos see the same input.
random_list(N) -> random_list(N, 42, []).
random_list(0, _, Acc) -> Acc;
random_list(N, X, Acc) ->
    X1 = (X * 69069 + 1) band 16#ffffffff,
    random_list(N - 1, X1, [X1 bsr 8 | Acc]).

%% Position-weighted sum (order-sensitive) and a sortedness flag.
check(L) -> check(L, 1, 0, -1, true).
check([], _, Sum, _, Sorted) -> {Sum, Sorted};
check([X | Xs], I, Sum, Prev, Sorted) ->
    check(Xs, I + 1, (Sum + I * X) band 16#fffffffffff, X, Sorted andalso Prev =< X).
