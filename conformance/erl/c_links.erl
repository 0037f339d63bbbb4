-module(c_links).
-export([main/0]).

%% Links: trap_exit, exit signals and reasons, propagation, kill/killed, unlink, noproc.
main() ->
    quiet(),
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    process_flag(trap_exit, true),
    D([reason_of(fun() -> R end) || R <- [normal, shutdown, {shutdown, x}, custom, kill]]),
    D(reason_of(fun() -> exit(normal) end)),
    D(reason_of(fun() -> exit(kill) end)),
    D(reason_of(fun() -> throw(uncaught) end)),
    D(reason_of(fun() -> error(badthing) end)),
    D(reason_of(fun() -> 1 = id(2) end)),
    D(reason_of(fun() -> ok end)),
    %% exit/2 from outside
    P1 = spawn_link(fun() -> receive never -> ok end end),
    exit(P1, kill),
    D(receive {'EXIT', P1, R1} -> R1 end),
    P2 = spawn_link(fun() -> receive never -> ok end end),
    exit(P2, die_please),
    D(receive {'EXIT', P2, R2} -> R2 end),
    P3 = spawn_link(fun() -> receive never -> ok end end),
    exit(P3, normal),
    D(receive {'EXIT', P3, R3} -> {unexpected, R3} after 100 -> normal_exit_signal_ignored end),
    D(is_process_alive(P3)),
    exit(P3, kill),
    D(receive {'EXIT', P3, R3b} -> R3b end),
    %% trapping child receives exit signal as message
    Self = self(),
    P4 = spawn_link(fun() ->
        process_flag(trap_exit, true),
        Self ! ready,
        receive {'EXIT', From, Why} -> Self ! {child_got, From =:= Self, Why} end
    end),
    receive ready -> ok end,
    exit(P4, hello),
    D(receive {child_got, FromOk, W} -> {FromOk, W} end),
    D(receive {'EXIT', P4, R4} -> R4 end),
    %% chain propagation: A links B links C; C crashes
    Top = spawn(fun() ->
        process_flag(trap_exit, true),
        Mid = spawn_link(fun() ->
            spawn_link(fun() -> exit(chain_reason) end),
            receive never -> ok end
        end),
        receive {'EXIT', Mid, Why} -> Self ! {top_saw, Why} end
    end),
    D(receive {top_saw, TW} -> TW end),
    _ = Top,
    %% link to a dead process
    Dead = spawn(fun() -> ok end),
    Mref = monitor(process, Dead),
    receive {'DOWN', Mref, _, _, _} -> ok end,
    D(link(Dead)),
    D(receive {'EXIT', Dead, RD} -> RD after 1000 -> no_exit end),
    %% unlink
    P5 = spawn_link(fun() -> receive go -> exit(after_unlink) end end),
    D(unlink(P5)),
    M5 = monitor(process, P5),
    P5 ! go,
    D(receive {'DOWN', M5, process, P5, R5} -> R5 end),
    D(receive {'EXIT', P5, _} -> got_exit_despite_unlink after 100 -> no_exit_after_unlink end),
    %% non-trapping process killed by linked crash
    Watch = spawn(fun() ->
        V = spawn(fun() ->
            spawn_link(fun() -> exit(boom) end),
            receive never -> ok end
        end),
        MV = monitor(process, V),
        receive {'DOWN', MV, process, V, RV} -> Self ! {victim, RV} end
    end),
    _ = Watch,
    D(receive {victim, VR} -> VR end),
    D(t(fun() -> link(id(notapid)) end)),
    D(t(fun() -> exit(id(notapid), x) end)),
    ok.

reason_of(F) ->
    P = spawn_link(fun() -> exit(F()) end),
    receive
        {'EXIT', P, {R, St}} when is_list(St) -> {R, stack};
        {'EXIT', P, R} -> R
    end.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.

%% erl's logger prints crash reports of spawned processes to stdout; silence it (a no-op in bare mode).
quiet() ->
    case whereis(logger) of
        undefined -> ok;
        _ -> logger:set_primary_config(level, none)
    end.
