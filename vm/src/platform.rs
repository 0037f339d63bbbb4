//! The Platform: the VM's only door to the outside world.
//!
//! The mandatory surface is tiny: a clock, writing to the console, and waiting until a time.
//! Everything else (files, directories) is an optional capability whose absence is a value
//! (`Err(PlatformError::NotSupported)`), never a panic. os-personality implements it for a
//! hosted POSIX system, for the bare-metal kernel, and as a deterministic simulator.
//!
//! The file capability is POSIX-shaped, as prim_file's NIFs (erts/emulator/nifs/unix) use it:
//! paths are raw bytes (no NUL), an open file is a [`PlatformFile`], and errors carry the errno
//! name erl reports (`enoent`, `eisdir`, ...) in [`PlatformError::Posix`].

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformError {
    NotSupported,
    NotFound,
    PermissionDenied,
    Other,
    /// A POSIX error by its lowercase errno name, as ERTS's `erl_errno_id` spells it.
    Posix(&'static str),
}

impl PlatformError {
    /// The errno name erl would report for this error (`{error, Name}`).
    pub fn errno_name(self) -> &'static str {
        match self {
            PlatformError::NotSupported => "enotsup",
            PlatformError::NotFound => "enoent",
            PlatformError::PermissionDenied => "eacces",
            PlatformError::Other => "eio",
            PlatformError::Posix(name) => name,
        }
    }
}

/// How to open a file (prim_file's modes after `efile_translate_modelist`): read only opens
/// an existing file; write only creates and truncates it (unless `append`); read and write
/// creates it without truncating. Neither read nor write is an error (`einval`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    pub read: bool,
    pub write: bool,
    pub append: bool,
    /// Fail with `eexist` if the file exists.
    pub exclusive: bool,
    /// Every write reaches the device before returning (O_SYNC).
    pub sync: bool,
    /// Open a directory (and nothing else); without it, opening a directory is `eisdir`.
    pub directory: bool,
    /// Skip the directory check above.
    pub skip_type_check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whence {
    Bof,
    Cur,
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    Normal,
    Random,
    Sequential,
    WillNeed,
    DontNeed,
    NoReuse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Device,
    Directory,
    Regular,
    Symlink,
    Other,
}

/// What `stat` says of a file (ERTS's `efile_fileinfo_t`); times in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileInfo {
    pub size: u64,
    pub file_type: FileType,
    /// Whether the caller may read and write it.
    pub readable: bool,
    pub writable: bool,
    pub atime: i64,
    pub mtime: i64,
    pub ctime: i64,
    pub mode: u32,
    pub links: u64,
    /// The device of the file system (`st_dev`).
    pub major_device: u64,
    /// The device a device file is (`st_rdev`).
    pub minor_device: u64,
    pub inode: u64,
    pub uid: u32,
    pub gid: u32,
}

/// An open file. Reads and writes go on until done, end of file or an error, as ERTS's
/// `efile_readv`/`efile_writev` loops do; dropping it closes it.
pub trait PlatformFile: Send {
    /// Reads up to `buf.len()` bytes at the current position; fewer only at end of file.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PlatformError>;
    /// Writes all of `data` at the current position (at the end in append mode).
    fn write(&mut self, data: &[u8]) -> Result<(), PlatformError>;
    /// Reads at `offset` without moving the position.
    fn pread(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PlatformError>;
    /// Writes all of `data` at `offset` without moving the position.
    fn pwrite(&mut self, offset: u64, data: &[u8]) -> Result<(), PlatformError>;
    /// Moves the position; returns the new one.
    fn seek(&mut self, whence: Whence, offset: i64) -> Result<u64, PlatformError>;
    fn sync(&mut self, data_only: bool) -> Result<(), PlatformError>;
    /// Cuts the file at the current position.
    fn truncate(&mut self) -> Result<(), PlatformError>;
    /// Reserves room for `length` bytes at `offset`.
    fn allocate(&mut self, _offset: u64, _length: u64) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// A hint about the coming access pattern; ignoring it is correct.
    fn advise(&mut self, _offset: u64, _length: u64, _advice: Advice) -> Result<(), PlatformError> {
        Ok(())
    }
    /// `fstat`: access is judged from the mode bits and the caller's ids.
    fn info(&mut self) -> Result<FileInfo, PlatformError>;
    /// The native handle's bytes (prim_file:get_handle/1: a POSIX fd as a native-endian int).
    fn native_handle(&self) -> Vec<u8> {
        Vec::new()
    }
    /// Closes the file, reporting the close's own error.
    fn close(self: Box<Self>) -> Result<(), PlatformError>;
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
    /// An idle scheduler thread blocks here while `epoch` still holds `seen`, until
    /// [`Platform::scheduler_wake`] or `deadline_ns` (it may return early: the caller
    /// re-checks). The check of `epoch` and the sleep must be atomic with respect to
    /// `scheduler_wake`, so a wake-up is never lost. A platform with one scheduler thread
    /// never has another thread to wake it, so the default only sleeps to the deadline.
    fn scheduler_wait(&self, epoch: &AtomicU32, seen: u32, deadline_ns: Option<u64>) {
        if epoch.load(Ordering::SeqCst) == seen {
            if let Some(d) = deadline_ns {
                self.sleep_until(d);
            }
        }
    }
    /// Logical processors the machine has (`system_info(logical_processors)`).
    fn logical_processors(&self) -> usize {
        1
    }
    /// Wakes every thread in [`Platform::scheduler_wait`] (the caller changed the epoch).
    fn scheduler_wake(&self) {}
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

    // ---- files (prim_file); paths are raw bytes without a terminating NUL

    fn open_file(&self, _path: &[u8], _options: OpenOptions) -> Result<Box<dyn PlatformFile>, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// Adopts an already open native descriptor (prim_file:file_desc_to_ref/2).
    fn file_from_fd(&self, _fd: i32) -> Result<Box<dyn PlatformFile>, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// `stat` (`follow_links`) or `lstat`; access as `access(2)` answers it.
    fn file_info(&self, _path: &[u8], _follow_links: bool) -> Result<FileInfo, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn read_link(&self, _path: &[u8]) -> Result<Vec<u8>, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// The names in a directory (without `.` and `..`), in the order the system gives them.
    fn list_dir_bytes(&self, _path: &[u8]) -> Result<Vec<Vec<u8>>, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn make_dir(&self, _path: &[u8]) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn del_dir(&self, _path: &[u8]) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn del_file(&self, _path: &[u8]) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn rename(&self, _from: &[u8], _to: &[u8]) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn make_hard_link(&self, _existing: &[u8], _new: &[u8]) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn make_soft_link(&self, _existing: &[u8], _new: &[u8]) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// chmod with the permission, set-uid and set-gid bits of `mode`.
    fn set_permissions(&self, _path: &[u8], _mode: u32) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// chown; -1 leaves that id unchanged.
    fn set_owner(&self, _path: &[u8], _uid: i32, _gid: i32) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    /// Access and modification times, in seconds since the epoch.
    fn set_time(&self, _path: &[u8], _atime: i64, _mtime: i64) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn get_cwd(&self) -> Result<Vec<u8>, PlatformError> {
        Err(PlatformError::NotSupported)
    }
    fn set_cwd(&self, _path: &[u8]) -> Result<(), PlatformError> {
        Err(PlatformError::NotSupported)
    }
}
