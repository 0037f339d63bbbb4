-module(c_maps_basic).
-export([main/0]).

%% Map literals, update with := and =>, map_get, is_map_key, map_size, key equality (1 vs 1.0), errors.
main() ->
    D = fun erlang:display/1,
    M = #{a => 1, b => 2, "c" => [3], {d} => #{e => f}},
    D(M),
    D(M#{a := 10}),
    D(M#{z => 26}),
    D(M#{a => 0, new => 1}),
    D(map_get(a, M)), D(map_get({d}, M)),
    D(is_map_key(b, M)), D(is_map_key(x, M)),
    D(map_size(M)), D(map_size(#{})),
    D(#{1 => a, 1.0 => b}),
    D(map_size(#{1 => a, 1.0 => b})),
    D(maps:get(1, #{1.0 => x}, none)),
    D(#{1 => int} =:= #{1.0 => int}),
    D(#{a => 1, a => 2}),
    K = id(key), D(#{K => v, K => w}),
    D(#{[] => nil, {} => tuple, <<>> => bin, 0 => zero, atom => atom, 0.5 => half, "s" => str}),
    D(#{c => 3, b => 2, a => 1}),
    D(is_map(M)), D(is_map([])),
    D(t(fun() -> (id(M))#{nokey := 1} end)),
    D(t(fun() -> (id(notmap))#{a => 1} end)),
    D(t(fun() -> (id(notmap))#{a := 1} end)),
    D(t(fun() -> map_get(nokey, id(M)) end)),
    D(t(fun() -> map_get(a, id([])) end)),
    D(t(fun() -> map_size(id(x)) end)),
    D(t(fun() -> is_map_key(a, id(x)) end)),
    D(t(fun() -> #{a := V} = id(#{b => 1}), V end)),
    N = #{outer => #{inner => 1}},
    #{outer := Inner} = N,
    D(N#{outer := Inner#{inner := 2, extra => 3}}),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
