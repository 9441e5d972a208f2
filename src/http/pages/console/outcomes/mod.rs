//! The outcomes pages: a chart drawn on the server, its numbers in a table, GET filters, CSV.

pub mod belonging;
pub mod checkins;
pub mod questions;
pub mod retention;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use crate::app::App;
use crate::domain::outcomes::cohort::Month;
use crate::http::pages::render::Page;

/// "day14" → "Day 14", "month3" → "Month 3"; other keys as they are, capitalised.
pub fn step_label(key: &str) -> String {
    let split = key.find(|c: char| c.is_ascii_digit()).unwrap_or(key.len());
    let (word, number) = key.split_at(split);
    let mut chars = word.chars();
    let word = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => String::new(),
    };
    if number.is_empty() {
        word
    } else {
        format!("{word} {number}")
    }
}

/// A choice in a filter's drop-down.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn cohort_choices(cohorts: &[Month], selected: Option<Month>) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: "All cohorts".into(),
        selected: selected.is_none(),
    })
    .chain(cohorts.iter().rev().map(|m| Choice {
        value: m.to_string(),
        label: m.label(),
        selected: selected == Some(*m),
    }))
    .collect()
}

/// The query string of the page's filters, for its CSV link.
fn csv_link(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let mut query: Vec<(&str, String)> = pairs
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (*k, v)))
        .collect();
    query.push(("format", "csv".into()));
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    )
}

/// Filters that do not parse: a short page saying which, with the way back.
fn bad_filter(
    app: &App,
    path: &str,
    errors: &crate::domain::field_error::FieldErrors,
) -> HttpResponse {
    Page::new(app).message(
        StatusCode::UNPROCESSABLE_ENTITY,
        "That filter is not one we know",
        &errors.to_string(),
        path,
        "Back to the outcomes",
    )
}

/// A table cell: the number, or why there is none.
pub struct Figure {
    pub text: String,
    pub suppressed: bool,
}

fn shown(text: String) -> Figure {
    Figure {
        text,
        suppressed: false,
    }
}

fn hidden(min_cell: u32) -> Figure {
    Figure {
        text: format!("fewer than {min_cell}"),
        suppressed: true,
    }
}

/// A figure made of answers that is hidden: too few people, or answers all (or all but one)
/// alike, or a complement of either. Which, the page does not say: that would tell.
fn withheld() -> Figure {
    Figure {
        text: "not shown".into(),
        suppressed: true,
    }
}

/// A mean as published: one decimal.
fn mean(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::step_label;

    #[test]
    fn step_labels() {
        assert_eq!(step_label("day14"), "Day 14");
        assert_eq!(step_label("month3"), "Month 3");
        assert_eq!(step_label("exit"), "Exit");
        assert_eq!(step_label("site"), "Site");
    }
}
