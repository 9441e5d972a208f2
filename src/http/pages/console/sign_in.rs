//! Signing in to the console (throttled, with its own form token) and signing out.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::errors::ConsoleError;
use super::form::{Fields, Form};
use super::session::SESSION_COOKIE;
use crate::app::coordinators::{self, LoginError};
use crate::app::{App, AppError};
use crate::http::pages::csrf;
use crate::http::pages::render::Page;
use crate::http::problem::RETRY_AFTER_SECS;

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

pub async fn login_form(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    login_page(&app, &req, StatusCode::OK, "", None)
}

/// Signing in: the form's token is the cookie-bound one of `csrf`, as there is no session yet.
pub async fn login(app: web::Data<App>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let fields = Fields::parse(&body).unwrap_or_default();
    let field = |name: &str| fields.one(name).unwrap_or_default();
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
            // The same rule as every failure page: overload is 503 with Retry-After, anything
            // else a 500 logged as an error.
            let status = match e {
                AppError::Unavailable(_) => {
                    tracing::warn!(error = %e, "sign-in unavailable");
                    StatusCode::SERVICE_UNAVAILABLE
                }
                _ => {
                    tracing::error!(error = %e, "sign-in failed");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            let mut page = login_page(
                &app,
                &req,
                status,
                field("email"),
                Some("We could not sign you in just now. Please try again in a minute."),
            );
            if status == StatusCode::SERVICE_UNAVAILABLE {
                page.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from_static(RETRY_AFTER_SECS),
                );
            }
            page
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

pub async fn logout(
    app: web::Data<App>,
    req: HttpRequest,
    _form: Form,
) -> Result<HttpResponse, ConsoleError> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        coordinators::logout(&app, cookie.value()).await?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    let mut response = HttpResponse::SeeOther()
        .insert_header(("Location", "/coordinator/login"))
        .finish();
    let _ = response.add_cookie(&gone);
    Ok(response)
}
