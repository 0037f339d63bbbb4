//! Translation of generic BEAM instructions into the VM's instruction set.
//!
//! Steps: intern atoms; decode literals into the module's literal arena; resolve imports to
//! export entries and lambdas to fun entries; translate each generic op (labels stay label
//! numbers); then fix every label into a code address, register catch handlers, and return
//! the module with its export targets for the code table to install atomically.

use alloc::boxed::Box;
use alloc::string::String;

use alloc::vec::Vec;

use beamos_gc::Term;
use hashbrown::HashMap;

use super::beam_file::{self, BeamFile};
use super::compact::Operand;
use super::genop::{self, op};
use super::{LiteralArena, LoadError};
use crate::atom::{self, am};
use crate::bif::{self, BifFn, Ctx, Exc};
use crate::emu::exception;
use crate::emu::instr::{bsflags, Dst, FDst, FSrc, Instr, MatchCmd, SegType, Segment, Src};
use crate::module::{CodeTable, Export, FunEntry, FunctionInfo, Module};
use crate::terms;
use crate::vm::Vm;

struct Loader<'a> {
    vm: &'a Vm,
    bf: &'a BeamFile,
    atoms: Vec<Term>,
    literals: Vec<Term>,
    arena: LiteralArena,
    imports: Vec<&'static Export>,
    lambdas: Vec<&'static FunEntry>,
    module: Term,
    code: Vec<Instr>,
    labels: HashMap<u32, usize>,
    /// Code position of the most recent label (labels come in code order).
    last_label_at: Option<usize>,
    functions: Vec<FunctionInfo>,
    line_marks: Vec<(u32, u32)>,
    op_index: usize,
}

/// Loads `bytes` into a [`Module`] and the `(function, arity, instruction index)` of each export.
pub fn load(vm: &Vm, bytes: &[u8]) -> Result<(Module, Vec<(Term, u32, usize)>), LoadError> {
    let bf = beam_file::parse(bytes)?;
    let mut atoms = Vec::with_capacity(bf.atoms.len());
    for a in &bf.atoms {
        atoms.push(atom::intern(a).map_err(|_| LoadError::BadInstruction { opcode: 0, offset: 0, what: "atom too long" })?);
    }
    let module = *atoms.first().ok_or(LoadError::BadInstruction { opcode: 0, offset: 0, what: "no atoms" })?;
    let mut l = Loader {
        vm,
        bf: &bf,
        atoms,
        literals: Vec::new(),
        arena: LiteralArena::new(),
        imports: Vec::new(),
        lambdas: Vec::new(),
        module,
        code: Vec::with_capacity(bf.code.ops.len()),
        labels: HashMap::new(),
        last_label_at: None,
        functions: Vec::new(),
        line_marks: Vec::new(),
        op_index: 0,
    };
    for (i, lit) in bf.literals.iter().enumerate() {
        let t = bif::etf::decode(&mut l.arena, lit, &vm.code).map_err(|_| LoadError::BadLiteral { index: i })?;
        l.literals.push(t);
    }
    for imp in &bf.imports {
        let m = l.atom(imp.module)?;
        let f = l.atom(imp.function)?;
        l.imports.push(vm.code.export(m, f, imp.arity));
    }
    for fun in &bf.funs {
        let f = l.atom(fun.function)?;
        let num_free = fun.num_free;
        let arity = fun.arity.checked_sub(num_free).ok_or(LoadError::BadInstruction {
            opcode: 0,
            offset: 0,
            what: "lambda with more free variables than arguments",
        })?;
        l.lambdas.push(CodeTable::new_fun_entry(module, f, arity, num_free, fun.index, fun.old_uniq, bf.md5));
    }
    for (i, g) in bf.code.ops.iter().enumerate() {
        l.op_index = i;
        if g.opcode == op::INT_CODE_END {
            break;
        }
        l.translate(g.opcode, &g.args)?;
    }
    // A block end that never falls through.
    l.code.push(Instr::IfEnd);
    l.finish()
}

