-module(c_list_comprehension).
-export([main/0]).

%% List comprehensions: multiple generators, filters, pattern generators, nested, guards as filters.
main() ->
    D = fun erlang:display/1,
    D([X * 2 || X <- [1, 2, 3]]),
    D([{X, Y} || X <- [1, 2, 3], Y <- [a, b], X > 1]),
    D([X || {ok, X} <- [{ok, 1}, error, {ok, 2}, {error, 3}, {ok, 3, extra}]]),
    D([X || X <- [1, a, 2.0, "s", {}], is_number(X)]),
    D([[Y || Y <- lists:seq(1, X)] || X <- lists:seq(1, 4)]),
    D(pyth(30)),
    D(qsort([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])),
    D(perms([a, b, c])),
    D([X || X <- [], X > 0]),
    D([{X, Y} || X <- [1, 2], Y <- [X, X * 10]]),
    D(length([ok || _ <- lists:seq(1, 10000)])),
    D([X + Y || <<X>> <= <<1, 2>>, Y <- [10, 20]]),
    D([K || {K, V} <- [{a, 1}, {b, 2}, {c, 1}], V =:= 1]),
    D([X || X <- "hello", X =/= $l]),
    D(primes(100)),
    D([if X > 2 -> big; true -> small end || X <- [1, 2, 3, 4]]),
    D([case X of {A, B} -> A + B; _ -> 0 end || X <- [{1, 2}, x, {3, 4}]]),
    Bound = 5,
    D([X || X <- lists:seq(1, 10), X < Bound]),
    D([Bound || Bound <- [99]]),
    D([X || X <- [1, 2, 3], true, false =:= false]),
    erlang:halt().

pyth(N) ->
    [{A, B, C} || A <- lists:seq(1, N), B <- lists:seq(A, N), C <- lists:seq(B, N), A * A + B * B =:= C * C].

qsort([]) -> [];
qsort([P | T]) -> qsort([X || X <- T, X < P]) ++ [P] ++ qsort([X || X <- T, X >= P]).

perms([]) -> [[]];
perms(L) -> [[H | T] || H <- L, T <- perms(L -- [H])].

primes(N) -> sieve(lists:seq(2, N)).
sieve([]) -> [];
sieve([P | T]) -> [P | sieve([X || X <- T, X rem P =/= 0])].
