//! `/employment-events`: hires, transfers and leavings from the HR system, as JSON or CSV.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::views::Page;
use crate::app::App;
use crate::app::employment::{self, FieldName, Received};
use crate::domain::cursor::Cursor;
use crate::domain::employment::{FIELDS, RawEvent, StoredEvent};
use crate::domain::field_error::FieldErrors;
use crate::http::auth::Caller;
use crate::http::csv;
use crate::http::feed::Feed;
use crate::http::problem::{ApiError, Problem};
use crate::http::query::{MAX_LIMIT, pairs};

/// One employment event as sent (JSON). Give `person_id` or `email` (or both, naming the
/// same person).
#[derive(Debug, Serialize, ToSchema)]
pub struct EmploymentEventInput {
    pub person_id: Option<uuid::Uuid>,
    #[schema(example = "ana.souza@example.org")]
    pub email: Option<String>,
    /// hired | transferred | left
    #[schema(example = "left")]
    pub event: String,
    /// Required for `left`, absent otherwise.
    pub voluntary: Option<bool>,
    pub occurred_on: NaiveDate,
}

/// One event or a list of them.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EmploymentEventBody {
    One(EmploymentEventInput),
    Many(Vec<EmploymentEventInput>),
}

/// What became of an upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceivedView {
    pub received: usize,
    pub created: usize,
    /// Leavings sent again with `voluntary` changed.
    pub updated: usize,
    /// Already known: sending the same events again changes nothing.
    pub unchanged: usize,
}

/// A stored event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmploymentEventView {
    pub id: String,
    pub person_id: String,
    /// mentee | mentor
    pub role: String,
    /// hired | transferred | left
    pub event: String,
    pub voluntary: Option<bool>,
    pub occurred_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl From<&StoredEvent> for EmploymentEventView {
    fn from(e: &StoredEvent) -> Self {
        EmploymentEventView {
            id: e.id.clone(),
            person_id: e.person_id.clone().unwrap_or_default(),
            role: e.role.as_str().to_string(),
            event: e.kind.as_str().to_string(),
            voluntary: e.voluntary,
            occurred_on: e.occurred_on,
            created_at: e.created_at,
        }
    }
}

const NOT_A_FIELD: &str =
    "is not a field here; use person_id, email, event, voluntary, occurred_on";

/// The events of an upload, how to name their fields, and what is wrong with it so far.
type Upload = (Vec<Option<RawEvent>>, FieldName, FieldErrors);

/// The events of a JSON body; each item that is not an event object is `None`.
fn from_json(body: Value) -> Result<Upload, ApiError> {
    let (objects, name): (Vec<Value>, FieldName) = match body {
        Value::Object(_) => (vec![body], Arc::new(|_, field: &str| field.to_string())),
        Value::Array(items) => (items, Arc::new(|i, field: &str| format!("[{i}].{field}"))),
        _ => {
            return Err(ApiError::Validation(FieldErrors::single(
                "",
                "send one event as a JSON object, or a list of them",
            )));
        }
    };
    let mut errors = FieldErrors::new();
    let mut events = Vec::with_capacity(objects.len());
    for (i, object) in objects.into_iter().enumerate() {
        let Value::Object(map) = object else {
            errors.add(name(i, "").trim_end_matches('.'), "must be an event object");
            events.push(None);
            continue;
        };
        let mut raw = RawEvent::default();
        for (key, value) in map {
            let text = match (key.as_str(), value) {
                (_, Value::Null) => None,
                (_, Value::String(s)) => Some(s),
                ("voluntary", Value::Bool(b)) => Some(b.to_string()),
                ("voluntary", _) => {
                    errors.add(name(i, &key), "must be true or false");
                    continue;
                }
                (_, _) if FIELDS.contains(&key.as_str()) => {
                    errors.add(name(i, &key), "must be a string");
                    continue;
                }
                _ => None,
            };
            if !raw.set(&key, text) {
                errors.add(name(i, &key), NOT_A_FIELD);
            }
        }
        events.push(Some(raw));
    }
    Ok((events, name, errors))
}

