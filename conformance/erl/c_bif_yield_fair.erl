-module(c_bif_yield_fair).
-export([main/0]).

%% While one process runs a BIF over a 3,000,000-element input, another keeps running: the BIF
%% traps between chunks, so a ticker process gets scheduled many times before the BIF is done.

ticker(Main, N) ->
    receive
        stop -> ok
    after 0 ->
        Main ! {tick, N},
        erlang:yield(),
        ticker(Main, N + 1)
    end.

wait(N) ->
    receive
        {done, R} -> {N, R};
        {tick, _} -> wait(N + 1)
    end.

run(Name, Prep, F) ->
    Main = self(),
    W = spawn(fun() ->
                  In = Prep(),
                  Main ! ready,
                  receive go -> ok end,
                  Main ! {done, erlang:phash2(F(In))}
              end),
    receive ready -> ok end,
    T = spawn(fun() -> receive go -> ticker(Main, 0) end end),
    W ! go,
    T ! go,
    {N, R} = wait(0),
    T ! stop,
    erlang:display({Name, N > 10, R}).

main() ->
    %% On one scheduler the ticker runs only if the BIF yields; on more it would run beside
    %% it whatever the BIF does, and its count would depend on the machine's load.
    erlang:system_flag(schedulers_online, 1),
    N = 3000000,
    Seq = fun() -> lists:seq(1, N) end,
    run(length, Seq, fun(L) -> length(L) end),
    run(reverse, Seq, fun(L) -> lists:reverse(L, []) end),
    run(member, Seq, fun(L) -> lists:member(x, L) end),
    run(keyfind, fun() -> [{I} || I <- lists:seq(1, N)] end, fun(L) -> lists:keyfind(x, 1, L) end),
    run(append, Seq, fun(L) -> L ++ [x] end),
    run(subtract, Seq, fun(L) -> L -- lists:seq(1, 100) end),
    run(list_to_binary, fun() -> [X band 255 || X <- lists:seq(1, N)] end, fun(L) -> list_to_binary(L) end),
    run(iolist_size, fun() -> [[X band 255] || X <- lists:seq(1, N)] end, fun(L) -> iolist_size(L) end),
    run(binary_to_list, fun() -> binary:copy(<<1, 2, 3, 4, 5, 6, 7, 8>>, N) end, fun(B) -> binary_to_list(B) end),
    run(term_to_binary, Seq, fun(L) -> term_to_binary(L) end),
    run(binary_to_term, fun() -> term_to_binary(lists:seq(1, N)) end, fun(B) -> binary_to_term(B) end),
    erlang:halt().
