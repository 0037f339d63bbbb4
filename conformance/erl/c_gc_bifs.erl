-module(c_gc_bifs).
-export([main/0]).

%% erlang:garbage_collect/0,1,2 (of self and of other processes, sync and async, bad options)
%% and is_process_alive/1 right after the caller's own exit signal.
id(X) -> X.

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    Keep = id(lists:seq(1, 1000)),
    _ = [id({I, I}) || I <- lists:seq(1, 20000)],
    D(erlang:garbage_collect()),
    D(lists:sum(Keep)),
    D(erlang:garbage_collect(self())),
    D(erlang:garbage_collect(self(), [{type, minor}])),
    Self = self(),
    Waiter = spawn(fun() ->
                           L = id(lists:seq(1, 500)),
                           _ = [id({I}) || I <- lists:seq(1, 50000)],
                           Self ! ready,
                           receive {sum, From} -> From ! {sum, lists:sum(L)} end
                   end),
    receive ready -> ok end,
    timer:sleep(5),
    {heap_size, H0} = process_info(Waiter, heap_size),
    D(erlang:garbage_collect(Waiter)),
    {heap_size, H1} = process_info(Waiter, heap_size),
    D(H1 =< H0),
    Ref = make_ref(),
    D(erlang:garbage_collect(Waiter, [{async, Ref}])),
    D(receive {garbage_collect, Ref, R} -> {async_reply, R} after 2000 -> no_reply end),
    Waiter ! {sum, self()},
    D(receive {sum, S} -> S after 2000 -> no_sum end),
    %% A busy process answers when it next runs.
    Busy = spawn(fun() -> spin(3000000) end),
    D(erlang:garbage_collect(Busy)),
    Dead = spawn(fun() -> ok end),
    timer:sleep(10),
    D(erlang:garbage_collect(Dead)),
    Ref2 = make_ref(),
    D(erlang:garbage_collect(Dead, [{async, Ref2}])),
    D(receive {garbage_collect, Ref2, R2} -> {async_reply, R2} after 2000 -> no_reply end),
    D(reason(catch erlang:garbage_collect(not_a_pid))),
    D(reason(catch erlang:garbage_collect(self(), [bad]))),
    D(reason(catch erlang:garbage_collect(self(), [{type, medium}]))),
    D(reason(catch erlang:garbage_collect(self(), not_a_list))),
    %% is_process_alive/1 sees the effect of the caller's earlier exit signals.
    P1 = spawn(fun() -> receive after infinity -> ok end end),
    exit(P1, kill),
    D(is_process_alive(P1)),
    P2 = spawn(fun() -> receive after infinity -> ok end end),
    exit(P2, some_reason),
    D(is_process_alive(P2)),
    P3 = spawn(fun() -> receive after infinity -> ok end end),
    exit(P3, normal),
    D(is_process_alive(P3)),
    P4 = spawn(fun() -> process_flag(trap_exit, true), Self ! trapping, receive after infinity -> ok end end),
    receive trapping -> ok end,
    exit(P4, some_reason),
    D(is_process_alive(P4)),
    exit(P4, kill),
    D(is_process_alive(P4)),
    exit(Busy, kill),
    D(is_process_alive(Busy)),
    halt().

spin(0) -> ok;
spin(N) -> spin(N - 1).

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
