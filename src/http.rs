//! What every HTTP client of cxone-flow enforces: credentials go only to https (or loopback) URLs,
//! answers are read up to a cap, and a server's text is cut before anyone prints it.

use reqwest::Url;

/// The largest answer body read from any server (16 MiB); past it the call fails.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The most characters of a server's error text kept for logs, summaries and the audit log.
pub const MAX_SERVER_TEXT: usize = 500;

/// The deepest JSON decoded: the checker accepts 512 levels in a flow file, and a version payload or
/// a list of versions wraps a flow's values in a few more.
pub const MAX_NESTING: usize = 600;

/// Decodes JSON as deep as the checker accepts (serde_json alone stops at 128 levels), refusing
/// anything deeper before it is parsed, so no input can exhaust the stack.
pub fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let depth = nesting_depth(bytes);
    if depth > MAX_NESTING {
        return Err(format!(
            "nested {depth} levels deep, more than the {MAX_NESTING} accepted"
        ));
    }
    let mut decoder = serde_json::Deserializer::from_slice(bytes);
    decoder.disable_recursion_limit();
    let value = T::deserialize(&mut decoder).map_err(|e| e.to_string())?;
    decoder.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count).
pub fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The async runtime for the network calls of one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("failed to start the async runtime: {e}"))
}

/// Refuses a URL that would carry credentials in clear text: `https://` anywhere, `http://` only to
/// a loopback host (the emulator). `what` names the setting in the error.
pub fn require_https(what: &str, url: &str) -> Result<Url, String> {
    let parsed = Url::parse(url).map_err(|e| format!("the {what} `{url}` is not a URL: {e}"))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(format!(
            "the {what} `{url}` is plain http: credentials are only sent over https (http is allowed for loopback addresses only)"
        )),
        scheme => Err(format!("the {what} `{url}` is not an https URL (scheme `{scheme}`)")),
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Why an answer's body could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the answer is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("{0}")]
    Transport(String),
}

/// Reads a response body, chunk by chunk, failing once it passes `cap` bytes.
pub async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > cap {
                    return Err(BodyError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(error) => return Err(BodyError::Transport(transport_message(&error))),
        }
    }
}

/// A transport failure as one line: what went wrong, then each cause.
pub fn transport_message(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "request timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else {
        "connection failed"
    };
    let mut message = kind.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A server's `text` cut to `max` characters, with an ellipsis and the count of what was cut, its
/// control characters and line breaks escaped ([`crate::printable`]): a server never writes a line
/// of our output.
pub fn cut(text: &str, max: usize) -> String {
    let shown = |text| crate::printable::escape(text);
    match text.char_indices().nth(max) {
        None => shown(text),
        Some((end, _)) => format!(
            "{}… ({} more characters)",
            shown(&text[..end]),
            text[end..].chars().count()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_accepted() {
        for ok in [
            "https://api.mynicecx.com/api/v2",
            "http://127.0.0.1:8080/api/v2",
            "http://127.9.9.9/x",
            "http://localhost:1/",
            "http://[::1]:9/",
        ] {
            assert!(require_https("base URL", ok).is_ok(), "{ok}");
        }
        let refused = require_https("token URL", "http://api.example.com/oauth/token").unwrap_err();
        assert!(
            refused.contains("token URL") && refused.contains("plain http"),
            "{refused}"
        );
        assert!(require_https("base URL", "http://10.0.0.1/").is_err());
        assert!(require_https("base URL", "http://localhost.evil.com/").is_err());
        assert!(require_https("base URL", "ftp://x/").is_err());
        assert!(require_https("base URL", "not a url").is_err());
    }

    #[test]
    fn json_as_deep_as_the_checker_accepts_decodes_and_deeper_is_refused() {
        let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(nesting_depth(br#"{"a": "[[[", "b": [{"c": "\"]"}]}"#), 3);
        // Decoded on a thread with a small stack, as a runtime worker would.
        let decoded = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || decode_json::<serde_json::Value>(nested(MAX_NESTING).as_bytes()).is_ok())
            .unwrap()
            .join()
            .unwrap();
        assert!(decoded);
        let refused = decode_json::<serde_json::Value>(nested(MAX_NESTING + 1).as_bytes()).unwrap_err();
        assert!(refused.contains("601 levels"), "{refused}");
        assert!(decode_json::<serde_json::Value>(b"1e400").is_err());
        assert!(decode_json::<serde_json::Value>(b"[1] x").is_err());
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("ééééé", 2), "éé… (3 more characters)");
        assert_eq!(
            cut("bad\n::error::pwned\u{1b}[2J", 100),
            "bad\\n::error::pwned\\u{1b}[2J",
            "a server's text never starts a line or carries an escape"
        );
    }
}
