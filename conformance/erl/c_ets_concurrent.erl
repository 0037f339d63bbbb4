-module(c_ets_concurrent).
-export([main/0]).

%% A public table read and written from every scheduler at once: lookups, traversals and
%% selects copy objects that other processes replace and delete meanwhile, and every object
%% read must be whole.
main() ->
    T = ets:new(shared, [public, set, {read_concurrency, true}]),
    O = ets:new(shared_ord, [public, ordered_set, {write_concurrency, true}]),
    Self = self(),
    Writers = [spawn_link(fun() -> writer(Tab, W, 3000), Self ! {done, self()} end)
               || Tab <- [T, O], W <- [1, 2]],
    Readers = [spawn_link(fun() -> Self ! {read, self(), reader(Tab, 3000, 0)} end)
               || Tab <- [T, O], _ <- [1, 2]],
    Walkers = [spawn_link(fun() -> Self ! {walk, self(), walker(Tab, 40, 0)} end) || Tab <- [T, O]],
    [receive {done, P} -> ok end || P <- Writers],
    Bad = lists:sum([receive {read, P, B} -> B end || P <- Readers])
        + lists:sum([receive {walk, P, B} -> B end || P <- Walkers]),
    io:format("~p~n", [{broken_objects, Bad}]),
    io:format("~p~n", [{sizes, ets:info(T, size) =< 64, ets:info(O, size) =< 64}]),
    erlang:halt().

%% Objects are {Key, List, Sum of List}: a reader checks that they agree.
obj(K, N) -> L = lists:seq(1, 20 + N rem 50), {K, L, lists:sum(L)}.
ok_obj({_, L, S}) -> lists:sum(L) =:= S.

writer(_, _, 0) -> ok;
writer(Tab, W, N) ->
    K = N rem 64,
    ets:insert(Tab, obj(K, N * W)),
    case N rem 3 of 0 -> ets:delete(Tab, (K + 7) rem 64); _ -> ok end,
    writer(Tab, W, N - 1).

reader(_, 0, Bad) -> Bad;
reader(Tab, N, Bad) ->
    Objs = ets:lookup(Tab, N rem 64),
    reader(Tab, N - 1, Bad + length([O || O <- Objs, not ok_obj(O)])).

walker(_, 0, Bad) -> Bad;
walker(Tab, N, Bad) ->
    All = ets:tab2list(Tab),
    Sel = ets:select(Tab, [{{'_', '_', '$1'}, [{'>', '$1', 0}], ['$_']}]),
    Walk = walk(Tab, ets:first(Tab), 0),
    walker(Tab, N - 1, Bad + Walk + length([O || O <- All ++ Sel, not ok_obj(O)])).

walk(_, '$end_of_table', Bad) -> Bad;
walk(Tab, K, Bad) ->
    B = length([O || O <- ets:lookup(Tab, K), not ok_obj(O)]),
    Next = try ets:next(Tab, K) catch error:badarg -> '$end_of_table' end,
    walk(Tab, Next, Bad + B).
