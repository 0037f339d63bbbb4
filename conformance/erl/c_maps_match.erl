-module(c_maps_match).
-export([main/0]).

%% Map pattern matching in function heads, case, guards, with variable keys.
main() ->
    D = fun erlang:display/1,
    D(f(#{type => circle, r => 2})),
    D(f(#{type => square, side => 3})),
    D(f(#{type => other})),
    D(f(#{})),
    D(f(not_a_map)),
    K = b,
    D(case #{a => 1, b => 2} of #{K := V1} -> {found, V1}; _ -> none end),
    D(case #{a => 1} of #{K := V2} -> {found, V2}; _ -> none end),
    #{a := A, b := B} = #{a => 1, b => 2, c => 3}, D({A, B}),
    D(g(#{n => 5})), D(g(#{n => -5})), D(g(#{n => x})),
    D([X || #{x := X} <- [#{x => 1}, #{y => 2}, #{x => 3, y => 4}, not_map]]),
    D(h(#{1 => one})), D(h(#{1.0 => onef})),
    D(case #{} of #{} -> empty_pattern_matches_any_map end),
    D(case #{a => 1} of #{} -> any end),
    D(nested(#{p => #{q => #{r => deep}}})),
    D(both(#{k => v}, #{k => v})), D(both(#{k => v}, #{k => w})),
    erlang:halt().

f(#{type := circle, r := R}) -> {circle_area_x100, trunc(314 * R * R)};
f(#{type := square, side := S}) -> {square, S * S};
f(#{type := T}) -> {unknown, T};
f(M) when is_map(M) -> no_type;
f(_) -> not_map.

g(#{n := N}) when is_integer(N), N > 0 -> pos;
g(#{n := N}) when is_integer(N) -> nonpos;
g(_) -> nan.

h(#{1 := V}) -> {int_key, V};
h(#{1.0 := V}) -> {float_key, V}.

nested(#{p := #{q := #{r := V}}}) -> V.

both(#{k := V}, #{k := V}) -> same;
both(_, _) -> different.
