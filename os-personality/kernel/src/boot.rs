//! Boot: the PVH entry point and the switch from 32-bit protected mode to long mode.
//!
//! QEMU (`-kernel` with an ELF carrying the Xen PHYS32_ENTRY note) enters `_pvh_start` in
//! 32-bit protected mode, paging off, flat segments, interrupts off, `ebx` = physical address
//! of the `hvm_start_info`. We zero .bss, build identity page tables for the first 4 GiB with
//! 2 MiB pages, enable PAE + long mode + paging, load a GDT, far-jump to 64-bit code, set up
//! the stack, enable SSE and call `kernel_main(start_info)`. See docs/kernel.md.

/// Size of the boot stack (in .bss) that `kernel_main` runs on.
pub const STACK_SIZE: usize = 4 << 20;

core::arch::global_asm!(
    r#"
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                      /* namesz */
    .long 8                      /* descsz */
    .long 18                     /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .balign 4
    .quad _pvh_start
    .balign 4

    .section .text.boot, "ax"
    .code32
    .global _pvh_start
_pvh_start:
    cli
    cld
    movl %ebx, %esi              /* hvm_start_info, kept until kernel_main */

    /* zero .bss (page tables, stack, Rust statics) */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    /* PML4[0] -> PDPT; PDPT[0..4] -> 4 page directories; PD entries: 2 MiB pages */
    movl $boot_pdpt, %eax
    orl $0x3, %eax
    movl %eax, boot_pml4
    movl $boot_pd, %eax
    orl $0x3, %eax
    movl %eax, boot_pdpt
    addl $0x1000, %eax
    movl %eax, boot_pdpt + 8
    addl $0x1000, %eax
    movl %eax, boot_pdpt + 16
    addl $0x1000, %eax
    movl %eax, boot_pdpt + 24
    xorl %ecx, %ecx
1:
    movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax              /* present | writable | page size (2 MiB) */
    movl %eax, boot_pd(,%ecx,8)
    incl %ecx
    cmpl $2048, %ecx             /* 2048 * 2 MiB = 4 GiB */
    jne 1b

    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $(1 << 5), %eax          /* CR4.PAE */
    movl %eax, %cr4
    movl $0xC0000080, %ecx       /* EFER */
    rdmsr
    orl $(1 << 8), %eax          /* EFER.LME */
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax        /* CR0.PG | CR0.PE */
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $2f

    .code64
2:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp

    /* SSE: clear CR0.EM and CR0.TS, set CR0.MP; set CR4.OSFXSR | CR4.OSXMMEXCPT */
    movq %cr0, %rax
    andq $~((1 << 2) | (1 << 3)), %rax
    orq $(1 << 1), %rax
    movq %rax, %cr0
    movq %cr4, %rax
    orq $((1 << 9) | (1 << 10)), %rax
    movq %rax, %cr4
    pushq $0x1f80
    ldmxcsr (%rsp)
    popq %rax

    movl %esi, %edi              /* zero-extends: rdi = start_info */
    call kernel_main
3:
    cli
    hlt
    jmp 3b

    .section .rodata.boot, "a"
    .balign 16
boot_gdt:
    .quad 0                      /* null */
    .quad 0x00af9a000000ffff     /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff     /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .bss.boot, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096 * 4
    .balign 16
boot_stack:
    .skip {stack_size}
boot_stack_top:
"#,
    stack_size = const STACK_SIZE,
    options(att_syntax)
);

/// The PVH `hvm_start_info` (version >= 1 carries the memory map).
#[repr(C)]
struct StartInfo {
    magic: u32,
    version: u32,
    flags: u32,
    nr_modules: u32,
    modlist_paddr: u64,
    cmdline_paddr: u64,
    rsdp_paddr: u64,
    memmap_paddr: u64,
    memmap_entries: u32,
    reserved: u32,
}

#[repr(C)]
struct MemmapEntry {
    addr: u64,
    size: u64,
    kind: u32,
    reserved: u32,
}

const START_INFO_MAGIC: u32 = 0x336e_c578;
const E820_RAM: u32 = 1;

/// The end of the RAM region (from the PVH memory map) that contains `addr`, capped at the
/// 4 GiB the boot page tables identity-map. `None` if the map is missing or does not cover it.
pub fn ram_end_containing(start_info: usize, addr: u64) -> Option<u64> {
    if start_info == 0 {
        return None;
    }
    // SAFETY: `start_info` is the physical (= virtual, identity-mapped) address QEMU's PVH
    // option ROM passed in ebx; it points at a valid hvm_start_info below 1 MiB.
    let info = unsafe { &*(start_info as *const StartInfo) };
    if info.magic != START_INFO_MAGIC || info.version < 1 || info.memmap_paddr == 0 {
        return None;
    }
    let n = info.memmap_entries as usize;
    // SAFETY: version >= 1 guarantees memmap_paddr/memmap_entries describe a valid array.
    let map = unsafe { core::slice::from_raw_parts(info.memmap_paddr as *const MemmapEntry, n) };
    map.iter()
        .filter(|e| e.kind == E820_RAM && e.addr <= addr && addr < e.addr + e.size)
        .map(|e| (e.addr + e.size).min(4 << 30))
        .next()
}

/// The kernel command line (QEMU's `-append`), if the loader passed one.
pub fn cmdline(start_info: usize) -> Option<&'static str> {
    if start_info == 0 {
        return None;
    }
    // SAFETY: as in `ram_end_containing`: a valid hvm_start_info.
    let info = unsafe { &*(start_info as *const StartInfo) };
    if info.magic != START_INFO_MAGIC || info.cmdline_paddr == 0 {
        return None;
    }
    // SAFETY: the PVH ABI makes cmdline_paddr a NUL-terminated string that stays in place
    // (low memory, below the kernel, never handed to the allocator).
    let c = unsafe { core::ffi::CStr::from_ptr(info.cmdline_paddr as *const core::ffi::c_char) };
    c.to_str().ok()
}
