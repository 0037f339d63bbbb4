-module(c_smp).
-export([main/0]).

%% Schedulers as programs see them (outputs the same on +S 1 and +S 2), process flags and
%% spawn options, group leaders of other processes, and work spread over every scheduler.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    E = fun(F) -> try F() catch C:R -> {C, R} end end,
    S = erlang:system_info(schedulers),
    D({online_is_all, erlang:system_info(schedulers_online) =:= S}),
    D({logical, is_integer(erlang:system_info(logical_processors))}),
    Id = erlang:system_info(scheduler_id),
    D({scheduler_id_in_range, Id >= 1 andalso Id =< S}),
    {T1, O1, A1} = erlang:system_info(schedulers_state),
    D({state, T1 =:= S, O1 =:= S, A1 >= 1 andalso A1 =< S}),
    D({requests_limit, erlang:system_info(outstanding_system_requests_limit) =:= 2 * S}),
    %% schedulers_online: down to one and back.
    D({set_online, erlang:system_flag(schedulers_online, 1) =:= S}),
    D({now_online, erlang:system_info(schedulers_online)}),
    D(work(4, 200000)),
    D({restore, erlang:system_flag(schedulers_online, S)}),
    D({back_online, erlang:system_info(schedulers_online) =:= S}),
    D([E(fun() -> erlang:system_flag(schedulers_online, V) end) || V <- [0, S + 1, -1, a]]),
    %% multi_scheduling blocks, counted per process.
    D(erlang:system_info(multi_scheduling)),
    D(erlang:system_flag(multi_scheduling, block)),
    D(erlang:system_info(multi_scheduling)),
    Bl = erlang:system_info(multi_scheduling_blockers),
    D({blockers, Bl =:= [self()] orelse (S =:= 1 andalso Bl =:= [])}),
    D(work(3, 100000)),
    D(erlang:system_flag(multi_scheduling, unblock)),
    D(erlang:system_info(multi_scheduling)),
    D({blockers_gone, erlang:system_info(multi_scheduling_blockers)}),
    %% A blocker that exits releases its block.
    Self = self(),
    B = spawn(fun() -> Self ! {blocked, erlang:system_flag(multi_scheduling, block)}, receive stop -> ok end end),
    D(receive {blocked, St} -> St end),
    Ref = monitor(process, B),
    B ! stop,
    receive {'DOWN', Ref, _, _, _} -> ok end,
    D({after_blocker_exit, erlang:system_info(multi_scheduling)}),
    %% process_flag/2.
    D([E(fun() -> process_flag(F, V) end)
       || {F, V} <- [{priority, high}, {priority, low}, {priority, foo}, {priority, normal},
                     {min_heap_size, 1000}, {min_heap_size, 10}, {min_heap_size, -1},
                     {min_bin_vheap_size, 10}, {fullsweep_after, 10}, {fullsweep_after, 65535},
                     {message_queue_data, off_heap}, {message_queue_data, on_heap},
                     {message_queue_data, bad}, {sensitive, true}, {sensitive, false},
                     {save_calls, 5}, {save_calls, 0}, {max_heap_size, 100000},
                     {max_heap_size, 0}, {no_such_flag, 1}]]),
    D(process_info(self(), [priority, min_heap_size, message_queue_data])),
    %% spawn_opt/2 options.
    P = spawn_opt(fun() -> receive _ -> ok end end,
                  [{priority, high}, {min_heap_size, 500}, {fullsweep_after, 3},
                   {message_queue_data, off_heap}, {min_bin_vheap_size, 1000}]),
    D(process_info(P, [priority, min_heap_size, min_bin_vheap_size, garbage_collection, message_queue_data])),
    exit(P, kill),
    D([E(fun() -> spawn_opt(fun() -> ok end, O) end)
       || O <- [[{foo, 1}], [{priority, x}], [foo], [{min_heap_size, -1}], [{fullsweep_after, a}],
                [{message_queue_data, x}], [{max_heap_size, #{}}]]]),
    Low = spawn_opt(fun() -> receive _ -> ok end end, [{priority, low}]),
    Max = spawn_opt(fun() -> receive _ -> ok end end, [{priority, max}]),
    D([process_info(X, priority) || X <- [Low, Max]]),
    [exit(X, kill) || X <- [Low, Max]],
    %% Processes of every priority all run.
    Pids = [spawn_opt(fun() -> Self ! {ran, Pr, busy(20000)} end, [{priority, Pr}]) || Pr <- [low, normal, high, max]],
    D(lists:sort([receive {ran, Pr, _} -> Pr end || _ <- Pids])),
    %% group_leader/2 of another process; a dead one is badarg.
    G = spawn(fun() -> receive _ -> ok end end),
    Q = spawn(fun() -> receive {gl, From} -> From ! {gl, group_leader()} end end),
    D(group_leader(G, Q)),
    Q ! {gl, self()},
    D(receive {gl, GL} -> GL =:= G end),
    Dead = spawn(fun() -> ok end),
    wait_dead(Dead),
    D(E(fun() -> group_leader(self(), Dead) end)),
    exit(G, kill),
    %% ets:all/0 gathers an answer from every scheduler.
    Tab = ets:new(c_smp_tab, []),
    D({ets_all, lists:member(Tab, ets:all())}),
    ets:delete(Tab),
    D({ets_all_after_delete, lists:member(Tab, ets:all())}),
    %% yield/0.
    D(erlang:yield()),
    %% write_concurrency counters added from every scheduler.
    C = counters:new(1, [write_concurrency]),
    Adders = [spawn_monitor(fun() -> [counters:add(C, 1, 1) || _ <- lists:seq(1, 10000)] end) || _ <- lists:seq(1, 8)],
    [receive {'DOWN', R, _, _, _} -> ok end || {_, R} <- Adders],
    D({counters, counters:get(C, 1)}),
    %% A busy process does not stop others from running (preemption by reductions).
    Spinner = spawn(fun() -> spin() end),
    D(work(2, 50000)),
    exit(Spinner, kill),
    erlang:halt().

%% Spreads N busy processes and collects their results.
work(N, Iter) ->
    Self = self(),
    Ps = [spawn(fun() -> Self ! {done, self(), busy(Iter)} end) || _ <- lists:seq(1, N)],
    {work, lists:sum([receive {done, P, R} -> R end || P <- Ps])}.

busy(0) -> 1;
busy(N) -> (busy(N - 1) + N) rem 1000003.

spin() -> spin().

wait_dead(P) ->
    case is_process_alive(P) of
        true -> receive after 1 -> wait_dead(P) end;
        false -> ok
    end.
