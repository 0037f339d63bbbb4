//! `erlang:decode_packet/3` (ERTS's `decode_packet_3` in erl_bif_port.c over packet_parser.c,
//! the framing code inet_drv shares).
//!
//! Two steps, as in ERTS: [`packet_length`] finds how long the first packet is (or that more
//! bytes are needed, or that the header is invalid), then the packet is returned as a
//! sub-binary of the input (its body for the length-prefixed types), or parsed as an HTTP line
//! ([`parse_http`]) or an SSL/TLS record. The rest is always a sub-binary of the input; it also
//! keeps the input's trailing bits, since a bitstring is accepted as in ERTS.
//!
//! The arithmetic is ERTS's to the bit: lengths are C `unsigned`/`int` (a 4-byte length near
//! 2^31 is `invalid`, a TPKT length below 4 wraps and is `invalid`), HTTP version numbers,
//! status codes and ports are C `int`s that wrap on overflow. HTTP strings of the `*_bin`
//! types are sub-binaries of the input from 25 bytes on (where ERTS's sub-binary is smaller
//! than a heap binary), copies below that; header names ERTS rewrites (`content-type` →
//! `Content-Type`) are always copies. A bad packet type is badarg with the error_info cause
//! `badopt`, as in ERTS. An improper option list is badarg here (ERTS reads past its end).

use alloc::vec::Vec;
use beamos_gc::Term;

use super::binary::term_to_u64;
use super::{badarg_r, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::terms::{self, bit_view};

pub const BIFS: &[BifEntry] = &[bif("erlang", "decode_packet", 3, decode_packet_3)];

/// ERTS's `enum PacketParseType`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PacketType {
    Raw,
    One,
    Two,
    Four,
    Asn1,
    SunRm,
    Cdr,
    Fcgi,
    Line,
    Tpkt,
    Http,
    HttpH,
    SslTls,
    HttpBin,
    HttphBin,
}

impl PacketType {
    fn of_term(t: Term) -> Option<PacketType> {
        if let Some(n) = t.as_small() {
            return match n {
                0 => Some(PacketType::Raw),
                1 => Some(PacketType::One),
                2 => Some(PacketType::Two),
                4 => Some(PacketType::Four),
                _ => None,
            };
        }
        if !t.is_atom() {
            return None;
        }
        Some(match atom::name(t) {
            "raw" => PacketType::Raw,
            "asn1" => PacketType::Asn1,
            "sunrm" => PacketType::SunRm,
            "cdr" => PacketType::Cdr,
            "fcgi" => PacketType::Fcgi,
            "line" => PacketType::Line,
            "tpkt" => PacketType::Tpkt,
            "http" => PacketType::Http,
            "httph" => PacketType::HttpH,
            "http_bin" => PacketType::HttpBin,
            "httph_bin" => PacketType::HttphBin,
            "ssl_tls" => PacketType::SslTls,
            _ => return None,
        })
    }

    fn is_http(self) -> bool {
        matches!(self, PacketType::Http | PacketType::HttpH | PacketType::HttpBin | PacketType::HttphBin)
    }

    /// HTTP header lines (`httph`, `httph_bin`) rather than a request or status line.
    fn is_header(self) -> bool {
        matches!(self, PacketType::HttpH | PacketType::HttphBin)
    }
}

/// The options of `decode_packet/3` (0 = no limit, as in ERTS).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub packet_size: u32,
    pub line_length: u32,
    pub delimiter: u8,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { packet_size: 0, line_length: 0, delimiter: b'\n' }
    }
}

// ---------------------------------------------------------------- framing

fn be16(b: &[u8]) -> u32 {
    (b[0] as u32) << 8 | b[1] as u32
}

