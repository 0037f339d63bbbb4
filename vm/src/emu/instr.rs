//! The VM's internal instruction set: generic BEAM instructions with operands resolved at load
//! time (registers as indices, literals as terms, labels as code addresses, imports as export
//! entries, BIF names as function pointers).

use alloc::boxed::Box;
use beamos_gc::Term;

use crate::bif::BifFn;
use crate::module::{Export, FunEntry};

/// A source operand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Src {
    X(u32),
    Y(u32),
    /// An immediate or a pointer into the module's literal area.
    Lit(Term),
}

/// A destination register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dst {
    X(u32),
    Y(u32),
}

/// The operators [`Instr::Arith`] runs inline on small integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Band,
    Bor,
    Bxor,
    Bsl,
    Bsr,
}

impl ArithOp {
    pub fn from_name(name: &str) -> Option<ArithOp> {
        Some(match name {
            "+" => ArithOp::Add,
            "-" => ArithOp::Sub,
            "*" => ArithOp::Mul,
            "div" => ArithOp::Div,
            "rem" => ArithOp::Rem,
            "band" => ArithOp::Band,
            "bor" => ArithOp::Bor,
            "bxor" => ArithOp::Bxor,
            "bsl" => ArithOp::Bsl,
            "bsr" => ArithOp::Bsr,
            _ => return None,
        })
    }

    /// The result for two small integers, if it is a small integer (None: ask the BIF, which
    /// also raises badarith for a zero divisor).
    #[inline(always)]
    pub fn small(self, i: i64, j: i64) -> Option<i64> {
        match self {
            ArithOp::Add => Some(i + j),
            ArithOp::Sub => Some(i - j),
            ArithOp::Mul => i.checked_mul(j),
            ArithOp::Div => (j != 0).then(|| i / j),
            ArithOp::Rem => (j != 0).then(|| i % j),
            ArithOp::Band => Some(i & j),
            ArithOp::Bor => Some(i | j),
            ArithOp::Bxor => Some(i ^ j),
            ArithOp::Bsl => small_shift(i, j),
            ArithOp::Bsr => small_shift(i, -j),
        }
    }
}

/// `i` shifted left by `k` bits (right when negative, rounding toward negative infinity as
/// `bsr` does), if the result fits an i64.
#[inline(always)]
pub fn small_shift(i: i64, k: i64) -> Option<i64> {
    if k >= 0 {
        if k >= 63 {
            return (i == 0).then_some(0);
        }
        let r = i << k;
        (r >> k == i).then_some(r)
    } else {
        Some(i >> k.unsigned_abs().min(63))
    }
}

/// A code address: an index during loading, a pointer after [`crate::loader::load`] fixes it.
/// 0 means "no label" (fail by raising instead of jumping).
pub type Label = usize;

/// Bit-syntax segment flags (from the compiler's flag field).
pub mod bsflags {
    pub const ALIGNED: u32 = 1;
    pub const LITTLE: u32 = 2;
    pub const SIGNED: u32 = 4;
    pub const EXACT: u32 = 8;
    pub const NATIVE: u32 = 16;
}

/// Segment types of `bs_create_bin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegType {
    Integer,
    Float,
    Binary,
    Utf8,
    Utf16,
    Utf32,
    String,
    Append,
    PrivateAppend,
}

#[derive(Clone, Debug)]
pub struct Segment {
    pub ty: SegType,
    pub unit: u32,
    pub flags: u32,
    pub src: Src,
    /// Size in units; `Lit(atom all)` for `all`; `Lit(nil)` for none.
    pub size: Src,
    /// The segment's number in the source expression (for error_info causes), 1-based.
    pub num: u32,
}

/// One `bs_match` (OTP 26) command.
#[derive(Clone, Debug)]
pub enum MatchCmd {
    EnsureAtLeast { bits: u32, unit: u32 },
    EnsureExactly { bits: u32 },
    Integer { live: u32, flags: u32, size: u32, unit: u32, dst: Dst },
    Binary { live: u32, flags: u32, size: u32, unit: u32, dst: Dst },
    Skip { bits: u32 },
    GetTail { live: u32, unit: u32, dst: Dst },
    EqualInt { size: u32, value: u64 },
}

