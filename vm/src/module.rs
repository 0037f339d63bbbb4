//! Loaded modules, the export table and fun entries.
//!
//! Export entries and fun entries are created once and never freed (as in ERTS), so code can
//! refer to them as `&'static`. An export's `code` pointer is switched atomically when a module
//! is loaded, which is what makes fully-qualified calls reach the newest version.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicPtr, Ordering};

use beamos_gc::Term;
use hashbrown::HashMap;
use spin::RwLock;

use crate::bif::BifFn;
use crate::emu::instr::Instr;

/// One `Module:Function/Arity` entry point.
pub struct Export {
    pub module: Term,
    pub function: Term,
    pub arity: u32,
    /// Entry of the current code, or null when the function is not loaded.
    code: AtomicPtr<Instr>,
    /// Set when the function is a BIF (then `code` may stay null).
    pub bif: Option<BifFn>,
}

impl core::fmt::Debug for Export {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:{}/{}", crate::atom::name(self.module), crate::atom::name(self.function), self.arity)
    }
}

impl core::fmt::Debug for FunEntry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "fun {}:{}/{}", crate::atom::name(self.module), crate::atom::name(self.function), self.arity)
    }
}

impl Export {
    #[inline]
    pub fn code(&self) -> *const Instr {
        self.code.load(Ordering::Acquire)
    }
    pub fn set_code(&self, p: *const Instr) {
        self.code.store(p as *mut Instr, Ordering::Release)
    }
}

/// A lambda of a module (one per FunT entry).
pub struct FunEntry {
    pub module: Term,
    /// The name of the generated function (e.g. `'-main/0-fun-0-'`).
    pub function: Term,
    /// Arity of the fun as called (excluding free variables).
    pub arity: u32,
    pub num_free: u32,
    pub index: u32,
    pub old_uniq: u32,
    /// Entry of the lambda's code (arity + num_free arguments).
    code: AtomicPtr<Instr>,
    pub md5_uniq: [u8; 16],
}

impl FunEntry {
    #[inline]
    pub fn code(&self) -> *const Instr {
        self.code.load(Ordering::Acquire)
    }
    pub fn set_code(&self, p: *const Instr) {
        self.code.store(p as *mut Instr, Ordering::Release)
    }
}

/// A function's extent in the code, for stack traces and `current_function`.
#[derive(Clone, Copy, Debug)]
pub struct FunctionInfo {
    pub function: Term,
    pub arity: u32,
    /// Index of its `func_info` instruction.
    pub start: u32,
}

/// A loaded module version.
pub struct Module {
    pub name: Term,
    pub code: Box<[Instr]>,
    /// Sorted by `start`.
    pub functions: Vec<FunctionInfo>,
    /// `(instruction index, line item)` sorted by index.
    pub line_marks: Vec<(u32, u32)>,
    /// Line items: (file index, line).
    pub line_items: Vec<(u32, u32)>,
    pub line_files: Vec<String>,
    pub exports: Vec<(Term, u32)>,
    pub lambdas: Vec<&'static FunEntry>,
    pub md5: [u8; 16],
    pub attributes: Term,
    pub compile_info: Term,
    /// Literal terms live here, never copied by collections.
    pub literal_heap: Vec<Box<[u64]>>,
    pub on_load: Option<usize>,
}

// SAFETY: a Module is immutable after loading; its raw literal pointers point into its own
// literal blocks, and instructions refer to &'static entries.
unsafe impl Send for Module {}
// SAFETY: as above, nothing in it is mutated after loading.
unsafe impl Sync for Module {}

impl Module {
    pub fn code_range(&self) -> core::ops::Range<*const Instr> {
        self.code.as_ptr_range()
    }
    /// The function containing instruction index `idx`.
    pub fn function_at(&self, idx: usize) -> Option<&FunctionInfo> {
        let i = self.functions.partition_point(|f| f.start as usize <= idx);
        if i == 0 {
            None
        } else {
            self.functions.get(i - 1)
        }
    }
    /// `(file, line)` for instruction index `idx`, from the last `line` before it.
    pub fn location_at(&self, idx: usize) -> Option<(&str, u32)> {
        let i = self.line_marks.partition_point(|&(at, _)| at as usize <= idx);
        if i == 0 {
            return None;
        }
        let item = self.line_marks[i - 1].1 as usize;
        let &(file, line) = self.line_items.get(item)?;
        if line == 0 {
            return None;
        }
        let name = self.line_files.get(file as usize).map(|s| s.as_str())?;
        Some((name, line))
    }
}

/// The code server's state: every loaded module and the export table.
pub struct CodeTable {
    exports: RwLock<HashMap<(Term, Term, u32), &'static Export>>,
    modules: RwLock<HashMap<Term, Arc<Module>>>,
    /// Old versions kept alive until purged (code may still run there).
    old: RwLock<HashMap<Term, Arc<Module>>>,
    /// Every module version ever loaded, by code address, for mapping an address to its module.
    ranges: RwLock<Vec<(usize, usize, Arc<Module>)>>,
}

