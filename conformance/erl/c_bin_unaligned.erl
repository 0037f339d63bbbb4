-module(c_bin_unaligned).
-export([main/0]).

%% BIFs given a binary that does not start on a byte boundary (a sub-binary matched out at a
%% bit offset): each must behave as with the same bytes aligned.
id(X) -> X.

unaligned(Bytes) ->
    Bits = bit_size(Bytes),
    <<_:3, B:Bits/bitstring, _:5>> = id(<<0:3, Bytes/binary, 0:5>>),
    B.

main() ->
    Fs = [{binary_to_float, fun binary_to_float/1, <<"0.0">>},
          {binary_to_float, fun binary_to_float/1, <<"-1.5e10">>},
          {binary_to_atom, fun(B) -> binary_to_atom(B, utf8) end, <<"hello">>},
          {binary_to_atom1, fun binary_to_atom/1, <<"h\303\251">>},
          {binary_to_existing_atom, fun(B) -> binary_to_existing_atom(B, latin1) end, <<"ok">>},
          {binary_to_integer, fun binary_to_integer/1, <<"-12345678901234567890">>},
          {binary_to_integer16, fun(B) -> binary_to_integer(B, 16) end, <<"ff">>},
          {binary_to_list, fun binary_to_list/1, <<1, 2, 3>>},
          {binary_to_list3, fun(B) -> binary_to_list(B, 2, 3) end, <<1, 2, 3>>},
          {binary_to_term, fun binary_to_term/1, term_to_binary({a, [1, 2.5], <<"x">>})},
          {list_to_binary, fun(B) -> list_to_binary([B, B]) end, <<"ab">>},
          {iolist_to_binary, fun(B) -> iolist_to_binary([1, B]) end, <<"ab">>},
          {iolist_size, fun(B) -> iolist_size([B, [B]]) end, <<"abc">>},
          {byte_size, fun byte_size/1, <<"abcd">>},
          {phash2, fun erlang:phash2/1, <<"abcdefgh">>},
          {md5, fun erlang:md5/1, <<"abc">>},
          {crc32, fun erlang:crc32/1, <<"abc">>},
          {split_binary, fun(B) -> split_binary(B, 1) end, <<"abc">>},
          {binary_part, fun(B) -> binary_part(B, 1, 2) end, <<"abcd">>},
          {bin_to_list, fun binary:bin_to_list/1, <<"xyz">>},
          {binary_match, fun(B) -> binary:match(B, <<"c">>) end, <<"abcd">>},
          {binary_split, fun(B) -> binary:split(B, <<",">>, [global]) end, <<"a,b,c">>},
          {binary_replace, fun(B) -> binary:replace(B, <<"b">>, <<"X">>) end, <<"abc">>},
          {binary_copy, fun(B) -> binary:copy(B, 2) end, <<"ab">>},
          {binary_decode_unsigned, fun binary:decode_unsigned/1, <<1, 0>>},
          {binary_first_last, fun(B) -> {binary:first(B), binary:last(B)} end, <<"abc">>},
          {binary_longest_common_prefix, fun(B) -> binary:longest_common_prefix([B, <<"abz">>]) end, <<"abc">>},
          {characters_to_list, fun unicode:characters_to_list/1, <<"h\303\251">>},
          {characters_to_binary, fun(B) -> unicode:characters_to_binary(B, utf8, utf16) end, <<"h\303\251">>},
          {re_run, fun(B) -> re:run(B, <<"b+">>) end, <<"abbbc">>},
          {string_lexemes, fun(B) -> string:lexemes(B, " ") end, <<"a b  c">>},
          {base64, fun base64:encode/1, <<"hello">>},
          {zlib, fun(B) -> zlib:uncompress(B) end, zlib:compress(<<"data data data">>)},
          {compare, fun(B) -> {B =:= <<"ab">>, B < <<"ac">>} end, <<"ab">>},
          {send, fun(B) -> self() ! B, receive M -> M end end, <<"msg">>},
          {t2b, fun term_to_binary/1, <<"x">>},
          {float_to_binary, fun(B) -> float_to_binary(binary_to_float(B), [{decimals, 2}]) end, <<"3.14159">>}],
    [io:format("~p: ~p~n", [Name, catch F(unaligned(B)) =:= catch F(B)]) || {Name, F, B} <- Fs],
    [io:format("~p: ~p~n", [Name, catch F(unaligned(B))]) || {Name, F, B} <- Fs, Name =/= md5, Name =/= t2b],
    halt().
