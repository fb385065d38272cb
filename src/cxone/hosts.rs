//! Where a CXone credential may go: NICE's own domains (`niceincontact.com`, `nice-incontact.com`
//! and their subdomains, the hosts NICE's documentation and clients name: docs/real-cxone.md) and
//! loopback (the emulator), plus hosts the workflow itself names (`cxone-allowed-hosts`); any other
//! issuer, access-key route or API host is refused before a key or token is sent.

/// NICE's domains for CXone's login and API hosts.
pub const NICE_DOMAINS: [&str; 2] = ["niceincontact.com", "nice-incontact.com"];

/// A URL a credential would be sent to that is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {what} `{url}` is not on NICE's domains ({}) or loopback; a key or token goes only there unless the \
     workflow names the host in its `cxone-allowed-hosts` input (`--cxone-allowed-host` on the command line)",
    NICE_DOMAINS.join(", ")
)]
pub struct ForeignHost {
    pub what: String,
    pub url: String,
}

/// Whether `url`'s host is NICE's, loopback, or one of `allowed` (host names, case-insensitive);
/// a `{cluster}` in it stands for any cluster id (letters and digits).
pub fn is_allowed(url: &str, allowed: &[String]) -> bool {
    let Ok(parsed) = url::Url::parse(&url.replace("{cluster}", "1")) else {
        return false;
    };
    if crate::http::is_loopback(&parsed) {
        return true;
    }
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    NICE_DOMAINS
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
        || allowed.iter().any(|a| a.trim().eq_ignore_ascii_case(&host))
}

/// Refuses `url` (the `what` setting) unless [`is_allowed`].
pub fn check(what: &str, url: &str, allowed: &[String]) -> Result<(), ForeignHost> {
    if is_allowed(url, allowed) {
        Ok(())
    } else {
        Err(ForeignHost {
            what: what.to_string(),
            url: url.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_nice_s_domains_loopback_and_named_hosts_take_a_credential() {
        for ok in [
            "https://na1.nice-incontact.com/authentication/v1/token/access-key",
            "https://cxone.niceincontact.com",
            "https://api-c32.nice-incontact.com",
            "https://api-{cluster}.nice-incontact.com",
            "http://127.0.0.1:{cluster}",
            "http://127.0.0.1:8080",
            "http://[::1]:9",
        ] {
            assert!(is_allowed(ok, &[]), "{ok}");
        }
        for refused in [
            "https://evil.example",
            "https://nice-incontact.com.evil.example",
            "https://evilnice-incontact.com",
            "https://10.0.0.1",
            "not a url",
        ] {
            assert!(!is_allowed(refused, &[]), "{refused}");
        }
        assert!(is_allowed(
            "https://cxone.proxy.acme.com/x",
            &["CXONE.proxy.acme.com".into()]
        ));
        let error = check("cxone-api-base", "https://evil.example", &[]).unwrap_err();
        assert!(error.to_string().contains("`cxone-allowed-hosts` input"), "{error}");
    }
}
