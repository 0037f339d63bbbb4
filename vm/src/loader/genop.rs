//! The generic opcode table, as data: OTP 25's lib/compiler/src/genop.tab (opcodes 1..180)
//! plus OTP 26/27's update_record (181), bs_match (182) and executable_line (183).
//!
//! One list, expanded by a macro into the `op::*` constants and the `OPCODES` table, so the
//! number, name, arity and deprecation of an opcode are written exactly once. Regenerate the
//! list from genop.tab when a new OTP adds opcodes.

/// What the loader knows of one generic opcode.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    pub name: &'static str,
    pub arity: u8,
    /// Marked `-` in genop.tab: no longer emitted by the compiler.
    pub deprecated: bool,
}

/// The highest opcode we know.
pub const MAX_OPCODE: u8 = 183;

macro_rules! opcodes {
    ($($num:literal $konst:ident $name:literal / $arity:literal $dep:literal;)*) => {
        /// Opcode numbers by name.
        pub mod op {
            $(pub const $konst: u8 = $num;)*
        }
        /// Indexed by opcode number; `None` for numbers no OTP uses.
        pub static OPCODES: [Option<OpInfo>; MAX_OPCODE as usize + 1] = {
            let mut t: [Option<OpInfo>; MAX_OPCODE as usize + 1] = [None; MAX_OPCODE as usize + 1];
            $(t[$num] = Some(OpInfo { name: $name, arity: $arity, deprecated: $dep });)*
            t
        };
    };
}

