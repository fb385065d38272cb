//! Scrubs secrets (client secret, issued tokens, the GitHub token) out of text that came from a
//! server, in the forms a server may echo them: raw, URL-encoded, form-encoded and JSON-escaped.

use std::sync::{Arc, RwLock};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What replaces a secret.
pub const REDACTED: &str = "***";

/// Secrets shorter than this are not scrubbed: replacing every `a` in a message would destroy it
/// without protecting anything (no real secret is that short).
pub const MIN_SECRET_LEN: usize = 4;

/// Characters a URL path or query leaves as they are (RFC 3986 unreserved).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The secrets of one run, shared by every client that may echo them. Cloning shares the list.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Every form of every secret, longest first so a longer form is replaced before its parts.
    forms: Arc<RwLock<Vec<String>>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor(***)")
    }
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Adds a secret; it is scrubbed from every text from now on.
    pub fn add(&self, secret: &str) {
        if secret.trim().len() < MIN_SECRET_LEN {
            return;
        }
        let json = serde_json::to_string(secret).unwrap_or_default();
        let candidates = [
            secret.to_string(),
            utf8_percent_encode(secret, UNRESERVED).to_string(),
            utf8_percent_encode(secret, UNRESERVED).to_string().to_ascii_lowercase(),
            form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
            json.trim_matches('"').to_string(),
        ];
        let mut forms = self.forms.write().unwrap_or_else(|p| p.into_inner());
        for form in candidates {
            if form.len() >= MIN_SECRET_LEN && !forms.contains(&form) {
                forms.push(form);
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    }

    /// `text` with every known secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let forms = self.forms.read().unwrap_or_else(|p| p.into_inner());
        let mut out = text.to_string();
        for form in forms.iter() {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), REDACTED);
            }
        }
        out
    }
}

/// A path segment with the characters that would change the path escaped.
pub fn path_segment(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_echoed_form_of_a_secret_is_scrubbed() {
        let redactor = Redactor::new();
        redactor.add("s3cr3t/+ &=\"x");
        for echoed in [
            "s3cr3t/+ &=\"x",
            "s3cr3t%2F%2B%20%26%3D%22x",
            "s3cr3t%2f%2b%20%26%3d%22x",
            "s3cr3t%2F%2B+%26%3D%22x",
            "s3cr3t/+ &=\\\"x",
        ] {
            let scrubbed = redactor.scrub(&format!("bad client_secret={echoed} here"));
            assert_eq!(scrubbed, "bad client_secret=*** here", "{echoed}");
        }
    }

    #[test]
    fn clones_share_secrets_added_later_and_short_ones_are_left() {
        let redactor = Redactor::new();
        let shared = redactor.clone();
        redactor.add("token-issued-later");
        redactor.add("abc");
        assert_eq!(shared.scrub("Bearer token-issued-later abc"), "Bearer *** abc");
        assert_eq!(format!("{redactor:?}"), "Redactor(***)");
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(path_segment("main-menu_v2.1"), "main-menu_v2.1");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
    }
}
