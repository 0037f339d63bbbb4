-module(bench_bignum).
-export([run/1]).
%% Bignum arithmetic: factorial of 5000 by repeated multiplication, digit sum by division by 10.
run(small) -> digit_sum(fac(300, 1), 0);
run(full) -> digit_sum(fac(5000, 1), 0).

fac(0, Acc) -> Acc;
fac(N, Acc) -> fac(N - 1, Acc * N).

digit_sum(0, S) -> S;
digit_sum(N, S) -> digit_sum(N div 10, S + N rem 10).
