//! CSRF protection for forms without a session: a random value in an `HttpOnly` cookie, and
//! in the form its HMAC under the installation's key. A page on another site can neither
//! read the cookie nor compute the token.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "belong_form";
pub const FIELD: &str = "csrf_token";

fn token_for(key: &[u8], cookie: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| {
        // HMAC takes keys of any length; this cannot happen.
        <Hmac<Sha256> as Mac>::new_from_slice(b"belong").unwrap_or_else(|_| unreachable!())
    });
    mac.update(b"form:");
    mac.update(cookie.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The token for this browser, and the cookie to set when it has none yet.
pub fn issue(req: &HttpRequest, key: &[u8], secure: bool) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = req.cookie(COOKIE).filter(|c| c.value().len() >= 20) {
        return (token_for(key, existing.value()), None);
    }
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let value = URL_SAFE_NO_PAD.encode(bytes);
    let token = token_for(key, &value);
    let cookie = Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish();
    (token, Some(cookie))
}

/// Whether a submitted token belongs to this browser's cookie (constant-time comparison).
pub fn verify(req: &HttpRequest, key: &[u8], submitted: Option<&str>) -> bool {
    let (Some(cookie), Some(submitted)) = (req.cookie(COOKIE), submitted) else {
        return false;
    };
    let expected = token_for(key, cookie.value());
    expected.as_bytes().ct_eq(submitted.as_bytes()).into()
}