fn be24(b: &[u8]) -> u32 {
    (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Space or tab (`SP` in packet_parser.c).
fn is_sp(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// A header of `hlen` bytes announcing `plen` more: the total, or -1 when `plen` is over the
/// limit or the C `int` sum wraps below the header length.
fn remain(hlen: u32, plen: u32, max_plen: u32) -> i32 {
    let total = hlen.wrapping_add(plen) as i32;
    if (max_plen != 0 && plen > max_plen) || total < hlen as i32 {
        return -1;
    }
    total
}

/// ERTS's `packet_get_length`: > 0 the length of the first packet (which may be more than
/// `buf` holds), 0 more bytes needed to know it, < 0 an invalid packet. `buf` is at most
/// `u32::MAX` bytes (ERTS passes the size as a C `unsigned`).
pub fn packet_length(ty: PacketType, buf: &[u8], limits: Limits) -> i32 {
    let n = buf.len() as u32;
    let max_plen = limits.packet_size;
    match ty {
        PacketType::Raw => n as i32,
        PacketType::One => {
            if n < 1 {
                return 0;
            }
            remain(1, buf[0] as u32, max_plen)
        }
        PacketType::Two => {
            if n < 2 {
                return 0;
            }
            remain(2, be16(buf), max_plen)
        }
        PacketType::Four | PacketType::SunRm => {
            if n < 4 {
                return 0;
            }
            let mask = if ty == PacketType::SunRm { 0x7fff_ffff } else { u32::MAX };
            remain(4, be32(buf) & mask, max_plen)
        }
        PacketType::Line => line_length(buf, limits),
        PacketType::Asn1 => asn1_length(buf, max_plen),
        PacketType::Cdr => {
            if n < 12 {
                return 0;
            }
            if &buf[..4] != b"GIOP" {
                return -1;
            }
            let size = &buf[8..12];
            let plen = if buf[6] & 1 != 0 { u32::from_le_bytes([size[0], size[1], size[2], size[3]]) } else { be32(size) };
            remain(12, plen, max_plen)
        }
        PacketType::Fcgi => {
            if n < 8 {
                return 0;
            }
            if buf[0] != 1 {
                return -1;
            }
            remain(8, be16(&buf[4..]) + buf[6] as u32, max_plen)
        }
        PacketType::Tpkt => {
            if n < 4 {
                return 0;
            }
            if buf[0] != 3 {
                return -1;
            }
            remain(4, be16(&buf[2..]).wrapping_sub(4), max_plen)
        }
        PacketType::SslTls => {
            if n < 5 {
                return 0;
            }
            let plen = if buf[0] & 0x80 != 0 && buf[2] == 1 {
                // An SSLv2 client hello: <<1:1, Len:15, 1:8, Version:16>>.
                (be16(buf) & 0x7fff).wrapping_sub(3)
            } else {
                // <<ContentType:8, Version:16, Length:16>>.
                be16(&buf[3..])
            };
            remain(5, plen, max_plen)
        }
        PacketType::Http | PacketType::HttpBin | PacketType::HttpH | PacketType::HttphBin => {
            http_length(buf, ty.is_header(), limits)
        }
    }
}

fn line_length(buf: &[u8], limits: Limits) -> i32 {
    let n = buf.len() as u32;
    let (max_plen, trunc_len) = (limits.packet_size, limits.line_length);
    match buf.iter().position(|&c| c == limits.delimiter) {
        None => {
            if max_plen != 0 && n > max_plen {
                -1
            } else if trunc_len != 0 && n >= trunc_len {
                trunc_len as i32
            } else {
                0
            }
        }
        Some(i) => {
            let len = i as u32 + 1;
            if max_plen != 0 && len > max_plen {
                -1
            } else if trunc_len != 0 && len > trunc_len {
                trunc_len as i32
            } else {
                len as i32
            }
        }
    }
}

/// BER: a tag (long form: `0x1f` then bytes with the top bit set, then one more), a length
/// (short, or `0x80 + k` then k bytes, k ≤ 4; k = 0 is the indefinite form: no body).
fn asn1_length(buf: &[u8], max_plen: u32) -> i32 {
    let n = buf.len();
    if n < 2 {
        return 0;
    }
    // `t` is the next byte to read and `left` the bytes from it on.
    let mut t = 1;
    let mut left = n - 1;
    if buf[0] & 0x1f == 0x1f {
        while left > 0 && buf[t] & 0x80 != 0 {
            t += 1;
            left -= 1;
        }
        if left < 2 {
            return 0;
        }
        t += 1;
        left -= 1;
    }
    let length = (buf[t] & 0x7f) as usize;
    let plen = if buf[t] & 0x80 != 0 {
        t += 1;
        left -= 1;
        if left < length {
            return 0;
        }
        let v = match length {
            0 => 0,
            1 => buf[t] as u32,
            2 => be16(&buf[t..]),
            3 => be24(&buf[t..]),
            4 => be32(&buf[t..]),
            _ => return -1,
        };
        t += length;
        v
    } else {
        t += 1;
        length as u32
    };
    remain(t as u32, plen, max_plen)
}

/// An HTTP line, ending at a newline; a header line also takes the lines after it that start
/// with a space or tab, so it ends only where a line does not (more is needed when the bytes
/// end right after a newline). `line_length` stands in for a missing `packet_size`.
fn http_length(buf: &[u8], header: bool, limits: Limits) -> i32 {
    let n = buf.len();
    if buf == b"\n" || buf == b"\r\n" {
        return n as i32;
    }
    let max_plen = if limits.packet_size != 0 { limits.packet_size } else { limits.line_length } as usize;
    let mut from = 0;
    loop {
        let Some(i) = buf[from..].iter().position(|&c| c == b'\n') else {
            return if max_plen != 0 && n >= max_plen { -1 } else { 0 };
        };
        let plen = from + i + 1;
        let over = max_plen != 0 && plen > max_plen;
        if !header {
            return if over { -1 } else { plen as i32 };
        }
        if plen < n {
            if is_sp(buf[plen]) && plen > 2 {
                from = plen;
                continue;
            }
            return if over { -1 } else { plen as i32 };
        }
        return if over { -1 } else { 0 };
    }
}

// ---------------------------------------------------------------- HTTP

/// The methods ERTS names by atoms.
const METHODS: &[&str] = &["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE"];

/// The header fields ERTS names by atoms, in its order (`{http_header, Index + 1, ...}`).
const HEADERS: &[&str] = &[
    "Cache-Control", "Connection", "Date", "Pragma", "Transfer-Encoding", "Upgrade", "Via",
    "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization", "From",
    "Host", "If-Modified-Since", "If-Match", "If-None-Match", "If-Range", "If-Unmodified-Since",
    "Max-Forwards", "Proxy-Authorization", "Range", "Referer", "User-Agent", "Age", "Location",
    "Proxy-Authenticate", "Public", "Retry-After", "Server", "Vary", "Warning",
    "Www-Authenticate", "Allow", "Content-Base", "Content-Encoding", "Content-Language",
    "Content-Length", "Content-Location", "Content-Md5", "Content-Range", "Content-Type",
    "Etag", "Expires", "Last-Modified", "Accept-Ranges", "Set-Cookie", "Set-Cookie2",
    "X-Forwarded-For", "Cookie", "Keep-Alive", "Proxy-Connection",
];

/// Header names longer than this are returned as they are, not looked up.
const HTTP_MAX_NAME_LEN: usize = 50;

/// Not a token character: controls, space, non-ASCII and the separators of RFC 2616
/// (DEL counts as a token character, as in ERTS's table).
fn is_tspecial(c: u8) -> bool {
    !(33..128).contains(&c) || b"()<>@,;:\\\"/[]?={} \t".contains(&c)
}

/// A string of an HTTP result: bytes of the packet, or bytes ERTS made itself.
#[derive(Debug, PartialEq, Eq)]
pub enum Text {
    /// `len` bytes from `start` of the packet (which starts the input).
    At { start: usize, len: usize },
    Owned(Vec<u8>),
}

fn at(start: usize, len: usize) -> Text {
    Text::At { start, len }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Uri {
    /// `'*'`
    Star,
    /// `{abs_path, Path}`
    AbsPath(Text),
    /// `{absoluteURI, http | https, Host, Port | undefined, Path}`
    Absolute { https: bool, host: Text, port: Option<i32>, path: Text },
    /// `{scheme, Scheme, Rest}`
    Scheme(Text, Text),
    /// Anything else, as it is.
    Other(Text),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Method {
    Known(&'static str),
    Other(Text),
}

/// What one HTTP line is.
#[derive(Debug, PartialEq, Eq)]
pub enum Http {
    Request { method: Method, uri: Uri, version: (i32, i32) },
    Response { version: (i32, i32), status: i32, phrase: Text },
    /// `field` is `Err(name)` for a field without an atom.
    Header { field: Result<usize, Text>, name_len: usize, value: Text },
    EndOfHeaders,
    /// `{http_error, Line}`: the whole packet.
    Error,
}

/// A cursor over the packet's bytes, as packet_parser.c's `ptr` and `n`.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

impl Cursor<'_> {
    fn left(&self) -> usize {
        self.end - self.pos
    }
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.buf[self.pos])
    }
    fn skip_sp(&mut self) -> usize {
        let from = self.pos;
        while self.peek().is_some_and(is_sp) {
            self.pos += 1;
        }
        self.pos - from
    }
    /// Decimal digits as a C `int` (wrapping), and how many there were.
    fn number(&mut self) -> (i32, usize) {
        let (mut v, from) = (0i32, self.pos);
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            v = v.wrapping_mul(10).wrapping_add((c - b'0') as i32);
            self.pos += 1;
        }
        (v, self.pos - from)
    }
    /// `Major.Minor`, both at least one digit.
    fn version(&mut self) -> Option<(i32, i32)> {
        let (major, digits) = self.number();
        if digits == 0 || self.peek() != Some(b'.') {
            return None;
        }
        self.pos += 1;
        let (minor, digits) = self.number();
        (digits > 0).then_some((major, minor))
    }
}

/// ERTS's `packet_parse_http` on one packet (ending with a newline, or `\n`/`\r\n` alone).
pub fn parse_http(packet: &[u8], header: bool) -> Http {
    // The line without its CRLF (or LF).
    let mut end = packet.len();
    if end >= 2 && packet[end - 2] == b'\r' {
        end -= 2;
    } else if end >= 1 && packet[end - 1] == b'\n' {
        end -= 1;
    }
    let mut c = Cursor { buf: packet, pos: 0, end };
    let parsed = if header {
        parse_header(&mut c)
    } else if packet[..end].starts_with(b"HTTP/") {
        parse_status_line(&mut c)
    } else {
        parse_request_line(&mut c)
    };
    parsed.unwrap_or(Http::Error)
}

/// `HTTP/Major.Minor SP+ Status SP* Phrase`; the status may have no digits (it is then 0), and
/// the phrase may be empty.
fn parse_status_line(c: &mut Cursor) -> Option<Http> {
    c.pos += 5;
    let version = c.version()?;
    if c.skip_sp() == 0 {
        return None;
    }
    let (status, _) = c.number();
    if c.skip_sp() == 0 && c.left() > 0 {
        return None;
    }
    Some(Http::Response { version, status, phrase: at(c.pos, c.left()) })
}

/// `Method SP+ Uri SP* [HTTP/Major.Minor ...]`: no version is HTTP/0.9; what follows the
/// version is ignored.
fn parse_request_line(c: &mut Cursor) -> Option<Http> {
    while c.peek().is_some_and(|b| !is_tspecial(b)) {
        c.pos += 1;
    }
    let meth_len = c.pos;
    if meth_len == 0 || !c.peek().is_some_and(is_sp) {
        return None;
    }
    let name = &c.buf[..meth_len];
    let method = match METHODS.iter().find(|m| m.as_bytes() == name) {
        Some(m) => Method::Known(m),
        None => Method::Other(at(0, meth_len)),
    };
    c.skip_sp();
    let uri_start = c.pos;
    while c.peek().is_some_and(|b| !is_sp(b)) {
        c.pos += 1;
    }
    let uri_len = c.pos - uri_start;
    if uri_len == 0 {
        return None;
    }
    c.skip_sp();
    let uri = parse_uri(c.buf, uri_start, uri_len);
    if c.left() == 0 {
        return Some(Http::Request { method, uri, version: (0, 9) });
    }
    if c.left() < 8 || !c.buf[c.pos..].starts_with(b"HTTP/") {
        return None;
    }
    c.pos += 5;
    let version = c.version()?;
    Some(Http::Request { method, uri, version })
}

/// ERTS's `http_parse_uri`: `*`, `/path` (or any one character), `http://` and `https://`
/// (any case) URLs, `scheme:rest`, or the text itself.
fn parse_uri(buf: &[u8], start: usize, len: usize) -> Uri {
    let s = &buf[start..start + len];
    if s == b"*" {
        return Uri::Star;
    }
    if len <= 1 || s[0] == b'/' {
        return Uri::AbsPath(at(start, len));
    }
    for (prefix, https) in [(&b"http://"[..], false), (&b"https://"[..], true)] {
        if len >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
            return absolute_uri(buf, start + prefix.len(), len - prefix.len(), https);
        }
    }
    match s.iter().position(|&b| b == b':') {
        None => Uri::Other(at(start, len)),
        Some(i) => Uri::Scheme(at(start, i), at(start + i + 1, len - i - 1)),
    }
}

/// `host[:port][/path]` after the scheme; the path is `/` when missing, the port undefined
/// when it is not all digits or is 0.
fn absolute_uri(buf: &[u8], start: usize, len: usize, https: bool) -> Uri {
    let s = &buf[start..start + len];
    let (hostport, path) = match s.iter().position(|&b| b == b'/') {
        None => (len, Text::Owned(b"/".to_vec())),
        Some(i) => (i, at(start + i, len - i)),
    };
    let (host, port) = match s[..hostport].iter().position(|&b| b == b':') {
        None => (hostport, None),
        Some(i) => {
            let digits = &s[i + 1..hostport];
            let mut port = 0i32;
            let mut k = 0;
            while k < digits.len() && digits[k].is_ascii_digit() {
                port = port.wrapping_mul(10).wrapping_add((digits[k] - b'0') as i32);
                k += 1;
            }
            (i, (k == digits.len() && port != 0).then_some(port))
        }
    };
    Uri::Absolute { https, host: at(start, host), port, path }
}

/// `Name: Value`: the name's letters are recapitalised (the first and each after a `-` upper
/// case, the rest lower case) to look it up among [`HEADERS`]; a name longer than
/// [`HTTP_MAX_NAME_LEN`] is kept as it is. The value is the rest after spaces, continuation
/// lines and all.
fn parse_header(c: &mut Cursor) -> Option<Http> {
    if c.left() == 0 {
        return Some(Http::EndOfHeaders);
    }
    let mut name = Vec::new();
    let mut up = true;
    while !is_tspecial(c.buf[c.pos]) {
        if name.len() < HTTP_MAX_NAME_LEN {
            let mut ch = c.buf[c.pos];
            if up {
                ch = ch.to_ascii_uppercase();
                up = false;
            } else if ch.is_ascii_uppercase() {
                ch = ch.to_ascii_lowercase();
            } else if ch == b'-' {
                up = true;
            }
            name.push(ch);
        }
        c.pos += 1;
        if c.left() == 0 {
            return None;
        }
    }
    if c.buf[c.pos] != b':' {
        return None;
    }
    let name_len = c.pos;
    let field = if name_len <= HTTP_MAX_NAME_LEN {
        match HEADERS.iter().position(|h| h.as_bytes() == &name[..]) {
            Some(i) => Ok(i),
            None => Err(Text::Owned(name)),
        }
    } else {
        Err(at(0, name_len))
    };
    c.pos += 1;
    c.skip_sp();
    Some(Http::Header { field, name_len, value: at(c.pos, c.left()) })
}

// ---------------------------------------------------------------- results

/// Builds result strings: lists, or binaries for the `*_bin` types.
struct Strings<'a> {
    input: Term,
    bytes: &'a [u8],
    as_binary: bool,
}

