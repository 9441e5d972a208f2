//! The coordinators' daily digest with two `belong serve` processes on one database: each
//! coordinator gets it once, whichever process's scheduler gets there first.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Backend, Process, TestDb, belong_command, cli_token};

const DIGEST_NOW: &[(&str, &str)] = &[
    ("BELONG__HEALTH__DIGEST_AT", "00:00"),
    ("BELONG__CHECKINS__TIMEZONE", "UTC"),
    ("BELONG__CHECKINS__TICK_INTERVAL_MS", "100"),
];

fn make_coordinator(db: &TestDb, email: &str, name: &str) {
    let mut child = belong_command(db)
        .args(["coordinator", "create", "--email", email, "--name", name])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("belong coordinator create");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"tea before the night shift\n")
        .expect("password");
    assert!(child.wait().expect("exit").success());
}

async fn digests(process: &Process, token: &str) -> Vec<Value> {
    let page: Value = reqwest::Client::new()
        .get(process.url("/api/v1/emails?limit=200"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    page["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| {
            e["subject"]
                .as_str()
                .is_some_and(|s| s.contains("pair health"))
        })
        .collect()
}

async fn one_digest_per_coordinator(backend: Backend) {
    let db = TestDb::new(backend);
    make_coordinator(&db, "grace@example.org", "Grace Okafor");
    make_coordinator(&db, "lin@example.org", "Lin Chen");
    let token = cli_token(&db, "coordinator");
    let (a, b) = tokio::join!(
        Process::start_with(&db, DIGEST_NOW),
        Process::start_with(&db, DIGEST_NOW)
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let sent = digests(&a, &token).await;
        if sent.len() >= 2 && sent.iter().all(|e| e["status"] == "sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both schedulers have ticked many times meanwhile; a few more make sure.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = digests(&b, &token).await;
    let mut to: Vec<String> = sent
        .iter()
        .map(|e| e["to"][0].as_str().unwrap_or_default().to_string())
        .collect();
    to.sort();
    assert_eq!(to, ["grace@example.org", "lin@example.org"], "{sent:?}");
    assert!(sent.iter().all(|e| e["status"] == "sent"), "{sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_send_one_digest_per_coordinator() {
    one_digest_per_coordinator(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_sqlite_file_send_one_digest_per_coordinator() {
    one_digest_per_coordinator(Backend::Sqlite).await;
}
