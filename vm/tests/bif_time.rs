//! Time, calendar, unique integers, system_info, statistics and os BIFs against erl (see
//! bif_support). Clock readings are compared within a tolerance (`near`), values that depend
//! on the running system by shape, and deliberate differences carry our expected text.

mod bif_support;

use bif_support::{check, Case};

const CASES: &[Case] = &[
    // convert_time_unit/3 (Erlang code in erlang.erl; a BIF here)
    ("{erlang, convert_time_unit, [1, second, native]}", None),
    ("{erlang, convert_time_unit, [-1, native, second]}", None),
    ("{erlang, convert_time_unit, [1999, millisecond, second]}", None),
    ("{erlang, convert_time_unit, [-1999, millisecond, second]}", None),
    ("{erlang, convert_time_unit, [1, second, 7]}", None),
    ("{erlang, convert_time_unit, [10, 3, 7]}", None),
    ("{erlang, convert_time_unit, [-10, 3, 7]}", None),
    ("{erlang, convert_time_unit, [5, seconds, milli_seconds]}", None),
    ("{erlang, convert_time_unit, [3, micro_seconds, nano_seconds]}", None),
    ("{erlang, convert_time_unit, [12345, perf_counter, microsecond]}", None),
    ("{erlang, convert_time_unit, [1 bsl 80, nanosecond, second]}", None),
    ("{erlang, convert_time_unit, [1, 1 bsl 70, second]}", None),
    ("{erlang, convert_time_unit, [1.0, second, native]}", None),
    ("{erlang, convert_time_unit, [1, foo, second]}", None),
    ("{erlang, convert_time_unit, [1, second, 0]}", None),
    ("{erlang, convert_time_unit, [1, -5, second]}", None),
    ("{erlang, convert_time_unit, [a, second, second]}", None),
    ("{erlang, convert_time_unit, [1, second, 1.5]}", None),
    ("{erts_internal, time_unit, []}", None),
    // clocks
    ("{near, 2, {erlang, monotonic_time, [second]}}", None),
    ("{near, 2000, {erlang, monotonic_time, [millisecond]}}", None),
    ("{near, 2000000000, {erlang, monotonic_time, []}}", None),
    ("{near, 2000000000, {erlang, monotonic_time, [native]}}", None),
    ("{near, 14, {erlang, monotonic_time, [7]}}", None),
    ("{erlang, monotonic_time, [foo]}", None),
    ("{erlang, monotonic_time, [0]}", None),
    ("{erlang, monotonic_time, [-1]}", None),
    ("{erlang, monotonic_time, [1.0e9]}", None),
    ("{near, 5, {erlang, system_time, [second]}}", None),
    ("{near, 5000, {erlang, system_time, [milli_seconds]}}", None),
    ("{near, 5000000000, {erlang, system_time, []}}", None),
    ("{near, 5, {os, system_time, [seconds]}}", None),
    ("{near, 5000000, {os, system_time, [microsecond]}}", None),
    ("{os, system_time, [bad]}", None),
    ("{near, 5, {erlang, time_offset, [second]}}", None),
    ("{near, 5000000000, {erlang, time_offset, []}}", None),
    ("{erlang, time_offset, [{second}]}", None),
    ("{shape, {erlang, timestamp, []}}", None),
    ("{shape, {os, timestamp, []}}", None),
    ("{shape, {erlang, now, []}}", None),
    ("{shape, {os, perf_counter, []}}", None),
    ("{shape, {os, perf_counter, [millisecond]}}", None),
    // calendar
    ("{near, 5, {pipe, {erlang, universaltime, []}, erlang, universaltime_to_posixtime}}", None),
    ("{near, 5, {pipe, {erlang, localtime, []}, erlang, universaltime_to_posixtime}}", None),
    ("{shape, {erlang, date, []}}", None),
    ("{shape, {erlang, time, []}}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {12, 0, 0}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {12, 0, 0}}, undefined]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {12, 0, 0}}, true]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {0, 30, 0}}, true]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 3, 1}, {0, 0, 0}}, true]}", None),
    ("{erlang, localtime_to_universaltime, [{{2024, 2, 29}, {23, 59, 59}}]}", None),
    ("{erlang, localtime_to_universaltime, [{{2021, 2, 29}, {0, 0, 0}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{1901, 12, 31}, {0, 0, 0}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 13, 1}, {0, 0, 0}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {24, 0, 0}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {0, 0, 60}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {0, 0}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1.0}, {0, 0, 0}}, false]}", None),
    ("{erlang, localtime_to_universaltime, [{{2020, 1, 1}, {0, 0, 0}}, maybe]}", None),
    ("{erlang, universaltime_to_localtime, [{{1999, 12, 31}, {23, 59, 59}}]}", None),
    ("{erlang, universaltime_to_localtime, [{{1999, 12, 32}, {23, 59, 59}}]}", None),
    ("{erlang, universaltime_to_localtime, [{{1900, 1, 1}, {0, 0, 0}}]}", None),
    ("{erlang, universaltime_to_posixtime, [{{1970, 1, 1}, {0, 0, 0}}]}", None),
    ("{erlang, universaltime_to_posixtime, [{{1600, 1, 1}, {0, 0, 0}}]}", None),
    ("{erlang, universaltime_to_posixtime, [{{2100, 2, 28}, {1, 2, 3}}]}", None),
    ("{erlang, universaltime_to_posixtime, [{{1599, 12, 31}, {0, 0, 0}}]}", None),
    ("{erlang, posixtime_to_universaltime, [0]}", None),
    ("{erlang, posixtime_to_universaltime, [-1]}", None),
    ("{erlang, posixtime_to_universaltime, [951782400]}", None),
    ("{erlang, posixtime_to_universaltime, [1 bsl 40]}", None),
    ("{erlang, posixtime_to_universaltime, [-(1 bsl 40)]}", None),
    ("{erlang, posixtime_to_universaltime, [1 bsl 64]}", None),
    ("{erlang, posixtime_to_universaltime, [1.0]}", None),
    // unique_integer
    ("{shape, {erlang, unique_integer, []}}", None),
    ("{shape, {erlang, unique_integer, [[positive, monotonic]]}}", None),
    ("{shape, {erlang, unique_integer, [[]]}}", None),
    ("{erlang, unique_integer, [[foo]]}", None),
    ("{erlang, unique_integer, [[positive | foo]]}", None),
    ("{erlang, unique_integer, [positive]}", None),
    ("{pipe, {erlang, unique_integer, [[positive]]}, erlang, is_integer}", None),
    // system_info
    ("{erlang, system_info, [wordsize]}", None),
    ("{erlang, system_info, [{wordsize, internal}]}", None),
    ("{erlang, system_info, [{wordsize, external}]}", None),
    ("{erlang, system_info, [{wordsize, other}]}", None),
    ("{erlang, system_info, [otp_release]}", None),
    ("{erlang, system_info, [version]}", None),
    ("{erlang, system_info, [machine]}", None),
    ("{erlang, system_info, [os_type]}", None),
    ("{erlang, system_info, [creation]}", None),
    ("{erlang, system_info, [start_time]}", None),
    ("{erlang, system_info, [end_time]}", None),
    ("{erlang, system_info, [time_warp_mode]}", None),
    ("{erlang, system_info, [time_offset]}", None),
    ("{erlang, system_info, [nif_version]}", None),
    ("{erlang, system_info, [driver_version]}", None),
    ("{erlang, system_info, [compat_rel]}", None),
    ("{erlang, system_info, [context_reductions]}", None),
    ("{erlang, system_info, [fullsweep_after]}", None),
    ("{erlang, system_info, [min_heap_size]}", None),
    ("{erlang, system_info, [min_bin_vheap_size]}", None),
    ("{erlang, system_info, [max_heap_size]}", None),
    ("{erlang, system_info, [garbage_collection]}", None),
    ("{erlang, system_info, [process_limit]}", None),
    ("{erlang, system_info, [atom_limit]}", None),
    ("{erlang, system_info, [port_limit]}", None),
    ("{erlang, system_info, [smp_support]}", None),
    ("{erlang, system_info, [threads]}", None),
    ("{erlang, system_info, [debug_compiled]}", None),
    ("{erlang, system_info, [emu_type]}", None),
    ("{erlang, system_info, [build_type]}", None),
    ("{erlang, system_info, [heap_type]}", None),
    ("{erlang, system_info, [break_ignored]}", None),
    ("{erlang, system_info, [sequential_tracer]}", None),
    ("{erlang, system_info, [hipe_architecture]}", None),
    ("{erlang, system_info, [modified_timing_level]}", None),
    ("{erlang, system_info, [dist_ctrl]}", None),
    ("{erlang, system_info, [multi_scheduling_blockers]}", None),
    ("{erlang, system_info, [trace_control_word]}", None),
    ("{erlang, system_info, [update_cpu_info]}", None),
    ("{erlang, system_info, [scheduler_bind_type]}", None),
    ("{erlang, system_info, [tolerant_timeofday]}", None),
    ("{erlang, system_info, [dist_buf_busy_limit]}", None),
    ("{shape, {erlang, system_info, [system_version]}}", None),
    ("{shape, {erlang, system_info, [process_count]}}", None),
    ("{shape, {erlang, system_info, [atom_count]}}", None),
    ("{shape, {erlang, system_info, [scheduler_id]}}", None),
    ("{shape, {erlang, system_info, [logical_processors]}}", None),
    // by design: one scheduler, no async threads, an interpreter, no kernel poll
    ("{erlang, system_info, [schedulers]}", Some("{ok,1}")),
    ("{erlang, system_info, [schedulers_online]}", Some("{ok,1}")),
    ("{erlang, system_info, [schedulers_state]}", Some("{ok,{1,1,1}}")),
    ("{erlang, system_info, [multi_scheduling]}", None),
    ("{erlang, system_info, [thread_pool_size]}", Some("{ok,0}")),
    ("{erlang, system_info, [emu_flavor]}", Some("{ok,emu}")),
    ("{erlang, system_info, [kernel_poll]}", Some("{ok,false}")),
    ("{erlang, system_info, [cpu_topology]}", Some("{ok,undefined}")),
    ("{erlang, system_info, [port_count]}", Some("{ok,0}")),
    ("{erlang, system_info, [foo]}", None),
    ("{erlang, system_info, [42]}", None),
    // statistics
    ("{shape, {erlang, statistics, [runtime]}}", None),
    ("{shape, {erlang, statistics, [wall_clock]}}", None),
    ("{shape, {erlang, statistics, [reductions]}}", None),
    ("{shape, {erlang, statistics, [exact_reductions]}}", None),
    ("{shape, {erlang, statistics, [garbage_collection]}}", None),
    ("{shape, {erlang, statistics, [io]}}", None),
    ("{shape, {erlang, statistics, [context_switches]}}", None),
    ("{shape, {erlang, statistics, [run_queue]}}", None),
    ("{shape, {erlang, statistics, [run_queue_lengths]}}", None),
    ("{shape, {erlang, statistics, [active_tasks_all]}}", None),
    ("{shape, {erlang, statistics, [total_active_tasks]}}", None),
    ("{erlang, statistics, [scheduler_wall_time]}", None),
    ("{erlang, statistics, [microstate_accounting]}", Some("{ok,undefined}")), // not collected
    ("{erlang, statistics, [foo]}", None),
    ("{erlang, statistics, [\"runtime\"]}", None),
    // os
    ("{os, type, []}", None),
    ("{shape, {os, getpid, []}}", None),
    // os:env/0 (os:getenv/0) reads the platform's environment: checked on the hosted beamos
    // by conformance/erl/c_os_env.erl (this harness's platform has none).
];

