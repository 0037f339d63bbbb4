-module(bench_lcomp).
-export([run/1]).
%% List comprehensions: nested generators with filters, pattern generators and string ones.
run(small) -> run_n(30);
run(full) -> run_n(330).

run_n(N) ->
    Triples = [{A, B, C} || A <- lists:seq(1, N), B <- lists:seq(A, N), C <- lists:seq(B, N),
                            A * A + B * B =:= C * C],
    Pairs = [{X, Y} || X <- lists:seq(1, N), Y <- lists:seq(1, N), (X * Y) rem 7 =:= 3],
    Sums = [X + Y || {X, Y} <- Pairs, X < Y],
    Words = [[$a + I rem 26, $a + I * 7 rem 26, $a + I * 13 rem 26] || I <- lists:seq(1, N * 50)],
    Upper = [[C - 32 || C <- W] || W <- Words, hd(W) =/= $a],
    Vowels = length([C || W <- Words, C <- W, lists:member(C, "aeiou")]),
    {length(Triples), lists:last(Triples), length(Pairs), lists:sum(Sums), length(Upper),
     lists:nth(length(Upper) div 2, Upper), Vowels}.
