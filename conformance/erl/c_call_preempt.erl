-module(c_call_preempt).
-export([main/0, apply_target/5, id/1]).
%% Calls that are preempted (the slice's reductions run out at the call) must keep every live
%% x register: a closure's free variables (copied beside its arguments by call_fun/call_fun2)
%% and an apply's arguments (more than apply/2,3's own).
main() ->
    Parent = self(),
    %% lists:foreach guards with is_function(F, 1), so the closure is called by call_fun2.
    lists:foreach(fun(I) -> spawn(fun() -> report(Parent, I) end) end, lists:seq(1, 5000)),
    io:format("closures: ~p~n", [collect(5000, 0)]),
    %% A closure with many free variables, called in a loop long enough to be preempted often.
    {A, B, C, D} = {1, 2, 3, 4},
    F = fun(N) -> N + A + B + C + D end,
    io:format("free vars: ~p~n", [loop(F, 100000, 0)]),
    %% apply/3 and apply/2 with five arguments, in loops, while other processes run (and
    %% use the registers) between slices.
    io:format("apply: ~p~n", [in_parallel(fun(K) -> apply_loop(K, 0) end)]),
    G = fun ?MODULE:apply_target/5,
    io:format("apply fun: ~p~n", [in_parallel(fun(K) -> apply_fun_loop(G, K, 0) end)]),
    erlang:halt().

report(Parent, _I) when is_pid(Parent) -> Parent ! ok;
report(Parent, I) -> io:format("child ~p got Parent=~p~n", [I, Parent]), halt(1).

collect(0, N) -> N;
collect(K, N) -> receive ok -> collect(K - 1, N + 1) after 2000 -> {timeout, N} end.

loop(_, 0, Acc) -> Acc;
loop(F, K, Acc) when is_function(F, 1) -> loop(F, K - 1, Acc + F(K)).

apply_target(A, B, C, D, E) -> A + B * 2 + C * 3 + D * 4 + E * 5.

apply_loop(0, Acc) -> Acc;
apply_loop(K, Acc) -> apply_loop(K - 1, Acc + apply(?MODULE, apply_target, ?MODULE:id([K, 1, 2, 3, 4]))).

apply_fun_loop(_, 0, Acc) -> Acc;
apply_fun_loop(G, K, Acc) -> apply_fun_loop(G, K - 1, Acc + apply(G, ?MODULE:id([K, 4, 3, 2, 1]))).

id(X) -> X.

in_parallel(F) ->
    Self = self(),
    Ks = [100000, 50000, 70000],
    Pids = [spawn(fun() -> Self ! {self(), F(K)} end) || K <- Ks],
    [receive {P, R} -> R end || P <- Pids].
