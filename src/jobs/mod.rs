//! One runner for all background work inside `belong serve`: email delivery, check-ins and
//! their reminders are kinds of job on it.
//!
//! A job is a row of its kind's table, claimed by lease on the database's clock (so several
//! processes, whatever their clocks say, share the work and each job runs in one of them at a
//! time), then run outside any transaction. Its outcome is recorded under the same lease:
//! done, not now (due again later), or failed (due again after a backoff with jitter, and
//! given up on after the kind's last attempt). A lease that runs out (the process died) frees
//! the job for another process. The lease SQL is in [`crate::store::jobs`], written once for
//! every table; a kind says which columns to use ([`Queue`]) and how to run one job
//! ([`Kind`]).
//!
//! Layers: the runner sits beside `app`, under `startup`. It knows the store and the domain's
//! retry policy; the kinds live with their use cases (`email::worker`, `app::checkins`) and
//! are started by `startup`.
//!
//! Ordering: a kind whose jobs must run one at a time per key, in order (webhook deliveries
//! per endpoint), sets [`Queue::one_at_a_time_by`]; only the first waiting job of each key can
//! be claimed, so the next waits until it is done or given up on.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use rand::Rng;
use tokio::sync::watch;
use tracing::Instrument;

use crate::domain::outbox::{AfterFailure, RetryPolicy};
use crate::store::jobs as store;
use crate::store::{AnyConnection, Db, StoreError, database_now};

pub use crate::store::jobs::{Attempts, Queue};

/// Wakes every runner of this process when work is queued here, so that it need not wait for
/// its next poll. Other processes find the work on their next poll.
#[derive(Clone)]
pub struct Doorbell(watch::Sender<u64>);

impl Default for Doorbell {
    fn default() -> Self {
        Doorbell(watch::Sender::new(0))
    }
}

impl Doorbell {
    pub fn ring(&self) {
        self.0.send_modify(|rings| *rings = rings.wrapping_add(1));
    }
}

/// How a job went.
#[derive(Debug)]
pub enum Outcome {
    /// Done: the runner records it with [`Kind::complete`].
    Done,
    /// Not now: given back, due again at this time.
    Later(NaiveDateTime),
    /// Did not work. Retried after a backoff unless `permanent` or out of attempts.
    Failed { error: String, permanent: bool },
}

/// How a kind's runner paces itself.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// How long a claim holds; longer than any one batch takes.
    pub lease: Duration,
    /// How often to look for due jobs when nobody rings.
    pub poll: Duration,
    /// Jobs claimed at once.
    pub batch: usize,
    /// Jobs run at once, out of a batch.
    pub at_once: usize,
    pub retry: RetryPolicy,
}

/// One kind of job.
pub trait Kind: Send + Sync + 'static {
    /// A claimed job, as loaded.
    type Job: Clone + Send + Sync + 'static;

    /// The kind's name in logs and spans.
    fn name(&self) -> &'static str;
    fn queue(&self) -> Queue;
    fn pace(&self) -> Pace;
    /// Loads the claimed jobs `ids`.
    fn load(&self, conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<Self::Job>, StoreError>;
    fn id<'j>(&self, job: &'j Self::Job) -> &'j str;
    /// Attempts made before this one (0 for kinds that do not count them).
    fn attempts(&self, _job: &Self::Job) -> u32 {
        0
    }
    /// Runs one job; `owner` holds its lease.
    fn run(&self, job: &Self::Job, owner: &str) -> impl Future<Output = Outcome> + Send;
    /// Records a job done and frees its lease; false when the lease was lost meanwhile. By
    /// default only the lease is given back (the job recorded its own effect).
    fn complete(
        &self,
        conn: &mut AnyConnection,
        job: &Self::Job,
        owner: &str,
        _at: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        store::release(conn, &self.queue(), self.id(job), owner, None)?;
        Ok(true)
    }
    /// Called when a job was done after its lease was lost (another process may hold it now).
    fn lease_lost(&self, _job: &Self::Job) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// Runs the jobs of one kind until `stop` turns true.
pub struct Runner<K: Kind> {
    kind: Arc<K>,
    db: Db,
    doorbell: Doorbell,
    /// This runner's name on the leases it takes.
    owner: String,
}

