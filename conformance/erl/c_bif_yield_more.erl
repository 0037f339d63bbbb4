-module(c_bif_yield_more).
-export([main/0]).

%% More BIFs whose work grows with their input trap; results and errors are erl's:
%% unicode:characters_to_binary/1,2,3 and characters_to_list/1,2 ({error | incomplete, _, Rest}
%% as erl's whatever the chunking), binary:match/matches/split/replace/copy/list_to_bin,
%% list_to_tuple/1, tuple_to_list/1, bitstring_to_list/1, list_to_bitstring/1, phash2/1,2.

main() ->
    N = 250000,
    Str = [X rem 1000 + 32 || X <- lists:seq(1, N)],
    Wide = [X rem 16#10000 + 16#E000 || X <- lists:seq(1, N div 4)] ++ [16#10400 + X || X <- lists:seq(1, 5000)],
    Deep = lists:foldl(fun(X, A) -> [A, X rem 500 + 32] end, [], lists:seq(1, N div 2)),
    Utf8Bin = unicode:characters_to_binary(Str),
    Half = byte_size(Utf8Bin) div 2,
    {A1, B1} = lists:split(N div 2, Str),
    UCases = [{str, Str}, {wide, Wide}, {deep, Deep}, {bin, Utf8Bin},
              {bad_mid, A1 ++ [-1 | B1]}, {bad_end, Str ++ [16#110000]}, {big_mid, A1 ++ [1 bsl 70 | B1]},
              {atom_mid, A1 ++ [foo | B1]}, {bits_mid, [Utf8Bin, <<1:3>>, Str]},
              {bin_bad_mid, <<(binary:part(Utf8Bin, 0, Half))/binary, 255, (binary:part(Utf8Bin, Half, 100))/binary>>},
              {bin_incomplete, <<Utf8Bin/binary, 16#E2, 16#82>>},
              {list_split_char, [Str, <<16#E2, 16#82>>, <<16#AC, "x">>, Str]},
              {list_split_bad, [Str, <<16#E2, 16#82>>, 65, Str]},
              {nested_bad, [[Str, [[Deep, [1, 2, -5, 3]], 4]], 5]}],
    [begin
         t({c2b, K}, fun() -> unicode:characters_to_binary(V) end),
         t({c2b_latin1, K}, fun() -> unicode:characters_to_binary(V, latin1) end),
         t({c2l, K}, fun() -> unicode:characters_to_list(V) end),
         t({c2l_latin1, K}, fun() -> unicode:characters_to_list(V, latin1) end)
     end || {K, V} <- UCases],
    t(u_rt, fun() -> unicode:characters_to_list(unicode:characters_to_binary(Wide)) =:= Wide end),

    M = 300000,
    Bin = binary:copy(<<"abcdefghij, klmnop; qrstu">>, M div 25),
    Sz = byte_size(Bin),
    <<_:3, UBin:Sz/binary, _:5>> = <<0:3, Bin/binary, 0:5>>,
    Pats = [{one, <<", ">>}, {many, [<<", ">>, <<"; ">>, <<"klm">>, <<"k">>]}],
    [begin
         t({matches, SK, PK}, fun() -> binary:matches(S, P) end),
         t({split_g, SK, PK}, fun() -> binary:split(S, P, [global, trim_all]) end),
         t({replace, SK, PK}, fun() -> binary:replace(S, P, <<"=">>, [global]) end)
     end || {SK, S} <- [{bin, Bin}, {ubin, UBin}, {aa, binary:copy(<<"a">>, M)}], {PK, P} <- Pats],
    t(match_late, fun() -> binary:match(<<(binary:copy(<<"x">>, M))/binary, "needle">>, [<<"need">>, <<"needle">>]) end),
    t(match_badscope, fun() -> binary:match(Bin, <<"a">>, [{scope, {0, Sz + 1}}]) end),
    t(copy, fun() -> binary:copy(Bin, 3) end),
    t(copy_u, fun() -> binary:copy(UBin, 3) =:= binary:copy(Bin, 3) end),
    t(copy_neg, fun() -> binary:copy(Bin, -1) end),
    Bytes = [X band 255 || X <- lists:seq(1, M)],
    t(l2bin_bad_mid, fun() -> binary:list_to_bin([Bytes, foo, Bytes]) end),

    Long = lists:seq(1, M),
    Tup = list_to_tuple(Long),
    t(l2t, fun() -> T = list_to_tuple(Long), {tuple_size(T), element(M, T), erlang:phash2(T)} end),
    t(l2t_mid, fun() -> list_to_tuple(lists:seq(1, M div 2) ++ bar) end),
    t(t2l, fun() -> tuple_to_list(Tup) =:= Long end),
    Bits = <<(binary:copy(<<1, 2, 3, 250>>, M))/binary, 5:3>>,
    t(bs2l, fun() -> bitstring_to_list(Bits) end),
    Bl = [<<X:7>> || X <- lists:seq(1, M div 4)],
    t(l2bs, fun() -> B = list_to_bitstring(Bl), {bit_size(B), erlang:phash2(B)} end),
    t(l2bs_bad_mid, fun() -> list_to_bitstring([Bl, foo, Bl]) end),
    t(phash2, fun() -> {erlang:phash2(Bytes), erlang:phash2([7 | Bytes], 1000), erlang:phash2({Long, Bin})} end),
    erlang:halt().

sum(L) when is_list(L) ->
    case cells(L) of
        N when N =< 12 -> [sum(X) || X <- proper(L)] ++ tail_of(L);
        N -> {list, N, erlang:phash2(L), tail(L)}
    end;
sum(B) when is_binary(B), byte_size(B) > 24 -> {bin, byte_size(B), erlang:phash2(B)};
sum(T) when is_tuple(T) -> list_to_tuple([sum(X) || X <- tuple_to_list(T)]);
sum(X) -> X.

cells(L) -> cells(L, 0).
cells([_ | T], N) -> cells(T, N + 1);
cells(_, N) -> N.
tail([_ | T]) -> tail(T);
tail(T) -> T.
proper([H | T]) -> [H | proper(T)];
proper(_) -> [].
tail_of(L) -> case tail(L) of [] -> []; T -> [{tail, T}] end.

%% The value's summary, or the exception with the failing BIF's frame and this module's frames.
t(Label, F) ->
    R = try F() of
            V -> {ok, sum(V)}
        catch
            C:E:S -> {C, sum(E), frames(S)}
        end,
    erlang:display({Label, R}).

frames([First | Rest]) -> [frame(First) | [frame(Fr) || Fr = {M, _, _, _} <- Rest, M =:= ?MODULE]].
frame({M, F, A, L}) when is_list(A) -> {M, F, [sum(X) || X <- A], L};
frame(Fr) -> Fr.
