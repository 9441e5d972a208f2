//! The coordinators' console: sign-in, the overview, matching runs with a preview, proposals
//! with their explanations (approve or reject, one by one or in bulk), and email delivery.
//! Every action goes through the same application services as the API.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::csrf;
use super::render::Page;
use crate::app::coordinators::{self, LoginError, SignedIn};
use crate::app::profiles;
use crate::app::{App, AppError, console, emails, matching};
use crate::domain::matches::{Decision, Match};
use crate::domain::matching::score::Explained;
use crate::domain::profile::{Mentee, MenteeStatus, Mentor, MentorStatus, PersonDetails};

pub const SESSION_COOKIE: &str = "belong_session";

/// Registers the console's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/coordinator/login")
            .route(web::get().to(login_form))
            .route(web::post().to(login)),
    )
    .route("/coordinator/logout", web::post().to(logout))
    .route("/coordinator", web::get().to(overview))
    .route("/coordinator/proposals", web::get().to(proposals))
    .route("/coordinator/matching-runs", web::post().to(run))
    .route(
        "/coordinator/matches/selected",
        web::post().to(decide_selected),
    )
    .route("/coordinator/matches/{id}/approve", web::post().to(approve))
    .route("/coordinator/matches/{id}/reject", web::post().to(reject))
    .route("/coordinator/mentees", web::get().to(mentees))
    .route("/coordinator/mentees/{id}", web::get().to(mentee))
    .route("/coordinator/mentors", web::get().to(mentors))
    .route("/coordinator/matches", web::post().to(propose))
    .route("/coordinator/matches/{id}/end", web::post().to(end))
    .service(
        web::resource("/coordinator/settings")
            .route(web::get().to(settings))
            .route(web::post().to(save_settings)),
    )
    .route("/coordinator/emails", web::get().to(emails_page))
    .route(
        "/coordinator/emails/{id}/retry",
        web::post().to(retry_email),
    );
}

pub const ROUTES: &[(&str, &[&str])] = &[
    ("/coordinator/login", &["GET", "POST"]),
    ("/coordinator/logout", &["POST"]),
    ("/coordinator", &["GET"]),
    ("/coordinator/proposals", &["GET"]),
    ("/coordinator/matching-runs", &["POST"]),
    ("/coordinator/matches/selected", &["POST"]),
    ("/coordinator/matches/{id}/approve", &["POST"]),
    ("/coordinator/matches/{id}/reject", &["POST"]),
    ("/coordinator/mentees", &["GET"]),
    ("/coordinator/mentees/{id}", &["GET"]),
    ("/coordinator/mentors", &["GET"]),
    ("/coordinator/matches", &["POST"]),
    ("/coordinator/matches/{id}/end", &["POST"]),
    ("/coordinator/settings", &["GET", "POST"]),
    ("/coordinator/emails", &["GET"]),
    ("/coordinator/emails/{id}/retry", &["POST"]),
];

