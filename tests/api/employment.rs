//! The employment feed: JSON and CSV, all or nothing, resendable, readable, and unlinked from
//! a person who is erased.

use serde_json::{Value, json};

use crate::common::{Backend, TestApp, send, spawn};
use crate::on_both_backends;

on_both_backends!(
    json_events_one_or_many,
    csv_uploads_good_and_malformed,
    resending_is_idempotent_and_corrects,
    erasing_a_person_unlinks_their_events,
    listing_pages_and_filters
);

async fn post_csv(app: &TestApp, token: &str, csv: &str) -> (u16, Value) {
    send(
        app.client
            .post(app.url("/api/v1/employment-events"))
            .bearer_auth(token)
            .header("Content-Type", "text/csv")
            .body(csv.to_string()),
    )
    .await
}

async fn events_of(app: &TestApp, person: &str) -> Vec<Value> {
    let (status, page) = app
        .get_json(&format!(
            "/api/v1/employment-events?person_id={person}&limit=200"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn json_events_one_or_many(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.mentee(1, json!({})).await;
    let bea = app.mentor(2, json!({})).await;

    // One object, by id, with an integration token (an HR system's).
    let (status, body) = send(
        app.client
            .post(app.url("/api/v1/employment-events"))
            .bearer_auth(&app.integration)
            .json(&json!({"person_id": ana, "event": "hired", "occurred_on": "2026-01-05"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body,
        json!({"received": 1, "created": 1, "updated": 0, "unchanged": 0})
    );

    // A list, by email (any case); a leaving says whether it was voluntary.
    let (status, body) = app
        .post_json(
            "/api/v1/employment-events",
            &json!([
                {"email": "Ana.Souza.1@Example.org", "event": "transferred", "occurred_on": "2026-04-01"},
                {"email": "ana.souza.1@example.org", "event": "left", "voluntary": true, "occurred_on": "2026-09-30"},
                {"person_id": bea, "event": "hired", "occurred_on": "2014-02-01"}
            ]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["created"], 3);
    let events = events_of(&app, &ana).await;
    let summary: Vec<(&str, &str, Value)> = events
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap_or_default(),
                e["occurred_on"].as_str().unwrap_or_default(),
                e["voluntary"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("hired", "2026-01-05", Value::Null),
            ("transferred", "2026-04-01", Value::Null),
            ("left", "2026-09-30", json!(true)),
        ]
    );
    assert!(events.iter().all(|e| e["role"] == "mentee"));
    assert_eq!(events_of(&app, &bea).await[0]["role"], "mentor");

    // Every problem at once, each named by position and field; nothing is stored.
    let (status, problem) = app
        .post_json(
            "/api/v1/employment-events",
            &json!([
                {"person_id": ana, "event": "hired", "occurred_on": "2026-11-01"},
                {"person_id": ana, "event": "left", "occurred_on": "2026-13-01"},
                {"email": "nobody@example.org", "event": "hired", "occurred_on": "2026-01-01"},
                {"person_id": ana, "event": "hired", "occurred_on": "2026-01-01", "colour": "blue"},
                {"person_id": ana, "event": "hired", "voluntary": "yes", "occurred_on": "2026-01-01"},
                "not an event"
            ]),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["type"], "urn:belong:problem:validation");
    let named = fields(&problem);
    for field in [
        "[1].voluntary",
        "[1].occurred_on",
        "[3].colour",
        "[4].voluntary",
        "[5]",
    ] {
        assert!(named.contains(&field.to_string()), "{field}: {problem}");
    }
    assert_eq!(events_of(&app, &ana).await.len(), 3, "nothing stored");
    // Unknown people are found once the rows themselves are valid.
    let (status, problem) = app
        .post_json(
            "/api/v1/employment-events",
            &json!([
                {"person_id": ana, "event": "hired", "occurred_on": "2026-11-01"},
                {"email": "nobody@example.org", "event": "hired", "occurred_on": "2026-01-01"},
                {"person_id": "0192c6a4-0000-7000-8000-000000000000", "event": "hired", "occurred_on": "2026-01-01"},
                {"person_id": bea, "email": "ana.souza.1@example.org", "event": "hired", "occurred_on": "2026-01-01"}
            ]),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        fields(&problem),
        ["[1].email", "[2].person_id", "[3].email"],
        "{problem}"
    );
    assert_eq!(events_of(&app, &ana).await.len(), 3, "nothing stored");

    for (body, expected) in [
        (json!(42), 422),
        (json!([]), 422),
        (
            json!({"person_id": ana, "event": "hired", "occurred_on": 20260101}),
            422,
        ),
    ] {
        let (status, problem) = app.post_json("/api/v1/employment-events", &body).await;
        assert_eq!(status, expected, "{body}: {problem}");
    }
    let (status, problem) = send(
        app.req(reqwest::Method::POST, "/api/v1/employment-events")
            .header("Content-Type", "text/plain")
            .body("hired"),
    )
    .await;
    assert_eq!(status, 415, "{problem}");
    let (status, _) = send(
        app.client
            .post(app.url("/api/v1/employment-events"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 401);
}

async fn csv_uploads_good_and_malformed(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.mentee(1, json!({})).await;
    app.mentee(2, json!({})).await;

    // Spreadsheet habits: a byte-order mark, CRLF, columns in any order and case, quotes,
    // an empty trailing row.
    let good = "\u{feff}Email,Event,Voluntary,Occurred_On\r\n\
        ana.souza.1@example.org,hired,,2026-01-05\r\n\
        \"ana.souza.2@example.org\",hired,,2026-01-12\r\n\
        ana.souza.2@example.org,left,no,2026-06-30\r\n\
        ,,,\r\n";
    let (status, body) = post_csv(&app, &app.integration, good).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["created"], 3);
    assert_eq!(events_of(&app, &ana).await.len(), 1);

    // A bad cell: 422 naming the row (as a spreadsheet numbers it) and the column; nothing
    // from that file is stored.
    let bad = "person_id,event,voluntary,occurred_on\n\
        {ana},transferred,,2026-03-01\n\
        {ana},left,,2026-09-01\n\
        {ana},left,maybe,1 Sept 2026\n"
        .replace("{ana}", &ana);
    let (status, problem) = post_csv(&app, &app.coordinator, &bad).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        fields(&problem),
        [
            "row 3, column voluntary",
            "row 4, column voluntary",
            "row 4, column occurred_on"
        ],
        "{problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("row 4, column occurred_on: must be a date like 2026-10-01"),
        "{problem}"
    );
    assert_eq!(events_of(&app, &ana).await.len(), 1, "nothing stored");

    let cases = [
        (
            "email,event,when\nx,hired,2026-01-01\n",
            "row 1, column when",
        ),
        ("email,voluntary\nx,true\n", "row 1"),
        ("email,event,occurred_on\na@example.org,hired\n", "row 2"),
        (
            "email,event,occurred_on\n\"open,hired,2026-01-01\n",
            "row 2",
        ),
        ("email,event,occurred_on,email\n", "row 1, column email"),
        ("email,event,occurred_on\n", ""),
    ];
    for (csv, field) in cases {
        let (status, problem) = post_csv(&app, &app.coordinator, csv).await;
        assert_eq!(status, 422, "{csv}: {problem}");
        assert!(
            fields(&problem).contains(&field.to_string()),
            "{csv}: {problem}"
        );
    }
    let (status, _) = send(
        app.req(reqwest::Method::POST, "/api/v1/employment-events")
            .header("Content-Type", "text/csv")
            .body(vec![0xff, 0xfe, 0x00, 0x41]),
    )
    .await;
    assert_eq!(status, 400, "not UTF-8");
    assert_eq!(events_of(&app, &ana).await.len(), 1);
}

async fn resending_is_idempotent_and_corrects(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.mentee(1, json!({})).await;
    let feed = json!([
        {"person_id": ana, "event": "hired", "occurred_on": "2026-01-05"},
        {"person_id": ana, "event": "left", "voluntary": false, "occurred_on": "2026-08-01"},
        {"person_id": ana, "event": "hired", "occurred_on": "2026-01-05"}
    ]);
    let (status, body) = app.post_json("/api/v1/employment-events", &feed).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body,
        json!({"received": 3, "created": 2, "updated": 0, "unchanged": 1})
    );
    let (status, body) = app.post_json("/api/v1/employment-events", &feed).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"received": 3, "created": 0, "updated": 0, "unchanged": 3})
    );
    // The same leaving sent again as voluntary corrects it.
    let (status, body) = app
        .post_json(
            "/api/v1/employment-events",
            &json!({"person_id": ana, "event": "left", "voluntary": true, "occurred_on": "2026-08-01"}),
        )
        .await;
    assert_eq!((status, body["updated"].clone()), (200, json!(1)), "{body}");
    let events = events_of(&app, &ana).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["voluntary"], true);
    // Within one upload the same event cannot say two things.
    let (status, problem) = app
        .post_json(
            "/api/v1/employment-events",
            &json!([
                {"person_id": ana, "event": "left", "voluntary": true, "occurred_on": "2026-10-01"},
                {"person_id": ana, "event": "left", "voluntary": false, "occurred_on": "2026-10-01"}
            ]),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&problem), ["[1].voluntary"]);
}

