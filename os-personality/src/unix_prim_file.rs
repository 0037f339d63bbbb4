//! Files for the hosted personality: the Platform's file capability over POSIX, as ERTS's
//! `erts/emulator/nifs/unix/unix_prim_file.c` does it (same flags, modes and errno fix-ups),
//! through std where it makes the same system call and libc where std has no equivalent
//! (`open` with raw flags, `access`, `utime`, `posix_fadvise`, `fallocate`).

use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::os::unix::io::{AsRawFd, FromRawFd};
use std::path::Path;

use beamos_vm::platform::{Advice, FileInfo, FileType, OpenOptions, PlatformError, PlatformFile, Whence};

/// Modes of new files and directories (before the umask), as ERTS's FILE_MODE and DIR_MODE.
const FILE_MODE: libc::c_uint = 0o666;
const DIR_MODE: u32 = 0o777;

/// errno values and the names erl gives them (`erl_errno_id`); the first of two names for one
/// value wins, as ERTS's `#if` guards decide (eagain, not ewouldblock; enotsup, not eopnotsupp).
const ERRNO_NAMES: &[(i32, &str)] = &[
    (libc::E2BIG, "e2big"),
    (libc::EACCES, "eacces"),
    (libc::EADDRINUSE, "eaddrinuse"),
    (libc::EADDRNOTAVAIL, "eaddrnotavail"),
    (libc::EAFNOSUPPORT, "eafnosupport"),
    (libc::EAGAIN, "eagain"),
    (libc::EALREADY, "ealready"),
    (libc::EBADF, "ebadf"),
    (libc::EBADMSG, "ebadmsg"),
    (libc::EBUSY, "ebusy"),
    (libc::ECHILD, "echild"),
    (libc::ECONNABORTED, "econnaborted"),
    (libc::ECONNREFUSED, "econnrefused"),
    (libc::ECONNRESET, "econnreset"),
    (libc::EDEADLK, "edeadlk"),
    (libc::EDESTADDRREQ, "edestaddrreq"),
    (libc::EDOM, "edom"),
    (libc::EDQUOT, "edquot"),
    (libc::EEXIST, "eexist"),
    (libc::EFAULT, "efault"),
    (libc::EFBIG, "efbig"),
    (libc::EHOSTDOWN, "ehostdown"),
    (libc::EHOSTUNREACH, "ehostunreach"),
    (libc::EIDRM, "eidrm"),
    (libc::EILSEQ, "eilseq"),
    (libc::EINPROGRESS, "einprogress"),
    (libc::EINTR, "eintr"),
    (libc::EINVAL, "einval"),
    (libc::EIO, "eio"),
    (libc::EISCONN, "eisconn"),
    (libc::EISDIR, "eisdir"),
    (libc::ELOOP, "eloop"),
    (libc::EMFILE, "emfile"),
    (libc::EMLINK, "emlink"),
    (libc::EMSGSIZE, "emsgsize"),
    (libc::EMULTIHOP, "emultihop"),
    (libc::ENAMETOOLONG, "enametoolong"),
    (libc::ENETDOWN, "enetdown"),
    (libc::ENETRESET, "enetreset"),
    (libc::ENETUNREACH, "enetunreach"),
    (libc::ENFILE, "enfile"),
    (libc::ENOBUFS, "enobufs"),
    (libc::ENODATA, "enodata"),
    (libc::ENODEV, "enodev"),
    (libc::ENOENT, "enoent"),
    (libc::ENOEXEC, "enoexec"),
    (libc::ENOLCK, "enolck"),
    (libc::ENOLINK, "enolink"),
    (libc::ENOMEM, "enomem"),
    (libc::ENOMSG, "enomsg"),
    (libc::ENOPROTOOPT, "enoprotoopt"),
    (libc::ENOSPC, "enospc"),
    (libc::ENOSR, "enosr"),
    (libc::ENOSTR, "enostr"),
    (libc::ENOSYS, "enosys"),
    (libc::ENOTBLK, "enotblk"),
    (libc::ENOTCONN, "enotconn"),
    (libc::ENOTDIR, "enotdir"),
    (libc::ENOTEMPTY, "enotempty"),
    (libc::ENOTSOCK, "enotsock"),
    (libc::ENOTSUP, "enotsup"),
    (libc::ENOTTY, "enotty"),
    (libc::ENXIO, "enxio"),
    (libc::EOPNOTSUPP, "eopnotsupp"),
    (libc::EOVERFLOW, "eoverflow"),
    (libc::EPERM, "eperm"),
    (libc::EPFNOSUPPORT, "epfnosupport"),
    (libc::EPIPE, "epipe"),
    (libc::EPROTO, "eproto"),
    (libc::EPROTONOSUPPORT, "eprotonosupport"),
    (libc::EPROTOTYPE, "eprototype"),
    (libc::ERANGE, "erange"),
    (libc::EREMOTE, "eremote"),
    (libc::EROFS, "erofs"),
    (libc::ESHUTDOWN, "eshutdown"),
    (libc::ESOCKTNOSUPPORT, "esocktnosupport"),
    (libc::ESPIPE, "espipe"),
    (libc::ESRCH, "esrch"),
    (libc::ESTALE, "estale"),
    (libc::ETIME, "etime"),
    (libc::ETIMEDOUT, "etimedout"),
    (libc::ETOOMANYREFS, "etoomanyrefs"),
    (libc::ETXTBSY, "etxtbsy"),
    (libc::EUSERS, "eusers"),
    (libc::EXDEV, "exdev"),
];

