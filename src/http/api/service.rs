//! `/health`: whether the service can answer, which means whether the database does.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::App;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[utoipa::path(
    tag = "Service",
    summary = "Health",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    )
)]
#[get("/health")]
pub async fn health(app: web::Data<App>) -> HttpResponse {
    let ping = app.database_answers();
    match tokio::time::timeout(Duration::from_secs(3), ping).await {
        Ok(Ok(())) => HttpResponse::Ok().json(Health { status: "ok" }),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(Health {
                status: "unavailable",
            })
        }
        Err(_) => {
            tracing::warn!("health check: database did not answer in time");
            HttpResponse::ServiceUnavailable().json(Health {
                status: "unavailable",
            })
        }
    }
}
