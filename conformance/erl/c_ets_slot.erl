-module(c_ets_slot).
-export([main/0]).

%% ets:slot/2 and ets:info(T, stats): walking every slot finds every object once; an
%% ordered_set's slots are its objects in order; past the end is '$end_of_table', then badarg.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    O = ets:new(o, [ordered_set]),
    ets:insert(O, [{K, K * K} || K <- [5, 3, 9, 1]]),
    D([ets:slot(O, I) || I <- lists:seq(0, 4)]),
    D(reason(catch ets:slot(O, 5))),
    D(reason(catch ets:slot(O, -1))),
    D(ets:info(O, stats)),
    [begin
         T = ets:new(t, [Type]),
         ets:insert(T, [{K rem 700, K} || K <- lists:seq(1, 1000)]),
         All = walk(T, 0, []),
         D({Type, length(All), lists:sort(All) =:= lists:sort(ets:tab2list(T))}),
         Stats = ets:info(T, stats),
         D({tuple_size(Stats), element(1, Stats) >= 256}),
         E = ets:new(e, [Type]),
         D({element(1, ets:info(E, stats)), ets:slot(E, 0)})
     end || Type <- [set, bag, duplicate_bag]],
    D(reason(catch ets:slot(no_such_table, 0))),
    halt().

walk(T, I, Acc) ->
    case ets:slot(T, I) of
        '$end_of_table' -> Acc;
        Objs -> walk(T, I + 1, Objs ++ Acc)
    end.

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
