//! Re-matching a pair that does not work: the match ends, another mentor is proposed, and the
//! failed pair is never proposed again, not even by a later matching run.

use serde_json::{Value, json};

use crate::common::{Backend, TestApp, send, spawn};
use crate::health::{answer, approved_pair, flags_of, spawn_fast};
use crate::on_both_backends;

on_both_backends!(
    a_rematch_ends_the_pair_and_proposes_another_mentor,
    a_rematch_is_refused_when_it_cannot_happen,
);

async fn checkins(app: &TestApp, m: &str, status: &str) -> usize {
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/checkins?match_id={m}&status={status}&limit=200"
        ))
        .await;
    page["items"].as_array().map_or(0, Vec::len)
}

async fn a_rematch_ends_the_pair_and_proposes_another_mentor(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let (m, mentee, first) = approved_pair(&app, 1, json!({})).await;
    let second = app.mentor(2, json!({"site": "south_campus"})).await;
    answer(&app, &m, "mentee", "day14", &[("met", "yes"), ("fit", "1")]).await;
    assert_eq!(flags_of(&app, &m).await.len(), 1);

    let (status, done) = app
        .post_json(
            &format!("/api/v1/matches/{m}/rematch"),
            &json!({"reason": "Fit rated 1 of 5"}),
        )
        .await;
    assert_eq!(status, 201, "{done}");
    assert_eq!(done["ended"]["id"], json!(m));
    assert_eq!(done["ended"]["status"], "ended");
    assert_eq!(done["ended"]["reason"], "Fit rated 1 of 5");
    let proposal = &done["proposal"];
    assert_eq!(
        (
            &proposal["status"],
            &proposal["mentee_id"],
            &proposal["mentor_id"]
        ),
        (&json!("proposed"), &json!(mentee), &json!(second))
    );
    // Ending as ending does: check-ins cancelled, the place freed, the mentee waiting, the
    // flag resolved as re-matched.
    assert_eq!(checkins(&app, &m, "scheduled").await, 0);
    assert!(checkins(&app, &m, "cancelled").await > 0);
    let (_, old) = app.get_json(&format!("/api/v1/mentors/{first}")).await;
    assert_eq!(old["active_mentees"], 0);
    let (_, who) = app.get_json(&format!("/api/v1/mentees/{mentee}")).await;
    assert_eq!(who["status"], "waiting");
    let flag = &flags_of(&app, &m).await[0];
    assert_eq!(
        (&flag["status"], &flag["resolution"]),
        (&json!("resolved"), &json!("rematched"))
    );

    // The failed pair stays excluded: reject the new proposal, run matching, and the first
    // mentor (the better score on paper) is still not proposed; nor by hand.
    let proposal_id = proposal["id"].as_str().expect("id");
    let (status, _) = app
        .post_json(
            &format!("/api/v1/matches/{proposal_id}/reject"),
            &json!({"reason": "Prefers to wait"}),
        )
        .await;
    assert_eq!(status, 200);
    let third = app.mentor(3, json!({"site": "community_clinic"})).await;
    let (status, run) = app.post_json("/api/v1/matching-runs", &json!({})).await;
    assert_eq!(status, 201, "{run}");
    let proposed: Vec<&Value> = run["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .collect();
    assert_eq!(proposed.len(), 1, "{run}");
    assert_eq!(proposed[0]["mentor_id"], json!(third));
    let (_, candidates) = app
        .get_json(&format!("/api/v1/mentees/{mentee}/candidates?limit=0"))
        .await;
    assert!(
        !candidates.to_string().contains(&first),
        "the failed pair is not a candidate: {candidates}"
    );
    let (status, problem) = app
        .post_json(
            "/api/v1/matches",
            &json!({"mentee_id": mentee, "mentor_id": first}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem.to_string().contains("previous_pair"), "{problem}");
}

async fn a_rematch_is_refused_when_it_cannot_happen(backend: Backend) {
    let app = spawn(backend).await;
    let (m, mentee, _) = approved_pair(&app, 1, json!({})).await;
    let path = format!("/api/v1/matches/{m}/rematch");

    // Nobody else to propose: 409, and the match keeps running.
    let (status, problem) = app.post_json(&path, &json!({"reason": "Poor fit"})).await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("no other mentor")),
        "{problem}"
    );
    let (_, still) = app.get_json(&format!("/api/v1/matches/{m}")).await;
    assert_eq!(still["status"], "approved");
    let (_, who) = app.get_json(&format!("/api/v1/mentees/{mentee}")).await;
    assert_eq!(who["status"], "matched");

    for (body, field) in [
        (json!({}), "reason"),
        (json!({"reason": "  "}), "reason"),
        (json!({"reason": 5}), "reason"),
        (json!({"reason": "x", "mentor_id": "y"}), "mentor_id"),
    ] {
        let (status, problem) = app.post_json(&path, &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let (status, _) = send(
        app.client
            .post(app.url(&path))
            .bearer_auth(&app.integration)
            .json(&json!({"reason": "x"})),
    )
    .await;
    assert_eq!(status, 403);
    let unknown = uuid::Uuid::now_v7();
    let (status, _) = app
        .post_json(
            &format!("/api/v1/matches/{unknown}/rematch"),
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(status, 404);

    // Only a running match can be re-matched.
    app.mentor(2, json!({})).await;
    let (_, ended) = app
        .post_json(
            &format!("/api/v1/matches/{m}/end"),
            &json!({"reason": "Left"}),
        )
        .await;
    assert_eq!(ended["status"], "ended");
    let (status, problem) = app.post_json(&path, &json!({"reason": "Again"})).await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("ended"))
    );
}
