-module(bench_ackermann).
-export([run/1]).
%% Very deep, irregular recursion: Ackermann's function for m = 2 and m = 3.
run(small) -> {ack(2, 50), ack(3, 4)};
run(full) -> {ack(2, 3000), ack(3, 8)}.

ack(0, N) -> N + 1;
ack(M, 0) -> ack(M - 1, 1);
ack(M, N) -> ack(M - 1, ack(M, N - 1)).
