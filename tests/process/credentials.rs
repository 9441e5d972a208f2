//! Credentials have a life cycle: tokens expire and are revoked, logins are disabled, and
//! every instance on the database honours it at once.

use std::io::Write;
use std::process::{Output, Stdio};
use std::time::Duration;

use crate::common::{
    Backend, Process, TestDb, belong_command, browser_client, cli_token, sign_in_at,
};

fn run(db: &TestDb, args: &[&str]) -> Output {
    belong_command(db).args(args).output().expect("run belong")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn api_status(url: String, token: &str) -> u16 {
    reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// The listed row of the token named `name`.
fn listed(db: &TestDb, name: &str) -> String {
    stdout(&run(db, &["token", "list"]))
        .lines()
        .find(|l| l.split("  ").any(|cell| cell.trim() == name))
        .unwrap_or_else(|| panic!("{name} in the token list"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_refused_by_every_instance_at_once() {
    let db = TestDb::new(Backend::Postgres);
    let token = cli_token(&db, "integration");
    let (a, b) = (Process::start(&db).await, Process::start(&db).await);
    for p in [&a, &b] {
        assert_eq!(api_status(p.url("/api/v1/mentees"), &token).await, 200);
    }
    let list = stdout(&run(&db, &["token", "list"]));
    assert!(list.starts_with("ID"), "{list}");
    assert!(!list.contains(&token), "the secret is never listed: {list}");
    let row = listed(&db, "tests");
    assert!(row.contains("integration"), "{row}");
    assert!(
        row.matches(" UTC").count() >= 2,
        "made and last used: {row}"
    );

    let out = stdout(&run(&db, &["token", "revoke", "tests"]));
    assert!(out.contains("Revoked"), "{out}");
    for p in [&a, &b] {
        assert_eq!(api_status(p.url("/api/v1/mentees"), &token).await, 401);
    }
    assert_eq!(listed(&db, "tests").matches(" UTC").count(), 3);
    // Revoking again, or a token nobody has, says so.
    let again = run(&db, &["token", "revoke", "tests"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no unrevoked token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_made_to_expire_stops_working_then() {
    let db = TestDb::new(Backend::Sqlite);
    let out = stdout(&run(
        &db,
        &[
            "token",
            "create",
            "--name",
            "trial",
            "--role",
            "coordinator",
            "--expires-in",
            "PT3S",
        ],
    ));
    let token = out.lines().last().expect("token").trim().to_string();
    let made = std::time::Instant::now();
    let p = Process::start(&db).await;
    assert_eq!(api_status(p.url("/api/v1/mentees"), &token).await, 200);
    assert_eq!(listed(&db, "trial").matches(" UTC").count(), 3);
    tokio::time::sleep(Duration::from_secs(11).saturating_sub(made.elapsed())).await;
    assert_eq!(api_status(p.url("/api/v1/mentees"), &token).await, 401);

    let bad = run(
        &db,
        &[
            "token",
            "create",
            "--name",
            "x",
            "--role",
            "coordinator",
            "--expires-in",
            "90 days",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ISO 8601"));
    let none = run(
        &db,
        &[
            "token",
            "create",
            "--name",
            "x",
            "--role",
            "coordinator",
            "--expires-in",
            "P0D",
        ],
    );
    assert!(
        !none.status.success(),
        "a token that never works is refused"
    );
    assert!(String::from_utf8_lossy(&none.stderr).contains("no time at all"));
}

fn create_coordinator(db: &TestDb, email: &str, password: &str) {
    let mut child = belong_command(db)
        .args([
            "coordinator",
            "create",
            "--email",
            email,
            "--name",
            "Grace Okafor",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run");
    writeln!(child.stdin.take().expect("stdin"), "{password}").expect("write");
    assert!(child.wait().expect("wait").success());
}

async fn sign_in(client: &reqwest::Client, p: &Process, email: &str, password: &str) -> u16 {
    sign_in_at(client, &p.url(""), email, password)
        .await
        .status()
        .as_u16()
}

async fn console_status(client: &reqwest::Client, p: &Process) -> u16 {
    client
        .get(p.url("/coordinator"))
        .send()
        .await
        .expect("console")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_login_loses_its_sessions_on_every_instance() {
    let db = TestDb::new(Backend::Postgres);
    let (email, password) = (
        "grace.okafor@example.org",
        "tea before the night shift, 7 sugars",
    );
    create_coordinator(&db, email, password);
    let (a, b) = (Process::start(&db).await, Process::start(&db).await);
    let client = browser_client();
    assert_eq!(sign_in(&client, &a, email, password).await, 303);
    // The session cookie is the host's, so the other instance sees it too.
    assert_eq!(console_status(&client, &b).await, 200);
    let list = stdout(&run(&db, &["coordinator", "list"]));
    assert!(
        list.contains(email) && list.trim_end().ends_with('1'),
        "{list}"
    );

    stdout(&run(&db, &["coordinator", "disable", "--email", email]));
    for p in [&a, &b] {
        assert_eq!(console_status(&client, p).await, 303, "session ended");
    }
    assert_eq!(sign_in(&browser_client(), &b, email, password).await, 401);
    let list = stdout(&run(&db, &["coordinator", "list"]));
    let row = list.lines().find(|l| l.contains(email)).expect("row");
    assert_eq!(row.matches(" UTC").count(), 2, "made and disabled: {row}");
    assert!(row.trim_end().ends_with('0'), "{row}");

    stdout(&run(&db, &["coordinator", "enable", "--email", email]));
    let client = browser_client();
    assert_eq!(sign_in(&client, &a, email, password).await, 303);
    assert_eq!(console_status(&client, &b).await, 200);
    let unknown = run(
        &db,
        &["coordinator", "disable", "--email", "nobody@example.org"],
    );
    assert!(!unknown.status.success());
}
