//! `/health`, the OpenAPI document and the offline API docs.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{Backend, TestDb, spawn, spawn_with};
use crate::on_both_backends;

on_both_backends!(health_reports_the_database);

async fn health_reports_the_database(backend: Backend) {
    let app = spawn_with(
        TestDb::new(backend),
        &[("BELONG__DATABASE__POOL_TIMEOUT_SECS", "2")],
    )
    .await;
    let response = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        serde_json::json!({"status": "ok"})
    );

    if backend == Backend::Postgres {
        // Take the database away under the running service.
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let name = app.db.url.rsplit('/').next().expect("db name").to_string();
        let mut admin =
            diesel::PgConnection::establish(&crate::common::pg_admin_url()).expect("admin");
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .expect("drop");
        let response = app
            .client
            .get(app.url("/health"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 503);
        assert_eq!(
            response.json::<Value>().await.expect("json")["status"],
            "unavailable"
        );
        // API calls answer 503 problem+json, not 500.
        let (status, problem) = app.get_json("/api/v1/mentees").await;
        assert_eq!(status, 503, "{problem}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_every_route() {
    let app = spawn(Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            routes.insert(format!("{} {path}", method.to_uppercase()));
            let operation = &item[method];
            let responses = operation["responses"].as_object().expect("responses");
            if path.starts_with("/api/v1") {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} documents 401"
                );
            }
        }
    }
    let expected: BTreeSet<String> = [
        "GET /health",
        "GET /api/v1/mentees",
        "POST /api/v1/mentees",
        "GET /api/v1/mentees/{id}",
        "PATCH /api/v1/mentees/{id}",
        "DELETE /api/v1/mentees/{id}",
        "GET /api/v1/mentors",
        "POST /api/v1/mentors",
        "GET /api/v1/mentors/{id}",
        "PATCH /api/v1/mentors/{id}",
        "DELETE /api/v1/mentors/{id}",
        "GET /api/v1/mentees/{id}/candidates",
        "POST /api/v1/matching-runs",
        "GET /api/v1/matching-runs/{id}",
        "GET /api/v1/matches",
        "POST /api/v1/matches",
        "GET /api/v1/matches/{id}",
        "POST /api/v1/matches/{id}/approve",
        "POST /api/v1/matches/{id}/reject",
        "POST /api/v1/matches/{id}/end",
        "GET /api/v1/matching/settings",
        "PUT /api/v1/matching/settings",
        "GET /api/v1/emails",
        "POST /api/v1/emails/{id}/retry",
        "GET /api/v1/checkins",
        "GET /api/v1/flags",
        "POST /api/v1/flags/{id}/acknowledge",
        "POST /api/v1/flags/{id}/resolve",
        "GET /api/v1/matches/{id}/health",
        "POST /api/v1/matches/{id}/rematch",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert!(
        expected.is_subset(&routes),
        "missing: {:?}",
        expected.difference(&routes).collect::<Vec<_>>()
    );
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for schema in [
        "MenteeCreate",
        "MentorCreate",
        "MenteeUpdate",
        "MentorUpdate",
        "MenteeView",
        "MentorView",
        "Problem",
        "FlagView",
        "HealthView",
        "RematchView",
    ] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
    let required = schemas["MentorCreate"]["required"]
        .as_array()
        .expect("required");
    assert!(required.iter().any(|r| r == "years_experience"));

    // Every documented route exists: an undocumented method on it is 405, not 404.
    for route in &routes {
        let (_, path) = route.split_once(' ').expect("route");
        let concrete = path.replace("{id}", "0193a0c4-0000-7000-8000-000000000000");
        let response = app
            .client
            .request(reqwest::Method::OPTIONS, app.url(&concrete))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 405, "{route}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_docs_work_offline() {
    let app = spawn(Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url("/api/docs/"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"),
        "the page loads nothing from elsewhere"
    );
    for asset in [
        "/api/docs/swagger-ui.css",
        "/api/docs/swagger-ui-bundle.js",
        "/api/docs/swagger-initializer.js",
    ] {
        let response = app
            .client
            .get(app.url(asset))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{asset}");
    }
    let init = app
        .client
        .get(app.url("/api/docs/swagger-initializer.js"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("js");
    assert!(init.contains("/api/openapi.json"));
}
