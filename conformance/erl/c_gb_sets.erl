-module(c_gb_sets).
-export([main/0]).

%% gb_sets and ordsets.
main() ->
    D = fun erlang:display/1,
    S1 = gb_sets:from_list([5, 1, 3, 1, 9]),
    S2 = gb_sets:from_list([3, 4, 5]),
    D(gb_sets:to_list(S1)), D(gb_sets:size(S1)),
    D(gb_sets:to_list(gb_sets:union(S1, S2))),
    D(gb_sets:to_list(gb_sets:intersection(S1, S2))),
    D(gb_sets:to_list(gb_sets:subtract(S1, S2))),
    D(gb_sets:is_member(3, S1)), D(gb_sets:is_element(4, S1)),
    D(gb_sets:to_list(gb_sets:add(2, S1))), D(gb_sets:to_list(gb_sets:delete_any(7, S1))),
    D(gb_sets:smallest(S1)), D(gb_sets:largest(S1)),
    D(gb_sets:is_subset(gb_sets:from_list([1, 3]), S1)),
    D(gb_sets:to_list(gb_sets:filter(fun(X) -> X > 2 end, S1))),
    D(gb_sets:fold(fun(X, A) -> X + A end, 0, S1)),
    D(gb_sets:is_empty(gb_sets:new())),
    O1 = ordsets:from_list([c, a, b, a]),
    O2 = ordsets:from_list([b, d]),
    D(O1),
    D(ordsets:union(O1, O2)), D(ordsets:intersection(O1, O2)), D(ordsets:subtract(O1, O2)),
    D(ordsets:add_element(aa, O1)), D(ordsets:del_element(a, O1)),
    D(ordsets:is_element(b, O1)), D(ordsets:is_subset([a], O1)),
    D(ordsets:union([O1, O2, [z]])), D(ordsets:intersection([O1, O2, [b]])),
    D(ordsets:is_disjoint(O1, [x, y])),
    D(ordsets:fold(fun(E, A) -> [E | A] end, [], O1)),
    erlang:halt().
