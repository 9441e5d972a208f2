//! The coordinators' console over HTTP: sign-in, throttling, sessions, CSRF, the actions.

use serde_json::json;

use crate::common::{Backend, TestApp, browser_client, csrf_token_in, spawn};
use crate::on_both_backends;

on_both_backends!(
    signing_in_and_out,
    the_console_places_a_mentee,
    people_pages_proposals_by_hand_and_settings
);

pub fn make_coordinator(app: &TestApp, email: &str, password: &str) {
    belong::app::coordinators::create(&app.app.db, email, "Grace Okafor", password)
        .expect("coordinator");
}

/// Signs in; returns the status and the Set-Cookie header of the answer.
async fn sign_in(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> (u16, String) {
    let html = client
        .get(app.url("/coordinator/login"))
        .send()
        .await
        .expect("login")
        .text()
        .await
        .expect("html");
    assert!(html.contains("type=\"password\""));
    let response = client
        .post(app.url("/coordinator/login"))
        .form(&[
            ("csrf_token", csrf_token_in(&html).as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("post");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("belong_session="))
        .unwrap_or_default()
        .to_string();
    (response.status().as_u16(), cookie)
}

async fn signing_in_and_out(backend: Backend) {
    let app = spawn(backend).await;
    let password = "tea before the night shift";
    make_coordinator(&app, "grace@example.org", password);
    let client = browser_client();

    // Without a session the console sends you to the sign-in page.
    let response = client
        .get(app.url("/coordinator"))
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/coordinator/login")
    );

    // A wrong password, or an unknown email: the same answer, and no session.
    let (status, cookie) = sign_in(&client, &app, "grace@example.org", "wrong password here").await;
    assert_eq!((status, cookie.as_str()), (401, ""));
    let (status, cookie) =
        sign_in(&client, &app, "nobody@example.org", "wrong password here").await;
    assert_eq!((status, cookie.as_str()), (401, ""));

    // The right one: a session cookie, HttpOnly and SameSite=Lax.
    let (status, cookie) = sign_in(&client, &app, "Grace@Example.org", password).await;
    assert_eq!(status, 303);
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "http public_url: no Secure flag"
    );
    let html = client
        .get(app.url("/coordinator"))
        .send()
        .await
        .expect("console")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Signed in as <strong>Grace Okafor</strong>"));
    let token = csrf_token_in(&html);

    // A console form without the session's token is refused.
    let response = client
        .post(app.url("/coordinator/matching-runs"))
        .form(&[("dry_run", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);
    let response = client
        .post(app.url("/coordinator/matching-runs"))
        .form(&[("csrf_token", "forged"), ("dry_run", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);

    // Logging out ends the session on the server: the old cookie opens nothing.
    let session_value = cookie.split(';').next().unwrap_or_default().to_string();
    let response = client
        .post(app.url("/coordinator/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(response.status(), 303);
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = replay
        .get(app.url("/coordinator"))
        .header("cookie", &session_value)
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303, "a logged-out session is gone");

    // An expired session is gone too.
    let (_, cookie) = sign_in(&client, &app, "grace@example.org", password).await;
    let session_value = cookie.split(';').next().unwrap_or_default().to_string();
    {
        use belong::store::schema::sessions;
        use diesel::prelude::*;
        let db = app.app.db.clone();
        tokio::task::spawn_blocking(move || {
            db.run_blocking(|conn| {
                diesel::update(sessions::table)
                    .set(
                        sessions::expires_at
                            .eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)),
                    )
                    .execute(conn)
                    .map_err(belong::store::StoreError::from)
            })
        })
        .await
        .expect("join")
        .expect("expire");
    }
    let response = replay
        .get(app.url("/coordinator"))
        .header("cookie", &session_value)
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303, "an expired session is gone");

    // Guessing is slowed down: after five failures the account refuses even the right password.
    for _ in 0..5 {
        assert_eq!(
            sign_in(&client, &app, "grace@example.org", "not the password")
                .await
                .0,
            401
        );
    }
    let (status, cookie) = sign_in(&client, &app, "grace@example.org", password).await;
    assert_eq!((status, cookie.as_str()), (429, ""));
    // ...and so does an unknown account after as many tries, so nothing tells them apart.
    for _ in 0..5 {
        sign_in(&client, &app, "ghost@example.org", "not the password").await;
    }
    assert_eq!(
        sign_in(&client, &app, "ghost@example.org", "not the password")
            .await
            .0,
        429
    );
}

async fn the_console_places_a_mentee(backend: Backend) {
    let app = spawn(backend).await;
    let password = "tea before the night shift";
    make_coordinator(&app, "grace@example.org", password);
    let mentee = app.mentee(1, json!({"full_name": "Ana Souza"})).await;
    app.mentor(1, json!({"full_name": "Bea Lima"})).await;
    let client = browser_client();
    assert_eq!(
        sign_in(&client, &app, "grace@example.org", password)
            .await
            .0,
        303
    );
    let html = client
        .get(app.url("/coordinator"))
        .send()
        .await
        .expect("overview")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Mentees waiting"));
    let token = csrf_token_in(&html);

    // A preview stores nothing.
    let preview = client
        .post(app.url("/coordinator/matching-runs"))
        .form(&[("csrf_token", token.as_str()), ("dry_run", "1")])
        .send()
        .await
        .expect("preview")
        .text()
        .await
        .expect("html");
    assert!(preview.contains("Ana Souza with Bea Lima"), "{preview}");
    assert!(preview.contains("<meter"));
    let (_, matches) = app.get_json("/api/v1/matches").await;
    assert_eq!(matches["items"].as_array().map(Vec::len), Some(0));

    // Storing, then approving from the proposals page.
    let stored = client
        .post(app.url("/coordinator/matching-runs"))
        .form(&[("csrf_token", token.as_str()), ("dry_run", "0")])
        .send()
        .await
        .expect("run")
        .text()
        .await
        .expect("html");
    assert!(stored.contains("Matching stored 1 proposal"));
    let (_, matches) = app.get_json("/api/v1/matches?status=proposed").await;
    let id = matches["items"][0]["id"].as_str().expect("id").to_string();
    let approved = client
        .post(app.url(&format!("/coordinator/matches/{id}/approve")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("approve")
        .text()
        .await
        .expect("html");
    assert!(approved.contains("Approved. The introduction email is on its way."));
    assert_eq!(
        app.get_json(&format!("/api/v1/mentees/{mentee}")).await.1["status"],
        "matched"
    );
    let emails = client
        .get(app.url("/coordinator/emails"))
        .send()
        .await
        .expect("emails")
        .text()
        .await
        .expect("html");
    assert!(emails.contains("Ana Souza and Bea Lima"));

    // Bulk decisions: reject two proposals at once, with one reason.
    let m2 = app.mentee(2, json!({})).await;
    let m3 = app.mentee(3, json!({})).await;
    let other = app.mentor(2, json!({"capacity": 3})).await;
    let mut ids = Vec::new();
    for mentee in [&m2, &m3] {
        let (_, m) = app
            .post_json(
                "/api/v1/matches",
                &json!({"mentee_id": mentee, "mentor_id": other}),
            )
            .await;
        ids.push(m["id"].as_str().expect("id").to_string());
    }
    let form = [
        ("csrf_token", token.as_str()),
        ("ids", ids[0].as_str()),
        ("ids", ids[1].as_str()),
        ("decision", "reject"),
        ("reason", "Same team"),
    ];
    let html = client
        .post(app.url("/coordinator/matches/selected"))
        .form(&form)
        .send()
        .await
        .expect("bulk")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Rejected 2 of 2 selected."), "{html}");
    for id in &ids {
        assert_eq!(
            app.get_json(&format!("/api/v1/matches/{id}")).await.1["status"],
            "rejected"
        );
    }
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.expect("request");
    (
        response.status().as_u16(),
        response.text().await.expect("html"),
    )
}

async fn submit(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("request");
    (
        response.status().as_u16(),
        response.text().await.expect("html"),
    )
}

async fn people_pages_proposals_by_hand_and_settings(backend: Backend) {
    let app = spawn(backend).await;
    let password = "tea before the night shift";
    make_coordinator(&app, "grace@example.org", password);
    let ana = app.mentee(1, json!({"full_name": "Ana Souza"})).await;
    app.mentee(2, json!({"full_name": "Ben Ito"})).await;
    let bea = app.mentor(1, json!({"full_name": "Bea Lima"})).await;
    let client = browser_client();
    assert_eq!(
        sign_in(&client, &app, "grace@example.org", password)
            .await
            .0,
        303
    );

    // Lists with search and a status filter.
    let (status, html) = page(&client, &app, "/coordinator/mentees?q=Ana+Souza").await;
    assert_eq!(status, 200);
    assert!(html.contains("Ana Souza") && !html.contains("Ben Ito"));
    let (_, html) = page(&client, &app, "/coordinator/mentees?status=matched").await;
    assert!(!html.contains("Ana Souza"));
    let (_, html) = page(&client, &app, "/coordinator/mentors").await;
    assert!(html.contains("Bea Lima") && html.contains("2 of 2 places free"));

    // A mentee's page: candidates with explanations; propose one by hand.
    let (status, html) = page(&client, &app, &format!("/coordinator/mentees/{ana}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Bea Lima") && html.contains("<meter") && html.contains("Both in Emergency")
    );
    let token = csrf_token_in(&html);
    let (_, html) = submit(
        &client,
        &app,
        "/coordinator/matches",
        &[
            ("csrf_token", &token),
            ("mentee_id", &ana),
            ("mentor_id", &bea),
        ],
    )
    .await;
    assert!(
        html.contains("Proposed. Review and approve it below."),
        "{html}"
    );
    let (_, matches) = app.get_json("/api/v1/matches?status=proposed").await;
    let id = matches["items"][0]["id"].as_str().expect("id").to_string();
    submit(
        &client,
        &app,
        &format!("/coordinator/matches/{id}/approve"),
        &[("csrf_token", &token)],
    )
    .await;

    // End it from the mentee's page, with a reason.
    let (_, html) = page(&client, &app, &format!("/coordinator/mentees/{ana}")).await;
    assert!(html.contains("Mentored by Bea Lima"));
    assert!(
        html.contains("<h3>Check-ins</h3>")
            && html.contains("<td>month12</td><td>mentor</td>")
            && html.matches("<td>scheduled</td>").count() == 12,
        "the pair's first year is on the page: {html}"
    );
    let (_, html) = submit(
        &client,
        &app,
        &format!("/coordinator/matches/{id}/end"),
        &[("csrf_token", &token), ("reason", "")],
    )
    .await;
    assert!(html.contains("Not ended"), "a reason is needed");
    let (_, html) = submit(
        &client,
        &app,
        &format!("/coordinator/matches/{id}/end"),
        &[("csrf_token", &token), ("reason", "Changed wards")],
    )
    .await;
    assert!(html.contains("The match has ended"), "{html}");
    assert_eq!(
        app.get_json(&format!("/api/v1/matches/{id}")).await.1["reason"],
        "Changed wards"
    );

    // Settings: the same rules as the API, errors beside the fields.
    let (status, html) = page(&client, &app, "/coordinator/settings").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"specialty\" value=\"25\""));
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf_token", &token),
        ("specialty", "40"),
        ("shift", "15"),
        ("site", "15"),
        ("goals", "15"),
        ("languages", "10"),
        ("affinity", "10"),
        ("interests", "5"),
        ("meeting", "5"),
        ("min_score", "30"),
        ("default_capacity", "3"),
        ("min_mentor_years", "2"),
    ];
    let (status, html) = submit(&client, &app, "/coordinator/settings", &form).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("add up to 100") && html.contains("value=\"40\""),
        "input kept"
    );
    form[1] = ("specialty", "25");
    let (status, html) = submit(&client, &app, "/coordinator/settings", &form).await;
    assert_eq!(status, 200, "{html}");
    let (_, saved) = app.get_json("/api/v1/matching/settings").await;
    assert_eq!(
        (
            saved["min_score"].as_f64(),
            saved["default_capacity"].as_i64()
        ),
        (Some(30.0), Some(3))
    );
}