/// From this size on, a string of the input is a sub-binary of it (`http_bld_string`: where
/// a heap binary would take more words than ERTS's 5-word sub-binary).
const SUB_BINARY_FROM_BYTES: usize = 25;

impl Strings<'_> {
    fn text(&self, ctx: &mut Ctx, t: &Text) -> Term {
        let (bytes, start) = match *t {
            Text::At { start, len } => (&self.bytes[start..start + len], Some(start)),
            Text::Owned(ref v) => (&v[..], None),
        };
        if !self.as_binary {
            return terms::byte_string(ctx.heap(), bytes);
        }
        match start {
            Some(start) if bytes.len() >= SUB_BINARY_FROM_BYTES => {
                terms::sub_binary(ctx.heap(), self.input, start * 8, bytes.len() * 8)
            }
            _ => terms::binary(ctx.heap(), bytes),
        }
    }

    fn version(&self, ctx: &mut Ctx, (major, minor): (i32, i32)) -> Term {
        terms::tuple(ctx.heap(), &[Term::small(major as i64), Term::small(minor as i64)])
    }

    fn uri(&self, ctx: &mut Ctx, uri: &Uri) -> Term {
        match uri {
            Uri::Star => atom::atom("*"),
            Uri::AbsPath(p) => {
                let p = self.text(ctx, p);
                terms::tuple(ctx.heap(), &[atom::atom("abs_path"), p])
            }
            Uri::Absolute { https, host, port, path } => {
                let scheme = atom::atom(if *https { "https" } else { "http" });
                let host = self.text(ctx, host);
                let path = self.text(ctx, path);
                let port = port.map_or(am::UNDEFINED, |p| Term::small(p as i64));
                terms::tuple(ctx.heap(), &[atom::atom("absoluteURI"), scheme, host, port, path])
            }
            Uri::Scheme(scheme, rest) => {
                let scheme = self.text(ctx, scheme);
                let rest = self.text(ctx, rest);
                terms::tuple(ctx.heap(), &[atom::atom("scheme"), scheme, rest])
            }
            Uri::Other(s) => self.text(ctx, s),
        }
    }

    fn http(&self, ctx: &mut Ctx, h: &Http, packet_len: usize) -> Term {
        match h {
            Http::Request { method, uri, version } => {
                let method = match method {
                    Method::Known(m) => atom::atom(m),
                    Method::Other(t) => self.text(ctx, t),
                };
                let uri = self.uri(ctx, uri);
                let version = self.version(ctx, *version);
                terms::tuple(ctx.heap(), &[atom::atom("http_request"), method, uri, version])
            }
            Http::Response { version, status, phrase } => {
                let version = self.version(ctx, *version);
                let phrase = self.text(ctx, phrase);
                terms::tuple(ctx.heap(), &[atom::atom("http_response"), version, Term::small(*status as i64), phrase])
            }
            Http::Header { field, name_len, value } => {
                let (index, field) = match field {
                    Ok(i) => (*i as i64 + 1, atom::atom(HEADERS[*i])),
                    Err(t) => (0, self.text(ctx, t)),
                };
                let name = self.text(ctx, &at(0, *name_len));
                let value = self.text(ctx, value);
                terms::tuple(ctx.heap(), &[atom::atom("http_header"), Term::small(index), field, name, value])
            }
            Http::EndOfHeaders => atom::atom("http_eoh"),
            Http::Error => {
                let line = self.text(ctx, &at(0, packet_len));
                terms::tuple(ctx.heap(), &[atom::atom("http_error"), line])
            }
        }
    }
}

