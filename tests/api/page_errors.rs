//! When a page fails on our side: 500 for an internal failure, 503 with `Retry-After` when
//! the database is too busy; a page either way, never a stack, and a request id to find the
//! failure in the log.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::common::{Backend, TestDb, browser_client, open_form, signed_in, spawn, spawn_with};
use crate::on_both_backends;

on_both_backends!(an_internal_failure_is_a_500_page_with_a_request_id);

async fn an_internal_failure_is_a_500_page_with_a_request_id(backend: Backend) {
    let app = spawn(backend).await;
    let id = app.mentee(1, serde_json::json!({})).await;
    // A row nobody could have written through Belong: a bug, or a hand edit.
    let sql = format!("UPDATE profiles SET status = 'lost-in-transit' WHERE id = '{id}'");
    app.app
        .db
        .run_blocking(|conn| {
            conn.batch_execute(&sql)
                .map_err(belong::store::StoreError::from)
        })
        .expect("corrupt the row");
    let client = signed_in(&app).await;
    let response = client
        .get(app.url(&format!("/coordinator/mentees/{id}")))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 500);
    let request_id = response.headers().get("x-request-id").cloned();
    assert!(request_id.is_some_and(|v| v.len() == 16));
    assert!(response.headers().get("retry-after").is_none());
    let html = response.text().await.expect("html");
    assert!(html.contains("something went wrong on our side"), "{html}");
    assert!(html.contains("Back to the console"), "{html}");
    assert!(
        !html.contains("lost-in-transit") && !html.contains("corrupt"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_database_is_a_503_page_with_retry_after() {
    let db = TestDb::new(Backend::Sqlite);
    let path = db.url.trim_start_matches("sqlite://").to_string();
    let app = spawn_with(db, &[("BELONG__DATABASE__SQLITE_BUSY_TIMEOUT_MS", "200")]).await;
    let client = browser_client();
    let token = open_form(&client, &app.url("/signup/mentee")).await;
    // Another writer holds the database for longer than the service will wait.
    let mut holder = SqliteConnection::establish(&path).expect("open");
    holder.batch_execute("BEGIN IMMEDIATE").expect("lock");
    let response = client
        .post(app.url("/signup/mentee"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("full_name", "Ana Souza"),
            ("email", "ana.souza@example.org"),
            ("profession", "registered_nurse"),
            ("specialty", "emergency"),
            ("site", "north_campus"),
            ("shift", "night"),
            ("start_date", "2026-10-01"),
            ("preferred_meeting", "either"),
        ])
        .send()
        .await
        .expect("post");
    holder.batch_execute("ROLLBACK").expect("unlock");
    assert_eq!(response.status(), 503);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
    assert!(response.headers().get("x-request-id").is_some());
    let html = response.text().await.expect("html");
    assert!(html.contains("very busy just now"), "{html}");
    assert!(!html.contains("locked"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_database_at_sign_in_is_a_503_with_retry_after() {
    let db = TestDb::new(Backend::Sqlite);
    let path = db.url.trim_start_matches("sqlite://").to_string();
    let app = spawn_with(db, &[("BELONG__DATABASE__SQLITE_BUSY_TIMEOUT_MS", "200")]).await;
    let client = browser_client();
    let token = open_form(&client, &app.url("/coordinator/login")).await;
    let mut holder = SqliteConnection::establish(&path).expect("open");
    holder.batch_execute("BEGIN IMMEDIATE").expect("lock");
    let response = client
        .post(app.url("/coordinator/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "lead@example.org"),
            ("password", "tea before the night shift"),
        ])
        .send()
        .await
        .expect("post");
    holder.batch_execute("ROLLBACK").expect("unlock");
    assert_eq!(response.status(), 503);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
}
