//! The outcomes as JSON. A hidden cell names itself and says `"suppressed": true`, with no
//! numbers at all.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::outcomes::{BelongingReport, FunnelReport, QuestionsReport, group_label};
use crate::config::Settings;
use crate::domain::outcomes::cohort::Month;
use crate::domain::outcomes::retention::{Report, Retention, WINDOW_DAYS};
use crate::domain::outcomes::{Cell, GroupBy, Mean, one_decimal, share_one_decimal};
use crate::domain::survey::Kind;

fn suppressed<T>(cell: &Cell<T>) -> Option<bool> {
    cell.is_suppressed().then_some(true)
}

fn months(cohorts: &[Month]) -> Vec<String> {
    cohorts.iter().map(Month::to_string).collect()
}

/// One step and group: `{step, group, n, mean}`, or `{step, group, suppressed: true}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BelongingItem {
    #[schema(example = "month3")]
    pub step: String,
    #[schema(example = "north_campus")]
    pub group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<bool>,
}

/// One step's total over the groups shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct BelongingTotal {
    pub step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<bool>,
}

/// A group's code and the label coordinators know it by.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupLabel {
    pub group: String,
    pub label: String,
}

/// The belonging trend: mentees' mean answer to the belonging question (1–5) per step and
/// group. Cohort = the month the match was approved.
#[derive(Debug, Serialize, ToSchema)]
pub struct BelongingView {
    /// site | shift | profession | specialty | cohort; null for everyone together.
    pub group_by: Option<String>,
    /// The cohort filtered on (`YYYY-MM`), if any.
    pub cohort: Option<String>,
    /// Cells with fewer respondents are suppressed.
    pub min_cell: u32,
    /// The steps that ask the belonging question, in order.
    pub steps: Vec<String>,
    /// Cohorts with answers.
    pub cohorts: Vec<String>,
    pub groups: Vec<GroupLabel>,
    pub items: Vec<BelongingItem>,
    pub totals: Vec<BelongingTotal>,
}

fn mean_parts(cell: &Cell<Mean>) -> (Option<u64>, Option<f64>) {
    match cell {
        Cell::Shown(m) => (Some(m.n), Some(m.mean)),
        Cell::Suppressed => (None, None),
    }
}

impl BelongingView {
    pub fn new(
        report: &BelongingReport,
        settings: &Settings,
        group_by: Option<GroupBy>,
        cohort: Option<Month>,
    ) -> Self {
        let mut groups: Vec<String> = report.view.points.iter().map(|p| p.group.clone()).collect();
        groups.sort();
        groups.dedup();
        BelongingView {
            group_by: group_by.map(|g| g.as_str().to_string()),
            cohort: cohort.map(|c| c.to_string()),
            min_cell: settings.privacy.min_cell,
            steps: report.steps.clone(),
            cohorts: months(&report.cohorts),
            groups: groups
                .into_iter()
                .map(|g| GroupLabel {
                    label: group_label(settings, group_by, &g),
                    group: g,
                })
                .collect(),
            items: report
                .view
                .points
                .iter()
                .map(|p| {
                    let (n, mean) = mean_parts(&p.cell);
                    BelongingItem {
                        step: p.step.clone(),
                        group: p.group.clone(),
                        n,
                        mean,
                        suppressed: suppressed(&p.cell),
                    }
                })
                .collect(),
            totals: report
                .view
                .totals
                .iter()
                .map(|(step, cell)| {
                    let (n, mean) = mean_parts(cell);
                    BelongingTotal {
                        step: step.clone(),
                        n,
                        mean,
                        suppressed: suppressed(cell),
                    }
                })
                .collect(),
        }
    }
}

/// One step's check-ins: invited (planned, not cancelled), delivered (sent, answered or
/// expired), answered, expired, still open, not yet sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseRateItem {
    pub step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired: Option<u64>,
    /// Sent, not yet answered or expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaiting: Option<u64>,
    /// Not yet sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<u64>,
    /// answered / delivered, to one decimal of a percent (0.457); null before any was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_rate: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseRatesView {
    pub cohort: Option<String>,
    pub min_cell: u32,
    pub cohorts: Vec<String>,
    pub items: Vec<ResponseRateItem>,
}

