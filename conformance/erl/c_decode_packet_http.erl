-module(c_decode_packet_http).
-export([main/0]).

%% erlang:decode_packet/3 with http, httph, http_bin and httph_bin: request lines (methods,
%% URI forms, versions), status lines, header lines (known fields and their canonical
%% capitalisation, continuation lines, long names), end of headers, http_error, incomplete
%% lines, packet_size and line_length, and which strings are sub-binaries of the input.
main() ->
    requests(),
    uris(),
    versions(),
    responses(),
    headers(),
    line_ends(),
    limits(),
    sequences(),
    sub_binaries(),
    halt().

%% Each line decoded as every HTTP type.
all(Bin) -> [d(T, Bin) || T <- [http, http_bin, httph, httph_bin]].
req(Bin) -> [d(T, Bin) || T <- [http, http_bin]].
hdr(Bin) -> [d(T, Bin) || T <- [httph, httph_bin]].

d(Type, Bin) -> d(Type, Bin, []).
d(Type, Bin, Opts) ->
    R = try erlang:decode_packet(Type, Bin, Opts) catch C:E -> {C, E} end,
    io:format("~p ~p~n", [R, refs(R)]).

%% For each binary string in a result, the size of the binary it refers to (itself when it
%% is a copy). Not for the rest: a sub-binary, which ERTS's collector turns into a heap binary
%% when it is short.
refs({ok, P, _Rest}) -> refs(P);
refs(B) when is_binary(B) -> [binary:referenced_byte_size(B)];
refs(T) when is_tuple(T) -> lists:append([refs(E) || E <- tuple_to_list(T)]);
refs(_) -> [].

requests() ->
    [req(<<M/binary, " /index.html HTTP/1.1\r\nrest">>)
     || M <- [<<"OPTIONS">>, <<"GET">>, <<"HEAD">>, <<"POST">>, <<"PUT">>, <<"DELETE">>, <<"TRACE">>,
              <<"get">>, <<"Get">>, <<"PATCH">>, <<"CONNECT">>, <<"M-SEARCH">>, <<"X">>,
              <<"GETT">>, <<"GE">>, <<"FOO*BAR">>, <<"A", 127, "B">>, <<"LONGMETHODNAMEOFTWENTYSIXX">>]],
    [req(L) || L <- [<<"GET / HTTP/1.1\r\n">>, <<"GET  /  HTTP/1.1\r\n">>, <<"GET\t/\tHTTP/1.1\r\n">>,
                     <<"GET \t /x \t HTTP/1.0\r\n">>, <<" GET / HTTP/1.1\r\n">>, <<"GET/ HTTP/1.1\r\n">>,
                     <<"GET: / HTTP/1.1\r\n">>, <<"G(ET / HTTP/1.1\r\n">>, <<"GET\r\n">>, <<"GET \r\n">>,
                     <<"GET /\r\n">>, <<"GET / \r\n">>, <<"GET /x y HTTP/1.1\r\n">>,
                     <<"GET / HTTP/1.1 extra\r\n">>, <<"GET / HTTP/1.1x\r\n">>, <<"GET / FOO/1.1\r\n">>,
                     <<"GET / http/1.1\r\n">>, <<"GET / HTTP/1\r\n">>, <<"GET / HTTP/1.\r\n">>,
                     <<"GET / HTTP/.1\r\n">>, <<"GET / HTTP/a.b\r\n">>, <<"GET / HTTP/1.1.1\r\n">>,
                     <<"GET / HTTP/\r\n">>, <<"GET / HTTP/12\r\n">>, <<"GET / HTTP/1.12\r\n">>,
                     <<"GET / HTTPS/1.1\r\n">>, <<"GET / HTTP 1.1\r\n">>, <<"GET / \r\r\n">>,
                     <<"GET / HTTP/1.1\r\r\n">>, <<"GET / HTTP/1.1\n">>, <<"GET / HTTP/1.1\r\nx">>,
                     <<"GET /\0/ HTTP/1.1\r\n">>, <<"GET /", 200, 201, " HTTP/1.1\r\n">>,
                     <<"GET", 200, " / HTTP/1.1\r\n">>, <<"GET / HTTP/1.1">>, <<"GET / HTTP/1.1\r">>]].

