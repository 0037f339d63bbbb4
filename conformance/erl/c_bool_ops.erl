-module(c_bool_ops).
-export([main/0]).

%% Boolean operators and/or/xor/not, andalso/orelse (short-circuit, non-boolean right side), comparisons.
main() ->
    D = fun erlang:display/1,
    Bs = [true, false],
    D([{A, B, A and B, A or B, A xor B} || A <- Bs, B <- Bs]),
    D([not A || A <- Bs]),
    D([{A, B, A andalso B, A orelse B} || A <- Bs, B <- Bs]),
    D(true andalso id(anything)), D(false orelse id(anything)),
    D(false andalso id(anything)), D(true orelse id(anything)),
    D(t(fun() -> id(true) and id(1) end)),
    D(t(fun() -> id(1) or id(true) end)),
    D(t(fun() -> not id(nil) end)),
    D(t(fun() -> id(foo) andalso true end)),
    D(t(fun() -> id(foo) orelse true end)),
    D(erlang:'and'(true, true)), D(erlang:'not'(false)), D(erlang:'xor'(true, true)),
    D(1 < 2 andalso 2 < 3 orelse false),
    D(is_atom(a) andalso (is_integer(1) orelse error(not_reached))),
    D(lists:all(fun(X) -> X end, [true, true])),
    D(length([x || true andalso false])),
    D(tail_andalso(100000)),
    erlang:halt().

%% orelse/andalso right operands are in tail position: deep recursion in constant stack.
tail_andalso(0) -> true;
tail_andalso(N) -> N > 0 andalso tail_andalso(N - 1).

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
