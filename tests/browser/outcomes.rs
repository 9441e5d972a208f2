//! A programme lead reads the outcomes in the browser: belonging by site, the check-in
//! funnel, answers per question and retention, each page checked with axe-core, on a desktop
//! and on a phone.

use serde_json::{Value, json};
use thirtyfour::prelude::*;

use crate::common::seed::{Person, Seed, Value as Answer};
use crate::common::{Backend, spawn};
use crate::{Driver, click, page_with, screenshot, serious_violations, sign_in};

fn person(site: &'static str, shift: &'static str) -> Person {
    Person {
        site,
        shift,
        ..Person::default()
    }
}

/// Two cohorts across three sites, one site small enough to be hidden; answers to day 14
/// and month 1 with a few comments.
fn seed() -> Seed {
    let mut seed = Seed::new();
    let groups = [
        ("2026-01-12 09:00:00", person("north_campus", "day"), 8, 4.0),
        (
            "2026-01-12 09:00:00",
            person("south_campus", "night"),
            3,
            2.0,
        ),
        (
            "2026-01-12 09:00:00",
            person("community_clinic", "evening"),
            6,
            3.0,
        ),
        ("2026-03-09 09:00:00", person("north_campus", "day"), 9, 5.0),
        (
            "2026-03-09 09:00:00",
            person("south_campus", "night"),
            7,
            3.0,
        ),
        (
            "2026-03-09 09:00:00",
            person("community_clinic", "rotating"),
            5,
            4.0,
        ),
    ];
    for (approved, p, count, belonging) in groups {
        for i in 0..count {
            let pair = seed.pair(p, approved);
            let fit = Answer::Number(f64::from(2 + (i % 4)));
            seed.checkin(
                &pair,
                "mentee",
                "day14",
                "answered",
                &[("met", Answer::Number(1.0)), ("fit", fit.clone())],
            );
            seed.checkin(
                &pair,
                "mentor",
                "day14",
                if i % 3 == 0 { "expired" } else { "sent" },
                &[],
            );
            seed.checkin(
                &pair,
                "mentee",
                "month1",
                "answered",
                &[
                    ("belonging", Answer::Number(belonging)),
                    ("met", Answer::Number(1.0)),
                    ("fit", fit),
                    ("stay", Answer::Number(4.0)),
                    (
                        "comment",
                        Answer::Text(format!("Week {i} on the ward went well")),
                    ),
                ],
            );
            seed.checkin(&pair, "mentee", "month3", "scheduled", &[]);
        }
    }
    seed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_programme_lead_reads_the_outcomes() {
    let app = spawn(Backend::Sqlite).await;
    belong::app::coordinators::create(
        &app.app.db,
        "lead@example.org",
        "Maya Patel",
        "tea before the night shift",
    )
    .expect("coordinator");
    seed().write(&app.app.db);
    let mut events = Vec::new();
    for n in 0..12 {
        let id = app.mentee(n, json!({})).await;
        events.push(json!({"person_id": id, "event": "hired", "occurred_on": "2025-02-03"}));
        if n % 4 == 0 {
            events.push(
                json!({"person_id": id, "event": "left", "voluntary": n % 8 == 0,
                               "occurred_on": format!("2025-0{}-15", 4 + n / 4)}),
            );
        }
    }
    let (status, body) = app
        .post_json("/api/v1/employment-events", &Value::Array(events))
        .await;
    assert_eq!(status, 201, "{body}");

    let driver = Driver::start().await;
    let browser = driver.browser(1280, 1000).await;
    browser
        .goto(app.url("/coordinator/login"))
        .await
        .expect("login");
    sign_in(&browser, "lead@example.org", "tea before the night shift").await;
    page_with(&browser, "Mentees waiting").await;

    click(&browser, "nav a[href='/coordinator/outcomes']").await;
    page_with(&browser, "Belonging over the first year").await;
    screenshot(&browser, "outcomes-belonging").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "belonging"
    );

    // Filters are a plain GET form.
    browser
        .find(By::Css("#group_by option[value='site']"))
        .await
        .expect("site")
        .click()
        .await
        .expect("choose");
    browser
        .find(By::Css("#cohort option[value='2026-01']"))
        .await
        .expect("January")
        .click()
        .await
        .expect("choose");
    click(&browser, "form.filters button[type=submit]").await;
    let text = page_with(&browser, "not shown").await;
    assert!(text.contains("North Campus"), "{text}");
    assert!(
        browser
            .current_url()
            .await
            .expect("url")
            .as_str()
            .ends_with("/coordinator/outcomes?group_by=site&cohort=2026-01")
    );
    screenshot(&browser, "outcomes-belonging-by-site").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "by site"
    );

    for (link, needle, name) in [
        ("Check-ins", "Check-ins at each step", "outcomes-checkins"),
        ("Answers", "Answers per question", "outcomes-questions"),
        (
            "Retention",
            "Retention in the first year",
            "outcomes-retention",
        ),
    ] {
        browser
            .find(By::LinkText(link))
            .await
            .expect(link)
            .click()
            .await
            .expect("click");
        page_with(&browser, needle).await;
        screenshot(&browser, name).await;
        assert_eq!(
            serious_violations(&browser).await,
            Vec::<String>::new(),
            "{name}"
        );
    }
    browser
        .goto(app.url("/coordinator/outcomes/questions?step=month1#comments"))
        .await
        .expect("comments");
    let text = page_with(&browser, "Week 0 on the ward went well").await;
    assert!(!text.contains("Not shown:"), "38 answered month 1");
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "comments"
    );

    // On a phone the charts shrink to fit; only the tables scroll sideways, inside their box.
    let phone = driver.phone(390, 844).await;
    phone
        .goto(app.url("/coordinator/login"))
        .await
        .expect("login");
    for (id, value) in [
        ("field-email", "lead@example.org"),
        ("field-password", "tea before the night shift"),
    ] {
        phone
            .find(By::Id(id))
            .await
            .expect(id)
            .send_keys(value)
            .await
            .expect("type");
    }
    click(&phone, "button[type=submit]").await;
    page_with(&phone, "Mentees waiting").await;
    for path in [
        "/coordinator/outcomes?group_by=site",
        "/coordinator/outcomes/retention",
    ] {
        phone.goto(app.url(path)).await.expect(path);
        page_with(&phone, "Outcomes").await;
        let width = phone
            .execute(
                "return document.documentElement.scrollWidth;",
                Vec::<Value>::new(),
            )
            .await
            .expect("measure")
            .json()
            .as_i64()
            .unwrap_or(i64::MAX);
        assert!(width <= 390, "{path} is {width}px wide on a 390px phone");
        assert_eq!(
            serious_violations(&phone).await,
            Vec::<String>::new(),
            "{path} on a phone"
        );
    }
    screenshot(&phone, "outcomes-retention-phone").await;
    phone.quit().await.expect("quit");
    browser.quit().await.expect("quit");
}
