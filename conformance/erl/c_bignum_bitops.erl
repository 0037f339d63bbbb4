-module(c_bignum_bitops).
-export([main/0]).

%% band/bor/bxor/bnot/bsl/bsr on bignums, positive and negative (two's complement semantics).
main() ->
    D = fun erlang:display/1,
    Big = (1 bsl 100) + 16#123456789ABCDEF,
    NBig = -Big,
    M = (1 bsl 64) - 1,
    Vals = [Big, NBig, M, -M, 16#FF, -16#FF, 0, -1, 1 bsl 63, -(1 bsl 63)],
    [D({X band Y, X bor Y, X bxor Y}) || X <- Vals, Y <- [Big, NBig, M, -1, 16#F0F0]],
    [D(bnot X) || X <- Vals],
    [D({X bsl S, X bsr S}) || X <- [Big, NBig, 1, -1, 3], S <- [0, 1, 59, 60, 63, 64, 65, 127, 200]],
    D(Big bsr 1000),
    D(NBig bsr 1000),
    D((1 bsl 1000) bsr 999),
    D(1 bsl 64 bsr 64),
    D(-1 bsl 64),
    D((-1 bsl 64) bsr 63),
    D(Big bsl -50),
    D(integer_to_list(M, 16)),
    D(integer_to_list(Big band M, 2)),
    erlang:halt().
