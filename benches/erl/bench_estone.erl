-module(bench_estone).
-export([run/1, ext_call/1]).
%% Estone-like mix: short loops of arithmetic, lists, tuples, matching, calls, messages, throws.
run(small) -> mix(200);
run(full) -> mix(60000).

mix(N) ->
    {int_arith(N * 10, 0), float_arith(N * 10, 0.0), list_ops(N div 10), tuple_ops(N * 5),
     match_ops(N * 10, 0), calls(N * 10, 0), messages(N), binary_ops(N), map_ops(N),
     exceptions(N, 0), atoms(N div 10, 0)}.

int_arith(0, Acc) -> Acc;
int_arith(I, Acc) -> int_arith(I - 1, (Acc * 31 + I div 3 - (I band 7) + (I bsl 2)) rem 100000007).

float_arith(0, Acc) -> Acc;
float_arith(I, Acc) -> float_arith(I - 1, Acc * 0.5 + I / 3.0 - math:sqrt(I) * 0.01).

list_ops(0) -> 0;
list_ops(I) ->
    L = lists:seq(1, 50),
    M = lists:map(fun(X) -> X * I end, lists:reverse(L)),
    S = lists:foldl(fun(X, A) -> A + X end, 0, [X || X <- M, X rem 3 =/= 0]),
    (S + length(lists:append(L, M)) + list_ops(I - 1)) rem 100000007.

tuple_ops(N) -> tuple_ops(N, {0, 0, 0, 0, 0, 0, 0, 0}).
tuple_ops(0, T) -> lists:sum(tuple_to_list(T));
tuple_ops(N, T) ->
    Slot = N rem tuple_size(T) + 1,
    tuple_ops(N - 1, setelement(Slot, T, (element(Slot, T) + N) rem 1000003)).

match_ops(0, Acc) -> Acc;
match_ops(I, Acc) ->
    Term = case I rem 5 of
               0 -> {circle, I};
               1 -> {square, I, I};
               2 -> [triangle, I, I, I];
               3 -> {point};
               4 -> nothing
           end,
    match_ops(I - 1, Acc + shape(Term)).

shape({circle, R}) -> R * 3;
shape({square, W, H}) -> W * H rem 1000;
shape([triangle, A, B, C]) -> (A + B + C) rem 100;
shape({point}) -> 1;
shape(_) -> 0.

calls(0, Acc) -> Acc;
calls(I, Acc) -> calls(I - 1, local_call(Acc) + ?MODULE:ext_call(I)).

local_call(X) -> (X + 1) rem 1000003.
ext_call(X) -> X rem 7.

messages(N) ->
    [self() ! {msg, I} || I <- lists:seq(1, N)],
    drain(N, 0).

drain(0, Acc) -> Acc;
drain(N, Acc) -> receive {msg, I} -> drain(N - 1, Acc + I) end.

binary_ops(N) ->
    Bin = << <<I:32, (I rem 256):8>> || I <- lists:seq(1, N) >>,
    lists:sum([A + B || <<A:32, B:8>> <= Bin]).

map_ops(N) ->
    M = lists:foldl(fun(I, Acc) ->
                            K = I rem 20,
                            Acc#{K => maps:get(K, Acc, 0) + I}
                    end, #{}, lists:seq(1, N)),
    maps:fold(fun(K, V, A) -> A + K * V end, 0, M).

exceptions(0, Acc) -> Acc;
exceptions(I, Acc) ->
    R = try
            maybe_throw(I)
        catch
            throw:{odd, X} -> X;
            error:badarith -> -1
        end,
    exceptions(I - 1, Acc + R).

maybe_throw(I) when I rem 2 =:= 1 -> throw({odd, I});
maybe_throw(I) when I rem 10 =:= 0 -> 1 div (I - I);
maybe_throw(I) -> I * 2.

atoms(0, Acc) -> Acc;
atoms(I, Acc) ->
    A = list_to_existing_atom(atom_to_list(lists:nth(I rem 4 + 1, [red, green, blue, alpha]))),
    atoms(I - 1, Acc + length(atom_to_list(A)) + erlang:phash2(A, 1000)).
