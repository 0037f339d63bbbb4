//! The VM's resources (gc's [`Resource`] behind magic references): their type tags, and the
//! table that finds a live resource by reference id.
//!
//! ERTS gives back a working magic reference when a term encoded with `term_to_binary` (or a
//! string from `ref_to_list`) is decoded in the same VM while the resource lives: it saves the
//! magic binary in a table when the reference is encoded or printed, and looks encoded local
//! references up there. We register every resource when it is made (the table holds weak
//! handles, so it keeps nothing alive) and `binary_to_term` / `list_to_ref` look ids up; a
//! resource that died decodes as an ordinary reference, as in ERTS.

use alloc::sync::Weak;
use beamos_gc::resource::Resource;
use hashbrown::HashMap;
use spin::Mutex;

/// Type tags of the VM's own resources (`Resource::type_tag`).
pub mod kind {
    /// An `atomics` array (bif/atomics.rs).
    pub const ATOMICS: u64 = 1;
    /// A `counters` array with write_concurrency (bif/counters.rs).
    pub const COUNTERS: u64 = 2;
}

/// Live resources by reference id (weak handles).
pub struct Table {
    inner: Mutex<Inner>,
}

struct Inner {
    by_id: HashMap<u128, Weak<Resource>>,
    /// Entries after the last sweep of dead ones: the next sweep runs at twice this, so the
    /// table stays within twice the live resources and each sweep is paid for by the inserts
    /// before it.
    live_at_sweep: usize,
}

/// The table is swept of dead entries no sooner than at this size.
const SWEEP_MIN: usize = 64;

impl Default for Table {
    fn default() -> Self {
        Self::new()
    }
}

impl Table {
    pub fn new() -> Table {
        Table { inner: Mutex::new(Inner { by_id: HashMap::new(), live_at_sweep: 0 }) }
    }

    /// Records a new resource.
    ///
    /// # Safety
    /// `res` must be live.
    pub unsafe fn register(&self, res: *const Resource) {
        // SAFETY: per the contract.
        let (id, weak) = unsafe { ((*res).id, Resource::downgrade(res)) };
        let mut t = self.inner.lock();
        if t.by_id.len() >= SWEEP_MIN.max(2 * t.live_at_sweep) {
            t.by_id.retain(|_, w| w.strong_count() > 0);
            t.live_at_sweep = t.by_id.len();
        }
        t.by_id.insert(id, weak);
    }

    /// How many registered resources are alive (for tests).
    pub fn live(&self) -> usize {
        self.inner.lock().by_id.values().filter(|w| w.strong_count() > 0).count()
    }

    /// The live resource with reference id `id`, with a count the caller owns.
    pub fn lookup(&self, id: u128) -> Option<*const Resource> {
        let t = self.inner.lock();
        Resource::upgrade(t.by_id.get(&id)?)
    }
}
