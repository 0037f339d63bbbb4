-module(c_busy_info).
-export([main/0]).

%% process_info of a process that is busy (on another scheduler when there are several):
%% asked while it runs, answered once it rests; is_process_alive and message reads likewise.
main() ->
    P = spawn(fun spin/0),
    timer:sleep(50),
    S = [element(2, process_info(P, status)) || _ <- lists:seq(1, 20)],
    io:format("~p~n", [lists:usort(S)]),
    P ! hello,
    io:format("~p~n", [[is_process_alive(P) || _ <- lists:seq(1, 5)]]),
    io:format("~p~n", [process_info(P, [messages, message_queue_len, trap_exit])]),
    exit(P, kill),
    timer:sleep(10),
    io:format("~p~n", [{is_process_alive(P), process_info(P, status)}]),
    erlang:halt().
spin() -> spin().
