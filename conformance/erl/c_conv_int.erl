-module(c_conv_int).
-export([main/0]).

%% integer_to_list/binary with bases, list_to_integer/binary_to_integer with bases, and errors.
main() ->
    D = fun erlang:display/1,
    Ns = [0, 1, -1, 255, -255, 1 bsl 59, (1 bsl 60) - 1, -(1 bsl 63), 1 bsl 64, 123456789012345678901234567890],
    [D({N, integer_to_list(N), integer_to_list(N, 2), integer_to_list(N, 16), integer_to_list(N, 36)}) || N <- Ns],
    [D({integer_to_binary(N), integer_to_binary(N, 8)}) || N <- Ns],
    D(list_to_integer("123")), D(list_to_integer("-123")), D(list_to_integer("+77")),
    D(list_to_integer("007")),
    D(list_to_integer("ff", 16)), D(list_to_integer("FF", 16)), D(list_to_integer("-zz", 36)),
    D(list_to_integer("11111111111111111111111111111111111111111111111111111111111111111111", 2)),
    D(list_to_integer("99999999999999999999999999999999999999")),
    D(binary_to_integer(<<"42">>)), D(binary_to_integer(<<"-7f">>, 16)),
    D(t(fun() -> list_to_integer("") end)),
    D(t(fun() -> list_to_integer("1.0") end)),
    D(t(fun() -> list_to_integer("12a") end)),
    D(t(fun() -> list_to_integer(" 1") end)),
    D(t(fun() -> list_to_integer("-") end)),
    D(t(fun() -> list_to_integer("2", 2) end)),
    D(t(fun() -> list_to_integer("1", 37) end)),
    D(t(fun() -> list_to_integer("1", 1) end)),
    D(t(fun() -> integer_to_list(10, 37) end)),
    D(t(fun() -> integer_to_list(1.0) end)),
    D(t(fun() -> binary_to_integer(<<>>) end)),
    D(t(fun() -> binary_to_integer(<<"1_000">>) end)),
    D(string:to_integer("123abc")),
    D(string:to_integer("abc")),
    D(string:to_float("1.5e3xyz")),
    erlang:halt().

t(F) -> try {ok, F()} catch C:R -> {C, R} end.
