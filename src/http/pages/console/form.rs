//! The one extractor of every console POST: the session, the form's token checked, its fields.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::try_join;
use subtle::ConstantTimeEq;

use super::errors::ConsoleError;
use super::session::Me;
use crate::app::coordinators::SignedIn;
use crate::http::pages::csrf;

/// The fields of a URL-encoded form, in the order sent.
#[derive(Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The fields of a body; `None` when it is not URL-encoded.
    pub fn parse(body: &[u8]) -> Option<Fields> {
        serde_urlencoded::from_bytes(body).ok().map(Fields)
    }

    /// The first value of a field.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a field (checkboxes send one each).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A console POST from a signed-in coordinator whose form carries the session's token
/// (compared in constant time). No session: the sign-in page; a missing or wrong token, or a
/// body that is not a form: the "please try again" page.
pub struct Form {
    pub me: SignedIn,
    pub fields: Fields,
}

impl Form {
    pub fn one(&self, name: &str) -> Option<&str> {
        self.fields.one(name)
    }
}

impl FromRequest for Form {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The session and the body are read together, as separate extractors would be: a
        // body over the limit is refused as such, signed in or not.
        let me = Me::from_request(req, &mut Payload::None);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let (Me(me), body) =
                try_join(async { me.await.map_err(actix_web::Error::from) }, body).await?;
            let fields = Fields::parse(&body).ok_or(ConsoleError::Forbidden)?;
            let token = fields.one(csrf::FIELD).unwrap_or_default();
            if bool::from(token.as_bytes().ct_eq(me.csrf_token.as_bytes())) {
                Ok(Form { me, fields })
            } else {
                Err(ConsoleError::Forbidden.into())
            }
        })
    }
}
