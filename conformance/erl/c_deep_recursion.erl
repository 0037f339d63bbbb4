-module(c_deep_recursion).
-export([main/0]).

%% Body (non-tail) recursion 1,000,000 deep; the stack must grow.
main() ->
    D = fun erlang:display/1,
    L = build(1000000),
    D(length(L)),
    D(hd(L)), D(lists:last(L)),
    D(sum(L)),
    D(depth(1000000)),
    D(length(my_map(fun(X) -> X + 1 end, L))),
    D(len(lists:seq(1, 1000000))),
    D(nest(100000)),
    D(ackermann(2, 3)),
    D(ackermann(3, 5)),
    erlang:halt().

build(0) -> [];
build(N) -> [N | build(N - 1)].

sum([]) -> 0;
sum([H | T]) -> H + sum(T).

depth(0) -> 0;
depth(N) -> 1 + depth(N - 1).

my_map(_, []) -> [];
my_map(F, [H | T]) -> [F(H) | my_map(F, T)].

len([]) -> 0;
len([_ | T]) -> 1 + len(T).

nest(N) -> unnest(mk(N), 0).
mk(0) -> leaf;
mk(N) -> {node, mk(N - 1)}.
unnest(leaf, A) -> A;
unnest({node, T}, A) -> unnest(T, A + 1).

ackermann(0, N) -> N + 1;
ackermann(M, 0) -> ackermann(M - 1, 1);
ackermann(M, N) -> ackermann(M - 1, ackermann(M, N - 1)).
