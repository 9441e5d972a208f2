//! The periodic chores inside `belong serve`, on every check-in tick: expiring check-in links
//! that ran out, and the pair-health reviews and daily digest. Sending check-ins and their
//! reminders are jobs ([`crate::jobs`]); several processes may run all of this on one
//! database.

use tokio::sync::watch;

use crate::app::{App, checkins, health};
use crate::store::now;

/// Ticks until `stop` turns true; a tick under way is finished first.
pub async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let interval = app.settings.checkins.tick_interval;
    tracing::info!("scheduler started");
    loop {
        if *stop.borrow() {
            break;
        }
        tick(&app).await;
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    tracing::info!("scheduler stopped");
}

async fn tick(app: &App) {
    match checkins::expire_due(app).await {
        Ok(0) => {}
        Ok(expired) => tracing::info!(expired, "check-ins expired"),
        Err(e) => tracing::warn!(error = %e, "could not expire check-ins"),
    }
    if let Err(e) = health::tick(app, now()).await {
        tracing::warn!(error = %e, "pair-health review failed");
    }
}
