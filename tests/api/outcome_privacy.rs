//! The differencing attack on the outcomes, replayed on both backends: read the figures, see
//! one more check-in answered in the check-in list, read again. An integration token may not
//! read any of it; a coordinator's figures do not move until enough answers have arrived to
//! hide the one among them, and groups whose answers are all or all but one alike stay hidden.

use std::collections::BTreeSet;
use std::net::TcpListener;

use serde_json::{Value, json};

use crate::common::{Backend, Pair, TestApp, TestDb, spawn_with};
use crate::on_both_backends;
use crate::outcomes::{Answering, QUICK_STEPS, answer, approved_in, fields, pair, pulse};

on_both_backends!(
    an_integration_token_reads_nothing_derived_from_answers,
    one_more_answer_does_not_move_the_figures,
    answers_alike_are_hidden,
    two_instances_publish_once
);

const JAN: &str = "2026-01-10 09:00:00";
const FEB: &str = "2026-02-10 09:00:00";

/// Every report built from what people answered, as JSON and as CSV. (The check-in funnel
/// counts who answered, not what: it is in the integration list below.)
const REPORTS: [&str; 8] = [
    "/api/v1/outcomes/belonging",
    "/api/v1/outcomes/belonging?group_by=site",
    "/api/v1/outcomes/belonging?group_by=cohort",
    "/api/v1/outcomes/belonging?format=csv",
    "/api/v1/outcomes/questions",
    "/api/v1/outcomes/questions?cohort=2026-01",
    "/api/v1/outcomes/questions?format=csv",
    "/api/v1/outcomes/comments?step=month1",
];

/// `n` approved pairs in one cohort, all on the same unit.
async fn cohort(app: &TestApp, from: usize, n: usize, at: &str) -> Vec<Pair> {
    let profile = fields("north_campus", "day", "registered_nurse", "emergency");
    let mut pairs = Vec::new();
    for i in from..from + n {
        pairs.push(pair(app, i, &profile).await);
    }
    approved_in(app, &pairs.iter().collect::<Vec<_>>(), at);
    pairs
}

/// Mentees answering month 1 with these belonging answers and a comment each.
async fn answer_month1(app: &TestApp, pairs: &[Pair], belonging: &[f64]) {
    let answers: Vec<Answering> = pairs
        .iter()
        .zip(belonging)
        .map(|(p, b)| {
            let mut form = pulse(*b);
            form.push(("comment", format!("Belonging {b} for {}", p.mentee_id)));
            (p, "mentee", "month1", form)
        })
        .collect();
    answer(app, &answers).await;
}

/// The body of a report as a coordinator reads it (JSON, or the CSV text as a string).
async fn read(app: &TestApp, path: &str) -> Value {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(&app.coordinator)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "{path}");
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

async fn read_all(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for path in REPORTS {
        out.push(read(app, path).await);
    }
    out
}

fn month1(view: &Value, group: &str) -> Value {
    view["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["step"] == "month1" && i["group"] == group)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn an_integration_token_reads_nothing_derived_from_answers(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    let pairs = cohort(&app, 1, 6, JAN).await;
    answer_month1(&app, &pairs, &[4., 3., 5., 4., 2., 4.]).await;
    let health = format!("/api/v1/matches/{}/health", pairs[0].match_id);
    let checkins = format!("/api/v1/checkins?match_id={}", pairs[0].match_id);
    let mut paths: Vec<&str> = REPORTS.to_vec();
    paths.extend([
        "/api/v1/outcomes/retention",
        "/api/v1/outcomes/response-rates",
        "/api/v1/checkins?status=answered",
        checkins.as_str(),
        "/api/v1/flags",
        health.as_str(),
    ]);
    for path in paths {
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(&app.integration)
            .header("Accept", "text/csv")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{path}"
        );
        let body = response.text().await.expect("body");
        assert!(!body.contains("Belonging"), "{path}: {body}");
    }
    // The outbox: an integration sees the introductions, not the check-in emails and their
    // reminders (who was asked again, so who has not answered) or the pair-health digests.
    let list = |token: String| {
        let app = &app;
        async move {
            let response = app
                .client
                .get(app.url("/api/v1/emails?limit=200"))
                .bearer_auth(token)
                .send()
                .await
                .expect("emails");
            assert_eq!(response.status(), 200);
            let page: Value = response.json().await.expect("json");
            page["items"].as_array().cloned().unwrap_or_default()
        }
    };
    let everything = list(app.coordinator.clone()).await;
    let for_integration = list(app.integration.clone()).await;
    assert!(everything.len() > 6, "check-in emails were sent");
    assert_eq!(for_integration.len(), 6, "one introduction per pair");
    let introductions: BTreeSet<String> = for_integration
        .iter()
        .map(|e| e["match_id"].to_string())
        .collect();
    assert_eq!(introductions.len(), 6);
}

