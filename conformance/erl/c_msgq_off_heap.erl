-module(c_msgq_off_heap).
-export([main/0]).

%% message_queue_data: off_heap keeps queued messages out of the receiver's heap (its heap
%% size does not grow with the queue, and collections leave the queue alone); the messages
%% are the same either way, selective receive and all; switching modes keeps them.
main() ->
    Self = self(),
    [begin
         P = spawn_opt(fun() -> holder(Self) end, [{message_queue_data, Mode}]),
         [P ! {msg, I, lists:seq(1, 20), <<I:64>>} || I <- lists:seq(1, 4000)],
         P ! report,
         {Mode, Heap, Len, Sum} = receive {report, _, _, _, _} = R -> erlang:delete_element(1, R) end,
         io:format("~p: queue ~p, sum ~p~n", [Mode, Len, Sum]),
         put(Mode, Heap)
     end || Mode <- [on_heap, off_heap]],
    io:format("off_heap heap much smaller: ~p~n", [get(off_heap) * 4 < get(on_heap)]),
    %% Switching while messages wait.
    P2 = spawn(fun() -> switcher(Self) end),
    [P2 ! {n, I} || I <- lists:seq(1, 1000)],
    P2 ! go,
    receive {switched, Res} -> io:format("switched: ~p~n", [Res]) end,
    io:format("~p~n", [process_flag(message_queue_data, off_heap)]),
    io:format("~p~n", [process_info(self(), message_queue_data)]),
    io:format("~p~n", [catch process_flag(message_queue_data, bad)]),
    erlang:halt().

holder(Parent) ->
    receive report -> ok end,
    {message_queue_data, Mode} = process_info(self(), message_queue_data),
    {message_queue_len, Len} = process_info(self(), message_queue_len),
    erlang:garbage_collect(),
    {total_heap_size, Heap} = process_info(self(), total_heap_size),
    %% Selective receive: odd ones first, from the back of the queue, collecting meanwhile.
    Odd = [receive {msg, I, L, <<I:64>>} -> I + lists:sum(L) end || I <- lists:seq(3999, 1, -2)],
    erlang:garbage_collect(),
    Even = [receive {msg, I, L, B} -> I + lists:sum(L) + binary:decode_unsigned(B) - I end || _ <- lists:seq(1, 2000)],
    Parent ! {report, Mode, Heap, Len, lists:sum(Odd) + lists:sum(Even)}.

switcher(Parent) ->
    receive go -> ok end,
    on_heap = process_flag(message_queue_data, off_heap),
    A = [receive {n, I} -> I end || I <- lists:seq(1, 300)],
    erlang:garbage_collect(),
    [self() ! {n, I} || I <- lists:seq(1001, 1100)],
    off_heap = process_flag(message_queue_data, on_heap),
    erlang:garbage_collect(),
    B = [receive {n, I} -> I end || I <- lists:seq(301, 1100)],
    Parent ! {switched, {lists:sum(A) + lists:sum(B), process_info(self(), message_queue_len)}}.