uris() ->
    [req(<<"GET ", U/binary, " HTTP/1.1\r\n">>)
     || U <- [<<"*">>, <<"**">>, <<"/">>, <<"a">>, <<":">>, <<"/a:b">>, <<"http://tools.ietf.org/html/rfc3986">>,
              <<"http://otp.ericsson.se:8000/product/internal/">>,
              <<"https://example.com:8042/over/there?name=ferret#nose">>,
              <<"ftp://cnn.example.com&story=breaking_news@10.0.0.1/top_story.htm">>,
              <<"/some/absolute/path">>, <<"something_else">>, <<"http://host">>, <<"http://host:8080">>,
              <<"http://host:0/x">>, <<"http://host:/x">>, <<"http://host:80a/x">>, <<"http://host:a80/x">>,
              <<"http://host:00080/x">>, <<"http://:80/x">>, <<"http:///x">>, <<"http://">>, <<"https://">>,
              <<"http:/">>, <<"https:/x">>, <<"HTTP://Host/Path">>, <<"HtTpS://h:443">>, <<"hTTp://h:1:2/x">>,
              <<"http://h/a:80">>, <<"mailto:someone@example.com">>, <<"urn:a:b:c">>, <<":x">>, <<"x:">>,
              <<"http://host:99999999999/">>, <<"http://host:4294967296/">>, <<"http://host:4294967297/">>,
              <<"http://host:2147483648/">>, <<"http://host:65536/">>,
              <<"/a/very/long/path/that/is/longer/than/twenty/five/bytes">>,
              <<"http://a.very.long.host.name.example.com:8080/and/a/long/path/too">>,
              <<"https://short/">>, <<"ftp:", (binary:copy(<<"x">>, 40))/binary>>]].

versions() ->
    [req(<<"GET / HTTP/", V/binary, "\r\n">>)
     || V <- [<<"0.9">>, <<"1.0">>, <<"1.1">>, <<"2.0">>, <<"10.20">>, <<"007.0008">>,
              <<"99999999999.1">>, <<"1.99999999999">>, <<"3000000000.1">>, <<"2147483647.2147483648">>,
              <<"4294967296.4294967295">>, <<"1.1 ">>, <<"1.1\t">>]].

responses() ->
    [all(L) || L <- [<<"HTTP/1.1 200 OK\r\n">>, <<"HTTP/1.0 404 Object Not Found\r\n">>,
                     <<"HTTP/1.1 200\r\n">>, <<"HTTP/1.1 200 \r\n">>, <<"HTTP/1.1  200   OK  \r\n">>,
                     <<"HTTP/1.1\t200\tOK\r\n">>, <<"HTTP/1.1 abc\r\n">>, <<"HTTP/1.1 200abc\r\n">>,
                     <<"HTTP/1.1\r\n">>, <<"HTTP/1.1 \r\n">>, <<"HTTP/1.1 OK\r\n">>, <<"HTTP/1 200 OK\r\n">>,
                     <<"HTTP/x.1 200 OK\r\n">>, <<"HTTP/1.x 200 OK\r\n">>, <<"HTTP/.1 200 OK\r\n">>,
                     <<"HTTP/1. 200 OK\r\n">>, <<"HTTP/\r\n">>, <<"HTTP/ 200\r\n">>, <<"HTTP/1.1 99999999999 OK\r\n">>,
                     <<"HTTP/1.1 3000000000 OK\r\n">>, <<"HTTP/1.1 -1 OK\r\n">>, <<"HTTP/1.1 200 OK\n">>,
                     <<"HTTP/1.1 200 OK\r\r\n">>, <<"HTTP/1.1 200 \tOK\t\r\n">>, <<"http/1.1 200 OK\r\n">>,
                     <<"HTTP/1.1 200 OK, with a long reason phrase\r\n">>,
                     <<"HTTP/1.1 200 ", 0, 255, "\r\n">>, <<"HTTP/1.1 200 OK">>, <<"HTTP/1.1 200 OK\r\nrest">>,
                     <<"HTTP/10.20 999 Whatever\r\nContent-Length: 0\r\n\r\n">>]].

