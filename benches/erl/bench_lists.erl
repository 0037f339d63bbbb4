-module(bench_lists).
-export([run/1]).
%% List building: build a list by body recursion, map, filter and reverse it.
run(small) -> run_n(10000);
run(full) -> run_n(1000000).

run_n(N) ->
    L = build(N),
    M = [X * 2 || X <- L],
    F = [X || X <- M, X rem 3 =:= 0],
    length(lists:reverse(F)) + lists:sum(M).

build(0) -> [];
build(N) -> [N | build(N - 1)].
