-module(c_ets_info_binary).
-export([main/0]).

%% ets:info(T, binary): each reference from the table to an off-heap binary, with its size
%% and reference count (the table's copies and the caller's), as objects come and go.
main() ->
    [begin
      Tab = ets:new(foobar, [{keypos, 2}, T]),
      A = ets:info(Tab, binary),
      RefcBin = list_to_binary(lists:seq(1,100)),
      ets:insert(Tab, {RefcBin,key}),
      [{P, S, N}] = ets:info(Tab,binary),
      ets:insert(Tab, {RefcBin,key2}),
      B = ets:info(Tab,binary),
      ets:delete(Tab, key),
      C = ets:info(Tab,binary),
      ets:insert(Tab, {{<<1,2,3>>, [RefcBin]}, key3}),
      D = length(ets:info(Tab, binary)),
      io:format("~p ~p~n", [T, {A, is_integer(P), S, N, [{X =:= P, Y, Z} || {X, Y, Z} <- B], [{X =:= P, Y, Z} || {X, Y, Z} <- C], D}])
     end || T <- [set, ordered_set, bag]],
    halt().
