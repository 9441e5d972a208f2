//! The outcomes as CSV, one row per cell; a suppressed cell has empty numbers and
//! `suppressed` = true. The console's downloads are the same files.

use super::views::{BelongingView, QuestionsView, ResponseRatesView, RetentionView};
use crate::http::csv::{number, write};

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A published figure: a mean to one decimal, a share to one decimal of a percent (the
/// views have rounded them already).
fn decimal(v: Option<f64>) -> String {
    v.map(|v| number(v, 3)).unwrap_or_default()
}

fn flag(v: Option<bool>) -> String {
    v.unwrap_or(false).to_string()
}

pub fn belonging(view: &BelongingView) -> String {
    let label = |group: &str| {
        view.groups
            .iter()
            .find(|g| g.group == group)
            .map(|g| g.label.clone())
            .unwrap_or_default()
    };
    write(
        &["step", "group", "label", "n", "mean", "suppressed"],
        view.items.iter().map(|i| {
            vec![
                i.step.clone(),
                i.group.clone(),
                label(&i.group),
                opt(i.n),
                decimal(i.mean),
                flag(i.suppressed),
            ]
        }),
    )
}

pub fn response_rates(view: &ResponseRatesView) -> String {
    write(
        &[
            "step",
            "invited",
            "delivered",
            "answered",
            "expired",
            "awaiting",
            "scheduled",
            "response_rate",
            "suppressed",
        ],
        view.items.iter().map(|i| {
            vec![
                i.step.clone(),
                opt(i.invited),
                opt(i.delivered),
                opt(i.answered),
                opt(i.expired),
                opt(i.awaiting),
                opt(i.scheduled),
                decimal(i.response_rate.flatten()),
                flag(i.suppressed),
            ]
        }),
    )
}

pub fn questions(view: &QuestionsView) -> String {
    let mut rows = Vec::new();
    for i in &view.items {
        match &i.counts {
            Some(counts) => rows.extend(counts.iter().map(|c| {
                vec![
                    i.question.clone(),
                    i.role.clone(),
                    i.step.clone(),
                    c.value.to_string(),
                    c.label.clone(),
                    c.count.to_string(),
                    opt(i.n),
                    "false".into(),
                ]
            })),
            None => rows.push(vec![
                i.question.clone(),
                i.role.clone(),
                i.step.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "true".into(),
            ]),
        }
    }
    write(
        &[
            "question",
            "role",
            "step",
            "value",
            "label",
            "count",
            "n",
            "suppressed",
        ],
        rows,
    )
}

pub fn retention(view: &RetentionView) -> String {
    write(
        &[
            "cohort",
            "n",
            "exits",
            "voluntary_exits",
            "followed_days",
            "retention_12m",
            "voluntary_retention_12m",
            "retention_so_far",
            "voluntary_retention_so_far",
            "benchmark",
            "suppressed",
        ],
        view.cohorts.iter().chain([&view.all]).map(|g| {
            vec![
                g.cohort.clone(),
                opt(g.n),
                opt(g.exits),
                opt(g.voluntary_exits),
                opt(g.followed_days),
                decimal(g.retention_12m.flatten()),
                decimal(g.voluntary_retention_12m.flatten()),
                decimal(g.retention_so_far),
                decimal(g.voluntary_retention_so_far),
                number(view.benchmark, 4),
                flag(g.suppressed),
            ]
        }),
    )
}
