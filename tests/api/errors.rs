//! Every error is problem+json with the right status, however malformed the request, and
//! nothing malformed changes stored data.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, TestDb, mentee_body, spawn, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    error_table,
    malformed_input_never_breaks_anything,
    body_limit_is_configurable
);

/// Sends a raw request and checks the answer is problem+json with `status`.
async fn expect_problem(request: reqwest::RequestBuilder, status: u16) -> Value {
    let response = request.send().await.expect("request");
    assert_eq!(response.status().as_u16(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let problem: Value = response.json().await.expect("problem json");
    assert_eq!(problem["status"], status);
    for key in ["type", "title", "detail"] {
        assert!(
            problem[key].as_str().is_some_and(|s| !s.is_empty()),
            "{key} in {problem}"
        );
    }
    assert!(problem["errors"].is_array());
    problem
}

async fn error_table(backend: Backend) {
    let app = spawn(backend).await;
    let mentees = app.url("/api/v1/mentees");
    let c = &app.client;

    // 400: malformed JSON, empty body, malformed query.
    expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .header("content-type", "application/json")
            .body("{\"full_name\": "),
        400,
    )
    .await;
    expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .header("content-type", "application/json")
            .body(""),
        400,
    )
    .await;
    expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .header("content-type", "application/json")
            .body(vec![0xff, 0xfe, b'{']),
        400,
    )
    .await;

    // 401: no token, a wrong token, another scheme.
    let problem = expect_problem(c.get(&mentees), 401).await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Bearer"))
    );
    expect_problem(c.get(&mentees).bearer_auth("belong_not-a-real-token"), 401).await;
    expect_problem(c.get(&mentees).bearer_auth("nonsense"), 401).await;
    expect_problem(c.get(&mentees).basic_auth("user", Some("pass")), 401).await;
    expect_problem(c.post(&mentees).json(&mentee_body(1)), 401).await;

    // 404: unknown id, id that is not a UUID, unknown route.
    expect_problem(
        app.req(
            Method::GET,
            "/api/v1/mentees/0193a0c4-0000-7000-8000-000000000000",
        ),
        404,
    )
    .await;
    expect_problem(app.req(Method::GET, "/api/v1/mentees/not-a-uuid"), 404).await;
    expect_problem(app.req(Method::GET, "/api/v1/mentors/%00%ff"), 404).await;
    expect_problem(app.req(Method::GET, "/api/v1/nothing-here"), 404).await;
    expect_problem(c.get(app.url("/no/such/page")), 404).await;
    expect_problem(app.req(Method::GET, "/api/v1/mentees/"), 404).await;

    // 405 with Allow.
    let response = c.put(&mentees).send().await.expect("request");
    assert_eq!(response.status(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET, POST")
    );
    expect_problem(c.delete(&mentees), 405).await;
    expect_problem(
        c.post(app.url("/api/v1/mentees/0193a0c4-0000-7000-8000-000000000000")),
        405,
    )
    .await;
    expect_problem(c.post(app.url("/health")), 405).await;

    // 409 comes with its field.
    app.mentee(1, json!({})).await;
    let problem = expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .json(&mentee_body(1)),
        409,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "email");

    // 413 over the default 1 MiB, whether declared or streamed.
    let big = format!("{{\"notes\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .header("content-type", "application/json")
            .body(big.clone()),
        413,
    )
    .await;
    let chunks: Vec<Result<String, std::io::Error>> = big
        .as_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
        .collect();
    expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .header("content-type", "application/json")
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                chunks,
            ))),
        413,
    )
    .await;

    // 415 for anything but JSON.
    expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .header("content-type", "text/plain")
            .body("{}"),
        415,
    )
    .await;
    expect_problem(
        app.req(Method::POST, "/api/v1/mentees")
            .form(&[("full_name", "Ana")]),
        415,
    )
    .await;
    expect_problem(
        app.req(
            Method::PATCH,
            "/api/v1/mentees/0193a0c4-0000-7000-8000-000000000000",
        )
        .body("{}"),
        415,
    )
    .await;

    // 422 for valid JSON of the wrong shape and for bad query parameters.
    for body in ["[]", "42", "\"text\"", "null"] {
        expect_problem(
            app.req(Method::POST, "/api/v1/mentees")
                .header("content-type", "application/json")
                .body(body),
            422,
        )
        .await;
    }
    for query in [
        "limit=0",
        "limit=201",
        "limit=abc",
        "status=pending",
        "cursor=%%%",
        "cursor=djE6LTU",
        "colour=blue",
    ] {
        expect_problem(
            app.req(Method::GET, &format!("/api/v1/mentees?{query}")),
            422,
        )
        .await;
    }
}

