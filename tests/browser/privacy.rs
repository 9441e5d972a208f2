//! A newcomer reads what happens to their answers: the consent to name an affinity group to
//! their mentor, off until ticked, and the privacy notice one link away from the form.

use thirtyfour::prelude::*;

use crate::common::{Backend, spawn};
use crate::{Driver, click, page_with, screenshot, serious_violations};

async fn consent(browser: &WebDriver) -> WebElement {
    browser
        .find(By::Id("field-share_affinity_with_partner"))
        .await
        .expect("the consent box")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consent_is_off_until_ticked_and_the_notice_is_one_link_away() {
    let app = spawn(Backend::Sqlite).await;
    let driver = Driver::start().await;
    let browser = driver.browser(1280, 1000).await;

    browser
        .goto(app.url("/signup/mentee"))
        .await
        .expect("mentee form");
    page_with(&browser, "Tell us a little about yourself").await;
    let label = browser
        .find(By::Css("label[for='field-share_affinity_with_partner']"))
        .await
        .expect("a label for the box");
    assert_eq!(
        label.text().await.expect("text"),
        "You may mention these to my mentor"
    );
    assert!(!consent(&browser).await.is_selected().await.expect("state"));
    // Its hint is read with it.
    let described = consent(&browser)
        .await
        .attr("aria-describedby")
        .await
        .expect("attr")
        .unwrap_or_default();
    let hint = browser
        .find(By::Id(described.trim()))
        .await
        .expect("the hint")
        .text()
        .await
        .expect("text");
    assert!(hint.contains("both tick this"), "{hint}");
    // The label ticks it, and so does the space bar.
    label.scroll_into_view().await.expect("scroll");
    click(&browser, "label[for='field-share_affinity_with_partner']").await;
    assert!(consent(&browser).await.is_selected().await.expect("state"));
    consent(&browser).await.send_keys(" ").await.expect("space");
    assert!(!consent(&browser).await.is_selected().await.expect("state"));
    screenshot(&browser, "signup-consent").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "form with the consent"
    );

    // The footer leads to the notice.
    let link = browser
        .find(By::Css("footer a[href='/privacy']"))
        .await
        .expect("the footer links the notice");
    link.scroll_into_view().await.expect("scroll");
    link.click().await.expect("click");
    page_with(&browser, "Who sees it").await;
    assert_eq!(
        browser.title().await.expect("title"),
        "Privacy notice – Mentorship Program"
    );
    let headings = browser
        .find_all(By::Css("main h2"))
        .await
        .expect("headings");
    assert!(headings.len() >= 4, "a notice in sections");
    screenshot(&browser, "privacy").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "privacy notice"
    );

    let phone = driver.phone(390, 844).await;
    phone.goto(app.url("/privacy")).await.expect("notice");
    page_with(&phone, "Who sees it").await;
    screenshot(&phone, "privacy-phone").await;
    assert_eq!(
        serious_violations(&phone).await,
        Vec::<String>::new(),
        "privacy notice on a phone"
    );
    phone.quit().await.expect("quit");
    browser.quit().await.expect("quit");
}
