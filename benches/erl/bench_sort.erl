-module(bench_sort).
-export([run/1]).
%% The library merge sort: lists:sort/1 of pseudo-random integers (and their reverse order).
run(small) -> sort(2000);
run(full) -> sort(1000000).

sort(N) ->
    L = random_list(N, 7, []),
    S = lists:sort(L),
    D = lists:sort(fun(A, B) -> A >= B end, lists:sublist(L, N div 10)),
    {length(S), hd(S), lists:last(S), lists:nth(N div 2, S), weighted(S, 1, 0), hd(D)}.

%% A linear congruential generator, so erl and beamos see the same input.
random_list(0, _, Acc) -> Acc;
random_list(N, X, Acc) ->
    X1 = (X * 69069 + 1) band 16#ffffffff,
    random_list(N - 1, X1, [X1 | Acc]).

weighted([], _, Acc) -> Acc;
weighted([X | Xs], I, Acc) -> weighted(Xs, I + 1, (Acc + I * X) band 16#ffffffffffff).
