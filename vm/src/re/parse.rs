//! Pattern parser: PCRE 8.44 syntax to a [`Node`] tree, with PCRE's error messages and
//! offsets (byte offsets into the pattern).

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::Flags;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub msg: &'static str,
    pub offset: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassItem {
    Range(u32, u32),
    Digit(bool),
    Word(bool),
    Space(bool),
    HSpace(bool),
    VSpace(bool),
    /// POSIX class by key letter, negated?
    Posix(u8, bool),
    /// A type escape in the mandatory part of a repeat in UTF-8 mode: PCRE's loop there
    /// looks at the first byte only, so a non-ASCII character never matches `\d \w \s`
    /// and always matches `\D \W \S`.
    AsciiType(Box<ClassItem>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rep {
    Greedy,
    Lazy,
    Possessive,
}

#[derive(Clone, Debug)]
pub enum Node {
    Empty,
    Char(u32, bool),
    Any(bool),
    Class(bool, Vec<ClassItem>, bool),
    /// `\d \w \s \h \v` and negations outside a class (PCRE's OP_DIGIT etc.).
    Type(ClassItem),
    Bol(bool),
    Eol(bool, bool),
    StartSubj,
    EndSubj,
    EndSubjNl,
    StartOffset,
    WordB(bool),
    AnyNl,
    Group(Box<Node>, Option<usize>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32>, rep: Rep },
    Backref(usize, bool),
    Look { behind: bool, neg: bool, node: Box<Node> },
    Atomic(Box<Node>),
}

pub struct Parsed {
    pub node: Node,
    pub groups: usize,
    pub names: Vec<(Vec<u8>, usize)>,
    pub flags: Flags,
    /// Group number of each backreference (`Node::Backref`'s first field indexes this).
    pub refs: Vec<usize>,
}

/// A backreference to resolve once every group is known.
enum Pending {
    Num(usize, usize),
    Name(Vec<u8>, usize),
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
    utf8: bool,
    groups: usize,
    names: Vec<(Vec<u8>, usize)>,
    refs: Vec<Pending>,
    depth: usize,
    dupnames: bool,
    no_auto_capture: bool,
}

#[derive(Clone, Copy)]
struct Opt {
    i: bool,
    m: bool,
    s: bool,
    x: bool,
    u: bool, // ungreedy
    d: bool, // dollar_endonly
}

fn err<T>(msg: &'static str, offset: usize) -> Result<T, CompileError> {
    Err(CompileError { msg, offset })
}

const MAX_DEPTH: usize = 250;

pub fn parse(s: &[u8], flags: Flags) -> Result<Parsed, CompileError> {
    let mut flags = flags;
    // Leading (*UTF8) / (*UTF) / (*UCP) / (*CR) ... settings.
    let mut i = 0;
    loop {
        let rest = &s[i..];
        let known: &[(&[u8], u8)] = &[
            (b"(*UTF8)", 1),
            (b"(*UTF)", 1),
            (b"(*UCP)", 2),
            (b"(*CR)", 3),
            (b"(*LF)", 4),
            (b"(*CRLF)", 5),
            (b"(*ANYCRLF)", 6),
            (b"(*ANY)", 7),
            (b"(*BSR_ANYCRLF)", 8),
            (b"(*BSR_UNICODE)", 9),
        ];
        let mut hit = false;
        for (k, v) in known {
            if rest.starts_with(k) {
                match v {
                    1 => flags.utf8 = true,
                    2 => flags.ucp = true,
                    3 => flags.newline = super::Newline::Cr,
                    4 => flags.newline = super::Newline::Lf,
                    5 => flags.newline = super::Newline::Crlf,
                    6 => flags.newline = super::Newline::AnyCrlf,
                    7 => flags.newline = super::Newline::Any,
                    8 => flags.bsr_anycrlf = true,
                    _ => flags.bsr_anycrlf = false,
                }
                i += k.len();
                hit = true;
                break;
            }
        }
        if !hit {
            break;
        }
    }
    if flags.utf8 && core::str::from_utf8(s).is_err() {
        let off = match core::str::from_utf8(s) {
            Err(e) => e.valid_up_to(),
            Ok(_) => 0,
        };
        return err("invalid UTF-8 string", off);
    }
    let mut p = P {
        s,
        i,
        utf8: flags.utf8,
        groups: 0,
        names: Vec::new(),
        refs: Vec::new(),
        depth: 0,
        dupnames: flags.dupnames,
        no_auto_capture: flags.no_auto_capture,
    };
    let mut opt = Opt { i: flags.caseless, m: flags.multiline, s: flags.dotall, x: flags.extended, u: flags.ungreedy, d: flags.dollar_endonly };
    let mut node = p.alt(&mut opt)?;
    if p.i < s.len() {
        // Only a ')' stops the top level.
        return err("unmatched parentheses", p.i);
    }
    // Resolve backreferences.
    let mut resolved = Vec::new();
    for r in core::mem::take(&mut p.refs) {
        let (g, at) = match r {
            Pending::Num(n, at) => (n, at),
            Pending::Name(name, at) => match p.names.iter().find(|(n, _)| *n == name) {
                Some((_, g)) => (*g, at),
                None => return err("reference to non-existent subpattern", at),
            },
        };
        if g > p.groups {
            return err("reference to non-existent subpattern", at);
        }
        resolved.push(g);
    }
    let _ = &mut node;
    Ok(Parsed { node, groups: p.groups, names: p.names, flags, refs: resolved })
}

/// A character every match must contain (PCRE's "required byte"): (char, caseless).
pub fn required_char(n: &Node) -> Option<(u32, bool)> {
    match n {
        Node::Char(c, ci) => Some((*c, *ci)),
        Node::Group(x, _) | Node::Atomic(x) => required_char(x),
        Node::Repeat { node, min, .. } if *min >= 1 => required_char(node),
        Node::Concat(v) => v.iter().rev().find_map(required_char),
        _ => None,
    }
}

/// The fixed length (in characters) of a node, if it has one.
pub fn fixed_len(n: &Node) -> Option<usize> {
    Some(match n {
        Node::Empty => 0,
        Node::Char(..) | Node::Any(_) | Node::Class(..) | Node::Type(_) => 1,
        Node::Bol(_) | Node::Eol(..) | Node::StartSubj | Node::EndSubj | Node::EndSubjNl | Node::StartOffset | Node::WordB(_) => 0,
        Node::Look { .. } => 0,
        Node::AnyNl => return None,
        Node::Group(x, _) | Node::Atomic(x) => fixed_len(x)?,
        Node::Concat(v) => {
            let mut t = 0;
            for x in v {
                t += fixed_len(x)?;
            }
            t
        }
        Node::Alt(v) => {
            let f = fixed_len(&v[0])?;
            for x in &v[1..] {
                if fixed_len(x)? != f {
                    return None;
                }
            }
            f
        }
        Node::Repeat { node, min, max, .. } => {
            if Some(*min) != *max {
                return None;
            }
            fixed_len(node)? * (*min as usize)
        }
        Node::Backref(..) => return None,
    })
}

fn is_quant_start(s: &[u8], i: usize) -> bool {
    match s.get(i) {
        Some(b'*') | Some(b'+') | Some(b'?') => true,
        Some(b'{') => brace_quant(s, i).is_some(),
        _ => false,
    }
}

/// `{n}`, `{n,}`, `{n,m}` at `i`: (min, max, index after '}'); digits only checked for shape.
fn brace_quant(s: &[u8], i: usize) -> Option<(usize, usize, Option<(usize, usize)>, usize)> {
    let mut j = i + 1;
    let a0 = j;
    while j < s.len() && s[j].is_ascii_digit() {
        j += 1;
    }
    if j == a0 {
        return None;
    }
    let a = (a0, j);
    if s.get(j) == Some(&b'}') {
        return Some((a.0, a.1, Some(a), j + 1));
    }
    if s.get(j) != Some(&b',') {
        return None;
    }
    j += 1;
    let b0 = j;
    while j < s.len() && s[j].is_ascii_digit() {
        j += 1;
    }
    if s.get(j) != Some(&b'}') {
        return None;
    }
    if j == b0 {
        Some((a.0, a.1, None, j + 1))
    } else {
        Some((a.0, a.1, Some((b0, j)), j + 1))
    }
}

fn num(s: &[u8], r: (usize, usize)) -> u64 {
    let mut v: u64 = 0;
    for &b in &s[r.0..r.1] {
        v = (v * 10 + (b - b'0') as u64).min(1 << 40);
    }
    v
}

impl<'a> P<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// The next pattern character (UTF-8 decoded in UTF mode).
    fn char(&mut self) -> u32 {
        if self.utf8 {
            let (c, n) = super::decode(self.s, self.i);
            self.i += n;
            c
        } else {
            let c = self.s[self.i] as u32;
            self.i += 1;
            c
        }
    }

    fn skip_extended(&mut self, opt: &Opt) {
        if !opt.x {
            return;
        }
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) => self.i += 1,
                Some(b'#') => {
                    while let Some(c) = self.peek() {
                        self.i += 1;
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn alt(&mut self, opt: &mut Opt) -> Result<Node, CompileError> {
        let mut alts = Vec::new();
        loop {
            alts.push(self.concat(opt)?);
            if self.peek() == Some(b'|') {
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap() } else { Node::Alt(alts) })
    }

    fn concat(&mut self, opt: &mut Opt) -> Result<Node, CompileError> {
        let mut items: Vec<Node> = Vec::new();
        loop {
            self.skip_extended(opt);
            let start = self.i;
            let c = match self.peek() {
                None | Some(b'|') | Some(b')') => break,
                Some(c) => c,
            };
            let atom = match c {
                b'(' => match self.group(opt)? {
                    Some(n) => n,
                    None => continue, // option setting / comment
                },
                b'[' => self.class(opt)?,
                b'.' => {
                    self.i += 1;
                    Node::Any(opt.s)
                }
                b'^' => {
                    self.i += 1;
                    Node::Bol(opt.m)
                }
                b'$' => {
                    self.i += 1;
                    Node::Eol(opt.m, opt.d)
                }
                b'\\' => {
                    if self.s.get(self.i + 1) == Some(&b'Q') {
                        self.i += 2;
                        loop {
                            if self.i >= self.s.len() {
                                break;
                            }
                            if self.s[self.i] == b'\\' && self.s.get(self.i + 1) == Some(&b'E') {
                                self.i += 2;
                                break;
                            }
                            let ch = self.char();
                            items.push(Node::Char(ch, opt.i));
                        }
                        continue;
                    }
                    if self.s.get(self.i + 1) == Some(&b'E') {
                        self.i += 2;
                        continue;
                    }
                    self.escape(opt, false)?
                }
                b'*' | b'+' | b'?' => return err("nothing to repeat", self.i),
                b'{' if brace_quant(self.s, self.i).is_some() => return err("nothing to repeat", self.i),
                _ => {
                    let ch = self.char();
                    Node::Char(ch, opt.i)
                }
            };
            let _ = start;
            self.skip_extended(opt);
            let atom = self.quant(atom, opt)?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap(),
            _ => Node::Concat(items),
        })
    }

    fn quant(&mut self, mut atom: Node, opt: &Opt) -> Result<Node, CompileError> {
        loop {
            if !is_quant_start(self.s, self.i) {
                return Ok(atom);
            }
            let qpos = self.i;
            let (min, max) = match self.s[self.i] {
                b'*' => {
                    self.i += 1;
                    (0, None)
                }
                b'+' => {
                    self.i += 1;
                    (1, None)
                }
                b'?' => {
                    self.i += 1;
                    (0, Some(1))
                }
                _ => {
                    let (a0, a1, b, end) = brace_quant(self.s, self.i).unwrap();
                    let mn = num(self.s, (a0, a1));
                    if mn > 65535 {
                        return err("number too big in {} quantifier", a1);
                    }
                    let mx = match b {
                        Some(r) => {
                            let v = num(self.s, r);
                            if v > 65535 {
                                return err("number too big in {} quantifier", r.1);
                            }
                            if v < mn {
                                return err("numbers out of order in {} quantifier", r.1);
                            }
                            Some(v as u32)
                        }
                        None => None,
                    };
                    self.i = end;
                    (mn as u32, mx)
                }
            };
            match atom {
                Node::Bol(_) | Node::Eol(..) | Node::StartSubj | Node::EndSubj | Node::EndSubjNl | Node::StartOffset | Node::WordB(_) => {
                    return err("nothing to repeat", qpos);
                }
                Node::Repeat { .. } if !matches!(self.s[qpos], b'{') && false => {}
                _ => {}
            }
            let mut rep = if opt.u { Rep::Lazy } else { Rep::Greedy };
            match self.peek() {
                Some(b'?') => {
                    self.i += 1;
                    rep = if opt.u { Rep::Greedy } else { Rep::Lazy };
                }
                Some(b'+') => {
                    self.i += 1;
                    rep = Rep::Possessive;
                }
                _ => {}
            }
            // Lookarounds repeat at most once.
            let (min, max) = if matches!(atom, Node::Look { .. }) { (min.min(1), Some(max.unwrap_or(1).min(1))) } else { (min, max) };
            atom = Node::Repeat { node: Box::new(atom), min, max, rep };
            // A quantifier right after a quantifier (other than the ?/+ modifiers) is an error.
            if is_quant_start(self.s, self.i) {
                if self.s[self.i] == b'{' {
                    let end = brace_quant(self.s, self.i).unwrap().3;
                    return err("nothing to repeat", end - 1);
                }
                return err("nothing to repeat", self.i);
            }
        }
    }

    fn name(&mut self, term: u8) -> Result<Vec<u8>, CompileError> {
        let st = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.i += 1;
            } else {
                break;
            }
        }
        if self.i == st {
            return err("group name must start with a non-digit", self.i);
        }
        if self.s[st].is_ascii_digit() {
            return err("group name must start with a non-digit", st);
        }
        if self.i - st > 32 {
            return err("subpattern name is too long (maximum 32 characters)", self.i);
        }
        if self.peek() != Some(term) {
            return err("syntax error in subpattern name (missing terminator)", self.i);
        }
        let n = self.s[st..self.i].to_vec();
        self.i += 1;
        Ok(n)
    }

    fn group(&mut self, opt: &mut Opt) -> Result<Option<Node>, CompileError> {
        let open = self.i;
        self.i += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err("parentheses are too deeply nested", self.i);
        }
        let r = self.group_body(opt, open);
        self.depth -= 1;
        r
    }

    fn close(&mut self) -> Result<(), CompileError> {
        if self.peek() != Some(b')') {
            return err("missing )", self.s.len());
        }
        self.i += 1;
        Ok(())
    }

    fn group_body(&mut self, opt: &mut Opt, open: usize) -> Result<Option<Node>, CompileError> {
        let _ = open;
        if self.peek() == Some(b'*') {
            let mut j = self.i;
            while j < self.s.len() && self.s[j] != b')' {
                j += 1;
            }
            return err("(*VERB) not recognized or malformed", j);
        }
        if self.peek() != Some(b'?') {
            if self.no_auto_capture {
                let mut o = *opt;
                let inner = self.alt(&mut o)?;
                self.close()?;
                return Ok(Some(Node::Group(Box::new(inner), None)));
            }
            self.groups += 1;
            let g = self.groups;
            let mut o = *opt;
            let inner = self.alt(&mut o)?;
            self.close()?;
            return Ok(Some(Node::Group(Box::new(inner), Some(g))));
        }
        self.i += 1;
        let c = match self.peek() {
            Some(c) => c,
            None => return err("unrecognized character after (? or (?-", self.i),
        };
        let sub = |p: &mut P, opt: &Opt| -> Result<Node, CompileError> {
            let mut o = *opt;
            let inner = p.alt(&mut o)?;
            p.close()?;
            Ok(inner)
        };
        match c {
            b':' => {
                self.i += 1;
                Ok(Some(Node::Group(Box::new(sub(self, opt)?), None)))
            }
            b'>' => {
                self.i += 1;
                Ok(Some(Node::Atomic(Box::new(sub(self, opt)?))))
            }
            b'=' | b'!' => {
                self.i += 1;
                let n = sub(self, opt)?;
                Ok(Some(Node::Look { behind: false, neg: c == b'!', node: Box::new(n) }))
            }
            b'#' => {
                while let Some(c) = self.peek() {
                    self.i += 1;
                    if c == b')' {
                        return Ok(None);
                    }
                }
                err("missing ) after comment", self.i)
            }
            b'<' if matches!(self.s.get(self.i + 1), Some(b'=') | Some(b'!')) => {
                let neg = self.s[self.i + 1] == b'!';
                self.i += 2;
                let n = sub(self, opt)?;
                let check = |x: &Node| fixed_len(x).is_some();
                let ok = match &n {
                    Node::Alt(v) => v.iter().all(check),
                    x => check(x),
                };
                if !ok {
                    return err("lookbehind assertion is not fixed length", self.i - 1);
                }
                Ok(Some(Node::Look { behind: true, neg, node: Box::new(n) }))
            }
            b'<' | b'P' | b'\'' => {
                let term = if c == b'\'' { b'\'' } else { b'>' };
                if c == b'P' {
                    self.i += 1;
                    match self.peek() {
                        Some(b'<') => {}
                        Some(b'=') => {
                            self.i += 1;
                            let at = self.i;
                            let name = self.name(b')')?;
                            return Ok(Some(self.backref_name(name, opt.i, at)));
                        }
                        Some(b'>') => return err("recursion and subroutine calls are not supported", self.i),
                        _ => return err("unrecognized character after (?P", self.i),
                    }
                }
                self.i += 1;
                let name = self.name(term)?;
                if !self.dupnames && self.names.iter().any(|(n, _)| *n == name) {
                    return err("two named subpatterns have the same name", self.i - 1);
                }
                self.groups += 1;
                let g = self.groups;
                self.names.push((name, g));
                Ok(Some(Node::Group(Box::new(sub(self, opt)?), Some(g))))
            }
            _ => {
                // Option settings: (?imsxUJX-imsx) or (?imsx-imsx:...)
                let mut o = *opt;
                let mut on = true;
                loop {
                    match self.peek() {
                        Some(b'i') => o.i = on,
                        Some(b'm') => o.m = on,
                        Some(b's') => o.s = on,
                        Some(b'x') => o.x = on,
                        Some(b'U') => o.u = on,
                        Some(b'J') => self.dupnames = on,
                        Some(b'X') => {}
                        Some(b'-') if on => on = false,
                        Some(b')') => {
                            self.i += 1;
                            *opt = o;
                            return Ok(None);
                        }
                        Some(b':') => {
                            self.i += 1;
                            let mut o2 = o;
                            let inner = self.alt(&mut o2)?;
                            self.close()?;
                            return Ok(Some(Node::Group(Box::new(inner), None)));
                        }
                        Some(b'R') | Some(b'0'..=b'9') | Some(b'&') | Some(b'+') => {
                            return err("recursion and subroutine calls are not supported", self.i);
                        }
                        Some(b'(') => return err("conditional groups are not supported", self.i),
                        Some(b'|') if o.i == opt.i && o.m == opt.m && o.s == opt.s && o.x == opt.x && on => {
                            self.i += 1;
                            let base = self.groups;
                            let mut top = base;
                            let mut alts = Vec::new();
                            let mut o2 = o;
                            loop {
                                self.groups = base;
                                alts.push(self.concat(&mut o2)?);
                                top = top.max(self.groups);
                                if self.peek() == Some(b'|') {
                                    self.i += 1;
                                } else {
                                    break;
                                }
                            }
                            self.groups = top;
                            self.close()?;
                            let inner = if alts.len() == 1 { alts.pop().unwrap() } else { Node::Alt(alts) };
                            return Ok(Some(Node::Group(Box::new(inner), None)));
                        }
                        _ => return err("unrecognized character after (? or (?-", self.i),
                    }
                    self.i += 1;
                }
            }
        }
    }

    fn backref_name(&mut self, name: Vec<u8>, ci: bool, at: usize) -> Node {
        let _ = at;
        let node = Node::Backref(0, ci);
        self.pending(Pending::Name(name, self.i - 1), node)
    }

    fn pending(&mut self, r: Pending, node: Node) -> Node {
        self.refs.push(r);
        match node {
            Node::Backref(_, ci) => Node::Backref(self.refs.len() - 1, ci),
            n => n,
        }
    }

    /// An escape outside a class (at `\`).
    fn escape(&mut self, opt: &Opt, _in_class: bool) -> Result<Node, CompileError> {
        let bs = self.i;
        self.i += 1;
        let c = match self.peek() {
            Some(c) => c,
            None => return err("\\ at end of pattern", self.s.len()),
        };
        let cls = Node::Type;
        let n = match c {
            b'd' => cls(ClassItem::Digit(false)),
            b'D' => cls(ClassItem::Digit(true)),
            b'w' => cls(ClassItem::Word(false)),
            b'W' => cls(ClassItem::Word(true)),
            b's' => cls(ClassItem::Space(false)),
            b'S' => cls(ClassItem::Space(true)),
            b'h' => cls(ClassItem::HSpace(false)),
            b'H' => cls(ClassItem::HSpace(true)),
            b'v' => cls(ClassItem::VSpace(false)),
            b'V' => cls(ClassItem::VSpace(true)),
            b'N' => Node::Any(false),
            b'R' => Node::AnyNl,
            b'b' => Node::WordB(false),
            b'B' => Node::WordB(true),
            b'A' => Node::StartSubj,
            b'z' => Node::EndSubj,
            b'Z' => Node::EndSubjNl,
            b'G' => Node::StartOffset,
            b'1'..=b'9' => {
                // Backreference, or octal when >= 10 and not that many groups so far.
                let st = self.i;
                let mut j = self.i;
                while j < self.s.len() && self.s[j].is_ascii_digit() {
                    j += 1;
                }
                let n = num(self.s, (st, j)) as usize;
                if (n < 10 && (c < b'8' || n <= self.groups)) || n <= self.groups {
                    self.i = j;
                    let node = Node::Backref(0, opt.i);
                    return Ok(self.pending(Pending::Num(n, j), node));
                }
                if c >= b'8' {
                    // Not octal: PCRE takes "\8", "\9" literally.
                    self.i += 1;
                    return Ok(Node::Char(c as u32, opt.i));
                }
                let ch = self.char_escape(false)?;
                return Ok(Node::Char(ch, opt.i));
            }
            b'g' => {
                self.i += 1;
                let (neg, name, n, end_at) = self.g_ref()?;
                let node = Node::Backref(0, opt.i);
                if let Some(name) = name {
                    return Ok(self.pending(Pending::Name(name, end_at), node));
                }
                let g = if neg {
                    if n == 0 || n > self.groups {
                        return err("reference to non-existent subpattern", end_at);
                    }
                    self.groups + 1 - n
                } else {
                    n
                };
                if g == 0 {
                    return err("a numbered reference must not be zero", end_at);
                }
                return Ok(self.pending(Pending::Num(g, end_at), node));
            }
            b'k' => {
                self.i += 1;
                let term = match self.peek() {
                    Some(b'<') => b'>',
                    Some(b'\'') => b'\'',
                    Some(b'{') => b'}',
                    _ => return err("\\k is not followed by a braced, angle-bracketed, or quoted name", self.i),
                };
                self.i += 1;
                let at = self.i;
                let name = self.name(term)?;
                return Ok(self.backref_name(name, opt.i, at));
            }
            b'p' | b'P' | b'X' => return err("unicode properties are not supported", self.i + 1),
            b'K' => return err("\\K is not supported", self.i + 1),
            b'C' => return err("\\C is not supported", self.i + 1),
            b'L' | b'l' | b'U' | b'u' => {
                return err("PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u", self.i + 1);
            }
            _ => {
                self.i = bs + 1;
                let ch = self.char_escape(false)?;
                return Ok(Node::Char(ch, opt.i));
            }
        };
        self.i += 1;
        Ok(n)
    }

    /// `\g` forms: \gN, \g-N, \g{N}, \g{-N}, \g{name}.
    fn g_ref(&mut self) -> Result<(bool, Option<Vec<u8>>, usize, usize), CompileError> {
        let braced = self.peek() == Some(b'{');
        if braced {
            self.i += 1;
        }
        let neg = self.peek() == Some(b'-');
        if neg {
            self.i += 1;
        }
        let st = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == st {
            if braced && !neg {
                let name = self.name(b'}')?;
                return Ok((false, Some(name), 0, self.i));
            }
            return err("a numbered reference must not be zero", self.i);
        }
        let n = num(self.s, (st, self.i)) as usize;
        let at = self.i;
        if n == 0 {
            return err("a numbered reference must not be zero", at);
        }
        if braced {
            if self.peek() != Some(b'}') {
                return err("\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number", self.i);
            }
            self.i += 1;
        }
        Ok((neg, None, n, self.i))
    }

    /// A single-character escape at `self.i` (just after the backslash).
    fn char_escape(&mut self, in_class: bool) -> Result<u32, CompileError> {
        let c = self.s[self.i];
        self.i += 1;
        Ok(match c {
            b'n' => 10,
            b'r' => 13,
            b't' => 9,
            b'f' => 12,
            b'e' => 27,
            b'a' => 7,
            b'b' if in_class => 8,
            b'0'..=b'7' => {
                let mut v = (c - b'0') as u32;
                let mut k = 1;
                while k < 3 && self.peek().is_some_and(|d| (b'0'..=b'7').contains(&d)) {
                    v = v * 8 + (self.s[self.i] - b'0') as u32;
                    self.i += 1;
                    k += 1;
                }
                if !self.utf8 && v > 255 {
                    return err("octal value is greater than \\377 in 8-bit non-UTF-8 mode", self.i);
                }
                v
            }
            b'o' => {
                if self.peek() != Some(b'{') {
                    return err("\\o must be followed by {", self.i);
                }
                self.i += 1;
                let mut v: u32 = 0;
                while self.peek().is_some_and(|d| (b'0'..=b'7').contains(&d)) {
                    v = v.saturating_mul(8).saturating_add((self.s[self.i] - b'0') as u32);
                    self.i += 1;
                }
                self.i += 1;
                v
            }
            b'x' => {
                if self.peek() == Some(b'{') {
                    let st = self.i + 1;
                    let mut j = st;
                    let mut v: u32 = 0;
                    while j < self.s.len() && self.s[j].is_ascii_hexdigit() {
                        v = v.saturating_mul(16).saturating_add((self.s[j] as char).to_digit(16).unwrap());
                        j += 1;
                    }
                    if self.s.get(j) == Some(&b'}') && j > st {
                        self.i = j + 1;
                        let max = if self.utf8 { 0x10ffff } else { 0xff };
                        if v > max {
                            return err(if self.utf8 { "character value in \\x{} or \\o{} is too large" } else { "character value in \\x{} or \\o{} is too large" }, j);
                        }
                        if self.utf8 && (0xd800..=0xdfff).contains(&v) {
                            return err("disallowed Unicode code point (>= 0xd800 && <= 0xdfff)", j);
                        }
                        v
                    } else {
                        0 // PCRE: "\x{" not followed by hex digits and } is \x then literal
                    }
                } else {
                    let mut v = 0;
                    let mut k = 0;
                    while k < 2 && self.peek().is_some_and(|d| d.is_ascii_hexdigit()) {
                        v = v * 16 + (self.s[self.i] as char).to_digit(16).unwrap();
                        self.i += 1;
                        k += 1;
                    }
                    v
                }
            }
            b'c' => match self.peek() {
                None => return err("\\c at end of pattern", self.i),
                Some(d) if d > 127 => return err("\\c must be followed by an ASCII character", self.i),
                Some(d) => {
                    self.i += 1;
                    (d.to_ascii_uppercase() ^ 0x40) as u32
                }
            },
            _ => {
                self.i -= 1;
                let ch = self.char();
                if ch < 128 && (ch as u8).is_ascii_alphanumeric() {
                    // Unknown letter escapes are the letter itself in PCRE 8 (no PCRE_EXTRA).
                }
                ch
            }
        })
    }

    fn class(&mut self, opt: &Opt) -> Result<Node, CompileError> {
        self.i += 1;
        let mut neg = false;
        if self.peek() == Some(b'^') {
            neg = true;
            self.i += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = match self.peek() {
                None => return err("missing terminating ] for character class", self.s.len()),
                Some(c) => c,
            };
            if c == b']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            // POSIX class
            if c == b'[' && matches!(self.s.get(self.i + 1), Some(b':') | Some(b'.') | Some(b'=')) {
                if let Some(end) = self.posix_end(self.i + 1) {
                    let kind = self.s[self.i + 1];
                    if kind != b':' {
                        return err("POSIX collating elements are not supported", self.i);
                    }
                    let mut st = self.i + 2;
                    let pneg = self.s.get(st) == Some(&b'^');
                    if pneg {
                        st += 1;
                    }
                    let name = &self.s[st..end];
                    let key = match name {
                        b"alpha" => b'a',
                        b"digit" => b'd',
                        b"alnum" => b'n',
                        b"space" => b's',
                        b"upper" => b'u',
                        b"lower" => b'l',
                        b"punct" => b'p',
                        b"xdigit" => b'x',
                        b"word" => b'w',
                        b"blank" => b'b',
                        b"cntrl" => b'c',
                        b"graph" => b'g',
                        b"print" => b'r',
                        b"ascii" => b'A',
                        _ => return err("unknown POSIX class name", st),
                    };
                    let key = if opt.i && (key == b'u' || key == b'l') { b'a' } else { key };
                    items.push(ClassItem::Posix(key, pneg));
                    self.i = end + 2;
                    continue;
                }
            }
            let lo_pos = self.i;
            let lo = match self.class_atom(&mut items)? {
                Some(ch) => ch,
                None => continue,
            };
            // Range?
            if self.peek() == Some(b'-') && self.s.get(self.i + 1).is_some_and(|&d| d != b']') {
                let save = self.i;
                self.i += 1;
                if self.peek() == Some(b'[') && matches!(self.s.get(self.i + 1), Some(b':')) && self.posix_end(self.i + 1).is_some() {
                    self.i = save;
                    items.push(ClassItem::Range(lo, lo));
                    continue;
                }
                let mut tmp = Vec::new();
                match self.class_atom(&mut tmp)? {
                    Some(hi) => {
                        if hi < lo {
                            return err("range out of order in character class", self.i - 1);
                        }
                        items.push(ClassItem::Range(lo, hi));
                    }
                    None => return err("invalid range in character class", self.i - 1),
                }
                let _ = lo_pos;
                continue;
            }
            items.push(ClassItem::Range(lo, lo));
        }
        Ok(Node::Class(neg, items, opt.i))
    }

    fn posix_end(&self, j: usize) -> Option<usize> {
        // [:name:] — from j (the ':'), find ":]" before any ']'
        let t = self.s[j];
        let mut k = j + 1;
        while k + 1 < self.s.len() {
            if self.s[k] == b'\\' || self.s[k] == b'[' {
                return None;
            }
            if self.s[k] == b']' {
                return None;
            }
            if self.s[k] == t && self.s[k + 1] == b']' {
                return Some(k);
            }
            k += 1;
        }
        None
    }

    /// One class member: a character (returned), or a class escape pushed to `items`.
    fn class_atom(&mut self, items: &mut Vec<ClassItem>) -> Result<Option<u32>, CompileError> {
        if self.peek() != Some(b'\\') {
            return Ok(Some(self.char()));
        }
        self.i += 1;
        let c = match self.peek() {
            None => return err("\\ at end of pattern", self.s.len()),
            Some(c) => c,
        };
        let it = match c {
            b'd' => ClassItem::Digit(false),
            b'D' => ClassItem::Digit(true),
            b'w' => ClassItem::Word(false),
            b'W' => ClassItem::Word(true),
            b's' => ClassItem::Space(false),
            b'S' => ClassItem::Space(true),
            b'h' => ClassItem::HSpace(false),
            b'H' => ClassItem::HSpace(true),
            b'v' => ClassItem::VSpace(false),
            b'V' => ClassItem::VSpace(true),
            b'p' | b'P' => return err("unicode properties are not supported", self.i + 1),
            b'Q' | b'E' => {
                self.i += 1;
                return Ok(None);
            }
            b'L' | b'l' | b'N' | b'U' | b'u' => {
                return err("PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u", self.i + 1);
            }
            b'1'..=b'9' => {
                // Octal in a class if possible, else the digit.
                if c >= b'8' {
                    self.i += 1;
                    return Ok(Some(c as u32));
                }
                return Ok(Some(self.char_escape(true)?));
            }
            _ => return Ok(Some(self.char_escape(true)?)),
        };
        self.i += 1;
        items.push(it);
        Ok(None)
    }
}
