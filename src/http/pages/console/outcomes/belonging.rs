//! Belonging over the first year: a line per group, with the numbers in a table.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{
    Choice, Figure, bad_filter, cohort_choices, csv_link, mean, shown, step_label, withheld,
};
use crate::app::coordinators::SignedIn;
use crate::app::{App, outcomes};
use crate::domain::outcomes::GroupBy;
use crate::http::api::outcomes::query::OutcomesQuery;
use crate::http::api::outcomes::tables;
use crate::http::api::outcomes::views::BelongingView;
use crate::http::csv;
use crate::http::pages::charts::line::{self, LineChart, Point, Series};
use crate::http::pages::console::errors::ConsoleError;
use crate::http::pages::console::session::Me;
use crate::http::pages::render::Page;

struct TrendRow {
    step: String,
    group: String,
    n: Figure,
    mean: Figure,
}

#[derive(Template)]
#[template(path = "console/outcomes/belonging.html")]
struct BelongingPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    min_cell: u32,
    group_choices: Vec<Choice>,
    cohort_choices: Vec<Choice>,
    chart: String,
    rows: Vec<TrendRow>,
    group_heading: String,
    caption: String,
    csv: String,
}

pub async fn page(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes";
    let q = match OutcomesQuery::parse(&req, &["group_by", "cohort"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let report = outcomes::belonging(&app, q.group_by, q.cohort).await?;
    let view = BelongingView::new(&report, &app.settings, q.group_by, q.cohort);
    if q.csv {
        return Ok(csv::response("belonging.csv", tables::belonging(&view)));
    }
    let min_cell = app.settings.privacy.min_cell;
    let label = |group: &str| {
        view.groups
            .iter()
            .find(|g| g.group == group)
            .map(|g| g.label.clone())
            .unwrap_or_else(|| group.to_string())
    };
    let series: Vec<Series> = view
        .groups
        .iter()
        .map(|g| Series {
            name: g.label.clone(),
            points: view
                .steps
                .iter()
                .map(|step| {
                    match view
                        .items
                        .iter()
                        .find(|i| &i.step == step && i.group == g.group)
                    {
                        None => Point::Missing,
                        Some(i) => match (i.n, i.mean) {
                            (Some(n), Some(mean)) => Point::Value { mean, n },
                            _ => Point::Suppressed,
                        },
                    }
                })
                .collect(),
        })
        .collect();
    let by = match q.group_by {
        None => "everyone together".to_string(),
        Some(GroupBy::Cohort) => "cohort (month of approval)".into(),
        Some(g) => g.as_str().to_string(),
    };
    let within = q
        .cohort
        .map(|c| format!(", pairs approved in {}", c.label()))
        .unwrap_or_default();
    let chart = line::render(&LineChart {
        id: "belonging".into(),
        title: format!("Belonging over the first year, by {by}{within}"),
        desc: format!(
            "Line chart of mentees' mean answer to \"I feel I belong on my unit\", from 1 (strongly disagree) \
             to 5 (strongly agree), at each check-in, one line per group, with the number of answers at each \
             point. Groups with fewer than {min_cell} answers, or whose answers are all or all but one the same, \
             are left out as gaps. The table beside the chart has the same numbers."
        ),
        steps: view.steps.iter().map(|s| step_label(s)).collect(),
        y_min: 1.0,
        y_max: 5.0,
        y_axis: "Mean (1 strongly disagree – 5 strongly agree)".into(),
        series,
        gap_label: "not shown".into(),
    });
    let mut rows = Vec::new();
    for step in &view.steps {
        for item in view.items.iter().filter(|i| &i.step == step) {
            rows.push(TrendRow {
                step: step_label(step),
                group: label(&item.group),
                n: item.n.map_or_else(withheld, |n| shown(n.to_string())),
                mean: item.mean.map_or_else(withheld, |m| shown(mean(m))),
            });
        }
        if q.group_by.is_some()
            && let Some(t) = view.totals.iter().find(|t| &t.step == step)
        {
            rows.push(TrendRow {
                step: step_label(step),
                group: "All groups".into(),
                n: t.n.map_or_else(withheld, |n| shown(n.to_string())),
                mean: t.mean.map_or_else(withheld, |m| shown(mean(m))),
            });
        }
    }
    let group_choices = std::iter::once(("", "Everyone together"))
        .chain([
            ("site", "Site"),
            ("shift", "Shift"),
            ("profession", "Profession"),
            ("specialty", "Specialty"),
            ("cohort", "Cohort (month of approval)"),
        ])
        .map(|(value, label)| Choice {
            value: value.into(),
            label: label.into(),
            selected: q.group_by.map_or("", GroupBy::as_str) == value,
        })
        .collect();
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        BelongingPage {
            program: &page.program,
            me: &me.0,
            min_cell,
            group_choices,
            cohort_choices: cohort_choices(&report.cohorts, q.cohort),
            chart,
            rows,
            group_heading: match q.group_by {
                None => "Who".into(),
                Some(GroupBy::Cohort) => "Cohort".into(),
                Some(g) => step_label(g.as_str()),
            },
            caption: match q.group_by {
                None => "Belonging by check-in".into(),
                Some(GroupBy::Cohort) => "Belonging by check-in and cohort".into(),
                Some(g) => format!("Belonging by check-in and {}", g.as_str()),
            },
            csv: csv_link(
                PATH,
                &[
                    ("group_by", q.group_by.map(|g| g.as_str().to_string())),
                    ("cohort", q.cohort.map(|c| c.to_string())),
                ],
            ),
        },
    ))
}
