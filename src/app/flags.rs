//! Risk flags as coordinators work with them: lists, a pair's health, acknowledging and
//! resolving. Who did what is recorded with each step.

use std::collections::HashMap;

use uuid::Uuid;

use super::{App, AppError};
use crate::domain::field_error::FieldErrors;
use crate::domain::health::{
    FlagAction, FlagStatus, Health, RaisedFlag, Resolution, Rule, flag_transition, parse_note,
};
use crate::domain::matches::{Match, MatchStatus};
use crate::domain::page::Page;
use crate::store::flags::{self as rows, Filter, FlagRow, health_tx};
use crate::store::{AnyConnection, StoreError, health as facts, matches, now};

/// A flag with its pair and the pair's health (`None` once the match no longer runs).
#[derive(Debug, Clone)]
pub struct PairFlag {
    pub flag: RaisedFlag,
    pub health: Option<Health>,
    pub mentee_id: String,
    pub mentor_id: String,
}

/// Which flags a list holds.
#[derive(Debug, Clone, Default)]
pub struct FlagFilter {
    pub status: Option<FlagStatus>,
    pub rule: Option<Rule>,
    pub match_id: Option<Uuid>,
}

/// The pair health of the matches behind these flags.
fn with_health(conn: &mut AnyConnection, rows: Vec<FlagRow>) -> Result<Vec<PairFlag>, StoreError> {
    let mut ids: Vec<String> = rows.iter().map(|r| r.match_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let pairs: HashMap<String, (String, String, String)> = facts::match_pairs(conn, &ids)?
        .into_iter()
        .map(|(id, status, mentee, mentor)| (id, (status, mentee, mentor)))
        .collect();
    let healths = super::health::healths(conn)?;
    rows.into_iter()
        .map(|row| {
            let (status, mentee_id, mentor_id) =
                pairs.get(&row.match_id).cloned().unwrap_or_default();
            let health = (status == MatchStatus::Approved.as_str()).then(|| {
                healths
                    .get(&row.match_id)
                    .copied()
                    .unwrap_or(Health::OnTrack)
            });
            Ok(PairFlag {
                flag: RaisedFlag::try_from(row)?,
                health,
                mentee_id,
                mentor_id,
            })
        })
        .collect()
}

/// A page of flags in the order they were raised.
pub async fn list(
    app: &App,
    filter: FlagFilter,
    after: i64,
    limit: i64,
) -> Result<Page<PairFlag>, AppError> {
    let filter = Filter {
        status: filter.status.map(|s| s.as_str().to_string()),
        rule: filter.rule.map(|r| r.as_str().to_string()),
        match_id: filter.match_id.map(|m| m.to_string()),
    };
    let page = app
        .db
        .run(move |conn| {
            let page = rows::list(conn, &filter, after, limit)?;
            Ok::<_, StoreError>(Page {
                items: with_health(conn, page.items)?,
                next_after: page.next_after,
            })
        })
        .await?;
    Ok(page)
}

/// For the console: unresolved flags first (open, then acknowledged), newest first in each,
/// then the latest resolved ones.
pub async fn worklist_flags(
    app: &App,
    status: Option<FlagStatus>,
    rule: Option<Rule>,
    match_id: Option<Uuid>,
) -> Result<Vec<PairFlag>, AppError> {
    Ok(app
        .db
        .run(move |conn| {
            let rule = rule.map(Rule::as_str);
            if let Some(m) = match_id {
                let mut flags = rows::of_match(conn, &m.to_string())?;
                flags.retain(|f| {
                    status.is_none_or(|s| f.status == s.as_str())
                        && rule.is_none_or(|r| f.rule == r)
                });
                flags.sort_by_key(|f| (rank(&f.status), -f.seq));
                return with_health(conn, flags);
            }
            let statuses = match status {
                Some(s) => vec![(s, 500)],
                None => vec![
                    (FlagStatus::Open, 500),
                    (FlagStatus::Acknowledged, 500),
                    (FlagStatus::Resolved, 50),
                ],
            };
            let mut all = Vec::new();
            for (status, limit) in statuses {
                all.extend(rows::newest(conn, status, rule, limit)?);
            }
            with_health(conn, all)
        })
        .await?)
}

/// Open first, then acknowledged, then resolved.
fn rank(status: &str) -> u8 {
    match FlagStatus::parse(status) {
        Ok(FlagStatus::Open) => 0,
        Ok(FlagStatus::Acknowledged) => 1,
        _ => 2,
    }
}

/// A match, its health while it runs, and all its flags (unresolved first).
pub struct MatchHealth {
    pub m: Match,
    pub health: Option<Health>,
    pub flags: Vec<RaisedFlag>,
}

pub async fn match_health(app: &App, match_id: Uuid) -> Result<MatchHealth, AppError> {
    app.db
        .run(move |conn| {
            let m = matches::find(conn, match_id)?.ok_or_else(|| {
                AppError::NotFound(format!("there is no match with id {match_id}"))
            })?;
            let mut flags = rows::of_match(conn, &match_id.to_string())?;
            flags.sort_by_key(|f| (rank(&f.status), -f.seq));
            let flags = flags
                .into_iter()
                .map(RaisedFlag::try_from)
                .collect::<Result<Vec<_>, _>>()?;
            let health = (m.status == MatchStatus::Approved).then(|| {
                Health::of(
                    flags
                        .iter()
                        .filter(|f| f.status != FlagStatus::Resolved)
                        .map(|f| f.severity),
                )
            });
            Ok(MatchHealth { m, health, flags })
        })
        .await
}

/// How many flags wait for a coordinator: (open, acknowledged).
pub async fn waiting(app: &App) -> Result<(i64, i64), AppError> {
    Ok(app.db.run(rows::unresolved_counts).await?)
}

/// The health of every running pair with an unresolved flag.
pub async fn healths(app: &App) -> Result<HashMap<String, Health>, AppError> {
    Ok(app.db.run(super::health::healths).await?)
}

fn no_flag(id: Uuid) -> AppError {
    AppError::NotFound(format!("there is no flag with id {id}"))
}

/// Open → acknowledged (again: no change). `by` says who, for the record.
pub async fn acknowledge_flag(app: &App, id: Uuid, by: String) -> Result<PairFlag, AppError> {
    decide(app, id, FlagAction::Acknowledge, by, None, None).await
}

/// Resolves an open or acknowledged flag with a coordinator's resolution and note.
pub async fn resolve_flag(
    app: &App,
    id: Uuid,
    by: String,
    resolution: Option<String>,
    note: Option<String>,
) -> Result<PairFlag, AppError> {
    decide(app, id, FlagAction::Resolve, by, resolution, note).await
}

async fn decide(
    app: &App,
    id: Uuid,
    action: FlagAction,
    by: String,
    resolution: Option<String>,
    note: Option<String>,
) -> Result<PairFlag, AppError> {
    app.db
        .run(move |conn| {
            health_tx(conn, |conn| {
                let key = id.to_string();
                let current = rows::find(conn, &key)?.ok_or_else(|| no_flag(id))?;
                let chosen = match action {
                    FlagAction::Acknowledge => None,
                    FlagAction::Resolve => Some(check_resolution(resolution, note)?),
                };
                let status = FlagStatus::parse(&current.status).map_err(StoreError::Corrupt)?;
                let to = flag_transition(action, status).map_err(AppError::conflict)?;
                let at = now();
                let changed = match (to, chosen) {
                    (None, _) => true,
                    (Some(_), None) => rows::acknowledge(conn, &key, &by, at)?,
                    (Some(_), Some((resolution, note))) => {
                        rows::resolve(conn, &key, resolution, note.as_deref(), Some(&by), at)?
                    }
                };
                if !changed {
                    return Err(AppError::conflict("the flag changed meanwhile; try again"));
                }
                let row = rows::find(conn, &key)?.ok_or_else(|| no_flag(id))?;
                with_health(conn, vec![row])?
                    .into_iter()
                    .next()
                    .ok_or_else(|| no_flag(id))
            })
        })
        .await
}

fn check_resolution(
    resolution: Option<String>,
    note: Option<String>,
) -> Result<(Resolution, Option<String>), AppError> {
    let mut errors = FieldErrors::new();
    let resolution = errors.check(
        "resolution",
        Resolution::parse_chosen(resolution.as_deref().unwrap_or_default()),
    );
    let note = errors.check("note", parse_note(note.as_deref()));
    match (resolution, note) {
        (Some(r), Some(n)) if errors.is_empty() => Ok((r, n)),
        _ => Err(AppError::Validation(errors)),
    }
}