impl ResponseRatesView {
    pub fn new(report: &FunnelReport, settings: &Settings, cohort: Option<Month>) -> Self {
        ResponseRatesView {
            cohort: cohort.map(|c| c.to_string()),
            min_cell: settings.privacy.min_cell,
            cohorts: months(&report.cohorts),
            items: report
                .steps
                .iter()
                .map(|(step, cell)| {
                    let f = cell.shown();
                    ResponseRateItem {
                        step: step.clone(),
                        invited: f.map(|f| f.invited()),
                        delivered: f.map(|f| f.delivered()),
                        answered: f.map(|f| f.answered),
                        expired: f.map(|f| f.expired),
                        awaiting: f.map(|f| f.sent),
                        scheduled: f.map(|f| f.scheduled),
                        response_rate: f.map(|f| f.response_rate().map(share_one_decimal)),
                        suppressed: suppressed(cell),
                    }
                })
                .collect(),
        }
    }
}

/// How many chose one answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerCount {
    /// The scale point, or 1 for yes and 0 for no.
    pub value: i64,
    pub label: String,
    pub count: u64,
}

/// One question asked of one role at one step.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionItem {
    #[schema(example = "fit")]
    pub question: String,
    /// mentee | mentor
    pub role: String,
    pub step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<Vec<AnswerCount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<bool>,
}

/// A question's wording and its answers, lowest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionInfo {
    pub key: String,
    pub text: String,
    /// scale | yes_no
    pub kind: String,
    pub choices: Vec<GroupLabel>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionsView {
    pub cohort: Option<String>,
    pub min_cell: u32,
    pub cohorts: Vec<String>,
    pub questions: Vec<QuestionInfo>,
    pub items: Vec<QuestionItem>,
}

/// The answers to a question, lowest value first, as (value, label).
pub fn choices(settings: &Settings, question: &str) -> Vec<(i64, String)> {
    match settings
        .checkins
        .surveys
        .question(question)
        .map(|q| &q.kind)
    {
        Some(Kind::Scale { min, labels, .. }) => labels
            .iter()
            .enumerate()
            .map(|(i, l)| (min + i as i64, l.clone()))
            .collect(),
        Some(Kind::YesNo) => vec![(0, "No".into()), (1, "Yes".into())],
        _ => Vec::new(),
    }
}

impl QuestionsView {
    pub fn new(report: &QuestionsReport, settings: &Settings, cohort: Option<Month>) -> Self {
        let mut keys: Vec<&str> = Vec::new();
        for (a, _) in &report.items {
            if !keys.contains(&a.question.as_str()) {
                keys.push(&a.question);
            }
        }
        QuestionsView {
            cohort: cohort.map(|c| c.to_string()),
            min_cell: settings.privacy.min_cell,
            cohorts: months(&report.cohorts),
            questions: keys
                .iter()
                .filter_map(|k| settings.checkins.surveys.question(k))
                .map(|q| QuestionInfo {
                    key: q.key.clone(),
                    text: q.text.clone(),
                    kind: match q.kind {
                        Kind::YesNo => "yes_no".into(),
                        _ => "scale".into(),
                    },
                    choices: choices(settings, &q.key)
                        .into_iter()
                        .map(|(v, label)| GroupLabel {
                            group: v.to_string(),
                            label,
                        })
                        .collect(),
                })
                .collect(),
            items: report
                .items
                .iter()
                .map(|(a, cell)| {
                    let d = cell.shown();
                    QuestionItem {
                        question: a.question.clone(),
                        role: a.role.clone(),
                        step: a.step.clone(),
                        n: d.map(|d| d.n),
                        mean: d.map(|d| {
                            match settings
                                .checkins
                                .surveys
                                .question(&a.question)
                                .map(|q| &q.kind)
                            {
                                Some(Kind::YesNo) => share_one_decimal(d.mean()),
                                _ => one_decimal(d.mean()),
                            }
                        }),
                        counts: d.map(|d| {
                            choices(settings, &a.question)
                                .into_iter()
                                .map(|(value, label)| AnswerCount {
                                    value,
                                    label,
                                    count: d.count(value),
                                })
                                .collect()
                        }),
                        suppressed: suppressed(cell),
                    }
                })
                .collect(),
        }
    }
}

