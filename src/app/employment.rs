//! Recording employment events from an HR feed (JSON or CSV), all or nothing, and reading
//! them back.

use std::collections::HashMap;

use uuid::Uuid;

use super::{App, AppError};
use crate::domain::employment::{self, EventInput, RawEvent, StoredEvent};
use crate::domain::field_error::FieldErrors;
use crate::domain::page::Page;
use crate::store::employment::{self as rows, EventRow};
use crate::store::{AnyConnection, exclusive_tx, now};

/// What became of a batch: every event is new, a correction, or already known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Received {
    pub received: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// At most this many problems are listed; a file with more is wrong throughout.
const MAX_ERRORS: usize = 50;

/// Names a field of the event at a position, e.g. `[2].email` or `row 3, column email`.
pub type FieldName = std::sync::Arc<dyn Fn(usize, &str) -> String + Send + Sync>;

/// Records a batch of events: nothing is stored unless every event is valid and names a
/// person on file. Sending the same events again changes nothing; a leaving sent again with
/// `voluntary` changed corrects it. `events` holds `None` where the input had something that
/// is not an event at all, already described in `errors` with any other problem of the input.
pub async fn record(
    app: &App,
    events: Vec<Option<RawEvent>>,
    name: FieldName,
    mut errors: FieldErrors,
) -> Result<Received, AppError> {
    if events.is_empty() {
        return Err(FieldErrors::single("", "send at least one event").into());
    }
    let today = now().date();
    let mut parsed = Vec::with_capacity(events.len());
    for (i, raw) in events.iter().enumerate() {
        match raw.as_ref().map(|raw| employment::parse(raw, today)) {
            Some(Ok(e)) => parsed.push(Some(e)),
            Some(Err(e)) => {
                for fe in e.iter() {
                    errors.add(name(i, &fe.field), fe.message.clone());
                }
                parsed.push(None);
            }
            None => parsed.push(None),
        }
    }
    app.db
        .run(move |conn| {
            let people = resolve(conn, &parsed, &name, &mut errors)?;
            if !errors.is_empty() {
                return Err(capped(errors).into());
            }
            // Each distinct event once, in the order sent.
            let mut seen: HashMap<
                (String, &'static str, chrono::NaiveDate),
                (usize, Option<bool>),
            > = HashMap::new();
            let mut batch: Vec<EventRow> = Vec::new();
            for (i, (event, (id, role))) in parsed.iter().flatten().zip(&people).enumerate() {
                let key = (
                    id.clone(),
                    event.event.kind.as_str(),
                    event.event.occurred_on,
                );
                match seen.get(&key) {
                    Some((first, voluntary)) if *voluntary != event.event.voluntary => errors.add(
                        name(i, "voluntary"),
                        format!(
                            "contradicts the same event at {}",
                            name(*first, "voluntary")
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        seen.insert(key, (i, event.event.voluntary));
                        batch.push(EventRow {
                            seq: 0,
                            id: Uuid::now_v7().to_string(),
                            person_id: Some(id.clone()),
                            subject: id.clone(),
                            role: role.clone(),
                            event: event.event.kind.as_str().into(),
                            voluntary: event.event.voluntary,
                            occurred_on: event.event.occurred_on,
                            created_at: now(),
                        });
                    }
                }
            }
            if !errors.is_empty() {
                return Err(capped(errors).into());
            }
            let received = Received {
                received: parsed.len(),
                unchanged: parsed.len() - batch.len(),
                ..Received::default()
            };
            exclusive_tx(conn, |conn| store(conn, batch, received))
        })
        .await
}

/// Who each valid event is about, as (profile id, role), in the order of the valid events;
/// unknown or ambiguous people are added to `errors`.
fn resolve(
    conn: &mut AnyConnection,
    parsed: &[Option<EventInput>],
    name: &FieldName,
    errors: &mut FieldErrors,
) -> Result<Vec<(String, String)>, AppError> {
    let ids: Vec<String> = parsed
        .iter()
        .flatten()
        .filter_map(|e| e.person.id.map(|id| id.to_string()))
        .collect();
    let emails: Vec<String> = parsed
        .iter()
        .flatten()
        .filter_map(|e| e.person.email.as_ref().map(|m| m.as_str().to_string()))
        .collect();
    let by_id: HashMap<String, String> = rows::people_by_id(conn, &ids)?.into_iter().collect();
    let mut by_email: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (email, id, role) in rows::people_by_email(conn, &emails)? {
        by_email.entry(email).or_default().push((id, role));
    }
    let mut people = Vec::new();
    for (i, event) in parsed.iter().enumerate() {
        let Some(event) = event else { continue };
        let from_id = event.person.id.map(|id| {
            let id = id.to_string();
            by_id.get(&id).map(|role| (id, role.clone()))
        });
        let from_email = event
            .person
            .email
            .as_ref()
            .map(|e| by_email.get(e.as_str()).cloned().unwrap_or_default());
        let person = match (from_id, from_email) {
            (Some(None), _) => {
                errors.add(
                    name(i, "person_id"),
                    "no mentee or mentor on file has this id",
                );
                None
            }
            (Some(Some(p)), Some(matches)) if !matches.contains(&p) => {
                errors.add(
                    name(i, "email"),
                    "is not the address of the person with this person_id",
                );
                None
            }
            (Some(Some(p)), _) => Some(p),
            (None, Some(matches)) => match matches.as_slice() {
                [one] => Some(one.clone()),
                [] => {
                    errors.add(
                        name(i, "email"),
                        "no mentee or mentor on file has this address",
                    );
                    None
                }
                _ => {
                    errors.add(
                        name(i, "email"),
                        "is both a mentee's and a mentor's address; give person_id instead",
                    );
                    None
                }
            },
            (None, None) => None,
        };
        if let Some(p) = person {
            people.push(p);
        }
    }
    Ok(people)
}

/// Stores new events and corrections; counts what changed.
fn store(
    conn: &mut AnyConnection,
    batch: Vec<EventRow>,
    mut received: Received,
) -> Result<Received, AppError> {
    let subjects: Vec<String> = batch.iter().map(|r| r.subject.clone()).collect();
    let stored: HashMap<(String, String, chrono::NaiveDate), EventRow> =
        rows::of_subjects(conn, &subjects)?
            .into_iter()
            .map(|r| ((r.subject.clone(), r.event.clone(), r.occurred_on), r))
            .collect();
    for row in batch {
        match stored.get(&(row.subject.clone(), row.event.clone(), row.occurred_on)) {
            Some(old) if old.voluntary == row.voluntary => received.unchanged += 1,
            Some(old) => {
                rows::set_voluntary(conn, &old.id, row.voluntary.unwrap_or(false))?;
                received.updated += 1;
            }
            None => {
                rows::insert(conn, &row)?;
                received.created += 1;
            }
        }
    }
    Ok(received)
}

fn capped(errors: FieldErrors) -> FieldErrors {
    let all = errors.into_vec();
    let mut out = FieldErrors::new();
    for e in all.iter().take(MAX_ERRORS) {
        out.add(e.field.clone(), e.message.clone());
    }
    if all.len() > MAX_ERRORS {
        out.add("", format!("and {} more problems", all.len() - MAX_ERRORS));
    }
    out
}

/// A page of the events of people on file (of one person, when given), in the order received.
pub async fn list(
    app: &App,
    person_id: Option<Uuid>,
    after: i64,
    limit: i64,
) -> Result<Page<StoredEvent>, AppError> {
    Ok(app
        .db
        .run(move |conn| {
            let person = person_id.map(|p| p.to_string());
            rows::list(conn, person.as_deref(), after, limit)?.try_map(StoredEvent::try_from)
        })
        .await?)
}
