//! The JSON API under `/api/v1`.

pub mod checkins;
pub mod emails;
pub mod employment;
pub mod flags;
pub mod matching;
pub mod outcomes;
pub mod profile_body;
pub mod profiles;
pub mod service;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` route (each also lands in the OpenAPI document).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(profiles::list_mentees)
        .service(profiles::create_mentee)
        .service(profiles::get_mentee)
        .service(profiles::update_mentee)
        .service(profiles::delete_mentee)
        .service(profiles::list_mentors)
        .service(profiles::create_mentor)
        .service(profiles::get_mentor)
        .service(profiles::update_mentor)
        .service(profiles::delete_mentor)
        .service(matching::candidates)
        .service(matching::create_run)
        .service(matching::get_run)
        .service(matching::list_matches)
        .service(matching::propose)
        .service(matching::get_match)
        .service(matching::approve)
        .service(matching::reject)
        .service(matching::end)
        .service(matching::get_settings)
        .service(matching::put_settings)
        .service(emails::list)
        .service(emails::retry)
        .service(checkins::list)
        .service(employment::create)
        .service(employment::list)
        .service(outcomes::belonging)
        .service(outcomes::response_rates)
        .service(outcomes::questions)
        .service(outcomes::retention)
        .service(outcomes::comments)
        .service(flags::list)
        .service(flags::acknowledge)
        .service(flags::resolve)
        .service(flags::match_health)
        .service(flags::rematch_pair);
}
