-module(c_bin_subbin).
-export([main/0]).

%% Sub-binaries, binary tails, iterating over large binaries, accumulating binaries (append optimisation).
main() ->
    D = fun erlang:display/1,
    Big = list_to_binary(lists:seq(0, 255)),
    <<_:100/binary, Mid:10/binary, _/binary>> = Big, D(Mid),
    D(binary:referenced_byte_size(Mid) >= 10),
    D(binary:copy(Mid) =:= Mid),
    D(sum(Big, 0)),
    D(count_bits(Big, 0)),
    D(rev(<<"hello world">>, <<>>)),
    Acc = lists:foldl(fun(I, A) -> <<A/binary, I:16>> end, <<>>, lists:seq(1, 5000)),
    D({byte_size(Acc), binary:part(Acc, 9990, 10)}),
    Acc2 = build(10000, <<>>),
    D({bit_size(Acc2), binary:last(binary:part(Acc2, 0, 1250))}),
    D(split_words(<<"the quick  brown fox">>)),
    D(size(Big)),
    Sub = binary:part(Big, 250, 6),
    D(<<Sub/binary, Sub/binary>>),
    D(erlang:binary_part(Big, {256, -3})),
    D(binary_part(<<"abcdef">>, 1, 2)),
    D(t(fun() -> binary_part(<<"abc">>, 2, 2) end)),
    D(t(fun() -> binary_part(<<"abc">>, -1, 1) end)),
    <<A:1/binary, B/binary>> = <<"xyz">>,
    D({A, B, <<B/binary, A/binary>>}),
    erlang:halt().

sum(<<X, R/binary>>, S) -> sum(R, S + X);
sum(<<>>, S) -> S.

count_bits(<<1:1, R/bits>>, N) -> count_bits(R, N + 1);
count_bits(<<0:1, R/bits>>, N) -> count_bits(R, N);
count_bits(<<>>, N) -> N.

rev(<<C, R/binary>>, Acc) -> rev(R, <<C, Acc/binary>>);
rev(<<>>, Acc) -> Acc.

build(0, B) -> B;
build(N, B) -> build(N - 1, <<B/bits, (N band 1):1>>).

split_words(B) -> split_words(B, <<>>, []).
split_words(<<$\s, R/binary>>, <<>>, Ws) -> split_words(R, <<>>, Ws);
split_words(<<$\s, R/binary>>, W, Ws) -> split_words(R, <<>>, [W | Ws]);
split_words(<<C, R/binary>>, W, Ws) -> split_words(R, <<W/binary, C>>, Ws);
split_words(<<>>, <<>>, Ws) -> lists:reverse(Ws);
split_words(<<>>, W, Ws) -> lists:reverse([W | Ws]).

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