impl Default for CodeTable {
    fn default() -> Self {
        Self::new()
    }
}

impl CodeTable {
    pub fn new() -> CodeTable {
        CodeTable {
            exports: RwLock::new(HashMap::new()),
            modules: RwLock::new(HashMap::new()),
            old: RwLock::new(HashMap::new()),
            ranges: RwLock::new(Vec::new()),
        }
    }

    /// The export entry for `M:F/A`, created (unloaded) if new.
    pub fn export(&self, module: Term, function: Term, arity: u32) -> &'static Export {
        if let Some(e) = self.exports.read().get(&(module, function, arity)) {
            return e;
        }
        let mut w = self.exports.write();
        *w.entry((module, function, arity)).or_insert_with(|| {
            let bif = crate::bif::lookup(module, function, arity);
            Box::leak(Box::new(Export { module, function, arity, code: AtomicPtr::new(core::ptr::null_mut()), bif }))
        })
    }

    pub fn find_export(&self, module: Term, function: Term, arity: u32) -> Option<&'static Export> {
        self.exports.read().get(&(module, function, arity)).copied()
    }

    pub fn new_fun_entry(
        module: Term,
        function: Term,
        arity: u32,
        num_free: u32,
        index: u32,
        old_uniq: u32,
        md5_uniq: [u8; 16],
    ) -> &'static FunEntry {
        Box::leak(Box::new(FunEntry {
            module,
            function,
            arity,
            num_free,
            index,
            old_uniq,
            code: AtomicPtr::new(core::ptr::null_mut()),
            md5_uniq,
        }))
    }

    pub fn module(&self, name: Term) -> Option<Arc<Module>> {
        self.modules.read().get(&name).cloned()
    }

    pub fn loaded_modules(&self) -> Vec<Term> {
        self.modules.read().keys().copied().collect()
    }

    /// Makes `m` the current version: the previous one becomes old, the exports switch.
    /// Fails with `not_purged` if an old version still exists.
    pub fn install(&self, m: Module, export_targets: Vec<(Term, u32, usize)>) -> Result<Arc<Module>, Term> {
        let name = m.name;
        if self.old.read().contains_key(&name) && self.modules.read().contains_key(&name) {
            return Err(crate::atom::am::NOT_PURGED);
        }
        let m = Arc::new(m);
        let base = m.code.as_ptr();
        {
            let r = m.code_range();
            self.ranges.write().push((r.start as usize, r.end as usize, m.clone()));
        }
        // Exports of the previous version that the new one lacks become unloaded.
        if let Some(prev) = self.modules.read().get(&name) {
            for &(f, a) in &prev.exports {
                if let Some(e) = self.find_export(name, f, a) {
                    e.set_code(core::ptr::null());
                }
            }
        }
        for (f, a, idx) in export_targets {
            // SAFETY: idx is an instruction index inside m.code, checked by the loader.
            let p = unsafe { base.add(idx) };
            self.export(name, f, a).set_code(p);
        }
        if let Some(prev) = self.modules.write().insert(name, m.clone()) {
            self.old.write().insert(name, prev);
        }
        Ok(m)
    }

    /// The module version whose code contains `ip`.
    pub fn module_of(&self, ip: *const Instr) -> Option<Arc<Module>> {
        let a = ip as usize;
        self.ranges.read().iter().rev().find(|(s, e, _)| a >= *s && a < *e).map(|(_, _, m)| m.clone())
    }

    /// Removes the current version (it becomes old): `erlang:delete_module/1`.
    pub fn delete(&self, name: Term) -> bool {
        let Some(m) = self.modules.write().remove(&name) else { return false };
        for &(f, a) in &m.exports {
            if let Some(e) = self.find_export(name, f, a) {
                e.set_code(core::ptr::null());
            }
        }
        self.old.write().insert(name, m);
        true
    }

    /// Drops the old version: `erlang:purge_module/1`. Returns whether there was one.
    pub fn purge(&self, name: Term) -> bool {
        self.old.write().remove(&name).is_some()
    }

    /// Whether any version of `name` was ever loaded (ERTS keeps a module's entry for good).
    pub fn ever_loaded(&self, name: Term) -> bool {
        self.ranges.read().iter().any(|(_, _, m)| m.name == name)
    }

    /// The code of the old version of `name`, if there is one.
    pub fn old_code_range(&self, name: Term) -> Option<core::ops::Range<*const Instr>> {
        self.old.read().get(&name).map(|m| m.code_range())
    }

    pub fn has_old(&self, name: Term) -> bool {
        self.old.read().contains_key(&name)
    }
}
