-module(c_gb_trees).
-export([main/0]).

%% gb_trees: balanced trees (pure Erlang).
main() ->
    D = fun erlang:display/1,
    T0 = gb_trees:empty(),
    T1 = lists:foldl(fun(K, T) -> gb_trees:insert(K, K * 10, T) end, T0, [5, 3, 8, 1, 4, 7, 9, 2, 6]),
    D(gb_trees:to_list(T1)),
    D(gb_trees:size(T1)),
    D(gb_trees:lookup(4, T1)), D(gb_trees:lookup(42, T1)),
    D(gb_trees:get(7, T1)),
    D(gb_trees:is_defined(3, T1)),
    D(gb_trees:keys(T1)), D(gb_trees:values(T1)),
    D(gb_trees:smallest(T1)), D(gb_trees:largest(T1)),
    T2 = gb_trees:delete(5, T1),
    D(gb_trees:keys(T2)),
    T3 = gb_trees:update(1, one, T2),
    D(gb_trees:get(1, T3)),
    T4 = gb_trees:enter(100, hundred, gb_trees:enter(1, uno, T3)),
    D(gb_trees:to_list(T4)),
    {K, V, T5} = gb_trees:take_smallest(T4), D({K, V, gb_trees:size(T5)}),
    {K2, V2, _} = gb_trees:take_largest(T4), D({K2, V2}),
    D(gb_trees:to_list(gb_trees:map(fun(_, X) -> {X} end, gb_trees:from_orddict([{a, 1}, {b, 2}])))),
    It = gb_trees:iterator_from(4, T1),
    D(iter(It)),
    Big = lists:foldl(fun(I, T) -> gb_trees:insert(I, I, T) end, gb_trees:empty(), lists:seq(1, 10000)),
    D(gb_trees:size(Big)),
    D(gb_trees:size(gb_trees:balance(Big))),
    D(gb_trees:lookup(5000, Big)),
    D(t(fun() -> gb_trees:insert(5, x, T1) end)),
    D(t(fun() -> gb_trees:get(42, T1) end)),
    D(T0),
    D(gb_trees:from_orddict([{a, 1}])),
    erlang:halt().

iter(It) ->
    case gb_trees:next(It) of
        none -> [];
        {K, V, Next} -> [{K, V} | iter(Next)]
    end.

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
