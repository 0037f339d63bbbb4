-module(c_monitors).
-export([main/0]).

%% Monitors: 'DOWN' messages and reasons, noproc, demonitor (+flush, info), monitors by name.
main() ->
    quiet(),
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    D([down(fun() -> R end) || R <- [ok]]),
    D(down(fun() -> exit(normal) end)),
    D(down(fun() -> exit(custom) end)),
    D(down(fun() -> exit({shutdown, 1}) end)),
    D(down(fun() -> throw(t) end)),
    D(down(fun() -> error(e) end)),
    D(down(fun() -> exit(self(), kill), receive after infinity -> ok end end)),
    D(down(fun() -> [] = lists:seq(1, id(3)) end)),
    Dead = spawn(fun() -> ok end),
    M0 = monitor(process, Dead),
    %% normal or noproc depending on whether Dead ran first (a race on SMP): both are right.
    D(receive {'DOWN', M0, process, Dead, R0} -> lists:member(R0, [normal, noproc]) end),
    D(receive {'DOWN', M0, process, Dead, R00} -> {again, R00} after 100 -> only_once end),
    M1 = monitor(process, Dead),
    D(receive {'DOWN', M1, process, P1, R1} -> {P1 =:= Dead, R1} end),
    P2 = spawn(fun() -> receive stop -> ok end end),
    M2 = monitor(process, P2),
    D(demonitor(M2)),
    P2 ! stop,
    D(receive {'DOWN', M2, _, _, _} -> got_down after 100 -> no_down_after_demonitor end),
    P3 = spawn(fun() -> ok end),
    M3 = monitor(process, P3),
    wait_for_mail(),
    D(demonitor(M3, [flush, info])),
    D(receive {'DOWN', M3, _, _, _} -> not_flushed after 0 -> flushed end),
    P4 = spawn(fun() -> receive stop -> ok end end),
    M4 = monitor(process, P4),
    D(demonitor(M4, [info])),
    D(demonitor(M4, [info])),
    P4 ! stop,
    register(c_monitors_named, spawn(fun() -> receive stop -> exit(named_stop) end end)),
    M5 = monitor(process, c_monitors_named),
    c_monitors_named ! stop,
    D(receive {'DOWN', M5, process, Obj, R5} -> {Obj, R5} end),
    M6 = monitor(process, c_monitors_not_registered),
    D(receive {'DOWN', M6, process, Obj6, R6} -> {Obj6, R6} end),
    M7 = monitor(process, {c_monitors_not_registered, node()}),
    D(receive {'DOWN', M7, process, Obj7, R7} -> {Obj7, R7} end),
    Ms = [monitor(process, spawn(fun() -> exit(I) end)) || I <- lists:seq(1, 5)],
    D(lists:sort([receive {'DOWN', M, process, _, R} -> R end || M <- Ms])),
    P8 = spawn(fun() -> receive stop -> ok end end),
    _ = [monitor(process, P8) || _ <- lists:seq(1, 3)],
    P8 ! stop,
    D([receive {'DOWN', _, process, P8, R8} -> R8 end || _ <- lists:seq(1, 3)]),
    D(t(fun() -> monitor(process, id(1)) end)),
    D(t(fun() -> monitor(bogus_type, self()) end)),
    D(is_reference(monitor(process, self()))),
    ok.

down(F) ->
    {P, M} = spawn_monitor(fun() -> exit(F()) end),
    receive
        {'DOWN', M, process, P, {R, St}} when is_list(St) -> {R, stack};
        {'DOWN', M, process, P, R} -> R
    end.

%% Polls until a message (here: the 'DOWN') is in the queue, without consuming it.
wait_for_mail() ->
    case process_info(self(), message_queue_len) of
        {message_queue_len, 0} -> receive after 1 -> wait_for_mail() end;
        _ -> ok
    end.
id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.

%% erl's logger prints crash reports of spawned processes to stdout; silence it (a no-op in bare mode).
quiet() ->
    case whereis(logger) of
        undefined -> ok;
        _ -> logger:set_primary_config(level, none)
    end.
