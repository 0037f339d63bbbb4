-module(bench_bignum).
-export([main/0]).
%% Bignum arithmetic: factorial of 3000, then digit sum through division.
main() -> bench_util:report(fun() -> digits(fac(3000, 1), 0) end).
fac(0, Acc) -> Acc;
fac(N, Acc) -> fac(N - 1, Acc * N).
digits(0, S) -> S;
digits(N, S) -> digits(N div 1000000000, S + N rem 1000000000).
