//! Sending one call: the retry policy by call safety, `Retry-After`, backoff with jitter, no
//! redirects, answers read up to a cap, and errors that name the call, the status and the server's
//! message (cut, and scrubbed of every secret).

use std::time::{Duration, SystemTime};

use rand::RngExt;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::cxone::config::ClientConfig;
use crate::cxone::secret::Secret;
use crate::cxone::types::ErrorBody;
use crate::http::{BodyError, MAX_SERVER_TEXT, cut, decode_json, read_capped, transport_message};
use crate::redact::Redactor;

/// A call that failed: which call, the HTTP status if there was one, the server's message (or the
/// transport's), and how many attempts were made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("failed to {call}: {}{message}{}", status_text(*.status), attempts_text(*.attempts))]
pub struct ApiError {
    pub call: String,
    pub status: Option<u16>,
    /// The server's machine code (`error` of the error body), when it sent one.
    pub code: Option<String>,
    pub message: String,
    pub attempts: u32,
}

impl ApiError {
    /// An error of the client's own, not a server's answer.
    pub fn local(call: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            call: call.into(),
            status: None,
            code: None,
            message: message.into(),
            attempts: 1,
        }
    }

    /// Whether the call may have reached the server and taken effect while its answer was lost:
    /// a dropped connection or a timeout, not an answer.
    pub fn ambiguous(&self) -> bool {
        self.status.is_none()
    }

    /// Whether the server answered 409 with this machine code.
    pub fn conflict(&self, code: &str) -> bool {
        self.status == Some(409) && self.code.as_deref() == Some(code)
    }
}

fn status_text(status: Option<u16>) -> String {
    status.map_or(String::new(), |s| {
        let reason = StatusCode::from_u16(s)
            .ok()
            .and_then(|c| c.canonical_reason())
            .unwrap_or("");
        format!("HTTP {s} {reason}: ")
    })
}

fn attempts_text(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// Whether a call may be sent again after a failure that might have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads, simulations, token requests: 429, 502, 503, 504 and transport failures are retried.
    Safe,
    /// Registering, publishing, creating webhooks: retried only on 429 and on connection failures
    /// before anything was sent; a 5xx or a connection dropped mid-call is reported, never resent.
    Unsafe,
}

/// Whether an answer with `status` is sent again: 429 always (the server did not take the call);
/// 502, 503 and 504 (a gateway or an overloaded server) for safe calls only; never 500, 501 or any
/// other status (docs/cxone-api.md and docs/real-cxone.md say the same, and a test reads them).
pub fn retryable(status: u16, retry: Retry) -> bool {
    match status {
        429 => true,
        502..=504 => retry == Retry::Safe,
        _ => false,
    }
}

/// Sends requests with the retry policy. Shared by the token cache and the API calls.
pub struct Sender {
    http: reqwest::Client,
    config: ClientConfig,
}

impl Sender {
    /// A sender over one connection pool, with the retry policy and caps of `config`.
    pub fn new(http: reqwest::Client, config: ClientConfig) -> Self {
        Sender { http, config }
    }

