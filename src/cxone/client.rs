//! The CXone API client: one connection pool, bearer tokens from the cache, bounded retries that
//! honour `Retry-After` and never repeat a call that is unsafe to repeat, and errors that name the
//! call, the HTTP status and the server's message (cut, and scrubbed of every secret). Redirects are
//! never followed, answers are read up to a cap, and only https (or loopback) URLs are called.

use std::time::{Duration, Instant, SystemTime};

use rand::RngExt;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::cxone::auth::{Credentials, TokenCache};
use crate::cxone::secret::Secret;
use crate::cxone::types::{
    EntityList, ErrorBody, Job, JobStatus, Registered, SimulationRequest, SimulationResult, Version, VersionPayload,
    Webhook, WebhookRequest,
};
use crate::http::{
    BodyError, MAX_BODY_BYTES, MAX_SERVER_TEXT, cut, decode_json, read_capped, require_https, transport_message,
};
use crate::redact::{Redactor, path_segment as segment};

/// Where the API is, who the client is, and how hard it tries.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://api.mynicecx.com/api/v2` by default.
    pub base_url: String,
    pub credentials: Credentials,
    /// Retries after the first attempt (5 by default).
    pub max_retries: u32,
    pub request_timeout: Duration,
    /// Exponential backoff: attempt k waits a random time up to `min(cap, base * 2^k)` (full jitter).
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// The longest `Retry-After` honoured; a longer one waits this long.
    pub retry_after_cap: Duration,
    /// The largest answer body read; past it the call fails.
    pub max_body_bytes: usize,
    /// Scrubs the client secret, every token issued and any other secret of the run from server text.
    pub redactor: Redactor,
}

impl ClientConfig {
    /// The defaults of the contract, for a client id and secret.
    pub fn new(
        base_url: impl Into<String>,
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        secret: Secret,
    ) -> Self {
        let redactor = Redactor::new();
        redactor.add(secret.expose());
        ClientConfig {
            base_url: base_url.into(),
            credentials: Credentials {
                token_url: token_url.into(),
                client_id: client_id.into(),
                client_secret: secret,
                scope: crate::cxone::types::SCOPES.to_string(),
                refresh_margin: Duration::from_secs(60),
            },
            max_retries: 5,
            request_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_millis(250),
            backoff_cap: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
            max_body_bytes: MAX_BODY_BYTES,
            redactor,
        }
    }
}

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

/// The most pages read of one listing; past it the listing fails rather than loop forever.
pub const MAX_PAGES: usize = 100;

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

/// Sends requests with the retry policy. Shared by the token cache and the API calls.
pub struct Sender {
    http: reqwest::Client,
    config: ClientConfig,
}

