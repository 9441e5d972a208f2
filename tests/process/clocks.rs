//! Processes whose clocks disagree still agree on what is due and who holds a lease: they
//! read the time from the database.

use std::time::Duration;

use crate::common::{Backend, Process, TestDb, cli_token};
use crate::delivery::Client;

const CONFIG: &str = r#"
[checkins]
steps = [{ key = "day14", after = "PT30M", audience = "both", survey = "pulse" }]
expire_after = "PT1H"
reminders = []
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 50
"#;

fn libfaketime() -> &'static str {
    [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .expect("libfaketime (scripts/prerequisites installs it)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_an_hour_off_send_nothing_early() {
    let db = TestDb::new(Backend::Postgres).with_config(CONFIG);
    let client = Client {
        http: reqwest::Client::new(),
        token: cli_token(&db, "coordinator"),
    };
    let on_time = Process::start(&db).await;
    let fast = Process::start_with(
        &db,
        &[
            ("LD_PRELOAD", libfaketime()),
            ("FAKETIME", "+1h"),
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
        ],
    )
    .await;
    let slow = Process::start_with(
        &db,
        &[
            ("LD_PRELOAD", libfaketime()),
            ("FAKETIME", "-1h"),
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
        ],
    )
    .await;
    // One pair approved on time, one by the process an hour slow.
    let ids = [
        client.approved_pair(&on_time, &on_time, 1).await,
        client.approved_pair(&slow, &slow, 2).await,
    ];
    // Many ticks of every scheduler; the check-ins fall due in thirty minutes.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for id in ids {
        let page = client
            .get(&fast, &format!("/api/v1/checkins?match_id={id}"))
            .await;
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 2, "{page}");
        assert!(
            items.iter().all(|c| c["status"] == "scheduled"),
            "nothing sent half an hour early: {page}"
        );
    }
}
