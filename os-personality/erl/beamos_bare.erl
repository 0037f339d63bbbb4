%% The first process of bare mode. It stands in for `init` (answering the requests that
%% stdlib makes of it, such as init:get_arguments/0) and runs the -s, -run and -eval actions
%% of the command line in order, as init does after booting OTP. Embedded in the beamos binary.
-module(beamos_bare).
-export([start/3]).

start(Actions, Args, Plain) ->
    Init = spawn(fun() -> init_loop(Args, Plain) end),
    register(init, Init),
    lists:foreach(fun run/1, Actions).

init_loop(Args, Plain) ->
    receive
        {From, Request} when is_pid(From) ->
            From ! {init, answer(Request, Args, Plain)},
            init_loop(Args, Plain)
    end.

answer(get_arguments, Args, _) -> Args;
answer({get_argument, Flag}, Args, _) ->
    case [Vs || {F, Vs} <- Args, F =:= Flag] of
        [] -> error;
        Values -> {ok, Values}
    end;
answer(get_plain_arguments, _, Plain) -> Plain;
answer(get_status, _, _) -> {started, started};
answer(_, _, _) -> undefined.

run({s, M, F, []}) -> M:F();
run({s, M, F, Args}) -> M:F(Args);
run({run, M, F, []}) -> M:F();
run({run, M, F, Args}) -> M:F(Args);
run({eval, Expr}) ->
    {ok, Tokens0, _} = erl_scan:string(Expr),
    Tokens = case lists:reverse(Tokens0) of
                 [{dot, _} | _] -> Tokens0;
                 Rev -> lists:reverse([{dot, erl_anno:new(1)} | Rev])
             end,
    {ok, Exprs} = erl_parse:parse_exprs(Tokens),
    {value, _Value, _Bindings} = erl_eval:exprs(Exprs, erl_eval:new_bindings()),
    ok.
