//! Matching runs (previewed first), the proposals to review, and every decision on a pair.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::errors::{ConsoleError, refusal};
use super::form::Form;
use super::people::show_mentee;
use super::session::Me;
use super::views::{ProposalView, lines, names};
use crate::app::coordinators::SignedIn;
use crate::app::{App, AppError, console, matching};
use crate::domain::matches::{Decision, Match};
use crate::domain::words;
use crate::http::pages::render::Page;

#[derive(Template)]
#[template(path = "console/proposals.html")]
struct ProposalsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    heading: &'a str,
    note: Option<String>,
    preview: bool,
    proposals: Vec<ProposalView>,
    unmatched: Vec<(String, String)>,
}

/// The open proposals, with a note on what was just done.
async fn show_proposals(
    app: &App,
    me: &SignedIn,
    note: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let open: Vec<Match> = console::open_proposals(app).await?;
    let names = names(app, open.iter().flat_map(|m| [m.mentee_id, m.mentor_id])).await?;
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| "(erased)".into());
    let proposals = open
        .iter()
        .map(|m| ProposalView {
            id: m.id.to_string(),
            mentee: name(&m.mentee_id),
            mentor: name(&m.mentor_id),
            score: m.score.to_string(),
            lines: lines(&m.explanation),
        })
        .collect();
    let page = Page::new(app);
    Ok(page.html(
        StatusCode::OK,
        ProposalsPage {
            program: &page.program,
            me,
            heading: "Proposals to review",
            note,
            preview: false,
            proposals,
            unmatched: Vec::new(),
        },
    ))
}

pub async fn proposals(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    show_proposals(&app, &me.0, None).await
}

/// A matching run: a preview of the pairs unless the form asks to store them.
pub async fn run(app: web::Data<App>, form: Form) -> Result<HttpResponse, ConsoleError> {
    let dry_run = form.one("dry_run") != Some("0");
    let run = matching::run(&app, None, dry_run).await?;
    if !dry_run {
        let note = format!(
            "Matching stored {}; {} could not be matched this time.",
            words::count(run.outcome.proposals.len() as i64, "proposal", "proposals"),
            words::count(run.outcome.unmatched.len() as i64, "mentee", "mentees"),
        );
        return show_proposals(&app, &form.me, Some(note)).await;
    }
    let ids = run
        .outcome
        .proposals
        .iter()
        .flat_map(|p| [p.mentee_id.as_str(), p.mentor_id.as_str()])
        .chain(run.outcome.unmatched.iter().map(|u| u.mentee_id.as_str()))
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect::<Vec<_>>();
    let names = names(&app, ids).await?;
    let name = |id: &str| {
        Uuid::parse_str(id)
            .ok()
            .and_then(|u| names.get(&u).cloned())
            .unwrap_or_else(|| id.to_string())
    };
    let proposals = run
        .outcome
        .proposals
        .iter()
        .map(|p| ProposalView {
            id: String::new(),
            mentee: name(&p.mentee_id),
            mentor: name(&p.mentor_id),
            score: p.score.to_string(),
            lines: lines(&p.explanation),
        })
        .collect();
    let unmatched = run
        .outcome
        .unmatched
        .iter()
        .map(|u| (name(&u.mentee_id), u.reason.clone()))
        .collect();
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        ProposalsPage {
            program: &page.program,
            me: &form.me,
            heading: "Preview: proposed pairs",
            note: Some(
                "Nothing is stored yet. Store these proposals to review and approve them.".into(),
            ),
            preview: true,
            proposals,
            unmatched,
        },
    ))
}

async fn decide(
    app: &App,
    me: &SignedIn,
    id: &str,
    decision: Decision,
    reason: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let Ok(id) = Uuid::parse_str(id) else {
        return show_proposals(app, me, Some("That proposal no longer exists.".into())).await;
    };
    let note = match matching::decide(app, id, decision, reason).await {
        Ok(_) if decision == Decision::Approve => {
            "Approved. The introduction email is on its way.".to_string()
        }
        Ok(_) => "Rejected. This pair will not be proposed again.".to_string(),
        Err(AppError::Validation(errors)) => format!("Not done: {errors}"),
        Err(e) => format!("Not done: {}.", refusal(e)?),
    };
    show_proposals(app, me, Some(note)).await
}

pub async fn approve(
    app: web::Data<App>,
    form: Form,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    decide(&app, &form.me, &id, Decision::Approve, None).await
}

pub async fn reject(
    app: web::Data<App>,
    form: Form,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let reason = form.one("reason").map(str::to_string);
    decide(&app, &form.me, &id, Decision::Reject, reason).await
}

/// Approves or rejects every selected proposal; says which could not be done and why.
pub async fn decide_selected(
    app: web::Data<App>,
    form: Form,
) -> Result<HttpResponse, ConsoleError> {
    let ids: Vec<Uuid> = form
        .fields
        .all("ids")
        .filter_map(|v| Uuid::parse_str(v).ok())
        .collect();
    let (decision, verb) = match form.one("decision") {
        Some("reject") => (Decision::Reject, "Rejected"),
        _ => (Decision::Approve, "Approved"),
    };
    let reason = form.one("reason").map(str::to_string);
    let (mut done, mut refused) = (0, Vec::new());
    for id in &ids {
        match matching::decide(&app, *id, decision, reason.clone()).await {
            Ok(_) => done += 1,
            Err(e) => refused.push(refusal(e)?),
        }
    }
    let mut note = format!("{verb} {done} of {} selected.", ids.len());
    if !refused.is_empty() {
        refused.dedup();
        note.push_str(&format!(" Not done: {}.", refused.join("; ")));
    }
    show_proposals(&app, &form.me, Some(note)).await
}

/// Proposes a pair the coordinator chose on the mentee's page.
pub async fn propose(app: web::Data<App>, form: Form) -> Result<HttpResponse, ConsoleError> {
    let id = |k: &str| form.one(k).and_then(|v| Uuid::parse_str(v).ok());
    let (Some(mentee), Some(mentor)) = (id("mentee_id"), id("mentor_id")) else {
        return show_proposals(
            &app,
            &form.me,
            Some("Not done: choose a mentee and a mentor.".into()),
        )
        .await;
    };
    let note = match matching::propose(&app, mentee, mentor).await {
        Ok(_) => "Proposed. Review and approve it below.".to_string(),
        Err(e @ (AppError::Conflict { .. } | AppError::Validation(_))) => {
            format!("Not proposed: {}.", refusal(e)?)
        }
        Err(e) => return Err(e.into()),
    };
    show_proposals(&app, &form.me, Some(note)).await
}

/// Ends a running match; the mentee's page shows again.
pub async fn end(
    app: web::Data<App>,
    form: Form,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let Ok(id) = Uuid::parse_str(&id) else {
        return show_proposals(&app, &form.me, Some("That match no longer exists.".into())).await;
    };
    let reason = form.one("reason").map(str::to_string);
    let m = console::find_match(&app, id).await?;
    let note = match matching::decide(&app, id, Decision::End, reason).await {
        Ok(_) => "The match has ended; the mentee is waiting again and the mentor's place is free."
            .to_string(),
        Err(e) => format!("Not ended: {}.", refusal(e)?),
    };
    match m {
        Some(m) => show_mentee(&app, &form.me, m.mentee_id, Some(note)).await,
        None => show_proposals(&app, &form.me, Some(note)).await,
    }
}
