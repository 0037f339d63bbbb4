-module(c_display_terms).
-export([main/0]).

%% erlang:display formatting of strings, lists, improper lists, nesting, binaries, bitstrings, escapes.
main() ->
    D = fun erlang:display/1,
    D("hello"), D(""), D([]), D("a b"), D([$a | "bc"]), D("with \"quotes\""),
    D("back\\slash"), D([10]), D("\n"), D([7, 8, 9, 10, 11, 12, 13, 27]),
    D([31]), D([32, 126]), D([127]), D([128]), D([160]), D([255]), D([256]),
    D([1, 2, 3]), D([$a, 1]), D([$a, a]), D([[]]), D([[], []]), D(["a", "b"]),
    D([1 | 2]), D([a, b | c]), D([[1] | [2]]), D([[] | []]), D(["x" | <<"y">>]),
    D({}), D({{}}), D({[], {}, <<>>}), D({a, {b, {c, {d, {e}}}}}),
    D(<<>>), D(<<"abc">>), D(<<0>>), D(<<"a", 0, "b">>), D(<<"\n">>), D(<<"tab\t">>),
    D(<<255, 254>>), D(<<"é"/utf8>>), D(<<127>>), D(<<31>>), D(<<"hi", 200>>),
    D(<<"quote\"">>), D(<<"back\\">>),
    D(<<1:1>>), D(<<1:3>>), D(<<"ab", 3:2>>), D(<<0:15>>),
    D(binary:copy(<<"x">>, 100)),
    D(list_to_binary(lists:seq(32, 126))),
    D(lists:seq(32, 126)),
    D(-0), D(-1), D(1 bsl 100), D(-(1 bsl 100)),
    D(1.0), D(-1.0), D(0.1), D(1.0e-10), D(123456.0), D(1.0e15), D(1.0e16), D(1.0e300), D(5.0e-324),
    D(#{}), D(#{a => #{b => #{}}}), D(#{[1] => {2}, <<"k">> => "v"}),
    D([{a, 1}, {b, "two"}, {c, <<"three">>}]),
    D(list_to_tuple(lists:seq(1, 20))),
    D(lists:duplicate(3, {x, [y], <<"z">>})),
    D([1.5, 2.5]),
    D({'$end_of_table', 'EXIT', '_'}),
    D(true), D(false), D(undefined), D(nil), D('Nil'),
    erlang:halt().
