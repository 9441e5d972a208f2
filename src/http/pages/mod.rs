//! Pages for people: the sign-up forms, the check-in pages and the coordinators' console. Server-rendered
//! HTML that needs no JavaScript and loads nothing from elsewhere.

pub mod charts;
pub mod checkin;
pub mod console;
pub mod csrf;
pub mod limit;
pub mod privacy;
pub mod render;
pub mod signup;

use actix_web::{HttpResponse, web};

use render::Page;

/// Registers the page routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    console::routes(cfg);
    cfg.route("/", web::get().to(home))
        .route("/static/belong.css", web::get().to(stylesheet))
        .route("/signup/thanks", web::get().to(signup::thanks))
        .route("/privacy", web::get().to(privacy::notice))
        .service(
            web::resource("/c/{token}")
                .route(web::get().to(checkin::show))
                .route(web::post().to(checkin::submit)),
        )
        .route("/c/{token}/thanks", web::get().to(checkin::thanks))
        .service(
            web::resource("/c/{token}/unsubscribe")
                .route(web::get().to(checkin::unsubscribe))
                .route(web::post().to(checkin::unsubscribe)),
        )
        .service(
            web::resource("/signup/mentee")
                .route(web::get().to(signup::mentee_form))
                .route(web::post().to(signup::mentee_submit)),
        )
        .service(
            web::resource("/signup/mentor")
                .route(web::get().to(signup::mentor_form))
                .route(web::post().to(signup::mentor_submit)),
        );
}

/// The page paths and their methods, for 405 answers.
pub const ROUTES: &[(&str, &[&str])] = &[
    ("/", &["GET"]),
    ("/static/belong.css", &["GET"]),
    ("/signup/thanks", &["GET"]),
    ("/privacy", &["GET"]),
    ("/signup/mentee", &["GET", "POST"]),
    ("/signup/mentor", &["GET", "POST"]),
    ("/c/{token}", &["GET", "POST"]),
    ("/c/{token}/thanks", &["GET"]),
    ("/c/{token}/unsubscribe", &["GET", "POST"]),
];

#[derive(askama::Template)]
#[template(path = "pages/home.html")]
struct Home<'a> {
    program: &'a str,
    contact_email: &'a str,
}

async fn home(app: web::Data<crate::app::App>) -> HttpResponse {
    let page = Page::new(&app);
    page.html(
        actix_web::http::StatusCode::OK,
        Home {
            program: &page.program,
            contact_email: &page.contact_email,
        },
    )
}

const CSS: &str = include_str!("../../../static/belong.css");

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(CSS)
}
