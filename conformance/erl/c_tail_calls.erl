-module(c_tail_calls).
-export([main/0, ext_loop/2]).

%% Tail calls in every form run in constant stack: local, external, fun, apply, mutual, via case/try-free paths.
main() ->
    D = fun erlang:display/1,
    D(local_loop(3000000, 0)),
    D(?MODULE:ext_loop(3000000, 0)),
    F = fun Loop(0, A) -> A; Loop(N, A) -> Loop(N - 1, A + 2) end,
    D(F(3000000, 0)),
    D(apply_loop(1000000, 0)),
    D(ping(1000000)),
    D(case_tail(2000000)),
    D(state_machine(a, 1000000, 0)),
    D(ho_loop(fun(X) -> X + 1 end, 1000000, 0)),
    erlang:halt().

local_loop(0, A) -> A;
local_loop(N, A) -> local_loop(N - 1, A + 1).

ext_loop(0, A) -> A;
ext_loop(N, A) -> ?MODULE:ext_loop(N - 1, A + 1).

apply_loop(0, A) -> A;
apply_loop(N, A) -> apply(fun apply_loop/2, [N - 1, A + 3]).

ping(0) -> ping_done;
ping(N) -> pong(N - 1).
pong(0) -> pong_done;
pong(N) -> ping(N - 1).

case_tail(N) ->
    case N of
        0 -> bottom;
        _ when N rem 2 =:= 0 -> case_tail(N - 1);
        _ -> case_tail(N - 1)
    end.

state_machine(_, 0, Acc) -> Acc;
state_machine(a, N, Acc) -> state_machine(b, N - 1, Acc + 1);
state_machine(b, N, Acc) -> state_machine(c, N - 1, Acc * 1);
state_machine(c, N, Acc) -> state_machine(a, N - 1, Acc).

ho_loop(_, 0, A) -> A;
ho_loop(F, N, A) -> ho_loop(F, N - 1, F(A)).
