//! A backtracking regular-expression engine for the `re` BIFs, compatible with PCRE 8.44 (the
//! library inside ERTS) for the common syntax.
//!
//! `parse` turns the pattern into a [`Node`] tree (reporting PCRE's error messages and byte
//! offsets), `compile` lowers it to a small instruction program, and [`Regex::exec`] runs the
//! program with an explicit backtrack stack (no recursion on the subject: only lookarounds and
//! atomic groups recurse, bounded by the pattern's nesting depth, itself limited as in PCRE).
//! Every run has a step budget (`match_limit`): exponential patterns stop with
//! [`ExecError::MatchLimit`] instead of hanging.
//!
//! Positions are byte offsets in the subject; in UTF-8 mode the engine steps over whole
//! characters. Not supported (see vm/tests/re.rs `KNOWN_GAPS`): `\p{..}` properties,
//! recursion/subroutine calls, conditionals, branch reset, `\K`, callouts, verbs `(*..)`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

mod parse;
pub use parse::CompileError;
use parse::{ClassItem, Node, Rep};

/// Compile options (the PCRE flags that matter to the engine).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub caseless: bool,
    pub multiline: bool,
    pub dotall: bool,
    pub extended: bool,
    pub anchored: bool,
    pub utf8: bool,
    pub ucp: bool,
    pub ungreedy: bool,
    pub dollar_endonly: bool,
    pub firstline: bool,
    pub no_auto_capture: bool,
    pub dupnames: bool,
    pub newline: Newline,
    pub bsr_anycrlf: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Newline {
    #[default]
    Lf,
    Cr,
    Crlf,
    AnyCrlf,
    Any,
}

/// Match-time options.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExecOpts {
    pub anchored: bool,
    pub notbol: bool,
    pub noteol: bool,
    pub notempty: bool,
    pub notempty_atstart: bool,
    pub match_limit: Option<u64>,
    /// Newline convention given at run time (overrides the compiled one).
    pub newline: Option<Newline>,
    pub bsr_anycrlf: Option<bool>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ExecError {
    MatchLimit,
}

/// Backtrack points over all start positions of one run (PCRE's limit is per start).
const TOTAL_LIMIT: u64 = 50_000_000;

/// PCRE's default match limit.
pub const DEFAULT_MATCH_LIMIT: u64 = 10_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Assert {
    Bol,
    Eol,
    StartSubj,
    EndSubj,
    EndSubjNl,
    Circ,
    Dollar,
    DollarEnd,
    StartOffset,
    WordB,
    NotWordB,
}

#[derive(Clone, Debug)]
enum Inst {
    Char(u32),
    /// Caseless: matches any of the (up to 3) case variants.
    CharCi([u32; 3]),
    Any,
    AnyNoNl,
    Set(usize),
    Assert(Assert),
    /// Try `.0` first, then `.1`.
    Split(usize, usize),
    Jmp(usize),
    Save(usize),
    Backref { group: usize, ci: bool },
    MarkPos(usize),
    /// Loop back to `.1` if the position moved since `MarkPos(.0)`, else go on at `.2`.
    Progress(usize, usize, usize),
    Look { behind: bool, neg: bool, len: usize, start: usize, end: usize },
    Atomic { start: usize, end: usize },
    /// `\R`.
    AnyNl,
    /// End of a sub-program (lookaround / atomic group).
    SubEnd,
    Match,
}

/// A compiled pattern.
#[derive(Debug)]
pub struct Regex {
    prog: Vec<Inst>,
    sets: Vec<(bool, Vec<ClassItem>, bool)>,
    pub flags: Flags,
    /// Number of capturing groups.
    pub groups: usize,
    /// (name, group number), sorted by name as PCRE's name table.
    pub names: Vec<(Vec<u8>, usize)>,
    regs: usize,
    required: Option<(Vec<u8>, Vec<u8>)>,
}

/// Longest program we build (PCRE's own limit is on the compiled size too).
const MAX_PROG: usize = 1 << 20;

