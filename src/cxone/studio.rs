//! The real CXone's Studio API client (docs/real-cxone.md): an access-key or OIDC login, the tenant's
//! API host found from the token's claims (discovery, else the cluster host; an explicit base wins),
//! and scripts searched, read and saved, their history, and points of contact, each call with
//! `Accept: application/json`, the retry policy, one fresh token on 401.

use reqwest::RequestBuilder;
use reqwest::header::ACCEPT;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::cxone::auth::TokenCache;
use crate::cxone::config::{ClientConfig, Grant};
use crate::cxone::studio_types::{
    CxoneConfiguration, OpenIdConfiguration, PointOfContact, PointsOfContact, SaveAnswer, SaveRequest, SaveResult,
    ScriptSearch, ScriptSummary,
};
use crate::cxone::transport::{ApiError, Retry, Sender};
use crate::http::require_https;
use crate::redact::{Redactor, path_segment};

/// Where a tenant's identity provider is: the presets, each overridable piece by piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Global,
    FedRamp,
    Australia,
    Europe,
}

impl std::str::FromStr for Region {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "global" => Ok(Region::Global),
            "fedramp" => Ok(Region::FedRamp),
            "au" => Ok(Region::Australia),
            "eu" => Ok(Region::Europe),
            other => Err(format!("`{other}` is not a CXone region (global, fedramp, au, eu)")),
        }
    }
}

/// Whether a token's `icClusterId` has a cluster id's shape: 1 to 16 ASCII letters and digits
/// (`c32`, `b32`, `a32`, `c71` in public clients' host names). Anything else (a dot, a slash, `@`)
/// would let a token choose another host for the fallback `api-{cluster}.nice-incontact.com`.
pub fn is_cluster_id(text: &str) -> bool {
    (1..=16).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Region {
    /// The OIDC issuer (its discovery documents live under it).
    pub fn issuer(self) -> &'static str {
        match self {
            Region::FedRamp => "https://cxone-gov.niceincontact.com",
            _ => "https://cxone.niceincontact.com",
        }
    }

    /// The access-key token route.
    pub fn access_key_url(self) -> &'static str {
        match self {
            Region::Global => "https://na1.nice-incontact.com/authentication/v1/token/access-key",
            Region::FedRamp => "https://cxone-gov.niceincontact.com/authentication/v1/token/access-key",
            Region::Australia => "https://au1.nice-incontact.com/authentication/v1/token/access-key",
            Region::Europe => "https://eu1.nice-incontact.com/authentication/v1/token/access-key",
        }
    }
}

/// API names a tenant spells otherwise: each canonical name (this client's, docs/real-cxone.md's)
/// and the tenant's. They rename endpoint paths (`points-of-contact`), query parameters
/// (`scriptPath`) and the fields of answers and request envelopes (`pointsOfContact`,
/// `scriptName`), never the keys inside a script.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Renames(Vec<(String, String)>);

impl Renames {
    /// `CANONICAL=ACTUAL` items, comma- or line-separated.
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let pairs = pairs(items, ['\n', ','], "rename", "CANONICAL=ACTUAL")?;
        Ok(Renames(
            pairs
                .into_iter()
                .map(|(canonical, actual)| (canonical.to_string(), actual.to_string()))
                .collect(),
        ))
    }

    /// The tenant's name for a canonical one.
    pub fn name<'a>(&'a self, canonical: &'a str) -> &'a str {
        self.0
            .iter()
            .find(|(c, _)| c == canonical)
            .map_or(canonical, |(_, actual)| actual.as_str())
    }

    /// An answer's keys, at every depth, from the tenant's names to the canonical ones.
    pub fn incoming(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                let renamed: serde_json::Map<String, Value> = std::mem::take(map)
                    .into_iter()
                    .map(|(key, mut inner)| {
                        self.incoming(&mut inner);
                        let canonical = self.0.iter().find(|(_, a)| *a == key).map(|(c, _)| c.clone());
                        (canonical.unwrap_or(key), inner)
                    })
                    .collect();
                *map = renamed;
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.incoming(item)),
            _ => {}
        }
    }

    /// A request envelope's own keys (not what it carries) in the tenant's names.
    pub fn outgoing(&self, value: Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, inner)| (self.name(&key).to_string(), inner))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// `SCRIPT=ID[,ID...]` items (line- or `;`-separated lists of them too) as script → the points of
