//! Bearer-token authentication for the API.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::problem::ApiError;
use crate::app::{App, tokens};
use crate::domain::role::Role;

/// The authenticated caller of an API request.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub role: Role,
}

impl Caller {
    /// Only coordinators may run matching, approve, reject, end and change settings.
    pub fn require_coordinator(self) -> Result<Self, ApiError> {
        match self.role {
            Role::Coordinator => Ok(self),
            Role::Integration => Err(ApiError::Forbidden(
                "this needs a coordinator token; integration tokens may not do it".into(),
            )),
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let app = req.app_data::<web::Data<App>>().cloned();
        let presented = bearer(req);
        Box::pin(async move {
            let app = app.ok_or_else(|| ApiError::Internal("app state missing".into()))?;
            let token = presented.ok_or_else(|| {
                ApiError::Unauthorized("send an API token as Authorization: Bearer <token>".into())
            })?;
            match tokens::authenticate(&app, &token).await? {
                Some(role) => Ok(Caller { role }),
                None => Err(ApiError::Unauthorized(
                    "the API token is unknown or revoked".into(),
                )),
            }
        })
    }
}

/// A caller with a coordinator token; anyone else gets 403 before the body is even read.
#[derive(Debug, Clone, Copy)]
pub struct Coordinator;

impl FromRequest for Coordinator {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            caller.await?.require_coordinator()?;
            Ok(Coordinator)
        })
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_string())
        })
}

/// A coordinator token's caller, named as records of who did what show it.
#[derive(Debug, Clone)]
pub struct NamedCoordinator(pub String);

impl FromRequest for NamedCoordinator {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let app = req.app_data::<web::Data<App>>().cloned();
        let presented = bearer(req);
        Box::pin(async move {
            let app = app.ok_or_else(|| ApiError::Internal("app state missing".into()))?;
            let token = presented.ok_or_else(|| {
                ApiError::Unauthorized("send an API token as Authorization: Bearer <token>".into())
            })?;
            match tokens::identify(&app, &token).await? {
                Some((role, name)) => {
                    Caller { role }.require_coordinator()?;
                    Ok(NamedCoordinator(format!(
                        "API token \u{201c}{name}\u{201d}"
                    )))
                }
                None => Err(ApiError::Unauthorized(
                    "the API token is unknown or revoked".into(),
                )),
            }
        })
    }
}
