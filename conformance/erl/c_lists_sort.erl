-module(c_lists_sort).
-export([main/0]).

%% lists:sort/usort/keysort/ukeysort/merge, stability, custom orderings.
main() ->
    D = fun erlang:display/1,
    L = [5, 3, 8, 1, 9, 2, 8, 3.0, 3],
    D(lists:sort(L)),
    D(lists:usort(L)),
    D(lists:sort(fun(A, B) -> A >= B end, L)),
    D(lists:usort(fun(A, B) -> A >= B end, L)),
    KL = [{b, 2, x}, {a, 2, y}, {c, 1, z}, {a, 1, w}, {b, 2, v}],
    D(lists:keysort(1, KL)),
    D(lists:keysort(2, KL)),
    D(lists:ukeysort(1, KL)),
    D(lists:ukeysort(2, KL)),
    D(lists:merge([1, 4, 7], [2, 3, 8])),
    D(lists:merge([[1, 5], [2, 6], [0, 9]])),
    D(lists:umerge([1, 2, 3], [2, 3, 4])),
    D(lists:merge3([1], [0], [2])),
    D(lists:keymerge(1, [{a, 1}, {c, 1}], [{b, 2}])),
    D(lists:sort([])),
    D(lists:sort([x])),
    D(lists:sort([{1, b}, {1.0, a}, {1, a}])),
    D(lists:sort(fun({A, _}, {B, _}) -> A =< B end, [{1, b}, {1.0, a}, {1, a}, {0, z}])),
    D(lists:reverse(lists:sort([X * 7919 rem 1000 || X <- lists:seq(1, 200)]))),
    Big = [(X * 7919) rem 100003 || X <- lists:seq(1, 5000)],
    S = lists:sort(Big),
    D({length(S), hd(S), lists:last(S), lists:sum(lists:sublist(S, 100))}),
    D(length(lists:usort(Big))),
    D(lists:sort(["b", "a", "ab", "", "ba"])),
    D(lists:sort([[1, 2], [1 | 2], [1]])),
    erlang:halt().
