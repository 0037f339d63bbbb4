%% `init` for bare mode (no OTP boot): stores the command line, runs the -s, -run and -eval
%% actions in a do_boot process exactly as OTP's init does after booting (so stack traces of
%% code started with -s end in the same init frames), and answers the argument queries that
%% stdlib makes of init. Compiled without line information, like OTP's preloaded init.
%% Embedded in the beamos binary; with an OTP boot, OTP's own init is used instead.
-module(init).
-export([boot/3, get_arguments/0, get_argument/1, get_plain_arguments/0,
         script_id/0, get_status/0, stop/0, stop/1, fetch_loaded/0, notify_when_started/1,
         wait_until_started/0, archive_extension/0, objfile_extension/0, code_path_choice/0]).

boot(Start, Args, Plain) ->
    persistent_term:put({?MODULE, arguments}, Args),
    persistent_term:put({?MODULE, plain}, Plain),
    start_code_purger(),
    Self = self(),
    Pid = spawn_link(fun() -> do_boot(Self, [], Start) end),
    process_flag(trap_exit, true),
    receive
        {'EXIT', Pid, normal} -> ok;
        {'EXIT', Pid, Reason} ->
            erlang:display({"init terminating in do_boot", Reason}),
            erlang:halt(1)
    end.

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
