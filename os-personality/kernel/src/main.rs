//! beamos-kernel: the bootable x86_64 image. Boots via PVH under qemu-system-x86_64, brings up
//! serial, the heap and SSE, then runs `app::run` (where the VM will live) and exits QEMU with
//! its verdict. Built for the host target with the precompiled core/alloc; see docs/kernel.md.
#![no_std]
#![no_main]

extern crate alloc as alloc_crate;

mod alloc;
mod app;
mod boot;
mod mem;
mod platform;
mod port;
mod qemu;
mod serial;

use core::fmt::Write;

#[global_allocator]
static ALLOCATOR: alloc::KernelAlloc = alloc::KernelAlloc::new();

/// Heap size used when the PVH memory map is unavailable (QEMU is run with -m 512M).
const FALLBACK_HEAP: u64 = 64 << 20;

extern "C" {
    static __kernel_end: u8;
}

/// Entered from boot.rs in long mode with SSE on, on the boot stack, interrupts off.
#[no_mangle]
pub extern "C" fn kernel_main(start_info: usize) -> ! {
    let mut out = serial::Serial::init();
    let _ = writeln!(out, "BeamOS kernel booting");

    // Only the address of the linker symbol is taken, never its contents.
    let heap_start = core::ptr::addr_of!(__kernel_end) as u64;
    let heap_end = boot::ram_end_containing(start_info, heap_start).unwrap_or(heap_start + FALLBACK_HEAP);
    // SAFETY: [kernel end, end of its RAM region) is identity-mapped RAM that nothing else uses
    // (the boot stack and page tables live in .bss, below __kernel_end).
    unsafe { ALLOCATOR.init(heap_start as usize, heap_end as usize) };
    let _ = writeln!(out, "heap: {:#x}..{:#x} ({} MiB)", heap_start, heap_end, ALLOCATOR.total() >> 20);

    let cmdline = boot::cmdline(start_info).unwrap_or("");
    if !cmdline.is_empty() {
        let _ = writeln!(out, "cmdline: {cmdline}");
    }
    if cmdline.split(' ').any(|w| w == "panic-test") {
        panic!("panic-test requested on the command line");
    }

    let ok = app::run(&mut out);
    if ok {
        let _ = writeln!(out, "BeamOS kernel done");
        qemu::exit(qemu::ExitCode::Success)
    } else {
        let _ = writeln!(out, "BeamOS kernel: app::run failed");
        qemu::exit(qemu::ExitCode::Failure)
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let mut out = serial::Serial;
    let _ = writeln!(out, "\nKERNEL PANIC: {info}");
    qemu::exit(qemu::ExitCode::Failure)
}

/// core/alloc are precompiled with unwinding; with panic=abort nothing ever unwinds, but their
/// unwind tables and landing pads still name these symbols.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// See [`rust_eh_personality`]; reaching this would mean an unwind started, which cannot happen.
#[no_mangle]
pub extern "C" fn _Unwind_Resume() -> ! {
    let _ = writeln!(serial::Serial, "\nKERNEL PANIC: _Unwind_Resume called");
    qemu::exit(qemu::ExitCode::Failure)
}
