//! Matching through the API: candidates, runs, the match lifecycle, settings and roles.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, send, spawn};
use crate::on_both_backends;

on_both_backends!(
    candidates_rank_only_eligible_mentors,
    a_run_matches_as_many_as_possible_and_explains_the_rest,
    dry_runs_store_nothing_and_runs_supersede,
    the_match_lifecycle,
    concurrent_approvals_never_overfill_a_mentor,
    settings_are_validated_and_used,
    integration_tokens_may_only_read_matches,
    leaving_the_programme_releases_matches,
);

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["mentor_id"].as_str().expect("mentor_id").to_string())
        .collect()
}

/// Each score is the sum of its explanation, whose maxima are the weights (100 in all).
fn assert_explained(scored: &Value) {
    let lines = scored["explanation"].as_array().expect("explanation");
    assert_eq!(lines.len(), 8);
    let sum: f64 = lines
        .iter()
        .map(|l| l["points"].as_f64().expect("points"))
        .sum();
    let max: f64 = lines
        .iter()
        .map(|l| l["max_points"].as_f64().expect("max"))
        .sum();
    assert!(
        (sum - scored["score"].as_f64().expect("score")).abs() < 1e-9,
        "{scored}"
    );
    assert!((max - 100.0).abs() < 1e-9);
    for line in lines {
        assert!(line["detail"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(line["points"].as_f64() <= line["max_points"].as_f64());
    }
}

async fn pause(app: &TestApp, mentor: &str) {
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/mentors/{mentor}"),
            &json!({"status": "paused"}),
        )
        .await;
    assert_eq!(status, 200);
}

async fn candidates_rank_only_eligible_mentors(backend: Backend) {
    let app = spawn(backend).await;
    let mentee = app.mentee(1, json!({})).await;
    let best = app.mentor(1, json!({"languages": ["en", "pt"]})).await;
    let good = app.mentor(2, json!({})).await;
    app.mentor(3, json!({"email": "Charge.Nurse@example.org"}))
        .await;
    let paused = app.mentor(4, json!({})).await;
    pause(&app, &paused).await;
    app.mentor(5, json!({"profession": "midwife"})).await;
    app.mentor(6, json!({"years_experience": 0})).await;
    app.mentor(7, json!({"specialty": "oncology", "site": "south_campus", "shift": "day", "can_help_with": [], "preferred_meeting": "in_person"})).await;

    let (status, body) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body["items"]), vec![best.clone(), good.clone()]);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items[0]["score"], 85.0);
    assert_eq!(items[1]["score"], 75.0);
    for item in items {
        assert_explained(item);
    }
    let details: Vec<&str> = items[0]["explanation"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["detail"].as_str())
        .collect();
    assert!(details.contains(&"Both in Emergency"), "{details:?}");
    assert!(details.contains(&"Both speak Portuguese"), "{details:?}");
    assert!(details.contains(&"Both on night shift"), "{details:?}");

    let (_, one) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates?limit=1"))
        .await;
    assert_eq!(ids(&one["items"]), vec![best]);
    let (_, all) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates?limit=0"))
        .await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        app.get_json(&format!("/api/v1/mentees/{mentee}/candidates?limit=x"))
            .await
            .0,
        422
    );
    assert_eq!(
        app.get_json("/api/v1/mentees/0193a0c4-0000-7000-8000-000000000000/candidates")
            .await
            .0,
        404
    );

    // The affinity group is only named when both opted in.
    let (_, with_group) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates?limit=0"))
        .await;
    let text = with_group.to_string();
    assert!(
        !text.contains("Internationally educated"),
        "no mentor opted in: {text}"
    );
}

