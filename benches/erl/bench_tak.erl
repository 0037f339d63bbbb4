-module(bench_tak).
-export([run/1]).
%% Deep non-tail recursion on three small integers: Takeuchi's tak function.
run(small) -> tak(12, 8, 4);
run(full) -> [tak(X, Y, Z) || {X, Y, Z} <- [{24, 14, 6}, {28, 16, 8}]].

tak(X, Y, Z) when Y < X ->
    tak(tak(X - 1, Y, Z), tak(Y - 1, Z, X), tak(Z - 1, X, Y));
tak(_, _, Z) ->
    Z.
