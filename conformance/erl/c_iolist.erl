-module(c_iolist).
-export([main/0]).

%% iolists: nested mixes of bytes, binaries, chars; iolist_size/iolist_to_binary; erlang:list_to_binary on deep lists.
main() ->
    D = fun erlang:display/1,
    IO = [$a, <<"bc">>, [[$d], [<<"e">>, [], [[[<<>>]]]]], "fg" | <<"h">>],
    D(iolist_size(IO)), D(iolist_to_binary(IO)), D(list_to_binary(IO)),
    D(erlang:iolist_to_iovec(IO)),
    Deep = lists:foldl(fun(I, Acc) -> [Acc, I rem 256] end, [], lists:seq(1, 100000)),
    D(iolist_size(Deep)),
    D(erlang:phash2(iolist_to_binary(Deep))),
    Deep2 = lists:foldl(fun(I, Acc) -> [I rem 256 | Acc] end, [], lists:seq(1, 1000)),
    D(byte_size(list_to_binary([Deep2, Deep2]))),
    D(iolist_to_binary([<<1, 2, 3>>, <<>>, <<4>>])),
    D(iolist_to_binary(<<"already">>)),
    D(iolist_size(<<"xyz">>)),
    D(iolist_to_binary([[], [[]], []])),
    D(t(fun() -> iolist_size([1 | 2]) end)),
    D(t(fun() -> iolist_to_binary([<<1:7>>]) end)),
    D(t(fun() -> iolist_to_binary([1000]) end)),
    D(t(fun() -> iolist_to_binary(id(atom)) end)),
    D(t(fun() -> iolist_size([[[[a]]]]) end)),
    D(erlang:iolist_to_binary(io_lib:format("~w-~s", [42, "x"]))),
    D(binary_to_list(iolist_to_binary(["ab", [<<"cd">>] | <<"ef">>]))),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
