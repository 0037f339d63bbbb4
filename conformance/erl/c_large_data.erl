-module(c_large_data).
-export([main/0]).

%% Large data: 1,000,000-element lists, sorting 100,000 elements, big tuples and binaries.
main() ->
    D = fun erlang:display/1,
    L = lists:seq(1, 1000000),
    D(length(L)),
    D(lists:sum(L)),
    R = lists:reverse(L),
    D({hd(R), lists:nth(500000, R)}),
    D(length(L ++ L)),
    D(lists:foldl(fun(X, A) -> A bxor X end, 0, L)),
    D(length([X || X <- L, X rem 3 =:= 0])),
    Rand = pseudo(100000, 12345, []),
    S = lists:sort(Rand),
    D({length(S), hd(S), lists:last(S)}),
    D(is_sorted(S)),
    D(lists:sublist(S, 5)),
    D(length(lists:usort(Rand))),
    T = list_to_tuple(L),
    D({tuple_size(T), element(777777, T)}),
    B = list_to_binary([X band 255 || X <- L]),
    D({byte_size(B), binary:at(B, 999999)}),
    D(erlang:phash2(B)),
    Strs = [integer_to_list(X) || X <- lists:seq(1, 100000)],
    D(lists:last(lists:sort(Strs))),
    D(length(lists:flatten(Strs))),
    {A, Bb} = lists:split(500000, L),
    D({length(A), hd(Bb)}),
    D(lists:max(Rand)),
    erlang:halt().

pseudo(0, _, Acc) -> Acc;
pseudo(N, Seed, Acc) ->
    Next = (Seed * 1103515245 + 12345) rem 2147483648,
    pseudo(N - 1, Next, [Next rem 1000000 | Acc]).

is_sorted([A, B | T]) when A =< B -> is_sorted([B | T]);
is_sorted([_, _ | _]) -> false;
is_sorted(_) -> true.
