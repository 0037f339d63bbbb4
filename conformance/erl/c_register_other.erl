-module(c_register_other).
-export([main/0]).

%% A process registered by another one: its registered_name, a second name for it (badarg),
%% and its name freed when it exits.
main() ->
    P = spawn(fun() -> receive {From, info} -> From ! {self(), process_info(self(), registered_name)} end,
                       receive stop -> ok end end),
    p(register(c_reg_other, P)),
    p(whereis(c_reg_other) =:= P),
    p(process_info(P, registered_name)),
    P ! {self(), info},
    receive {P, Info} -> p(Info) end,
    p(t(fun() -> register(c_reg_other2, P) end)),
    p(t(fun() -> register(c_reg_other, self()) end)),
    p(lists:member(c_reg_other, registered())),
    Ref = monitor(process, P),
    P ! stop,
    receive {'DOWN', Ref, _, _, _} -> ok end,
    p(whereis(c_reg_other)),
    p(lists:member(c_reg_other, registered())),
    Q = spawn(fun() -> receive stop -> ok end end),
    p(register(c_reg_other, Q)),
    p(unregister(c_reg_other)),
    p(process_info(Q, registered_name)),
    p(register(c_reg_other2, Q)),
    Q ! stop,
    halt().

t(F) -> try F() catch C:R -> {C, R} end.

p(X) -> io:format("~p~n", [X]).
