-module(c_ets_fixed_next).
-export([main/0]).

%% A fixed table (safe_fixtable) keeps the keys deleted meanwhile as pseudo-deleted: ets:next
%% of one goes on from where it was, to the end of the table, on every table type; they are
%% counted in ets:info(T, stats) and go when the table is released; delete_all_objects too.
main() ->
    [run(T) || T <- [set, bag, duplicate_bag, ordered_set]],
    halt().
run(Type) ->
    T = ets:new(t, [Type, public]),
    [ets:insert(T, {X, integer_to_list(X), X rem 10}) || X <- lists:seq(1, 100)],
    ets:safe_fixtable(T, true),
    First = ets:first(T),
    ets:delete(T, First),
    N1 = ets:next(T, First),
    Walk1 = walk(T, N1, 1),
    ets:match_delete(T, {'_', '_', '_'}),
    E = ets:next(T, First),
    Kept = element(7, list_to_tuple(tuple_to_list(case ets:info(T, stats) of false -> {0,0,0,0,0,0,0,0}; S -> S end))),
    ets:insert(T, {First, x, y}),
    L1 = [K =:= First || {K, _, _} <- ets:lookup(T, First)],
    ets:safe_fixtable(T, false),
    Kept2 = case ets:info(T, stats) of false -> 0; S2 -> element(7, S2) end,
    ets:delete_all_objects(T),
    [ets:insert(T, {X, a, b}) || X <- lists:seq(1, 5)],
    ets:safe_fixtable(T, true),
    O = ets:first(T),
    ets:delete_all_objects(T),
    E2 = ets:next(T, O),
    ets:safe_fixtable(T, false),
    io:format("~p: ~p~n", [Type, {Walk1, E, Kept > 0, L1, Kept2, E2, ets:info(T, size), ets:info(T, fixed)}]).
walk(_, '$end_of_table', N) -> N;
walk(T, K, N) -> walk(T, ets:next(T, K), N + 1).
