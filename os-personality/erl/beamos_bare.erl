%% The first process of bare mode: runs the -s, -run and -eval actions of the command line
%% in order, as init does after booting OTP. Compiled into the beamos binary.
-module(beamos_bare).
-export([start/1]).

start(Actions) ->
    lists:foreach(fun run/1, Actions).

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
