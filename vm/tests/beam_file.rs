//! Tests of the .beam parser (`loader::beam_file`, `loader::compact`, `loader::genop`) against
//! the installed Erlang/OTP: every installed .beam must parse, and what it yields must agree
//! with what `erl` itself reports (beam_lib, beam_disasm, module_info) for the same files.
//! Expected values are computed by running `erl`/`erlc` at test time, never hard-coded; when
//! no OTP installation is found those tests say so on stderr and pass vacuously.
//! OTP root: `BEAMOS_OTP_ROOT`, else the root of the `erl` on the PATH, else /usr/lib/erlang.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use beamos_vm::loader::beam_file::*;
use beamos_vm::loader::compact::{integer_from_be_twos_complement, CompactError, Operand, Reader};
use beamos_vm::loader::genop::{self, op};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Finding OTP and asking erl.

fn erl_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| Command::new("erl").arg("-version").output().is_ok_and(|o| o.status.success()))
}

/// Runs `erl -noshell -eval <expr> -extra <args>` and returns its stdout.
fn erl_eval(expr: &str, args: &[&Path]) -> String {
    let out = Command::new("erl").args(["-noshell", "-eval", expr, "-extra"]).args(args).output().expect("run erl");
    assert!(out.status.success(), "erl failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("erl output is UTF-8")
}

fn otp_root() -> Option<PathBuf> {
    static ROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    ROOT.get_or_init(|| {
        if let Some(root) = std::env::var_os("BEAMOS_OTP_ROOT") {
            return Some(PathBuf::from(root));
        }
        if erl_available() {
            let root = erl_eval("io:format(\"~s\", [code:root_dir()]), halt().", &[]);
            return Some(PathBuf::from(root.trim()));
        }
        Some(PathBuf::from("/usr/lib/erlang")).filter(|p| p.join("lib").is_dir())
    })
    .clone()
}

/// Every .beam under `<root>/lib/*/ebin` (which includes erts-*/ebin, the preloaded modules).
fn installed_beams() -> Vec<PathBuf> {
    let Some(root) = otp_root() else { return Vec::new() };
    let mut beams = Vec::new();
    for app in std::fs::read_dir(root.join("lib")).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(app.path().join("ebin")).into_iter().flatten().flatten() {
            if file.path().extension().is_some_and(|e| e == "beam") {
                beams.push(file.path());
            }
        }
    }
    beams.sort();
    beams
}

fn find_beam(module: &str) -> Option<PathBuf> {
    let name = format!("{module}.beam");
    installed_beams().into_iter().find(|p| p.file_name().is_some_and(|f| f == name.as_str()))
}

