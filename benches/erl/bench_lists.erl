-module(bench_lists).
-export([main/0]).
%% List building: build 1M-element lists by body recursion, map, filter and reverse them.
main() -> bench_util:report(fun() -> run(1000000) end).
run(N) ->
    L = build(N),
    M = [X * 2 || X <- L],
    F = [X || X <- M, X rem 3 =:= 0],
    length(lists:reverse(F)) + lists:sum(M).
build(0) -> [];
build(N) -> [N | build(N - 1)].
