-module(c_smp_stress).
-export([main/0, million/1, ring/2, senders/2, link_chain/1, monitor_storm/1, exit_storm/1]).

%% Stress that must lose nothing, on however many schedulers: a million processes spawned
%% and collected, a ring of 100,000 processes passing a token 100 times, many senders to one
%% receiver with per-sender order, link and monitor storms.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    Before = length(processes()),
    D(million(1000000)),
    D(wait_count(Before)),
    D(ring(100000, 100)),
    D(wait_count(Before)),
    D(senders(8, 50000)),
    D(link_chain(10000)),
    D(monitor_storm(20000)),
    D(exit_storm(5000)),
    D(wait_count(Before)),
    erlang:halt().

%% Spawns N processes, 10,000 at a time: each sends its number back and ends.
million(N) -> million(N, 0, 0).
million(0, _, Sum) -> {spawned, Sum};
million(N, Base, Sum) ->
    Batch = min(N, 10000),
    Self = self(),
    [spawn(fun() -> Self ! {n, Base + I} end) || I <- lists:seq(1, Batch)],
    S = collect(Batch, 0),
    million(N - Batch, Base + Batch, Sum + S).

collect(0, S) -> S;
collect(K, S) -> receive {n, I} -> collect(K - 1, S + I) end.

%% Polls until the process count is back to Before (exits are asynchronous).
wait_count(Before) -> wait_count(Before, 500).
wait_count(Before, 0) -> {process_count, length(processes()) - Before};
wait_count(Before, T) ->
    case length(processes()) of
        Before -> {process_count, back};
        _ -> receive after 10 -> wait_count(Before, T - 1) end
    end.

%% A ring of N processes; the token goes round Rounds times, counted by the first one.
ring(N, Rounds) ->
    Self = self(),
    First = spawn(fun() -> ring_first(Self) end),
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> ring_node(Next) end) end, First, lists:seq(2, N)),
    First ! {start, Last, Rounds},
    receive {ring_done, Hops} -> {ring, N, Rounds, Hops} end.

ring_first(Parent) ->
    receive {start, Next, Rounds} -> Next ! {token, 1}, ring_first(Parent, Next, Rounds, 1) end.
ring_first(Parent, Next, Rounds, Round) ->
    receive
        {token, Hops} when Round =:= Rounds ->
            Next ! stop,
            Parent ! {ring_done, Hops};
        {token, Hops} ->
            Next ! {token, Hops + 1},
            ring_first(Parent, Next, Rounds, Round + 1)
    end.
ring_node(Next) ->
    receive
        {token, Hops} -> Next ! {token, Hops + 1}, ring_node(Next);
        stop -> Next ! stop
    end.

%% K senders send M numbered messages each to one receiver, which checks each sender's order.
senders(K, M) ->
    Self = self(),
    R = spawn(fun() -> receiver(Self, K * M, #{}, 0) end),
    [spawn(fun() -> [R ! {S, I} || I <- lists:seq(1, M)] end) || S <- lists:seq(1, K)],
    receive {received, Got, Bad} -> {senders, K, M, Got, out_of_order, Bad} end.

receiver(Parent, 0, Last, Bad) -> Parent ! {received, lists:sum(maps:values(Last)), Bad};
receiver(Parent, Left, Last, Bad) ->
    receive
        {S, I} ->
            Prev = maps:get(S, Last, 0),
            receiver(Parent, Left - 1, Last#{S => I}, Bad + if I =:= Prev + 1 -> 0; true -> 1 end)
    end.

%% A chain of N linked processes; killing one end brings every one down, and a trapping
%% watcher linked to the other end sees the reason.
link_chain(N) ->
    process_flag(trap_exit, true),
    Self = self(),
    Tail = spawn_link(fun() -> chain_wait() end),
    Head = lists:foldl(fun(_, Prev) -> spawn(fun() -> link(Prev), Self ! linked, chain_wait() end) end, Tail, lists:seq(2, N)),
    [receive linked -> ok end || _ <- lists:seq(2, N)],
    exit(Head, boom),
    R = receive {'EXIT', Tail, Why} -> Why after 30000 -> timeout end,
    process_flag(trap_exit, false),
    {link_chain, N, R}.
chain_wait() -> receive never -> ok end.

%% N processes each monitored twice; every 'DOWN' arrives exactly once per monitor.
monitor_storm(N) ->
    Ps = [spawn(fun() -> receive go -> exit({bye, I}) end end) || I <- lists:seq(1, N)],
    Ms = [{monitor(process, P), monitor(process, P)} || P <- Ps],
    [P ! go || P <- Ps],
    Downs = count_downs(2 * N, 0),
    Extra = receive {'DOWN', _, _, _, _} -> extra after 50 -> none end,
    {monitor_storm, length(Ms), Downs, Extra}.
count_downs(0, S) -> S;
count_downs(K, S) -> receive {'DOWN', _, process, _, {bye, I}} -> count_downs(K - 1, S + I) end.

%% Exit signals racing with the processes they kill: spawn, link from a third process,
%% kill; every link ends up with an 'EXIT' for a trapping watcher.
exit_storm(N) ->
    Self = self(),
    W = spawn(fun() ->
                  process_flag(trap_exit, true),
                  Ps = [spawn(fun() -> receive after infinity -> ok end end) || _ <- lists:seq(1, N)],
                  [link(P) || P <- Ps],
                  [exit(P, kill) || P <- Ps],
                  Rs = [receive {'EXIT', P, R} -> R end || P <- Ps],
                  Self ! {storm, lists:usort(Rs)}
              end),
    Ref = monitor(process, W),
    R = receive {storm, Rs} -> Rs end,
    receive {'DOWN', Ref, _, _, _} -> ok end,
    {exit_storm, N, R}.
