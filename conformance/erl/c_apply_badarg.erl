-module(c_apply_badarg).
-export([main/0, tail/2]).

%% A call with a module or function that is not an atom (`M:F(...)`, apply/3) fails as
%% erlang:apply/3 with its arguments in the stack trace.
id(X) -> X.

tail(M, F) -> M:F(1).

main() ->
    Bad = id({}),
    D = fun(T) -> io:format("~p~n", [T]) end,
    D(catch Bad:baz(a, b)),
    D(catch baz:Bad(c, d)),
    D(catch apply(Bad, baz, [e, f])),
    D(catch apply(baz, Bad, [g, h])),
    D(catch tail(id(1), x)),
    D(catch apply(id(lists), id("reverse"), [[1]])),
    halt().
