-module(c_os_env).
-export([main/0]).

%% The environment: os:getenv/0,1,2, os:putenv/2, os:unsetenv/1, os:env/0 (erl adds variables
%% of its own, so only variables both share are printed).
main() ->
    D = fun erlang:display/1,
    Home = os:getenv("HOME"),
    D(is_list(Home)),
    D(lists:member("HOME=" ++ Home, os:getenv())),
    D(lists:member({"HOME", Home}, os:env())),
    D(os:getenv("BEAMOS_SURELY_UNSET_1")),
    D(os:getenv("BEAMOS_SURELY_UNSET_1", "default")),
    D(os:putenv("BEAMOS_C_OS_ENV", "value 1")),
    D(os:getenv("BEAMOS_C_OS_ENV")),
    D(lists:member("BEAMOS_C_OS_ENV=value 1", os:getenv())),
    D(os:putenv("BEAMOS_C_OS_ENV", "")),
    D(os:getenv("BEAMOS_C_OS_ENV")),
    D(os:unsetenv("BEAMOS_C_OS_ENV")),
    D(os:getenv("BEAMOS_C_OS_ENV")),
    D(lists:keymember("BEAMOS_C_OS_ENV", 1, os:env())),
    D(catch os:putenv("A=B", "x")),
    D(catch os:putenv(foo, "x")),
    erlang:halt().
