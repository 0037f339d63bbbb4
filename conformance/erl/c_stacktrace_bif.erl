-module(c_stacktrace_bif).
-export([main/0]).

%% Stack trace heads for errors raised inside BIFs and operators (args lists, error_info).
main() ->
    D = fun erlang:display/1,
    D(st(fun() -> atom_to_list(id(1)) end)),
    D(st(fun() -> element(id(5), {a}) end)),
    D(st(fun() -> id(1) + id(a) end)),
    D(st(fun() -> id(1) div id(0) end)),
    D(st(fun() -> hd(id([])) end)),
    D(st(fun() -> list_to_integer(id("x")) end)),
    D(st(fun() -> lists:reverse(id(x)) end)),
    D(st(fun() -> binary_to_term(id(<<1>>)) end)),
    D(st(fun() -> no_such_mod_q:f(1, 2) end)),
    D(st(fun() -> lists:no_such_fun(1) end)),
    D(st(fun() -> (id(fun(_) -> x end))() end)),
    erlang:halt().

st(F) ->
    try F(), no_exception
    catch C:R:S ->
        [{M, Fn, A, Loc} | _] = S,
        R1 = case R of {badarity, {_, Args}} -> {badarity, Args}; _ -> R end,
        {C, R1, M, Fn, A, Loc}
    end.

id(X) -> X.