impl Regex {
    pub fn new(pattern: &[u8], flags: Flags) -> Result<Regex, CompileError> {
        let p = parse::parse(pattern, flags)?;
        let mut c = Compiler { prog: Vec::new(), sets: Vec::new(), regs: 0, flags: p.flags, refs: p.refs };
        c.node(&p.node).map_err(|_| CompileError { msg: "regular expression is too large", offset: pattern.len() })?;
        c.prog.push(Inst::Match);
        let required = parse::required_char(&p.node).map(|(ch, ci)| {
            let enc = |c: u32| -> Vec<u8> {
                if p.flags.utf8 {
                    let mut b = [0u8; 4];
                    char::from_u32(c).map_or_else(Vec::new, |x| x.encode_utf8(&mut b).as_bytes().to_vec())
                } else {
                    alloc::vec![c as u8]
                }
            };
            let v = if ci { case_variants(ch, p.flags.utf8) } else { [ch, ch, ch] };
            if v[2] != v[0] && v[2] != v[1] {
                return (Vec::new(), Vec::new());
            }
            (enc(v[1]), enc(v[0]))
        });
        let required = required.filter(|(a, b)| !a.is_empty() && !b.is_empty() && (p.flags.utf8 || (a.len() == 1 && b.len() == 1)));
        let mut names = p.names;
        names.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Regex { prog: c.prog, sets: c.sets, flags: p.flags, groups: p.groups, names, regs: c.regs, required })
    }

    /// Looks for a match starting at or after `offset`. Returns the capture vector (start, end
    /// per group; `None` for unset), or `None` when there is no match.
    #[allow(clippy::type_complexity)]
    pub fn exec(&self, subject: &[u8], offset: usize, opts: &ExecOpts) -> Result<Option<Vec<Option<(usize, usize)>>>, ExecError> {
        let mut m = Machine {
            re: self,
            s: subject,
            utf8: self.flags.utf8,
            offset,
            opts,
            newline: opts.newline.unwrap_or(self.flags.newline),
            bsr_anycrlf: opts.bsr_anycrlf.unwrap_or(self.flags.bsr_anycrlf),
            caps: vec![usize::MAX; 2 * (self.groups + 1)],
            regs: vec![usize::MAX; self.regs],
            stack: Vec::new(),
            steps: 0,
            total: 0,
            limit: opts.match_limit.unwrap_or(DEFAULT_MATCH_LIMIT),
            start: 0,
        };
        if let Some((a, b)) = &self.required {
            let hay = &subject[offset.min(subject.len())..];
            let has = |n: &[u8]| hay.windows(n.len()).any(|w| w == n);
            if !has(a) && (a == b || !has(b)) {
                return Ok(None);
            }
        }
        let anchored = opts.anchored || self.flags.anchored;
        let mut limit_end = subject.len();
        if self.flags.firstline {
            let mut p = offset;
            while p < subject.len() {
                if m.nl_at(p).is_some() {
                    break;
                }
                p += 1;
            }
            limit_end = p;
        }
        let mut start = offset;
        loop {
            m.start = start;
            for c in m.caps.iter_mut() {
                *c = usize::MAX;
            }
            m.stack.clear();
            m.total += m.steps;
            m.steps = 0;
            if m.total > TOTAL_LIMIT {
                return Err(ExecError::MatchLimit);
            }
            if let Some(end) = m.run(0, start, 0)? {
                m.caps[0] = start;
                m.caps[1] = end;
                let v = m.caps.chunks(2).map(|c| if c[0] == usize::MAX { None } else { Some((c[0], c[1])) }).collect();
                return Ok(Some(v));
            }
            if anchored || start >= limit_end {
                return Ok(None);
            }
            start += if self.flags.utf8 { utf8_len_at(subject, start) } else { 1 };
            if start > limit_end {
                return Ok(None);
            }
        }
    }
}

// ---------------------------------------------------------------- compiler

struct Compiler {
    prog: Vec<Inst>,
    sets: Vec<(bool, Vec<ClassItem>, bool)>,
    regs: usize,
    flags: Flags,
    refs: Vec<usize>,
}

struct TooLarge;

impl Compiler {
    fn emit(&mut self, i: Inst) -> Result<usize, TooLarge> {
        if self.prog.len() >= MAX_PROG {
            return Err(TooLarge);
        }
        self.prog.push(i);
        Ok(self.prog.len() - 1)
    }

