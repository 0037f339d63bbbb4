-module(c_counters).
-export([main/0]).

%% counters (plain Erlang over atomics and the erts_internal:counters_* BIFs): new/2 with
%% [atomics], [write_concurrency] and [], get, add, sub, put, info; 64-bit signed wrapping;
%% errors (reason and error_info only); concurrent adds; a counters reference in a message,
%% ETS and persistent_term.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    Max = (1 bsl 63) - 1, Min = -(1 bsl 63), UMax = (1 bsl 64) - 1,
    Kinds = [[atomics], [write_concurrency], []],
    [D(kind(Opts, Max, Min, UMax)) || Opts <- Kinds],
    %% info/1: write_concurrency keeps one instance per scheduler and a base, a cache line of
    %% eight counters each (erl_bif_counters.c).
    Scheds = erlang:system_info(schedulers),
    Mem = fun(N) -> 32 + (Scheds + 1) * ((N + 7) div 8) * 64 end,
    [begin
         #{size := S, memory := M} = counters:info(counters:new(N, [write_concurrency])),
         D({N, S, M =:= Mem(N)})
     end || N <- [1, 3, 8, 9, 100]],
    D(counters:info(counters:new(3, [atomics]))),
    D(counters:info(counters:new(10, []))),
    %% Errors of new/2.
    D([err(fun() -> counters:new(N, O) end)
       || {N, O} <- [{0, []}, {-1, []}, {a, []}, {0, [write_concurrency]}, {-5, [write_concurrency]},
                     {1 bsl 64, [write_concurrency]}, {1 bsl 64, [atomics]}, {1, [bad]},
                     {1, [atomics, write_concurrency]}, {1, foo}, {1.5, []}]]),
    %% Bad references.
    D([err(fun() -> counters:F(R, 1) end) || R <- [make_ref(), {atomics, make_ref()}, {foo, 1}, a], F <- [get]]),
    D([err(fun() -> counters:F(R, 1, 1) end)
       || R <- [make_ref(), {write_concurrency, make_ref()}, {foo, 1}], F <- [add, sub, put]]),
    D([err(fun() -> counters:info(R) end) || R <- [make_ref(), {atomics, make_ref()}, {write_concurrency, a}]]),
    {atomics, AR} = counters:new(1, [atomics]),
    {write_concurrency, WR} = counters:new(1, [write_concurrency]),
    D({err(fun() -> counters:get({write_concurrency, AR}, 1) end),
       err(fun() -> counters:get({atomics, WR}, 1) end)}),
    D(explain(fun() -> counters:get({write_concurrency, make_ref()}, 1) end)),
    D(explain(fun() -> counters:add(counters:new(1, []), 2, 1) end)),
    D(explain(fun() -> counters:new(1, [bad]) end)),
    %% Concurrent adds and subs.
    Self = self(),
    [begin
         C = counters:new(2, Opts),
         Pids = [spawn_link(fun() -> loop(C, 1000), Self ! {self(), fin} end) || _ <- lists:seq(1, 40)],
         [receive {P, fin} -> ok end || P <- Pids],
         D({Opts, counters:get(C, 1), counters:get(C, 2)})
     end || Opts <- Kinds],
    %% Through a message, ETS and persistent_term.
    C1 = counters:new(1, [write_concurrency]),
    P1 = spawn(fun() -> receive {C, From} -> counters:add(C, 1, 5), From ! added end end),
    P1 ! {C1, Self},
    receive added -> ok end,
    D(counters:get(C1, 1)),
    T = ets:new(t, []),
    ets:insert(T, {c, counters:new(1, [write_concurrency])}),
    [{c, C2}] = ets:lookup(T, c),
    counters:add(C2, 1, 3),
    [{c, C3}] = ets:lookup(T, c),
    D({counters:get(C3, 1), C2 =:= C3}),
    persistent_term:put({?MODULE, c}, C3),
    counters:sub(persistent_term:get({?MODULE, c}), 1, 10),
    D(counters:get(C2, 1)),
    persistent_term:erase({?MODULE, c}),
    halt().

%% One kind of counters through its operations, wrapping at 64 bits signed.
kind(Opts, Max, Min, UMax) ->
    C = counters:new(3, Opts),
    R0 = [counters:get(C, I) || I <- [1, 2, 3]],
    ok = counters:add(C, 1, 10),
    ok = counters:sub(C, 1, 3),
    ok = counters:put(C, 2, -5),
    ok = counters:add(C, 2, 2),
    R1 = [counters:get(C, I) || I <- [1, 2, 3]],
    counters:put(C, 3, Max),
    counters:add(C, 3, 1),
    W1 = counters:get(C, 3) =:= Min,
    counters:sub(C, 3, 1),
    W2 = counters:get(C, 3) =:= Max,
    counters:add(C, 3, UMax),
    W3 = counters:get(C, 3),
    counters:put(C, 3, Min),
    counters:sub(C, 3, Max),
    W4 = counters:get(C, 3),
    counters:put(C, 1, 0),
    counters:add(C, 1, Min),
    W5 = counters:get(C, 1),
    Errs = [err(fun() -> counters:put(C, 1, V) end) || V <- [Max + 1, UMax, Min - 1, 1.0]]
        ++ [err(fun() -> counters:add(C, 1, V) end) || V <- [UMax + 1, Min - 1, a]]
        ++ [err(fun() -> counters:sub(C, 1, V) end) || V <- [UMax + 1, Min - 1, a]]
        ++ [err(fun() -> counters:get(C, I) end) || I <- [0, 4, -1, 1 bsl 64, a]]
        ++ [err(fun() -> counters:add(C, I, 1) end) || I <- [0, 4]]
        ++ [err(fun() -> counters:put(C, I, 1) end) || I <- [0, 4]],
    {Opts, R0, R1, W1, W2, W3, W4, W5, Errs}.

loop(_, 0) -> ok;
loop(C, K) ->
    counters:add(C, 1, 1),
    counters:sub(C, 2, 2),
    loop(C, K - 1).

err(F) ->
    try F() of V -> {ok, V}
    catch C:R:S -> {C, R, info(S)}
    end.

%% The error_info of the top frame (its arguments may hold references: left out).
info([{_, _, _, I} | _]) -> proplists:get_value(error_info, I);
info(_) -> none.

explain(F) ->
    try F() catch error:R:S -> erl_erts_errors:format_error(R, S) end.
