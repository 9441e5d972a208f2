//! Pair health: the flags to act on (acknowledge, resolve), and re-matching a pair once confirmed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::errors::{ConsoleError, refusal};
use super::form::Form;
use super::people::show_mentee;
use super::session::Me;
use super::views::names;
use crate::app::coordinators::SignedIn;
use crate::app::flags::{self, PairFlag};
use crate::app::{App, AppError, console, rematch};
use crate::domain::health::{FlagStatus, Resolution, Rule};
use crate::domain::matches::MatchStatus;
use crate::http::pages::render::Page;

/// One flag as the list shows it.
struct FlagLine {
    id: String,
    title: &'static str,
    rule: String,
    mentee: String,
    mentee_id: String,
    mentor: String,
    about: Option<String>,
    health_code: &'static str,
    health: &'static str,
    severity: String,
    evidence: String,
    raised: String,
    status: String,
    history: String,
    open: bool,
    resolved: bool,
    /// Messages beside this flag's resolve form, and what was typed, after a refused resolve.
    resolution_error: Option<String>,
    note_error: Option<String>,
    typed_resolution: String,
    typed_note: String,
}

#[derive(Template)]
#[template(path = "console/flags.html")]
struct FlagsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    note: Option<String>,
    /// Anchors and messages of a refused resolve, for the summary at the top.
    errors: Vec<(String, String)>,
    open: i64,
    acknowledged: i64,
    status: String,
    rule: String,
    match_filter: String,
    statuses: Vec<(&'static str, &'static str)>,
    rules: Vec<(&'static str, &'static str)>,
    resolutions: Vec<(&'static str, &'static str)>,
    flags: Vec<FlagLine>,
}

/// The list's filters from the query string: status, rule and match.
struct Filters {
    status: String,
    rule: String,
    match_id: String,
}

fn filters(req: &HttpRequest) -> Filters {
    let get = crate::http::query::page_value(req);
    Filters {
        status: get("status"),
        rule: get("rule"),
        match_id: get("match"),
    }
}

/// What a refused resolve leaves on the page: the flag, the messages and what was typed.
struct Refused {
    flag: String,
    resolution: Option<String>,
    note: Option<String>,
    typed_resolution: String,
    typed_note: String,
}

fn when(t: chrono::DateTime<chrono::Utc>, app: &App) -> String {
    chrono::TimeZone::from_utc_datetime(&app.settings.checkins.timezone, &t.naive_utc())
        .format("%-d %b %Y, %H:%M")
        .to_string()
}

fn history(f: &PairFlag, app: &App) -> String {
    let r = &f.flag;
    match (r.resolved_at, r.acknowledged_at) {
        (Some(at), _) => {
            let how = r.resolution.map_or("", Resolution::label);
            let by = r.resolved_by.as_deref().unwrap_or("Belong");
            let note = r
                .note
                .as_deref()
                .map(|n| format!(" Note: {n}"))
                .unwrap_or_default();
            format!("Resolved {} by {by}: {how}.{note}", when(at, app))
        }
        (None, Some(at)) => format!(
            "Acknowledged {} by {}.",
            when(at, app),
            r.acknowledged_by.as_deref().unwrap_or("a coordinator")
        ),
        (None, None) => "Waiting for a coordinator.".into(),
    }
}

