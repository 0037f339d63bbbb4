-module(c_ets_wc).
-export([main/0]).

%% Hash tables with write_concurrency written from every scheduler at once: single-key
%% writes (insert, insert_new, update_counter, update_element, delete, take) of keys in every
%% lock stripe, beside traversals and list inserts that must see (and make) whole states. The
%% final contents are checked exactly: no update is lost.
main() ->
    lists:foreach(fun(Opts) -> run(Opts) end,
                  [[set, {write_concurrency, true}],
                   [set, {write_concurrency, true}, {read_concurrency, true}],
                   [bag, {write_concurrency, true}],
                   [duplicate_bag, {write_concurrency, auto}],
                   [set]]),
    erlang:halt().

-define(W, 6).
-define(N, 4000).
-define(K, 500).

run(Opts) ->
    T = ets:new(t, [public | Opts]),
    Self = self(),
    Kind = hd(Opts),
    Ws = [spawn_link(fun() -> worker(T, Kind, W, ?N), Self ! {done, self()} end) || W <- lists:seq(1, ?W)],
    Walker = spawn_link(fun() -> Self ! {walked, walker(T, 0)} end),
    [receive {done, P} -> ok end || P <- Ws],
    Walker ! stop,
    Bad = receive {walked, B} -> B end,
    io:format("~p: info ~p~n", [Opts, [ets:info(T, I) || I <- [type, read_concurrency]] ++ [wc(T, Opts)]]),
    io:format("  torn reads: ~p~n", [Bad]),
    report(T, Kind),
    ets:delete(T).

%% Every worker bumps one counter per key (set) or adds one object per key (bags), and adds
%% then removes private keys; a list insert puts a batch of keys that must appear together.
worker(T, set, W, N) ->
    [ets:update_counter(T, {c, I rem ?K}, {2, 1}, {{c, I rem ?K}, 0, 0}) || I <- lists:seq(1, N)],
    [begin
         true = ets:insert(T, {{p, W, I}, W}),
         false = ets:insert_new(T, {{p, W, I}, x}),
         true = ets:update_element(T, {p, W, I}, {2, -W}),
         [{_, V}] = ets:take(T, {p, W, I}),
         V = -W
     end || I <- lists:seq(1, N div 4)],
    true = ets:insert(T, [{{batch, W, J}, W} || J <- lists:seq(1, 20)]),
    ok;
worker(T, _Bag, W, N) ->
    [ets:insert(T, {{b, I rem ?K}, W, I div ?K}) || I <- lists:seq(1, N)],
    [begin ets:insert(T, {{p, W, I}, W}), true = ets:delete(T, {p, W, I}) end || I <- lists:seq(1, N div 4)],
    true = ets:insert(T, [{{batch, W, J}, W, 0} || J <- lists:seq(1, 20)]),
    ok.

%% Traverses until told to stop (traversals are not isolated from writers, on erl either):
%% every object seen is one a worker wrote, whole.
walker(T, Bad) ->
    receive stop -> Bad
    after 0 ->
        All = ets:tab2list(T),
        Torn = length([O || O <- All, not well_formed(O)]),
        Sel = ets:select_count(T, [{{{c, '_'}, '$1', '_'}, [{is_integer, '$1'}], [true]}]),
        walker(T, Bad + Torn + (if Sel =< ?K -> 0; true -> 1 end))
    end.

well_formed({{c, K}, V, 0}) -> is_integer(K) andalso is_integer(V);
well_formed({{p, W, I}, V}) -> is_integer(I) andalso (V =:= W orelse V =:= -W);
well_formed({{batch, W, J}, W}) -> J >= 1 andalso J =< 20;
well_formed({{b, K}, W, I}) -> K < ?K andalso W =< ?W andalso is_integer(I);
well_formed({{p, W, I}, W}) -> is_integer(I);
well_formed({{batch, W, J}, W, 0}) -> J >= 1 andalso J =< 20;
well_formed(_) -> false.

report(T, set) ->
    Counters = lists:sort([{K, V} || {{c, K}, V, 0} <- ets:tab2list(T)]),
    io:format("  counters ~p, total ~p, all ~p~n",
              [length(Counters), lists:sum([V || {_, V} <- Counters]),
               lists:usort([V || {_, V} <- Counters])]),
    io:format("  private left ~p, batches ~p, size ~p~n",
              [length(ets:match(T, {{p, '_', '_'}, '_'})), length(ets:match(T, {{batch, '$1', '_'}, '_'})),
               ets:info(T, size)]);
report(T, _) ->
    Keys = lists:usort([K || {{b, K}, _, _} <- ets:tab2list(T)]),
    Per = lists:usort([length(ets:lookup(T, {b, K})) || K <- Keys]),
    io:format("  bag keys ~p, objects per key ~p, private left ~p, size ~p~n",
              [length(Keys), Per, length(ets:match(T, {{p, '_', '_'}, '_'})), ets:info(T, size)]).

%% A table gets write_concurrency only on more than one scheduler (as on erl): the corpus
%% also runs on one, where it must be off; the line printed is then what the options ask for
%% (what erl, on this machine's schedulers, prints).
wc(T, Opts) ->
    case erlang:system_info(schedulers) of
        1 ->
            false = ets:info(T, write_concurrency),
            case {lists:member(private, Opts), proplists:get_value(write_concurrency, Opts, false)} of
                {true, _} -> false;
                {false, {debug_hash_fixed_number_of_locks, N}} -> {debug_hash_fixed_number_of_locks, max(64, N)};
                {false, V} -> V
            end;
        _ -> ets:info(T, write_concurrency)
    end.
