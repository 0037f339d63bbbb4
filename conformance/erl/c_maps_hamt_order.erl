-module(c_maps_hamt_order).
-export([main/0]).

%% Maps above 32 keys are HAMTs: the order of maps:keys/values/to_list (reverse depth-first),
%% maps:fold and maps:iterator (depth-first), erlang:display of the trie itself, io_lib.
main() ->
    D = fun erlang:display/1,
    lists:foreach(
      fun(N) ->
              M = maps:from_list([{I, -I} || I <- lists:seq(1, N)]),
              D(M),
              D(maps:keys(M)),
              D(maps:values(M)),
              D(maps:to_list(M)),
              D(maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], M)),
              D(it(maps:iterator(M)))
      end, [31, 32, 33, 34, 48, 64, 65, 100, 256, 257]),
    S = maps:from_list([{integer_to_list(I), I} || I <- lists:seq(1, 200)]),
    D(S),
    D(maps:keys(S)),
    B = maps:from_list([{<<I:16>>, I} || I <- lists:seq(1, 200)]),
    D(B),
    D(maps:values(B)),
    D(maps:from_list([{I / 4, I} || I <- lists:seq(1, 100)])),
    D(maps:from_list([{1 bsl (64 + I), I} || I <- lists:seq(1, 50)])),
    D(maps:from_list([{{I, integer_to_list(I)}, [I]} || I <- lists:seq(1, 80)])),
    D(maps:keys(maps:from_list([{-I * 1000003, I} || I <- lists:seq(1, 70)]))),
    D(maps:from_list([{[I, I + 1.5], <<I>>} || I <- lists:seq(1, 40)])),
    D(lists:flatten(io_lib:format("~p", [maps:from_list([{I, I} || I <- lists:seq(1, 50)])]))),
    D(lists:flatten(io_lib:format("~w", [S]))),
    L = maps:from_list([{I, I} || I <- lists:seq(1, 100000)]),
    D(erlang:phash2(maps:keys(L))),
    D(erlang:phash2(maps:to_list(L))),
    D(erlang:phash2(term_to_binary(L))),
    D(lists:sublist(maps:keys(L), 20)),
    D(lists:sublist(it(maps:iterator(L)), 20)),
    erlang:halt().

it(I) ->
    case maps:next(I) of
        none -> [];
        {K, V, I2} -> [{K, V} | it(I2)]
    end.