/// The error erl reports for errno `e` ("unknown" for a value it has no name for).
pub fn errno_error(e: i32) -> PlatformError {
    PlatformError::Posix(ERRNO_NAMES.iter().find(|&&(n, _)| n == e).map_or("unknown", |&(_, name)| name))
}

fn io_error(e: std::io::Error) -> PlatformError {
    match e.raw_os_error() {
        Some(n) => errno_error(n),
        None => PlatformError::Posix("einval"),
    }
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

fn path(p: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(p))
}

fn c_path(p: &[u8]) -> Result<CString, PlatformError> {
    CString::new(p).map_err(|_| PlatformError::Posix("einval"))
}

fn info_of(m: &std::fs::Metadata, readable: bool, writable: bool) -> FileInfo {
    let ft = m.file_type();
    use std::os::unix::fs::FileTypeExt;
    let file_type = if ft.is_char_device() || ft.is_block_device() {
        FileType::Device
    } else if ft.is_dir() {
        FileType::Directory
    } else if ft.is_file() {
        FileType::Regular
    } else if ft.is_symlink() {
        FileType::Symlink
    } else {
        FileType::Other
    };
    FileInfo {
        size: m.size(),
        file_type,
        readable,
        writable,
        atime: m.atime(),
        mtime: m.mtime(),
        ctime: m.ctime(),
        mode: m.mode(),
        links: m.nlink(),
        major_device: m.dev(),
        minor_device: m.rdev(),
        inode: m.ino(),
        uid: m.uid(),
        gid: m.gid(),
    }
}

/// Access judged from the mode bits against the effective ids (ERTS's `check_access`, used for
/// open handles).
fn mode_access(m: &std::fs::Metadata) -> (bool, bool) {
    // SAFETY: geteuid/getegid have no preconditions.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let mode = m.mode();
    let shift = if m.uid() == euid {
        6
    } else if m.gid() == egid {
        3
    } else {
        0
    };
    (mode >> shift & 0o4 != 0, mode >> shift & 0o2 != 0)
}

pub struct UnixFile {
    file: File,
}

