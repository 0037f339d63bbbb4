-module(c_exc_try).
-export([main/0]).

%% try/of/catch/after semantics, nesting, rethrow, after ordering via the process dictionary.
main() ->
    D = fun erlang:display/1,
    D(try 1 + 1 of 2 -> two; _ -> other catch _:_ -> caught end),
    D(try throw(x) of _ -> not_reached catch throw:x -> thrown end),
    D(try error(e) catch error:e -> err end),
    D(try exit(x) catch exit:x -> exited end),
    D(try throw(t) catch T -> {default_class_is_throw, T} end),
    D(try id(1) catch _ -> no after put(after1, done) end),
    D(get(after1)),
    D(try try throw(inner) after put(after2, ran) end catch throw:inner -> outer_caught end),
    D(get(after2)),
    D(try try error(a) catch error:a -> error(b) end catch error:R1 -> {rethrown, R1} end),
    D(try try throw(a) catch C0:R0:S0 -> erlang:raise(C0, R0, S0) end catch Cl:Re -> {Cl, Re} end),
    D(try (try error(x) of _ -> ok catch exit:_ -> wrong_class end) catch error:x -> passed_through end),
    D(try (try id(3) of 3 -> throw(from_of) catch throw:from_of -> wrong end) catch throw:from_of -> of_body_not_protected end),
    D(order()),
    D(erase(trace)),
    D(catch_all([fun() -> ok end, fun() -> throw(a) end, fun() -> error(b) end, fun() -> exit(c) end])),
    D(try lists:map(fun(X) when X > 0 -> X end, [1, 0]) catch error:function_clause -> fc end),
    D(t(fun() -> try error(inside) after throw(from_after) end end)),
    D(nested_depth(50)),
    D(try id(a) of a -> ok after ok end),
    D(try ok catch _:_ -> x end),
    D(try id(v) of V when V =:= v -> {guarded, V} catch _ -> no end),
    D((fun() -> try throw(x) catch throw:x -> ok after ok end end)()),
    erlang:halt().

order() ->
    put(trace, []),
    Log = fun(X) -> put(trace, [X | get(trace)]) end,
    try
        Log(body),
        try
            Log(inner_body),
            throw(boom)
        after
            Log(inner_after)
        end
    catch
        throw:boom -> Log(caught)
    after
        Log(outer_after)
    end,
    lists:reverse(get(trace)).

catch_all(Fs) ->
    [try F() catch Class:Reason -> {Class, Reason} end || F <- Fs].

nested_depth(0) -> throw(bottom);
nested_depth(N) ->
    try nested_depth(N - 1) catch throw:bottom when N =:= 50 -> {caught_at, N} end.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
