//! The real CXone's Studio API against the emulator: logins by access key and by OIDC, the tenant's
//! API host found (and its fallback), scripts saved through the syntax check, points of contact
//! (the emulator's wire shapes themselves: `studio_wire.rs`).

use std::time::Duration;

use cxone_emulator::Config;
use cxone_emulator::studio::StudioConfig as EmulatorStudio;
use cxone_flow::cxone::config::{ClientConfig, Grant};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::cxone::studio::{StudioClient, StudioConfig};
use serde_json::{Value, json};

/// An emulator whose tokens name its own address as their cluster, so the fallback host can be it.
pub async fn studio_emulator(studio: EmulatorStudio) -> cxone_emulator::Emulator {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = Config {
        studio: EmulatorStudio {
            cluster: addr.port().to_string(),
            ..studio
        },
        ..Config::default()
    };
    cxone_emulator::serve_on(listener, config).unwrap()
}

/// A client of the emulator by the access-key route, discovering the API host.
pub fn client(emulator: &cxone_emulator::Emulator, grant: Grant) -> StudioClient {
    let origin = emulator.origin();
    let mut client = ClientConfig::new("", "", "emulator-app", Secret::new(String::from("emulator-app-secret")));
    client.backoff_base = Duration::from_millis(1);
    client.backoff_cap = Duration::from_millis(5);
    if let Grant::AccessKey { key_secret, .. } | Grant::Password { key_secret, .. } = &grant {
        client.redactor.add(key_secret.expose());
    }
    StudioClient::new(StudioConfig {
        client,
        grant,
        token_url: format!("{origin}/authentication/v1/token/access-key"),
        issuer: origin,
        api_base: None,
        cluster_api: "http://127.0.0.1:{cluster}".into(),
        api_version: "v30.0".into(),
        renames: Default::default(),
    })
    .unwrap()
}

pub fn access_key() -> Grant {
    Grant::AccessKey {
        key_id: "emulator-access-key".into(),
        key_secret: Secret::new(String::from("emulator-access-secret")),
    }
}

/// A point of contact of the emulated tenant: `CODE=SCRIPT[:DESCRIPTION:SKILL_ID]`.
pub fn point(text: &str) -> cxone_emulator::state::PointOfContact {
    cxone_emulator::state::PointOfContact::parse(text).unwrap()
}

/// The Studio example script, named `name`.
pub fn example_script(name: &str) -> Value {
    let text = std::fs::read_to_string(crate::root().join("examples/studio/acme_main_ivr.json")).unwrap();
    let mut script: Value = serde_json::from_str(&text).unwrap();
    script["header"]["scriptName"] = json!(name);
    script
}

#[tokio::test]
async fn an_access_key_login_finds_the_tenant_and_saves_reads_and_repoints() {
    let emulator = studio_emulator(EmulatorStudio {
        points_of_contact: vec![point("4001=Old_IVR:Main line:11")],
        ..EmulatorStudio::default()
    })
    .await;
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.api_root().await.unwrap(),
        format!("{}/inContactAPI/services/v30.0", emulator.origin()),
        "discovered from the token's tenant"
    );
    let script = example_script("Acme_Main_IVR");
    let saved = studio.save(&script).await.unwrap();
    assert_eq!((saved.status, saved.succeeded()), (200, Some(true)), "{saved:?}");
    let read = studio.get("Acme_Main_IVR").await.unwrap().unwrap();
    assert!(cxone_flow::release::studio::same_content(&read, &script), "{read}");
    assert!(
        read["header"]["masterId"].is_number(),
        "the tenant's own header field: {read}"
    );
    assert_eq!(studio.get("Nothing").await.unwrap(), None);
    let found = studio.search("Acme").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status.as_deref(), Some("CURR"));
    let listed = studio.points_of_contact().await.unwrap();
    assert_eq!(
        (listed[0].contact_code.0, listed[0].script_name.as_str()),
        (4001, "Old_IVR")
    );
    studio.repoint(&listed[0], "Acme_Main_IVR").await.unwrap();
    let read = studio.point_of_contact(4001).await.unwrap();
    assert_eq!(read.script_name, "Acme_Main_IVR");
    assert_eq!(
        (read.contact_description.as_deref(), read.is_active),
        (Some("Main line"), Some(true)),
        "only the script changed"
    );
    let refused = studio.repoint(&read, "No_Such_Script").await.unwrap_err();
    assert_eq!(refused.status, Some(400));
}

