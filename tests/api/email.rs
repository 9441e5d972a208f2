//! Introduction emails: rendered, queued on approval, delivered over real SMTP (or written as
//! .eml files), retried while the server is down, and never sent twice.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::smtp::{Mode, SmtpServer};
use crate::common::{Backend, TestApp, TestDb, free_port, send, spawn, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    approval_sends_one_introduction_over_smtp,
    the_file_transport_writes_eml_files,
    delivery_waits_for_a_server_that_is_down,
    a_permanent_refusal_fails_and_can_be_retried,
);

async fn smtp_app(backend: Backend, smtp_port: u16) -> TestApp {
    let url = format!("smtp://127.0.0.1:{smtp_port}");
    spawn_with(
        TestDb::new(backend),
        &[
            ("BELONG__EMAIL__TRANSPORT", "smtp"),
            ("BELONG__EMAIL__SMTP_URL", &url),
            (
                "BELONG__EMAIL__REPLY_TO",
                "Programme team <mentoring@hospital.example>",
            ),
        ],
    )
    .await
}

/// Proposes and approves a pair; returns the match id.
async fn approve_pair(app: &TestApp, n: usize, mentee: Value, mentor: Value) -> String {
    let mentee = app.mentee(n, mentee).await;
    let mentor = app.mentor(n, mentor).await;
    let (status, m) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": mentor}),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    let id = m["id"].as_str().expect("id").to_string();
    assert_eq!(
        app.post_json(&format!("/api/v1/matches/{id}/approve"), &json!({}))
            .await
            .0,
        200
    );
    id
}

async fn email_of(app: &TestApp, match_id: &str) -> Value {
    let (status, page) = app
        .get_json(&format!("/api/v1/emails?match_id={match_id}"))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{page}");
    page["items"][0].clone()
}

/// Polls the email until `done` says so.
async fn wait_email(app: &TestApp, match_id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let email = email_of(app, match_id).await;
        if done(&email) {
            return email;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "email of {match_id} never reached the expected state: {}",
        email_of(app, match_id).await
    );
}

async fn approval_sends_one_introduction_over_smtp(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = smtp_app(backend, smtp.port).await;
    let id = approve_pair(
        &app,
        1,
        json!({"full_name": "Zoë O'Brien <b>", "email": "zoe@example.org", "notes": "日本語のメモ"}),
        json!({"full_name": "Grace Okafor", "email": "grace@example.org", "languages": ["en", "pt"]}),
    )
    .await;
    let messages = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    let mut to = m.to.clone();
    to.sort();
    assert_eq!(to, vec!["grace@example.org", "zoe@example.org"]);
    let data = &m.data;
    assert!(data.contains("multipart/alternative"), "{data}");
    assert!(data.contains("text/plain") && data.contains("text/html"));
    assert!(
        data.contains("Reply-To: \"Programme team\" <mentoring@hospital.example>"),
        "{data}"
    );
    let subject = data
        .lines()
        .find(|l| l.starts_with("Subject:"))
        .unwrap_or_default();
    assert!(
        subject.contains("=?utf-8?"),
        "non-ASCII subject is RFC 2047 encoded: {subject}"
    );
    assert!(
        data.contains("O&#39;Brien &#60;b&#62;"),
        "the name is escaped in the HTML part: {data}"
    );

    let email = wait_email(&app, &id, |e| e["status"] == "sent").await;
    assert_eq!(email["attempts"], 1);
    assert!(email["sent_at"].is_string());
    assert!(email["last_error"].is_null());
    let mut addresses: Vec<String> = email["to"]
        .as_array()
        .expect("to")
        .iter()
        .filter_map(|a| a.as_str().map(String::from))
        .collect();
    addresses.sort();
    assert_eq!(addresses, vec!["grace@example.org", "zoe@example.org"]);
    assert!(
        email["subject"]
            .as_str()
            .is_some_and(|s| s.contains("Zoë O'Brien <b>") && s.contains("Grace Okafor"))
    );
    let message_id = format!(
        "Message-ID: <{}@localhost>",
        email["id"].as_str().expect("id")
    );
    assert!(
        data.contains(&message_id),
        "stable Message-ID {message_id} in {data}"
    );

    // Nothing more is sent, however long we wait.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(smtp.messages().len(), 1);
    let (_, page) = app.get_json("/api/v1/emails").await;
    assert_eq!(page["counts"], json!({"queued": 0, "sent": 1, "failed": 0}));
    // Integrations may read the outbox.
    let (status, _) = send(
        app.client
            .request(Method::GET, app.url("/api/v1/emails"))
            .bearer_auth(&app.integration),
    )
    .await;
    assert_eq!(status, 200);
}

