//! prim_file on a platform without files (the test platform, as the bare-metal kernel): every
//! operation answers `{error, enotsup}` (or prim_file's own badarg), nothing panics. The
//! hosted file operations are compared with erl in conformance/erl/c_file_*.erl.

mod common;

use beamos_vm::vm::{RunEnd, Vm};

const PF: &str = r#"
-module(pf).
-export([go/0]).
go() ->
    [prim_file:read_file("f"), prim_file:write_file("f", <<"x">>), prim_file:open("f", [read]),
     prim_file:read_file_info("f"), prim_file:read_link("f"), prim_file:list_dir("."),
     prim_file:make_dir("d"), prim_file:del_dir("d"), prim_file:delete("f"),
     prim_file:rename("a", "b"), prim_file:make_link("a", "b"), prim_file:make_symlink("a", "b"),
     prim_file:write_file_info("f", {file_info, undefined, undefined, undefined, undefined,
                                     undefined, undefined, 8#600, undefined, undefined,
                                     undefined, undefined, undefined, undefined}),
     prim_file:get_cwd(), prim_file:set_cwd("/"), prim_file:read_file(<<"f", 0>>),
     prim_file:file_desc_to_ref(0, [read]), erlang:dt_spread_tag(true)].
"#;

#[test]
fn no_file_capability_is_enotsup() {
    let Some(beam) = common::compile("pf", PF) else { return };
    let (platform, _out) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    for p in common::otp_paths() {
        vm.add_code_path(&p);
    }
    vm.load_module(&beam).expect("loads");
    let pid = vm.spawn_mfa("pf", "go", &[]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    let e = "{error,enotsup}";
    let want = format!(
        "[{e},{e},{e},{e},{e},{e},{e},{e},{e},{e},{e},{e},ok,{e},{e},{{error,badarg}},{e},true]"
    );
    assert_eq!(vm.result_string(pid).as_deref(), Some(want.as_str()));
}