/// The curve on a day someone left.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurvePoint {
    /// Days after hire.
    pub day: u32,
    pub at_risk: u32,
    pub exits: u32,
    pub voluntary_exits: u32,
    /// Kaplan–Meier estimate of the share still employed, every leaver an exit, to one
    /// decimal of a percent.
    pub retention: f64,
    /// The same counting only voluntary leavers.
    pub voluntary_retention: f64,
}

/// First-year retention of a cohort (month of hire) or of everyone (`cohort: "all"`).
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionGroup {
    #[schema(example = "2026-01")]
    pub cohort: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exits: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voluntary_exits: Option<u32>,
    /// The longest follow-up, in days (at most 365).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followed_days: Option<u32>,
    /// Retention at 365 days, to one decimal of a percent; null until someone has been
    /// followed that long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_12m: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voluntary_retention_12m: Option<Option<f64>>,
    /// Retention at the end of the follow-up so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_so_far: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voluntary_retention_so_far: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<Vec<CurvePoint>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<bool>,
}

/// The curve's points: each day on which someone left, counted both ways.
pub fn curve_points(r: &Retention) -> Vec<CurvePoint> {
    let mut days: Vec<u32> = r
        .all
        .steps
        .iter()
        .chain(&r.voluntary.steps)
        .map(|s| s.day)
        .collect();
    days.sort_unstable();
    days.dedup();
    days.into_iter()
        .map(|day| {
            let all = r.all.steps.iter().find(|s| s.day == day);
            let voluntary = r.voluntary.steps.iter().find(|s| s.day == day);
            CurvePoint {
                day,
                at_risk: all.or(voluntary).map_or(0, |s| s.at_risk),
                exits: all.map_or(0, |s| s.exits),
                voluntary_exits: voluntary.map_or(0, |s| s.exits),
                retention: share_one_decimal(r.all.at(day).unwrap_or(0.0)),
                voluntary_retention: share_one_decimal(r.voluntary.at(day).unwrap_or(0.0)),
            }
        })
        .collect()
}

impl RetentionGroup {
    pub fn new(cohort: String, cell: &Cell<Retention>) -> Self {
        let r = cell.shown();
        let so_far = |c: &crate::domain::outcomes::retention::Curve| {
            share_one_decimal(c.at(c.followed_days.min(WINDOW_DAYS)).unwrap_or(0.0))
        };
        RetentionGroup {
            cohort,
            n: r.map(|r| r.people),
            exits: r.map(|r| r.exits),
            voluntary_exits: r.map(|r| r.voluntary_exits),
            followed_days: r.map(|r| r.all.followed_days),
            retention_12m: r.map(|r| r.all.at(WINDOW_DAYS).map(share_one_decimal)),
            voluntary_retention_12m: r.map(|r| r.voluntary.at(WINDOW_DAYS).map(share_one_decimal)),
            retention_so_far: r.map(|r| so_far(&r.all)),
            voluntary_retention_so_far: r.map(|r| so_far(&r.voluntary)),
            curve: r.map(curve_points),
            suppressed: suppressed(cell),
        }
    }
}

/// Kaplan–Meier first-year retention of the people who came as mentees, by month of hire.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionView {
    /// The first-year retention the curve is drawn against.
    pub benchmark: f64,
    pub window_days: u32,
    pub min_cell: u32,
    /// The day the follow-up ends for everyone still employed.
    pub as_of: NaiveDate,
    pub cohort: Option<String>,
    pub all: RetentionGroup,
    pub cohorts: Vec<RetentionGroup>,
}

impl RetentionView {
    pub fn new(
        report: &Report,
        settings: &Settings,
        cohort: Option<Month>,
        as_of: NaiveDate,
    ) -> Self {
        RetentionView {
            benchmark: settings.outcomes.retention_benchmark,
            window_days: WINDOW_DAYS,
            min_cell: settings.privacy.min_cell,
            as_of,
            cohort: cohort.map(|c| c.to_string()),
            all: RetentionGroup::new("all".into(), &report.all),
            cohorts: report
                .cohorts
                .iter()
                .map(|(m, cell)| RetentionGroup::new(m.to_string(), cell))
                .collect(),
        }
    }
}

/// The free-text answers of one step, shown only for a group of `min_cell_text` or more.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentsView {
    pub step: String,
    pub min_cell_text: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<bool>,
}
