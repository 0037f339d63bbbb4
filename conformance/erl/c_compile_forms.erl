-module(c_compile_forms).
-export([main/0]).

%% The compiler at run time: compile:forms/2 on forms parsed from source text,
%% erlang:load_module/2 of the binary and calls into the new module. beam_asm compresses the
%% literal table with zlib:compress/1 (the loader inflates it), and a gzipped .beam loads too.
%% Only results are printed, never the (implementation-dependent) compressed bytes.
main() ->
    D = fun erlang:display/1,
    Src = ["-module(cf_dyn).",
           "-export([add/2, fact/1, big_literal/0, sum/1, greet/1]).",
           "add(A, B) -> A + B.",
           "fact(0) -> 1; fact(N) when N > 0 -> N * fact(N - 1).",
           "big_literal() -> {lists:seq(1, 5), <<\"some binary literal\">>, [{k, v}, #{a => 1}],"
           "  \"a string literal that is long enough to be worth compressing\", 1.5e300,"
           "  [\"more\", \"strings\", \"to\", \"compress\", \"compress\", \"compress\"]}.",
           "sum(L) -> lists:foldl(fun(X, Acc) -> X + Acc end, 0, L).",
           "greet(Name) -> iolist_to_binary([<<\"hello \">>, Name])."],
    Forms = [parse(S) || S <- Src],
    {ok, cf_dyn, Bin} = compile:forms(Forms, []),
    D(is_binary(Bin)),
    D(erlang:load_module(cf_dyn, Bin)),
    D(cf_dyn:add(2, 3)),
    D(cf_dyn:fact(20)),
    D(cf_dyn:big_literal()),
    D(cf_dyn:sum(lists:seq(1, 100))),
    D(cf_dyn:greet(<<"world">>)),
    D(lists:sort(cf_dyn:module_info(exports))),
    %% The literal chunk: uncompressed size, then zlib data.
    {ok, {cf_dyn, [{"LitT", LitT}]}} = beam_lib:chunks(Bin, ["LitT"]),
    <<Size:32, Z/binary>> = LitT,
    D(byte_size(zlib:uncompress(Z)) =:= Size),
    <<Count:32, _/binary>> = zlib:uncompress(Z),
    D(Count),
    %% A new version, gzipped.
    {ok, cf_dyn, Bin2} = compile:forms([parse(S) || S <- lists:droplast(Src)] ++
                                           [parse("greet(Name) -> {hi, Name}.")], []),
    D(erlang:load_module(cf_dyn, zlib:gzip(Bin2))),
    D(cf_dyn:greet(<<"again">>)),
    %% Warnings and errors as return values.
    {ok, cf_dyn2, Bin3, Warnings} = compile:forms(
        [parse("-module(cf_dyn2)."), parse("-export([f/1])."), parse("f(X) -> Y = 1, X.")],
        [return, binary]),
    D([length(Ws) || {_, Ws} <- Warnings]),
    D(erlang:load_module(cf_dyn2, Bin3)),
    D(cf_dyn2:f(42)),
    D(element(1, compile:forms([parse("-module(cf_bad)."), parse("f() -> X.")], [return]))),
    erlang:halt().

parse(S) ->
    {ok, Toks, _} = erl_scan:string(S),
    {ok, F} = erl_parse:parse_form(Toks),
    F.
