//! Tells a Studio script from any other JSON file without parsing it: its outermost object names
//! `header`, `actions` and `branches`.

use crate::json::tape::string_end;

/// The top-level keys that make a JSON file a Studio script.
pub const SCRIPT_KEYS: [&str; 3] = ["header", "actions", "branches"];

/// Whether a JSON file's bytes look like a Studio script: its outermost object has all three of
/// [`SCRIPT_KEYS`] as keys. One pass over the bytes that follows strings and nesting without
/// parsing, so a script with a syntax error is still found (and reported), while a file that only
/// names the words deeper down (a schema, a fixture) is not. Below the top level only brackets and
/// strings matter, and those stretches (nearly all of a script) are skipped 64 bytes at a step.
pub fn looks_like_script(bytes: &[u8]) -> bool {
    let mut found = [false; SCRIPT_KEYS.len()];
    let (mut depth, mut at) = (0usize, 0);
    while at < bytes.len() {
        if depth > 1 {
            at = skip_nested(bytes, at, depth - 1);
            depth = 1;
            continue;
        }
        match bytes[at] {
            b'"' => {
                let start = at + 1;
                at = string_end(bytes, start);
                let end = at;
                let colon = || {
                    bytes[end.saturating_add(1).min(bytes.len())..]
                        .iter()
                        .find(|b| !b.is_ascii_whitespace())
                        == Some(&b':')
                };
                if depth == 1 && colon() {
                    let key = &bytes[start..end];
                    for (seen, name) in found.iter_mut().zip(SCRIPT_KEYS) {
                        *seen |= key == name.as_bytes();
                    }
                    if found.iter().all(|&f| f) {
                        return true;
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    false
}

/// Where the text is back at the top level: just past the bracket that closes the `open`
/// containers that are open at `at` (which is outside any string), or the end of the text. A
/// closing bracket of either kind closes the innermost container, as in [`looks_like_script`].
fn skip_nested_bytewise(bytes: &[u8], mut at: usize, mut open: usize) -> usize {
    walk(bytes, &mut at, &mut open, bytes.len()).unwrap_or(bytes.len())
}

/// Goes byte by byte from `at` (outside any string) up to `stop`, or past it when a string runs on,
/// counting the containers still `open`; where the text is back at the top level, if it gets there.
fn walk(bytes: &[u8], at: &mut usize, open: &mut usize, stop: usize) -> Option<usize> {
    while *at < stop {
        match bytes[*at] {
            b'"' => *at = string_end(bytes, *at + 1),
            b'{' | b'[' => *open += 1,
            b'}' | b']' => {
                *open -= 1;
                if *open == 0 {
                    return Some(*at + 1);
                }
            }
            _ => {}
        }
        *at += 1;
    }
    None
}

#[cfg(not(target_arch = "x86_64"))]
use skip_nested_bytewise as skip_nested;

/// [`skip_nested_bytewise`], 64 bytes at a step: SSE2 compares mark a block's quotes, backslashes
/// and brackets as bits; the quotes' running parity marks what is inside a string (from an opening
/// quote up to its closing one), and only the brackets outside are walked. A block with a
/// backslash (rare in JSON) goes byte by byte, as does the tail.
#[cfg(target_arch = "x86_64")]
fn skip_nested(bytes: &[u8], mut at: usize, mut open: usize) -> usize {
    // All ones while a string that began in an earlier block goes on.
    let mut in_string = 0u64;
    while let Some(block) = bytes.get(at..at + 64) {
        // SAFETY: SSE2 is part of x86_64 itself, so every x86_64 processor has it.
        let marks = unsafe { Marks::of(block) };
        if marks.backslashes != 0 {
            let stop = at + 64;
            if in_string != 0 {
                at = string_end(bytes, at) + 1;
                in_string = 0;
            }
            if let Some(end) = walk(bytes, &mut at, &mut open, stop.min(bytes.len())) {
                return end;
            }
            continue;
        }
        let inside = prefix_parity(marks.quotes) ^ in_string;
        in_string = ((inside as i64) >> 63) as u64;
        let mut brackets = (marks.openers | marks.closers) & !inside;
        while brackets != 0 {
            let bit = brackets.trailing_zeros();
            if marks.openers >> bit & 1 == 1 {
                open += 1;
            } else {
                open -= 1;
                if open == 0 {
                    return at + bit as usize + 1;
                }
            }
            brackets &= brackets - 1;
        }
        at += 64;
    }
    if in_string != 0 {
        at = string_end(bytes, at) + 1;
    }
    skip_nested_bytewise(bytes, at.min(bytes.len()), open)
}

/// Bit `i` of each mask marks byte `i` of a 64-byte block.
#[cfg(target_arch = "x86_64")]
struct Marks {
    quotes: u64,
    backslashes: u64,
    /// `{` and `[`.
    openers: u64,
    /// `}` and `]`.
    closers: u64,
}

#[cfg(target_arch = "x86_64")]
impl Marks {
    /// The marks of a 64-byte `block` (x86_64 always has SSE2: see `skip_nested`).
    #[target_feature(enable = "sse2")]
    fn of(block: &[u8]) -> Marks {
        use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
        let mut marks = Marks {
            quotes: 0,
            backslashes: 0,
            openers: 0,
            closers: 0,
        };
        for (i, chunk) in block.chunks_exact(16).enumerate() {
            // SAFETY: `chunk` is 16 readable bytes, and an unaligned load needs no more.
            let bytes = unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) };
            let bits = |found| u64::from(_mm_movemask_epi8(found) as u16) << (16 * i);
            let of = |byte: u8| bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte as i8)));
            // `[` and `]` are `{` and `}` without the 0x20 bit.
            let folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
            marks.quotes |= of(b'"');
            marks.backslashes |= of(b'\\');
            marks.openers |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'{' as i8)));
            marks.closers |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'}' as i8)));
        }
        marks
    }
}

