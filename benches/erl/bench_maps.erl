-module(bench_maps).
-export([run/1]).
%% Large maps (HAMT): insert pseudo-random integer keys, look each up, update some, probe misses.
run(small) -> run_n(2000);
run(full) -> run_n(250000).

run_n(N) ->
    Keys = keys(N, 99, []),
    M = insert(Keys, 1, #{}),
    Sum = lookup(Keys, M, 0),
    M2 = bump(Keys, M, 0),
    Misses = probe(N, M2, 0),
    {map_size(M), map_size(M2), Sum, lookup(Keys, M2, 0), Misses}.

%% A linear congruential generator: distinct keys below 2^32.
keys(0, _, Acc) -> Acc;
keys(N, X, Acc) ->
    X1 = (X * 69069 + 1) band 16#ffffffff,
    keys(N - 1, X1, [X1 | Acc]).

insert([], _, M) -> M;
insert([K | Ks], I, M) -> insert(Ks, I + 1, M#{K => I}).

lookup([], _, Sum) -> Sum;
lookup([K | Ks], M, Sum) ->
    #{K := V} = M,
    lookup(Ks, M, Sum + V).

%% Updates every third key in place (the map keeps its size).
bump([], M, _) -> M;
bump([K | Ks], M, I) when I rem 3 =:= 0 ->
    bump(Ks, maps:update_with(K, fun(V) -> V * 2 end, M), I + 1);
bump([_ | Ks], M, I) -> bump(Ks, M, I + 1).

%% Odd multiples of 2^32 + 1 cannot be keys.
probe(0, _, Misses) -> Misses;
probe(N, M, Misses) ->
    case maps:find(N * 16#100000001, M) of
        {ok, _} -> probe(N - 1, M, Misses);
        error -> probe(N - 1, M, Misses + 1)
    end.
