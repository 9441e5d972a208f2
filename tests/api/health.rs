//! Pair health end to end: each early-warning rule raises exactly its one flag (a control
//! pair none) from answers given through the check-in links, flags are never duplicated,
//! coordinators acknowledge and resolve them, and ending or erasing closes and scrubs them.

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    Backend, TestApp, TestDb, browser_client, eventually, send, spawn, spawn_with,
};
use crate::on_both_backends;
use belong::store::schema::{answers, checkins};

on_both_backends!(
    each_answer_rule_raises_its_one_flag,
    check_ins_left_unanswered_twice_in_a_row,
    time_rules_fire_in_seconds,
    time_rules_fire_as_the_days_pass,
    acknowledging_and_resolving_flags,
    ending_closes_flags_and_erasure_scrubs_them,
    the_database_refuses_a_second_unresolved_flag,
);

/// Check-ins in seconds: the first three steps go out at once, the rest months later; links
/// stay open for an hour, so nothing expires while a test runs.
pub const FAST_STEPS: &str = r#"
[checkins]
steps = [
  { key = "day14", after = "PT1S", audience = "both", survey = "first_meeting" },
  { key = "month1", after = "PT1S", audience = "both", survey = "pulse" },
  { key = "month3", after = "PT2S", audience = "both", survey = "pulse" },
  { key = "month6", after = "P6M", audience = "both", survey = "pulse" },
  { key = "month9", after = "P9M", audience = "both", survey = "pulse" },
  { key = "month12", after = "P12M", audience = "both", survey = "pulse" },
]
expire_after = "PT1H"
reminders = ["PT50M"]
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 100
"#;

/// A service whose check-ins go out within seconds.
pub async fn spawn_fast(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    spawn_with(TestDb::new(backend).with_config(FAST_STEPS), extra).await
}

/// A pair proposed by hand and approved: (match, mentee, mentor).
pub async fn approved_pair(app: &TestApp, n: usize, mentor: Value) -> (String, String, String) {
    let p = app.approved_pair(n, json!({}), mentor).await;
    (p.match_id, p.mentee_id, p.mentor_id)
}

/// Answers one person's check-in at `step` through the personal link in its email, as they
/// would; the answer page reviews the pair's health as it records them.
pub async fn answer(app: &TestApp, match_id: &str, role: &str, step: &str, form: &[(&str, &str)]) {
    let link = app.checkin_link(match_id, role, step).await;
    let response = browser_client()
        .post(app.url(&link))
        .form(form)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, 303, "{role} {step} {form:?}: {body}");
}

/// Good first-meeting answers from both people.
async fn met_and_fitting(app: &TestApp, m: &str) {
    answer(
        app,
        m,
        "mentee",
        "day14",
        &[
            ("met", "yes"),
            ("times", "1"),
            ("fit", "4"),
            ("contact", "no"),
        ],
    )
    .await;
    answer(app, m, "mentor", "day14", &[("met", "yes"), ("fit", "5")]).await;
}

/// A mentee's pulse answers, with one question's answer replaced.
fn pulse_with(key: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    let mut form = vec![
        ("belonging", "4"),
        ("met", "yes"),
        ("times", "2"),
        ("fit", "4"),
        ("stay", "5"),
        ("burnout", "2"),
        ("contact", "no"),
    ];
    match form.iter_mut().find(|(k, _)| *k == key) {
        Some(pair) => pair.1 = value,
        None => form.push((key, value)),
    }
    form
}

fn now() -> NaiveDateTime {
    belong::store::now()
}

/// When a match was approved.
fn approved_at(app: &TestApp, match_id: &str) -> NaiveDateTime {
    use belong::store::schema::matches;
    let id = match_id.to_string();
    app.app
        .db
        .run_blocking(move |conn| {
            matches::table
                .filter(matches::id.eq(id))
                .select(matches::approved_at)
                .first::<Option<NaiveDateTime>>(conn)
                .map_err(belong::store::StoreError::from)
        })
        .expect("match")
        .expect("approved")
}

