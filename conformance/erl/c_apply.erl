-module(c_apply).
-export([main/0, f/0, f/1, f/3]).

%% apply/2,3, dynamic calls M:F(Args), undef errors and erlang:function_exported.
main() ->
    D = fun erlang:display/1,
    D(apply(fun(A, B) -> A - B end, [10, 3])),
    D(apply(c_apply, f, [])),
    D(apply(c_apply, f, [x])),
    D(apply(?MODULE, f, [1, 2, 3])),
    D(apply(lists, reverse, [[1, 2, 3]])),
    D(apply(erlang, element, [2, {a, b}])),
    D(apply(fun erlang:length/1, [[a, b]])),
    M = id(lists), F = id(seq),
    D(M:F(1, 3)),
    D(erlang:apply(M, F, [5, 7])),
    D(t(fun() -> apply(c_apply, nope, []) end)),
    D(t(fun() -> apply(no_such_module_xyz, f, [1]) end)),
    D(t(fun() -> apply(c_apply, f, [1, 2]) end)),
    D(t(fun() -> (id(no_such_module_xyz)):f() end)),
    D(t(fun() -> apply(fun(_) -> ok end, [1, 2]) end)),
    D(t(fun() -> apply(id(1), f, []) end)),
    D(t(fun() -> apply(c_apply, f, id(notalist)) end)),
    D(t(fun() -> apply(c_apply, f, [a | b]) end)),
    D(erlang:function_exported(c_apply, f, 1)),
    D(erlang:function_exported(c_apply, local, 0)),
    D(erlang:function_exported(c_apply, f, 2)),
    D(erlang:function_exported(lists, reverse, 1)),
    D(erlang:function_exported(erlang, length, 1)),
    D(erlang:is_builtin(erlang, length, 1)),
    D(erlang:module_loaded(c_apply)),
    D(local()),
    erlang:halt().

f() -> zero.
f(X) -> {one, X}.
f(A, B, C) -> A + B + C.
local() -> local.
id(X) -> X.
t(F) ->
    try {ok, F()}
    catch
        error:{badarity, {Fun, Args}} -> {error, badarity, is_function(Fun), Args};
        C:R -> {C, R}
    end.
