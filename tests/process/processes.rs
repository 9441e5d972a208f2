//! Two `belong serve` processes on one PostgreSQL database behave as one service.

use std::sync::Arc;

use serde_json::json;

use crate::common::{Backend, Process, TestDb, cli_token, mentee_body, merge};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_are_one_service() {
    let db = TestDb::new(Backend::Postgres);
    // Both start at once on an empty database: the migrations must not trip over each other.
    let (a, b) = tokio::join!(Process::start(&db), Process::start(&db));
    let token = cli_token(&db, "coordinator");
    let client = reqwest::Client::new();

    let created: serde_json::Value = client
        .post(a.url("/api/v1/mentees"))
        .bearer_auth(&token)
        .json(&mentee_body(1))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    let seen = client
        .get(b.url(&format!("/api/v1/mentees/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(seen.status(), 200);

    // The same email raced through both processes is stored once.
    let (a, b, token) = (Arc::new(a), Arc::new(b), Arc::new(token));
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (a, b, token) = (a.clone(), b.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let server = if i % 2 == 0 { a } else { b };
            reqwest::Client::new()
                .post(server.url("/api/v1/mentees"))
                .bearer_auth(token.as_str())
                .json(&merge(
                    mentee_body(100 + i),
                    json!({"email": "same.person@example.org"}),
                ))
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("join"));
    }
    statuses.sort();
    assert_eq!(statuses, [vec![201], vec![409; 9]].concat());

    // A change through one is what the other answers with.
    let path = format!("/api/v1/mentees/{id}");
    let patched = client
        .patch(b.url(&path))
        .bearer_auth(token.as_str())
        .json(&json!({"status": "withdrawn"}))
        .send()
        .await
        .expect("request");
    assert_eq!(patched.status(), 200);
    let body: serde_json::Value = client
        .get(a.url(&path))
        .bearer_auth(token.as_str())
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(body["status"], "withdrawn");
}
