-module(bench_fib).
-export([run/1]).
%% Tight recursion: naive fib, no allocation.
run(small) -> fib(15);
run(full) -> fib(27).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
