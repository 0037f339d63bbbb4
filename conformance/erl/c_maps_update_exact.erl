-module(c_maps_update_exact).
-export([main/0]).

%% Map update (`M#{K := V}`, `M#{K => V}`): which key `badkey` names when several are missing
%% (ERTS's loader sorts literal keys in term order), and updates inside guards, where a bad
%% map or a missing key fails the guard instead of raising.
id(X) -> X.

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    M = id(#{1 => a}),
    D(reason(catch M#{42.0 := v, 42 := v2})),
    D(reason(catch M#{b := 1, a := 2})),
    D(reason(catch M#{"z" := 1, {t} := 2, 7 := 3})),
    D(reason(catch M#{1 := x, 3.0 := y, 2 := z})),
    K = id(zz),
    D(reason(catch M#{K := 1, a := 2})),
    D(reason(catch M#{a := 2, K := 1})),
    Big = id(maps:from_list([{I, I} || I <- lists:seq(1, 40)])),
    D(reason(catch Big#{100.0 := x, 99 := y, 1 := z})),
    D(reason(catch Big#{b := x, a := y})),
    D(reason(catch (id(not_a_map))#{a := 1})),
    D(reason(catch (id(not_a_map))#{a => 1})),
    D(g(#{}, #{x => third})),
    D(g(#{x => 1}, #{x => third})),
    D(g(not_map, #{x => third})),
    D(h(not_map)),
    D(h(#{})),
    D(u(Big, 5)),
    D(u(Big, 500)),
    D(u(#{}, 5)),
    halt().

g(M1, M2) when M1#{x := third} =:= M2 -> third;
g(_, _) -> error.

h(M) when is_map(M#{a => 1}) -> map;
h(_) -> not_map.

u(M, K) when map_get(K, M#{K := updated}) =:= updated -> updated;
u(_, _) -> no_key.

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