fn skip(test: &str, why: &str) {
    eprintln!("SKIPPED {test}: {why}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    hex(&Md5::digest(bytes))
}

fn parse_file(path: &Path) -> BeamFile {
    let bytes = std::fs::read(path).expect("read .beam");
    parse(&bytes).unwrap_or_else(|e| panic!("{}: {}", path.display(), e))
}

/// Checks the shape invariants every parsed file must have.
fn check_invariants(path: &Path, beam: &BeamFile) {
    let last = beam.code.ops.last().map(|o| o.opcode);
    assert_eq!(last, Some(op::INT_CODE_END), "{}: code ends with int_code_end", path.display());
    for o in &beam.code.ops {
        assert_eq!(o.args.len(), genop::arity(o.opcode), "{}: arity of {}", path.display(), genop::name(o.opcode));
    }
    assert_eq!(beam.lines.first(), Some(&LineItem { file_index: 0, line: 0 }));
    assert_eq!(beam.line_files[0], format!("{}.erl", beam.module_name()));
    for item in &beam.lines {
        assert!((item.file_index as usize) < beam.line_files.len(), "{}: line file index", path.display());
    }
    let func_infos = beam.code.ops.iter().filter(|o| o.opcode == op::FUNC_INFO).count();
    assert_eq!(func_infos, beam.code.function_count as usize, "{}: function count", path.display());
}

// ---------------------------------------------------------------------------------------------
// Every installed file.

#[test]
fn parses_every_installed_beam() {
    let beams = installed_beams();
    if beams.is_empty() {
        return skip("parses_every_installed_beam", "no OTP installation found");
    }
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    let mut ops = 0usize;
    for path in &beams {
        let bytes = std::fs::read(path).expect("read .beam");
        match parse(&bytes) {
            Ok(beam) => {
                check_invariants(path, &beam);
                ops += beam.code.ops.len();
            }
            Err(e) => failures.push(format!("{}: {}", path.display(), e)),
        }
    }
    eprintln!("parsed {} files, {} generic ops, in {:?}", beams.len(), ops, started.elapsed());
    assert!(failures.is_empty(), "{} of {} files failed:\n{}", failures.len(), beams.len(), failures.join("\n"));
    assert!(beams.len() > 500, "expected a full OTP installation, found {} .beam files", beams.len());
}

// ---------------------------------------------------------------------------------------------
// Agreement with beam_lib, beam_disasm and module_info on sample modules.

/// For each file given: its atoms, exports, locals, imports, literals (md5 of each ETF), the
/// number of funs in FunT, the generic instructions and functions as beam_disasm counts them,
/// and the md5 from beam_lib:md5/1 and from Mod:module_info(md5).
const FACTS_ERL: &str = r#"
Hex = fun(B) -> binary:encode_hex(B) end,
Split = fun Split(<<Size:32, Ext:Size/binary, Rest/binary>>, I) ->
                _ = binary_to_term(Ext),
                io:format("LIT ~b ~s~n", [I, Hex(erlang:md5(Ext))]),
                Split(Rest, I + 1);
            Split(<<>>, I) -> I
        end,
lists:foreach(fun(F) ->
    io:format("FILE ~s~n", [F]),
    {ok, {M, [{atoms, As}, {labeled_exports, Es}, {labeled_locals, Ls}, {indexed_imports, Is}]}} =
        beam_lib:chunks(F, [atoms, labeled_exports, labeled_locals, indexed_imports]),
    [io:format("ATOM ~b ~s~n", [I, Hex(atom_to_binary(A))]) || {I, A} <- As],
    [io:format("EXP ~s ~b ~b~n", [Hex(atom_to_binary(N)), A, L]) || {N, A, L} <- Es],
    [io:format("LOC ~s ~b ~b~n", [Hex(atom_to_binary(N)), A, L]) || {N, A, L} <- Ls],
    [io:format("IMP ~b ~s ~s ~b~n", [I, Hex(atom_to_binary(Mo)), Hex(atom_to_binary(Fu)), A])
     || {I, Mo, Fu, A} <- Is],
    {ok, {_, [{"LitT", LitT}, {"FunT", FunT}]}} = beam_lib:chunks(F, ["LitT", "FunT"], [allow_missing_chunks]),
    NLit = case LitT of
               <<_:32, Z/binary>> -> <<N:32, Tab/binary>> = zlib:uncompress(Z), N = Split(Tab, 0);
               missing_chunk -> 0
           end,
    io:format("LITS ~b~n", [NLit]),
    NFun = case FunT of <<NF:32, _/binary>> -> NF; missing_chunk -> 0 end,
    io:format("FUNT ~b~n", [NFun]),
    {beam_file, M, _, _, _, Code} = beam_disasm:file(F),
    io:format("OPS ~b~nFUNCS ~b~n", [lists:sum([length(element(5, Fn)) || Fn <- Code]), length(Code)]),
    {ok, {M, MD5}} = beam_lib:md5(F),
    io:format("MD5 ~s~n", [Hex(MD5)]),
    %% Preloaded modules run from a copy built into the emulator, not from this file.
    case code:ensure_loaded(M) =:= {module, M} andalso code:which(M) =:= F of
        true -> io:format("MODINFO ~s~n", [Hex(M:module_info(md5))]);
        false -> ok
    end
end, init:get_plain_arguments()),
halt().
"#;

#[derive(Default, Debug)]
struct Facts {
    atoms: BTreeMap<u32, String>,
    exports: BTreeSet<(String, u32, u32)>,
    locals: BTreeSet<(String, u32, u32)>,
    imports: BTreeMap<u32, (String, String, u32)>,
    literal_md5s: BTreeMap<usize, String>,
    literal_count: usize,
    fun_count: usize,
    ops: usize,
    functions: usize,
    md5: String,
    module_info_md5: Option<String>,
}

fn erl_facts(files: &[PathBuf]) -> BTreeMap<PathBuf, Facts> {
    let args: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let out = erl_eval(FACTS_ERL, &args);
    let mut all: BTreeMap<PathBuf, Facts> = BTreeMap::new();
    let mut current = None;
    for line in out.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        if words[0] == "FILE" {
            current = Some(PathBuf::from(&line[5..]));
            all.insert(current.clone().unwrap(), Facts::default());
            continue;
        }
        let f = all.get_mut(current.as_ref().expect("FILE first")).unwrap();
        let num = |i: usize| -> u32 { words[i].parse().expect("number") };
        match words[0] {
            "ATOM" => drop(f.atoms.insert(num(1), words[2].to_string())),
            "EXP" => drop(f.exports.insert((words[1].to_string(), num(2), num(3)))),
            "LOC" => drop(f.locals.insert((words[1].to_string(), num(2), num(3)))),
            "IMP" => drop(f.imports.insert(num(1), (words[2].to_string(), words[3].to_string(), num(4)))),
            "LIT" => drop(f.literal_md5s.insert(num(1) as usize, words[2].to_string())),
            "LITS" => f.literal_count = num(1) as usize,
            "FUNT" => f.fun_count = num(1) as usize,
            "OPS" => f.ops = num(1) as usize,
            "FUNCS" => f.functions = num(1) as usize,
            "MD5" => f.md5 = words[1].to_string(),
            "MODINFO" => f.module_info_md5 = Some(words[1].to_string()),
            other => panic!("unexpected erl output {other}: {line}"),
        }
    }
    all
}

fn name_hex(beam: &BeamFile, atom: u32) -> String {
    hex(beam.atom(atom).expect("atom").as_bytes())
}