#[derive(Clone, Debug)]
pub enum Instr {
    /// Raises function_clause for the function `{M, F, A}` with the first A x registers.
    FuncInfo { module: Term, function: Term, arity: u32 },
    Call { arity: u32, target: Label },
    CallLast { arity: u32, target: Label, dealloc: u32 },
    CallOnly { arity: u32, target: Label },
    CallExt { arity: u32, export: &'static Export },
    CallExtLast { arity: u32, export: &'static Export, dealloc: u32 },
    CallExtOnly { arity: u32, export: &'static Export },
    Bif { bif: BifFn, fail: Label, args: Box<[Src]>, dst: Dst, export: &'static Export },
    GcBif { bif: BifFn, fail: Label, live: u32, args: Box<[Src]>, dst: Dst, export: &'static Export },
    /// `gc_bif` of an integer operator (`+ - * div rem band bor bxor`): small integers
    /// inline, anything else through the BIF (which never collects or traps).
    Arith { op: ArithOp, fail: Label, a: Src, b: Src, dst: Dst, export: &'static Export },
    /// The trap stub of a BIF: calls the process's pending continuation of `export` (never in
    /// module code; see `emu::trap`).
    TrapResume { export: &'static Export },
    Allocate { stack: u32, heap: u32, live: u32, zero: bool },
    TestHeap { heap: u32, live: u32 },
    InitYregs { regs: Box<[u32]> },
    Deallocate { n: u32 },
    Return,
    Trim { n: u32 },
    Send,
    RemoveMessage,
    Timeout,
    LoopRec { fail: Label, dst: Dst },
    LoopRecEnd { target: Label },
    Wait { target: Label },
    WaitTimeout { target: Label, time: Src },
    RecvMarkerReserve { dst: Dst },
    RecvMarkerBind { marker: Src, reference: Src },
    RecvMarkerClear { reference: Src },
    RecvMarkerUse { reference: Src },
    IsLt { fail: Label, a: Src, b: Src },
    IsGe { fail: Label, a: Src, b: Src },
    IsEq { fail: Label, a: Src, b: Src },
    IsNe { fail: Label, a: Src, b: Src },
    IsEqExact { fail: Label, a: Src, b: Src },
    IsNeExact { fail: Label, a: Src, b: Src },
    IsInteger { fail: Label, a: Src },
    IsFloat { fail: Label, a: Src },
    IsNumber { fail: Label, a: Src },
    IsAtom { fail: Label, a: Src },
    IsPid { fail: Label, a: Src },
    IsReference { fail: Label, a: Src },
    IsPort { fail: Label, a: Src },
    IsNil { fail: Label, a: Src },
    IsBinary { fail: Label, a: Src },
    IsBitstr { fail: Label, a: Src },
    IsList { fail: Label, a: Src },
    IsNonemptyList { fail: Label, a: Src },
    IsTuple { fail: Label, a: Src },
    IsMap { fail: Label, a: Src },
    IsBoolean { fail: Label, a: Src },
    IsFunction { fail: Label, a: Src },
    IsFunction2 { fail: Label, a: Src, arity: Src },
    TestArity { fail: Label, a: Src, arity: u32 },
    IsTaggedTuple { fail: Label, a: Src, arity: u32, tag: Term },
    SelectVal { src: Src, fail: Label, table: Box<[(Term, Label)]> },
    SelectTupleArity { src: Src, fail: Label, table: Box<[(u32, Label)]> },
    Jump { target: Label },
    /// `index` names the catch-table entry (set by the loader once `handler` is an address).
    Catch { y: u32, handler: Label, index: u32 },
    CatchEnd { y: u32 },
    Move { src: Src, dst: Dst },
    Swap { a: Dst, b: Dst },
    GetList { src: Src, head: Dst, tail: Dst },
    GetHd { src: Src, dst: Dst },
    GetTl { src: Src, dst: Dst },
    GetTupleElement { src: Src, index: u32, dst: Dst },
    SetTupleElement { value: Src, tuple: Src, index: u32 },
    PutList { head: Src, tail: Src, dst: Dst },
    PutTuple2 { dst: Dst, elems: Box<[Src]> },
    Badmatch { value: Src },
    Badrecord { value: Src },
    IfEnd,
    CaseEnd { value: Src },
    TryCaseEnd { value: Src },
    CallFun { arity: u32 },
    CallFun2 { arity: u32, fun: Src },
    /// `call_fun`/`call_fun2` followed by `deallocate; return`: a tail call (as ERTS's loader
    /// makes `i_call_fun_last`), so loops through funs run in constant stack.
    CallFunLast { arity: u32, fun: Option<Src>, dealloc: u32 },
    MakeFun { entry: &'static FunEntry, dst: Dst, free: Box<[Src]> },
    Apply { arity: u32, dealloc: Option<u32> },
    Try { y: u32, handler: Label, index: u32 },
    TryEnd { y: u32 },
    TryCase { y: u32 },
    Raise { stacktrace: Src, value: Src },
    RawRaise,
    BuildStacktrace,
    // Floating point registers.
    Fclearerror,
    Fcheckerror { fail: Label },
    Fmove { src: FSrc, dst: FDst },
    Fconv { src: Src, dst: u32 },
    Fadd { a: u32, b: u32, dst: u32 },
    Fsub { a: u32, b: u32, dst: u32 },
    Fmul { a: u32, b: u32, dst: u32 },
    Fdiv { a: u32, b: u32, dst: u32 },
    Fnegate { a: u32, dst: u32 },
    // Maps.
    PutMapAssoc { fail: Label, src: Src, dst: Dst, live: u32, pairs: Box<[(Src, Src)]> },
    PutMapExact { fail: Label, src: Src, dst: Dst, live: u32, pairs: Box<[(Src, Src)]> },
    HasMapFields { fail: Label, src: Src, keys: Box<[Src]> },
    GetMapElements { fail: Label, src: Src, pairs: Box<[(Src, Dst)]> },
    UpdateRecord { hint: Term, size: u32, src: Src, dst: Dst, updates: Box<[(u32, Src)]> },
    // Binaries.
    BsCreateBin { fail: Label, alloc: u32, live: u32, unit: u32, dst: Dst, segs: Box<[Segment]> },
    BsStartMatch { fail: Label, live: u32, src: Src, dst: Dst },
    BsGetPosition { ctx: Src, dst: Dst, live: u32 },
    BsSetPosition { ctx: Src, pos: Src },
    BsGetTail { ctx: Src, dst: Dst, live: u32 },
    BsGetInteger { fail: Label, ctx: Src, live: u32, size: Src, unit: u32, flags: u32, dst: Dst },
    BsGetFloat { fail: Label, ctx: Src, live: u32, size: Src, unit: u32, flags: u32, dst: Dst },
    BsGetBinary { fail: Label, ctx: Src, live: u32, size: Src, unit: u32, flags: u32, dst: Dst },
    BsSkipBits { fail: Label, ctx: Src, size: Src, unit: u32, flags: u32 },
    /// `bits` is u64::MAX for a size no binary can have (a bignum operand).
    BsTestTail { fail: Label, ctx: Src, bits: u64 },
    BsTestUnit { fail: Label, ctx: Src, unit: u32 },
    BsMatchString { fail: Label, ctx: Src, bits: u32, bytes: Box<[u8]> },
    BsGetUtf8 { fail: Label, ctx: Src, dst: Dst },
    BsSkipUtf8 { fail: Label, ctx: Src },
    BsGetUtf16 { fail: Label, ctx: Src, flags: u32, dst: Dst },
    BsSkipUtf16 { fail: Label, ctx: Src, flags: u32 },
    BsGetUtf32 { fail: Label, ctx: Src, flags: u32, dst: Dst },
    BsSkipUtf32 { fail: Label, ctx: Src, flags: u32 },
    BsSave { ctx: Src, slot: u32 },
    BsRestore { ctx: Src, slot: u32 },
    BsContextToBinary { ctx: Src },
    BsMatch { fail: Label, ctx: Src, cmds: Box<[MatchCmd]> },
    /// Old-style construction (`bs_init2`, `bs_put_*`) of pre-OTP-25 compilers.
    BsInit { fail: Label, size: Src, live: u32, dst: Dst, bits: bool },
    BsPut { fail: Label, seg: Segment },
    BsAdd { fail: Label, a: Src, b: Src, unit: u32, dst: Dst },
    BsAppend { fail: Label, size: Src, live: u32, unit: u32, bin: Src, dst: Dst },
    BsPrivateAppend { fail: Label, size: Src, unit: u32, bin: Src, dst: Dst },
    BsUtfSize { fail: Label, src: Src, dst: Dst, utf16: bool },
    // Fused pairs, made by the loader (`loader::load::fuse`) in place of the first instruction
    // of the pair; the second stays where it was (it may be a jump target) and is skipped.
    /// `deallocate N; return`.
    DeallocateReturn { n: u32 },
    /// `is_nonempty_list Fail Src; get_list Src Head Tail`.
    IsNonemptyListGetList { fail: Label, src: Src, head: Dst, tail: Dst },
    /// `test_heap Heap Live; put_list Head Tail Dst`.
    TestHeapPutList { heap: u32, live: u32, head: Src, tail: Src, dst: Dst },
    /// `move S1 D1; move S2 D2` (in that order).
    Move2 { s1: Src, d1: Dst, s2: Src, d2: Dst },
    /// `move S D; return`.
    MoveReturn { src: Src, dst: Dst },
    /// `move S D; call Arity Target` (the continuation is after the call).
    MoveCall { src: Src, dst: Dst, arity: u32, target: Label },
    /// `move S D; call_last Arity Target Dealloc`.
    MoveCallLast { src: Src, dst: Dst, arity: u32, target: Label, dealloc: u32 },
    /// `move S D; call_only Arity Target`.
    MoveCallOnly { src: Src, dst: Dst, arity: u32, target: Label },
    OnLoad,
    /// The continuation of every initial call: the process exits normally.
    NormalExit,
    /// Marks the start of a NIF-replaceable function; a no-op in the interpreter.
    NifStart,
}

/// A float-register move operand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FSrc {
    Reg(u32),
    Term(Src),
}
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FDst {
    Reg(u32),
    Term(Dst),
}

impl Instr {
    /// Visits every label operand (for fixing indices into addresses).
    pub fn labels_mut(&mut self, f: &mut dyn FnMut(&mut Label)) {
        use Instr::*;
        match self {
            Call { target, .. } | CallLast { target, .. } | CallOnly { target, .. } => f(target),
            MoveCall { target, .. } | MoveCallLast { target, .. } | MoveCallOnly { target, .. } => f(target),
            Bif { fail, .. } | GcBif { fail, .. } | Arith { fail, .. } => f(fail),
            LoopRec { fail, .. } => f(fail),
            LoopRecEnd { target } | Wait { target } | WaitTimeout { target, .. } | Jump { target } => f(target),
            IsLt { fail, .. } | IsGe { fail, .. } | IsEq { fail, .. } | IsNe { fail, .. } | IsEqExact { fail, .. }
            | IsNeExact { fail, .. } | IsInteger { fail, .. } | IsFloat { fail, .. } | IsNumber { fail, .. }
            | IsAtom { fail, .. } | IsPid { fail, .. } | IsReference { fail, .. } | IsPort { fail, .. }
            | IsNil { fail, .. } | IsBinary { fail, .. } | IsBitstr { fail, .. } | IsList { fail, .. }
            | IsNonemptyList { fail, .. } | IsTuple { fail, .. } | IsMap { fail, .. } | IsBoolean { fail, .. }
            | IsFunction { fail, .. } | IsFunction2 { fail, .. } | TestArity { fail, .. }
            | IsTaggedTuple { fail, .. } | IsNonemptyListGetList { fail, .. } => f(fail),
            SelectVal { fail, table, .. } => {
                f(fail);
                for (_, l) in table.iter_mut() {
                    f(l);
                }
            }
            SelectTupleArity { fail, table, .. } => {
                f(fail);
                for (_, l) in table.iter_mut() {
                    f(l);
                }
            }
            Catch { handler, .. } | Try { handler, .. } => f(handler),
            Fcheckerror { fail } => f(fail),
            PutMapAssoc { fail, .. } | PutMapExact { fail, .. } | HasMapFields { fail, .. }
            | GetMapElements { fail, .. } => f(fail),
            BsCreateBin { fail, .. } | BsStartMatch { fail, .. } | BsGetInteger { fail, .. }
            | BsGetFloat { fail, .. } | BsGetBinary { fail, .. } | BsSkipBits { fail, .. }
            | BsTestTail { fail, .. } | BsTestUnit { fail, .. } | BsMatchString { fail, .. }
            | BsGetUtf8 { fail, .. } | BsSkipUtf8 { fail, .. } | BsGetUtf16 { fail, .. }
            | BsSkipUtf16 { fail, .. } | BsGetUtf32 { fail, .. } | BsSkipUtf32 { fail, .. }
            | BsMatch { fail, .. } | BsInit { fail, .. } | BsPut { fail, .. } | BsAdd { fail, .. }
            | BsAppend { fail, .. } | BsPrivateAppend { fail, .. } | BsUtfSize { fail, .. } => f(fail),
            _ => {}
        }
    }
}
