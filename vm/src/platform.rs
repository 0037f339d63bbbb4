//! The Platform: the VM's only door to the outside world.
//!
//! The mandatory surface is tiny: a clock, writing to the console, and waiting until a time.
//! Everything else (files, directories) is an optional capability whose absence is a value
//! (`Err(PlatformError::NotSupported)`), never a panic. os-personality implements it for a
//! hosted POSIX system, for the bare-metal kernel, and as a deterministic simulator.

use alloc::string::String;
use alloc::vec::Vec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformError {
    NotSupported,
    NotFound,
    PermissionDenied,
    Other,
}

pub trait Platform: Send + Sync {
    /// Monotonic time in nanoseconds from an arbitrary origin.
    fn monotonic_ns(&self) -> u64;
    /// Wall-clock time in nanoseconds since the Unix epoch.
    fn system_time_ns(&self) -> i64 {
        0
    }
    fn write_stdout(&self, bytes: &[u8]);
    fn write_stderr(&self, bytes: &[u8]) {
        self.write_stdout(bytes)
    }
    /// Blocks until `monotonic_ns() >= deadline` (or returns early; the caller re-checks).
    fn sleep_until(&self, deadline_ns: u64);
    fn read_file(&self, _path: &str) -> Result<Vec<u8>, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn list_dir(&self, _path: &str) -> Result<Vec<String>, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// Environment variable lookup (os:getenv).
    fn getenv(&self, _name: &str) -> Option<String> {
        None
    }
    /// Sets (`Some`) or removes (`None`) an environment variable (os:putenv, os:unsetenv).
    fn setenv(&self, _name: &str, _value: Option<&str>) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// The whole environment (os:env/0, so os:getenv/0).
    fn environ(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}
