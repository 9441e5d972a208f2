//! Opaque pagination cursors: a position in a list ordered by insertion, so paging never
//! skips or repeats an item that existed when paging began, however many sign up meanwhile.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The position after the last item of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The insertion sequence number of the last item returned.
    pub after: i64,
}

const PREFIX: &str = "v1:";

impl Cursor {
    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{PREFIX}{}", self.after))
    }

    pub fn decode(token: &str) -> Result<Self, String> {
        let invalid = || "is not a cursor this service gave out".to_string();
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim())
            .map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let after = text
            .strip_prefix(PREFIX)
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .ok_or_else(invalid)?;
        Ok(Self { after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trips(after in 0i64..i64::MAX) {
            let cursor = Cursor { after };
            prop_assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        }

        #[test]
        fn garbage_is_refused_without_panic(s in "\\PC{0,40}") {
            if let Ok(c) = Cursor::decode(&s) {
                prop_assert!(c.after >= 0);
            }
        }
    }
}
