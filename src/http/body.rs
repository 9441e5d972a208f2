//! The JSON body extractor: checks the media type and the size limit itself, so that every
//! failure is a problem+json answer with the right status (415, 413, 400, 422).

use std::future::{Future, poll_fn};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::Stream;
use serde_json::{Map, Value};

use super::problem::ApiError;
use crate::domain::field_error::FieldErrors;

/// The largest body accepted, set from `server.max_body_bytes`.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A request body that is a JSON object.
pub struct JsonObject(pub Map<String, Value>);

/// A media type without its parameters, lower-case: `Text/CSV; charset=utf-8` → `text/csv`.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// What a body extractor learns from the headers before reading: the limit, the media type
/// and the declared length.
pub struct Incoming {
    pub limit: usize,
    pub content_type: String,
    declared: Option<usize>,
}

impl Incoming {
    pub fn of(req: &HttpRequest) -> Self {
        Incoming {
            limit: req
                .app_data::<web::Data<BodyLimit>>()
                .map_or(1024 * 1024, |l| l.0),
            content_type: req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string(),
            declared: req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok()),
        }
    }

    /// Reads the whole body, refusing one over the limit (413) or empty (400, `empty` says
    /// what to send).
    pub async fn read(&self, mut payload: Payload, empty: &str) -> Result<web::BytesMut, ApiError> {
        if self.declared.is_some_and(|n| n > self.limit) {
            return Err(ApiError::PayloadTooLarge(self.limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = poll_fn(|cx| Pin::new(&mut payload).poll_next(cx)).await {
            let chunk = chunk
                .map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
            if body.len() + chunk.len() > self.limit {
                return Err(ApiError::PayloadTooLarge(self.limit));
            }
            body.extend_from_slice(&chunk);
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::BadRequest(format!("the body is empty; {empty}")));
        }
        Ok(body)
    }
}

impl FromRequest for JsonObject {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let incoming = Incoming::of(req);
        let payload = payload.take();
        Box::pin(async move {
            if !is_json(&incoming.content_type) {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as JSON with Content-Type: application/json".into(),
                ));
            }
            let body = incoming.read(payload, "send a JSON object").await?;
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(map)) => Ok(JsonObject(map)),
                Ok(_) => Err(ApiError::Validation(FieldErrors::single(
                    "",
                    "the body must be a JSON object",
                ))),
                Err(e) => Err(ApiError::BadRequest(format!(
                    "the body is not valid JSON: {e}"
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json(""));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }
}
