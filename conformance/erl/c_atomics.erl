-module(c_atomics).
-export([main/0]).

%% atomics: new/2, put/get, add/add_get, sub/sub_get, exchange, compare_exchange, info; 64-bit
%% wrapping, signed and unsigned; errors (reason and error_info only); the reference as a term
%% (compare, hash, encode, print-and-parse), sent in messages, kept in ETS and persistent_term;
%% concurrent adds; many arrays made and dropped.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    Max = (1 bsl 63) - 1, Min = -(1 bsl 63), UMax = (1 bsl 64) - 1,
    %% new/2 and info/1.
    A = atomics:new(3, []),
    D(atomics:info(A)),
    D(atomics:info(atomics:new(1, [{signed, false}]))),
    D(atomics:info(atomics:new(100, [{signed, true}]))),
    D(atomics:info(atomics:new(2, [{signed, false}, {signed, true}]))),
    D([err(fun() -> atomics:new(N, O) end)
       || {N, O} <- [{0, []}, {-1, []}, {a, []}, {1.0, []}, {1 bsl 64, []}, {1 bsl 61, []},
                     {1, [foo]}, {1, [{signed, 1}]}, {1, foo}, {1, [{signed, true} | bad]}]]),
    %% Fresh arrays hold zeros.
    D([atomics:get(A, I) || I <- [1, 2, 3]]),
    %% put/get, add/add_get, sub/sub_get, exchange, compare_exchange.
    D({atomics:put(A, 1, 42), atomics:get(A, 1)}),
    D({atomics:add(A, 1, 8), atomics:get(A, 1)}),
    D(atomics:add_get(A, 1, -100)),
    D({atomics:sub(A, 1, 1), atomics:get(A, 1)}),
    D(atomics:sub_get(A, 1, -59)),
    D({atomics:exchange(A, 2, 7), atomics:exchange(A, 2, 8), atomics:get(A, 2)}),
    D({atomics:compare_exchange(A, 2, 8, 9), atomics:get(A, 2)}),
    D({atomics:compare_exchange(A, 2, 8, 10), atomics:get(A, 2)}),
    %% Signed wrapping at the 64-bit limits.
    atomics:put(A, 3, Max),
    D(atomics:add_get(A, 3, 1) =:= Min),
    D(atomics:sub_get(A, 3, 1) =:= Max),
    D(atomics:add_get(A, 3, UMax)),
    D(atomics:add_get(A, 3, Min)),
    D(atomics:add_get(A, 3, 1 bsl 63)),
    atomics:put(A, 3, Min),
    D({atomics:get(A, 3), atomics:exchange(A, 3, Max), atomics:get(A, 3)}),
    D([err(fun() -> atomics:put(A, 3, V) end) || V <- [Max + 1, Min - 1, UMax, 1.0, a]]),
    D([err(fun() -> atomics:add(A, 3, V) end) || V <- [UMax + 1, Min - 1, 0.5, "1"]]),
    D([err(fun() -> atomics:compare_exchange(A, 3, E, N) end) || {E, N} <- [{Max + 1, 0}, {0, Min - 1}, {x, 0}]]),
    %% Unsigned.
    U = atomics:new(2, [{signed, false}]),
    D(atomics:sub_get(U, 1, 1) =:= UMax),
    D(atomics:add_get(U, 1, 1)),
    D(atomics:add_get(U, 1, -1) =:= UMax),
    D(atomics:add_get(U, 1, Min)),
    D({atomics:put(U, 2, UMax), atomics:get(U, 2) =:= UMax, atomics:exchange(U, 2, Max + 1)}),
    D(atomics:compare_exchange(U, 2, 0, 1) =:= Max + 1),
    D(atomics:compare_exchange(U, 2, Max + 1, UMax)),
    D([err(fun() -> atomics:put(U, 1, V) end) || V <- [-1, UMax + 1, Min]]),
    D([err(fun() -> atomics:compare_exchange(U, 1, -1, 0) end)]),
    %% Indexes and references.
    D([err(fun() -> atomics:get(A, I) end) || I <- [0, 4, -1, 1 bsl 64, a, 1.0]]),
    D([err(fun() -> atomics:put(A, I, 1) end) || I <- [0, 4]]),
    D([err(fun() -> atomics:F(R, 1, 1) end)
       || R <- [make_ref(), a, {A}, 3], F <- [put, add, add_get, sub, sub_get, exchange]]),
    D([err(fun() -> atomics:get(R, 1) end) || R <- [make_ref(), a]]),
    D([err(fun() -> atomics:info(R) end) || R <- [make_ref(), a, {A}]]),
    D(err(fun() -> atomics:compare_exchange(make_ref(), 1, 1, 1) end)),
    %% A counters reference is no atomics reference.
    {write_concurrency, CR} = counters:new(1, [write_concurrency]),
    D({err(fun() -> atomics:get(CR, 1) end), err(fun() -> atomics:info(CR) end)}),
    %% Error info as erl_erts_errors explains it.
    D(explain(fun() -> atomics:get(A, 0) end)),
    D(explain(fun() -> atomics:put(A, 1, Max + 1) end)),
    D(explain(fun() -> atomics:add(make_ref(), 1, 1) end)),
    D(explain(fun() -> atomics:new(0, []) end)),
    D(explain(fun() -> atomics:new(1, [bad]) end)),
    %% The reference as a term.
    B = atomics:new(1, []),
    D({is_reference(A), A =:= A, A =/= B, A == B, A < B orelse B < A, lists:usort([A, B, A]) =:= lists:sort([A, B])}),
    D(erlang:phash2(A) =:= erlang:phash2(binary_to_term(term_to_binary(A)))),
    D(size(term_to_binary(A)) =:= size(term_to_binary(make_ref()))),
    A2 = binary_to_term(term_to_binary({x, A})),
    D({element(2, A2) =:= A, atomics:get(element(2, A2), 1)}),
    A3 = list_to_ref(ref_to_list(A)),
    D({A3 =:= A, atomics:put(A3, 2, 5), atomics:get(A, 2)}),
    D(#{A => 1, B => 2} =:= #{B => 2, A => 1}),
    %% Sent in a message and used by the receiver.
    Self = self(),
    P = spawn(fun() -> receive {R, I} -> atomics:add(R, I, 1000), Self ! {done, R =:= A} end end),
    P ! {A, 1},
    D(receive {done, Same} -> {Same, atomics:get(A, 1)} end),
    %% Kept in ETS and persistent_term, used after the maker is gone.
    T = ets:new(t, [public]),
    Maker = spawn(fun() ->
                          R = atomics:new(2, [{signed, false}]),
                          atomics:put(R, 2, 77),
                          ets:insert(T, {k, R}),
                          persistent_term:put({?MODULE, ref}, R),
                          Self ! made
                  end),
    receive made -> ok end,
    Mon = monitor(process, Maker),
    receive {'DOWN', Mon, _, _, _} -> ok end,
    erlang:garbage_collect(),
    [{k, E}] = ets:lookup(T, k),
    D({atomics:get(E, 2), atomics:add_get(E, 2, 1)}),
    PT = persistent_term:get({?MODULE, ref}),
    D({PT =:= E, atomics:get(PT, 2), atomics:info(PT)}),
    ets:delete(T),
    persistent_term:erase({?MODULE, ref}),
    %% Concurrent adds from many processes.
    C = atomics:new(2, []),
    N = 50, K = 2000,
    Pids = [spawn_link(fun() -> add_loop(C, K), Self ! {self(), fin} end) || _ <- lists:seq(1, N)],
    [receive {Pid, fin} -> ok end || Pid <- Pids],
    D({atomics:get(C, 1), atomics:get(C, 2)}),
    %% Many arrays made and dropped.
    D(churn(100000)),
    halt().

add_loop(_, 0) -> ok;
add_loop(C, K) ->
    atomics:add(C, 1, 1),
    atomics:sub_get(C, 2, 3),
    add_loop(C, K - 1).

churn(0) -> ok;
churn(N) ->
    R = atomics:new(64, []),
    atomics:put(R, 64, N),
    N = atomics:get(R, 64),
    case N rem 10000 of
        0 -> erlang:garbage_collect();
        _ -> ok
    end,
    churn(N - 1).

err(F) ->
    try F() of V -> {ok, V}
    catch C:R:S -> {C, R, info(S)}
    end.

%% The error_info of the top frame (its arguments may hold references: left out).
info([{_, _, _, I} | _]) -> proplists:get_value(error_info, I);
info(_) -> none.

explain(F) ->
    try F() catch error:R:S -> erl_erts_errors:format_error(R, S) end.
