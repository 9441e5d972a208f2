//! The console in words people read: counts with the right plural, statuses as words, a next
//! step on each empty list, and "no data yet" where there is nothing to count.

use serde_json::json;

use crate::common::{Backend, TestApp, signed_in, spawn};
use crate::on_both_backends;

on_both_backends!(
    a_mentor_with_one_place_reads_in_the_singular,
    statuses_read_as_words,
    empty_lists_say_what_to_do_next,
    retention_with_nobody_says_no_data_yet,
    settings_name_their_fields_in_words
);

async fn html(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.expect(path);
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

async fn a_mentor_with_one_place_reads_in_the_singular(backend: Backend) {
    let app = spawn(backend).await;
    app.mentor(1, json!({"capacity": 1})).await;
    app.mentor(2, json!({"capacity": 2})).await;
    let client = signed_in(&app).await;
    let page = html(&client, &app, "/coordinator/mentors").await;
    assert!(page.contains("<td>1 of 1 place free</td>"), "{page}");
    assert!(page.contains("<td>2 of 2 places free</td>"), "{page}");
    assert!(!page.contains("1 places"), "{page}");

    let overview = html(&client, &app, "/coordinator").await;
    assert!(overview.contains("3 places in all"), "{overview}");
}

async fn statuses_read_as_words(backend: Backend) {
    let app = spawn(backend).await;
    app.mentee(1, json!({})).await;
    app.mentor(2, json!({})).await;
    let client = signed_in(&app).await;

    let mentees = html(&client, &app, "/coordinator/mentees").await;
    assert!(mentees.contains("<td>Waiting</td>"), "{mentees}");
    assert!(!mentees.contains("<td>waiting</td>"), "{mentees}");
    // The filter keeps the code as its value and shows the word.
    assert!(
        mentees.contains(r#"<option value="waiting">Waiting</option>"#),
        "{mentees}"
    );
    // Signed up today: "0 days", never "1 days".
    assert!(mentees.contains("<td>0 days</td>"), "{mentees}");

    let mentors = html(&client, &app, "/coordinator/mentors").await;
    assert!(mentors.contains("<td>Active</td>"), "{mentors}");
    assert!(
        mentors.contains(r#"<option value="paused">Paused</option>"#),
        "{mentors}"
    );
}

async fn empty_lists_say_what_to_do_next(backend: Backend) {
    let app = spawn(backend).await;
    let client = signed_in(&app).await;

    let mentees = html(&client, &app, "/coordinator/mentees").await;
    assert!(mentees.contains("No mentees yet."), "{mentees}");
    assert!(mentees.contains("/signup/mentee"), "{mentees}");
    assert!(!mentees.contains("0 shown."), "{mentees}");

    let mentors = html(&client, &app, "/coordinator/mentors").await;
    assert!(mentors.contains("No mentors yet."), "{mentors}");
    assert!(mentors.contains("/signup/mentor"), "{mentors}");

    // A search that finds nobody says so, and how to see everyone again.
    app.mentee(1, json!({})).await;
    let none = html(&client, &app, "/coordinator/mentees?q=nobody-by-this-name").await;
    assert!(none.contains("No one matches this search."), "{none}");
    assert!(!none.contains("No mentees yet."), "{none}");

    let emails = html(&client, &app, "/coordinator/emails").await;
    assert!(emails.contains("When you approve a proposal"), "{emails}");

    let flags = html(&client, &app, "/coordinator/flags").await;
    assert!(
        flags.contains(r#"<option value="acknowledged">Acknowledged</option>"#),
        "{flags}"
    );

    let proposals = html(&client, &app, "/coordinator/proposals").await;
    assert!(
        proposals.contains("There are no proposals to review."),
        "{proposals}"
    );
    assert!(proposals.contains("Run matching"), "{proposals}");
}

async fn retention_with_nobody_says_no_data_yet(backend: Backend) {
    let app = spawn(backend).await;
    let client = signed_in(&app).await;
    let page = html(&client, &app, "/coordinator/outcomes/retention").await;
    assert!(page.contains("No data yet"), "{page}");
    assert!(!page.contains("<td>100%</td>"), "{page}");
    assert!(page.contains("<td>no data yet</td>"), "{page}");
}

async fn settings_name_their_fields_in_words(backend: Backend) {
    let app = spawn(backend).await;
    let client = signed_in(&app).await;
    let page = html(&client, &app, "/coordinator/settings").await;
    assert!(
        page.contains(r#"<label for="field-affinity">Shared affinity groups</label>"#),
        "{page}"
    );
    let token = crate::common::csrf_token_in(&page);
    let response = client
        .post(app.url("/coordinator/settings"))
        .form(&[("csrf_token", token.as_str()), ("min_score", "lots")])
        .send()
        .await
        .expect("save");
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("body");
    assert!(page.contains("Minimum score: must be a number"), "{page}");
    assert!(!page.contains("min_score:"), "{page}");
}
