//! Content shown as data: text a repository or a server wrote (case names, element ids, file names,
//! server messages) with its control characters and line breaks escaped, so it can never start a
//! line of its own (a `::error::` workflow command), move the cursor or carry a terminal escape
//! (ANSI colours, OSC 8 links, title changes) through to the reader; and `plural`, a count with its
//! noun, for every layer that words one.

use std::fmt;

/// `text` as one printable run: `\n`, `\r`, `\t` and every other control character (C0,
/// DEL, C1), line or paragraph separator and bidirectional override written as a Rust escape
/// (`\u{1b}`). Borrowed in `format!`, never copied.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

/// [`Shown`] of `text`.
pub fn shown(text: &str) -> Shown<'_> {
    Shown(text)
}

/// Whether `c` could change how what follows it is read.
fn steers(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(steers) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                other => write!(f, "\\u{{{:x}}}", other as u32)?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// [`Shown`] as an owned string, for a place that keeps text rather than formats it.
pub fn escape(text: &str) -> String {
    if text.contains(steers) {
        shown(text).to_string()
    } else {
        text.to_string()
    }
}

/// `1 flow`, `3 flows`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_escapes_become_visible_text() {
        assert_eq!(shown("plain ünïcode").to_string(), "plain ünïcode");
        assert_eq!(shown("x\n::error::pwned\r\t").to_string(), "x\\n::error::pwned\\r\\t");
        assert_eq!(
            shown("\u{1b}[31mred\u{1b}]8;;http://x\u{7}").to_string(),
            "\\u{1b}[31mred\\u{1b}]8;;http://x\\u{7}"
        );
        assert_eq!(escape("a\u{85}b\u{2028}c\u{202e}"), "a\\u{85}b\\u{2028}c\\u{202e}");
    }
}
