-module(bench_util).
-export([main/1, fresh_process/0, idle_processes/1]).
%% The protocol between the harness and every benches/erl/bench_*.erl module.
%%
%% A benchmark module exports run/1: run(small) is a tiny instance (a few ms; the test
%% suite runs it so no benchmark rots), run(full) the measured one (about 50-500 ms on erl).
%% run/1 returns a term made of numbers, atoms, lists, tuples, maps and binaries only (no
%% pids, refs or funs), so erlang:phash2/1 of it is the same on every VM: the checksum.
%%
%%   beamos -noshell -pa DIR -s bench_util main bench_fib full 5
%%
%% runs Mod:run(Size) once untimed (warm-up, checksum), then Reps times timed, and prints
%%   checksum <phash2 of the result>
%%   times <t1> <t2> ... (microseconds of wall time, monotonic clock)
%% then halts. Every timed run must return a term equal to the first one.
main([Mod, Size, Reps]) ->
    N = list_to_integer(atom_to_list(Reps)),
    R = Mod:run(Size),
    Ts = [time_one(Mod, Size, R) || _ <- lists:seq(1, N)],
    io:format("checksum ~w~ntimes~s~n", [erlang:phash2(R), [[$\s | integer_to_list(T)] || T <- Ts]]),
    erlang:halt().

time_one(Mod, Size, R) ->
    T0 = erlang:monotonic_time(microsecond),
    R1 = Mod:run(Size),
    T = erlang:monotonic_time(microsecond) - T0,
    case R1 =:= R of
        true -> T;
        false -> erlang:error({nondeterministic_result, Mod, Size})
    end.

%% VM figures (beamos-bench prints them beside erl's): the memory of a fresh process in
%% words, as process_info reports it, and the time to spawn N processes that then wait.
fresh_process() ->
    P = spawn(fun() -> receive stop -> ok end end),
    {memory, B} = erlang:process_info(P, memory),
    io:format("~w~n", [B div erlang:system_info(wordsize)]),
    erlang:halt().

idle_processes([NAtom]) ->
    N = list_to_integer(atom_to_list(NAtom)),
    T0 = erlang:monotonic_time(microsecond),
    Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)],
    T = erlang:monotonic_time(microsecond) - T0,
    io:format("~w ~w~n", [length(Ps), T]),
    erlang:halt().