-define(HEADERS,
        ["Cache-Control", "Connection", "Date", "Pragma", "Transfer-Encoding",
         "Upgrade", "Via", "Accept", "Accept-Charset", "Accept-Encoding",
         "Accept-Language", "Authorization", "From", "Host", "If-Modified-Since",
         "If-Match", "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards",
         "Proxy-Authorization", "Range", "Referer", "User-Agent", "Age", "Location",
         "Proxy-Authenticate", "Public", "Retry-After", "Server", "Vary", "Warning",
         "Www-Authenticate", "Allow", "Content-Base", "Content-Encoding",
         "Content-Language", "Content-Length", "Content-Location", "Content-Md5",
         "Content-Range", "Content-Type", "Etag", "Expires", "Last-Modified",
         "Accept-Ranges", "Set-Cookie", "Set-Cookie2", "X-Forwarded-For", "Cookie",
         "Keep-Alive", "Proxy-Connection"]).

headers() ->
    [hdr(list_to_binary([F(H), ": dummy value\r\nRest"]))
     || H <- ?HEADERS, F <- [fun(S) -> S end, fun string:lowercase/1, fun string:uppercase/1]],
    [hdr(<<N/binary, ": v\r\n\r\n">>)
     || N <- [<<"WWW-Authenticate">>, <<"ETag">>, <<"content-MD5">>, <<"x-forwarded-for">>, <<"SET-COOKIE2">>,
              <<"cONTENT-tYPE">>, <<"Content--Type">>, <<"Content---Type">>, <<"-content-type">>,
              <<"Other-Field">>, <<"OTHER-field">>, <<"a--b">>, <<"a-">>, <<"-">>, <<"--">>, <<"x">>,
              <<"X-1abc-2DEF">>, <<"A", 127, "b">>, <<"a_b-c.d~e">>, <<"Set-Cookie3">>, <<"Host2">>,
              <<"Hos">>, <<"Make-sure-a-LONG-HEaDer-fIeLd-is-fORMATTED-NicelY">>,
              binary:copy(<<"a">>, 49), binary:copy(<<"b">>, 50), binary:copy(<<"c">>, 51),
              binary:copy(<<"d-">>, 30), list_to_binary(["Content-Type", lists:duplicate(40, $-)])]],
    [hdr(L) || L <- [<<"Host: localhost\r\n\r\n">>, <<"Host:localhost\r\n\r\n">>, <<"Host:   \t localhost\r\n\r\n">>,
                     <<"Host: localhost  \r\n\r\n">>, <<"Host:\r\n\r\n">>, <<"Host: \r\n\r\n">>, <<":\r\n\r\n">>,
                     <<": x\r\n\r\n">>, <<"Host\t: localhost:8000\r\na">>, <<"Host : localhost:8000\r\na">>,
                     <<" : localhost:8000\r\na">>, <<"Host\r\n\r\n">>, <<"Host">>, <<"Host:">>,
                     <<"Host: x">>, <<"Host: x\r\n">>, <<"Host: x\n">>, <<"Host: x\r\n ">>, <<"Host: x\r\n y">>,
                     <<"Host: x\r\n y\r\n">>, <<"Host: x\r\n y\r\n\r\n">>, <<"Host: x\r\n\ty\r\n\r\n">>,
                     <<"Host: x\n y\n z\nW: v\n\n">>, <<"A: b\r\n c\r\n \r\n\r\n">>,
                     <<"a\n b\r\n\r\n">>, <<"a:\n b\r\n\r\n">>, <<"H\r\n x\r\n\r\n">>,
                     <<"Multi-Line: Once upon a time in a land far far away,\r\n"
                       " there lived a princess imprisoned in the highest tower\r\n"
                       " of the most haunted castle.\r\n\r\n">>,
                     <<"Host: a\rb\r\n\r\n">>, <<"Ho", 200, "st: x\r\n\r\n">>, <<"Host: ", 0, 255, "\r\n\r\n">>,
                     <<"Host(: x\r\n\r\n">>, <<"Ho/st: x\r\n\r\n">>, <<"GET / HTTP/1.1\r\n\r\n">>,
                     <<"HTTP/1.1 200 OK\r\n\r\n">>]].

