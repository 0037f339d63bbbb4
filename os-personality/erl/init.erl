%% `init` for bare mode (no OTP boot): stores the command line, runs the -s, -run and -eval
%% actions in a do_boot process exactly as OTP's init does after booting (so stack traces of
%% code started with -s end in the same init frames), and answers the argument queries that
%% stdlib makes of init. Compiled without line information, like OTP's preloaded init.
%% Embedded in the beamos binary; with an OTP boot, OTP's own init is used instead.
-module(init).
-export([boot/3, io_server/1, get_arguments/0, get_argument/1, get_plain_arguments/0,
         script_id/0, get_status/0, stop/0, stop/1, fetch_loaded/0, notify_when_started/1,
         wait_until_started/0, archive_extension/0, objfile_extension/0, code_path_choice/0,
         file_server/1, start_file_server/1]).

boot(Start, Args, Plain) ->
    persistent_term:put({?MODULE, arguments}, Args),
    persistent_term:put({?MODULE, plain}, Plain),
    start_code_purger(),
    %% file.erl calls the registered file_server_2 (kernel starts it in a real boot).
    register(file_server_2, erts_internal:spawn_system_process(?MODULE, file_server, [self()])),
    %% init is every process's group leader and serves their io requests (as `user`);
    %% standard_error has its own server.
    register(user, self()),
    erts_internal:spawn_system_process(?MODULE, io_server, [standard_error]),
    put(encoding, latin1),
    Self = self(),
    Pid = spawn_link(fun() -> do_boot(Self, [], Start) end),
    process_flag(trap_exit, true),
    boot_loop(Pid).

boot_loop(Boot) ->
    receive
        {'EXIT', Boot, normal} -> boot_loop(done);
        {'EXIT', Boot, Reason} when is_pid(Boot) ->
            erlang:display({"init terminating in do_boot", Reason}),
            erlang:halt(1);
        {io_request, From, ReplyAs, Request} ->
            From ! {io_reply, ReplyAs, io_request(Request, stdout)},
            boot_loop(Boot);
        _ ->
            boot_loop(Boot)
    end.

%% A bare-mode io server for `Name` (standard_error): the subset of OTP's user.erl protocol
%% that output needs. The device is latin1, as erl's user is when output is not a terminal.
io_server(Name) ->
    register(Name, self()),
    put(encoding, latin1),
    io_loop(stderr).

io_loop(Where) ->
    receive
        {io_request, From, ReplyAs, Request} ->
            From ! {io_reply, ReplyAs, io_request(Request, Where)};
        _ ->
            ok
    end,
    io_loop(Where).

io_request({put_chars, unicode, Chars}, W) -> put_chars(to_device(Chars, unicode), W);
io_request({put_chars, latin1, Chars}, W) -> put_chars(to_device(Chars, latin1), W);
io_request({put_chars, Enc, M, F, A}, W) when Enc =:= unicode; Enc =:= latin1 ->
    case catch apply(M, F, A) of
        Data when is_list(Data); is_binary(Data) -> put_chars(to_device(Data, Enc), W);
        Other -> put_chars(Other, W)
    end;
io_request({put_chars, Chars}, W) -> io_request({put_chars, latin1, Chars}, W);
io_request({put_chars, M, F, A}, W) -> io_request({put_chars, latin1, M, F, A}, W);
io_request({requests, Reqs}, W) -> io_requests(Reqs, ok, W);
io_request(getopts, _) -> [{binary, false}, {encoding, get(encoding)}];
io_request({setopts, Opts}, _) when is_list(Opts) ->
    case [E || {encoding, E} <- Opts] ++ [E || E <- Opts, E =:= unicode orelse E =:= latin1] of
        [] -> ok;
        Es -> put(encoding, lists:last(Es)), ok
    end;
io_request({get_geometry, _}, _) -> {error, enotsup};
io_request({get_chars, _, _, _}, _) -> eof;
io_request({get_line, _, _}, _) -> eof;
io_request({get_until, _, _, _, _, _}, _) -> eof;
io_request({get_chars, _, _}, _) -> eof;
io_request({get_line, _}, _) -> eof;
io_request({get_until, _, _, _, _}, _) -> eof;
io_request(R, _) -> {error, {request, R}}.

