//! Check-ins are planned on approval (one per step and person), and cancelled when a match
//! ends; the list never shows answers.

use serde_json::{Value, json};

use crate::common::{Backend, TestApp, spawn};
use crate::on_both_backends;

on_both_backends!(approval_plans_the_first_year_and_ending_cancels_it);

async fn approved(app: &TestApp, n: usize) -> Value {
    let mentee = app.mentee(n, json!({})).await;
    let mentor = app.mentor(n, json!({})).await;
    let (_, m) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": mentor}),
        )
        .await;
    let id = m["id"].as_str().expect("id");
    let (status, m) = app
        .post_json(&format!("/api/v1/matches/{id}/approve"), &json!({}))
        .await;
    assert_eq!(status, 200);
    m
}

async fn approval_plans_the_first_year_and_ending_cancels_it(backend: Backend) {
    let app = spawn(backend).await;
    let m = approved(&app, 1).await;
    let id = m["id"].as_str().expect("id");
    let approved_at =
        chrono::DateTime::parse_from_rfc3339(m["approved_at"].as_str().expect("approved_at"))
            .expect("time");

    let (status, page) = app
        .get_json(&format!("/api/v1/checkins?match_id={id}&limit=200"))
        .await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 12, "six steps, asking both people");
    let steps: Vec<(&str, &str)> = items
        .iter()
        .map(|c| {
            (
                c["step"].as_str().unwrap_or_default(),
                c["role"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(&steps[..2], &[("day14", "mentee"), ("day14", "mentor")]);
    assert!(
        items
            .iter()
            .all(|c| c["status"] == "scheduled" && c["answered_at"].is_null())
    );
    assert!(
        items.iter().all(|c| c.get("answers").is_none()),
        "answers are never listed"
    );
    assert_eq!(items[0]["person_id"], m["mentee_id"]);
    assert_eq!(items[1]["person_id"], m["mentor_id"]);
    let due = |i: usize| {
        chrono::DateTime::parse_from_rfc3339(items[i]["due_at"].as_str().expect("due"))
            .expect("time")
    };
    assert_eq!((due(0) - approved_at).num_days(), 14);
    assert_eq!(
        due(10).date_naive(),
        (approved_at + chrono::Months::new(12)).date_naive(),
        "month 12"
    );

    // Another pair's check-ins are listed separately; filters combine.
    approved(&app, 2).await;
    let (_, all) = app.get_json("/api/v1/checkins?limit=200").await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(24));
    let (_, one_page) = app.get_json("/api/v1/checkins?limit=5").await;
    assert!(one_page["next_cursor"].is_string());

    // Ending the match cancels what has not been sent.
    let (status, _) = app
        .post_json(
            &format!("/api/v1/matches/{id}/end"),
            &json!({"reason": "Moved away"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, cancelled) = app
        .get_json(&format!(
            "/api/v1/checkins?match_id={id}&status=cancelled&limit=200"
        ))
        .await;
    assert_eq!(cancelled["items"].as_array().map(Vec::len), Some(12));
    let (_, scheduled) = app
        .get_json("/api/v1/checkins?status=scheduled&limit=200")
        .await;
    assert_eq!(
        scheduled["items"].as_array().map(Vec::len),
        Some(12),
        "the other pair's remain"
    );

    for bad in ["status=lost", "match_id=nope", "colour=blue"] {
        assert_eq!(
            app.get_json(&format!("/api/v1/checkins?{bad}")).await.0,
            422,
            "{bad}"
        );
    }
}
