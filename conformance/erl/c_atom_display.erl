-module(c_atom_display).
-export([main/0]).

%% How erlang:display quotes atoms: reserved words, capitals, specials, escapes.
main() ->
    D = fun erlang:display/1,
    [D(A) || A <- ['hello world', 'A', 'Abc', '_x', '', 'a@b', 'a.b', 'a-b', 'a+b', 'é',
                   'after', 'and', 'andalso', 'band', 'begin', 'bnot', 'bor', 'bsl', 'bsr',
                   'bxor', 'case', 'catch', 'cond', 'div', 'end', 'fun', 'if', 'let', 'not',
                   'of', 'or', 'orelse', 'receive', 'rem', 'try', 'when', 'xor', 'maybe', 'else',
                   'true', 'false', 'ok', 'aBC', 'a1_', '1a', '[]', '{}', 'a\'b', 'a\\b',
                   'a\nb', 'a\tb', '\e', 'ü', 'Ünicode', '$', '+', '-', '*', '/', '==', '<',
                   'nonode@nohost', 'hello_World9', '.', '..', 'a b c']],
    D(list_to_atom([16#1F600])),
    D(list_to_atom([0])),
    D(list_to_atom([127])),
    D(list_to_atom([255])),
    D({'A', ['b c'], #{'K' => 'v w'}}),
    D(list_to_atom("ok")),
    erlang:halt().
