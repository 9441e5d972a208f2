//! The command line: help, tokens, migrations, and clear errors instead of panics.

use std::process::Output;

use crate::common::{Backend, Process, TestDb, belong_command, cli_token, mentee_body};

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = belong_command(db);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run belong")
}

#[test]
fn help_reads_well() {
    let db = TestDb::new(Backend::Sqlite);
    let out = run(&db, &["--help"], &[]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    for word in ["serve", "migrate", "token", "--config"] {
        assert!(stdout.contains(word), "{word} in {stdout}");
    }
    let out = run(&db, &["token", "create", "--help"], &[]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("--name")
            && stdout.contains("coordinator")
            && stdout.contains("integration")
    );
}

#[test]
fn bad_configuration_is_one_clear_line() {
    let db = TestDb::new(Backend::Sqlite);
    for (env, key) in [
        (("BELONG__SERVER__PORT", "eighty"), "server.port"),
        (
            ("BELONG__DATABASE__URL", "mysql://localhost/db"),
            "database.url",
        ),
        (("BELONG__DATABASE__URL", "postgres:x"), "database.url"),
        (("BELONG__EMAIL__TRANSPORT", "pigeon"), "email.transport"),
        (
            ("BELONG__SERVER__PUBLIC_URL", "not a url"),
            "server.public_url",
        ),
        (
            ("BELONG__MATCHING__DEFAULT_CAPACITY", "99"),
            "matching.default_capacity",
        ),
    ] {
        let out = run(&db, &["migrate"], &[env]);
        let (_, stderr) = text(&out);
        assert!(!out.status.success(), "{env:?}");
        assert!(stderr.contains(key), "{env:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let out = run(
        &db,
        &["--config", "/nonexistent/belong.toml", "migrate"],
        &[],
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("/nonexistent/belong.toml"));
    // A hospital file with a broken taxonomy names the entry.
    let file = db.dir().join("hospital.toml");
    std::fs::write(
        &file,
        "[taxonomy]\nsites = [{ code = \"North Campus\", label = \"North\" }]\n",
    )
    .expect("write");
    let out = run(
        &db,
        &["migrate"],
        &[("BELONG_CONFIG", file.to_str().expect("path"))],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("taxonomy.sites[0].code"), "{stderr}");
}

#[test]
fn unreachable_database_is_a_message() {
    let db = TestDb::new(Backend::Sqlite);
    let out = run(
        &db,
        &["migrate"],
        &[(
            "BELONG__DATABASE__URL",
            "postgres://nobody@127.0.0.1:1/none",
        )],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("cannot open the postgres database"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    let out = run(
        &db,
        &["token", "create", "--name", "x", "--role", "boss"],
        &[],
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("boss"));
}

#[test]
fn migrate_creates_the_sqlite_file_and_its_folder() {
    let db = TestDb::new(Backend::Sqlite);
    let url = format!(
        "sqlite://{}",
        db.dir().join("nested/deeper/belong.db").display()
    );
    let out = run(&db, &["migrate"], &[("BELONG__DATABASE__URL", &url)]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("applied"), "{stdout}");
    assert!(db.dir().join("nested/deeper/belong.db").is_file());
    let out = run(&db, &["migrate"], &[("BELONG__DATABASE__URL", &url)]);
    assert!(text(&out).0.contains("up to date"));
}

async fn tokens_are_shown_once_and_stored_hashed(backend: Backend) {
    let db = TestDb::new(backend);
    let coordinator = cli_token(&db, "coordinator");
    let integration = cli_token(&db, "integration");
    assert!(coordinator.starts_with("belong_") && coordinator.len() > 40);
    assert_ne!(coordinator, integration);
    let server = Process::start(&db).await;
    let client = reqwest::Client::new();
    for token in [&coordinator, &integration] {
        let response = client
            .post(server.url("/api/v1/mentees"))
            .bearer_auth(token)
            .json(&mentee_body(
                token.len() + if token == &coordinator { 0 } else { 1000 },
            ))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201);
    }
    // Only the hash is stored.
    use belong::store::schema::api_tokens;
    use diesel::prelude::*;
    let settings = crate::common::settings(&db, &[]);
    let (app, _) = belong::startup::open(settings).expect("open");
    let hashes: Vec<String> = app
        .db
        .run_blocking(|conn| {
            api_tokens::table
                .select(api_tokens::token_hash)
                .load(conn)
                .map_err(belong::store::StoreError::from)
        })
        .expect("hashes");
    assert_eq!(hashes.len(), 2);
    assert!(
        hashes
            .iter()
            .all(|h| h.len() == 64 && h != &coordinator && h != &integration)
    );
    assert!(hashes.contains(&belong::app::tokens::hash(&coordinator)));
}

crate::on_both_backends!(tokens_are_shown_once_and_stored_hashed);

/// A PostgreSQL server that accepts connections and then says nothing (hung, or behind a
/// broken network) stops `belong` within seconds with a clear message, instead of hanging.
#[test]
fn a_database_that_never_answers_fails_fast() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let db = TestDb::new(Backend::Sqlite);
    let url = format!("postgres://belong@127.0.0.1:{port}/belong");
    let mut child = belong_command(&db)
        .arg("migrate")
        .env("BELONG__DATABASE__URL", &url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run belong");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    drop(silent);
    let status = status.expect("belong gave up within 30 s");
    assert!(!status.success());
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read");
    assert!(
        stderr.contains("timeout") || stderr.contains("timed out"),
        "{stderr}"
    );
}
