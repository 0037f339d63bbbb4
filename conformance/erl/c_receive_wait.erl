-module(c_receive_wait).
-export([main/0]).

%% wait / wait_timeout with signals pending: a receive without clauses (`receive after T`)
%% while messages sit in the mailbox, exits and kills reaching a process that waits, a
%% message arriving together with the timeout, and the limits of the timeout value.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    Ref = make_ref(),
    self() ! Ref,
    receive after 1 -> ok end,
    D(after_1_with_message),
    receive after 0 -> ok end,
    D(after_0_with_message),
    D(receive Ref -> got_ref after 0 -> lost end),
    %% A process in `receive after infinity` (the `wait` instruction) with a message queued
    %% must still die of a kill and of a plain exit.
    P = spawn(fun() -> receive after infinity -> ok end end),
    PM = monitor(process, P),
    P ! hello,
    timer:sleep(5),
    exit(P, kill),
    D(wait_dead(P, PM)),
    Q = spawn(fun() -> receive after 100000 -> ok end end),
    QM = monitor(process, Q),
    Q ! hello,
    timer:sleep(5),
    exit(Q, boom),
    D(wait_dead(Q, QM)),
    %% Trapping exits: the exit becomes a message that waits in the queue.
    Self = self(),
    T = spawn(fun() ->
                      process_flag(trap_exit, true),
                      Self ! ready,
                      receive after 30 -> ok end,
                      Self ! {done, receive M -> M after 0 -> none end}
              end),
    receive ready -> ok end,
    exit(T, please),
    D(receive {done, {'EXIT', Self, Why}} -> {exit_message, Why}; {done, M} -> M after 2000 -> no_reply end),
    %% Linking to a process that waits in `after 0` leaves it untouched.
    L = spawn(fun() -> receive go -> receive after 0 -> Self ! alive end end end),
    link(L),
    L ! go,
    D(receive alive -> alive after 2000 -> no_reply end),
    unlink(L),
    %% Selective receive with a timeout: only non-matching messages arrive.
    W = spawn(fun() ->
                      R = receive want -> want after 50 -> timeout end,
                      Self ! {w, R, erlang:process_info(self(), message_queue_len)}
              end),
    [W ! {noise, I} || I <- lists:seq(1, 20)],
    D(receive {w, _, _} = WR -> WR after 2000 -> no_reply end),
    %% Timeout values.
    D(reason(catch receive after -1 -> ok end)),
    D(reason(catch receive after 16#100000000 -> ok end)),
    D(reason(catch receive after 1.0 -> ok end)),
    D(reason(catch receive after foo -> ok end)),
    D(reason(catch receive after 16#FFFFFFFF * 0 -> zero end)),
    halt().

reason({'EXIT', {R, _Stack}}) -> R;
reason(Other) -> Other.

wait_dead(P, Ref) ->
    receive {'DOWN', Ref, process, P, Reason} -> {dead, Reason} after 2000 -> still_alive end.
