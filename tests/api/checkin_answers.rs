//! Check-ins going out and coming back: the scheduler sends each due check-in once by email
//! with a personal link; opening the link records nothing; the POST records the answers once;
//! links expire; reminders stop on a one-click opt-out; night shifts wait for their hours.

use std::time::Duration;

use belong::store::schema::{answers, checkin_links, checkins, emails, reminder_optouts};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{
    Backend, CheckinEmail, FAST_YEAR, TestApp, TestDb, browser_client, eventually, spawn_with,
};
use crate::on_both_backends;

on_both_backends!(
    a_full_year_of_a_pair,
    opening_a_link_changes_no_row,
    answers_are_checked_recorded_once_and_links_expire,
    reminders_stop_on_a_one_click_opt_out,
    night_shifts_wait_for_their_send_hours,
    erasure_forgets_links_and_words_but_keeps_the_numbers,
);

/// Waits until `n` check-in emails of `kind` are in the outbox.
async fn emails_of(app: &TestApp, kind: &str, n: usize) -> Vec<CheckinEmail> {
    eventually(
        Duration::from_secs(30),
        &format!("{n} {kind} emails"),
        || async {
            let found: Vec<CheckinEmail> = app
                .checkin_emails()
                .await
                .into_iter()
                .filter(|e| e.kind == kind)
                .collect();
            (found.len() >= n).then_some(found)
        },
    )
    .await
}

async fn checkins_of(app: &TestApp, match_id: &str) -> Vec<Value> {
    let (status, page) = app
        .get_json(&format!("/api/v1/checkins?match_id={match_id}&limit=200"))
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().expect("items").clone()
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = browser_client()
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let body = response.text().await.expect("body");
    (status, location.unwrap_or(body))
}

async fn get_page(app: &TestApp, path: &str) -> (u16, String) {
    let response = browser_client()
        .get(app.url(path))
        .send()
        .await
        .expect("get");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Every answer for a mentee's pulse check-in, or a mentor's (who is asked fewer questions).
fn full_answers(role: &str, step: &str) -> Vec<(&'static str, &'static str)> {
    let mut form = vec![("met", "yes"), ("times", "2"), ("fit", "4")];
    if role == "mentee" && step != "day14" {
        form.extend([("belonging", "4"), ("stay", "5"), ("burnout", "2")]);
    }
    form.push(("comment", "Our coffee before nights helps."));
    form
}

async fn a_full_year_of_a_pair(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(FAST_YEAR), &[]).await;
    let pair = app.approved_pair(1, json!({}), json!({})).await;

    // Six steps, both people: twelve emails, each with its own link, none twice.
    let sent = emails_of(&app, "checkin", 12).await;
    let mut ids: Vec<&str> = sent.iter().map(|e| e.checkin_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "one email per check-in");
    let rows = checkins_of(&app, &pair.match_id).await;
    for email in &sent {
        let row = rows
            .iter()
            .find(|r| r["id"] == email.checkin_id.as_str())
            .expect("row");
        let (role, step) = (
            row["role"].as_str().expect("role"),
            row["step"].as_str().expect("step"),
        );
        let expected_to = if role == "mentee" {
            "ana.souza.1@example.org"
        } else {
            "grace.okafor.1@example.org"
        };
        assert_eq!(email.to, expected_to);
        let (status, page) = get_page(&app, &email.link).await;
        assert_eq!(status, 200);
        assert!(page.contains("Who sees your answers"), "{page}");
        assert_eq!(
            page.contains("I feel I belong on my unit."),
            role == "mentee" && step != "day14",
            "belonging is asked of mentees in the pulse only ({role}, {step})"
        );
        let (status, location) = post_form(&app, &email.link, &full_answers(role, step)).await;
        assert_eq!(status, 303, "{location}");
        assert!(location.ends_with(&format!("{}/thanks", email.link)));
        let (status, thanks) = get_page(&app, &location).await;
        assert_eq!(status, 200);
        assert!(thanks.contains("Thank you, "), "{thanks}");
    }

    let rows = checkins_of(&app, &pair.match_id).await;
    assert_eq!(rows.len(), 12);
    for r in &rows {
        let time = |key: &str| {
            chrono::DateTime::parse_from_rfc3339(r[key].as_str().expect(key)).expect("time")
        };
        assert!(time("sent_at") >= time("due_at") && time("expires_at") > time("sent_at"));
        assert!(time("answered_at") >= time("sent_at"));
        assert_eq!(r["reminders_sent"], 0);
    }
    assert!(
        rows.iter()
            .all(|r| r["status"] == "answered" && r["answered_at"].is_string()),
        "{rows:?}"
    );
    let match_id = pair.match_id.clone();
    let stored: Vec<(String, String, Option<f64>)> = app
        .app
        .db
        .run(move |conn| {
            answers::table
                .filter(answers::match_id.eq(&match_id))
                .select((answers::step, answers::question, answers::number))
                .load(conn)
                .map_err(belong::store::StoreError::from)
        })
        .await
        .expect("answers");
    let belonging: Vec<f64> = stored
        .iter()
        .filter(|(_, q, _)| q == "belonging")
        .filter_map(|(_, _, n)| *n)
        .collect();
    assert_eq!(belonging, vec![4.0; 5], "five pulse steps for the mentee");
    // day14: 4 answers each (met, times, fit, comment); pulse: mentee 7, mentor 4.
    assert_eq!(stored.len(), 2 * 4 + 5 * (7 + 4));
    assert!(
        app.checkin_emails()
            .await
            .iter()
            .all(|e| e.kind == "checkin"),
        "nobody who answered is reminded"
    );
}