line_ends() ->
    [all(L) || L <- [<<>>, <<"\n">>, <<"\r\n">>, <<"\r">>, <<"\r\r\n">>, <<"\n\n">>, <<"\r\n\r\n">>,
                     <<"\r\nrest">>, <<"\nrest">>, <<"\n ">>, <<"\r\n ">>, <<" \r\n">>, <<"x">>, <<"x\n">>,
                     <<"x\r">>, <<"x\rx\n">>, <<"\n\r\n">>, <<"\t\r\n x">>]].

limits() ->
    Line = <<"GET /0123456789 HTTP/1.1\r\n">>,        % 26 bytes
    [d(T, Line, Opts) || T <- [http, http_bin],
                         Opts <- [[{packet_size, 25}], [{packet_size, 26}], [{packet_size, 27}],
                                  [{line_length, 25}], [{line_length, 26}], [{line_length, 1}],
                                  [{packet_size, 30}, {line_length, 10}], [{packet_size, 0}, {line_length, 10}]]],
    Part = <<"GET /0123456789">>,
    [d(http, Part, [{packet_size, S}]) || S <- [0, 14, 15, 16]],
    [d(http, Part, [{line_length, S}]) || S <- [0, 14, 15, 16]],
    Hdr = <<"X-Long: 0123456789\r\n more\r\n\r\n">>,  % 28 bytes before the end
    [d(httph, Hdr, [{packet_size, S}]) || S <- [0, 19, 20, 21, 27, 28, 29]],
    [d(httph, binary:part(Hdr, 0, 20), [{packet_size, S}]) || S <- [0, 19, 20, 21]],
    [d(httph, binary:part(Hdr, 0, 15), [{packet_size, S}]) || S <- [0, 14, 15, 16]],
    [d(httph, <<"\r\n">>, [{packet_size, S}]) || S <- [1, 2]],
    [d(http, <<"\n">>, [{packet_size, S}]) || S <- [1, 2]],
    %% OTP-9389: long header lines with packet_size and line_length.
    Opts = [{packet_size, 128}],
    Pkt = list_to_binary(["GET / HTTP/1.1\r\nHost: localhost\r\nLink: /", lists:duplicate(64, $Y), "\r\n\r\n"]),
    <<Pkt1:50/binary, Pkt2/binary>> = Pkt,
    {ok, R1, Rest1} = erlang:decode_packet(http, Pkt1, Opts),
    {ok, R2, Rest2} = erlang:decode_packet(httph, Rest1, Opts),
    io:format("~p~n", [{R1, R2}]),
    d(httph, Rest2, Opts),
    d(httph, list_to_binary([Rest2, Pkt2]), Opts),
    Pkt3 = list_to_binary(["GET / HTTP/1.1\r\nHost: localhost\r\nLink: /", lists:duplicate(129, $Y), "\r\n\r\n"]),
    {ok, _, Rest3} = erlang:decode_packet(http, Pkt3, Opts),
    {ok, _, Rest4} = erlang:decode_packet(httph, Rest3, Opts),
    d(httph, Rest4, Opts),
    Opts2 = [{packet_size, 16384}, {line_length, 3000}],
    Pkt4 = list_to_binary(["Link: /", lists:duplicate(8192, $X), "\r\nContent-Length: 0\r\n\r\n"]),
    {ok, {http_header, N, F, _, V}, Rest5} = erlang:decode_packet(httph, Pkt4, Opts2),
    io:format("~p~n", [{N, F, length(V), Rest5}]),
    d(httph, Pkt4, [{line_length, 3000}]),
    d(httph, binary:part(Pkt4, 0, 5000), [{line_length, 3000}]),
    d(httph, binary:part(Pkt4, 0, 2000), [{line_length, 3000}]).