impl Loader<'_> {
    fn atom(&self, i: u32) -> Result<Term, LoadError> {
        if i == 0 {
            return Ok(Term::NIL);
        }
        self.atoms.get(i as usize - 1).copied().ok_or(self.bad(0, "atom index out of range"))
    }

    fn bad(&self, opcode: u8, what: &'static str) -> LoadError {
        LoadError::BadInstruction { opcode, offset: self.op_index, what }
    }

    fn src(&mut self, o: &Operand) -> Result<Src, LoadError> {
        Ok(match o {
            Operand::X(n) => Src::X(*n),
            Operand::Y(n) => Src::Y(*n),
            Operand::TypedReg { reg, .. } => return self.src(reg),
            Operand::Atom(i) => Src::Lit(self.atom(*i)?),
            Operand::Integer(v) => Src::Lit(terms::int(&mut self.arena, *v)),
            Operand::Unsigned(v) => Src::Lit(terms::int_from_i128(&mut self.arena, *v as i128)),
            Operand::BigInteger { negative, magnitude_le } => {
                let mag = num_bigint::BigUint::from_bytes_le(magnitude_le);
                let sign = if *negative { num_bigint::Sign::Minus } else { num_bigint::Sign::Plus };
                Src::Lit(terms::bignum(&mut self.arena, &num_bigint::BigInt::from_biguint(sign, mag)))
            }
            Operand::Literal(i) => Src::Lit(*self.literals.get(*i as usize).ok_or(self.bad(0, "literal index out of range"))?),
            Operand::Character(c) => Src::Lit(Term::small(*c as i64)),
            _ => return Err(self.bad(0, "operand is not a source")),
        })
    }

    fn dst(&self, o: &Operand) -> Result<Dst, LoadError> {
        match o {
            Operand::X(n) => Ok(Dst::X(*n)),
            Operand::Y(n) => Ok(Dst::Y(*n)),
            Operand::TypedReg { reg, .. } => self.dst(reg),
            _ => Err(self.bad(0, "operand is not a register")),
        }
    }

    fn label(&self, o: &Operand) -> Result<usize, LoadError> {
        match o {
            Operand::Label(n) => Ok(*n as usize),
            // bs_start_match4's `no_fail` / `resume`.
            Operand::Atom(_) => Ok(0),
            _ => Err(self.bad(0, "operand is not a label")),
        }
    }

    fn uint(&self, o: &Operand) -> Result<u32, LoadError> {
        match o {
            Operand::Unsigned(v) => u32::try_from(*v).map_err(|_| self.bad(0, "number too large")),
            Operand::Integer(v) => u32::try_from(*v).map_err(|_| self.bad(0, "number out of range")),
            Operand::X(n) => Ok(*n),
            _ => Err(self.bad(0, "operand is not a number")),
        }
    }

    fn heap_need(&self, o: &Operand) -> Result<u32, LoadError> {
        match o {
            Operand::AllocList(items) => {
                let mut words = 0u32;
                for &(kind, n) in items {
                    words = words.saturating_add(match kind {
                        0 => n,
                        1 => n.saturating_mul(2),
                        _ => n.saturating_mul(4),
                    });
                }
                Ok(words)
            }
            _ => self.uint(o),
        }
    }

    fn list<'b>(&self, o: &'b Operand) -> Result<&'b [Operand], LoadError> {
        match o {
            Operand::List(v) => Ok(v),
            _ => Err(self.bad(0, "operand is not a list")),
        }
    }

    fn export(&self, o: &Operand) -> Result<&'static Export, LoadError> {
        let i = self.uint(o)? as usize;
        self.imports.get(i).copied().ok_or(self.bad(0, "import index out of range"))
    }

    fn bif_of(&self, e: &'static Export) -> BifFn {
        e.bif.unwrap_or(undefined_bif)
    }

    fn flags(&self, o: &Operand) -> Result<u32, LoadError> {
        match o {
            Operand::Literal(i) => {
                let t = *self.literals.get(*i as usize).ok_or(self.bad(0, "literal index out of range"))?;
                let mut f = 0;
                for a in terms::list_to_vec(t).unwrap_or_default() {
                    f |= match atom::name(a) {
                        "signed" => bsflags::SIGNED,
                        "little" => bsflags::LITTLE,
                        "native" => bsflags::NATIVE | bsflags::LITTLE,
                        "aligned" => bsflags::ALIGNED,
                        "exact" => bsflags::EXACT,
                        _ => 0,
                    };
                }
                Ok(f)
            }
            Operand::Atom(0) => Ok(0),
            _ => {
                let f = self.uint(o)?;
                Ok(if f & bsflags::NATIVE != 0 { f | bsflags::LITTLE } else { f })
            }
        }
    }

    fn string_bytes(&self, offset: u32, len: u32) -> Result<Box<[u8]>, LoadError> {
        let s = offset as usize;
        let e = s.checked_add(len as usize).ok_or(self.bad(0, "string out of range"))?;
        self.bf.strings.get(s..e).map(|b| b.into()).ok_or(self.bad(0, "string out of range"))
    }

    fn push(&mut self, i: Instr) {
        self.code.push(i);
    }

    fn translate(&mut self, opcode: u8, a: &[Operand]) -> Result<(), LoadError> {
        let need = genop::arity(opcode);
        if a.len() < need {
            return Err(self.bad(opcode, "too few operands"));
        }
        macro_rules! s {
            ($i:expr) => {
                self.src(&a[$i]).map_err(|_| self.bad(opcode, "bad source operand"))?
            };
        }
        macro_rules! d {
            ($i:expr) => {
                self.dst(&a[$i]).map_err(|_| self.bad(opcode, "bad destination operand"))?
            };
        }
        macro_rules! l {
            ($i:expr) => {
                self.label(&a[$i]).map_err(|_| self.bad(opcode, "bad label operand"))?
            };
        }
        macro_rules! u {
            ($i:expr) => {
                self.uint(&a[$i]).map_err(|_| self.bad(opcode, "bad number operand"))?
            };
        }
        let ins = match opcode {
            op::LABEL => {
                let n = u!(0);
                self.labels.insert(n, self.code.len());
                self.last_label_at = Some(self.code.len());
                return Ok(());
            }
            op::LINE => {
                let item = u!(0);
                self.line_marks.push((self.code.len() as u32, item));
                return Ok(());
            }
            op::EXECUTABLE_LINE => {
                if let Ok(item) = self.uint(&a[1]) {
                    self.line_marks.push((self.code.len() as u32, item));
                }
                return Ok(());
            }
            op::FUNC_INFO => {
                let module = s!(0);
                let function = s!(1);
                let arity = u!(2);
                let (Src::Lit(module), Src::Lit(function)) = (module, function) else {
                    return Err(self.bad(opcode, "func_info needs atoms"));
                };
                self.functions.push(FunctionInfo { function, arity, start: self.code.len() as u32 });
                Instr::FuncInfo { module, function, arity }
            }
            op::CALL => Instr::Call { arity: u!(0), target: l!(1) },
            op::CALL_LAST => Instr::CallLast { arity: u!(0), target: l!(1), dealloc: u!(2) },
            op::CALL_ONLY => Instr::CallOnly { arity: u!(0), target: l!(1) },
            op::CALL_EXT | op::CALL_EXT_LAST | op::CALL_EXT_ONLY => {
                let arity = u!(0);
                let e = self.export(&a[1])?;
                // apply/2,3 through an import behave as the apply instructions.
                match opcode {
                    op::CALL_EXT => Instr::CallExt { arity, export: e },
                    op::CALL_EXT_LAST => Instr::CallExtLast { arity, export: e, dealloc: u!(2) },
                    _ => Instr::CallExtOnly { arity, export: e },
                }
            }
            op::BIF0 => {
                let e = self.export(&a[0])?;
                Instr::Bif { bif: self.bif_of(e), fail: 0, args: Box::new([]), dst: d!(1), export: e }
            }
            op::BIF1 | op::BIF2 => {
                let n = if opcode == op::BIF1 { 1 } else { 2 };
                let e = self.export(&a[1])?;
                let mut args = Vec::new();
                for i in 0..n {
                    args.push(s!(2 + i));
                }
                Instr::Bif { bif: self.bif_of(e), fail: l!(0), args: args.into(), dst: d!(2 + n), export: e }
            }
            op::GC_BIF1 | op::GC_BIF2 | op::GC_BIF3 => {
                let n = match opcode {
                    op::GC_BIF1 => 1,
                    op::GC_BIF2 => 2,
                    _ => 3,
                };
                let e = self.export(&a[2])?;
                let mut args = Vec::new();
                for i in 0..n {
                    args.push(s!(3 + i));
                }
                let op = crate::emu::instr::ArithOp::from_name(crate::atom::name(e.function));
                if let (true, 2, Some(op)) = (e.module == crate::atom::am::ERLANG, n, op) {
                    Instr::Arith { op, fail: l!(0), a: args[0], b: args[1], dst: d!(3 + n), export: e }
                } else {
                    Instr::GcBif { bif: self.bif_of(e), fail: l!(0), live: u!(1), args: args.into(), dst: d!(3 + n), export: e }
                }
            }
            op::ALLOCATE | op::ALLOCATE_ZERO => Instr::Allocate { stack: u!(0), heap: 0, live: u!(1), zero: true },
            op::ALLOCATE_HEAP | op::ALLOCATE_HEAP_ZERO => {
                let heap = self.heap_need(&a[1])?;
                Instr::Allocate { stack: u!(0), heap, live: u!(2), zero: true }
            }
            op::TEST_HEAP => Instr::TestHeap { heap: self.heap_need(&a[0])?, live: u!(1) },
            op::INIT => match d!(0) {
                Dst::Y(y) => Instr::InitYregs { regs: Box::new([y]) },
                Dst::X(_) => return Err(self.bad(opcode, "init of an x register")),
            },
            op::INIT_YREGS => {
                let mut regs = Vec::new();
                for r in self.list(&a[0])? {
                    match self.dst(r)? {
                        Dst::Y(y) => regs.push(y),
                        Dst::X(_) => return Err(self.bad(opcode, "init_yregs of an x register")),
                    }
                }
                Instr::InitYregs { regs: regs.into() }
            }
            op::DEALLOCATE => Instr::Deallocate { n: u!(0) },
            op::RETURN => {
                // call_fun + deallocate + return (no label in between) is a tail call.
                let n = self.code.len();
                let unlabelled = n >= 2 && self.last_label_at.is_none_or(|at| at + 2 <= n);
                if unlabelled {
                    if let Instr::Deallocate { n: dealloc } = self.code[n - 1] {
                        let last = match &self.code[n - 2] {
                            Instr::CallFun { arity } => Some(Instr::CallFunLast { arity: *arity, fun: None, dealloc }),
                            Instr::CallFun2 { arity, fun } => Some(Instr::CallFunLast { arity: *arity, fun: Some(*fun), dealloc }),
                            _ => None,
                        };
                        if let Some(i) = last {
                            self.code.truncate(n - 2);
                            self.code.push(i);
                            return Ok(());
                        }
                    }
                }
                Instr::Return
            }
            op::SEND => Instr::Send,
            op::REMOVE_MESSAGE => Instr::RemoveMessage,
            op::TIMEOUT => Instr::Timeout,
            op::LOOP_REC => Instr::LoopRec { fail: l!(0), dst: d!(1) },
            op::LOOP_REC_END => Instr::LoopRecEnd { target: l!(0) },
            op::WAIT => Instr::Wait { target: l!(0) },
            op::WAIT_TIMEOUT => Instr::WaitTimeout { target: l!(0), time: s!(1) },
            op::RECV_MARKER_RESERVE => Instr::RecvMarkerReserve { dst: d!(0) },
            op::RECV_MARKER_BIND => Instr::RecvMarkerBind { marker: s!(0), reference: s!(1) },
            op::RECV_MARKER_CLEAR => Instr::RecvMarkerClear { reference: s!(0) },
            op::RECV_MARKER_USE => Instr::RecvMarkerUse { reference: s!(0) },
            op::IS_LT => Instr::IsLt { fail: l!(0), a: s!(1), b: s!(2) },
            op::IS_GE => Instr::IsGe { fail: l!(0), a: s!(1), b: s!(2) },
            op::IS_EQ => Instr::IsEq { fail: l!(0), a: s!(1), b: s!(2) },
            op::IS_NE => Instr::IsNe { fail: l!(0), a: s!(1), b: s!(2) },
            op::IS_EQ_EXACT => Instr::IsEqExact { fail: l!(0), a: s!(1), b: s!(2) },
            op::IS_NE_EXACT => Instr::IsNeExact { fail: l!(0), a: s!(1), b: s!(2) },
            op::IS_INTEGER => Instr::IsInteger { fail: l!(0), a: s!(1) },
            op::IS_FLOAT => Instr::IsFloat { fail: l!(0), a: s!(1) },
            op::IS_NUMBER => Instr::IsNumber { fail: l!(0), a: s!(1) },
            op::IS_ATOM => Instr::IsAtom { fail: l!(0), a: s!(1) },
            op::IS_PID => Instr::IsPid { fail: l!(0), a: s!(1) },
            op::IS_REFERENCE => Instr::IsReference { fail: l!(0), a: s!(1) },
            op::IS_PORT => Instr::IsPort { fail: l!(0), a: s!(1) },
            op::IS_NIL => Instr::IsNil { fail: l!(0), a: s!(1) },
            op::IS_BINARY => Instr::IsBinary { fail: l!(0), a: s!(1) },
            op::IS_BITSTR => Instr::IsBitstr { fail: l!(0), a: s!(1) },
            op::IS_LIST => Instr::IsList { fail: l!(0), a: s!(1) },
            op::IS_NONEMPTY_LIST => Instr::IsNonemptyList { fail: l!(0), a: s!(1) },
            op::IS_TUPLE => Instr::IsTuple { fail: l!(0), a: s!(1) },
            op::IS_MAP => Instr::IsMap { fail: l!(0), a: s!(1) },
            op::IS_BOOLEAN => Instr::IsBoolean { fail: l!(0), a: s!(1) },
            op::IS_FUNCTION => Instr::IsFunction { fail: l!(0), a: s!(1) },
            op::IS_FUNCTION2 => Instr::IsFunction2 { fail: l!(0), a: s!(1), arity: s!(2) },
            op::TEST_ARITY => Instr::TestArity { fail: l!(0), a: s!(1), arity: u!(2) },
            op::IS_TAGGED_TUPLE => {
                let Src::Lit(tag) = s!(3) else { return Err(self.bad(opcode, "tag must be an atom")) };
                Instr::IsTaggedTuple { fail: l!(0), a: s!(1), arity: u!(2), tag }
            }
            op::SELECT_VAL => {
                let items = self.list(&a[2])?;
                let mut table = Vec::with_capacity(items.len() / 2);
                for pair in items.chunks(2) {
                    if pair.len() != 2 {
                        return Err(self.bad(opcode, "odd select list"));
                    }
                    let Src::Lit(v) = self.src(&pair[0])? else { return Err(self.bad(opcode, "select value")) };
                    table.push((v, self.label(&pair[1])?));
                }
                if table.iter().all(|(v, _)| v.is_immediate()) {
                    table.sort_by_key(|(v, _)| v.raw());
                }
                Instr::SelectVal { src: s!(0), fail: l!(1), table: table.into() }
            }
            op::SELECT_TUPLE_ARITY => {
                let items = self.list(&a[2])?;
                let mut table = Vec::with_capacity(items.len() / 2);
                for pair in items.chunks(2) {
                    if pair.len() != 2 {
                        return Err(self.bad(opcode, "odd select list"));
                    }
                    table.push((self.uint(&pair[0])?, self.label(&pair[1])?));
                }
                Instr::SelectTupleArity { src: s!(0), fail: l!(1), table: table.into() }
            }
            op::JUMP => Instr::Jump { target: l!(0) },
            op::CATCH => Instr::Catch { y: self.y(&a[0])?, handler: l!(1), index: 0 },
            op::CATCH_END => Instr::CatchEnd { y: self.y(&a[0])? },
            op::TRY => Instr::Try { y: self.y(&a[0])?, handler: l!(1), index: 0 },
            op::TRY_END => Instr::TryEnd { y: self.y(&a[0])? },
            op::TRY_CASE => Instr::TryCase { y: self.y(&a[0])? },
            op::TRY_CASE_END => Instr::TryCaseEnd { value: s!(0) },
            op::MOVE => Instr::Move { src: s!(0), dst: d!(1) },
            op::SWAP => Instr::Swap { a: d!(0), b: d!(1) },
            op::GET_LIST => Instr::GetList { src: s!(0), head: d!(1), tail: d!(2) },
            op::GET_HD => Instr::GetHd { src: s!(0), dst: d!(1) },
            op::GET_TL => Instr::GetTl { src: s!(0), dst: d!(1) },
            op::GET_TUPLE_ELEMENT => Instr::GetTupleElement { src: s!(0), index: u!(1), dst: d!(2) },
            op::SET_TUPLE_ELEMENT => Instr::SetTupleElement { value: s!(0), tuple: s!(1), index: u!(2) },
            op::PUT_LIST => Instr::PutList { head: s!(0), tail: s!(1), dst: d!(2) },
            op::PUT_TUPLE2 => {
                let mut elems = Vec::new();
                for e in self.list(&a[1])? {
                    elems.push(self.src(e)?);
                }
                Instr::PutTuple2 { dst: d!(0), elems: elems.into() }
            }
            op::BADMATCH => Instr::Badmatch { value: s!(0) },
            op::BADRECORD => Instr::Badrecord { value: s!(0) },
            op::IF_END => Instr::IfEnd,
            op::CASE_END => Instr::CaseEnd { value: s!(0) },
            op::CALL_FUN => Instr::CallFun { arity: u!(0) },
            op::CALL_FUN2 => Instr::CallFun2 { arity: u!(1), fun: s!(2) },
            op::MAKE_FUN2 => {
                let e = self.lambda(u!(0))?;
                let free: Vec<Src> = (0..e.num_free).map(Src::X).collect();
                Instr::MakeFun { entry: e, dst: Dst::X(0), free: free.into() }
            }
            op::MAKE_FUN3 => {
                let e = self.lambda(u!(0))?;
                let mut free = Vec::new();
                for f in self.list(&a[2])? {
                    free.push(self.src(f)?);
                }
                Instr::MakeFun { entry: e, dst: d!(1), free: free.into() }
            }
            op::APPLY => Instr::Apply { arity: u!(0), dealloc: None },
            op::APPLY_LAST => Instr::Apply { arity: u!(0), dealloc: Some(u!(1)) },
            op::RAISE => Instr::Raise { stacktrace: s!(0), value: s!(1) },
            op::RAW_RAISE => Instr::RawRaise,
            op::BUILD_STACKTRACE => Instr::BuildStacktrace,
            op::FCLEARERROR => Instr::Fclearerror,
            op::FCHECKERROR => Instr::Fcheckerror { fail: l!(0) },
            op::FMOVE => {
                let src = match &a[0] {
                    Operand::FloatReg(r) => FSrc::Reg(*r),
                    o => FSrc::Term(self.src(o)?),
                };
                let dst = match &a[1] {
                    Operand::FloatReg(r) => FDst::Reg(*r),
                    o => FDst::Term(self.dst(o)?),
                };
                Instr::Fmove { src, dst }
            }
            op::FCONV => Instr::Fconv { src: s!(0), dst: self.freg(&a[1])? },
            op::FADD | op::FSUB | op::FMUL | op::FDIV => {
                let (x, y, d) = (self.freg(&a[1])?, self.freg(&a[2])?, self.freg(&a[3])?);
                match opcode {
                    op::FADD => Instr::Fadd { a: x, b: y, dst: d },
                    op::FSUB => Instr::Fsub { a: x, b: y, dst: d },
                    op::FMUL => Instr::Fmul { a: x, b: y, dst: d },
                    _ => Instr::Fdiv { a: x, b: y, dst: d },
                }
            }
            op::FNEGATE => Instr::Fnegate { a: self.freg(&a[1])?, dst: self.freg(&a[2])? },
            op::PUT_MAP_ASSOC | op::PUT_MAP_EXACT => {
                let items = self.list(&a[4])?;
                let mut pairs = Vec::new();
                for kv in items.chunks(2) {
                    if kv.len() != 2 {
                        return Err(self.bad(opcode, "odd map list"));
                    }
                    pairs.push((self.src(&kv[0])?, self.src(&kv[1])?));
                }
                // As ERTS's loader (`map_key_sort`): when every key is a literal, the keys
                // are sorted in term order, so `badkey` names the first missing key in that
                // order.
                if let Some(mut lits) = pairs.iter().map(|(k, v)| match k {
                    Src::Lit(t) => Some((*t, (*k, *v))),
                    _ => None,
                }).collect::<Option<Vec<_>>>() {
                    lits.sort_by(|a, b| crate::compare::compare(a.0, b.0, crate::compare::Mode::Exact));
                    pairs = lits.into_iter().map(|(_, kv)| kv).collect();
                }
                let (fail, src, dst, live) = (l!(0), s!(1), d!(2), u!(3));
                if opcode == op::PUT_MAP_ASSOC {
                    Instr::PutMapAssoc { fail, src, dst, live, pairs: pairs.into() }
                } else {
                    Instr::PutMapExact { fail, src, dst, live, pairs: pairs.into() }
                }
            }
            op::HAS_MAP_FIELDS => {
                let mut keys = Vec::new();
                for k in self.list(&a[2])? {
                    keys.push(self.src(k)?);
                }
                Instr::HasMapFields { fail: l!(0), src: s!(1), keys: keys.into() }
            }
            op::GET_MAP_ELEMENTS => {
                let items = self.list(&a[2])?;
                let mut pairs = Vec::new();
                for kv in items.chunks(2) {
                    if kv.len() != 2 {
                        return Err(self.bad(opcode, "odd map list"));
                    }
                    pairs.push((self.src(&kv[0])?, self.dst(&kv[1])?));
                }
                Instr::GetMapElements { fail: l!(0), src: s!(1), pairs: pairs.into() }
            }
            op::UPDATE_RECORD => {
                let Src::Lit(hint) = s!(0) else { return Err(self.bad(opcode, "hint must be an atom")) };
                let items = self.list(&a[4])?;
                let mut updates = Vec::new();
                for iv in items.chunks(2) {
                    if iv.len() != 2 {
                        return Err(self.bad(opcode, "odd update list"));
                    }
                    updates.push((self.uint(&iv[0])?, self.src(&iv[1])?));
                }
                Instr::UpdateRecord { hint, size: u!(1), src: s!(2), dst: d!(3), updates: updates.into() }
            }
            op::BS_CREATE_BIN => self.bs_create_bin(a)?,
            op::BS_START_MATCH2 => Instr::BsStartMatch { fail: l!(0), live: u!(2), src: s!(1), dst: d!(4) },
            op::BS_START_MATCH3 => Instr::BsStartMatch { fail: l!(0), live: u!(2), src: s!(1), dst: d!(3) },
            op::BS_START_MATCH4 => Instr::BsStartMatch { fail: l!(0), live: u!(1), src: s!(2), dst: d!(3) },
            op::BS_GET_POSITION => Instr::BsGetPosition { ctx: s!(0), dst: d!(1), live: u!(2) },
            op::BS_SET_POSITION => Instr::BsSetPosition { ctx: s!(0), pos: s!(1) },
            op::BS_GET_TAIL => Instr::BsGetTail { ctx: s!(0), dst: d!(1), live: u!(2) },
            op::BS_GET_INTEGER2 | op::BS_GET_FLOAT2 | op::BS_GET_BINARY2 => {
                let (fail, ctx, live, size, unit, flags, dst) =
                    (l!(0), s!(1), u!(2), s!(3), u!(4), self.flags(&a[5])?, d!(6));
                match opcode {
                    op::BS_GET_INTEGER2 => Instr::BsGetInteger { fail, ctx, live, size, unit, flags, dst },
                    op::BS_GET_FLOAT2 => Instr::BsGetFloat { fail, ctx, live, size, unit, flags, dst },
                    _ => Instr::BsGetBinary { fail, ctx, live, size, unit, flags, dst },
                }
            }
            op::BS_SKIP_BITS2 => Instr::BsSkipBits { fail: l!(0), ctx: s!(1), size: s!(2), unit: u!(3), flags: self.flags(&a[4])? },
            op::BS_TEST_TAIL2 => {
                let bits = match &a[2] {
                    Operand::Unsigned(v) => *v,
                    Operand::Integer(v) if *v >= 0 => *v as u64,
                    // A tail of 2^64 bits or more: never there.
                    Operand::BigInteger { negative: false, .. } => u64::MAX,
                    _ => return Err(self.bad(opcode, "bad tail size")),
                };
                Instr::BsTestTail { fail: l!(0), ctx: s!(1), bits }
            }
            op::BS_TEST_UNIT => Instr::BsTestUnit { fail: l!(0), ctx: s!(1), unit: u!(2) },
            op::BS_MATCH_STRING => {
                let bits = u!(2);
                let bytes = self.string_bytes(u!(3), bits.div_ceil(8))?;
                Instr::BsMatchString { fail: l!(0), ctx: s!(1), bits, bytes }
            }
            op::BS_SAVE2 => Instr::BsSave { ctx: s!(0), slot: self.uint(&a[1]).unwrap_or(u32::MAX) },
            op::BS_RESTORE2 => Instr::BsRestore { ctx: s!(0), slot: self.uint(&a[1]).unwrap_or(u32::MAX) },
            op::BS_CONTEXT_TO_BINARY => Instr::BsContextToBinary { ctx: s!(0) },
            op::BS_GET_UTF8 => Instr::BsGetUtf8 { fail: l!(0), ctx: s!(1), dst: d!(4) },
            op::BS_SKIP_UTF8 => Instr::BsSkipUtf8 { fail: l!(0), ctx: s!(1) },
            op::BS_GET_UTF16 => Instr::BsGetUtf16 { fail: l!(0), ctx: s!(1), flags: self.flags(&a[3])?, dst: d!(4) },
            op::BS_SKIP_UTF16 => Instr::BsSkipUtf16 { fail: l!(0), ctx: s!(1), flags: self.flags(&a[3])? },
            op::BS_GET_UTF32 => Instr::BsGetUtf32 { fail: l!(0), ctx: s!(1), flags: self.flags(&a[3])?, dst: d!(4) },
            op::BS_SKIP_UTF32 => Instr::BsSkipUtf32 { fail: l!(0), ctx: s!(1), flags: self.flags(&a[3])? },
            op::BS_MATCH => self.bs_match(a)?,
            op::BS_INIT2 | op::BS_INIT_BITS => {
                Instr::BsInit { fail: l!(0), size: s!(1), live: u!(3), dst: d!(5), bits: opcode == op::BS_INIT_BITS }
            }
            op::BS_PUT_INTEGER | op::BS_PUT_BINARY | op::BS_PUT_FLOAT => {
                let ty = match opcode {
                    op::BS_PUT_INTEGER => SegType::Integer,
                    op::BS_PUT_BINARY => SegType::Binary,
                    _ => SegType::Float,
                };
                let seg = Segment { ty, unit: u!(2), flags: self.flags(&a[3])?, src: s!(4), size: s!(1), num: 1 };
                Instr::BsPut { fail: l!(0), seg }
            }
            op::BS_PUT_STRING => {
                let len = u!(0);
                let bytes = self.string_bytes(u!(1), len)?;
                let b = terms::binary(&mut self.arena, &bytes);
                let seg = Segment { ty: SegType::Binary, unit: 1, flags: 0, src: Src::Lit(b), size: Src::Lit(am::ALL), num: 1 };
                Instr::BsPut { fail: 0, seg }
            }
            op::BS_PUT_UTF8 | op::BS_PUT_UTF16 | op::BS_PUT_UTF32 => {
                let ty = match opcode {
                    op::BS_PUT_UTF8 => SegType::Utf8,
                    op::BS_PUT_UTF16 => SegType::Utf16,
                    _ => SegType::Utf32,
                };
                let seg = Segment { ty, unit: 1, flags: self.flags(&a[1])?, src: s!(2), size: Src::Lit(Term::NIL), num: 1 };
                Instr::BsPut { fail: l!(0), seg }
            }
            op::BS_ADD => Instr::BsAdd { fail: l!(0), a: s!(1), b: s!(2), unit: u!(3), dst: d!(4) },
            op::BS_APPEND => Instr::BsAppend { fail: l!(0), size: s!(1), live: u!(3), unit: u!(4), bin: s!(5), dst: d!(7) },
            op::BS_PRIVATE_APPEND => Instr::BsPrivateAppend { fail: l!(0), size: s!(1), unit: u!(2), bin: s!(3), dst: d!(5) },
            op::BS_INIT_WRITABLE => {
                let empty = terms::binary(&mut self.arena, &[]);
                Instr::Move { src: Src::Lit(empty), dst: Dst::X(0) }
            }
            op::BS_UTF8_SIZE => Instr::BsUtfSize { fail: l!(0), src: s!(1), dst: d!(2), utf16: false },
            op::BS_UTF16_SIZE => Instr::BsUtfSize { fail: l!(0), src: s!(1), dst: d!(2), utf16: true },
            op::TRIM => Instr::Trim { n: u!(0) },
            op::ON_LOAD => Instr::OnLoad,
            op::NIF_START => Instr::NifStart,
            _ => {
                return Err(LoadError::UnsupportedOpcode { opcode, name: genop::name(opcode) });
            }
        };
        self.push(ins);
        Ok(())
    }

    fn y(&self, o: &Operand) -> Result<u32, LoadError> {
        match self.dst(o)? {
            Dst::Y(y) => Ok(y),
            Dst::X(_) => Err(self.bad(0, "expected a y register")),
        }
    }

    fn freg(&self, o: &Operand) -> Result<u32, LoadError> {
        match o {
            Operand::FloatReg(r) if (*r as usize) < crate::emu::interp::F_REGS => Ok(*r),
            _ => Err(self.bad(0, "expected a float register")),
        }
    }

    fn lambda(&self, i: u32) -> Result<&'static FunEntry, LoadError> {
        self.lambdas.get(i as usize).copied().ok_or(self.bad(0, "lambda index out of range"))
    }

    fn bs_create_bin(&mut self, a: &[Operand]) -> Result<Instr, LoadError> {
        let opcode = op::BS_CREATE_BIN;
        let fail = self.label(&a[0])?;
        let alloc = self.heap_need(&a[1]).unwrap_or(0);
        let live = self.uint(&a[2])?;
        let unit = self.uint(&a[3])?;
        let dst = self.dst(&a[4])?;
        let items = self.list(&a[5])?.to_vec();
        let mut segs = Vec::new();
        for seg in items.chunks(6) {
            if seg.len() != 6 {
                return Err(self.bad(opcode, "segment list is not in sixes"));
            }
            let Src::Lit(ty) = self.src(&seg[0])? else { return Err(self.bad(opcode, "segment type")) };
            let ty_name = if ty.is_atom() { atom::name(ty) } else { "" };
            let seg_unit = self.uint(&seg[2]).unwrap_or(1);
            let flags = self.flags(&seg[3])?;
            let (ty, src, size) = match ty_name {
                "integer" => (SegType::Integer, self.src(&seg[4])?, self.src(&seg[5])?),
                "float" => (SegType::Float, self.src(&seg[4])?, self.src(&seg[5])?),
                "binary" => (SegType::Binary, self.src(&seg[4])?, self.src(&seg[5])?),
                "utf8" => (SegType::Utf8, self.src(&seg[4])?, Src::Lit(Term::NIL)),
                "utf16" => (SegType::Utf16, self.src(&seg[4])?, Src::Lit(Term::NIL)),
                "utf32" => (SegType::Utf32, self.src(&seg[4])?, Src::Lit(Term::NIL)),
                "append" => (SegType::Append, self.src(&seg[4])?, Src::Lit(am::ALL)),
                "private_append" => (SegType::PrivateAppend, self.src(&seg[4])?, Src::Lit(am::ALL)),
                "string" => {
                    let off = self.uint(&seg[4])?;
                    let len = self.uint(&seg[5])?;
                    let bytes = self.string_bytes(off, len)?;
                    let b = terms::binary(&mut self.arena, &bytes);
                    (SegType::String, Src::Lit(b), Src::Lit(am::ALL))
                }
                _ => return Err(self.bad(opcode, "unknown segment type")),
            };
            let num = self.uint(&seg[1]).unwrap_or(0);
            segs.push(Segment { ty, unit: seg_unit, flags, src, size, num });
        }
        Ok(Instr::BsCreateBin { fail, alloc, live, unit, dst, segs: segs.into() })
    }

    fn bs_match(&mut self, a: &[Operand]) -> Result<Instr, LoadError> {
        let opcode = op::BS_MATCH;
        let fail = self.label(&a[0])?;
        let ctx = self.src(&a[1])?;
        let items = self.list(&a[2])?.to_vec();
        let mut cmds = Vec::new();
        let mut i = 0;
        let name_at = |l: &Self, i: usize| -> Result<&'static str, LoadError> {
            match items.get(i) {
                Some(Operand::Atom(n)) => Ok(atom::name(l.atom(*n)?)),
                _ => Err(l.bad(opcode, "bs_match command")),
            }
        };
        while i < items.len() {
            let cmd = name_at(self, i)?;
            let arg = |k: usize| items.get(i + k).ok_or(self.bad(opcode, "bs_match operands"));
            match cmd {
                "ensure_at_least" => {
                    cmds.push(MatchCmd::EnsureAtLeast { bits: self.uint(arg(1)?)?, unit: self.uint(arg(2)?)? });
                    i += 3;
                }
                "ensure_exactly" => {
                    cmds.push(MatchCmd::EnsureExactly { bits: self.uint(arg(1)?)? });
                    i += 2;
                }
                "integer" | "binary" => {
                    let live = self.uint(arg(1)?)?;
                    let flags = self.flags(arg(2)?)?;
                    let size = self.uint(arg(3)?)?;
                    let unit = self.uint(arg(4)?)?;
                    let dst = self.dst(arg(5)?)?;
                    cmds.push(if cmd == "integer" {
                        MatchCmd::Integer { live, flags, size, unit, dst }
                    } else {
                        MatchCmd::Binary { live, flags, size, unit, dst }
                    });
                    i += 6;
                }
                "skip" => {
                    cmds.push(MatchCmd::Skip { bits: self.uint(arg(1)?)? });
                    i += 2;
                }
                "get_tail" => {
                    cmds.push(MatchCmd::GetTail { live: self.uint(arg(1)?)?, unit: self.uint(arg(2)?)?, dst: self.dst(arg(3)?)? });
                    i += 4;
                }
                "=:=" => {
                    let size = self.uint(arg(2)?)?;
                    let value = match arg(3)? {
                        Operand::Integer(v) => *v as u64,
                        Operand::Unsigned(v) => *v,
                        _ => return Err(self.bad(opcode, "=:= value")),
                    };
                    cmds.push(MatchCmd::EqualInt { size, value });
                    i += 4;
                }
                _ => return Err(self.bad(opcode, "unknown bs_match command")),
            }
        }
        Ok(Instr::BsMatch { fail, ctx, cmds: cmds.into() })
    }

    /// A NIF stub (a function calling `erlang:nif_error`) with a BIF of its name starts with a
    /// tail call of that BIF, so local calls reach it too, as calls reach a NIF in ERTS once
    /// `load_nif` has patched the stub.
    fn route_nif_stubs(&self, code: &mut [Instr]) {
        let nif_error = atom::atom("nif_error");
        let is_nif_error = |e: &Export| e.module == am::ERLANG && e.function == nif_error;
        for (i, f) in self.functions.iter().enumerate() {
            let (start, end) = (f.start as usize, self.functions.get(i + 1).map_or(code.len(), |n| n.start as usize));
            if start + 1 >= end || bif::lookup(self.module, f.function, f.arity).is_none() {
                continue;
            }
            let stub = code[start..end].iter().any(|ins| match ins {
                Instr::CallExt { export, .. } | Instr::CallExtLast { export, .. } | Instr::CallExtOnly { export, .. } => {
                    is_nif_error(export)
                }
                _ => false,
            });
            if stub {
                let export = self.vm.code.export(self.module, f.function, f.arity);
                code[start + 1] = Instr::CallExtOnly { arity: f.arity, export };
            }
        }
    }

    fn finish(mut self) -> Result<(Module, Vec<(Term, u32, usize)>), LoadError> {
        let labels = core::mem::take(&mut self.labels);
        let mut code: Box<[Instr]> = core::mem::take(&mut self.code).into_boxed_slice();
        self.route_nif_stubs(&mut code);
        fuse(&mut code);
        let base = code.as_ptr() as usize;
        let size = core::mem::size_of::<Instr>();
        let mut bad_label = None;
        for ins in code.iter_mut() {
            ins.labels_mut(&mut |l: &mut usize| {
                if *l == 0 {
                    return;
                }
                match labels.get(&(*l as u32)) {
                    Some(&idx) => *l = base + idx * size,
                    None => bad_label = Some(*l as u32),
                }
            });
            match ins {
                Instr::Catch { y, handler, index } | Instr::Try { y, handler, index } => {
                    *index = exception::register_catch(*handler, *y);
                }
                _ => {}
            }
        }
        if let Some(label) = bad_label {
            return Err(LoadError::BadLabel { label });
        }
        let mut export_targets = Vec::new();
        let mut exports = Vec::new();
        for e in &self.bf.exports {
            let f = self.atom(e.function)?;
            let idx = *labels.get(&e.label).ok_or(LoadError::BadLabel { label: e.label })?;
            export_targets.push((f, e.arity, idx));
            exports.push((f, e.arity));
        }
        for (i, fun) in self.bf.funs.iter().enumerate() {
            let idx = *labels.get(&fun.label).ok_or(LoadError::BadLabel { label: fun.label })?;
            // SAFETY: idx is an index into `code`, which is never reallocated after this.
            self.lambdas[i].set_code(unsafe { code.as_ptr().add(idx) });
        }
        let on_load = code.iter().position(|i| matches!(i, Instr::OnLoad));
        let attributes = match &self.bf.attributes {
            Some(b) => bif::etf::decode(&mut self.arena, b, &self.vm.code).map_err(|_| LoadError::BadLiteral { index: usize::MAX })?,
            None => Term::NIL,
        };
        let compile_info = match &self.bf.compile_info {
            Some(b) => bif::etf::decode(&mut self.arena, b, &self.vm.code).map_err(|_| LoadError::BadLiteral { index: usize::MAX })?,
            None => Term::NIL,
        };
        let line_items: Vec<(u32, u32)> = self.bf.lines.iter().map(|li| (li.file_index, li.line)).collect();
        let line_files: Vec<String> = self.bf.line_files.clone();
        let _ = self.vm;
        // ERTS's preloaded modules are built into the emulator without line information, so
        // their frames carry no location in erl's stack traces; the copies in erts/ebin (which
        // we load) have it. Drop it, so traces through e.g. erlang.erl match erl's.
        if PRELOADED.contains(&crate::atom::name(self.module)) {
            self.line_marks.clear();
        }
        let module = Module {
            name: self.module,
            code,
            functions: self.functions,
            line_marks: self.line_marks,
            line_items,
            line_files,
            exports,
            lambdas: self.lambdas,
            md5: self.bf.md5,
            attributes,
            compile_info,
            literal_heap: self.arena.blocks,
            on_load,
        };
        Ok((module, export_targets))
    }
}

