//! The outcomes reports: the database counts, the domain protects and summarises.

use std::collections::BTreeMap;

use super::{App, AppError};
use crate::config::Settings;
use crate::domain::employment::Kind;
use crate::domain::outcomes::belonging::{self, Belonging};
use crate::domain::outcomes::cohort::Month;
use crate::domain::outcomes::funnel::{self, Funnel};
use crate::domain::outcomes::publication::{self, Unit};
use crate::domain::outcomes::questions::{self, Asked, Distribution};
use crate::domain::outcomes::retention::{self, Spell};
use crate::domain::outcomes::{Cell, GroupBy};
use crate::domain::survey::{Kind as QuestionKind, Respondent, keys};
use crate::store::employment;
use crate::store::{AnyConnection, StoreError, now, outcomes as counts, write_tx};

fn step_keys(settings: &Settings) -> Vec<String> {
    settings
        .checkin_steps
        .iter()
        .map(|s| s.key.clone())
        .collect()
}

fn min_cell(settings: &Settings) -> u64 {
    u64::from(settings.privacy.min_cell)
}

/// The configured questions with a scale or a yes/no answer, per step and role asked.
pub fn asked(settings: &Settings) -> Vec<Asked> {
    let mut out = Vec::new();
    for step in &settings.checkin_steps {
        for (who, asked) in [
            (Respondent::Mentee, step.audience.includes_mentee()),
            (Respondent::Mentor, step.audience.includes_mentor()),
        ] {
            if !asked {
                continue;
            }
            for q in settings.checkins.surveys.questions_for(&step.survey, who) {
                if matches!(q.kind, QuestionKind::Scale { .. } | QuestionKind::YesNo) {
                    out.push(Asked {
                        question: q.key.clone(),
                        role: who.as_str().into(),
                        step: step.key.clone(),
                    });
                }
            }
        }
    }
    out
}

/// The steps at which mentees are asked the belonging question.
pub fn belonging_steps(settings: &Settings) -> Vec<String> {
    asked(settings)
        .into_iter()
        .filter(|a| a.question == keys::BELONGING && a.role == "mentee")
        .map(|a| a.step)
        .collect()
}

/// Publishes the answers that may be published now (see
/// [`crate::domain::outcomes::publication`]), before a report built from answers is read.
/// A cheap read finds nothing due almost always; otherwise one write transaction, serialised
/// across processes, counts again and publishes, so that two readers at once publish once.
pub fn publish_due(conn: &mut AnyConnection, settings: &Settings) -> Result<(), StoreError> {
    let min_cell = min_cell(settings);
    let due = |conn: &mut AnyConnection| -> Result<Vec<(counts::Unit, i64)>, StoreError> {
        let published = counts::published(conn)?;
        Ok(counts::waiting(conn)?
            .into_iter()
            .filter_map(|(unit, waiting)| {
                let (done, number) = published.get(&unit).copied().unwrap_or((0, 0));
                let state = Unit {
                    published: done,
                    waiting,
                };
                publication::may_publish(state, min_cell).then_some((unit, number + 1))
            })
            .collect())
    };
    if due(conn)?.is_empty() {
        return Ok(());
    }
    write_tx(conn, |conn| {
        counts::lock_publications(conn)?;
        let at = now();
        for (unit, number) in due(conn)? {
            let published = counts::publish(conn, &unit, number, at)?;
            tracing::info!(
                step = %unit.step,
                cohort = %unit.cohort,
                role = %unit.role,
                publication = number,
                checkins = published,
                "outcome figures published"
            );
        }
        Ok(())
    })
}

fn belonging_tables(
    conn: &mut AnyConnection,
    settings: &Settings,
) -> Result<Belonging, StoreError> {
    let rows = counts::belonging(conn, keys::BELONGING)?;
    let repeats = counts::belonging_repeats(conn, keys::BELONGING)?;
    Ok(Belonging::new(
        &rows,
        &repeats,
        &step_keys(settings),
        min_cell(settings),
    ))
}

/// The belonging trend for one slicing.
pub struct BelongingReport {
    pub view: belonging::View,
    /// The steps that ask it, in order.
    pub steps: Vec<String>,
    /// Cohorts with answers, for the filter.
    pub cohorts: Vec<Month>,
}

pub async fn belonging(
    app: &App,
    group_by: Option<GroupBy>,
    cohort: Option<Month>,
) -> Result<BelongingReport, AppError> {
    let settings = app.settings.clone();
    Ok(app
        .db
        .run(move |conn| {
            publish_due(conn, &settings)?;
            let tables = belonging_tables(conn, &settings)?;
            Ok::<_, StoreError>(BelongingReport {
                view: tables.view(group_by, cohort),
                steps: belonging_steps(&settings),
                cohorts: tables.cohorts(),
            })
        })
        .await?)
}

