-module(c_file_info).
-export([main/0]).

-include_lib("kernel/include/file.hrl").

%% File information and links: read_file_info (stable fields), read_link_info, symlinks and
%% hard links, read_link, change_mode/owner/time, write_file_info, times as posix, universal
%% and local, and file handles closed when their owner exits.
main() ->
    Top = "/tmp/beamos_conf_c_file_info_" ++ os:getpid(),
    _ = file:del_dir_r(Top),
    ok = file:make_dir(Top),
    {ok, Orig} = file:get_cwd(),
    ok = file:set_cwd(Top),
    try run() after file:set_cwd(Orig), file:del_dir_r(Top) end,
    halt().

p(X) -> io:format("~p~n", [X]).

%% The fields that do not depend on the machine or the moment.
stable({ok, #file_info{size = S, type = T, access = A, mode = M, links = L}}) ->
    {ok, S, T, A, M band 8#7777, L};
stable(Other) ->
    Other.

run() ->
    ok = file:write_file("f", <<"12345">>),
    ok = file:make_dir("d"),
    p(stable(file:read_file_info("f"))),
    p(stable(file:read_file_info(<<"f">>))),
    p(stable(file:read_file_info("d"))),
    p(stable(file:read_file_info("nope"))),
    p(stable(file:read_file_info("f/x"))),
    p(stable(file:read_file_info(123))),
    p(stable(file:read_file_info("f", [{time, posix}]))),
    p(stable(file:read_file_info("f", [raw]))),
    p(stable(file:read_link_info("f"))),
    {ok, #file_info{major_device = Dev, inode = Ino, uid = Uid, gid = Gid}} = file:read_file_info("f"),
    p({is_integer(Dev), is_integer(Ino), is_integer(Uid), is_integer(Gid)}),
    {ok, #file_info{mtime = MT}} = file:read_file_info("f", [{time, universal}]),
    p(is_tuple(MT)),
    {ok, #file_info{mtime = PT}} = file:read_file_info("f", [{time, posix}]),
    p(is_integer(PT)),
    %% modes
    p(file:change_mode("f", 8#600)),
    p(stable(file:read_file_info("f"))),
    p(file:change_mode("f", 8#4755)),
    p(stable(file:read_file_info("f"))),
    p(file:change_mode("f", 8#644)),
    p(file:change_mode("nope", 8#644)),
    p(file:write_file_info("f", #file_info{mode = 8#640})),
    p(stable(file:read_file_info("f"))),
    %% times
    p(file:change_time("f", {{2020, 1, 2}, {3, 4, 5}})),
    p(file:change_time("f", {{2019, 6, 7}, {8, 9, 10}}, {{2018, 1, 1}, {0, 0, 0}})),
    {ok, I1} = file:read_file_info("f", [{time, universal}]),
    p({I1#file_info.atime, I1#file_info.mtime}),
    {ok, I1l} = file:read_file_info("f", [{time, local}]),
    p(I1l#file_info.mtime =:= erlang:universaltime_to_localtime(I1#file_info.mtime)),
    p(file:write_file_info("f", #file_info{atime = 1000000000, mtime = 1500000000}, [{time, posix}])),
    {ok, I2} = file:read_file_info("f", [{time, posix}]),
    p({I2#file_info.atime, I2#file_info.mtime}),
    p(file:write_file_info("f", #file_info{mtime = {{2001, 2, 3}, {4, 5, 6}}}, [{time, universal}])),
    {ok, I3} = file:read_file_info("f", [{time, universal}]),
    p(I3#file_info.mtime),
    p(file:write_file_info("f", #file_info{atime = {{1901, 1, 1}, {0, 0, 0}}, mtime = {{1901, 1, 1}, {0, 0, 0}}},
                            [{time, universal}])),
    {ok, I4} = file:read_file_info("f", [{time, universal}]),
    p(I4#file_info.mtime),
    p(file:change_time("nope", {{2020, 1, 2}, {3, 4, 5}})),
    p(catch file:change_time("f", bad)),
    p(file:write_file_info("nope", #file_info{mode = 8#600})),
    %% owner: changing to the current owner works for anyone
    {ok, #file_info{uid = U, gid = G}} = file:read_file_info("f"),
    p(file:change_owner("f", U)),
    p(file:change_owner("f", U, G)),
    p(file:change_group("f", G)),
    p(file:change_owner("nope", U)),
    %% symbolic links
    p(file:make_symlink("f", "sl")),
    p(file:make_symlink("f", "sl")),
    p(file:make_symlink("nope", "dangling")),
    p(file:make_symlink("d", "sld")),
    p(file:read_link("sl")),
    p(file:read_link_all("sl")),
    p(file:read_link("f")),
    p(file:read_link("nope")),
    p(stable(file:read_file_info("sl"))),
    {ok, #file_info{size = SlSize, type = SlType}} = file:read_link_info("sl"),
    p({SlSize, SlType}),
    p(stable(file:read_file_info("dangling"))),
    p(element(1, file:read_link_info("dangling"))),
    p(stable(file:read_file_info("sld"))),
    p(file:read_file("sl")),
    p(file:write_file("sld/in", "i")),
    p(file:list_dir("sld")),
    p(file:read_file("dangling")),
    p(file:delete("sl")),
    p(stable(file:read_file_info("f"))),
    p(file:delete("dangling")),
    p(file:del_dir("sld")),
    p(file:delete("sld")),
    %% hard links
    p(file:make_link("f", "hl")),
    p(stable(file:read_file_info("f"))),
    p(file:make_link("f", "hl")),
    p(file:make_link("nope", "hl2")),
    p(file:make_link("d", "hld")),
    p(file:read_file("hl")),
    p(file:delete("f")),
    p(stable(file:read_file_info("hl"))),
    %% handle info
    {ok, Fd} = file:open("hl", [read, raw]),
    p(stable(file:read_file_info(Fd))),
    p(file:close(Fd)),
    {ok, Fd2} = file:open("hl", [read]),
    p(stable(file:read_file_info(Fd2))),
    p(file:close(Fd2)),
    %% a file whose owner exits is closed (count the VM's open descriptors)
    N0 = open_fds(),
    Self = self(),
    {Pid, Ref} = spawn_monitor(fun() ->
        [{ok, _} = file:open("hl", [read, raw]) || _ <- lists:seq(1, 20)],
        Self ! {opened, open_fds()}
    end),
    receive {opened, N1} -> p(N1 - N0) end,
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    timer:sleep(100),
    p(open_fds() - N0),
    ok.

open_fds() ->
    {ok, L} = file:list_dir("/proc/self/fd"),
    length(L).