/// contact that run it once released (the `points-of-contact` setting).
pub fn parse_points_of_contact<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<std::collections::BTreeMap<String, Vec<String>>, String> {
    let mut map: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (script, ids) in pairs(items, ['\n', ';'], "point of contact mapping", "SCRIPT=ID[,ID...]")? {
        let ids = ids
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(str::to_string);
        map.entry(script.to_string()).or_default().extend(ids);
    }
    Ok(map)
}

/// `NAME=VALUE` items, split on `separators`, each side trimmed and neither empty (blank items
/// skipped); any other item is refused as `{what} `ITEM` is not {shape}`.
fn pairs<'a>(
    items: impl IntoIterator<Item = &'a str>,
    separators: [char; 2],
    what: &str,
    shape: &str,
) -> Result<Vec<(&'a str, &'a str)>, String> {
    items
        .into_iter()
        .flat_map(|s| s.split(separators))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.split_once('=')
                .map(|(name, value)| (name.trim(), value.trim()))
                .filter(|(name, value)| !name.is_empty() && !value.is_empty())
                .ok_or_else(|| format!("{what} `{item}` is not {shape}"))
        })
        .collect()
}

/// How the Studio client finds and talks to a tenant.
#[derive(Debug, Clone)]
pub struct StudioConfig {
    /// The retry policy, caps and redactor (its `base_url` is not used).
    pub client: ClientConfig,
    /// The access key pair and, for the OIDC route, the app (`Grant::Password`).
    pub grant: Grant,
    /// The token URL of the access-key route, or the OIDC issuer for the password grant.
    pub token_url: String,
    pub issuer: String,
    /// The API host's origin when known (skips discovery).
    pub api_base: Option<String>,
    /// The fallback API host when discovery fails, `{cluster}` standing for `icClusterId`.
    pub cluster_api: String,
    pub api_version: String,
    pub renames: Renames,
}

/// The Studio client.
pub struct StudioClient {
    sender: Sender,
    tokens: OnceCell<TokenCache>,
    config: StudioConfig,
    api: OnceCell<String>,
}

/// Every call the Studio API is sent carries this header.
fn json_accept(request: RequestBuilder) -> RequestBuilder {
    request.header(ACCEPT, "application/json")
}

