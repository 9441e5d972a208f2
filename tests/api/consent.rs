//! What Belong tells whom: affinity groups named to a partner only with both people's
//! consent, a privacy notice linked from every public page and email, a sign-up form that
//! does not tell who has signed up, and erasure that leaves nothing to recognise a person by.

use std::path::Path;
use std::time::Duration;

use belong::store::StoreError;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use serde_json::{Value, json};

use crate::common::{
    Backend, FAST_YEAR, TestApp, TestDb, browser_client, csrf_token_in, delivered, eventually,
    spawn, spawn_with,
};
use crate::on_both_backends;

on_both_backends!(
    an_introduction_names_an_affinity_group_only_when_both_agreed,
    the_sign_up_form_asks_before_naming_an_affinity_group,
    the_privacy_notice_comes_from_configuration_and_is_linked_everywhere,
    signing_up_again_looks_like_signing_up_and_is_told_by_email,
    erasure_leaves_nothing_that_identifies_the_person,
);

/// Every stored email's subject and both bodies, with its kind and recipients.
async fn stored_emails(app: &TestApp) -> Vec<(String, String, String)> {
    use belong::store::schema::emails;
    type Row = (String, String, String, String, String, String);
    let rows: Vec<Row> = app
        .app
        .db
        .run(|conn| {
            emails::table
                .order(emails::seq.asc())
                .select((
                    emails::kind,
                    emails::recipients,
                    emails::subject,
                    emails::body_text,
                    emails::body_html,
                    emails::message_id,
                ))
                .load(conn)
                .map_err(StoreError::from)
        })
        .await
        .expect("read outbox");
    let outbox = app.db.dir().join("outbox");
    rows.into_iter()
        .map(|(kind, to, subject, text, html, message_id)| {
            // A sent email keeps no body: read it as it was delivered.
            let (text, html) = if text.is_empty() {
                delivered(&outbox, &message_id)
                    .map(|d| (d.text, d.html))
                    .unwrap_or_default()
            } else {
                (text, html)
            };
            (kind, to, format!("{subject}\n{text}\n{html}"))
        })
        .collect()
}

/// The whole introduction of a match: subject and both parts as stored, and the `.eml` file
/// once it is written.
async fn introduction(app: &TestApp, match_id: &str) -> String {
    use belong::store::schema::emails;
    let id = match_id.to_string();
    let (message_id, subject, text, html): (String, String, String, String) = app
        .app
        .db
        .run(move |conn| {
            emails::table
                .filter(emails::match_id.eq(&id))
                .filter(emails::kind.eq("introduction"))
                .select((
                    emails::message_id,
                    emails::subject,
                    emails::body_text,
                    emails::body_html,
                ))
                .first(conn)
                .map_err(StoreError::from)
        })
        .await
        .expect("the introduction is queued");
    let file = app
        .db
        .dir()
        .join("outbox")
        .join(format!("{}.eml", message_id.trim_matches(['<', '>'])));
    let eml = eventually(Duration::from_secs(20), "the .eml file", || async {
        std::fs::read_to_string(&file).ok()
    })
    .await;
    let decoded = delivered(&app.db.dir().join("outbox"), &message_id)
        .map(|d| format!("{}\n{}", d.text, d.html))
        .unwrap_or_default();
    format!("{subject}\n{text}\n{html}\n{eml}\n{decoded}")
}

fn affinity_labels(app: &TestApp) -> Vec<String> {
    app.app
        .settings
        .taxonomy
        .affinity_groups
        .entries()
        .iter()
        .map(|e| e.label.clone())
        .collect()
}

/// Fails naming the first affinity code or label found in `text`.
fn assert_no_affinity_word(app: &TestApp, text: &str, what: &str) {
    let lower = text.to_lowercase();
    for word in ["lgbtq", "disability", "disabled", "ethnic"]
        .into_iter()
        .map(String::from)
        .chain(affinity_labels(app))
    {
        assert!(
            !lower.contains(&word.to_lowercase()),
            "{what} names the affinity group {word:?}: {text}"
        );
    }
}