async fn the_file_transport_writes_eml_files(backend: Backend) {
    let app = spawn(backend).await;
    let id = approve_pair(&app, 1, json!({}), json!({})).await;
    let email = wait_email(&app, &id, |e| e["status"] == "sent").await;
    let dir = app.db.dir().join("outbox");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("outbox dir")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(files[0].path()).expect("eml");
    assert!(text.contains("multipart/alternative"));
    assert!(text.contains(&format!("{}@localhost", email["id"].as_str().expect("id"))));
    assert!(
        text.contains("ana.souza.1@example.org") && text.contains("grace.okafor.1@example.org")
    );
}

async fn delivery_waits_for_a_server_that_is_down(backend: Backend) {
    let port = free_port();
    let app = smtp_app(backend, port).await;
    let id = approve_pair(&app, 1, json!({}), json!({})).await;
    let failed_once = wait_email(&app, &id, |e| e["attempts"].as_i64() >= Some(1)).await;
    assert_eq!(failed_once["status"], "queued");
    assert!(failed_once["last_error"].is_string(), "{failed_once}");
    assert!(failed_once["next_attempt_at"].is_string());
    // The service stays healthy: the database is what /health reports.
    assert_eq!(
        app.client
            .get(app.url("/health"))
            .send()
            .await
            .expect("health")
            .status(),
        200
    );

    let smtp = SmtpServer::start_on(port).await;
    let sent = wait_email(&app, &id, |e| e["status"] == "sent").await;
    assert!(sent["attempts"].as_i64() >= Some(2), "{sent}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1, "delivered exactly once");
}

async fn a_permanent_refusal_fails_and_can_be_retried(backend: Backend) {
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::RejectPermanently);
    let app = smtp_app(backend, smtp.port).await;
    let id = approve_pair(&app, 1, json!({}), json!({})).await;
    let failed = wait_email(&app, &id, |e| e["status"] == "failed").await;
    assert_eq!(failed["attempts"], 1, "a 5xx is not retried by itself");
    assert!(
        failed["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("550") || e.contains("denied")),
        "{failed}"
    );
    let (_, page) = app.get_json("/api/v1/emails?status=failed").await;
    assert_eq!(page["counts"]["failed"], 1);

    let email_id = failed["id"].as_str().expect("id").to_string();
    let retry = format!("/api/v1/emails/{email_id}/retry");
    let (status, _) = send(
        app.client
            .post(app.url(&retry))
            .bearer_auth(&app.integration),
    )
    .await;
    assert_eq!(status, 403);
    smtp.set_mode(Mode::Accept);
    let (status, queued) = app.post_json(&retry, &json!({})).await;
    assert_eq!(status, 200, "{queued}");
    assert_eq!(queued["status"], "queued");
    let sent = wait_email(&app, &id, |e| e["status"] == "sent").await;
    assert_eq!(sent["attempts"], 1);
    assert_eq!(smtp.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    assert_eq!(
        app.post_json(&retry, &json!({})).await.0,
        409,
        "only failed emails are retried"
    );
    assert_eq!(
        app.post_json(
            "/api/v1/emails/0193a0c4-0000-7000-8000-000000000000/retry",
            &json!({})
        )
        .await
        .0,
        404
    );
    assert_eq!(app.get_json("/api/v1/emails?status=lost").await.0, 422);
}