impl<K: Kind> Runner<K> {
    pub fn new(kind: K, db: Db, doorbell: Doorbell) -> Self {
        Runner {
            kind: Arc::new(kind),
            db,
            doorbell,
            owner: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Runs due jobs until `stop` turns true. A job under way then is finished first; jobs
    /// claimed but not started are given back.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let kind = self.kind.name();
        let mut rung = self.doorbell.0.subscribe();
        tracing::info!(kind, owner = %self.owner, "job runner started");
        loop {
            if *stop.borrow() {
                break;
            }
            match self.run_due(&stop).await {
                Ok(claimed) if claimed >= self.kind.pace().batch => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(kind, error = %e, "job runner could not reach the database")
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.kind.pace().poll) => {}
                _ = rung.changed() => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        break; // nobody can ask us to stop any more: the service is gone
                    }
                }
            }
        }
        tracing::info!(kind, "job runner stopped");
    }

    /// Runs `f` with the kind on a pooled connection.
    async fn with_kind<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&K, &mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let kind = self.kind.clone();
        self.db.run(move |conn| f(&kind, conn)).await
    }

    /// Claims one batch of due jobs and runs it; returns how many were claimed.
    async fn run_due(&self, stop: &watch::Receiver<bool>) -> Result<usize, StoreError> {
        let pace = self.kind.pace();
        let lease = chrono::Duration::from_std(pace.lease).unwrap_or(chrono::Duration::minutes(1));
        let owner = self.owner.clone();
        let jobs = self
            .with_kind(move |kind, conn| {
                let at = database_now(conn)?;
                let ids = store::claim(
                    conn,
                    &kind.queue(),
                    &owner,
                    at,
                    at + lease,
                    pace.batch as i64,
                )?;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                kind.load(conn, &ids)
            })
            .await?;
        for chunk in jobs.chunks(pace.at_once.max(1)) {
            if *stop.borrow() {
                let (ids, owner) = (
                    chunk
                        .iter()
                        .map(|j| self.kind.id(j).to_string())
                        .collect::<Vec<_>>(),
                    self.owner.clone(),
                );
                self.with_kind(move |kind, conn| {
                    for id in ids {
                        store::release(conn, &kind.queue(), &id, &owner, None)?;
                    }
                    Ok(())
                })
                .await?;
                continue;
            }
            let runs = chunk.iter().map(|job| self.run_one(job.clone()));
            for result in futures_util::future::join_all(runs).await {
                result?;
            }
        }
        Ok(jobs.len())
    }

    /// Runs one claimed job in its own span (ids only) and records how it went.
    async fn run_one(&self, job: K::Job) -> Result<(), StoreError> {
        let span =
            tracing::info_span!("job", job.id = %self.kind.id(&job), job.kind = self.kind.name());
        async {
            let outcome = self.kind.run(&job, &self.owner).await;
            self.record(job, outcome).await
        }
        .instrument(span)
        .await
    }

    /// Records how a job went. Warnings name the job too, for logs that leave out spans.
    async fn record(&self, job: K::Job, outcome: Outcome) -> Result<(), StoreError> {
        let (id, kind) = (self.kind.id(&job).to_string(), self.kind.name());
        let owner = self.owner.clone();
        match outcome {
            Outcome::Done => {
                // The work is done: recording it must not fail on a passing database hiccup,
                // or the lease would run out and the job run again.
                let mut tries = 0;
                let recorded = loop {
                    let (job, owner) = (job.clone(), owner.clone());
                    let done = self
                        .with_kind(move |kind, conn| {
                            let at = database_now(conn)?;
                            kind.complete(conn, &job, &owner, at)
                        })
                        .await;
                    match done {
                        Ok(recorded) => break recorded,
                        Err(e) if tries < 20 => {
                            tries += 1;
                            tracing::warn!(job_id = %id, kind, error = %e, "could not record a job done yet");
                            tokio::time::sleep(Duration::from_millis(250 * tries)).await;
                        }
                        Err(e) => return Err(e),
                    }
                };
                if !recorded {
                    tracing::warn!(job_id = %id, kind, "job done after its lease ran out");
                    self.kind.lease_lost(&job).await;
                }
                Ok(())
            }
            Outcome::Later(at) => {
                self.with_kind(move |kind, conn| {
                    store::release(conn, &kind.queue(), &id, &owner, Some(at))
                })
                .await
            }
            Outcome::Failed { error, permanent } => {
                let attempt = self.kind.attempts(&job) + 1;
                let jitter: f64 = rand::rng().random();
                let policy = self.kind.pace().retry;
                let retry_in = match policy.after_failure(attempt, permanent, jitter) {
                    AfterFailure::RetryIn(delay) => {
                        tracing::warn!(job_id = %id, kind, attempt, error = %error, retry_in_secs = delay.as_secs(), "job failed; will retry");
                        Some(
                            chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1)),
                        )
                    }
                    AfterFailure::GiveUp => {
                        tracing::error!(job_id = %id, kind, attempt, error = %error, "job failed; giving up");
                        None
                    }
                };
                self.with_kind(move |kind, conn| {
                    // Due again by the database's clock, on which leases are claimed.
                    let now = database_now(conn)?;
                    let retry_at = retry_in.map(|delay| now + delay);
                    store::fail(conn, &kind.queue(), &id, &owner, &error, retry_at, now)
                })
                .await
            }
        }
    }
}
