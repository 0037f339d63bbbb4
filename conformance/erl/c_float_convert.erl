-module(c_float_convert).
-export([main/0]).

%% float/1, round/trunc/ceil/floor, list_to_float, binary_to_float, and their errors.
main() ->
    D = fun erlang:display/1,
    S = fun(X) -> float_to_list(X, [short]) end,
    Xs = [0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 1.0e15 + 0.5,
          4503599627370497.0, -7.9, 7.9, 1.0e20, -1.0e20, 123456789012345678.0],
    [D({S(X), round(X), trunc(X), ceil(X), floor(X)}) || X <- Xs],
    [D({X, round(X), trunc(X), ceil(X), floor(X)}) || X <- [0, 7, -7, 1 bsl 70]],
    [D(S(float(X))) || X <- [0, 1, -1, 1 bsl 53, (1 bsl 53) + 1, 1 bsl 64, (1 bsl 64) - 1, -(1 bsl 100), 123456789]],
    D(S(float(2.5))),
    D(S(list_to_float("1.5"))),
    D(S(list_to_float("-0.000123e5"))),
    D(S(list_to_float("1.0E-3"))),
    D(S(binary_to_float(<<"3.14159">>))),
    D(S(binary_to_float(<<"2.0e308">> =:= <<>> orelse <<"1.0e308">>))),
    D(t(fun() -> list_to_float("1") end)),
    D(t(fun() -> list_to_float("1.") end)),
    D(t(fun() -> list_to_float(".5") end)),
    D(t(fun() -> list_to_float("1.0e400") end)),
    D(t(fun() -> binary_to_float(<<"abc">>) end)),
    D(t(fun() -> float(id(a)) end)),
    D(t(fun() -> round(id("1")) end)),
    D(t(fun() -> float(1 bsl 1100) end)),
    D(t(fun() -> trunc(id(x)) end)),
    D(is_float(1.0)), D(is_float(1)), D(is_integer(1.0)), D(is_number(1.0)),
    erlang:halt().

id(X) -> X.
t(F) -> try F() catch C:R -> {C, R} end.
