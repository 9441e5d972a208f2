//! The limits on signing in, under parallel requests: counted before the password is checked,
//! so that no number of simultaneous attempts gets more guesses than the limit.

use std::sync::Arc;
use std::time::Duration;

use crate::common::{Backend, TestApp, TestDb, browser_client, csrf_token_in, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    parallel_wrong_passwords_for_one_account,
    parallel_wrong_passwords_from_one_address,
    the_wait_grows_and_the_right_password_works_after_it
);

/// Enough hashing threads that the pool never answers "busy" here: what is tested is the limit.
const ROOMY_POOL: (&str, &str) = ("BELONG__SERVER__PASSWORD_HASHERS", "64");

/// A browser on the sign-in page: its client (with the form cookie) and the form's token.
async fn login_form(app: &TestApp) -> (reqwest::Client, String) {
    let client = browser_client();
    let html = client
        .get(app.url("/coordinator/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("html");
    (client, csrf_token_in(&html))
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
    let response = client
        .post(app.url("/coordinator/login"))
        .form(&[
            ("csrf_token", token),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("post");
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
