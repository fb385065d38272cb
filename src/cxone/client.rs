//! The CXone API client: one connection pool, bearer tokens from the cache, one fresh token on 401,
//! every endpoint of the contract, and listings read whole. Only https (or loopback) URLs are called.

use std::time::{Duration, Instant};

use reqwest::RequestBuilder;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::cxone::auth::TokenCache;
pub use crate::cxone::config::ClientConfig;
pub use crate::cxone::transport::ApiError;
use crate::cxone::transport::{Retry, Sender};
use crate::cxone::types::{
    EntityList, Job, JobStatus, Registered, SimulationRequest, SimulationResult, Version, VersionPayload, Webhook,
    WebhookRequest,
};
use crate::http::{MAX_SERVER_TEXT, cut, require_https};
use crate::redact::{Redactor, path_segment as segment};

/// The most pages read of one listing; past it the listing fails rather than loop forever.
pub const MAX_PAGES: usize = 100;

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
            tokens: TokenCache::new(config.credentials.clone(), config.clock.clone()),
            sender: Sender::new(http, config),
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
        format!("{}{path}", self.sender.config().base_url.trim_end_matches('/'))
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
            reqwest::Url::parse(&self.sender.config().base_url).map_err(|e| ApiError::local(call, e.to_string()))?;
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