impl Sender {
    /// Sends one call, retrying as `retry` allows; `bearer` is attached when given. Returns the decoded
    /// body and the headers. A redirect is an error: credentials go only where they were configured.
    pub async fn send<T: DeserializeOwned>(
        &self,
        call: &str,
        retry: Retry,
        bearer: Option<&Secret>,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(T, HeaderMap), ApiError> {
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
            let wait = match request.send().await {
                Err(error) => {
                    let retryable = retry == Retry::Safe || error.is_connect();
                    if !retryable || exhausted {
                        return Err(fail(None, None, transport_message(&error), attempt));
                    }
                    self.backoff(attempt)
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
                Ok(response) if response.status().is_success() => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match read_capped(response, self.config.max_body_bytes).await {
                        Ok(body) => {
                            return decode_json(&body).map(|value| (value, headers)).map_err(|e| {
                                fail(
                                    Some(status.as_u16()),
                                    None,
                                    format!("unexpected response body: {e}"),
                                    attempt,
                                )
                            });
                        }
                        // A body that broke off is a dropped connection: retried when the call is safe.
                        Err(BodyError::Transport(_)) if retry == Retry::Safe && !exhausted => self.backoff(attempt),
                        Err(error) => return Err(fail(Some(status.as_u16()), None, error.to_string(), attempt)),
                    }
                }
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let (code, message) = server_message(response, self.config.max_body_bytes).await;
                    let retryable = match status.as_u16() {
                        429 => true,
                        502..=504 => retry == Retry::Safe,
                        _ => false,
                    };
                    if !retryable || exhausted {
                        return Err(fail(Some(status.as_u16()), code, message, attempt));
                    }
                    match retry_after(&headers) {
                        Some(wait) if status == StatusCode::TOO_MANY_REQUESTS => wait.min(self.config.retry_after_cap),
                        _ => self.backoff(attempt),
                    }
                }
            };
            tokio::time::sleep(wait).await;
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

/// The CXone client. Clone-free: share it by reference; it holds one connection pool.
pub struct CxoneClient {
    sender: Sender,
    tokens: TokenCache,
}

impl CxoneClient {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let setup = |message: String| ApiError::local("start the HTTP client", message);
        require_https("CXone base URL", &config.base_url).map_err(setup)?;
        require_https("CXone token URL", &config.credentials.token_url).map_err(setup)?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.request_timeout)
            .user_agent(concat!("cxone-flow/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| setup(e.to_string()))?;
        Ok(CxoneClient {
            tokens: TokenCache::new(config.credentials.clone()),
            sender: Sender { http, config },
        })
    }

    /// Fetches (or reuses) a token now, so a run fails fast on bad credentials.
    pub async fn authenticate(&self) -> Result<(), ApiError> {
        self.tokens.token(&self.sender).await.map(|_| ())
    }

    /// The run's redactor: the client secret and every token issued so far.
    pub fn redactor(&self) -> &Redactor {
        self.sender.redactor()
    }

    /// Tokens fetched so far.
    pub fn tokens_fetched(&self) -> u64 {
        self.tokens.fetched()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sender.config.base_url.trim_end_matches('/'))
    }

    /// Sends an authenticated call; on 401 fetches one fresh token and tries once more.
    async fn call<T: DeserializeOwned>(
        &self,
        call: &str,
        retry: Retry,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(T, HeaderMap), ApiError> {
        let token = self.tokens.token(&self.sender).await?;
        match self.sender.send(call, retry, Some(&token), &build).await {
            Err(error) if error.status == Some(401) => {
                let fresh = self.tokens.replace(&token, &self.sender).await?;
                self.sender
                    .send(call, retry, Some(&fresh), &build)
                    .await
                    .map_err(|mut error| {
                        if error.status == Some(401) {
                            error.message.push_str(" (a fresh token was refused too)");
                        }
                        error
                    })
            }
            other => other,
        }
    }

    /// `GET /flows/{flowId}/versions`, every page.
    pub async fn list_versions(&self, flow_id: &str) -> Result<Vec<Version>, ApiError> {
        let url = self.url(&format!("/flows/{}/versions", segment(flow_id)));
        self.list_all::<Version>(&format!("list the versions of flow `{flow_id}`"), url)
            .await
    }

    /// Every entity of a listing: follows `next` (on the API's own origin only), else asks for
    /// `skip`/`top` pages while `totalRecords` says more remain; at most [`MAX_PAGES`] pages.
    async fn list_all<T: DeserializeOwned>(&self, call: &str, first: String) -> Result<Vec<T>, ApiError> {
        let base =
            reqwest::Url::parse(&self.sender.config.base_url).map_err(|e| ApiError::local(call, e.to_string()))?;
        let mut entities = Vec::new();
        let mut url = first.clone();
        for _ in 0..MAX_PAGES {
            let (page, _): (EntityList<T>, _) = self.call(call, Retry::Safe, |http| http.get(&url)).await?;
            let got = page.entities.len();
            entities.extend(page.entities);
            let more = page.total_records.is_some_and(|total| (entities.len() as u64) < total);
            url = match page.next.filter(|n| !n.is_empty()) {
                Some(next) => {
                    let next = base
                        .join(&next)
                        .map_err(|e| ApiError::local(call, format!("bad `next` link: {e}")))?;
                    if next.origin() != base.origin() {
                        return Err(ApiError::local(
                            call,
                            format!("the `next` link `{next}` leaves the API's origin; it is not followed"),
                        ));
                    }
                    next.to_string()
                }
                None if more && got > 0 => format!("{first}?skip={}&top={got}", entities.len()),
                None => return Ok(entities),
            };
        }
        Err(ApiError::local(
            call,
            format!("the listing has more than {MAX_PAGES} pages"),
        ))
    }

    /// `POST /flows/{flowId}/versions`: returns the answer and the `x-async-job-id`. Never resent
    /// after it may have reached the server.
    pub async fn register_version(&self, payload: &VersionPayload) -> Result<(Registered, String), ApiError> {
        let call = format!("register version `{}` of flow `{}`", payload.id, payload.flow_id);
        let url = self.url(&format!("/flows/{}/versions", segment(&payload.flow_id)));
        let (registered, headers): (Registered, _) = self
            .call(&call, Retry::Unsafe, |http| http.post(&url).json(payload))
            .await?;
        let job = headers
            .get("x-async-job-id")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::local(call, "the answer has no x-async-job-id header"))?;
        Ok((registered, job.to_string()))
    }

    /// `GET /jobs/{jobId}`.
    pub async fn job(&self, job_id: &str) -> Result<Job, ApiError> {
        let url = self.url(&format!("/jobs/{}", segment(job_id)));
        let (job, _) = self
            .call(&format!("read registration job `{job_id}`"), Retry::Safe, |http| {
                http.get(&url)
            })
            .await?;
        Ok(job)
    }

    /// Polls a registration job until it succeeds, fails, or `timeout` passes.
    pub async fn wait_for_registration(
        &self,
        job_id: &str,
        timeout: Duration,
        poll: Duration,
    ) -> Result<Job, ApiError> {
        let deadline = Instant::now() + timeout;
        loop {
            let job = self.job(job_id).await?;
            match job.status {
                JobStatus::Succeeded => return Ok(job),
                JobStatus::Failed => {
                    let message = job.message.unwrap_or_else(|| "the registration job failed".into());
                    return Err(ApiError {
                        code: Some("registration_failed".into()),
                        ..ApiError::local(
                            format!("register version `{}`", job.version_id),
                            self.redactor().scrub(&cut(&message, MAX_SERVER_TEXT)),
                        )
                    });
                }
                JobStatus::Running if Instant::now() + poll > deadline => {
                    return Err(ApiError::local(
                        format!("register version `{}`", job.version_id),
                        format!(
                            "registration job `{job_id}` still running after {} ms",
                            timeout.as_millis()
                        ),
                    ));
                }
                JobStatus::Running => tokio::time::sleep(poll).await,
            }
        }
    }

    /// `POST /flows/{flowId}/simulations`.
    pub async fn simulate(&self, flow_id: &str, request: &SimulationRequest) -> Result<SimulationResult, ApiError> {
        let url = self.url(&format!("/flows/{}/simulations", segment(flow_id)));
        let call = format!(
            "simulate a call on version `{}` of flow `{flow_id}`",
            request.version_id
        );
        let (result, _) = self
            .call(&call, Retry::Safe, |http| http.post(&url).json(request))
            .await?;
        Ok(result)
    }

    /// `POST /flows/{flowId}/versions/{versionId}/publish`.
    pub async fn publish(&self, flow_id: &str, version_id: &str) -> Result<Version, ApiError> {
        let url = self.url(&format!(
            "/flows/{}/versions/{}/publish",
            segment(flow_id),
            segment(version_id)
        ));
        let call = format!("publish version `{version_id}` of flow `{flow_id}`");
        let (version, _) = self.call(&call, Retry::Unsafe, |http| http.post(&url)).await?;
        Ok(version)
    }

    /// `GET /webhooks`, every page.
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, ApiError> {
        self.list_all::<Webhook>("list webhooks", self.url("/webhooks")).await
    }

    /// `POST /webhooks`.
    pub async fn create_webhook(&self, request: &WebhookRequest) -> Result<Webhook, ApiError> {
        let url = self.url("/webhooks");
        let call = format!("create webhook `{}` for {}", request.name, request.url);
        let (webhook, _) = self
            .call(&call, Retry::Unsafe, |http| http.post(&url).json(request))
            .await?;
        Ok(webhook)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
