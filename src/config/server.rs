//! `[server]`: where Belong listens, its public address, and the limits on sign-ins.

use serde::Deserialize;
use url::Url;

use super::{ConfigError, invalid};

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: Url,
    pub max_body_bytes: usize,
    /// HTTP worker threads; `None` means one per CPU core.
    pub workers: Option<usize>,
    pub signup_posts_per_minute: u32,
    pub session_hours: u32,
    /// Proxies whose `X-Forwarded-For` is believed (see `http::client`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Failed sign-ins allowed per account, and per client address, before each further
    /// attempt must wait: `login_wait_secs` at first, doubling up to `login_wait_cap_secs`.
    pub login_failures_per_account: u32,
    pub login_failures_per_address: u32,
    pub login_wait_secs: u32,
    pub login_wait_cap_secs: u32,
    /// Threads that check passwords; 0 means twice the cores, at most four.
    pub password_hashers: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServer {
    host: String,
    port: u16,
    public_url: String,
    max_body_bytes: usize,
    workers: usize,
    signup_posts_per_minute: u32,
    session_hours: u32,
    trusted_proxies: Vec<String>,
    login_failures_per_account: u32,
    login_failures_per_address: u32,
    login_wait_secs: u32,
    login_wait_cap_secs: u32,
    password_hashers: usize,
}

impl TryFrom<RawServer> for ServerSettings {
    type Error = ConfigError;

    fn try_from(s: RawServer) -> Result<Self, ConfigError> {
        if s.host.trim().is_empty() {
            return Err(invalid("server.host", "must not be empty"));
        }
        let public_url = Url::parse(&s.public_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                invalid(
                    "server.public_url",
                    format!("\"{}\" is not an absolute http(s) URL", s.public_url),
                )
            })?;
        if s.max_body_bytes < 1024 {
            return Err(invalid("server.max_body_bytes", "must be at least 1024"));
        }
        Ok(ServerSettings {
            host: s.host,
            port: s.port,
            public_url,
            max_body_bytes: s.max_body_bytes,
            workers: (s.workers > 0).then_some(s.workers),
            signup_posts_per_minute: s.signup_posts_per_minute.max(1),
            session_hours: match s.session_hours {
                1..=720 => s.session_hours,
                _ => return Err(invalid("server.session_hours", "must be from 1 to 720")),
            },
            trusted_proxies: s
                .trusted_proxies
                .iter()
                .map(|text| trusted_proxy(text))
                .collect::<Result<_, _>>()?,
            login_failures_per_account: match s.login_failures_per_account {
                1..=1000 => s.login_failures_per_account,
                _ => {
                    return Err(invalid(
                        "server.login_failures_per_account",
                        "must be from 1 to 1000",
                    ));
                }
            },
            login_failures_per_address: match s.login_failures_per_address {
                1..=100_000 => s.login_failures_per_address,
                _ => {
                    return Err(invalid(
                        "server.login_failures_per_address",
                        "must be from 1 to 100000",
                    ));
                }
            },
            login_wait_cap_secs: match s.login_wait_cap_secs {
                1..=1800 => s.login_wait_cap_secs,
                _ => {
                    return Err(invalid(
                        "server.login_wait_cap_secs",
                        "must be from 1 to 1800 (half an hour)",
                    ));
                }
            },
            login_wait_secs: match s.login_wait_secs {
                n if n >= 1 && n <= s.login_wait_cap_secs => n,
                _ => {
                    return Err(invalid(
                        "server.login_wait_secs",
                        "must be at least 1 and at most server.login_wait_cap_secs",
                    ));
                }
            },
            password_hashers: match s.password_hashers {
                0..=256 => s.password_hashers,
                _ => return Err(invalid("server.password_hashers", "must be from 0 to 256")),
            },
        })
    }
}

/// A CIDR range, or a single address, of a proxy in front of Belong.
fn trusted_proxy(text: &str) -> Result<ipnet::IpNet, ConfigError> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| {
            invalid(
                "server.trusted_proxies",
                format!("\"{text}\" is not an address range like 10.0.0.0/8 or an address like 192.0.2.7"),
            )
        })
}
