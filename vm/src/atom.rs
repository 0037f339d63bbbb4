//! The atom table: one global, append-only table of names, shared by every process.
//!
//! Atoms the VM itself names are created first, in a fixed order, so their indices are
//! compile-time constants (`am::OK`, `am::BADARG`, ...). The table never shrinks (as in ERTS).
//!
//! Interning takes a lock; reading an atom's name does not (term order compares atoms by name,
//! so map keys and sorting read names constantly): names are published, once, in fixed-size
//! chunks that never move.

use alloc::boxed::Box;
use beamos_gc::Term;
use core::sync::atomic::{AtomicPtr, Ordering};
use hashbrown::HashMap;
use spin::RwLock;

/// ERTS's limit on atom name length in characters.
pub const MAX_ATOM_CHARS: usize = 255;

struct Table {
    len: u32,
    index: HashMap<&'static str, u32>,
}

/// ERTS's default atom table size (`+t`).
pub const MAX_ATOMS: usize = 1 << 20;
const CHUNK_BITS: usize = 12;
const CHUNK_LEN: usize = 1 << CHUNK_BITS;
type Slot = AtomicPtr<&'static str>;
/// Atom i's name is `*NAMES[i / CHUNK_LEN][i % CHUNK_LEN]`, written once under the table's
/// write lock before the atom's index is handed out.
static NAMES: [AtomicPtr<Slot>; MAX_ATOMS / CHUNK_LEN] =
    [const { AtomicPtr::new(core::ptr::null_mut()) }; MAX_ATOMS / CHUNK_LEN];

/// Publishes atom `i`'s name (the caller holds the write lock).
fn publish(i: u32, name: &'static str) {
    let c = i as usize >> CHUNK_BITS;
    let mut chunk = NAMES[c].load(Ordering::Acquire);
    if chunk.is_null() {
        let fresh: Box<[Slot]> = (0..CHUNK_LEN).map(|_| AtomicPtr::new(core::ptr::null_mut())).collect();
        chunk = Box::leak(fresh).as_mut_ptr();
        NAMES[c].store(chunk, Ordering::Release);
    }
    let cell: &'static mut &'static str = Box::leak(Box::new(name));
    // SAFETY: the chunk has CHUNK_LEN slots and is never freed.
    unsafe { (*chunk.add(i as usize & (CHUNK_LEN - 1))).store(cell, Ordering::Release) };
}

fn published(i: usize) -> Option<&'static str> {
    let chunk = NAMES.get(i >> CHUNK_BITS)?.load(Ordering::Acquire);
    if chunk.is_null() {
        return None;
    }
    // SAFETY: as in `publish`.
    let cell = unsafe { (*chunk.add(i & (CHUNK_LEN - 1))).load(Ordering::Acquire) };
    // SAFETY: published cells are leaked and never change.
    (!cell.is_null()).then(|| unsafe { *cell })
}

static TABLE: RwLock<Option<Table>> = RwLock::new(None);

macro_rules! predefined_atoms {
    ($($id:ident = $name:expr),* $(,)?) => {
        /// Atoms with fixed indices.
        pub mod am {
            use beamos_gc::Term;
            predefined_atoms!(@consts 0u32; $($id),*);
        }
        const PREDEFINED: &[&str] = &[$($name),*];
    };
    (@consts $n:expr; $id:ident $(, $rest:ident)*) => {
        pub const $id: Term = Term::atom($n);
        predefined_atoms!(@consts $n + 1; $($rest),*);
    };
    (@consts $n:expr;) => {};
}

