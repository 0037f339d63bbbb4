-module(c_math).
-export([main/0]).

%% math module functions, printed exactly (short round-trip form and display).
main() ->
    S = fun(X) -> erlang:display(float_to_list(X, [short])) end,
    Xs = [0.0, 0.5, 1.0, 2.0, 10.0, 0.1, 3.0],
    [begin
         S(math:sqrt(X)), S(math:exp(X)), S(math:sin(X)), S(math:cos(X)), S(math:tan(X)),
         S(math:atan(X)), S(math:sinh(X)), S(math:cosh(X)), S(math:tanh(X)), S(math:asinh(X)),
         S(math:erf(X)), S(math:erfc(X)), S(math:pow(X, 1.5)), S(math:pow(2.0, X)), S(math:atan2(X, 2.0))
     end || X <- Xs],
    [begin S(math:log(X)), S(math:log2(X)), S(math:log10(X)), S(math:acosh(X + 1)) end
     || X <- [0.5, 1.0, 2.0, 10.0, 1000.0, 1.0e-10, 123.456]],
    [begin S(math:asin(X)), S(math:acos(X)), S(math:atanh(X * 0.99)) end || X <- [0.0, 0.5, -0.5, 1.0]],
    S(math:pi()),
    S(math:pow(2, 10)), S(math:pow(-2, 3)), S(math:pow(10, -2)),
    S(math:floor(-1.5)), S(math:ceil(-1.5)), S(math:floor(2)),
    S(math:fmod(10.0, 3.0)), S(math:fmod(-10.0, 3.0)), S(math:fmod(5.5, 1.5)),
    S(math:sqrt(2)), S(math:exp(1)), S(math:log(1 bsl 80)),
    erlang:display(math:sqrt(16)),
    erlang:display(math:pi()),
    erlang:display(t(fun() -> math:sqrt(-1.0) end)),
    erlang:display(t(fun() -> math:log(0.0) end)),
    erlang:display(t(fun() -> math:pow(0.0, -1.0) end)),
    erlang:display(t(fun() -> math:sin(a) end)),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