/// Why a console request cannot go on: no session (→ the sign-in page) or a bad form token.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("not signed in")]
    SignIn,
    #[error("the form has expired")]
    Forbidden,
    #[error("{0}")]
    App(AppError),
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::SignIn => StatusCode::SEE_OTHER,
            ConsoleError::Forbidden => StatusCode::FORBIDDEN,
            ConsoleError::App(AppError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            ConsoleError::App(AppError::NotFound(_)) => StatusCode::NOT_FOUND,
            ConsoleError::App(AppError::Conflict { .. }) => StatusCode::CONFLICT,
            ConsoleError::App(AppError::Validation(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ConsoleError::App(AppError::Internal(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ConsoleError::SignIn => HttpResponse::SeeOther()
                .insert_header(("Location", "/coordinator/login"))
                .finish(),
            ConsoleError::Forbidden => super::render::html_response(
                StatusCode::FORBIDDEN,
                "<!DOCTYPE html><html lang=\"en\"><title>Please try again</title><main><h1>Please try again</h1>\
                 <p>That form had expired. <a href=\"/coordinator\">Back to the console</a>.</p></main></html>"
                    .into(),
            ),
            ConsoleError::App(
                e @ (AppError::NotFound(_) | AppError::Conflict { .. } | AppError::Validation(_)),
            ) => super::render::Page::current().message(
                self.status_code(),
                "That could not be done",
                &format!("{}.", capitalised(&e.to_string())),
                "/coordinator",
                "Back to the console",
            ),
            ConsoleError::App(e) => {
                super::render::Page::current().failure(e, "/coordinator", "Back to the console")
            }
        }
    }
}

/// "the mentor…" → "The mentor…", for a message that starts a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The signed-in coordinator; without a live session, a redirect to the sign-in page.
pub struct Me(pub SignedIn);

impl FromRequest for Me {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ConsoleError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let app = req.app_data::<web::Data<App>>().cloned();
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        Box::pin(async move {
            let (Some(app), Some(cookie)) = (app, cookie) else {
                return Err(ConsoleError::SignIn);
            };
            match coordinators::session(&app, &cookie).await {
                Ok(Some(me)) => Ok(Me(me)),
                Ok(None) => Err(ConsoleError::SignIn),
                Err(e) => Err(ConsoleError::App(e)),
            }
        })
    }
}

/// The console's POST forms: their fields, once the session's token is checked.
pub(super) struct Form(pub(super) Vec<(String, String)>);

impl Form {
    pub(super) fn parse(me: &SignedIn, body: &[u8]) -> Result<Form, ConsoleError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|_| ConsoleError::Forbidden)?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == csrf::FIELD)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if bool::from(token.as_bytes().ct_eq(me.csrf_token.as_bytes())) {
            Ok(Form(pairs))
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    pub(super) fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage<'a> {
    program: &'a str,
    contact_email: &'a str,
    csrf_token: &'a str,
    email: &'a str,
    error: Option<&'a str>,
}

fn login_page(
    app: &App,
    req: &HttpRequest,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> HttpResponse {
    let page = Page::new(app);
    let (token, cookie) = csrf::issue(req, &app.keys.form, secure(app));
    let mut response = page.html(
        status,
        LoginPage {
            program: &page.program,
            contact_email: &page.contact_email,
            csrf_token: &token,
            email,
            error,
        },
    );
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

fn secure(app: &App) -> bool {
    app.settings.server.public_url.scheme() == "https"
}

async fn login_form(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    login_page(&app, &req, StatusCode::OK, "", None)
}

async fn login(app: web::Data<App>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    if !csrf::verify(&req, &app.keys.form, Some(field(csrf::FIELD))) {
        return login_page(
            &app,
            &req,
            StatusCode::FORBIDDEN,
            field("email"),
            Some("The sign-in form had expired. Please try again."),
        );
    }
    let address = crate::http::client::address(&req, &app.settings.server.trusted_proxies)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    match coordinators::login(&app, field("email"), field("password"), &address).await {
        Ok(session) => {
            let cookie = Cookie::build(SESSION_COOKIE, session.cookie)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure(&app))
                .max_age(CookieDuration::hours(i64::from(
                    app.settings.server.session_hours,
                )))
                .finish();
            let mut response = HttpResponse::SeeOther()
                .insert_header(("Location", "/coordinator"))
                .finish();
            let _ = response.add_cookie(&cookie);
            response
        }
        Err(LoginError::Invalid) => login_page(
            &app,
            &req,
            StatusCode::UNAUTHORIZED,
            field("email"),
            Some("That email and password do not match a coordinator's login."),
        ),
        Err(LoginError::Throttled { retry_after_secs }) => retry_later(
            login_page(
                &app,
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                field("email"),
                Some(&format!(
                    "Too many unsuccessful attempts. Please wait {} and try again.",
                    how_long(retry_after_secs)
                )),
            ),
            retry_after_secs,
        ),
        Err(LoginError::Busy) => retry_later(
            login_page(
                &app,
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                field("email"),
                Some("Signing in is very busy just now. Please wait a few seconds and try again."),
            ),
            BUSY_RETRY_SECS,
        ),
        Err(LoginError::Unavailable(e)) => {
            tracing::warn!(error = %e, "sign-in failed");
            login_page(
                &app,
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                field("email"),
                Some("We could not sign you in just now. Please try again in a minute."),
            )
        }
    }
}

/// How long a sign-in turned away because every password check was busy should wait.
const BUSY_RETRY_SECS: u64 = 2;

fn retry_later(mut response: HttpResponse, secs: u64) -> HttpResponse {
    response.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        actix_web::http::header::HeaderValue::from(secs),
    );
    response
}