    /// How it was set up.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends one call, retrying as `retry` allows; `bearer` is attached when given. Returns the decoded
    /// body and the headers. A redirect is an error: credentials go only where they were configured.
    pub async fn send<T: DeserializeOwned>(
        &self,
        call: &str,
        retry: Retry,
        bearer: Option<&Secret>,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(T, HeaderMap), ApiError> {
        self.send_answering(call, retry, bearer, &[], build)
            .await
            .map(|(_, value, headers)| (value, headers))
    }

    /// [`Sender::send`], where the error statuses in `answers` are answers too: their body is
    /// decoded like a success's (CXone's script save says what its syntax check found in a 409).
    /// Returns the status as well.
    pub async fn send_answering<T: DeserializeOwned>(
        &self,
        call: &str,
        retry: Retry,
        bearer: Option<&Secret>,
        answers: &[u16],
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(u16, T, HeaderMap), ApiError> {
        let fail = |status, code: Option<String>, message: String, attempts| ApiError {
            call: call.to_string(),
            status,
            code,
            message: self.config.redactor.scrub(&cut(&message, MAX_SERVER_TEXT)),
            attempts,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = build(&self.http);
            if let Some(token) = bearer {
                request = request.bearer_auth(token.expose());
            }
            let exhausted = attempt > self.config.max_retries;
            let (wait, reason) = match request.send().await {
                Err(error) => {
                    let retryable = retry == Retry::Safe || error.is_connect();
                    if !retryable || exhausted {
                        return Err(fail(None, None, transport_message(&error), attempt));
                    }
                    (self.backoff(attempt), transport_message(&error))
                }
                Ok(response) if response.status().is_redirection() => {
                    let status = response.status().as_u16();
                    let to = response
                        .headers()
                        .get(LOCATION)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("nowhere");
                    let message = format!(
                        "the server redirected to `{to}`; redirects are not followed, so credentials only go to the configured URL"
                    );
                    return Err(fail(Some(status), None, message, attempt));
                }
                Ok(response) if response.status().is_success() || answers.contains(&response.status().as_u16()) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match read_capped(response, self.config.max_body_bytes).await {
                        Ok(body) => {
                            return decode_json(&body)
                                .map(|value| (status.as_u16(), value, headers))
                                .map_err(|e| {
                                    fail(
                                        Some(status.as_u16()),
                                        None,
                                        format!("unexpected response body: {e}"),
                                        attempt,
                                    )
                                });
                        }
                        // A body that broke off is a dropped connection: retried when the call is safe.
                        Err(BodyError::Transport(_)) if retry == Retry::Safe && !exhausted => {
                            (self.backoff(attempt), "the answer broke off".to_string())
                        }
                        Err(error) => return Err(fail(Some(status.as_u16()), None, error.to_string(), attempt)),
                    }
                }
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let (code, message) = server_message(response, self.config.max_body_bytes).await;
                    if !retryable(status.as_u16(), retry) || exhausted {
                        return Err(fail(Some(status.as_u16()), code, message, attempt));
                    }
                    let wait = match retry_after(&headers) {
                        Some(wait) if status == StatusCode::TOO_MANY_REQUESTS => wait.min(self.config.retry_after_cap),
                        _ => self.backoff(attempt),
                    };
                    (wait, format!("HTTP {}", status.as_u16()))
                }
            };
            self.config
                .progress
                .retry(call, attempt, wait, &self.config.redactor.scrub(&reason));
            self.config.clock.sleep(wait).await;
        }
    }

    /// The run's redactor, which learns every token this client is issued.
    pub fn redactor(&self) -> &Redactor {
        &self.config.redactor
    }

    /// Full jitter: a random wait up to `min(cap, base * 2^(attempt-1))`.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .config
            .backoff_base
            .saturating_mul(1 << (attempt - 1).min(20))
            .min(self.config.backoff_cap);
        let millis = ceiling.as_millis() as u64;
        Duration::from_millis(if millis == 0 {
            0
        } else {
            rand::rng().random_range(0..=millis)
        })
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// The server's code and message: those of an error body, else no code and the body's text.
async fn server_message(response: reqwest::Response, cap: usize) -> (Option<String>, String) {
    let body = match read_capped(response, cap).await {
        Ok(body) => body,
        Err(error) => return (None, format!("no readable message ({error})")),
    };
    let text = String::from_utf8_lossy(&body);
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(error) => (Some(error.error), error.message),
        Err(_) if text.trim().is_empty() => (None, "no message".to_string()),
        Err(_) => (None, text.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_name_exactly_the_server_errors_that_are_retried() {
        let retried: Vec<u16> = (500..600).filter(|&s| retryable(s, Retry::Safe)).collect();
        assert_eq!(retried, [502, 503, 504]);
        assert!((500..600).all(|s| !retryable(s, Retry::Unsafe)));
        assert!(retryable(429, Retry::Unsafe) && !retryable(500, Retry::Safe));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let api = std::fs::read_to_string(root.join("docs/cxone-api.md")).unwrap();
        assert!(api.contains("| 502, 503, 504 | retried with backoff | reported, never resent |"));
        assert!(api.contains("| other 4xx, 500, 501, 505 and every other 5xx | reported | reported |"));
        let real = std::fs::read_to_string(root.join("docs/real-cxone.md")).unwrap();
        assert!(
            real.contains("429, 502, 503 and 504 answers of reads are retried with backoff (500 and every other 5xx is reported at once"),
            "docs/real-cxone.md"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let at = SystemTime::now() + Duration::from_secs(30);
        headers.insert(RETRY_AFTER, httpdate::fmt_http_date(at).parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait <= Duration::from_secs(30) && wait >= Duration::from_secs(28),
            "{wait:?}"
        );
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn errors_name_the_call_the_status_and_the_message() {
        let error = ApiError {
            call: "publish version `v` of flow `f`".into(),
            status: Some(409),
            code: Some("not_pending".into()),
            message: "version `v` is ACTIVE, not PENDING".into(),
            attempts: 1,
        };
        assert_eq!(
            error.to_string(),
            "failed to publish version `v` of flow `f`: HTTP 409 Conflict: version `v` is ACTIVE, not PENDING"
        );
        let exhausted = ApiError {
            status: Some(429),
            attempts: 6,
            ..error
        };
        assert!(exhausted.to_string().ends_with("(after 6 attempts)"));
    }
}
