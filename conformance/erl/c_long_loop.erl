-module(c_long_loop).
-export([main/0]).

%% 10,000,000 iteration tail-recursive loops (constant stack), with small-int and float accumulators.
main() ->
    D = fun erlang:display/1,
    D(loop(10000000, 0)),
    D(count_down(10000000)),
    D(float_to_list(floop(1000000, 0.0), [short])),
    D(collatz_max(1, 30000, {0, 0})),
    D(mutual_even(1000001)),
    D(lcg(1000000, 42)),
    erlang:halt().

loop(0, Acc) -> Acc;
loop(N, Acc) -> loop(N - 1, Acc + N).

count_down(0) -> done;
count_down(N) -> count_down(N - 1).

floop(0, A) -> A;
floop(N, A) -> floop(N - 1, A + 1 / N).

collatz_max(N, Max, Best) when N > Max -> Best;
collatz_max(N, Max, {_, BestLen} = Best) ->
    L = collatz(N, 1),
    collatz_max(N + 1, Max, if L > BestLen -> {N, L}; true -> Best end).

collatz(1, L) -> L;
collatz(N, L) when N rem 2 =:= 0 -> collatz(N div 2, L + 1);
collatz(N, L) -> collatz(3 * N + 1, L + 1).

mutual_even(0) -> true;
mutual_even(N) -> mutual_odd(N - 1).
mutual_odd(0) -> false;
mutual_odd(N) -> mutual_even(N - 1).

lcg(0, X) -> X;
lcg(N, X) -> lcg(N - 1, (X * 6364136223846793005 + 1442695040888963407) band 16#FFFFFFFFFFFFFFFF).
