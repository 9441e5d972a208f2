//! Check-ins as the API lists them (never with answers).

use uuid::Uuid;

use super::{App, AppError};
use crate::store::checkins::{self as rows, CheckinRow};
use crate::store::profiles::Page;

pub async fn list(
    app: &App,
    match_id: Option<Uuid>,
    status: Option<String>,
    after: i64,
    limit: i64,
) -> Result<Page<CheckinRow>, AppError> {
    Ok(app
        .db
        .run(move |conn| {
            let match_id = match_id.map(|m| m.to_string());
            rows::list(conn, match_id.as_deref(), status.as_deref(), after, limit)
        })
        .await?)
}
