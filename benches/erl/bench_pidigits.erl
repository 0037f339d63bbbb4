-module(bench_pidigits).
-export([run/1]).
%% Growing bignums: Gibbons' unbounded spigot for the decimal digits of pi.
run(small) -> pi(60);
run(full) -> pi(1500).

pi(N) -> list_to_binary(stream(N, 1, 0, 1, 1, 3, 3, [])).

%% The linear fractional transformation is (Q R; 0 T); K counts the terms consumed,
%% D is the next candidate digit and L = 2K + 1.
stream(0, _, _, _, _, _, _, Acc) ->
    lists:reverse(Acc);
stream(N, Q, R, T, K, D, L, Acc) when 4 * Q + R - T < D * T ->
    D1 = (10 * (3 * Q + R)) div T - 10 * D,
    stream(N - 1, 10 * Q, 10 * (R - D * T), T, K, D1, L, [$0 + D | Acc]);
stream(N, Q, R, T, K, _, L, Acc) ->
    D1 = (Q * (7 * K + 2) + R * L) div (T * L),
    stream(N, Q * K, (2 * Q + R) * L, T * L, K + 1, D1, L + 2, Acc).