async fn an_introduction_names_an_affinity_group_only_when_both_agreed(backend: Backend) {
    let app = spawn(backend).await;
    let groups = json!(["lgbtq", "disability", "ethnic_minority"]);
    // Different sites, shifts and goals, so that the shared group is among the top reasons.
    let mentor_base = json!({"site": "south_campus", "shift": "day", "can_help_with": []});
    let mentee = json!({"affinity_groups": groups, "share_affinity_with_partner": true});
    let mentor = merge(
        &mentor_base,
        json!({"affinity_groups": groups}), // no consent: the default
    );
    let pair = app.approved_pair(1, mentee.clone(), mentor).await;
    let (_, read) = app
        .get_json(&format!("/api/v1/mentors/{}", pair.mentor_id))
        .await;
    assert_eq!(read["share_affinity_with_partner"], false, "{read}");
    let (_, read) = app
        .get_json(&format!("/api/v1/mentees/{}", pair.mentee_id))
        .await;
    assert_eq!(read["share_affinity_with_partner"], true, "{read}");

    let email = introduction(&app, &pair.match_id).await;
    assert!(email.contains("Why we paired you"), "{email}");
    assert_no_affinity_word(&app, &email, "an introduction with one consent");
    // Coordinators and integrations see that a shared group counted, not which one.
    let (_, m) = app
        .get_json(&format!("/api/v1/matches/{}", pair.match_id))
        .await;
    let text = m.to_string();
    assert!(text.contains("A shared affinity group"), "{text}");
    assert_no_affinity_word(&app, &text, "the match's explanation");

    // Consent can be given later, with PATCH; only true or false is accepted.
    let (status, body) = app
        .patch_json(
            &format!("/api/v1/mentors/{}", pair.mentor_id),
            &json!({"share_affinity_with_partner": "yes"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("share_affinity_with_partner"));

    // Both agreed: the introduction names the groups they share, and only those.
    let mentee = merge(&mentee, json!({"affinity_groups": ["lgbtq", "veteran"]}));
    let mentor = merge(
        &mentor_base,
        json!({"affinity_groups": ["lgbtq", "parent"], "share_affinity_with_partner": true}),
    );
    let pair = app.approved_pair(2, mentee, mentor).await;
    let email = introduction(&app, &pair.match_id).await;
    assert!(email.contains("Both chose to share: LGBTQ+"), "{email}");
    assert!(!email.contains("Veteran") && !email.contains("Parent or carer"));
    let (_, m) = app
        .get_json(&format!("/api/v1/matches/{}", pair.match_id))
        .await;
    assert_no_affinity_word(&app, &m.to_string(), "the match's explanation");
    let (_, candidates) = app
        .get_json(&format!(
            "/api/v1/mentees/{}/candidates?limit=0",
            pair.mentee_id
        ))
        .await;
    assert_no_affinity_word(&app, &candidates.to_string(), "the candidates");
}

fn merge(base: &Value, extra: Value) -> Value {
    crate::common::merge(base.clone(), extra)
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.expect("request");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("html")
}

async fn open(client: &reqwest::Client, app: &TestApp, path: &str) -> (String, String) {
    let html = page(client, app, path).await;
    (csrf_token_in(&html), html)
}

fn form(token: &str, email: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    [
        ("csrf_token", token),
        ("full_name", "Ana Souza"),
        ("email", email),
        ("profession", "registered_nurse"),
        ("specialty", "emergency"),
        ("site", "north_campus"),
        ("shift", "night"),
        ("affinity_groups", "lgbtq"),
    ]
    .iter()
    .chain(extra)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(String, String)],
) -> (u16, Option<String>, String) {
    let response = client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    (status, location, response.text().await.unwrap_or_default())
}

const CONSENT_BOX: &str =
    "name=\"share_affinity_with_partner\" value=\"yes\" id=\"field-share_affinity_with_partner\"";

async fn the_sign_up_form_asks_before_naming_an_affinity_group(backend: Backend) {
    let app = spawn(backend).await;
    let client = browser_client();
    let (token, html) = open(&client, &app, "/signup/mentee").await;
    assert!(
        html.contains("You may mention these to my mentor"),
        "{html}"
    );
    assert!(
        html.contains(&format!("{CONSENT_BOX} aria-describedby")),
        "unticked: {html}"
    );
    assert!(!html.contains(&format!("{CONSENT_BOX} checked")));
    // The consent sits next to the affinity question, after it.
    let question = html.find("name=\"affinity_groups\"").expect("question");
    let consent = html.find(CONSENT_BOX).expect("consent");
    let manager = html.find("name=\"manager_email\"").expect("manager");
    assert!(question < consent && consent < manager);
    assert!(html.contains("see only that a shared group counted, not which one"));

    // Kept when the form comes back with errors.
    let mut invalid = form(
        &token,
        "not-an-email",
        &[("share_affinity_with_partner", "yes")],
    );
    invalid.push(("start_date".into(), "2026-02-30".into()));
    let (status, _, page) = post(&client, &app, "/signup/mentee", &invalid).await;
    assert_eq!(status, 422);
    assert!(page.contains(&format!("{CONSENT_BOX} checked")), "{page}");

    // Stored as given: off unless ticked.
    let (status, _, _) = post(
        &client,
        &app,
        "/signup/mentee",
        &form(&token, "off@example.org", &[]),
    )
    .await;
    assert_eq!(status, 303);
    let ticked = form(
        &token,
        "on@example.org",
        &[("share_affinity_with_partner", "yes")],
    );
    let (status, _, _) = post(&client, &app, "/signup/mentee", &ticked).await;
    assert_eq!(status, 303);
    let (_, list) = app.get_json("/api/v1/mentees").await;
    let consent: Vec<(String, Value)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap_or_default().to_string(),
                m["share_affinity_with_partner"].clone(),
            )
        })
        .collect();
    assert_eq!(
        consent,
        vec![
            ("off@example.org".to_string(), json!(false)),
            ("on@example.org".to_string(), json!(true))
        ]
    );

    let (_, html) = open(&client, &app, "/signup/mentor").await;
    assert!(html.contains("You may mention these to my mentee"));
    assert!(!html.contains(&format!("{CONSENT_BOX} checked")));
}

