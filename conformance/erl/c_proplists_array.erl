-module(c_proplists_array).
-export([main/0]).

%% proplists and array modules.
main() ->
    D = fun erlang:display/1,
    P = [{a, 1}, b, {c, [x]}, {a, 2}, {d, false}],
    D(proplists:get_value(a, P)), D(proplists:get_value(z, P)), D(proplists:get_value(z, P, def)),
    D(proplists:get_value(b, P)), D(proplists:get_bool(b, P)), D(proplists:get_bool(d, P)),
    D(proplists:get_all_values(a, P)), D(proplists:lookup(c, P)), D(proplists:lookup_all(a, P)),
    D(proplists:is_defined(c, P)), D(proplists:delete(a, P)), D(proplists:get_keys(P)),
    D(proplists:expand([{foo, [bar, baz]}], [foo, x])),
    D(proplists:compact([{a, true}, {b, 1}])),
    D(proplists:substitute_aliases([{colour, color}], [{colour, red}])),
    D(proplists:normalize([a, {b, true}], [{negations, [{no_a, a}]}])),
    D(proplists:to_map([{a, 1}, b, {a, 2}])),
    D(proplists:from_map(#{k => v})),
    D(proplists:split([{a, 1}, {b, 2}, c], [a, c])),
    A0 = array:new(10),
    D(array:size(A0)), D(array:get(3, A0)),
    A1 = array:set(3, three, A0),
    D(array:get(3, A1)), D(array:to_list(A1)),
    A2 = array:from_list([a, b, c]),
    D(array:to_orddict(A2)), D(array:size(A2)),
    A3 = array:set(100, far, array:new({default, zero})),
    D({array:size(A3), array:get(50, A3), array:get(100, A3)}),
    D(array:sparse_to_orddict(A3)),
    D(array:foldl(fun(I, V, Acc) -> [{I, V} | Acc] end, [], A2)),
    D(array:to_list(array:map(fun(_, V) -> {V} end, A2))),
    D(array:is_array(A2)), D(array:is_fix(array:fix(A2))),
    D(t(fun() -> array:get(5, array:fix(A2)) end)),
    D(t(fun() -> array:set(-1, x, A2) end)),
    Big = lists:foldl(fun(I, A) -> array:set(I, I * I, A) end, array:new(), lists:seq(0, 9999)),
    D({array:size(Big), array:get(9999, Big), array:sparse_size(Big)}),
    D(array:get(2, array:resize(2, A2))),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
