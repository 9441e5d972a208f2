//! `/outcomes/…`: belonging, response rates, answers per question and retention for
//! programme leads, as JSON or CSV (`?format=csv` or `Accept: text/csv`). They are derived
//! from check-in answers, so only coordinator tokens may read them; integration tokens get 403.

pub mod query;
pub mod tables;
pub mod views;

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::app::{App, outcomes};
use crate::domain::field_error::FieldErrors;
use crate::http::auth::Coordinator;
use crate::http::csv;
use crate::http::problem::{ApiError, Problem};
use query::OutcomesQuery;
use views::{BelongingView, CommentsView, QuestionsView, ResponseRatesView, RetentionView};

fn parse(req: &HttpRequest, allowed: &[&str]) -> Result<OutcomesQuery, ApiError> {
    OutcomesQuery::parse(req, allowed).map_err(ApiError::Validation)
}

fn answer<V: serde::Serialize>(
    q: &OutcomesQuery,
    view: &V,
    filename: &str,
    table: fn(&V) -> String,
) -> HttpResponse {
    if q.csv {
        csv::response(filename, table(view))
    } else {
        HttpResponse::Ok().json(view)
    }
}

#[utoipa::path(
    tag = "Outcomes",
    summary = "Belonging over the first year",
    description = "Coordinator tokens only (integration tokens get 403: the figures are derived from check-in answers). \
        Mentees' mean answer to the belonging question (1 strongly disagree – 5 strongly agree) per check-in step and group, \
        rounded to one decimal; `n` counts answers, one per pair and step. A cell with fewer than `privacy.min_cell` \
        respondents (people), or whose answers are all, or all but one, the same, is `{step, group, suppressed: true}` with \
        no numbers, and so is any other cell that would let it be worked out by subtraction (from a total, or from another \
        filter). Figures are published, not live: answers of a step, cohort and role enter them only in groups of at least \
        `privacy.min_cell` newly answered check-ins, so two reads never differ by one person's answer. Cohort = the month \
        the match was approved, so every step is the same time into the pairing.",
    params(
        ("group_by" = Option<String>, Query, description = "site | shift | profession | specialty | cohort"),
        ("cohort" = Option<String>, Query, description = "YYYY-MM: only matches approved in that month"),
        ("format" = Option<String>, Query, description = "json (default) | csv"),
    ),
    responses(
        (status = 200, content((BelongingView = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem), (status = 403, description = "An integration token", body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/outcomes/belonging")]
pub async fn belonging(
    app: web::Data<App>,
    _: Coordinator,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = parse(&req, &["group_by", "cohort"])?;
    let report = outcomes::belonging(&app, q.group_by, q.cohort).await?;
    let view = BelongingView::new(&report, &app.settings, q.group_by, q.cohort);
    Ok(answer(&q, &view, "belonging.csv", tables::belonging))
}

#[utoipa::path(
    tag = "Outcomes",
    summary = "Check-in response per step",
    description = "Coordinator tokens only (integration tokens get 403). Per step: invited (planned, not cancelled), \
        delivered (sent, answered or expired), answered, expired, awaiting an answer, not yet sent, and the response rate \
        (answered of delivered, to one decimal of a percent). These are counts of check-ins, not of what anyone answered. A \
        step (within the cohort filtered on) with fewer than `privacy.min_cell` invited is suppressed, with a complement.",
    params(
        ("cohort" = Option<String>, Query, description = "YYYY-MM"),
        ("format" = Option<String>, Query, description = "json (default) | csv"),
    ),
    responses(
        (status = 200, content((ResponseRatesView = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem), (status = 403, description = "An integration token", body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/outcomes/response-rates")]
pub async fn response_rates(
    app: web::Data<App>,
    _: Coordinator,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = parse(&req, &["cohort"])?;
    let report = outcomes::funnel(&app, q.cohort).await?;
    let view = ResponseRatesView::new(&report, &app.settings, q.cohort);
    Ok(answer(
        &q,
        &view,
        "response-rates.csv",
        tables::response_rates,
    ))
}

#[utoipa::path(
    tag = "Outcomes",
    summary = "Answers per question",
    description = "Coordinator tokens only (integration tokens get 403). For each scale and yes/no question, per step and \
        role asked: how many chose each answer, and the mean (a scale's to one decimal, a yes/no question's share of yes to \
        one decimal of a percent). Suppressed as for belonging: fewer than `privacy.min_cell` people, or all or all but one \
        alike (\"Yes, 6 of 6\"), with complements; published figures only.",
    params(
        ("cohort" = Option<String>, Query, description = "YYYY-MM"),
        ("format" = Option<String>, Query, description = "json (default) | csv"),
    ),
    responses(
        (status = 200, content((QuestionsView = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem), (status = 403, description = "An integration token", body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/outcomes/questions")]
pub async fn questions(
    app: web::Data<App>,
    _: Coordinator,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = parse(&req, &["cohort"])?;
    let report = outcomes::questions(&app, q.cohort).await?;
    let view = QuestionsView::new(&report, &app.settings, q.cohort);
    Ok(answer(&q, &view, "questions.csv", tables::questions))
}

#[utoipa::path(
    tag = "Outcomes",
    summary = "First-year retention",
    description = "Coordinator tokens only (integration tokens get 403). Shares to one decimal of a percent. \
        Kaplan–Meier retention over the 365 days after hire of everyone who came as a mentee, per cohort \
        (month of the `hired` event) and for everyone, from the employment events. Leaving is an exit whether voluntary or \
        not (`retention…`); the `voluntary_…` figures count only voluntary leavers. A transfer is not an exit. People still \
        employed are followed until today or day 365. Cohorts with fewer than `privacy.min_cell` people are suppressed, \
        with a complement.",
    params(
        ("cohort" = Option<String>, Query, description = "YYYY-MM: month of hire"),
        ("format" = Option<String>, Query, description = "json (default) | csv"),
    ),
    responses(
        (status = 200, content((RetentionView = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem), (status = 403, description = "An integration token", body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/outcomes/retention")]
pub async fn retention(
    app: web::Data<App>,
    _: Coordinator,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = parse(&req, &["cohort"])?;
    let report = outcomes::retention(&app, q.cohort).await?;
    let view = RetentionView::new(&report, &app.settings, q.cohort, outcomes::today());
    Ok(answer(&q, &view, "retention.csv", tables::retention))
}

#[utoipa::path(
    tag = "Outcomes",
    summary = "Free-text comments of a step",
    description = "Coordinators only. The comments of one step in alphabetical order, without names, shown only when at least \
        `privacy.min_cell_text` people answered that step; else `suppressed: true`. Published answers only, as for belonging.",
    params(("step" = String, Query, description = "A configured step, e.g. month3")),
    responses(
        (status = 200, body = CommentsView),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/outcomes/comments")]
pub async fn comments(
    app: web::Data<App>,
    _: Coordinator,
    req: HttpRequest,
) -> Result<web::Json<CommentsView>, ApiError> {
    let q = parse(&req, &["step"])?;
    if q.csv {
        return Err(ApiError::Validation(FieldErrors::single(
            "format",
            "comments are available as JSON only",
        )));
    }
    let steps: Vec<&str> = app
        .settings
        .checkin_steps
        .iter()
        .map(|s| s.key.as_str())
        .collect();
    let step = match q.step {
        Some(step) if steps.contains(&step.as_str()) => step,
        _ => {
            return Err(ApiError::Validation(FieldErrors::single(
                "step",
                format!("must be one of {}", steps.join(", ")),
            )));
        }
    };
    let c = outcomes::comments(&app, step).await?;
    Ok(web::Json(CommentsView {
        step: c.step,
        min_cell_text: app.settings.privacy.min_cell_text,
        suppressed: c.texts.is_none().then_some(true),
        comments: c.texts,
    }))
}
