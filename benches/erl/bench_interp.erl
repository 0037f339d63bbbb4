-module(bench_interp).
-export([run/1]).
%% Tuples and matching: an expression language run by a tree walker and by a compiled stack machine.
-define(MOD, 1000003).

run(small) -> run_n(30, 200);
run(full) -> run_n(3000, 60000).

run_n(NExprs, LoopN) ->
    Exprs = exprs(NExprs, 2024, []),
    Direct = [eval(E, []) || E <- Exprs],
    Compiled = [exec(list_to_tuple(compile(E) ++ [halt]), 1, [], #{}) || E <- Exprs],
    Loop = exec(sum_of_squares(), 1, [], #{n => LoopN}),
    {lists:sum(Direct), Direct =:= Compiled, Loop}.

%% Expressions: {num, N} | {var, X} | {add | sub | mul, A, B} | {'let', X, A, B}
%% | {'if', Cond, Then, Else} (Cond true when non-zero).
eval({num, N}, _) -> N;
eval({var, X}, Env) -> {X, V} = lists:keyfind(X, 1, Env), V;
eval({add, A, B}, Env) -> (eval(A, Env) + eval(B, Env)) rem ?MOD;
eval({sub, A, B}, Env) -> (eval(A, Env) - eval(B, Env)) rem ?MOD;
eval({mul, A, B}, Env) -> (eval(A, Env) * eval(B, Env)) rem ?MOD;
eval({'let', X, A, B}, Env) -> eval(B, [{X, eval(A, Env)} | Env]);
eval({'if', C, T, E}, Env) ->
    case eval(C, Env) of
        0 -> eval(E, Env);
        _ -> eval(T, Env)
    end.

%% Stack code with absolute jump targets; compile/1 emits code placed at address 1.
compile(E) -> compile(E, 1).

compile({num, N}, _) -> [{push, N}];
compile({var, X}, _) -> [{load, X}];
compile({Op, A, B}, At) when Op =:= add; Op =:= sub; Op =:= mul ->
    CA = compile(A, At),
    CB = compile(B, At + length(CA)),
    CA ++ CB ++ [Op];
compile({'let', X, A, B}, At) ->
    %% Shadowing: save the old binding on the stack, restore it afterwards.
    CA = compile(A, At + 1),
    Pre = [{save, X} | CA] ++ [{store, X}],
    CB = compile(B, At + length(Pre)),
    Pre ++ CB ++ [{restore, X}];
compile({'if', C, T, E}, At) ->
    CC = compile(C, At),
    ThenAt = At + length(CC) + 1,
    CT = compile(T, ThenAt),
    ElseAt = ThenAt + length(CT) + 1,
    CE = compile(E, ElseAt),
    CC ++ [{jz, ElseAt}] ++ CT ++ [{jmp, ElseAt + length(CE)}] ++ CE.

exec(Code, Pc, Stack, Vars) ->
    case {element(Pc, Code), Stack} of
        {halt, [Top | _]} -> Top;
        {{push, N}, _} -> exec(Code, Pc + 1, [N | Stack], Vars);
        {{load, X}, _} -> exec(Code, Pc + 1, [map_get(X, Vars) | Stack], Vars);
        {{store, X}, [V | S]} -> exec(Code, Pc + 1, S, Vars#{X => V});
        {{save, X}, _} -> exec(Code, Pc + 1, [maps:get(X, Vars, unbound) | Stack], Vars);
        {{restore, X}, [V, unbound | S]} -> exec(Code, Pc + 1, [V | S], maps:remove(X, Vars));
        {{restore, X}, [V, Old | S]} -> exec(Code, Pc + 1, [V | S], Vars#{X := Old});
        {add, [B, A | S]} -> exec(Code, Pc + 1, [(A + B) rem ?MOD | S], Vars);
        {sub, [B, A | S]} -> exec(Code, Pc + 1, [(A - B) rem ?MOD | S], Vars);
        {mul, [B, A | S]} -> exec(Code, Pc + 1, [(A * B) rem ?MOD | S], Vars);
        {lt, [B, A | S]} -> exec(Code, Pc + 1, [bool(A < B) | S], Vars);
        {dup, [A | S]} -> exec(Code, Pc + 1, [A, A | S], Vars);
        {{jz, To}, [0 | S]} -> exec(Code, To, S, Vars);
        {{jz, _}, [_ | S]} -> exec(Code, Pc + 1, S, Vars);
        {{jmp, To}, _} -> exec(Code, To, Stack, Vars)
    end.

bool(true) -> 1;
bool(false) -> 0.

%% s = 0; i = 0; while i < n: i = i + 1; s = s + i * i (mod ?MOD); result s.
sum_of_squares() ->
    {{push, 0}, {store, s}, {push, 0}, {store, i},
     {load, i}, {load, n}, lt, {jz, 20},            % 5: loop test
     {load, i}, {push, 1}, add, dup, {store, i},    % 9: i = i + 1, keep i
     dup, mul, {load, s}, add, {store, s},          % 14: s = s + i * i
     {jmp, 5},                                      % 19
     {load, s}, halt}.                              % 20

%% Random expressions of bounded depth from a linear congruential generator.
exprs(0, _, Acc) -> Acc;
exprs(N, Seed, Acc) ->
    {E, Seed1} = expr(6, Seed, [a]),
    exprs(N - 1, Seed1, [{'let', a, {num, N}, E} | Acc]).

expr(0, Seed, Vars) -> leaf(next(Seed), Vars);
expr(Depth, Seed, Vars) ->
    S1 = next(Seed),
    case S1 rem 8 of
        0 -> leaf(S1, Vars);
        1 -> binop(add, Depth, S1, Vars);
        2 -> binop(sub, Depth, S1, Vars);
        3 -> binop(mul, Depth, S1, Vars);
        4 -> binop(add, Depth, S1, Vars);
        5 ->
            X = lists:nth(S1 rem 3 + 1, [a, b, c]),
            {A, S2} = expr(Depth - 1, S1, Vars),
            {B, S3} = expr(Depth - 1, S2, [X | Vars]),
            {{'let', X, A, B}, S3};
        _ ->
            {C, S2} = expr(Depth - 1, S1, Vars),
            {T, S3} = expr(Depth - 1, S2, Vars),
            {E, S4} = expr(Depth - 1, S3, Vars),
            {{'if', C, T, E}, S4}
    end.

binop(Op, Depth, Seed, Vars) ->
    {A, S1} = expr(Depth - 1, Seed, Vars),
    {B, S2} = expr(Depth - 1, S1, Vars),
    {{Op, A, B}, S2}.

leaf(Seed, Vars) ->
    case Seed rem 3 of
        0 -> {{var, lists:nth(Seed rem length(Vars) + 1, Vars)}, Seed};
        _ -> {{num, Seed rem 100}, Seed}
    end.

next(X) -> (X * 69069 + 1) band 16#ffffffff.
