#!/usr/bin/env escript
%% -*- erlang -*-
%% The most common reasons why cases that pass on erl do not pass on beamos, from a driver
%% summary (cache/results/summary.tsv): build variants and line numbers are folded together.
%%   top.escript SUMMARY [N]
-mode(compile).

main([File | Rest]) ->
    N = case Rest of [X] -> list_to_integer(X); [] -> 40 end,
    {ok, Bin} = file:read_file(File),
    [_ | Lines] = string:split(unicode:characters_to_list(Bin), "\n", all),
    Rows = [string:split(L, "\t", all) || L <- Lines, L =/= ""],
    Bad = [{S, C, Cl, fold(R)} || [S, C, _Conf, "passed", _B, Cl, R] <- Rows,
                                   Cl =:= "differ" orelse Cl =:= "crash"],
    Groups = lists:foldl(fun({S, C, Cl, R}, M) ->
                                 maps:update_with({Cl, R}, fun(L) -> [{S, C} | L] end, [{S, C}], M)
                         end, #{}, Bad),
    Sorted = lists:reverse(lists:keysort(2, [{K, length(V), V} || {K, V} <- maps:to_list(Groups)])),
    io:format("~b cases pass on erl, not on beamos; ~b distinct reasons~n", [length(Bad), length(Sorted)]),
    [begin
         Base = lists:usort([{base(S), C} || {S, C} <- V]),
         {S1, C1} = hd(lists:sort(V)),
         io:format("~5b ~-6s (~b base cases) ~ts~n        e.g. ~s ~s~n", [Count, Cl, length(Base), R, S1, C1])
     end || {{Cl, R}, Count, V} <- lists:sublist(Sorted, N)],
    ok.

%% Variant suites to their base suite, line numbers away.
fold(R) ->
    R1 = re:replace(R, "_(no_opt|no_ssa_opt|post_opt|no_copt|inline|r23|r24|no_module_opt|no_type_opt|dialyzer)_SUITE", "_SUITE", [global, {return, list}]),
    R2 = re:replace(R1, ":[0-9]+", "", [global, {return, list}]),
    R3 = re:replace(R2, "<[0-9.]+>|#Ref<[0-9.]+>", "<..>", [global, {return, list}]),
    lists:sublist(R3, 220).

base(S) ->
    re:replace(S, "_(no_opt|no_ssa_opt|post_opt|no_copt|inline|r23|r24|no_module_opt|no_type_opt|dialyzer)_SUITE", "_SUITE", [{return, list}]).