    fn node(&mut self, n: &Node) -> Result<(), TooLarge> {
        match n {
            Node::Empty => {}
            Node::Char(c, ci) => {
                if *ci {
                    let v = case_variants(*c, self.flags.utf8);
                    if v[0] == v[1] && v[1] == v[2] {
                        self.emit(Inst::Char(*c))?;
                    } else {
                        self.emit(Inst::CharCi(v))?;
                    }
                } else {
                    self.emit(Inst::Char(*c))?;
                }
            }
            Node::Any(dotall) => {
                self.emit(if *dotall { Inst::Any } else { Inst::AnyNoNl })?;
            }
            Node::Class(neg, items, ci) => {
                self.sets.push((*neg, items.clone(), *ci));
                let i = self.sets.len() - 1;
                self.emit(Inst::Set(i))?;
            }
            Node::Type(it) => {
                self.sets.push((false, vec![it.clone()], false));
                let i = self.sets.len() - 1;
                self.emit(Inst::Set(i))?;
            }
            Node::Bol(multi) => {
                self.emit(Inst::Assert(if *multi { Assert::Bol } else { Assert::Circ }))?;
            }
            Node::Eol(multi, endonly) => {
                let a = if *multi {
                    Assert::Eol
                } else if *endonly {
                    Assert::DollarEnd
                } else {
                    Assert::Dollar
                };
                self.emit(Inst::Assert(a))?;
            }
            Node::StartSubj => {
                self.emit(Inst::Assert(Assert::StartSubj))?;
            }
            Node::EndSubj => {
                self.emit(Inst::Assert(Assert::EndSubj))?;
            }
            Node::EndSubjNl => {
                self.emit(Inst::Assert(Assert::EndSubjNl))?;
            }
            Node::StartOffset => {
                self.emit(Inst::Assert(Assert::StartOffset))?;
            }
            Node::WordB(neg) => {
                self.emit(Inst::Assert(if *neg { Assert::NotWordB } else { Assert::WordB }))?;
            }
            Node::AnyNl => {
                self.emit(Inst::AnyNl)?;
            }
            Node::Group(inner, cap) => match cap {
                Some(g) => {
                    self.emit(Inst::Save(2 * g))?;
                    self.node(inner)?;
                    self.emit(Inst::Save(2 * g + 1))?;
                }
                None => self.node(inner)?,
            },
            Node::Concat(v) => {
                for x in v {
                    self.node(x)?;
                }
            }
            Node::Alt(v) => {
                let mut jumps = Vec::new();
                for (i, x) in v.iter().enumerate() {
                    if i + 1 < v.len() {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(x)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, next);
                    } else {
                        self.node(x)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat { node, min, max, rep } => {
                if *rep == Rep::Possessive {
                    let inner = Node::Repeat { node: node.clone(), min: *min, max: *max, rep: Rep::Greedy };
                    return self.atomic(&inner);
                }
                let greedy = *rep == Rep::Greedy;
                let quirk = match &**node {
                    Node::Type(it @ (ClassItem::Digit(_) | ClassItem::Word(_) | ClassItem::Space(_))) if self.flags.utf8 && !self.flags.ucp => {
                        Some(Node::Type(ClassItem::AsciiType(Box::new(it.clone()))))
                    }
                    _ => None,
                };
                for _ in 0..*min {
                    self.node(quirk.as_ref().unwrap_or(node))?;
                }
                match max {
                    None => {
                        // L: split(body, exit); body: mark; X; progress(L, exit)
                        let r = self.regs;
                        self.regs += 1;
                        let l = self.emit(Inst::Split(0, 0))?;
                        self.emit(Inst::MarkPos(r))?;
                        self.node(node)?;
                        let pr = self.emit(Inst::Progress(r, l, 0))?;
                        let exit = self.prog.len();
                        self.prog[pr] = Inst::Progress(r, l, exit);
                        self.prog[l] = if greedy { Inst::Split(l + 1, exit) } else { Inst::Split(exit, l + 1) };
                    }
                    Some(mx) => {
                        let mut splits = Vec::new();
                        for _ in *min..*mx {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.node(node)?;
                        }
                        let exit = self.prog.len();
                        for s in splits {
                            self.prog[s] = if greedy { Inst::Split(s + 1, exit) } else { Inst::Split(exit, s + 1) };
                        }
                    }
                }
            }
            Node::Backref(g, ci) => {
                let group = self.refs[*g];
                self.emit(Inst::Backref { group, ci: *ci })?;
            }
            Node::Look { behind, neg, node } => {
                if *behind {
                    // One lookbehind per top-level alternative (each has its own fixed length).
                    let alts: Vec<&Node> = match &**node {
                        Node::Alt(v) => v.iter().collect(),
                        other => vec![other],
                    };
                    if alts.len() > 1 && !*neg {
                        // (?<=a|bc) = (?:(?<=a)|(?<=bc))
                        let v: Vec<Node> = alts
                            .iter()
                            .map(|a| Node::Look { behind: true, neg: false, node: Box::new((*a).clone()) })
                            .collect();
                        return self.node(&Node::Alt(v));
                    }
                    if alts.len() > 1 {
                        // (?<!a|bc) = (?<!a)(?<!bc)
                        for a in alts {
                            self.node(&Node::Look { behind: true, neg: true, node: Box::new(a.clone()) })?;
                        }
                        return Ok(());
                    }
                }
                let len = if *behind { parse::fixed_len(node).unwrap_or(0) } else { 0 };
                let at = self.emit(Inst::SubEnd)?;
                self.node(node)?;
                self.emit(Inst::SubEnd)?;
                let end = self.prog.len();
                self.prog[at] = Inst::Look { behind: *behind, neg: *neg, len, start: at + 1, end };
            }
            Node::Atomic(inner) => self.atomic(inner)?,
        }
        Ok(())
    }

    fn atomic(&mut self, inner: &Node) -> Result<(), TooLarge> {
        let at = self.emit(Inst::SubEnd)?;
        self.node(inner)?;
        self.emit(Inst::SubEnd)?;
        let end = self.prog.len();
        self.prog[at] = Inst::Atomic { start: at + 1, end };
        Ok(())
    }
}

/// The case variants of `c` (itself first).
fn case_variants(c: u32, utf8: bool) -> [u32; 3] {
    if (128..256).contains(&c) && !utf8 {
        if l1_upper(c) {
            return [c, c + 32, c + 32];
        }
        if matches!(c, 0xe0..=0xf6 | 0xf8..=0xfe) {
            return [c, c - 32, c - 32];
        }
        return [c, c, c];
    }
    if c < 128 || !utf8 {
        if (b'a' as u32..=b'z' as u32).contains(&c) {
            return [c, c - 32, c - 32];
        }
        if (b'A' as u32..=b'Z' as u32).contains(&c) {
            return [c, c + 32, c + 32];
        }
        return [c, c, c];
    }
    let ch = match char::from_u32(c) {
        Some(ch) => ch,
        None => return [c, c, c],
    };
    let single = |mut it: core::iter::Map<core::char::ToLowercase, fn(char) -> u32>| -> Option<u32> {
        let a = it.next()?;
        if it.next().is_some() {
            None
        } else {
            Some(a)
        }
    };
    let lo = single(ch.to_lowercase().map(|c| c as u32)).unwrap_or(c);
    let mut up = ch.to_uppercase();
    let u = match (up.next(), up.next()) {
        (Some(a), None) => a as u32,
        _ => c,
    };
    // Also the lowercase of the uppercase (e.g. K / k / KELVIN SIGN).
    let ul = char::from_u32(u).map(|x| {
        let mut l = x.to_lowercase();
        match (l.next(), l.next()) {
            (Some(a), None) => a as u32,
            _ => u,
        }
    });
    [c, if lo != c { lo } else { u }, if lo != c { u } else { ul.unwrap_or(u) }]
}

/// ISO 8859-1 character types: ERTS builds PCRE with Latin-1 tables, used for every
/// character below 256 (also in UTF-8 mode, without `ucp`).
fn l1_alpha(c: u32) -> bool {
    matches!(c, 0xaa | 0xb5 | 0xba | 0xc0..=0xd6 | 0xd8..=0xf6 | 0xf8..=0xff)
}
fn l1_upper(c: u32) -> bool {
    matches!(c, 0xc0..=0xd6 | 0xd8..=0xde)
}
fn l1_lower(c: u32) -> bool {
    matches!(c, 0xaa | 0xb5 | 0xba | 0xdf..=0xf6 | 0xf8..=0xff)
}

fn is_word(c: u32, ucp: bool) -> bool {
    if c < 128 {
        return (c as u8).is_ascii_alphanumeric() || c == b'_' as u32;
    }
    if c < 256 && !ucp {
        return l1_alpha(c);
    }
    ucp && char::from_u32(c).is_some_and(|ch| ch.is_alphanumeric())
}

fn is_space(c: u32, ucp: bool) -> bool {
    matches!(c, 9..=13 | 32) || (ucp && char::from_u32(c).is_some_and(|ch| ch.is_whitespace()))
}

fn is_digit(c: u32, ucp: bool) -> bool {
    (b'0' as u32..=b'9' as u32).contains(&c) || (ucp && c > 127 && char::from_u32(c).is_some_and(|ch| ch.is_numeric()))
}

fn is_hspace(c: u32) -> bool {
    matches!(c, 0x09 | 0x20 | 0xa0 | 0x1680 | 0x180e | 0x2000..=0x200a | 0x202f | 0x205f | 0x3000)
}

fn is_vspace(c: u32) -> bool {
    matches!(c, 0x0a..=0x0d | 0x85 | 0x2028 | 0x2029)
}

fn posix(kind: u8, c: u32) -> bool {
    if c > 255 {
        return false;
    }
    if c > 127 {
        return match kind {
            b'a' | b'n' | b'w' => l1_alpha(c),
            b'u' => l1_upper(c),
            b'l' => l1_lower(c),
            b'g' => c >= 0xa1,
            b'r' => c >= 0xa0,
            b'p' => c >= 0xa1 && !l1_alpha(c),
            b'c' => c < 0xa0,
            _ => false,
        };
    }
    let b = c as u8;
    match kind {
        b'a' => b.is_ascii_alphabetic(),
        b'd' => b.is_ascii_digit(),
        b'n' => b.is_ascii_alphanumeric(),
        b's' => matches!(b, 9..=13 | 32),
        b'u' => b.is_ascii_uppercase(),
        b'l' => b.is_ascii_lowercase(),
        b'p' => b.is_ascii_punctuation(),
        b'x' => b.is_ascii_hexdigit(),
        b'w' => b.is_ascii_alphanumeric() || b == b'_',
        b'b' => b == b' ' || b == b'\t',
        b'c' => b < 32 || b == 127,
        b'g' => b.is_ascii_graphic(),
        b'r' => b.is_ascii_graphic() || b == b' ',
        b'A' => true,
        _ => false,
    }
}

fn item_matches(it: &ClassItem, c: u32, ucp: bool) -> bool {
    match *it {
        ClassItem::Range(a, b) => a <= c && c <= b,
        ClassItem::Digit(n) => is_digit(c, ucp) != n,
        ClassItem::Word(n) => is_word(c, ucp) != n,
        ClassItem::Space(n) => is_space(c, ucp) != n,
        ClassItem::HSpace(n) => is_hspace(c) != n,
        ClassItem::VSpace(n) => is_vspace(c) != n,
        ClassItem::Posix(k, n) => posix(k, c) != n,
        ClassItem::AsciiType(ref it) => {
            if c >= 128 {
                matches!(**it, ClassItem::Digit(true) | ClassItem::Word(true) | ClassItem::Space(true))
            } else {
                item_matches(it, c, ucp)
            }
        }
    }
}

// ---------------------------------------------------------------- matcher

enum Bt {
    Alt { pc: usize, pos: usize },
    Slot { i: usize, old: usize },
    Reg { i: usize, old: usize },
}

struct Machine<'a> {
    re: &'a Regex,
    s: &'a [u8],
    utf8: bool,
    offset: usize,
    opts: &'a ExecOpts,
    newline: Newline,
    bsr_anycrlf: bool,
    caps: Vec<usize>,
    regs: Vec<usize>,
    stack: Vec<Bt>,
    steps: u64,
    total: u64,
    limit: u64,
    start: usize,
}

fn utf8_len_at(s: &[u8], p: usize) -> usize {
    let b = s[p];
    let n = if b < 0x80 {
        1
    } else if b >= 0xf0 {
        4
    } else if b >= 0xe0 {
        3
    } else if b >= 0xc0 {
        2
    } else {
        1
    };
    n.min(s.len() - p)
}

/// Decodes the (valid) UTF-8 character at `p`.
fn decode(s: &[u8], p: usize) -> (u32, usize) {
    let n = utf8_len_at(s, p);
    let b = s[p] as u32;
    let c = match n {
        1 => b,
        2 => ((b & 0x1f) << 6) | (s[p + 1] as u32 & 0x3f),
        3 => ((b & 0x0f) << 12) | ((s[p + 1] as u32 & 0x3f) << 6) | (s[p + 2] as u32 & 0x3f),
        _ => ((b & 0x07) << 18) | ((s[p + 1] as u32 & 0x3f) << 12) | ((s[p + 2] as u32 & 0x3f) << 6) | (s[p + 3] as u32 & 0x3f),
    };
    (c, n)
}

/// Is `s` valid UTF-8 as PCRE checks it (no surrogates, at most U+10FFFF, shortest form)?
pub fn valid_utf8(s: &[u8]) -> bool {
    core::str::from_utf8(s).is_ok()
}

impl<'a> Machine<'a> {
    #[inline]
    fn next(&self, p: usize) -> Option<(u32, usize)> {
        if p >= self.s.len() {
            return None;
        }
        if self.utf8 {
            Some(decode(self.s, p))
        } else {
            Some((self.s[p] as u32, 1))
        }
    }

