//! Mentees and mentors: the filtered lists, and a mentee's page (pair, health, candidates).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::errors::ConsoleError;
use super::session::Me;
use super::views::{ProposalView, lines, names};
use crate::app::coordinators::SignedIn;
use crate::app::{App, AppError, checkins, console, flags, matching, profiles};
use crate::domain::health::{FlagStatus, Health};
use crate::domain::matches::MatchStatus;
use crate::domain::profile::{Mentee, MenteeStatus, Mentor, MentorStatus, PersonDetails};
use crate::domain::words;
use crate::http::pages::render::Page;

/// A row of a people list: the name (linked where there is a page) and the other cells.
struct PersonRow {
    name: String,
    link: Option<String>,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/people.html")]
struct PeoplePage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    heading: &'a str,
    path: &'a str,
    q: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    headers: Vec<&'static str>,
    rows: Vec<PersonRow>,
    /// What to do next when the list is empty.
    empty: &'static str,
}

/// `q` and `status` from a list page's query string.
fn filters(req: &HttpRequest) -> (String, String) {
    let get = crate::http::query::page_value(req);
    (get("q"), get("status"))
}

fn matches_search(q: &str, person: &PersonDetails) -> bool {
    let q = q.to_lowercase();
    q.is_empty()
        || person.full_name.as_str().to_lowercase().contains(&q)
        || person.email.as_str().contains(&q)
}

fn person_row(
    app: &App,
    p: &PersonDetails,
    link: Option<String>,
    status: &str,
    last: String,
) -> PersonRow {
    let t = &app.settings.taxonomy;
    PersonRow {
        name: p.full_name.as_str().to_string(),
        link,
        cells: vec![
            format!(
                "{}, {}",
                t.professions.label(p.profession.as_str()),
                t.specialties.label(p.specialty.as_str())
            ),
            t.sites.label(p.site.as_str()).to_string(),
            p.shift.label().to_string(),
            status.to_string(),
            last,
        ],
    }
}

/// A list page of mentees or mentors.
struct People {
    heading: &'static str,
    path: &'static str,
    statuses: Vec<(&'static str, &'static str)>,
    last_column: &'static str,
    rows: Vec<PersonRow>,
    empty: &'static str,
}

fn people_page(
    app: &App,
    me: &SignedIn,
    (q, status): (String, String),
    people: People,
) -> HttpResponse {
    let page = Page::new(app);
    page.html(
        StatusCode::OK,
        PeoplePage {
            program: &page.program,
            me,
            heading: people.heading,
            path: people.path,
            q,
            status,
            statuses: people.statuses,
            headers: vec![
                "Name",
                "Profession and specialty",
                "Site",
                "Shift",
                "Status",
                people.last_column,
            ],
            rows: people.rows,
            empty: people.empty,
        },
    )
}

pub async fn mentees(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let (q, status) = filters(&req);
    let (list, _) =
        profiles::list::<Mentee>(&app, MenteeStatus::parse(&status).ok(), None, 200).await?;
    let today = chrono::Utc::now();
    let rows = list
        .iter()
        .filter(|m| matches_search(&q, &m.details.person))
        .map(|m| {
            let link = Some(format!("/coordinator/mentees/{}", m.id.0));
            let waited = words::count((today - m.created_at).num_days(), "day", "days");
            person_row(&app, &m.details.person, link, m.status.label(), waited)
        })
        .collect();
    let people = People {
        heading: "Mentees",
        path: "/coordinator/mentees",
        statuses: MenteeStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        last_column: "Signed up",
        rows,
        empty: "No mentees yet. People sign up as mentees on the form at /signup/mentee; \
                share that link with new staff, and each sign-up shows here.",
    };
    Ok(people_page(&app, &me.0, (q, status), people))
}

pub async fn mentors(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let (q, status) = filters(&req);
    let (list, _) =
        profiles::list::<Mentor>(&app, MentorStatus::parse(&status).ok(), None, 200).await?;
    let rows = list
        .iter()
        .filter(|m| matches_search(&q, &m.details.person))
        .map(|m| {
            let capacity = u32::from(m.details.capacity.get());
            let free = format!(
                "{} of {capacity} {} free",
                capacity.saturating_sub(m.active_mentees),
                words::noun(capacity, "place", "places")
            );
            person_row(&app, &m.details.person, None, m.status.label(), free)
        })
        .collect();
    let people = People {
        heading: "Mentors",
        path: "/coordinator/mentors",
        statuses: MentorStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        last_column: "Capacity",
        rows,
        empty: "No mentors yet. Experienced staff offer to mentor on the form at /signup/mentor; \
                share that link, and each offer shows here.",
    };
    Ok(people_page(&app, &me.0, (q, status), people))
}

