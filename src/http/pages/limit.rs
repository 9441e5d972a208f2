//! A per-address limit on form submissions, so a script cannot flood the sign-up forms.
//! Counted per process in fixed one-minute windows.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimit {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimit {
    pub fn new(per_minute: u32) -> Self {
        RateLimit {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one submission from `addr`; false when it is over the limit.
    pub fn allow(&self, addr: IpAddr) -> bool {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return true;
        };
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = windows.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_address() {
        let limit = RateLimit::new(2);
        let (a, b): (IpAddr, IpAddr) = (
            "10.0.0.1".parse().expect("ip"),
            "10.0.0.2".parse().expect("ip"),
        );
        assert!(limit.allow(a) && limit.allow(a));
        assert!(!limit.allow(a));
        assert!(limit.allow(b));
    }
}
