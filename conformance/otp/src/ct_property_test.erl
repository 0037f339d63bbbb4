%% No property-testing tool (PropEr, QuickCheck, Triq) is installed: as common_test's
%% ct_property_test does then, property suites are skipped.
-module(ct_property_test).
-export([init_per_suite/1, quickcheck/2]).

init_per_suite(_Config) -> {skip, "No property testing tool found"}.
quickcheck(_Property, _Config) -> exit({skip, "No property testing tool found"}).
