-module(bench_nrev).
-export([run/1]).
%% Cons-cell allocation and short calls: naive (quadratic) reverse of a list, repeated.
run(small) -> loop(10, lists:seq(1, 30), 0);
run(full) -> loop(400, lists:seq(1, 300), 0).

loop(0, _, Acc) -> Acc;
loop(N, L, Acc) ->
    [H | _] = R = nrev(L),
    loop(N - 1, L, Acc + H + length(R)).

nrev([]) -> [];
nrev([H | T]) -> app(nrev(T), [H]).

app([], L) -> L;
app([H | T], L) -> [H | app(T, L)].
