-module(c_bs_unopt).
-export([main/0]).
%% Bit syntax as the unoptimised compiler and the OTP 24 instruction set (bs_append,
%% bs_put_binary, bs_get_binary2 with register sizes) emit it.
-compile([r24, no_copt, no_ssa_opt, no_bool_opt, no_share_opt, no_bsm_opt, no_fun_opt,
          no_recv_opt, no_postopt]).

id(X) -> X.

all_size(Bin) ->
    All = case id(0) of 0 -> all end,
    case Bin of <<B:All/binary>> -> B; _ -> no_match end.

all_skip(Bin) ->
    All = case id(0) of 0 -> all end,
    case Bin of <<_:All/binary, _/binary>> -> matched; _ -> no_match end.

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    D(all_size(<<1, 2, 3>>)),
    D(all_skip(<<1, 2, 3>>)),
    D(catch <<(id(<<1:1>>))/binary, 1>>),
    D(catch <<(id(<<1:1>>)):1/binary, 1>>),
    D(catch <<(id(<<1:8>>))/binary, 1>>),
    D(catch <<(id(<<1:8>>))/bitstring, 1:1>>),
    D(catch <<(id(<<1:7>>))/bitstring, 1:1>>),
    D(catch <<(id(<<1, 2, 3>>)):2/binary, 7:4>>),
    Acc = lists:foldl(fun(I, A) -> <<A/binary, I>> end, <<>>, lists:seq(1, 100)),
    D({byte_size(Acc), binary:last(Acc)}),
    Acc2 = lists:foldl(fun(I, A) -> <<A/bitstring, I:3>> end, <<>>, lists:seq(1, 10)),
    D(Acc2),
    D(catch (fun(A) -> <<A/binary, 1>> end)(id(<<1:3>>))),
    halt().
