//! Source files: reading text and turning byte spans into lines and columns.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A byte range in a source file's text. Offsets are 32-bit (the parser refuses texts over 4 GiB),
/// so the model of a large flow stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let offset = |o: usize| u32::try_from(o).unwrap_or(u32::MAX);
        Span {
            start: offset(start),
            end: offset(end),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }
}

/// A value together with where it stands in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<compact_str::CompactString> {
    /// The same text as a `String`, at the same place.
    pub fn into_string(self) -> Spanned<String> {
        Spanned::new(self.value.into_string(), self.span)
    }
}

/// A 1-based line and column (columns count Unicode scalar values), start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// One file's text and the index that maps byte offsets to lines, built the first time a location
/// is asked for (a clean file never needs it).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user (forward slashes, as discovered).
    pub path: PathBuf,
    pub text: String,
    line_starts: OnceLock<Vec<usize>>,
}

/// Why a file's bytes are not usable JSON text: position and message.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Reading the bytes of a file failed (missing, unreadable).
#[derive(Debug, thiserror::Error)]
#[error("failed to read `{path}`: {source}")]
pub struct ReadError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl SourceFile {
    /// Builds a source file from text already in memory.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        SourceFile {
            path: path.into(),
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// Lets the text go (and its line index) once nothing will quote or locate anything more in it.
    pub fn forget_text(&mut self) {
        self.text = String::new();
        self.line_starts = OnceLock::new();
    }

    /// Where each line starts.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// Decodes raw bytes: strips a UTF-8 BOM; invalid UTF-8 becomes a syntax error at the first bad byte
    /// (the text kept is the valid prefix, so the error can still be shown in context).
    pub fn from_bytes(path: impl Into<PathBuf>, mut bytes: Vec<u8>) -> (Self, Option<SyntaxError>) {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => (SourceFile::new(path, text), None),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let mut bytes = err.into_bytes();
                bytes.truncate(valid);
                let text = String::from_utf8(bytes).unwrap_or_default();
                let error = SyntaxError {
                    span: Span::new(valid, valid),
                    message: format!("file is not valid UTF-8 (invalid byte at offset {valid})"),
                };
                (SourceFile::new(path, text), Some(error))
            }
        }
    }

    /// Reads a file from disk (a big file's text on huge pages, as the allocator puts every big block).
    pub fn read(path: &Path, display: impl Into<PathBuf>) -> Result<(Self, Option<SyntaxError>), ReadError> {
        let bytes = std::fs::read(path).map_err(|source| ReadError {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(SourceFile::from_bytes(display, bytes))
    }

    /// The user-facing path with forward slashes.
    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    /// The 1-based line and column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&start| start <= offset) - 1;
        let start = line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        (line + 1, column)
    }

    /// The line and column of a span's start and end.
    pub fn locate(&self, span: Span) -> Location {
        let (line, column) = self.position(span.start());
        let (end_line, end_column) = self.position(span.end().max(span.start()));
        Location {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let line_starts = self.line_starts();
        let Some(&start) = line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let file = SourceFile::new("a.json", "{\n  \"é\": 1,\n  \"b\": 2\n}".to_string());
        let offset = file.text.find("1").unwrap();
        assert_eq!(file.position(offset), (2, 8));
        assert_eq!(file.position(0), (1, 1));
        assert_eq!(file.line_text(3), "  \"b\": 2");
    }

    #[test]
    fn bom_is_stripped_and_bad_utf8_is_located() {
        let (file, err) = SourceFile::from_bytes("a.json", b"\xEF\xBB\xBF{}".to_vec());
        assert_eq!(file.text, "{}");
        assert!(err.is_none());
        let (file, err) = SourceFile::from_bytes("a.json", b"{\n \"a\": \"\xFF\"}".to_vec());
        let err = err.unwrap();
        assert_eq!(file.position(err.span.start()), (2, 8));
        assert!(err.message.contains("not valid UTF-8"));
    }
}