/// Whether some answer `single` and four others on the 1–5 scale give the published mean
/// of `n` answers when added to the `before` published ones (sum `before_sum`).
fn consistent(single: i64, before_sum_range: (f64, f64), n: u64, mean: f64) -> bool {
    let others: Vec<i64> = (4..=20).collect();
    others.iter().any(|rest| {
        let (low, high) = before_sum_range;
        let added = (single + rest) as f64;
        let (min, max) = ((low + added) / n as f64, (high + added) / n as f64);
        min <= mean + 0.05 && max >= mean - 0.05
    })
}

async fn one_more_answer_does_not_move_the_figures(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    let pairs = cohort(&app, 1, 11, JAN).await;
    answer_month1(&app, &pairs[..6], &[4., 3., 5., 4., 2., 4.]).await;
    let before = read_all(&app).await;
    let everyone = month1(&before[0], "all");
    assert_eq!(everyone["n"], 6, "{everyone}");
    assert_eq!(everyone["mean"], 3.7, "22 / 6 = 3.67, to one decimal");

    // One more person answers, and the check-in list shows who and when…
    answer_month1(&app, &pairs[6..7], &[1.]).await;
    let (_, answered) = app
        .get_json(&format!(
            "/api/v1/checkins?match_id={}&status=answered",
            pairs[6].match_id
        ))
        .await;
    assert_eq!(answered["items"].as_array().map(Vec::len), Some(1));
    // …but no report differs, not even by a count.
    assert_eq!(read_all(&app).await, before);
    // Three more: still the same figures.
    answer_month1(&app, &pairs[7..10], &[4., 3., 5.]).await;
    assert_eq!(read_all(&app).await, before);

    // The fifth new answer: the five are published together.
    answer_month1(&app, &pairs[10..11], &[3.]).await;
    let after = read_all(&app).await;
    assert_ne!(after[0], before[0]);
    let everyone = month1(&after[0], "all");
    assert_eq!(everyone["n"], 11, "{everyone}");
    let mean = everyone["mean"].as_f64().expect("mean");
    assert!(((mean * 10.0).round() - mean * 10.0).abs() < 1e-9, "{mean}");
    assert!(
        (mean - 38.0 / 11.0).abs() <= 0.05,
        "38 / 11 to one decimal: {mean}"
    );
    // Knowing the first figure and who answered since, the single answer of interest is
    // still any of several values: the other four hide it.
    let before_sum = (3.65 * 6.0, 3.75 * 6.0);
    let candidates: Vec<i64> = (1..=5)
        .filter(|v| consistent(*v, before_sum, 11, mean))
        .collect();
    assert!(candidates.len() >= 3, "{candidates:?}");
    // Comments: the six, then the eleven, never ten.
    let comments = |v: &Value| v["comments"].as_array().map(Vec::len);
    assert_eq!(comments(&before[7]), None, "fewer than ten people");
    assert_eq!(comments(&after[7]), Some(11));
    // The CSV carries the same rounded figures.
    let csv = after[3].as_str().expect("csv");
    assert!(
        csv.contains(&format!("month1,all,Everyone,11,{mean},false")),
        "{csv}"
    );
}

