-module(c_compare_numbers).
-export([main/0]).

%% Numeric comparison: == vs =:=, mixed int/float/bignum ordering.
main() ->
    D = fun erlang:display/1,
    Ns = [0, 0.0, 1, 1.0, -1, -1.0, 2, 1.5, 1 bsl 64, float(1 bsl 64), -(1 bsl 64)],
    [D({A, B, A == B, A =:= B, A /= B, A =/= B, A < B, A =< B, A > B, A >= B})
     || A <- Ns, B <- Ns],
    D(1 == 1.0),
    D(1 =:= 1.0),
    D(1 =/= 1.0),
    D(1 /= 1.0),
    D(lists:sort(Ns)),
    D(lists:usort(Ns)),
    D(lists:sort(fun erlang:'>='/2, [1, 2.0, 3, 2, 1.0])),
    D(lists:max([1, 1.0])), D(lists:max([1.0, 1])),
    D(lists:member(1, [1.0])),
    D(lists:keyfind(1, 1, [{1.0, a}, {1, b}])),
    D(lists:keymember(1.0, 1, [{1, x}])),
    D([X || X <- [1, 1.0, 2], X == 1]),
    D(case 1.0 of 1 -> int; 1.0 -> float end),
    D({1, 2} == {1.0, 2}),
    D({1, 2} =:= {1.0, 2}),
    D([1] == [1.0]),
    D(#{1 => a} == #{1.0 => a}),
    D(<<1>> == <<1>>),
    erlang:halt().
