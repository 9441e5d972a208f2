//! A coordinator places a newcomer entirely in the browser: signs in, previews and runs
//! matching, reads a proposal's explanation, approves it and sees the email queued.

use serde_json::json;
use thirtyfour::prelude::*;

use crate::common::{Backend, spawn};
use crate::{Driver, click, page_with, screenshot, serious_violations, sign_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_places_a_newcomer() {
    let app = spawn(Backend::Sqlite).await;
    belong::app::coordinators::create(
        &app.app.db,
        "grace@example.org",
        "Grace Okafor",
        "tea before the night shift",
    )
    .expect("coordinator");
    app.mentee(
        1,
        json!({"full_name": "Ana Souza", "languages": ["en", "pt"]}),
    )
    .await;
    app.mentor(
        1,
        json!({"full_name": "Bea Lima", "languages": ["en", "pt"]}),
    )
    .await;
    let driver = Driver::start().await;
    let browser = driver.browser(1280, 1000).await;

    browser
        .goto(app.url("/coordinator"))
        .await
        .expect("console");
    assert!(
        browser
            .current_url()
            .await
            .expect("url")
            .as_str()
            .ends_with("/coordinator/login")
    );
    screenshot(&browser, "console-login").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "login page"
    );
    sign_in(&browser, "grace@example.org", "tea before the night shift").await;

    page_with(&browser, "Mentees waiting").await;
    let header = browser
        .find(By::Css("header"))
        .await
        .expect("header")
        .text()
        .await
        .expect("text");
    assert!(header.contains("Signed in as Grace Okafor"), "{header}");
    screenshot(&browser, "console-overview").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "overview"
    );

    click(&browser, "button[name=dry_run][value='1']").await;
    let preview = page_with(&browser, "Preview: proposed pairs").await;
    assert!(preview.contains("Ana Souza with Bea Lima"), "{preview}");
    assert!(
        preview.contains("Both speak Portuguese"),
        "the explanation is readable: {preview}"
    );
    screenshot(&browser, "console-preview").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "preview"
    );

    click(&browser, "button[name=dry_run][value='0']").await;
    page_with(&browser, "Matching stored 1 proposal").await;
    screenshot(&browser, "console-proposals").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "proposals"
    );

    click(&browser, "form[action$='/approve'] button").await;
    page_with(&browser, "Approved. The introduction email is on its way.").await;

    click(&browser, "nav a[href='/coordinator/emails']").await;
    page_with(&browser, "Ana Souza and Bea Lima").await;
    screenshot(&browser, "console-emails").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "emails"
    );

    for (path, needle, name) in [
        ("/coordinator/mentees", "Ana Souza", "console-mentees"),
        ("/coordinator/mentors", "Bea Lima", "console-mentors"),
        (
            "/coordinator/settings",
            "Matching settings",
            "console-settings",
        ),
    ] {
        browser.goto(app.url(path)).await.expect(path);
        page_with(&browser, needle).await;
        screenshot(&browser, name).await;
        assert_eq!(
            serious_violations(&browser).await,
            Vec::<String>::new(),
            "{path}"
        );
    }
    click(&browser, "nav a[href='/coordinator/mentees']").await;
    page_with(&browser, "Ana Souza").await;
    click(&browser, "main table a").await;
    page_with(&browser, "Mentored by Bea Lima").await;
    screenshot(&browser, "console-mentee").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "mentee page"
    );

    click(&browser, ".signed-in button").await;
    page_with(&browser, "Coordinators: sign in").await;
    browser.quit().await.expect("quit");
}
