//! `beamos`: a drop-in for `erl` (bare mode today: no OTP boot).

/// Message fragments, heaps and off-heap binaries come and go by the million, from every
/// scheduler thread: mimalloc's thread-local free lists serve that pattern far better than
/// glibc's allocator (see ARCHITECTURE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(beamos_os::cli::main_with_args(&args));
}
