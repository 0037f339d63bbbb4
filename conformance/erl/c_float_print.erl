-module(c_float_print).
-export([main/0]).

%% float_to_list/1,2 and float_to_binary/1,2 with every option; erlang:display of floats.
main() ->
    D = fun erlang:display/1,
    Xs = [0.0, -0.0, 1.0, -1.0, 0.1, 1/3, 2/3, 100.0, 123456.789, 1.0e-10, 1.5e300,
          5.0e-324, 1.7976931348623157e308, 0.5, 2.5, 1.0e15, 1.0e16, 1.0e21, 1.0e22, 9007199254740993.0],
    lists:foreach(fun(X) ->
        D(X),
        D(t(fun() -> float_to_list(X) end)),
        D(t(fun() -> float_to_list(X, [short]) end)),
        D(t(fun() -> float_to_list(X, [{decimals, 0}]) end)),
        D(t(fun() -> float_to_list(X, [{decimals, 3}]) end)),
        D(t(fun() -> float_to_list(X, [{decimals, 3}, compact]) end)),
        D(t(fun() -> float_to_list(X, [{scientific, 0}]) end)),
        D(t(fun() -> float_to_list(X, [{scientific, 5}]) end)),
        D(t(fun() -> float_to_binary(X) end)),
        D(t(fun() -> float_to_binary(X, [{decimals, 10}, compact]) end)),
        D(t(fun() -> float_to_binary(X, [short]) end))
    end, Xs),
    D(float_to_list(0.125, [{decimals, 2}])),
    D(float_to_list(0.375, [{decimals, 2}])),
    D(float_to_list(2.675, [{decimals, 2}])),
    D(float_to_list(1.0, [{decimals, 20}])),
    D(float_to_list(1/3, [{decimals, 40}])),
    D(float_to_list(1/3, [{scientific, 30}])),
    D(t(fun() -> length(float_to_list(1.0, [{decimals, 249}])) end)),
    D(t(fun() -> float_to_list(1.0e10, [{decimals, 253}]) end)),
    D(t(fun() -> float_to_list(1.0, [{decimals, 254}]) end)),
    D(t(fun() -> float_to_list(1.0, [{scientific, 250}]) end)),
    D(t(fun() -> float_to_list(1, []) end)),
    D(t(fun() -> float_to_list(1.0e300, [{decimals, 2}]) end)),
    D(t(fun() -> float_to_list(1.0e300, [{decimals, 2}, compact]) end)),
    D(t(fun() -> float_to_list(1.0e20, [{decimals, 2}, compact]) end)),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
