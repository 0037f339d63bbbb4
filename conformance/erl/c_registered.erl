-module(c_registered).
-export([main/0]).

%% register/unregister/whereis, sending to names, errors.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    Self = self(),
    D(whereis(c_reg_a)),
    D(register(c_reg_a, self())),
    D(whereis(c_reg_a) =:= self()),
    D(lists:member(c_reg_a, registered())),
    c_reg_a ! to_name,
    D(receive to_name -> received_via_name end),
    D(process_info(self(), registered_name)),
    D(t(fun() -> register(c_reg_a, self()) end)),
    D(t(fun() -> register(c_reg_b, self()) end)),
    D(t(fun() -> register(undefined, spawn(fun() -> ok end)) end)),
    D(t(fun() -> register(id("str"), self()) end)),
    D(t(fun() -> c_reg_nobody ! msg end)),
    D(t(fun() -> erlang:send(c_reg_nobody, msg) end)),
    D(unregister(c_reg_a)),
    D(whereis(c_reg_a)),
    D(t(fun() -> unregister(c_reg_a) end)),
    D(process_info(self(), registered_name)),
    Srv = spawn(fun() -> register(c_reg_srv, self()), Self ! registered, loop(0) end),
    receive registered -> ok end,
    [c_reg_srv ! {add, I} || I <- lists:seq(1, 100)],
    c_reg_srv ! {get, self()},
    D(receive {total, T} -> T end),
    M = monitor(process, Srv),
    c_reg_srv ! stop,
    receive {'DOWN', M, _, _, _} -> ok end,
    D(whereis(c_reg_srv)),
    D(t(fun() -> c_reg_srv ! again end)),
    Dead = spawn(fun() -> ok end),
    M2 = monitor(process, Dead),
    receive {'DOWN', M2, _, _, _} -> ok end,
    D(t(fun() -> register(c_reg_dead, Dead) end)),
    D({c_reg_nobody, node()} ! remote_style_send_to_missing_name_is_ok),
    ok.

loop(Acc) ->
    receive
        {add, N} -> loop(Acc + N);
        {get, From} -> From ! {total, Acc}, loop(Acc);
        stop -> ok
    end.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
