//! Studio prompt sequences: the quoted segments of a `Sequence` property (`"%text"` is
//! text-to-speech, anything else a prompt file), and how long they take to say.

/// The speaking rate the prompt-time estimate assumes, in words per minute.
pub const WORDS_PER_MINUTE: u64 = 150;

/// The longest text-to-speech segment CXone takes, in characters.
pub const MAX_TTS_CHARS: usize = 300;

/// One segment of a prompt sequence, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text to speech (`"%Press 1 for sales"`), without the `%`.
    Speech(&'a str),
    /// A prompt file or expression (`"greeting.wav"`).
    File(&'a str),
}

/// The segments of a sequence such as `"%Welcome" "main-menu.wav"`. Text outside quotes is
/// ignored; an unclosed quote runs to the end.
pub fn segments(sequence: &str) -> Vec<Segment<'_>> {
    let mut found = Vec::new();
    let mut rest = sequence;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let close = after.find('"').unwrap_or(after.len());
        let text = &after[..close];
        found.push(segment(text));
        rest = after.get(close + 1..).unwrap_or_default();
    }
    if found.is_empty() && !sequence.trim().is_empty() {
        // An unquoted sequence: one segment as written.
        found.push(segment(sequence.trim()));
    }
    found
}

/// `text` as a segment: speech after a `%`, else a file.
fn segment(text: &str) -> Segment<'_> {
    match text.strip_prefix('%') {
        Some(speech) => Segment::Speech(speech),
        None => Segment::File(text),
    }
}

/// The words a caller hears from the text-to-speech segments, joined by spaces.
pub fn speech(segments: &[Segment]) -> String {
    let words: Vec<&str> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Speech(text) => Some(*text),
            Segment::File(_) => None,
        })
        .collect();
    words.join(" ")
}

/// How long the text takes to say at [`WORDS_PER_MINUTE`], in ms (prompt files count nothing:
/// their length is not in the script).
pub fn estimate_ms(text: &str) -> u64 {
    let words = text.split_whitespace().count() as u64;
    words * 60_000 / WORDS_PER_MINUTE
}

/// The sequence that says `text` as one text-to-speech segment.
pub fn sequence_of(text: &str) -> String {
    format!("\"%{text}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_split_into_speech_and_files() {
        assert_eq!(
            segments(r#""%Welcome to Acme" "hold.wav""#),
            vec![Segment::Speech("Welcome to Acme"), Segment::File("hold.wav")]
        );
        assert_eq!(segments("%Hello"), vec![Segment::Speech("Hello")]);
        assert!(segments("").is_empty());
    }

    #[test]
    fn ten_words_take_four_seconds() {
        assert_eq!(estimate_ms("one two three four five six seven eight nine ten"), 4_000);
        assert_eq!(estimate_ms(""), 0);
        let text = speech(&segments(&sequence_of("Press 1 for sales")));
        assert_eq!((text.as_str(), estimate_ms(&text)), ("Press 1 for sales", 1_600));
    }
}
