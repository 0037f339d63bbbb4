//! The hosted personality: Linux/macOS through std.

use std::io::Write;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use beamos_vm::platform::{Platform, PlatformError};

pub struct HostedPlatform {
    origin: Instant,
}

impl Default for HostedPlatform {
    fn default() -> Self {
        HostedPlatform { origin: Instant::now() }
    }
}

fn map_err(e: std::io::Error) -> PlatformError {
    match e.kind() {
        std::io::ErrorKind::NotFound => PlatformError::NotFound,
        std::io::ErrorKind::PermissionDenied => PlatformError::PermissionDenied,
        _ => PlatformError::Other,
    }
}

impl Platform for HostedPlatform {
    fn monotonic_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }
    fn system_time_ns(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or(0)
    }
    fn write_stdout(&self, bytes: &[u8]) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(bytes);
        let _ = out.flush();
    }
    fn write_stderr(&self, bytes: &[u8]) {
        let _ = std::io::stderr().lock().write_all(bytes);
    }
    fn sleep_until(&self, deadline_ns: u64) {
        let now = self.monotonic_ns();
        if deadline_ns > now {
            std::thread::sleep(std::time::Duration::from_nanos(deadline_ns - now));
        }
    }
    fn read_file(&self, path: &str) -> Result<Vec<u8>, PlatformError> {
        std::fs::read(path).map_err(map_err)
    }
    fn list_dir(&self, path: &str) -> Result<Vec<String>, PlatformError> {
        let rd = std::fs::read_dir(path).map_err(map_err)?;
        Ok(rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
    }
    fn getenv(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}