%% A request and a response, line by line, as http then httph (the suite's http_do).
sequences() ->
    Req = <<"POST /invalid/url HTTP/1.1\r\n"
            "Connection: close\r\n"
            "User-Agent: perl post\r\n"
            "Content-Length: 4\r\n"
            "Content-Type: text/xml; charset=utf-8\r\n"
            "Other-Field: with some text\r\n"
            "Content--Type: text/xml; charset=utf-8\r\n"
            "CONTENT-type: text/xml; charset=utf-8\r\n"
            "Make-sure-a-LONG-HEaDer-fIeLd-is-fORMATTED-NicelY: with some text\r\n"
            "Multi-Line: Once upon a time in a land far far away,\r\n"
            " there lived a princess imprisoned in the highest tower\r\n"
            " of the most haunted castle.\r\n"
            "\r\n"
            "foo">>,
    Resp = <<"HTTP/1.0 404 Object Not Found\r\n"
             "Server: inets/4.7.16\r\n"
             "Date: Fri, 04 Jul 2008 17:16:22 GMT\r\n"
             "Content-Type: text/html\r\n"
             "Content-Length: 207\r\n"
             "\r\n"
             "Hello!">>,
    [begin seq(http, Msg), seq(http_bin, Msg) end || Msg <- [Req, Resp]],
    %% The same from 1..9 bits into a binary, with bits after it.
    [begin
         Orig = <<(1 bsl Off - 1):Off, Req/binary, 5:Off>>,
         <<_:Off, Sub:(byte_size(Req))/binary, _/bits>> = Orig,
         seq(http_bin, Sub)
     end || Off <- lists:seq(1, 9)].

seq(Type, Bin) ->
    case erlang:decode_packet(Type, Bin, []) of
        {ok, http_eoh, Rest} -> io:format("~p~n", [{http_eoh, Rest}]);
        {ok, R, Rest} -> io:format("~p ~p~n", [R, refs(R)]), seq(header_type(Type), Rest);
        Other -> io:format("~p~n", [Other])
    end.

header_type(http) -> httph;
header_type(http_bin) -> httph_bin;
header_type(T) -> T.

%% http_bin strings of 25 bytes and more are sub-binaries of the input (copies below that);
%% a recapitalised header name is always a copy.
sub_binaries() ->
    Pad = lists:duplicate(100, $p),
    [d(httph_bin, list_to_binary([N, ": ", V, "\r\n", Pad]))
     || N <- [lists:duplicate(24, $n), lists:duplicate(25, $n), "x-" ++ lists:duplicate(30, $n),
              lists:duplicate(51, $N), "Content-Type"],
        V <- [lists:duplicate(24, $v), lists:duplicate(25, $v)]],
    [d(http_bin, list_to_binary([M, " ", U, " HTTP/1.1\r\n", Pad]))
     || M <- [lists:duplicate(24, $M), lists:duplicate(25, $M)],
        U <- ["/" ++ lists:duplicate(23, $u), "/" ++ lists:duplicate(24, $u), "http://" ++ lists:duplicate(25, $h),
              "http://" ++ lists:duplicate(24, $h) ++ ":1/" ++ lists:duplicate(24, $u),
              "s:" ++ lists:duplicate(25, $s), lists:duplicate(25, $s) ++ ":", lists:duplicate(25, $o)]],
    d(http_bin, list_to_binary(["HTTP/1.1 200 ", lists:duplicate(24, $r), "\r\n", Pad])),
    d(http_bin, list_to_binary(["HTTP/1.1 200 ", lists:duplicate(25, $r), "\r\n", Pad])),
    d(http_bin, list_to_binary([lists:duplicate(22, $e), "\r\n", Pad])),
    d(http_bin, list_to_binary([lists:duplicate(23, $e), "\r\n", Pad])),
    Bin = list_to_binary(["HTTP/1.1 200 ", lists:duplicate(30, $r), "\r\n", Pad]),
    <<_:3, Sub:(byte_size(Bin))/binary, _/bits>> = <<0:3, Bin/binary, 0:5>>,
    d(http_bin, Sub).
