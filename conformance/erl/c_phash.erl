-module(c_phash).
-export([main/0]).

%% erlang:phash2/1,2 and erlang:phash/2: specified, stable hash values for all term kinds.
main() ->
    D = fun erlang:display/1,
    Terms = [0, 1, -1, 255, 256, 1 bsl 27, 1 bsl 32, 1 bsl 59, (1 bsl 59) - 1, 1 bsl 60, 1 bsl 64, -(1 bsl 64),
             123456789012345678901234567890, 0.0, 1.0, -1.5, 3.14159, 1.0e100,
             a, abc, '', 'hello world', list_to_atom([1070]), true,
             [], [1], [1, 2, 3], "hello", [a | b], lists:seq(1, 100),
             {}, {a}, {a, b, c}, {1, {2, {3}}},
             <<>>, <<1>>, <<"hello">>, <<1:1>>, <<1, 2, 3:4>>, list_to_binary(lists:seq(0, 255)),
             #{}, #{a => 1}, #{b => 2, a => 1}, maps:from_list([{I, I} || I <- lists:seq(1, 100)])],
    [D({T0, erlang:phash2(T0)}) || T0 <- lists:sublist(Terms, 40)],
    [D(erlang:phash2(T1)) || T1 <- lists:nthtail(40, Terms)],
    [D({erlang:phash2(T2, 1000), erlang:phash2(T2, 1 bsl 32)}) || T2 <- Terms],
    [D(erlang:phash(T3, 1 bsl 32)) || T3 <- Terms],
    D(erlang:phash2(#{a => 1, b => 2}) =:= erlang:phash2(#{b => 2, a => 1})),
    D(erlang:phash2(1) =:= erlang:phash2(1.0)),
    D(t(fun() -> erlang:phash2(x, 0) end)),
    D(t(fun() -> erlang:phash2(x, 1 bsl 32 + 1) end)),
    D(erlang:phash2(x, 1)),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
