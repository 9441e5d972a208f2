//! A stored outbox email as an RFC 5322 message: both parts, both recipients, a stable
//! Message-ID, and headers encoded (RFC 2047) by lettre.

use lettre::Message;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use serde::{Deserialize, Serialize};

/// A recipient as stored with the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub email: String,
}

/// What the worker needs to send one email.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: String,
    pub message_id: String,
    pub recipients: Vec<Recipient>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Where a one-click opt-out is POSTed (RFC 8058), if the email offers one.
    pub list_unsubscribe: Option<String>,
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.trim_matches(['<', '>']).to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the opt-out needs one POST.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// The Message-ID of an email: its id at the From address's domain, so it never changes.
pub fn message_id(email_id: &str, from: &Mailbox) -> String {
    format!("<{email_id}@{}>", from.email.domain())
}

pub fn build(email: &Outgoing, from: &Mailbox, reply_to: &Mailbox) -> Result<Message, String> {
    let mut builder = Message::builder()
        .message_id(Some(email.message_id.clone()))
        .from(from.clone())
        .reply_to(reply_to.clone())
        .subject(email.subject.clone());
    for r in &email.recipients {
        let address = r
            .email
            .parse()
            .map_err(|e| format!("recipient address cannot be used: {e}"))?;
        builder = builder.to(Mailbox::new(Some(r.name.clone()), address));
    }
    if let Some(url) = &email.list_unsubscribe {
        builder = builder
            .header(ListUnsubscribe(url.clone()))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(email.text.clone()),
                )
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(email.html.clone()),
                ),
        )
        .map_err(|e| format!("message cannot be built: {e}"))
}
