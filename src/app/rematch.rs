//! Re-matching a pair that does not work: the match ends as any ended match does (check-ins
//! cancelled, the mentor's place freed, the pair never proposed again) and the engine
//! proposes the best other mentor for the mentee, all in one transaction.

use uuid::Uuid;

use super::matching::{best_mentor, decide_in_tx, propose_in_tx};
use super::{App, AppError};
use crate::domain::field_error::FieldErrors;
use crate::domain::health::Resolution;
use crate::domain::matches::{Decision, Match, MatchStatus, parse_reason};
use crate::store::{exclusive_tx, matches, profiles};

fn no_match(id: Uuid) -> AppError {
    AppError::NotFound(format!("there is no match with id {id}"))
}

/// The ended match and the new proposal.
#[derive(Debug, Clone)]
pub struct Rematch {
    pub ended: Match,
    pub proposal: Match,
}

/// Ends an approved match for `reason` and proposes another mentor for the mentee. Refused,
/// with nothing changed, when the match is not running or no other mentor is eligible.
/// The pair's open flags are resolved as `rematched` by `by`, the coordinator.
#[tracing::instrument(name = "rematch", skip_all, fields(match_id = %id))]
pub async fn rematch(
    app: &App,
    id: Uuid,
    reason: Option<String>,
    by: String,
) -> Result<Rematch, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            exclusive_tx(conn, |conn| {
                let current = matches::find(conn, id)?.ok_or_else(|| no_match(id))?;
                parse_reason(reason.as_deref().unwrap_or_default())
                    .map_err(|m| AppError::Validation(FieldErrors::single("reason", m)))?;
                if current.status != MatchStatus::Approved {
                    return Err(AppError::conflict(format!(
                        "only a running (approved) match can be re-matched; this one is {}",
                        current.status
                    )));
                }
                let ended = decide_in_tx(
                    conn,
                    &config,
                    id,
                    Decision::End,
                    reason,
                    crate::store::flags::Closing {
                        resolution: Resolution::Rematched,
                        by: Some(&by),
                    },
                )?;
                let mentee = profiles::find_mentee(conn, ended.mentee_id)?.ok_or_else(|| {
                    AppError::conflict("the mentee's profile was erased")
                })?;
                let mentor = best_mentor(conn, &config, mentee, None)?.map_err(|why| {
                    AppError::conflict(format!(
                        "there is no other mentor to propose, so the match was left as it is ({why})"
                    ))
                })?;
                let proposal = propose_in_tx(conn, &config, ended.mentee_id, mentor)?;
                Ok(Rematch { ended, proposal })
            })
        })
        .await
}

/// The mentor a re-match would propose now, or why there is none (for the confirmation).
pub async fn preview(app: &App, id: Uuid) -> Result<Result<Uuid, String>, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            let current = matches::find(conn, id)?.ok_or_else(|| no_match(id))?;
            if current.status != MatchStatus::Approved {
                return Ok(Err(format!("this match is {}", current.status)));
            }
            let Some(mentee) = profiles::find_mentee(conn, current.mentee_id)? else {
                return Ok(Err("the mentee's profile was erased".into()));
            };
            // As the engine will see it once this match has ended: the pair excluded.
            best_mentor(conn, &config, mentee, Some(current.mentor_id))
        })
        .await
}
