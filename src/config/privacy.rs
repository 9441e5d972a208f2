//! `[privacy]`: the smallest groups outcomes may show, and the privacy notice.

use serde::Deserialize;

use super::{ConfigError, invalid};

#[derive(Debug, Clone)]
pub struct PrivacySettings {
    /// The fewest respondents an outcomes cell may show.
    pub min_cell: u32,
    /// The fewest respondents for which free text is shown.
    pub min_cell_text: u32,
    /// The privacy notice shown at `/privacy`: plain text, paragraphs split by blank lines,
    /// `## ` headings and `- ` list items; `{program}` and `{contact}` are filled in.
    pub notice: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrivacy {
    min_cell: u32,
    min_cell_text: u32,
    notice: String,
    /// A file whose text replaces `notice`.
    #[serde(default)]
    notice_file: Option<String>,
}

impl TryFrom<RawPrivacy> for PrivacySettings {
    type Error = ConfigError;

    fn try_from(p: RawPrivacy) -> Result<Self, ConfigError> {
        match (p.min_cell, p.min_cell_text) {
            (0, _) => Err(invalid("privacy.min_cell", "must be at least 1")),
            (cell, text) if text < cell => Err(invalid(
                "privacy.min_cell_text",
                "must be at least privacy.min_cell",
            )),
            (min_cell, min_cell_text) => Ok(PrivacySettings {
                min_cell,
                min_cell_text,
                notice: privacy_notice(p.notice, p.notice_file)?,
            }),
        }
    }
}

/// The notice from `privacy.notice_file` when set (it must be readable and not empty), else
/// `privacy.notice`.
fn privacy_notice(notice: String, file: Option<String>) -> Result<String, ConfigError> {
    let text = match file.filter(|f| !f.trim().is_empty()) {
        Some(path) => std::fs::read_to_string(&path)
            .map_err(|e| invalid("privacy.notice_file", format!("cannot read {path}: {e}")))?,
        None => notice,
    };
    if text.trim().is_empty() {
        return Err(invalid("privacy.notice", "must not be empty"));
    }
    Ok(text)
}
