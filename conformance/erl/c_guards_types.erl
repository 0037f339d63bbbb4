-module(c_guards_types).
-export([main/0]).

%% Type-test guards on every kind of term.
main() ->
    D = fun erlang:display/1,
    Terms = [{int, 1}, {big, 1 bsl 70}, {float, 1.5}, {atom, a}, {bool, true}, {nil, []},
             {list, [1]}, {improper, [1 | 2]}, {tuple, {}}, {tuple2, {a, b}}, {map, #{}},
             {bin, <<1>>}, {bits, <<1:1>>}, {fun0, fun() -> ok end}, {fun2, fun(_, _) -> ok end},
             {efun, fun lists:map/2}, {pid, self()}, {ref, make_ref()}],
    [D({Name, classify(T)}) || {Name, T} <- Terms],
    [D({Name, [is_integer(T), is_float(T), is_number(T), is_atom(T), is_boolean(T), is_list(T),
               is_tuple(T), is_map(T), is_binary(T), is_bitstring(T), is_function(T), is_pid(T),
               is_reference(T), is_port(T), is_function(T, 2), is_record(T, a, 2)]})
     || {Name, T} <- Terms],
    erlang:halt().

classify(X) when is_integer(X), X > 1 bsl 60 -> big_integer;
classify(X) when is_integer(X) -> integer;
classify(X) when is_float(X) -> float;
classify(X) when is_boolean(X) -> boolean;
classify(X) when is_atom(X) -> atom;
classify([]) -> nil;
classify([_ | T]) when not is_list(T) -> improper;
classify(X) when is_list(X) -> list;
classify(X) when is_tuple(X), tuple_size(X) =:= 0 -> empty_tuple;
classify(X) when is_record(X, a, 2) -> record_a;
classify(X) when is_tuple(X) -> tuple;
classify(X) when is_map(X) -> map;
classify(X) when is_binary(X) -> binary;
classify(X) when is_bitstring(X) -> bitstring;
classify(X) when is_function(X, 0) -> fun0;
classify(X) when is_function(X) -> function;
classify(X) when is_pid(X) -> pid;
classify(X) when is_reference(X) -> reference;
classify(_) -> other.
