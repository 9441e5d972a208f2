//! The scheduler inside `belong serve`: on each tick it sends the check-ins and reminders that
//! are due, expires old links, and runs the pair-health reviews and the daily digest. Several
//! processes may run it on one database; leases and conditional updates make each check-in go
//! out once.

use std::time::Duration;

use tokio::sync::watch;

use crate::app::{App, checkins, health};
use crate::store::now;

pub struct Scheduler {
    app: App,
    /// This process's name on the leases it takes.
    owner: String,
}

impl Scheduler {
    pub fn new(app: App) -> Self {
        Scheduler {
            app,
            owner: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Ticks until `stop` turns true; a tick under way is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let interval = self.app.settings.checkins.tick_interval;
        tracing::info!(owner = %self.owner, "check-in scheduler started");
        loop {
            if *stop.borrow() {
                break;
            }
            let busy = self.tick().await;
            let pause = if busy { Duration::ZERO } else { interval };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        tracing::info!("check-in scheduler stopped");
    }

    /// One pass; true when a full batch was handled and more may be waiting.
    async fn tick(&self) -> bool {
        let mut busy = false;
        match checkins::send_due(&self.app, &self.owner).await {
            Ok(sent) => {
                if sent.invitations + sent.reminders + sent.expired > 0 {
                    tracing::info!(
                        invitations = sent.invitations,
                        reminders = sent.reminders,
                        expired = sent.expired,
                        "check-ins sent"
                    );
                }
                busy = sent.invitations + sent.reminders >= checkins::BATCH as usize;
            }
            Err(e) => tracing::warn!(error = %e, "check-in scheduler could not send"),
        }
        if let Err(e) = health::tick(&self.app, now()).await {
            tracing::warn!(error = %e, "pair-health review failed");
        }
        busy
    }
}
