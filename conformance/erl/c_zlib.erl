-module(c_zlib).
-export([main/0]).
-compile(nowarn_deprecated_function).

%% The zlib module: compress/uncompress, zip/unzip, gzip/gunzip, the streaming API (deflate
%% flushes, inflate, safeInflate, inflateChunk, dictionaries, resets, parameters), checksums,
%% stream ownership and the errors of corrupt input.
%%
%% Compressed bytes differ between zlib and other deflate implementations, so deflate output is
%% only ever decompressed, never printed. Inflate must match erl exactly: its inputs are built
%% here by a small deflate encoder (stored and fixed-Huffman blocks, zlib and gzip wrappers),
%% the same bytes on any VM, and the chunks, errors and checksums of inflating them are printed.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, R} -> erlang:display({done, R}) end,
    erlang:halt().

-define(D(X), erlang:display(X)).
%% The class and reason of an exception (stack traces hold references), or the value.
-define(T(X), caught(fun() -> X end)).
-define(C(X), erlang:display(?T(X))).

body() ->
    round_trips(),
    deflate_flushes(),
    deflate_options(),
    deflate_dictionary(),
    deflate_errors(),
    inflate_chunks(),
    inflate_bytewise(),
    inflate_gzip_headers(),
    inflate_dictionary(),
    inflate_corrupt(),
    inflate_eos(),
    ownership(),
    checksums(),
    etf(),
    exit(normal).

caught(F) -> try F() catch Class:Reason -> {Class, Reason} end.

%% ------------------------------------------------------------------ data

%% Deterministic pseudo-random bytes (a linear congruential generator).
rand_bytes(N, Seed) -> rand_bytes(N, Seed, []).
rand_bytes(0, _, Acc) -> list_to_binary(Acc);
rand_bytes(N, S, Acc) ->
    S1 = (S * 1103515245 + 12345) band 16#7fffffff,
    rand_bytes(N - 1, S1, [(S1 bsr 16) band 255 | Acc]).

text(N) ->
    Words = [<<"alpha ">>, <<"beta ">>, <<"gamma ">>, <<"delta ">>, <<"epsilon\n">>],
    iolist_to_binary([lists:nth(1 + (I * 7 + I div 3) rem 5, Words) || I <- lists:seq(1, N)]).

%% ------------------------------------------------------------------ a deflate encoder

%% Bits are collected least significant first, whole bytes flushed to an iolist.
put(V, N, {Acc, B, Out}) -> flush_bytes({Acc bor (V bsl B), B + N, Out}).
flush_bytes({Acc, B, Out}) when B >= 8 -> flush_bytes({Acc bsr 8, B - 8, [Acc band 255 | Out]});
flush_bytes(W) -> W.
align({Acc, B, Out}) when B > 0 -> {0, 0, [Acc band 255 | Out]};
align(W) -> W.
bits_done(W) -> {_, _, Out} = align(W), list_to_binary(lists:reverse(Out)).
new_bits() -> {0, 0, []}.

rev(C, N) -> rev(C, N, 0).
rev(_, 0, R) -> R;
rev(C, N, R) -> rev(C bsr 1, N - 1, (R bsl 1) bor (C band 1)).

huff(V, N, W) -> put(rev(V, N), N, W).

