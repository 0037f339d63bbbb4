-module(c_procinfo_binary).
-export([main/0]).

%% process_info(P, binary): the off-heap binaries a process refers to, each with its size
%% and reference count (shared with a process it sent one to), of itself and of others.
main() ->
    {binary, B0} = process_info(self(), binary),
    Bin = list_to_binary(lists:seq(1, 200)),
    Small = <<1, 2, 3>>,
    {binary, B1} = process_info(self(), binary),
    Self = self(),
    P = spawn(fun() -> receive {B, S} -> Self ! go, receive stop -> byte_size(B) + byte_size(S) end end end),
    P ! {Bin, Small},
    receive go -> ok end,
    {binary, B2} = process_info(P, binary),
    {binary, B3} = process_info(self(), binary),
    Ids = fun(L) -> [{S, N} || {_, S, N} <- L] end,
    io:format("~p~n", [{B0, Ids(B1), Ids(B2), Ids(B3), [I || {I, _, _} <- B2] =:= [I || {I, _, _} <- B3]}]),
    P ! stop,
    halt().
