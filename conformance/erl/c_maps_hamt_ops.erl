-module(c_maps_hamt_ops).
-export([main/0]).

%% HAMT maps under puts, updates and removes across the 32/33-key boundary, merges of every
%% kind, literals above 32 keys, and maps built in different orders (same trie).
main() ->
    D = fun erlang:display/1,
    Up = lists:foldl(fun(I, A) -> M = A#{I * 7 => I}, D(M), M end, #{}, lists:seq(1, 36)),
    lists:foldl(fun(I, A) -> M = maps:remove(I * 7, A), D(M), M end, Up, lists:seq(36, 1, -1)),
    lists:foldl(fun(I, A) -> {V, M} = maps:take(I * 7, A), D(V), D(M), M end, Up, [3, 33, 1, 2, 35, 34, 36]),
    M40 = maps:from_list([{I, I} || I <- lists:seq(1, 40)]),
    D(M40#{1 := a, 40 := b}),
    D(maps:update(20, c, M40)),
    D(t(fun() -> M40#{41 := x} end)),
    D(t(fun() -> maps:update(41, x, M40) end)),
    D(t(fun() -> maps:get(41, M40) end)),
    D(maps:find(40, M40)),
    D(maps:find(40.0, M40)),
    D(maps:is_key(39, M40)),
    D(maps:put(5, 5, M40) =:= M40),
    D(maps:remove(99, M40) =:= M40),
    D(maps:from_keys([I * 3 || I <- lists:seq(1, 45)], v)),
    D(maps:from_list([{I rem 40, I} || I <- lists:seq(1, 120)])),
    D(maps:from_list([{I rem 32, I} || I <- lists:seq(1, 120)])),
    D(maps:merge(maps:from_list([{I, a} || I <- lists:seq(1, 20)]), maps:from_list([{I, b} || I <- lists:seq(15, 35)]))),
    D(maps:merge(maps:from_list([{I, a} || I <- lists:seq(1, 10)]), M40)),
    D(maps:merge(M40, maps:from_list([{I, a} || I <- lists:seq(35, 45)]))),
    H = maps:from_list([{I, h} || I <- lists:seq(1, 1000, 3)]),
    D(maps:merge(H, M40)),
    D(maps:merge(M40, H)),
    D(maps:merge(H, H) =:= H),
    D(maps:with([1, 4, 7, 10, 1000, 999], H)),
    D(maps:without(lists:seq(1, 1000, 6), H)),
    D(maps:map(fun(K, _) -> K rem 5 end, M40)),
    D(maps:filter(fun(K, _) -> K > 30 end, M40)),
    D(maps:filtermap(fun(K, V) -> K rem 2 =:= 0 andalso {true, V * 2} end, M40)),
    D(lit()),
    D(lit() =:= maps:from_list([{integer_to_list(I), I} || I <- lists:seq(1, 36)])),
    D(maps:remove("1", lit())),
    %% The trie depends only on the key set.
    Keys = lcg(12345, 3000),
    A = lists:foldl(fun(K, Acc) -> Acc#{K => K} end, #{}, Keys),
    B = lists:foldl(fun(K, Acc) -> Acc#{K => K} end, #{}, lists:reverse(Keys)),
    C = maps:from_list([{K, K} || K <- Keys]),
    D({A =:= B, B =:= C, map_size(A)}),
    D(term_to_binary(A) =:= term_to_binary(C)),
    D(erlang:phash2(maps:keys(B))),
    R = lists:foldl(fun(K, Acc) -> maps:remove(K, Acc) end, A, lists:sublist(Keys, 2990)),
    D(R),
    D(maps:keys(R)),
    erlang:halt().

lit() ->
    #{"1" => 1, "2" => 2, "3" => 3, "4" => 4, "5" => 5, "6" => 6, "7" => 7, "8" => 8, "9" => 9,
      "10" => 10, "11" => 11, "12" => 12, "13" => 13, "14" => 14, "15" => 15, "16" => 16,
      "17" => 17, "18" => 18, "19" => 19, "20" => 20, "21" => 21, "22" => 22, "23" => 23,
      "24" => 24, "25" => 25, "26" => 26, "27" => 27, "28" => 28, "29" => 29, "30" => 30,
      "31" => 31, "32" => 32, "33" => 33, "34" => 34, "35" => 35, "36" => 36}.

lcg(_, 0) -> [];
lcg(X, N) ->
    Y = (X * 1103515245 + 12345) rem 2147483648,
    [Y rem 100000 | lcg(Y, N - 1)].

t(F) -> try F() catch C:R -> {C, R} end.
