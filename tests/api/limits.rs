//! The limits on signing in, under parallel requests: counted before the password is checked,
//! so that no number of simultaneous attempts gets more guesses than the limit.

use std::sync::Arc;
use std::time::Duration;

use crate::common::{Backend, TestApp, TestDb, browser_client, open_form, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    parallel_wrong_passwords_for_one_account,
    parallel_wrong_passwords_from_one_address,
    the_wait_grows_and_the_right_password_works_after_it,
    expired_counters_are_removed,
    a_busy_pool_turns_sign_ins_away_at_once,
    a_forwarded_for_header_from_an_untrusted_peer_is_ignored
);

/// Enough hashing threads that the pool never answers "busy" here: what is tested is the limit.
const ROOMY_POOL: (&str, &str) = ("BELONG__SERVER__PASSWORD_HASHERS", "64");

/// A browser on the sign-in page: its client (with the form cookie) and the form's token.
async fn login_form(app: &TestApp) -> (reqwest::Client, String) {
    let client = browser_client();
    let token = open_form(&client, &app.url("/coordinator/login")).await;
    (client, token)
}

/// One answer to a sign-in: status, `Retry-After` in seconds, the page.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    page: String,
}

async fn attempt(
    client: &reqwest::Client,
    app: &TestApp,
    token: &str,
    email: &str,
    password: &str,
) -> Answer {
    attempt_from(client, app, token, email, password, None).await
}

/// A sign-in whose request carries `X-Forwarded-For: {from}` when given.
async fn attempt_from(
    client: &reqwest::Client,
    app: &TestApp,
    token: &str,
    email: &str,
    password: &str,
    from: Option<&str>,
) -> Answer {
    let mut request = client.post(app.url("/coordinator/login")).form(&[
        ("csrf_token", token),
        ("email", email),
        ("password", password),
    ]);
    if let Some(from) = from {
        request = request.header("x-forwarded-for", from);
    }
    let response = request.send().await.expect("post");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Answer {
        status,
        retry_after,
        page: response.text().await.unwrap_or_default(),
    }
}

