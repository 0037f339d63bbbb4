-module(c_bin_bits).
-export([main/0]).

%% Bit strings of odd bit length: construction, display, matching, bits/bitstring segments.
main() ->
    D = fun erlang:display/1,
    D(<<1:1>>), D(<<1:3>>), D(<<5:3, 1:2>>), D(<<255, 1:1>>), D(<<1, 2, 3, 15:4>>),
    D(<<0:7>>), D(<<-1:9>>), D(<<>>),
    B = <<1:1, 0:1, 1:1, 1:1, 0:1>>,
    D(B), D(bit_size(B)), D(byte_size(B)), D(is_binary(B)), D(is_bitstring(B)),
    D(<<B/bits, B/bitstring>>),
    D(<<B:3/bits>>),
    D(<<(<<"abc">>):2/binary>>),
    D(<<(<<1, 2, 3>>)/binary-unit:8>>),
    D(t(fun() -> <<(id(B))/binary>> end)),
    D(t(fun() -> <<(id(<<1, 2>>)):3/binary>> end)),
    <<H:3, T/bits>> = <<2#10110011, 2#01:2>>, D({H, T, bit_size(T)}),
    <<X:5/bits, Y/bits>> = <<"z">>, D({X, Y}),
    D([bit_size(<<N:N>>) || N <- lists:seq(0, 20)]),
    D(<< <<Bit:1>> || Bit <- [1, 0, 1, 1, 0, 0, 1, 0, 1] >>),
    D([Bit || <<Bit:1>> <= <<2#10110010, 1:1>>]),
    D(erlang:bit_size(<<1:100>>)),
    D(<<1:100>>),
    D(<<1:100/little>>),
    D(bitstring_to_list(<<1:100>>)),
    D(list_to_bitstring([<<1:1>>, <<1:1>>, 255, <<1:6>>])),
    D(t(fun() -> list_to_binary([<<1:1>>]) end)),
    D(<<B/bits, 1>>),
    D(<<"a", B/bits, "b">>),
    D(t(fun() -> erlang:split_binary(<<1:9>>, 1) end)),
    D(erlang:split_binary(<<1, 2, 3>>, 1)),
    D(erlang:bit_size(<<B/bits, B/bits, B/bits, B/bits>>)),
    D(<<1:1>> =:= <<128:8>>), D(<<1:1>> < <<128:8>>), D(<<0:1>> < <<>>),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
