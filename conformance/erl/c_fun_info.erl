-module(c_fun_info).
-export([main/0, e/2]).

%% erlang:fun_info/1,2 items that are VM-independent: module, name, arity, env, type.
main() ->
    D = fun erlang:display/1,
    X = id(42), Y = id([a, b]),
    L = fun(Z) -> {X, Y, Z} end,
    E = fun ?MODULE:e/2,
    B = fun lists:map/2,
    D(erlang:fun_info(L, module)),
    D(erlang:fun_info(L, arity)),
    D(erlang:fun_info(L, type)),
    D(erlang:fun_info(L, name)),
    {env, Env} = erlang:fun_info(L, env), D(lists:sort(Env)),
    D(erlang:fun_info(fun() -> ok end, env)),
    D(erlang:fun_info(E, module)), D(erlang:fun_info(E, name)),
    D(erlang:fun_info(E, arity)), D(erlang:fun_info(E, type)), D(erlang:fun_info(E, env)),
    D(erlang:fun_info(B, module)), D(erlang:fun_info(B, type)),
    D(lists:sort([K || {K, _} <- erlang:fun_info(E)])),
    D([V || {K, V} <- erlang:fun_info(E), K =/= pid]),
    D(erlang:fun_info(fun local/1, name)),
    D(erlang:fun_info(fun local/1, arity)),
    D(erlang:fun_info(fun F(0) -> 0; F(N) -> F(N - 1) end, arity)),
    D(t(fun() -> erlang:fun_info(id(x), arity) end)),
    D(t(fun() -> erlang:fun_info(L, bogus) end)),
    D(length(Env)),
    erlang:halt().

local(A) -> A.
e(A, B) -> {A, B}.
id(V) -> V.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
