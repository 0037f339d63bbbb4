-module(c_maps_module).
-export([main/0]).

%% The maps module.
main() ->
    D = fun erlang:display/1,
    M = #{a => 1, b => 2, c => 3},
    D(maps:get(a, M)), D(maps:get(z, M, default)),
    D(maps:find(b, M)), D(maps:find(z, M)),
    D(maps:put(d, 4, M)), D(maps:put(a, 0, M)),
    D(maps:remove(b, M)), D(maps:remove(z, M)),
    D(maps:update(a, 9, M)),
    D(maps:keys(M)), D(maps:values(M)),
    D(lists:sort(maps:to_list(M))),
    D(maps:from_list([{x, 1}, {y, 2}, {x, 3}])),
    D(maps:from_keys([a, b], 0)),
    D(maps:merge(M, #{c => 30, d => 40})),
    D(maps:merge_with(fun(_K, V1, V2) -> V1 + V2 end, M, #{c => 30, d => 40})),
    D(maps:fold(fun(K, V, Acc) -> [{K, V} | Acc] end, [], M)),
    D(maps:map(fun(_K, V) -> V * 100 end, M)),
    D(maps:filter(fun(_K, V) -> V > 1 end, M)),
    D(maps:filtermap(fun(a, _) -> false; (_, V) -> {true, -V} end, M)),
    D(maps:with([a, c, z], M)), D(maps:without([a, z], M)),
    D(maps:take(a, M)), D(maps:take(z, M)),
    D(maps:is_key(c, M)), D(maps:size(M)),
    D(maps:update_with(a, fun(V) -> V + 1 end, M)),
    D(maps:update_with(z, fun(V) -> V + 1 end, 100, M)),
    D(maps:groups_from_list(fun(X) -> X rem 3 end, lists:seq(1, 10))),
    D(maps:intersect(M, #{a => x, z => y})),
    D(maps:intersect_with(fun(_, V1, V2) -> {V1, V2} end, M, #{b => x})),
    It = maps:iterator(M),
    D(lists:sort(iter(maps:next(It)))),
    D(lists:sort(iter(maps:next(maps:iterator(maps:from_list([{I, I} || I <- lists:seq(1, 50)])))))),
    D(maps:foreach(fun(_, _) -> ok end, M)),
    D(t(fun() -> maps:get(z, M) end)),
    D(t(fun() -> maps:update(z, 1, M) end)),
    D(t(fun() -> maps:get(a, id(notmap)) end)),
    D(t(fun() -> maps:keys(id(notmap)) end)),
    D(t(fun() -> maps:from_list(id([a])) end)),
    D(t(fun() -> maps:merge(id(#{}), id(x)) end)),
    erlang:halt().

iter(none) -> [];
iter({K, V, Next}) -> [{K, V} | iter(maps:next(Next))].

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