/// Each step's check-in funnel.
pub struct FunnelReport {
    pub steps: Vec<(String, Cell<Funnel>)>,
    pub cohorts: Vec<Month>,
}

pub async fn funnel(app: &App, cohort: Option<Month>) -> Result<FunnelReport, AppError> {
    let settings = app.settings.clone();
    let rows = app.db.run(counts::checkin_counts).await?;
    Ok(FunnelReport {
        steps: funnel::funnel(&rows, &step_keys(&settings), cohort, min_cell(&settings)),
        cohorts: cohorts_of(rows.iter().map(|r| r.cohort)),
    })
}

/// The distribution of every scale and yes/no question, per step and role.
pub struct QuestionsReport {
    pub items: Vec<(Asked, Cell<Distribution>)>,
    pub cohorts: Vec<Month>,
}

pub async fn questions(app: &App, cohort: Option<Month>) -> Result<QuestionsReport, AppError> {
    let settings = app.settings.clone();
    let by_cohort = cohort.is_some();
    let (rows, people, tables, cohorts) = app
        .db
        .run(move |conn| {
            publish_due(conn, &settings)?;
            let asked = asked(&settings);
            let mut keys: Vec<&str> = asked.iter().map(|a| a.question.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            Ok::<_, StoreError>((
                counts::answer_counts(conn, &keys, by_cohort)?,
                counts::respondents(conn, &keys, by_cohort)?,
                belonging_tables(conn, &settings)?,
                counts::cohorts(conn)?,
            ))
        })
        .await?;
    let settings = &app.settings;
    // The belonging question's figures are the belonging trend's totals: hidden there,
    // hidden here.
    let items = questions::distributions(
        &rows,
        &people,
        &asked(settings),
        cohort,
        min_cell(settings),
        |a, m| a.question == keys::BELONGING && a.role == "mentee" && tables.is_hidden(&a.step, m),
    );
    Ok(QuestionsReport { items, cohorts })
}

/// The free-text answers of one step, when enough people answered it.
pub struct Comments {
    pub step: String,
    /// People who answered the step.
    pub respondents: u64,
    /// None when fewer than `privacy.min_cell_text` answered.
    pub texts: Option<Vec<String>>,
}

pub async fn comments(app: &App, step: String) -> Result<Comments, AppError> {
    let min_text = u64::from(app.settings.privacy.min_cell_text);
    let settings = app.settings.clone();
    Ok(app
        .db
        .run(move |conn| {
            publish_due(conn, &settings)?;
            let respondents = counts::answered_at(conn, &step)?;
            let texts = if questions::comments_visible(respondents, min_text) {
                Some(counts::comments(conn, keys::COMMENT, &step)?)
            } else {
                None
            };
            Ok::<_, StoreError>(Comments {
                step,
                respondents,
                texts,
            })
        })
        .await?)
}

/// First-year retention by month of hire, as of today.
pub async fn retention(app: &App, cohort: Option<Month>) -> Result<retention::Report, AppError> {
    let min_cell = min_cell(&app.settings);
    let events = app.db.run(employment::mentee_hires_and_leavings).await?;
    let mut by_subject: BTreeMap<String, Vec<(retention::Event, chrono::NaiveDate)>> =
        BTreeMap::new();
    for (subject, event, voluntary, on) in events {
        let kind =
            Kind::parse(&event).map_err(|e| AppError::Internal(format!("stored event: {e}")))?;
        by_subject
            .entry(subject)
            .or_default()
            .push((kind.for_retention(voluntary), on));
    }
    let spells: Vec<Spell> = by_subject
        .values()
        .filter_map(|events| Spell::from_events(events))
        .collect();
    Ok(retention::report(&spells, now().date(), cohort, min_cell))
}

/// Today in UTC, the day retention counts up to.
pub fn today() -> chrono::NaiveDate {
    now().date()
}

fn cohorts_of(months: impl Iterator<Item = Month>) -> Vec<Month> {
    let mut all: Vec<Month> = months.collect();
    all.sort();
    all.dedup();
    all
}

/// A group's name as coordinators know it: the taxonomy's label, the shift's, or the month.
pub fn group_label(settings: &Settings, group_by: Option<GroupBy>, code: &str) -> String {
    let t = &settings.taxonomy;
    match group_by {
        None => "Everyone".into(),
        Some(GroupBy::Site) => t.sites.label(code).into(),
        Some(GroupBy::Profession) => t.professions.label(code).into(),
        Some(GroupBy::Specialty) => t.specialties.label(code).into(),
        Some(GroupBy::Shift) => crate::domain::profile::Shift::parse(code)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|_| code.to_string()),
        Some(GroupBy::Cohort) => Month::parse(code)
            .map(Month::label)
            .unwrap_or_else(|_| code.to_string()),
    }
}
