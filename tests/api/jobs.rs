//! The job runner's lease SQL, on a table shaped like a future kind (webhook deliveries,
//! strictly ordered per endpoint): only the first waiting job of a key can be claimed, a
//! lease keeps a job from everyone else, failures are counted and the last one is dead; a
//! runner told to stop finishes the job under way and gives back those not started.

use std::time::Duration;

use belong::domain::outbox::RetryPolicy;
use belong::jobs::{Doorbell, Kind, Outcome, Pace, Runner};
use belong::store::jobs::{self, Attempts, Queue};
use belong::store::{AnyConnection, DatabaseUrl, Db, StoreError, database_now};
use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;

use crate::common::{Backend, TestDb};
use crate::on_both_backends;

on_both_backends!(
    jobs_of_one_key_run_one_at_a_time_in_order,
    a_lease_holds_until_it_runs_out_or_is_given_back,
    a_stop_finishes_the_job_under_way_and_gives_back_the_rest
);

const DELIVERIES: Queue = Queue {
    table: "deliveries",
    ready: "queued",
    due: "due_at",
    one_at_a_time_by: Some("endpoint"),
    attempts: Some(Attempts {
        count: "attempts",
        last_error: "last_error",
        dead: "failed",
    }),
};

/// A scratch table of deliveries: `(id, endpoint)` in `seq` order, all due long ago.
async fn deliveries(backend: Backend, rows: &[(&str, &str)]) -> (TestDb, Db) {
    let db = TestDb::new(backend);
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let pool = Db::connect(&url, 2, Duration::from_secs(5), 5000).expect("db");
    let mut sql = "CREATE TABLE deliveries (seq BIGINT NOT NULL, id TEXT PRIMARY KEY, \
        endpoint TEXT NOT NULL, status TEXT NOT NULL, due_at TIMESTAMP NOT NULL, \
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, lease_owner TEXT, \
        lease_until TIMESTAMP);"
        .to_string();
    for (seq, (id, endpoint)) in rows.iter().enumerate() {
        sql.push_str(&format!(
            "INSERT INTO deliveries (seq, id, endpoint, status, due_at) \
             VALUES ({seq}, '{id}', '{endpoint}', 'queued', '2000-01-01 00:00:00');"
        ));
    }
    pool.run(move |conn| conn.batch_execute(&sql).map_err(StoreError::from))
        .await
        .expect("scratch table");
    (db, pool)
}

/// Claims for `owner`, a minute's lease on the database's clock.
async fn claim(db: &Db, owner: &'static str) -> Vec<String> {
    db.run(move |conn| {
        let now = database_now(conn)?;
        jobs::claim(conn, &DELIVERIES, owner, now, minute_after(now), 10)
    })
    .await
    .expect("claim")
}

fn minute_after(at: NaiveDateTime) -> NaiveDateTime {
    at + chrono::Duration::minutes(1)
}

async fn sql(db: &Db, statement: &'static str) {
    db.run(move |conn: &mut AnyConnection| conn.batch_execute(statement).map_err(StoreError::from))
        .await
        .expect("sql");
}

#[derive(diesel::QueryableByName)]
struct Delivery {
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    last_error: Option<String>,
}

async fn jobs_of_one_key_run_one_at_a_time_in_order(backend: Backend) {
    let (_guard, db) = deliveries(
        backend,
        &[("a1", "A"), ("a2", "A"), ("b1", "B"), ("a3", "A")],
    )
    .await;
    // The first of each endpoint; the rest wait behind them, whoever asks.
    assert_eq!(claim(&db, "x").await, ["a1", "b1"]);
    assert!(claim(&db, "y").await.is_empty());
    // a1 fails and waits for its retry: a2 still waits behind it.
    db.run(|conn| {
        let now = database_now(conn)?;
        jobs::fail(
            conn,
            &DELIVERIES,
            "a1",
            "x",
            "503",
            Some(minute_after(now)),
            now,
        )
    })
    .await
    .expect("fail");
    assert!(claim(&db, "y").await.is_empty());
    // Retried and done: a2 is next, then a3 once a2 is given up on.
    sql(
        &db,
        "UPDATE deliveries SET due_at = '2000-01-01 00:00:00' WHERE id = 'a1'",
    )
    .await;
    assert_eq!(claim(&db, "y").await, ["a1"]);
    sql(
        &db,
        "UPDATE deliveries SET status = 'sent', lease_owner = NULL WHERE id = 'a1'",
    )
    .await;
    assert_eq!(claim(&db, "y").await, ["a2"]);
    db.run(|conn| {
        let now = database_now(conn)?;
        jobs::fail(conn, &DELIVERIES, "a2", "y", "410", None, now)
    })
    .await
    .expect("give up");
    assert_eq!(claim(&db, "y").await, ["a3"]);
    let a2 = db
        .run(|conn| {
            let q = diesel::sql_query(
                "SELECT status, attempts, last_error FROM deliveries WHERE id = 'a2'",
            );
            match conn {
                AnyConnection::Sqlite(c) => q.get_result::<Delivery>(c),
                AnyConnection::Postgresql(c) => q.get_result::<Delivery>(c),
            }
            .map_err(StoreError::from)
        })
        .await
        .expect("row");
    assert_eq!(
        (a2.status.as_str(), a2.attempts, a2.last_error.as_deref()),
        ("failed", 1, Some("410"))
    );
}

