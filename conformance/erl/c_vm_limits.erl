-module(c_vm_limits).
-export([main/0]).

%% Inputs at the VM's limits that must raise (or fail a match), never bring the VM down:
%% binary segments past the largest size, halt/2 with a bad option, term_to_binary of a fun
%% nested a million deep, a match on a tail of 2^64 bits.
id(X) -> X.

nest(0, A) -> A;
nest(N, A) -> nest(N - 1, fun() -> {N, A} end).

t(<<B:8, _:16#1_0000_0000_0000_0000>>) -> B;
t(_) -> no_match.

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    D(reason(catch <<0:(id((1 bsl 59) - 1))/unit:32, 0:64>>)),
    D(reason(catch <<0:(id(1 bsl 60))>>)),
    D(reason(catch <<1:(id(-1))>>)),
    D(reason(catch halt(0, [undefined]))),
    D(reason(catch halt(0, [{flush, maybe}]))),
    D(reason(catch halt(0, not_a_list))),
    D(still_here),
    F = nest(1000000, []),
    B = term_to_binary(F),
    D(byte_size(B)),
    D(binary_to_term(B) =:= F),
    D(erlang:phash2(F)),
    D(t(id(<<0:8, 0:200>>))),
    halt().

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
