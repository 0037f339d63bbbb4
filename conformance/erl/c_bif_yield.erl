-module(c_bif_yield).
-export([main/0]).

%% BIFs over long lists trap (do a chunk, yield, continue); results and errors are erl's:
%% length/1, lists:reverse/2, lists:member/2, lists:keyfind/keymember/keysearch, ++, --.
%% Errors show the original arguments, except where erl's trace shows the arguments of the
%% BIF's last chunk (reverse, member: checked for consistency; key functions: 40,000 elements
%% per chunk, exact).

g(L) when length(L) > 10 -> long;
g(_) -> short.

main() ->
    N = 600000,
    Long = lists:seq(1, N),
    ImpEnd = Long ++ foo,
    ImpMid = lists:seq(1, N div 2) ++ bar,
    t(len, fun() -> length(Long) end),
    t(len_end, fun() -> length(ImpEnd) end),
    t(len_mid, fun() -> length(ImpMid) end),
    t(len_start, fun() -> length([1 | foo]) end),
    t(len_guard, fun() -> {g(Long), g(ImpEnd), g([1])} end),
    t(len_apply, fun() -> apply(erlang, length, [ImpEnd]) end),
    t(len_fun, fun() -> F = fun erlang:length/1, {F(Long), catch F(ImpMid)} end),
    t(rev, fun() -> lists:reverse(Long, [a | b]) end),
    t(rev_eq, fun() -> lists:reverse(Long) =:= lists:foldl(fun(X, A) -> [X | A] end, [], Long) end),
    t(rev_short_bad, fun() -> lists:reverse([1, 2 | z], [y]) end),
    rev_err(ImpEnd, [t]),
    rev_err(ImpMid, []),
    t(mem, fun() -> {lists:member(N, Long), lists:member(x, Long), lists:member(1.0, Long),
                     lists:member(N, ImpEnd)} end),
    mem_err(x, ImpEnd),
    TL = [{I, -I} || I <- Long],
    TLImp = TL ++ tl,
    t(kf, fun() -> {lists:keyfind(N, 1, TL), lists:keyfind(-5, 2, TL), lists:keyfind(300000.0, 1, TL),
                    lists:keyfind(x, 1, TL), lists:keyfind(x, 3, TL)} end),
    t(kf_end, fun() -> lists:keyfind(x, 1, TLImp) end),
    t(km_end, fun() -> lists:keymember(x, 1, TLImp) end),
    t(ks_end, fun() -> lists:keysearch(x, 1, TLImp) end),
    t(ks, fun() -> {lists:keysearch(N, 1, TL), lists:keymember(N, 1, TL)} end),
    t(kf_pos, fun() -> lists:keyfind(x, 0, TL) end),
    t(app, fun() -> Long ++ [x] end),
    t(app_nil, fun() -> (Long ++ []) =:= Long end),
    t(app_imp_rhs, fun() -> Long ++ foo end),
    t(app_end, fun() -> ImpEnd ++ [x] end),
    t(app_mid, fun() -> ImpMid ++ [] end),
    t(sub_small, fun() -> Long -- [3, 2, 1, N] end),
    t(sub_all, fun() -> Long -- lists:reverse(Long) end),
    t(sub_dups, fun() -> (Long ++ Long) -- lists:seq(1, N, 3) end),
    t(sub_exact, fun() -> [1, 1.0, 2, 1] -- [1, 1] end),
    t(sub_mixed, fun() -> [1, 1.0, 2.0, 2, "s", {t} | Long] -- [1.0, 2, {t}, "s" | lists:seq(10, 100)] end),
    t(sub_lhs_end, fun() -> ImpEnd -- [x] end),
    t(sub_rhs_end, fun() -> Long -- ImpEnd end),
    t(sub_short_lhs, fun() -> [1, 2] -- ImpMid end),
    erlang:halt().

%% lists:reverse(Orig, T) fails: erl's trace shows [Rest, Reversed prefix ++ T] of the last chunk.
rev_err(Orig, T) ->
    R = try lists:reverse(Orig, T) of
            V -> {ok, sum(V)}
        catch
            error:badarg:S ->
                [{lists, reverse, [A1, A2], _} | _] = S,
                K = cells(Orig) - cells(A1),
                {Pre, Rest} = take(K, Orig, []),
                {badarg, K >= 0 andalso Rest =:= A1 andalso A2 =:= Pre ++ T}
        end,
    erlang:display({rev_err, R}).

%% lists:member(X, Orig) fails: erl's trace shows [X, a suffix of Orig].
mem_err(X, Orig) ->
    R = try lists:member(X, Orig) of
            V -> {ok, V}
        catch
            error:badarg:S ->
                [{lists, member, [A1, A2], _} | _] = S,
                K = cells(Orig) - cells(A2),
                {badarg, A1 =:= X andalso K >= 0 andalso element(2, take(K, Orig, [])) =:= A2}
        end,
    erlang:display({mem_err, R}).

take(0, L, Acc) -> {Acc, L};
take(K, [H | T], Acc) -> take(K - 1, T, [H | Acc]).

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
