-module(c_ets_ms_check).
-export([main/0]).

%% Match specifications are checked as a whole before any object is tried: a call of an
%% unknown function or a variable the head does not bind is badarg even when nothing would
%% match; valid guards and bodies of every kind run.
main() ->
    T = ets:new(t, [ordered_set]),
    ets:insert(T, [{a, 1, [x]}, {b, 2, [y, z]}, {c, 3.0, []}]),
    Specs = [
        [{{a, '_', '_'}, [], [{snuffla}]}],
        [{{zz, '_', '_'}, [], [{snuffla}]}],
        [{{'$1', '_', '_'}, [], ['$2']}],
        [{{'$1', '_', '_'}, [{'>', '$3', 1}], ['$1']}],
        [{{'$1', '$2', '_'}, [{is_integer, '$2'}], ['$1']}],
        [{{'$1', '$2', '_'}, [{'andalso', {is_number, '$2'}, {'>', '$2', 1}}], [{{'$2', '$1'}}]}],
        [{{'$1', '$2', '$3'}, [], [['$1', {const, {k}}, {length, '$3'}]]}],
        [{{'$1', '_', '_'}, [], ['$$', '$_']}],
        [{{'$1', '_', '_'}, [{'==', {element, 1, {{'$1'}}}, b}], [{self}]}],
        [{{'$1', '_', '_'}, [], [{foo, bar}]}],
        [{{'$1', '_', '_'}, [], [{{}}]}],
        [{{'$1', '_', '_'}, [{const}], [true]}],
        [{{'$1', '_', '_'}, [], [{'orelse', false, {is_atom, '$1'}}]}],
        [{{'$1', '_', '_'}, [], [{element, 1, '$_'}]}],
        [{{'$1', '_', '_'}, [], [{hd, {tl, [1, 2, '$1']}}]}],
        [{{'$1', '_', '_'}, [], [{display, '$1'}]}],
        [{'_', [], [{message, '$_'}]}],
        [{'$1', [], [{'+', 1}]}],
        [{'$1', [], [{1, 2}]}]
    ],
    [io:format("~p~n", [r(catch ets:select(T, S))]) || S <- Specs],
    [io:format("~p~n", [r(catch ets:select_count(T, S))]) || S <- lists:sublist(Specs, 4)],
    %% Which functions a match spec may call (OTP 25's guard table; tracing ones are badarg).
    [io:format("~p/~p: ~p~n", [F, A, case catch ets:select(T, [{{'$1', '$2', '_'}, [], [list_to_tuple([F | lists:duplicate(A, '$2')])]}]) of {'EXIT', _} -> badarg; _ -> ok end])
     || {F, A} <- [{min, 2}, {max, 2}, {ceil, 1}, {floor, 1}, {is_boolean, 1}, {is_bitstring, 1},
                   {is_function, 1}, {is_function, 2}, {is_record, 2}, {is_record, 3}, {tuple_size, 1},
                   {float, 1}, {size, 1}, {map_size, 1}, {is_map_key, 2}, {map_get, 2}, {binary_part, 3},
                   {'not', 1}, {'xor', 2}, {node, 0}, {node, 1}, {get_tcw, 0}, {caller, 0}, {abs, 1},
                   {trunc, 1}, {round, 1}, {'bsl', 2}, {'=/=', 2}, {'/=', 2}, {'/', 2}, {'=:=', 2}, {display, 1}, {message, 1}, {return_trace, 0}]],
    erlang:halt().

r({'EXIT', {R, _}}) -> {error, R};
r(L) when is_list(L) -> [case X =:= self() of true -> me; false -> X end || X <- L];
r(X) -> X.
