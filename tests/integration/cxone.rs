//! The CXone client against the spawned emulator: the contract as a plain client reads it, tokens,
//! every fault class, lifecycle conflicts, schema errors, webhooks, and secrets that never leak.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cxone_emulator::{Config, Emulator, FaultRule, spawn};
use cxone_flow::clock::Clock;
use cxone_flow::cxone::client::{ApiError, ClientConfig, CxoneClient};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::cxone::types::{
    FLOW_VERSION_PUBLISHED, Metadata, SimulationInput, SimulationRequest, Timeouts, VersionPayload, VersionStatus,
    VersionTags, WebhookRequest,
};
use serde_json::{Value, json};

const SECRET: &str = "s3cr3t-client-secret-value";

fn config() -> Config {
    Config {
        client_secret: SECRET.into(),
        ..Config::default()
    }
}

async fn emulator(config: Config) -> Emulator {
    spawn(config).await.expect("the emulator starts")
}

fn client_config(emu: &Emulator) -> ClientConfig {
    let mut config = ClientConfig::new(emu.base_url(), emu.token_url(), "cxone-flow", Secret::new(SECRET));
    config.backoff_base = Duration::from_millis(5);
    config.backoff_cap = Duration::from_millis(40);
    config
}

fn client(emu: &Emulator) -> CxoneClient {
    CxoneClient::new(client_config(emu)).unwrap()
}

/// A valid payload: the spec's example flow as a version.
fn payload(flow_id: &str) -> VersionPayload {
    VersionPayload {
        id: uuid_like(),
        flow_id: flow_id.into(),
        metadata: Metadata {
            version_tag: "v1.0.0".into(),
            activation_priority: 1,
            created_by: "acme/ivr@abc123".into(),
            timestamp: "2026-11-24T07:00:00Z".into(),
            content_hash: Some("0".repeat(64)),
            rollback_of: None,
        },
        version_tags: VersionTags {
            environment: "staging".into(),
            release_matrix: "v1.0.0".into(),
            rollback_reference: None,
        },
        elements: serde_json::from_value(json!([
            {"id": "start", "type": "start"},
            {"id": "menu_main", "type": "menu", "prompt": "Sales 1", "promptMs": 1000},
            {"id": "queue_sales", "type": "queue", "queue": "Sales"},
            {"id": "loop_a", "type": "set", "variable": "x", "value": 1},
            {"id": "loop_b", "type": "routing"}
        ]))
        .unwrap(),
        edges: serde_json::from_value(json!([
            {"from": "start", "to": "menu_main"},
            {"from": "menu_main", "to": "queue_sales", "on": "1"},
            {"from": "menu_main", "to": "loop_a", "on": "9"},
            {"from": "loop_a", "to": "loop_b"},
            {"from": "loop_b", "to": "loop_a", "on": "default"}
        ]))
        .unwrap(),
        routing_rules: Vec::new(),
        timeouts: Timeouts {
            global_timeout: 30_000,
            input_timeout: 10_000,
            transfer_timeout: 60_000,
        },
    }
}

fn uuid_like() -> String {
    use rand::RngExt;
    let n: u128 = rand::rng().random();
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..]
    )
}

/// A simulation request for a version: the caller keys `dtmf`, with no variables.
fn simulation(version_id: impl Into<String>, dtmf: &[&str]) -> SimulationRequest {
    SimulationRequest {
        version_id: version_id.into(),
        input: SimulationInput {
            dtmf: dtmf.iter().map(|k| k.to_string()).collect(),
            ..SimulationInput::default()
        },
        simulate_timeouts: true,
        record_path: true,
    }
}

/// Registers a payload and waits for its registration.
async fn registered(client: &CxoneClient, payload: &VersionPayload) -> String {
    let (answer, job) = client.register_version(payload).await.unwrap();
    client
        .wait_for_registration(&job, Duration::from_secs(5), Duration::from_millis(5))
        .await
        .unwrap();
    answer.id
}

fn log(emu: &Emulator) -> Vec<(String, String, Option<u16>)> {
    emu.state
        .lock()
        .log
        .iter()
        .map(|e| (e.method.clone(), e.path.clone(), e.status))
        .collect()
}

