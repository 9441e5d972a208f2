//! Pair health over HTTP: risk flags and what coordinators do with them, a match's health,
//! and re-matching a pair that does not work.
//!
//! Flags are about individuals (how a newcomer feels, whether they think of leaving), so only
//! coordinator tokens may read or act on them; integration tokens get 403.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::matching::{MatchView, fields, id_in_path};
use super::views::Page;
use crate::app::flags::{self, FlagFilter, PairFlag};
use crate::app::{App, rematch};

use crate::domain::cursor::Cursor;
use crate::domain::field_error::FieldErrors;
use crate::domain::health::{FlagStatus, RaisedFlag, Rule};
use crate::http::auth::{Coordinator, NamedCoordinator};
use crate::http::body::JsonObject;
use crate::http::problem::{ApiError, Problem};
use crate::http::query::{self, DEFAULT_LIMIT, MAX_LIMIT};

/// An early warning on a running pair, and what coordinators did about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagView {
    pub id: String,
    pub match_id: String,
    pub mentee_id: String,
    pub mentor_id: String,
    /// The person it is about; null when it is about the pair.
    pub person_id: Option<String>,
    /// mentee | mentor | null
    pub role: Option<String>,
    /// The rule's stable code.
    #[schema(example = "no_first_meeting")]
    pub rule: String,
    #[schema(example = "No first meeting yet")]
    pub title: &'static str,
    /// warning (at risk) | critical (off track)
    #[schema(example = "warning")]
    pub severity: String,
    /// The pair's health now (on_track | at_risk | off_track); null once the match ended.
    #[schema(example = "at_risk")]
    pub health: Option<&'static str>,
    /// Numbers, dates and steps; never a person's own words.
    #[schema(
        example = "No meeting reported by 2026-12-09 (approved 2026-11-25, 14 days after approval)."
    )]
    pub evidence: String,
    /// open | acknowledged | resolved
    #[schema(example = "open")]
    pub status: String,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Null when Belong closed it (the match ended, or a graver flag took over).
    pub resolved_by: Option<String>,
    /// nudged | checked_in | rematched | no_action | match_ended | superseded
    pub resolution: Option<String>,
    pub note: Option<String>,
}

fn view(flag: &RaisedFlag, pair: (&str, &str), health: Option<&'static str>) -> FlagView {
    FlagView {
        id: flag.id.clone(),
        match_id: flag.match_id.clone(),
        mentee_id: pair.0.to_string(),
        mentor_id: pair.1.to_string(),
        person_id: flag.person_id.clone(),
        role: flag.role.map(|r| r.as_str().to_string()),
        rule: flag.rule.as_str().to_string(),
        title: flag.rule.title(),
        severity: flag.severity.as_str().to_string(),
        health,
        evidence: flag.evidence.clone(),
        status: flag.status.as_str().to_string(),
        raised_at: flag.raised_at,
        acknowledged_at: flag.acknowledged_at,
        acknowledged_by: flag.acknowledged_by.clone(),
        resolved_at: flag.resolved_at,
        resolved_by: flag.resolved_by.clone(),
        resolution: flag.resolution.map(|r| r.as_str().to_string()),
        note: flag.note.clone(),
    }
}

impl From<&PairFlag> for FlagView {
    fn from(f: &PairFlag) -> Self {
        view(
            &f.flag,
            (&f.mentee_id, &f.mentor_id),
            f.health.map(|h| h.as_str()),
        )
    }
}

/// The list query: `status`, `rule`, `match_id`, `limit`, `cursor`.
fn list_query(req: &HttpRequest) -> Result<(FlagFilter, u32, i64), ApiError> {
    let mut errors = FieldErrors::new();
    let mut filter = FlagFilter::default();
    let (mut limit, mut after) = (DEFAULT_LIMIT, 0);
    for (key, value) in query::pairs(req)? {
        match key.as_str() {
            "status" => filter.status = errors.check("status", FlagStatus::parse(&value)),
            "rule" => filter.rule = errors.check("rule", Rule::parse(&value)),
            "match_id" => {
                filter.match_id = errors.check(
                    "match_id",
                    Uuid::parse_str(value.trim())
                        .map_err(|_| "must be a match id (UUID)".to_string()),
                )
            }
            "limit" => {
                if let Some(n) = errors.check(
                    "limit",
                    value
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| format!("must be a whole number from 1 to {MAX_LIMIT}")),
                ) {
                    limit = n;
                }
            }
            "cursor" => {
                if let Some(c) = errors.check("cursor", Cursor::decode(&value)) {
                    after = c.after;
                }
            }
            _ => errors.add(
                key.clone(),
                "is not a query parameter here; use status, rule, match_id, limit or cursor",
            ),
        }
    }
    errors
        .into_result((filter, limit, after))
        .map_err(ApiError::Validation)
}

#[utoipa::path(
    tag = "Pair health",
    summary = "List risk flags",
    description = "In the order they were raised. Coordinator tokens only: flags are about individuals.",
    params(
        ("status" = Option<String>, Query, description = "open | acknowledged | resolved"),
        ("rule" = Option<String>, Query, description = "a rule code, e.g. no_first_meeting"),
        ("match_id" = Option<Uuid>, Query),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Page<FlagView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/flags")]
pub async fn list(
    app: web::Data<App>,
    _: Coordinator,
    req: HttpRequest,
) -> Result<web::Json<Page<FlagView>>, ApiError> {
    let (filter, limit, after) = list_query(&req)?;
    let page = flags::list(&app, filter, after, i64::from(limit)).await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(FlagView::from).collect(),
        next_cursor: page.next_after.map(|after| Cursor { after }.encode()),
    }))
}