    #[inline]
    fn prev(&self, p: usize) -> Option<(u32, usize)> {
        if p == 0 {
            return None;
        }
        if self.utf8 {
            let mut q = p - 1;
            while q > 0 && (self.s[q] & 0xc0) == 0x80 && p - q < 4 {
                q -= 1;
            }
            let (c, _) = decode(self.s, q);
            Some((c, p - q))
        } else {
            Some((self.s[p - 1] as u32, 1))
        }
    }

    /// Length of the newline sequence starting at `p`.
    fn nl_at(&self, p: usize) -> Option<usize> {
        let s = self.s;
        if p >= s.len() {
            return None;
        }
        let b = s[p];
        match self.newline {
            Newline::Lf => (b == b'\n').then_some(1),
            Newline::Cr => (b == b'\r').then_some(1),
            Newline::Crlf => (b == b'\r' && s.get(p + 1) == Some(&b'\n')).then_some(2),
            Newline::AnyCrlf | Newline::Any => {
                if b == b'\r' {
                    Some(if s.get(p + 1) == Some(&b'\n') { 2 } else { 1 })
                } else if b == b'\n' {
                    Some(1)
                } else if self.newline == Newline::Any {
                    let (c, n) = self.next(p)?;
                    matches!(c, 0x0b | 0x0c | 0x85 | 0x2028 | 0x2029).then_some(n)
                } else {
                    None
                }
            }
        }
    }

