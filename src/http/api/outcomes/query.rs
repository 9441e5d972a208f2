//! The query of an outcomes report: `group_by`, `cohort`, `step`, `format`, and nothing else.

use actix_web::HttpRequest;

use crate::domain::field_error::FieldErrors;
use crate::domain::outcomes::GroupBy;
use crate::domain::outcomes::cohort::Month;
use crate::http::csv;

/// A parsed outcomes query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutcomesQuery {
    pub group_by: Option<GroupBy>,
    pub cohort: Option<Month>,
    pub step: Option<String>,
    /// Answer with CSV rather than JSON (or HTML).
    pub csv: bool,
}

impl OutcomesQuery {
    /// Parses the query string, allowing only the `allowed` keys (and `format`). An empty
    /// value means "not given", as a form's "any" option sends it.
    pub fn parse(req: &HttpRequest, allowed: &[&str]) -> Result<Self, FieldErrors> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
            .map_err(|_| FieldErrors::single("", "the query string is malformed"))?;
        let mut errors = FieldErrors::new();
        let mut query = OutcomesQuery::default();
        let mut format = None;
        for (key, value) in pairs {
            let value = value.trim().to_string();
            if key != "format" && !allowed.contains(&key.as_str()) {
                let mut keys: Vec<&str> = allowed.to_vec();
                keys.push("format");
                errors.add(
                    key,
                    format!("is not a query parameter here; use {}", keys.join(", ")),
                );
                continue;
            }
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "group_by" => query.group_by = errors.check("group_by", GroupBy::parse(&value)),
                "cohort" => query.cohort = errors.check("cohort", Month::parse(&value)),
                "step" => query.step = Some(value),
                _ => format = Some(value),
            }
        }
        match csv::wanted(req, format.as_deref()) {
            Ok(wanted) => query.csv = wanted,
            Err(message) => errors.add("format", message),
        }
        errors.into_result(query)
    }
}
