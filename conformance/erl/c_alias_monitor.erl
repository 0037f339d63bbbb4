-module(c_alias_monitor).
-export([main/0, init/1, handle_call/3, handle_cast/2]).

%% Process aliases (alias/0,1, unalias/1, sending to an alias) and erlang:monitor/3 with the
%% options of OTP 25 ({alias, _}, {tag, _}), and gen_server:call, which rests on them.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    Self = self(),
    %% alias/0: messages through it arrive until unalias/1.
    A = alias(),
    D(is_reference(A)),
    A ! {via, 1},
    D(recv()),
    D(unalias(A)),
    D(unalias(A)),
    A ! {via, 2},
    D(recv()),
    D(reason(catch unalias(self()))),
    D(reason(catch alias(bad))),
    D(reason(catch alias([bad]))),
    D(is_reference(alias([explicit_unalias]))),
    %% alias([reply]): the first message deactivates it.
    R = alias([reply]),
    R ! one, R ! two,
    D({recv(), recv()}),
    D(unalias(R)),
    %% Another process sends through an alias it was given.
    A2 = alias(),
    spawn(fun() -> A2 ! {from_other, self() =/= Self} end),
    D(recv()),
    unalias(A2),
    spawn(fun() -> A2 ! late end),
    D(recv()),
    %% Sending to a plain reference is accepted and dropped.
    make_ref() ! lost,
    D(recv()),
    D(erlang:send(make_ref(), lost2, [noconnect])),
    %% monitor/3 with {alias, demonitor}: the 'DOWN' deactivates the alias.
    P1 = spawn(fun() -> receive {go, To} -> To ! {self(), hello}, exit(done) end end),
    M1 = monitor(process, P1, [{alias, demonitor}]),
    P1 ! {go, M1},
    D(recv_no_pid()),
    D(receive {'DOWN', M1, process, P1, Why1} -> {down, Why1} after 2000 -> no_down end),
    D(unalias(M1)),
    %% ... and so does demonitor/1.
    P2 = spawn(fun() -> receive stop -> ok end end),
    M2 = monitor(process, P2, [{alias, demonitor}]),
    D(demonitor(M2)),
    D(unalias(M2)),
    P2 ! stop,
    %% explicit_unalias: the alias outlives the monitor.
    P3 = spawn(fun() -> receive stop -> ok end end),
    M3 = monitor(process, P3, [{alias, explicit_unalias}]),
    P3 ! stop,
    D(receive {'DOWN', M3, process, P3, W3} -> W3 after 2000 -> no_down end),
    M3 ! still_works,
    D(recv()),
    D(unalias(M3)),
    %% reply_demonitor: a reply through the alias removes the monitor too.
    P4 = spawn(fun() -> receive {go, To} -> To ! reply, receive stop -> ok end end end),
    M4 = monitor(process, P4, [{alias, reply_demonitor}]),
    P4 ! {go, M4},
    D(recv()),
    D(demonitor(M4, [info])),
    D(unalias(M4)),
    P4 ! stop,
    %% {tag, Tag}: the 'DOWN' message carries the tag.
    P5 = spawn(fun() -> receive stop -> exit(tagged) end end),
    M5 = monitor(process, P5, [{tag, my_tag}]),
    P5 ! stop,
    D(receive {my_tag, M5, process, P5, W5} -> {tagged_down, W5} after 2000 -> no_down end),
    Dead = spawn(fun() -> ok end),
    timer:sleep(10),
    M6 = monitor(process, Dead, [{tag, {t, 1}}, {alias, demonitor}]),
    D(receive {{t, 1}, M6, process, Dead, W6} -> {noproc_tag, W6} after 2000 -> no_down end),
    D(unalias(M6)),
    M7 = monitor(process, nobody_registered, [{tag, nb}]),
    D(receive {nb, M7, process, Who7, W7} -> {Who7, W7} after 2000 -> no_down end),
    %% demonitor with flush removes a tagged 'DOWN' already queued.
    P8 = spawn(fun() -> ok end),
    M8 = monitor(process, P8, [{tag, t8}]),
    timer:sleep(10),
    D(demonitor(M8, [flush, info])),
    D(recv()),
    %% flush takes one message shaped {_, Ref, _, _, _}, whatever its first element.
    M12 = make_ref(),
    self() ! {x, M12, a, b, c}, self() ! {y, M12, a, b, c}, self() ! {M12, other},
    D(demonitor(M12, [flush, info])),
    F1 = recv(), F2 = recv(), F3 = recv(),
    D({element(1, F1), element(2, F2), F3}),
    %% demonitor/1 leaves a 'DOWN' that has already arrived in the queue.
    P9 = spawn(fun() -> ok end),
    M9 = monitor(process, P9),
    timer:sleep(10),
    demonitor(M9),
    D(receive {'DOWN', M9, process, P9, W9} -> {queued, W9} after 50 -> nothing end),
    %% A 'DOWN' still in flight when demonitor/1 runs is never delivered.
    P11 = spawn(fun() -> receive stop -> ok end end),
    M11 = monitor(process, P11),
    P11 ! stop,
    demonitor(M11),
    D(receive {'DOWN', M11, _, _, _} -> delivered after 50 -> not_delivered end),
    %% Bad options.
    D(reason(catch monitor(process, self(), [bad]))),
    D(reason(catch monitor(process, self(), [{alias, bad}]))),
    D(reason(catch monitor(process, self(), {tag, x}))),
    D(reason(catch monitor(process, self(), [{tag, x} | bad]))),
    D(reason(catch monitor(bad_kind, self(), []))),
    D(is_reference(monitor(process, self(), []))),
    %% spawn_opt with {monitor, Opts}.
    {P10, M10} = spawn_opt(fun() -> exit(bye) end, [{monitor, [{tag, spawned}]}]),
    D(receive {spawned, M10, process, P10, W10} -> W10 after 2000 -> no_down end),
    %% gen_server:call uses monitor/3 with an alias.
    {ok, S} = gen_server:start(?MODULE, 0, []),
    D(gen_server:call(S, {add, 5})),
    D(gen_server:call(S, {add, 10})),
    D(gen_server:call(S, get, 1000)),
    D(element(1, reason(catch gen_server:call(S, slow, 50)))),
    timer:sleep(150),
    D(recv()),
    D(gen_server:call(S, get)),
    gen_server:cast(S, stop),
    timer:sleep(20),
    D(element(1, reason(catch gen_server:call(S, get)))),
    D(erlang:process_info(self(), message_queue_len)),
    halt().

init(N) -> {ok, N}.
handle_call({add, K}, _From, N) -> {reply, N + K, N + K};
handle_call(get, _From, N) -> {reply, N, N};
handle_call(slow, _From, N) -> timer:sleep(100), {reply, slow, N}.
handle_cast(stop, N) -> {stop, normal, N}.

recv() -> receive M -> M after 50 -> nothing end.
recv_no_pid() -> receive {P, M} when is_pid(P) -> M after 2000 -> nothing end.

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason({'EXIT', R}) -> R;
reason(Other) -> Other.
