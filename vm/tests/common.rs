//! Shared helpers for the vm integration tests: a test Platform and erlc.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use beamos_vm::platform::{Platform, PlatformError};

/// A platform whose stdout is captured.
pub struct TestPlatform {
    origin: Instant,
    pub out: Arc<Mutex<Vec<u8>>>,
}

impl TestPlatform {
    pub fn new() -> (TestPlatform, Arc<Mutex<Vec<u8>>>) {
        let out = Arc::new(Mutex::new(Vec::new()));
        (TestPlatform { origin: Instant::now(), out: out.clone() }, out)
    }
}

impl Platform for TestPlatform {
    fn monotonic_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }
    fn write_stdout(&self, bytes: &[u8]) {
        self.out.lock().unwrap().extend_from_slice(bytes);
    }
    fn write_stderr(&self, bytes: &[u8]) {
        eprint!("{}", String::from_utf8_lossy(bytes));
    }
    fn sleep_until(&self, deadline_ns: u64) {
        let now = self.monotonic_ns();
        if deadline_ns > now {
            std::thread::sleep(std::time::Duration::from_nanos(deadline_ns - now));
        }
    }
    fn read_file(&self, path: &str) -> Result<Vec<u8>, PlatformError> {
        std::fs::read(path).map_err(|_| PlatformError::NotFound)
    }
}

/// Compiles `source` (module `name`) with erlc; None (with a loud message) if erlc is absent.
pub fn compile(name: &str, source: &str) -> Option<Vec<u8>> {
    // One directory per call: tests run in parallel and may compile the same module name.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir: PathBuf = std::env::temp_dir().join(format!("beamos-test-{}-{}-{}", name, std::process::id(), n));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{}.erl", name));
    std::fs::write(&src, source).unwrap();
    let status = std::process::Command::new("erlc").arg("-o").arg(&dir).arg(&src).status();
    match status {
        Ok(s) if s.success() => Some(std::fs::read(dir.join(format!("{}.beam", name))).unwrap()),
        Ok(s) => panic!("erlc failed on {}: {}", name, s),
        Err(_) => {
            eprintln!("SKIPPED: erlc not found; install erlang-nox to run this test");
            None
        }
    }
}

/// The installed OTP's stdlib ebin (for on-demand loading of lists etc.).
pub fn otp_paths() -> Vec<String> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/usr/lib/erlang/lib") {
        for e in rd.flatten() {
            v.push(e.path().join("ebin").to_string_lossy().into_owned());
        }
    }
    v.sort();
    v
}