/// A burst of hostile requests: every answer is a 4xx, never a 5xx, and stored data stays.
async fn malformed_input_never_breaks_anything(backend: Backend) {
    let app = spawn(backend).await;
    let id = app.mentee(1, json!({})).await;
    let path = format!("/api/v1/mentees/{id}");
    let (_, before) = app.get_json(&path).await;
    let bodies: Vec<String> = vec![
        "{".into(),
        "{}}".into(),
        "{\"full_name\": \"\\ud800\"}".into(),
        "{\"full_name\": [1, {\"a\": null}]}".into(),
        "{\"languages\": [null]}".into(),
        "{\"capacity\": 1e400}".into(),
        "{\"years_experience\": 9223372036854775808}".into(),
        format!("{{\"notes\": {}}}", "[".repeat(10_000)),
        "{\"email\": \"a@b.c\", \"email\": \"dup@example.org\", \"shift\": \"x\"}".into(),
        "{\"full_name\": \"\u{0000}\"}".into(),
        "{\"start_date\": \"9999-99-99\"}".into(),
        "{\"status\": {\"$ne\": 1}}".into(),
        "{\"full_name\": \"Robert'); DROP TABLE profiles;--\", \"shift\": \"nope\"}".into(),
    ];
    for body in &bodies {
        for target in [path.as_str(), "/api/v1/mentees", "/api/v1/mentors"] {
            let method = if target == path {
                Method::PATCH
            } else {
                Method::POST
            };
            let response = app
                .req(method, target)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            assert!((400..500).contains(&status), "{body} → {status}");
        }
    }
    for path_part in [
        "%2e%2e%2f",
        "..%2f..%2fetc%2fpasswd",
        "' OR 1=1 --",
        "😀",
        &"a".repeat(5000),
    ] {
        let response = app
            .req(Method::GET, &format!("/api/v1/mentees/{path_part}"))
            .send()
            .await
            .expect("request");
        assert!(
            response.status().is_client_error(),
            "{path_part} → {}",
            response.status()
        );
    }
    let (status, after) = app.get_json(&path).await;
    assert_eq!(status, 200);
    assert_eq!(after, before);
    let (_, list) = app.get_json("/api/v1/mentees").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

async fn body_limit_is_configurable(backend: Backend) {
    let app: TestApp = spawn_with(
        TestDb::new(backend),
        &[("BELONG__SERVER__MAX_BODY_BYTES", "2048")],
    )
    .await;
    let mut body = mentee_body(1);
    body["notes"] = json!("n".repeat(1900));
    let (status, problem) = app.post_json("/api/v1/mentees", &body).await;
    assert_eq!(status, 413, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("2048"))
    );
    body["notes"] = json!("short");
    assert_eq!(app.post_json("/api/v1/mentees", &body).await.0, 201);
}

/// A problem names its request, as the `X-Request-Id` header does, so an integrator's report
/// leads to the service's log line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_problem_names_its_request() {
    let app = spawn(Backend::Sqlite).await;
    for (request, status) in [
        (app.req(Method::GET, "/api/v1/mentees/not-a-uuid"), 404),
        (app.client.get(app.url("/api/v1/mentees")), 401),
        (app.client.get(app.url("/api/v1/nothing-here")), 404),
        (
            app.req(Method::POST, "/api/v1/mentees")
                .header("content-type", "application/json")
                .body("{"),
            400,
        ),
    ] {
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), status);
        let header = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("X-Request-Id")
            .to_string();
        let problem: Value = response.json().await.expect("problem json");
        assert_eq!(problem["request_id"], header.as_str(), "{problem}");
    }
}
