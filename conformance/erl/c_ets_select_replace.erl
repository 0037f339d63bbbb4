-module(c_ets_select_replace).
-export([main/0]).

%% select_replace: a match spec must keep the key by construction (the same variable,
%% constant or shape), checked before any object is touched; bags are badarg; a result keeps
%% replacing what each clause matched.
main() ->
    Specs = [
      [{{'$1', '$2'}, [], [{{'$1', {'+', '$2', 1}}}]}],
      [{{'$1', '$2'}, [], ['$_']}],
      [{{'$1', '$2'}, [], [{{{'+', '$1', 0}, '$2'}}]}],
      [{{'$1', '$2'}, [], [{{{const, 1}, '$2'}}]}],
      [{{1, '$2'}, [], [{{1, x}}]}],
      [{{1, '$2'}, [], [{{{const, 1}, x}}]}],
      [{{{'$1', '$3'}, '$2'}, [], [{{{{'$1', '$3'}}, y}}]}],
      [{{{'$1', '$3'}, '$2'}, [], [{{{{'$3', '$1'}}, y}}]}],
      [{{{'$1', '$3'}, '$2'}, [], [{{'$1', y}}]}],
      [{{'_', '$2'}, [], [{{'_', y}}]}],
      [{{'$1', '$2'}, [], [{{'$1', a}}, {{'$1', b}}]}],
      [{{'$1', '$2'}, [], [{{'$1'}}]}],
      [{{[a | '$1'], '$2'}, [], [{{[a | '$1'], z}}]}],
      [{{'$1', '$2'}, [{'>', '$2', 2}], [{{'$1', big}}]}, {{'$1', '$2'}, [], ['$_']}]
    ],
    [begin
       R = [begin
              T = ets:new(t, [Ty]),
              ets:insert(T, [{1, 1}, {2, 5}, {{a, b}, 3}, {[a | b], 4}]),
              X = (catch ets:select_replace(T, S)),
              {case X of {'EXIT', {E, _}} -> E; _ -> X end, lists:sort(ets:tab2list(T))}
            end || Ty <- [set, ordered_set, bag]],
       io:format("~p~n", [R])
     end || S <- Specs],
    halt().
