-module(bench_json).
-export([run/1]).
%% Binary scanning and building: a small JSON encoder and decoder round-tripping a document.
run(small) -> round_trip(20);
run(full) -> round_trip(4000).

round_trip(N) ->
    Doc = document(N),
    Json = iolist_to_binary(encode(Doc)),
    Decoded = decode(Json),
    {byte_size(Json), Decoded =:= Doc, erlang:phash2(Json)}.

%% JSON values: null | true | false | integer | float | binary (string) | list (array)
%% | map with binary keys (object).
document(N) ->
    #{<<"version">> => 3,
      <<"generator">> => <<"bench_json">>,
      <<"items">> => [item(I) || I <- lists:seq(1, N)]}.

item(I) ->
    #{<<"id">> => I,
      <<"name">> => <<"item-", (integer_to_binary(I))/binary>>,
      <<"price">> => I * 0.37 + 1 / (I + 1),
      <<"active">> => I rem 3 =:= 0,
      <<"parent">> => case I rem 5 of 0 -> null; R -> I - R end,
      <<"tags">> => [<<"t", (integer_to_binary(T))/binary>> || T <- lists:seq(1, I rem 4)],
      <<"note">> => <<"line one\nline \"two\"\twith \\ and caf", 16#c3, 16#a9, 1>>,
      <<"dims">> => #{<<"w">> => I * 2, <<"h">> => -I, <<"scale">> => 1.0e-3 * I}}.

%% Encoder: term to iolist.
encode(null) -> <<"null">>;
encode(true) -> <<"true">>;
encode(false) -> <<"false">>;
encode(I) when is_integer(I) -> integer_to_binary(I);
encode(F) when is_float(F) -> float_to_binary(F, [short]);
encode(S) when is_binary(S) -> [$", escape(S), $"];
encode([]) -> <<"[]">>;
encode([H | T]) -> [$[, encode(H), [[$,, encode(X)] || X <- T], $]];
encode(M) when is_map(M) ->
    case [[$,, encode(K), $:, encode(V)] || {K, V} <- maps:to_list(M)] of
        [] -> <<"{}">>;
        [[$, | First] | Rest] -> [${, First, Rest, $}]
    end.

%% Runs of characters that need no escaping are emitted as sub-binaries of the input.
escape(S) -> escape(S, 0).
escape(S, N) ->
    case S of
        <<_:N/binary, C, _/binary>> when C >= 16#20, C =/= $", C =/= $\\ ->
            escape(S, N + 1);
        <<Run:N/binary, C, Rest/binary>> ->
            [Run, escape_char(C) | escape(Rest, 0)];
        _ ->
            S
    end.

escape_char($") -> <<"\\\"">>;
escape_char($\\) -> <<"\\\\">>;
escape_char($\n) -> <<"\\n">>;
escape_char($\t) -> <<"\\t">>;
escape_char($\r) -> <<"\\r">>;
escape_char(C) -> io_lib:format("\\u~4.16.0b", [C]).

%% Decoder: recursive descent, each step returns {Value, Rest}.
decode(Bin) ->
    {Value, Rest} = value(ws(Bin)),
    <<>> = ws(Rest),
    Value.

ws(<<C, Rest/binary>>) when C =:= $\s; C =:= $\t; C =:= $\n; C =:= $\r -> ws(Rest);
ws(Bin) -> Bin.

value(<<${, Rest/binary>>) -> object(ws(Rest), #{});
value(<<$[, Rest/binary>>) -> array(ws(Rest), []);
value(<<$", Rest/binary>>) -> string(Rest);
value(<<"null", Rest/binary>>) -> {null, Rest};
value(<<"true", Rest/binary>>) -> {true, Rest};
value(<<"false", Rest/binary>>) -> {false, Rest};
value(Bin) -> number(Bin, 0).

object(<<$}, Rest/binary>>, M) when map_size(M) =:= 0 -> {M, Rest};
object(<<$", Rest/binary>>, M) ->
    {Key, R1} = string(Rest),
    <<$:, R2/binary>> = ws(R1),
    {Value, R3} = value(ws(R2)),
    M1 = M#{Key => Value},
    case ws(R3) of
        <<$,, R4/binary>> -> object(ws(R4), M1);
        <<$}, R4/binary>> -> {M1, R4}
    end.

array(<<$], Rest/binary>>, []) -> {[], Rest};
array(Bin, Acc) ->
    {Value, R1} = value(Bin),
    case ws(R1) of
        <<$,, R2/binary>> -> array(ws(R2), [Value | Acc]);
        <<$], R2/binary>> -> {lists:reverse([Value | Acc]), R2}
    end.

%% Like the encoder, copies nothing for runs without escapes: a string without any is a
%% sub-binary of the input.
string(Bin) -> string(Bin, 0, []).
string(Bin, N, Acc) ->
    case Bin of
        <<_:N/binary, C, _/binary>> when C =/= $", C =/= $\\ ->
            string(Bin, N + 1, Acc);
        <<Run:N/binary, $", Rest/binary>> when Acc =:= [] ->
            {Run, Rest};
        <<Run:N/binary, $", Rest/binary>> ->
            {iolist_to_binary(lists:reverse(Acc, [Run])), Rest};
        <<Run:N/binary, "\\u", Hex:4/binary, Rest/binary>> ->
            string(Rest, 0, [<<(binary_to_integer(Hex, 16))/utf8>>, Run | Acc]);
        <<Run:N/binary, $\\, E, Rest/binary>> ->
            string(Rest, 0, [unescape(E), Run | Acc])
    end.

unescape($") -> $";
unescape($\\) -> $\\;
unescape($/) -> $/;
unescape($b) -> $\b;
unescape($f) -> $\f;
unescape($n) -> $\n;
unescape($r) -> $\r;
unescape($t) -> $\t.

number(Bin, Len) ->
    case Bin of
        <<_:Len/binary, C, _/binary>> when C >= $0, C =< $9; C =:= $-; C =:= $+;
                                           C =:= $.; C =:= $e; C =:= $E ->
            number(Bin, Len + 1);
        <<Num:Len/binary, Rest/binary>> ->
            case binary:match(Num, [<<".">>, <<"e">>, <<"E">>]) of
                nomatch -> {binary_to_integer(Num), Rest};
                _ -> {binary_to_float(Num), Rest}
            end
    end.
