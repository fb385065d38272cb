//! How a CXone client is set up: where the API and the token endpoint are, the credentials, and
//! how hard calls are tried. Plain data, read by the transport, the token cache and the client.

use std::time::Duration;

use crate::clock::Clock;
use crate::cxone::secret::Secret;
use crate::http::MAX_BODY_BYTES;
use crate::redact::Redactor;

/// Retries after the first attempt of a call, unless a run says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 5;

/// How a token is asked for.
#[derive(Debug, Clone)]
pub enum Grant {
    /// OAuth client credentials, form-encoded (the first contract).
    ClientCredentials,
    /// CXone's access-key route: `{"accessKeyId", "accessKeySecret"}` as JSON, no app registration.
    AccessKey { key_id: String, key_secret: Secret },
    /// A registered app: the OIDC password grant with the access key pair as username and password,
    /// the app's client id and secret as Basic authentication.
    Password { key_id: String, key_secret: Secret },
}

/// The credentials and where to present them.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub token_url: String,
    /// What chose `token_url` (a setting, or a region's preset), named in a login failure.
    pub origin: String,
    pub grant: Grant,
    pub client_id: String,
    pub client_secret: Secret,
    pub scope: String,
    /// A token is refreshed this long before it expires (60 s by default).
    pub refresh_margin: Duration,
}

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
    /// Told of every retry, with its reason and wait.
    pub progress: crate::progress::Progress,
    /// What token lifetimes and retry waits are measured on: the system's clock, but for tests.
    pub clock: Clock,
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
                origin: "set by `cxone-token-url` (--token-url)".into(),
                grant: Grant::ClientCredentials,
                client_id: client_id.into(),
                client_secret: secret,
                scope: crate::cxone::types::SCOPES.to_string(),
                refresh_margin: Duration::from_secs(60),
            },
            max_retries: DEFAULT_MAX_RETRIES,
            request_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_millis(250),
            backoff_cap: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
            max_body_bytes: MAX_BODY_BYTES,
            redactor,
            progress: Default::default(),
            clock: Clock::default(),
        }
    }
}
