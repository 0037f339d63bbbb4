-module(c_guards_bool).
-export([main/0]).

%% Guard semantics: andalso/orelse, ',' and ';', guard BIFs that fail make the guard false, not throw.
main() ->
    D = fun erlang:display/1,
    D([g1(X) || X <- [1, 5, 10, a, 7.0]]),
    D([g2(X) || X <- [[], [1], {1, 2}, <<"ab">>, a, 3]]),
    D([g3(X) || X <- [{a}, {a, b}, [a], x]]),
    D([g4(X) || X <- [0, 1, 2, a]]),
    D([g5(X, Y) || {X, Y} <- [{1, 2}, {2, 1}, {a, b}, {1, 1.0}]]),
    D([g6(X) || X <- [#{k => 1}, #{}, x]]),
    D([g7(X) || X <- [<<1, 2, 3>>, <<>>, <<1:1>>, abc]]),
    D([g8(X) || X <- [1, 2, 3, 4, 5, 6]]),
    D([g9(X) || X <- [true, false, 1]]),
    D([g10(X) || X <- ["abc", [], [1 | 2], x]]),
    D([g11(X) || X <- [2.0, 2, 2.5, -3]]),
    D([g12(X) || X <- [{1, 2, 3}, {}, [a], <<>>]]),
    D(case {a, 1} of {A, N} when is_atom(A), N + 1 > 1 -> yes; _ -> no end),
    D([X || X <- [1, a, 2.0, "s"], is_number(X) orelse is_list(X)]),
    D(is_boolean(true andalso false)), D(true orelse error(never_evaluated)),
    D(false andalso error(never_evaluated)),
    D(if is_atom(1); is_integer(1) -> semicolon_or; true -> no end),
    D(if 1 div 0 > 0 -> div_by_zero_true; true -> guard_failed_silently end),
    erlang:halt().

g1(X) when X > 2, X < 8 -> in; g1(_) -> out.
g2(X) when length(X) > 0 -> nonempty_list;
g2(X) when tuple_size(X) =:= 2 -> pair;
g2(X) when byte_size(X) =:= 2 -> two_bytes;
g2(_) -> other.
g3(X) when element(2, X) =:= b -> second_b; g3(_) -> no.
g4(X) when X =:= 0 orelse X =:= 1 -> bit; g4(X) when not is_integer(X) -> notint; g4(_) -> other.
g5(X, Y) when X < Y -> lt; g5(X, Y) when X == Y -> eq; g5(X, Y) when X > Y -> gt.
g6(M) when map_size(M) > 0, is_map_key(k, M) -> has_k; g6(M) when is_map(M) -> map; g6(_) -> nomap.
g7(B) when bit_size(B) > 8, binary_part(B, 0, 1) =:= <<1>> -> starts1; g7(B) when is_bitstring(B) -> bits; g7(_) -> none.
g8(X) when X rem 2 =:= 0 andalso X rem 3 =:= 0 -> six;
g8(X) when X rem 2 =:= 0; X rem 3 =:= 0 -> two_or_three;
g8(_) -> neither.
g9(X) when X -> true_atom; g9(X) when not X -> false_atom; g9(_) -> nonbool.
g10(X) when hd(X) =:= $a -> starts_a; g10(X) when tl(X) =:= 2 -> tail2; g10(_) -> other.
g11(X) when trunc(X) == X, is_float(X) -> whole_float; g11(X) when abs(X) > 2 -> big; g11(X) when float(X) =:= 2.0 -> int2.
g12(T) when size(T) > 2 -> large; g12(T) when size(T) =:= 0 -> empty; g12(_) -> other.
