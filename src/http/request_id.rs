//! Every request gets an id: in the `X-Request-Id` response header, in the access log, and
//! on every log line written while it is handled (a `request` span), so that a failure a
//! person reports can be found in the log.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use rand::RngCore;
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    /// The id of the request being handled, for answers that quote it (problem+json).
    static CURRENT: String;
}

/// The id of the request this code runs for, if it runs for one.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// A fresh id: 64 random bits in hex, short enough to read out on the phone.
fn new_id() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The middleware (`middleware::from_fn(request_id::tag)`).
pub async fn tag(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = new_id();
    let span = tracing::info_span!("request", id = %id);
    // Failures are logged where they are answered (problem+json, the failure page), inside
    // this span, so with the id.
    let mut response = CURRENT
        .scope(id.clone(), next.call(req).instrument(span))
        .await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}

/// The request's path as the access log shows it: personal links (`/c/{token}…`) are
/// secrets, so everything after `/c/` is replaced. The path is read as the router reads it
/// (percent-decoded, empty segments skipped), so `/%63/…` or `//c/…` are redacted too.
pub fn logged_path(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut segments = decoded.split('/').filter(|s| !s.is_empty());
    if segments.next() != Some("c") {
        return path.to_string();
    }
    // The pages under a link keep their name; anything else after `/c/` is hidden whole.
    let rest: Vec<&str> = segments.skip(1).collect();
    match rest.as_slice() {
        [page @ ("thanks" | "unsubscribe")] => format!("/c/[redacted]/{page}"),
        _ => "/c/[redacted]".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::logged_path;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn no_personal_link_survives(
            token in "[A-Za-z0-9_%/-]{20,64}",
            slashes in "/{1,3}",
            tail in "(/thanks|/unsubscribe|/[a-z]{1,12})?",
        ) {
            let logged = logged_path(&format!("{slashes}c/{token}{tail}"));
            prop_assert!(logged.starts_with("/c/[redacted]"));
            let decoded = percent_encoding::percent_decode_str(&token).decode_utf8_lossy();
            for part in decoded.split('/').filter(|p| p.len() > 3) {
                prop_assert!(!logged.contains(part), "{logged}");
            }
        }
    }

    #[test]
    fn personal_links_are_redacted() {
        assert_eq!(logged_path("/c/abcDEF123_-x"), "/c/[redacted]");
        assert_eq!(
            logged_path("/c/abcDEF123_-x/unsubscribe"),
            "/c/[redacted]/unsubscribe"
        );
        assert_eq!(logged_path("/c/"), "/c/[redacted]");
        assert_eq!(logged_path("/%63/abcDEF123_-x"), "/c/[redacted]");
        assert_eq!(
            logged_path("//c//abcDEF123_-x/thanks"),
            "/c/[redacted]/thanks"
        );
        assert_eq!(logged_path("/c/abc%2Fdef"), "/c/[redacted]");
        assert_eq!(logged_path("/api/v1/mentees"), "/api/v1/mentees");
        assert_eq!(logged_path("/coordinator/c/x"), "/coordinator/c/x");
    }
}