/// `{ssl_tls, [], ContentType, {Major, Minor}, Data}`; an SSLv2 client hello is handshake
/// (22) data with a 4-byte handshake header made up in front: `<<1, Len:24>>`.
fn ssl_tls(ctx: &mut Ctx, packet: &[u8]) -> Term {
    let (kind, major, minor, data) = if packet[0] & 0x80 != 0 && packet[2] == 1 {
        let body = &packet[3..];
        let len = body.len() as u32;
        let mut data = Vec::with_capacity(4 + body.len());
        data.extend_from_slice(&[1, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
        data.extend_from_slice(body);
        (22, packet[3], packet[4], data)
    } else {
        (packet[0], packet[1], packet[2], packet[5..].to_vec())
    };
    let bin = terms::binary(ctx.heap(), &data);
    let version = terms::tuple(ctx.heap(), &[Term::small(major as i64), Term::small(minor as i64)]);
    terms::tuple(ctx.heap(), &[atom::atom("ssl_tls"), Term::NIL, Term::small(kind as i64), version, bin])
}

// ---------------------------------------------------------------- the BIF

/// The options list: `{packet_size, N}`, `{line_length, N}` (0 ≤ N < 2^32) and, for `line`,
/// `{line_delimiter, Byte}`.
fn options(mut l: Term, ty: PacketType) -> Option<Limits> {
    let mut limits = Limits::default();
    while !l.is_nil() {
        let (opt, tail) = terms::cons_parts(l)?;
        let &[key, val] = <&[Term; 2]>::try_from(terms::tuple_elems(opt)?).ok()?;
        let val = u32::try_from(term_to_u64(val)?).ok()?;
        if !key.is_atom() {
            return None;
        }
        match atom::name(key) {
            "packet_size" => limits.packet_size = val,
            "line_length" => limits.line_length = val,
            "line_delimiter" if ty == PacketType::Line && val <= 255 => limits.delimiter = val as u8,
            _ => return None,
        }
        l = tail;
    }
    Some(limits)
}

fn decode_packet_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(ty) = PacketType::of_term(a[0]) else {
        return Err(Exc::ErrorCause { reason: am::BADARG, cause: am::BADOPT });
    };
    let Some(view) = bit_view(a[1]) else { return badarg_r() };
    if !a[2].is_list() && !a[2].is_nil() {
        return badarg_r();
    }
    let Some(limits) = options(a[2], ty) else { return badarg_r() };

    let size = view.bit_size / 8;
    let aligned;
    let bytes: &[u8] = if view.bit_offset % 8 == 0 {
        &view.bytes[view.bit_offset / 8..view.bit_offset / 8 + size]
    } else {
        let mut v = alloc::vec![0u8; size];
        terms::copy_bits(view.bytes, view.bit_offset, &mut v, 0, size * 8);
        aligned = v;
        &aligned
    };
    let seen = &bytes[..size.min(u32::MAX as usize)];
    let packet_len = packet_length(ty, seen, limits);
    if packet_len < 0 {
        return Ok(terms::tuple(ctx.heap(), &[am::ERROR, atom::atom("invalid")]));
    }
    let packet_len = packet_len as usize;
    if packet_len == 0 || packet_len > size {
        let len = if packet_len == 0 { am::UNDEFINED } else { Term::small(packet_len as i64) };
        return Ok(terms::tuple(ctx.heap(), &[atom::atom("more"), len]));
    }

    let packet = &bytes[..packet_len];
    let result = if ty.is_http() {
        let strings = Strings { input: a[1], bytes, as_binary: matches!(ty, PacketType::HttpBin | PacketType::HttphBin) };
        let h = parse_http(packet, ty.is_header());
        strings.http(ctx, &h, packet_len)
    } else if ty == PacketType::SslTls {
        ssl_tls(ctx, packet)
    } else {
        let (start, len) = match ty {
            PacketType::One => (1, packet_len - 1),
            PacketType::Two => (2, packet_len - 2),
            PacketType::Four => (4, packet_len - 4),
            PacketType::Fcgi => (0, packet_len - packet[6] as usize),
            _ => (0, packet_len),
        };
        terms::sub_binary(ctx.heap(), a[1], start * 8, len * 8)
    };
    let rest = terms::sub_binary(ctx.heap(), a[1], packet_len * 8, view.bit_size - packet_len * 8);
    Ok(terms::tuple(ctx.heap(), &[am::OK, result, rest]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(ty: PacketType, b: &[u8]) -> i32 {
        packet_length(ty, b, Limits::default())
    }

    #[test]
    fn lengths_wrap_as_c_ints() {
        assert_eq!(len(PacketType::Four, &[0x7f, 0xff, 0xff, 0xfb]), i32::MAX);
        assert_eq!(len(PacketType::Four, &[0x7f, 0xff, 0xff, 0xfc]), -1);
        assert_eq!(len(PacketType::Tpkt, &[3, 0, 0, 3]), -1);
        assert_eq!(len(PacketType::Tpkt, &[3, 0, 0, 4]), 4);
        assert_eq!(len(PacketType::Asn1, &[0x1f, 0x81, 0x80]), 0);
        assert_eq!(len(PacketType::Asn1, &[0x30, 0x80]), 2);
        assert_eq!(len(PacketType::Asn1, &[0x30, 0x85, 1, 1, 1, 1, 1]), -1);
    }

    #[test]
    fn header_names_are_recapitalised() {
        let h = parse_http(b"cONTENT-type: x\r\n", true);
        assert_eq!(h, Http::Header { field: Ok(41), name_len: 12, value: at(14, 1) });
        let h = parse_http(b"x--y: z\r\n", true);
        assert_eq!(h, Http::Header { field: Err(Text::Owned(b"X--y".to_vec())), name_len: 4, value: at(6, 1) });
    }
}