/// Sends `n` sign-ins at once; `email(i)` is the account the i-th one names.
async fn flood(app: &Arc<TestApp>, n: usize, email: impl Fn(usize) -> String) -> Vec<Answer> {
    let (client, token) = login_form(app).await;
    let mut tasks = Vec::new();
    for i in 0..n {
        let (app, client, token, email) = (app.clone(), client.clone(), token.clone(), email(i));
        tasks.push(tokio::spawn(async move {
            attempt(&client, &app, &token, &email, "not the password at all").await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("join"));
    }
    answers
}

fn count(answers: &[Answer], status: u16) -> usize {
    answers.iter().filter(|a| a.status == status).count()
}

/// Every answer is a 401 or a 429 that says how long to wait, on a page with its error summary.
fn only_refusals(answers: &[Answer]) {
    for a in answers {
        assert!(
            matches!(a.status, 401 | 429),
            "unexpected {}: {}",
            a.status,
            a.page
        );
        assert!(a.page.contains("id=\"error-summary\""), "{}", a.page);
        if a.status == 429 {
            assert!(
                a.retry_after.is_some_and(|s| s >= 1),
                "429 without Retry-After"
            );
        }
    }
}

async fn parallel_wrong_passwords_for_one_account(backend: Backend) {
    let app = Arc::new(spawn_with(TestDb::new(backend), &[ROOMY_POOL]).await);
    crate::console::make_coordinator(&app, "grace@example.org", "tea before the night shift");
    let answers = flood(&app, 40, |_| "grace@example.org".into()).await;
    only_refusals(&answers);
    assert_eq!(count(&answers, 401), 5, "five guesses, however parallel");
    assert_eq!(count(&answers, 429), 35);
    let refused = answers.iter().find(|a| a.status == 429).expect("a 429");
    assert!(refused.page.contains("Please wait"), "{}", refused.page);
}

async fn parallel_wrong_passwords_from_one_address(backend: Backend) {
    let app = Arc::new(spawn_with(TestDb::new(backend), &[ROOMY_POOL]).await);
    // A different account each time: only the address's limit (20) applies.
    let answers = flood(&app, 60, |i| format!("guess.{i}@example.org")).await;
    only_refusals(&answers);
    assert_eq!(count(&answers, 401), 20, "twenty guesses per address");
    assert_eq!(count(&answers, 429), 40);
}

async fn the_wait_grows_and_the_right_password_works_after_it(backend: Backend) {
    let app = spawn_with(
        TestDb::new(backend),
        &[
            ROOMY_POOL,
            ("BELONG__SERVER__LOGIN_WAIT_SECS", "1"),
            ("BELONG__SERVER__LOGIN_WAIT_CAP_SECS", "60"),
        ],
    )
    .await;
    let password = "tea before the night shift";
    crate::console::make_coordinator(&app, "grace@example.org", password);
    let (client, token) = login_form(&app).await;
    let email = "grace@example.org";
    for _ in 0..5 {
        assert_eq!(
            attempt(&client, &app, &token, email, "wrong").await.status,
            401
        );
    }
    // Over the limit: refused without a check, even with the right password.
    let refused = attempt(&client, &app, &token, email, password).await;
    assert_eq!((refused.status, refused.retry_after), (429, Some(1)));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // After the wait, one more guess; a wrong one doubles the wait.
    assert_eq!(
        attempt(&client, &app, &token, email, "wrong").await.status,
        401
    );
    let refused = attempt(&client, &app, &token, email, password).await;
    assert_eq!((refused.status, refused.retry_after), (429, Some(2)));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        attempt(&client, &app, &token, email, "wrong").await.status,
        401
    );
    let refused = attempt(&client, &app, &token, email, password).await;
    assert_eq!((refused.status, refused.retry_after), (429, Some(4)));
    tokio::time::sleep(Duration::from_millis(4100)).await;
    // The right password after the wait works, and clears the account's count.
    assert_eq!(
        attempt(&client, &app, &token, email, password).await.status,
        303
    );
    for _ in 0..5 {
        assert_eq!(
            attempt(&client, &app, &token, email, "wrong").await.status,
            401
        );
    }
    assert_eq!(
        attempt(&client, &app, &token, email, "wrong").await.status,
        429
    );
}

/// The subjects of the counters in the database.
async fn counters(app: &TestApp) -> Vec<String> {
    use belong::store::schema::rate_limits;
    use diesel::prelude::*;
    app.app
        .db
        .run(|conn| {
            rate_limits::table
                .select(rate_limits::subject)
                .order(rate_limits::subject.asc())
                .load::<String>(conn)
                .map_err(belong::store::StoreError::from)
        })
        .await
        .expect("counters")
}

async fn expired_counters_are_removed(backend: Backend) {
    use belong::store::schema::rate_limits;
    use diesel::prelude::*;
    let app = spawn_with(TestDb::new(backend), &[]).await;
    app.app
        .db
        .run(|conn| {
            diesel::insert_into(rate_limits::table)
                .values((
                    rate_limits::subject.eq("signup:192.0.2.1"),
                    rate_limits::hits.eq(3),
                    rate_limits::last_ms.eq(1_000),
                    rate_limits::wait_ms.eq(0),
                    rate_limits::expires_ms.eq(61_000),
                ))
                .execute(conn)
                .map_err(belong::store::StoreError::from)
        })
        .await
        .expect("an old window");
    let (client, token) = login_form(&app).await;
    assert_eq!(
        attempt(&client, &app, &token, "grace@example.org", "wrong")
            .await
            .status,
        401
    );
    let left = counters(&app).await;
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter().all(|s| s.starts_with("login-")),
        "the old window is gone, the live counts stay: {left:?}"
    );
}

async fn a_busy_pool_turns_sign_ins_away_at_once(backend: Backend) {
    let app = Arc::new(
        spawn_with(
            TestDb::new(backend),
            &[
                ("BELONG__SERVER__PASSWORD_HASHERS", "1"),
                ("BELONG__SERVER__TRUSTED_PROXIES", "127.0.0.1/32"),
            ],
        )
        .await,
    );
    let (client, token) = login_form(&app).await;
    // Thirty people at once, each from their own address with their own account: no limit
    // applies, but one thread checks passwords.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let (app, client, token) = (app.clone(), client.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            attempt_from(
                &client,
                &app,
                &token,
                &format!("person.{i}@example.org"),
                "not the password at all",
                Some(&format!("198.51.100.{}", i + 1)),
            )
            .await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("join"));
    }
    only_refusals(&answers);
    assert!(count(&answers, 401) >= 1, "the first one is checked");
    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert!(!busy.is_empty(), "the others do not queue");
    assert!(
        busy.iter().all(|a| a.page.contains("very busy")),
        "turned away as busy, not as throttled"
    );
}

async fn a_forwarded_for_header_from_an_untrusted_peer_is_ignored(backend: Backend) {
    // No trusted proxies: whatever the header claims, every attempt is from 127.0.0.1.
    let app = spawn_with(TestDb::new(backend), &[ROOMY_POOL]).await;
    let (client, token) = login_form(&app).await;
    for i in 0..20 {
        let from = format!("203.0.113.{}", i + 1);
        let answer = attempt_from(
            &client,
            &app,
            &token,
            &format!("guess.{i}@example.org"),
            "wrong",
            Some(&from),
        )
        .await;
        assert_eq!(answer.status, 401);
    }
    let answer = attempt_from(
        &client,
        &app,
        &token,
        "guess.99@example.org",
        "wrong",
        Some("203.0.113.99"),
    )
    .await;
    assert_eq!(answer.status, 429, "the twenty-first from one peer");
}