    /// Does a newline sequence end exactly at `p`?
    fn nl_before(&self, p: usize) -> bool {
        let s = self.s;
        if p == 0 {
            return false;
        }
        match self.newline {
            Newline::Lf => s[p - 1] == b'\n',
            Newline::Cr => s[p - 1] == b'\r',
            Newline::Crlf => p >= 2 && s[p - 2] == b'\r' && s[p - 1] == b'\n',
            Newline::AnyCrlf | Newline::Any => {
                let b = s[p - 1];
                if b == b'\n' || b == b'\r' {
                    return true;
                }
                self.newline == Newline::Any && self.prev(p).is_some_and(|(c, _)| matches!(c, 0x0b | 0x0c | 0x85 | 0x2028 | 0x2029))
            }
        }
    }

    fn word_before(&self, p: usize) -> bool {
        self.prev(p).is_some_and(|(c, _)| is_word(c, self.re.flags.ucp))
    }

    fn word_at(&self, p: usize) -> bool {
        self.next(p).is_some_and(|(c, _)| is_word(c, self.re.flags.ucp))
    }

    fn assert(&self, a: Assert, p: usize) -> bool {
        let len = self.s.len();
        match a {
            Assert::StartSubj => p == 0,
            Assert::Circ => p == 0 && !self.opts.notbol,
            Assert::Bol => (p == 0 && !self.opts.notbol) || (p > 0 && p < len && self.nl_before(p)),
            Assert::EndSubj => p == len,
            Assert::DollarEnd => p == len && !self.opts.noteol,
            Assert::EndSubjNl => p == len || self.nl_at(p).is_some_and(|n| p + n == len),
            Assert::Dollar => !self.opts.noteol && (p == len || self.nl_at(p).is_some_and(|n| p + n == len)),
            Assert::Eol => {
                if p == len {
                    return !self.opts.noteol;
                }
                self.nl_at(p).is_some()
            }
            Assert::StartOffset => p == self.offset,
            Assert::WordB => self.word_before(p) != self.word_at(p),
            Assert::NotWordB => self.word_before(p) == self.word_at(p),
        }
    }

