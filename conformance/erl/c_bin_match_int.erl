-module(c_bin_match_int).
-export([main/0]).

%% Integer segments in matching, variable sizes, tails, failing matches.
main() ->
    D = fun erlang:display/1,
    B = <<16#DE, 16#AD, 16#BE, 16#EF, 16#01, 16#02, 16#03, 16#04, 16#80>>,
    <<A:8, Rest/binary>> = B, D({A, Rest}),
    <<X:16, Y:16/little, Z:32/signed, W:8/signed>> = B, D({X, Y, Z, W}),
    <<P:4, Q:12, R:16/little-signed, _/binary>> = B, D({P, Q, R}),
    <<Big:72>> = B, D(Big),
    <<LBig:72/little>> = B, D(LBig),
    <<SBig:72/signed>> = B, D(SBig),
    <<S64:64/signed, _:8>> = B, D(S64),
    <<U64:64/little, _:8>> = B, D(U64),
    <<Bit1:1, Bit2:1, Bits:6, _/bits>> = B, D({Bit1, Bit2, Bits}),
    <<Len:8, Data:Len/binary, Tail/binary>> = <<3, "abcdef">>, D({Len, Data, Tail}),
    <<L2:4, V2:L2, _/bits>> = <<2:4, 3:2, 0:2>>, D({L2, V2}),
    <<U:2/unit:8>> = <<1, 2>>, D(U),
    D([{I, N} || <<I:3, N:5>> <= <<"hello">>]),
    D(dec(<<1, 0, 0, 0, 7, 2, 0, 5, 0, 0, 0, 0, 3, 9, 9, 9>>)),
    D(m(<<1, 2, 3>>)), D(m(<<1, 2>>)), D(m(<<>>)), D(m(<<1:7>>)), D(m(<<0, 1, 2, 3>>)),
    D(case <<1, 2>> of <<1, Tl/binary>> -> {one, Tl}; _ -> no end),
    D(case <<200>> of <<V:8/signed>> when V < 0 -> {neg, V}; _ -> pos end),
    D(t(fun() -> <<_:8, _:8>> = id(<<1>>) end)),
    D(t(fun() -> <<_:16>> = id(<<1, 2, 3>>) end)),
    D(t(fun() -> <<Sz:8, _:Sz/binary>> = id(<<5, 1>>), Sz end)),
    erlang:halt().

dec(<<>>) -> [];
dec(<<1, N:32, Rest/binary>>) -> [{int32, N} | dec(Rest)];
dec(<<2, N:16/little, Rest/binary>>) -> [{int16le, N} | dec(Rest)];
dec(<<0, Rest/binary>>) -> [zero | dec(Rest)];
dec(<<T, Rest/binary>>) -> [{unknown, T, byte_size(Rest)}].

m(<<A, B, C>>) -> {three, A + B + C};
m(<<A:16>>) -> {sixteen, A};
m(<<>>) -> empty;
m(<<0, Rest/bits>>) -> {zero_prefixed, bit_size(Rest)};
m(Other) -> {other, bit_size(Other)}.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
