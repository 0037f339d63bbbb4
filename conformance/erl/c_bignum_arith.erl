-module(c_bignum_arith).
-export([main/0]).

%% Bignum add/sub/mul/div/rem, including results that shrink back to small integers.
main() ->
    D = fun erlang:display/1,
    A = 123456789012345678901234567890,
    B = 987654321098765432109876543210,
    D(A + B),
    D(A - B),
    D(B - A),
    D(A * B),
    D(B div A),
    D(B rem A),
    D(-B div A),
    D(-B rem A),
    D(B div -A),
    D(B rem -A),
    D(A * A * A * A),
    D((A * B) div B),
    D((A * B) rem B),
    D(A - A),
    D(A div A),
    D((A + 1) - A),
    D(A * 0),
    D(-A),
    D(-(-A)),
    P = pow(2, 200),
    D(P),
    D(P - 1),
    D(P div 3),
    D(P rem 1000007),
    D(pow(3, 100) * pow(7, 50)),
    D(pow(10, 50) div pow(10, 49)),
    D(pow(10, 50) div 7),
    D(pow(-3, 41)),
    D(abs(pow(-3, 41))),
    D(lists:sum([pow(2, N) || N <- lists:seq(0, 127)])),
    D(lists:foldl(fun(X, Acc) -> Acc * 31 + X end, 0, lists:seq(1, 60))),
    D(gcd(pow(2, 100) * 3 * 5, pow(2, 90) * 5 * 7)),
    D(fib(300)),
    D(A > B), D(A < B), D(A == A + 0), D(A =:= A * 1), D(A == A + 0.0),
    D(float(A)),
    D(float_to_list(float(A), [short])),
    D(trunc(float(A))),
    D(round(1.0e30)),
    D(trunc(-1.0e25)),
    erlang:halt().

pow(_, 0) -> 1;
pow(X, N) -> X * pow(X, N - 1).

gcd(A, 0) -> A;
gcd(A, B) -> gcd(B, A rem B).

fib(N) -> fib(N, 0, 1).
fib(0, A, _) -> A;
fib(N, A, B) -> fib(N - 1, B, A + B).
