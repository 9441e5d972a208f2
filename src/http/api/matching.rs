//! Matching over HTTP: candidates, runs, matches and their decisions, and the settings.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::views::Page;
use crate::app::App;
use crate::app::matching::{self, Run};
use crate::domain::field_error::FieldErrors;
use crate::domain::matches::{Decision, Match, MatchStatus};
use crate::domain::matching::engine::Candidate;
use crate::domain::matching::score::Explained;
use crate::domain::matching::settings::json as settings_json;
use crate::http::auth::{Caller, Coordinator};
use crate::http::body::JsonObject;
use crate::http::problem::{ApiError, Problem};
use crate::http::query::{self, ListQuery};

/// One criterion of a pair's score.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExplanationView {
    #[schema(example = "specialty")]
    pub criterion: &'static str,
    #[schema(example = 25.0)]
    pub points: f64,
    #[schema(example = 25.0)]
    pub max_points: f64,
    #[schema(example = "Both in Emergency")]
    pub detail: String,
}

fn explanation(lines: &[Explained]) -> Vec<ExplanationView> {
    lines
        .iter()
        .map(|e| ExplanationView {
            criterion: e.criterion.as_str(),
            points: e.points.as_f64(),
            max_points: e.max_points.as_f64(),
            detail: e.detail.clone(),
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    pub mentor_id: String,
    /// 0–100, the sum of the explanation's points.
    #[schema(example = 83.5)]
    pub score: f64,
    pub explanation: Vec<ExplanationView>,
}

impl From<&Candidate> for CandidateView {
    fn from(c: &Candidate) -> Self {
        CandidateView {
            mentor_id: c.mentor_id.clone(),
            score: c.score.as_f64(),
            explanation: explanation(&c.explanation),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateList {
    pub items: Vec<CandidateView>,
}

/// A proposed, approved, rejected, ended or superseded pairing.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchView {
    pub id: Uuid,
    /// The run that proposed it; null for a coordinator's own proposal.
    pub run_id: Option<Uuid>,
    pub mentee_id: Uuid,
    pub mentor_id: Uuid,
    /// proposed | approved | rejected | ended | superseded
    #[schema(example = "proposed")]
    pub status: &'static str,
    #[schema(example = 83.5)]
    pub score: f64,
    pub explanation: Vec<ExplanationView>,
    /// Why it was rejected or ended.
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<&Match> for MatchView {
    fn from(m: &Match) -> Self {
        MatchView {
            id: m.id,
            run_id: m.run_id,
            mentee_id: m.mentee_id,
            mentor_id: m.mentor_id,
            status: m.status.as_str(),
            score: m.score.as_f64(),
            explanation: explanation(&m.explanation),
            reason: m.reason.clone(),
            created_at: m.created_at,
            updated_at: m.updated_at,
            approved_at: m.approved_at,
            ended_at: m.ended_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalView {
    /// The stored match; null in a dry run.
    pub id: Option<Uuid>,
    pub mentee_id: String,
    pub mentor_id: String,
    #[schema(example = 83.5)]
    pub score: f64,
    pub explanation: Vec<ExplanationView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnmatchedView {
    pub mentee_id: String,
    #[schema(example = "no eligible mentor: 2 excluded as manager, 14 below the minimum score")]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunStats {
    pub mentees: usize,
    pub mentors: usize,
    pub matched: usize,
    pub total_score: f64,
    pub min_score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub dry_run: bool,
    pub proposals: Vec<ProposalView>,
    pub unmatched: Vec<UnmatchedView>,
    pub stats: RunStats,
    /// The matching settings the run used.
    #[schema(value_type = Object)]
    pub settings: Value,
}

fn run_view(run: &Run, dry_run: bool) -> RunView {
    let o = &run.outcome;
    RunView {
        id: run.id,
        created_at: run.created_at,
        dry_run,
        proposals: o
            .proposals
            .iter()
            .enumerate()
            .map(|(i, p)| ProposalView {
                id: run.match_ids.get(i).copied(),
                mentee_id: p.mentee_id.clone(),
                mentor_id: p.mentor_id.clone(),
                score: p.score.as_f64(),
                explanation: explanation(&p.explanation),
            })
            .collect(),
        unmatched: o
            .unmatched
            .iter()
            .map(|u| UnmatchedView {
                mentee_id: u.mentee_id.clone(),
                reason: u.reason.clone(),
            })
            .collect(),
        stats: RunStats {
            mentees: o.stats.mentees,
            mentors: o.stats.mentors,
            matched: o.stats.matched,
            total_score: o.stats.total_score as f64 / 100.0,
            min_score: o.stats.min_score.as_f64(),
        },
        settings: settings_json::to_json(&run.settings),
    }
}

pub(crate) fn id_in_path(raw: &str, noun: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw)
        .map_err(|_| ApiError::NotFound(format!("there is no {noun} with id {raw}")))
}

/// Takes the listed keys out of a body; any other key is an error.
pub(crate) fn fields(
    body: Map<String, Value>,
    allowed: &[&str],
) -> Result<Map<String, Value>, ApiError> {
    let mut errors = FieldErrors::new();
    for key in body.keys() {
        if !allowed.contains(&key.as_str()) {
            errors.add(
                key.clone(),
                format!("is not a field here; use {}", allowed.join(", ")),
            );
        }
    }
    errors.into_result(body).map_err(ApiError::Validation)
}

fn uuid_field(body: &Map<String, Value>, key: &str, errors: &mut FieldErrors) -> Option<Uuid> {
    match body.get(key).and_then(Value::as_str).map(Uuid::parse_str) {
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            errors.add(key, "must be an id (UUID)");
            None
        }
        None => {
            errors.add(key, "is required");
            None
        }
    }
}

#[utoipa::path(
    tag = "Matching",
    summary = "Rank the eligible mentors for a mentee",
    params(("id" = Uuid, Path), ("limit" = Option<u32>, Query, description = "0 means all; default 10")),
    responses((status = 200, body = CandidateList), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/mentees/{id}/candidates")]
pub async fn candidates(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<CandidateList>, ApiError> {
    let id = id_in_path(&id, "mentee")?;
    let mut limit = 10usize;
    let mut errors = FieldErrors::new();
    for (key, value) in query::pairs(&req)? {
        match key.as_str() {
            "limit" => match value.trim().parse::<usize>() {
                Ok(n) if n <= 10_000 => limit = n,
                _ => errors.add("limit", "must be a whole number from 0 (all) to 10000"),
            },
            _ => errors.add(key, "is not a query parameter here; use limit"),
        }
    }
    errors.into_result(()).map_err(ApiError::Validation)?;
    let items = matching::candidates(&app, id, limit).await?;
    Ok(web::Json(CandidateList {
        items: items.iter().map(CandidateView::from).collect(),
    }))
}

#[utoipa::path(
    tag = "Matching",
    summary = "Run matching",
    description = "Covers the waiting mentees, or those in `mentee_ids`. Maximises first the number of matched mentees, then the total score, keeping every hard rule. Stores the proposals (superseding the mentees' older open proposals) unless `dry_run` is true, which returns 200 and stores nothing.",
    request_body(content = Object, description = "`{}`, or `{\"mentee_ids\": [...], \"dry_run\": true}`"),
    responses(
        (status = 201, description = "Stored", body = RunView), (status = 200, description = "Dry run: nothing stored", body = RunView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/matching-runs")]
pub async fn create_run(
    app: web::Data<App>,
    _: Coordinator,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let body = fields(body.0, &["mentee_ids", "dry_run"])?;
    let mut errors = FieldErrors::new();
    let dry_run = match body.get("dry_run") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add("dry_run", "must be true or false");
            false
        }
    };
    let named = match body.get("mentee_ids") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v.as_str().map(Uuid::parse_str) {
                    Some(Ok(id)) => Some(id),
                    _ => {
                        errors.add(format!("mentee_ids[{i}]"), "must be a mentee id (UUID)");
                        None
                    }
                })
                .collect(),
        ),
        Some(_) => {
            errors.add("mentee_ids", "must be a list of mentee ids");
            None
        }
    };
    errors.into_result(()).map_err(ApiError::Validation)?;
    let run = matching::run(&app, named, dry_run).await?;
    let view = run_view(&run, dry_run);
    Ok(if dry_run {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/matching-runs/{}", run.id),
            ))
            .json(view)
    })
}

/// A stored run: its settings, stats, unmatched mentees and the matches it proposed.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredRunView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    /// The matches the run proposed, in their current status.
    pub matches: Vec<MatchView>,
    pub unmatched: Vec<UnmatchedView>,
    pub stats: RunStats,
    #[schema(value_type = Object)]
    pub settings: Value,
}

#[utoipa::path(
    tag = "Matching",
    summary = "Get a stored matching run",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = StoredRunView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/matching-runs/{id}")]
pub async fn get_run(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
) -> Result<web::Json<StoredRunView>, ApiError> {
    let id = id_in_path(&id, "matching run")?;
    let (run, matches) = matching::get_run(&app, id).await?;
    Ok(web::Json(StoredRunView {
        id,
        created_at: run.created_at,
        matches: matches.iter().map(MatchView::from).collect(),
        unmatched: run
            .unmatched
            .into_iter()
            .map(|u| UnmatchedView {
                mentee_id: u.mentee_id,
                reason: u.reason,
            })
            .collect(),
        stats: RunStats {
            mentees: run.mentees as usize,
            mentors: run.mentors as usize,
            matched: run.matched as usize,
            total_score: run.total_score as f64 / 100.0,
            min_score: f64::from(run.min_score) / 100.0,
        },
        settings: run.settings,
    }))
}

#[utoipa::path(
    tag = "Matches",
    summary = "List matches",
    params(
        ("status" = Option<String>, Query, description = "proposed | approved | rejected | ended | superseded"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Page<MatchView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/matches")]
pub async fn list_matches(
    app: web::Data<App>,
    _: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<MatchView>>, ApiError> {
    let q = ListQuery::parse(&req, MatchStatus::parse)?;
    let page = matching::list(
        &app,
        q.status,
        q.cursor.map_or(0, |c| c.after),
        i64::from(q.limit),
    )
    .await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(MatchView::from).collect(),
        next_cursor: page
            .next_after
            .map(|after| crate::domain::cursor::Cursor { after }.encode()),
    }))
}

#[utoipa::path(
    tag = "Matches",
    summary = "Get a match",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MatchView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/matches/{id}")]
pub async fn get_match(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
) -> Result<web::Json<MatchView>, ApiError> {
    let id = id_in_path(&id, "match")?;
    Ok(web::Json(MatchView::from(&matching::get(&app, id).await?)))
}

#[utoipa::path(
    tag = "Matches",
    summary = "Propose a pair by hand",
    description = "Scored like any proposal; a pair that breaks a hard rule gets 409 naming the rule.",
    request_body(content = Object, description = "`{\"mentee_id\": \"…\", \"mentor_id\": \"…\"}`"),
    responses(
        (status = 201, body = MatchView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/matches")]
pub async fn propose(
    app: web::Data<App>,
    _: Coordinator,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let body = fields(body.0, &["mentee_id", "mentor_id"])?;
    let mut errors = FieldErrors::new();
    let mentee = uuid_field(&body, "mentee_id", &mut errors);
    let mentor = uuid_field(&body, "mentor_id", &mut errors);
    let (Some(mentee), Some(mentor)) = (mentee, mentor) else {
        return Err(ApiError::Validation(errors));
    };
    let m = matching::propose(&app, mentee, mentor).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/matches/{}", m.id)))
        .json(MatchView::from(&m)))
}

async fn decide(
    app: &App,
    id: &str,
    decision: Decision,
    body: Option<Map<String, Value>>,
) -> Result<web::Json<MatchView>, ApiError> {
    let id = id_in_path(id, "match")?;
    let reason = match body {
        Some(body) => {
            let body = fields(body, &["reason"])?;
            match body.get("reason") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => {
                    return Err(ApiError::Validation(FieldErrors::single(
                        "reason",
                        "must be a string",
                    )));
                }
            }
        }
        None => None,
    };
    Ok(web::Json(MatchView::from(
        &matching::decide(app, id, decision, reason).await?,
    )))
}

#[utoipa::path(
    tag = "Matches",
    summary = "Approve a proposal",
    description = "The match becomes approved, the mentee matched, and the introduction email is queued, all at once. Approving an approved match again changes nothing. 409 when the mentor has no capacity left or the mentee already has an approved match.",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MatchView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/matches/{id}/approve")]
pub async fn approve(
    app: web::Data<App>,
    _: Coordinator,
    id: web::Path<String>,
) -> Result<web::Json<MatchView>, ApiError> {
    decide(&app, &id, Decision::Approve, None).await
}

#[utoipa::path(
    tag = "Matches",
    summary = "Reject a proposal",
    description = "`{\"reason\": \"…\"}`; the pair is never proposed again.",
    params(("id" = Uuid, Path)),
    request_body(content = Object, description = "`{\"reason\": \"…\"}`"),
    responses((status = 200, body = MatchView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/matches/{id}/reject")]
pub async fn reject(
    app: web::Data<App>,
    _: Coordinator,
    id: web::Path<String>,
    body: JsonObject,
) -> Result<web::Json<MatchView>, ApiError> {
    decide(&app, &id, Decision::Reject, Some(body.0)).await
}

#[utoipa::path(
    tag = "Matches",
    summary = "End an approved match",
    description = "`{\"reason\": \"…\"}`; the mentor's place is freed, the mentee is waiting again, and the pair is never proposed again.",
    params(("id" = Uuid, Path)),
    request_body(content = Object, description = "`{\"reason\": \"…\"}`"),
    responses((status = 200, body = MatchView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/matches/{id}/end")]
pub async fn end(
    app: web::Data<App>,
    _: Coordinator,
    id: web::Path<String>,
    body: JsonObject,
) -> Result<web::Json<MatchView>, ApiError> {
    decide(&app, &id, Decision::End, Some(body.0)).await
}

/// Matching settings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "weights": {"specialty": 25.0, "shift": 15.0, "site": 15.0, "goals": 15.0, "languages": 10.0, "affinity": 10.0, "interests": 5.0, "meeting": 5.0},
    "min_score": 20.0, "default_capacity": 2, "min_mentor_years": 1, "cross_profession": []
}))]
pub struct SettingsView {
    /// Points per criterion (specialty, shift, site, goals, languages, affinity, interests, meeting), summing to 100.
    #[schema(value_type = Object)]
    pub weights: Value,
    pub min_score: f64,
    pub default_capacity: u8,
    pub min_mentor_years: u8,
    /// `[{"mentee": profession, "mentor": profession}]` pairs allowed across professions.
    #[schema(value_type = Vec<Object>)]
    pub cross_profession: Value,
}

fn settings_view(s: &crate::domain::matching::settings::MatchingSettings) -> web::Json<Value> {
    web::Json(settings_json::to_json(s))
}

#[utoipa::path(
    tag = "Matching",
    summary = "The matching settings",
    responses((status = 200, body = SettingsView), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[get("/matching/settings")]
pub async fn get_settings(app: web::Data<App>, _: Caller) -> Result<web::Json<Value>, ApiError> {
    Ok(settings_view(&matching::settings(&app).await?))
}

#[utoipa::path(
    tag = "Matching",
    summary = "Change the matching settings",
    description = "Any subset of the fields; weights, when given, list every criterion and add up to 100.",
    request_body = SettingsView,
    responses((status = 200, body = SettingsView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[put("/matching/settings")]
pub async fn put_settings(
    app: web::Data<App>,
    _: Coordinator,
    body: JsonObject,
) -> Result<web::Json<Value>, ApiError> {
    let input = settings_json::input(&body.0).map_err(ApiError::Validation)?;
    Ok(settings_view(
        &matching::update_settings(&app, input).await?,
    ))
}
