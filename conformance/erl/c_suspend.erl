-module(c_suspend).
-export([main/0]).

%% erlang:suspend_process/1,2 and resume_process/1: a suspended process does not run but
%% queues messages and can be killed; counts per suspender, released when the suspender exits.
spin(N) -> receive {get, F} -> F ! {n, N}, spin(N) after 0 -> spin(N + 1) end.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    P = spawn(fun() -> spin(0) end),
    D(reason(catch erlang:suspend_process(P))),
    D(process_info(P, status)),
    P ! {get, self()},
    D(receive {n, _} -> got after 100 -> no_reply_while_suspended end),
    D(reason(catch erlang:suspend_process(P, [unless_suspending]))),
    D(reason(catch erlang:suspend_process(P, []))),
    D(reason(catch erlang:resume_process(P))),
    D(process_info(P, status)),
    D(reason(catch erlang:resume_process(P))),
    D(receive {n, _} -> got after 1000 -> no_reply end),
    D(reason(catch erlang:resume_process(P))),
    D(reason(catch erlang:suspend_process(self()))),
    D(reason(catch erlang:suspend_process(foo))),
    D(reason(catch erlang:suspend_process(P, [bad]))),
    D(reason(catch erlang:suspend_process(P, [asynchronous]))),
    D(reason(catch erlang:resume_process(P))),
    Dead = spawn(fun() -> ok end), timer:sleep(10),
    D(reason(catch erlang:suspend_process(Dead))),
    D(reason(catch erlang:suspend_process(Dead, [unless_suspending]))),
    D(reason(catch erlang:resume_process(Dead))),
    Q = spawn(fun() -> receive after infinity -> ok end end),
    S = spawn(fun() -> erlang:suspend_process(Q), receive die -> ok end end),
    timer:sleep(10),
    D(process_info(Q, status)),
    S ! die, timer:sleep(10),
    D(process_info(Q, status)),
    erlang:suspend_process(Q), exit(Q, kill), timer:sleep(10),
    D(is_process_alive(Q)),
    halt().

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
