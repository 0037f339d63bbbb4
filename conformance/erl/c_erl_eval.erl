-module(c_erl_eval).
-export([main/0]).

%% erl_scan / erl_parse / erl_eval on expression strings (the compiler front end in pure Erlang).
main() ->
    D = fun erlang:display/1,
    D(eval("1 + 2 * 3.")),
    D(eval("lists:sum([X * X || X <- lists:seq(1, 10)]).")),
    D(eval("A = 5, B = A * 2, {A, B}.")),
    D(eval("case 3 of 1 -> one; N when N > 2 -> big end.")),
    D(eval("F = fun(X) -> X + 1 end, F(41).")),
    D(eval("Fact = fun Fa(0) -> 1; Fa(N) -> N * Fa(N - 1) end, Fact(25).")),
    D(eval("<<A:4, B:4>> = <<16#5A>>, {A, B}.")),
    D(eval("#{a := V} = #{a => 1, b => 2}, V.")),
    D(eval("try throw(x) catch throw:X -> {caught, X} end.")),
    D(eval("[{X, Y} || X <- [1, 2], Y <- [a, b], X =/= 2 orelse Y =/= b].")),
    D(eval("<< <<(C + 1)>> || <<C>> <= <<\"HAL\">> >>.")),
    D(eval("X = 1, X.", [{'X', 1}])),
    D(eval("Y + 1.", [{'Y', 41}])),
    D(t(fun() -> eval("1 + a.") end)),
    D(t(fun() -> eval("X = 1, X = 2.") end)),
    D(t(fun() -> eval("Undef + 1.") end)),
    D(t(fun() -> eval("no_such_mod_e:f().") end)),
    {ok, Tokens, End} = erl_scan:string("foo(X, \"s\", 1.5, 'q a', $c) -> ok."),
    D(End),
    D([element(1, T) || T <- Tokens]),
    D(erl_scan:string("1 + ")),
    D(element(1, erl_scan:string("\"unterminated"))),
    {ok, Form} = erl_parse:parse_form(Tokens),
    D(Form),
    {ok, T2, _} = erl_scan:string("{a, [1 | T], #{k => v}}."),
    {ok, [Expr]} = erl_parse:parse_exprs(T2),
    D(Expr),
    {ok, T3, _} = erl_scan:string("{tuple, [1, 2.5, \"str\", atom, <<1,2>>]}."),
    D(erl_parse:parse_term(T3)),
    D(erl_parse:abstract({x, [1, 2]})),
    D(erl_parse:normalise({cons, 1, {integer, 1, 7}, {nil, 1}})),
    D(element(1, erl_parse:parse_exprs(element(2, erl_scan:string("1 +."))))),
    erlang:halt().

eval(S) -> eval(S, []).
eval(S, Bs) ->
    {ok, Tokens, _} = erl_scan:string(S),
    {ok, Exprs} = erl_parse:parse_exprs(Tokens),
    Bindings = lists:foldl(fun({K, V}, B) -> erl_eval:add_binding(K, V, B) end, erl_eval:new_bindings(), Bs),
    {value, V, _} = erl_eval:exprs(Exprs, Bindings),
    V.

t(F) -> try {ok, F()} catch C:R -> {C, simplify(R)} end.
simplify({badmatch, V}) -> {badmatch, V};
simplify({unbound_var, V}) -> {unbound_var, V};
simplify(R) -> R.
