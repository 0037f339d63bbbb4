-module(c_bin_comprehension).
-export([main/0]).

%% Binary comprehensions and bitstring generators mixed with list generators and filters.
main() ->
    D = fun erlang:display/1,
    D(<< <<X>> || X <- [1, 2, 3] >>),
    D(<< <<(X * 2)>> || <<X>> <= <<1, 2, 3>> >>),
    D(<< <<X:4>> || <<X:4>> <= <<16#AB, 16#CD>>, X > 10 >>),
    D([X || <<X:16>> <= <<1, 2, 3, 4, 5>>]),
    D(<< <<Y>> || _ <- [a, b], Y <- "xy" >>),
    D(<< <<(byte_size(W)):8, W/binary>> || W <- [<<"ab">>, <<>>, <<"cde">>] >>),
    D([{K, V} || <<K:8, V:8>> <= <<1, 10, 2, 20, 3>>]),
    D(<< <<C/utf8>> || C <- [1070, 1085, 105, 32, 8364] >>),
    D([C || <<C/utf8>> <= <<"Юни"/utf8>>]),
    D(<< <<B:1>> || B <- [1, 1, 0, 1] >>),
    D(<< <<(X bxor 16#FF)>> || <<X>> <= <<"hello">> >>),
    D(lists:sum([X || <<X:32>> <= << <<I:32>> || I <- lists:seq(1, 1000) >>])),
    D(byte_size(<< <<I:24>> || I <- lists:seq(1, 10000) >>)),
    D(<< <<X>> || <<X>> <= <<>> >>),
    D(<< <<X/binary>> || X <- [<<"a">>, <<"bc">>] >>),
    D(<< <<X:3/bits>> || <<X:3/bits>> <= <<1:9>> >>),
    D([X || <<X:2>> <= <<7:5>>]),
    erlang:halt().
