-module(bench_spectral).
-export([run/1]).
%% Float loops over lists: the spectral norm of an infinite matrix by power iteration.
run(small) -> spectral_norm(20);
run(full) -> spectral_norm(260).

spectral_norm(N) ->
    U0 = lists:duplicate(N, 1.0),
    {U, V} = iterate(10, U0, N),
    math:sqrt(dot(U, V) / dot(V, V)).

iterate(0, U, _) -> {U, U};
iterate(1, U, N) ->
    V = ata_times(U, N),
    {ata_times(V, N), V};
iterate(K, U, N) ->
    iterate(K - 1, ata_times(U, N), N).

%% A(i, j) = 1 / ((i + j) (i + j + 1) / 2 + i + 1), indices from 0.
a(I, J) -> 1.0 / ((I + J) * (I + J + 1) div 2 + I + 1).

ata_times(U, N) -> at_times(a_times(U, N), N).

a_times(U, N) -> [row(fun(J) -> a(I, J) end, U, 0, 0.0) || I <- lists:seq(0, N - 1)].
at_times(U, N) -> [row(fun(J) -> a(J, I) end, U, 0, 0.0) || I <- lists:seq(0, N - 1)].

row(_, [], _, Acc) -> Acc;
row(A, [X | Xs], J, Acc) -> row(A, Xs, J + 1, Acc + A(J) * X).

dot(Xs, Ys) -> lists:foldl(fun({X, Y}, Acc) -> Acc + X * Y end, 0.0, lists:zip(Xs, Ys)).
