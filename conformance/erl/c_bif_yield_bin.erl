-module(c_bif_yield_bin).
-export([main/0]).

%% BIFs over long iolists, binaries and terms trap; results and errors are erl's:
%% list_to_binary/1, iolist_to_binary/1, iolist_size/1, binary_to_list/1,3,
%% term_to_binary/1,2, binary_to_term/1,2 (errors show the original arguments).

main() ->
    N = 400000,
    Long = lists:seq(1, N),
    Bytes = [X band 255 || X <- Long],
    Lists = [[X band 255] || X <- Long],
    Left = lists:foldl(fun(X, A) -> [A, X band 255] end, [], lists:seq(1, N div 4)),
    Right = lists:foldr(fun(X, A) -> [X band 255, A] end, [], lists:seq(1, N div 4)),
    Mixed = [<<"abc">>, Bytes, [], <<1, 2, 3>>, [[]], binary:copy(<<"xy">>, 100000) | <<4, 5>>],
    Small = lists:foldl(fun(X, A) -> [A, X band 255] end, [], lists:seq(1, 20000)),
    Cases = [{bytes, Bytes}, {lists, Lists}, {left, Left}, {right, Right}, {mixed, Mixed},
             {empty, []}, {bin_tail, [1 | <<2>>]},
             {b256, Bytes ++ [256]}, {bimp, Bytes ++ foo}, {bbits, [Bytes | <<1:3>>]},
             {bdeep, [Small, a]}, {bin, <<1, 2>>}, {bits, <<1:3>>}, {atom, foo}],
    [begin
         t({l2b, K}, fun() -> list_to_binary(V) end),
         t({io2b, K}, fun() -> iolist_to_binary(V) end),
         t({iosize, K}, fun() -> iolist_size(V) end)
     end || {K, V} <- Cases],
    Bin = binary:copy(<<1, 2, 3, 4, 5, 6, 7>>, 100000),
    Sz = byte_size(Bin),
    <<_:3, UBin:Sz/binary, _:5>> = <<0:3, Bin/binary, 0:5>>,
    t(b2l, fun() -> binary_to_list(Bin) end),
    t(b2l_unaligned, fun() -> binary_to_list(UBin) =:= binary_to_list(Bin) end),
    t(b2l_3, fun() -> binary_to_list(Bin, 5, Sz - 9) end),
    t(b2l_3_unaligned, fun() -> binary_to_list(UBin, 2, Sz) end),
    t(b2l_3_bad, fun() -> binary_to_list(Bin, 1, Sz + 1) end),
    t(b2l_bits, fun() -> binary_to_list(<<1, 2:4>>) end),
    Nested = [{I, [I], <<I:32>>, #{I => I}, float(I), -I * 1000000000000} || I <- lists:seq(1, 50000)],
    Deep = lists:foldl(fun(X, A) -> [A | X] end, [], lists:seq(1, 100000)),
    Terms = [{long, Long}, {nested, Nested}, {deep, Deep}, {str, lists:duplicate(70000, $a)},
             {imp, Long ++ foo}, {bin, Bin}, {tuple, list_to_tuple(Long)}],
    [begin
         t({t2b, K}, fun() -> term_to_binary(V) end),
         t({t2b_v0, K}, fun() -> term_to_binary(V, [{minor_version, 0}]) end),
         t({rt, K}, fun() -> binary_to_term(term_to_binary(V)) =:= V end),
         t({rt_c, K}, fun() -> binary_to_term(term_to_binary(V, [compressed])) =:= V end),
         t({used, K}, fun() -> {T, U} = binary_to_term(<<(term_to_binary(V))/binary, 0>>, [used]),
                               {T =:= V, U} end)
     end || {K, V} <- Terms],
    LongB = term_to_binary(Long),
    t(t2b_badopt, fun() -> term_to_binary(Long, [bad]) end),
    t(b2t_truncated, fun() -> binary_to_term(binary:part(LongB, 0, byte_size(LongB) - 1)) end),
    t(b2t_claims, fun() -> binary_to_term(<<131, 108, N:32, (binary:copy(<<97, 1>>, N))/binary>>) end),
    t(b2t_unsafe, fun() -> binary_to_term(<<131, 100, 0, 11, "zzqq_nonatom">>, [safe]) end),
    erlang:halt().

%% ---- helpers: summaries of long terms and of exceptions

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
