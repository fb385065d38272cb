//! OAuth client credentials with a token cache: one token reused until shortly before it expires,
//! fetched once even when many calls need it at the same moment. Every token issued is handed to the
//! run's redactor, so no server can echo it into a log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::clock::Clock;
use crate::cxone::config::{Credentials, Grant};
use crate::cxone::secret::Secret;
use crate::cxone::transport::{ApiError, Retry, Sender};
use crate::cxone::types::TokenResponse;

struct Cached {
    token: Secret,
    refresh_at: Instant,
    /// The claims of the token (or of the OIDC id token): tenant, business unit, cluster.
    claims: serde_json::Value,
}

/// The token cache.
pub struct TokenCache {
    credentials: Credentials,
    clock: Clock,
    slot: Mutex<Option<Cached>>,
    fetched: AtomicU64,
}

impl TokenCache {
    pub fn new(credentials: Credentials, clock: Clock) -> Self {
        TokenCache {
            credentials,
            clock,
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
        if let Some(cached) = slot.as_ref().filter(|c| self.clock.now() < c.refresh_at) {
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
            .filter(|c| &c.token != rejected && self.clock.now() < c.refresh_at)
        {
            return Ok(cached.token.clone());
        }
        let fresh = self.fetch(sender).await?;
        let token = fresh.token.clone();
        *slot = Some(fresh);
        Ok(token)
    }

    /// The claims of the current token (fetching one first when there is none): `tenantId`,
    /// `icBUId`, `icClusterId` for CXone's access-key tokens; `null` when the token is opaque.
    pub async fn claims(&self, sender: &Sender) -> Result<serde_json::Value, ApiError> {
        self.token(sender).await?;
        let slot = self.slot.lock().await;
        Ok(slot.as_ref().map_or(serde_json::Value::Null, |c| c.claims.clone()))
    }

    /// The token request of the grant, as sent.
    async fn request(&self, sender: &Sender) -> Result<TokenResponse, ApiError> {
        let c = &self.credentials;
        let call = "fetch an access token";
        Ok(match &c.grant {
            Grant::ClientCredentials => {
                let form = [
                    ("grant_type", "client_credentials"),
                    ("client_id", c.client_id.as_str()),
                    ("client_secret", c.client_secret.expose()),
                    ("scope", c.scope.as_str()),
                ];
                sender
                    .send(call, Retry::Safe, None, |http| http.post(&c.token_url).form(&form))
                    .await?
                    .0
            }
            Grant::AccessKey { key_id, key_secret } => {
                let body = serde_json::json!({"accessKeyId": key_id, "accessKeySecret": key_secret.expose()});
                let json = |http: &reqwest::Client| {
                    http.post(&c.token_url)
                        .header(reqwest::header::ACCEPT, "application/json")
                        .json(&body)
                };
                sender.send(call, Retry::Safe, None, json).await?.0
            }
            Grant::Password { key_id, key_secret } => {
                let form = [
                    ("grant_type", "password"),
                    ("username", key_id.as_str()),
                    ("password", key_secret.expose()),
                ];
                let build = |http: &reqwest::Client| {
                    http.post(&c.token_url)
                        .header(reqwest::header::ACCEPT, "application/json")
                        .basic_auth(&c.client_id, Some(c.client_secret.expose()))
                        .form(&form)
                };
                sender.send(call, Retry::Safe, None, build).await?.0
            }
        })
    }

    async fn fetch(&self, sender: &Sender) -> Result<Cached, ApiError> {
        let c = &self.credentials;
        let started = self.clock.now();
        let response = self.request(sender).await.map_err(|mut error| {
            // A refused login names where it went and what chose that URL.
            error.message = format!("{} (tried {}, {})", error.message, c.token_url, c.origin);
            error
        })?;
        self.fetched.fetch_add(1, Ordering::Relaxed);
        sender.redactor().add(&response.access_token);
        if let Some(id_token) = &response.id_token {
            sender.redactor().add(id_token);
        }
        if let Some(refresh_token) = &response.refresh_token {
            sender.redactor().add(refresh_token);
        }
        let claims = response
            .id_token
            .as_deref()
            .and_then(jwt_claims)
            .or_else(|| jwt_claims(&response.access_token))
            .unwrap_or_default();
        Ok(Cached {
            token: Secret::new(response.access_token),
            refresh_at: started + reuse_for(response.expires_in, c.refresh_margin),
            claims,
        })
    }
}

/// The claims of a JWT (its middle part, base64url JSON), without checking its signature: they
/// only say where the tenant lives, and every API call is authorised by the server anyway.
pub fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(serde_json::Value::is_object)
}

/// A token whose `expires_in` is 0 (not stated) is taken to live this long; a 401 still replaces it.
pub const UNSTATED_LIFETIME: Duration = Duration::from_secs(300);
/// No token is kept longer than this, whatever its `expires_in` says.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long a token with this `expires_in` is reused: until `margin` before it expires, but at least
/// half its life (a short-lived token is not refetched for every call), and never past a day.
pub fn reuse_for(expires_in: u64, margin: Duration) -> Duration {
    let lifetime = match expires_in {
        0 => UNSTATED_LIFETIME,
        seconds => Duration::from_secs(seconds).min(MAX_LIFETIME),
    };
    lifetime.saturating_sub(margin).max(lifetime / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_expires_in_gives_a_sane_reuse_time() {
        let margin = Duration::from_secs(60);
        assert_eq!(reuse_for(3600, margin), Duration::from_secs(3540));
        assert_eq!(reuse_for(u64::MAX, margin), MAX_LIFETIME - margin);
        assert_eq!(reuse_for(0, margin), UNSTATED_LIFETIME - margin);
        assert_eq!(reuse_for(30, margin), Duration::from_secs(15));
        assert_eq!(reuse_for(1, margin), Duration::from_millis(500));
    }
}
