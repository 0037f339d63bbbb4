-module(c_ets_chunks).
-export([main/0]).

%% select/3, match/3, match_object/3 and select_reverse/3 in chunks of Limit, continued with
%% select/1 (match/1, match_object/1, select_reverse/1) to the end; a continuation of a
%% deleted table is badarg, even when a new table took its name.
main() ->
    [run(Type) || Type <- [set, ordered_set, bag]],
    T = ets:new(n, [named_table]),
    ets:insert(T, [{1, 11}, {2, 22}, {3, 33}]),
    {[2], C} = ets:select(n, [{{'$1', 22}, [], ['$1']}], 1),
    ets:delete(n),
    io:format("deleted: ~p~n", [catch element(1, element(2, catch ets:select(C)))]),
    ets:new(n, [named_table]),
    ets:insert(n, [{1, 11}, {2, 22}, {3, 33}]),
    Chunks = walk(ets:select(n, [{{'$1', '_'}, [{'<', '$1', 3}], ['$1']}], 1), fun ets:select/1),
    io:format("~p~n", [lists:sort(lists:append(Chunks))]),
    io:format("~p ~p~n", [ets:select('$end_of_table'), catch element(1, element(2, catch ets:select(bogus)))]),
    io:format("~p~n", [catch element(1, element(2, catch ets:select(n, [{'_', [], [true]}], 0)))]),
    %% A continuation survives the external format and ets:repair_continuation/2.
    RT = ets:new(r, [set]),
    ets:insert(RT, [{I} || I <- lists:seq(1, 10)]),
    RMS = [{{'$1'}, [], ['$1']}],
    {R1, RC} = ets:select(RT, RMS, 3),
    RC2 = ets:repair_continuation(binary_to_term(term_to_binary(RC)), RMS),
    RRest = walk(ets:select(RC2), fun ets:select/1),
    io:format("repaired: ~p~n", [lists:sort(R1 ++ lists:append(RRest))]),
    %% Stepping from absent keys: an ordered_set steps from any key but the end marker.
    [begin
         S = ets:new(s, [Ty]),
         ets:insert(S, [{a, 1}, {c, 2}, {1, 3}]),
         io:format("~p: ~p~n", [Ty, [case catch ets:F(S, K) of {'EXIT', {R, _}} -> R; V -> V end
                                    || F <- [next, prev], K <- [b, zzz, 0, '$end_of_table', a]]])
     end || Ty <- [ordered_set, set]],
    erlang:halt().

run(Type) ->
    T = ets:new(t, [Type]),
    ets:insert(T, [{I, I rem 3, I * 2} || I <- lists:seq(1, 25)]),
    MS = [{{'$1', '$2', '_'}, [{'=/=', '$2', 0}], ['$1']}],
    All = lists:sort(ets:select(T, MS)),
    io:format("~p: ~p results~n", [Type, length(All)]),
    [begin
         Chunks = walk(ets:select(T, MS, L), fun ets:select/1),
         io:format("  select limit ~p: chunk sizes ~p, same results ~p~n",
                   [L, [length(C) || C <- Chunks], lists:sort(lists:append(Chunks)) =:= All])
     end || L <- [1, 4, 16, 17, 100]],
    M = walk(ets:match(T, {'$1', 1, '_'}, 3), fun ets:match/1),
    io:format("  match: ~p~n", [lists:sort(lists:append(M))]),
    O = walk(ets:match_object(T, {'_', 2, '_'}, 5), fun ets:match_object/1),
    io:format("  match_object: ~p~n", [length(lists:append(O))]),
    R = walk(ets:select_reverse(T, MS, 6), fun ets:select_reverse/1),
    io:format("  select_reverse: ~p~n", [case Type of ordered_set -> lists:append(R); _ -> lists:sort(lists:append(R)) end]),
    io:format("  none: ~p~n", [ets:select(T, [{{'$1', 7, '_'}, [], ['$1']}], 3)]),
    ets:delete(T).

walk('$end_of_table', _) -> [];
walk({Res, Cont}, F) -> [Res | walk(F(Cont), F)].