/// Replaces the first instruction of common pairs with one instruction doing both (one
/// dispatch instead of two, as ERTS's loader does with ops.tab). The second instruction stays
/// in place, because it may be a jump target, and the fused one skips it.
fn fuse(code: &mut [Instr]) {
    for i in 0..code.len().saturating_sub(1) {
        let fused = match (&code[i], &code[i + 1]) {
            (Instr::Deallocate { n }, Instr::Return) => Instr::DeallocateReturn { n: *n },
            (Instr::IsNonemptyList { fail, a }, Instr::GetList { src, head, tail }) if a == src => {
                Instr::IsNonemptyListGetList { fail: *fail, src: *src, head: *head, tail: *tail }
            }
            (Instr::TestHeap { heap, live }, Instr::PutList { head, tail, dst }) => {
                Instr::TestHeapPutList { heap: *heap, live: *live, head: *head, tail: *tail, dst: *dst }
            }
            (Instr::Move { src: s1, dst: d1 }, Instr::Move { src: s2, dst: d2 }) => {
                Instr::Move2 { s1: *s1, d1: *d1, s2: *s2, d2: *d2 }
            }
            (Instr::Move { src, dst }, Instr::Return) => Instr::MoveReturn { src: *src, dst: *dst },
            (Instr::Move { src, dst }, Instr::Call { arity, target }) => {
                Instr::MoveCall { src: *src, dst: *dst, arity: *arity, target: *target }
            }
            (Instr::Move { src, dst }, Instr::CallLast { arity, target, dealloc }) => {
                Instr::MoveCallLast { src: *src, dst: *dst, arity: *arity, target: *target, dealloc: *dealloc }
            }
            (Instr::Move { src, dst }, Instr::CallOnly { arity, target }) => {
                Instr::MoveCallOnly { src: *src, dst: *dst, arity: *arity, target: *target }
            }
            _ => continue,
        };
        code[i] = fused;
    }
}

/// The modules ERTS 25 preloads (erts/preloaded/ebin).
const PRELOADED: &[&str] = &[
    "atomics", "counters", "erl_init", "erl_prim_loader", "erl_tracer", "erlang", "erts_code_purger",
    "erts_dirty_process_signal_handler", "erts_internal", "erts_literal_area_collector", "init",
    "persistent_term", "prim_buffer", "prim_eval", "prim_file", "prim_inet", "prim_net", "prim_socket",
    "prim_zip", "socket_registry", "zlib",
];

/// Stands in for a BIF the VM does not implement: raises `undef` like a missing function.
fn undefined_bif(_ctx: &mut Ctx, _args: &[Term]) -> Result<Term, Exc> {
    Err(Exc::Error(am::UNDEF))
}

