-module(c_tail_bif_raise).
-export([main/0, a/1, b/1, c/1]).

%% A BIF called in tail position (call_ext_last) that raises: the exception meets the
%% caller's catch, and the stack trace names the calling function and its caller. In
%% sofs:composite/2 the compiler leaves an untrimmed frame size in `call_ext_last` of
%% erlang:error/1 (which never returns).
id(X) -> X.
a(X) -> Y = id(X), _ = id(Y), erlang:error({bad, Y}).
b(X) -> Y = id(X), _ = id(Y), list_to_atom(Y).
c(X) -> Y = id(X), _ = id(Y), apply(erlang, list_to_atom, [Y]).

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    D(catch a(1)),
    D(catch b(1)),
    D(catch c(1)),
    D(catch b("x")),
    D(catch c("y")),
    D(try a(2) catch error:R:S -> {R, S} end),
    R1 = (catch sofs:composite(sofs:a_function([]), sofs:relation([{a, b}, {a, c}]))),
    D(element(1, element(2, R1))),
    D([M || {M, _, _, _} <- element(2, element(2, R1))]),
    R2 = (catch sofs:composite(sofs:a_function([{a, b}]), sofs:a_function([{b, c}]))),
    D(sofs:to_external(R2)),
    halt().