/// A wait in plain words: "30 seconds", "1 minute", "15 minutes" (rounded up).
fn how_long(secs: u64) -> String {
    match secs {
        0..=1 => "1 second".into(),
        2..=59 => format!("{secs} seconds"),
        60..=119 => "1 minute".into(),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

async fn logout(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    Form::parse(&me.0, &body)?;
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        coordinators::logout(&app, cookie.value())
            .await
            .map_err(ConsoleError::App)?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    let mut response = HttpResponse::SeeOther()
        .insert_header(("Location", "/coordinator/login"))
        .finish();
    let _ = response.add_cookie(&gone);
    Ok(response)
}

#[derive(Template)]
#[template(path = "console/overview.html")]
struct OverviewPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    waiting: usize,
    longest_wait_days: Option<i64>,
    mentors_free: usize,
    free_places: u32,
    proposals: usize,
    emails_queued: i64,
    emails_failed: i64,
    flags_open: i64,
    flags_acknowledged: i64,
}

pub(super) fn app_error(e: AppError) -> ConsoleError {
    ConsoleError::App(e)
}

async fn overview(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    let o = console::overview(&app).await.map_err(app_error)?;
    let (flags_open, flags_acknowledged) =
        crate::app::flags::waiting(&app).await.map_err(app_error)?;
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        OverviewPage {
            program: &page.program,
            me: &me.0,
            waiting: o.waiting,
            longest_wait_days: o.longest_wait_days,
            mentors_free: o.mentors_free,
            free_places: o.free_places,
            proposals: o.proposals,
            emails_queued: o.emails_queued,
            emails_failed: o.emails_failed,
            flags_open,
            flags_acknowledged,
        },
    ))
}

struct LineView {
    criterion: &'static str,
    points: String,
    max: String,
    detail: String,
}

struct ProposalView {
    id: String,
    mentee: String,
    mentor: String,
    score: String,
    lines: Vec<LineView>,
}

fn lines(explanation: &[Explained]) -> Vec<LineView> {
    explanation
        .iter()
        .map(|e| LineView {
            criterion: e.criterion.as_str(),
            points: e.points.to_string(),
            max: e.max_points.to_string(),
            detail: e.detail.clone(),
        })
        .collect()
}

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

