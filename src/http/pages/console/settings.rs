//! The matching settings: weights, the minimum score, capacity and experience.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::ConsoleError;
use super::form::{Fields, Form};
use super::session::Me;
use crate::app::coordinators::SignedIn;
use crate::app::{App, AppError, matching};
use crate::domain::matching::settings::{Criterion, MatchingSettings, SettingsInput};
use crate::domain::profile::{Capacity, YearsExperience};
use crate::http::pages::render::Page;

#[derive(Template)]
#[template(path = "console/settings.html")]
struct SettingsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    note: Option<String>,
    errors: Vec<(String, String)>,
    weights: Vec<(&'static str, &'static str, String)>,
    numbers: Vec<(&'static str, String, String)>,
}

fn settings_page(
    app: &App,
    me: &SignedIn,
    status: StatusCode,
    values: &MatchingSettings,
    typed: Option<&Fields>,
    note: Option<String>,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let shown = |name: &str, current: String| {
        typed
            .and_then(|f| f.one(name))
            .map_or(current, str::to_string)
    };
    let page = Page::new(app);
    page.html(
        status,
        SettingsPage {
            program: &page.program,
            me,
            note,
            errors,
            weights: values
                .weights
                .iter()
                .map(|(c, p)| (c.as_str(), c.label(), shown(c.as_str(), p.to_string())))
                .collect(),
            numbers: vec![
                (
                    "min_score",
                    "Minimum score (0–100): pairs below it are never proposed".to_string(),
                    shown("min_score", values.min_score.to_string()),
                ),
                (
                    "default_capacity",
                    format!(
                        "Mentees per mentor when they do not say ({}–{})",
                        Capacity::MIN,
                        Capacity::MAX
                    ),
                    shown(
                        "default_capacity",
                        values.default_capacity.get().to_string(),
                    ),
                ),
                (
                    "min_mentor_years",
                    format!(
                        "A mentor's minimum years of experience ({}–{})",
                        YearsExperience::MIN,
                        YearsExperience::MAX
                    ),
                    shown(
                        "min_mentor_years",
                        values.min_mentor_years.get().to_string(),
                    ),
                ),
            ],
        },
    )
}

pub async fn show(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    let current = matching::settings(&app).await?;
    Ok(settings_page(
        &app,
        &me.0,
        StatusCode::OK,
        &current,
        None,
        None,
        Vec::new(),
    ))
}

/// A settings field as a person reads it: "Minimum score", not `min_score`.
fn field_label(field: &str) -> String {
    let criterion = field.strip_prefix("weights.").unwrap_or(field);
    match field {
        "min_score" => "Minimum score".into(),
        "default_capacity" => "Mentees per mentor".into(),
        "min_mentor_years" => "Minimum years of experience".into(),
        "weights" => "Points per criterion".into(),
        _ => {
            Criterion::parse(criterion).map_or_else(|| field.to_string(), |c| c.label().to_string())
        }
    }
}

pub async fn save(app: web::Data<App>, form: Form) -> Result<HttpResponse, ConsoleError> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut number = |name: &str| -> Option<f64> {
        let text = form.one(name).unwrap_or_default().trim();
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                errors.push((
                    format!("field-{name}"),
                    format!("{}: must be a number", field_label(name)),
                ));
                None
            }
        }
    };
    let weights: Vec<(String, f64)> = Criterion::ALL
        .iter()
        .filter_map(|c| number(c.as_str()).map(|n| (c.as_str().to_string(), n)))
        .collect();
    let min_score = number("min_score");
    let capacity = number("default_capacity");
    let years = number("min_mentor_years");
    let current = matching::settings(&app).await?;
    if !errors.is_empty() {
        return Ok(settings_page(
            &app,
            &form.me,
            StatusCode::UNPROCESSABLE_ENTITY,
            &current,
            Some(&form.fields),
            None,
            errors,
        ));
    }
    let input = SettingsInput {
        weights: Some(weights),
        min_score,
        default_capacity: capacity.map(|n| n as i64),
        min_mentor_years: years.map(|n| n as i64),
        cross_profession: None,
    };
    match matching::update_settings(&app, input).await {
        Ok(saved) => Ok(settings_page(
            &app,
            &form.me,
            StatusCode::OK,
            &saved,
            None,
            Some("Saved. The next matching run uses these settings.".into()),
            Vec::new(),
        )),
        Err(AppError::Validation(problems)) => {
            let errors = problems
                .iter()
                .map(|e| {
                    let field =
                        e.field
                            .strip_prefix("weights.")
                            .unwrap_or(if e.field == "weights" {
                                "specialty"
                            } else {
                                &e.field
                            });
                    (
                        format!("field-{field}"),
                        format!("{}: {}", field_label(&e.field), e.message),
                    )
                })
                .collect();
            Ok(settings_page(
                &app,
                &form.me,
                StatusCode::UNPROCESSABLE_ENTITY,
                &current,
                Some(&form.fields),
                None,
                errors,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