lit_code(S) when S =< 143 -> {16#30 + S, 8};
lit_code(S) when S =< 255 -> {16#190 + S - 144, 9};
lit_code(S) when S =< 279 -> {S - 256, 7};
lit_code(S) -> {16#c0 + S - 280, 8}.

len_base() -> [3,4,5,6,7,8,9,10,11,13,15,17,19,23,27,31,35,43,51,59,67,83,99,115,131,163,195,227,258].
len_extra() -> [0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0].
dist_base() -> [1,2,3,4,5,7,9,13,17,25,33,49,65,97,129,193,257,385,513,769,1025,1537,2049,3073,
                4097,6145,8193,12289,16385,24577].
dist_extra() -> [0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13].

%% The index (0-based) of the last base =< V.
code_of(V, Bases) -> length([B || B <- Bases, B =< V]) - 1.

sym(S, W) -> {C, N} = lit_code(S), huff(C, N, W).

token({lit, B}, W) -> sym(B, W);
token({match, L, Dist}, W) ->
    I = code_of(L, len_base()),
    W1 = sym(257 + I, W),
    W2 = put(L - lists:nth(I + 1, len_base()), lists:nth(I + 1, len_extra()), W1),
    J = code_of(Dist, dist_base()),
    W3 = huff(J, 5, W2),
    put(Dist - lists:nth(J + 1, dist_base()), lists:nth(J + 1, dist_extra()), W3).

%% A fixed-Huffman block of tokens.
fixed_block(Tokens, Final, W) ->
    W1 = put(1, 2, put(Final, 1, W)),
    sym(256, lists:foldl(fun token/2, W1, Tokens)).

%% Stored blocks of at most 65535 bytes.
stored(Data, Final, W) when byte_size(Data) > 65535 ->
    <<Part:65535/binary, Rest/binary>> = Data,
    stored(Rest, Final, stored(Part, 0, W));
stored(Data, Final, W) ->
    N = byte_size(Data),
    {A, B, Out} = align(put(0, 2, put(Final, 1, W))),
    {A, B, lists:reverse(binary_to_list(<<N:16/little, (bnot N):16/little, Data/binary>>), Out)}.

lits(Bin) -> [{lit, B} || <<B>> <= Bin].

raw_fixed(Tokens) -> bits_done(fixed_block(Tokens, 1, new_bits())).
raw_stored(Data) -> bits_done(stored(Data, 1, new_bits())).

zlib_wrap(Raw, Plain) -> <<16#78, 16#9c, Raw/binary, (erlang:adler32(Plain)):32>>.
gzip_wrap(Raw, Plain) ->
    <<31, 139, 8, 0, 0:32, 0, 3, Raw/binary, (erlang:crc32(Plain)):32/little,
      (byte_size(Plain)):32/little>>.

%% What tokens decode to.
expand(Tokens) -> expand(Tokens, <<>>).
expand([], Acc) -> Acc;
expand([{lit, B} | T], Acc) -> expand(T, <<Acc/binary, B>>);
expand([{match, L, D} | T], Acc) -> expand(T, copy(Acc, L, D)).
copy(Acc, 0, _) -> Acc;
copy(Acc, L, D) -> copy(<<Acc/binary, (binary:at(Acc, byte_size(Acc) - D))>>, L - 1, D).

%% ------------------------------------------------------------------ round trips

round_trips() ->
    Inputs = [<<>>, <<"a">>, <<"hello">>, text(3000), rand_bytes(20000, 7),
              binary:copy(<<0>>, 200000), ["io", [<<"list">>, $s], <<"data">>],
              text(40000)],
    lists:foreach(
      fun(In) ->
              Bin = iolist_to_binary(In),
              ?D({byte_size(Bin), erlang:crc32(Bin),
                  zlib:uncompress(zlib:compress(In)) =:= Bin,
                  zlib:unzip(zlib:zip(In)) =:= Bin,
                  zlib:gunzip(zlib:gzip(In)) =:= Bin,
                  zlib:uncompress([zlib:compress(In)]) =:= Bin})
      end, Inputs),
    %% Outputs are binaries; gzip members concatenate.
    ?D(is_binary(zlib:compress(<<"x">>))),
    ?D(zlib:gunzip([zlib:gzip(<<"one ">>), zlib:gzip(<<"two">>)])),
    ok.

%% ------------------------------------------------------------------ deflate

deflate_flushes() ->
    Part1 = text(500), Part2 = rand_bytes(3000, 3), Part3 = text(1200),
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    C1 = iolist_to_binary(zlib:deflate(Z, Part1, sync)),
    %% After a sync flush everything so far decompresses.
    ?D(inflate_partial(15, C1) =:= Part1),
    C2 = iolist_to_binary(zlib:deflate(Z, Part2, full)),
    ?D(inflate_partial(15, <<C1/binary, C2/binary>>) =:= <<Part1/binary, Part2/binary>>),
    C3 = iolist_to_binary(zlib:deflate(Z, Part3)),
    C4 = iolist_to_binary(zlib:deflate(Z, <<>>, finish)),
    All = <<C1/binary, C2/binary, C3/binary, C4/binary>>,
    ?D(zlib:uncompress(All) =:= <<Part1/binary, Part2/binary, Part3/binary>>),
    ?D(zlib:deflate(Z, <<>>, finish)),
    ?D(zlib:deflateEnd(Z)),
    %% The stream can be used again.
    ok = zlib:deflateInit(Z, best_speed),
    C5 = iolist_to_binary([zlib:deflate(Z, [Part2, Part1], none), zlib:deflate(Z, [], finish)]),
    ?D(zlib:uncompress(C5) =:= <<Part2/binary, Part1/binary>>),
    ok = zlib:deflateReset(Z),
    C6 = iolist_to_binary(zlib:deflate(Z, Part3, finish)),
    ?D(zlib:uncompress(C6) =:= Part3),
    ok = zlib:deflateEnd(Z),
    ok = zlib:close(Z),
    %% Many small deflate calls.
    Z2 = zlib:open(),
    ok = zlib:deflateInit(Z2, default, deflated, -15, 8, default),
    Pieces = [integer_to_binary(I) || I <- lists:seq(1, 3000)],
    Cs = [zlib:deflate(Z2, P) || P <- Pieces],
    Last = zlib:deflate(Z2, <<>>, finish),
    ?D(zlib:unzip([Cs, Last]) =:= iolist_to_binary(Pieces)),
    ?D(zlib:crc32(Z2) =:= erlang:crc32(Pieces)),
    zlib:close(Z2),
    %% deflateParams between chunks.
    Z3 = zlib:open(),
    ok = zlib:deflateInit(Z3, 1),
    P1 = zlib:deflate(Z3, text(2000)),
    ?D(zlib:deflateParams(Z3, best_compression, filtered)),
    P2 = zlib:deflate(Z3, text(3000)),
    ?D(zlib:deflateParams(Z3, none, default)),
    P3 = zlib:deflate(Z3, rand_bytes(5000, 1), finish),
    ?D(zlib:uncompress([P1, P2, P3]) =:=
           iolist_to_binary([text(2000), text(3000), rand_bytes(5000, 1)])),
    zlib:close(Z3),
    ok.

inflate_partial(WBits, Data) ->
    Z = zlib:open(),
    ok = zlib:inflateInit(Z, WBits),
    Out = iolist_to_binary(zlib:inflate(Z, Data)),
    zlib:close(Z),
    Out.

deflate_options() ->
    Data = iolist_to_binary([text(4000), rand_bytes(2000, 11), binary:copy(<<"xyz">>, 3000)]),
    Combos = [{L, W, M, S} || L <- [none, best_speed, default, best_compression, 3],
                              W <- [-15, -9, 9, 12, 15, 25, 31],
                              M <- [1, 9],
                              S <- [default, filtered, huffman_only, rle]],
    Res = [begin
               Z = zlib:open(),
               ok = zlib:deflateInit(Z, L, deflated, W, M, S),
               C = zlib:deflate(Z, Data, finish),
               ok = zlib:deflateEnd(Z),
               zlib:close(Z),
               inflate_partial(W, C) =:= Data
           end || {L, W, M, S} <- Combos],
    ?D({length(Res), lists:usort(Res)}),
    %% windowBits 8: zlib makes it 9 for zlib streams, refuses it for raw and gzip ones.
    Z = zlib:open(),
    ok = zlib:deflateInit(Z, default, deflated, 8, 8, default),
    C8 = zlib:deflate(Z, Data, finish),
    ?D(inflate_partial(9, C8) =:= Data),
    zlib:deflateEnd(Z),
    ?C(zlib:deflateInit(Z, default, deflated, -8, 8, default)),
    ?C(zlib:deflateInit(Z, default, deflated, 24, 8, default)),
    ?C(zlib:deflateInit(Z, default, deflated, 40, 8, default)),
    ?C(zlib:deflateInit(Z, default, deflated, 16, 8, default)),
    ?C(zlib:deflateInit(Z, 10)),
    ?C(zlib:deflateInit(Z, default, stored, 15, 8, default)),
    ?C(zlib:deflateInit(Z, default, deflated, 15, 10, default)),
    ?C(zlib:deflateInit(Z, default, deflated, 15, 8, fixed)),
    ?C(zlib:deflateInit(Z, default, deflated, 7, 8, default)),
    ?C(zlib:deflate(Z, <<"x">>, bad)),
    ok = zlib:deflateInit(Z),
    ?C(zlib:deflate(Z, <<"x">>, bad)),
    ?C(zlib:deflate(Z, [<<1:3>>])),
    ?C(zlib:deflate(Z, atom)),
    zlib:close(Z).

deflate_dictionary() ->
    Dict = text(200),
    Data = text(300),
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    Adler = zlib:deflateSetDictionary(Z, Dict),
    ?D({Adler, Adler =:= erlang:adler32(Dict)}),
    C = iolist_to_binary(zlib:deflate(Z, Data, finish)),
    zlib:deflateEnd(Z),
    %% The header names the dictionary.
    <<_:16, DictId:32, _/binary>> = C,
    ?D(DictId =:= erlang:adler32(Dict)),
    I = zlib:open(),
    ok = zlib:inflateInit(I),
    ?C(zlib:inflate(I, C)),
    ?D(zlib:inflateSetDictionary(I, Dict)),
    ?D(iolist_to_binary(zlib:inflate(I, [])) =:= Data),
    ?D(zlib:inflateEnd(I)),
    zlib:close(I),
    %% Raw streams: the checksum of the dictionary starts at 0.
    ok = zlib:deflateInit(Z, default, deflated, -15, 8, default),
    ?D(zlib:deflateSetDictionary(Z, Dict)),
    ?D(zlib:deflateSetDictionary(Z, <<"abc">>)),
    RC = zlib:deflate(Z, Data, finish),
    zlib:deflateEnd(Z),
    I2 = zlib:open(),
    ok = zlib:inflateInit(I2, -15),
    ok = zlib:inflateSetDictionary(I2, [Dict, <<"abc">>]),
    ?D(iolist_to_binary(zlib:inflate(I2, RC)) =:= Data),
    zlib:close(I2),
    %% Too late, or gzip.
    ok = zlib:deflateInit(Z),
    _ = zlib:deflate(Z, <<"data">>),
    ?C(zlib:deflateSetDictionary(Z, Dict)),
    ?C(zlib:deflateEnd(Z)),
    ok = zlib:deflateInit(Z, default, deflated, 31, 8, default),
    ?C(zlib:deflateSetDictionary(Z, Dict)),
    ?C(zlib:deflateSetDictionary(Z, atom)),
    zlib:close(Z),
    %% A large dictionary: erl's checksum is a signed 32-bit integer.
    Z4 = zlib:open(),
    ok = zlib:deflateInit(Z4),
    Big = binary:copy(<<"zyxw">>, 1000),
    ?D(zlib:deflateSetDictionary(Z4, Big)),
    C4 = zlib:deflate(Z4, Data, finish),
    I4 = zlib:open(),
    ok = zlib:inflateInit(I4),
    ?D(zlib:inflate(I4, C4, [{exception_on_need_dict, false}])),
    ?C(zlib:inflateSetDictionary(I4, <<"wrong">>)),
    ?D(zlib:inflateSetDictionary(I4, Big)),
    ?D(iolist_to_binary(zlib:inflate(I4, [])) =:= Data),
    zlib:close(I4),
    zlib:close(Z4).

deflate_errors() ->
    Z = zlib:open(),
    ?C(zlib:deflate(Z, <<"x">>)),
    ?C(zlib:deflateEnd(Z)),
    ?C(zlib:deflateReset(Z)),
    ?C(zlib:deflateParams(Z, default, default)),
    ?C(zlib:crc32(Z)),
    ok = zlib:deflateInit(Z),
    ?C(zlib:deflateInit(Z)),
    ?C(zlib:inflateInit(Z)),
    ?C(zlib:inflate(Z, <<"x">>)),
    ?D(zlib:crc32(Z)),
    _ = zlib:deflate(Z, <<"unfinished">>),
    ?C(zlib:deflateEnd(Z)),
    ok = zlib:deflateInit(Z),
    ?C(zlib:deflateEnd(Z)),
    ok = zlib:deflateInit(Z),
    _ = zlib:deflate(Z, <<"done">>, finish),
    ?C(zlib:deflate(Z, <<"more">>)),
    ?C(zlib:deflate(Z, <<>>)),
    ?C(zlib:deflate(Z, <<>>, sync)),
    ?C(zlib:deflate(Z, <<>>, finish)),
    ?C(zlib:deflateParams(Z, best_speed, default)),
    ?C(zlib:deflateEnd(Z)),
    ?C(zlib:deflateParams(Z, 11, default)),
    ?C(zlib:deflateParams(Z, default, other)),
    ?D(zlib:close(Z)),
    ?C(zlib:close(Z)),
    ?C(zlib:deflateInit(Z)),
    ?C(zlib:deflate(Z, <<"x">>)),
    ?C(zlib:close(make_ref())),
    ?C(zlib:close(not_a_stream)),
    ?C(zlib:deflate(not_a_stream, <<"x">>)),
    ?C(zlib:getBufSize(not_a_stream)),
    ok.

%% ------------------------------------------------------------------ inflate

%% 3 literals then matches: a lot of output from little input.
long_tokens() -> lits(<<"abc">>) ++ [{match, 258, 3} || _ <- lists:seq(1, 250)] ++ lits(<<"end">>).

safe_loop(Z, Data) -> safe_loop(Z, zlib:safeInflate(Z, Data), []).
safe_loop(_, {finished, Out}, Acc) -> lists:reverse([iolist_size(Out) | Acc]);
safe_loop(Z, {continue, Out}, Acc) -> safe_loop(Z, zlib:safeInflate(Z, []), [iolist_size(Out) | Acc]).

chunk_loop(Z, Data) -> chunk_loop(Z, zlib:inflateChunk(Z, Data), []).
chunk_loop(_, Out, Acc) when is_list(Out) -> lists:reverse([iolist_size(Out) | Acc]);
chunk_loop(Z, {more, Out}, Acc) -> chunk_loop(Z, zlib:inflateChunk(Z), [iolist_size(Out) | Acc]).

inflate_chunks() ->
    Tokens = long_tokens(),
    Plain = expand(Tokens),
    ZData = zlib_wrap(raw_fixed(Tokens), Plain),
    ?D({byte_size(Plain), byte_size(ZData), zlib:uncompress(ZData) =:= Plain}),
    Z = zlib:open(),
    ok = zlib:inflateInit(Z),
    ?D(safe_loop(Z, ZData)),
    ?D(zlib:inflateEnd(Z)),
    ok = zlib:inflateInit(Z),
    ?D(zlib:getBufSize(Z)),
    ?D(chunk_loop(Z, ZData)),
    ok = zlib:inflateReset(Z),
    ok = zlib:setBufSize(Z, 20000),
    ?D(zlib:getBufSize(Z)),
    ?D(chunk_loop(Z, ZData)),
    ?C(zlib:setBufSize(Z, 16)),
    ?C(zlib:setBufSize(Z, 1 bsl 24)),
    ok = zlib:inflateEnd(Z),
    %% Stored blocks: the 8 KiB input limit per call shows.
    Rand = rand_bytes(150000, 5),
    SData = zlib_wrap(raw_stored(Rand), Rand),
    ok = zlib:inflateInit(Z),
    ?D(safe_loop(Z, SData)),
    ?D(zlib:inflateEnd(Z)),
    ok = zlib:inflateInit(Z),
    ?D(iolist_to_binary(zlib:inflate(Z, SData)) =:= Rand),
    ?D(zlib:inflateEnd(Z)),
    %% Input in pieces: split at every 1000 bytes.
    ok = zlib:inflateInit(Z),
    Outs = [iolist_size(zlib:inflate(Z, P)) || P <- split(SData, 1000)],
    ?D({length(Outs), lists:sum(Outs), lists:sublist(Outs, 12)}),
    ?D(zlib:inflateEnd(Z)),
    %% Auto-detection of the header.
    ok = zlib:inflateInit(Z, 47),
    ?D(iolist_to_binary(zlib:inflate(Z, ZData)) =:= Plain),
    ok = zlib:inflateReset(Z),
    ?D(iolist_to_binary(zlib:inflate(Z, gzip_wrap(raw_fixed(Tokens), Plain))) =:= Plain),
    ok = zlib:inflateEnd(Z),
    ok = zlib:inflateInit(Z, 15 + 16),
    ?C(zlib:inflate(Z, ZData)),
    catch zlib:inflateEnd(Z),
    ok = zlib:inflateInit(Z, 32),
    ?D(iolist_to_binary(zlib:inflate(Z, ZData)) =:= Plain),
    ok = zlib:inflateEnd(Z),
    ?C(zlib:inflateInit(Z, 33)),
    ?C(zlib:inflateInit(Z, 7)),
    ?C(zlib:inflateInit(Z, -16)),
    ?C(zlib:inflateInit(Z, 15, other)),
    %% The window size in the header must fit.
    ok = zlib:inflateInit(Z, 9),
    ?C(zlib:inflate(Z, ZData)),
    catch zlib:inflateEnd(Z),
    ok = zlib:inflateInit(Z, 9),
    Small = <<16#18, 16#95, (raw_fixed(lits(<<"tiny">>)))/binary, (erlang:adler32(<<"tiny">>)):32>>,
    ?D(zlib:inflate(Z, Small)),
    ?D(zlib:inflateEnd(Z)),
    %% The raw inflater's output checksum.
    ok = zlib:inflateInit(Z, -15),
    ?D(iolist_size(zlib:inflate(Z, raw_fixed(Tokens)))),
    ?D(zlib:crc32(Z) =:= erlang:crc32(Plain)),
    ?D(zlib:inflateGetDictionary(Z) =:= binary:part(Plain, byte_size(Plain), -32768)),
    ?D(zlib:inflateEnd(Z)),
    ok = zlib:inflateInit(Z),
    _ = zlib:inflate(Z, ZData),
    ?D(zlib:crc32(Z)),
    zlib:close(Z).

split(<<>>, _) -> [];
split(B, N) when byte_size(B) =< N -> [B];
split(B, N) -> <<H:N/binary, T/binary>> = B, [H | split(T, N)].

inflate_bytewise() ->
    Tokens = lits(<<"Hello, hello, ">>) ++ [{match, 30, 7}, {lit, $!}, {match, 100, 1}]
        ++ lits(text(20)) ++ [{match, 40, 60}],
    Plain = expand(Tokens),
    Data = gzip_wrap(raw_fixed(Tokens), Plain),
    Z = zlib:open(),
    ok = zlib:inflateInit(Z, 31),
    Outs = [iolist_to_binary(zlib:inflate(Z, <<B>>)) || <<B>> <= Data],
    ?D([byte_size(O) || O <- Outs]),
    ?D(iolist_to_binary(Outs) =:= Plain),
    ?D(zlib:inflateEnd(Z)),
    ok = zlib:inflateInit(Z, 31),
    Safe = [zlib:safeInflate(Z, <<B>>) || <<B>> <= Data],
    ?D([{K, iolist_size(O)} || {K, O} <- Safe]),
    ?D(zlib:inflateEnd(Z)),
    zlib:close(Z).

inflate_gzip_headers() ->
    Plain = text(50),
    Raw = raw_fixed(lits(Plain)),
    Trailer = <<(erlang:crc32(Plain)):32/little, (byte_size(Plain)):32/little>>,
    Head = fun(Flags, Fields) -> <<31, 139, 8, Flags, 1, 2, 3, 4, 0, 255, Fields/binary>> end,
    Extra = <<5:16/little, "extra">>,
    Name = <<"name.txt", 0>>,
    Comment = <<"a comment", 0>>,
    All = <<Extra/binary, Name/binary, Comment/binary>>,
    H1 = Head(16#1e, All),
    Hcrc = erlang:crc32(H1) band 16#ffff,
    %% The last one lacks its header CRC.
    Cases = [Head(0, <<>>), Head(4, Extra), Head(8, Name), Head(16, Comment), Head(16#1c, All),
             <<H1/binary, Hcrc:16/little>>, H1],
    [?C(zlib:gunzip(<<H/binary, Raw/binary, Trailer/binary>>) =:= Plain) || H <- Cases],
    BadHcrc = <<H1/binary, (Hcrc bxor 1):16/little>>,
    ?C(zlib:gunzip(<<BadHcrc/binary, Raw/binary, Trailer/binary>>)),
    ?C(zlib:gunzip(<<(Head(16#20, <<>>))/binary, Raw/binary, Trailer/binary>>)),
    ?C(zlib:gunzip(<<31, 139, 9, 0, 0:48, Raw/binary, Trailer/binary>>)),
    %% Header byte by byte.
    Z = zlib:open(),
    ok = zlib:inflateInit(Z, 31),
    Whole = <<H1/binary, Hcrc:16/little, Raw/binary, Trailer/binary>>,
    Outs = [iolist_size(zlib:inflate(Z, <<B>>)) || <<B>> <= Whole],
    ?D({lists:sum(Outs), length([O || O <- Outs, O > 0])}),
    ?D(zlib:inflateEnd(Z)),
    zlib:close(Z).

inflate_dictionary() ->
    Dict = <<"the quick brown fox jumps over the lazy dog">>,
    %% Matches reach into the dictionary.
    Tokens = [{match, 9, 43}, {lit, $!}, {match, 15, 20}],
    Plain = expand(Tokens, Dict),
    Out = binary:part(Plain, byte_size(Dict), byte_size(Plain) - byte_size(Dict)),
    ?D(Out),
    Raw = raw_fixed(Tokens),
    ZData = <<16#78, 16#bb, (erlang:adler32(Dict)):32, Raw/binary, (erlang:adler32(Out)):32>>,
    Z = zlib:open(),
    ok = zlib:inflateInit(Z),
    ?C(zlib:inflate(Z, ZData)),
    ?C(zlib:inflate(Z, [])),
    ?D(zlib:inflateSetDictionary(Z, Dict)),
    ?D(zlib:inflate(Z, [])),
    ?D(zlib:inflateGetDictionary(Z)),
    ?D(zlib:inflateEnd(Z)),
    ok = zlib:inflateInit(Z),
    ?D(zlib:safeInflate(Z, ZData)),
    ?C(zlib:inflateSetDictionary(Z, <<"not it">>)),
    ?D(zlib:inflateSetDictionary(Z, Dict)),
    ?D(zlib:safeInflate(Z, [])),
    ?D(zlib:inflateEnd(Z)),
    ok = zlib:inflateInit(Z),
    ?D(zlib:inflate(Z, ZData, [{exception_on_need_dict, false}])),
    ?D(zlib:inflateSetDictionary(Z, Dict)),
    ?D(zlib:inflate(Z, [], [{exception_on_need_dict, false}])),
    ?D(zlib:inflateEnd(Z)),
    %% Only the header so far.
    ok = zlib:inflateInit(Z),
    ?D(zlib:safeInflate(Z, binary:part(ZData, 0, 6))),
    ?C(zlib:safeInflate(Z, binary:part(ZData, 6, byte_size(ZData) - 6))),
    ?C(zlib:inflateEnd(Z)),
    %% A zlib stream takes no dictionary before its header asks.
    ok = zlib:inflateInit(Z),
    ?C(zlib:inflateSetDictionary(Z, Dict)),
    catch zlib:inflateEnd(Z),
    %% Without it the raw stream reaches before its start.
    ok = zlib:inflateInit(Z, -15),
    ?C(zlib:inflate(Z, Raw)),
    catch zlib:inflateEnd(Z),
    ok = zlib:inflateInit(Z, -15),
    ?D(zlib:inflateSetDictionary(Z, Dict)),
    ?D(zlib:inflateGetDictionary(Z)),
    ?D(zlib:inflate(Z, Raw)),
    ?D(zlib:inflateEnd(Z)),
    ?C(zlib:inflateGetDictionary(Z)),
    zlib:close(Z).

inflate_corrupt() ->
    Plain = text(100),
    Raw = raw_fixed(lits(Plain)),
    Good = zlib_wrap(Raw, Plain),
    Sz = byte_size(Good),
    Cases =
        [{short, <<1, 2, 3>>},
         {empty, <<>>},
         {garbage, <<"this is not compressed data">>},
         {bad_check, <<16#78, 16#9d, Raw/binary>>},
         {bad_method, <<16#79, 16#18, Raw/binary>>},
         {truncated, binary:part(Good, 0, Sz - 10)},
         {no_trailer, binary:part(Good, 0, Sz - 4)},
         {bad_adler, <<(binary:part(Good, 0, Sz - 1))/binary, 0>>},
         {trailing, <<Good/binary, "junk">>},
         {block_type_3, <<16#78, 16#9c, 2#111, 0, 0, 0, 0, 0, 0, 0>>},
         {stored_len, <<16#78, 16#9c, 1, 5, 0, 5, 0, "hello", 0, 0, 0, 0>>},
         {too_far, zlib_wrap(raw_fixed(lits(<<"ab">>) ++ [{match, 3, 3}]), <<"ababa">>)},
         {bad_dist_code, <<16#78, 16#9c, (bits_done(huff(31, 5, sym(257, sym($a,
             put(1, 2, put(1, 1, new_bits())))))))/binary, 0:32>>},
         {bad_lit_code, <<16#78, 16#9c, (bits_done(huff(16#c7, 8,
             put(1, 2, put(1, 1, new_bits())))))/binary, 0:32>>}],
    lists:foreach(
      fun({Name, Bin}) ->
              ?D({Name, ?T(zlib:uncompress(Bin))}),
              Z = zlib:open(),
              ok = zlib:inflateInit(Z),
              ?D({Name, ?T(zlib:safeInflate(Z, Bin))}),
              zlib:close(Z)
      end, Cases),
    ?C(zlib:unzip(<<255, 255, 255, 255>>)),
    ?C(zlib:unzip(Raw) =:= Plain),
    ?C(zlib:unzip(<<Raw/binary, "tail">>) =:= Plain),
    ?C(zlib:unzip(binary:part(Raw, 0, 10))),
    G = gzip_wrap(Raw, Plain),
    GS = byte_size(G),
    ?C(zlib:gunzip(<<(binary:part(G, 0, GS - 8))/binary, 0:32, (byte_size(Plain)):32/little>>)),
    ?C(zlib:gunzip(<<(binary:part(G, 0, GS - 4))/binary, 1:32/little>>)),
    ?C(zlib:gunzip(binary:part(G, 0, GS - 2))),
    ?C(zlib:gunzip(<<"not gzip">>)),
    ?C(zlib:uncompress(G)),
    ?C(zlib:uncompress(atom)),
    ?C(zlib:uncompress([<<1:7>>])),
    ?C(zlib:gunzip(atom)),
    %% A bad stream stays bad.
    Z = zlib:open(),
    ok = zlib:inflateInit(Z),
    ?C(zlib:inflate(Z, <<"garbage garbage">>)),
    ?C(zlib:inflate(Z, Good)),
    ok = zlib:inflateReset(Z),
    ?D(iolist_to_binary(zlib:inflate(Z, Good)) =:= Plain),
    ?D(zlib:inflateEnd(Z)),
    %% A small raw window: distances reach only as far as it (and this call's output).
    ok = zlib:inflateInit(Z, -9),
    Far = lits(rand_bytes(1000, 2)) ++ [{match, 10, 900}],
    ?C(iolist_size(zlib:inflate(Z, raw_fixed(Far)))),
    catch zlib:inflateEnd(Z),
    ok = zlib:inflateInit(Z, -9),
    W = fixed_block(lits(rand_bytes(1000, 2)), 0, new_bits()),
    {_, _, FirstOut} = W,
    First = list_to_binary(lists:reverse(FirstOut)),
    ?C(iolist_size(zlib:inflate(Z, First))),
    ?C(zlib:inflate(Z, bits_done(fixed_block([{match, 10, 900}], 1, W)))),
    catch zlib:inflateEnd(Z),
    zlib:close(Z).

inflate_eos() ->
    A = text(30), B = text(40),
    GA = gzip_wrap(raw_fixed(lits(A)), A),
    GB = gzip_wrap(raw_stored(B), B),
    %% reset: concatenated members (gunzip's behavior).
    ?D(zlib:gunzip(<<GA/binary, GB/binary>>) =:= <<A/binary, B/binary>>),
    Z = zlib:open(),
    %% cut: the rest is dropped.
    ok = zlib:inflateInit(Z, 31, cut),
    ?D(iolist_to_binary(zlib:inflate(Z, <<GA/binary, GB/binary>>)) =:= A),
    ?D(zlib:inflate(Z, <<"more">>)),
    ?D(zlib:inflateEnd(Z)),
    %% error: more data after the end is an error.
    ok = zlib:inflateInit(Z, 31, error),
    ?C(zlib:inflate(Z, <<GA/binary, GB/binary>>)),
    catch zlib:inflateEnd(Z),
    ok = zlib:inflateInit(Z, 31, error),
    ?D(iolist_to_binary(zlib:inflate(Z, GA)) =:= A),
    ?C(zlib:inflate(Z, <<"x">>)),
    catch zlib:inflateEnd(Z),
    ok = zlib:inflateInit(Z, 31, reset),
    ?D(iolist_to_binary(zlib:inflate(Z, [GA, GB, GA])) =:= <<A/binary, B/binary, A/binary>>),
    ?D(zlib:inflateEnd(Z)),
    ok = zlib:inflateInit(Z, 31, reset),
    ?D(zlib:safeInflate(Z, <<GA/binary, GB/binary>>) =/= x),
    ?D(zlib:safeInflate(Z, [])),
    ?C(zlib:inflateEnd(Z)),
    zlib:close(Z).

%% ------------------------------------------------------------------ ownership

ownership() ->
    Self = self(),
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    Other = spawn(fun() ->
                          R1 = ?T(zlib:deflate(Z, <<"x">>)),
                          R2 = ?T(zlib:close(Z)),
                          R3 = ?T(zlib:set_controlling_process(Z, self())),
                          Self ! {self(), R1, R2, R3},
                          receive go -> ok end,
                          C = zlib:deflate(Z, <<"from the new owner">>, finish),
                          Self ! {self(), zlib:uncompress(C), zlib:deflateEnd(Z)},
                          receive never -> ok end
                  end),
    receive {Other, R1, R2, R3} -> ?D({R1, R2, R3}) end,
    ?D(zlib:set_controlling_process(Z, Other)),
    ?C(zlib:deflate(Z, <<"x">>)),
    ?C(zlib:set_controlling_process(Z, self())),
    ?C(zlib:set_controlling_process(Z, not_a_pid)),
    Other ! go,
    receive {Other, U, E} -> ?D({U, E}) end,
    MRef = monitor(process, Other),
    exit(Other, kill),
    receive {'DOWN', MRef, process, Other, killed} -> ok end,
    %% Its controller is gone: nobody can use the stream, its creator neither.
    ?C(zlib:close(Z)),
    ?C(zlib:deflate(Z, <<"x">>)),
    %% A stream whose creator and controller exited.
    Self2 = self(),
    Dead = spawn(fun() -> Self2 ! {stream, zlib:open()} end),
    Z2 = receive {stream, S2} -> S2 end,
    DRef = monitor(process, Dead),
    receive {'DOWN', DRef, process, Dead, _} -> ok end,
    ?C(zlib:inflateInit(Z2)),
    ?C(zlib:close(Z2)),
    %% Many streams, closed or not.
    Zs = [zlib:open() || _ <- lists:seq(1, 100)],
    [ok = zlib:inflateInit(S) || S <- Zs],
    [ok = zlib:close(S) || S <- lists:sublist(Zs, 50)],
    ?D(lists:usort([is_reference(S) || S <- Zs])),
    %% Stash calls, as zlib.erl makes them.
    ok.

%% ------------------------------------------------------------------ checksums

checksums() ->
    Z = zlib:open(),
    Data = text(1000),
    ?D(zlib:crc32(Z, Data) =:= erlang:crc32(Data)),
    ?D(zlib:crc32(Z, 12345, Data) =:= erlang:crc32(12345, Data)),
    ?D(zlib:adler32(Z, Data) =:= erlang:adler32(Data)),
    ?D(zlib:adler32(Z, 777, Data) =:= erlang:adler32(777, Data)),
    ?D({zlib:crc32(Z, <<"abc">>), zlib:adler32(Z, <<"abc">>)}),
    ?D(zlib:crc32_combine(Z, erlang:crc32(<<"ab">>), erlang:crc32(<<"cd">>), 2)
       =:= erlang:crc32(<<"abcd">>)),
    ?D(zlib:adler32_combine(Z, erlang:adler32(<<"ab">>), erlang:adler32(<<"cd">>), 2)
       =:= erlang:adler32(<<"abcd">>)),
    ?C(zlib:crc32(not_a_stream, Data)),
    ?C(zlib:crc32(Z)),
    ok = zlib:deflateInit(Z, default, deflated, -15, 8, default),
    _ = zlib:deflate(Z, <<"some ">>),
    _ = zlib:deflate(Z, <<"input">>, sync),
    ?D(zlib:crc32(Z) =:= erlang:crc32(<<"some input">>)),
    ok = zlib:deflateReset(Z),
    ?D(zlib:crc32(Z)),
    zlib:close(Z).

%% ------------------------------------------------------------------ external term format

etf() ->
    Terms = [lists:seq(1, 1000), {text(300), [a, b, c], #{k => text(50)}}, <<"short">>,
             [rand_bytes(500, 4)]],
    lists:foreach(
      fun(T) ->
              B = term_to_binary(T, [compressed]),
              B9 = term_to_binary(T, [{compressed, 9}]),
              ?D({binary_to_term(B) =:= T, binary_to_term(B9) =:= T,
                  byte_size(term_to_binary(T)) >= byte_size(B) orelse byte_size(B) < 100})
      end, Terms),
    %% A compressed term made by hand: tag 80, size, zlib data.
    T = {hand, made, lists:seq(1, 50)},
    Plain = term_to_binary(T),
    <<131, Body/binary>> = Plain,
    Z = zlib_wrap(raw_stored(Body), Body),
    ?D(binary_to_term(<<131, 80, (byte_size(Body)):32, Z/binary>>)),
    ?C(binary_to_term(<<131, 80, (byte_size(Body) + 1):32, Z/binary>>)),
    ok.
