-module(c_spawn).
-export([main/0, worker/2]).

%% spawn/1,3, spawn_link, send/!, request-reply, process_info, is_process_alive, self-send.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    Self = self(),
    P1 = spawn(fun() -> Self ! {self(), hello_from_fun} end),
    D(receive {P1, Msg} -> Msg end),
    P2 = spawn(?MODULE, worker, [Self, 21]),
    D(receive {P2, R} -> R end),
    P3 = spawn(c_spawn, worker, [Self, 1 bsl 70]),
    D(receive {P3, R3} -> R3 end),
    Echo = spawn(fun echo/0),
    [Echo ! {Self, I} || I <- lists:seq(1, 5)],
    D([receive {echo, V} -> V end || _ <- lists:seq(1, 5)]),
    Echo ! stop,
    Mref = monitor(process, Echo),
    D(receive {'DOWN', Mref, process, Echo, Why} -> Why end),
    D(is_process_alive(Echo)),
    D(is_process_alive(self())),
    D(is_pid(Echo)),
    D(Echo =/= self()),
    D(erlang:send(self(), via_send)),
    D(receive via_send -> ok end),
    D(self() ! {tuple, [list]}),
    D(receive {tuple, L} -> L end),
    Big = lists:seq(1, 10000),
    Copy = spawn(fun() -> receive {From, Data} -> From ! {copied, lists:sum(Data), length(Data)} end end),
    Copy ! {Self, Big},
    D(receive {copied, S, Len} -> {S, Len} end),
    BinP = spawn(fun() -> receive {From, B} -> From ! {bin, byte_size(B), binary:last(B)} end end),
    BinP ! {Self, binary:copy(<<"abcdefgh">>, 1000)},
    D(receive {bin, BS, BL} -> {BS, BL} end),
    D(process_info(self(), trap_exit)),
    D(process_flag(trap_exit, true)),
    D(process_flag(trap_exit, false)),
    Dead = spawn(fun() -> ok end),
    M2 = monitor(process, Dead),
    receive {'DOWN', M2, _, _, _} -> ok end,
    D(Dead ! msg_to_dead_is_fine),
    D(process_info(Dead)),
    D(process_info(Dead, status)),
    ok.

worker(Parent, N) -> Parent ! {self(), N * 2}.

echo() ->
    receive
        {From, X} -> From ! {echo, X * 10}, echo();
        stop -> ok
    end.
