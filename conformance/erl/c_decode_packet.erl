-module(c_decode_packet).
-export([main/0]).

%% erlang:decode_packet/3 framing: raw, 1, 2, 4, asn1, sunrm, cdr, fcgi, tpkt, ssl_tls, line;
%% incomplete input, packet_size and line_length limits, bitstrings and unaligned inputs,
%% which results are sub-binaries of the input, and badarg. HTTP is c_decode_packet_http.
main() ->
    raw(),
    length_prefixed(),
    asn1(),
    sunrm_cdr_fcgi_tpkt(),
    ssl_tls(),
    line(),
    packet_size(),
    offsets(),
    sub_binaries(),
    badargs(),
    halt().

%% The result, and for each binary in it the size of the binary it refers to (not for binaries
%% of up to 24 bytes: ERTS's collector turns sub-binaries that small into heap binaries, so
%% what erl says depends on when it collected). Inputs are made with list_to_binary: ERTS
%% gives a binary made by appending spare capacity, which referenced_byte_size counts.
d(Type, Bin) -> d(Type, Bin, []).
d(Type, Bin, Opts) ->
    R = try erlang:decode_packet(Type, Bin, Opts) catch C:E -> {C, E} end,
    io:format("~p ~p~n", [R, refs(R)]).

refs(B) when is_binary(B), byte_size(B) =< 24 -> [small];
refs(B) when is_binary(B) -> [binary:referenced_byte_size(B)];
refs(B) when is_bitstring(B) -> [bits];
refs(T) when is_tuple(T) -> lists:append([refs(E) || E <- tuple_to_list(T)]);
refs([H | T]) -> refs(H) ++ refs(T);
refs(_) -> [].

raw() ->
    d(raw, <<>>),
    d(0, <<>>),
    d(raw, <<"abc">>),
    d(0, <<"abc">>),
    d(raw, <<1, 2, 3:4>>),
    d(raw, <<3:4>>),
    d(raw, <<"abcdef">>, [{packet_size, 2}]),
    d(raw, <<"abcdef">>, [{line_length, 2}]),
    d(raw, list_to_binary(lists:seq(0, 199))).

length_prefixed() ->
    [d(T, B) || T <- [1, 2, 4],
                B <- [<<>>, <<0>>, <<0, 0>>, <<0, 0, 0>>, <<0, 0, 0, 0>>, <<0, 0, 0, 0, 9>>]],
    d(1, <<3, "abc">>),
    d(1, <<3, "abcdef">>),
    d(1, <<3, "ab">>),
    d(1, <<255>>),
    d(1, <<255, 1, 2, 3>>),
    d(2, <<0, 3, "abc">>),
    d(2, <<0, 3, "abcd">>),
    d(2, <<1, 0, "abcd">>),
    d(2, <<255, 255>>),
    d(4, <<0, 0, 0, 3, "abc">>),
    d(4, <<0, 0, 0, 3, "abc", 1:1>>),
    d(4, <<0, 0, 0, 3, "ab">>),
    d(4, <<0, 0, 1, 0, "ab">>),
    d(4, <<127, 255, 255, 250>>),
    d(4, <<127, 255, 255, 251>>),
    d(4, <<127, 255, 255, 252>>),
    d(4, <<128, 0, 0, 0, "abc">>),
    [d(4, <<S:32, "hello">>) || S <- lists:seq(-10, -1)],
    d(1, <<5, 1, 2, 3, 4>>),
    d(2, <<0, 5, 1, 2, 3, 4>>),
    d(4, <<0, 0, 0, 5, 1, 2, 3, 4>>).

