//! Faults on demand: rules that make calls slow, refused, failed or dropped, deterministic under a seed.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

/// What a fault does to the call it hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FaultKind {
    /// Answer with this HTTP status (500, 502, 503, 504...) and an error body.
    Status { status: u16 },
    /// Answer 429 with `Retry-After` in seconds, or as an HTTP date when `httpDate` is true.
    RateLimit {
        #[serde(rename = "retryAfter", default = "one")]
        retry_after: u64,
        #[serde(rename = "httpDate", default)]
        http_date: bool,
    },
    /// Answer with this status and this JSON body, without acting: a tenant whose answers differ
    /// from the emulator's own (set through `POST /admin/faults` or the library's `Config`).
    Answer { status: u16, body: serde_json::Value },
    /// Close the connection without answering.
    Drop,
    /// Revoke every token, then handle the call (which therefore gets 401).
    Revoke,
    /// Handle the call (it takes effect), then close the connection without answering: the client
    /// cannot know whether it worked.
    ActThenDrop,
    /// Handle the call (it takes effect), then hold the answer back this long: a client with a
    /// shorter timeout gives up on a call that worked.
    ActThenDelay {
        #[serde(rename = "delayMs", default = "second")]
        delay_ms: u64,
    },
}

fn second() -> u64 {
    1000
}

fn one() -> u64 {
    1
}

/// When a fault fires: for the next `next` matching calls, or for a `share` of them (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Let this many matching calls through before the rule starts to fire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u32>,
    /// Only calls whose path contains this (`/simulations`, `/publish`, `/oauth/token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only calls with this method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

impl FaultRule {
    /// Parses the command-line form:
    /// `KIND[:next=N|:share=P][:after=N][:path=P][:method=M][:retry-after=S][:http-date][:delay-ms=N]`
    /// where KIND is an HTTP status (`503`), `429`, `drop`, `revoke`, `act-then-drop` or
    /// `act-then-delay` (`delay-ms`, 1000 by default).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = text.split(':');
        let kind = parts.next().unwrap_or_default();
        let mut rule = FaultRule {
            kind: match kind {
                "drop" => FaultKind::Drop,
                "revoke" => FaultKind::Revoke,
                "act-then-drop" => FaultKind::ActThenDrop,
                "act-then-delay" => FaultKind::ActThenDelay { delay_ms: second() },
                "429" => FaultKind::RateLimit {
                    retry_after: 1,
                    http_date: false,
                },
                status => match status.parse::<u16>() {
                    Ok(status) if (400..600).contains(&status) => FaultKind::Status { status },
                    _ => {
                        return Err(format!(
                            "fault `{text}`: `{kind}` is not an HTTP status, 429, drop, revoke, act-then-drop or act-then-delay"
                        ));
                    }
                },
            },
            next: None,
            share: None,
            after: None,
            path: None,
            method: None,
        };
        for part in parts {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let bad = || format!("fault `{text}`: bad `{part}`");
            match key {
                "next" => rule.next = Some(value.parse().map_err(|_| bad())?),
                "after" => rule.after = Some(value.parse().map_err(|_| bad())?),
                "share" => {
                    rule.share = Some(
                        value
                            .parse::<f64>()
                            .ok()
                            .filter(|p| (0.0..=1.0).contains(p))
                            .ok_or_else(bad)?,
                    )
                }
                "path" => rule.path = Some(value.to_string()),
                "method" => rule.method = Some(value.to_ascii_uppercase()),
                "retry-after" | "http-date" => match &mut rule.kind {
                    FaultKind::RateLimit { retry_after, http_date } => {
                        if key == "http-date" {
                            *http_date = true;
                        } else {
                            *retry_after = value.parse().map_err(|_| bad())?;
                        }
                    }
                    _ => return Err(format!("fault `{text}`: `{key}` applies to 429 only")),
                },
                "delay-ms" => match &mut rule.kind {
                    FaultKind::ActThenDelay { delay_ms } => *delay_ms = value.parse().map_err(|_| bad())?,
                    _ => return Err(format!("fault `{text}`: `delay-ms` applies to act-then-delay only")),
                },
                _ => return Err(bad()),
            }
        }
        Ok(rule.always_unless_limited())
    }

    /// A rule that says neither `next` nor `share` fires on every matching call.
    pub fn always_unless_limited(mut self) -> Self {
        if self.next.is_none() && self.share.is_none() {
            self.share = Some(1.0);
        }
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.path.as_ref().is_none_or(|p| path.contains(p.as_str()))
            && self.method.as_ref().is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Added latency: a fixed part plus a uniform jitter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    #[serde(rename = "fixedMs")]
    pub fixed_ms: u64,
    #[serde(rename = "jitterMs")]
    pub jitter_ms: u64,
}

