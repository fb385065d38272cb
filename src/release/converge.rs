//! The calls of a release whose answers can be lost or raced, made safe to repeat: a registration
//! whose id another run took is resumed, calls on a version still registering wait for it, and a
//! publish whose answer was lost or refused is read back before anything is concluded.

use std::time::Instant;

use crate::cxone::client::ApiError;
use crate::cxone::types::{Version, VersionPayload, VersionStatus};
use crate::release::backend::{Backend, RegistrationWait};

/// How a registration ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// This run registered the version and its job succeeded (the job id).
    Registered(String),
    /// The version was there already: another run registered it, or this run's answer was lost.
    /// Calls on it wait until it is ready.
    Resumed(&'static str),
}

/// Registers `payload` and waits for its job; a version that exists already (`409
/// already_registered` for this deterministic id, or a lost answer after which CXone lists it) is
/// resumed, never registered twice.
pub async fn register(
    client: &impl Backend,
    payload: &VersionPayload,
    wait: RegistrationWait,
) -> Result<Registration, ApiError> {
    match client.register(payload).await {
        Ok(job) => {
            client.wait_for_registration(&job, wait).await?;
            Ok(Registration::Registered(job))
        }
        Err(error) if error.conflict("already_registered") => Ok(Registration::Resumed("another run registered it")),
        Err(error) if error.ambiguous() || error.conflict("version_limit") => {
            // The answer was lost (it may have worked), or another run's version filled the limit
            // first: what CXone lists now says which.
            let versions = client
                .list_versions(&payload.flow_id)
                .await
                .map_err(|e| also(&error, &e))?;
            match versions.iter().find(|v| v.payload.id == payload.id) {
                Some(_) if error.ambiguous() => Ok(Registration::Resumed("its answer was lost, but CXone has it")),
                Some(_) => Ok(Registration::Resumed("another run registered it")),
                None => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

/// Repeats `call` while CXone answers that the version is still registering, until `wait` runs out.
pub async fn when_registered<T, F, Fut>(wait: RegistrationWait, mut call: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let deadline = Instant::now() + wait.timeout;
    loop {
        match call().await {
            Err(error) if error.conflict("still_registering") && Instant::now() + wait.poll < deadline => {
                tokio::time::sleep(wait.poll).await;
            }
            other => return other,
        }
    }
}

/// Who made a version active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// This run's publish did it; `confirmed` when its answer was lost and the version was read back.
    ByThisRun { confirmed: bool },
    /// Another run published it first (this run's publish found it no longer pending).
    ByAnotherRun,
}

/// Publishes a version and makes sure of the result: a lost answer or a `409 not_pending` is read
/// back, a version still pending after a lost answer is published again (three tries at most).
pub async fn publish(
    client: &impl Backend,
    flow_id: &str,
    version_id: &str,
    wait: RegistrationWait,
) -> Result<Published, ApiError> {
    let mut lost = false;
    for _ in 0..3 {
        let error = match when_registered(wait, || client.publish(flow_id, version_id)).await {
            Ok(version) if version.status == VersionStatus::Active => {
                return Ok(Published::ByThisRun { confirmed: lost });
            }
            Ok(version) => {
                return Err(ApiError::local(
                    format!("publish version `{version_id}` of flow `{flow_id}`"),
                    format!("CXone answered that it is {}, not ACTIVE", version.status),
                ));
            }
            Err(error) if error.ambiguous() || error.conflict("not_pending") => error,
            Err(error) => return Err(error),
        };
        let versions = client.list_versions(flow_id).await.map_err(|e| also(&error, &e))?;
        match status_of(&versions, version_id) {
            Some(VersionStatus::Active) if error.ambiguous() => return Ok(Published::ByThisRun { confirmed: true }),
            Some(VersionStatus::Active) => return Ok(Published::ByAnotherRun),
            Some(VersionStatus::Pending) if error.ambiguous() => lost = true,
            Some(status) => {
                return Err(ApiError {
                    message: format!("{}; CXone now lists the version as {status}", error.message),
                    ..error
                });
            }
            None => {
                return Err(ApiError {
                    message: format!("{}; CXone no longer lists the version", error.message),
                    ..error
                });
            }
        }
    }
    Err(ApiError::local(
        format!("publish version `{version_id}` of flow `{flow_id}`"),
        "three publishes lost their answers and the version is still PENDING",
    ))
}

/// A version's status in a listing.
pub fn status_of(versions: &[Version], version_id: &str) -> Option<VersionStatus> {
    versions.iter().find(|v| v.payload.id == version_id).map(|v| v.status)
}

/// The first error, with why it could not be checked.
fn also(first: &ApiError, reading_back: &ApiError) -> ApiError {
    ApiError {
        message: format!(
            "{}; reading the versions back failed too: {reading_back}",
            first.message
        ),
        ..first.clone()
    }
}