const NOTICE: &str = "\
Notice for the {program}, from a file.

## Who sees what
- Coordinators see <script>alert(1)</script> nothing more.
- Ask {contact} to erase.
";

async fn the_privacy_notice_comes_from_configuration_and_is_linked_everywhere(backend: Backend) {
    let db = TestDb::new(backend).with_config(FAST_YEAR);
    let file = db.dir().join("privacy.txt");
    std::fs::write(&file, NOTICE).expect("notice file");
    let file = file.display().to_string();
    let app = spawn_with(db, &[("BELONG__PRIVACY__NOTICE_FILE", &file)]).await;
    let client = browser_client();

    let response = client
        .get(app.url("/privacy"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-security-policy").is_some());
    let html = response.text().await.expect("html");
    assert!(html.contains("<h1>Privacy notice</h1>"), "{html}");
    let program = &app.app.settings.email.program_name;
    assert!(
        html.contains(&format!("<p>Notice for the {program}, from a file.</p>")),
        "{html}"
    );
    assert!(html.contains("<h2>Who sees what</h2>"), "{html}");
    assert!(
        html.contains(
            "<li>Coordinators see &#60;script&#62;alert(1)&#60;/script&#62; nothing more.</li>"
        ),
        "escaped: {html}"
    );
    assert!(!html.contains("<script>"));
    assert!(!html.contains("{program}") && !html.contains("{contact}"));

    // Every public page links to it.
    let pair = app.approved_pair(1, json!({}), json!({})).await;
    let link = app.checkin_link(&pair.match_id, "mentee", "day14").await;
    for path in [
        "/".to_string(),
        "/signup/mentee".into(),
        "/signup/mentor".into(),
        "/signup/thanks?as=mentee".into(),
        "/signup/thanks?as=mentor".into(),
        "/coordinator/login".into(),
        "/privacy".into(),
        link.clone(),
        format!("{link}/unsubscribe"),
    ] {
        let html = page(&client, &app, &path).await;
        assert!(
            html.contains("<a href=\"/privacy\">"),
            "{path} links the notice: {html}"
        );
    }
    // ... also the pages that answer a problem.
    let response = client
        .get(app.url("/c/not-a-token"))
        .send()
        .await
        .expect("request");
    let html = response.text().await.expect("html");
    assert!(html.contains("<a href=\"/privacy\">"), "{html}");

    // Every email's footer links to it: the introduction, check-ins, and "already signed up".
    let (token, _) = open(&client, &app, "/signup/mentee").await;
    let again = form(&token, "ana.souza.1@example.org", &[]);
    assert_eq!(post(&client, &app, "/signup/mentee", &again).await.0, 303);
    let emails = stored_emails(&app).await;
    let kinds: std::collections::BTreeSet<&str> = emails.iter().map(|e| e.0.as_str()).collect();
    for kind in ["introduction", "checkin", "signed_up_again"] {
        assert!(kinds.contains(kind), "{kinds:?}");
    }
    for (kind, _, body) in &emails {
        assert_eq!(
            body.matches("http://localhost:8080/privacy").count(),
            2,
            "the {kind} email links the notice in both parts: {body}"
        );
    }
}

async fn signing_up_again_looks_like_signing_up_and_is_told_by_email(backend: Backend) {
    let app = spawn(backend).await;
    let client = browser_client();
    let (token, _) = open(&client, &app, "/signup/mentee").await;
    let first = post(
        &client,
        &app,
        "/signup/mentee",
        &form(&token, "ana@example.org", &[]),
    )
    .await;
    assert_eq!(first.0, 303);
    assert_eq!(first.1.as_deref(), Some("/signup/thanks?as=mentee"));
    // Someone else types the same address, in other letters and with another name.
    let mut other = form(&token, "Ana@Example.org", &[]);
    other.retain(|(k, _)| k != "full_name");
    other.push(("full_name".into(), "Somebody Else".into()));
    let again = post(&client, &app, "/signup/mentee", &other).await;
    assert_eq!(again, first, "the same answer as a new sign-up");
    let (_, list) = app.get_json("/api/v1/mentees").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        list["items"][0]["full_name"], "Ana Souza",
        "nothing changed"
    );

    let told: Vec<(String, String, String)> = stored_emails(&app)
        .await
        .into_iter()
        .filter(|e| e.0 == "signed_up_again")
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    let to: Value = serde_json::from_str(&told[0].1).expect("recipients");
    assert_eq!(to[0]["email"], "ana@example.org");
    let body = &told[0].2;
    assert!(body.contains("You are already signed up"), "{body}");
    assert!(body.contains("nothing has changed"), "{body}");
    let contact = app.app.settings.email.reply_to.email.to_string();
    assert!(
        body.contains(&contact),
        "how to reach the coordinators: {body}"
    );
    assert!(
        !body.contains("Somebody Else"),
        "nothing the other person typed: {body}"
    );

    // Once a day at most, whatever is typed again.
    let again = post(&client, &app, "/signup/mentee", &other).await;
    assert_eq!(again, first);
    let count = stored_emails(&app)
        .await
        .iter()
        .filter(|e| e.0 == "signed_up_again")
        .count();
    assert_eq!(count, 1);

    // The API is for coordinators and integrations: it keeps its 409.
    let (status, body) = app
        .post_json(
            "/api/v1/mentees",
            &crate::common::merge(
                crate::common::mentee_body(1),
                json!({"email": "ana@example.org"}),
            ),
        )
        .await;
    assert_eq!(status, 409, "{body}");
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Cell {
    #[diesel(sql_type = Nullable<Text>)]
    v: Option<String>,
}

/// Every value of every column of every table, as text: `(table.column, value)`.
async fn every_value(app: &TestApp) -> Vec<(String, String)> {
    let backend = app.db.backend;
    app.app
        .db
        .run(move |conn| {
            let tables: Vec<Name> = diesel::sql_query(match backend {
                Backend::Sqlite => {
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                }
                Backend::Postgres => {
                    "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
                     WHERE table_schema = 'public' ORDER BY table_name"
                }
            })
            .load(conn)?;
            let mut out = Vec::new();
            for table in tables {
                let columns: Vec<Name> = diesel::sql_query(match backend {
                    Backend::Sqlite => {
                        format!("SELECT name FROM pragma_table_info('{}')", table.name)
                    }
                    Backend::Postgres => format!(
                        "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
                         WHERE table_schema = 'public' AND table_name = '{}'",
                        table.name
                    ),
                })
                .load(conn)?;
                for column in columns {
                    let cells: Vec<Cell> = diesel::sql_query(format!(
                        "SELECT CAST(\"{}\" AS TEXT) AS v FROM \"{}\"",
                        column.name, table.name
                    ))
                    .load(conn)?;
                    out.extend(cells.into_iter().filter_map(|c| {
                        c.v.map(|v| (format!("{}.{}", table.name, column.name), v))
                    }));
                }
            }
            Ok::<_, StoreError>(out)
        })
        .await
        .expect("read every table")
}

/// Fails naming where any of `values` is still stored: in a table, or in a file of the
/// outbox folder.
async fn assert_forgotten(app: &TestApp, values: &[&str]) {
    let stored = every_value(app).await;
    assert!(stored.len() > 50, "read the tables: {}", stored.len());
    for value in values {
        let value = value.to_lowercase();
        for (place, text) in &stored {
            assert!(
                !text.to_lowercase().contains(&value),
                "{value:?} is still in {place}: {text}"
            );
        }
        for file in outbox_files(&app.db.dir().join("outbox")) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                !text.to_lowercase().contains(&value),
                "{value:?} is still in {}",
                file.display()
            );
        }
    }
}

