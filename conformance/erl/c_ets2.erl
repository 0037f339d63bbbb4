-module(c_ets2).
-export([main/0]).

%% ETS beyond the basics: ordered_set term order, match specs (guards, bodies, '$$', '$_',
%% repeated variables, tuple construction), counters with thresholds, traversal, ownership
%% (owner exit deletes, heir receives), access rules, select/match deletion.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, R} -> erlang:display({body_exit, R}) end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    O = ets:new(o, [ordered_set]),
    ets:insert(O, [{K, v} || K <- [b, 3, 2.5, "s", {t}, <<"b">>, [1], 1, a, 1 bsl 70]]),
    D(ets:tab2list(O)),
    D(ets:insert(O, {1.0, float_one})), D(ets:lookup(O, 1)), D(ets:info(O, size)),
    D(walk(O, ets:first(O), [])),
    D(ets:foldr(fun({K, _}, A) -> [K | A] end, [], O)),
    S = ets:new(s, [set, public]),
    ets:insert(S, [{I, I * I, I rem 3} || I <- lists:seq(1, 30)]),
    D(lists:sort(ets:select(S, [{{'$1', '$2', 0}, [{'>', '$2', 100}], ['$$']}]))),
    D(lists:sort(ets:select(S, [{{'$1', '_', '$1'}, [], ['$_']}]))),
    D(lists:sort(ets:select(S, [{{'$1', '$2', '$3'}, [{'andalso', {'<', '$1', 5}, {'=/=', '$3', 1}}], [{{'$3', '$1'}}]}]))),
    D(lists:sort(ets:select(S, [{{'$1', '_', 2}, [{'orelse', {'==', '$1', 2}, {'==', '$1', 29}}], [{const, hit}]}]))),
    D(lists:sort(ets:select(S, [{{'$1', '$2', '_'}, [{'==', {'rem', '$2', 7}, 0}], [{'+', '$1', 1000}]}]))),
    D(lists:sort(ets:match(S, {'$1', '_', 1}))),
    D(ets:select_count(S, [{{'_', '_', '$1'}, [{'=:=', '$1', 0}], [true]}])),
    D(ets:select_delete(S, [{{'_', '_', 0}, [], [true]}])), D(ets:info(S, size)),
    D(ets:match_delete(S, {'_', '_', 1})), D(ets:info(S, size)),
    D(lists:sort(ets:tab2list(S))),
    C = ets:new(c, []),
    ets:insert(C, {k, 0, 10}),
    D([ets:update_counter(C, k, {2, 3, 7, 0}) || _ <- lists:seq(1, 5)]),
    D(ets:update_counter(C, k, [{2, 1}, {3, -20, -5, 100}])),
    D(ets:lookup(C, k)),
    D(ets:update_counter(C, new, {2, 5}, {new, 1})),
    D(ets:update_element(C, k, [{2, x}, {3, y}])), D(ets:lookup(C, k)),
    D(ets:update_element(C, missing, {2, x})),
    B = ets:new(b, [bag]),
    ets:insert(B, [{k, 1}, {k, 2}, {k, 1}, {j, 1}]),
    D(lists:sort(ets:tab2list(B))), D(ets:info(B, size)),
    D(ets:delete_object(B, {k, 2})), D(lists:sort(ets:lookup(B, k))),
    D(lists:sort(ets:match_object(B, {'_', 1}))),
    Big = ets:new(big, [set]),
    ets:insert(Big, [{I} || I <- lists:seq(1, 2000)]),
    [ets:delete(Big, I) || I <- lists:seq(1, 2000), I rem 3 =/= 0],
    D(ets:info(Big, size)), D(length(walk(Big, ets:first(Big), []))),
    D(lists:sum(lists:flatten(ets:match(Big, {'$1'})))),
    Self = self(),
    Owner = spawn(fun() ->
                          T = ets:new(owned, [named_table, public, {heir, Self, my_data}]),
                          ets:insert(T, {x, 1}),
                          T2 = ets:new(gone, [named_table]),
                          ets:insert(T2, {y, 2}),
                          Self ! ready,
                          receive stop -> ok end
                  end),
    receive ready -> ok end,
    D(ets:lookup(owned, x)), D(ets:lookup(gone, y)),
    D(t(fun() -> ets:insert(gone, {z, 3}) end)),
    Owner ! stop,
    receive {'ETS-TRANSFER', Tab, From, Data} -> D({transfer, Tab, From =:= Owner, Data}) end,
    D(ets:info(owned, owner) =:= self()), D(ets:info(gone)), D(ets:whereis(gone)),
    P = ets:new(p, [private]),
    spawn(fun() -> Self ! {priv, catch ets:lookup(P, a)} end),
    D(receive {priv, X} -> element(1, X) end),
    D(ets:rename(owned, renamed)), D(ets:lookup(renamed, x)), D(ets:info(owned)),
    D(t(fun() -> ets:select(S, bad_spec) end)),
    D(t(fun() -> ets:next(S, no_such_key) end)),
    D(ets:next(O, zzz)), D(ets:prev(O, 0)), D(ets:last(O)),
    ok.

t(F) -> try {ok, F()} catch C:R -> {C, R} end.

walk(_, '$end_of_table', Acc) -> lists:reverse(Acc);
walk(T, K, Acc) -> walk(T, ets:next(T, K), [K | Acc]).
