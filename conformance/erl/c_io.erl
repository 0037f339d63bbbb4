-module(c_io).
-export([main/0]).

%% Output through the io protocol to the group leader (standard_io / user): io:format and
%% friends, the latin1 device erl has when output is a pipe (characters above 255 as \x{H}),
%% io:getopts/setopts, errors, and writes from other processes.
main() ->
    io:format("~ts|~s|~p|~tp~n", [[233, 16#15d], [233], [233], [16#15d]]),
    io:put_chars(<<"é"/utf8>>), io:nl(),
    io:put_chars(standard_io, [233, $\n]),
    io:format("~s~n", [<<"é"/utf8>>]),
    io:format("~w ~p ~10.3f ~-6s| ~b ~.16B ~c~n", [{a, 1}, "abc", 3.14159, "ab", 5, 255, $z]),
    io:write(x), io:nl(),
    io:fwrite("~5.2f~n", [3.14159]),
    io:format("~p~n", [lists:seq(1, 30)]),
    io:format("~p~n", [#{key => [value, {nested, <<"bin">>}], 2 => 3}]),
    R = (catch io:format("~q~n", [foo])),
    io:format("~p~n", [element(1, R)]),
    io:format("~p~n", [io:getopts()]),
    io:format(user, "to user~n", []),
    io:format(standard_io, "to stdio ~p~n", [self() =:= self()]),
    Self = self(),
    %% One at a time: with several schedulers, writers running at once may come in any order.
    [begin
         spawn(fun() -> io:format("from ~p~n", [N]), Self ! {done, N} end),
         receive {done, N} -> ok end
     end || N <- [1, 2, 3]],
    io:format("~p~n", [io:columns()]),
    io:put_chars(["deep", [$l, "ist"], <<" bin">>, $\n]),
    erlang:halt().
