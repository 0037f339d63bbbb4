-module(c_atoms).
-export([main/0]).

%% Atom BIFs: atom_to_list, list_to_atom, atom_to_binary, binary_to_atom, existing atoms, length limits.
main() ->
    D = fun erlang:display/1,
    D(atom_to_list(hello)), D(atom_to_list('hello world')), D(atom_to_list('')),
    D(atom_to_list('Capital')), D(atom_to_list(true)),
    D(list_to_atom("abc")), D(list_to_atom("with space")), D(list_to_atom("")),
    D(list_to_atom([1070, 1085])),
    D(atom_to_list(list_to_atom([1070, 1085]))),
    D(atom_to_binary(hello)), D(atom_to_binary(hello, utf8)), D(atom_to_binary(hello, latin1)),
    D(atom_to_binary(list_to_atom([1070]), utf8)),
    D(t(fun() -> atom_to_binary(list_to_atom([1070]), latin1) end)),
    D(atom_to_binary(list_to_atom([233]), latin1)),
    D(atom_to_binary(list_to_atom([233]), utf8)),
    D(binary_to_atom(<<"xyz">>)), D(binary_to_atom(<<"xyz">>, utf8)),
    D(binary_to_atom(<<233>>, latin1) =:= list_to_atom([233])),
    D(binary_to_atom(<<195, 169>>, utf8) =:= list_to_atom([233])),
    D(list_to_existing_atom("c_atoms")),
    D(binary_to_existing_atom(<<"main">>, utf8)),
    D(t(fun() -> list_to_existing_atom("c_atoms_surely_not_an_existing_atom_42") end)),
    D(t(fun() -> binary_to_existing_atom(<<"c_atoms_surely_not_existing_either_43">>) end)),
    D(length(atom_to_list(list_to_atom(lists:duplicate(255, $a))))),
    D(t(fun() -> list_to_atom(lists:duplicate(256, $a)) end)),
    D(length(atom_to_list(list_to_atom(lists:duplicate(255, 1070))))),
    D(t(fun() -> list_to_atom(lists:duplicate(256, 1070)) end)),
    D(t(fun() -> list_to_atom(id(abc)) end)),
    D(t(fun() -> list_to_atom([a]) end)),
    D(t(fun() -> atom_to_list(id("abc")) end)),
    D(t(fun() -> binary_to_atom(<<255>>, utf8) end)),
    D(is_atom(true)), D(is_atom("a")), D(is_boolean(false)), D(is_boolean(maybe)),
    D(erlang:atom_to_list(erlang)),
    D(list_to_atom("a") =:= a),
    D(a =:= 'a'),
    erlang:halt().

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