/// os:getenv/1's argument rules (a deep character list without NUL or `=`).
const GETENV: &[Case] = &[
    ("{os, getenv, [\"HOME\"]}", None),
    ("{os, getenv, [\"BEAMOS_SURELY_UNSET_VARIABLE\"]}", None),
    ("{os, getenv, [\"\"]}", None),
    ("{os, getenv, [[\"HO\", [[$M], \"E\"]]]}", None),
    ("{os, getenv, [\"A=B\"]}", None),
    ("{os, getenv, [[$A, 0]]}", None),
    ("{os, getenv, [[16#D800]]}", None),
    ("{os, getenv, [<<\"HOME\">>]}", None),
    ("{os, getenv, [[\"HO\", <<\"ME\">>]]}", None),
    ("{os, getenv, [home]}", None),
    ("{os, getenv, [[$H | foo]]}", None),
];

#[test]
fn os_getenv_matches_erl() {
    check(GETENV);
}

#[test]
fn time_and_system_bifs_match_erl() {
    assert!(CASES.len() >= 40);
    check(CASES);
}

/// Monotonic time never goes back and unique integers never repeat.
#[test]
fn monotonic_and_unique() {
    let mut h = bif_support::Harness::new();
    let mut last = i64::MIN;
    let mut seen = std::collections::HashSet::new();
    let positive = beamos_vm::terms::list(&mut h.p.heap, &[beamos_vm::atom::atom("positive")]);
    for _ in 0..1000 {
        let t = h.call("erlang", "monotonic_time", &[]).unwrap().as_small().unwrap();
        assert!(t >= last);
        last = t;
        let u = h.call("erlang", "unique_integer", &[]).unwrap();
        assert!(seen.insert(beamos_vm::print::to_string(u)));
        let p = h.call("erlang", "unique_integer", &[positive]).unwrap().as_small().unwrap();
        assert!(p > 0);
    }
    let a = h.call("erlang", "now", &[]).unwrap();
    let b = h.call("erlang", "now", &[]).unwrap();
    assert!(beamos_vm::compare::cmp(a, b).is_lt(), "now/0 strictly increases");
}
