//! An email for the outbox, built one way wherever it is written: a fresh id, a Message-ID
//! derived from it (so every attempt sends the same message), and the recipients as stored.

use chrono::NaiveDateTime;
use lettre::message::Mailbox;
use uuid::Uuid;

use super::message::{self, Recipient};
use super::templates::Rendered;
use crate::store::emails::{self, NewEmail};
use crate::store::{AnyConnection, StoreError};

/// A rendered email on its way into the outbox.
pub struct Queued {
    kind: &'static str,
    to: Vec<Recipient>,
    rendered: Rendered,
    match_id: Option<String>,
    checkin: Option<(String, String)>,
}

impl Queued {
    /// An email of `kind` (as the API lists it) to `to`.
    pub fn new(kind: &'static str, to: Vec<Recipient>, rendered: Rendered) -> Self {
        Queued {
            kind,
            to,
            rendered,
            match_id: None,
            checkin: None,
        }
    }

    /// About a match: listed with it, and scrubbed with it when a person is erased.
    pub fn about_match(mut self, match_id: impl ToString) -> Self {
        self.match_id = Some(match_id.to_string());
        self
    }

    /// For a check-in, with its one-click opt-out address (RFC 8058).
    pub fn for_checkin(mut self, checkin_id: &str, unsubscribe_url: String) -> Self {
        self.checkin = Some((checkin_id.to_string(), unsubscribe_url));
        self
    }

    /// Writes the email into the outbox at `at`, in the caller's transaction.
    pub fn queue(
        self,
        conn: &mut AnyConnection,
        from: &Mailbox,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let id = Uuid::now_v7().to_string();
        let recipients = serde_json::to_string(&self.to)
            .map_err(|e| StoreError::Corrupt(format!("email recipients: {e}")))?;
        let (checkin_id, list_unsubscribe) = self.checkin.unzip();
        emails::queue(
            conn,
            NewEmail {
                message_id: message::message_id(&id, from),
                id,
                kind: self.kind,
                match_id: self.match_id,
                recipients,
                subject: self.rendered.subject,
                body_text: self.rendered.text,
                body_html: self.rendered.html,
                list_unsubscribe,
                checkin_id,
            },
            at,
        )
    }
}
