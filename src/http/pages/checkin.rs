//! `/c/{token}`: the check-in page a personal link opens. GET shows the questions (an answer
//! in the query string comes pre-chosen) and never records anything; only the POST does.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::render::Page;
use crate::app::checkins::{self, CheckinForm, NotRecorded, Opened};
use crate::app::{App, AppError};
use crate::domain::field_error::FieldErrors;
use crate::domain::survey::{Kind, Respondent};

struct ChoiceView {
    value: String,
    label: String,
    checked: bool,
}

struct QuestionView {
    key: String,
    text: String,
    required: bool,
    choices: Vec<ChoiceView>,
    long_text: bool,
    max: String,
    value: String,
    error: Option<String>,
    attribution: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/checkin.html")]
struct CheckinPage<'a> {
    program: &'a str,
    contact_email: &'a str,
    title: &'a str,
    first_name: &'a str,
    who_sees: &'a str,
    token: &'a str,
    questions: Vec<QuestionView>,
    errors: Vec<crate::domain::field_error::FieldError>,
    expires_on: String,
}

#[derive(Template)]
#[template(path = "pages/checkin_thanks.html")]
struct Thanks<'a> {
    program: &'a str,
    contact_email: &'a str,
    first_name: &'a str,
    already: bool,
    asked_for_contact: bool,
    mentor: bool,
}

#[derive(Template)]
#[template(path = "pages/unsubscribe.html")]
struct Unsubscribe<'a> {
    program: &'a str,
    contact_email: &'a str,
    token: &'a str,
    done: bool,
}

fn form_page(
    app: &App,
    status: StatusCode,
    token: &str,
    form: &CheckinForm,
    values: &[(String, String)],
    errors: &FieldErrors,
) -> HttpResponse {
    let page = Page::new(app);
    let settings = &app.settings;
    let value_of = |key: &str| {
        values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let questions = form
        .questions(settings)
        .into_iter()
        .map(|q| {
            let given = value_of(&q.key);
            QuestionView {
                key: q.key.clone(),
                text: q.text_for(form.who).to_string(),
                required: q.required,
                choices: q
                    .choices()
                    .into_iter()
                    .map(|(value, label)| ChoiceView {
                        checked: value == given,
                        value,
                        label,
                    })
                    .collect(),
                long_text: matches!(q.kind, Kind::Text { .. }),
                max: match q.kind {
                    Kind::Count { max } => max.to_string(),
                    Kind::Text { max_chars } => max_chars.to_string(),
                    _ => String::new(),
                },
                value: given.clone(),
                error: errors.message_for(&q.key).map(str::to_string),
                attribution: q.attribution.clone(),
            }
        })
        .collect();
    let title = settings
        .checkins
        .surveys
        .survey(&form.survey)
        .map(|s| s.title.as_str())
        .unwrap_or("Your check-in");
    let expires_on = form
        .expires_at
        .map(|e| {
            e.and_utc()
                .with_timezone(&settings.checkins.timezone)
                .format("%-d %B %Y")
                .to_string()
        })
        .unwrap_or_default();
    page.html(
        status,
        CheckinPage {
            program: &page.program,
            contact_email: &page.contact_email,
            title,
            first_name: &form.first_name,
            who_sees: &settings.checkins.who_sees,
            token,
            questions,
            errors: errors.iter().cloned().collect(),
            expires_on,
        },
    )
}

fn thanks_page(app: &App, form: &CheckinForm, already: bool) -> HttpResponse {
    let page = Page::new(app);
    page.html(
        StatusCode::OK,
        Thanks {
            program: &page.program,
            contact_email: &page.contact_email,
            first_name: &form.first_name,
            already,
            asked_for_contact: form.asked_for_contact,
            mentor: form.who == Respondent::Mentor,
        },
    )
}

fn unknown(app: &App) -> HttpResponse {
    Page::new(app).message(
        StatusCode::NOT_FOUND,
        "We do not know this link",
        "This check-in link is not one of ours, or part of it is missing. Please open it again from your email, or copy the whole address.",
        "/",
        "Go to the start page",
    )
}

fn gone(app: &App) -> HttpResponse {
    Page::new(app).message(
        StatusCode::GONE,
        "This check-in has closed",
        "The time to answer this check-in has passed, or the mentorship it was about has ended. There is nothing you need to do; the next check-in will come by email.",
        "/",
        "Go to the start page",
    )
}

fn unavailable(app: &App, e: &AppError) -> HttpResponse {
    Page::new(app).failure(e, "/", "Go to the start page")
}

/// Query-string answers (from the links in the email) that are valid choices: they are only
/// shown as chosen, never recorded.
fn preselected(app: &App, form: &CheckinForm, query: &str) -> Vec<(String, String)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let questions = form.questions(&app.settings);
    pairs
        .into_iter()
        .filter(|(k, v)| {
            questions
                .iter()
                .any(|q| &q.key == k && q.choices().iter().any(|(value, _)| value == v))
        })
        .collect()
}

