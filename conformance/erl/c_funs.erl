-module(c_funs).
-export([main/0, ext/1, ext/2]).

%% Funs: local, closures with free variables, recursion through funs, external funs, higher order.
main() ->
    D = fun erlang:display/1,
    Add = fun(X, Y) -> X + Y end,
    D(Add(2, 3)),
    N = 10,
    AddN = fun(X) -> X + N end,
    D(AddN(5)),
    D(lists:map(AddN, [1, 2, 3])),
    Mk = fun(K) -> fun(X) -> X * K end end,
    Triple = Mk(3), D(Triple(7)),
    D([(Mk(I))(I) || I <- [1, 2, 3]]),
    Counter = fun Loop(0, Acc) -> Acc; Loop(I, Acc) -> Loop(I - 1, Acc + I) end,
    D(Counter(100, 0)),
    Fact = fun F(0) -> 1; F(I) -> I * F(I - 1) end,
    D(Fact(20)),
    E = fun ?MODULE:ext/1, D(E(4)),
    E2 = fun c_funs:ext/2, D(E2(4, 5)),
    M = c_funs, F = ext, E3 = fun M:F/1, D(E3(6)),
    D((fun lists:reverse/1)([1, 2, 3])),
    D(lists:foldl(fun erlang:'+'/2, 0, [1, 2, 3])),
    Compose = fun(G, H) -> fun(X) -> G(H(X)) end end,
    D((Compose(fun(X) -> X + 1 end, fun(X) -> X * 2 end))(5)),
    Curry = fun(A) -> fun(B) -> fun(C) -> {A, B, C} end end end,
    D(((Curry(x))(y))(z)),
    Big = lists:seq(1, 100),
    Cl = fun() -> length(Big) + N end,
    D(Cl()),
    D(is_function(Cl)), D(is_function(Cl, 0)), D(is_function(Cl, 1)), D(is_function(E, 1)),
    D(Add =:= Add), D(fun local/0 =:= fun local/0), D(E =:= fun c_funs:ext/1),
    D((fun local/0)()),
    D(apply_twice(fun(X) -> [X] end, a)),
    D(t(fun() -> (id(fun(X) -> X end))(1, 2) end)),
    D(t(fun() -> (id(not_a_fun))(1) end)),
    D(t(fun() -> (id({m, f}))(1) end)),
    D(t(fun() -> (fun c_funs:nope/0)() end)),
    D(t(fun() -> (fun(a) -> ok end)(id(b)) end)),
    erlang:halt().

local() -> local_result.
ext(X) -> {ext, X}.
ext(X, Y) -> {ext2, X, Y}.
apply_twice(F, X) -> F(F(X)).
id(X) -> X.
t(F) ->
    try {ok, F()}
    catch
        error:{badarity, {Fun, Args}} -> {error, badarity, is_function(Fun), Args};
        C:R -> {C, R}
    end.