#[tokio::test]
async fn the_oidc_route_logs_in_with_the_app_s_basic_authentication() {
    let emulator = studio_emulator(EmulatorStudio::default()).await;
    let grant = Grant::Password {
        key_id: "emulator-access-key".into(),
        key_secret: Secret::new(String::from("emulator-access-secret")),
    };
    client(&emulator, grant).authenticate().await.unwrap();
    let wrong = Grant::AccessKey {
        key_id: "emulator-access-key".into(),
        key_secret: Secret::new(String::from("not-the-secret")),
    };
    let error = client(&emulator, wrong).authenticate().await.unwrap_err();
    assert_eq!(error.status, Some(401));
    assert!(
        error
            .to_string()
            .starts_with("failed to fetch an access token: HTTP 401"),
        "{error}"
    );
    assert!(!error.to_string().contains("not-the-secret"));
}

#[tokio::test]
async fn without_discovery_the_cluster_host_from_the_token_is_used() {
    let emulator = studio_emulator(EmulatorStudio {
        discovery: false,
        ..EmulatorStudio::default()
    })
    .await;
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.api_root().await.unwrap(),
        format!("http://{}/inContactAPI/services/v30.0", emulator.addr)
    );
    studio.save(&example_script("Fallback_IVR")).await.unwrap();
}

#[tokio::test]
async fn the_syntax_check_rejects_errors_per_action_and_saves_warnings() {
    let emulator = studio_emulator(EmulatorStudio {
        skills: vec!["Claims".into()],
        ..EmulatorStudio::default()
    })
    .await;
    let studio = client(&emulator, access_key());
    // Billing is no skill of the tenant's: an error only the tenant can see.
    let rejected = studio.save(&example_script("Acme_Main_IVR")).await.unwrap();
    assert_eq!((rejected.status, rejected.succeeded()), (409, Some(false)));
    let details = &rejected.result().unwrap().error_code.as_ref().unwrap().details;
    assert_eq!(details.total_errors.0, 1);
    assert_eq!(details.actions["9"].errors[0].key, "skill-not-found");
    assert_eq!(
        studio.get("Acme_Main_IVR").await.unwrap(),
        None,
        "a rejected save saves nothing"
    );
    // A REQAGENT without its default branch: CXone warns, and saves.
    let mut script = example_script("Warned_IVR");
    script["properties"]["9"]["0"]["value"] = json!("Claims");
    script["branches"]["8"] = json!([]);
    let warned = studio.save(&script).await.unwrap();
    assert_eq!((warned.status, warned.succeeded()), (206, Some(true)));
    assert_eq!(
        warned.result().unwrap().error_code.as_ref().unwrap().details.actions["8"].warnings[0].key,
        "unwired-queue-default"
    );
}

#[tokio::test]
async fn busy_answers_are_retried_and_a_revoked_token_is_replaced_once() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let faults = [
        "503:next=2:path=/inContactAPI/services/v30.0/scripts/search",
        "revoke:next=1:path=/inContactAPI/services/v30.0/points-of-contact",
    ]
    .iter()
    .map(|f| cxone_emulator::FaultRule::parse(f).unwrap())
    .collect();
    let config = Config {
        studio: EmulatorStudio {
            cluster: addr.port().to_string(),
            ..EmulatorStudio::default()
        },
        faults,
        ..Config::default()
    };
    let emulator = cxone_emulator::serve_on(listener, config).unwrap();
    let studio = client(&emulator, access_key());
    assert!(studio.search("").await.unwrap().is_empty(), "answered after two 503s");
    studio.points_of_contact().await.unwrap();
    let log = emulator.state.lock().log.clone();
    let searches: Vec<Option<u16>> = log
        .iter()
        .filter(|e| e.path.ends_with("/scripts/search"))
        .map(|e| e.status)
        .collect();
    assert_eq!(searches, [Some(503), Some(503), Some(200)]);
    let logins = log.iter().filter(|e| e.path.ends_with("/access-key")).count();
    assert_eq!(logins, 2, "one login, and one more after the token was revoked");
}

#[tokio::test]
async fn a_renamed_endpoint_is_the_one_called() {
    let emulator = studio_emulator(EmulatorStudio::default()).await;
    let origin = emulator.origin();
    let mut client_config = ClientConfig::new("", "", "", Secret::new(String::new()));
    client_config.max_retries = 0;
    let studio = StudioClient::new(StudioConfig {
        client: client_config,
        grant: access_key(),
        token_url: format!("{origin}/authentication/v1/token/access-key"),
        issuer: origin,
        api_base: None,
        cluster_api: "http://127.0.0.1:{cluster}".into(),
        api_version: "v31.0".into(),
        renames: cxone_flow::cxone::studio::Renames::parse(["points-of-contact=contact-points"]).unwrap(),
    })
    .unwrap();
    let error = studio.points_of_contact().await.unwrap_err();
    assert_eq!(error.status, Some(404), "{error}");
    let log = emulator.state.lock().log.clone();
    assert!(
        log.iter()
            .any(|e| e.path == "/inContactAPI/services/v31.0/contact-points"),
        "the pinned version and the renamed path: {log:?}"
    );
}
