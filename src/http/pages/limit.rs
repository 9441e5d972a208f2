//! The per-address limit on sign-up posts, so a script cannot flood the forms. Counted per
//! client address (see [`crate::http::client`]) in the database, so that every instance
//! shares one count.

use actix_web::HttpRequest;

use crate::app::{App, limits};
use crate::http::client;

/// Counts a sign-up post; `Err(seconds to wait)` when its address has sent too many lately.
/// Should the count itself fail, the post goes ahead (storing it would tell the real error).
pub async fn signup_post(app: &App, req: &HttpRequest) -> Result<(), u64> {
    let Some(address) = client::address(req, &app.settings.server.trusted_proxies) else {
        return Ok(());
    };
    match limits::count_signup(app, address).await {
        Ok(allowed) => allowed,
        Err(e) => {
            tracing::warn!(error = %e, "the sign-up limit could not be counted");
            Ok(())
        }
    }
}
