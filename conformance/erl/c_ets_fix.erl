-module(c_ets_fix).
-export([main/0]).

%% safe_fixtable and what ets:info reports of it (counts per process, the first fixation's
%% time, release when the fixing process exits), rename's return value, and the bindings
%% '$$' and ets:match return ('$0' included, unbound numbers skipped).
main() ->
    T = ets:new(t, [public]),
    ets:insert(T, [{I, I * I} || I <- lists:seq(1, 5)]),
    show(T),
    M0 = erlang:monotonic_time(),
    S0 = erlang:timestamp(),
    true = ets:safe_fixtable(T, true),
    true = ets:safe_fixtable(T, true),
    {Mono, [{Self, 2}]} = ets:info(T, safe_fixed_monotonic_time),
    {Sys, [{Self, 2}]} = ets:info(T, safe_fixed),
    io:format("fixed by me twice: ~p, times in order: ~p~n",
              [Self =:= self(), M0 =< Mono andalso Mono =< erlang:monotonic_time() andalso S0 =< Sys]),
    Parent = self(),
    P = spawn(fun() -> ets:safe_fixtable(T, true), Parent ! fixed, receive go -> ok end end),
    receive fixed -> ok end,
    {Mono, Fixers} = ets:info(T, safe_fixed_monotonic_time),
    io:format("fixers: ~p~n", [lists:sort([{Pid =:= self(), N} || {Pid, N} <- Fixers])]),
    Ref = monitor(process, P),
    P ! go,
    receive {'DOWN', Ref, _, _, _} -> ok end,
    {Mono, [{_, 2}]} = ets:info(T, safe_fixed_monotonic_time),
    io:format("after the other exits: ~p~n", [ets:info(T, fixed)]),
    true = ets:safe_fixtable(T, false),
    true = ets:safe_fixtable(T, false),
    true = ets:safe_fixtable(T, false),
    show(T),
    io:format("~p~n", [reason(catch ets:safe_fixtable(T, maybe))]),
    io:format("~p~n", [reason(catch ets:safe_fixtable(no_such_table, true))]),
    %% rename
    U = ets:new(unnamed, [public]),
    io:format("rename unnamed gives the tid: ~p, name ~p~n", [ets:rename(U, renamed) =:= U, ets:info(U, name)]),
    ets:new(named, [named_table, public]),
    io:format("rename named gives the name: ~p~n", [ets:rename(named, renamed2)]),
    %% match bindings
    B = ets:new(b, [bag]),
    ets:insert(B, [{{one, 4}, 4}, {{one, 5}, 5}, {{two, 4}, 4}, {k, v, w}]),
    io:format("~p~n", [lists:sort(ets:match(B, {{one, '_'}, '$0'}))]),
    io:format("~p~n", [lists:sort(ets:match(B, {'$3', '$1'}))]),
    io:format("~p~n", [lists:sort(ets:match(B, {'$5', '_', '$2'}))]),
    io:format("~p~n", [lists:sort(ets:select(B, [{{{'$7', '$0'}, '_'}, [], ['$$']}]))]),
    erlang:halt().

show(T) -> io:format("~p~n", [[ets:info(T, I) || I <- [fixed, safe_fixed, safe_fixed_monotonic_time]]]).

reason({'EXIT', {R, [{M, F, _, _} | _]}}) -> {R, M, F}.