struct CurrentMatch {
    id: String,
    mentor: String,
}

/// One check-in of the current pair, as the mentee's page lists it (never its answers).
struct CheckinLine {
    step: String,
    who: String,
    due: String,
    status: String,
}

/// A pair's health on the mentee's page.
struct Panel {
    match_id: String,
    code: &'static str,
    label: &'static str,
    /// (rule title, evidence) of each unresolved flag.
    flags: Vec<(&'static str, String)>,
}

/// The health panel of a running match.
async fn panel(app: &App, match_id: Uuid) -> Result<Panel, ConsoleError> {
    let h = flags::match_health(app, match_id).await?;
    let health = h.health.unwrap_or(Health::OnTrack);
    Ok(Panel {
        match_id: match_id.to_string(),
        code: health.as_str(),
        label: health.label(),
        flags: h
            .flags
            .into_iter()
            .filter(|f| f.status != FlagStatus::Resolved)
            .map(|f| (f.rule.title(), f.evidence))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "console/mentee.html")]
struct MenteePage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    name: String,
    summary: String,
    note: Option<String>,
    mentee_id: String,
    waiting: bool,
    current: Option<CurrentMatch>,
    checkins: Vec<CheckinLine>,
    health: Option<Panel>,
    candidates: Vec<ProposalView>,
}

/// A mentee's page, with a note on what was just done.
pub async fn show_mentee(
    app: &App,
    me: &SignedIn,
    id: Uuid,
    note: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let page = Page::new(app);
    let mentee: Mentee = match profiles::get(app, id).await {
        Ok(m) => m,
        Err(AppError::NotFound(_)) => {
            return Ok(page.message(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such mentee.",
                "/coordinator/mentees",
                "All mentees",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let candidates = matching::candidates(app, id, 10).await?;
    let current = console::matches_of(app, id, MatchStatus::Approved)
        .await?
        .into_iter()
        .next();
    let mut ids: Vec<Uuid> = candidates
        .iter()
        .filter_map(|c| Uuid::parse_str(&c.mentor_id).ok())
        .collect();
    ids.extend(current.iter().map(|m| m.mentor_id));
    let names = names(app, ids).await?;
    let checkins = match &current {
        Some(m) => checkins::list_checkins(app, Some(m.id), None, 0, 100)
            .await?
            .items
            .into_iter()
            .map(|c| CheckinLine {
                step: c.step,
                who: c.role.as_str().to_string(),
                due: c.due_at.format("%-d %b %Y").to_string(),
                status: c.status.as_str().to_string(),
            })
            .collect(),
        None => Vec::new(),
    };
    let health = match &current {
        Some(m) => Some(panel(app, m.id).await?),
        None => None,
    };
    let name = |id: &str| {
        Uuid::parse_str(id)
            .ok()
            .and_then(|u| names.get(&u).cloned())
            .unwrap_or_default()
    };
    let t = &app.settings.taxonomy;
    let p = &mentee.details.person;
    Ok(page.html(
        StatusCode::OK,
        MenteePage {
            program: &page.program,
            me,
            name: p.full_name.as_str().to_string(),
            summary: format!(
                "{}, {}, {}, {} shift; {}.",
                t.professions.label(p.profession.as_str()),
                t.specialties.label(p.specialty.as_str()),
                t.sites.label(p.site.as_str()),
                p.shift.label().to_lowercase(),
                mentee.status
            ),
            note,
            mentee_id: id.to_string(),
            waiting: mentee.status == MenteeStatus::Waiting,
            current: current.map(|m| CurrentMatch {
                id: m.id.to_string(),
                mentor: name(&m.mentor_id.to_string()),
            }),
            checkins,
            health,
            candidates: candidates
                .iter()
                .map(|c| ProposalView {
                    id: c.mentor_id.clone(),
                    mentee: String::new(),
                    mentor: name(&c.mentor_id),
                    score: c.score.to_string(),
                    lines: lines(&c.explanation),
                })
                .collect(),
        },
    ))
}

pub async fn mentee(
    app: web::Data<App>,
    me: Me,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    match Uuid::parse_str(&id) {
        Ok(id) => show_mentee(&app, &me.0, id, None).await,
        Err(_) => Ok(Page::new(&app).message(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is no such mentee.",
            "/coordinator/mentees",
            "All mentees",
        )),
    }
}