async fn answers_alike_are_hidden(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    let jan = cohort(&app, 1, 7, JAN).await;
    let feb = cohort(&app, 20, 6, FEB).await;
    answer_month1(&app, &jan, &[4., 3., 5., 4., 2., 4., 3.]).await;
    // February: six who all agree.
    answer_month1(&app, &feb, &[4.; 6]).await;
    let by_cohort = read(&app, "/api/v1/outcomes/belonging?group_by=cohort").await;
    assert_eq!(
        month1(&by_cohort, "2026-02"),
        json!({"step": "month1", "group": "2026-02", "suppressed": true}),
        "Agree, 6 of 6"
    );
    assert_eq!(
        month1(&by_cohort, "2026-01")["suppressed"],
        true,
        "the complement: else the total minus January gives February"
    );
    let total = &by_cohort["totals"][0];
    assert_eq!(total["n"], 13, "{by_cohort}");
    let feb_only = read(&app, "/api/v1/outcomes/belonging?cohort=2026-02").await;
    assert_eq!(month1(&feb_only, "all")["suppressed"], true, "{feb_only}");

    // Answers per question: everyone said they met ("Yes, 13 of 13") and rated fit and
    // intending to stay 4.
    let questions = read(&app, "/api/v1/outcomes/questions").await;
    let hidden: BTreeSet<(String, String)> = questions["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["suppressed"] == true)
        .map(|i| {
            (
                i["question"].as_str().unwrap_or_default().to_string(),
                i["step"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for q in ["met", "fit", "stay"] {
        assert!(
            hidden.contains(&(q.to_string(), "month1".to_string())),
            "{q}: {questions}"
        );
    }
    let belonging = questions["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["question"] == "belonging" && i["step"] == "month1")
        .cloned()
        .expect("belonging");
    assert_eq!(belonging["n"], 13, "mixed overall: {belonging}");
    let csv = read(&app, "/api/v1/outcomes/questions?format=csv").await;
    assert!(
        csv.as_str()
            .expect("csv")
            .contains("met,mentee,month1,,,,,true"),
        "{csv}"
    );
}

/// Two instances on one database, many readers at once, as the fifth new answer arrives:
/// the answers are published once, and every reader sees the figures before or after.
async fn two_instances_publish_once(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    let other = {
        let settings = crate::common::settings(&app.db, &[]);
        let (state, _) = tokio::task::spawn_blocking(move || belong::startup::open(settings))
            .await
            .expect("join")
            .expect("second instance");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(belong::http::server(state, listener).expect("server"));
        addr
    };
    let pairs = cohort(&app, 1, 10, JAN).await;
    answer_month1(&app, &pairs[..5], &[4., 3., 5., 4., 2.]).await;
    let first = read(&app, "/api/v1/outcomes/belonging").await;
    assert_eq!(month1(&first, "all")["n"], 5, "{first}");
    answer_month1(&app, &pairs[5..9], &[1., 4., 3., 5.]).await;
    let reads = (0..16).map(|i| {
        let url = if i % 2 == 0 {
            app.url("/api/v1/outcomes/belonging")
        } else {
            format!("http://{other}/api/v1/outcomes/belonging")
        };
        let client = app.client.clone();
        let token = app.coordinator.clone();
        async move {
            let v: Value = client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("read")
                .json()
                .await
                .expect("json");
            month1(&v, "all")["n"].as_u64()
        }
    });
    let answering = answer_month1(&app, &pairs[9..10], &[2.]);
    let (seen, ()) = tokio::join!(futures_util::future::join_all(reads), answering);
    for n in &seen {
        assert!(matches!(n, Some(5) | Some(10)), "{seen:?}");
    }
    let again = read(&app, "/api/v1/outcomes/belonging").await;
    assert_eq!(month1(&again, "all")["n"], 10);
    let publications = app
        .app
        .db
        .run_blocking(|conn| {
            use belong::store::schema::{answers, outcome_publications as p};
            use diesel::prelude::*;
            let rows: Vec<(String, String, i64, i64)> = p::table
                .filter(p::role.eq("mentee"))
                .select((p::step, p::cohort, p::checkins, p::publications))
                .load(conn)?;
            let numbers: Vec<Option<i64>> = answers::table
                .filter(answers::question.eq("belonging"))
                .order(answers::publication.asc())
                .select(answers::publication)
                .load(conn)?;
            Ok::<_, belong::store::StoreError>((rows, numbers))
        })
        .expect("publications");
    assert_eq!(
        publications.0,
        vec![("month1".to_string(), "2026-01".to_string(), 10, 2)],
        "published twice in all: five, then five more"
    );
    let per_publication = |k: i64| publications.1.iter().filter(|p| **p == Some(k)).count();
    assert_eq!((per_publication(1), per_publication(2)), (5, 5));
}
