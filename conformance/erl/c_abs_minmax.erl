-module(c_abs_minmax).
-export([main/0]).

%% abs, min/max (including mixed types and equal-comparing values), sign edge cases.
main() ->
    D = fun erlang:display/1,
    [D({X, abs(X)}) || X <- [0, 5, -5, 1 bsl 59, -(1 bsl 59), -(1 bsl 59) - 1, 1 bsl 64, -(1 bsl 64)]],
    [D(float_to_list(abs(X), [short])) || X <- [-0.0, 0.0, -1.5, 1.5e300, -5.0e-324]],
    D(min(1, 2)), D(max(1, 2)), D(min(a, 1)), D(max(a, 1)), D(min("a", {})), D(max("a", {})),
    D(min(2, 2.0)), D(min(2.0, 2)), D(max(2, 2.0)), D(max(2.0, 2)),
    D(max(<<>>, [])), D(min(#{}, {a})), D(max(1 bsl 70, 1.0e21)), D(min(-1.0e21, -(1 bsl 70))),
    D(lists:max([3, a, {}, [], <<>>])), D(lists:min([3, a, {}, [], <<>>])),
    D(t(fun() -> abs(id(a)) end)),
    D(t(fun() -> lists:max([]) end)),
    D(-(1 bsl 59) * -1),
    D(0 - (1 bsl 63)),
    D(-(-(1 bsl 63))),
    D(abs(-9223372036854775808)),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
