//! A new nurse answers her check-in on a phone: opens the link from the email with an answer
//! already chosen, misses a question, fixes it, and is thanked.

use serde_json::{Value, json};
use thirtyfour::prelude::*;

use crate::common::{Backend, FAST_YEAR, TestDb, spawn_with};
use crate::{Driver, click, page_with, screenshot, serious_violations};

/// The widest thing on the page, and the smallest tap target among the answers and buttons.
async fn layout(browser: &WebDriver) -> (i64, i64) {
    let result = browser
        .execute(
            "const targets = [...document.querySelectorAll('label.answer, button, input[type=number], textarea')];
             return [document.documentElement.scrollWidth,
                     Math.min(...targets.map(t => t.getBoundingClientRect().height))];",
            Vec::<Value>::new(),
        )
        .await
        .expect("measure");
    let v = result.json().as_array().cloned().unwrap_or_default();
    (
        v.first().and_then(Value::as_f64).unwrap_or(f64::MAX) as i64,
        v.get(1).and_then(Value::as_f64).unwrap_or(0.0) as i64,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nurse_answers_her_check_in_on_a_phone() {
    let app = spawn_with(TestDb::new(Backend::Sqlite).with_config(FAST_YEAR), &[]).await;
    let pair = app.approved_pair(1, json!({}), json!({})).await;
    // The month-1 pulse, the mentee's: the one that asks about belonging.
    let link = app.checkin_link(&pair.match_id, "mentee", "month1").await;

    let driver = Driver::start().await;
    let browser = driver.phone(320, 800).await;
    browser
        .goto(app.url(&format!("{link}?belonging=4")))
        .await
        .expect("open link");
    page_with(&browser, "Who sees your answers").await;
    let (width, smallest) = layout(&browser).await;
    assert!(width <= 320, "no sideways scrolling at 320 px: {width}");
    assert!(
        smallest >= 44,
        "tap targets at least 44 px high: {smallest}"
    );
    assert!(
        browser
            .find(By::Id("belonging-4"))
            .await
            .expect("answer")
            .is_selected()
            .await
            .expect("selected"),
        "the answer tapped in the email is chosen"
    );
    screenshot(&browser, "checkin-phone").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "check-in page"
    );

    // She answers, but misses how well the pairing fits.
    click(&browser, "#met-yes").await;
    browser
        .find(By::Id("times"))
        .await
        .expect("times")
        .send_keys("2")
        .await
        .expect("type");
    click(&browser, "#stay-5").await;
    click(&browser, "button[type=submit]").await;
    page_with(&browser, "Please check one answer").await;
    screenshot(&browser, "checkin-phone-error").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "check-in page with an error"
    );
    assert!(
        browser
            .find(By::Id("belonging-4"))
            .await
            .expect("answer")
            .is_selected()
            .await
            .expect("selected"),
        "her answers are kept"
    );
    click(&browser, "#fit-4").await;
    click(&browser, "#contact-yes").await;
    click(&browser, "button[type=submit]").await;
    let thanks = page_with(&browser, "Thank you, Ana").await;
    assert!(thanks.contains("a programme coordinator will contact you"));
    screenshot(&browser, "checkin-phone-thanks").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "thank-you page"
    );
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/checkins?match_id={}&status=answered",
            pair.match_id
        ))
        .await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    browser.quit().await.expect("quit");
}
