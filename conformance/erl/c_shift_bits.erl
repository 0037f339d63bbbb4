-module(c_shift_bits).
%% bsl/bsr on small integers at the edges of the small range (inline and BIF paths), and
%% bitstrings built and matched at unaligned offsets.
-export([main/0, id/1]).
id(X) -> X.
main() ->
    Vals = [0, 1, -1, 7, -7, 576460752303423487, -576460752303423488, 123456789, -123456789, 1 bsl 59, (1 bsl 70) + 3, -(1 bsl 65)],
    Ks = [0, 1, 2, 3, 4, 31, 32, 58, 59, 60, 61, 62, 63, 64, 65, 100, -1, -3, -62, -63, -64, -100],
    R = [{V, K, catch V bsl K, catch V bsr K, catch erlang:'bsl'(id(V), id(K)), catch erlang:'bsr'(id(V), id(K))} || V <- Vals, K <- Ks],
    io:format("~w~n", [erlang:phash2(R)]),
    [io:format("~w~n", [X]) || X <- lists:sublist(R, 40)],
    B = << <<(V band 63):6>> || V <- lists:seq(1, 1000) >>,
    <<_:3, Mid:997/bitstring, _/bitstring>> = B,
    C = << <<X:5>> || <<X:5>> <= Mid >>,
    io:format("~w ~w ~w~n", [erlang:phash2(B), erlang:phash2(Mid), erlang:phash2(C)]),
    halt().
