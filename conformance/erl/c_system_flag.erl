-module(c_system_flag).
-export([main/0, deep/1]).

%% erlang:system_flag/2: return values (the previous setting), badarg (reason and error_info
%% only), and erlang:system_info/1 agreeing afterwards; GC flags as the defaults of new
%% processes; backtrace_depth limiting stack traces. Printed so that the number of schedulers
%% (erl's depends on the machine) does not show.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    %% backtrace_depth.
    D(erlang:system_flag(backtrace_depth, 3)),
    [begin
         erlang:system_flag(backtrace_depth, N),
         {_, S1} = try deep(20) catch error:R:S -> {R, S} end,
         {_, S2} = try bif(20) catch error:R2:S2x -> {R2, S2x} end,
         S3 = try throw(x) catch throw:x:S3x -> S3x end,
         {'EXIT', {_, S4}} = (catch deep(3)),
         D({N, length(S1), length(S2), length(S3), length(S4)}),
         D(S2)
     end || N <- [0, 1, 2, 5, 12, 70]],
    D(erlang:system_flag(backtrace_depth, 8)),
    D([err(fun() -> erlang:system_flag(backtrace_depth, V) end) || V <- [-1, a, 1.0, 1 bsl 64]]),
    D(catch erlang:system_info(backtrace_depth)),
    %% Body recursion with the same continuation is recorded once (and a throw's own
    %% function once).
    D([length(S) || {'EXIT', {_, S}} <- [catch atom_to_list(X) || X <- [1, 2, 3, 4]]]),
    %% schedulers_online / dirty_cpu_schedulers_online: the current value is accepted.
    Online = erlang:system_info(schedulers_online),
    D(erlang:system_flag(schedulers_online, Online) =:= Online),
    D([err(fun() -> erlang:system_flag(schedulers_online, V) end)
       || V <- [0, -1, erlang:system_info(schedulers) + 1, a, 1.0]]),
    DOnline = erlang:system_info(dirty_cpu_schedulers_online),
    D(erlang:system_flag(dirty_cpu_schedulers_online, DOnline) =:= DOnline),
    D([err(fun() -> erlang:system_flag(dirty_cpu_schedulers_online, V) end)
       || V <- [0, erlang:system_info(dirty_cpu_schedulers) + 1, x]]),
    %% GC defaults of new processes.
    D(erlang:system_flag(fullsweep_after, 10)),
    D(erlang:system_flag(fullsweep_after, 100000)),
    D(erlang:system_flag(min_heap_size, 1000)),
    D(erlang:system_flag(min_heap_size, 0)),
    D(erlang:system_flag(min_heap_size, 100)),
    D(erlang:system_flag(min_bin_vheap_size, 100)),
    D(erlang:system_flag(min_bin_vheap_size, 50000)),
    D([erlang:system_info(I) || I <- [fullsweep_after, min_heap_size, min_bin_vheap_size, garbage_collection]]),
    P = spawn(fun() -> receive stop -> ok end end),
    D(process_info(P, [min_heap_size, min_bin_vheap_size, fullsweep_after])),
    P ! stop,
    D([err(fun() -> erlang:system_flag(F, V) end)
       || F <- [fullsweep_after, min_heap_size, min_bin_vheap_size], V <- [-1, a, 1 bsl 64]]),
    D({erlang:system_flag(fullsweep_after, 65535), erlang:system_flag(min_heap_size, 233),
       erlang:system_flag(min_bin_vheap_size, 46422)}),
    D(erlang:system_info(garbage_collection)),
    %% max_heap_size.
    D(erlang:system_flag(max_heap_size, 1000)),
    D(erlang:system_flag(max_heap_size, #{size => 5000, kill => false})),
    D(erlang:system_flag(max_heap_size, #{size => 6000, error_logger => false, other => 1})),
    D(erlang:system_info(max_heap_size)),
    P2 = spawn(fun() -> receive stop -> ok end end),
    D(process_info(P2, max_heap_size)),
    P2 ! stop,
    D([err(fun() -> erlang:system_flag(max_heap_size, V) end)
       || V <- [10, -1, #{bad => 1}, #{size => a}, #{size => 10000, kill => 1},
                #{size => 10000, error_logger => x}, 1.0, [size]]]),
    D(erlang:system_flag(max_heap_size, #{size => 0, kill => true, error_logger => true})),
    D({erlang:system_info(max_heap_size), lists:keyfind(max_heap_size, 1, erlang:system_info(garbage_collection))}),
    %% multi_scheduling: blocks are counted per process.
    Ms = fun(V) -> {erlang:system_flag(multi_scheduling, V), erlang:system_info(multi_scheduling)} end,
    D(erlang:system_info(multi_scheduling)),
    D([Ms(V) || V <- [block, block, block_normal, unblock, unblock, unblock, unblock_normal,
                      unblock_normal, block_normal, block, unblock_normal, unblock]]),
    D(erlang:system_info(multi_scheduling_blockers) -- [self()]),
    Self = self(),
    B = spawn(fun() -> erlang:system_flag(multi_scheduling, block), Self ! blocked, receive _ -> ok end end),
    receive blocked -> ok end,
    D(erlang:system_info(multi_scheduling)),
    Mon = monitor(process, B),
    exit(B, kill),
    receive {'DOWN', Mon, _, _, _} -> ok end,
    D({erlang:system_info(multi_scheduling), erlang:system_info(multi_scheduling_blockers)}),
    D(err(fun() -> erlang:system_flag(multi_scheduling, foo) end)),
    %% trace_control_word.
    D({erlang:system_flag(trace_control_word, 5), erlang:system_info(trace_control_word)}),
    D({erlang:system_flag(trace_control_word, (1 bsl 32) - 1), erlang:system_flag(trace_control_word, 0)}),
    D([err(fun() -> erlang:system_flag(trace_control_word, V) end) || V <- [-1, 1 bsl 32, a]]),
    %% erts_alloc.
    D([catch erlang:system_flag(erts_alloc, {A, sbct, 1000}) || A <- [binary_alloc, ets_alloc, sys_alloc, test_alloc]]),
    D(erlang:system_flag(erts_alloc, {ets_alloc, foo, 1})),
    D([err(fun() -> erlang:system_flag(erts_alloc, V) end)
       || V <- [foo, {fix_alloc, e, true}, {foo_alloc, sbct, 1}, {binary_alloc, sbct, -1},
                {binary_alloc, sbct}, {"binary_alloc", sbct, 1}]]),
    %% time_offset, scheduler_bind_type.
    D({erlang:system_flag(time_offset, finalize), erlang:system_info(time_offset)}),
    D(err(fun() -> erlang:system_flag(time_offset, foo) end)),
    D({erlang:system_flag(scheduler_bind_type, unbound), erlang:system_info(scheduler_bind_type)}),
    %% cpu_topology (set, read back, cleared; none detected is not printed).
    Top = [{processor, [{core, {logical, 0}}, {core, {logical, 1}}]}],
    erlang:system_flag(cpu_topology, Top),
    D({erlang:system_info(cpu_topology), erlang:system_info({cpu_topology, defined})}),
    D(erlang:system_flag(cpu_topology, [{processor, {logical, 3}}])),
    D(erlang:system_flag(cpu_topology, undefined)),
    D(erlang:system_info({cpu_topology, defined})),
    D([err(fun() -> erlang:system_flag(cpu_topology, V) end)
       || V <- [foo, [foo], [{processor, [{core, {logical, 0}}, {core, {logical, 0}}]}]]]),
    %% microstate_accounting.
    D([erlang:system_flag(microstate_accounting, V) || V <- [true, false, reset, false]]),
    D(err(fun() -> erlang:system_flag(microstate_accounting, foo) end)),
    %% outstanding_system_requests_limit.
    Old = erlang:system_flag(outstanding_system_requests_limit, 10),
    D(Old =:= 2 * erlang:system_info(schedulers)),
    D({erlang:system_info(outstanding_system_requests_limit), erlang:system_flag(outstanding_system_requests_limit, Old)}),
    D([err(fun() -> erlang:system_flag(outstanding_system_requests_limit, V) end) || V <- [0, 1 bsl 27, -1, a]]),
    %% system_logger.
    L = erlang:system_flag(system_logger, undefined),
    D(is_pid(L) orelse L =:= logger),
    D(erlang:system_flag(system_logger, L) =:= undefined),
    D(err(fun() -> erlang:system_flag(system_logger, foo) end)),
    %% Unknown flags and the rest.
    D([err(fun() -> erlang:system_flag(F, V) end) || {F, V} <- [{foo, bar}, {"backtrace_depth", 1}, {1, 1}]]),
    D({erlang:system_flag(debug_flags, 1), erlang:system_flag(scheduling_statistics, enable),
       erlang:system_flag(scheduling_statistics, disable)}),
    D(err(fun() -> erlang:system_flag(scheduling_statistics, x) end)),
    halt().

deep(0) -> erlang:error(boom);
deep(N) -> [deep(N - 1)].

bif(0) -> atom_to_list(id(42));
bif(N) -> [bif(N - 1)].

id(X) -> X.

err(F) ->
    try F() of V -> {ok, V}
    catch C:R:S -> {C, R, info(S)}
    end.

%% The error_info of the top frame.
info([{M, F, _, I} | _]) -> {M, F, proplists:get_value(error_info, I)};
info(_) -> none.