fn flag_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound(format!("there is no flag with id {raw}")))
}

#[utoipa::path(
    tag = "Pair health",
    summary = "Acknowledge a flag",
    description = "An open flag becomes acknowledged: someone is on it. Acknowledging again changes nothing; a resolved flag gets 409.",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = FlagView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/flags/{id}/acknowledge")]
pub async fn acknowledge(
    app: web::Data<App>,
    who: NamedCoordinator,
    id: web::Path<String>,
) -> Result<web::Json<FlagView>, ApiError> {
    let id = flag_id(&id)?;
    Ok(web::Json(FlagView::from(
        &flags::acknowledge_flag(&app, id, who.0).await?,
    )))
}

/// A string field of a body, absent or null as `None`.
fn text_field(
    body: &serde_json::Map<String, Value>,
    key: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.add(key, "must be a string");
            None
        }
    }
}

#[utoipa::path(
    tag = "Pair health",
    summary = "Resolve a flag",
    description = "`{\"resolution\": \"nudged\" | \"checked_in\" | \"rematched\" | \"no_action\", \"note\": \"…\"}` (note optional, up to 1000 characters). An open or acknowledged flag becomes resolved; it is not raised again on the same evidence, only if the situation recurs. A resolved flag gets 409.",
    params(("id" = Uuid, Path)),
    request_body(content = Object, description = "`{\"resolution\": \"checked_in\", \"note\": \"Called her; rota changes next month.\"}`"),
    responses((status = 200, body = FlagView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/flags/{id}/resolve")]
pub async fn resolve(
    app: web::Data<App>,
    who: NamedCoordinator,
    id: web::Path<String>,
    body: JsonObject,
) -> Result<web::Json<FlagView>, ApiError> {
    let id = flag_id(&id)?;
    let body = fields(body.0, &["resolution", "note"])?;
    let mut errors = FieldErrors::new();
    let resolution = text_field(&body, "resolution", &mut errors);
    let note = text_field(&body, "note", &mut errors);
    errors.into_result(()).map_err(ApiError::Validation)?;
    Ok(web::Json(FlagView::from(
        &flags::resolve_flag(&app, id, who.0, resolution, note).await?,
    )))
}

/// A match's health and its flags.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    pub match_id: Uuid,
    /// The match's status (health is followed while it is approved).
    #[schema(example = "approved")]
    pub status: &'static str,
    /// on_track | at_risk | off_track, from the worst unresolved flag; null unless the match
    /// is approved.
    #[schema(example = "at_risk")]
    pub health: Option<&'static str>,
    /// Unresolved flags first, newest first.
    pub flags: Vec<FlagView>,
}

#[utoipa::path(
    tag = "Pair health",
    summary = "A match's health",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = HealthView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/matches/{id}/health")]
pub async fn match_health(
    app: web::Data<App>,
    _: Coordinator,
    id: web::Path<String>,
) -> Result<web::Json<HealthView>, ApiError> {
    let id = id_in_path(&id, "match")?;
    let h = flags::match_health(&app, id).await?;
    let health = h.health.map(|h| h.as_str());
    let (mentee, mentor) = (h.m.mentee_id.to_string(), h.m.mentor_id.to_string());
    Ok(web::Json(HealthView {
        match_id: id,
        status: h.m.status.as_str(),
        health,
        flags: h
            .flags
            .iter()
            .map(|f| view(f, (&mentee, &mentor), health))
            .collect(),
    }))
}

/// What a re-match did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RematchView {
    /// The match that ended.
    pub ended: MatchView,
    /// The new proposal for the mentee, to approve as any other.
    pub proposal: MatchView,
}

#[utoipa::path(
    tag = "Pair health",
    summary = "Re-match a pair",
    description = "`{\"reason\": \"…\"}`. Ends the approved match as ending does (check-ins cancelled, the mentor's place freed, the pair never proposed again; its open flags resolved as rematched) and proposes the best other eligible mentor for the mentee, all at once. 409 with nothing changed when the match is not approved or no other mentor is eligible.",
    params(("id" = Uuid, Path)),
    request_body(content = Object, description = "`{\"reason\": \"Fit rated 1 of 5 by both\"}`"),
    responses((status = 201, body = RematchView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/matches/{id}/rematch")]
pub async fn rematch_pair(
    app: web::Data<App>,
    who: NamedCoordinator,
    id: web::Path<String>,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&id, "match")?;
    let body = fields(body.0, &["reason"])?;
    let mut errors = FieldErrors::new();
    let reason = text_field(&body, "reason", &mut errors);
    errors.into_result(()).map_err(ApiError::Validation)?;
    let done = rematch::rematch(&app, id, reason, who.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/matches/{}", done.proposal.id),
        ))
        .json(RematchView {
            ended: MatchView::from(&done.ended),
            proposal: MatchView::from(&done.proposal),
        }))
}
