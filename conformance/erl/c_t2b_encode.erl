-module(c_t2b_encode).
-export([main/0]).

%% term_to_binary: exact external term format bytes for each term kind.
main() ->
    D = fun erlang:display/1,
    Terms = [0, 1, 255, 256, -1, 1 bsl 31, -(1 bsl 31), (1 bsl 31) - 1, 1 bsl 32, 1 bsl 64, -(1 bsl 64),
             1 bsl 2100, 1.5, -0.0, 0.1, abc, '', list_to_atom([1070]), list_to_atom([233]),
             true, [], "abc", [1, 2, 300], [a | b], {}, {a, b}, list_to_tuple(lists:seq(1, 300)),
             <<>>, <<1, 2, 3>>, <<1:3>>, <<1, 2, 5:4>>, #{}, #{a => 1, b => [2]},
             [<<"x">>, {y, #{z => 1.0}}], lists:seq(1, 256)],
    [D(term_to_binary(T)) || T <- lists:sublist(Terms, 34)],
    D(byte_size(term_to_binary(lists:seq(1, 256)))),
    D(byte_size(term_to_binary(list_to_tuple(lists:seq(1, 300))))),
    D(byte_size(term_to_binary(1 bsl 2100))),
    [D(term_to_binary(T, [{minor_version, 0}])) || T <- [1.5, abc, list_to_atom([233]), list_to_atom([1070])]],
    [D(term_to_binary(T, [{minor_version, 1}])) || T <- [1.5, abc, list_to_atom([233]), list_to_atom([1070])]],
    [D(term_to_binary(T, [{minor_version, 2}])) || T <- [1.5, abc, list_to_atom([233]), list_to_atom([1070])]],
    D(erlang:external_size(abc)),
    D(erlang:external_size({1, 2, "abc"})),
    D(erlang:external_size(1 bsl 100)),
    D(term_to_iovec({a, <<"bin">>}) =/= []),
    D(iolist_to_binary(term_to_iovec({a, <<"bin">>})) =:= term_to_binary({a, <<"bin">>})),
    erlang:halt().
