//! The hosted personality: Linux/macOS through std.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use beamos_vm::platform::{FileInfo, OpenOptions, Platform, PlatformError, PlatformFile};

use crate::unix_prim_file as upf;

pub struct HostedPlatform {
    origin: Instant,
    /// os:putenv/unsetenv changes, over the process environment. Kept here rather than in the
    /// process environment because `std::env::set_var` is unsound with other threads running.
    env: Mutex<HashMap<String, Option<String>>>,
    /// Where idle scheduler threads sleep (Platform::scheduler_wait).
    idle: Mutex<()>,
    idle_cv: std::sync::Condvar,
}

impl Default for HostedPlatform {
    fn default() -> Self {
        HostedPlatform { origin: Instant::now(), env: Mutex::new(HashMap::new()), idle: Mutex::new(()), idle_cv: std::sync::Condvar::new() }
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
    fn scheduler_wait(&self, epoch: &AtomicU32, seen: u32, deadline_ns: Option<u64>) {
        let Ok(g) = self.idle.lock() else { return };
        // Checked under the lock that scheduler_wake takes: a wake after this check finds
        // this thread waiting.
        if epoch.load(Ordering::SeqCst) != seen {
            return;
        }
        match deadline_ns {
            Some(d) => {
                let now = self.monotonic_ns();
                if d > now {
                    drop(self.idle_cv.wait_timeout(g, std::time::Duration::from_nanos(d - now)));
                }
            }
            None => drop(self.idle_cv.wait(g)),
        }
    }
    fn logical_processors(&self) -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    fn scheduler_wake(&self) {
        let _g = self.idle.lock();
        self.idle_cv.notify_all();
    }
    fn read_file(&self, path: &str) -> Result<Vec<u8>, PlatformError> {
        std::fs::read(path).map_err(map_err)
    }
    fn list_dir(&self, path: &str) -> Result<Vec<String>, PlatformError> {
        let rd = std::fs::read_dir(path).map_err(map_err)?;
        Ok(rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
    }
    fn getenv(&self, name: &str) -> Option<String> {
        match self.env.lock().map(|e| e.get(name).cloned()) {
            Ok(Some(v)) => v,
            _ => std::env::var(name).ok(),
        }
    }
    fn setenv(&self, name: &str, value: Option<&str>) -> Result<(), PlatformError> {
        let mut env = self.env.lock().map_err(|_| PlatformError::Other)?;
        env.insert(name.to_string(), value.map(str::to_string));
        Ok(())
    }
    fn environ(&self) -> Vec<(String, String)> {
        let overlay = self.env.lock().map(|e| e.clone()).unwrap_or_default();
        let mut all: Vec<(String, String)> =
            std::env::vars_os().filter(|(k, _)| !overlay.contains_key(&*k.to_string_lossy())).map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned())).collect();
        all.extend(overlay.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
        all
    }

    fn open_file(&self, path: &[u8], options: OpenOptions) -> Result<Box<dyn PlatformFile>, PlatformError> {
        upf::open(path, options)
    }
    fn file_from_fd(&self, fd: i32) -> Result<Box<dyn PlatformFile>, PlatformError> {
        upf::from_fd(fd)
    }
    fn file_info(&self, path: &[u8], follow_links: bool) -> Result<FileInfo, PlatformError> {
        upf::file_info(path, follow_links)
    }
    fn read_link(&self, path: &[u8]) -> Result<Vec<u8>, PlatformError> {
        upf::read_link(path)
    }
    fn list_dir_bytes(&self, path: &[u8]) -> Result<Vec<Vec<u8>>, PlatformError> {
        upf::list_dir(path)
    }
    fn make_dir(&self, path: &[u8]) -> Result<(), PlatformError> {
        upf::make_dir(path)
    }
    fn del_dir(&self, path: &[u8]) -> Result<(), PlatformError> {
        upf::del_dir(path)
    }
    fn del_file(&self, path: &[u8]) -> Result<(), PlatformError> {
        upf::del_file(path)
    }
    fn rename(&self, from: &[u8], to: &[u8]) -> Result<(), PlatformError> {
        upf::rename(from, to)
    }
    fn make_hard_link(&self, existing: &[u8], new: &[u8]) -> Result<(), PlatformError> {
        upf::make_hard_link(existing, new)
    }
    fn make_soft_link(&self, existing: &[u8], new: &[u8]) -> Result<(), PlatformError> {
        upf::make_soft_link(existing, new)
    }
    fn set_permissions(&self, path: &[u8], mode: u32) -> Result<(), PlatformError> {
        upf::set_permissions(path, mode)
    }
    fn set_owner(&self, path: &[u8], uid: i32, gid: i32) -> Result<(), PlatformError> {
        upf::set_owner(path, uid, gid)
    }
    fn set_time(&self, path: &[u8], atime: i64, mtime: i64) -> Result<(), PlatformError> {
        upf::set_time(path, atime, mtime)
    }
    fn get_cwd(&self) -> Result<Vec<u8>, PlatformError> {
        upf::get_cwd()
    }
    fn set_cwd(&self, path: &[u8]) -> Result<(), PlatformError> {
        upf::set_cwd(path)
    }
}
