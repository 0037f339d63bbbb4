-module(c_monitor_node).
-export([main/0]).

%% erlang:monitor_node/2,3 on a node that is not distributed.
main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    D(erlang:monitor_node(node(), true)),
    D(erlang:monitor_node(node(), false)),
    D(erlang:monitor_node(node(), true, [allow_passive_connect])),
    D(receive M -> M after 50 -> no_message end),
    D(reason(catch erlang:monitor_node(foo@bar, true))),
    D(reason(catch erlang:monitor_node(foo@bar, false))),
    D(reason(catch erlang:monitor_node(foo, maybe))),
    D(reason(catch erlang:monitor_node(node(), maybe))),
    D(reason(catch erlang:monitor_node("x", true))),
    D(reason(catch erlang:monitor_node(foo@bar, true, [allow_passive_connect]))),
    D(catch erlang:monitor_node(foo@bar, true, [bad])),
    D(reason(catch erlang:monitor_node(node(), true, bad))),
    D(receive M2 -> M2 after 50 -> no_message end),
    halt().

reason({'EXIT', {R, _Stack}}) when is_list(_Stack) -> R;
reason(Other) -> Other.
