-module(bench_mandelbrot).
-export([run/1]).
%% Float iteration and bit packing: the Mandelbrot set as a 1-bit-per-pixel bitmap.
-define(MAX_ITER, 50).

run(small) -> mandelbrot(32);
run(full) -> mandelbrot(320).

%% Returns the number of points in the set and the packed bitmap (rows padded to bytes).
mandelbrot(Size) ->
    Rows = [row(Y, Size) || Y <- lists:seq(0, Size - 1)],
    Bitmap = iolist_to_binary(Rows),
    {count_bits(Bitmap, 0), Bitmap}.

row(Y, Size) ->
    Ci = 2.0 * Y / Size - 1.0,
    Bits = << <<(in_set(2.0 * X / Size - 1.5, Ci)):1>> || X <- lists:seq(0, Size - 1) >>,
    Pad = (8 - bit_size(Bits) rem 8) rem 8,
    <<Bits/bitstring, 0:Pad>>.

in_set(Cr, Ci) -> iterate(0.0, 0.0, Cr, Ci, ?MAX_ITER).

iterate(_, _, _, _, 0) -> 1;
iterate(Zr, Zi, Cr, Ci, N) ->
    Zr2 = Zr * Zr,
    Zi2 = Zi * Zi,
    case Zr2 + Zi2 > 4.0 of
        true -> 0;
        false -> iterate(Zr2 - Zi2 + Cr, 2.0 * Zr * Zi + Ci, Cr, Ci, N - 1)
    end.

count_bits(<<>>, N) -> N;
count_bits(<<B:1, Rest/bitstring>>, N) -> count_bits(Rest, N + B).
