//! The sign-up forms over plain HTTP: every field, the rules, CSRF, the rate limit.

use serde_json::Value;

use crate::common::{Backend, TestApp, TestDb, browser_client, csrf_token_in, spawn, spawn_with};
use crate::on_both_backends;

on_both_backends!(signing_up_through_the_form);

/// Opens a form and returns its CSRF token (the client keeps the cookie).
async fn open(client: &reqwest::Client, app: &TestApp, path: &str) -> (String, String) {
    let response = client.get(app.url(path)).send().await.expect("request");
    assert_eq!(response.status(), 200);
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let html = response.text().await.expect("html");
    (csrf_token_in(&html), html)
}

fn valid(token: &str, email: &str) -> Vec<(String, String)> {
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
        ("languages", "pt"),
        ("goals", "clinical_skills"),
        ("goals", "time_management"),
        ("interests", "trauma care, teaching"),
        ("affinity_groups", "internationally_educated"),
        ("preferred_meeting", "either"),
        ("manager_email", "charge.nurse@example.org"),
        ("notes", "Happy to meet before night shifts."),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(String, String)],
) -> (u16, String, Option<String>) {
    let response = client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    (status, response.text().await.unwrap_or_default(), location)
}

async fn signing_up_through_the_form(backend: Backend) {
    let app = spawn(backend).await;
    let client = browser_client();
    let (token, html) = open(&client, &app, "/signup/mentee").await;
    for name in [
        "full_name",
        "email",
        "profession",
        "specialty",
        "site",
        "shift",
        "start_date",
        "languages",
        "interests",
        "goals",
        "affinity_groups",
        "preferred_meeting",
        "manager_email",
        "notes",
        "csrf_token",
    ] {
        assert!(html.contains(&format!("name=\"{name}\"")), "field {name}");
    }
    for label in [
        "Registered nurse",
        "Neonatal intensive care",
        "North Campus",
        "Work-life balance",
        "Tagalog",
        "Portuguese",
    ] {
        assert!(html.contains(label), "label {label}");
    }
    assert!(html.contains("only ever compare this with someone who has also chosen to share it"));
    assert!(html.contains("never pair you with your own manager"));

    // Invalid: 422, the form again, messages beside the fields, input kept.
    let mut form = valid(&token, "not-an-email");
    form.retain(|(k, _)| k != "profession");
    form.push(("years_experience".into(), "12".into())); // not a mentee field: ignored by the form
    let (status, page, _) = post(&client, &app, "/signup/mentee", &form).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"error-summary\""));
    assert!(page.contains("href=\"#field-email\"") && page.contains("href=\"#field-profession\""));
    assert!(page.contains("id=\"field-email-error\""));
    assert!(page.contains("value=\"Ana Souza\""), "input kept");
    assert!(page.contains("value=\"not-an-email\""));
    assert!(
        page.contains("value=\"pt\" id=\"field-languages-pt\" checked"),
        "choices kept"
    );
    for (k, v) in [
        ("start_date", "2026-02-30"),
        ("notes", &"x".repeat(2001)),
        ("shift", "dawn"),
        ("goals", "juggling"),
    ] {
        let mut form = valid(&token, "ok@example.org");
        form.retain(|(key, _)| key != k);
        form.push((k.to_string(), v.to_string()));
        let (status, page, _) = post(&client, &app, "/signup/mentee", &form).await;
        assert_eq!(status, 422, "{k}");
        assert!(page.contains(&format!("id=\"field-{k}-error\"")), "{k}");
    }
    let (_, list) = app.get_json("/api/v1/mentees").await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "nothing invalid stored"
    );

    // Valid: 303 to the thank-you page, stored with the same rules as the API.
    let (status, _, location) = post(
        &client,
        &app,
        "/signup/mentee",
        &valid(&token, "Ana@Example.org"),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/signup/thanks?as=mentee"));
    let thanks = client
        .get(app.url("/signup/thanks?as=mentee"))
        .send()
        .await
        .expect("thanks")
        .text()
        .await
        .expect("html");
    assert!(thanks.contains("What happens next"));
    let (_, list) = app.get_json("/api/v1/mentees").await;
    let stored: &Value = &list["items"][0];
    assert_eq!(stored["email"], "ana@example.org");
    assert_eq!(stored["languages"], serde_json::json!(["en", "pt"]));
    assert_eq!(
        stored["interests"],
        serde_json::json!(["trauma care", "teaching"])
    );
    assert_eq!(stored["start_date"], "2026-10-01");

    // The same address again: answered like a new sign-up (the person is told by email).
    let (status, _, location) = post(
        &client,
        &app,
        "/signup/mentee",
        &valid(&token, "ana@example.org"),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/signup/thanks?as=mentee"));

    // CSRF: no token, a wrong token, or a token without its cookie → 403, nothing stored.
    let mut no_token = valid(&token, "b@example.org");
    no_token.retain(|(k, _)| k != "csrf_token");
    assert_eq!(
        post(&client, &app, "/signup/mentee", &no_token).await.0,
        403
    );
    assert_eq!(
        post(
            &client,
            &app,
            "/signup/mentee",
            &valid("forged", "b@example.org")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &browser_client(),
            &app,
            "/signup/mentee",
            &valid(&token, "b@example.org")
        )
        .await
        .0,
        403
    );
    let (_, list) = app.get_json("/api/v1/mentees").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));

    // The mentor form has the mentor's fields and not start_date.
    let (token, html) = open(&client, &app, "/signup/mentor").await;
    for name in [
        "years_experience",
        "capacity",
        "can_help_with",
        "certifications",
    ] {
        assert!(html.contains(&format!("name=\"{name}\"")), "field {name}");
    }
    assert!(!html.contains("name=\"start_date\""));
    let mut form = valid(&token, "grace@example.org");
    form.retain(|(k, _)| k != "start_date");
    form.push(("years_experience".into(), "twelve".into()));
    let (status, page, _) = post(&client, &app, "/signup/mentor", &form).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"field-years_experience-error\""));
    form.retain(|(k, _)| k != "years_experience");
    form.extend([
        ("years_experience".into(), "12".into()),
        ("certifications".into(), "CEN, TNCC".into()),
    ]);
    let (status, _, location) = post(&client, &app, "/signup/mentor", &form).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/signup/thanks?as=mentor"))
    );
    let (_, mentors) = app.get_json("/api/v1/mentors").await;
    assert_eq!(
        mentors["items"][0]["certifications"],
        serde_json::json!(["CEN", "TNCC"])
    );
    assert_eq!(mentors["items"][0]["capacity"], 2);

    // Unknown pages are pages, not JSON.
    let response = client
        .get(app.url("/signup/nobody"))
        .header("accept", "text/html,*/*")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("Page not found")
    );
    assert_eq!(
        client
            .delete(app.url("/signup/mentee"))
            .send()
            .await
            .expect("request")
            .status(),
        405
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_posts_are_rate_limited_per_address() {
    let app = spawn_with(
        TestDb::new(Backend::Sqlite),
        &[("BELONG__SERVER__SIGNUP_POSTS_PER_MINUTE", "3")],
    )
    .await;
    let client = browser_client();
    let (token, _) = open(&client, &app, "/signup/mentee").await;
    for n in 0..3 {
        let (status, _, _) = post(
            &client,
            &app,
            "/signup/mentee",
            &valid(&token, &format!("n{n}@example.org")),
        )
        .await;
        assert_eq!(status, 303);
    }
    let (status, page, _) = post(
        &client,
        &app,
        "/signup/mentee",
        &valid(&token, "n9@example.org"),
    )
    .await;
    assert_eq!(status, 429);
    assert!(page.contains("Please wait a minute"));
    let (_, list) = app.get_json("/api/v1/mentees").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(3));
}
