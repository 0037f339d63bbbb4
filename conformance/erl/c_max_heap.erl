-module(c_max_heap).
-export([main/0]).

%% max_heap_size (spawn_opt and process_flag): killed past the limit, or left alone with kill => false.
main() ->
    case whereis(logger) of undefined -> ok; _ -> logger:set_primary_config(level, none) end,
    D = fun(T) -> io:format("~p~n", [T]) end,
    {P, R} = spawn_opt(fun() -> grow([]) end, [monitor, {max_heap_size, #{size => 10000, error_logger => false}}]),
    D(receive {'DOWN', R, process, P, Why} -> Why end),
    {P2, R2} = spawn_opt(fun() -> process_flag(max_heap_size, 20000), grow([]) end, [monitor]),
    D(receive {'DOWN', R2, process, P2, Why2} -> Why2 end),
    %% kill => false: it lives on past the limit.
    Self = self(),
    {P3, R3} = spawn_opt(fun() -> L = grow(50000, []), Self ! {len, length(L)} end,
                         [monitor, {max_heap_size, #{size => 1000, kill => false, error_logger => false}}]),
    D(receive {len, N} -> N end),
    D(receive {'DOWN', R3, process, P3, Why3} -> Why3 end),
    %% Small enough: untouched.
    {P4, R4} = spawn_opt(fun() -> grow(100, []) end, [monitor, {max_heap_size, 100000}]),
    D(receive {'DOWN', R4, process, P4, Why4} -> Why4 end),
    erlang:halt().
grow(L) -> grow([L | L]).
grow(0, L) -> L;
grow(N, L) -> grow(N - 1, [N | L]).
