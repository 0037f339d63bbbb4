-module(c_gc_request_trap).
-export([main/0]).

%% garbage_collect/2 requests reaching a process in the middle of BIFs that trap (the external
%% term format, ++, list_to_tuple): every request is answered, nothing breaks.
id(X) -> X.

work(0, Acc) -> Acc;
work(N, Acc) ->
    L = id(lists:seq(1, 20000)),
    B = term_to_binary({L, N}),
    T = list_to_tuple(L ++ L),
    Same = case binary_to_term(B) of {L, N} -> 1; _ -> 0 end,
    work(N - 1, Acc + byte_size(B) + tuple_size(T) + Same).

main() ->
    Self = self(),
    P = spawn(fun() -> R = work(60, 0), Self ! {worked, R}, receive stop -> ok end end),
    Refs = [begin R = make_ref(), async = erlang:garbage_collect(P, [{async, R}]), erlang:yield(), R end
            || _ <- lists:seq(1, 40)],
    Replies = [receive {garbage_collect, R, Res} -> Res after 20000 -> timeout end || R <- Refs],
    io:format("~p~n", [lists:usort(Replies)]),
    io:format("~p~n", [receive {worked, W} -> W after 20000 -> timeout end]),
    P ! stop,
    halt().