impl PlatformFile for UnixFile {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PlatformError> {
        let mut done = 0;
        while done < buf.len() {
            match self.file.read(&mut buf[done..]) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(e)),
            }
        }
        Ok(done)
    }
    fn write(&mut self, data: &[u8]) -> Result<(), PlatformError> {
        self.file.write_all(data).map_err(io_error)
    }
    fn pread(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PlatformError> {
        let mut done = 0;
        while done < buf.len() {
            match self.file.read_at(&mut buf[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(e)),
            }
        }
        Ok(done)
    }
    fn pwrite(&mut self, offset: u64, data: &[u8]) -> Result<(), PlatformError> {
        self.file.write_all_at(data, offset).map_err(io_error)
    }
    fn seek(&mut self, whence: Whence, offset: i64) -> Result<u64, PlatformError> {
        let to = match whence {
            Whence::Bof if offset < 0 => return Err(PlatformError::Posix("einval")),
            Whence::Bof => SeekFrom::Start(offset as u64),
            Whence::Cur => SeekFrom::Current(offset),
            Whence::Eof => SeekFrom::End(offset),
        };
        self.file.seek(to).map_err(io_error)
    }
    fn sync(&mut self, data_only: bool) -> Result<(), PlatformError> {
        if data_only { self.file.sync_data() } else { self.file.sync_all() }.map_err(io_error)
    }
    fn truncate(&mut self) -> Result<(), PlatformError> {
        let at = self.file.stream_position().map_err(io_error)?;
        self.file.set_len(at).map_err(io_error)
    }
    #[cfg(target_os = "linux")]
    fn allocate(&mut self, offset: u64, length: u64) -> Result<(), PlatformError> {
        let (Ok(offset), Ok(length)) = (libc::off_t::try_from(offset), libc::off_t::try_from(length)) else {
            return Err(PlatformError::Posix("einval"));
        };
        loop {
            // SAFETY: a valid open descriptor; posix_fallocate only touches the file.
            let r = unsafe { libc::posix_fallocate(self.file.as_raw_fd(), offset, length) };
            match r {
                0 => return Ok(()),
                libc::EINTR => continue,
                e => return Err(errno_error(e)),
            }
        }
    }
    #[cfg(target_os = "linux")]
    fn advise(&mut self, offset: u64, length: u64, advice: Advice) -> Result<(), PlatformError> {
        let advice = match advice {
            Advice::Normal => libc::POSIX_FADV_NORMAL,
            Advice::Random => libc::POSIX_FADV_RANDOM,
            Advice::Sequential => libc::POSIX_FADV_SEQUENTIAL,
            Advice::WillNeed => libc::POSIX_FADV_WILLNEED,
            Advice::DontNeed => libc::POSIX_FADV_DONTNEED,
            Advice::NoReuse => libc::POSIX_FADV_NOREUSE,
        };
        // SAFETY: a valid open descriptor; the call only records a hint.
        let r = unsafe { libc::posix_fadvise(self.file.as_raw_fd(), offset as libc::off_t, length as libc::off_t, advice) };
        // posix_fadvise returns the error number (ERTS checks `< 0`, so it never fails).
        let _ = r;
        Ok(())
    }
    fn info(&mut self) -> Result<FileInfo, PlatformError> {
        let m = self.file.metadata().map_err(io_error)?;
        let (r, w) = mode_access(&m);
        Ok(info_of(&m, r, w))
    }
    fn native_handle(&self) -> Vec<u8> {
        (self.file.as_raw_fd() as libc::c_int).to_ne_bytes().to_vec()
    }
    fn close(self: Box<Self>) -> Result<(), PlatformError> {
        let fd = std::os::unix::io::IntoRawFd::into_raw_fd(self.file);
        // SAFETY: we own `fd` (taken from the File); close is not retried (POSIX leaves the
        // descriptor undefined after EINTR).
        if unsafe { libc::close(fd) } < 0 {
            return Err(errno_error(last_errno()));
        }
        Ok(())
    }
}

pub fn open(p: &[u8], o: OpenOptions) -> Result<Box<dyn PlatformFile>, PlatformError> {
    let mut flags = match (o.read, o.write) {
        (true, false) => libc::O_RDONLY,
        (false, true) => libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
        (true, true) => libc::O_RDWR | libc::O_CREAT,
        (false, false) => return Err(PlatformError::Posix("einval")),
    };
    if o.append {
        flags = flags & !libc::O_TRUNC | libc::O_APPEND;
    }
    if o.exclusive {
        flags |= libc::O_EXCL;
    }
    if o.sync {
        flags |= libc::O_SYNC;
    }
    let mode = if o.directory {
        flags |= libc::O_DIRECTORY;
        DIR_MODE as libc::c_uint
    } else {
        FILE_MODE
    };
    let c = c_path(p)?;
    let fd = loop {
        // SAFETY: a NUL-terminated path; the descriptor returned is ours.
        let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC, mode) };
        if fd >= 0 {
            break fd;
        }
        let e = last_errno();
        if e != libc::EINTR {
            return Err(errno_error(e));
        }
    };
    // SAFETY: `fd` was just opened and is owned by nobody else.
    let file = unsafe { File::from_raw_fd(fd) };
    if !o.skip_type_check && !o.directory && file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(errno_error(libc::EISDIR));
    }
    Ok(Box::new(UnixFile { file }))
}

