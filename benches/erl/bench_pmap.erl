-module(bench_pmap).
-export([run/1]).
%% Fan-out/fan-in: a parallel map, one process per element, results gathered by selective receive.
run(small) -> rounds(2, 50);
run(full) -> rounds(20, 1000).

rounds(Rounds, N) ->
    Results = [pmap(fun work/1, lists:seq(R, R + N - 1)) || R <- lists:seq(1, Rounds)],
    {lists:sum(lists:append(Results)), lists:last(lists:last(Results))}.

pmap(F, Xs) ->
    Parent = self(),
    Pids = [spawn(fun() -> Parent ! {self(), F(X)} end) || X <- Xs],
    [receive {Pid, Y} -> Y end || Pid <- Pids].

%% A little CPU work per element: the Collatz step count of a few numbers.
work(X) -> lists:sum([collatz(X * 7 + K, 0) || K <- lists:seq(1, 10)]).

collatz(1, Steps) -> Steps;
collatz(N, Steps) when N rem 2 =:= 0 -> collatz(N div 2, Steps + 1);
collatz(N, Steps) -> collatz(3 * N + 1, Steps + 1).
