//! `[email]`: how emails leave (a folder or SMTP), from whom, and how sending is retried.

use std::path::PathBuf;

use serde::Deserialize;
use url::Url;

use super::{ConfigError, invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    File,
    Smtp,
}

#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub transport: EmailTransport,
    pub file_dir: PathBuf,
    pub smtp_url: Option<Url>,
    pub from: lettre::message::Mailbox,
    pub reply_to: lettre::message::Mailbox,
    pub program_name: String,
    /// `{server.public_url}/privacy`, linked from every email's footer.
    pub privacy_url: String,
    pub send_timeout: std::time::Duration,
    pub max_attempts: u32,
    pub backoff_base: std::time::Duration,
    pub backoff_cap: std::time::Duration,
    pub poll_interval: std::time::Duration,
    pub lease: std::time::Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmail {
    transport: EmailTransport,
    file_dir: PathBuf,
    smtp_url: String,
    from: String,
    reply_to: String,
    program_name: String,
    send_timeout_secs: u64,
    max_attempts: u32,
    backoff_base_secs: u64,
    backoff_cap_secs: u64,
    poll_interval_ms: u64,
    lease_secs: u64,
}

/// With the service's public address: every email links its privacy notice.
impl TryFrom<(RawEmail, &Url)> for EmailSettings {
    type Error = ConfigError;

    fn try_from((e, public_url): (RawEmail, &Url)) -> Result<Self, ConfigError> {
        let smtp_url = match e.smtp_url.trim() {
            "" => None,
            text => Some(
                Url::parse(text)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "smtp" | "smtps"))
                    .ok_or_else(|| {
                        invalid(
                            "email.smtp_url",
                            "must be a URL like smtp://host:port or smtps://user:pass@host:465",
                        )
                    })?,
            ),
        };
        if e.transport == EmailTransport::Smtp && smtp_url.is_none() {
            return Err(invalid(
                "email.smtp_url",
                "is required when email.transport is smtp",
            ));
        }
        let mailbox = |key: &str, text: &str| {
            text.trim()
                .parse::<lettre::message::Mailbox>()
                .map_err(|_| {
                    invalid(
                        key,
                        format!("\"{text}\" is not an address like Name <name@hospital.org>"),
                    )
                })
        };
        let from = mailbox("email.from", &e.from)?;
        let reply_to = match e.reply_to.trim() {
            "" => from.clone(),
            text => mailbox("email.reply_to", text)?,
        };
        let positive = |key: &str, n: u64| {
            if n == 0 {
                Err(invalid(key, "must be above 0"))
            } else {
                Ok(std::time::Duration::from_secs(n))
            }
        };
        let send_timeout = positive("email.send_timeout_secs", e.send_timeout_secs)?;
        let lease = positive("email.lease_secs", e.lease_secs)?;
        if lease <= send_timeout {
            return Err(invalid(
                "email.lease_secs",
                "must be longer than email.send_timeout_secs",
            ));
        }
        if e.max_attempts == 0 {
            return Err(invalid("email.max_attempts", "must be at least 1"));
        }
        if e.backoff_cap_secs < e.backoff_base_secs {
            return Err(invalid(
                "email.backoff_cap_secs",
                "must be at least email.backoff_base_secs",
            ));
        }
        if e.program_name.trim().is_empty() {
            return Err(invalid("email.program_name", "must not be empty"));
        }
        Ok(EmailSettings {
            transport: e.transport,
            file_dir: e.file_dir,
            smtp_url,
            from,
            reply_to,
            program_name: e.program_name.trim().to_string(),
            privacy_url: format!("{}/privacy", public_url.as_str().trim_end_matches('/')),
            send_timeout,
            max_attempts: e.max_attempts,
            backoff_base: std::time::Duration::from_secs(e.backoff_base_secs),
            backoff_cap: std::time::Duration::from_secs(e.backoff_cap_secs),
            poll_interval: std::time::Duration::from_millis(e.poll_interval_ms.max(10)),
            lease,
        })
    }
}