/// The faults in force, and the seeded generator that decides shares and jitter.
pub struct FaultPlan {
    pub rules: Vec<FaultRule>,
    pub latency: Latency,
    rng: StdRng,
}

impl FaultPlan {
    pub fn new(rules: Vec<FaultRule>, latency: Latency, seed: u64) -> Self {
        FaultPlan {
            rules,
            latency,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// The latency to add to a call, and the fault it hits, if any. Consumes one of a `next` rule's calls.
    pub fn decide(&mut self, method: &str, path: &str) -> (Duration, Option<FaultKind>) {
        let jitter = if self.latency.jitter_ms > 0 {
            self.rng.random_range(0..=self.latency.jitter_ms)
        } else {
            0
        };
        let delay = Duration::from_millis(self.latency.fixed_ms + jitter);
        for rule in self.rules.iter_mut().filter(|r| r.matches(method, path)) {
            if let Some(waiting) = rule.after.as_mut().filter(|w| **w > 0) {
                *waiting -= 1;
                continue;
            }
            let fires = match (rule.next.as_mut(), rule.share) {
                (Some(left), _) if *left > 0 => {
                    *left -= 1;
                    true
                }
                (Some(_), _) => false,
                (None, Some(share)) => self.rng.random_bool(share),
                (None, None) => false,
            };
            if fires {
                return (delay, Some(rule.kind.clone()));
            }
        }
        (delay, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_faults_parse() {
        let rule = FaultRule::parse("429:next=3:retry-after=2:path=/simulations").unwrap();
        assert_eq!(
            rule.kind,
            FaultKind::RateLimit {
                retry_after: 2,
                http_date: false
            }
        );
        assert_eq!((rule.next, rule.path.as_deref()), (Some(3), Some("/simulations")));
        assert_eq!(FaultRule::parse("503:share=0.25").unwrap().share, Some(0.25));
        assert_eq!(FaultRule::parse("drop").unwrap().share, Some(1.0));
        assert!(FaultRule::parse("200").is_err());
        assert!(FaultRule::parse("503:retry-after=2").is_err());
        assert!(FaultRule::parse("503:share=2").is_err());
        assert_eq!(
            FaultRule::parse("act-then-drop:path=/publish").unwrap().kind,
            FaultKind::ActThenDrop
        );
        assert_eq!(
            FaultRule::parse("act-then-delay:delay-ms=250").unwrap().kind,
            FaultKind::ActThenDelay { delay_ms: 250 }
        );
        assert!(FaultRule::parse("drop:delay-ms=5").is_err());
    }

    #[test]
    fn shares_are_deterministic_under_a_seed() {
        let rule = FaultRule::parse("500:share=0.5").unwrap();
        let fired = |seed| {
            let mut plan = FaultPlan::new(vec![rule.clone()], Latency::default(), seed);
            (0..64)
                .map(|_| plan.decide("GET", "/x").1.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(fired(7), fired(7));
        assert_ne!(fired(7), fired(8));
        let hits = fired(7).iter().filter(|&&f| f).count();
        assert!((16..48).contains(&hits), "{hits}");
    }

    #[test]
    fn next_rules_run_out_and_respect_their_path() {
        let mut plan = FaultPlan::new(
            vec![FaultRule::parse("502:next=2:path=/publish").unwrap()],
            Latency::default(),
            1,
        );
        assert!(plan.decide("POST", "/api/v2/webhooks").1.is_none());
        assert!(plan.decide("POST", "/api/v2/flows/f/versions/v/publish").1.is_some());
        assert!(plan.decide("POST", "/api/v2/flows/f/versions/v/publish").1.is_some());
        assert!(plan.decide("POST", "/api/v2/flows/f/versions/v/publish").1.is_none());
    }

    #[test]
    fn after_lets_calls_through_before_firing() {
        let mut plan = FaultPlan::new(vec![FaultRule::parse("504:after=2").unwrap()], Latency::default(), 1);
        let fired: Vec<bool> = (0..4).map(|_| plan.decide("POST", "/x").1.is_some()).collect();
        assert_eq!(fired, [false, false, true, true]);
    }
}
