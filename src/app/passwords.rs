//! Password checks on a few threads of their own. Argon2 needs 19 MiB for every check; run on
//! an unbounded pool, a flood of sign-ins would need that many times over. Here a fixed number
//! of threads each keep one block of memory and reuse it (giving it back when idle), and a
//! sign-in that finds them all busy is turned away at once (the caller answers 429) instead of
//! waiting in a queue.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A thread that has had nothing to check for this long gives its memory back.
const IDLE: Duration = Duration::from_secs(30);

/// Threads when the setting leaves it to Belong: four checks at once hold about 76 MiB, so a
/// flood of sign-ins never grows the process by more than that, however many cores it has.
pub const DEFAULT_MOST: usize = 4;

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// The hashing threads, started on first use, and stopped when this is dropped.
pub struct Hashers {
    threads: usize,
    permits: Arc<Semaphore>,
    queue: Arc<Queue>,
    started: std::sync::Once,
}

/// Jobs waiting for a thread: never more than there are threads, as each holds a permit.
#[derive(Default)]
struct Queue {
    state: Mutex<State>,
    ready: Condvar,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    closed: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A hashing thread held for one sign-in, from before its attempt is counted until its
/// password has been checked.
pub struct Slot {
    permit: OwnedSemaphorePermit,
    queue: Arc<Queue>,
}

impl Hashers {
    /// `threads` of them; 0 means twice the number of cores, at most [`DEFAULT_MOST`].
    pub fn new(threads: usize) -> Self {
        let threads = match threads {
            0 => {
                (2 * std::thread::available_parallelism().map_or(1, usize::from)).min(DEFAULT_MOST)
            }
            n => n,
        };
        Hashers {
            threads,
            permits: Arc::new(Semaphore::new(threads)),
            queue: Arc::default(),
            started: std::sync::Once::new(),
        }
    }

    /// A free thread, or `None` when every one is taken.
    pub fn try_reserve(&self) -> Option<Slot> {
        let permit = self.permits.clone().try_acquire_owned().ok()?;
        self.started.call_once(|| start(self.threads, &self.queue));
        Some(Slot {
            permit,
            queue: self.queue.clone(),
        })
    }
}

impl Drop for Hashers {
    fn drop(&mut self) {
        self.queue.lock().closed = true;
        self.queue.ready.notify_all();
    }
}

impl Slot {
    /// Whether `password` matches the PHC string `stored` (false for a malformed one).
    pub async fn verify(self, password: String, stored: String) -> bool {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let permit = self.permit;
        let job: Job = Box::new(move |memory| {
            let _ = reply.send(verify_with(memory, password.as_bytes(), &stored));
            // Released only once the check is done, even when the sign-in was abandoned
            // meanwhile: no more checks ever run or wait than there are threads.
            drop(permit);
        });
        self.queue.lock().jobs.push_back(job);
        self.queue.ready.notify_one();
        answer.await.unwrap_or(false)
    }
}

fn start(threads: usize, queue: &Arc<Queue>) {
    for n in 0..threads {
        let queue = queue.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("belong-hash-{n}"))
            .spawn(move || work(&queue));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a password hashing thread");
        }
    }
}

fn work(queue: &Queue) {
    let mut memory: Vec<Block> = Vec::new();
    loop {
        let job = {
            let mut state = queue.lock();
            loop {
                if state.closed {
                    return;
                }
                if let Some(job) = state.jobs.pop_front() {
                    break Some(job);
                }
                let (next, waited) = queue
                    .ready
                    .wait_timeout(state, IDLE)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                state = next;
                if waited.timed_out() && state.jobs.is_empty() {
                    break None;
                }
            }
        };
        match job {
            Some(job) => job(&mut memory),
            None => memory = Vec::new(),
        }
    }
}

/// Argon2 verification of a PHC string, with `memory` as its working memory (grown to what
/// the stored parameters need, and kept for the next check).
fn verify_with(memory: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(hash.algorithm.as_str()),
        Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    argon2
        .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..blocks])
        .is_ok()
        && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHasher;

    #[test]
    fn verifies_what_argon2_hashed() {
        let stored = Argon2::default()
            .hash_password(b"tea before the night shift")
            .expect("hash")
            .to_string();
        let mut memory = Vec::new();
        assert!(verify_with(
            &mut memory,
            b"tea before the night shift",
            &stored
        ));
        assert!(!verify_with(
            &mut memory,
            b"tea after the night shift",
            &stored
        ));
        assert!(!verify_with(&mut memory, b"x", "not a hash"));
        assert_eq!(memory.len(), Params::default().block_count());
    }

    #[tokio::test]
    async fn turns_away_what_it_cannot_take_at_once() {
        let hashers = Hashers::new(2);
        let (a, b) = (hashers.try_reserve(), hashers.try_reserve());
        assert!(a.is_some() && b.is_some());
        assert!(hashers.try_reserve().is_none(), "both threads are taken");
        drop(a);
        let slot = hashers.try_reserve().expect("a thread is free again");
        assert!(!slot.verify("x".into(), "not a hash".into()).await);
    }

    #[tokio::test]
    async fn an_abandoned_check_keeps_its_thread_until_it_is_done() {
        let stored = Argon2::default()
            .hash_password(b"tea before the night shift")
            .expect("hash")
            .to_string();
        let hashers = Hashers::new(1);
        let slot = hashers.try_reserve().expect("a thread");
        let check = slot.verify("wrong".into(), stored.clone());
        // The sign-in gives up (its client went away) while the check runs.
        let _ = tokio::time::timeout(Duration::from_millis(1), check).await;
        assert!(
            hashers.try_reserve().is_none(),
            "nothing else may start or queue while it runs"
        );
        let mut free = None;
        for _ in 0..500 {
            free = hashers.try_reserve();
            if free.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let slot = free.expect("the thread is free once the check is done");
        assert!(
            slot.verify("tea before the night shift".into(), stored)
                .await
        );
    }
}