/// The events of a CSV file with a header row; errors name the row and the column.
fn from_csv(text: &str) -> Result<Upload, ApiError> {
    let records = csv::read(text).map_err(|(row, message)| {
        ApiError::Validation(FieldErrors::single(format!("row {row}"), message))
    })?;
    let Some((header, rows)) = records.split_first() else {
        return Err(ApiError::Validation(FieldErrors::single(
            "row 1",
            "the file is empty; the first row names the columns",
        )));
    };
    let mut errors = FieldErrors::new();
    let columns: Vec<String> = header
        .fields
        .iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    for (i, c) in columns.iter().enumerate() {
        if !FIELDS.contains(&c.as_str()) {
            errors.add(
                format!("row 1, column {}", if c.is_empty() { "(empty)" } else { c }),
                "is not a column here; use person_id, email, event, voluntary, occurred_on",
            );
        } else if columns[..i].contains(c) {
            errors.add(format!("row 1, column {c}"), "appears twice");
        }
    }
    let has = |c: &str| columns.iter().any(|x| x == c);
    if !(has("event") && has("occurred_on") && (has("person_id") || has("email"))) {
        errors.add(
            "row 1",
            "the header needs the columns event, occurred_on, and person_id or email",
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut events = Vec::new();
    let mut row_numbers = Vec::new();
    for record in rows {
        if record.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.fields.len() != columns.len() {
            errors.add(
                format!("row {}", record.row),
                format!(
                    "has {} cells; the header has {}",
                    record.fields.len(),
                    columns.len()
                ),
            );
            events.push(None);
            row_numbers.push(record.row);
            continue;
        }
        let mut raw = RawEvent::default();
        for (column, value) in columns.iter().zip(&record.fields) {
            raw.set(column, Some(value.clone()));
        }
        events.push(Some(raw));
        row_numbers.push(record.row);
    }
    let name: FieldName = Arc::new(move |i, field: &str| {
        format!(
            "row {}, column {field}",
            row_numbers.get(i).copied().unwrap_or(0)
        )
    });
    Ok((events, name, errors))
}

#[utoipa::path(
    tag = "Employment",
    summary = "Send employment events",
    description = "Hires, transfers and leavings from the HR system, for first-year retention: one JSON object, a JSON list, \
        or a CSV file (`Content-Type: text/csv`) with a header row naming the columns `person_id` or `email`, `event`, \
        `voluntary`, `occurred_on`. Nothing is stored unless every event is valid and names a mentee or mentor on file; \
        errors name the item (`[2].email`) or the row and column (`row 3, column occurred_on`). Sending the same events \
        again changes nothing, so a feed may be resent whole.",
    request_body(content(
        (EmploymentEventBody = "application/json"),
        (String = "text/csv", example = "email,event,voluntary,occurred_on\nana.souza@example.org,hired,,2026-10-01\n")
    )),
    responses(
        (status = 201, description = "At least one event was new", body = ReceivedView),
        (status = 200, description = "Nothing new", body = ReceivedView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/employment-events")]
pub async fn create(app: web::Data<App>, _: Caller, body: Feed) -> Result<HttpResponse, ApiError> {
    let (events, name, errors) = match body {
        Feed::Json(value) => from_json(value)?,
        Feed::Csv(text) => from_csv(&text)?,
    };
    let Received {
        received,
        created,
        updated,
        unchanged,
    } = employment::record(&app, events, name, errors).await?;
    let status = if created > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(ReceivedView {
        received,
        created,
        updated,
        unchanged,
    }))
}

#[utoipa::path(
    tag = "Employment",
    summary = "List employment events",
    description = "The events of people on file, in the order received. Erased people's events are not listed.",
    params(
        ("person_id" = Option<uuid::Uuid>, Query),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Page<EmploymentEventView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/employment-events")]
pub async fn list(
    app: web::Data<App>,
    _: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<EmploymentEventView>>, ApiError> {
    let mut errors = FieldErrors::new();
    let (mut person, mut limit, mut cursor) = (None, crate::http::query::DEFAULT_LIMIT, None);
    for (key, value) in pairs(&req)? {
        match key.as_str() {
            "person_id" => {
                person = errors.check(
                    "person_id",
                    uuid::Uuid::parse_str(value.trim())
                        .map_err(|_| "must be a mentee's or mentor's id (UUID)".to_string()),
                )
            }
            "limit" => {
                let parsed = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| format!("must be a whole number from 1 to {MAX_LIMIT}"));
                if let Some(n) = errors.check("limit", parsed) {
                    limit = n;
                }
            }
            "cursor" => cursor = errors.check("cursor", Cursor::decode(&value)),
            _ => errors.add(
                key.clone(),
                "is not a query parameter here; use person_id, limit or cursor",
            ),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let page = employment::list(
        &app,
        person,
        cursor.map_or(0, |c: Cursor| c.after),
        i64::from(limit),
    )
    .await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(EmploymentEventView::from).collect(),
        next_cursor: page.next_after.map(|after| Cursor { after }.encode()),
    }))
}
