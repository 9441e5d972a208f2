//! Query strings for list endpoints: `status`, `limit` and `cursor`, and nothing else.

use actix_web::HttpRequest;

use super::problem::ApiError;
use crate::domain::cursor::Cursor;
use crate::domain::field_error::FieldErrors;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// A parsed list query; `S` is the status type of the listed resource.
#[derive(Debug)]
pub struct ListQuery<S> {
    pub status: Option<S>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
    /// Only for lists that belong to matches (emails, check-ins).
    pub match_id: Option<uuid::Uuid>,
}

/// The query's `key=value` pairs, percent-decoded.
pub fn pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("the query string is malformed: {e}")))
}

/// For pages, which never refuse a link: the trimmed value of `key` in the query string, or ""
/// when it is absent or the query cannot be read.
pub fn page_value(req: &HttpRequest) -> impl Fn(&str) -> String {
    let pairs = pairs(req).unwrap_or_default();
    move |key| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }
}

impl<S> ListQuery<S> {
    pub fn parse(
        req: &HttpRequest,
        parse_status: impl Fn(&str) -> Result<S, String>,
    ) -> Result<Self, ApiError> {
        Self::parse_with(req, parse_status, false)
    }

    /// As [`Self::parse`], also taking `match_id`.
    pub fn parse_for_matches(
        req: &HttpRequest,
        parse_status: impl Fn(&str) -> Result<S, String>,
    ) -> Result<Self, ApiError> {
        Self::parse_with(req, parse_status, true)
    }

    fn parse_with(
        req: &HttpRequest,
        parse_status: impl Fn(&str) -> Result<S, String>,
        by_match: bool,
    ) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::new();
        let mut query = ListQuery {
            status: None,
            limit: DEFAULT_LIMIT,
            cursor: None,
            match_id: None,
        };
        for (key, value) in pairs(req)? {
            match key.as_str() {
                "status" => query.status = errors.check("status", parse_status(&value)),
                "limit" => {
                    let limit = value
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| format!("must be a whole number from 1 to {MAX_LIMIT}"));
                    if let Some(limit) = errors.check("limit", limit) {
                        query.limit = limit;
                    }
                }
                "cursor" => query.cursor = errors.check("cursor", Cursor::decode(&value)),
                "match_id" if by_match => {
                    query.match_id = errors.check(
                        "match_id",
                        uuid::Uuid::parse_str(value.trim())
                            .map_err(|_| "must be a match id (UUID)".to_string()),
                    )
                }
                _ => errors.add(
                    key.clone(),
                    if by_match {
                        "is not a query parameter here; use match_id, status, limit or cursor"
                    } else {
                        "is not a query parameter here; use status, limit or cursor"
                    },
                ),
            }
        }
        errors.into_result(query).map_err(ApiError::Validation)
    }
}

/// A status parser for lists whose statuses are plain words.
pub fn one_of(allowed: &'static [&'static str]) -> impl Fn(&str) -> Result<String, String> {
    move |s| {
        allowed
            .iter()
            .find(|known| **known == s)
            .map(|known| known.to_string())
            .ok_or_else(|| format!("must be one of {}", allowed.join(", ")))
    }
}
