//! The few GitHub REST calls the Action makes: a pull request's files, a file at a commit, and the
//! sticky comment; [`RestGitHub`] makes them the Action's [`GitHub`] port. Redirects are not
//! followed, answers are capped, and error text is cut and scrubbed of the token.

use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use serde::Deserialize;

use crate::github::GitHub;
use crate::github::changes::ChangedFile;
use crate::http::{MAX_BODY_BYTES, MAX_SERVER_TEXT, cut, read_capped, require_https};
use crate::redact::Redactor;

/// Files per page of `pulls/{n}/files`, the API's maximum.
const PER_PAGE: usize = 100;
/// The files endpoint lists at most this many files.
pub const FILES_CAP: usize = 3000;
/// Comment pages read when looking for the sticky comment (3,000 comments); past them a new one is made.
pub const COMMENT_PAGES: usize = 30;
/// Whose sticky comment is ours when the token cannot say who it is (`GET /user` is refused to the
/// Actions token).
pub const DEFAULT_COMMENT_AUTHOR: &str = "github-actions[bot]";

/// A GitHub call that failed, naming the call.
#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    #[error("failed to {call}: {message}")]
    Transport { call: String, message: String },
    #[error("failed to {call}: HTTP {status}{}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Status {
        call: String,
        status: reqwest::StatusCode,
        message: String,
    },
    #[error("failed to set up the GitHub client: {0}")]
    Setup(String),
}

/// The REST client for one repository.
pub struct GitHubApi {
    http: reqwest::Client,
    api_url: String,
    repository: String,
    redactor: Redactor,
}

/// The files of a pull request, and whether the listing stopped at the API's cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullFiles {
    pub files: Vec<ChangedFile>,
    pub capped: bool,
}

#[derive(Deserialize)]
struct PullFile {
    filename: String,
    status: String,
    previous_filename: Option<String>,
}

#[derive(Deserialize)]
struct Comment {
    id: u64,
    body: Option<String>,
    user: Option<User>,
}

#[derive(Deserialize)]
struct User {
    login: String,
}

/// What happened to the sticky comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentAction {
    Created,
    Updated,
}

