//! `[log]`: how the log is written.

use serde::Deserialize;

use super::ConfigError;

/// How the log is written.
#[derive(Debug, Clone, Copy)]
pub struct LogSettings {
    pub format: LogFormat,
}

/// `text`: plain lines, coloured only on a terminal; `json`: one object a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLog {
    format: LogFormat,
}

impl TryFrom<RawLog> for LogSettings {
    type Error = ConfigError;

    fn try_from(l: RawLog) -> Result<Self, ConfigError> {
        Ok(LogSettings { format: l.format })
    }
}
