-module(c_queue).
-export([main/0]).

%% queue module (original, extended and Okasaki APIs).
main() ->
    D = fun erlang:display/1,
    Q0 = queue:new(),
    Q1 = lists:foldl(fun queue:in/2, Q0, [1, 2, 3, 4]),
    D(queue:to_list(Q1)), D(queue:len(Q1)), D(queue:is_empty(Q1)), D(queue:is_empty(Q0)),
    {{value, H}, Q2} = queue:out(Q1), D({H, queue:to_list(Q2)}),
    {{value, T}, Q3} = queue:out_r(Q1), D({T, queue:to_list(Q3)}),
    D(queue:out(Q0)),
    D(queue:to_list(queue:in_r(0, Q1))),
    D(queue:peek(Q1)), D(queue:peek_r(Q1)), D(queue:peek(Q0)),
    D(queue:to_list(queue:reverse(Q1))),
    D(queue:to_list(queue:join(Q1, queue:from_list([a, b])))),
    {A, B} = queue:split(2, Q1), D({queue:to_list(A), queue:to_list(B)}),
    D(queue:to_list(queue:filter(fun(X) -> X rem 2 =:= 0 end, Q1))),
    D(queue:member(3, Q1)),
    D(queue:get(Q1)), D(queue:get_r(Q1)), D(queue:to_list(queue:drop(Q1))), D(queue:to_list(queue:drop_r(Q1))),
    D(queue:head(Q1)), D(queue:last(Q1)), D(queue:to_list(queue:tail(Q1))),
    D(queue:to_list(queue:cons(z, Q1))), D(queue:to_list(queue:snoc(Q1, z))),
    D(queue:to_list(queue:delete(3, Q1))),
    D(queue:fold(fun(X, Acc) -> X + Acc end, 0, Q1)),
    D(queue:any(fun(X) -> X > 3 end, Q1)), D(queue:all(fun(X) -> X > 3 end, Q1)),
    Big = lists:foldl(fun queue:in/2, queue:new(), lists:seq(1, 100000)),
    D(drain(Big, 0)),
    D(t(fun() -> queue:get(Q0) end)),
    D(t(fun() -> queue:in(1, id(notaqueue)) end)),
    D(queue:from_list([x, y])),
    erlang:halt().

drain(Q, Acc) ->
    case queue:out(Q) of
        {empty, _} -> Acc;
        {{value, V}, Q2} -> drain(Q2, Acc + V)
    end.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