/// Bit `i` set when an odd number of `marks`' bits stand at or below `i`.
#[cfg(target_arch = "x86_64")]
fn prefix_parity(mut marks: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        marks ^= marks << shift;
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_has_the_three_keys_at_its_top_level() {
        assert!(looks_like_script(
            br#"{"header": {"scriptName": "a"}, "actions": {"1": {"name": "x\"}"}}, "branches": {}}"#
        ));
        assert!(
            looks_like_script(b"{\"header\": {},\n \"actions\": {},\n \"branches\": {,}}"),
            "a broken one too"
        );
        assert!(!looks_like_script(
            br#"{"properties": {"header": {}, "actions": {}, "branches": {}}}"#
        ));
        assert!(
            !looks_like_script(br#"{"header": {}, "actions": {}, "note": "branches"}"#),
            "a value is no key"
        );
        assert!(!looks_like_script(br#"{"header": {}, "actions": {}, "branches"#));
        assert!(
            looks_like_script(b"{\"header\": {\"scriptName\": \"\xff\"}, \"actions\": {}, \"branches\": {}}"),
            "a bad byte is the check's to report"
        );
    }

    #[test]
    fn a_script_is_found_past_long_nested_values_with_escapes_and_brackets_in_strings() {
        let action = r#"{"name": "PLAY", "label": "say \"}]\" \\", "x": [1, [2, {"y": "{["}]]}"#;
        let actions: Vec<String> = (0..200).map(|i| format!("\"{i}\": {action}")).collect();
        let text = format!(
            "{{\"header\": {{}}, \"actions\": {{{}}}, \"branches\": {{}}}}",
            actions.join(", ")
        );
        assert!(looks_like_script(text.as_bytes()));
        let hidden = text.replacen("\"branches\": {}", "\"note\": \"branches\"", 1);
        assert!(
            !looks_like_script(hidden.as_bytes()),
            "a value is no key, however far in"
        );
    }

    /// Text mostly made of what the scan looks at: quotes, backslashes, brackets.
    fn soup() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        let byte = proptest::sample::select(b"\"\"\"\\{}[]{}[]ab :,\n\x01".to_vec());
        proptest::collection::vec(byte, 0..600)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn the_block_skip_stops_where_the_bytewise_one_does(
            bytes in soup(),
            at in 0usize..600,
            open in 1usize..4,
        ) {
            let at = at.min(bytes.len());
            proptest::prop_assert_eq!(skip_nested(&bytes, at, open), skip_nested_bytewise(&bytes, at, open));
        }
    }
}
