-module(c_cmp_term).
-export([main/0]).

%% erts_internal:cmp_term/2: exact term order (every integer before every float).
main() ->
    Ts = [1, 1.0, 2, 2.0, -1, 1 bsl 70, -(1 bsl 70), 1.0e30, a, b, [], {}, {a}, [a], <<>>, <<1>>,
          self(), make_ref(), fun() -> ok end, #{}, #{a => 1}, "abc", {1, 2}, [1 | 2]],
    R = [[erts_internal:cmp_term(A, B) || B <- Ts] || A <- Ts],
    io:format("~w~n", [[lists:sum(Row) || Row <- R]]),
    io:format("~w~n", [[erts_internal:cmp_term(A, B) || {A, B} <- [{1, 1.0}, {1.0, 1}, {2, 1.0}, {x, x}, {0, -0.0}]]]),
    halt().
