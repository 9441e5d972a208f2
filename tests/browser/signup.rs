//! A nurse signs up on a ward PC: makes a mistake, corrects it, lands on the thank-you page.

use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::common::{Backend, spawn};
use crate::{Driver, click, page_with, screenshot, serious_violations};

async fn select(browser: &WebDriver, id: &str, value: &str) {
    let element = browser.find(By::Id(id)).await.expect("select");
    SelectElement::new(&element)
        .await
        .expect("select element")
        .select_by_value(value)
        .await
        .expect("option");
}

async fn type_into(browser: &WebDriver, id: &str, text: &str) {
    let element = browser.find(By::Id(id)).await.expect(id);
    element.clear().await.expect("clear");
    element.send_keys(text).await.expect("type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nurse_signs_up_corrects_a_mistake_and_is_thanked() {
    let app = spawn(Backend::Sqlite).await;
    let driver = Driver::start().await;
    let browser = driver.browser(1280, 1000).await;

    browser.goto(app.url("/")).await.expect("home");
    screenshot(&browser, "home").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "home page"
    );
    click(&browser, "a[href='/signup/mentee']").await;

    page_with(&browser, "Tell us a little about yourself").await;
    assert_eq!(
        browser.title().await.expect("title"),
        "Find a mentor for your first year – Mentorship Program"
    );
    screenshot(&browser, "signup-mentee").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "mentee form"
    );

    type_into(&browser, "field-full_name", "Ana Souza").await;
    type_into(&browser, "field-email", "ana.souza@hospital").await; // the mistake: no domain ending
    select(&browser, "field-profession", "registered_nurse").await;
    select(&browser, "field-specialty", "emergency").await;
    select(&browser, "field-site", "north_campus").await;
    click(&browser, "#field-shift-night").await;
    click(&browser, "#field-languages-pt").await;
    click(&browser, "#field-goals-time_management").await;
    type_into(&browser, "field-interests", "trauma care, teaching").await;
    click(&browser, "button[type=submit]").await;
    page_with(&browser, "Please check one answer").await;

    // The form comes back with the input kept, a summary, and the message beside the field.
    let summary = browser
        .find(By::Id("error-summary"))
        .await
        .expect("error summary");
    assert!(summary.text().await.expect("text").contains("Work email"));
    let error = browser
        .find(By::Id("field-email-error"))
        .await
        .expect("message beside the field");
    assert!(error.text().await.expect("text").contains("email address"));
    let described = browser
        .find(By::Id("field-email"))
        .await
        .expect("email")
        .attr("aria-describedby")
        .await
        .expect("attr");
    assert!(described.unwrap_or_default().contains("field-email-error"));
    let kept = browser
        .find(By::Id("field-full_name"))
        .await
        .expect("name")
        .value()
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some("Ana Souza"));
    assert!(
        browser
            .find(By::Id("field-languages-pt"))
            .await
            .expect("pt")
            .is_selected()
            .await
            .expect("checked")
    );
    assert!(browser.title().await.expect("title").starts_with("Error: "));
    screenshot(&browser, "signup-mentee-errors").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "form with errors"
    );

    // Following the summary's link lands on the field.
    click(&browser, "#error-summary a[href='#field-email']").await;
    type_into(&browser, "field-email", "ana.souza@hospital.org").await;
    click(&browser, "button[type=submit]").await;

    page_with(&browser, "Thank you – you are signed up").await;
    screenshot(&browser, "signup-thanks").await;
    assert_eq!(
        serious_violations(&browser).await,
        Vec::<String>::new(),
        "thank-you page"
    );

    // She is stored, with what she chose.
    let (_, list) = app.get_json("/api/v1/mentees").await;
    let mentee = &list["items"][0];
    assert_eq!(mentee["email"], "ana.souza@hospital.org");
    assert_eq!(mentee["languages"], serde_json::json!(["pt"]));
    assert_eq!(
        mentee["interests"],
        serde_json::json!(["trauma care", "teaching"])
    );

    // The mentor form, on a phone-sized window.
    let phone = driver.browser(390, 844).await;
    phone
        .goto(app.url("/signup/mentor"))
        .await
        .expect("mentor form");
    screenshot(&phone, "signup-mentor-phone").await;
    assert_eq!(
        serious_violations(&phone).await,
        Vec::<String>::new(),
        "mentor form"
    );
    phone.quit().await.expect("quit");
    browser.quit().await.expect("quit");
}