async fn show(
    app: &App,
    me: &SignedIn,
    f: Filters,
    status_code: StatusCode,
    note: Option<String>,
    refused: Option<Refused>,
) -> Result<HttpResponse, ConsoleError> {
    let status = FlagStatus::parse(&f.status).ok();
    let rule = Rule::parse(&f.rule).ok();
    let match_id = Uuid::parse_str(&f.match_id).ok();
    let list = flags::worklist_flags(app, status, rule, match_id).await?;
    let (open, acknowledged) = flags::waiting(app).await?;
    let ids: Vec<Uuid> = list
        .iter()
        .flat_map(|f| [&f.mentee_id, &f.mentor_id])
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect();
    let names: HashMap<Uuid, String> = names(app, ids).await?;
    let name = |id: &str| {
        Uuid::parse_str(id)
            .ok()
            .and_then(|u| names.get(&u).cloned())
            .unwrap_or_else(|| "(erased)".into())
    };
    let mut errors = Vec::new();
    let lines = list
        .iter()
        .map(|flag| {
            let r = &flag.flag;
            let mine = refused.as_ref().filter(|x| x.flag == r.id);
            if let Some(x) = mine {
                if let Some(m) = &x.resolution {
                    errors.push((format!("resolution-{}", r.id), m.clone()));
                }
                if let Some(m) = &x.note {
                    errors.push((format!("note-{}", r.id), m.clone()));
                }
            }
            let health = flag.health;
            FlagLine {
                id: r.id.clone(),
                title: r.rule.title(),
                rule: r.rule.as_str().to_string(),
                mentee: name(&flag.mentee_id),
                mentee_id: flag.mentee_id.clone(),
                mentor: name(&flag.mentor_id),
                about: r.role.map(|role| role.as_str().to_string()),
                health_code: health.map_or("ended", |h| h.as_str()),
                health: health.map_or("Match ended", |h| h.label()),
                severity: r.severity.as_str().to_string(),
                evidence: r.evidence.clone(),
                raised: when(r.raised_at, app),
                status: r.status.as_str().to_string(),
                history: history(flag, app),
                open: r.status == FlagStatus::Open,
                resolved: r.status == FlagStatus::Resolved,
                resolution_error: mine.and_then(|x| x.resolution.clone()),
                note_error: mine.and_then(|x| x.note.clone()),
                typed_resolution: mine.map(|x| x.typed_resolution.clone()).unwrap_or_default(),
                typed_note: mine.map(|x| x.typed_note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let page = Page::new(app);
    Ok(page.html(
        status_code,
        FlagsPage {
            program: &page.program,
            me,
            note,
            errors,
            open,
            acknowledged,
            status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            rule: f.rule,
            match_filter: match_id.map(|m| m.to_string()).unwrap_or_default(),
            statuses: FlagStatus::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            rules: Rule::ALL.iter().map(|r| (r.as_str(), r.title())).collect(),
            resolutions: Resolution::CHOSEN
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            flags: lines,
        },
    ))
}

pub async fn list(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    show(&app, &me.0, filters(&req), StatusCode::OK, None, None).await
}

/// The coordinator as records of who did what show them.
fn who(me: &SignedIn) -> String {
    format!("{} <{}>", me.name, me.email)
}

/// After an action the list shows again with the filters it had (carried in the form).
fn kept_filters(form: &Form) -> Filters {
    let get = |k: &str| form.one(k).unwrap_or_default().to_string();
    Filters {
        status: get("status"),
        rule: get("rule"),
        match_id: get("match"),
    }
}

fn not_done(e: AppError) -> Result<String, ConsoleError> {
    Ok(format!("Not done: {}.", refusal(e)?))
}

pub async fn acknowledge(
    app: web::Data<App>,
    form: Form,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let note = match Uuid::parse_str(&id) {
        Err(_) => "Not done: that flag no longer exists.".to_string(),
        Ok(id) => match flags::acknowledge_flag(&app, id, who(&form.me)).await {
            Ok(f) => format!(
                "Acknowledged: {}. Resolve it once you have acted.",
                f.flag.rule.title()
            ),
            Err(e) => not_done(e)?,
        },
    };
    show(
        &app,
        &form.me,
        kept_filters(&form),
        StatusCode::OK,
        Some(note),
        None,
    )
    .await
}

pub async fn resolve(
    app: web::Data<App>,
    form: Form,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let Ok(flag) = Uuid::parse_str(&id) else {
        let note = Some("Not done: that flag no longer exists.".to_string());
        return show(
            &app,
            &form.me,
            kept_filters(&form),
            StatusCode::OK,
            note,
            None,
        )
        .await;
    };
    let typed = |k: &str| form.one(k).unwrap_or_default().to_string();
    let outcome = flags::resolve_flag(
        &app,
        flag,
        who(&form.me),
        form.one("resolution").map(str::to_string),
        form.one("note").map(str::to_string),
    )
    .await;
    let (status, note, refused) = match outcome {
        Ok(f) => (
            StatusCode::OK,
            Some(format!("Resolved: {}.", f.flag.rule.title())),
            None,
        ),
        Err(AppError::Validation(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(Refused {
                flag: flag.to_string(),
                resolution: errors.message_for("resolution").map(|m| {
                    if form.one("resolution").unwrap_or_default().trim().is_empty() {
                        "Choose what was done about this flag.".to_string()
                    } else {
                        format!("Resolution: {m}")
                    }
                }),
                note: errors.message_for("note").map(|m| format!("Note: {m}")),
                typed_resolution: typed("resolution"),
                typed_note: typed("note"),
            }),
        ),
        Err(e) => (StatusCode::OK, Some(not_done(e)?), None),
    };
    show(&app, &form.me, kept_filters(&form), status, note, refused).await
}

#[derive(Template)]
#[template(path = "console/rematch.html")]
struct RematchPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    match_id: String,
    mentee_id: String,
    mentee: String,
    mentor: String,
    /// The mentor a re-match would propose, or why none can be.
    next: Result<String, String>,
    reason: String,
    error: Option<String>,
}

async fn rematch_page(
    app: &App,
    me: &SignedIn,
    id: Uuid,
    status: StatusCode,
    reason: String,
    error: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let page = Page::new(app);
    let m = match console::find_match(app, id).await? {
        Some(m) if m.status == MatchStatus::Approved => m,
        Some(m) => {
            return show_mentee(
                app,
                me,
                m.mentee_id,
                Some(format!(
                    "Only a running match can be re-matched; this one is {}.",
                    m.status
                )),
            )
            .await;
        }
        None => {
            return Ok(page.message(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such match.",
                "/coordinator/flags",
                "Pair health flags",
            ));
        }
    };
    let next = rematch::preview(app, id).await?;
    let mut ids = vec![m.mentee_id, m.mentor_id];
    if let Ok(next) = next {
        ids.push(next);
    }
    let names = names(app, ids).await?;
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| "(erased)".into());
    Ok(page.html(
        status,
        RematchPage {
            program: &page.program,
            me,
            match_id: id.to_string(),
            mentee_id: m.mentee_id.to_string(),
            mentee: name(&m.mentee_id),
            mentor: name(&m.mentor_id),
            next: next.map(|n| name(&n)),
            reason,
            error,
        },
    ))
}

fn not_found(app: &App) -> HttpResponse {
    Page::new(app).message(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no such match.",
        "/coordinator/flags",
        "Pair health flags",
    )
}

pub async fn confirm_rematch(
    app: web::Data<App>,
    me: Me,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    match Uuid::parse_str(&id) {
        Ok(id) => rematch_page(&app, &me.0, id, StatusCode::OK, String::new(), None).await,
        Err(_) => Ok(not_found(&app)),
    }
}

pub async fn do_rematch(
    app: web::Data<App>,
    form: Form,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let me = &form.me;
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(&app));
    };
    let reason = form.one("reason").unwrap_or_default().to_string();
    match rematch::rematch(&app, id, Some(reason.clone()), me.name.clone()).await {
        Ok(done) => {
            let names = names(&app, [done.ended.mentor_id, done.proposal.mentor_id]).await?;
            let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
            let note = format!(
                "Re-matched: the match with {} has ended, and {} is proposed instead. \
                 Approve the proposal to introduce them.",
                name(&done.ended.mentor_id),
                name(&done.proposal.mentor_id)
            );
            show_mentee(&app, me, done.ended.mentee_id, Some(note)).await
        }
        Err(AppError::Validation(errors)) => {
            let message = errors
                .message_for("reason")
                .map(|_| "Say why the pair is re-matched, for the record (up to 500 characters).")
                .unwrap_or("Please check the form.")
                .to_string();
            rematch_page(
                &app,
                me,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                reason,
                Some(message),
            )
            .await
        }
        Err(AppError::NotFound(_)) => Ok(not_found(&app)),
        Err(AppError::Conflict { message, .. }) => match console::find_match(&app, id).await? {
            Some(m) => {
                show_mentee(
                    &app,
                    me,
                    m.mentee_id,
                    Some(format!("Not re-matched: {message}.")),
                )
                .await
            }
            None => Ok(not_found(&app)),
        },
        Err(e) => Err(e.into()),
    }
}
