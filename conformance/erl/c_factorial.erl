-module(c_factorial).
-export([main/0]).

%% Factorials: bignum multiplication chains and division back down.
main() ->
    D = fun erlang:display/1,
    [D({N, fact(N)}) || N <- [0, 1, 5, 10, 20, 21, 25, 30, 50]],
    F100 = fact(100),
    D(F100),
    D(length(integer_to_list(fact(1000)))),
    D(fact(1000) rem 1000000007),
    D(fact(1000) div fact(998)),
    D(F100 div fact(99)),
    D(lists:sum([X - $0 || X <- integer_to_list(fact(500))])),
    D(trailing_zeros(fact(300))),
    D(fact(200) =:= tail_fact(200)),
    D(-fact(40)),
    D(fact(25) * -fact(25)),
    erlang:halt().

fact(0) -> 1;
fact(N) -> N * fact(N - 1).

tail_fact(N) -> tail_fact(N, 1).
tail_fact(0, A) -> A;
tail_fact(N, A) -> tail_fact(N - 1, A * N).

trailing_zeros(N) when N rem 10 =:= 0 -> 1 + trailing_zeros(N div 10);
trailing_zeros(_) -> 0.