pub async fn show(app: web::Data<App>, req: HttpRequest, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    match checkins::open(&app, token.clone()).await {
        Ok(None) => unknown(&app),
        Ok(Some(Opened::Gone)) => gone(&app),
        Ok(Some(Opened::Answered(form))) => thanks_page(&app, &form, true),
        Ok(Some(Opened::Open(form))) => {
            let chosen = preselected(&app, &form, req.query_string());
            form_page(
                &app,
                StatusCode::OK,
                &token,
                &form,
                &chosen,
                &FieldErrors::new(),
            )
        }
        Err(e) => unavailable(&app, &e),
    }
}

pub async fn submit(
    app: web::Data<App>,
    token: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let token = token.into_inner();
    let Ok(values) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return Page::new(&app).message(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "We could not read your answers. Please go back and send them again.",
            &format!("/c/{token}"),
            "Back to the check-in",
        );
    };
    match checkins::answer(&app, token.clone(), values.clone()).await {
        Ok(Ok(_)) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/c/{token}/thanks")))
            .finish(),
        Ok(Err(NotRecorded::Unknown)) => unknown(&app),
        Ok(Err(NotRecorded::Gone)) => gone(&app),
        Ok(Err(NotRecorded::AlreadyAnswered(form))) => {
            let mut response = thanks_page(&app, &form, true);
            *response.status_mut() = StatusCode::CONFLICT;
            response
        }
        Ok(Err(NotRecorded::Invalid(form, errors))) => form_page(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            &token,
            &form,
            &values,
            &errors,
        ),
        Err(e) => unavailable(&app, &e),
    }
}

pub async fn thanks(app: web::Data<App>, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    match checkins::open(&app, token.clone()).await {
        Ok(None) => unknown(&app),
        Ok(Some(Opened::Answered(form))) => thanks_page(&app, &form, false),
        Ok(Some(Opened::Open(_))) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/c/{token}")))
            .finish(),
        Ok(Some(Opened::Gone)) => gone(&app),
        Err(e) => unavailable(&app, &e),
    }
}

/// The opt-out page: GET asks (a scanner opening it changes nothing), POST stops reminders.
/// Mail clients POST `List-Unsubscribe=One-Click` here (RFC 8058).
pub async fn unsubscribe(
    app: web::Data<App>,
    req: HttpRequest,
    token: web::Path<String>,
) -> HttpResponse {
    let token = token.into_inner();
    let post = req.method() == actix_web::http::Method::POST;
    let known = if post {
        checkins::opt_out(&app, token.clone()).await
    } else {
        checkins::open(&app, token.clone())
            .await
            .map(|o| o.is_some())
    };
    match known {
        Ok(true) => {
            let page = Page::new(&app);
            page.html(
                StatusCode::OK,
                Unsubscribe {
                    program: &page.program,
                    contact_email: &page.contact_email,
                    token: &token,
                    done: post,
                },
            )
        }
        Ok(false) => unknown(&app),
        Err(e) => unavailable(&app, &e),
    }
}
