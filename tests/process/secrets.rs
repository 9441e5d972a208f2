//! Secrets stay secret: personal links and API tokens never reach the log, and the outbox
//! forgets an email's links once it is delivered.

use std::time::Duration;

use crate::common::{Backend, Process, TestDb, cli_token, delivered, eventually};
use crate::delivery::Client;
use crate::on_both_backends;

on_both_backends!(no_link_or_token_is_logged_or_kept_after_sending);

const CONFIG: &str = r#"
[checkins]
steps = [{ key = "day14", after = "PT1S", audience = "mentee", survey = "pulse" }]
expire_after = "PT1H"
reminders = []
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 50
"#;

async fn no_link_or_token_is_logged_or_kept_after_sending(backend: Backend) {
    let db = TestDb::new(backend).with_config(CONFIG);
    let log = db.dir().join("belong.log");
    let client = Client {
        http: reqwest::Client::new(),
        token: cli_token(&db, "coordinator"),
    };
    let server = Process::start_logged(&db, &[("RUST_LOG", "info")], &log).await;
    client.approved_pair(&server, &server, 1).await;

    // The check-in email as the mentee receives it.
    let outbox = db.dir().join("outbox");
    let email = eventually(Duration::from_secs(30), "the check-in email", || async {
        std::fs::read_dir(&outbox)
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let id = name.strip_suffix(".eml")?.to_string();
                delivered(&outbox, &id)
            })
            .find(|e| e.list_unsubscribe.is_some())
    })
    .await;
    let unsubscribe = email.list_unsubscribe.expect("List-Unsubscribe");
    let token = unsubscribe
        .split("/c/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a personal link")
        .to_string();
    assert!(token.len() >= 40, "{token}");
    assert!(email.text.contains(&format!("/c/{token}")));

    // The mentee opens the link and the opt-out page; the coordinator reads the check-ins.
    for path in [format!("/c/{token}"), format!("/c/{token}/unsubscribe")] {
        let status = reqwest::get(server.url(&path))
            .await
            .expect("page")
            .status();
        assert_eq!(status, 200, "{path}");
    }
    client.get(&server, "/api/v1/checkins").await;

    // Once sent, no stored email holds the link.
    let db_handle = connect(&db);
    let rows = eventually(Duration::from_secs(30), "every email sent", || async {
        let rows = stored_emails(&db_handle).await;
        rows.iter()
            .all(|(status, ..)| status == "sent")
            .then_some(rows)
    })
    .await;
    assert_eq!(rows.len(), 2, "the introduction and the check-in");
    for (_, text, html, unsubscribe) in &rows {
        for field in [Some(text), Some(html), unsubscribe.as_ref()] {
            assert!(!field.is_some_and(|f| f.contains(&token)), "{rows:?}");
        }
    }

    // The log shows the requests, with the link redacted and no API token.
    drop(server);
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(
        logged.contains("/c/"),
        "the link's requests are logged: {logged}"
    );
    assert!(!logged.contains(&token), "{logged}");
    assert!(!logged.contains(&client.token), "{logged}");
    assert!(
        !logged.contains('\u{1b}'),
        "no colour codes in a file: {logged}"
    );
}

fn connect(db: &TestDb) -> belong::store::Db {
    let url = belong::store::DatabaseUrl::parse(&db.url).expect("url");
    belong::store::Db::connect(&url, 1, Duration::from_secs(5), 5000).expect("db")
}

type Stored = (String, String, String, Option<String>);

async fn stored_emails(db: &belong::store::Db) -> Vec<Stored> {
    use belong::store::schema::emails;
    use diesel::prelude::*;
    db.run(|conn| {
        emails::table
            .select((
                emails::status,
                emails::body_text,
                emails::body_html,
                emails::list_unsubscribe,
            ))
            .load(conn)
            .map_err(belong::store::StoreError::from)
    })
    .await
    .expect("emails")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_can_be_json_for_log_shippers() {
    let db = TestDb::new(Backend::Sqlite);
    let log = db.dir().join("belong.log");
    let server = Process::start_logged(
        &db,
        &[("RUST_LOG", "info"), ("BELONG__LOG__FORMAT", "json")],
        &log,
    )
    .await;
    let response = reqwest::get(server.url("/c/some-personal-token"))
        .await
        .expect("page");
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_string();
    drop(server);
    let logged = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<serde_json::Value> = logged
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.iter().any(|l| l["level"] == "INFO"), "{logged}");
    let access = lines
        .iter()
        .filter_map(|l| l["fields"]["message"].as_str())
        .find(|m| m.contains("/c/"))
        .expect("the request in the access log");
    assert!(access.contains(&format!("id={id}")), "{access}");
    assert!(!logged.contains("some-personal-token"), "{logged}");
}