pub fn from_fd(fd: i32) -> Result<Box<dyn PlatformFile>, PlatformError> {
    // SAFETY: F_GETFL only inspects the descriptor.
    if unsafe { libc::fcntl(fd, libc::F_GETFL) } == -1 {
        let e = last_errno();
        if e == libc::EBADF {
            return Err(errno_error(e));
        }
    }
    // SAFETY: the caller hands the descriptor over (prim_file:file_desc_to_ref/2).
    let file = unsafe { File::from_raw_fd(fd) };
    Ok(Box::new(UnixFile { file }))
}

pub fn file_info(p: &[u8], follow_links: bool) -> Result<FileInfo, PlatformError> {
    let m = if follow_links { std::fs::metadata(path(p)) } else { std::fs::symlink_metadata(path(p)) };
    let m = m.map_err(io_error)?;
    let c = c_path(p)?;
    // SAFETY: access only reads the NUL-terminated path.
    let (r, w) = unsafe { (libc::access(c.as_ptr(), libc::R_OK) == 0, libc::access(c.as_ptr(), libc::W_OK) == 0) };
    Ok(info_of(&m, r, w))
}

pub fn read_link(p: &[u8]) -> Result<Vec<u8>, PlatformError> {
    std::fs::read_link(path(p)).map(|t| t.into_os_string().into_encoded_bytes()).map_err(io_error)
}

pub fn list_dir(p: &[u8]) -> Result<Vec<Vec<u8>>, PlatformError> {
    let rd = std::fs::read_dir(path(p)).map_err(io_error)?;
    let mut names = Vec::new();
    for e in rd {
        names.push(e.map_err(io_error)?.file_name().into_encoded_bytes());
    }
    Ok(names)
}

pub fn make_dir(p: &[u8]) -> Result<(), PlatformError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(DIR_MODE).create(path(p)).map_err(io_error)
}

pub fn del_dir(p: &[u8]) -> Result<(), PlatformError> {
    let Err(e) = std::fs::remove_dir(path(p)) else { return Ok(()) };
    let mut errno = e.raw_os_error().unwrap_or(libc::EIO);
    if errno == libc::ENOTEMPTY {
        errno = libc::EEXIST;
    }
    // Removing the current directory: ERTS reports einval.
    if errno == libc::EEXIST {
        if let (Ok(a), Ok(b)) = (std::fs::metadata(path(p)), std::fs::metadata(".")) {
            if a.ino() == b.ino() && a.dev() == b.dev() {
                errno = libc::EINVAL;
            }
        }
    }
    Err(errno_error(errno))
}

pub fn del_file(p: &[u8]) -> Result<(), PlatformError> {
    std::fs::remove_file(path(p)).map_err(|e| match e.raw_os_error() {
        // Linux says EISDIR for unlink of a directory; POSIX (and erl) say EPERM.
        Some(libc::EISDIR) => errno_error(libc::EPERM),
        _ => io_error(e),
    })
}

pub fn rename(from: &[u8], to: &[u8]) -> Result<(), PlatformError> {
    std::fs::rename(path(from), path(to)).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOTEMPTY) => errno_error(libc::EEXIST),
        _ if from == b"/" => errno_error(libc::EINVAL),
        _ => io_error(e),
    })
}

pub fn make_hard_link(existing: &[u8], new: &[u8]) -> Result<(), PlatformError> {
    let (a, b) = (c_path(existing)?, c_path(new)?);
    // SAFETY: two NUL-terminated paths.
    if unsafe { libc::link(a.as_ptr(), b.as_ptr()) } < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(())
}

pub fn make_soft_link(existing: &[u8], new: &[u8]) -> Result<(), PlatformError> {
    std::os::unix::fs::symlink(path(existing), path(new)).map_err(io_error)
}

pub fn set_permissions(p: &[u8], mode: u32) -> Result<(), PlatformError> {
    use std::os::unix::fs::PermissionsExt;
    let mutable = (libc::S_ISUID | libc::S_ISGID | libc::S_IRWXU | libc::S_IRWXG | libc::S_IRWXO) as u32;
    let mode = mode & mutable;
    let set = |m: u32| std::fs::set_permissions(path(p), std::fs::Permissions::from_mode(m));
    if set(mode).is_ok() {
        return Ok(());
    }
    // Unprivileged users may not set set-uid/set-gid: try without them.
    set(mode & !((libc::S_ISUID | libc::S_ISGID) as u32)).map_err(io_error)
}

