-module(c_records).
-export([main/0]).

-record(point, {x = 0, y = 0}).
-record(person, {name, age = 0 :: integer(), tags = [] :: list(), pos = #point{}}).
-record(empty, {}).

%% Records: creation, defaults, access, update, matching, record_info, is_record, badrecord.
main() ->
    D = fun erlang:display/1,
    P = #point{x = 3},
    D(P), D(P#point.x), D(P#point.y),
    D(P#point{y = 7}),
    D(#person{name = "ann"}),
    Per = #person{name = bob, age = 42, tags = [a]},
    D(Per#person.pos#point.x),
    D(Per#person{pos = #point{x = 1, y = 2}}),
    #person{name = N, age = A} = Per, D({N, A}),
    D(record_info(fields, person)), D(record_info(size, person)),
    D(record_info(fields, empty)), D(#empty{}),
    D(#point.y), D(#person.name),
    D(is_record(P, point)), D(is_record(P, person)), D(is_record(P, point, 3)),
    D(is_record({point, 1}, point)),
    D(g(P)), D(g(Per)), D(g(other)),
    D([X || #point{x = X} <- [#point{x = 1}, {point, 2, 3}, {other, 4, 5}, #point{x = 6}]]),
    D(t(fun() -> (id(Per))#point.x end)),
    D(t(fun() -> (id(Per))#point{x = 1} end)),
    D(t(fun() -> (id({point, 1}))#point.x end)),
    D(t(fun() -> #point{x = X} = id({pt, 1, 2}), X end)),
    D(tuple_size(#person{})),
    D(element(1, #person{})),
    D(#point{_ = 9}),
    D(#point{x = 1, _ = 5}),
    erlang:halt().

g(#point{x = X, y = Y}) when X > Y -> {point, x_bigger};
g(#point{}) -> point;
g(R) when is_record(R, person) -> person;
g(_) -> unknown.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
