-module(c_bin_f16_random).
-export([main/0]).

%% 16- and 32-bit float segments of many pseudo-random doubles across the whole exponent range
%% (rounding to nearest even, subnormals, overflow to infinity), and back.
main() ->
    S0 = rand:seed_s(exsss, {17, 42, 99}),
    {Fs, _} = lists:foldl(fun(_, {Acc, S}) ->
                                  {U, S1} = rand:uniform_s(S),
                                  {E, S2} = rand:uniform_s(80, S1),
                                  {Sign, S3} = rand:uniform_s(2, S2),
                                  F = (U * math:pow(2, E - 40)) * (if Sign =:= 1 -> 1; true -> -1 end),
                                  {[F | Acc], S3}
                          end, {[], S0}, lists:seq(1, 4000)),
    R16 = [<<F:16/float>> || F <- Fs],
    R32 = [<<F:32/float-little>> || F <- Fs],
    Back = [case B of <<X:16/float>> -> X; _ -> inf end || B <- R16, B =/= <<124, 0>>, B =/= <<252, 0>>],
    erlang:display(erlang:phash2(R16)),
    erlang:display(erlang:phash2(R32)),
    erlang:display(erlang:phash2(Back)),
    erlang:display(lists:sublist(R16, 20)),
    erlang:display(length([B || B <- R16, B =:= <<124, 0>> orelse B =:= <<252, 0>>])),
    erlang:display([<<F:16/float>> || F <- [65519.99, 65520.0, 65504.0, 2.9802322387695312e-8, 2.98023223876953125e-8, 5.960464477539063e-8, 8.940696716308594e-8, 6.097555160522461e-5, 6.103515625e-5]]),
    erlang:halt().
