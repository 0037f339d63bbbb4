-module(c_gc_stress).
-export([main/0]).

%% Allocation-heavy work that forces many garbage collections; results must survive GC intact.
main() ->
    D = fun erlang:display/1,
    Keep = lists:foldl(fun(I, Acc) ->
        _Garbage = lists:seq(1, 100),
        case I rem 1000 of 0 -> [{I, integer_to_list(I)} | Acc]; _ -> Acc end
    end, [], lists:seq(1, 200000)),
    D(length(Keep)), D(hd(Keep)), D(lists:last(Keep)),
    Bins = [binary:copy(<<I:32>>, 100) || I <- lists:seq(1, 2000)],
    D(lists:sum([byte_size(B) || B <- Bins])),
    D(binary:part(lists:nth(1000, Bins), 0, 8)),
    Big = [<<I:8000>> || I <- lists:seq(1, 300)],
    D(erlang:phash2(Big)),
    T = build_tree(16),
    D(count(T)),
    Maps = lists:foldl(fun(I, M) -> M#{I rem 5000 => {I, [I]}} end, #{}, lists:seq(1, 100000)),
    D(map_size(Maps)), D(maps:get(4999, Maps)),
    D(churn(100000, [])),
    Self = self(),
    Ps = [spawn(fun() -> Self ! {done, I, length(lists:seq(1, 50000))} end) || I <- lists:seq(1, 20)],
    D(lists:sum([receive {done, I, L} -> I + L end || I <- lists:seq(1, length(Ps))])),
    D(erlang:garbage_collect()),
    D(Keep =:= lists:reverse([{I, integer_to_list(I)} || I <- lists:seq(1000, 200000, 1000)])),
    erlang:halt().

build_tree(0) -> leaf;
build_tree(N) -> {node, N, build_tree(N - 1), build_tree(N - 1)}.

count(leaf) -> 1;
count({node, _, L, R}) -> 1 + count(L) + count(R).

churn(0, Acc) -> length(Acc);
churn(N, Acc) when length(Acc) > 100 -> churn(N - 1, []);
churn(N, Acc) -> churn(N - 1, [{N, float(N)} | Acc]).
