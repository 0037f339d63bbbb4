//! The hosted personality: Linux/macOS through std.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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
    /// The simulator's clock (see [`HostedPlatform::simulated`]), in nanoseconds.
    sim_clock: Option<AtomicU64>,
}

/// The simulator's wall clock starts here: 2026-01-01T00:00:00Z.
const SIM_EPOCH_NS: i64 = 1_767_225_600 * 1_000_000_000;
/// Each reading of the simulated clock moves it on this much, so code that polls the clock
/// sees time pass.
const SIM_TICK_NS: u64 = 1_000;

impl HostedPlatform {
    /// The deterministic simulator: the host's files and console with a simulated clock
    /// that starts at zero, moves a microsecond per reading and jumps to a deadline when a
    /// scheduler would sleep (a `timer:sleep(60000)` takes no time). With one scheduler and
    /// a seeded run queue (`Schedulers::set_seed`), a run is a function of its seed.
    pub fn simulated() -> Self {
        HostedPlatform { sim_clock: Some(AtomicU64::new(0)), ..Self::default() }
    }

    /// Moves the simulated clock to `deadline_ns` if it is behind. False when the clock is real.
    fn sim_advance(&self, deadline_ns: u64) -> bool {
        match &self.sim_clock {
            Some(c) => {
                c.fetch_max(deadline_ns, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}

impl Default for HostedPlatform {
    fn default() -> Self {
        HostedPlatform {
            origin: Instant::now(),
            env: Mutex::new(HashMap::new()),
            idle: Mutex::new(()),
            idle_cv: std::sync::Condvar::new(),
            sim_clock: None,
        }
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
        if let Some(c) = &self.sim_clock {
            return c.fetch_add(SIM_TICK_NS, Ordering::SeqCst);
        }
        self.origin.elapsed().as_nanos() as u64
    }
    fn system_time_ns(&self) -> i64 {
        if let Some(c) = &self.sim_clock {
            return SIM_EPOCH_NS + c.load(Ordering::SeqCst) as i64;
        }
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
        if self.sim_advance(deadline_ns) {
            return;
        }
        let now = self.monotonic_ns();
        if deadline_ns > now {
            std::thread::sleep(std::time::Duration::from_nanos(deadline_ns - now));
        }
    }
    fn scheduler_wait(&self, epoch: &AtomicU32, seen: u32, deadline_ns: Option<u64>) {
        if self.sim_clock.is_some() {
            // One scheduler: nobody else can bring work, only the next timer.
            if let Some(d) = deadline_ns {
                self.sim_advance(d);
            }
            return;
        }
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
