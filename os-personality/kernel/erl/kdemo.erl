%% The program the kernel image runs on bare metal: self-contained (BIFs only, no OTP
%% modules, which are not on the image), exercising recursion, bignums, floats, binaries,
%% maps, exceptions, and processes with message passing.
-module(kdemo).
-export([main/0]).

main() ->
    erlang:display(hello_from_bare_metal),
    erlang:display(fib(20)),
    erlang:display(fact(30)),
    erlang:display(2.5 * 4.0),
    erlang:display(<<1, 2, 3, "abc">>),
    erlang:display(#{kernel => beamos, cores => 1}),
    erlang:display(catch 1 div zero()),
    Parent = self(),
    Pids = [spawn(fun() -> Parent ! {self(), N * N} end) || N <- seq(1, 5)],
    erlang:display([receive {P, Sq} -> Sq end || P <- Pids]),
    erlang:halt(0).

zero() -> 0.
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
fact(0) -> 1;
fact(N) -> N * fact(N - 1).
seq(A, B) when A > B -> [];
seq(A, B) -> [A | seq(A + 1, B)].
