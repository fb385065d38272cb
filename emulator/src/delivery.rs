//! Webhook delivery: on publish, a signed `FLOW_VERSION_PUBLISHED` event to every active webhook,
//! retried on failure.

use std::sync::Arc;
use std::time::Duration;

use cxone_flow::cxone::types::{FLOW_VERSION_PUBLISHED, PublishedEvent, Version};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::state::{AppState, Delivery};

/// The header carrying `sha256=HEX`, the HMAC-SHA256 of the raw body under the signing secret.
pub const SIGNATURE_HEADER: &str = "x-cxone-signature";

/// The signature of a body, as the header carries it.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends the event for a published version to every active webhook, in the background.
pub fn publish_event(state: &Arc<AppState>, version: &Version, previous: Option<String>) {
    let targets: Vec<_> = state
        .lock()
        .webhooks
        .iter()
        .filter(|w| w.active && w.event == FLOW_VERSION_PUBLISHED)
        .cloned()
        .collect();
    for webhook in targets {
        let event = PublishedEvent {
            event: FLOW_VERSION_PUBLISHED.into(),
            delivery_id: uuid::Uuid::new_v4().to_string(),
            flow_id: version.payload.flow_id.clone(),
            version_id: version.payload.id.clone(),
            version_tag: version.payload.metadata.version_tag.clone(),
            previous_version_id: previous.clone(),
            published_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        };
        let state = Arc::clone(state);
        state.deliveries_under_way.send_modify(|n| *n += 1);
        tokio::spawn(async move {
            let body = serde_json::to_vec(&event).unwrap_or_default();
            let signature = sign(&state.config.webhook_secret, &body);
            let index = {
                let mut inner = state.lock();
                inner.deliveries.push(Delivery {
                    delivery_id: event.delivery_id.clone(),
                    webhook_id: webhook.id.clone(),
                    url: webhook.url.clone(),
                    version_id: event.version_id.clone(),
                    attempts: 0,
                    delivered: false,
                    last_status: None,
                });
                inner.deliveries.len() - 1
            };
            for attempt in 0..state.config.webhook_attempts {
                if attempt > 0 {
                    tokio::time::sleep(Duration::from_millis(50 << attempt.min(6))).await;
                }
                let sent = state
                    .http
                    .post(&webhook.url)
                    .header("content-type", "application/json")
                    .header("x-cxone-event", FLOW_VERSION_PUBLISHED)
                    .header("x-cxone-delivery", &event.delivery_id)
                    .header(SIGNATURE_HEADER, &signature)
                    .body(body.clone())
                    .send()
                    .await;
                let status = sent.as_ref().ok().map(|r| r.status().as_u16());
                let delivered = status.is_some_and(|s| (200..300).contains(&s));
                let mut inner = state.lock();
                let record = &mut inner.deliveries[index];
                record.attempts = attempt + 1;
                record.last_status = status;
                record.delivered = delivered;
                if delivered {
                    break;
                }
            }
            state.deliveries_under_way.send_modify(|n| *n -= 1);
        });
    }
}
