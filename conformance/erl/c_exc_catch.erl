-module(c_exc_catch).
-export([main/0]).

%% The old-style catch expression: values, throw, exit, error with stacktrace wrapper.
main() ->
    D = fun erlang:display/1,
    D(catch 1 + 2),
    D(catch throw(thrown)),
    D(catch exit(exited)),
    D(catch exit({shutdown, x})),
    {'EXIT', {Reason, Stack}} = (catch error(oops)),
    D(Reason), D(is_list(Stack)),
    {'EXIT', {badarith, [Top | _]}} = (catch id(1) / id(0)),
    D(element(1, Top)), D(element(2, Top)),
    {'EXIT', {{badmatch, 2}, _}} = (catch (fun() -> 1 = id(2) end)()),
    D(badmatch_ok),
    D(catch throw({'EXIT', fake})),
    D(case catch id(x) of x -> x_value; _ -> other end),
    D([catch throw(N) || N <- [1, 2, 3]]),
    D(catch catch throw(double)),
    X = (catch begin put(k, v), throw(after_side_effect) end),
    D({X, get(k)}),
    D(catch lists:foldl(fun(E, _) when E > 2 -> throw({found, E}); (_, A) -> A end, 0, [1, 2, 3, 4])),
    D(catch erlang:raise(throw, via_raise, [])),
    erlang:halt().

id(X) -> X.