#[test]
fn agrees_with_beam_lib_and_beam_disasm() {
    if !erl_available() {
        return skip("agrees_with_beam_lib_and_beam_disasm", "erl is not on the PATH");
    }
    let modules = ["lists", "erlang", "gen_server", "compile", "unicode_util", "beam_disasm", "maps", "ets", "string"];
    let files: Vec<PathBuf> = modules.iter().map(|m| find_beam(m).unwrap_or_else(|| panic!("{m}.beam"))).collect();
    let facts = erl_facts(&files);
    assert_eq!(facts.len(), files.len());
    let mut module_info_checks = 0;
    for path in &files {
        let beam = parse_file(path);
        let f = &facts[path];
        let atoms: BTreeMap<u32, String> =
            beam.atoms.iter().enumerate().map(|(i, a)| (i as u32 + 1, hex(a.as_bytes()))).collect();
        assert_eq!(atoms, f.atoms, "{}: atoms", path.display());
        let exports: BTreeSet<_> =
            beam.exports.iter().map(|e| (name_hex(&beam, e.function), e.arity, e.label)).collect();
        assert_eq!(exports, f.exports, "{}: exports", path.display());
        let locals: BTreeSet<_> = beam.locals.iter().map(|e| (name_hex(&beam, e.function), e.arity, e.label)).collect();
        assert_eq!(locals, f.locals, "{}: locals", path.display());
        let imports: BTreeMap<u32, _> = beam
            .imports
            .iter()
            .enumerate()
            .map(|(i, m)| (i as u32 + 1, (name_hex(&beam, m.module), name_hex(&beam, m.function), m.arity)))
            .collect();
        assert_eq!(imports, f.imports, "{}: imports", path.display());
        assert_eq!(beam.literals.len(), f.literal_count, "{}: literal count", path.display());
        let literal_md5s: BTreeMap<usize, String> = beam.literals.iter().map(|l| md5_hex(l)).enumerate().collect();
        assert_eq!(literal_md5s, f.literal_md5s, "{}: literal bytes", path.display());
        assert_eq!(beam.funs.len(), f.fun_count, "{}: funs", path.display());
        // beam_disasm lists every instruction but the final int_code_end, grouped by function.
        assert_eq!(beam.code.ops.len() - 1, f.ops, "{}: instruction count", path.display());
        assert_eq!(beam.code.function_count as usize, f.functions, "{}: function count", path.display());
        assert_eq!(hex(&beam.md5), f.md5, "{}: md5 vs beam_lib:md5/1", path.display());
        if let Some(info) = &f.module_info_md5 {
            assert_eq!(&hex(&beam.md5), info, "{}: md5 vs module_info(md5)", path.display());
            module_info_checks += 1;
        }
    }
    assert!(module_info_checks >= 6, "only {module_info_checks} modules were checked against module_info(md5)");
}

#[test]
fn genop_table_matches_the_installed_compiler() {
    if !erl_available() {
        return skip("genop_table_matches_the_installed_compiler", "erl is not on the PATH");
    }
    let out = erl_eval(
        "[io:format(\"~b ~s ~b~n\", [N, element(1, beam_opcodes:opname(N)), element(2, beam_opcodes:opname(N))]) \
         || N <- lists:seq(1, 1000), try beam_opcodes:opname(N), true catch _:_ -> false end], halt().",
        &[],
    );
    let mut count = 0;
    for line in out.lines() {
        let w: Vec<&str> = line.split(' ').collect();
        let number: u8 = w[0].parse().unwrap();
        let info = genop::info(number).unwrap_or_else(|| panic!("opcode {number} missing"));
        assert_eq!((info.name, info.arity.to_string().as_str()), (w[1], w[2]), "opcode {number}");
        assert_eq!(genop::opcode(w[1], info.arity), Some(number));
        count += 1;
    }
    assert!(count >= 180, "erl listed {count} opcodes");
    // The generated beam_opcodes.erl comments out the opcodes genop.tab marks obsolete.
    let source = otp_root().and_then(|root| {
        let compiler = std::fs::read_dir(root.join("lib")).ok()?.flatten().find(|d| {
            d.file_name().to_string_lossy().starts_with("compiler-") && d.path().join("src/beam_opcodes.erl").exists()
        })?;
        std::fs::read_to_string(compiler.path().join("src/beam_opcodes.erl")).ok()
    });
    let Some(source) = source else {
        return skip("genop deprecation flags", "compiler source beam_opcodes.erl not installed");
    };
    let mut obsolete = BTreeSet::new();
    for line in source.lines().filter(|l| l.starts_with("%%opcode(")) {
        let number = line.rsplit("-> ").next().unwrap().trim_end_matches(';');
        obsolete.insert(number.parse::<u8>().unwrap());
    }
    let flagged: BTreeSet<u8> =
        (1..=genop::MAX_OPCODE_OTP25).filter(|&n| genop::OPCODES[n as usize].deprecated).collect();
    assert_eq!(flagged, obsolete);
}

#[test]
fn genop_constants_and_table_agree() {
    assert_eq!(genop::OPCODES.len(), 184);
    assert_eq!(genop::OPCODES[0].name, "");
    assert_eq!(genop::info(0), None);
    assert_eq!(genop::info(184), None);
    assert_eq!((genop::name(op::LABEL), genop::arity(op::LABEL)), ("label", 1));
    assert_eq!((genop::name(op::MOVE), genop::arity(op::MOVE)), ("move", 2));
    assert_eq!((genop::name(op::BS_CREATE_BIN), genop::arity(op::BS_CREATE_BIN)), ("bs_create_bin", 6));
    assert_eq!((genop::name(op::UPDATE_RECORD), op::UPDATE_RECORD), ("update_record", 181));
    assert_eq!((genop::name(op::BS_MATCH), genop::arity(op::BS_MATCH)), ("bs_match", 3));
    assert_eq!((genop::name(op::EXECUTABLE_LINE), genop::arity(op::EXECUTABLE_LINE)), ("executable_line", 2));
    assert_eq!(genop::opcode("catch", 2), Some(op::CATCH));
    assert_eq!(genop::opcode("catch", 3), None);
}

