//! Where email goes: `.eml` files in a folder (the default), or an SMTP relay.

use std::path::PathBuf;
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{EmailSettings, EmailTransport};

/// Why a send failed, and whether trying again could help.
#[derive(Debug, Clone)]
pub struct SendError {
    /// The server refused for good (SMTP 5xx), or the message itself is unusable.
    pub permanent: bool,
    pub message: String,
}

pub enum Transport {
    File(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Transport {
    pub fn from_settings(s: &EmailSettings) -> Result<Self, String> {
        match s.transport {
            EmailTransport::File => {
                std::fs::create_dir_all(&s.file_dir)
                    .map_err(|e| format!("cannot create {}: {e}", s.file_dir.display()))?;
                Ok(Transport::File(s.file_dir.clone()))
            }
            EmailTransport::Smtp => {
                let url = s.smtp_url.as_ref().ok_or("email.smtp_url is not set")?;
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
                    .map_err(|e| format!("email.smtp_url: {e}"))?
                    .timeout(Some(s.send_timeout))
                    .build();
                Ok(Transport::Smtp(transport))
            }
        }
    }

    /// Sends one message, giving up after `timeout` (lettre's own timeout covers only
    /// parts of the conversation, so the whole send is bounded here).
    pub async fn send(
        &self,
        message: Message,
        message_id: &str,
        timeout: Duration,
    ) -> Result<(), SendError> {
        match self {
            Transport::File(dir) => write_eml(dir, message, message_id).await,
            Transport::Smtp(smtp) => {
                match tokio::time::timeout(timeout, smtp.send(message)).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(SendError {
                        permanent: e.is_permanent(),
                        message: one_line(&e.to_string()),
                    }),
                    Err(_) => Err(SendError {
                        permanent: false,
                        message: format!(
                            "no answer from the SMTP server within {}s",
                            timeout.as_secs()
                        ),
                    }),
                }
            }
        }
    }
}

impl Transport {
    /// Removes what the transport kept of a message, where it keeps anything (the `.eml`
    /// file); used when a person it went to is erased while it was being sent.
    pub async fn forget(&self, message_id: &str) {
        if let Transport::File(dir) = self {
            remove_eml_files(dir, &[message_id.to_string()]).await;
        }
    }
}

/// The error on one line, with any email address in it (relays quote recipients) replaced.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            if word.contains('@') {
                "[address]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The file name of a message's `.eml` file: its Message-ID, reduced to safe characters.
fn eml_name(message_id: &str) -> String {
    message_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '@'))
        .collect()
}

/// Deletes the `.eml` files of these messages (on erasure); how many were there.
pub async fn remove_eml_files(dir: &std::path::Path, message_ids: &[String]) -> usize {
    let mut removed = 0;
    for id in message_ids {
        let path = dir.join(format!("{}.eml", eml_name(id)));
        match tokio::fs::remove_file(&path).await {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::error!(error = %e, "an erased email's file could not be removed"),
        }
    }
    removed
}

/// One file per message, named by its Message-ID; written whole (temp file, then rename),
/// and never twice.
async fn write_eml(
    dir: &std::path::Path,
    message: Message,
    message_id: &str,
) -> Result<(), SendError> {
    let name = eml_name(message_id);
    let path = dir.join(format!("{name}.eml"));
    let temp = dir.join(format!(".{name}.eml.tmp"));
    let bytes = message.formatted();
    let failed = |e: std::io::Error| SendError {
        permanent: false,
        message: format!("cannot write {}: {e}", path.display()),
    };
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    tokio::fs::create_dir_all(dir).await.map_err(failed)?;
    tokio::fs::write(&temp, bytes).await.map_err(failed)?;
    tokio::fs::rename(&temp, &path).await.map_err(failed)
}
