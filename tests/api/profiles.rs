//! Sign-up, read, partial update, erasure, and every field rule of the contract.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Backend, mentee_body, mentor_body, merge, send, spawn};
use crate::on_both_backends;

on_both_backends!(
    create_and_read_a_mentee,
    create_and_read_a_mentor,
    field_rules_are_enforced,
    duplicate_email_is_a_conflict_in_any_case,
    concurrent_duplicate_signups_store_exactly_one,
    partial_update_follows_the_same_rules,
    status_changes,
    erasure_removes_personal_data,
    integration_tokens_manage_profiles,
);

async fn create_and_read_a_mentee(backend: Backend) {
    let app = spawn(backend).await;
    let response = app
        .req(Method::POST, "/api/v1/mentees")
        .json(&merge(
            mentee_body(1),
            json!({"full_name": "  Ana Souza  ", "email": "Ana.Souza@Example.ORG"}),
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location header")
        .to_string();
    let created: Value = response.json().await.expect("json");
    let id = created["id"].as_str().expect("id");
    assert_eq!(location, format!("/api/v1/mentees/{id}"));
    assert_eq!(created["full_name"], "Ana Souza");
    assert_eq!(created["email"], "ana.souza@example.org");
    assert_eq!(created["status"], "waiting");
    assert_eq!(created["start_date"], "2026-10-01");
    assert_eq!(created["languages"], json!(["en", "pt"]));
    assert_eq!(
        created["affinity_groups"],
        json!(["internationally_educated"])
    );
    for stamp in ["created_at", "updated_at"] {
        let text = created[stamp].as_str().expect("timestamp");
        assert!(
            chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            "{stamp}: {text}"
        );
    }
    let (status, fetched) = app.get_json(&location).await;
    assert_eq!(status, 200);
    assert_eq!(fetched, created);

    // Defaults: lists empty, meeting preference either, optional fields null.
    let minimal = json!({
        "full_name": "Bo", "email": "bo@example.org", "profession": "midwife",
        "specialty": "labor_delivery", "site": "south_campus", "shift": "day"
    });
    let (status, body) = app.post_json("/api/v1/mentees", &minimal).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["preferred_meeting"], "either");
    assert_eq!(body["goals"], json!([]));
    assert_eq!(body["interests"], json!([]));
    assert_eq!(body["manager_email"], Value::Null);
    assert_eq!(body["start_date"], Value::Null);
}

async fn create_and_read_a_mentor(backend: Backend) {
    let app = spawn(backend).await;
    let (status, created) = app.post_json("/api/v1/mentors", &mentor_body(1)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["years_experience"], 12);
    assert_eq!(created["capacity"], 2);
    assert_eq!(created["active_mentees"], 0);
    assert_eq!(created["status"], "active");
    assert_eq!(
        created["can_help_with"],
        json!(["clinical_skills", "time_management"])
    );
    assert!(created.get("start_date").is_none());

    let mut body = mentor_body(2);
    body.as_object_mut().expect("object").remove("capacity");
    let (status, created) = app.post_json("/api/v1/mentors", &body).await;
    assert_eq!(status, 201);
    assert_eq!(created["capacity"], 2, "default capacity comes from config");

    let (status, fetched) = app
        .get_json(&format!(
            "/api/v1/mentors/{}",
            created["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(fetched, created);
}

/// Posts `body` and returns the fields named in a 422 answer.
async fn invalid_fields(app: &crate::common::TestApp, path: &str, body: Value) -> Vec<String> {
    let (status, problem) = app.post_json(path, &body).await;
    assert_eq!(status, 422, "{body} → {problem}");
    assert_eq!(problem["status"], 422);
    assert!(
        problem["type"].is_string()
            && problem["title"].is_string()
            && problem["detail"].is_string()
    );
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
            e["field"].as_str().expect("field").to_string()
        })
        .collect()
}

async fn field_rules_are_enforced(backend: Backend) {
    let app = spawn(backend).await;
    let mentees = "/api/v1/mentees";
    let cases: Vec<(Value, &str)> = vec![
        (json!({"full_name": "   "}), "full_name"),
        (json!({"full_name": "x".repeat(121)}), "full_name"),
        (json!({"full_name": 42}), "full_name"),
        (json!({"email": "not-an-email"}), "email"),
        (json!({"email": "ana@example"}), "email"),
        (json!({"profession": "surgeon"}), "profession"),
        (json!({"specialty": "Emergency"}), "specialty"),
        (json!({"site": "moon_base"}), "site"),
        (json!({"shift": "nights"}), "shift"),
        (json!({"goals": ["clinical_skills", "juggling"]}), "goals"),
        (json!({"goals": "clinical_skills"}), "goals"),
        (json!({"affinity_groups": ["aliens"]}), "affinity_groups"),
        (json!({"languages": ["english"]}), "languages"),
        (
            json!({"preferred_meeting": "telepathy"}),
            "preferred_meeting",
        ),
        (json!({"manager_email": "boss"}), "manager_email"),
        (json!({"notes": "x".repeat(2001)}), "notes"),
        (json!({"start_date": "2026-02-30"}), "start_date"),
        (json!({"start_date": "01/10/2026"}), "start_date"),
        (json!({"nickname": "Ana"}), "nickname"),
        (json!({"id": "0193a0c4-0000-7000-8000-000000000000"}), "id"),
        (json!({"status": "matched"}), "status"),
        (json!({"capacity": 2}), "capacity"),
    ];
    for (overlay, field) in cases {
        let fields = invalid_fields(&app, mentees, merge(mentee_body(1), overlay.clone())).await;
        assert_eq!(fields, vec![field.to_string()], "{overlay}");
    }
    // Missing required fields are each named.
    let fields = invalid_fields(&app, mentees, json!({})).await;
    for field in [
        "full_name",
        "email",
        "profession",
        "specialty",
        "site",
        "shift",
    ] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }
    // The taxonomy error names the allowed codes.
    let (_, problem) = app
        .post_json(
            mentees,
            &merge(mentee_body(1), json!({"profession": "surgeon"})),
        )
        .await;
    let message = problem["errors"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("registered_nurse") && message.contains("social_worker"),
        "{message}"
    );

    let mentors = "/api/v1/mentors";
    for (overlay, field) in [
        (json!({"years_experience": 61}), "years_experience"),
        (json!({"years_experience": -1}), "years_experience"),
        (json!({"years_experience": 2.5}), "years_experience"),
        (json!({"years_experience": null}), "years_experience"),
        (json!({"capacity": 0}), "capacity"),
        (json!({"capacity": 11}), "capacity"),
        (json!({"can_help_with": ["flying"]}), "can_help_with"),
        (json!({"certifications": [1]}), "certifications"),
        (json!({"start_date": "2026-10-01"}), "start_date"),
    ] {
        let fields = invalid_fields(&app, mentors, merge(mentor_body(1), overlay.clone())).await;
        assert_eq!(fields, vec![field.to_string()], "{overlay}");
    }
    // Limits are inclusive.
    let (status, body) = app
        .post_json(
            mentees,
            &merge(
                mentee_body(7),
                json!({"full_name": "é".repeat(120), "notes": "n".repeat(2000)}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Nothing invalid was stored.
    let (_, list) = app.get_json("/api/v1/mentees?limit=200").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

async fn duplicate_email_is_a_conflict_in_any_case(backend: Backend) {
    let app = spawn(backend).await;
    app.mentee(1, json!({"email": "sam@example.org"})).await;
    let (status, problem) = app
        .post_json(
            "/api/v1/mentees",
            &merge(mentee_body(2), json!({"email": " SAM@Example.org "})),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "email");
    // Unique per role: the same person may also mentor.
    app.mentor(1, json!({"email": "sam@example.org"})).await;
    // An update onto a taken email conflicts too.
    let other = app.mentee(3, json!({})).await;
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/mentees/{other}"),
            &json!({"email": "Sam@example.org"}),
        )
        .await;
    assert_eq!(status, 409);
}

async fn concurrent_duplicate_signups_store_exactly_one(backend: Backend) {
    let app = std::sync::Arc::new(spawn(backend).await);
    let mut tasks = Vec::new();
    for i in 0..10 {
        let app = app.clone();
        let email = if i % 2 == 0 {
            "race@example.org"
        } else {
            "RACE@example.org"
        };
        tasks.push(tokio::spawn(async move {
            app.post_json(
                "/api/v1/mentors",
                &merge(mentor_body(i), json!({"email": email})),
            )
            .await
            .0
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("join"));
    }
    statuses.sort();
    assert_eq!(statuses, [vec![201], vec![409; 9]].concat());
    let (_, list) = app.get_json("/api/v1/mentors").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

async fn partial_update_follows_the_same_rules(backend: Backend) {
    let app = spawn(backend).await;
    let id = app.mentee(1, json!({})).await;
    let path = format!("/api/v1/mentees/{id}");
    let (_, before) = app.get_json(&path).await;

    let (status, after) = app
        .patch_json(
            &path,
            &json!({"shift": "day", "notes": null, "goals": ["leadership"]}),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["shift"], "day");
    assert_eq!(after["notes"], Value::Null);
    assert_eq!(after["goals"], json!(["leadership"]));
    assert_eq!(after["full_name"], before["full_name"]);
    assert_eq!(after["created_at"], before["created_at"]);
    assert!(after["updated_at"].as_str() >= before["updated_at"].as_str());

    // Invalid updates change nothing.
    for bad in [
        json!({"full_name": ""}),
        json!({"full_name": null}),
        json!({"shift": "dawn"}),
        json!({"email": "nope"}),
        json!({"created_at": "2020-01-01T00:00:00Z"}),
        json!({"specialty": "emergency", "unknown": 1}),
    ] {
        let (status, problem) = app.patch_json(&path, &bad).await;
        assert_eq!(status, 422, "{bad} → {problem}");
    }
    let (_, unchanged) = app.get_json(&path).await;
    assert_eq!(unchanged, after);

    let mentor = app.mentor(1, json!({})).await;
    let (status, body) = app
        .patch_json(
            &format!("/api/v1/mentors/{mentor}"),
            &json!({"capacity": 5, "certifications": []}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["capacity"], 5);
    assert_eq!(body["years_experience"], 12);
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/mentors/{mentor}"),
            &json!({"capacity": 0}),
        )
        .await;
    assert_eq!(status, 422);

    let (status, _) = app
        .patch_json(
            "/api/v1/mentees/0193a0c4-0000-7000-8000-000000000000",
            &json!({"shift": "day"}),
        )
        .await;
    assert_eq!(status, 404);
}

async fn status_changes(backend: Backend) {
    let app = spawn(backend).await;
    let mentee = format!("/api/v1/mentees/{}", app.mentee(1, json!({})).await);
    let (status, body) = app
        .patch_json(&mentee, &json!({"status": "withdrawn"}))
        .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("withdrawn")));
    let (status, body) = app.patch_json(&mentee, &json!({"status": "waiting"})).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("waiting")));
    for bad in ["matched", "gone", ""] {
        let (status, _) = app.patch_json(&mentee, &json!({"status": bad})).await;
        assert_eq!(status, 422, "{bad}");
    }
    let mentor = format!("/api/v1/mentors/{}", app.mentor(1, json!({})).await);
    let (status, body) = app.patch_json(&mentor, &json!({"status": "paused"})).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("paused")));
    let (status, _) = app
        .patch_json(&mentor, &json!({"status": "withdrawn"}))
        .await;
    assert_eq!(status, 422);

    let (_, waiting) = app.get_json("/api/v1/mentees?status=waiting").await;
    assert_eq!(waiting["items"].as_array().map(Vec::len), Some(1));
    let (_, paused) = app.get_json("/api/v1/mentors?status=paused").await;
    assert_eq!(paused["items"].as_array().map(Vec::len), Some(1));
    let (_, active) = app.get_json("/api/v1/mentors?status=active").await;
    assert_eq!(active["items"].as_array().map(Vec::len), Some(0));
}

async fn erasure_removes_personal_data(backend: Backend) {
    let app = spawn(backend).await;
    let id = app
        .mentee(
            1,
            json!({"email": "erase.me@example.org", "notes": "private"}),
        )
        .await;
    let keep = app.mentee(2, json!({})).await;
    let path = format!("/api/v1/mentees/{id}");
    assert_eq!(app.delete(&path).await, 204);
    assert_eq!(app.get_json(&path).await.0, 404);
    assert_eq!(app.delete(&path).await, 404);
    assert_eq!(app.patch_json(&path, &json!({"shift": "day"})).await.0, 404);
    let (_, list) = app.get_json("/api/v1/mentees").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, vec![keep.as_str()]);

    // The stored row holds nothing that identifies the person any more.
    use belong::store::schema::profiles;
    use diesel::prelude::*;
    let db = app.app.db.clone();
    let id_for_query = id.clone();
    let (name, email, notes, manager, affinity): (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    ) = tokio::task::spawn_blocking(move || {
        db.run_blocking(|conn| {
            profiles::table
                .filter(profiles::id.eq(&id_for_query))
                .select((
                    profiles::full_name,
                    profiles::email,
                    profiles::notes,
                    profiles::manager_email,
                    profiles::affinity_groups,
                ))
                .first(conn)
                .map_err(belong::store::StoreError::from)
        })
    })
    .await
    .expect("join")
    .expect("row");
    assert_eq!(
        (name.as_str(), email, notes, manager, affinity.as_str()),
        ("", None, None, None, "[]")
    );

    // The address is free again.
    app.mentee(3, json!({"email": "erase.me@example.org"}))
        .await;
    let mentor = app.mentor(1, json!({})).await;
    assert_eq!(app.delete(&format!("/api/v1/mentors/{mentor}")).await, 204);
    assert_eq!(
        app.get_json(&format!("/api/v1/mentors/{mentor}")).await.0,
        404
    );
}

async fn integration_tokens_manage_profiles(backend: Backend) {
    let app = spawn(backend).await;
    let as_hr = |method: Method, path: &str| {
        app.client
            .request(method, app.url(path))
            .bearer_auth(&app.integration)
    };
    let (status, created) =
        send(as_hr(Method::POST, "/api/v1/mentees").json(&mentee_body(1))).await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/mentees/{}", created["id"].as_str().expect("id"));
    assert_eq!(send(as_hr(Method::GET, &path)).await.0, 200);
    assert_eq!(
        send(as_hr(Method::PATCH, &path).json(&json!({"shift": "day"})))
            .await
            .0,
        200
    );
    assert_eq!(send(as_hr(Method::GET, "/api/v1/mentees")).await.0, 200);
    assert_eq!(send(as_hr(Method::DELETE, &path)).await.0, 204);
}
