-module(c_decode_packet_fuzz).
-export([main/0]).

%% erlang:decode_packet/3 on many generated inputs: random bytes, and mutations of valid
%% packets and HTTP lines (bytes replaced, inserted, deleted, cut), as every packet type,
%% with random options, sometimes starting off a byte boundary or ending in stray bits. The
%% generator is rand with a fixed seed; each type prints how many inputs it got and a hash of
%% every input, options and result, so both VMs must agree on each of them. For inputs made
%% by list_to_binary, the hash also takes the sizes that result binaries of more than 24 bytes
%% refer to (an input made by matching may be a copy on erl: ERTS copies matched binaries of up
%% to 64 bytes).
main() ->
    rand:seed(exsss, {1, 2, 3}),
    Types = [raw, 0, 1, 2, 4, asn1, sunrm, cdr, fcgi, tpkt, line, http, httph, http_bin, httph_bin,
             ssl_tls],
    Acc0 = maps:from_list([{T, {0, 0}} || T <- Types]),
    Acc = loop(100000, list_to_tuple(Types), Acc0),
    [io:format("~p~n", [{T, maps:get(T, Acc)}]) || T <- Types],
    halt().

loop(0, _, Acc) ->
    Acc;
loop(N, Types, Acc) ->
    Type = element(rand:uniform(tuple_size(Types)), Types),
    {Bin, Exact} = input(Type),
    Opts = options(Type),
    R = try erlang:decode_packet(Type, Bin, Opts) catch C:E -> {C, E} end,
    Refs = case Exact of true -> refs(R); false -> [] end,
    {Count, Hash} = maps:get(Type, Acc),
    H = erlang:phash2({Hash, Bin, Opts, R, Refs}),
    loop(N - 1, Types, Acc#{Type := {Count + 1, H}}).

refs(B) when is_binary(B), byte_size(B) > 24 -> [binary:referenced_byte_size(B)];
refs(T) when is_tuple(T) -> lists:append([refs(E) || E <- tuple_to_list(T)]);
refs(_) -> [].

%% ---------------------------------------------------------------- inputs

input(Type) ->
    Bytes = case rand:uniform(10) of
                1 -> binary_to_list(rand:bytes(rand:uniform(40) - 1));
                2 -> alphabet_bytes(rand:uniform(40) - 1);
                _ -> mutate(seed(Type), rand:uniform(4) - 1)
            end,
    Bin = list_to_binary(Bytes),
    case rand:uniform(6) of
        1 ->
            Off = rand:uniform(7),
            Tail = rand:uniform(8) - 1,
            <<_:Off, Sub/bits>> = <<(rand:uniform(1 bsl Off) - 1):Off, Bin/binary, 0:Tail>>,
            {Sub, false};
        _ ->
            {Bin, true}
    end.

%% Bytes that mean something to some packet type.
alphabet() -> <<" \t\r\n:/.-*0123456789HTPGEOSa/?=@;\"()", 0, 1, 3, 22, 31, 127, 128, 129, 130, 131, 132, 133, 255>>.

alphabet_bytes(N) ->
    A = alphabet(),
    [binary:at(A, rand:uniform(byte_size(A)) - 1) || _ <- lists:seq(1, N)].

pick(L) -> lists:nth(rand:uniform(length(L)), L).

%% A valid packet, most often of the type decoded.
seed(Type) ->
    T = case rand:uniform(4) of
            1 -> pick([raw, 1, 2, 4, asn1, sunrm, cdr, fcgi, tpkt, line, http, httph, ssl_tls]);
            _ -> Type
        end,
    binary_to_list(seed_of(T)).

seed_of(T) when T =:= raw; T =:= 0 -> rand:bytes(rand:uniform(10));
seed_of(1) -> B = body(), <<(byte_size(B)):8, B/binary>>;
seed_of(2) -> B = body(), <<(byte_size(B)):16, B/binary>>;
seed_of(4) -> B = body(), <<(byte_size(B)):32, B/binary>>;
seed_of(sunrm) -> B = body(), <<(rand:uniform(2) - 1):1, (byte_size(B)):31, B/binary>>;
seed_of(asn1) ->
    B = body(),
    Tag = pick([<<48>>, <<16#1f, 16#81, 17>>, <<16#1f, 16#81, 16#80, 16#80, 17>>, <<16#3f, 5>>]),
    Sz = byte_size(B),
    Len = pick([<<Sz:8>>, <<16#81, Sz:8>>, <<16#82, Sz:16>>, <<16#83, Sz:24>>, <<16#84, Sz:32>>, <<16#80>>]),
    <<Tag/binary, Len/binary, B/binary>>;
seed_of(cdr) ->
    B = body(),
    case rand:uniform(2) of
        1 -> <<"GIOP", 1, 2, 0, 7, (byte_size(B)):32/big, B/binary>>;
        2 -> <<"GIOP", 1, 2, 1, 7, (byte_size(B)):32/little, B/binary>>
    end;
seed_of(fcgi) ->
    B = body(),
    Pad = rand:uniform(5) - 1,
    <<1, 5, 0, 1, (byte_size(B)):16, Pad, 0, B/binary, (rand:bytes(Pad))/binary>>;
seed_of(tpkt) -> B = body(), <<3, 0, (byte_size(B) + 4):16, B/binary>>;
seed_of(ssl_tls) ->
    B = body(),
    case rand:uniform(2) of
        1 -> <<22, 3, 3, (byte_size(B)):16, B/binary>>;
        2 -> <<1:1, (byte_size(B) + 3):15, 1, 3, 0, B/binary>>
    end;
seed_of(line) -> list_to_binary([pick(["abc", "", "a b c", "\r"]), "\n", pick(["", "next", "x\n"])]);
seed_of(T) when T =:= http; T =:= http_bin -> list_to_binary(pick(request_lines() ++ status_lines()));
seed_of(T) when T =:= httph; T =:= httph_bin -> list_to_binary(pick(header_lines())).

body() -> rand:bytes(rand:uniform(12) - 1).

request_lines() ->
    [[M, " ", U, V, E] || {M, U, V, E} <-
         [{pick(["GET", "POST", "OPTIONS", "PATCH", "get", "DELETE"]),
           pick(["/", "*", "/a/b?c=d", "http://host:8080/x", "https://h", "HTTP://h:/", "ftp://x/y",
                 "urn:a:b", "rel", "x", "http://h:99/p"]),
           pick([" HTTP/1.1", " HTTP/1.0", "", " HTTP/12.34", " HTTP/1.1 x"]),
           pick(["\r\n", "\n", "\r\nHost: x\r\n\r\n"])}]].

status_lines() ->
    [["HTTP/", V, " ", S, P, E] || {V, S, P, E} <-
         [{pick(["1.1", "1.0", "2.0", "10.11"]), pick(["200", "404", "", "0"]),
           pick([" OK", "", " Not Found", "  spaced  "]), pick(["\r\n", "\n", "\r\nrest"])}]].

header_lines() ->
    [[N, ":", pick([" ", "", "\t", "  "]), V, E] || {N, V, E} <-
         [{pick(["Host", "content-type", "CONTENT-LENGTH", "X-Custom-Header", "www-authenticate",
                 "Set-Cookie2", "etag", "a--b", "", lists:duplicate(50, $h), lists:duplicate(51, $h)]),
           pick(["localhost", "", "text/html; charset=utf-8", "a\r\n b", "x\r\n\tcont\r\n  more"]),
           pick(["\r\n\r\n", "\r\n", "\n\n", "\r\nNext: v\r\n\r\n", "\r\n more\r\n\r\n"])}]] ++
        [["\r\n"], ["\n"], ["\r\nrest"]].

%% K random edits.
mutate(L, 0) ->
    L;
mutate(L, K) ->
    Len = length(L),
    Byte = case rand:uniform(2) of
               1 -> rand:uniform(256) - 1;
               2 -> binary:at(alphabet(), rand:uniform(byte_size(alphabet())) - 1)
           end,
    L1 = case rand:uniform(4) of
             1 when Len > 0 -> % replace
                 I = rand:uniform(Len),
                 lists:sublist(L, I - 1) ++ [Byte] ++ lists:nthtail(I, L);
             2 -> % insert
                 I = rand:uniform(Len + 1) - 1,
                 lists:sublist(L, I) ++ [Byte] ++ lists:nthtail(I, L);
             3 when Len > 0 -> % delete
                 I = rand:uniform(Len),
                 lists:sublist(L, I - 1) ++ lists:nthtail(I, L);
             _ -> % cut
                 lists:sublist(L, rand:uniform(Len + 1) - 1)
         end,
    mutate(L1, K - 1).

%% ---------------------------------------------------------------- options

options(Type) ->
    case rand:uniform(4) of
        1 ->
            [option(Type) || _ <- lists:seq(1, rand:uniform(3))];
        _ ->
            []
    end.

option(Type) ->
    case rand:uniform(8) of
        1 when Type =:= line -> {line_delimiter, binary:at(alphabet(), rand:uniform(byte_size(alphabet())) - 1)};
        2 -> {line_length, rand:uniform(40) - 1};
        3 -> pick([{packet_size, -1}, {line_length, 1 bsl 32}, {line_delimiter, 10}, {other, 1}, {packet_size, a}]);
        _ -> {packet_size, rand:uniform(40) - 1}
    end.
