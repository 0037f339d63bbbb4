-module(c_lists_seq).
-export([main/0]).

%% lists:seq corner cases and errors.
main() ->
    D = fun erlang:display/1,
    D(lists:seq(1, 10)),
    D(lists:seq(1, 1)),
    D(lists:seq(1, 0)),
    D(lists:seq(10, 1, -1)),
    D(lists:seq(10, 1, -3)),
    D(lists:seq(1, 10, 4)),
    D(lists:seq(1, 1, 0)),
    D(lists:seq(-5, 5, 5)),
    D(lists:seq(5, 5, -1)),
    D(lists:seq(1, 2, 5)),
    D(lists:seq(1 bsl 64, (1 bsl 64) + 3)),
    D(lists:seq(0, 0)),
    D(t(fun() -> lists:seq(1, -1) end)),
    D(t(fun() -> lists:seq(1, 10, 0) end)),
    D(t(fun() -> lists:seq(1, 10, -1) end)),
    D(t(fun() -> lists:seq(10, 1, 1) end)),
    D(t(fun() -> lists:seq(1.0, 5) end)),
    D(t(fun() -> lists:seq(a, b) end)),
    D(length(lists:seq(1, 100000))),
    D(lists:sum(lists:seq(1, 100000, 7))),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