// ---------------------------------------------------------------------------------------------
// A module compiled for the test: operands of every kind.

const OPERANDS_ERL: &str = "-module(operands).
-export([big/0, neg_big/0, huge/0, max64/0, min64/0, over64/0, under64/0, float/0, bin/1,
         map/1, adder/1, guarded/1, tuple/1, atoms/1]).

big() -> 1267650600228229401496703205376.
neg_big() -> -1267650600228229401496703205376.
huge() -> 1606938044258990275541962092341162602522202993782792835301376.
max64() -> 9223372036854775807.
min64() -> -9223372036854775808.
over64() -> 9223372036854775808.
under64() -> -9223372036854775809.
float() -> 3.25.
bin(X) -> <<X:32, \"abc\">>.
map(M) -> M#{key => 1}.
adder(X) -> fun(Y) -> X + Y end.
guarded(F) ->
    try F() of
        V -> {ok, V}
    catch
        error:R -> {error, R}
    end.
tuple({A, B}) when is_integer(A), is_integer(B) -> A * B + 1000000;
tuple(_) -> [].
atoms(X) -> case X of one -> 1; two -> 2; 'three \\x{1F600}' -> 3 end.
";

fn compiled_operands_module() -> Option<(PathBuf, BeamFile)> {
    static COMPILED: OnceLock<Option<(PathBuf, BeamFile)>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            if !erl_available() {
                return None;
            }
            let dir = std::env::temp_dir().join(format!("beam_file_test_{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let source = dir.join("operands.erl");
            std::fs::write(&source, OPERANDS_ERL).unwrap();
            let out = Command::new("erlc").arg("-o").arg(&dir).arg(&source).output().expect("run erlc");
            assert!(out.status.success(), "erlc: {}", String::from_utf8_lossy(&out.stderr));
            let beam = dir.join("operands.beam");
            let parsed = parse_file(&beam);
            Some((beam, parsed))
        })
        .clone()
}

fn source_path(beam: &Path) -> String {
    beam.with_extension("erl").to_str().unwrap().to_string()
}

/// The single instruction `move Src, x0` of a function without arguments named `name`.
fn returned_operand<'a>(beam: &'a BeamFile, name: &str) -> &'a Operand {
    let entry = beam.exports.iter().find(|e| beam.atom(e.function) == Some(name)).expect("exported");
    let ops = &beam.code.ops;
    let at = ops
        .iter()
        .position(|o| o.opcode == op::LABEL && o.args[0] == Operand::Unsigned(u64::from(entry.label)))
        .expect("entry label");
    let mv = ops[at..].iter().find(|o| o.opcode == op::MOVE).expect("a move");
    assert_eq!(mv.args[1], Operand::X(0));
    &mv.args[0]
}

fn big(negative: bool, magnitude: u128) -> Operand {
    let mut magnitude_le = magnitude.to_le_bytes().to_vec();
    while magnitude_le.last() == Some(&0) {
        magnitude_le.pop();
    }
    Operand::BigInteger { negative, magnitude_le }
}

fn literal<'a>(beam: &'a BeamFile, operand: &Operand) -> &'a [u8] {
    match operand {
        Operand::Literal(i) => &beam.literals[*i as usize],
        other => panic!("expected a literal, got {other:?}"),
    }
}

fn ops_named(beam: &BeamFile, opcode: u8) -> Vec<&GenericOp> {
    beam.code.ops.iter().filter(|o| o.opcode == opcode).collect()
}

