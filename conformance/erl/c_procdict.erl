-module(c_procdict).
-export([main/0]).

%% Process dictionary: put/get/erase/get_keys, run in a fresh process so it starts empty.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    D(get()),
    D(put(a, 1)), D(put(a, 2)), D(get(a)), D(get(nokey)),
    D(put({complex, key}, [v])), D(get({complex, key})),
    D(put(b, 2)),
    D(lists:sort(get())),
    D(lists:sort(get_keys())),
    D(lists:sort(get_keys(2))),
    D(erase(a)), D(erase(a)), D(get(a)),
    D(lists:sort(erase())),
    D(get()),
    [put(I, I * I) || I <- lists:seq(1, 1000)],
    D(length(get())),
    D(get(999)),
    D(lists:sum([V || {_, V} <- get()])),
    D(length(get_keys(4))),
    erase(),
    put(x, 1),
    Parent = self(),
    spawn(fun() -> Parent ! {child_sees, get(x)} end),
    receive {child_sees, V} -> D(V) end.