opcodes! {
    1 LABEL "label" / 1 false;
    2 FUNC_INFO "func_info" / 3 false;
    3 INT_CODE_END "int_code_end" / 0 false;
    4 CALL "call" / 2 false;
    5 CALL_LAST "call_last" / 3 false;
    6 CALL_ONLY "call_only" / 2 false;
    7 CALL_EXT "call_ext" / 2 false;
    8 CALL_EXT_LAST "call_ext_last" / 3 false;
    9 BIF0 "bif0" / 2 false;
    10 BIF1 "bif1" / 4 false;
    11 BIF2 "bif2" / 5 false;
    12 ALLOCATE "allocate" / 2 false;
    13 ALLOCATE_HEAP "allocate_heap" / 3 false;
    14 ALLOCATE_ZERO "allocate_zero" / 2 false;
    15 ALLOCATE_HEAP_ZERO "allocate_heap_zero" / 3 false;
    16 TEST_HEAP "test_heap" / 2 false;
    17 INIT "init" / 1 false;
    18 DEALLOCATE "deallocate" / 1 false;
    19 RETURN "return" / 0 false;
    20 SEND "send" / 0 false;
    21 REMOVE_MESSAGE "remove_message" / 0 false;
    22 TIMEOUT "timeout" / 0 false;
    23 LOOP_REC "loop_rec" / 2 false;
    24 LOOP_REC_END "loop_rec_end" / 1 false;
    25 WAIT "wait" / 1 false;
    26 WAIT_TIMEOUT "wait_timeout" / 2 false;
    27 M_PLUS "m_plus" / 4 true;
    28 M_MINUS "m_minus" / 4 true;
    29 M_TIMES "m_times" / 4 true;
    30 M_DIV "m_div" / 4 true;
    31 INT_DIV "int_div" / 4 true;
    32 INT_REM "int_rem" / 4 true;
    33 INT_BAND "int_band" / 4 true;
    34 INT_BOR "int_bor" / 4 true;
    35 INT_BXOR "int_bxor" / 4 true;
    36 INT_BSL "int_bsl" / 4 true;
    37 INT_BSR "int_bsr" / 4 true;
    38 INT_BNOT "int_bnot" / 3 true;
    39 IS_LT "is_lt" / 3 false;
    40 IS_GE "is_ge" / 3 false;
    41 IS_EQ "is_eq" / 3 false;
    42 IS_NE "is_ne" / 3 false;
    43 IS_EQ_EXACT "is_eq_exact" / 3 false;
    44 IS_NE_EXACT "is_ne_exact" / 3 false;
    45 IS_INTEGER "is_integer" / 2 false;
    46 IS_FLOAT "is_float" / 2 false;
    47 IS_NUMBER "is_number" / 2 false;
    48 IS_ATOM "is_atom" / 2 false;
    49 IS_PID "is_pid" / 2 false;
    50 IS_REFERENCE "is_reference" / 2 false;
    51 IS_PORT "is_port" / 2 false;
    52 IS_NIL "is_nil" / 2 false;
    53 IS_BINARY "is_binary" / 2 false;
    54 IS_CONSTANT "is_constant" / 2 true;
    55 IS_LIST "is_list" / 2 false;
    56 IS_NONEMPTY_LIST "is_nonempty_list" / 2 false;
    57 IS_TUPLE "is_tuple" / 2 false;
    58 TEST_ARITY "test_arity" / 3 false;
    59 SELECT_VAL "select_val" / 3 false;
    60 SELECT_TUPLE_ARITY "select_tuple_arity" / 3 false;
    61 JUMP "jump" / 1 false;
    62 CATCH "catch" / 2 false;
    63 CATCH_END "catch_end" / 1 false;
    64 MOVE "move" / 2 false;
    65 GET_LIST "get_list" / 3 false;
    66 GET_TUPLE_ELEMENT "get_tuple_element" / 3 false;
    67 SET_TUPLE_ELEMENT "set_tuple_element" / 3 false;
    68 PUT_STRING "put_string" / 3 true;
    69 PUT_LIST "put_list" / 3 false;
    70 PUT_TUPLE "put_tuple" / 2 true;
    71 PUT "put" / 1 true;
    72 BADMATCH "badmatch" / 1 false;
    73 IF_END "if_end" / 0 false;
    74 CASE_END "case_end" / 1 false;
    75 CALL_FUN "call_fun" / 1 false;
    76 MAKE_FUN "make_fun" / 3 true;
    77 IS_FUNCTION "is_function" / 2 false;
    78 CALL_EXT_ONLY "call_ext_only" / 2 false;
    79 BS_START_MATCH "bs_start_match" / 2 true;
    80 BS_GET_INTEGER "bs_get_integer" / 5 true;
    81 BS_GET_FLOAT "bs_get_float" / 5 true;
    82 BS_GET_BINARY "bs_get_binary" / 5 true;
    83 BS_SKIP_BITS "bs_skip_bits" / 4 true;
    84 BS_TEST_TAIL "bs_test_tail" / 2 true;
    85 BS_SAVE "bs_save" / 1 true;
    86 BS_RESTORE "bs_restore" / 1 true;
    87 BS_INIT "bs_init" / 2 true;
    88 BS_FINAL "bs_final" / 2 true;
    89 BS_PUT_INTEGER "bs_put_integer" / 5 false;
    90 BS_PUT_BINARY "bs_put_binary" / 5 false;
    91 BS_PUT_FLOAT "bs_put_float" / 5 false;
    92 BS_PUT_STRING "bs_put_string" / 2 false;
    93 BS_NEED_BUF "bs_need_buf" / 1 true;
    94 FCLEARERROR "fclearerror" / 0 false;
    95 FCHECKERROR "fcheckerror" / 1 false;
    96 FMOVE "fmove" / 2 false;
    97 FCONV "fconv" / 2 false;
    98 FADD "fadd" / 4 false;
    99 FSUB "fsub" / 4 false;
    100 FMUL "fmul" / 4 false;
    101 FDIV "fdiv" / 4 false;
    102 FNEGATE "fnegate" / 3 false;
    103 MAKE_FUN2 "make_fun2" / 1 false;
    104 TRY "try" / 2 false;
    105 TRY_END "try_end" / 1 false;
    106 TRY_CASE "try_case" / 1 false;
    107 TRY_CASE_END "try_case_end" / 1 false;
    108 RAISE "raise" / 2 false;
    109 BS_INIT2 "bs_init2" / 6 false;
    110 BS_BITS_TO_BYTES "bs_bits_to_bytes" / 3 true;
    111 BS_ADD "bs_add" / 5 false;
    112 APPLY "apply" / 1 false;
    113 APPLY_LAST "apply_last" / 2 false;
    114 IS_BOOLEAN "is_boolean" / 2 false;
    115 IS_FUNCTION2 "is_function2" / 3 false;
    116 BS_START_MATCH2 "bs_start_match2" / 5 true;
    117 BS_GET_INTEGER2 "bs_get_integer2" / 7 false;
    118 BS_GET_FLOAT2 "bs_get_float2" / 7 false;
    119 BS_GET_BINARY2 "bs_get_binary2" / 7 false;
    120 BS_SKIP_BITS2 "bs_skip_bits2" / 5 false;
    121 BS_TEST_TAIL2 "bs_test_tail2" / 3 false;
    122 BS_SAVE2 "bs_save2" / 2 true;
    123 BS_RESTORE2 "bs_restore2" / 2 true;
    124 GC_BIF1 "gc_bif1" / 5 false;
    125 GC_BIF2 "gc_bif2" / 6 false;
    126 BS_FINAL2 "bs_final2" / 2 true;
    127 BS_BITS_TO_BYTES2 "bs_bits_to_bytes2" / 2 true;
    128 PUT_LITERAL "put_literal" / 2 true;
    129 IS_BITSTR "is_bitstr" / 2 false;
    130 BS_CONTEXT_TO_BINARY "bs_context_to_binary" / 1 true;
    131 BS_TEST_UNIT "bs_test_unit" / 3 false;
    132 BS_MATCH_STRING "bs_match_string" / 4 false;
    133 BS_INIT_WRITABLE "bs_init_writable" / 0 false;
    134 BS_APPEND "bs_append" / 8 false;
    135 BS_PRIVATE_APPEND "bs_private_append" / 6 false;
    136 TRIM "trim" / 2 false;
    137 BS_INIT_BITS "bs_init_bits" / 6 false;
    138 BS_GET_UTF8 "bs_get_utf8" / 5 false;
    139 BS_SKIP_UTF8 "bs_skip_utf8" / 4 false;
    140 BS_GET_UTF16 "bs_get_utf16" / 5 false;
    141 BS_SKIP_UTF16 "bs_skip_utf16" / 4 false;
    142 BS_GET_UTF32 "bs_get_utf32" / 5 false;
    143 BS_SKIP_UTF32 "bs_skip_utf32" / 4 false;
    144 BS_UTF8_SIZE "bs_utf8_size" / 3 false;
    145 BS_PUT_UTF8 "bs_put_utf8" / 3 false;
    146 BS_UTF16_SIZE "bs_utf16_size" / 3 false;
    147 BS_PUT_UTF16 "bs_put_utf16" / 3 false;
    148 BS_PUT_UTF32 "bs_put_utf32" / 3 false;
    149 ON_LOAD "on_load" / 0 false;
    150 RECV_MARK "recv_mark" / 1 false;
    151 RECV_SET "recv_set" / 1 false;
    152 GC_BIF3 "gc_bif3" / 7 false;
    153 LINE "line" / 1 false;
    154 PUT_MAP_ASSOC "put_map_assoc" / 5 false;
    155 PUT_MAP_EXACT "put_map_exact" / 5 false;
    156 IS_MAP "is_map" / 2 false;
    157 HAS_MAP_FIELDS "has_map_fields" / 3 false;
    158 GET_MAP_ELEMENTS "get_map_elements" / 3 false;
    159 IS_TAGGED_TUPLE "is_tagged_tuple" / 4 false;
    160 BUILD_STACKTRACE "build_stacktrace" / 0 false;
    161 RAW_RAISE "raw_raise" / 0 false;
    162 GET_HD "get_hd" / 2 false;
    163 GET_TL "get_tl" / 2 false;
    164 PUT_TUPLE2 "put_tuple2" / 2 false;
    165 BS_GET_TAIL "bs_get_tail" / 3 false;
    166 BS_START_MATCH3 "bs_start_match3" / 4 false;
    167 BS_GET_POSITION "bs_get_position" / 3 false;
    168 BS_SET_POSITION "bs_set_position" / 2 false;
    169 SWAP "swap" / 2 false;
    170 BS_START_MATCH4 "bs_start_match4" / 4 false;
    171 MAKE_FUN3 "make_fun3" / 3 false;
    172 INIT_YREGS "init_yregs" / 1 false;
    173 RECV_MARKER_BIND "recv_marker_bind" / 2 false;
    174 RECV_MARKER_CLEAR "recv_marker_clear" / 1 false;
    175 RECV_MARKER_RESERVE "recv_marker_reserve" / 1 false;
    176 RECV_MARKER_USE "recv_marker_use" / 1 false;
    177 BS_CREATE_BIN "bs_create_bin" / 6 false;
    178 CALL_FUN2 "call_fun2" / 3 false;
    179 NIF_START "nif_start" / 0 false;
    180 BADRECORD "badrecord" / 1 false;
    181 UPDATE_RECORD "update_record" / 5 false;
    182 BS_MATCH "bs_match" / 3 false;
    183 EXECUTABLE_LINE "executable_line" / 2 false;
}

pub fn info(opcode: u8) -> Option<&'static OpInfo> {
    OPCODES.get(opcode as usize).and_then(|o| o.as_ref())
}
pub fn known(opcode: u8) -> bool {
    info(opcode).is_some()
}
pub fn arity(opcode: u8) -> usize {
    info(opcode).map(|o| o.arity as usize).unwrap_or(0)
}
pub fn name(opcode: u8) -> &'static str {
    info(opcode).map(|o| o.name).unwrap_or("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn table_matches_otp_25_counts() {
        let live = (1..=180u8).filter(|&o| info(o).is_some_and(|i| !i.deprecated)).count();
        assert_eq!(live, 144, "OTP 25 has 144 live opcodes");
        assert_eq!(name(op::MOVE), "move");
        assert_eq!(arity(op::BS_CREATE_BIN), 6);
        assert_eq!(arity(op::UPDATE_RECORD), 5);
    }
}
