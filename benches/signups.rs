//! Acknowledged sign-ups per second: `POST /api/v1/mentees` through real HTTP from a few
//! concurrent clients, each answer a durable 201, on SQLite and on PostgreSQL.
//!
//! `cargo bench --bench signups`; criterion reports the rate as elements per second.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Backend, mentee_body, spawn};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CLIENTS: usize = 4;

fn signups(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("signups");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = Arc::new(runtime.block_on(spawn(backend)));
        let counter = Arc::new(AtomicUsize::new(0));
        group.bench_function(
            format!("{backend:?} {CLIENTS} clients").to_lowercase(),
            |b| {
                b.iter_custom(|iterations| {
                    let (app, counter) = (app.clone(), counter.clone());
                    runtime.block_on(async move {
                        let start = Instant::now();
                        let per_client = (iterations as usize).div_ceil(CLIENTS);
                        let mut tasks = Vec::new();
                        for _ in 0..CLIENTS {
                            let (app, counter) = (app.clone(), counter.clone());
                            tasks.push(tokio::spawn(async move {
                                for _ in 0..per_client {
                                    let n = counter.fetch_add(1, Ordering::Relaxed);
                                    let (status, _) =
                                        app.post_json("/api/v1/mentees", &mentee_body(n)).await;
                                    assert_eq!(status, 201);
                                }
                            }));
                        }
                        for task in tasks {
                            task.await.expect("client");
                        }
                        start
                            .elapsed()
                            .mul_f64(iterations as f64 / (per_client * CLIENTS) as f64)
                    })
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, signups);
criterion_main!(benches);
