//! The bare-metal Platform: console on COM1, time from the TSC, no files.
//!
//! Without interrupts or a calibrated timer yet, time is the TSC scaled by an assumed
//! 1 GHz rate; `sleep_until` spins. Files and directories are not available
//! (`PlatformError::NotSupported`), so modules come from the image itself.

use beamos_vm::platform::Platform;

use crate::serial::Serial;

pub struct BareMetal;

fn rdtsc() -> u64 {
    // SAFETY: rdtsc only reads the time-stamp counter; it has no memory effects.
    unsafe { core::arch::x86_64::_rdtsc() }
}

impl Platform for BareMetal {
    fn monotonic_ns(&self) -> u64 {
        rdtsc()
    }
    fn write_stdout(&self, bytes: &[u8]) {
        let mut s = Serial;
        for &b in bytes {
            s.write_byte(b);
        }
    }
    fn sleep_until(&self, deadline_ns: u64) {
        while self.monotonic_ns() < deadline_ns {
            core::hint::spin_loop();
        }
    }
}