    fn set_slot(&mut self, i: usize, v: usize) {
        let old = self.caps[i];
        self.stack.push(Bt::Slot { i, old });
        self.caps[i] = v;
    }

    fn set_reg(&mut self, i: usize, v: usize) {
        let old = self.regs[i];
        self.stack.push(Bt::Reg { i, old });
        self.regs[i] = v;
    }

    /// Undoes the stack down to `base` (for a failed or negative sub-match).
    fn unwind(&mut self, base: usize) {
        while self.stack.len() > base {
            match self.stack.pop() {
                Some(Bt::Slot { i, old }) => self.caps[i] = old,
                Some(Bt::Reg { i, old }) => self.regs[i] = old,
                _ => {}
            }
        }
    }

    /// Drops the backtrack points above `base`, keeping the undo records (atomic success).
    fn commit(&mut self, base: usize) {
        let mut w = base;
        for r in base..self.stack.len() {
            if !matches!(self.stack[r], Bt::Alt { .. }) {
                self.stack.swap(w, r);
                w += 1;
            }
        }
        self.stack.truncate(w);
    }

    /// Runs the program from `pc` at `pos` until `Match` (top level) or `SubEnd` (a
    /// sub-program); the end position, or `None` when every path failed (state undone).
    fn run(&mut self, mut pc: usize, mut pos: usize, depth: usize) -> Result<Option<usize>, ExecError> {
        let base = self.stack.len();
        let prog = &self.re.prog;
        loop {
            let ok = match &prog[pc] {
                Inst::Char(c) => match self.next(pos) {
                    Some((x, n)) if x == *c => {
                        pos += n;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::CharCi(v) => match self.next(pos) {
                    Some((x, n)) if x == v[0] || x == v[1] || x == v[2] => {
                        pos += n;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::Any => match self.next(pos) {
                    Some((_, n)) => {
                        pos += n;
                        pc += 1;
                        true
                    }
                    None => false,
                },
                Inst::AnyNoNl => match self.next(pos) {
                    Some((_, n)) if self.nl_at(pos).is_none() || (self.newline == Newline::Crlf && self.s[pos] == b'\r' && false) => {
                        pos += n;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::Set(i) => match self.next(pos) {
                    Some((c, n)) => {
                        let (neg, items, ci) = &self.re.sets[*i];
                        let ucp = self.re.flags.ucp;
                        let mut hit = items.iter().any(|it| item_matches(it, c, ucp));
                        if !hit && *ci {
                            let v = case_variants(c, self.utf8);
                            hit = items.iter().any(|it| item_matches(it, v[1], ucp) || item_matches(it, v[2], ucp));
                        }
                        if hit != *neg {
                            pos += n;
                            pc += 1;
                            true
                        } else {
                            false
                        }
                    }
                    None => false,
                },
                Inst::AnyNl => {
                    let s = self.s;
                    match self.next(pos) {
                        Some((0x0d, _)) => {
                            pos += if s.get(pos + 1) == Some(&b'\n') { 2 } else { 1 };
                            pc += 1;
                            true
                        }
                        Some((c, n)) if c == 0x0a || (!self.bsr_anycrlf && matches!(c, 0x0b | 0x0c | 0x85 | 0x2028 | 0x2029)) => {
                            pos += n;
                            pc += 1;
                            true
                        }
                        _ => false,
                    }
                }
                Inst::Assert(a) => {
                    if self.assert(*a, pos) {
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Inst::Split(a, b) => {
                    self.steps += 1;
                    if self.steps > self.limit {
                        return Err(ExecError::MatchLimit);
                    }
                    self.stack.push(Bt::Alt { pc: *b, pos });
                    pc = *a;
                    true
                }
                Inst::Jmp(t) => {
                    pc = *t;
                    true
                }
                Inst::Save(i) => {
                    let i = *i;
                    self.set_slot(i, pos);
                    pc += 1;
                    true
                }
                Inst::MarkPos(r) => {
                    let r = *r;
                    self.set_reg(r, pos);
                    pc += 1;
                    true
                }
                Inst::Progress(r, l, exit) => {
                    pc = if self.regs[*r] != pos { *l } else { *exit };
                    true
                }
                Inst::Backref { group, ci } => {
                    let g = *group;
                    let (a, b) = (self.caps.get(2 * g).copied().unwrap_or(usize::MAX), self.caps.get(2 * g + 1).copied().unwrap_or(usize::MAX));
                    if a == usize::MAX || b == usize::MAX {
                        false // PCRE (non-JS mode): an unset group never matches
                    } else if !*ci {
                        let n = b - a;
                        if pos + n <= self.s.len() && self.s[a..b] == self.s[pos..pos + n] {
                            pos += n;
                            pc += 1;
                            true
                        } else {
                            false
                        }
                    } else {
                        let mut p = a;
                        let mut q = pos;
                        let mut ok = true;
                        while p < b {
                            let (c1, n1) = self.next(p).unwrap();
                            match self.next(q) {
                                Some((c2, n2)) => {
                                    let v = case_variants(c1, self.utf8);
                                    if !(c2 == v[0] || c2 == v[1] || c2 == v[2]) {
                                        ok = false;
                                        break;
                                    }
                                    p += n1;
                                    q += n2;
                                }
                                None => {
                                    ok = false;
                                    break;
                                }
                            }
                        }
                        if ok {
                            pos = q;
                            pc += 1;
                        }
                        ok
                    }
                }
                Inst::Look { behind, neg, len, start, end } => {
                    let (behind, neg, len, start, end) = (*behind, *neg, *len, *start, *end);
                    let from = if behind {
                        let mut p = pos;
                        let mut ok = true;
                        for _ in 0..len {
                            match self.prev(p) {
                                Some((_, n)) => p -= n,
                                None => {
                                    ok = false;
                                    break;
                                }
                            }
                        }
                        if ok {
                            Some(p)
                        } else {
                            None
                        }
                    } else {
                        Some(pos)
                    };
                    let sub_base = self.stack.len();
                    let found = match from {
                        Some(p) => self.run(start, p, depth + 1)?.is_some(),
                        None => false,
                    };
                    if found {
                        if neg {
                            self.unwind(sub_base);
                            false
                        } else {
                            self.commit(sub_base);
                            pc = end;
                            true
                        }
                    } else if neg {
                        pc = end;
                        true
                    } else {
                        false
                    }
                }
                Inst::Atomic { start, end } => {
                    let (start, end) = (*start, *end);
                    let sub_base = self.stack.len();
                    match self.run(start, pos, depth + 1)? {
                        Some(p) => {
                            self.commit(sub_base);
                            pos = p;
                            pc = end;
                            true
                        }
                        None => false,
                    }
                }
                Inst::SubEnd => return Ok(Some(pos)),
                Inst::Match => {
                    let empty = pos == self.start;
                    if empty && (self.opts.notempty || (self.opts.notempty_atstart && self.start == self.offset)) {
                        false
                    } else {
                        return Ok(Some(pos));
                    }
                }
            };
            if !ok {
                // Backtrack.
                loop {
                    if self.stack.len() <= base {
                        return Ok(None);
                    }
                    match self.stack.pop().unwrap() {
                        Bt::Alt { pc: p, pos: q } => {
                            pc = p;
                            pos = q;
                            break;
                        }
                        Bt::Slot { i, old } => self.caps[i] = old,
                        Bt::Reg { i, old } => self.regs[i] = old,
                    }
                }
            }
        }
    }
}

/// The PCRE version string ERTS reports.
pub const VERSION: &str = "8.44 2020-02-12";

/// Serialized form kept in the `re_pattern` tuple's binary: magic, flags, then the source.
pub fn serialize(pattern: &[u8], flags: &Flags) -> Vec<u8> {
    let mut v = Vec::with_capacity(pattern.len() + 16);
    v.extend_from_slice(b"BMRE");
    let bits: u32 = (flags.caseless as u32)
        | (flags.multiline as u32) << 1
        | (flags.dotall as u32) << 2
        | (flags.extended as u32) << 3
        | (flags.anchored as u32) << 4
        | (flags.utf8 as u32) << 5
        | (flags.ucp as u32) << 6
        | (flags.ungreedy as u32) << 7
        | (flags.dollar_endonly as u32) << 8
        | (flags.firstline as u32) << 9
        | (flags.no_auto_capture as u32) << 10
        | (flags.dupnames as u32) << 11
        | (flags.bsr_anycrlf as u32) << 12
        | (flags.newline as u32) << 16;
    v.extend_from_slice(&bits.to_le_bytes());
    v.extend_from_slice(pattern);
    v
}

pub fn deserialize(b: &[u8]) -> Option<(Vec<u8>, Flags)> {
    if b.len() < 8 || &b[..4] != b"BMRE" {
        return None;
    }
    let bits = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    let bit = |i: u32| bits & (1 << i) != 0;
    let newline = match (bits >> 16) & 0xff {
        0 => Newline::Lf,
        1 => Newline::Cr,
        2 => Newline::Crlf,
        3 => Newline::AnyCrlf,
        4 => Newline::Any,
        _ => return None,
    };
    let f = Flags {
        caseless: bit(0),
        multiline: bit(1),
        dotall: bit(2),
        extended: bit(3),
        anchored: bit(4),
        utf8: bit(5),
        ucp: bit(6),
        ungreedy: bit(7),
        dollar_endonly: bit(8),
        firstline: bit(9),
        no_auto_capture: bit(10),
        dupnames: bit(11),
        bsr_anycrlf: bit(12),
        newline,
    };
    Some((b[8..].to_vec(), f))
}

#[allow(dead_code)]
fn _unused(_: String) {}
