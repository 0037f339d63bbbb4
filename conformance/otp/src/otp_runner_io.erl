%% The group leader of a case run by otp_runner: an io server (the server side of the io
%% protocol, as in OTP's "The Erlang I/O Protocol") that keeps the last 64 KiB of output, so a
%% case's printing never mixes with the verdict lines and can be shown when the case fails.
%% Reads get eof. ct:capture_start/0 makes it copy output to the capturing process.
-module(otp_runner_io).
-export([start/0, take/1]).

-define(KEEP_BYTES, 65536).

start() ->
    spawn(fun() -> loop(#{out => [], size => 0, capture => undefined}) end).

%% The output so far, as a string (the buffer is emptied).
take(Gl) ->
    Ref = erlang:monitor(process, Gl),
    Gl ! {take, self(), Ref},
    receive
        {Ref, Bin} ->
            erlang:demonitor(Ref, [flush]),
            case unicode:characters_to_list(Bin) of
                L when is_list(L) -> L;
                _ -> binary_to_list(Bin)
            end;
        {'DOWN', Ref, process, Gl, _} -> []
    after 5000 -> []
    end.

loop(S) ->
    receive
        {io_request, From, ReplyAs, Request} ->
            {Reply, S1} = request(Request, S),
            From ! {io_reply, ReplyAs, Reply},
            loop(S1);
        {take, From, Ref} ->
            From ! {Ref, iolist_to_binary(lists:reverse(maps:get(out, S)))},
            loop(S#{out := [], size := 0});
        {capture, Pid} ->
            loop(S#{capture := Pid});
        _ ->
            loop(S)
    end.

request({put_chars, Enc, Chars}, S) ->
    put_chars(Enc, Chars, S);
request({put_chars, Enc, M, F, A}, S) ->
    try apply(M, F, A) of
        Chars -> put_chars(Enc, Chars, S)
    catch
        _:_ -> {{error, F}, S}
    end;
request({put_chars, Chars}, S) ->
    request({put_chars, latin1, Chars}, S);
request({put_chars, M, F, A}, S) ->
    request({put_chars, latin1, M, F, A}, S);
request({requests, Reqs}, S) ->
    lists:foldl(fun(R, {ok, Acc}) -> request(R, Acc);
                   (_, Done) -> Done
                end, {ok, S}, Reqs);
request({get_chars, _, _}, S) -> {eof, S};
request({get_chars, _, _, _}, S) -> {eof, S};
request({get_line, _}, S) -> {eof, S};
request({get_line, _, _}, S) -> {eof, S};
request({get_until, _, _, _, _}, S) -> {eof, S};
request({get_until, _, _, _, _, _}, S) -> {eof, S};
request({setopts, _}, S) -> {ok, S};
request(getopts, S) -> {[{binary, false}, {encoding, unicode}], S};
request({get_geometry, _}, S) -> {{error, enotsup}, S};
request(_, S) -> {{error, request}, S}.

put_chars(Enc, Chars, #{out := Out, size := Size, capture := Cap} = S) ->
    case to_binary(Enc, Chars) of
        error ->
            {{error, put_chars}, S};
        Bin ->
            case Cap of
                undefined -> ok;
                Pid -> Pid ! {captured, unicode:characters_to_list(Bin)}
            end,
            Out1 = [Bin | Out],
            Size1 = Size + byte_size(Bin),
            case Size1 > 2 * ?KEEP_BYTES of
                true ->
                    All = iolist_to_binary(lists:reverse(Out1)),
                    Keep = binary:part(All, byte_size(All), -?KEEP_BYTES),
                    {ok, S#{out := [Keep], size := ?KEEP_BYTES}};
                false ->
                    {ok, S#{out := Out1, size := Size1}}
            end
    end.

to_binary(unicode, Chars) ->
    case catch unicode:characters_to_binary(Chars) of
        B when is_binary(B) -> B;
        _ -> error
    end;
to_binary(latin1, Chars) ->
    case catch unicode:characters_to_binary(Chars, latin1) of
        B when is_binary(B) -> B;
        _ -> error
    end.
