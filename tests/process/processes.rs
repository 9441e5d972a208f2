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

/// Ten approvals for one mentor with two places, spread over two processes: two succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_across_two_processes_respect_capacity() {
    let db = TestDb::new(Backend::Postgres);
    let (a, b) = tokio::join!(Process::start(&db), Process::start(&db));
    let token = Arc::new(cli_token(&db, "coordinator"));
    let client = reqwest::Client::new();
    let post = |url: String, body: serde_json::Value| {
        let (client, token) = (client.clone(), token.clone());
        async move {
            let response = client
                .post(url)
                .bearer_auth(token.as_str())
                .json(&body)
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            (
                status,
                response
                    .json::<serde_json::Value>()
                    .await
                    .unwrap_or_default(),
            )
        }
    };
    let (_, mentor) = post(a.url("/api/v1/mentors"), crate::common::mentor_body(1)).await;
    let mentor_id = mentor["id"].as_str().expect("id").to_string();
    let mut matches = Vec::new();
    for n in 0..10 {
        let (_, mentee) = post(a.url("/api/v1/mentees"), mentee_body(n)).await;
        let (status, m) = post(
            b.url("/api/v1/matches"),
            json!({"mentee_id": mentee["id"], "mentor_id": mentor_id}),
        )
        .await;
        assert!(status == 201 || status == 409, "{m}");
        if status == 201 {
            matches.push(m["id"].as_str().expect("id").to_string());
        }
    }
    // Proposals hold places too, so only two could be proposed: make room for all ten.
    assert_eq!(matches.len(), 2);
    let response = client
        .patch(a.url(&format!("/api/v1/mentors/{mentor_id}")))
        .bearer_auth(token.as_str())
        .json(&json!({"capacity": 10}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    for n in 10..18 {
        let (_, mentee) = post(a.url("/api/v1/mentees"), mentee_body(n)).await;
        let (status, m) = post(
            b.url("/api/v1/matches"),
            json!({"mentee_id": mentee["id"], "mentor_id": mentor_id}),
        )
        .await;
        assert_eq!(status, 201, "{m}");
        matches.push(m["id"].as_str().expect("id").to_string());
    }
    let response = client
        .patch(b.url(&format!("/api/v1/mentors/{mentor_id}")))
        .bearer_auth(token.as_str())
        .json(&json!({"capacity": 2}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let (a, b) = (Arc::new(a), Arc::new(b));
    let mut tasks = Vec::new();
    for (i, id) in matches.iter().enumerate() {
        let server = if i % 2 == 0 { a.clone() } else { b.clone() };
        let url = server.url(&format!("/api/v1/matches/{id}/approve"));
        tasks.push(tokio::spawn(post(url, json!({}))));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("join").0);
    }
    statuses.sort();
    assert_eq!(statuses, [vec![200; 2], vec![409; 8]].concat());
    let mentor: serde_json::Value = client
        .get(b.url(&format!("/api/v1/mentors/{mentor_id}")))
        .bearer_auth(token.as_str())
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(mentor["active_mentees"], 2);
}
