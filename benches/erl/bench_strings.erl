-module(bench_strings).
-export([run/1]).
%% Strings: io_lib:format of mixed values, then string:lexemes/split/trim, list_to_integer.
run(small) -> run_n(100);
run(full) -> run_n(8000).

run_n(N) ->
    Text = lists:flatten([line(I) || I <- lists:seq(1, N)]),
    Lines = string:lexemes(Text, "\n"),
    Fields = [string:split(L, ";", all) || L <- Lines],
    Ids = [list_to_integer(Id) || [Id | _] <- Fields],
    Hex = [list_to_integer(string:trim(H, leading, "0"), 16) || [_, _, _, H | _] <- Fields],
    Words = lists:append([string:lexemes(Name, "-_ ") || [_, Name | _] <- Fields]),
    Upper = string:uppercase(lists:last(Words)),
    {length(Text), length(Lines), lists:sum(Ids), lists:sum(Hex) rem 1000000007, length(Words),
     Upper, lists:nth(N div 2, Lines)}.

line(I) ->
    Name = lists:nth(I rem 5 + 1, ["alpha beta", "gamma_delta", "x-y-z", "omega", "  pad  "]),
    io_lib:format("~w;~s;~.3f;~8.16.0B;~p;~w;~-6s|~n",
                  [I, Name, I / 7, I * 7919, {I, [I rem 10], node_name}, I rem 2 =:= 0,
                   integer_to_list(I rem 1000)]).
