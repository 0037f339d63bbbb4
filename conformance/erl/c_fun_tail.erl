-module(c_fun_tail).
-export([main/0]).
%% Fun calls in tail position run in constant stack (call_fun + deallocate + return is a
%% tail call, as the BEAM loader makes it), and their stack traces match erl.
main() ->
    Loop = fun(_, 0, Acc) -> Acc; (L, N, Acc) -> L(L, N - 1, Acc + 1) end,
    erlang:display(Loop(Loop, 10000000, 0)),
    F = fun(X) -> g(X) end,
    erlang:display(catch h(F)),
    erlang:display(try h(F) catch error:R:S -> {R, S} end),
    {_, Sz} = process_info(self(), stack_size),
    erlang:display(Sz < 100),
    erlang:halt().
h(F) -> F(boom).
g(X) -> error({bad, X}).
