//! A data feed's body: JSON (an object or a list of them) or CSV with a header row, chosen by
//! `Content-Type`. Size and media type are checked first, so every failure is problem+json.

use std::future::{Future, poll_fn};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::Stream;
use serde_json::Value;

use super::body::{BodyLimit, is_json};
use super::problem::ApiError;

/// The body of a feed upload.
pub enum Feed {
    Json(Value),
    Csv(String),
}

fn is_csv(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "text/csv" || essence == "application/csv"
}

impl FromRequest for Feed {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map_or(1024 * 1024, |l| l.0);
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let declared: Option<usize> = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            let csv = is_csv(&content_type);
            if !csv && !is_json(&content_type) {
                return Err(ApiError::UnsupportedMediaType(
                    "send JSON (Content-Type: application/json) or CSV (Content-Type: text/csv)"
                        .into(),
                ));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = poll_fn(|cx| Pin::new(&mut payload).poll_next(cx)).await {
                let chunk = chunk.map_err(|e| {
                    ApiError::BadRequest(format!("the body could not be read: {e}"))
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::BadRequest("the body is empty".into()));
            }
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
