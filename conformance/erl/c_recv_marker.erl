-module(c_recv_marker).
-export([main/0, init/1, handle_call/3, handle_cast/2]).

%% Receive markers: a receive for a reference made just before skips the older messages, so
%% calls into a process with a long queue stay cheap; markers survive messages removed
%% before them; a long scan of the mailbox yields to other processes.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    {ok, S} = gen_server:start(?MODULE, 0, []),
    [self() ! {junk, I} || I <- lists:seq(1, 100000)],
    %% 2000 calls with 100,000 messages queued: without markers, 2e8 message visits.
    Sum = lists:foldl(fun(I, Acc) -> Acc + gen_server:call(S, {add, I}) end, 0, lists:seq(1, 2000)),
    D(Sum),
    D(process_info(self(), message_queue_len)),
    %% Plain make_ref/receive pairs the compiler marks.
    Echo = spawn(fun Loop() -> receive {From, R, V} -> From ! {R, V * 2}, Loop() end end),
    D(lists:sum([ask(Echo, I) || I <- lists:seq(1, 2000)])),
    %% Two requests in flight, answered in reverse order.
    R1 = make_ref(), R2 = make_ref(),
    Self = self(),
    spawn(fun() -> Self ! {R2, two}, Self ! {R1, one} end),
    D(receive {R1, A} -> A end),
    D(receive {R2, B} -> B end),
    %% A message taken out before a marker position keeps the marker right.
    R3 = make_ref(),
    Self ! {R3, before},
    D(receive {junk, 1} -> first_junk end),
    D(receive {R3, X3} -> X3 end),
    D(process_info(self(), message_queue_len)),
    %% A selective receive over the whole queue, with nothing matching, yields: another
    %% process keeps running meanwhile.
    Ticker = spawn(fun() -> tick(0) end),
    D(receive never_sent -> found after 200 -> not_found end),
    Ticker ! {stop, self()},
    D(receive {ticks, T} when T > 0 -> ticked after 2000 -> no_ticks end),
    D(lists:sum([N || {junk, N} <- drain([])])),
    halt().

ask(P, V) ->
    R = make_ref(),
    P ! {self(), R, V},
    receive {R, Answer} -> Answer end.

tick(N) ->
    receive {stop, From} -> From ! {ticks, N}
    after 0 -> tick(N + 1)
    end.

drain(Acc) -> receive M -> drain([M | Acc]) after 0 -> Acc end.

init(N) -> {ok, N}.
handle_call({add, K}, _From, N) -> {reply, K, N + K}.
handle_cast(_, N) -> {noreply, N}.
