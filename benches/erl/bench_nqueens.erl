-module(bench_nqueens).
-export([run/1]).
%% Backtracking search with list comprehensions and guards: all solutions of N queens.
run(small) -> queens(6);
run(full) -> queens(11).

%% Returns the number of solutions and the first one found.
queens(N) ->
    Solutions = place(N, N, []),
    {length(Solutions), hd(Solutions)}.

place(0, _, Qs) -> [Qs];
place(K, N, Qs) ->
    [S || Col <- lists:seq(1, N), safe(Col, Qs, 1), S <- place(K - 1, N, [Col | Qs])].

safe(_, [], _) -> true;
safe(Col, [Q | Qs], D) -> Col =/= Q andalso abs(Col - Q) =/= D andalso safe(Col, Qs, D + 1).
