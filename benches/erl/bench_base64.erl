-module(bench_base64).
-export([run/1]).
%% The stdlib base64 module: encode and decode a few megabytes of pseudo-random bytes.
run(small) -> round_trip(3000);
run(full) -> round_trip(2000000).

round_trip(N) ->
    Data = bytes(N),
    Encoded = base64:encode(Data),
    Decoded = base64:decode(Encoded),
    Mime = base64:mime_decode(<<"  ", Encoded/binary, "\r\n">>),
    {byte_size(Encoded), binary:part(Encoded, byte_size(Encoded) - 16, 16),
     Decoded =:= Data, Mime =:= Data}.

%% Pseudo-random bytes from a linear congruential generator.
bytes(N) -> bytes(N, 12345, <<>>).
bytes(0, _, Acc) -> Acc;
bytes(N, X, Acc) ->
    X1 = (X * 69069 + 1) band 16#ffffffff,
    bytes(N - 1, X1, <<Acc/binary, (X1 bsr 24)>>).
