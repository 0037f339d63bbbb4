//! `beamos`: a drop-in for `erl` (bare mode today: no OTP boot).
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(beamos_os::cli::main_with_args(&args));
}