#[test]
fn decodes_the_operands_of_a_compiled_module() {
    let Some((path, beam)) = compiled_operands_module() else {
        return skip("decodes_the_operands_of_a_compiled_module", "erl/erlc are not on the PATH");
    };
    check_invariants(&path, &beam);
    assert_eq!(beam.module_name(), "operands");
    // Integers below 2^128 stay in the code stream (tag i), larger ones become literals.
    assert_eq!(returned_operand(&beam, "big"), &big(false, 1 << 100));
    assert_eq!(returned_operand(&beam, "neg_big"), &big(true, 1 << 100));
    assert_eq!(returned_operand(&beam, "max64"), &Operand::Integer(i64::MAX));
    assert_eq!(returned_operand(&beam, "min64"), &Operand::Integer(i64::MIN));
    assert_eq!(returned_operand(&beam, "over64"), &big(false, 1 << 63));
    assert_eq!(returned_operand(&beam, "under64"), &big(true, (1 << 63) + 1));
    // 2^200 as SMALL_BIG_EXT: 131, 110, 26 digit bytes, sign 0, little-endian digits.
    let mut expected = vec![131, 110, 26, 0];
    expected.extend([0; 25]);
    expected.push(1);
    assert_eq!(literal(&beam, returned_operand(&beam, "huge")), expected.as_slice());
    // 3.25 as NEW_FLOAT_EXT.
    let mut expected = vec![131, 70];
    expected.extend(3.25f64.to_be_bytes());
    assert_eq!(literal(&beam, returned_operand(&beam, "float")), expected.as_slice());
    // Binary construction: the segment list is a list operand; "abc" is in StrT.
    let create = ops_named(&beam, op::BS_CREATE_BIN);
    assert_eq!(create.len(), 1);
    assert!(matches!(create[0].args[5], Operand::List(ref l) if !l.is_empty()));
    assert!(beam.strings.windows(3).any(|w| w == b"abc"));
    // Map update: put_map_assoc Fail Src Dst Live [Key, Value].
    let put = ops_named(&beam, op::PUT_MAP_ASSOC);
    assert_eq!(put.len(), 1);
    let key = beam.atoms.iter().position(|a| a == "key").unwrap() as u32 + 1;
    assert_eq!(put[0].args[4], Operand::List(vec![Operand::Atom(key), Operand::Integer(1)]));
    // The fun: one FunT entry with one free variable, made by make_fun3.
    assert_eq!(beam.funs.len(), 1);
    assert_eq!((beam.funs[0].arity, beam.funs[0].num_free), (2, 1));
    assert_eq!(ops_named(&beam, op::MAKE_FUN3).len(), 1);
    // try ... of ... catch.
    let try_ops = ops_named(&beam, op::TRY);
    assert_eq!(try_ops.len(), 1);
    assert!(matches!(try_ops[0].args[0], Operand::Y(_)));
    assert!(matches!(try_ops[0].args[1], Operand::Label(l) if l > 0));
    assert_eq!(ops_named(&beam, op::TRY_CASE).len(), 1);
    // select_val over atoms: pairs of atom and label; the non-ASCII atom round-trips.
    let select = ops_named(&beam, op::SELECT_VAL);
    let Operand::List(pairs) = &select.last().unwrap().args[2] else { panic!("select list") };
    assert_eq!(pairs.len(), 6);
    let names: BTreeSet<&str> = pairs
        .iter()
        .filter_map(|o| match o {
            Operand::Atom(i) => beam.atom(*i),
            _ => None,
        })
        .collect();
    assert_eq!(names, BTreeSet::from(["one", "two", "three \u{1F600}"]));
    // [] is atom 0.
    assert!(beam.code.ops.iter().any(|o| o.opcode == op::MOVE && o.args[0] == Operand::Atom(0)));
    // Integers of three encodings: short (1), 11-bit (1000 would be), long (1000000).
    assert!(beam.code.ops.iter().flat_map(|o| &o.args).any(|a| *a == Operand::Integer(1_000_000)));
    // Line numbers: each function's func_info is preceded by a line instruction.
    let line_of =
        |name: &str| OPERANDS_ERL.lines().position(|l| l.starts_with(&format!("{name}("))).unwrap() as u32 + 1;
    let lines: BTreeSet<u32> = beam.lines.iter().map(|l| l.line).collect();
    for name in ["big", "huge", "bin", "guarded", "tuple"] {
        assert!(lines.contains(&line_of(name)), "line of {name}");
    }
    // File 0 is implicit; the compiler names the source as erlc was given it, as file 1.
    assert_eq!(beam.line_files, vec!["operands.erl".to_string(), source_path(&path)]);
    assert!(beam.lines[1..].iter().all(|l| l.file_index == 1));
}

#[test]
fn compiled_module_md5_matches_module_info() {
    let Some((path, beam)) = compiled_operands_module() else {
        return skip("compiled_module_md5_matches_module_info", "erl/erlc are not on the PATH");
    };
    let dir = path.parent().unwrap().to_str().unwrap().to_string();
    let out = erl_eval(
        &format!(
            "code:add_patha(\"{dir}\"), {{module, operands}} = code:load_file(operands), \
             io:format(\"~s\", [binary:encode_hex(operands:module_info(md5))]), halt()."
        ),
        &[],
    );
    assert_eq!(hex(&beam.md5), out.trim());
}

#[test]
fn typed_registers_appear_with_valid_type_indices() {
    let Some(path) = find_beam("lists") else {
        return skip("typed_registers_appear_with_valid_type_indices", "no OTP installation found");
    };
    let beam = parse_file(&path);
    let types = beam.types.as_ref().expect("OTP 25 files have a Type chunk");
    assert_eq!(types.version, TYPES_VERSION);
    let typed: Vec<u32> = beam
        .code
        .ops
        .iter()
        .flat_map(|o| &o.args)
        .filter_map(|a| match a {
            Operand::TypedReg { reg, type_index } => {
                assert!(matches!(**reg, Operand::X(_) | Operand::Y(_)));
                Some(*type_index)
            }
            _ => None,
        })
        .collect();
    assert!(!typed.is_empty());
    assert!(typed.iter().all(|&t| t < types.count));
}

// ---------------------------------------------------------------------------------------------
// The compact encoding against a reference encoder written from beam_asm:encode/2.

/// Minimal big-endian two's complement bytes of a sign and magnitude (at least one byte).
fn twos_complement_be(negative: bool, magnitude_le: &[u8]) -> Vec<u8> {
    let mut le = magnitude_le.to_vec();
    le.push(0); // room for the sign bit
    if negative {
        let mut carry = true;
        for b in le.iter_mut() {
            let (v, overflow) = (!*b).overflowing_add(u8::from(carry));
            *b = v;
            carry = carry && overflow;
        }
    }
    // Drop redundant sign bytes.
    while le.len() > 1 {
        let top = le[le.len() - 1];
        let next = le[le.len() - 2];
        if (top == 0 && next & 0x80 == 0) || (top == 0xff && next & 0x80 != 0) {
            le.pop();
        } else {
            break;
        }
    }
    le.reverse();
    le
}