async fn names_for(
    app: &App,
    ids: impl Iterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, ConsoleError> {
    console::names(app, ids.collect()).await.map_err(app_error)
}

async fn show_proposals(
    app: &App,
    me: &SignedIn,
    note: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let open: Vec<Match> = console::open_proposals(app).await.map_err(app_error)?;
    let names = names_for(app, open.iter().flat_map(|m| [m.mentee_id, m.mentor_id])).await?;
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

async fn proposals(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    show_proposals(&app, &me.0, None).await
}

async fn run(app: web::Data<App>, me: Me, body: web::Bytes) -> Result<HttpResponse, ConsoleError> {
    let form = Form::parse(&me.0, &body)?;
    let dry_run = form.one("dry_run") != Some("0");
    let run = matching::run(&app, None, dry_run)
        .await
        .map_err(app_error)?;
    if !dry_run {
        let note = format!(
            "Matching stored {} proposal{}; {} mentee{} could not be matched this time.",
            run.outcome.proposals.len(),
            if run.outcome.proposals.len() == 1 {
                ""
            } else {
                "s"
            },
            run.outcome.unmatched.len(),
            if run.outcome.unmatched.len() == 1 {
                ""
            } else {
                "s"
            },
        );
        return show_proposals(&app, &me.0, Some(note)).await;
    }
    let ids = run
        .outcome
        .proposals
        .iter()
        .flat_map(|p| [p.mentee_id.as_str(), p.mentor_id.as_str()])
        .chain(run.outcome.unmatched.iter().map(|u| u.mentee_id.as_str()))
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect::<Vec<_>>();
    let names = names_for(&app, ids.into_iter()).await?;
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
            me: &me.0,
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
        Err(AppError::Conflict { message, .. }) | Err(AppError::NotFound(message)) => {
            format!("Not done: {message}.")
        }
        Err(e) => return Err(app_error(e)),
    };
    show_proposals(app, me, Some(note)).await
}

async fn approve(
    app: web::Data<App>,
    me: Me,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    Form::parse(&me.0, &body)?;
    decide(&app, &me.0, &id, Decision::Approve, None).await
}

async fn reject(
    app: web::Data<App>,
    me: Me,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form::parse(&me.0, &body)?;
    let reason = form.one("reason").map(str::to_string);
    decide(&app, &me.0, &id, Decision::Reject, reason).await
}

/// Approves or rejects every selected proposal; says which could not be done and why.
async fn decide_selected(
    app: web::Data<App>,
    me: Me,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form::parse(&me.0, &body)?;
    let ids: Vec<Uuid> = form
        .0
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| Uuid::parse_str(v).ok())
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
            Err(AppError::Validation(errors)) => refused.push(errors.to_string()),
            Err(AppError::Conflict { message, .. }) | Err(AppError::NotFound(message)) => {
                refused.push(message)
            }
            Err(e) => return Err(app_error(e)),
        }
    }
    let mut note = format!("{verb} {done} of {} selected.", ids.len());
    if !refused.is_empty() {
        refused.dedup();
        note.push_str(&format!(" Not done: {}.", refused.join("; ")));
    }
    show_proposals(&app, &me.0, Some(note)).await
}

struct EmailRowView {
    id: String,
    subject: String,
    status: String,
    attempts: i32,
    last_error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/emails.html")]
struct EmailsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    queued: i64,
    sent: i64,
    failed: i64,
    emails: Vec<EmailRowView>,
}

async fn emails_page(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    let (page_rows, counts) = emails::list(&app, None, None, 0, 200)
        .await
        .map_err(app_error)?;
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        EmailsPage {
            program: &page.program,
            me: &me.0,
            queued: counts.queued,
            sent: counts.sent,
            failed: counts.failed,
            emails: page_rows
                .items
                .into_iter()
                .map(|r| EmailRowView {
                    id: r.id,
                    subject: r.subject,
                    status: r.status,
                    attempts: r.attempts,
                    last_error: r.last_error,
                })
                .collect(),
        },
    ))
}

async fn retry_email(
    app: web::Data<App>,
    me: Me,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    Form::parse(&me.0, &body)?;
    if let Ok(id) = Uuid::parse_str(&id) {
        match emails::retry(&app, id).await {
            Ok(_) | Err(AppError::Conflict { .. }) | Err(AppError::NotFound(_)) => {}
            Err(e) => return Err(app_error(e)),
        }
    }
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/coordinator/emails"))
        .finish())
}

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
    statuses: Vec<&'static str>,
    headers: Vec<&'static str>,
    rows: Vec<PersonRow>,
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
    statuses: Vec<&'static str>,
    last_column: &'static str,
    rows: Vec<PersonRow>,
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
        },
    )
}

async fn mentees(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let (q, status) = filters(&req);
    let (list, _) = profiles::list::<Mentee>(&app, MenteeStatus::parse(&status).ok(), None, 200)
        .await
        .map_err(app_error)?;
    let today = chrono::Utc::now();
    let rows = list
        .iter()
        .filter(|m| matches_search(&q, &m.details.person))
        .map(|m| {
            let link = Some(format!("/coordinator/mentees/{}", m.id.0));
            let waited = format!("{} days", (today - m.created_at).num_days());
            person_row(&app, &m.details.person, link, m.status.as_str(), waited)
        })
        .collect();
    let people = People {
        heading: "Mentees",
        path: "/coordinator/mentees",
        statuses: MenteeStatus::ALL.iter().map(|s| s.as_str()).collect(),
        last_column: "Signed up",
        rows,
    };
    Ok(people_page(&app, &me.0, (q, status), people))
}

