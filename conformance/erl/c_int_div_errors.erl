-module(c_int_div_errors).
-export([main/0]).

%% Integer division semantics and arithmetic error terms.
main() ->
    D = fun erlang:display/1,
    [D({X, Y, X div Y, X rem Y}) || X <- [7, -7, 1 bsl 70, -(1 bsl 70)], Y <- [2, -2, 1 bsl 65, -(1 bsl 65)]],
    D(t(fun() -> 1 div zero() end)),
    D(t(fun() -> 1 rem zero() end)),
    D(t(fun() -> (1 bsl 80) div zero() end)),
    D(t(fun() -> 1 / zero() end)),
    D(t(fun() -> 1.0 / zero() end)),
    D(t(fun() -> 1 / float(zero()) end)),
    D(t(fun() -> 1 div id(1.0) end)),
    D(t(fun() -> id(a) + 1 end)),
    D(t(fun() -> 1 - id("x") end)),
    D(t(fun() -> id(1.5) band 1 end)),
    D(t(fun() -> id(1) bsl id(1.0) end)),
    D(t(fun() -> bnot id(1.0) end)),
    D(t(fun() -> -id(foo) end)),
    D(t(fun() -> id(1 bsl 100) rem id(0) end)),
    D(t(fun() -> 10 / 4 end)),
    D(t(fun() -> 10 / 5 end)),
    D(t(fun() -> -10 / 4 end)),
    D(t(fun() -> id(1) bsl id(1 bsl 100) end)),
    D(t(fun() -> id(0) bsl id(1 bsl 100) end)),
    D(t(fun() -> id(-1) bsr id(1 bsl 100) end)),
    erlang:halt().

zero() -> id(0).
id(X) -> X.
t(F) -> try F() catch C:R -> {C, R} end.