/// Records one person's answers to a planned check-in at a moment on a simulated calendar
/// (weeks ahead of the clock), then reviews the pair as the answer page does.
pub fn answer_on(
    app: &TestApp,
    match_id: &str,
    role: &str,
    step: &str,
    items: &[(&str, f64)],
    at: NaiveDateTime,
) {
    let (m, role, step) = (match_id.to_string(), role.to_string(), step.to_string());
    let items: Vec<(String, f64)> = items.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let settings = app.app.settings.clone();
    app.app
        .db
        .run_blocking(move |conn| {
            let (checkin, person): (String, String) = checkins::table
                .filter(checkins::match_id.eq(&m))
                .filter(checkins::role.eq(&role))
                .filter(checkins::step.eq(&step))
                .select((checkins::id, checkins::person_id))
                .first(conn)?;
            diesel::update(checkins::table.filter(checkins::id.eq(&checkin)))
                .set((
                    checkins::status.eq("answered"),
                    checkins::answered_at.eq(Some(at)),
                ))
                .execute(conn)?;
            for (question, number) in &items {
                diesel::insert_into(answers::table)
                    .values((
                        answers::checkin_id.eq(checkin.clone()),
                        answers::match_id.eq(m.clone()),
                        answers::person_id.eq(person.clone()),
                        answers::role.eq(role.clone()),
                        answers::step.eq(step.clone()),
                        answers::question.eq(question.clone()),
                        answers::number.eq(Some(*number)),
                        answers::answered_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            belong::app::health::review_match(conn, &settings, &m, at)
        })
        .expect("answer recorded");
}

/// Reviews every running pair at `at`, as the scheduler's periodic review does.
pub async fn review(app: &TestApp, at: NaiveDateTime) {
    belong::app::health::review_all(&app.app, at)
        .await
        .expect("review");
}

pub async fn flags_of(app: &TestApp, match_id: &str) -> Vec<Value> {
    let (status, page) = app
        .get_json(&format!("/api/v1/flags?match_id={match_id}&limit=200"))
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().expect("items").clone()
}

pub async fn rules_of(app: &TestApp, match_id: &str) -> Vec<String> {
    flags_of(app, match_id)
        .await
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

/// Good first-meeting answers from both people, on the simulated calendar.
fn met_on(app: &TestApp, m: &str, at: NaiveDateTime) {
    answer_on(app, m, "mentee", "day14", &[("met", 1.0), ("fit", 4.0)], at);
    answer_on(app, m, "mentor", "day14", &[("met", 1.0), ("fit", 5.0)], at);
}

async fn each_answer_rule_raises_its_one_flag(backend: Backend) {
    let app = spawn_fast(backend, &[("BELONG__HEALTH__REVIEW_EVERY_SECS", "1")]).await;
    let secret = "My charge nurse shouts at me";
    let mut expected: Vec<(String, Vec<&str>)> = Vec::new();

    let (control, ..) = approved_pair(&app, 1, json!({})).await;
    met_and_fitting(&app, &control).await;
    let mut form = pulse_with("comment", secret);
    form.retain(|(k, _)| *k != "burnout");
    answer(&app, &control, "mentee", "month1", &form).await;
    expected.push((control, vec![]));

    let (m, ..) = approved_pair(&app, 2, json!({})).await;
    answer(&app, &m, "mentee", "day14", &[("met", "yes"), ("fit", "4")]).await;
    answer(&app, &m, "mentor", "day14", &[("met", "yes"), ("fit", "2")]).await;
    expected.push((m, vec!["poor_fit"]));

    let (m, ..) = approved_pair(&app, 3, json!({})).await;
    met_and_fitting(&app, &m).await;
    answer(&app, &m, "mentee", "month1", &pulse_with("belonging", "2")).await;
    expected.push((m, vec!["belonging_low"]));

    let (m, ..) = approved_pair(&app, 4, json!({})).await;
    met_and_fitting(&app, &m).await;
    answer(&app, &m, "mentee", "month1", &pulse_with("belonging", "5")).await;
    answer(&app, &m, "mentee", "month3", &pulse_with("belonging", "4")).await;
    expected.push((m, vec!["belonging_dropped"]));

    let (m, ..) = approved_pair(&app, 5, json!({})).await;
    met_and_fitting(&app, &m).await;
    let mut form = pulse_with("stay", "2");
    form.push(("comment", secret));
    answer(&app, &m, "mentee", "month1", &form).await;
    expected.push((m, vec!["intent_to_leave"]));

    let (m, ..) = approved_pair(&app, 6, json!({})).await;
    met_and_fitting(&app, &m).await;
    answer(&app, &m, "mentee", "month1", &pulse_with("burnout", "4")).await;
    expected.push((m, vec!["burnout_high"]));

    let (m, ..) = approved_pair(&app, 7, json!({})).await;
    met_and_fitting(&app, &m).await;
    let mut form = pulse_with("contact", "yes");
    form.push(("comment", secret));
    answer(&app, &m, "mentee", "month1", &form).await;
    expected.push((m, vec!["asked_for_contact"]));

    let (m, ..) = approved_pair(&app, 8, json!({"shift": "day"})).await;
    met_and_fitting(&app, &m).await;
    expected.push((m, vec!["shift_mismatch"]));

    // The scheduler reviews every pair each second meanwhile: nothing is raised twice.
    eventually(StdDuration::from_secs(30), "the shift flag", || async {
        (!rules_of(&app, &expected[7].0).await.is_empty()).then_some(())
    })
    .await;
    tokio::time::sleep(StdDuration::from_millis(2500)).await;
    for (m, rules) in &expected {
        assert_eq!(&rules_of(&app, m).await, rules, "match {m}");
    }

    let (status, all) = app.get_json("/api/v1/flags?limit=200").await;
    assert_eq!(status, 200);
    let all = all["items"].as_array().expect("items");
    assert_eq!(all.len(), 7);
    for f in all {
        assert_eq!(f["status"], "open");
        assert!(!f.to_string().contains(secret), "a comment leaked: {f}");
        assert!(!f.to_string().contains("Ana Souza"), "a name leaked: {f}");
    }
    let fit = all
        .iter()
        .find(|f| f["rule"] == "poor_fit")
        .expect("poor_fit");
    assert_eq!(fit["role"], "mentor");
    assert_eq!(fit["severity"], "critical");
    assert_eq!(fit["health"], "off_track");
    assert!(
        fit["evidence"]
            .as_str()
            .is_some_and(|e| e.contains("fit 2 at the day14 check-in")),
        "{fit}"
    );
    let shift = all
        .iter()
        .find(|f| f["rule"] == "shift_mismatch")
        .expect("shift");
    assert!(shift["person_id"].is_null() && shift["role"].is_null());
    assert_eq!(shift["health"], "at_risk");

    // Filters narrow the list; bad filters are named.
    let (_, critical) = app
        .get_json("/api/v1/flags?rule=burnout_high&status=open")
        .await;
    assert_eq!(critical["items"].as_array().map(Vec::len), Some(1));
    let (_, page) = app.get_json("/api/v1/flags?limit=3").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(3));
    let cursor = page["next_cursor"].as_str().expect("more pages");
    let (_, next) = app
        .get_json(&format!("/api/v1/flags?limit=200&cursor={cursor}"))
        .await;
    assert_eq!(next["items"].as_array().map(Vec::len), Some(4));
    for (query, field) in [
        ("rule=sad", "rule"),
        ("status=closed", "status"),
        ("match_id=x", "match_id"),
        ("limit=0", "limit"),
        ("colour=blue", "colour"),
    ] {
        let (status, problem) = app.get_json(&format!("/api/v1/flags?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
}

/// A first-meeting check-in for mentees only, then a pulse, links expiring in seconds.
const EXPIRING: &str = r#"
[checkins]
steps = [
  { key = "day14", after = "PT1S", audience = "mentee", survey = "first_meeting" },
  { key = "month1", after = "PT2S", audience = "mentee", survey = "pulse" },
  { key = "month3", after = "P3M", audience = "both", survey = "pulse" },
]
expire_after = "PT6S"
reminders = []
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 100
"#;

async fn check_ins_left_unanswered_twice_in_a_row(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(EXPIRING), &[]).await;
    let (control, ..) = approved_pair(&app, 1, json!({})).await;
    let (quiet, ..) = approved_pair(&app, 2, json!({})).await;
    answer(
        &app,
        &control,
        "mentee",
        "day14",
        &[("met", "yes"), ("fit", "4")],
    )
    .await;
    answer(&app, &control, "mentee", "month1", &pulse_with("fit", "4")).await;
    // The scheduler expires the quiet mentee's two check-ins and reviews the pair.
    let flags = eventually(
        StdDuration::from_secs(40),
        "the unanswered flag",
        || async {
            let f = flags_of(&app, &quiet).await;
            (!f.is_empty()).then_some(f)
        },
    )
    .await;
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0]["rule"], "unanswered_checkins");
    assert_eq!(flags[0]["role"], "mentee");
    assert_eq!(
        flags[0]["evidence"],
        "The mentee left the last 2 check-ins unanswered (day14, month1)."
    );
    assert!(rules_of(&app, &control).await.is_empty());
}

/// First-meeting and meeting thresholds in seconds, reviewed every second.
const SECONDS: &[(&str, &str)] = &[
    ("BELONG__HEALTH__FIRST_MEETING_DAYS", "PT1S"),
    ("BELONG__HEALTH__FIRST_MEETING_ESCALATE_DAYS", "PT16S"),
    ("BELONG__HEALTH__NO_MEETING_DAYS", "PT8S"),
    ("BELONG__HEALTH__REVIEW_EVERY_SECS", "1"),
];

/// The meeting rules through the real scheduler and answer pages, with days as seconds.
async fn time_rules_fire_in_seconds(backend: Backend) {
    let app = spawn_fast(backend, SECONDS).await;
    let (control, ..) = approved_pair(&app, 1, json!({})).await;
    let (first, ..) = approved_pair(&app, 2, json!({})).await;
    let (recent, ..) = approved_pair(&app, 3, json!({})).await;
    for m in [&control, &recent] {
        answer(&app, m, "mentee", "day14", &[("met", "yes"), ("fit", "4")]).await;
    }
    let recent_met = std::time::Instant::now();
    // The first pair says it has not met: at risk.
    answer(
        &app,
        &first,
        "mentee",
        "day14",
        &[("met", "no"), ("fit", "3")],
    )
    .await;
    assert_eq!(rules_of(&app, &first).await, ["no_first_meeting"]);
    // Time alone raises nothing for pairs that reported a meeting.
    tokio::time::sleep(StdDuration::from_secs(9).saturating_sub(recent_met.elapsed())).await;
    assert!(rules_of(&app, &control).await.is_empty());
    assert!(rules_of(&app, &recent).await.is_empty());
    // The control pair meets again; the other reports no meeting since, 8 "days" on.
    let mut met = pulse_with("met", "yes");
    met.retain(|(k, _)| *k != "times");
    answer(&app, &control, "mentee", "month1", &met).await;
    let mut not_met = pulse_with("met", "no");
    not_met.retain(|(k, _)| *k != "times");
    answer(&app, &recent, "mentee", "month1", &not_met).await;
    assert_eq!(rules_of(&app, &recent).await, ["no_recent_meeting"]);
    // Still no meeting for the first pair by "day 16": escalated by the scheduler's review.
    let within = StdDuration::from_secs(40);
    eventually(within, "escalation", || async {
        (rules_of(&app, &first).await.len() == 2).then_some(())
    })
    .await;
    assert!(rules_of(&app, &control).await.is_empty());
    let flags = flags_of(&app, &first).await;
    assert_eq!(
        (&flags[0]["status"], &flags[0]["resolution"]),
        (&json!("resolved"), &json!("superseded"))
    );
    assert_eq!(flags[1]["rule"], "no_first_meeting_escalated");
}

/// The shipped thresholds in days, on a simulated calendar: answers are placed weeks ahead of
/// the clock, and each review is run at a chosen moment.
async fn time_rules_fire_as_the_days_pass(backend: Backend) {
    let app = spawn(backend).await;
    let (control, ..) = approved_pair(&app, 1, json!({})).await;
    let (first, ..) = approved_pair(&app, 2, json!({})).await;
    let (recent, ..) = approved_pair(&app, 3, json!({})).await;
    let (silent, ..) = approved_pair(&app, 4, json!({})).await;
    let start = approved_at(&app, &first);
    let day = |n: i64| start + Duration::days(n);

    review(&app, day(13)).await;
    for m in [&control, &first, &recent, &silent] {
        assert!(rules_of(&app, m).await.is_empty());
    }
    // Day 14's check-in: two pairs have met, one has not, one does not answer.
    met_on(&app, &control, day(15));
    met_on(&app, &recent, day(15));
    answer_on(
        &app,
        &first,
        "mentee",
        "day14",
        &[("met", 0.0), ("fit", 3.0)],
        day(15),
    );
    review(&app, day(16)).await;
    assert_eq!(rules_of(&app, &first).await, ["no_first_meeting"]);
    assert!(
        rules_of(&app, &silent).await.is_empty(),
        "silence is no evidence yet"
    );
    let (_, h) = app
        .get_json(&format!("/api/v1/matches/{first}/health"))
        .await;
    assert_eq!(h["health"], "at_risk", "{h}");

    // Still none by day 21: escalated, for the silent pair too; the day-14 flag gives way.
    review(&app, day(22)).await;
    assert_eq!(
        rules_of(&app, &silent).await,
        ["no_first_meeting_escalated"]
    );
    let flags = flags_of(&app, &first).await;
    assert_eq!(flags.len(), 2);
    assert_eq!(
        (
            &flags[0]["rule"],
            &flags[0]["status"],
            &flags[0]["resolution"]
        ),
        (
            &json!("no_first_meeting"),
            &json!("resolved"),
            &json!("superseded")
        )
    );
    assert!(flags[0]["resolved_by"].is_null());
    assert_eq!(
        (
            &flags[1]["rule"],
            &flags[1]["status"],
            &flags[1]["severity"]
        ),
        (
            &json!("no_first_meeting_escalated"),
            &json!("open"),
            &json!("critical")
        )
    );
    let (_, h) = app
        .get_json(&format!("/api/v1/matches/{first}/health"))
        .await;
    assert_eq!(h["health"], "off_track", "{h}");
    assert_eq!(h["flags"][0]["rule"], "no_first_meeting_escalated");

    // Month 1 (day 30): the control pair met again; the other pair did not, but its last
    // meeting was only 15 days before. Weeks pass between check-ins without a flag.
    let pulse = |met: f64| {
        [
            ("belonging", 4.0),
            ("met", met),
            ("fit", 4.0),
            ("stay", 5.0),
        ]
    };
    answer_on(&app, &control, "mentee", "month1", &pulse(1.0), day(30));
    answer_on(&app, &recent, "mentee", "month1", &pulse(0.0), day(30));
    review(&app, day(80)).await;
    assert!(rules_of(&app, &recent).await.is_empty());
    // Month 3 (day 91): still no meeting since day 15, which is 45 days and more.
    answer_on(&app, &control, "mentee", "month3", &pulse(1.0), day(91));
    answer_on(&app, &recent, "mentee", "month3", &pulse(0.0), day(91));
    review(&app, day(92)).await;
    assert_eq!(rules_of(&app, &recent).await, ["no_recent_meeting"]);
    assert!(rules_of(&app, &control).await.is_empty());
    let (_, h) = app
        .get_json(&format!("/api/v1/matches/{control}/health"))
        .await;
    assert_eq!(
        (&h["health"], &h["flags"]),
        (&json!("on_track"), &json!([]))
    );
    // Month 6: they met again, so the open flag clears by itself.
    answer_on(&app, &recent, "mentee", "month6", &pulse(1.0), day(182));
    review(&app, day(183)).await;
    let flags = flags_of(&app, &recent).await;
    assert_eq!(
        (
            &flags[0]["rule"],
            &flags[0]["status"],
            &flags[0]["resolution"]
        ),
        (
            &json!("no_recent_meeting"),
            &json!("resolved"),
            &json!("cleared")
        )
    );
    let (_, h) = app
        .get_json(&format!("/api/v1/matches/{recent}/health"))
        .await;
    assert_eq!(h["health"], "on_track", "{h}");
}

async fn acknowledging_and_resolving_flags(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let (m, ..) = approved_pair(&app, 1, json!({})).await;
    answer(&app, &m, "mentee", "day14", &[("met", "yes"), ("fit", "1")]).await;
    let flag = flags_of(&app, &m).await.remove(0);
    let id = flag["id"].as_str().expect("id").to_string();
    assert_eq!(flag["status"], "open");

    // Coordinators only: integration tokens may not read or act on flags.
    let integration = |method: Method, path: &str| {
        app.client
            .request(method, app.url(path))
            .bearer_auth(&app.integration)
    };
    for (method, path) in [
        (Method::GET, "/api/v1/flags".to_string()),
        (Method::GET, format!("/api/v1/matches/{m}/health")),
        (Method::POST, format!("/api/v1/flags/{id}/acknowledge")),
    ] {
        let (status, problem) = send(integration(method, &path)).await;
        assert_eq!(status, 403, "{path}: {problem}");
    }
    let (status, _) = send(app.client.get(app.url("/api/v1/flags"))).await;
    assert_eq!(status, 401);

    let ack = format!("/api/v1/flags/{id}/acknowledge");
    let (status, f) = app.post_json(&ack, &json!({})).await;
    assert_eq!(status, 200, "{f}");
    assert_eq!(f["status"], "acknowledged");
    assert_eq!(f["acknowledged_by"], "API token \u{201c}tests\u{201d}");
    assert!(f["acknowledged_at"].is_string());
    // Again: nothing changes.
    let (status, again) = app.post_json(&ack, &json!({})).await;
    assert_eq!(
        (status, &again["acknowledged_at"]),
        (200, &f["acknowledged_at"])
    );

    let resolve = format!("/api/v1/flags/{id}/resolve");
    for (body, field) in [
        (json!({}), "resolution"),
        (json!({"resolution": "ignored"}), "resolution"),
        (json!({"resolution": "match_ended"}), "resolution"),
        (json!({"resolution": 3}), "resolution"),
        (
            json!({"resolution": "nudged", "note": "x".repeat(1001)}),
            "note",
        ),
        (json!({"resolution": "nudged", "colour": "red"}), "colour"),
    ] {
        let (status, problem) = app.post_json(&resolve, &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["type"], "urn:belong:problem:validation");
    }
    let (status, _) = send(
        app.req(Method::POST, &resolve)
            .header("content-type", "application/json")
            .body("{"),
    )
    .await;
    assert_eq!(status, 400);
    let unknown = uuid::Uuid::now_v7();
    for path in [
        format!("/api/v1/flags/{unknown}/resolve"),
        "/api/v1/flags/nope/resolve".to_string(),
    ] {
        let (status, problem) = app.post_json(&path, &json!({"resolution": "nudged"})).await;
        assert_eq!(status, 404, "{problem}");
    }
    let (status, problem) = app
        .post_json(&format!("/api/v1/flags/{unknown}/acknowledge"), &json!({}))
        .await;
    assert_eq!(status, 404, "{problem}");

    let (status, f) = app
        .post_json(
            &resolve,
            &json!({"resolution": "checked_in", "note": "Called her; the rota changes next month."}),
        )
        .await;
    assert_eq!(status, 200, "{f}");
    assert_eq!(
        (&f["status"], &f["resolution"], &f["note"]),
        (
            &json!("resolved"),
            &json!("checked_in"),
            &json!("Called her; the rota changes next month.")
        )
    );
    assert_eq!(f["resolved_by"], "API token \u{201c}tests\u{201d}");
    assert_eq!(f["health"], "on_track");
    let (status, problem) = app
        .post_json(&resolve, &json!({"resolution": "nudged"}))
        .await;
    assert_eq!(status, 409, "{problem}");
    let (status, problem) = app.post_json(&ack, &json!({})).await;
    assert_eq!(status, 409, "{problem}");

    // The same evidence does not raise it again; a new low rating does.
    review(&app, now() + Duration::minutes(1)).await;
    assert_eq!(flags_of(&app, &m).await.len(), 1);
    answer(&app, &m, "mentee", "month1", &pulse_with("fit", "2")).await;
    let flags = flags_of(&app, &m).await;
    assert_eq!(flags.len(), 2);
    assert_eq!(
        (&flags[1]["rule"], &flags[1]["status"]),
        (&json!("poor_fit"), &json!("open"))
    );
    let (_, h) = app.get_json(&format!("/api/v1/matches/{m}/health")).await;
    assert_eq!(h["health"], "off_track");
    assert_eq!(h["flags"][0]["status"], "open", "unresolved first: {h}");
    let (status, _) = app
        .get_json(&format!("/api/v1/matches/{}/health", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(status, 404);
}

async fn ending_closes_flags_and_erasure_scrubs_them(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let t = now();
    let (m, mentee, _) = approved_pair(&app, 1, json!({"shift": "day"})).await;
    answer(
        &app,
        &m,
        "mentee",
        "day14",
        &[("met", "yes"), ("fit", "4"), ("contact", "yes")],
    )
    .await;
    assert_eq!(
        rules_of(&app, &m).await,
        ["asked_for_contact", "shift_mismatch"]
    );
    let (status, _) = app
        .post_json(
            &format!("/api/v1/matches/{m}/end"),
            &json!({"reason": "Moved to another hospital"}),
        )
        .await;
    assert_eq!(status, 200);
    for f in flags_of(&app, &m).await {
        assert_eq!(
            (&f["status"], &f["resolution"], &f["health"]),
            (&json!("resolved"), &json!("match_ended"), &Value::Null),
            "{f}"
        );
    }
    let (_, h) = app.get_json(&format!("/api/v1/matches/{m}/health")).await;
    assert_eq!(
        (&h["status"], &h["health"]),
        (&json!("ended"), &Value::Null)
    );
    // An ended match is not reviewed again.
    review(&app, t + Duration::days(30)).await;
    assert_eq!(flags_of(&app, &m).await.len(), 2);

    // Erasing the mentee leaves counts, not words.
    let (m2, ..) = approved_pair(&app, 2, json!({"shift": "day"})).await;
    review(&app, t).await;
    let shift = flags_of(&app, &m2).await.remove(0);
    let (status, resolved) = app
        .post_json(
            &format!(
                "/api/v1/flags/{}/resolve",
                shift["id"].as_str().expect("id")
            ),
            &json!({"resolution": "no_action", "note": "Ana prefers days anyway"}),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["note"], "Ana prefers days anyway");
    assert_eq!(app.delete(&format!("/api/v1/mentees/{mentee}")).await, 204);
    let (_, running) = app.get_json(&format!("/api/v1/matches/{m2}")).await;
    let mentee2 = running["mentee_id"].as_str().expect("mentee").to_string();
    assert_eq!(app.delete(&format!("/api/v1/mentees/{mentee2}")).await, 204);
    for f in flags_of(&app, &m)
        .await
        .iter()
        .chain(&flags_of(&app, &m2).await)
    {
        assert_eq!(f["evidence"], "(erased)", "{f}");
        assert!(f["note"].is_null() || f["note"] == "(erased)", "{f}");
        assert_eq!(f["status"], "resolved");
    }
}

async fn the_database_refuses_a_second_unresolved_flag(backend: Backend) {
    use belong::domain::health::Resolution;
    use belong::store::flags::{self, FlagRow};
    let app = spawn(backend).await;
    let (m, ..) = approved_pair(&app, 1, json!({"shift": "day"})).await;
    review(&app, now()).await;
    let existing = flags_of(&app, &m).await.remove(0);
    let key = flags::flag_key(&m, "shift_mismatch", None);
    let t = now();
    let copy = |id: &str| FlagRow {
        seq: 0,
        id: id.to_string(),
        match_id: m.clone(),
        person_id: None,
        role: None,
        rule: "shift_mismatch".into(),
        severity: "warning".into(),
        evidence: "copy".into(),
        basis: "other".into(),
        flag_key: key.clone(),
        open_key: Some(key.clone()),
        status: "open".into(),
        raised_at: t,
        updated_at: t,
        acknowledged_at: None,
        acknowledged_by: None,
        resolved_at: None,
        resolved_by: None,
        resolution: None,
        note: None,
    };
    let duplicate = copy("duplicate");
    let refused = app
        .app
        .db
        .run_blocking(move |conn| flags::insert(conn, &duplicate));
    assert!(
        matches!(refused, Err(belong::store::StoreError::Unique(_))),
        "{refused:?}"
    );
    // Once resolved, its key is free for a new flag.
    let id = existing["id"].as_str().expect("id").to_string();
    let again = copy("again");
    app.app
        .db
        .run_blocking(move |conn| {
            flags::resolve(conn, &id, Resolution::NoAction, None, Some("tests"), t)?;
            flags::insert(conn, &again)
        })
        .expect("a new flag after resolution");
    assert_eq!(flags_of(&app, &m).await.len(), 2);
}