/// beam_asm:encode/2: small, 11-bit, or long form (2..=8 bytes, or a nested length).
fn encode(tag: u8, negative: bool, magnitude_le: &[u8]) -> Vec<u8> {
    let significant = magnitude_le.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let value = magnitude_le[..significant].iter().rev().fold(0u64, |v, &b| (v << 8) | u64::from(b));
    let short = !negative && significant <= 2;
    if short && value < 16 {
        return vec![((value as u8) << 4) | tag];
    }
    if short && value < 0x800 {
        return vec![(((value >> 3) as u8) & 0b1110_0000) | tag | 0b0000_1000, value as u8];
    }
    let mut bytes = twos_complement_be(negative, magnitude_le);
    if bytes.len() < 2 {
        bytes.insert(0, if negative { 0xff } else { 0 });
    }
    let mut out = if bytes.len() <= 8 {
        vec![(((bytes.len() - 2) as u8) << 5) | 0b0001_1000 | tag]
    } else {
        let extra = (bytes.len() - 9) as u64;
        let mut head = vec![0b1111_1000 | tag];
        head.extend(encode(0, false, &extra.to_le_bytes()));
        head
    };
    out.extend(bytes);
    out
}

fn decode_all(bytes: &[u8]) -> Result<Operand, CompactError> {
    let mut reader = Reader::new(bytes);
    let operand = reader.read_operand()?;
    assert!(reader.is_at_end(), "operand consumed {} of {} bytes", reader.position(), bytes.len());
    Ok(operand)
}

fn expected_integer(negative: bool, magnitude_le: &[u8]) -> Operand {
    let mut m = magnitude_le.to_vec();
    while m.last() == Some(&0) {
        m.pop();
    }
    let negative = negative && !m.is_empty();
    if m.len() <= 8 {
        let v = m.iter().rev().fold(0u64, |v, &b| (v << 8) | u64::from(b));
        if !negative && v <= i64::MAX as u64 {
            return Operand::Integer(v as i64);
        }
        if negative && v <= 1 << 63 {
            return Operand::Integer((v as i64).wrapping_neg());
        }
    }
    Operand::BigInteger { negative, magnitude_le: m }
}

