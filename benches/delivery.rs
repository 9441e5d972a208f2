//! Introduction emails delivered per second to a local SMTP server by one `belong` worker:
//! approvals are queued with no worker running (not timed), then a worker starts and the
//! time until the last message arrives is measured.
//!
//! `cargo bench --bench delivery` (PostgreSQL, like production).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::smtp::SmtpServer;
use common::{Backend, TestApp, TestDb, mentee_body, mentor_body, spawn_without_worker};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;

const BATCH: usize = 50;

async fn queue(app: &TestApp, first: usize) {
    for n in first..first + BATCH {
        let (_, mentee) = app.post_json("/api/v1/mentees", &mentee_body(n)).await;
        let (_, mentor) = app.post_json("/api/v1/mentors", &mentor_body(n)).await;
        let (_, m) = app
            .post_json(
                "/api/v1/matches",
                &json!({"mentee_id": mentee["id"], "mentor_id": mentor["id"]}),
            )
            .await;
        let path = format!("/api/v1/matches/{}/approve", m["id"].as_str().expect("id"));
        assert_eq!(app.post_json(&path, &json!({})).await.0, 200);
    }
}

fn delivery(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let smtp = runtime.block_on(SmtpServer::start());
    let url = smtp.url();
    let app = Arc::new(runtime.block_on(spawn_without_worker(
        TestDb::new(Backend::Postgres),
        &[
            ("BELONG__EMAIL__TRANSPORT", "smtp"),
            ("BELONG__EMAIL__SMTP_URL", &url),
            ("BELONG__EMAIL__POLL_INTERVAL_MS", "50"),
            ("RUST_LOG", "debug"),
        ],
    )));
    let mut group = c.benchmark_group("delivery");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(10);
    let mut next = 0;
    group.bench_function(format!("{BATCH} introductions, one worker"), |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let before = smtp.messages().len();
                runtime.block_on(queue(&app, next));
                next += BATCH;
                let (stop, stopped) = tokio::sync::watch::channel(false);
                let start = Instant::now();
                let worker =
                    runtime.block_on(async { belong::startup::start_worker(&app.app, stopped) });
                let got = runtime.block_on(smtp.wait_for(before + BATCH, Duration::from_secs(60)));
                total += start.elapsed();
                assert!(got.len() >= before + BATCH);
                let _ = stop.send(true);
                let _ = runtime.block_on(worker.expect("worker"));
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, delivery);
criterion_main!(benches);
