-module(c_ets_opts).
-export([main/0]).

%% ets:new/2 options, valid and invalid, read back with ets:info/2.
main() ->
    Opts = [[], [set], [bag, {write_concurrency, true}], [ordered_set, {write_concurrency, auto}],
            [{write_concurrency, {debug_hash_fixed_number_of_locks, 2048}}],
            [duplicate_bag, {write_concurrency, {debug_hash_fixed_number_of_locks, 3}}],
            [ordered_set, {write_concurrency, {debug_hash_fixed_number_of_locks, 2048}}],
            [{write_concurrency, {debug_hash_fixed_number_of_locks, x}}],
            [{read_concurrency, true}, {decentralized_counters, true}],
            [{keypos, 2}, compressed, private], [{keypos, 0}], [{heir, none}], [bogus], [{write_concurrency, maybe}]],
    [io:format("~p: ~p~n", [O, info(O)]) || O <- Opts],
    halt().

info(O) ->
    case catch ets:new(t, O) of
        {'EXIT', {R, _}} -> R;
        T -> [ets:info(T, I) || I <- [type, protection, keypos, compressed, read_concurrency]] ++ [wc(T, O)]
    end.

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
