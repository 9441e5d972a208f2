//! The console's outcomes pages over HTTP: a signed-in coordinator sees each chart as inline
//! SVG with a title, a description and the same numbers in a table; filters, gaps for small
//! groups, CSV downloads; not signed in, no page.

use serde_json::json;

use crate::common::{Backend, TestApp, TestDb, browser_client, signed_in, spawn_with};
use crate::on_both_backends;
use crate::outcomes::{QUICK_STEPS, belonging_answers};

on_both_backends!(the_outcomes_pages);

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String, String) {
    let response = client.get(app.url(path)).send().await.expect(path);
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, response.text().await.expect("body"))
}

/// A chart as the pages must draw it: an image named by its title and description.
fn assert_chart(html: &str, id: &str) {
    assert!(
        html.contains(&format!(
            "role=\"img\" aria-labelledby=\"{id}-title {id}-desc\""
        )),
        "{id}: {html}"
    );
    assert!(html.contains(&format!("<title id=\"{id}-title\">")), "{id}");
    assert!(html.contains(&format!("<desc id=\"{id}-desc\">")), "{id}");
}

async fn the_outcomes_pages(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    belonging_answers(&app).await;
    let ana = app.mentee(900, json!({})).await;
    let (status, _) = app
        .post_json(
            "/api/v1/employment-events",
            &json!({"person_id": ana, "event": "hired", "occurred_on": "2026-01-05"}),
        )
        .await;
    assert_eq!(status, 201);

    // Not signed in: the sign-in page, also for an API token.
    let anonymous = browser_client();
    for path in [
        "/coordinator/outcomes",
        "/coordinator/outcomes/checkins",
        "/coordinator/outcomes/questions",
        "/coordinator/outcomes/retention",
    ] {
        let response = anonymous
            .get(app.url(path))
            .bearer_auth(&app.coordinator)
            .send()
            .await
            .expect(path);
        assert_eq!(response.status(), 303, "{path}");
    }

    let client = signed_in(&app).await;
    let (status, _, html) = page(&client, &app, "/coordinator").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<a href="/coordinator/outcomes">Outcomes</a>"#),
        "in the console's navigation"
    );

    // Belonging by site within January: every site hidden (four people; seven who all
    // answered 3; and north, their complement), shown as gaps and in the table.
    let (status, _, html) = page(
        &client,
        &app,
        "/coordinator/outcomes?group_by=site&cohort=2026-01",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert_chart(&html, "belonging");
    assert!(
        html.contains("Belonging over the first year, by site, pairs approved in January 2026")
    );
    assert!(html.contains(r#"<option value="site" selected>"#));
    assert!(html.contains(r#"<option value="2026-01" selected>January 2026</option>"#));
    assert!(
        html.contains("<td class=\"suppressed\">not shown</td>"),
        "{html}"
    );
    assert!(
        html.contains(">not shown</text>"),
        "a gap marked in the chart"
    );
    assert!(
        html.contains("<td>Community Clinic</td><td class=\"suppressed\">not shown</td>"),
        "{html}"
    );
    assert!(html.contains(r#"aria-current="page">Belonging</a>"#));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(
        html.contains(
            r#"href="/coordinator/outcomes?group_by=site&#38;cohort=2026-01&#38;format=csv""#
        ),
        "{html}"
    );
    let (status, content_type, text) = page(
        &client,
        &app,
        "/coordinator/outcomes?group_by=site&cohort=2026-01&format=csv",
    )
    .await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"));
    assert!(
        text.starts_with("step,group,label,n,mean,suppressed\r\n"),
        "{text}"
    );
    assert!(text.contains("month1,community_clinic,Community Clinic,,,true"));

    // Everyone together, every cohort: one line, 40 answers at month 1.
    let (_, _, html) = page(&client, &app, "/coordinator/outcomes").await;
    assert!(html.contains(">n=40</text>"), "{html}");

    let (status, _, html) = page(&client, &app, "/coordinator/outcomes?group_by=ward").await;
    assert_eq!(status, 422);
    assert!(html.contains("must be one of site, shift, profession, specialty, cohort"));

    // The check-in funnel.
    let (status, _, html) = page(&client, &app, "/coordinator/outcomes/checkins").await;
    assert_eq!(status, 200, "{html}");
    assert_chart(&html, "funnel");
    assert!(
        html.contains("<th scope=\"row\">Month 1</th><td>80</td><td>80</td><td>40</td>"),
        "{html}"
    );
    let (_, content_type, _) =
        page(&client, &app, "/coordinator/outcomes/checkins?format=csv").await;
    assert!(content_type.starts_with("text/csv"));

    // Answers per question, and comments only for a large enough check-in.
    let (status, _, html) =
        page(&client, &app, "/coordinator/outcomes/questions?step=month3").await;
    assert_eq!(status, 200, "{html}");
    assert_chart(&html, "q-belonging");
    assert_chart(&html, "q-met");
    assert!(
        html.contains("Not shown: 0 answered Month 3, fewer than 10."),
        "three answered, too few to be published yet: {html}"
    );
    let (_, _, html) = page(&client, &app, "/coordinator/outcomes/questions?step=month1").await;
    assert!(html.contains("No comments at Month 1."), "{html}");

    // Retention: one person hired in January, so that cohort is hidden and the chart says so.
    let (status, _, html) = page(
        &client,
        &app,
        "/coordinator/outcomes/retention?cohort=2026-01",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert_chart(&html, "retention");
    assert!(html.contains("Benchmark 82.5%"));
    assert!(html.contains("fewer than 5 people: not shown"), "{html}");
    let (_, content_type, text) =
        page(&client, &app, "/coordinator/outcomes/retention?format=csv").await;
    assert!(content_type.starts_with("text/csv"));
    assert!(text.contains("2026-01,,,,,,,,,0.825,true"), "{text}");
}
