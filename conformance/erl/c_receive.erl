-module(c_receive).
-export([main/0]).

%% receive: after 0, after N, selective receive, guards, message order, infinity with data.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    D(receive X -> X after 0 -> empty end),
    self() ! a, self() ! b, self() ! c,
    D(receive b -> got_b end),
    D(receive M1 -> M1 end),
    D(receive M2 -> M2 end),
    D(receive M3 -> M3 after 0 -> none_left end),
    D(receive _ -> x after 50 -> timed_out end),
    [self() ! {n, I} || I <- lists:seq(1, 10)],
    D(receive {n, N} when N > 5 -> N end),
    D(drain([])),
    self() ! {prio, low}, self() ! {prio, high}, self() ! {prio, mid},
    D(receive {prio, high} -> high after 0 -> none end),
    D(drain([])),
    self() ! 1, self() ! 2.0, self() ! three,
    D(receive A when is_atom(A) -> A end),
    D(receive F when is_float(F) -> F end),
    D(receive I2 when is_integer(I2) -> I2 end),
    Parent = self(),
    Child = spawn(fun() -> receive {ping, From} -> From ! pong end end),
    Child ! {ping, Parent},
    D(receive pong -> pong after 5000 -> no_pong end),
    D(erlang:process_info(self(), message_queue_len)),
    self() ! x, self() ! y,
    D(erlang:process_info(self(), message_queue_len)),
    D(drain([])),
    D(receive after 10 -> slept end),
    T = id(infinity),
    self() ! late,
    D(receive late -> late after T -> never end),
    D(nested()),
    ok.

nested() ->
    self() ! outer1, self() ! inner, self() ! outer2,
    receive
        outer1 ->
            I = receive inner -> got_inner end,
            O = receive outer2 -> got_outer2 end,
            {I, O}
    end.

drain(Acc) ->
    receive M -> drain([M | Acc]) after 0 -> lists:reverse(Acc) end.

id(X) -> X.