impl StudioClient {
    pub fn new(config: StudioConfig) -> Result<Self, ApiError> {
        let setup = |message: String| ApiError::local("start the HTTP client", message);
        require_https("CXone token URL", &config.token_url).map_err(setup)?;
        require_https("CXone issuer", &config.issuer).map_err(setup)?;
        if let Some(base) = &config.api_base {
            require_https("CXone API base", base).map_err(setup)?;
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.client.request_timeout)
            .user_agent(concat!("cxone-flow/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| setup(e.to_string()))?;
        Ok(StudioClient {
            sender: Sender::new(http, config.client.clone()),
            tokens: OnceCell::new(),
            api: OnceCell::new(),
            config,
        })
    }

    pub fn redactor(&self) -> &Redactor {
        self.sender.redactor()
    }

    /// The token cache, set up on first use: the password grant first asks the issuer's OIDC
    /// discovery document where its token endpoint is.
    async fn tokens(&self) -> Result<&TokenCache, ApiError> {
        self.tokens
            .get_or_try_init(|| async {
                let mut credentials = self.config.client.credentials.clone();
                credentials.grant = self.config.grant.clone();
                credentials.token_url = match &self.config.grant {
                    Grant::Password { .. } => {
                        let url = format!(
                            "{}/.well-known/openid-configuration",
                            self.config.issuer.trim_end_matches('/')
                        );
                        let (found, _): (OpenIdConfiguration, _) = self
                            .sender
                            .send("read the OIDC discovery document", Retry::Safe, None, |http| {
                                json_accept(http.get(&url))
                            })
                            .await
                            .map_err(|mut error| {
                                error.message = format!("{} (tried {url}, {})", error.message, credentials.origin);
                                error
                            })?;
                        credentials.origin = format!(
                            "named by the discovery document of the issuer {}, {}",
                            self.config.issuer, credentials.origin
                        );
                        require_https("OIDC token endpoint", &found.token_endpoint)
                            .map_err(|m| ApiError::local("read the OIDC discovery document", m))?;
                        found.token_endpoint
                    }
                    _ => self.config.token_url.clone(),
                };
                Ok(TokenCache::new(credentials, self.config.client.clock.clone()))
            })
            .await
    }

    /// Logs in now, so a run fails fast when the keys are refused.
    pub async fn authenticate(&self) -> Result<(), ApiError> {
        self.tokens().await?.token(&self.sender).await.map(|_| ())
    }

    /// `{api}/inContactAPI/services/{version}`: the explicit base, else the discovery document's
    /// `api_endpoint` for the token's tenant, else the cluster host.
    pub async fn api_root(&self) -> Result<&str, ApiError> {
        let api = self
            .api
            .get_or_try_init(|| async {
                let origin = match &self.config.api_base {
                    Some(base) => base.clone(),
                    None => self.discover().await?,
                };
                Ok::<_, ApiError>(format!(
                    "{}/inContactAPI/services/{}",
                    origin.trim_end_matches('/'),
                    self.config.api_version
                ))
            })
            .await?;
        Ok(api.as_str())
    }

    async fn discover(&self) -> Result<String, ApiError> {
        let call = "find the tenant's API host";
        let claims = self.tokens().await?.claims(&self.sender).await?;
        let text = |key: &str| match &claims[key] {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let tenant = text("tenantId");
        if let Some(tenant) = &tenant {
            let url = format!(
                "{}/.well-known/cxone-configuration?tenantId={}",
                self.config.issuer.trim_end_matches('/'),
                path_segment(tenant)
            );
            let found: Result<(CxoneConfiguration, _), _> = self
                .sender
                .send(call, Retry::Safe, None, |http| json_accept(http.get(&url)))
                .await;
            if let Some(api) = found.ok().and_then(|(c, _)| c.api_endpoint).filter(|a| !a.is_empty()) {
                require_https("discovered CXone API host", &api).map_err(|m| ApiError::local(call, m))?;
                return Ok(api);
            }
        }
        let cluster = text("icClusterId").ok_or_else(|| {
            ApiError::local(
                call,
                "discovery gave no API host and the token names no cluster (icClusterId): set cxone-api-base",
            )
        })?;
        if !is_cluster_id(&cluster) {
            return Err(ApiError::local(
                call,
                format!(
                    "discovery gave no API host and the token's icClusterId `{}` is not a cluster id (letters and digits, such as c32): set cxone-api-base",
                    crate::http::cut(&cluster, 40)
                ),
            ));
        }
        let api = self.config.cluster_api.replace("{cluster}", &cluster);
        require_https("CXone cluster API host", &api).map_err(|m| ApiError::local(call, m))?;
        Ok(api)
    }

    /// `{root}/{path}` with the path in the tenant's names.
    fn url(&self, root: &str, path: &str) -> String {
        format!("{root}/{}", self.config.renames.name(path))
    }

    /// A request body in the tenant's names (its own keys only).
    fn envelope(&self, body: &impl serde::Serialize) -> Value {
        self.config
            .renames
            .outgoing(serde_json::to_value(body).unwrap_or_default())
    }

    /// A query parameter's name as the tenant spells it.
    fn param<'a>(&'a self, name: &'a str) -> &'a str {
        self.config.renames.name(name)
    }

    /// An authenticated call whose answer is an envelope (its keys renamed to the canonical ones).
    async fn call<T: DeserializeOwned>(
        &self,
        call: &str,
        retry: Retry,
        answers: &[u16],
        build: impl Fn(&reqwest::Client, &str) -> RequestBuilder,
    ) -> Result<(u16, T), ApiError> {
        let (status, mut value): (u16, Value) = self.call_raw(call, retry, answers, build).await?;
        self.config.renames.incoming(&mut value);
        let decoded = serde_json::from_value(value)
            .map_err(|e| ApiError::local(call, format!("unexpected response body: {e}")))?;
        Ok((status, decoded))
    }

    /// An authenticated call to the API (answering the error statuses in `answers` too); on 401
    /// one fresh token and one more try.
    async fn call_raw<T: DeserializeOwned>(
        &self,
        call: &str,
        retry: Retry,
        answers: &[u16],
        build: impl Fn(&reqwest::Client, &str) -> RequestBuilder,
    ) -> Result<(u16, T), ApiError> {
        let root = self.api_root().await?.to_string();
        let tokens = self.tokens().await?;
        let token = tokens.token(&self.sender).await?;
        let request = |http: &reqwest::Client| json_accept(build(http, &root));
        let sent = self
            .sender
            .send_answering(call, retry, Some(&token), answers, request)
            .await;
        let sent = match sent {
            Err(error) if error.status == Some(401) => {
                let fresh = tokens.replace(&token, &self.sender).await?;
                self.sender
                    .send_answering(call, retry, Some(&fresh), answers, request)
                    .await
            }
            other => other,
        };
        sent.map(|(status, value, _)| (status, value))
    }

    /// Every script whose name contains `name` (all of them for ""), page by page.
    pub async fn search(&self, name: &str) -> Result<Vec<ScriptSummary>, ApiError> {
        let call = format!("search the scripts named like `{name}`");
        let query = [
            (self.param("scriptName"), name.to_string()),
            (self.param("includeInactive"), "true".into()),
        ];
        self.paged(&call, "scripts/search", &query, |list: ScriptSearch| {
            list.script_search_details
        })
        .await
    }

    /// Every item of a list CXone answers page by page (`skip`/`top`; lists page at 50 unless
    /// asked, at most 100): pages are read until one comes back short.
    async fn paged<A: DeserializeOwned, T>(
        &self,
        call: &str,
        path: &str,
        query: &[(&str, String)],
        items: impl Fn(A) -> Vec<T>,
    ) -> Result<Vec<T>, ApiError> {
        const TOP: usize = 100;
        let mut found = Vec::new();
        for page in 0..crate::cxone::client::MAX_PAGES {
            let (_, list): (_, A) = self
                .call(call, Retry::Safe, &[], |http, root| {
                    http.get(self.url(root, path)).query(query).query(&[
                        (self.param("skip"), (page * TOP).to_string()),
                        (self.param("top"), TOP.to_string()),
                    ])
                })
                .await?;
            let page = items(list);
            let got = page.len();
            found.extend(page);
            if got < TOP {
                return Ok(found);
            }
        }
        Err(ApiError::local(call, "more pages than the client reads"))
    }

    /// The script of this name, or `None` when the tenant has none.
    pub async fn get(&self, name: &str) -> Result<Option<Value>, ApiError> {
        let call = format!("read script `{name}`");
        // A script is not an envelope: its keys are never renamed.
        let got: Result<(u16, Value), ApiError> = self
            .call_raw(&call, Retry::Safe, &[], |http, root| {
                http.get(self.url(root, "scripts"))
                    .query(&[(self.param("scriptPath"), name)])
            })
            .await;
        match got {
            Ok((_, script)) => Ok(Some(script)),
            Err(error) if error.status == Some(404) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Saves a script under its `header.scriptName` through CXone's syntax check: 200 saved, 206
    /// saved with warnings, 409 rejected. A save overwrites the name, live, so it is sent once:
    /// retried only when nothing reached the server. A 2xx whose body does not decode is a save
    /// all the same (`answer` is `None`): the caller reads the script back to confirm it.
    pub async fn save(&self, script: &Value) -> Result<Saved, ApiError> {
        let name = script
            .pointer("/header/scriptName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let call = format!("save script `{name}`");
        let body = self.envelope(&SaveRequest {
            script_content: script.clone(),
        });
        let sent: Result<(u16, Value), ApiError> = self
            .call_raw(&call, Retry::Unsafe, &[409], |http, root| {
                http.post(self.url(root, "scripts")).json(&body)
            })
            .await;
        let (status, mut value) = match sent {
            Ok(answer) => answer,
            Err(error) => match error.status.filter(|s| (200..300).contains(s)) {
                Some(status) => return Ok(Saved { status, answer: None }),
                None => return Err(error),
            },
        };
        self.config.renames.incoming(&mut value);
        let answer = serde_json::from_value::<SaveAnswer>(value).ok();
        Ok(Saved { status, answer })
    }

    /// Every save of a name, as the tenant answers it.
    pub async fn history(&self, name: &str) -> Result<Value, ApiError> {
        let call = format!("read the history of script `{name}`");
        self.call(&call, Retry::Safe, &[], |http, root| {
            http.get(self.url(root, "scripts/historyByName"))
                .query(&[(self.param("scriptPath"), name)])
        })
        .await
        .map(|(_, history)| history)
    }

    pub async fn points_of_contact(&self) -> Result<Vec<PointOfContact>, ApiError> {
        self.paged(
            "list the points of contact",
            "points-of-contact",
            &[],
            |list: PointsOfContact| list.points_of_contact,
        )
        .await
    }

    /// `GET points-of-contact/{contactCode}`: the point of contact itself, or (as one client reads
    /// it) a list of one.
    pub async fn point_of_contact(&self, code: u64) -> Result<PointOfContact, ApiError> {
        let call = format!("read point of contact {code}");
        let (_, mut value): (_, Value) = self
            .call(&call, Retry::Safe, &[], |http, root| {
                http.get(self.point_of_contact_url(root, code))
            })
            .await?;
        if let Some(first) = value
            .get_mut("pointsOfContact")
            .and_then(Value::as_array_mut)
            .and_then(|list| list.first_mut())
        {
            value = first.take();
        }
        serde_json::from_value(value).map_err(|e| ApiError::local(&call, format!("unexpected response body: {e}")))
    }

    fn point_of_contact_url(&self, root: &str, code: u64) -> String {
        format!("{root}/{}/{code}", self.config.renames.name("points-of-contact"))
    }

    /// Points a point of contact at a script, its next call runs it: `PUT
    /// points-of-contact/{contactCode}` with the whole point of contact as read, only `scriptName`
    /// changed. Any 2xx is done (the published answer is `{}`); the caller reads it back.
    pub async fn repoint(&self, point: &PointOfContact, script: &str) -> Result<(), ApiError> {
        let code = point.contact_code.0;
        let call = format!("point point of contact {code} at script `{script}`");
        let body = self.envelope(&point.repointed(script));
        let sent: Result<(u16, serde::de::IgnoredAny), ApiError> = self
            .call_raw(&call, Retry::Safe, &[], |http, root| {
                http.put(self.point_of_contact_url(root, code)).json(&body)
            })
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(error) if error.status.is_some_and(|s| (200..300).contains(&s)) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

/// A save's answer: its status and, when the body decoded, what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub status: u16,
    pub answer: Option<SaveAnswer>,
}

impl Saved {
    /// The first result, when the answer has one.
    pub fn result(&self) -> Option<&SaveResult> {
        self.answer.as_ref().and_then(|a| a.results.first())
    }

    /// Whether CXone said the script was saved: a 200 or 206 whose answer says `success` and counts
    /// no errors. `None` when the 2xx answer says nothing, `success` included (read the script
    /// back).
    pub fn succeeded(&self) -> Option<bool> {
        if !(200..300).contains(&self.status) {
            return Some(false);
        }
        let result = self.result()?;
        let errors = self.answer.as_ref().and_then(|a| a.error_count).unwrap_or_default().0
            + result.error_code.as_ref().map_or(0, |c| c.details.total_errors.0);
        if errors > 0 {
            return Some(false);
        }
        result.success
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn saved(status: u16, answer: serde_json::Value) -> Saved {
        Saved {
            status,
            answer: Some(serde_json::from_value(answer).unwrap()),
        }
    }

    #[test]
    fn a_save_answer_says_saved_only_with_success_and_no_errors_counted() {
        // NICE's spec (calljacob/nice-cxone-api AdminGeneralService.ts, `createScript`): `success`
        // is optional; an answer without it says nothing, the script is read back.
        let spec = json!({"errorCount": 0, "results": [{"libraryId": "0b6b3c4e-lib"}]});
        assert_eq!(saved(200, spec).succeeded(), None);
        // outboundani/cxone-mcp test/scripts.test.js: totals written as strings.
        let warned = json!({"results": [{"success": true, "masterId": 1, "libraryId": "x",
            "error_code": {"details": {"totalErrors": "0", "totalWarnings": "1", "actions": {}}}}]});
        assert_eq!(saved(206, warned).succeeded(), Some(true));
        let counted = json!({"errorCount": "1", "results": [{"libraryId": "x"}]});
        assert_eq!(saved(200, counted).succeeded(), Some(false));
        for count in [json!(1.0), json!("1.0"), json!(0.5)] {
            let counted = json!({"errorCount": count, "results": [{"success": true}]});
            assert_eq!(saved(200, counted).succeeded(), Some(false), "{count}");
        }
        assert_eq!(
            saved(409, json!({"results": [{"success": true}]})).succeeded(),
            Some(false)
        );
    }

    #[test]
    fn a_listed_point_of_contact_without_a_code_decodes_and_is_never_named_by_one() {
        // The spec's `AdminGeneral_getPointsOfContactResponse` makes every item field optional.
        let list: PointsOfContact = serde_json::from_value(json!({"pointsOfContact": [
            {"contactDescription": "Chat", "scriptName": "Chat_IVR"},
            {"contactCode": 4001, "contactDescription": "Main line", "scriptName": "Old_IVR"}
        ]}))
        .unwrap();
        let [chat, main] = &list.points_of_contact[..] else {
            panic!("{list:?}")
        };
        assert!(!chat.is_named("0") && chat.is_named("Chat"));
        assert!(main.is_named("4001") && main.is_named("Main line"));
    }

    #[test]
    fn only_a_cluster_id_s_shape_can_name_the_fallback_host() {
        for ok in ["c32", "B32", "a32", "c71", "8443"] {
            assert!(is_cluster_id(ok), "{ok}");
        }
        for refused in [
            "",
            "evil.example",
            "x/y",
            "a@b",
            "c32.attacker",
            "c 32",
            "c32:443",
            &"c".repeat(17),
        ] {
            assert!(!is_cluster_id(refused), "{refused}");
        }
    }

    #[test]
    fn renames_reach_answers_at_every_depth_and_envelopes_at_the_top_only() {
        let renames = Renames::parse([
            "pointsOfContact=items, scriptName=script",
            "points-of-contact=contact-points",
        ])
        .unwrap();
        assert_eq!(renames.name("points-of-contact"), "contact-points");
        assert_eq!(renames.name("scriptPath"), "scriptPath");
        let mut answer = json!({"items": [{"id": "1", "script": "Main"}]});
        renames.incoming(&mut answer);
        assert_eq!(answer, json!({"pointsOfContact": [{"id": "1", "scriptName": "Main"}]}));
        let body = renames.outgoing(json!({"scriptName": "Main", "scriptContent": {"header": {"scriptName": "Main"}}}));
        assert_eq!(
            body,
            json!({"script": "Main", "scriptContent": {"header": {"scriptName": "Main"}}})
        );
        assert!(Renames::parse(["nothing"]).unwrap_err().contains("CANONICAL=ACTUAL"));
    }

    #[test]
    fn points_of_contact_map_each_script_to_its_ids_from_any_list_of_them() {
        let map = parse_points_of_contact(["Main = 4001, 4002; Sales=4003\n\nMain=4004"]).unwrap();
        assert_eq!(map["Main"], ["4001", "4002", "4004"]);
        assert_eq!(map["Sales"], ["4003"]);
        for bad in ["Main", "=4001", "Main= "] {
            assert_eq!(
                parse_points_of_contact([bad]).unwrap_err(),
                format!("point of contact mapping `{}` is not SCRIPT=ID[,ID...]", bad.trim())
            );
        }
    }
}