pub fn set_owner(p: &[u8], uid: i32, gid: i32) -> Result<(), PlatformError> {
    let c = c_path(p)?;
    // SAFETY: a NUL-terminated path; -1 (as the unsigned id) leaves an id unchanged.
    if unsafe { libc::chown(c.as_ptr(), uid as libc::uid_t, gid as libc::gid_t) } < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(())
}

pub fn set_time(p: &[u8], atime: i64, mtime: i64) -> Result<(), PlatformError> {
    let c = c_path(p)?;
    let times = libc::utimbuf { actime: atime as libc::time_t, modtime: mtime as libc::time_t };
    // SAFETY: a NUL-terminated path and a valid utimbuf.
    if unsafe { libc::utime(c.as_ptr(), &times) } < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(())
}

pub fn get_cwd() -> Result<Vec<u8>, PlatformError> {
    std::env::current_dir().map(|d| d.into_os_string().into_encoded_bytes()).map_err(io_error)
}

pub fn set_cwd(p: &[u8]) -> Result<(), PlatformError> {
    std::env::set_current_dir(path(p)).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("beamos-upf-{}-{}", name, std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn b(p: &std::path::Path) -> Vec<u8> {
        p.as_os_str().as_bytes().to_vec()
    }

    #[test]
    fn open_write_read_seek() {
        let d = scratch("rw");
        let f = b(&d.join("f"));
        let w = OpenOptions { write: true, ..Default::default() };
        let mut h = open(&f, w).unwrap();
        h.write(b"hello world").unwrap();
        assert_eq!(h.seek(Whence::Cur, 0).unwrap(), 11);
        h.pwrite(0, b"J").unwrap();
        h.close().unwrap();
        let mut h = open(&f, OpenOptions { read: true, ..Default::default() }).unwrap();
        let mut buf = [0u8; 32];
        assert_eq!(h.read(&mut buf).unwrap(), 11);
        assert_eq!(&buf[..11], b"Jello world");
        assert_eq!(h.pread(6, &mut buf[..3]).unwrap(), 3);
        assert_eq!(&buf[..3], b"wor");
        assert_eq!(h.info().unwrap().size, 11);
        assert_eq!(h.write(b"x"), Err(PlatformError::Posix("ebadf")));
        let ex = OpenOptions { write: true, exclusive: true, ..Default::default() };
        assert_eq!(open(&f, ex).err(), Some(PlatformError::Posix("eexist")));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn errors_are_errno_names() {
        let d = scratch("err");
        let r = OpenOptions { read: true, ..Default::default() };
        assert_eq!(open(&b(&d.join("none")), r).err(), Some(PlatformError::Posix("enoent")));
        assert_eq!(open(&b(&d), r).err(), Some(PlatformError::Posix("eisdir")));
        assert_eq!(del_file(&b(&d)), Err(PlatformError::Posix("eperm")));
        std::fs::write(d.join("x"), b"x").unwrap();
        assert_eq!(del_dir(&b(&d)), Err(PlatformError::Posix("eexist")));
        assert_eq!(make_dir(&b(&d)), Err(PlatformError::Posix("eexist")));
        assert_eq!(list_dir(&b(&d.join("x"))), Err(PlatformError::Posix("enotdir")));
        assert_eq!(errno_error(libc::EWOULDBLOCK), PlatformError::Posix("eagain"));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn links_and_info() {
        let d = scratch("ln");
        let t = d.join("target");
        std::fs::write(&t, b"abc").unwrap();
        make_soft_link(b"target", &b(&d.join("sl"))).unwrap();
        make_hard_link(&b(&t), &b(&d.join("hl"))).unwrap();
        assert_eq!(read_link(&b(&d.join("sl"))).unwrap(), b"target");
        assert_eq!(file_info(&b(&d.join("sl")), false).unwrap().file_type, FileType::Symlink);
        let i = file_info(&b(&d.join("sl")), true).unwrap();
        assert_eq!((i.file_type, i.size, i.links), (FileType::Regular, 3, 2));
        set_permissions(&b(&t), 0o600).unwrap();
        assert_eq!(file_info(&b(&t), true).unwrap().mode & 0o777, 0o600);
        set_time(&b(&t), 1_000_000, 2_000_000).unwrap();
        let i = file_info(&b(&t), true).unwrap();
        assert_eq!((i.atime, i.mtime), (1_000_000, 2_000_000));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
