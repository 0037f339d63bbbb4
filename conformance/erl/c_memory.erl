-module(c_memory).
-export([main/0]).

%% erlang:memory/0,1: the items, their relations, and that they follow what the program does
%% (amounts differ between VMs; only relations and directions are printed).
id(X) -> X.

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    M = erlang:memory(),
    D([K || {K, _} <- M]),
    V = fun(K) -> proplists:get_value(K, M) end,
    D(V(total) =:= V(processes) + V(system)),
    D(V(system) >= V(atom) + V(binary) + V(code) + V(ets)),
    D({V(atom) >= V(atom_used), V(processes) >= V(processes_used)}),
    D(lists:all(fun({_, X}) -> is_integer(X) andalso X >= 0 end, M)),
    B0 = erlang:memory(binary),
    Big = id(binary:copy(<<7>>, 10000000)),
    B1 = erlang:memory(binary),
    D(B1 - B0 >= 9000000),
    D(byte_size(Big)),
    Self = self(),
    P = spawn(fun() -> X = id(binary:copy(<<1>>, 5000000)), Self ! {made, byte_size(X)}, receive stop -> byte_size(X) end end),
    receive {made, _} -> ok end,
    B2 = erlang:memory(binary),
    D(B2 - B1 >= 4500000),
    MP = monitor(process, P),
    P ! stop,
    receive {'DOWN', MP, _, _, _} -> ok end,
    D(erlang:memory(binary) < B2),
    D(byte_size(Big)),
    T = ets:new(t, []),
    E0 = erlang:memory(ets),
    ets:insert(T, [{I, lists:seq(1, 10)} || I <- lists:seq(1, 20000)]),
    E1 = erlang:memory(ets),
    D(E1 - E0 > 20000 * 8 * 10),
    ets:delete(T),
    D(erlang:memory(ets) < E1),
    P0 = erlang:memory(processes),
    Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 1000)],
    D(erlang:memory(processes) - P0 > 1000 * 200),
    [Q ! stop || Q <- Ps],
    D(erlang:memory([total, ets]) =/= []),
    D([K || {K, _} <- erlang:memory([atom, code])]),
    D(reason(catch erlang:memory(bogus))),
    D(reason(catch erlang:memory([total, bogus]))),
    D(reason(catch erlang:memory("total"))),
    halt().

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
