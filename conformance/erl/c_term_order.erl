-module(c_term_order).
-export([main/0]).

%% Term order across types: number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring.
main() ->
    D = fun erlang:display/1,
    Ref = make_ref(),
    Fun = fun() -> ok end,
    Pid = self(),
    Tagged = [{bitstring, <<1:3>>}, {binary, <<"a">>}, {list, [a]}, {nil, []}, {map, #{}},
              {tuple, {}}, {pid, Pid}, {'fun', Fun}, {ref, Ref}, {atom, a},
              {float, 1.5}, {int, 1}, {big, 1 bsl 80}],
    Sorted = lists:sort(fun({_, A}, {_, B}) -> A =< B end, Tagged),
    D([T || {T, _} <- Sorted]),
    D([T || {T, _} <- lists:reverse(lists:keysort(2, Tagged))]),
    Vs = [V || {_, V} <- Tagged],
    D([[cmp(A, B) || B <- Vs] || A <- Vs]),
    D(lists:sort([{b, 1}, {a, 2}, {a, 1, 0}, {z}, {}, {a, 1}])),
    D(lists:sort([[b], [a, b], [a], [], "abc", "ab", [a | b], [1 | 2]])),
    D(lists:sort([<<2>>, <<1, 2>>, <<1>>, <<>>, <<1:1>>, <<0:1>>, <<1, 0:1>>, <<255:8, 1:2>>])),
    D(lists:sort([zeta, alpha, 'Alpha', '', 'a b', abc, ab])),
    D(lists:sort([#{b => 1}, #{a => 2}, #{a => 1}, #{a => 1, b => 1}, #{}, #{c => 0}])),
    D(lists:sort([#{1 => a}, #{a => 1}, #{1.0 => a}, #{2 => a}])),
    D(lists:sort([#{a => 1, b => 2}, #{a => 2, b => 1}, #{b => 1, c => 1}])),
    D(lists:sort([{1, 2}, {1.0, 2}, {1, 1.0}])),
    D(a < b), D(aa > a), D({} < []), D([] < [a]), D(#{} > {a, b, c}),
    D(<<>> > [1, 2, 3]), D(1 < a), D(self() > make_ref()),
    D(max(a, 1)), D(min({}, [])), D(max([], <<>>)),
    D(erlang:max(#{}, {x})),
    erlang:halt().

cmp(A, B) when A < B -> '<';
cmp(A, B) when A > B -> '>';
cmp(_, _) -> '='.