asn1() ->
    d(asn1, <<>>),
    d(asn1, <<48>>),
    d(asn1, <<48, 0>>),
    d(asn1, <<48, 3, 1, 2, 3, 4>>),
    d(asn1, <<48, 3, 1, 2>>),
    d(asn1, <<48, 16#7f>>),
    d(asn1, <<48, 16#80, 1, 2>>),
    d(asn1, <<48, 16#81>>),
    d(asn1, <<48, 16#81, 2, 1, 2, 3>>),
    d(asn1, <<48, 16#81, 200, 1>>),
    d(asn1, <<48, 16#82, 0>>),
    d(asn1, <<48, 16#82, 0, 2, 1, 2>>),
    d(asn1, <<48, 16#83, 0, 0, 1, 9>>),
    d(asn1, <<48, 16#84, 0, 0, 0, 1, 9>>),
    d(asn1, <<48, 16#84, 127, 255, 255, 255, 9>>),
    d(asn1, <<48, 16#84, 255, 255, 255, 255, 9>>),
    d(asn1, <<48, 16#85, 0, 0, 0, 0, 1, 9>>),
    d(asn1, <<48, 16#ff>>),
    %% Long tags.
    d(asn1, <<16#1f, 16#81, 17>>),
    d(asn1, <<16#1f, 16#81, 17, 2, 1, 2, 3>>),
    d(asn1, <<16#1f, 16#81, 16#80, 16#80, 17, 1, 5>>),
    d(asn1, <<16#1f, 16#81, 16#80, 16#80>>),
    d(asn1, <<16#1f, 16#81>>),
    d(asn1, <<16#1f, 5>>),
    d(asn1, <<16#1f, 5, 1, 7>>),
    d(asn1, <<16#3f, 5, 16#81, 1, 7>>),
    d(asn1, <<16#1f, 16#81, 17, 16#82, 0, 1, 9>>),
    d(asn1, <<16#1f, 16#81, 17, 16#82, 0>>),
    d(asn1, <<16#1f, 16#ff, 16#ff, 16#ff, 16#ff>>).

sunrm_cdr_fcgi_tpkt() ->
    d(sunrm, <<>>),
    d(sunrm, <<0, 0, 0>>),
    d(sunrm, <<0, 0, 0, 2, "abc">>),
    d(sunrm, <<128, 0, 0, 2, "abc">>),
    d(sunrm, <<255, 255, 255, 255, "abc">>),
    d(sunrm, <<127, 255, 255, 251>>),
    d(sunrm, <<0, 0, 0, 5, "abc">>),
    Giop = <<"GIOP">>,
    d(cdr, <<>>),
    d(cdr, <<Giop/binary, 1, 2, 0, 7, 0, 0, 0>>),
    d(cdr, <<Giop/binary, 1, 2, 0, 7, 0, 0, 0, 3, "abcd">>),
    d(cdr, <<Giop/binary, 1, 2, 1, 7, 3, 0, 0, 0, "abcd">>),
    d(cdr, <<Giop/binary, 1, 2, 3, 7, 3, 0, 0, 0, "abcd">>),
    d(cdr, <<Giop/binary, 1, 2, 2, 7, 3, 0, 0, 0, "abcd">>),
    d(cdr, <<Giop/binary, 1, 2, 0, 7, 0, 0, 0, 9, "abcd">>),
    d(cdr, <<"GIOQ", 1, 2, 0, 7, 0, 0, 0, 3, "abcd">>),
    d(cdr, <<"giop", 1, 2, 0, 7, 0, 0, 0, 3, "abcd">>),
    d(cdr, <<Giop/binary, 1, 2, 0, 7, 127, 255, 255, 255>>),
    d(fcgi, <<>>),
    d(fcgi, <<1, 2, 0, 1, 0, 3, 0>>),
    d(fcgi, <<1, 2, 0, 1, 0, 3, 0, 0, "abcde">>),
    d(fcgi, <<1, 2, 0, 1, 0, 3, 2, 0, "abcde">>),
    d(fcgi, <<1, 2, 0, 1, 0, 3, 2, 0, "abcdefg">>),
    d(fcgi, <<1, 2, 0, 1, 0, 3, 4, 0, "abcde">>),
    d(fcgi, <<1, 2, 0, 1, 0, 0, 0, 0>>),
    d(fcgi, <<2, 2, 0, 1, 0, 3, 0, 0, "abcde">>),
    d(fcgi, <<0, 2, 0, 1, 0, 3, 0, 0, "abcde">>),
    d(fcgi, <<1, 2, 0, 1, 255, 255, 255, 0>>),
    d(tpkt, <<>>),
    d(tpkt, <<3, 0, 0>>),
    d(tpkt, <<3, 0, 0, 7, "abcd">>),
    d(tpkt, <<3, 9, 0, 7, "abc">>),
    d(tpkt, <<3, 0, 0, 4>>),
    d(tpkt, <<3, 0, 0, 4, "x">>),
    [d(tpkt, <<3, 0, 0, L, "abcdef">>) || L <- [0, 1, 2, 3]],
    d(tpkt, <<4, 0, 0, 7, "abcd">>),
    d(tpkt, <<2, 0, 0, 7, "abcd">>),
    d(tpkt, <<3, 0, 255, 255>>).

ssl_tls() ->
    d(ssl_tls, <<>>),
    d(ssl_tls, <<22, 3, 1, 0>>),
    d(ssl_tls, <<22, 3, 1, 0, 0>>),
    d(ssl_tls, <<22, 3, 1, 0, 2, 1, 2, 3>>),
    d(ssl_tls, <<23, 3, 3, 0, 5, "abcde">>),
    d(ssl_tls, <<23, 3, 3, 0, 5, "abc">>),
    d(ssl_tls, <<200, 3, 3, 0, 1, "abc">>),
    d(ssl_tls, <<200, 3, 1, 0, 1, "abc">>),
    %% SSLv2 client hellos.
    d(ssl_tls, <<1:1, 5:15, 1, 3, 1, 9, 9, 9>>),
    d(ssl_tls, <<1:1, 3:15, 1, 3, 1>>),
    d(ssl_tls, <<1:1, 3:15, 1, 3, 1, 7>>),
    [d(ssl_tls, <<1:1, L:15, 1, 3, 1, 7, 7>>) || L <- [0, 1, 2]],
    d(ssl_tls, <<1:1, 12:15, 1, 3, 0, "abcdefghi">>),
    d(ssl_tls, <<1:1, 20:15, 1, 3, 0, "abcdefghi">>),
    d(ssl_tls, <<1:1, 5:15, 2, 3, 1, 9, 9, 9>>),
    Big = list_to_binary(lists:duplicate(100, $z)),
    d(ssl_tls, <<23, 3, 3, 0, 100, Big/binary, "rest">>),
    d(ssl_tls, <<1:1, 103:15, 1, 3, 3, Big/binary, "rest">>).

line() ->
    d(line, <<>>),
    d(line, <<"\n">>),
    d(line, <<"abc">>),
    d(line, <<"abc\n">>),
    d(line, <<"abc\ndef\n">>),
    d(line, <<"abc\r\ndef">>),
    d(line, <<"\n\n">>),
    [d(line, <<"abcdefgh\nij">>, [{line_length, L}]) || L <- [0, 1, 3, 8, 9, 10, 20]],
    [d(line, <<"abcdefgh">>, [{line_length, L}]) || L <- [0, 1, 3, 7, 8, 9]],
    [d(line, <<"abcdefgh\nij">>, [{packet_size, L}]) || L <- [0, 1, 8, 9, 10]],
    [d(line, <<"abcdefgh">>, [{packet_size, L}]) || L <- [0, 1, 7, 8, 9]],
    [d(line, <<"abcdefgh">>, [{packet_size, P}, {line_length, L}])
     || P <- [0, 4, 8, 9], L <- [0, 4, 8, 9]],
    [d(line, <<"abcdefgh\nij">>, [{packet_size, P}, {line_length, L}])
     || P <- [0, 4, 9, 10], L <- [0, 4, 9, 10]],
    d(line, <<"a,b,c">>, [{line_delimiter, $,}]),
    d(line, <<"abc">>, [{line_delimiter, $,}]),
    d(line, <<"a\nb,c">>, [{line_delimiter, $,}]),
    d(line, <<"ab", 0, "cd">>, [{line_delimiter, 0}]),
    d(line, <<"ab", 255, "cd">>, [{line_delimiter, 255}]),
    d(line, <<"ab", 255, "cd">>, [{line_delimiter, 256}]),
    d(line, <<"a,b,c">>, [{line_delimiter, $,}, {line_delimiter, $b}]),
    d(line, <<"a,b,c">>, [{line_delimiter, $,}, {line_length, 1}]),
    d(line, <<"abcdef\n">>, [{line_length, 3}, {line_length, 0}]),
    d(line, <<"abcdef\n">>, [{line_length, 0}, {line_length, 3}]),
    d(line, <<"abc\nde", 1:3>>),
    d(line, <<"abc", 1:3>>),
    %% OTP-9389: packet_size in line mode.
    Opts = [{packet_size, 20}],
    d(line, <<"0123456789012345678\n0123">>, Opts),
    d(line, <<"01234567890123456789\n0123">>, Opts).

packet_size() ->
    Body = <<101, 22, 203, 54, 175>>,
    Packets = [{1, <<5, Body/binary>>}, {2, <<0, 5, Body/binary>>}, {4, <<0, 0, 0, 5, Body/binary>>},
               {asn1, <<17, 5, Body/binary>>}, {asn1, <<16#1f, 16#81, 17, 16#81, 5, Body/binary>>},
               {sunrm, <<0, 0, 0, 5, Body/binary>>}, {cdr, <<"GIOP", 1, 2, 0, 3, 0, 0, 0, 5, Body/binary>>},
               {fcgi, <<1, 2, 0, 1, 0, 5, 0, 0, Body/binary>>}, {fcgi, <<1, 2, 0, 1, 0, 5, 3, 0, Body/binary, "pad">>},
               {tpkt, <<3, 0, 0, 9, Body/binary>>}, {ssl_tls, <<22, 3, 1, 0, 5, Body/binary>>},
               {ssl_tls, <<1:1, 8:15, 1, 3, 1, Body/binary>>}, {raw, Body}],
    [d(T, list_to_binary([P, "rest"]), [{packet_size, S}]) || {T, P} <- Packets, S <- lists:seq(0, 10)],
    d(1, <<5, Body/binary>>, [{packet_size, 4294967295}]),
    d(4, <<255, 255, 255, 255>>, [{packet_size, 4294967295}]),
    d(4, <<255, 255, 255, 0>>, [{packet_size, 10}]).

%% Each type, starting 0..9 bits into its binary, with trailing bits.
offsets() ->
    Body = <<"some body">>,
    Packets = [{raw, Body}, {1, <<9, Body/binary>>}, {2, <<0, 9, Body/binary>>},
               {4, <<0, 0, 0, 9, Body/binary>>}, {asn1, <<4, 9, Body/binary>>},
               {sunrm, <<128, 0, 0, 9, Body/binary>>}, {cdr, <<"GIOP", 1, 0, 1, 0, 9, 0, 0, 0, Body/binary>>},
               {fcgi, <<1, 1, 0, 1, 0, 7, 2, 0, Body/binary>>}, {tpkt, <<3, 0, 0, 13, Body/binary>>},
               {ssl_tls, <<22, 3, 3, 0, 9, Body/binary>>}, {line, <<"some\nbody">>},
               {http, <<"GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n">>},
               {httph_bin, <<"Content-Length: 12\r\n\r\n">>},
               {http_bin, <<"HTTP/1.1 200 OK, this is a long phrase\r\n">>}],
    [begin
         Whole = <<P/binary, "tail", 5:3>>,
         <<_:Off, Sub/bits>> = <<(1 bsl Off - 1):Off, Whole/bits>>,
         d(T, Sub)
     end || {T, P} <- Packets, Off <- lists:seq(0, 9)],
    [begin
         Bin = list_to_binary([P, "tail"]),
         Sz = byte_size(Bin),
         [d(T, binary:part(Bin, 0, N)) || N <- lists:seq(0, Sz)]
     end || {T, P} <- Packets, T =/= raw].

%% Bodies and rests are sub-binaries of the input, whatever their size.
sub_binaries() ->
    Big = list_to_binary(lists:duplicate(300, $x)),
    d(raw, Big),
    d(2, <<0, 10, Big/binary>>),
    d(2, <<1, 0, Big/binary>>),
    d(line, <<"ab\n", Big/binary>>),
    d(4, binary:part(<<0, 0, 0, 0, 0, 0, 2, Big/binary>>, 3, 200)),
    d(ssl_tls, <<22, 3, 1, 0, 2, Big/binary>>).

badargs() ->
    Bin = <<"dummy">>,
    Fun = fun() -> dummy end,
    [d(T, Bin, []) || T <- [3, -1, 5, 2.0, {2}, unknown, [], "line", Bin, Fun, 1 bsl 70, 'HTTP']],
    [d(0, B, []) || B <- [3, 2.0, unknown, [], "Bin", [Bin], {Bin}, Fun]],
    InvOpts = [2, false, Bin, "Options", Fun, packet_size, {packet_size}, {packet_size, 0, false},
               {packet_size, -1}, {packet_size, 100.0}, {packet_size, false},
               {line_length, -1}, {line_length, 100.0}, {line_length, false},
               {packet_size, 1 bsl 32}, {line_length, 1 bsl 64}, {line_delimiter, $,},
               {unknown, 1}, {"packet_size", 1}, {1, 1}],
    [begin d(0, Bin, Opt), d(0, Bin, [Opt]), d(0, Bin, [Opt, {packet_size, 1000}]),
           d(0, Bin, [{packet_size, 1000}, Opt]) end || Opt <- InvOpts],
    [d(T, Bin, [{line_delimiter, $m}]) || T <- [raw, 1, 2, 4, asn1, http, http_bin, line]],
    d(line, Bin, [{line_delimiter, -1}]),
    d(line, Bin, [{line_delimiter, 1 bsl 32}]),
    d(1, Bin, [{packet_size, 4294967295}, {line_length, 4294967295}]),
    %% The stack frame's error_info (with cause badopt for a bad type) and what the error
    %% formatter makes of it.
    [try erlang:decode_packet(T, B, O)
     catch error:R:S ->
             io:format("~p~n~p~n", [hd(S), erl_erts_errors:format_error(R, S)])
     end || {T, B, O} <- [{bogus, Bin, []}, {7, Bin, []}, {raw, not_bin, []}, {raw, Bin, [bad]},
                          {raw, Bin, not_list}, {bogus, not_bin, [bad]}, {line, Bin, [{line_delimiter, 256}]}]].
