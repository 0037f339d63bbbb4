//! `os` BIFs that read the environment through the Platform.

use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx};
use crate::atom::am;
use crate::terms;

pub const BIFS: &[BifEntry] = &[bif("os", "getenv", 1, getenv_1)];

fn getenv_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(name) = super::erlang::char_list(a[0]) else { return super::badarg_r() };
    match ctx.vm.platform.getenv(&name) {
        Some(v) => Ok(terms::string(ctx.heap(), &v)),
        None => Ok(am::FALSE),
    }
}
