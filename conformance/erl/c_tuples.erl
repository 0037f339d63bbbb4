-module(c_tuples).
-export([main/0]).

%% Tuple BIFs: element, setelement, tuple_size, make_tuple, append_element, list_to_tuple, delete/insert_element.
main() ->
    D = fun erlang:display/1,
    T = {a, b, c, d},
    D(element(1, T)), D(element(4, T)),
    D(setelement(2, T, x)), D(T),
    D(tuple_size(T)), D(tuple_size({})), D(size(T)),
    D(erlang:make_tuple(3, z)),
    D(erlang:make_tuple(5, 0, [{2, two}, {4, four}, {2, deux}])),
    D(erlang:make_tuple(0, q)),
    D(erlang:append_element(T, e)),
    D(erlang:append_element({}, e)),
    D(erlang:delete_element(2, T)),
    D(erlang:insert_element(1, T, new)),
    D(erlang:insert_element(5, T, last)),
    D(list_to_tuple([1, [2], {3}])),
    D(tuple_to_list(T)),
    D(list_to_tuple([])),
    Big = list_to_tuple(lists:seq(1, 1000)),
    D({tuple_size(Big), element(500, Big), element(1000, setelement(1000, Big, x))}),
    D(lists:sum(tuple_to_list(Big))),
    D({{{{nested}}}}),
    D({T, [T], {T}}),
    {A, B, _, _} = T,
    D({B, A}),
    D(t(fun() -> element(0, T) end)),
    D(t(fun() -> element(5, T) end)),
    D(t(fun() -> element(1, id([a])) end)),
    D(t(fun() -> element(id(a), T) end)),
    D(t(fun() -> setelement(5, T, x) end)),
    D(t(fun() -> tuple_size(id([])) end)),
    D(t(fun() -> erlang:make_tuple(-1, a) end)),
    D(t(fun() -> list_to_tuple(id([a | b])) end)),
    D(t(fun() -> erlang:delete_element(5, T) end)),
    D(t(fun() -> erlang:insert_element(6, T, x) end)),
    D(is_tuple(T)), D(is_tuple([])), D(is_record({foo, 1}, foo, 2)),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