impl GitHubApi {
    /// A client for `repository`; `token` joins `redactor`, which scrubs every error text.
    pub fn new(api_url: &str, repository: &str, token: &str, redactor: Redactor) -> Result<GitHubApi, GitHubError> {
        require_https("GitHub API URL", api_url).map_err(GitHubError::Setup)?;
        redactor.add(token);
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| GitHubError::Setup("the GitHub token is not a valid header value".into()))?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/vnd.github+json"));
        headers.insert(USER_AGENT, HeaderValue::from_static("cxone-flow"));
        headers.insert("x-github-api-version", HeaderValue::from_static("2022-11-28"));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| GitHubError::Setup(e.to_string()))?;
        Ok(GitHubApi {
            http,
            api_url: api_url.trim_end_matches('/').to_string(),
            repository: repository.to_string(),
            redactor,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/repos/{}/{path}", self.api_url, self.repository)
    }

    async fn send(&self, call: &str, request: reqwest::RequestBuilder) -> Result<reqwest::Response, GitHubError> {
        let response = request
            .send()
            .await
            .map_err(|e| self.transport(call, crate::http::transport_message(&e)))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let text = match read_capped(response, MAX_BODY_BYTES).await {
            Ok(body) => String::from_utf8_lossy(&body).into_owned(),
            Err(error) => error.to_string(),
        };
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_string))
            .unwrap_or(text);
        Err(GitHubError::Status {
            call: call.to_string(),
            status,
            message: self.redactor.scrub(&cut(&message, MAX_SERVER_TEXT)),
        })
    }

    fn transport(&self, call: &str, message: String) -> GitHubError {
        GitHubError::Transport {
            call: call.to_string(),
            message: self.redactor.scrub(&cut(&message, MAX_SERVER_TEXT)),
        }
    }

    /// A successful answer's body, up to the cap.
    async fn body(&self, call: &str, request: reqwest::RequestBuilder) -> Result<Vec<u8>, GitHubError> {
        let response = self.send(call, request).await?;
        read_capped(response, MAX_BODY_BYTES)
            .await
            .map_err(|e| self.transport(call, e.to_string()))
    }

    async fn json<T: for<'de> Deserialize<'de>>(
        &self,
        call: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<T, GitHubError> {
        let body = self.body(call, request).await?;
        serde_json::from_slice(&body).map_err(|e| self.transport(call, format!("unexpected answer: {e}")))
    }

    /// One page (1-based) of a listing, 100 items a page.
    async fn page<T: for<'de> Deserialize<'de>>(
        &self,
        call: &str,
        path: &str,
        page: usize,
    ) -> Result<Vec<T>, GitHubError> {
        let request = self
            .http
            .get(self.url(path))
            .query(&[("per_page", PER_PAGE), ("page", page)]);
        self.json(call, request).await
    }

    /// Every file of a pull request, 100 a page, up to the API's cap of 3,000.
    pub async fn pull_files(&self, number: u64) -> Result<PullFiles, GitHubError> {
        let call = format!("list the files of pull request #{number}");
        let mut files = Vec::new();
        for page in 1..=FILES_CAP / PER_PAGE {
            let batch: Vec<PullFile> = self.page(&call, &format!("pulls/{number}/files"), page).await?;
            let last = batch.len() < PER_PAGE;
            files.extend(batch.into_iter().map(|f| ChangedFile {
                removed: f.status == "removed",
                previous: f.previous_filename.filter(|_| f.status == "renamed"),
                path: f.filename,
            }));
            if last {
                return Ok(PullFiles { files, capped: false });
            }
        }
        Ok(PullFiles { files, capped: true })
    }

    /// A file's bytes at a commit; `None` when it did not exist there.
    pub async fn file_at(&self, path: &str, commit: &str) -> Result<Option<Vec<u8>>, GitHubError> {
        let call = format!("read `{path}` at {commit}");
        let mut url = reqwest::Url::parse(&self.url("contents")).map_err(|e| GitHubError::Setup(e.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| GitHubError::Setup("the API URL cannot take a path".into()))?
            .extend(path.split('/'));
        let request = self
            .http
            .get(url)
            .query(&[("ref", commit)])
            .header(ACCEPT, "application/vnd.github.raw+json");
        match self.body(&call, request).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(GitHubError::Status { status, .. }) if status == reqwest::StatusCode::NOT_FOUND => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Who the token is: `GET /user`, or [`DEFAULT_COMMENT_AUTHOR`] when GitHub will not say (the
    /// Actions token may not read `/user`).
    pub async fn identity(&self) -> String {
        let request = self.http.get(format!("{}/user", self.api_url));
        match self.json::<User>("read the token's identity", request).await {
            Ok(user) => user.login,
            Err(_) => DEFAULT_COMMENT_AUTHOR.to_string(),
        }
    }

    /// Creates the pull request comment that carries `marker`, or updates it in place. Only a comment
    /// written by `author` is ours: one with the marker written by anyone else is left alone.
    pub async fn upsert_comment(
        &self,
        number: u64,
        marker: &str,
        author: &str,
        body: &str,
    ) -> Result<CommentAction, GitHubError> {
        let list_call = format!("list the comments of pull request #{number}");
        let mut existing = None;
        for page in 1..=COMMENT_PAGES {
            let batch: Vec<Comment> = self
                .page(&list_call, &format!("issues/{number}/comments"), page)
                .await?;
            let last = batch.len() < PER_PAGE;
            existing = batch
                .into_iter()
                .find(|c| {
                    c.body.as_deref().is_some_and(|b| b.contains(marker))
                        && c.user.as_ref().is_some_and(|u| u.login == author)
                })
                .map(|c| c.id);
            if existing.is_some() || last {
                break;
            }
        }
        let payload = serde_json::json!({ "body": body });
        match existing {
            Some(id) => {
                let call = format!("update comment {id} on pull request #{number}");
                let request = self
                    .http
                    .patch(self.url(&format!("issues/comments/{id}")))
                    .json(&payload);
                self.send(&call, request).await.map(|_| CommentAction::Updated)
            }
            None => {
                let call = format!("comment on pull request #{number}");
                let request = self
                    .http
                    .post(self.url(&format!("issues/{number}/comments")))
                    .json(&payload);
                self.send(&call, request).await.map(|_| CommentAction::Created)
            }
        }
    }
}

/// The [`GitHub`] port over the REST API: each call run to its end on the port's own runtime.
pub struct RestGitHub {
    api: GitHubApi,
    runtime: tokio::runtime::Runtime,
}

impl RestGitHub {
    /// The port for `repository` at `api_url`, as [`GitHubApi::new`] sets it up.
    pub fn new(api_url: &str, repository: &str, token: &str, redactor: Redactor) -> Result<RestGitHub, GitHubError> {
        let api = GitHubApi::new(api_url, repository, token, redactor)?;
        let runtime = crate::http::runtime().map_err(GitHubError::Setup)?;
        Ok(RestGitHub { api, runtime })
    }
}

impl GitHub for RestGitHub {
    fn pull_files(&self, number: u64) -> Result<PullFiles, GitHubError> {
        self.runtime.block_on(self.api.pull_files(number))
    }

    fn file_at(&self, path: &str, commit: &str) -> Result<Option<Vec<u8>>, GitHubError> {
        self.runtime.block_on(self.api.file_at(path, commit))
    }

    /// Ours is the comment written by the token's identity.
    fn upsert_comment(&self, number: u64, marker: &str, body: &str) -> Result<CommentAction, GitHubError> {
        self.runtime.block_on(async {
            let author = self.api.identity().await;
            self.api.upsert_comment(number, marker, &author, body).await
        })
    }
}
