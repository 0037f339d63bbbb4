-module(bench_records_vs_maps).
-export([run/1]).
%% Field access and update: the same particle loop on a record and on a small map.
-record(particle, {x = 0, y = 0, z = 0, vx = 1, vy = 2, vz = 3, bounces = 0, tag = moving}).

run(small) -> run_n(2000);
run(full) -> run_n(500000).

run_n(N) ->
    R = rec_loop(N, #particle{}),
    M = map_loop(N, #{x => 0, y => 0, z => 0, vx => 1, vy => 2, vz => 3,
                      bounces => 0, tag => moving}),
    {tuple_to_list(R), M, rec_energy(R) =:= map_energy(M)}.

%% A box of side 1000: a coordinate that leaves it bounces back.
rec_loop(0, P) -> P;
rec_loop(N, #particle{x = X, y = Y, z = Z, vx = Vx, vy = Vy, vz = Vz} = P) ->
    P1 = P#particle{x = X + Vx, y = Y + Vy, z = Z + Vz},
    P2 = if
             P1#particle.x > 1000; P1#particle.x < 0 ->
                 P1#particle{vx = -Vx, bounces = P1#particle.bounces + 1};
             true -> P1
         end,
    P3 = if
             P2#particle.y > 1000; P2#particle.y < 0 ->
                 P2#particle{vy = -Vy, bounces = P2#particle.bounces + 1};
             true -> P2
         end,
    P4 = if
             P3#particle.z > 1000; P3#particle.z < 0 ->
                 P3#particle{vz = -Vz, bounces = P3#particle.bounces + 1, tag = bounced};
             true -> P3
         end,
    rec_loop(N - 1, P4).

map_loop(0, P) -> P;
map_loop(N, #{x := X, y := Y, z := Z, vx := Vx, vy := Vy, vz := Vz} = P) ->
    P1 = P#{x := X + Vx, y := Y + Vy, z := Z + Vz},
    P2 = case maps:get(x, P1) of
             X1 when X1 > 1000; X1 < 0 -> P1#{vx := -Vx, bounces := maps:get(bounces, P1) + 1};
             _ -> P1
         end,
    P3 = case maps:get(y, P2) of
             Y1 when Y1 > 1000; Y1 < 0 -> P2#{vy := -Vy, bounces := maps:get(bounces, P2) + 1};
             _ -> P2
         end,
    P4 = case maps:get(z, P3) of
             Z1 when Z1 > 1000; Z1 < 0 ->
                 P3#{vz := -Vz, bounces := maps:get(bounces, P3) + 1, tag := bounced};
             _ -> P3
         end,
    map_loop(N - 1, P4).

rec_energy(#particle{vx = Vx, vy = Vy, vz = Vz, bounces = B}) -> Vx * Vx + Vy * Vy + Vz * Vz + B.
map_energy(#{vx := Vx, vy := Vy, vz := Vz, bounces := B}) -> Vx * Vx + Vy * Vy + Vz * Vz + B.
