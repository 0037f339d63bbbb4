-module(c_file_basic).
-export([main/0]).

-include_lib("kernel/include/file.hrl").

%% Whole-file and file-system operations through the file server: read_file, write_file,
%% list_dir, make_dir, del_dir, delete, rename, get_cwd/set_cwd, consult, filelib, and their
%% error tuples. Works in a scratch directory named after the OS process (erl and beamos may
%% run at once) and prints only relative names.
main() ->
    Top = "/tmp/beamos_conf_c_file_basic_" ++ os:getpid(),
    _ = del_tree(Top),
    ok = file:make_dir(Top),
    {ok, Orig} = file:get_cwd(),
    ok = file:set_cwd(Top),
    try run() after file:set_cwd(Orig), del_tree(Top) end,
    halt().

p(X) -> io:format("~p~n", [X]).

run() ->
    %% write_file / read_file
    p(file:write_file("a.txt", <<"hello\nworld\n">>)),
    p(file:read_file("a.txt")),
    p(file:write_file("l.txt", ["abc", $d, [<<"ef">>, [103]]])),
    p(file:read_file("l.txt")),
    p(file:write_file(<<"bin_name.txt">>, "x")),
    p(file:read_file(<<"bin_name.txt">>)),
    p(file:write_file('atom_name.txt', "y")),
    p(file:read_file('atom_name.txt')),
    p(file:write_file("a.txt", <<"more\n">>, [append])),
    p(file:read_file("a.txt")),
    p(file:write_file("empty", <<>>)),
    p(file:read_file("empty")),
    p(file:write_file("a.txt", <<"x">>, [exclusive])),
    %% errors
    p(file:read_file("nope")),
    p(file:read_file("")),
    p(file:read_file(".")),
    p(file:read_file("a.txt/x")),
    p(file:write_file("nodir/x", <<"x">>)),
    p(file:write_file(".", <<"x">>)),
    p(file:read_file(123)),
    p(file:read_file({a, b})),
    p(catch file:write_file("bad", [300])),
    p(catch file:write_file("bad", an_atom)),
    p(file:read_file([$a, 0, $b])),
    p(file:read_file("a.txt" ++ [1000])),
    %% directories
    p(file:make_dir("d")),
    p(file:make_dir("d")),
    p(file:make_dir("nodir/d")),
    p(file:make_dir("a.txt/d")),
    p(file:write_file("d/f1", "1")),
    p(file:write_file("d/f2", "22")),
    p(file:make_dir("d/sub")),
    {ok, L} = file:list_dir("d"),
    p(lists:sort(L)),
    {ok, L2} = file:list_dir(<<"d">>),
    p(lists:sort(L2)),
    p(file:list_dir("nope")),
    p(file:list_dir("a.txt")),
    p(file:list_dir_all("d/sub")),
    p(file:del_dir("d")),
    p(file:del_dir("nope")),
    p(file:del_dir("a.txt")),
    p(file:del_dir("d/sub")),
    p(file:del_dir("d/sub")),
    %% delete and rename
    p(file:delete("d/f1")),
    p(file:delete("d/f1")),
    p(file:delete("d")),
    p(file:rename("d/f2", "d/g2")),
    p(file:rename("d/f2", "d/h2")),
    p(file:read_file("d/g2")),
    p(file:rename("d/g2", "a.txt")),
    p(file:read_file("a.txt")),
    p(file:make_dir("e")),
    p(file:write_file("e/x", "x")),
    p(file:make_dir("e2")),
    p(file:rename("e2", "e")),
    p(file:rename("e", "e3")),
    p(file:rename("a.txt", "e3")),
    p(file:rename("e3", "a.txt")),
    p(file:rename("e3", "nodir/e3")),
    p(file:del_dir_r("e3")),
    p(file:del_dir_r("e3")),
    %% cwd
    {ok, Cwd} = file:get_cwd(),
    p(filename:basename(Cwd) =:= filename:basename(element(2, file:get_cwd()))),
    p(file:set_cwd("d")),
    {ok, Cwd2} = file:get_cwd(),
    p(filename:basename(Cwd2)),
    p(file:read_file("../empty")),
    p(file:set_cwd("..")),
    {ok, Cwd3} = file:get_cwd(),
    p(Cwd3 =:= Cwd),
    p(file:set_cwd("nope")),
    p(file:set_cwd("empty")),
    p(file:set_cwd(123)),
    p(file:get_cwd("c:")),
    %% consult, script, path functions
    p(file:write_file("terms", "{a, 1}.\n[x, \"y\"].\n#{k => v}.\n")),
    p(file:consult("terms")),
    p(file:write_file("badterms", "{a, 1}.\n{b,.\n")),
    p(file:consult("badterms")),
    p(file:consult("nope")),
    p(file:write_file("script", "X = 3, X * 7.\n")),
    p(file:script("script")),
    p(file:path_consult(["nodir", "."], "terms")),
    p(file:eval("script")),
    %% copy
    p(file:write_file("src", lists:duplicate(10000, $z))),
    p(file:copy("src", "dst")),
    p(file:copy("src", "dst2", 100)),
    p(filelib:file_size("dst2")),
    p(file:copy("nope", "dst3")),
    %% filelib
    p(filelib:ensure_dir("x/y/z/file")),
    p(filelib:is_dir("x/y/z")),
    p(filelib:is_dir("x/y/z/file")),
    p(filelib:ensure_dir("a.txt/y/file")),
    p(filelib:is_file("a.txt")),
    p(filelib:is_regular("x")),
    p(filelib:file_size("src")),
    p(filelib:wildcard("*.txt")),
    p(filelib:wildcard("*")),
    p(filelib:wildcard("x/**/*")),
    p(filelib:wildcard("d/*")),
    p(filelib:wildcard("{a,l}.txt")),
    p(filelib:wildcard("*.txt", "d")),
    p(filelib:fold_files(".", "\\.txt$", false, fun(F, A) -> [F | A] end, []) =/= []),
    p(filelib:ensure_path("p/q/r")),
    p(filelib:is_dir("p/q/r")),
    ok.

del_tree(Dir) ->
    case file:del_dir_r(Dir) of
        ok -> ok;
        {error, enoent} -> ok;
        E -> E
    end.
