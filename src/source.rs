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
    /// The characters before each `CHAR_BLOCK` bytes of the text, built the first time a long line
    /// is located or quoted, so that a column costs at most one block's count however long its
    /// line (a minified file is one line of megabytes, with thousands of findings on it).
    char_marks: OnceLock<Vec<usize>>,
}

/// The bytes between two marks of the character index.
const CHAR_BLOCK: usize = 1024;

/// The characters in UTF-8 bytes that start and end on character boundaries.
fn count_chars(bytes: &[u8]) -> usize {
    #[cfg(test)]
    tests::note_counted(bytes.len());
    bytes.iter().filter(|&&b| !is_continuation(b)).count()
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
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
            char_marks: OnceLock::new(),
        }
    }

    /// Lets the text go (and its line index) once nothing will quote or locate anything more in it.
    pub fn forget_text(&mut self) {
        self.set_text(String::new());
    }

    /// The file's text, in place of the one it had (its line index rebuilt when next asked for).
    pub fn set_text(&mut self, text: String) {
        self.text = text;
        self.line_starts = OnceLock::new();
        self.char_marks = OnceLock::new();
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
        let column = self.chars_between(line_starts[line], offset) + 1;
        (line + 1, column)
    }

    /// The characters in `text[from..to]` (both on character boundaries): counted directly within a
    /// block, else from the index.
    fn chars_between(&self, from: usize, to: usize) -> usize {
        if to - from <= CHAR_BLOCK {
            return count_chars(&self.text.as_bytes()[from..to]);
        }
        self.chars_before(to) - self.chars_before(from)
    }

    /// The characters in `text[..offset]` (on a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        self.char_marks()[block] + count_chars(&self.text.as_bytes()[block * CHAR_BLOCK..offset])
    }

    /// The byte offset where the `n`th character (from 0) after `from` starts, or `limit` when the
    /// text up to `limit` has fewer.
    fn offset_after_chars(&self, from: usize, n: usize, limit: usize) -> usize {
        let bytes = self.text.as_bytes();
        let (mut at, mut skip) = (from, n);
        if n > CHAR_BLOCK {
            // Far: jump to the block where that character starts (the first to start at or after a
            // block's start is the one its mark counts up to), then count within it.
            let wanted = self.chars_before(from) + n;
            let marks = self.char_marks();
            let block = marks.partition_point(|&m| m <= wanted) - 1;
            if block * CHAR_BLOCK > from {
                (at, skip) = (block * CHAR_BLOCK, wanted - marks[block]);
            }
        }
        #[cfg(test)]
        tests::note_counted(limit.min(at + 4 * skip + 4).saturating_sub(at));
        while at < limit {
            if !is_continuation(bytes[at]) {
                if skip == 0 {
                    return at;
                }
                skip -= 1;
            }
            at += 1;
        }
        limit
    }

    /// The characters before each block of the text.
    fn char_marks(&self) -> &[usize] {
        self.char_marks.get_or_init(|| {
            let mut marks = Vec::with_capacity(self.text.len() / CHAR_BLOCK + 1);
            let mut before = 0;
            marks.push(before);
            for block in self.text.as_bytes().chunks_exact(CHAR_BLOCK) {
                before += count_chars(block);
                marks.push(before);
            }
            marks
        })
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

    /// [`SourceFile::locate`] counted from the text before the span, without the line index: for
    /// one place near the top of a file whose index nothing else may need (a flow's `flowId`,
    /// located in every file), where building the index would read the whole file.
    pub fn locate_from_top(&self, span: Span) -> Location {
        let position = |offset: usize| {
            let before = &self.text.as_bytes()[..self.floor_char_boundary(offset.min(self.text.len()))];
            let line_start = memchr::memrchr(b'\n', before).map_or(0, |at| at + 1);
            (
                memchr::memchr_iter(b'\n', before).count() + 1,
                count_chars(&before[line_start..]) + 1,
            )
        };
        let (line, column) = position(span.start());
        let (end_line, end_column) = position(span.end().max(span.start()));
        Location {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let (start, end) = self.line_bounds(line);
        &self.text[start..end]
    }

    /// The characters of a 1-based line, without its line break.
    pub fn line_chars(&self, line: usize) -> usize {
        let (start, end) = self.line_bounds(line);
        self.chars_between(start, end)
    }

    /// Characters `from..to` (from 0, clamped to the line) of a 1-based line: a window of a long
    /// line at the cost of the window, not of the line.
    pub fn line_slice(&self, line: usize, from: usize, to: usize) -> &str {
        let (start, end) = self.line_bounds(line);
        let first = self.offset_after_chars(start, from, end);
        let last = self.offset_after_chars(first, to.saturating_sub(from), end);
        &self.text[first..last]
    }

    /// Where a 1-based line's text starts and ends (without its line break).
    fn line_bounds(&self, line: usize) -> (usize, usize) {
        let line_starts = self.line_starts();
        let Some(&start) = line_starts.get(line.saturating_sub(1)) else {
            return (self.text.len(), self.text.len());
        };
        let end = line_starts.get(line).copied().unwrap_or(self.text.len());
        (
            start,
            start + self.text[start..end].trim_end_matches(['\n', '\r']).len(),
        )
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
    use std::cell::Cell;

    use super::*;

    thread_local! {
        /// Bytes read to count characters, on this thread.
        static COUNTED: Cell<usize> = const { Cell::new(0) };
    }

    pub(super) fn note_counted(bytes: usize) {
        COUNTED.with(|c| c.set(c.get() + bytes));
    }

    /// Locating 5,000 places on one line of 4 MB (a minified file) reads the line once for the
    /// index and then at most a block or two per place, never the line up to each place.
    #[test]
    fn locating_many_places_on_one_long_line_reads_it_once() {
        let text = format!("[{}]", "\"é\",".repeat(800_000));
        let file = SourceFile::new("a.json", text.clone());
        COUNTED.with(|c| c.set(0));
        for i in 0..5_000 {
            let offset = 1 + i * 5 * 160;
            assert_eq!(file.position(offset), (1, 2 + i * 4 * 160));
            assert_eq!(file.line_slice(1, i * 640 + 1, i * 640 + 5), "\"é\",");
        }
        let counted = COUNTED.with(Cell::get);
        assert!(
            counted <= text.len() + 5_000 * 4 * CHAR_BLOCK,
            "{counted} bytes read for a text of {}",
            text.len()
        );
    }

    #[test]
    fn a_place_located_from_the_top_is_where_the_index_locates_it() {
        let text = "{\r\n  \"flowId\": \"é-1\",\n\n\t\"x\": [\"ü\", 2]}\n".to_string();
        let file = SourceFile::new("a.json", text.clone());
        for start in 0..=text.len() {
            for end in start..=text.len() {
                let span = Span::new(start, end);
                assert_eq!(file.locate_from_top(span), file.locate(span), "{start}..{end}");
            }
        }
        // The index is not built for it.
        let fresh = SourceFile::new("a.json", text);
        fresh.locate_from_top(Span::new(5, 9));
        assert!(fresh.line_starts.get().is_none());
    }

    #[test]
    fn positions_count_characters_from_one() {
        let file = SourceFile::new("a.json", "{\n  \"é\": 1,\n  \"b\": 2\n}".to_string());
        let offset = file.text.find("1").unwrap();
        assert_eq!(file.position(offset), (2, 8));
        assert_eq!(file.position(0), (1, 1));
        assert_eq!(file.line_text(3), "  \"b\": 2");
    }

    /// Columns and windows of long lines come from the block index: each agrees with counting the
    /// characters one by one, across block boundaries and characters of every width.
    #[test]
    fn long_lines_locate_and_slice_as_counting_does() {
        let unit = "ab\tcé€😀";
        let text = format!("{{\n{}\nz", unit.repeat(3 * CHAR_BLOCK));
        let file = SourceFile::new("a.json", text.clone());
        let line = &text[2..text.len() - 2];
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        assert_eq!(file.line_chars(2), chars.len());
        for i in (0..chars.len()).step_by(997).chain([chars.len() - 1]) {
            assert_eq!(file.position(2 + chars[i].0), (2, i + 1), "character {i}");
            let expected: String = line.chars().skip(i).take(9).collect();
            assert_eq!(file.line_slice(2, i, i + 9), expected, "character {i}");
        }
        assert_eq!(file.line_slice(2, chars.len() - 1, chars.len() + 5), "😀");
        assert_eq!(file.line_slice(9, 0, 3), "");
        assert_eq!(file.position(text.len()), (3, 2));
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
