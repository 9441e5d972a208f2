//! The OpenAPI document's fixed parts; paths and schemas are collected from the handlers.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use super::problem::{FieldErrorView, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Belong API",
        description = "Mentorship matching for the health professions: profiles, matching, introductions. \
            Authenticate with `Authorization: Bearer <token>` (make one with `belong token create`). \
            Errors are RFC 9457 problem+json.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, FieldErrorView)),
    modifiers(&BearerAuth),
    tags(
        (name = "Mentees", description = "New clinicians looking for a mentor"),
        (name = "Mentors", description = "Experienced colleagues who guide them"),
        (name = "Matching", description = "Candidates, matching runs and the matching settings"),
        (name = "Matches", description = "Proposals and a coordinator's decisions on them"),
        (name = "Emails", description = "Introduction emails and their delivery"),
        (name = "Check-ins", description = "Check-ins planned over each pair's first year"),
        (name = "Outcomes", description = "Belonging, check-in response, answers and retention, with small groups hidden"),
        (name = "Employment", description = "Hires, transfers and leavings from the HR system, for retention"),
        (name = "Pair health", description = "Early warnings on running pairs, what coordinators do about them, and re-matching"),
        (name = "Service", description = "Health of the service"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}