async fn a_lease_holds_until_it_runs_out_or_is_given_back(backend: Backend) {
    let (_guard, db) = deliveries(backend, &[("a1", "A"), ("b1", "B")]).await;
    assert_eq!(claim(&db, "x").await, ["a1", "b1"]);
    assert!(
        claim(&db, "y").await.is_empty(),
        "a lease keeps a job from others"
    );
    // x stops before starting b1 and gives it back; a1's lease runs out (x died).
    db.run(|conn| jobs::release(conn, &DELIVERIES, "b1", "x", None))
        .await
        .expect("release");
    sql(
        &db,
        "UPDATE deliveries SET lease_until = '2000-01-01 00:00:00' WHERE id = 'a1'",
    )
    .await;
    assert_eq!(claim(&db, "y").await, ["a1", "b1"]);
    // Only the holder gives a lease back; "not now" makes a job due later.
    db.run(|conn| {
        let now = database_now(conn)?;
        jobs::release(conn, &DELIVERIES, "a1", "x", None)?;
        jobs::release(conn, &DELIVERIES, "b1", "y", Some(minute_after(now)))
    })
    .await
    .expect("release");
    assert!(claim(&db, "z").await.is_empty());
}

/// A kind over the scratch table whose jobs take a while; done ones are marked sent.
struct Slow {
    started: std::sync::Arc<tokio::sync::Notify>,
}

impl Kind for Slow {
    type Job = String;

    fn name(&self) -> &'static str {
        "slow"
    }

    fn queue(&self) -> Queue {
        DELIVERIES
    }

    fn pace(&self) -> Pace {
        Pace {
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(50),
            batch: 3,
            at_once: 1,
            retry: RetryPolicy {
                base: Duration::from_secs(1),
                cap: Duration::from_secs(1),
                max_attempts: 3,
            },
        }
    }

    fn load(&self, _: &mut AnyConnection, ids: &[String]) -> Result<Vec<String>, StoreError> {
        Ok(ids.to_vec())
    }

    fn id<'j>(&self, job: &'j String) -> &'j str {
        job
    }

    async fn run(&self, _job: &String, _owner: &str) -> Outcome {
        self.started.notify_one();
        tokio::time::sleep(Duration::from_millis(500)).await;
        Outcome::Done
    }

    fn complete(
        &self,
        conn: &mut AnyConnection,
        job: &String,
        owner: &str,
        _at: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE deliveries SET status = 'sent', lease_owner = NULL, lease_until = NULL \
                   WHERE id = $1 AND lease_owner = $2";
        let q = diesel::sql_query(sql)
            .bind::<diesel::sql_types::Text, _>(job)
            .bind::<diesel::sql_types::Text, _>(owner);
        let n = match conn {
            AnyConnection::Sqlite(c) => q.execute(c),
            AnyConnection::Postgresql(c) => q.execute(c),
        }?;
        Ok(n == 1)
    }
}

async fn a_stop_finishes_the_job_under_way_and_gives_back_the_rest(backend: Backend) {
    let (_guard, db) = deliveries(backend, &[("a", "A"), ("b", "B"), ("c", "C")]).await;
    let started = std::sync::Arc::new(tokio::sync::Notify::new());
    let kind = Slow {
        started: started.clone(),
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn(Runner::new(kind, db.clone(), Doorbell::default()).run(stopped));
    // All three are claimed; the first runs alone (one at once) when the stop comes.
    started.notified().await;
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(10), runner)
        .await
        .expect("the runner stops")
        .expect("join");
    let rows: Vec<(String, String, bool)> = db
        .run(|conn| {
            let q = diesel::sql_query(
                "SELECT id, status, lease_owner IS NULL AS free FROM deliveries ORDER BY seq",
            );
            match conn {
                AnyConnection::Sqlite(c) => q.load::<Lease>(c),
                AnyConnection::Postgresql(c) => q.load::<Lease>(c),
            }
            .map_err(StoreError::from)
        })
        .await
        .expect("rows")
        .into_iter()
        .map(|r| (r.id, r.status, r.free))
        .collect();
    let row = |id: &str, status: &str| (id.to_string(), status.to_string(), true);
    assert_eq!(
        rows,
        [row("a", "sent"), row("b", "queued"), row("c", "queued")],
        "the job under way was finished, the others given back"
    );
    assert_eq!(
        claim(&db, "y").await,
        ["b", "c"],
        "and can be claimed at once"
    );
}

#[derive(diesel::QueryableByName)]
struct Lease {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    free: bool,
}
