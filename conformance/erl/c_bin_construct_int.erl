-module(c_bin_construct_int).
-export([main/0]).

%% Integer segments in construction: sizes 1..72, signedness, endianness, units, truncation.
main() ->
    D = fun erlang:display/1,
    Vals = [0, 1, -1, 5, -5, 255, 16#1234, -16#1234, 16#123456789ABCDEF, (1 bsl 64) - 1, 1 bsl 70],
    lists:foreach(fun(Size) ->
        D({Size, [<<V:Size>> || V <- Vals]}),
        D({Size, [<<V:Size/little>> || V <- Vals]}),
        D({Size, [<<V:Size/signed-big>> || V <- Vals]})
    end, [1, 3, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 72]),
    D(<<1:8, 2:16, 3:24, 4:32>>),
    D(<<16#0102:16/little, 16#0102:16/big>>),
    D(<<16#0102:16/native>> =:= <<16#0102:16/little>>),
    D(<<3:2/unit:8>>),
    D(<<1:4/unit:4>>),
    D(<<-1:16/little-signed>>),
    D(<<1, 2, 3>>),
    D(<<256, -1, 1000>>),
    N = id(13),
    D(<<5:N>>),
    D(<<16#FFFF:N/little>>),
    D(<<1:0>>),
    D(<<$a, "bc", "d"/utf8>>),
    D(t(fun() -> <<(id(1)):(id(-1))>> end)),
    D(t(fun() -> <<(id(a)):8>> end)),
    D(t(fun() -> <<(id(1.5)):8>> end)),
    D(t(fun() -> <<1:(id(a))>> end)),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