fn statuses(emu: &Emulator, path_part: &str) -> Vec<Option<u16>> {
    log(emu)
        .into_iter()
        .filter(|(_, p, _)| p.contains(path_part))
        .map(|(_, _, s)| s)
        .collect()
}

async fn set_faults(emu: &Emulator, rules: &[&str]) {
    let rules: Vec<FaultRule> = rules.iter().map(|r| FaultRule::parse(r).unwrap()).collect();
    let response = reqwest::Client::new()
        .post(format!("{}/faults", emu.admin_url()))
        .json(&json!({ "rules": rules }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

/// Sends a raw request and decodes its JSON answer.
async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_client_written_from_the_spec_works_unchanged() {
    let clock = Clock::manual();
    let emu = emulator(Config {
        clock: clock.clone(),
        ..config()
    })
    .await;
    let http = reqwest::Client::new();
    let token = json_of(http.post(emu.token_url()).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", "cxone-flow"),
        ("client_secret", SECRET),
        (
            "scope",
            "flows:read flows:write flows:publish flow:simulate webhooks:read webhooks:write",
        ),
    ]))
    .await;
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let base = emu.base_url();
    let list = json_of(
        http.get(format!("{base}/flows/main/versions"))
            .header("Authorization", &bearer),
    )
    .await;
    assert_eq!(list, json!({"entities": []}));
    let body = serde_json::to_value(payload("main")).unwrap();
    for key in [
        "id",
        "flowId",
        "metadata",
        "versionTags",
        "elements",
        "edges",
        "routingRules",
        "timeouts",
    ] {
        assert!(body.get(key).is_some(), "payload field {key}");
    }
    let response = http
        .post(format!("{base}/flows/main/versions"))
        .header("Authorization", &bearer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let job = response.headers()["x-async-job-id"].to_str().unwrap().to_string();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["status"], "PENDING");
    clock.advance(emu.state.config.registration_delay);
    let job = json_of(http.get(format!("{base}/jobs/{job}")).header("Authorization", &bearer)).await;
    assert_eq!(job["status"], "SUCCEEDED");
    let result: Value = http
        .post(format!("{base}/flows/main/simulations"))
        .header("Authorization", &bearer)
        .json(
            &json!({"versionId": answer["id"], "input": {"dtmf": ["1"]}, "simulateTimeouts": true, "recordPath": true}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        result,
        json!({"path": ["start", "menu_main", "queue_sales"], "finalElement": "queue_sales", "executionTime": 1000, "timedOut": false, "result": "SUCCESS"})
    );
    let published = json_of(
        http.post(format!(
            "{base}/flows/main/versions/{}/publish",
            answer["id"].as_str().unwrap()
        ))
        .header("Authorization", &bearer),
    )
    .await;
    assert_eq!(published["status"], "ACTIVE");
    let webhook = http
        .post(format!("{base}/webhooks"))
        .header("Authorization", &bearer)
        .json(
            &json!({"name": "qa", "event": "FLOW_VERSION_PUBLISHED", "url": "http://127.0.0.1:9/hook", "active": true}),
        )
        .send()
        .await
        .unwrap();
    assert!(webhook.status().is_success());
    let hooks = json_of(http.get(format!("{base}/webhooks")).header("Authorization", &bearer)).await;
    assert_eq!(hooks["entities"][0]["url"], "http://127.0.0.1:9/hook");
    let refused = http
        .post(emu.token_url())
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400, "token requests are form-encoded");
}

#[tokio::test]
async fn one_token_serves_many_calls_even_when_they_start_together() {
    let emu = emulator(config()).await;
    let client = Arc::new(client(&emu));
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.list_versions(&format!("flow-{i}")).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    client.list_webhooks().await.unwrap();
    assert_eq!(client.tokens_fetched(), 1);
    assert_eq!(emu.state.lock().tokens_issued, 1);
    assert_eq!(statuses(&emu, "/oauth/token"), [Some(200)]);
}

#[tokio::test]
async fn an_expiring_token_is_replaced_before_it_expires() {
    // One manual clock for the emulator and the client: an hour passes without waiting for it.
    let clock = Clock::manual();
    let emu = emulator(Config {
        token_ttl_secs: 3600,
        clock: clock.clone(),
        ..config()
    })
    .await;
    let mut config = client_config(&emu);
    config.clock = clock.clone();
    let client = CxoneClient::new(config).unwrap();
    client.list_versions("f").await.unwrap();
    // Past the reuse time (3600 s less the 60 s margin), before the token expires.
    clock.advance(Duration::from_secs(3541));
    client.list_versions("f").await.unwrap();
    assert_eq!(client.tokens_fetched(), 2);
    // The first token has expired by now, and the second is reused.
    clock.advance(Duration::from_secs(60));
    client.list_versions("f").await.unwrap();
    assert_eq!(client.tokens_fetched(), 2);
    assert!(
        !statuses(&emu, "/versions").contains(&Some(401)),
        "no call was sent with an expired token"
    );
}

#[tokio::test]
async fn a_revoked_token_is_replaced_once_then_the_failure_is_clear() {
    let emu = emulator(config()).await;
    let client = client(&emu);
    client.list_versions("f").await.unwrap();
    let admin = reqwest::Client::new()
        .post(format!("{}/revoke-tokens", emu.admin_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 204);
    client.list_versions("f").await.unwrap();
    assert_eq!(statuses(&emu, "/versions"), [Some(200), Some(401), Some(200)]);
    assert_eq!(client.tokens_fetched(), 2);
    // Revoked again on each of the next two calls: the fresh token is refused too.
    set_faults(&emu, &["revoke:next=2:path=/versions"]).await;
    let error = client.list_versions("f").await.unwrap_err();
    assert_eq!(error.status, Some(401));
    assert_eq!(
        error.to_string(),
        "failed to list the versions of flow `f`: HTTP 401 Unauthorized: token revoked (a fresh token was refused too)"
    );
}

/// A client whose retries wait on a manual clock: each wait moves the clock instead of sleeping.
fn client_on(emu: &Emulator, clock: &Clock) -> CxoneClient {
    let mut config = client_config(emu);
    config.clock = clock.clone();
    CxoneClient::new(config).unwrap()
}

#[tokio::test]
async fn rate_limits_honour_retry_after_in_seconds_and_as_a_date() {
    let emu = emulator(config()).await;
    let clock = Clock::manual();
    let client = client_on(&emu, &clock);
    client.list_webhooks().await.unwrap();
    set_faults(&emu, &["429:next=1:retry-after=1:path=/webhooks"]).await;
    let started = clock.now();
    client.list_webhooks().await.unwrap();
    let waited = clock.now() - started;
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    set_faults(&emu, &["429:next=1:retry-after=2:http-date:path=/webhooks"]).await;
    let started = clock.now();
    client.list_webhooks().await.unwrap();
    // An HTTP date has whole seconds: two seconds from now is one to two seconds away.
    let waited = clock.now() - started;
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert_eq!(
        statuses(&emu, "/webhooks"),
        [Some(200), Some(429), Some(200), Some(429), Some(200)]
    );
}

#[tokio::test]
async fn a_429_storm_exhausts_the_retry_budget_in_bounded_time() {
    let emu = emulator(config()).await;
    let clock = Clock::manual();
    let client = client_on(&emu, &clock);
    client.list_webhooks().await.unwrap();
    set_faults(&emu, &["429:retry-after=0:path=/webhooks"]).await;
    let started = clock.now();
    let error = client.list_webhooks().await.unwrap_err();
    // Five waits of at most the backoff cap (40 ms): the clock moved by them and the calls alone.
    let waited = clock.now() - started;
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert_eq!((error.status, error.attempts), (Some(429), 6));
    assert_eq!(
        error.to_string(),
        "failed to list webhooks: HTTP 429 Too Many Requests: too many requests (after 6 attempts)"
    );
    assert_eq!(statuses(&emu, "/webhooks").len(), 1 + 6);
}

#[tokio::test]
async fn gateway_errors_and_dropped_connections_are_retried_for_safe_calls() {
    let emu = emulator(config()).await;
    let client = client(&emu);
    let version = registered(&client, &payload("main")).await;
    set_faults(
        &emu,
        &[
            "502:next=1:path=/simulations",
            "503:next=1:path=/simulations",
            "504:next=1:path=/simulations",
            "drop:next=1:path=/simulations",
        ],
    )
    .await;
    let request = simulation(version, &["1"]);
    let result = client.simulate("main", &request).await.unwrap();
    assert_eq!(result.final_element, "queue_sales");
    assert_eq!(
        statuses(&emu, "/simulations"),
        [Some(502), Some(503), Some(504), None, Some(200)]
    );
    set_faults(&emu, &["drop:next=1:path=/versions", "503:next=1:path=/versions"]).await;
    assert_eq!(client.list_versions("main").await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_registration_is_never_resent_after_a_5xx_or_a_dropped_connection() {
    let emu = emulator(config()).await;
    let client = client(&emu);
    client.list_versions("main").await.unwrap();
    set_faults(&emu, &["503:next=1:method=POST:path=/versions"]).await;
    let error = client.register_version(&payload("main")).await.unwrap_err();
    assert_eq!((error.status, error.attempts), (Some(503), 1));
    set_faults(&emu, &["drop:next=1:method=POST:path=/versions"]).await;
    let error = client.register_version(&payload("main")).await.unwrap_err();
    assert_eq!((error.status, error.attempts), (None, 1));
    assert!(error.message.starts_with("connection failed"), "{}", error.message);
    let posts = log(&emu)
        .into_iter()
        .filter(|(m, p, _)| m == "POST" && p.ends_with("/versions"))
        .count();
    assert_eq!(posts, 2, "each registration was sent exactly once");
    // A 429 means the server did not take it: that one is retried.
    set_faults(&emu, &["429:next=1:retry-after=0:method=POST:path=/versions"]).await;
    client.register_version(&payload("main")).await.unwrap();
    assert_eq!(emu.state.lock().versions["main"].len(), 1);
}

#[tokio::test]
async fn the_version_lifecycle_and_its_conflicts() {
    let clock = Clock::manual();
    let emu = emulator(Config {
        registration_delay: Duration::from_secs(60),
        clock: clock.clone(),
        ..config()
    })
    .await;
    let client = client(&emu);
    let first = payload("main");
    let (answer, job) = client.register_version(&first).await.unwrap();
    assert_eq!(answer.status, VersionStatus::Pending);
    let request = simulation(answer.id.clone(), &[]);
    let early = client.simulate("main", &request).await.unwrap_err();
    assert_eq!(early.status, Some(409));
    assert!(early.message.contains("still registering"), "{}", early.message);
    assert_eq!(
        client.job(&job).await.unwrap().status,
        cxone_flow::cxone::types::JobStatus::Running
    );
    clock.advance(Duration::from_secs(60));
    client
        .wait_for_registration(&job, Duration::from_secs(5), Duration::from_millis(20))
        .await
        .unwrap();
    let published = client.publish("main", &answer.id).await.unwrap();
    assert_eq!(published.status, VersionStatus::Active);
    let again = client.publish("main", &answer.id).await.unwrap_err();
    assert_eq!(again.status, Some(409));
    assert_eq!(
        again.to_string(),
        format!(
            "failed to publish version `{0}` of flow `main`: HTTP 409 Conflict: version `{0}` is ACTIVE, not PENDING: only a pending version can be published",
            answer.id
        )
    );
    let (second, job) = client.register_version(&payload("main")).await.unwrap();
    clock.advance(Duration::from_secs(60));
    client
        .wait_for_registration(&job, Duration::from_secs(5), Duration::from_millis(20))
        .await
        .unwrap();
    let second = second.id;
    let third = client.register_version(&payload("main")).await.unwrap_err();
    assert_eq!(third.status, Some(409));
    assert!(
        third
            .message
            .contains("already has 2 versions that are ACTIVE or PENDING"),
        "{}",
        third.message
    );
    assert!(
        third.message.contains(&format!("{} (ACTIVE)", answer.id))
            && third.message.contains(&format!("{second} (PENDING)")),
        "{}",
        third.message
    );
    client.publish("main", &second).await.unwrap();
    let versions = client.list_versions("main").await.unwrap();
    let status = |id: &str| versions.iter().find(|v| v.payload.id == id).unwrap().status;
    assert_eq!(
        (status(&answer.id), status(&second)),
        (VersionStatus::Deprecated, VersionStatus::Active)
    );
}

#[tokio::test]
async fn bad_payloads_get_400_with_a_message_naming_the_fault() {
    let emu = emulator(config()).await;
    let client = client(&emu);
    let mut bad = payload("main");
    bad.edges.push(json!({"from": "menu_main", "to": "queue_x", "on": "2"}));
    let error = client.register_version(&bad).await.unwrap_err();
    assert_eq!(error.status, Some(400));
    assert!(
        error.message.contains("points to unknown element \"queue_x\" (CXF002)"),
        "{}",
        error.message
    );
    let version = registered(&client, &payload("main")).await;
    let bad_sim = simulation(version.clone(), &["1x"]);
    let error = client.simulate("main", &bad_sim).await.unwrap_err();
    assert_eq!(error.status, Some(400));
    assert!(error.message.contains("`1x`"), "{}", error.message);
    for url in ["not a url", "ftp://example.org/hook", "http://"] {
        let request = WebhookRequest {
            name: "qa".into(),
            event: FLOW_VERSION_PUBLISHED.into(),
            url: url.into(),
            active: true,
        };
        let error = client.create_webhook(&request).await.unwrap_err();
        assert_eq!(error.status, Some(400), "{url}");
        assert!(error.message.contains("webhook url"), "{}", error.message);
    }
}

#[tokio::test]
async fn a_looping_simulation_exceeds_the_execution_window() {
    let emu = emulator(config()).await;
    let client = client(&emu);
    let version = registered(&client, &payload("main")).await;
    let request = simulation(version, &["9"]);
    let error = client.simulate("main", &request).await.unwrap_err();
    assert_eq!(
        (error.status, error.attempts),
        (Some(504), 6),
        "504 is retried as a safe call, then reported"
    );
    assert!(error.message.contains("execution window"), "{}", error.message);
}

#[tokio::test]
async fn each_endpoint_refuses_a_token_without_its_scope() {
    let emu = emulator(config()).await;
    let mut narrow_scope = client_config(&emu);
    narrow_scope.credentials.scope = "flows:read".into();
    let client = CxoneClient::new(narrow_scope).unwrap();
    client.list_versions("main").await.unwrap();
    let error = client.register_version(&payload("main")).await.unwrap_err();
    assert_eq!(error.status, Some(403));
    assert_eq!(error.message, "the token lacks the scope `flows:write`");
    assert_eq!(client.list_webhooks().await.unwrap_err().status, Some(403));
    let narrow = emulator(Config {
        scopes: vec!["flows:read".into()],
        ..config()
    })
    .await;
    let error = self::client(&narrow).list_versions("main").await.unwrap_err();
    assert_eq!(error.status, Some(401));
    assert!(error.message.contains("insufficient scopes"), "{}", error.message);
    let wrong = CxoneClient::new(ClientConfig::new(
        narrow.base_url(),
        narrow.token_url(),
        "cxone-flow",
        Secret::new("wrong"),
    ))
    .unwrap();
    let error = wrong.list_versions("main").await.unwrap_err();
    // A refused login names the URL it tried and the setting that chose it.
    assert_eq!(
        error.to_string(),
        format!(
            "failed to fetch an access token: HTTP 401 Unauthorized: invalid client credentials (tried {}, set by `cxone-token-url` (--token-url))",
            narrow.token_url()
        )
    );
}

#[tokio::test]
async fn latency_is_added_to_every_call() {
    let emu = emulator(Config {
        latency: cxone_emulator::Latency {
            fixed_ms: 50,
            jitter_ms: 0,
        },
        ..config()
    })
    .await;
    let client = client(&emu);
    let started = Instant::now();
    client.list_webhooks().await.unwrap();
    // One token call and one API call, 50 ms each.
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn publish_delivers_one_signed_event_to_each_active_webhook_with_retries() {
    let (receiver, received) = crate::webhook_receiver(1).await;
    let emu = emulator(config()).await;
    let client = client(&emu);
    let hook = WebhookRequest {
        name: "qa".into(),
        event: FLOW_VERSION_PUBLISHED.into(),
        url: receiver,
        active: true,
    };
    client.create_webhook(&hook).await.unwrap();
    let inactive = WebhookRequest {
        name: "off".into(),
        active: false,
        ..hook.clone()
    };
    client.create_webhook(&inactive).await.unwrap();
    let version = registered(&client, &payload("main")).await;
    client.publish("main", &version).await.unwrap();
    let received = crate::calls_once_deliveries_ended(&emu, &received).await;
    assert_eq!(
        received.len(),
        1,
        "one event, to the active webhook only, delivered once"
    );
    let (signature, body) = &received[0];
    assert!(
        crate::signed_by_emulator(signature, body),
        "the receiver can check the signature"
    );
    let event: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(
        (
            event["event"].as_str(),
            event["flowId"].as_str(),
            event["versionId"].as_str()
        ),
        (Some("FLOW_VERSION_PUBLISHED"), Some("main"), Some(version.as_str()))
    );
    let deliveries = emu.state.lock().deliveries.clone();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(
        (deliveries[0].attempts, deliveries[0].delivered),
        (2, true),
        "the first attempt failed and was retried"
    );
}

#[tokio::test]
async fn the_admin_endpoints_show_state_and_requests() {
    let emu = emulator(config()).await;
    let client = client(&emu);
    registered(&client, &payload("main")).await;
    let http = reqwest::Client::new();
    let state = json_of(http.get(format!("{}/state", emu.admin_url()))).await;
    assert_eq!(state["versions"]["main"][0]["status"], "PENDING");
    assert_eq!(state["tokensIssued"], 1);
    let requests = json_of(http.get(format!("{}/requests", emu.admin_url()))).await;
    let paths: Vec<&str> = requests
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(&paths[..2], ["/oauth/token", "/api/v2/flows/main/versions"]);
}

#[tokio::test]
async fn the_secret_and_tokens_appear_in_nothing_the_client_prints_or_returns() {
    let emu = emulator(Config {
        webhook_attempts: 1,
        ..config()
    })
    .await;
    let client = client(&emu);
    let mut seen: Vec<String> = vec![format!("{:?}", client_config(&emu))];
    let mut record = |result: Result<String, ApiError>| match result {
        Ok(ok) => seen.push(ok),
        Err(error) => {
            seen.push(error.to_string());
            seen.push(format!("{error:?}"));
        }
    };
    record(client.list_versions("main").await.map(|v| format!("{v:?}")));
    set_faults(
        &emu,
        &["401:next=1", "429:next=1:retry-after=0", "503:next=2", "drop:next=1"],
    )
    .await;
    record(client.list_versions("main").await.map(|v| format!("{v:?}")));
    record(
        client
            .register_version(&payload("main"))
            .await
            .map(|v| format!("{v:?}")),
    );
    set_faults(&emu, &["revoke:next=3"]).await;
    record(client.list_webhooks().await.map(|v| format!("{v:?}")));
    let wrong = CxoneClient::new(ClientConfig::new(
        emu.base_url(),
        emu.token_url(),
        "cxone-flow",
        Secret::new("wrong-secret"),
    ))
    .unwrap();
    record(wrong.list_versions("main").await.map(|v| format!("{v:?}")));
    let tokens: Vec<String> = emu.state.lock().tokens.keys().cloned().collect();
    assert!(!tokens.is_empty());
    let everything = seen.join("\n");
    assert!(!everything.contains(SECRET), "{everything}");
    assert!(!everything.contains("wrong-secret"), "{everything}");
    for token in tokens {
        assert!(!everything.contains(&token), "a token leaked: {everything}");
    }
    assert!(everything.contains("Secret(***)"));
}