async fn a_run_matches_as_many_as_possible_and_explains_the_rest(backend: Backend) {
    let app = spawn(backend).await;
    // A's single place must go to X, who has no one else; Y then takes B.
    let a = app
        .mentor(1, json!({"capacity": 1, "languages": ["en", "pt"]}))
        .await;
    let b = app
        .mentor(2, json!({"capacity": 1, "email": "x.manager@example.org"}))
        .await;
    let x = app
        .mentee(1, json!({"manager_email": "x.manager@example.org"}))
        .await;
    let y = app.mentee(2, json!({})).await;
    let z = app.mentee(3, json!({"profession": "midwife"})).await;

    let (status, run) = app.post_json("/api/v1/matching-runs", &json!({})).await;
    assert_eq!(status, 201, "{run}");
    let proposals = run["proposals"].as_array().expect("proposals");
    let pairs: Vec<(String, String)> = proposals
        .iter()
        .map(|p| {
            (
                p["mentee_id"].as_str().unwrap_or_default().to_string(),
                p["mentor_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 2, "{run}");
    assert!(pairs.contains(&(x.clone(), a.clone())), "{run}");
    assert!(pairs.contains(&(y.clone(), b.clone())), "{run}");
    for p in proposals {
        assert_explained(p);
        assert!(p["id"].is_string());
    }
    let unmatched = run["unmatched"].as_array().expect("unmatched");
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0]["mentee_id"], z.as_str());
    assert_eq!(
        unmatched[0]["reason"],
        "no eligible mentor: 2 of another profession"
    );
    assert_eq!(run["stats"]["mentees"], 3);
    assert_eq!(run["stats"]["mentors"], 2);
    assert_eq!(run["stats"]["matched"], 2);
    let total: f64 = proposals
        .iter()
        .map(|p| p["score"].as_f64().unwrap_or_default())
        .sum();
    assert!((run["stats"]["total_score"].as_f64().unwrap_or_default() - total).abs() < 1e-9);

    // Stored: the run, and its proposals as matches.
    let (status, stored) = app
        .get_json(&format!(
            "/api/v1/matching-runs/{}",
            run["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(stored["matches"].as_array().map(Vec::len), Some(2));
    assert_eq!(stored["settings"]["weights"]["specialty"], 25.0);
    let (_, proposed) = app.get_json("/api/v1/matches?status=proposed").await;
    assert_eq!(proposed["items"].as_array().map(Vec::len), Some(2));

    // Capacity held by open proposals is not offered twice.
    let w = app.mentee(4, json!({})).await;
    let (_, second) = app
        .post_json("/api/v1/matching-runs", &json!({"mentee_ids": [w]}))
        .await;
    assert_eq!(
        second["proposals"].as_array().map(Vec::len),
        Some(0),
        "{second}"
    );
    assert!(
        second["unmatched"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("no capacity left")),
        "{second}"
    );

    // Named mentees must exist and be waiting.
    let (status, problem) = app
        .post_json(
            "/api/v1/matching-runs",
            &json!({"mentee_ids": ["0193a0c4-0000-7000-8000-000000000000", "nope"]}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        problem["errors"].as_array().map(Vec::len),
        Some(1),
        "the malformed id is named first: {problem}"
    );
    let (status, _) = app
        .post_json(
            "/api/v1/matching-runs",
            &json!({"mentee_ids": ["0193a0c4-0000-7000-8000-000000000000"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        app.post_json("/api/v1/matching-runs", &json!({"dry_run": "yes"}))
            .await
            .0,
        422
    );
    assert_eq!(
        app.post_json("/api/v1/matching-runs", &json!({"everyone": true}))
            .await
            .0,
        422
    );
}

async fn dry_runs_store_nothing_and_runs_supersede(backend: Backend) {
    let app = spawn(backend).await;
    for n in 0..4 {
        app.mentor(n, json!({"capacity": 1})).await;
    }
    for n in 0..6 {
        app.mentee(
            n,
            json!({"site": if n % 2 == 0 { "north_campus" } else { "south_campus" }}),
        )
        .await;
    }
    let (status, first) = app
        .post_json("/api/v1/matching-runs", &json!({"dry_run": true}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["dry_run"], true);
    assert!(first["proposals"][0]["id"].is_null());
    let (_, matches) = app.get_json("/api/v1/matches").await;
    assert_eq!(
        matches["items"].as_array().map(Vec::len),
        Some(0),
        "a preview stores nothing"
    );

    // Same input, same answer.
    let (_, again) = app
        .post_json("/api/v1/matching-runs", &json!({"dry_run": true}))
        .await;
    assert_eq!(first["proposals"], again["proposals"]);
    assert_eq!(first["unmatched"], again["unmatched"]);

    let (status, stored) = app.post_json("/api/v1/matching-runs", &json!({})).await;
    assert_eq!(status, 201);
    let strip = |v: &Value| -> Vec<(Value, Value, Value)> {
        v.as_array()
            .expect("proposals")
            .iter()
            .map(|p| {
                (
                    p["mentee_id"].clone(),
                    p["mentor_id"].clone(),
                    p["score"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(strip(&stored["proposals"]), strip(&first["proposals"]));
    assert_eq!(stored["stats"]["matched"], 4);
    let (status, _) = app.post_json("/api/v1/matching-runs", &json!({})).await;
    assert_eq!(status, 201);
    let (_, superseded) = app.get_json("/api/v1/matches?status=superseded").await;
    assert_eq!(superseded["items"].as_array().map(Vec::len), Some(4));
    let (_, proposed) = app.get_json("/api/v1/matches?status=proposed").await;
    assert_eq!(proposed["items"].as_array().map(Vec::len), Some(4));
}

async fn emails_of(app: &TestApp, match_id: &str) -> i64 {
    let db = app.app.db.clone();
    let id = match_id.to_string();
    tokio::task::spawn_blocking(move || {
        db.run_blocking(|conn| belong::store::emails::count_for_match(conn, &id))
    })
    .await
    .expect("join")
    .expect("count")
}

async fn the_match_lifecycle(backend: Backend) {
    let app = spawn(backend).await;
    let mentee = app.mentee(1, json!({})).await;
    let mentor = app.mentor(1, json!({})).await;
    let other = app.mentor(2, json!({})).await;

    let (status, proposal) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": mentor}),
        )
        .await;
    assert_eq!(status, 201, "{proposal}");
    assert_eq!(proposal["status"], "proposed");
    assert!(proposal["run_id"].is_null());
    assert_explained(&proposal);
    let id = proposal["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/matches/{id}");
    assert_eq!(app.get_json(&path).await.1, proposal);

    // Approve: match approved, mentee matched, a place taken, one email queued.
    let (status, approved) = app.post_json(&format!("{path}/approve"), &json!({})).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert!(approved["approved_at"].is_string());
    assert_eq!(
        app.get_json(&format!("/api/v1/mentees/{mentee}")).await.1["status"],
        "matched"
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/mentors/{mentor}")).await.1["active_mentees"],
        1
    );
    assert_eq!(emails_of(&app, &id).await, 1);

    // Again: nothing changes, nothing more is queued.
    let (status, again) = app.post_json(&format!("{path}/approve"), &json!({})).await;
    assert_eq!((status, &again["status"]), (200, &json!("approved")));
    assert_eq!(emails_of(&app, &id).await, 1);
    assert_eq!(
        app.get_json(&format!("/api/v1/mentors/{mentor}")).await.1["active_mentees"],
        1
    );

    // A matched mentee gets no second proposal, nor another approved match.
    let (status, problem) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": other}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("mentee_not_waiting"))
    );
    assert_eq!(
        app.patch_json(
            &format!("/api/v1/mentees/{mentee}"),
            &json!({"status": "withdrawn"})
        )
        .await
        .0,
        409
    );

    // Reject is for proposals; end is for approved matches and needs a reason.
    assert_eq!(
        app.post_json(&format!("{path}/reject"), &json!({"reason": "x"}))
            .await
            .0,
        409
    );
    let (status, problem) = app.post_json(&format!("{path}/end"), &json!({})).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "reason");
    assert_eq!(
        app.post_json(&format!("{path}/end"), &json!({"reason": "  "}))
            .await
            .0,
        422
    );
    let (status, ended) = app
        .post_json(
            &format!("{path}/end"),
            &json!({"reason": "Moved to another ward"}),
        )
        .await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["reason"], "Moved to another ward");
    assert_eq!(
        app.get_json(&format!("/api/v1/mentees/{mentee}")).await.1["status"],
        "waiting"
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/mentors/{mentor}")).await.1["active_mentees"],
        0
    );
    assert_eq!(
        app.post_json(&format!("{path}/approve"), &json!({}))
            .await
            .0,
        409
    );

    // The ended pair is never proposed again, by a run or by hand.
    let (_, candidates) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates"))
        .await;
    assert_eq!(ids(&candidates["items"]), vec![other.clone()]);
    let (status, problem) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": mentor}),
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("previous_pair")),
        "{problem}"
    );

    // Rejecting a proposal rules the pair out too.
    let (_, second) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": other}),
        )
        .await;
    let second_path = format!("/api/v1/matches/{}", second["id"].as_str().expect("id"));
    assert_eq!(
        app.post_json(&format!("{second_path}/reject"), &json!({}))
            .await
            .0,
        422
    );
    let (status, rejected) = app
        .post_json(
            &format!("{second_path}/reject"),
            &json!({"reason": "Same team already"}),
        )
        .await;
    assert_eq!((status, &rejected["status"]), (200, &json!("rejected")));
    let (_, candidates) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates"))
        .await;
    assert_eq!(candidates["items"].as_array().map(Vec::len), Some(0));
    let (_, run) = app.post_json("/api/v1/matching-runs", &json!({})).await;
    assert!(
        run["unmatched"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("2 paired before")),
        "{run}"
    );

    // Rules by hand: manager, unknown ids.
    let boss = app
        .mentor(3, json!({"email": "charge.nurse@example.org"}))
        .await;
    let (status, problem) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": boss}),
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        problem.to_string().contains("manager_conflict"),
        "{problem}"
    );
    let (status, problem) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": "0193a0c4-0000-7000-8000-000000000000"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "mentor_id");
    assert_eq!(
        app.post_json("/api/v1/matches", &json!({"mentee_id": mentee}))
            .await
            .0,
        422
    );
    assert_eq!(
        app.post_json(
            "/api/v1/matches/0193a0c4-0000-7000-8000-000000000000/approve",
            &json!({})
        )
        .await
        .0,
        404
    );
    let (_, list) = app.get_json("/api/v1/matches?status=ended").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

async fn concurrent_approvals_never_overfill_a_mentor(backend: Backend) {
    let app = Arc::new(spawn(backend).await);
    let mentor = app.mentor(1, json!({"capacity": 10})).await;
    let mut matches = Vec::new();
    for n in 0..10 {
        let mentee = app.mentee(n, json!({})).await;
        let (status, m) = app
            .post_json(
                "/api/v1/matches",
                &json!({"mentee_id": mentee, "mentor_id": mentor}),
            )
            .await;
        assert_eq!(status, 201, "{m}");
        matches.push(m["id"].as_str().expect("id").to_string());
    }
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/mentors/{mentor}"),
            &json!({"capacity": 2}),
        )
        .await;
    assert_eq!(status, 200);
    let mut tasks = Vec::new();
    for id in &matches {
        let (app, id) = (app.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            app.post_json(&format!("/api/v1/matches/{id}/approve"), &json!({}))
                .await
                .0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("join"));
    }
    statuses.sort();
    assert_eq!(statuses, [vec![200; 2], vec![409; 8]].concat());
    assert_eq!(
        app.get_json(&format!("/api/v1/mentors/{mentor}")).await.1["active_mentees"],
        2
    );
    let (_, approved) = app.get_json("/api/v1/matches?status=approved").await;
    assert_eq!(approved["items"].as_array().map(Vec::len), Some(2));

    // Ten approvals of one match: one approval, one email.
    let mentee = app.mentee(100, json!({})).await;
    let free = app.mentor(2, json!({})).await;
    let (_, m) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": free}),
        )
        .await;
    let id = m["id"].as_str().expect("id").to_string();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (app, id) = (app.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            app.post_json(&format!("/api/v1/matches/{id}/approve"), &json!({}))
                .await
                .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("join"), 200);
    }
    assert_eq!(emails_of(&app, &id).await, 1);
    assert_eq!(
        app.get_json(&format!("/api/v1/mentors/{free}")).await.1["active_mentees"],
        1
    );
}

async fn settings_are_validated_and_used(backend: Backend) {
    let app = spawn(backend).await;
    let (status, settings) = app.get_json("/api/v1/matching/settings").await;
    assert_eq!(status, 200);
    assert_eq!(settings["weights"]["specialty"], 25.0);
    assert_eq!(settings["min_score"], 20.0);
    assert_eq!(settings["default_capacity"], 2);
    assert_eq!(settings["min_mentor_years"], 1);

    let put = |body: Value| {
        let app = &app;
        async move {
            send(
                app.req(Method::PUT, "/api/v1/matching/settings")
                    .json(&body),
            )
            .await
        }
    };
    let mut weights = settings["weights"].clone();
    weights["specialty"] = json!(30);
    let (status, problem) = put(json!({"weights": weights})).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "weights");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("add up to 100"))
    );
    for (body, field) in [
        (json!({"weights": {"charm": 100}}), "weights.charm"),
        (json!({"min_score": 101}), "min_score"),
        (json!({"min_score": "high"}), "min_score"),
        (json!({"default_capacity": 0}), "default_capacity"),
        (json!({"min_mentor_years": 61}), "min_mentor_years"),
        (
            json!({"cross_profession": [{"mentee": "wizard", "mentor": "registered_nurse"}]}),
            "cross_profession[0].mentee",
        ),
        (json!({"tiebreak": "random"}), "tiebreak"),
    ] {
        let (status, problem) = put(body.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    assert_eq!(
        app.get_json("/api/v1/matching/settings").await.1,
        settings,
        "nothing changed"
    );

    // A round trip of what GET gave is accepted.
    assert_eq!(put(settings.clone()).await.0, 200);

    let mentee = app.mentee(1, json!({})).await;
    app.mentor(1, json!({})).await; // scores 75
    let (status, changed) = put(json!({"min_score": 80, "default_capacity": 4})).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["min_score"], 80.0);
    assert_eq!(
        changed["weights"], settings["weights"],
        "untouched settings stay"
    );
    let (_, candidates) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates"))
        .await;
    assert_eq!(candidates["items"].as_array().map(Vec::len), Some(0));
    let mut body = crate::common::mentor_body(2);
    body.as_object_mut().expect("object").remove("capacity");
    let (_, mentor) = app.post_json("/api/v1/mentors", &body).await;
    assert_eq!(mentor["capacity"], 4);

    // Weights change scores and explanations alike.
    let weights = json!({"specialty": 50, "shift": 10, "site": 10, "goals": 10, "languages": 5, "affinity": 5, "interests": 5, "meeting": 5});
    assert_eq!(put(json!({"weights": weights, "min_score": 0, "cross_profession": [{"mentee": "midwife", "mentor": "registered_nurse"}]})).await.0, 200);
    let (_, candidates) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates"))
        .await;
    assert_eq!(candidates["items"][0]["score"], 85.0);
    assert_explained(&candidates["items"][0]);
    let midwife = app.mentee(2, json!({"profession": "midwife"})).await;
    let (_, candidates) = app
        .get_json(&format!("/api/v1/mentees/{midwife}/candidates"))
        .await;
    assert_eq!(
        candidates["items"].as_array().map(Vec::len),
        Some(2),
        "cross-profession pairs allowed now"
    );
}

async fn integration_tokens_may_only_read_matches(backend: Backend) {
    let app = spawn(backend).await;
    let mentee = app.mentee(1, json!({})).await;
    let mentor = app.mentor(1, json!({})).await;
    let (_, m) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": mentor}),
        )
        .await;
    let id = m["id"].as_str().expect("id");
    let hr = |method: Method, path: &str| {
        app.client
            .request(method, app.url(path))
            .bearer_auth(&app.integration)
    };
    for (method, path, body) in [
        (Method::POST, "/api/v1/matching-runs".to_string(), json!({})),
        (
            Method::POST,
            "/api/v1/matches".to_string(),
            json!({"mentee_id": mentee, "mentor_id": mentor}),
        ),
        (
            Method::POST,
            format!("/api/v1/matches/{id}/approve"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/matches/{id}/reject"),
            json!({"reason": "no"}),
        ),
        (
            Method::POST,
            format!("/api/v1/matches/{id}/end"),
            json!({"reason": "no"}),
        ),
        (
            Method::PUT,
            "/api/v1/matching/settings".to_string(),
            json!({"min_score": 0}),
        ),
    ] {
        let (status, problem) = send(hr(method.clone(), &path).json(&body)).await;
        assert_eq!(status, 403, "{method} {path}: {problem}");
        assert_eq!(problem["status"], 403);
    }
    assert_eq!(
        app.get_json(&format!("/api/v1/matches/{id}")).await.1["status"],
        "proposed",
        "nothing changed"
    );
    for path in [
        "/api/v1/matches".to_string(),
        format!("/api/v1/matches/{id}"),
        "/api/v1/matching/settings".to_string(),
    ] {
        assert_eq!(send(hr(Method::GET, &path)).await.0, 200, "{path}");
    }
}

async fn leaving_the_programme_releases_matches(backend: Backend) {
    let app = spawn(backend).await;
    let mentee = app.mentee(1, json!({})).await;
    let mentor = app.mentor(1, json!({})).await;
    let (_, m) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": mentor}),
        )
        .await;
    let id = m["id"].as_str().expect("id").to_string();
    // Withdrawing supersedes open proposals.
    assert_eq!(
        app.patch_json(
            &format!("/api/v1/mentees/{mentee}"),
            &json!({"status": "withdrawn"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/matches/{id}")).await.1["status"],
        "superseded"
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/matches/{id}/approve"), &json!({}))
            .await
            .0,
        409
    );
    assert_eq!(
        app.patch_json(
            &format!("/api/v1/mentees/{mentee}"),
            &json!({"status": "waiting"})
        )
        .await
        .0,
        200
    );

    // Erasing a mentor ends their running matches and frees the mentee.
    let (_, m) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": mentor}),
        )
        .await;
    let id = m["id"].as_str().expect("id").to_string();
    assert_eq!(
        app.post_json(&format!("/api/v1/matches/{id}/approve"), &json!({}))
            .await
            .0,
        200
    );
    assert_eq!(app.delete(&format!("/api/v1/mentors/{mentor}")).await, 204);
    assert_eq!(
        app.get_json(&format!("/api/v1/matches/{id}")).await.1["status"],
        "ended"
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/mentees/{mentee}")).await.1["status"],
        "waiting"
    );
}
