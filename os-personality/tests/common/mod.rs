//! Helpers shared by the integration tests that run Erlang modules on beamos.

use std::path::PathBuf;
use std::process::Command;

/// Compiles module `name` (source `src`) into a fresh directory; None when erlc is missing.
pub fn compile(name: &str, src: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("beamos-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join(format!("{name}.erl"));
    std::fs::write(&file, src).ok()?;
    let ok = Command::new("erlc").arg("-o").arg(&dir).arg(&file).status().ok()?.success();
    ok.then_some(dir)
}
