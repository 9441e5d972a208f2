//! The console's session: its cookie, and the `Me` extractor every console page starts from.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::errors::ConsoleError;
use crate::app::App;
use crate::app::coordinators::{self, SignedIn};

pub const SESSION_COOKIE: &str = "belong_session";

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
