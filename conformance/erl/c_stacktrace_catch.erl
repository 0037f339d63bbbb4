-module(c_stacktrace_catch).
-export([main/0, f/1]).

%% Stack traces of exceptions raised by BIF calls that return into a catch or try in the same
%% function (the return address of the call is then the failing frame itself, recorded once).
id(X) -> X.

f(1) -> catch erlang:error(oops);
f(2) -> catch erlang:error(oops, [x]);
f(3) -> catch apply(erlang, error, [oops, [x]]);
f(4) -> catch apply(id(erlang), id(error), [oops]);
f(5) -> catch atom_to_list(id(1));
f(6) -> catch apply(erlang, atom_to_list, [id(1)]);
f(7) -> try erlang:error(oops) catch error:R:S -> {R, S} end;
f(8) -> try atom_to_list(id(1)) catch error:R:S -> {R, S} end;
f(9) -> try erlang:error(oops, [1, 2], [{error_info, #{}}]) catch error:R:S -> {R, S} end;
f(10) -> catch exit(bye);
f(11) -> catch throw(ball);
f(12) -> catch erlang:raise(error, r, [{m, f, 0, []}]);
f(13) -> catch (id(fun erlang:error/1))(oops);
f(14) -> catch list_to_integer(id("x"));
f(15) -> catch binary_to_atom(id(<<255>>), utf8);
f(16) -> catch element(id(5), id({a}));
f(18) -> catch lists:reverse(id(a), []);
f(19) -> X = (catch erlang:error(oops)), {X, id(1)};
f(20) -> [catch erlang:error(I) || I <- [a, b]].

main() ->
    [io:format("~p: ~p~n", [N, f(N)]) || N <- lists:seq(1, 20), N =/= 17],
    halt().
