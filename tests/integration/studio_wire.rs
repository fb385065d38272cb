//! The emulator's Studio answers, field by field, read by a plain HTTP client whose requests and
//! expectations are written here as JSON literals from NICE's published shapes (docs/real-cxone.md
//! names the source of each), never from cxone-flow's wire types: the emulator cannot drift back to
//! shapes no tenant sends without this failing.

use cxone_emulator::studio::StudioConfig as EmulatorStudio;
use serde_json::{Value, json};

use crate::studio_api::{example_script, point, studio_emulator};

/// A raw client of the emulated tenant: its API root and a bearer token.
struct Raw {
    http: reqwest::Client,
    api: String,
    bearer: String,
}

impl Raw {
    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let answer = request
            .header("authorization", &self.bearer)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let text = answer.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}/{path}", self.api))).await
    }
}

/// Every key of `object`, sorted.
fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// A GET without a token, its answer as JSON.
async fn get_json(url: String) -> Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

fn has_all(object: &Value, fields: &[&str], what: &str) {
    for field in fields {
        assert!(object.get(field).is_some(), "{what} lacks `{field}`: {object}");
    }
}

async fn login(emulator: &cxone_emulator::Emulator) -> Raw {
    let origin = emulator.origin();
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{origin}/authentication/v1/token/access-key"))
        .json(&json!({"accessKeyId": "emulator-access-key", "accessKeySecret": "emulator-access-secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    has_all(
        &token,
        &["access_token", "token_type", "refresh_token", "expires_in", "id_token"],
        "the token answer",
    );
    let tenant = "11eb0358-f1a4-4b62-8e6f-0242ac110003";
    let config = get_json(format!("{origin}/.well-known/cxone-configuration?tenantId={tenant}")).await;
    has_all(
        &config,
        &[
            "private",
            "ui_endpoint",
            "auth_endpoint",
            "api_endpoint",
            "domain",
            "uhDomain",
        ],
        "cxone-configuration",
    );
    assert!(config["private"].is_boolean(), "{config}");
    let api = format!(
        "{}/inContactAPI/services/v30.0",
        config["api_endpoint"].as_str().unwrap()
    );
    Raw {
        http,
        api,
        bearer: format!("Bearer {}", token["access_token"].as_str().unwrap()),
    }
}

#[tokio::test]
async fn the_discovery_documents_and_the_accept_header_are_as_published() {
    let emulator = studio_emulator(EmulatorStudio::default()).await;
    let oidc = get_json(format!("{}/.well-known/openid-configuration", emulator.origin())).await;
    has_all(
        &oidc,
        &[
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "response_types_supported",
            "subject_types_supported",
            "id_token_signing_alg_values_supported",
        ],
        "openid-configuration",
    );
    let raw = login(&emulator).await;
    let bare = raw
        .http
        .get(format!("{}/scripts/search", raw.api))
        .header("authorization", &raw.bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 406);
    assert_eq!(bare.text().await.unwrap(), "No known way to render data");
}

#[tokio::test]
async fn scripts_are_saved_read_searched_listed_in_history_and_deleted_as_published() {
    let emulator = studio_emulator(EmulatorStudio {
        skills: vec!["Claims".into()],
        ..EmulatorStudio::default()
    })
    .await;
    let raw = login(&emulator).await;
    let post = |script: Value| {
        raw.send(
            raw.http
                .post(format!("{}/scripts", raw.api))
                .json(&json!({"scriptContent": script})),
        )
    };
    // The example queues to Billing, no skill of this tenant's: rejected, per action.
    let (status, rejected) = post(example_script("Wire_IVR")).await;
    assert_eq!(status, 409, "{rejected}");
    assert_eq!(keys(&rejected), ["errorCount", "results"]);
    assert_eq!(rejected["errorCount"], 1);
    let result = &rejected["results"][0];
    assert_eq!(result["success"], false);
    let details = &result["error_code"]["details"];
    assert_eq!(
        details["totalErrors"], "1",
        "totals as strings, as NICE's fixtures show them"
    );
    assert_eq!(details["totalWarnings"], "0");
    assert_eq!(details["actions"]["9"]["actionType"], "REQAGENT");
    assert_eq!(details["actions"]["9"]["errors"], json!([{"key": "skill-not-found"}]));
    let mut script = example_script("Wire_IVR");
    script["properties"]["9"]["0"]["value"] = json!("Claims");
    let (status, saved) = post(script.clone()).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["errorCount"], 0);
    let result = &saved["results"][0];
    assert_eq!(result["success"], true);
    assert!(
        result["masterId"].is_u64() && result["libraryId"].is_string(),
        "{saved}"
    );

    let (status, read) = raw.get("scripts?scriptPath=Wire_IVR").await;
    assert_eq!(status, 200);
    let header = &read["header"];
    assert_eq!(header["scriptName"], "Wire_IVR");
    assert_eq!(header["masterId"], result["masterId"]);
    assert!(
        header["lockInfo"].is_object() && header["lastSavedIn"].is_string(),
        "{header}"
    );
    for (id, action) in read["actions"].as_object().unwrap() {
        assert!(
            action.get("xws").is_none() && action.get("yws").is_none(),
            "action {id} read back with its xws/yws: {action}"
        );
    }

    let (_, search) = raw
        .get("scripts/search?scriptName=Wire&includeInactive=true&skip=0&top=100")
        .await;
    assert_eq!(
        keys(&search),
        ["_links", "busNo", "scriptSearchDetails", "totalRecords"]
    );
    assert_eq!(search["totalRecords"], 1);
    assert_eq!(search["busNo"], 4_600_012);
    let found = &search["scriptSearchDetails"][0];
    assert_eq!(
        keys(found),
        [
            "actions",
            "busNo",
            "mUser",
            "masterID",
            "mediaType",
            "modifyDate",
            "scriptName",
            "status"
        ]
    );
    assert_eq!(
        (&found["scriptName"], &found["status"]),
        (&json!("Wire_IVR"), &json!("CURR"))
    );

    post(script).await;
    let (_, history) = raw.get("scripts/historyByName?scriptPath=Wire_IVR").await;
    assert_eq!(keys(&history), ["name", "versions"]);
    assert_eq!(history["name"], "Wire_IVR");
    let versions = history["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    for version in versions {
        assert_eq!(keys(version), ["modifyDate", "modifyUser", "scriptId", "status"]);
    }

    let (status, _) = raw
        .send(raw.http.delete(format!("{}/scripts?scriptPath=Wire_IVR", raw.api)))
        .await;
    assert!((200..300).contains(&status), "DELETE scripts answered {status}");
    assert_eq!(raw.get("scripts?scriptPath=Wire_IVR").await.0, 404);
}

#[tokio::test]
async fn points_of_contact_are_listed_read_and_updated_whole_as_published() {
    let emulator = studio_emulator(EmulatorStudio {
        points_of_contact: vec![point("4001=Old_IVR:Main line:11")],
        ..EmulatorStudio::default()
    })
    .await;
    let raw = login(&emulator).await;
    let (status, list) = raw.get("points-of-contact").await;
    assert_eq!(status, 200);
    assert_eq!(keys(&list), ["businessUnitId", "lastPollTime", "pointsOfContact"]);
    let listed = &list["pointsOfContact"][0];
    assert_eq!(
        keys(listed),
        [
            "businessUnitId",
            "contactAddress",
            "contactCode",
            "contactDescription",
            "defaultSkillId",
            "isActive",
            "mediaTypeId",
            "mediaTypeName",
            "notes",
            "outboundSkill",
            "scriptName"
        ]
    );
    assert_eq!(listed["contactCode"], 4001, "an integer: {listed}");
    assert_eq!(
        (
            &listed["contactDescription"],
            &listed["defaultSkillId"],
            &listed["scriptName"]
        ),
        (&json!("Main line"), &json!(11), &json!("Old_IVR"))
    );
    // `getPointOfContactById` answers `AdminGeneral_getPointsOfContactResponse`: the list's shape.
    let (_, one) = raw.get("points-of-contact/4001").await;
    assert_eq!(keys(&one), ["businessUnitId", "lastPollTime", "pointsOfContact"]);
    assert_eq!(one["pointsOfContact"][0], *listed, "{one}");

    let mut script = example_script("New_IVR");
    script["properties"]["9"]["0"]["value"] = json!("Claims");
    raw.send(
        raw.http
            .post(format!("{}/scripts", raw.api))
            .json(&json!({"scriptContent": script})),
    )
    .await;
    let put = |body: Value| raw.send(raw.http.put(format!("{}/points-of-contact/4001", raw.api)).json(&body));
    let (status, _) = put(json!({"scriptName": "New_IVR"})).await;
    assert_eq!(
        status, 400,
        "the spec requires pointOfContactName, skillId and scriptName"
    );
    let (status, answer) =
        put(json!({"pointOfContactName": "Main line", "skillId": 11, "scriptName": "New_IVR", "isActive": true})).await;
    assert_eq!((status, answer), (200, json!({})));
    let (_, one) = raw.get("points-of-contact/4001").await;
    assert_eq!(one["pointsOfContact"][0]["scriptName"], "New_IVR");

    let state = get_json(format!("{}/state", emulator.admin_url())).await;
    assert_eq!(state["pointsOfContact"][0]["scriptName"], "New_IVR", "{state}");
    assert!(state["scripts"]["New_IVR"]["masterId"].is_u64(), "{state}");
}