predefined_atoms! {
    FALSE = "false", TRUE = "true", OK = "ok", ERROR = "error", EXIT = "exit", THROW = "throw",
    UNDEFINED = "undefined", NORMAL = "normal", KILL = "kill", KILLED = "killed", NOPROC = "noproc",
    BADARG = "badarg", BADARITH = "badarith", BADMATCH = "badmatch", CASE_CLAUSE = "case_clause",
    FUNCTION_CLAUSE = "function_clause", IF_CLAUSE = "if_clause", TRY_CLAUSE = "try_clause",
    BADFUN = "badfun", BADARITY = "badarity", UNDEF = "undef", BADKEY = "badkey", BADMAP = "badmap",
    BADRECORD = "badrecord", SYSTEM_LIMIT = "system_limit", NOCATCH = "nocatch", TIMEOUT_VALUE = "timeout_value", TIMEOUT = "timeout",
    ERLANG = "erlang", EXIT_UPPER = "EXIT", DOWN = "DOWN", PROCESS = "process", INFINITY = "infinity",
    FILE = "file", LINE = "line", MODULE = "module", EXPORTS = "exports", ATTRIBUTES = "attributes",
    COMPILE = "compile", MD5 = "md5", FUNCTIONS = "functions", NATIVE = "native", NIFS = "nifs",
    MODULE_INFO = "module_info", APPLY = "apply", LOCAL = "local", EXTERNAL = "external",
    ARITY = "arity", NAME = "name", ENV = "env", TYPE = "type", INDEX = "index", NEW_INDEX = "new_index",
    NEW_UNIQ = "new_uniq", UNIQ = "uniq", PID = "pid", BIG = "big", LITTLE = "little",
    UTF8 = "utf8", LATIN1 = "latin1", UNICODE = "unicode", UTF16 = "utf16", UTF32 = "utf32",
    INCOMPLETE = "incomplete", ALL = "all", GLOBAL = "global", SCOPE = "scope",
    NIL_ATOM = "nil", ERROR_INFO = "error_info", CAUSE = "cause", EMPTY = "", ENOENT = "enoent",
    MONITOR = "monitor", LINK = "link", PRIORITY = "priority", LOW = "low", HIGH = "high", MAX = "max",
    TRAP_EXIT = "trap_exit", FLUSH = "flush", INFO = "info", NOCONNECTION = "noconnection",
    NONODE = "nonode@nohost", ATOM = "atom", PORT = "port", REFERENCE = "reference",
    SCIENTIFIC = "scientific", DECIMALS = "decimals", COMPACT = "compact", SHORT = "short",
    COMPRESSED = "compressed", MINOR_VERSION = "minor_version", DETERMINISTIC = "deterministic",
    SAFE = "safe", USED = "used", CODE = "code", BADFILE = "badfile", NOT_PURGED = "not_purged",
    ON_LOAD = "on_load", WORDSIZE = "wordsize", OTP_RELEASE = "otp_release", VERSION = "version",
    HEAP_SIZE = "heap_size", MESSAGE_QUEUE_LEN = "message_queue_len", MESSAGES = "messages",
    LINKS = "links", DICTIONARY = "dictionary", REGISTERED_NAME = "registered_name",
    STATUS = "status", REDUCTIONS = "reductions", RUNNING = "running", WAITING = "waiting",
    RUNNABLE = "runnable", TRUE_UPPER = "TRUE", GROUP_LEADER = "group_leader",
    CURRENT_FUNCTION = "current_function", INITIAL_CALL = "initial_call", MEMORY = "memory",
    TOTAL_HEAP_SIZE = "total_heap_size", STACK_SIZE = "stack_size", MONITORS = "monitors",
    MONITORED_BY = "monitored_by", ERROR_HANDLER = "error_handler", UNDEFINED_FUNCTION = "undefined_function",
    SPAWN = "spawn", EXITING = "exiting", VALUE = "value", BADOPT = "badopt", SIGNED = "signed",
    MAJOR = "major", MINOR = "minor", GARBAGE_COLLECT = "garbage_collect",
    UNSIGNED = "unsigned", NOTSUP = "notsup", ENOTSUP = "enotsup", SYSTEM = "system", SHUTDOWN = "shutdown", NORMAL_EXIT_UNUSED = "$normal_exit",
}

fn with_table<R>(f: impl FnOnce(&Table) -> R) -> R {
    {
        let g = TABLE.read();
        if let Some(t) = g.as_ref() {
            return f(t);
        }
    }
    init();
    f(TABLE.read().as_ref().expect("initialised"))
}

/// Creates the table with the predefined atoms. Idempotent.
pub fn init() {
    let mut g = TABLE.write();
    if g.is_some() {
        return;
    }
    let mut t = Table { len: 0, index: HashMap::new() };
    for name in PREDEFINED {
        let i = t.len;
        publish(i, name);
        t.len += 1;
        t.index.insert(name, i);
    }
    *g = Some(t);
}

/// Why an atom could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtomError {
    TooLong,
    /// The table holds MAX_ATOMS atoms (ERTS aborts the VM here; we refuse the new atom).
    TableFull,
}

/// The atom named `name`, created if new. Names over 255 characters are a `system_limit`.
pub fn intern(name: &str) -> Result<Term, AtomError> {
    if let Some(t) = lookup(name) {
        return Ok(t);
    }
    if name.chars().count() > MAX_ATOM_CHARS {
        return Err(AtomError::TooLong);
    }
    init();
    let mut g = TABLE.write();
    let t = g.as_mut().expect("initialised");
    if let Some(&i) = t.index.get(name) {
        return Ok(Term::atom(i));
    }
    if t.len as usize >= MAX_ATOMS {
        return Err(AtomError::TableFull);
    }
    let leaked: &'static str = Box::leak(Box::<str>::from(name));
    let i = t.len;
    publish(i, leaked);
    t.len += 1;
    t.index.insert(leaked, i);
    Ok(Term::atom(i))
}

/// Like [`intern`] for names the VM itself makes (never too long).
pub fn atom(name: &str) -> Term {
    intern(name).unwrap_or(am::SYSTEM_LIMIT)
}

/// The atom named `name` if it exists (`list_to_existing_atom`).
pub fn lookup(name: &str) -> Option<Term> {
    with_table(|t| t.index.get(name).map(|&i| Term::atom(i)))
}

/// The name of an atom term.
pub fn name(a: Term) -> &'static str {
    debug_assert!(a.is_atom());
    let i = a.atom_index() as usize;
    if let Some(n) = published(i) {
        return n;
    }
    // The predefined atoms exist as constants before the table is first used.
    init();
    published(i).unwrap_or("?")
}

/// Number of atoms (`erlang:system_info(atom_count)`).
pub fn count() -> usize {
    with_table(|t| t.len as usize)
}

pub fn bool_atom(b: bool) -> Term {
    if b {
        am::TRUE
    } else {
        am::FALSE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn predefined_and_interned() {
        assert_eq!(name(am::OK), "ok");
        assert_eq!(intern("ok").unwrap(), am::OK);
        let a = intern("brand_new_atom").unwrap();
        assert_eq!(name(a), "brand_new_atom");
        assert_eq!(lookup("brand_new_atom"), Some(a));
        assert!(intern(&"x".repeat(256)).is_err());
        assert!(intern(&"é".repeat(255)).is_ok());
    }
}
