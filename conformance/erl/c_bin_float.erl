-module(c_bin_float).
-export([main/0]).

%% Float segments: 16/32/64 bits, endianness, matching NaN/Inf patterns fails, integer to float segment.
main() ->
    D = fun erlang:display/1,
    Fs = [0.0, -0.0, 1.0, -2.5, 0.1, 1.0e10, 65504.0, 1.0e-5, 3.4e38, 1.0e300],
    [D({F, <<F:64/float>>, <<F:64/float-little>>, <<F:32/float>>}) || F <- Fs],
    [D(t(fun() -> <<F:16/float>> end)) || F <- Fs],
    D(<<1:64/float>>),
    D(<<(1 bsl 60):64/float>>),
    D(<<(id(7)):32/float-little>>),
    <<F1:64/float>> = <<64, 9, 33, 251, 84, 68, 45, 24>>, D(float_to_list(F1, [short])),
    <<F2:32/float>> = <<64, 73, 15, 219>>, D(float_to_list(F2, [short])),
    <<F3:16/float>> = <<60, 0>>, D(F3),
    <<F4:16/float>> = <<123, 255>>, D(F4),
    <<F5:16/float>> = <<0, 1>>, D(float_to_list(F5, [short])),
    <<F6:32/float-little>> = <<0, 0, 128, 63>>, D(F6),
    D(t(fun() -> <<_:64/float>> = id(<<127, 240, 0, 0, 0, 0, 0, 0>>), matched end)),
    D(t(fun() -> <<_:64/float>> = id(<<127, 248, 0, 0, 0, 0, 0, 0>>), matched end)),
    D(t(fun() -> <<_:32/float>> = id(<<127, 128, 0, 0>>), matched end)),
    D(t(fun() -> <<_:16/float>> = id(<<124, 0>>), matched end)),
    D(t(fun() -> <<(id(1.0e40)):32/float>> end)),
    D(t(fun() -> <<(id(1.0)):24/float>> end)),
    D(t(fun() -> <<(id(a)):64/float>> end)),
    D(case <<1.5:64/float>> of <<X:64/float>> when X > 1 -> X; _ -> no end),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
