-module(c_bin_errors).
-export([main/0]).
%% Binary construction errors: reason (badarg or system_limit) and the error_info cause
%% {Segment, Type, Error, Value} that erl puts in the failing frame.
main() ->
    T = fun(F) -> try F() catch C:R:S -> {C, R, hd(S)} end end,
    D = fun(X) -> erlang:display(T(X)) end,
    D(fun() -> <<(id(a)):8>> end),
    D(fun() -> <<1:8, (id(a)):8>> end),
    D(fun() -> <<(id(1.5)):8>> end),
    D(fun() -> <<(id(a))/float>> end),
    D(fun() -> <<(id(1 bsl 1100)):64/float>> end),
    D(fun() -> <<(id(1.0)):(id(24))/float>> end),
    D(fun() -> <<(id(a))/binary>> end),
    D(fun() -> <<(id(<<1:3>>))/binary>> end),
    D(fun() -> <<(id(<<1,2>>)):3/binary>> end),
    D(fun() -> <<(id(a)):(id(-1))>> end),
    D(fun() -> <<1:(id(-1))>> end),
    D(fun() -> <<1:(id(a))>> end),
    D(fun() -> <<1:(id(1 bsl 70))>> end),
    D(fun() -> <<(id(-1))/utf8>> end),
    D(fun() -> <<"ab", (id(16#110000))/utf16>> end),
    D(fun() -> <<(id(a)):8, (id(b)):(id(c))>> end),
    D(fun() -> X = id(a), <<X/binary, 1>> end),
    D(fun() -> X = id(<<1:1>>), <<X/binary, 1>> end),
    erlang:halt().
id(X) -> X.
