//! The coordinators' daily digest: counts only, once a day, exactly once however many
//! processes tick at the same moment.

use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;

use crate::common::{Backend, TestApp, delivered, settings};
use crate::health::{answer, approved_pair, spawn_fast};
use crate::on_both_backends;
use belong::store::schema::emails;

on_both_backends!(the_digest_goes_out_once_a_day_to_every_coordinator);

const EXTRA: &[(&str, &str)] = &[
    ("BELONG__HEALTH__DIGEST_AT", "00:00"),
    ("BELONG__CHECKINS__TIMEZONE", "UTC"),
];

/// Every digest queued so far: (recipients, subject, text, html), the bodies read from the
/// delivered file once sent (a sent row keeps no body).
fn digests(app: &TestApp) -> Vec<(String, String, String, String)> {
    let rows: Vec<(String, String, String, String, String)> = app
        .app
        .db
        .run_blocking(|conn| {
            emails::table
                .filter(emails::kind.eq("health_digest"))
                .order(emails::seq.asc())
                .select((
                    emails::recipients,
                    emails::subject,
                    emails::body_text,
                    emails::body_html,
                    emails::message_id,
                ))
                .load(conn)
                .map_err(belong::store::StoreError::from)
        })
        .expect("digests");
    rows.into_iter()
        .map(|(recipients, subject, text, html, message_id)| {
            if text.is_empty() {
                let sent = delivered(&app.db.dir().join("outbox"), &message_id)
                    .expect("a sent digest was delivered");
                (recipients, subject, sent.text, sent.html)
            } else {
                (recipients, subject, text, html)
            }
        })
        .collect()
}

/// Another `belong serve` on the same database with the digest due at midnight (UTC), as far
/// as the digest is concerned: the test ticks it at moments of its choosing. (The service the
/// test talks to sends none, so that only these ticks decide.)
async fn another_process(app: &TestApp) -> belong::app::App {
    let settings = settings(&app.db, EXTRA);
    tokio::task::spawn_blocking(move || belong::startup::open(settings))
        .await
        .expect("join")
        .expect("opens")
        .0
}

async fn the_digest_goes_out_once_a_day_to_every_coordinator(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    for (email, name) in [
        ("grace@example.org", "Grace Okafor"),
        ("lin@example.org", "Lin O'Brien <b>"),
    ] {
        belong::app::coordinators::create(&app.app.db, email, name, "tea before the night shift")
            .expect("coordinator");
    }
    let (m, ..) = approved_pair(&app, 1, json!({})).await;
    answer(&app, &m, "mentor", "day14", &[("met", "yes"), ("fit", "2")]).await;
    let (control, ..) = approved_pair(&app, 2, json!({})).await;
    answer(
        &app,
        &control,
        "mentee",
        "day14",
        &[("met", "yes"), ("fit", "5")],
    )
    .await;

    // A third pair's poor fit is recorded without a review: the ticks below race to raise it.
    let (raced, ..) = approved_pair(&app, 3, json!({})).await;
    crate::health::answer_on(
        &app,
        &raced,
        "mentor",
        "day14",
        &[("met", 1.0), ("fit", 1.0)],
        belong::store::now(),
    );

    // Three processes tick at the same moment: one digest per coordinator.
    let (first, second, third) = (
        another_process(&app).await,
        another_process(&app).await,
        another_process(&app).await,
    );
    let at = belong::store::now();
    let (a, b, c) = tokio::join!(
        belong::app::health::tick(&first, at),
        belong::app::health::tick(&second, at),
        belong::app::health::tick(&third, at),
    );
    a.and(b).and(c).expect("ticks");
    let sent = digests(&app);
    assert_eq!(sent.len(), 2, "{sent:?}");
    let (_, flags) = app.get_json("/api/v1/flags").await;
    assert_eq!(
        flags["items"].as_array().map(Vec::len),
        Some(2),
        "the answer page raised one; three concurrent reviews raised one more: {flags}"
    );
    let (_, raced_flags) = app
        .get_json(&format!("/api/v1/flags?match_id={raced}"))
        .await;
    assert_eq!(raced_flags["items"].as_array().map(Vec::len), Some(1));
    assert!(sent[0].0.contains("grace@example.org") && sent[1].0.contains("lin@example.org"));

    // Later the same day, even a process that has just started sends nothing more.
    let fresh = another_process(&app).await;
    belong::app::health::tick(&fresh, at + Duration::hours(3))
        .await
        .expect("tick");
    belong::app::health::tick(&first, at + Duration::hours(3))
        .await
        .expect("tick");
    assert_eq!(digests(&app).len(), 2);

    let (recipients, subject, text, html) = &sent[1];
    assert!(recipients.contains("Lin O'Brien <b>"));
    assert!(subject.contains("2 new flags, 2 waiting"), "{subject}");
    assert!(
        text.contains("Poor fit: offer a re-match (poor_fit): 2"),
        "{text}"
    );
    assert!(text.contains("Check-ins answered: 3"), "{text}");
    assert!(text.contains("Pairs off track: 2"), "{text}");
    assert!(text.contains("/coordinator/flags"), "{text}");
    assert!(
        html.contains("Lin O&#39;Brien &#60;b&#62;"),
        "escaped: {html}"
    );
    for body in [text, html] {
        assert!(
            !body.contains("Ana Souza") && !body.contains("Grace Okafor,"),
            "{body}"
        );
        assert!(!body.contains("ana.souza"), "{body}");
    }

    // The next day: the next digest, counting from the last.
    belong::app::health::tick(&second, at + Duration::days(1))
        .await
        .expect("tick");
    let sent = digests(&app);
    assert_eq!(sent.len(), 4);
    assert!(
        sent[3].1.contains("0 new flags, 2 waiting"),
        "{}",
        sent[3].1
    );
    assert!(sent[3].2.contains("Check-ins answered: 0"), "{}", sent[3].2);

    // The worker delivers them like any email (the first day's: the next day's are queued
    // for tomorrow's clock).
    let mut delivered = 0;
    for _ in 0..100 {
        let (_, page) = app.get_json("/api/v1/emails?status=sent&limit=200").await;
        delivered = page["items"].as_array().map_or(0, |items| {
            items
                .iter()
                .filter(|e| {
                    e["subject"]
                        .as_str()
                        .is_some_and(|s| s.contains("pair health"))
                })
                .count()
        });
        if delivered == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(delivered, 2);
}
