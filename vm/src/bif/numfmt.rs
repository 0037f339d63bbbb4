//! Number <-> text conversions as OTP's BIFs do them. (Placeholder until the full version lands:
//! `display_float` only.)
use alloc::format;
use alloc::string::String;

/// What `erlang:display/1` prints for a float: C's `%.6e`.
pub fn display_float(f: f64) -> String {
    let s = format!("{:.6e}", f);
    let Some(i) = s.find('e') else { return s };
    let (m, e) = s.split_at(i);
    let e = &e[1..];
    let (sign, digits) = if let Some(d) = e.strip_prefix('-') { ('-', d) } else { ('+', e) };
    format!("{}e{}{:0>2}", m, sign, digits)
}

/// `float_to_list/1`: C's `%.20e`.
pub fn float_to_string_default(f: f64) -> String {
    let s = format!("{:.20e}", f);
    let Some(i) = s.find('e') else { return s };
    let (m, e) = s.split_at(i);
    let e = &e[1..];
    let (sign, digits) = if let Some(d) = e.strip_prefix('-') { ('-', d) } else { ('+', e) };
    format!("{}e{}{:0>2}", m, sign, digits)
}
