//! A data feed's body: JSON (an object or a list of them) or CSV with a header row, chosen by
//! `Content-Type`. Size and media type are checked first, so every failure is problem+json.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde_json::Value;

use super::body::{Incoming, essence, is_json};
use super::problem::ApiError;

/// The body of a feed upload.
pub enum Feed {
    Json(Value),
    Csv(String),
}

fn is_csv(content_type: &str) -> bool {
    matches!(
        essence(content_type).as_str(),
        "text/csv" | "application/csv"
    )
}

impl FromRequest for Feed {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let incoming = Incoming::of(req);
        let payload = payload.take();
        Box::pin(async move {
            let csv = is_csv(&incoming.content_type);
            if !csv && !is_json(&incoming.content_type) {
                return Err(ApiError::UnsupportedMediaType(
                    "send JSON (Content-Type: application/json) or CSV (Content-Type: text/csv)"
                        .into(),
                ));
            }
            let body = incoming.read(payload, "send JSON or CSV").await?;
            if csv {
                String::from_utf8(body.to_vec())
                    .map(Feed::Csv)
                    .map_err(|_| ApiError::BadRequest("the CSV file must be UTF-8 text".into()))
            } else {
                serde_json::from_slice(&body)
                    .map(Feed::Json)
                    .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_csv;

    #[test]
    fn csv_media_types() {
        assert!(is_csv("text/csv"));
        assert!(is_csv("Text/CSV; charset=utf-8; header=present"));
        assert!(is_csv("application/csv"));
        assert!(!is_csv("text/plain"));
    }
}
