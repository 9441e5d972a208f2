//! A coordinator follows up an early warning in the browser: finds the flag, acknowledges
//! it, resolves it (after a missed choice), reads the pair's health on the mentee's page and
//! re-matches the pair after confirming. axe-core checks each page.

use serde_json::json;
use thirtyfour::prelude::*;

use crate::common::{Backend, FAST_YEAR, TestApp, TestDb, browser_client, spawn_with};
use crate::{Driver, click, page_with, screenshot, serious_violations, sign_in};

/// The mentee answers her first check-in through its link: met, but a poor fit.
async fn poor_fit_reported(app: &TestApp, match_id: &str) {
    let link = app.checkin_link(match_id, "mentee", "day14").await;
    let response = browser_client()
        .post(app.url(&link))
        .form(&[("met", "yes"), ("fit", "1")])
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 303);
}

async fn no_serious_violations(browser: &WebDriver, page: &str) {
    assert_eq!(
        serious_violations(browser).await,
        Vec::<String>::new(),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_follows_up_an_early_warning() {
    // Links that outlast the test: no check-in expires, so no "unanswered" flag joins in.
    let config = FAST_YEAR.replace(r#"expire_after = "PT60S""#, r#"expire_after = "PT1H""#);
    let app = spawn_with(TestDb::new(Backend::Sqlite).with_config(&config), &[]).await;
    belong::app::coordinators::create(
        &app.app.db,
        "grace@example.org",
        "Grace Okafor",
        "tea before the night shift",
    )
    .expect("coordinator");
    let pair = app
        .approved_pair(1, json!({}), json!({"full_name": "Bea Lima"}))
        .await;
    app.mentor(2, json!({"full_name": "Chidi Obi", "site": "south_campus"}))
        .await;
    poor_fit_reported(&app, &pair.match_id).await;

    let driver = Driver::start().await;
    let browser = driver.browser(1280, 1000).await;
    browser
        .goto(app.url("/coordinator/login"))
        .await
        .expect("login");
    sign_in(&browser, "grace@example.org", "tea before the night shift").await;
    let overview = page_with(&browser, "Pair health flags").await;
    assert!(overview.contains("1 open"), "{overview}");

    click(&browser, "nav a[href='/coordinator/flags']").await;
    let page = page_with(&browser, "Poor fit: offer a re-match").await;
    assert!(page.contains("Ana Souza with Bea Lima"), "{page}");
    screenshot(&browser, "console-flags").await;
    no_serious_violations(&browser, "flags").await;

    click(&browser, "form[action$='/acknowledge'] button").await;
    page_with(&browser, "Acknowledged: Poor fit").await;

    // Resolving without saying what was done: the message is beside the choice.
    click(&browser, "form.resolve button[type=submit]").await;
    page_with(&browser, "Choose what was done about this flag.").await;
    screenshot(&browser, "console-flags-error").await;
    no_serious_violations(&browser, "flags with an error").await;
    browser
        .find(By::Css("form.resolve select"))
        .await
        .expect("resolution")
        .send_keys("Checked in with them")
        .await
        .expect("choose");
    browser
        .find(By::Css("form.resolve input[name=note]"))
        .await
        .expect("note")
        .send_keys("Spoke to both; they agree to try someone else")
        .await
        .expect("type");
    click(&browser, "form.resolve button[type=submit]").await;
    page_with(&browser, "Resolved: Poor fit").await;

    browser
        .goto(app.url(&format!("/coordinator/mentees/{}", pair.mentee_id)))
        .await
        .expect("mentee");
    page_with(&browser, "Pair health: On track").await;
    screenshot(&browser, "console-mentee-health").await;
    no_serious_violations(&browser, "mentee page").await;

    click(&browser, ".health-panel a[href$='/rematch']").await;
    page_with(&browser, "Chidi Obi is proposed").await;
    screenshot(&browser, "console-rematch").await;
    no_serious_violations(&browser, "re-match confirmation").await;
    browser
        .find(By::Id("field-reason"))
        .await
        .expect("reason")
        .send_keys("Fit rated 1 of 5 at the first check-in")
        .await
        .expect("type");
    click(&browser, "main form button[type=submit]").await;
    page_with(&browser, "Re-matched: the match with Bea Lima has ended").await;
    no_serious_violations(&browser, "after the re-match").await;
    browser.quit().await.expect("quit");
}
