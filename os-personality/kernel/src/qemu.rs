//! Leaving QEMU through the `isa-debug-exit` device
//! (`-device isa-debug-exit,iobase=0xf4,iosize=0x04`): writing v exits with status (v << 1) | 1.

use crate::port::outl;

const ISA_DEBUG_EXIT_PORT: u16 = 0xf4;

/// Exit code values; run-qemu.sh maps status 33 to success and anything else to failure.
#[repr(u32)]
#[derive(Clone, Copy)]
pub enum ExitCode {
    /// QEMU exits with status 33.
    Success = 0x10,
    /// QEMU exits with status 35.
    Failure = 0x11,
}

/// Exit QEMU; if the device is absent, halt forever.
pub fn exit(code: ExitCode) -> ! {
    // SAFETY: port 0xf4 is the isa-debug-exit device; writing it terminates the VM. Without
    // the device the write is ignored and we halt below.
    unsafe { outl(ISA_DEBUG_EXIT_PORT, code as u32) };
    halt()
}

/// Stop the CPU for good (interrupts are off, so `hlt` never returns in practice).
pub fn halt() -> ! {
    loop {
        // SAFETY: `cli; hlt` only stops this CPU; it touches no memory.
        unsafe { core::arch::asm!("cli", "hlt", options(nomem, nostack)) };
    }
}
