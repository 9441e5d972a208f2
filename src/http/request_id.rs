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
    let mut response = next.call(req).instrument(span.clone()).await?;
    if response.status().is_server_error()
        && let Some(error) = response.response().error()
    {
        span.in_scope(|| tracing::error!(error = %error, "request failed"));
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}

/// The request's path as the access log shows it: personal links (`/c/{token}…`) are
/// secrets, so their token is replaced.
pub fn logged_path(path: &str) -> String {
    match path.strip_prefix("/c/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, tail)) => format!("/c/[redacted]/{tail}"),
            None => "/c/[redacted]".into(),
        },
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::logged_path;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn no_personal_link_survives(token in "[A-Za-z0-9_-]{20,64}", tail in "(/[a-z]{1,12})?") {
            let logged = logged_path(&format!("/c/{token}{tail}"));
            prop_assert!(!logged.contains(&token));
            prop_assert!(logged.ends_with(&tail));
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
        assert_eq!(logged_path("/api/v1/mentees"), "/api/v1/mentees");
        assert_eq!(logged_path("/coordinator/c/x"), "/coordinator/c/x");
    }
}