/// Everything a link could change, as a comparable value.
async fn everything(app: &TestApp) -> Value {
    app.app
        .db
        .run(|conn| -> Result<Value, belong::store::StoreError> {
            let rows: Vec<(String, String, Option<chrono::NaiveDateTime>, i32)> = checkins::table
                .order(checkins::seq.asc())
                .select((
                    checkins::id,
                    checkins::status,
                    checkins::answered_at,
                    checkins::reminders_sent,
                ))
                .load(conn)?;
            Ok(json!({
                "checkins": format!("{rows:?}"),
                "answers": answers::table.count().get_result::<i64>(conn)?,
                "links": checkin_links::table.count().get_result::<i64>(conn)?,
                "optouts": reminder_optouts::table.count().get_result::<i64>(conn)?,
                "emails": emails::table.count().get_result::<i64>(conn)?,
            }))
        })
        .await
        .expect("read")
}

const ONE_STEP: &str = r#"
[checkins]
steps = [{ key = "day14", after = "PT1S", audience = "both", survey = "pulse" }]
expire_after = "PT3S"
reminders = []
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 100
"#;

async fn opening_a_link_changes_no_row(backend: Backend) {
    let config = ONE_STEP.replace("PT3S", "PT1H");
    let app = spawn_with(TestDb::new(backend).with_config(&config), &[]).await;
    app.approved_pair(1, json!({}), json!({})).await;
    let sent = emails_of(&app, "checkin", 2).await;
    let before = everything(&app).await;

    // What a mail scanner, a link preview or a curious person does: open every link, with
    // and without a chosen answer, the thank-you page and the opt-out page, twice.
    for email in &sent {
        for path in [
            email.link.clone(),
            format!("{}?met=yes", email.link),
            format!("{}?belonging=5&fit=1", email.link),
            format!("{}?met=sure", email.link),
            format!("{}/thanks", email.link),
            format!("{}/unsubscribe", email.link),
        ] {
            for _ in 0..2 {
                let (status, _) = get_page(&app, &path).await;
                assert!(status == 200 || status == 303, "{path}: {status}");
                let head = browser_client()
                    .head(app.url(&path))
                    .send()
                    .await
                    .expect("head");
                assert!(head.status().as_u16() < 500);
            }
        }
    }
    // An answer in the link is only shown as chosen.
    let (_, page) = get_page(&app, &format!("{}?met=yes", sent[0].link)).await;
    assert!(
        page.contains(r#"value="yes" id="met-yes" checked"#),
        "{page}"
    );
    let (_, page) = get_page(&app, &format!("{}?met=sure", sent[0].link)).await;
    assert!(!page.contains("checked"), "an unknown answer is not chosen");

    assert_eq!(everything(&app).await, before, "no GET changed anything");
}

async fn answers_are_checked_recorded_once_and_links_expire(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(ONE_STEP), &[]).await;
    let pair = app.approved_pair(1, json!({}), json!({})).await;
    let sent = emails_of(&app, "checkin", 2).await;
    let rows = checkins_of(&app, &pair.match_id).await;
    let mentee_link = sent
        .iter()
        .find(|e| {
            rows.iter()
                .any(|r| r["id"] == e.checkin_id.as_str() && r["role"] == "mentee")
        })
        .expect("the mentee's email")
        .link
        .clone();

    // Invalid: the form again with a message beside each field, nothing recorded.
    let (status, page) = post_form(
        &app,
        &mentee_link,
        &[("belonging", "9"), ("met", "no"), ("times", "3")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("Please choose one of the answers from 1 to 5."));
    assert!(page.contains("You answered that you have not met"));
    assert!(page.contains(r#"id="met-no" checked"#), "input kept");
    assert!(
        page.contains(r##"<a href="#q-fit">"##),
        "summary links to the field"
    );
    let (status, _) = post_form(&app, &mentee_link, &[("belonging", "four")]).await;
    assert_eq!(status, 422);
    assert_eq!(everything(&app).await["answers"], 0);

    // Valid: recorded once; a second POST is refused and changes nothing.
    let form = full_answers("mentee", "month1");
    let (status, _) = post_form(&app, &mentee_link, &form).await;
    assert_eq!(status, 303);
    let recorded = everything(&app).await;
    assert_eq!(recorded["answers"], 7);
    let (status, page) = post_form(&app, &mentee_link, &form).await;
    assert_eq!(status, 409);
    assert!(page.contains("We already have your answers"));
    assert_eq!(everything(&app).await, recorded);

    // Unknown links.
    for path in ["/c/not-a-real-token", "/c/x"] {
        assert_eq!(get_page(&app, path).await.0, 404);
        assert_eq!(post_form(&app, path, &form).await.0, 404);
    }
    let too_long = format!("/c/{}", "a".repeat(300));
    assert_eq!(get_page(&app, &too_long).await.0, 404);
    let (status, _) = browser_client()
        .post(app.url(&mentee_link))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'=', 0x00])
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .expect("post");
    assert!(status == 400 || status == 409, "{status}");

    // After three seconds the mentor's unanswered link has expired: 410, and the list says so.
    let mentor_link = sent
        .iter()
        .map(|e| e.link.clone())
        .find(|l| *l != mentee_link)
        .expect("mentor's link");
    let expired = eventually(Duration::from_secs(20), "expiry", || async {
        let rows = checkins_of(&app, &pair.match_id).await;
        rows.iter()
            .any(|r| r["role"] == "mentor" && r["status"] == "expired")
            .then_some(rows)
    })
    .await;
    assert!(
        expired
            .iter()
            .any(|r| r["role"] == "mentee" && r["status"] == "answered")
    );
    assert_eq!(get_page(&app, &mentor_link).await.0, 410);
    assert_eq!(
        post_form(&app, &mentor_link, &full_answers("mentor", "month1"))
            .await
            .0,
        410
    );
    // Once expired, the answered link no longer greets its owner by name: anyone holding an
    // old email sees only that the check-in has closed.
    let (status, page) = get_page(&app, &mentee_link).await;
    assert_eq!(status, 410);
    assert!(page.contains("This check-in has closed"), "{page}");
    assert!(!page.contains("Ana"), "{page}");
}

async fn reminders_stop_on_a_one_click_opt_out(backend: Backend) {
    let config = ONE_STEP
        .replace(r#"reminders = []"#, r#"reminders = ["PT2S", "PT4S"]"#)
        .replace("PT3S", "PT30S");
    let app = spawn_with(TestDb::new(backend).with_config(&config), &[]).await;
    let pair = app.approved_pair(1, json!({}), json!({})).await;
    let sent = emails_of(&app, "checkin", 2).await;
    let rows = checkins_of(&app, &pair.match_id).await;
    let role_of = |e: &CheckinEmail| {
        rows.iter()
            .find(|r| r["id"] == e.checkin_id.as_str())
            .and_then(|r| r["role"].as_str())
            .expect("role")
            .to_string()
    };
    let mentee = sent
        .iter()
        .find(|e| role_of(e) == "mentee")
        .expect("mentee email");
    // Each email names its one-click opt-out address (RFC 8058).
    for e in &sent {
        assert_eq!(
            e.list_unsubscribe.as_deref(),
            Some(format!("http://localhost:8080{}/unsubscribe", e.link).as_str())
        );
    }

    // The mentee's mail client unsubscribes in one POST, before the first reminder.
    let response = reqwest::Client::new()
        .post(app.url(&format!("{}/unsubscribe", mentee.link)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 200);

    // The mentor gets both reminders, each with a new link that works; the mentee none.
    let reminders = emails_of(&app, "checkin_reminder", 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let reminders_now: Vec<CheckinEmail> = app
        .checkin_emails()
        .await
        .into_iter()
        .filter(|e| e.kind == "checkin_reminder")
        .collect();
    assert_eq!(reminders_now.len(), 2, "{reminders_now:?}");
    assert!(reminders.iter().all(|r| role_of(r) == "mentor"));
    assert_ne!(reminders[0].link, reminders[1].link);
    let (status, _) = post_form(&app, &reminders[1].link, &full_answers("mentor", "x")).await;
    assert_eq!(status, 303, "a reminder's link answers the same check-in");
    let rows = checkins_of(&app, &pair.match_id).await;
    assert!(
        rows.iter()
            .any(|r| r["role"] == "mentor" && r["status"] == "answered")
    );
    // The first link now shows the thanks, not the form.
    let first_mentor = sent.iter().find(|e| role_of(e) == "mentor").expect("email");
    let (status, page) = get_page(&app, &first_mentor.link).await;
    assert_eq!(status, 200);
    assert!(page.contains("We already have your answers"));
}

async fn night_shifts_wait_for_their_send_hours(backend: Backend) {
    use chrono::{Timelike, Utc};
    // The night window opens three hours from now (UTC); days may be emailed at any time.
    let now = Utc::now();
    let opens = (now.hour() + 3) % 24;
    let config = ONE_STEP.replace("PT3S", "P14D").replace(
        r#"night = "00:00-24:00""#,
        &format!(r#"night = "{opens:02}:00-{:02}:00""#, (opens + 1) % 24),
    ) + "timezone = \"UTC\"\n";
    let app = spawn_with(TestDb::new(backend).with_config(&config), &[]).await;
    let pair = app
        .approved_pair(1, json!({"shift": "night"}), json!({"shift": "day"}))
        .await;
    let sent = emails_of(&app, "checkin", 1).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(app.checkin_emails().await.len(), 1, "only the day mentor");
    assert_eq!(sent[0].to, "grace.okafor.1@example.org");
    let rows = checkins_of(&app, &pair.match_id).await;
    let mentee = rows
        .iter()
        .find(|r| r["role"] == "mentee")
        .expect("mentee row");
    assert_eq!(mentee["status"], "scheduled");
    let due = chrono::DateTime::parse_from_rfc3339(mentee["due_at"].as_str().expect("due"))
        .expect("time")
        .with_timezone(&Utc);
    assert_eq!((due.hour(), due.minute()), (opens, 0), "{due}");
    assert!(due > now && due - now <= chrono::Duration::hours(3));
}

async fn erasure_forgets_links_and_words_but_keeps_the_numbers(backend: Backend) {
    let config = ONE_STEP.replace("PT3S", "PT1H");
    let app = spawn_with(TestDb::new(backend).with_config(&config), &[]).await;
    let pair = app.approved_pair(1, json!({}), json!({})).await;
    let sent = emails_of(&app, "checkin", 2).await;
    let rows = checkins_of(&app, &pair.match_id).await;
    let mentee_link = sent
        .iter()
        .find(|e| {
            rows.iter()
                .any(|r| r["id"] == e.checkin_id.as_str() && r["role"] == "mentee")
        })
        .expect("the mentee's email")
        .link
        .clone();
    let (status, _) = post_form(&app, &mentee_link, &full_answers("mentee", "month1")).await;
    assert_eq!(status, 303);

    assert_eq!(
        app.delete(&format!("/api/v1/mentees/{}", pair.mentee_id))
            .await,
        204
    );
    assert_eq!(
        get_page(&app, &mentee_link).await.0,
        404,
        "the link is forgotten"
    );
    let person = pair.mentee_id.clone();
    let (texts, numbers): (i64, i64) = app
        .app
        .db
        .run(
            move |conn| -> Result<(i64, i64), belong::store::StoreError> {
                let theirs = answers::table.filter(answers::person_id.eq(&person));
                Ok((
                    theirs
                        .filter(answers::text.is_not_null())
                        .count()
                        .get_result(conn)?,
                    answers::table
                        .filter(answers::person_id.eq(&person))
                        .filter(answers::number.is_not_null())
                        .count()
                        .get_result(conn)?,
                ))
            },
        )
        .await
        .expect("count");
    assert_eq!(texts, 0, "their words are gone");
    assert_eq!(numbers, 6, "their numbers stay, for the programme's totals");
}
