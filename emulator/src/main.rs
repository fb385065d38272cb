//! `cxone-emulator`: runs the CXone emulator for local rehearsals of a release.

use std::time::Duration;

use clap::Parser;
use cxone_emulator::state::PointOfContact;
use cxone_emulator::studio::StudioConfig;
use cxone_emulator::{Config, FaultRule, Latency, serve_on};

#[derive(Parser)]
#[command(
    name = "cxone-emulator",
    version,
    about = "A stateful emulator of the NICE CXone flow APIs, with faults on demand"
)]
struct Args {
    /// Address to listen on (keep it on loopback: the admin endpoints take no token).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The client id the token endpoint accepts.
    #[arg(long, default_value = "cxone-flow")]
    client_id: String,
    /// The client secret the token endpoint accepts.
    #[arg(
        long,
        env = "CXONE_EMULATOR_CLIENT_SECRET",
        default_value = "emulator-secret",
        hide_env_values = true
    )]
    client_secret: String,
    /// The scopes the client may request (space-separated); all by default.
    #[arg(long)]
    scopes: Option<String>,
    /// `expires_in` of issued tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl: u64,
    /// How long an asynchronous registration takes, in ms.
    #[arg(long, default_value_t = 500)]
    registration_delay_ms: u64,
    /// Simulated calls visiting more elements than this answer 504.
    #[arg(long, default_value_t = 500)]
    execution_window_steps: usize,
    /// The key webhook events are signed with (HMAC-SHA256 in `x-cxone-signature`).
    #[arg(
        long,
        env = "CXONE_EMULATOR_WEBHOOK_SECRET",
        default_value = "emulator-webhook-secret",
        hide_env_values = true
    )]
    webhook_secret: String,
    /// Entities per page of a listing (versions, webhooks); more pages are linked with `next`.
    #[arg(long, default_value_t = 100)]
    page_size: usize,
    /// A fault: KIND[:next=N|:share=P][:after=N][:path=P][:method=M][:retry-after=S][:http-date]
    /// [:delay-ms=N], KIND an HTTP status, 429, drop, revoke, act-then-drop or act-then-delay.
    /// Repeat for more.
    #[arg(long = "fault", value_name = "FAULT")]
    faults: Vec<String>,
    /// Latency added to every API call, in ms.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Up to this much more latency, at random, in ms.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Seed for fault shares and jitter.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The Studio access key id the tenant accepts.
    #[arg(long, default_value = "emulator-access-key")]
    access_key_id: String,
    /// The Studio access key secret the tenant accepts.
    #[arg(
        long,
        env = "CXONE_EMULATOR_ACCESS_KEY_SECRET",
        default_value = "emulator-access-secret",
        hide_env_values = true
    )]
    access_key_secret: String,
    /// A point of contact of the Studio tenant: CODE=SCRIPT[:DESCRIPTION:SKILL_ID], CODE its
    /// `contactCode` (a number). Repeat for more.
    #[arg(long = "point-of-contact", value_name = "CODE=SCRIPT[:DESCRIPTION:SKILL_ID]", value_parser = PointOfContact::parse)]
    points_of_contact: Vec<PointOfContact>,
    /// A skill the Studio tenant has (a REQAGENT naming another fails its syntax check; without
    /// any, every skill exists). Repeat for more.
    #[arg(long = "skill", value_name = "NAME")]
    skills: Vec<String>,
}

/// Whether a listening address stays on this machine.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let faults: Result<Vec<FaultRule>, String> = args.faults.iter().map(|f| FaultRule::parse(f)).collect();
    let faults = match faults {
        Ok(faults) => faults,
        Err(message) => {
            eprintln!("error: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut config = Config {
        client_id: args.client_id,
        client_secret: args.client_secret,
        token_ttl_secs: args.token_ttl,
        registration_delay: Duration::from_millis(args.registration_delay_ms),
        execution_window_steps: args.execution_window_steps,
        page_size: args.page_size,
        webhook_secret: args.webhook_secret,
        faults,
        latency: Latency {
            fixed_ms: args.latency_ms,
            jitter_ms: args.jitter_ms,
        },
        seed: args.seed,
        studio: StudioConfig {
            access_key_id: args.access_key_id.clone(),
            access_key_secret: args.access_key_secret.clone(),
            points_of_contact: args.points_of_contact,
            skills: args.skills,
            ..StudioConfig::default()
        },
        ..Config::default()
    };
    if let Some(scopes) = args.scopes {
        config.scopes = scopes.split_whitespace().map(str::to_string).collect();
    }
    if !is_loopback(&args.host) {
        eprintln!(
            "warning: listening on {}, beyond this machine: the admin endpoints (/admin/state, /admin/faults, /admin/revoke-tokens) take no token, so anyone who can reach this address can read the emulated tenant and change its faults; use --host 127.0.0.1 unless that is what you want",
            args.host
        );
    }
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: failed to listen on {}:{}: {error}", args.host, args.port);
            return std::process::ExitCode::from(2);
        }
    };
    let emulator = match serve_on(listener, config) {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("error: failed to start: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    println!("cxone-emulator listening");
    println!("  base URL:  {}", emulator.base_url());
    println!("  token URL: {}", emulator.token_url());
    println!(
        "  admin:     {}/state, /requests, /faults, /revoke-tokens",
        emulator.admin_url()
    );
    let origin = emulator.origin();
    let secret = if args.access_key_secret == "emulator-access-secret" {
        args.access_key_secret.as_str()
    } else {
        "(the --access-key-secret given)"
    };
    println!(
        "  Studio:    log in with the access key CXONE_ACCESS_KEY_ID={}",
        args.access_key_id
    );
    println!("             and CXONE_ACCESS_KEY_SECRET={secret}, then give cxone-flow:");
    println!("             --cxone-issuer {origin} --cxone-access-key-url {origin}/authentication/v1/token/access-key");
    let points = emulator.state.lock().points_of_contact.clone();
    for point in &points {
        println!(
            "  point of contact {} ({}) runs `{}`",
            point.contact_code, point.description, point.script_name
        );
    }
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_of_contact_and_skills_seed_the_tenant_from_the_command_line() {
        let args = Args::try_parse_from([
            "cxone-emulator",
            "--point-of-contact",
            "4001=Main_IVR:Main line:11",
            "--point-of-contact",
            "4002=Other_IVR",
            "--skill",
            "Claims",
        ])
        .unwrap();
        let codes: Vec<(u64, &str, &str, u64)> = args
            .points_of_contact
            .iter()
            .map(|p| {
                (
                    p.contact_code,
                    p.script_name.as_str(),
                    p.description.as_str(),
                    p.skill_id,
                )
            })
            .collect();
        assert_eq!(
            codes,
            [
                (4001, "Main_IVR", "Main line", 11),
                (4002, "Other_IVR", "Point of contact 4002", 1)
            ]
        );
        assert_eq!(args.skills, ["Claims"]);
        for bad in ["main=Main_IVR", "4001=", "4001=Main:Line:eleven", "4001"] {
            assert!(
                Args::try_parse_from(["cxone-emulator", "--point-of-contact", bad]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn only_loopback_addresses_go_without_a_warning() {
        for host in ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["0.0.0.0", "::", "192.168.1.5", "example.com"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
