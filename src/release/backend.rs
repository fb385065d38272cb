//! The seam between the release's decisions and a CXone API: the few operations the pipeline and
//! the rollback need. The tutorial's Flow Management API (`CxoneClient`) is one implementation; an
//! in-memory fake drives the pipeline's unit tests; a second backend implements the same trait.

use std::future::Future;
use std::time::Duration;

use crate::cxone::client::{ApiError, CxoneClient};
use crate::cxone::types::{SimulationRequest, SimulationResult, Version, VersionPayload, Webhook, WebhookRequest};
use crate::redact::Redactor;

/// How long to wait for an asynchronous registration, and how often to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationWait {
    pub timeout: Duration,
    pub poll: Duration,
}

impl Default for RegistrationWait {
    fn default() -> Self {
        RegistrationWait {
            timeout: Duration::from_secs(120),
            poll: Duration::from_millis(250),
        }
    }
}

/// What a release asks of CXone. Every future is `Send`, so flows are released on many tasks.
pub trait Backend: Send + Sync + 'static {
    /// Fetches credentials now, so a run fails fast when they are refused.
    fn authenticate(&self) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Every version of a flow, with its status.
    fn list_versions(&self, flow_id: &str) -> impl Future<Output = Result<Vec<Version>, ApiError>> + Send;
    /// Registers a version; returns the job that registers it.
    fn register(&self, payload: &VersionPayload) -> impl Future<Output = Result<String, ApiError>> + Send;
    /// Waits, bounded, until a registration job succeeded.
    fn wait_for_registration(
        &self,
        job: &str,
        wait: RegistrationWait,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Runs one call through a registered version.
    fn simulate(
        &self,
        flow_id: &str,
        request: &SimulationRequest,
    ) -> impl Future<Output = Result<SimulationResult, ApiError>> + Send;
    /// Makes a pending version the active one.
    fn publish(&self, flow_id: &str, version_id: &str) -> impl Future<Output = Result<Version, ApiError>> + Send;
    fn list_webhooks(&self) -> impl Future<Output = Result<Vec<Webhook>, ApiError>> + Send;
    fn create_webhook(&self, request: &WebhookRequest) -> impl Future<Output = Result<Webhook, ApiError>> + Send;
    /// The run's secrets, which learn every token the backend is issued.
    fn redactor(&self) -> &Redactor;
}

impl Backend for CxoneClient {
    async fn authenticate(&self) -> Result<(), ApiError> {
        CxoneClient::authenticate(self).await
    }

    async fn list_versions(&self, flow_id: &str) -> Result<Vec<Version>, ApiError> {
        CxoneClient::list_versions(self, flow_id).await
    }

    async fn register(&self, payload: &VersionPayload) -> Result<String, ApiError> {
        self.register_version(payload).await.map(|(_, job)| job)
    }

    async fn wait_for_registration(&self, job: &str, wait: RegistrationWait) -> Result<(), ApiError> {
        CxoneClient::wait_for_registration(self, job, wait.timeout, wait.poll)
            .await
            .map(|_| ())
    }

    async fn simulate(&self, flow_id: &str, request: &SimulationRequest) -> Result<SimulationResult, ApiError> {
        CxoneClient::simulate(self, flow_id, request).await
    }

    async fn publish(&self, flow_id: &str, version_id: &str) -> Result<Version, ApiError> {
        CxoneClient::publish(self, flow_id, version_id).await
    }

    async fn list_webhooks(&self) -> Result<Vec<Webhook>, ApiError> {
        CxoneClient::list_webhooks(self).await
    }

    async fn create_webhook(&self, request: &WebhookRequest) -> Result<Webhook, ApiError> {
        CxoneClient::create_webhook(self, request).await
    }

    fn redactor(&self) -> &Redactor {
        CxoneClient::redactor(self)
    }
}