#[test]
fn compact_encoding_examples() {
    assert_eq!(decode_all(&[0x00]), Ok(Operand::Unsigned(0)));
    assert_eq!(decode_all(&[0xf3]), Ok(Operand::X(15)));
    assert_eq!(decode_all(&[0x08 | 0x04 | 0xe0, 0xff]), Ok(Operand::Y(0x7ff)));
    assert_eq!(decode_all(&[0x19, 0xff, 0xff]), Ok(Operand::Integer(-1)));
    assert_eq!(decode_all(&[0x19, 0x00, 0xff]), Ok(Operand::Integer(255)));
    assert_eq!(decode_all(&[0x02]), Ok(Operand::Atom(0)));
    assert_eq!(decode_all(&[0x17, 0x20, 0x00, 0x35]), Ok(Operand::List(vec![Operand::Unsigned(0), Operand::Label(3)])));
    assert_eq!(decode_all(&[0x27, 0x30]), Ok(Operand::FloatReg(3)));
    assert_eq!(decode_all(&[0x37, 0x20, 0x00, 0x30, 0x10, 0x10]), Ok(Operand::AllocList(vec![(0, 3), (1, 1)])));
    assert_eq!(decode_all(&[0x47, 0x50]), Ok(Operand::Literal(5)));
    assert_eq!(decode_all(&[0x57, 0x24, 0x10]), Ok(Operand::TypedReg { reg: Box::new(Operand::Y(2)), type_index: 1 }));
    assert_eq!(decode_all(&[0x07, 0, 0, 0, 0, 0, 0, 0, 0]), Err(CompactError::FloatOperand));
    assert_eq!(decode_all(&[0x67]), Err(CompactError::UnknownExtendedTag { value: 6 }));
    assert_eq!(decode_all(&[0x57, 0x20, 0x10]), Err(CompactError::TypedRegNotRegister));
    assert_eq!(decode_all(&[0x17, 0x10, 0x17, 0x00]), Err(CompactError::NestedList));
    assert_eq!(decode_all(&[0x37, 0x10, 0x30, 0x10]), Err(CompactError::BadAllocKind { kind: 3 }));
    assert_eq!(decode_all(&[0x27, 0x31]), Err(CompactError::ExpectedUnsigned));
    assert_eq!(decode_all(&[0x19, 0x00]), Err(CompactError::Truncated));
    assert_eq!(decode_all(&[0xf9, 0x11]), Err(CompactError::BadLengthPrefix));
    // A 9-byte x register does not fit a u32.
    assert_eq!(decode_all(&[0xfb, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0]), Err(CompactError::TooLarge { tag: 3 }));
    // A u value past u64 saturates (bs_test_tail2 of a size no binary has).
    assert_eq!(decode_all(&[0xf8, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0]), Ok(Operand::Unsigned(u64::MAX)));
    // u values may use a leading zero byte beyond 8 bytes.
    assert_eq!(
        decode_all(&[0xf8, 0x00, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        Ok(Operand::Unsigned(u64::MAX))
    );
    assert_eq!(integer_from_be_twos_complement(&[0x80, 0, 0, 0, 0, 0, 0, 0]), Operand::Integer(i64::MIN));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn compact_unsigned_round_trips(value: u64) {
        let bytes = encode(0, false, &value.to_le_bytes());
        prop_assert_eq!(decode_all(&bytes), Ok(Operand::Unsigned(value)));
        let x = encode(3, false, &(value as u32).to_le_bytes());
        prop_assert_eq!(decode_all(&x), Ok(Operand::X(value as u32)));
    }

    #[test]
    fn compact_integer_round_trips(negative: bool, magnitude_le in prop::collection::vec(any::<u8>(), 0..40)) {
        let bytes = encode(1, negative && magnitude_le.iter().any(|&b| b != 0), &magnitude_le);
        prop_assert_eq!(decode_all(&bytes), Ok(expected_integer(negative, &magnitude_le)));
    }

    #[test]
    fn compact_i64_round_trips(value: i64) {
        let bytes = encode(1, value < 0, &value.unsigned_abs().to_le_bytes());
        prop_assert_eq!(decode_all(&bytes), Ok(Operand::Integer(value)));
    }

    #[test]
    fn compact_decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut reader = Reader::new(&bytes);
        while !reader.is_at_end() {
            if reader.read_operand().is_err() {
                break;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Corrupt files: each kind of damage gives its named error.

fn chunks_of(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let id: [u8; 4] = bytes[pos..pos + 4].try_into().unwrap();
        let size = u32::from_be_bytes(bytes[pos + 4..pos + 8].try_into().unwrap()) as usize;
        out.push((id, bytes[pos + 8..pos + 8 + size].to_vec()));
        pos += 8 + size.div_ceil(4) * 4;
    }
    out
}

fn assemble(chunks: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut body = b"BEAM".to_vec();
    for (id, data) in chunks {
        body.extend(id);
        body.extend((data.len() as u32).to_be_bytes());
        body.extend(data);
        body.resize(body.len().div_ceil(4) * 4, 0);
    }
    let mut file = b"FOR1".to_vec();
    file.extend((body.len() as u32).to_be_bytes());
    file.extend(body);
    file
}

fn sample_bytes() -> Option<Vec<u8>> {
    find_beam("lists").map(|p| std::fs::read(p).unwrap())
}

fn with_chunk(bytes: &[u8], id: &[u8; 4], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut chunks = chunks_of(bytes);
    let chunk = chunks.iter_mut().find(|(i, _)| i == id).expect("chunk present");
    edit(&mut chunk.1);
    assemble(&chunks)
}

fn without_chunk(bytes: &[u8], id: &[u8; 4]) -> Vec<u8> {
    let chunks: Vec<_> = chunks_of(bytes).into_iter().filter(|(i, _)| i != id).collect();
    assemble(&chunks)
}

#[test]
fn reassembled_file_parses_identically() {
    let Some(bytes) = sample_bytes() else { return skip("reassembled_file_parses_identically", "no OTP") };
    assert_eq!(parse(&assemble(&chunks_of(&bytes))), parse(&bytes));
}

#[test]
fn damaged_files_give_named_errors() {
    let Some(bytes) = sample_bytes() else { return skip("damaged_files_give_named_errors", "no OTP") };
    let code_at = |chunks: &[([u8; 4], Vec<u8>)]| -> usize {
        // Offset of the Code chunk's data in the assembled file.
        let mut pos = 12;
        for (id, data) in chunks {
            if id == b"Code" {
                return pos + 8;
            }
            pos += 8 + data.len().div_ceil(4) * 4;
        }
        unreachable!()
    };
    assert_eq!(parse(b"FOR1"), Err(BeamFileError::NotBeam));
    assert_eq!(parse(&bytes[..bytes.len() - 1]), Err(BeamFileError::Truncated { chunk: *b"FOR1", offset: 12 }));
    for id in [b"Code", b"ImpT", b"ExpT"] {
        assert_eq!(parse(&without_chunk(&bytes, id)), Err(BeamFileError::MissingChunk { chunk: *id }));
    }
    assert_eq!(parse(&without_chunk(&bytes, b"AtU8")), Err(BeamFileError::MissingChunk { chunk: *b"AtU8" }));
    // A chunk whose size runs past the form.
    let mut long = bytes.clone();
    long[16..20].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(parse(&long), Err(BeamFileError::Truncated { offset: 20, .. })));

    // Code: the first instruction (label 1) replaced by opcode 0, then by one above the max.
    let chunks = chunks_of(&bytes);
    let code_data = &chunks.iter().find(|(i, _)| i == b"Code").unwrap().1;
    let header = 4 + u32::from_be_bytes(code_data[0..4].try_into().unwrap()) as usize;
    let first_op = code_at(&chunks) + header;
    let mut bad = bytes.clone();
    bad[first_op] = 0;
    assert_eq!(parse(&bad), Err(BeamFileError::UnknownOpcode { opcode: 0, offset: first_op }));
    bad[first_op] = 200;
    assert_eq!(parse(&bad), Err(BeamFileError::UnknownOpcode { opcode: 200, offset: first_op }));
    let lowered = with_chunk(&bytes, b"Code", |d| d[8..12].copy_from_slice(&(op::LINE as u32 - 1).to_be_bytes()));
    assert!(matches!(parse(&lowered), Err(BeamFileError::OpcodeAboveMax { opcode, .. }) if opcode >= op::LINE));
    // The label count lowered below the labels used.
    let fewer_labels = with_chunk(&bytes, b"Code", |d| d[12..16].copy_from_slice(&2u32.to_be_bytes()));
    assert!(matches!(parse(&fewer_labels), Err(BeamFileError::IndexOutOfRange { what: "label", .. })));
    // Code cut off before int_code_end.
    let cut = with_chunk(&bytes, b"Code", |d| d.truncate(d.len() - 1));
    assert!(matches!(parse(&cut), Err(BeamFileError::Truncated { chunk, .. }) if chunk == *b"Code"));
    // Export of an atom index past the table.
    let bad_export = with_chunk(&bytes, b"ExpT", |d| d[4..8].copy_from_slice(&100_000u32.to_be_bytes()));
    assert!(matches!(
        parse(&bad_export),
        Err(BeamFileError::IndexOutOfRange { chunk, what: "atom index", index: 100_000, .. }) if chunk == *b"ExpT"
    ));
    // Export to label 0, which no label/1 can define.
    let undefined = with_chunk(&bytes, b"ExpT", |d| d[12..16].copy_from_slice(&0u32.to_be_bytes()));
    assert!(matches!(parse(&undefined), Err(BeamFileError::UndefinedLabel { label: 0, .. })));
    // LitT with a corrupt zlib stream.
    let bad_zlib = with_chunk(&bytes, b"LitT", |d| d[4..8].copy_from_slice(&[0xff; 4]));
    assert!(matches!(parse(&bad_zlib), Err(BeamFileError::LiteralInflateFailed { .. })));
    // LitT declaring a smaller size than the stream inflates to.
    let small = with_chunk(&bytes, b"LitT", |d| d[0..4].copy_from_slice(&10u32.to_be_bytes()));
    assert!(matches!(parse(&small), Err(BeamFileError::LiteralInflateFailed { .. })));
    // Atom table: not UTF-8.
    let latin = with_chunk(&bytes, b"AtU8", |d| d[5] = 0xff);
    assert!(matches!(parse(&latin), Err(BeamFileError::BadChunk { what: "atom is not valid UTF-8", .. })));
    // Unknown chunks are kept, not refused.
    let mut extra = chunks_of(&bytes);
    extra.push((*b"Zzz!", vec![1, 2, 3]));
    let parsed = parse(&assemble(&extra)).unwrap();
    assert_eq!(parsed.other_chunk(b"Zzz!"), Some(&[1u8, 2, 3][..]));
    // A repeated chunk: the last one counts, as in erts.
    let mut twice = chunks_of(&bytes);
    twice.push((*b"StrT", b"second".to_vec()));
    assert_eq!(parse(&assemble(&twice)).unwrap().strings, b"second");
    // Every error prints a message naming its chunk.
    let message = parse(&bad_export).unwrap_err().to_string();
    assert!(message.contains("ExpT") && message.contains("atom index"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Damage never panics.

fn fuzz_samples() -> &'static [Vec<u8>] {
    static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut samples: Vec<Vec<u8>> = ["lists", "gen_server", "erl_init"]
            .iter()
            .filter_map(|m| find_beam(m))
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        if let Some((path, _)) = compiled_operands_module() {
            samples.push(std::fs::read(path).unwrap());
        }
        samples
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn truncated_files_never_panic(sample in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()) {
        let samples = fuzz_samples();
        prop_assume!(!samples.is_empty());
        let bytes = &samples[sample.index(samples.len())];
        let cut = cut.index(bytes.len());
        prop_assert!(parse(&bytes[..cut]).is_err());
        // Also with the container size fixed up, so the damage reaches the chunks.
        let mut fixed = bytes[..cut.max(8)].to_vec();
        let form = (fixed.len() - 8) as u32;
        fixed[4..8].copy_from_slice(&form.to_be_bytes());
        let _ = parse(&fixed);
    }

    #[test]
    fn mutated_files_never_panic(
        sample in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let samples = fuzz_samples();
        prop_assume!(!samples.is_empty());
        let mut bytes = samples[sample.index(samples.len())].clone();
        let len = bytes.len();
        for (at, value) in edits {
            bytes[at.index(len)] = value;
        }
        if let Err(e) = parse(&bytes) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn mutated_chunk_headers_never_panic(
        sample in any::<prop::sample::Index>(),
        chunk in any::<prop::sample::Index>(),
        word in 0usize..6,
        value: u32,
    ) {
        // Chunk-level damage: replace one of a chunk's first six words (counts, sizes, indices).
        let samples = fuzz_samples();
        prop_assume!(!samples.is_empty());
        let bytes = &samples[sample.index(samples.len())];
        let mut chunks = chunks_of(bytes);
        let n = chunks.len();
        let data = &mut chunks[chunk.index(n)].1;
        let at = word * 4;
        if data.len() >= at + 4 {
            data[at..at + 4].copy_from_slice(&value.to_be_bytes());
        }
        let _ = parse(&assemble(&chunks));
    }
}