async fn mentors(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let (q, status) = filters(&req);
    let (list, _) = profiles::list::<Mentor>(&app, MentorStatus::parse(&status).ok(), None, 200)
        .await
        .map_err(app_error)?;
    let rows = list
        .iter()
        .filter(|m| matches_search(&q, &m.details.person))
        .map(|m| {
            let capacity = u32::from(m.details.capacity.get());
            let free = format!(
                "{} of {capacity} places free",
                capacity.saturating_sub(m.active_mentees)
            );
            person_row(&app, &m.details.person, None, m.status.as_str(), free)
        })
        .collect();
    let people = People {
        heading: "Mentors",
        path: "/coordinator/mentors",
        statuses: MentorStatus::ALL.iter().map(|s| s.as_str()).collect(),
        last_column: "Capacity",
        rows,
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
    health: Option<super::health::Panel>,
    candidates: Vec<ProposalView>,
}

pub(super) async fn show_mentee(
    app: &App,
    me: &SignedIn,
    id: Uuid,
    note: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    use crate::domain::matches::MatchStatus;
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
        Err(e) => return Err(app_error(e)),
    };
    let candidates = matching::candidates(app, id, 10).await.map_err(app_error)?;
    let current = console::matches_of(app, id, MatchStatus::Approved)
        .await
        .map_err(app_error)?
        .into_iter()
        .next();
    let mut ids: Vec<Uuid> = candidates
        .iter()
        .filter_map(|c| Uuid::parse_str(&c.mentor_id).ok())
        .collect();
    ids.extend(current.iter().map(|m| m.mentor_id));
    let names = names_for(app, ids.into_iter()).await?;
    let checkins = match &current {
        Some(m) => crate::app::checkins::list(app, Some(m.id), None, 0, 100)
            .await
            .map_err(app_error)?
            .items
            .into_iter()
            .map(|c| CheckinLine {
                step: c.step,
                who: c.role,
                due: c.due_at.format("%-d %b %Y").to_string(),
                status: c.status,
            })
            .collect(),
        None => Vec::new(),
    };
    let health = match &current {
        Some(m) => Some(super::health::panel(app, m.id).await?),
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

async fn mentee(
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

async fn propose(
    app: web::Data<App>,
    me: Me,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form::parse(&me.0, &body)?;
    let id = |k: &str| form.one(k).and_then(|v| Uuid::parse_str(v).ok());
    let (Some(mentee), Some(mentor)) = (id("mentee_id"), id("mentor_id")) else {
        return show_proposals(
            &app,
            &me.0,
            Some("Not done: choose a mentee and a mentor.".into()),
        )
        .await;
    };
    let note = match matching::propose(&app, mentee, mentor).await {
        Ok(_) => "Proposed. Review and approve it below.".to_string(),
        Err(AppError::Conflict { message, .. }) => format!("Not proposed: {message}."),
        Err(AppError::Validation(errors)) => format!("Not proposed: {errors}."),
        Err(e) => return Err(app_error(e)),
    };
    show_proposals(&app, &me.0, Some(note)).await
}

async fn end(
    app: web::Data<App>,
    me: Me,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form::parse(&me.0, &body)?;
    let Ok(id) = Uuid::parse_str(&id) else {
        return show_proposals(&app, &me.0, Some("That match no longer exists.".into())).await;
    };
    let reason = form.one("reason").map(str::to_string);
    let m = console::find_match(&app, id).await.map_err(app_error)?;
    let note = match matching::decide(&app, id, Decision::End, reason).await {
        Ok(_) => "The match has ended; the mentee is waiting again and the mentor's place is free."
            .to_string(),
        Err(AppError::Validation(errors)) => format!("Not ended: {errors}."),
        Err(AppError::Conflict { message, .. }) | Err(AppError::NotFound(message)) => {
            format!("Not ended: {message}.")
        }
        Err(e) => return Err(app_error(e)),
    };
    match m {
        Some(m) => show_mentee(&app, &me.0, m.mentee_id, Some(note)).await,
        None => show_proposals(&app, &me.0, Some(note)).await,
    }
}

#[derive(Template)]
#[template(path = "console/settings.html")]
struct SettingsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    note: Option<String>,
    errors: Vec<(String, String)>,
    weights: Vec<(&'static str, String)>,
    numbers: Vec<(&'static str, &'static str, String)>,
}

fn settings_page(
    app: &App,
    me: &SignedIn,
    status: StatusCode,
    values: &crate::domain::matching::settings::MatchingSettings,
    typed: Option<&Form>,
    note: Option<String>,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let shown = |name: &str, current: String| {
        typed
            .and_then(|f| f.one(name))
            .map_or(current, str::to_string)
    };
    let page = Page::new(app);
    page.html(
        status,
        SettingsPage {
            program: &page.program,
            me,
            note,
            errors,
            weights: values
                .weights
                .iter()
                .map(|(c, p)| (c.as_str(), shown(c.as_str(), p.to_string())))
                .collect(),
            numbers: vec![
                (
                    "min_score",
                    "Minimum score (0–100): pairs below it are never proposed",
                    shown("min_score", values.min_score.to_string()),
                ),
                (
                    "default_capacity",
                    "Mentees per mentor when they do not say (1–10)",
                    shown(
                        "default_capacity",
                        values.default_capacity.get().to_string(),
                    ),
                ),
                (
                    "min_mentor_years",
                    "A mentor's minimum years of experience (0–60)",
                    shown(
                        "min_mentor_years",
                        values.min_mentor_years.get().to_string(),
                    ),
                ),
            ],
        },
    )
}

async fn settings(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    let current = matching::settings(&app).await.map_err(app_error)?;
    Ok(settings_page(
        &app,
        &me.0,
        StatusCode::OK,
        &current,
        None,
        None,
        Vec::new(),
    ))
}

async fn save_settings(
    app: web::Data<App>,
    me: Me,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    use crate::domain::matching::settings::{Criterion, SettingsInput};
    let form = Form::parse(&me.0, &body)?;
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut number = |name: &str| -> Option<f64> {
        let text = form.one(name).unwrap_or_default().trim();
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                errors.push((format!("field-{name}"), format!("{name}: must be a number")));
                None
            }
        }
    };
    let weights: Vec<(String, f64)> = Criterion::ALL
        .iter()
        .filter_map(|c| number(c.as_str()).map(|n| (c.as_str().to_string(), n)))
        .collect();
    let min_score = number("min_score");
    let capacity = number("default_capacity");
    let years = number("min_mentor_years");
    let current = matching::settings(&app).await.map_err(app_error)?;
    if !errors.is_empty() {
        return Ok(settings_page(
            &app,
            &me.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            &current,
            Some(&form),
            None,
            errors,
        ));
    }
    let input = SettingsInput {
        weights: Some(weights),
        min_score,
        default_capacity: capacity.map(|n| n as i64),
        min_mentor_years: years.map(|n| n as i64),
        cross_profession: None,
    };
    match matching::update_settings(&app, input).await {
        Ok(saved) => Ok(settings_page(
            &app,
            &me.0,
            StatusCode::OK,
            &saved,
            None,
            Some("Saved. The next matching run uses these settings.".into()),
            Vec::new(),
        )),
        Err(AppError::Validation(problems)) => {
            let errors = problems
                .iter()
                .map(|e| {
                    let field =
                        e.field
                            .strip_prefix("weights.")
                            .unwrap_or(if e.field == "weights" {
                                "specialty"
                            } else {
                                &e.field
                            });
                    (
                        format!("field-{field}"),
                        format!("{}: {}", e.field, e.message),
                    )
                })
                .collect();
            Ok(settings_page(
                &app,
                &me.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                &current,
                Some(&form),
                None,
                errors,
            ))
        }
        Err(e) => Err(app_error(e)),
    }
}
