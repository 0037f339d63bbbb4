-module(c_float_edge).
-export([main/0]).

%% Float overflow raises badarith, negative zero, huge/tiny values, mixed int/float comparisons.
main() ->
    D = fun erlang:display/1,
    S = fun(X) -> float_to_list(X, [short]) end,
    D(t(fun() -> id(1.0e308) * 10 end)),
    D(t(fun() -> id(1.0e308) + 1.0e308 end)),
    D(t(fun() -> -id(1.0e308) - 1.0e308 end)),
    D(t(fun() -> id(1.0) / 0.0 end)),
    D(t(fun() -> id(0.0) / 0.0 end)),
    D(t(fun() -> id(1.0e-300) / 1.0e300 end)),
    D(t(fun() -> math:exp(1000) end)),
    D(t(fun() -> math:pow(10.0, 400) end)),
    D(t(fun() -> math:log(0) end)),
    D(t(fun() -> math:log(-1) end)),
    D(t(fun() -> math:sqrt(-1) end)),
    D(t(fun() -> math:acos(2) end)),
    D(t(fun() -> float((1 bsl 1024)) end)),
    D(t(fun() -> id(1 bsl 1024) + 0.5 end)),
    D(t(fun() -> id(1 bsl 1024) > 1.0e308 end)),
    D(t(fun() -> id(1 bsl 1023) * 1.0 end)),
    D(S(-0.0)),
    D(0.0 == -0.0),
    D(0.0 =:= -0.0),
    D(0.0 < -0.0),
    D(-0.0 < 0.0),
    D(lists:sort([0.0, -0.0, 0, -0.0])),
    D(S(abs(-0.0))),
    D(S(-0.0 * 1.0)),
    D(S(0.0 - 0.0)),
    D({9007199254740992 == 9007199254740992.0, 9007199254740993 == 9007199254740992.0,
       9007199254740993 < 9007199254740994.0, 9007199254740993 > 9007199254740992.0}),
    D({(1 bsl 64) == float(1 bsl 64), (1 bsl 64) + 1 > float(1 bsl 64), (1 bsl 64) + 1 == float(1 bsl 64)}),
    D({1.0e20 < 100000000000000000001, 1.0e20 == 100000000000000000000}),
    D(lists:sort([3, 2.0, 1 bsl 70, 1.0e21, -1.0e21, -(1 bsl 70), 2, 3.0])),
    D(max(1, 1.0)), D(max(1.0, 1)), D(min(1, 1.0)), D(min(1.0, 1)),
    D(erlang:max(2.0, 2)), D(erlang:min(-0.0, 0.0)),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
