//! The limits as an operator sees them: a login flood against the real binary (answers and
//! memory), and two instances behind a trusted proxy sharing one database's counters.

use std::sync::Arc;

use crate::common::{Backend, Process, TestDb, browser_client, csrf_token_in};

/// The process's resident memory, in MiB.
fn resident_mib(process: &Process) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", process.child.id()))
        .expect("/proc status");
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib / 1024.0
}

/// A browser on a page with a form: its client (keeping the form cookie) and the form's token.
async fn form(process: &Process, path: &str) -> (reqwest::Client, String) {
    let client = browser_client();
    let html = client
        .get(process.url(path))
        .send()
        .await
        .expect("form page")
        .text()
        .await
        .expect("html");
    (client, csrf_token_in(&html))
}

/// A wrong password for `email`, claiming to come from `from` (through the proxy) when given.
async fn wrong_password(
    client: &reqwest::Client,
    process: &Process,
    token: &str,
    email: &str,
    from: Option<&str>,
) -> (u16, Option<String>) {
    let mut request = client.post(process.url("/coordinator/login")).form(&[
        ("csrf_token", token),
        ("email", email),
        ("password", "not the password at all"),
    ]);
    if let Some(from) = from {
        request = request.header("x-forwarded-for", from);
    }
    let response = request.send().await.expect("post");
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    (response.status().as_u16(), retry_after)
}

/// Sends `n` wrong passwords at once; `who(i)` is the i-th one's email and client address.
async fn flood(
    process: &Arc<Process>,
    n: usize,
    who: impl Fn(usize) -> (String, Option<String>),
) -> (usize, usize) {
    let (client, token) = form(process, "/coordinator/login").await;
    let mut tasks = Vec::new();
    for i in 0..n {
        let (process, client, token) = (process.clone(), client.clone(), token.clone());
        let (email, from) = who(i);
        tasks.push(tokio::spawn(async move {
            wrong_password(&client, &process, &token, &email, from.as_deref()).await
        }));
    }
    let (mut unauthorized, mut throttled) = (0, 0);
    for task in tasks {
        match task.await.expect("join") {
            (401, _) => unauthorized += 1,
            (429, Some(_)) => throttled += 1,
            other => panic!("unexpected answer to a wrong password: {other:?}"),
        }
    }
    (unauthorized, throttled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_flood_is_refused_without_growing_the_process() {
    let db = TestDb::new(Backend::Sqlite)
        .with_config("[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n");
    let process = Arc::new(Process::start(&db).await);
    // The baseline is taken before any password is checked: the hashing threads' memory counts
    // as part of the rise.
    let before = resident_mib(&process);

    // One account, from one address, 200 at once: five guesses at most.
    let (unauthorized, throttled) =
        flood(&process, 200, |_| ("grace@example.org".into(), None)).await;
    assert_eq!(unauthorized + throttled, 200);
    assert!(unauthorized <= 5, "{unauthorized} guesses at one account");
    // 200 accounts from 200 addresses, twice: no limit applies, the hashing pool holds.
    let mut spread = (0, 0);
    for round in 0..2 {
        let (u, t) = flood(&process, 200, |i| {
            (
                format!("person.{round}.{i}@example.org"),
                Some(format!("10.{round}.{}.{}", i / 200, i % 200 + 1)),
            )
        })
        .await;
        spread = (spread.0 + u, spread.1 + t);
    }
    let after = resident_mib(&process);
    eprintln!(
        "login flood: one account {unauthorized}×401 {throttled}×429; spread {}×401 {}×429; \
         resident {before:.1} MiB → {after:.1} MiB (+{:.1})",
        spread.0,
        spread.1,
        after - before
    );
    assert_eq!(spread.0 + spread.1, 400);
    assert!(
        after - before < 100.0,
        "resident memory rose from {before:.1} to {after:.1} MiB"
    );
}

/// A complete mentee sign-up form.
fn signup_form(token: &str, email: &str) -> Vec<(String, String)> {
    [
        ("csrf_token", token),
        ("full_name", "Ana Souza"),
        ("email", email),
        ("profession", "registered_nurse"),
        ("specialty", "emergency"),
        ("site", "north_campus"),
        ("shift", "night"),
        ("start_date", "2026-10-01"),
        ("languages", "en"),
        ("goals", "clinical_skills"),
        ("preferred_meeting", "either"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A sign-up through the proxy from `from` (after an address the client made up itself):
/// the status and `Retry-After`.
async fn sign_up(
    client: &reqwest::Client,
    process: &Process,
    token: &str,
    email: &str,
    from: &str,
) -> (u16, Option<String>) {
    let response = client
        .post(process.url("/signup/mentee"))
        .header("x-forwarded-for", format!("192.0.2.200, {from}"))
        .form(&signup_form(token, email))
        .send()
        .await
        .expect("post");
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    (response.status().as_u16(), retry_after)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_a_proxy_share_the_limits_per_client_address() {
    let db = TestDb::new(Backend::Postgres)
        .with_config("[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n");
    let (a, b) = tokio::join!(Process::start(&db), Process::start(&db));
    let instances = [&a, &b];

    // An induction day: the whole room is one address to the outside, and each instance takes
    // half of it. Sixty sign-ups in a minute (the default limit) all go through...
    let (client, token) = form(&a, "/signup/mentee").await;
    for n in 0..60 {
        let (status, _) = sign_up(
            &client,
            instances[n % 2],
            &token,
            &format!("nurse.{n}@example.org"),
            "198.51.100.10",
        )
        .await;
        assert_eq!(status, 303, "sign-up {n} from the induction room");
    }
    // ...and the next is one too many, whichever instance it reaches: the count is shared.
    for (n, instance) in instances.iter().enumerate() {
        let (status, retry_after) = sign_up(
            &client,
            instance,
            &token,
            &format!("one.more.{n}@example.org"),
            "198.51.100.10",
        )
        .await;
        assert_eq!(status, 429);
        assert!(retry_after.is_some(), "a 429 says how long to wait");
    }
    // Another client address is counted on its own.
    let (status, _) = sign_up(
        &client,
        &b,
        &token,
        "next.room@example.org",
        "198.51.100.11",
    )
    .await;
    assert_eq!(status, 303);

    // Sign-ins: one account's five guesses are shared by the instances...
    let (client, token) = form(&a, "/coordinator/login").await;
    for n in 0..5 {
        let (status, _) = wrong_password(
            &client,
            instances[n % 2],
            &token,
            "grace@example.org",
            Some("203.0.113.5"),
        )
        .await;
        assert_eq!(status, 401);
    }
    for instance in instances {
        let (status, retry_after) = wrong_password(
            &client,
            instance,
            &token,
            "grace@example.org",
            Some("203.0.113.5"),
        )
        .await;
        assert_eq!((status, retry_after.is_some()), (429, true));
    }
    // ...and so are one address's twenty, across accounts.
    for n in 0..20 {
        let (status, _) = wrong_password(
            &client,
            instances[n % 2],
            &token,
            &format!("guess.{n}@example.org"),
            Some("203.0.113.6"),
        )
        .await;
        assert_eq!(status, 401, "guess {n}");
    }
    for instance in instances {
        let (status, _) = wrong_password(
            &client,
            instance,
            &token,
            "guess.99@example.org",
            Some("203.0.113.6"),
        )
        .await;
        assert_eq!(status, 429);
    }
    let (status, _) = wrong_password(
        &client,
        &a,
        &token,
        "guess.99@example.org",
        Some("203.0.113.7"),
    )
    .await;
    assert_eq!(status, 401, "another address is counted on its own");
}
