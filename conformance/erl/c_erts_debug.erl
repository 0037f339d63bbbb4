-module(c_erts_debug).
-export([main/0, id/1]).

%% erts_debug's test BIFs as OTP's suites use them: flat_size/1 and size_shared/1 in BEAM's
%% own words, same/2, and the internal state switches.
id(X) -> X.

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    %% ERTS logs a warning when the internal state is enabled; keep it out of the output.
    _ = (catch logger:set_primary_config(level, error)),
    Big = id(binary:copy(<<1>>, 100)),
    <<_:3, Odd/bitstring>> = id(<<1,2,3,4,5,6,7,8>>),
    <<_:8, Mid:20/binary, _/binary>> = Big,
    <<_:1, OddRefc/bitstring>> = Big,
    <<_:8, Mid70:70/binary, _/binary>> = id(binary:copy(<<2>>, 100)),
    Y = id(5),
    W = id({x, y}),
    Terms = [1, a, [], {}, {a}, {a, b}, [1], [1, 2], "abc", 1.0, -0.0,
             1 bsl 59, (1 bsl 59) - 1, -(1 bsl 59), -(1 bsl 59) - 1, 1 bsl 64, 1 bsl 200, -(1 bsl 64),
             <<>>, <<1>>, <<1,2,3,4,5,6,7,8,9>>, id(binary:copy(<<1>>, 64)), id(binary:copy(<<1>>, 65)),
             Big, Odd, Mid, OddRefc, Mid70, <<1:3>>, id(<<1:3>>),
             make_ref(), self(), fun(X) -> X + Y end, fun() -> W end, fun() -> ok end, fun lists:map/2,
             #{}, #{a => 1}, #{a => 1, b => [1]}, id(#{1 => 2.0}),
             maps:from_list([{I, I} || I <- lists:seq(1, 33)]),
             maps:from_list([{I, I} || I <- lists:seq(1, 100)]),
             maps:from_list([{integer_to_list(I), {I}} || I <- lists:seq(1, 300)]),
             {[1], [1]}, [a | b], {{{{}}}}],
    D([erts_debug:flat_size(T) || T <- Terms]),
    %% size_shared counts a shared subterm once (and literals not at all).
    L = id([1, 2, 3]),
    T2 = {L, L},
    D({erts_debug:flat_size(T2), erts_debug:size_shared(T2), erts_debug:size(T2)}),
    Deep = lists:foldl(fun(_, Acc) -> {Acc, Acc} end, id([x]), lists:seq(1, 20)),
    D({erts_debug:size_shared(Deep), erts_debug:flat_size(element(1, element(1, Deep)))}),
    D(erts_debug:size_shared({a, b})),
    D({erts_debug:same(L, element(1, T2)), erts_debug:same(L, id([1, 2, 3])), erts_debug:same(a, a),
       erts_debug:same(1, 1), erts_debug:same(1.0, id(1.0))}),
    D(erts_debug:copy_shared(T2) =:= T2),
    %% The internal state switches: undef until enabled.
    D(reason(catch erts_debug:get_internal_state(reds_left))),
    D(reason(catch erts_debug:set_internal_state(reds_left, 10))),
    D(reason(catch erts_debug:get_internal_state(available_internal_state))),
    D(erts_debug:set_internal_state(available_internal_state, true)),
    D(erts_debug:set_internal_state(available_internal_state, true)),
    D(erts_debug:get_internal_state(available_internal_state)),
    D(is_integer(erts_debug:get_internal_state(reds_left))),
    D(erts_debug:set_internal_state(reds_left, 100)),
    D(reason(catch erts_debug:get_internal_state(no_such_state))),
    D(reason(catch erts_debug:set_internal_state(no_such_state, 1))),
    D(reason(catch erts_debug:set_internal_state(available_internal_state, maybe))),
    D(erts_debug:get_internal_state({binary_info, <<1, 2, 3>>})),
    D(erts_debug:get_internal_state({binary_info, Big})),
    D(reason(catch erts_debug:get_internal_state({binary_info, <<1:3>>}))),
    D(erts_debug:get_internal_state({process_status, self()})),
    P = spawn(fun() -> receive stop -> ok end end),
    timer:sleep(10),
    D(erts_debug:get_internal_state({process_status, P})),
    P ! stop,
    D(erts_debug:set_internal_state(binary_loop_limit, 10)),
    D(erts_debug:set_internal_state(binary_loop_limit, default)),
    D(erts_debug:set_internal_state(available_internal_state, false)),
    D(reason(catch erts_debug:get_internal_state(reds_left))),
    halt().

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
