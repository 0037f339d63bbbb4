-module(c_stacktrace).
-export([main/0, thrower/1]).

%% Stack traces from user code: {M, F, Arity|Args, [{file, F}, {line, L}]} entries.
main() ->
    D = fun erlang:display/1,
    D(st(fun() -> thrower(error) end)),
    D(st(fun() -> thrower(throw) end)),
    D(st(fun() -> thrower(exit) end)),
    D(st(fun() -> fc(id(zz)) end)),
    D(st(fun() -> deep(3) end)),
    D(st(fun() -> badmatch() end)),
    D(st(fun() -> casecl(id(9)) end)),
    D(st(fun() -> erlang:error(custom, [a, b]) end)),
    D(st(fun() -> erlang:raise(error, r, [{mod, fn, 2, [{file, "x.erl"}, {line, 7}]}]) end)),
    D(st(fun() -> c_stacktrace:thrower(error) end)),
    {_, _, Full} = st3(fun() -> deep(3) end),
    D(length(Full) >= 4),
    D([{M, F, A} || {M, F, A, _} <- lists:sublist(Full, 3)]),
    D(try deep(0) catch error:_:S -> [is_list(Loc) || {_, _, _, Loc} <- S] end),
    erlang:halt().

thrower(error) -> erlang:error(from_thrower);
thrower(throw) -> throw(from_thrower);
thrower(exit) -> exit(from_thrower).

fc(a) -> ok.

deep(0) -> erlang:error(bottom);
deep(N) -> [deep(N - 1)].

badmatch() ->
    {ok, X} = id(error),
    X.

casecl(X) ->
    case X of
        1 -> one
    end.

st(F) ->
    {C, R, S} = st3(F),
    {C, R, hd(S)}.

st3(F) ->
    try F(), no_exception
    catch C:R:S -> {C, R, S}
    end.

id(X) -> X.
