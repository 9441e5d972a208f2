//! The limits on sign-ups and sign-ins, per client address and per account, counted in the
//! database so that every instance on it shares them.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use super::{App, AppError};
use crate::config::ServerSettings;
use crate::store::limits::{self, Backoff};
use crate::store::{AnyConnection, StoreError, write_tx};

/// The sign-up window: posts are counted per address and minute.
const SIGNUP_WINDOW_MS: i64 = 60_000;

/// Failed sign-ins are forgotten an hour after the last one (longer than any wait).
const FORGET_MS: i64 = 3_600_000;

/// The wall clock in milliseconds since 1970, as the counters keep time.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Seconds to tell a client to wait, rounded up, at least one.
pub fn retry_after_secs(wait_ms: i64) -> u64 {
    u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1)
}

/// Counts one sign-up post from `address`; `Err(seconds)` when the address is over its limit.
pub async fn count_signup(app: &App, address: IpAddr) -> Result<Result<(), u64>, AppError> {
    let per_minute = i64::from(app.settings.server.signup_posts_per_minute);
    let subject = format!("signup:{address}");
    let now = now_ms();
    let (hits, ends) = app
        .db
        .run(move |conn| {
            let counted = limits::count_hit(conn, &subject, now, SIGNUP_WINDOW_MS)?;
            tidy(conn, now)?;
            Ok::<_, StoreError>(counted)
        })
        .await?;
    Ok(if i64::from(hits) <= per_minute {
        Ok(())
    } else {
        Err(retry_after_secs(ends - now))
    })
}

/// What a sign-in's attempt is counted under.
pub struct LoginSubjects {
    pub account: String,
    pub address: String,
}

impl LoginSubjects {
    /// The account is kept as a hash: the table never holds an email someone typed.
    pub fn new(email: &str, address: &str) -> Self {
        let digest: String = Sha256::digest(email.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        LoginSubjects {
            account: format!("login-account:{digest}"),
            address: format!("login-address:{address}"),
        }
    }
}

/// How failures per account and per address are slowed down.
pub fn backoffs(server: &ServerSettings) -> (Backoff, Backoff) {
    let backoff = |free: u32| Backoff {
        free: i32::try_from(free).unwrap_or(i32::MAX),
        first_wait_ms: i64::from(server.login_wait_secs) * 1000,
        cap_ms: i64::from(server.login_wait_cap_secs) * 1000,
        forget_ms: FORGET_MS,
    };
    (
        backoff(server.login_failures_per_account),
        backoff(server.login_failures_per_address),
    )
}

/// Why an attempt was not counted.
enum Refused {
    /// The address or the account must wait this many milliseconds.
    Wait(i64),
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

/// Counts a sign-in attempt as a failure of its address and of its account before the
/// password is checked, both or neither. `Ok(Err(ms))` when one of them must still wait.
pub fn count_login_attempt(
    conn: &mut AnyConnection,
    subjects: &LoginSubjects,
    server: &ServerSettings,
    now: i64,
) -> Result<Result<(), i64>, StoreError> {
    let (per_account, per_address) = backoffs(server);
    // Always the address first, then the account: on PostgreSQL the two rows are locked in
    // the same order by every attempt, so attempts never wait for each other in a circle.
    let counted = write_tx(conn, |conn| {
        if limits::count_failure(conn, &subjects.address, now, &per_address)?.is_none() {
            return Err(Refused::Wait(limits::wait_left(
                conn,
                &subjects.address,
                now,
            )?));
        }
        if limits::count_failure(conn, &subjects.account, now, &per_account)?.is_none() {
            // Rolled back: the address's count is taken back with it.
            return Err(Refused::Wait(limits::wait_left(
                conn,
                &subjects.account,
                now,
            )?));
        }
        Ok(())
    });
    let answer = match counted {
        Ok(()) => Ok(()),
        Err(Refused::Wait(ms)) => Err(ms.max(1)),
        Err(Refused::Store(e)) => return Err(e),
    };
    tidy(conn, now)?;
    Ok(answer)
}

/// After a successful sign-in: the account starts afresh, and the address gets its attempt
/// back.
pub fn login_succeeded(
    conn: &mut AnyConnection,
    subjects: &LoginSubjects,
    server: &ServerSettings,
    now: i64,
) -> Result<(), StoreError> {
    let (_, per_address) = backoffs(server);
    limits::clear(conn, &subjects.account)?;
    limits::uncount_failure(conn, &subjects.address, now, &per_address)
}

/// Removes the counters that have expired, so that the table holds only live windows. Cheap
/// when there are none (an index range that is empty), and done outside the counting
/// transaction.
fn tidy(conn: &mut AnyConnection, now: i64) -> Result<(), StoreError> {
    limits::purge(conn, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_told_in_whole_seconds_rounded_up() {
        assert_eq!(retry_after_secs(0), 1);
        assert_eq!(retry_after_secs(1), 1);
        assert_eq!(retry_after_secs(1000), 1);
        assert_eq!(retry_after_secs(1001), 2);
        assert_eq!(retry_after_secs(900_000), 900);
    }

    #[test]
    fn accounts_are_counted_under_a_hash() {
        let s = LoginSubjects::new("grace@example.org", "10.0.0.1");
        assert!(!s.account.contains("grace"));
        assert_eq!(s.account.len(), "login-account:".len() + 64);
        assert_eq!(s.address, "login-address:10.0.0.1");
    }
}