fn outbox_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

async fn erasure_leaves_nothing_that_identifies_the_person(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(FAST_YEAR), &[]).await;
    let mentee = json!({
        "full_name": "Quillon Varga",
        "email": "quillon.varga@example.org",
        "manager_email": "boss.of.quillon@example.org",
        "notes": "Quince jam before night shifts",
        "interests": ["zither playing", "quokka watching"],
        "start_date": "2026-03-17",
    });
    let mentor = json!({
        "full_name": "Ottoline Brack",
        "email": "ottoline.brack@example.org",
        "manager_email": "boss.of.ottoline@example.org",
        "notes": "Marmalade after day shifts",
        "interests": ["zither playing"],
        "certifications": ["XCERT-991"],
    });
    let pair = app.approved_pair(1, mentee, mentor).await;
    // Emails to them: the introduction, check-ins (with their opt-out links), "already signed
    // up" from the form, and a relay's refusal quoting the address.
    app.checkin_link(&pair.match_id, "mentee", "day14").await;
    app.checkin_link(&pair.match_id, "mentor", "day14").await;
    let client = browser_client();
    let (token, _) = open(&client, &app, "/signup/mentee").await;
    let again = form(&token, "quillon.varga@example.org", &[]);
    assert_eq!(post(&client, &app, "/signup/mentee", &again).await.0, 303);
    {
        use belong::store::schema::emails;
        app.app
            .db
            .run(|conn| {
                diesel::update(emails::table.filter(emails::kind.eq("checkin")))
                    .set(emails::last_error.eq(Some(
                        "550 5.1.1 <quillon.varga@example.org>: Quillon Varga unknown",
                    )))
                    .execute(conn)
                    .map_err(StoreError::from)
            })
            .await
            .expect("a refusal");
    }
    // Everything is written before the erasure.
    let outbox = app.db.dir().join("outbox");
    eventually(Duration::from_secs(60), "every check-in sent", || async {
        let emails = stored_emails(&app).await;
        let checkins = emails.iter().filter(|e| e.0 == "checkin").count();
        let (_, page) = app.get_json("/api/v1/emails?limit=100").await;
        (checkins == 12 && page["counts"]["queued"] == 0).then_some(())
    })
    .await;
    let stored = every_value(&app).await;
    for value in [
        "Quillon Varga",
        "2026-03-17",
        "zither playing",
        "XCERT-991",
        "boss.of.quillon",
    ] {
        assert!(
            stored.iter().any(|(_, v)| v.contains(value)),
            "{value} is stored before the erasure"
        );
    }
    assert!(
        outbox_files(&outbox).len() >= 4,
        "{:?}",
        outbox_files(&outbox)
    );

    assert_eq!(
        app.delete(&format!("/api/v1/mentees/{}", pair.mentee_id))
            .await,
        204
    );
    assert_forgotten(
        &app,
        &[
            "Quillon",
            "quillon.varga@example.org",
            "boss.of.quillon@example.org",
            "Quince jam",
            "quokka",
            "2026-03-17",
        ],
    )
    .await;
    // What stays is what outcomes count by.
    let (site, shift, profession, specialty): (String, String, String, String) = {
        use belong::store::schema::profiles;
        let id = pair.mentee_id.clone();
        app.app
            .db
            .run(move |conn| {
                profiles::table
                    .filter(profiles::id.eq(&id))
                    .select((
                        profiles::site,
                        profiles::shift,
                        profiles::profession,
                        profiles::specialty,
                    ))
                    .first(conn)
                    .map_err(StoreError::from)
            })
            .await
            .expect("the anonymous row")
    };
    assert_eq!(
        (
            site.as_str(),
            shift.as_str(),
            profession.as_str(),
            specialty.as_str()
        ),
        ("north_campus", "night", "registered_nurse", "emergency")
    );

    assert_eq!(
        app.delete(&format!("/api/v1/mentors/{}", pair.mentor_id))
            .await,
        204
    );
    assert_forgotten(
        &app,
        &[
            "Ottoline",
            "ottoline.brack@example.org",
            "boss.of.ottoline@example.org",
            "Marmalade",
            "zither",
            "XCERT-991",
        ],
    )
    .await;
}
