-module(bench_binary).
-export([run/1]).
%% Binary append and match: build 10 MB of 16-bit big-endian integers, parse them back and sum.
run(small) -> run_n(16384);
run(full) -> run_n(5242880).

run_n(N) -> sum(build(<<>>, 0, N), 0).

build(Acc, N, N) -> Acc;
build(Acc, I, N) -> build(<<Acc/binary, (I band 16#ffff):16>>, I + 1, N).

sum(<<X:16, Rest/binary>>, S) -> sum(Rest, S + X);
sum(<<>>, S) -> S.
