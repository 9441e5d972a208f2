//! The coordinators' console: its routes; each page a module sharing one session, form and refusal.

mod emails;
mod errors;
mod flags;
mod form;
mod outcomes;
mod overview;
mod people;
mod proposals;
mod session;
mod settings;
mod sign_in;
mod views;

use actix_web::web;

pub use errors::ConsoleError;
pub use session::{Me, SESSION_COOKIE};

/// Registers the console's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/coordinator/login")
            .route(web::get().to(sign_in::login_form))
            .route(web::post().to(sign_in::login)),
    )
    .route("/coordinator/logout", web::post().to(sign_in::logout))
    .route("/coordinator", web::get().to(overview::overview))
    .route(
        "/coordinator/proposals",
        web::get().to(proposals::proposals),
    )
    .route("/coordinator/matching-runs", web::post().to(proposals::run))
    .route(
        "/coordinator/matches/selected",
        web::post().to(proposals::decide_selected),
    )
    .route(
        "/coordinator/matches/{id}/approve",
        web::post().to(proposals::approve),
    )
    .route(
        "/coordinator/matches/{id}/reject",
        web::post().to(proposals::reject),
    )
    .route("/coordinator/mentees", web::get().to(people::mentees))
    .route("/coordinator/mentees/{id}", web::get().to(people::mentee))
    .route("/coordinator/mentors", web::get().to(people::mentors))
    .route("/coordinator/matches", web::post().to(proposals::propose))
    .route(
        "/coordinator/matches/{id}/end",
        web::post().to(proposals::end),
    )
    .service(
        web::resource("/coordinator/settings")
            .route(web::get().to(settings::show))
            .route(web::post().to(settings::save)),
    )
    .route("/coordinator/emails", web::get().to(emails::list))
    .route(
        "/coordinator/emails/{id}/retry",
        web::post().to(emails::retry),
    )
    .route(
        "/coordinator/outcomes",
        web::get().to(outcomes::belonging::page),
    )
    .route(
        "/coordinator/outcomes/checkins",
        web::get().to(outcomes::checkins::page),
    )
    .route(
        "/coordinator/outcomes/questions",
        web::get().to(outcomes::questions::page),
    )
    .route(
        "/coordinator/outcomes/retention",
        web::get().to(outcomes::retention::page),
    )
    .route("/coordinator/flags", web::get().to(flags::list))
    .route(
        "/coordinator/flags/{id}/acknowledge",
        web::post().to(flags::acknowledge),
    )
    .route(
        "/coordinator/flags/{id}/resolve",
        web::post().to(flags::resolve),
    )
    .service(
        web::resource("/coordinator/matches/{id}/rematch")
            .route(web::get().to(flags::confirm_rematch))
            .route(web::post().to(flags::do_rematch)),
    );
}

/// The console's paths and their methods, for 405 answers.
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
    ("/coordinator/outcomes", &["GET"]),
    ("/coordinator/outcomes/checkins", &["GET"]),
    ("/coordinator/outcomes/questions", &["GET"]),
    ("/coordinator/outcomes/retention", &["GET"]),
    ("/coordinator/flags", &["GET"]),
    ("/coordinator/flags/{id}/acknowledge", &["POST"]),
    ("/coordinator/flags/{id}/resolve", &["POST"]),
    ("/coordinator/matches/{id}/rematch", &["GET", "POST"]),
];
