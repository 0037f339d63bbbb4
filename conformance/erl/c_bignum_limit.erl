-module(c_bignum_limit).
-export([main/0]).

%% The largest integer (ERTS on 64 bits: 33,554,368 bits of magnitude); results past it raise
%% system_limit. Only the low byte of integer results is printed.
id(X) -> X.

r(F) ->
    case catch F() of
        {'EXIT', {R, _}} -> R;
        V when is_integer(V) -> {int, V band 16#ff};
        V -> V
    end.

main() ->
    Max = (((1 bsl ((16777184 * 2) - 1)) - 1) bsl 1) + 1,
    Fs = [fun() -> id(Max) + 1 end,
          fun() -> id(Max) - 1 end,
          fun() -> -id(Max) - 1 end,
          fun() -> id(-Max) - 1 end,
          fun() -> id(-Max) + 1 end,
          fun() -> id(Max) * 2 end,
          fun() -> id(Max) * -1 end,
          fun() -> id(Max) bsl 1 end,
          fun() -> id(Max) bsr 1 end,
          fun() -> 1 bsl id(33554367) end,
          fun() -> 1 bsl id(33554368) end,
          fun() -> -1 bsl id(33554368) end,
          fun() -> bnot id(Max) end,
          fun() -> bnot id(-Max) end,
          fun() -> -id(Max) end,
          fun() -> abs(-id(Max)) end,
          fun() -> id(Max) div 3 end,
          fun() -> id(Max) rem 1000 end,
          fun() -> id(Max) band 16#ffff end,
          fun() -> id(Max) bxor id(Max) end],
    [io:format("~p~n", [r(F)]) || F <- Fs],
    halt().
