//! OAuth client credentials with a token cache: one token reused until shortly before it expires,
//! fetched once even when many calls need it at the same moment.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::cxone::client::{ApiError, Retry, Sender};
use crate::cxone::secret::Secret;
use crate::cxone::types::TokenResponse;

/// The credentials and where to present them.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub scope: String,
    /// A token is refreshed this long before it expires (60 s by default).
    pub refresh_margin: Duration,
}

struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// The token cache.
pub struct TokenCache {
    credentials: Credentials,
    slot: Mutex<Option<Cached>>,
    fetched: AtomicU64,
}

impl TokenCache {
    pub fn new(credentials: Credentials) -> Self {
        TokenCache {
            credentials,
            slot: Mutex::new(None),
            fetched: AtomicU64::new(0),
        }
    }

    /// How many tokens this cache has fetched.
    pub fn fetched(&self) -> u64 {
        self.fetched.load(Ordering::Relaxed)
    }

    /// A valid token: the cached one, or a new one. Callers arriving while a token is being fetched
    /// wait for that one instead of fetching their own.
    pub async fn token(&self, sender: &Sender) -> Result<Secret, ApiError> {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(cached.token.clone());
        }
        let fresh = self.fetch(sender).await?;
        let token = fresh.token.clone();
        *slot = Some(fresh);
        Ok(token)
    }

    /// A new token after `rejected` was refused (401), unless another call already replaced it.
    pub async fn replace(&self, rejected: &Secret, sender: &Sender) -> Result<Secret, ApiError> {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot
            .as_ref()
            .filter(|c| &c.token != rejected && Instant::now() < c.refresh_at)
        {
            return Ok(cached.token.clone());
        }
        let fresh = self.fetch(sender).await?;
        let token = fresh.token.clone();
        *slot = Some(fresh);
        Ok(token)
    }

    async fn fetch(&self, sender: &Sender) -> Result<Cached, ApiError> {
        let c = &self.credentials;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.expose()),
            ("scope", c.scope.as_str()),
        ];
        let started = Instant::now();
        let (response, _): (TokenResponse, _) = sender
            .send("fetch an access token", Retry::Safe, None, |http| {
                http.post(&c.token_url).form(&form)
            })
            .await?;
        self.fetched.fetch_add(1, Ordering::Relaxed);
        let lifetime = Duration::from_secs(response.expires_in);
        Ok(Cached {
            token: Secret::new(response.access_token),
            refresh_at: started + lifetime.saturating_sub(c.refresh_margin),
        })
    }
}
