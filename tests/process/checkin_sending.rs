//! Check-ins across kill -9 and several processes: each due check-in is emailed exactly once.

use std::collections::HashMap;
use std::time::Duration;

use crate::common::smtp::SmtpServer;
use crate::common::{Backend, TestDb, cli_token, free_port};
use crate::delivery::{Client, smtp_env, start};
use crate::on_both_backends;

on_both_backends!(each_checkin_goes_out_once_across_kill_9_and_two_processes);

/// One check-in for both people a second after approval; a lease short enough to be taken
/// over soon after a process dies.
const CONFIG: &str = r#"
[checkins]
steps = [{ key = "day14", after = "PT1S", audience = "both", survey = "pulse" }]
expire_after = "PT1H"
reminders = []
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 50
lease_secs = 2
"#;

const PAIRS: usize = 20;

async fn each_checkin_goes_out_once_across_kill_9_and_two_processes(backend: Backend) {
    let db = TestDb::new(backend).with_config(CONFIG);
    let port = free_port();
    let env = smtp_env(port);
    let client = Client {
        http: reqwest::Client::new(),
        token: cli_token(&db, "coordinator"),
    };
    // The relay is down while the first process approves pairs and starts sending their
    // check-ins; it is killed part-way through.
    let mut first = start(&db, &env).await;
    let mut matches = Vec::new();
    for n in 0..PAIRS {
        matches.push(client.approved_pair(&first, &first, n).await);
    }
    first.kill9();
    let sent_by_first = queued_checkin_emails(&db).await;

    // Two processes take over with the relay up.
    let smtp = SmtpServer::start_on(port).await;
    let (a, _b) = tokio::join!(start(&db, &env), start(&db, &env));
    let expected = PAIRS * 2 + PAIRS; // a check-in each, and one introduction per pair
    let messages = smtp.wait_for(expected, Duration::from_secs(60)).await;
    assert_eq!(messages.len(), expected);
    // Longer than a lease: anything claimed twice would have gone out by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), expected, "nothing is sent twice");

    let mut checkins_per_person: HashMap<String, usize> = HashMap::new();
    for m in messages.iter().filter(|m| m.data.contains("check-in")) {
        assert_eq!(m.to.len(), 1, "a check-in goes to one person");
        *checkins_per_person.entry(m.to[0].clone()).or_default() += 1;
    }
    assert_eq!(checkins_per_person.len(), PAIRS * 2);
    assert!(checkins_per_person.values().all(|n| *n == 1));

    for id in &matches {
        let page = client
            .get(&a, &format!("/api/v1/checkins?match_id={id}"))
            .await;
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        assert!(items.iter().all(|c| c["status"] == "sent"), "{page}");
    }
    eprintln!(
        "check-ins sent before the kill: {sent_by_first} of {}",
        PAIRS * 2
    );
}

/// How many check-in emails the first process had queued when it was killed.
async fn queued_checkin_emails(db: &TestDb) -> usize {
    use belong::store::schema::emails;
    use diesel::prelude::*;
    let url = belong::store::DatabaseUrl::parse(&db.url).expect("url");
    let pool = belong::store::Db::connect(&url, 1, Duration::from_secs(5), 5000).expect("db");
    pool.run(|conn| {
        emails::table
            .filter(emails::checkin_id.is_not_null())
            .count()
            .get_result::<i64>(conn)
            .map_err(belong::store::StoreError::from)
    })
    .await
    .expect("count") as usize
}
