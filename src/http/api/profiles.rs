//! `/mentees` and `/mentors`: sign-up, read, partial update, erase, list.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Serialize;
use uuid::Uuid;

use super::profile_body::{self, MenteeCreate, MenteeUpdate, MentorCreate, MentorUpdate, Mode};
use super::views::{MenteeView, MentorView, Page};
use crate::app::App;
use crate::app::profiles::{self, Profile};
use crate::domain::profile::{Mentee, MenteeStatus, Mentor, MentorStatus};
use crate::http::auth::Caller;
use crate::http::body::JsonObject;
use crate::http::problem::{ApiError, Problem};
use crate::http::query::ListQuery;

/// A profile id from the path; anything that is not a UUID cannot name a profile.
fn profile_id<P: Profile>(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw)
        .map_err(|_| ApiError::NotFound(format!("there is no {} with id {raw}", P::KIND.noun())))
}

fn created<V: Serialize>(collection: &str, id: Uuid, view: &V) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/{collection}/{id}")))
        .json(view)
}

async fn list<P, V>(
    app: &App,
    req: &HttpRequest,
    parse_status: impl Fn(&str) -> Result<P::Status, String>,
) -> Result<web::Json<Page<V>>, ApiError>
where
    P: Profile,
    V: for<'a> From<&'a P> + utoipa::ToSchema,
{
    let query = ListQuery::parse(req, parse_status)?;
    let (items, next) = profiles::list::<P>(app, query.status, query.cursor, query.limit).await?;
    Ok(web::Json(Page {
        items: items.iter().map(V::from).collect(),
        next_cursor: next.map(|c| c.encode()),
    }))
}

#[utoipa::path(
    tag = "Mentees",
    summary = "Sign up a mentee",
    request_body = MenteeCreate,
    responses(
        (status = 201, description = "Stored; `Location` names it", body = MenteeView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, description = "Email already signed up", body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/mentees")]
pub async fn create_mentee(
    app: web::Data<App>,
    _: Caller,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let (input, _) = profile_body::mentee(body.0, Mode::Create).map_err(ApiError::Validation)?;
    let mentee: Mentee = profiles::create(&app, input).await?;
    Ok(created("mentees", mentee.id.0, &MenteeView::from(&mentee)))
}

#[utoipa::path(
    tag = "Mentees",
    summary = "Get a mentee",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MenteeView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/mentees/{id}")]
pub async fn get_mentee(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
) -> Result<web::Json<MenteeView>, ApiError> {
    let id = profile_id::<Mentee>(&id)?;
    let mentee: Mentee = profiles::get(&app, id).await?;
    Ok(web::Json(MenteeView::from(&mentee)))
}

#[utoipa::path(
    tag = "Mentees",
    summary = "Change a mentee",
    description = "Partial update with the same rules as sign-up. `status` may be `withdrawn` or `waiting`; a mentee with an approved match gets 409 until it is ended.",
    params(("id" = Uuid, Path)),
    request_body = MenteeUpdate,
    responses(
        (status = 200, body = MenteeView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[patch("/mentees/{id}")]
pub async fn update_mentee(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
    body: JsonObject,
) -> Result<web::Json<MenteeView>, ApiError> {
    let id = profile_id::<Mentee>(&id)?;
    let (input, status) =
        profile_body::mentee(body.0, Mode::Update).map_err(ApiError::Validation)?;
    let mentee: Mentee = profiles::update(&app, id, input, status).await?;
    Ok(web::Json(MenteeView::from(&mentee)))
}

#[utoipa::path(
    tag = "Mentees",
    summary = "Erase a mentee's personal data",
    params(("id" = Uuid, Path)),
    responses((status = 204, description = "Erased"), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/mentees/{id}")]
pub async fn delete_mentee(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = profile_id::<Mentee>(&id)?;
    profiles::erase::<Mentee>(&app, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "Mentees",
    summary = "List mentees in sign-up order",
    params(
        ("status" = Option<String>, Query, description = "waiting | matched | withdrawn"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses((status = 200, body = Page<MenteeView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/mentees")]
pub async fn list_mentees(
    app: web::Data<App>,
    _: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<MenteeView>>, ApiError> {
    list::<Mentee, MenteeView>(&app, &req, MenteeStatus::parse).await
}

#[utoipa::path(
    tag = "Mentors",
    summary = "Sign up a mentor",
    request_body = MentorCreate,
    responses(
        (status = 201, description = "Stored; `Location` names it", body = MentorView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, description = "Email already signed up", body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/mentors")]
pub async fn create_mentor(
    app: web::Data<App>,
    _: Caller,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let (input, _) = profile_body::mentor(body.0, Mode::Create).map_err(ApiError::Validation)?;
    let mentor: Mentor = profiles::create(&app, input).await?;
    Ok(created("mentors", mentor.id.0, &MentorView::from(&mentor)))
}

#[utoipa::path(
    tag = "Mentors",
    summary = "Get a mentor",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MentorView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/mentors/{id}")]
pub async fn get_mentor(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
) -> Result<web::Json<MentorView>, ApiError> {
    let id = profile_id::<Mentor>(&id)?;
    let mentor: Mentor = profiles::get(&app, id).await?;
    Ok(web::Json(MentorView::from(&mentor)))
}

#[utoipa::path(
    tag = "Mentors",
    summary = "Change a mentor",
    description = "Partial update with the same rules as sign-up. `status` may be `active` or `paused`; `capacity` cannot go below `active_mentees`.",
    params(("id" = Uuid, Path)),
    request_body = MentorUpdate,
    responses(
        (status = 200, body = MentorView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[patch("/mentors/{id}")]
pub async fn update_mentor(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
    body: JsonObject,
) -> Result<web::Json<MentorView>, ApiError> {
    let id = profile_id::<Mentor>(&id)?;
    let (input, status) =
        profile_body::mentor(body.0, Mode::Update).map_err(ApiError::Validation)?;
    let mentor: Mentor = profiles::update(&app, id, input, status).await?;
    Ok(web::Json(MentorView::from(&mentor)))
}

#[utoipa::path(
    tag = "Mentors",
    summary = "Erase a mentor's personal data",
    params(("id" = Uuid, Path)),
    responses((status = 204, description = "Erased"), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/mentors/{id}")]
pub async fn delete_mentor(
    app: web::Data<App>,
    _: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = profile_id::<Mentor>(&id)?;
    profiles::erase::<Mentor>(&app, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "Mentors",
    summary = "List mentors in sign-up order",
    params(
        ("status" = Option<String>, Query, description = "active | paused"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses((status = 200, body = Page<MentorView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/mentors")]
pub async fn list_mentors(
    app: web::Data<App>,
    _: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<MentorView>>, ApiError> {
    list::<Mentor, MentorView>(&app, &req, MentorStatus::parse).await
}
