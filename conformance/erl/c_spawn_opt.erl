-module(c_spawn_opt).
-export([main/0, mfa_target/1]).

%% spawn_opt options (link, monitor, heap sizes), spawn_link/3, spawn_monitor/3, hibernate.
main() ->
    quiet(),
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    Self = self(),
    {P1, M1} = spawn_opt(fun() -> exit(opt_monitor) end, [monitor]),
    D(receive {'DOWN', M1, process, P1, R1} -> R1 end),
    process_flag(trap_exit, true),
    P2 = spawn_opt(fun() -> exit(opt_link) end, [link]),
    D(receive {'EXIT', P2, R2} -> R2 end),
    P3 = spawn_opt(fun() -> Self ! {heap, length(lists:seq(1, 10000))} end, [{min_heap_size, 1000}, {fullsweep_after, 0}]),
    D(receive {heap, L} -> L end), _ = P3,
    {P4, M4} = spawn_monitor(?MODULE, mfa_target, [Self]),
    D(receive {mfa, X} -> X end),
    D(receive {'DOWN', M4, process, P4, R4} -> R4 end),
    P5 = spawn_link(?MODULE, mfa_target, [Self]),
    D(receive {mfa, Y} -> Y end),
    D(receive {'EXIT', P5, R5} -> R5 end),
    H = spawn(fun() -> erlang:hibernate(erlang, apply, [fun() -> receive {wake, From} -> From ! woke end end, []]) end),
    receive after 50 -> ok end,
    H ! {wake, Self},
    D(receive woke -> woke after 5000 -> not_woken end),
    D(t(fun() -> spawn_opt(fun() -> ok end, [bogus_option]) end)),
    D(t(fun() -> spawn(id(not_a_fun)) end)),
    {P6, M6} = spawn_monitor(no_such_module_spawned, f, []),
    D(receive {'DOWN', M6, process, P6, {R6, _}} -> R6 end),
    ok.

mfa_target(Parent) -> Parent ! {mfa, from_mfa}, exit(mfa_done).

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.

%% erl's logger prints crash reports of spawned processes to stdout; silence it (a no-op in bare mode).
quiet() ->
    case whereis(logger) of
        undefined -> ok;
        _ -> logger:set_primary_config(level, none)
    end.
