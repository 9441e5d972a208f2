//! Delivery across restarts, SIGTERM and several processes: each email is sent exactly once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::smtp::{Mode, SmtpServer};
use crate::common::{Backend, Process, TestDb, cli_token, free_port, mentee_body, mentor_body};
use crate::on_both_backends;

on_both_backends!(
    a_restart_between_queueing_and_sending_sends_once,
    sigterm_lets_a_send_in_flight_finish
);

pub(crate) fn smtp_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("BELONG__EMAIL__TRANSPORT", "smtp".into()),
        (
            "BELONG__EMAIL__SMTP_URL",
            format!("smtp://127.0.0.1:{port}"),
        ),
    ]
}

pub(crate) async fn start(db: &TestDb, env: &[(&'static str, String)]) -> Process {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Process::start_with(db, &env).await
}

pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) token: String,
}

impl Client {
    pub(crate) async fn post(&self, server: &Process, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(server.url(path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("request");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.expect("json")
    }

    pub(crate) async fn get(&self, server: &Process, path: &str) -> Value {
        self.http
            .get(server.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json")
    }

    /// Creates a pair and approves it; returns the match id.
    pub(crate) async fn approved_pair(
        &self,
        create: &Process,
        approve: &Process,
        n: usize,
    ) -> String {
        let mentee = self.post(create, "/api/v1/mentees", mentee_body(n)).await;
        let mentor = self
            .post(
                create,
                "/api/v1/mentors",
                json!(merge_capacity(mentor_body(n))),
            )
            .await;
        let m = self
            .post(
                create,
                "/api/v1/matches",
                json!({"mentee_id": mentee["id"], "mentor_id": mentor["id"]}),
            )
            .await;
        let id = m["id"].as_str().expect("id").to_string();
        self.post(approve, &format!("/api/v1/matches/{id}/approve"), json!({}))
            .await;
        id
    }
}

fn merge_capacity(mut body: Value) -> Value {
    body["capacity"] = json!(1);
    body
}

async fn a_restart_between_queueing_and_sending_sends_once(backend: Backend) {
    let db = TestDb::new(backend);
    let port = free_port();
    let client = Client {
        http: reqwest::Client::new(),
        token: cli_token(&db, "coordinator"),
    };
    // The relay is down while the approvals are queued, then the service is killed.
    let mut first = start(&db, &smtp_env(port)).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(client.approved_pair(&first, &first, n).await);
    }
    first.kill9();
    let smtp = SmtpServer::start_on(port).await;
    let second = start(&db, &smtp_env(port)).await;
    let messages = smtp.wait_for(5, Duration::from_secs(20)).await;
    assert_eq!(messages.len(), 5);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 5, "nothing is sent twice");
    let page = client.get(&second, "/api/v1/emails?status=sent").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(5));
}

async fn sigterm_lets_a_send_in_flight_finish(backend: Backend) {
    let db = TestDb::new(backend);
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Slow(Duration::from_millis(1500)));
    let client = Client {
        http: reqwest::Client::new(),
        token: cli_token(&db, "coordinator"),
    };
    let mut server = start(&db, &smtp_env(smtp.port)).await;
    let id = client.approved_pair(&server, &server, 1).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while *smtp.data_started.lock().expect("lock") == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = server.child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let exit = tokio::task::spawn_blocking(move || {
        let status = server.child.wait();
        (status, server)
    })
    .await
    .expect("join");
    assert!(
        exit.0.expect("exit status").success(),
        "belong exits cleanly on SIGTERM"
    );
    assert_eq!(smtp.messages().len(), 1, "the send in flight was finished");
    // The outcome was recorded before exit: a new process finds it sent and sends nothing.
    let again = start(&db, &smtp_env(smtp.port)).await;
    let page = client
        .get(&again, &format!("/api/v1/emails?match_id={id}"))
        .await;
    assert_eq!(page["items"][0]["status"], "sent", "{page}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1);
}

/// Two processes on one PostgreSQL deliver 200 approvals: every email exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_deliver_200_approvals_exactly_once() {
    let db = TestDb::new(Backend::Postgres);
    let smtp = SmtpServer::start().await;
    let env = smtp_env(smtp.port);
    let (a, b) = tokio::join!(start(&db, &env), start(&db, &env));
    let client = Arc::new(Client {
        http: reqwest::Client::new(),
        token: cli_token(&db, "coordinator"),
    });
    let (a, b) = (Arc::new(a), Arc::new(b));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..4usize {
        let (client, a, b) = (client.clone(), a.clone(), b.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in (worker * 50)..(worker * 50 + 50) {
                // Create through one process, approve through the other, alternating.
                let (create, approve) = if n % 2 == 0 { (&a, &b) } else { (&b, &a) };
                ids.push(client.approved_pair(create, approve, n).await);
            }
            ids
        }));
    }
    let mut matches = Vec::new();
    for t in tasks {
        matches.extend(t.await.expect("join"));
    }
    let queued_in = started.elapsed();
    let messages = smtp.wait_for(200, Duration::from_secs(60)).await;
    let delivered_in = started.elapsed();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let messages_after = smtp.messages();
    assert_eq!(messages.len(), 200);
    assert_eq!(messages_after.len(), 200, "nothing is sent twice");
    let ids: HashSet<String> = messages_after
        .iter()
        .filter_map(|m| {
            m.data
                .lines()
                .find(|l| l.starts_with("Message-ID:"))
                .map(str::to_string)
        })
        .collect();
    assert_eq!(ids.len(), 200, "200 distinct messages");
    let page = client.get(&a, "/api/v1/emails?limit=1").await;
    assert_eq!(
        page["counts"],
        json!({"queued": 0, "sent": 200, "failed": 0})
    );
    assert_eq!(matches.len(), 200);
    eprintln!(
        "200 approvals queued in {queued_in:?}, all delivered {delivered_in:?} after the first request"
    );
}