async fn erasing_a_person_unlinks_their_events(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.mentee(1, json!({})).await;
    let (status, _) = app
        .post_json(
            "/api/v1/employment-events",
            &json!([
                {"person_id": ana, "event": "hired", "occurred_on": "2024-01-08"},
                {"person_id": ana, "event": "left", "voluntary": true, "occurred_on": "2024-05-01"}
            ]),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(app.delete(&format!("/api/v1/mentees/{ana}")).await, 204);
    assert!(events_of(&app, &ana).await.is_empty());
    let (_, all) = app.get_json("/api/v1/employment-events").await;
    assert_eq!(
        all["items"],
        json!([]),
        "no event of an erased person is listed"
    );
    let stored = app
        .app
        .db
        .run_blocking(|conn| {
            use belong::store::schema::employment_events as e;
            use diesel::prelude::*;
            e::table
                .select((e::person_id, e::subject))
                .load::<(Option<String>, String)>(conn)
                .map_err(belong::store::StoreError::from)
        })
        .expect("events");
    assert_eq!(stored.len(), 2, "the dates stay for the retention figures");
    assert!(stored.iter().all(|(p, s)| p.is_none() && *s != ana));
    assert_eq!(
        stored[0].1, stored[1].1,
        "still one person's spell, of no one"
    );
    // And nobody can send more events about them.
    let (status, _) = app
        .post_json(
            "/api/v1/employment-events",
            &json!({"person_id": ana, "event": "hired", "occurred_on": "2025-01-06"}),
        )
        .await;
    assert_eq!(status, 422);
}

async fn listing_pages_and_filters(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.mentee(1, json!({})).await;
    let events: Vec<Value> = (1..=5)
        .map(|d| json!({"person_id": ana, "event": "transferred", "occurred_on": format!("2026-02-0{d}")}))
        .collect();
    let (status, _) = app
        .post_json("/api/v1/employment-events", &Value::Array(events))
        .await;
    assert_eq!(status, 201);
    let (status, first) = send(
        app.client
            .get(app.url("/api/v1/employment-events?limit=3"))
            .bearer_auth(&app.integration),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(3));
    let cursor = first["next_cursor"].as_str().expect("more");
    let (_, second) = app
        .get_json(&format!(
            "/api/v1/employment-events?limit=3&cursor={cursor}"
        ))
        .await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(2));
    assert!(second["next_cursor"].is_null());
    for bad in ["person_id=nope", "limit=0", "cursor=zzz", "event=hired"] {
        let (status, problem) = app
            .get_json(&format!("/api/v1/employment-events?{bad}"))
            .await;
        assert_eq!(status, 422, "{bad}: {problem}");
    }
}
