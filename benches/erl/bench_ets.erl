-module(bench_ets).
-export([run/1]).
%% ETS: insert, lookup, update_counter on a set; an ordered_set walked in key order with first/next.
run(small) -> run_n(1000);
run(full) -> run_n(80000).

run_n(N) ->
    Set = ets:new(bench_set, [set, public]),
    true = ets:insert(Set, [{K, K * 3, <<"v">>} || K <- lists:seq(1, N)]),
    [true = ets:insert(Set, {K, K, key_name(K)}) || K <- lists:seq(1, N, 7)],
    Found = lookups(Set, N, 0),
    [ets:update_counter(Set, K rem N + 1, {2, K rem 5}) || K <- lists:seq(1, N)],
    Counters = ets:foldl(fun({_, C, _}, Acc) -> Acc + C end, 0, Set),
    Deleted = length([ets:delete(Set, K) || K <- lists:seq(2, N, 2)]),
    Size = ets:info(Set, size),
    true = ets:delete(Set),
    Ord = ets:new(bench_ordered, [ordered_set]),
    fill(Ord, N, 4242),
    Walk = walk(Ord, ets:first(Ord), 0, 0),
    {Last, _} = hd(ets:lookup(Ord, ets:last(Ord))),
    OrdSize = ets:info(Ord, size),
    true = ets:delete(Ord),
    {Found, Counters, Deleted, Size, Walk, Last, OrdSize}.

key_name(K) -> <<"key-", (integer_to_binary(K))/binary>>.

lookups(_, 0, Acc) -> Acc;
lookups(T, K, Acc) ->
    [{K, V, _}] = ets:lookup(T, K),
    lookups(T, K - 1, Acc + V).

%% Keys from a linear congruential generator; repeats overwrite.
fill(_, 0, _) -> ok;
fill(T, N, X) ->
    X1 = (X * 69069 + 1) band 16#ffffffff,
    ets:insert(T, {X1 bsr 12, N}),
    fill(T, N - 1, X1).

%% Position-weighted sum of keys in key order: checks the order as well as the contents.
walk(_, '$end_of_table', _, Acc) -> Acc;
walk(T, K, I, Acc) -> walk(T, ets:next(T, K), I + 1, (Acc + I * K) band 16#ffffffffffff).
