//! A sign-up acknowledged with 201 survives `kill -9` of the server at any moment.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::common::{Backend, Process, TestDb, cli_token, mentee_body};
use crate::on_both_backends;

on_both_backends!(acknowledged_signups_survive_kill_9);

async fn acknowledged_signups_survive_kill_9(backend: Backend) {
    let db = TestDb::new(backend);
    let token = cli_token(&db, "integration");
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut next = 0usize;
    for round in 0..3u64 {
        let mut server = Process::start(&db).await;
        let url = server.url("/api/v1/mentees");
        let mut clients = Vec::new();
        for client_no in 0..4 {
            let (url, token, acknowledged) = (url.clone(), token.clone(), acknowledged.clone());
            let first = next + client_no * 100_000;
            clients.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                for n in first.. {
                    let Ok(response) = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&mentee_body(n))
                        .send()
                        .await
                    else {
                        break; // the server is gone
                    };
                    if response.status() != 201 {
                        break;
                    }
                    let Ok(body) = response.json::<Value>().await else {
                        break;
                    };
                    if let Some(id) = body["id"].as_str() {
                        acknowledged.lock().expect("lock").push(id.to_string());
                    }
                }
            }));
        }
        next += 1_000_000;
        // Kill at a different moment each round, mid-stream.
        tokio::time::sleep(Duration::from_millis(300 + round * 170)).await;
        server.kill9();
        for client in clients {
            client.await.expect("join");
        }
    }
    let ids = acknowledged.lock().expect("lock").clone();
    assert!(
        ids.len() > 30,
        "the load reached the server ({} sign-ups)",
        ids.len()
    );
    let server = Process::start(&db).await;
    let client = reqwest::Client::new();
    for id in &ids {
        let response = client
            .get(server.url(&format!("/api/v1/mentees/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "acknowledged sign-up {id} was lost");
    }
}
