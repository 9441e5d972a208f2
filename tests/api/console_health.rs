//! Pair health in the console over HTTP: the flags page, acknowledging and resolving with
//! messages beside the fields, the health panel on the mentee's page, and re-matching after a
//! confirmation. Every form carries the session's token.

use serde_json::json;

use crate::common::{Backend, TestApp, browser_client, csrf_token_in};
use crate::console::make_coordinator;
use crate::health::{answer, approved_pair, flags_of, spawn_fast};
use crate::on_both_backends;

on_both_backends!(flags_in_the_console, rematching_in_the_console);

const PASSWORD: &str = "tea before the night shift";

/// A client signed in as Grace Okafor, and the session's form token.
async fn signed_in(app: &TestApp) -> (reqwest::Client, String) {
    make_coordinator(app, "grace@example.org", PASSWORD);
    let client = browser_client();
    let html = get(&client, app, "/coordinator/login").await.1;
    let response = client
        .post(app.url("/coordinator/login"))
        .form(&[
            ("csrf_token", csrf_token_in(&html).as_str()),
            ("email", "grace@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), 303);
    let html = get(&client, app, "/coordinator").await.1;
    let token = csrf_token_in(&html);
    (client, token)
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.expect("get");
    (
        response.status().as_u16(),
        response.text().await.expect("html"),
    )
}

async fn post(
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
        .expect("post");
    (
        response.status().as_u16(),
        response.text().await.expect("html"),
    )
}

async fn flags_in_the_console(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let (m, mentee, _) = approved_pair(&app, 1, json!({"full_name": "Bea Lima"})).await;
    answer(
        &app,
        &m,
        "mentee",
        "day14",
        &[("met", "yes"), ("fit", "1"), ("contact", "yes")],
    )
    .await;
    let flags = flags_of(&app, &m).await;
    assert_eq!(flags.len(), 2, "{flags:?}");
    let fit = flags
        .iter()
        .find(|f| f["rule"] == "poor_fit")
        .and_then(|f| f["id"].as_str())
        .expect("poor fit")
        .to_string();

    // Without a session: the sign-in page.
    let (status, _) = get(&browser_client(), &app, "/coordinator/flags").await;
    assert_eq!(status, 303);

    let (client, token) = signed_in(&app).await;
    let (_, overview) = get(&client, &app, "/coordinator").await;
    assert!(overview.contains("Pair health flags"), "{overview}");
    assert!(overview.contains(">2 open</a>"), "{overview}");
    assert!(overview.contains("href=\"/coordinator/flags\">Flags</a>"));

    let (status, page) = get(&client, &app, "/coordinator/flags").await;
    assert_eq!(status, 200);
    assert!(page.contains("Poor fit: offer a re-match"), "{page}");
    assert!(page.contains("Asked to be contacted"), "{page}");
    assert!(page.contains("Ana Souza</a> with Bea Lima"), "{page}");
    assert!(page.contains("Off track"), "{page}");
    assert!(
        page.contains("rated the pair&#39;s fit 1 at the day14 check-in"),
        "{page}"
    );
    let (_, only) = get(&client, &app, "/coordinator/flags?rule=asked_for_contact").await;
    assert!(
        !only.contains("rated the pair&#39;s fit")
            && only.contains("asked a coordinator to contact"),
        "{only}"
    );

    // A form without the session's token is refused.
    let (status, _) = post(
        &client,
        &app,
        &format!("/coordinator/flags/{fit}/acknowledge"),
        &[],
    )
    .await;
    assert_eq!(status, 403);

    let (status, page) = post(
        &client,
        &app,
        &format!("/coordinator/flags/{fit}/acknowledge"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("Acknowledged: Poor fit"), "{page}");
    assert!(
        page.contains("Acknowledged")
            && page.contains("by Grace Okafor &#60;grace@example.org&#62;"),
        "{page}"
    );

    // Resolving without saying what was done: the message beside the field, the note kept.
    let (status, page) = post(
        &client,
        &app,
        &format!("/coordinator/flags/{fit}/resolve"),
        &[
            ("csrf_token", &token),
            ("resolution", ""),
            ("note", "Spoke to both on Tuesday"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("<title>Error: "), "{page}");
    assert!(
        page.contains(&format!("id=\"resolution-{fit}-error\"")),
        "{page}"
    );
    assert!(page.contains("Choose what was done about this flag."));
    assert!(page.contains("value=\"Spoke to both on Tuesday\""));
    let long = "x".repeat(1001);
    let (status, page) = post(
        &client,
        &app,
        &format!("/coordinator/flags/{fit}/resolve"),
        &[
            ("csrf_token", &token),
            ("resolution", "nudged"),
            ("note", &long),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains(&format!("id=\"note-{fit}-error\"")), "{page}");

    let (status, page) = post(
        &client,
        &app,
        &format!("/coordinator/flags/{fit}/resolve"),
        &[
            ("csrf_token", &token),
            ("resolution", "checked_in"),
            ("note", "Spoke to both on Tuesday"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("Resolved: Poor fit"), "{page}");
    assert!(page.contains("Checked in with them. Note: Spoke to both on Tuesday"));
    let resolved = flags_of(&app, &m).await;
    let fit_flag = resolved
        .iter()
        .find(|f| f["id"] == fit.as_str())
        .expect("flag");
    assert_eq!(fit_flag["resolved_by"], "Grace Okafor <grace@example.org>");
    assert_eq!(fit_flag["resolution"], "checked_in");

    // Again: not done, said plainly.
    let (status, page) = post(
        &client,
        &app,
        &format!("/coordinator/flags/{fit}/resolve"),
        &[("csrf_token", &token), ("resolution", "nudged")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Not done: this flag is already resolved."),
        "{page}"
    );

    // The mentee's page shows the pair's health and what still waits.
    let (_, page) = get(&client, &app, &format!("/coordinator/mentees/{mentee}")).await;
    assert!(
        page.contains("Pair health: <span class=\"health health-at_risk\">At risk</span>"),
        "{page}"
    );
    assert!(page.contains("Asked to be contacted"));
    assert!(
        !page.contains("Poor fit: offer"),
        "resolved flags are not listed"
    );
    assert!(page.contains("Re-match Ana Souza with another mentor"));
    assert!(page.contains(&format!("/coordinator/flags?match={m}")));
    let (_, one) = get(
        &client,
        &app,
        &format!("/coordinator/flags?match={m}&status=open"),
    )
    .await;
    assert!(one.contains("Showing one pair's flags") && one.contains("Asked to be contacted"));
}

async fn rematching_in_the_console(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let (m, mentee, _) = approved_pair(&app, 1, json!({"full_name": "Bea Lima"})).await;
    let (client, token) = signed_in(&app).await;
    let path = format!("/coordinator/matches/{m}/rematch");

    // Nobody else to propose: the page says so and offers no button.
    let (status, page) = get(&client, &app, &path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("There is no other mentor to propose"),
        "{page}"
    );
    assert!(!page.contains("Confirm re-match"));

    app.mentor(2, json!({"full_name": "Chidi Obi", "site": "south_campus"}))
        .await;
    let (_, page) = get(&client, &app, &format!("/coordinator/mentees/{mentee}")).await;
    assert!(page.contains(&format!("href=\"{path}\"")), "{page}");
    let (status, page) = get(&client, &app, &path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<strong>Chidi Obi</strong> is proposed"),
        "{page}"
    );
    assert!(page.contains("Confirm re-match"));

    // Confirming needs a reason, said beside the field; nothing changes.
    let (status, page) = post(
        &client,
        &app,
        &path,
        &[("csrf_token", &token), ("reason", " ")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"field-reason-error\""), "{page}");
    let (_, still) = app.get_json(&format!("/api/v1/matches/{m}")).await;
    assert_eq!(still["status"], "approved");
    let (status, _) = post(&client, &app, &path, &[("reason", "Poor fit")]).await;
    assert_eq!(status, 403);

    let (status, page) = post(
        &client,
        &app,
        &path,
        &[("csrf_token", &token), ("reason", "Fit rated 1 of 5")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(
            "Re-matched: the match with Bea Lima has ended, and Chidi Obi is proposed instead."
        ),
        "{page}"
    );
    let (_, ended) = app.get_json(&format!("/api/v1/matches/{m}")).await;
    assert_eq!(ended["status"], "ended");
    let (_, proposals) = get(&client, &app, "/coordinator/proposals").await;
    assert!(
        proposals.contains("Ana Souza with Chidi Obi"),
        "{proposals}"
    );

    // An ended match cannot be re-matched again.
    let (status, page) = get(&client, &app, &path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Only a running match can be re-matched"),
        "{page}"
    );
    let (status, _) = get(&client, &app, "/coordinator/matches/nope/rematch").await;
    assert_eq!(status, 404);
}
