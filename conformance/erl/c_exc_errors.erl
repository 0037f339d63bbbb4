-module(c_exc_errors).
-export([main/0]).
-record(r, {a}).

%% Every standard error reason produced by the VM.
main() ->
    D = fun erlang:display/1,
    D(t(fun() -> atom_to_list(id(1)) end)),                         % badarg
    D(t(fun() -> id(1) + id(a) end)),                                % badarith
    D(t(fun() -> {x, _} = id({y, 1}) end)),                          % {badmatch, V}
    D(t(fun() -> case id(3) of 1 -> a; 2 -> b end end)),             % {case_clause, V}
    D(t(fun() -> fc(id(z)) end)),                                    % function_clause
    D(t(fun() -> X = id(1), if X > 2 -> a end end)),                 % if_clause
    D(t(fun() -> try id(5) of 1 -> one after ok end end)),           % {try_clause, V}
    D(t(fun() -> (id(notfun))() end)),                               % {badfun, V}
    D(t(fun() -> (id(fun() -> ok end))(1) end)),                     % {badarity, _}
    D(t(fun() -> (id(no_mod_here)):f() end)),                        % undef
    D(t(fun() -> map_get(k, id(#{})) end)),                          % {badkey, K}
    D(t(fun() -> (id(#{}))#{k := 1} end)),                           % {badkey, K}
    D(t(fun() -> (id([]))#{k => 1} end)),                            % {badmap, V}
    D(t(fun() -> (id({q, 1}))#r.a end)),                             % {badrecord, V}
    D(t(fun() -> (id(notarec))#r{a = 1} end)),                      % {badrecord, V}
    D(t(fun() -> list_to_atom(lists:duplicate(300, $x)) end)),       % system_limit
    D(t(fun() -> receive after id(-1) -> ok end end)),               % timeout_value
    D(t(fun() -> [X || X <- id(notalist)] end)),                     % {bad_generator, V}
    D(t(fun() -> << <<X>> || <<X>> <= id(notabin) >> end)),          % {bad_generator, V}
    D(t(fun() -> [X || X <- [1, 2], id(X)] end)),                    % {bad_filter, V}
    D(t(fun() -> erlang:error(my_reason) end)),
    D(t(fun() -> erlang:error({complex, [1, 2]}, [arg1, arg2]) end)),
    D(t(fun() -> erlang:error(with_opts, none, [{error_info, #{}}]) end)),
    D(t(fun() -> exit(bye) end)),
    D(t(fun() -> throw(ball) end)),
    D(t(fun() -> erlang:raise(error, raised, []) end)),
    D(t(fun() -> erlang:raise(throw, raised_throw, [{m, f, 0, []}]) end)),
    D(t(fun() -> erlang:raise(exit, raised_exit, [{m, f, [a], [{line, 1}]}]) end)),
    D(t(fun() -> erlang:raise(bad_class, x, []) end)),
    D(t(fun() -> erlang:raise(error, x, not_a_stacktrace) end)),
    D(t(fun() -> element(1, id(notatuple)) end)),
    D(t(fun() -> abs(id(a)) end)),
    D(t(fun() -> id(a) < id(b) andalso id(c) end)),
    D(t(fun() -> id(x) andalso true end)),
    D(t(fun() -> not id(1) end)),
    D(t(fun() -> id(1) orelse true end)),
    D(t(fun() -> id(true) xor id(3) end)),
    erlang:halt().

fc(a) -> a;
fc(b) -> b.

id(X) -> X.
t(F) ->
    try {ok, F()}
    catch
        error:{badarity, {Fun, Args}} -> {error, badarity, is_function(Fun), Args};
        C:R -> {C, R}
    end.