io_requests([R | Rs], ok, W) -> io_requests(Rs, io_request(R, W), W);
io_requests([_ | _], Error, _) -> Error;
io_requests([], Stat, _) -> Stat.

%% Characters in encoding `From` as device bytes (user.erl's wrap_characters_to_binary:
%% characters a latin1 device cannot show become \x{H}).
to_device(Chars, From) ->
    To = get(encoding),
    case catch unicode:characters_to_binary(Chars, From, To) of
        Bin when is_binary(Bin) -> Bin;
        _ when From =:= unicode, To =:= latin1 ->
            case catch unicode:characters_to_list(Chars, unicode) of
                L when is_list(L) ->
                    list_to_binary([case X of
                                        High when High > 255 -> ["\\x{", integer_to_list(X, 16), $}];
                                        Low -> Low
                                    end || X <- L]);
                _ -> error
            end;
        _ -> error
    end.

put_chars(Bin, W) when is_binary(Bin) ->
    beamos:put_chars(W, Bin),
    ok;
put_chars(_, _) ->
    {error, put_chars}.

do_boot(_Init, _Flags, Start) ->
    start_em(Start),
    case persistent_term:get({?MODULE, profile_boot}, false) of
        false -> ok;
        true -> ok
    end.

start_em([S|Tail]) ->
    start_it(S),
    start_em(Tail);
start_em([]) -> ok.

start_it([]) ->
    ok;
start_it({eval,Bin}) ->
    Str = binary_to_list(Bin),
    {ok,Ts,_} = erl_scan:string(Str),
    Ts1 = case lists:reverse(Ts) of
              [{dot,_}|_] -> Ts;
              TsR -> lists:reverse([{dot,erl_anno:new(1)} | TsR])
          end,
    {ok,Expr} = erl_parse:parse_exprs(Ts1),
    {value, _Value, _Bs} = erl_eval:exprs(Expr, erl_eval:new_bindings()),
    ok;
start_it([_|_]=MFA) ->
    case MFA of
        [M]        -> M:start();
        [M,F]      -> M:F();
        [M,F|Args] -> M:F(Args)
    end.

%% OTP's code purger (erlang:purge_module/1 and code:purge/1 go through it), when its module
%% is on the code path; as a system process it does not keep an idle VM alive.
start_code_purger() ->
    case catch erts_code_purger:module_info(module) of
        erts_code_purger -> erts_internal:spawn_system_process(erts_code_purger, start, []);
        _ -> ok
    end.

%% The file server is registered at boot but becomes OTP's own file_server (a gen_server,
%% unmodified) only when the first request arrives: hibernate wakes on a message without
%% taking it, so that request is the server's first. A program that never uses files never
%% loads gen_server and file_server. As a system process it does not keep an idle VM alive.
file_server(Init) ->
    erlang:hibernate(?MODULE, start_file_server, [Init]).

start_file_server(Init) ->
    case catch file_server:module_info(module) of
        file_server ->
            put('$ancestors', [Init]),
            put('$initial_call', {file_server, init, 1}),
            {ok, State} = file_server:init([]),
            gen_server:enter_loop(file_server, [], State, {local, file_server_2});
        _ ->
            exit(no_file_server)
    end.

get_arguments() -> persistent_term:get({?MODULE, arguments}, []).

get_argument(Flag) ->
    case [Vs || {F, Vs} <- get_arguments(), F =:= Flag] of
        [] -> error;
        Values -> {ok, Values}
    end.

get_plain_arguments() -> persistent_term:get({?MODULE, plain}, []).
script_id() -> {"BEAMOS_BARE", "1"}.
get_status() -> {started, started}.
stop() -> erlang:halt(0).
stop(Status) -> erlang:halt(Status).
fetch_loaded() -> [].
notify_when_started(_Pid) -> started.
wait_until_started() -> ok.
archive_extension() -> ".ez".
objfile_extension() -> ".beam".
code_path_choice() -> relaxed.
