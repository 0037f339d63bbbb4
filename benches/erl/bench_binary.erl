-module(bench_binary).
-export([main/0]).
%% Binary construction and matching: build a 1 MB binary by appending, then parse it
%% back as 16-bit big-endian integers and sum them.
main() -> bench_util:report(fun() -> sum(build(<<>>, 0), 0) end).
build(Acc, 524288) -> Acc;
build(Acc, N) -> build(<<Acc/binary, (N band 16#ffff):16>>, N + 1).
sum(<<X:16, Rest/binary>>, S) -> sum(Rest, S + X);
sum(<<>>, S) -> S.
