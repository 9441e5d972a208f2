//! Retention after hire: the Kaplan–Meier curves against the benchmark, and each cohort's figures.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Choice, Figure, bad_filter, cohort_choices, csv_link, hidden, shown};
use crate::app::coordinators::SignedIn;
use crate::app::{App, outcomes};
use crate::domain::outcomes::cohort::Month;
use crate::http::api::outcomes::query::OutcomesQuery;
use crate::http::api::outcomes::tables;
use crate::http::api::outcomes::views::{RetentionGroup, RetentionView};
use crate::http::csv;
use crate::http::pages::charts::steps::{self, StepChart};
use crate::http::pages::charts::svg;
use crate::http::pages::console::errors::ConsoleError;
use crate::http::pages::console::session::Me;
use crate::http::pages::render::Page;

struct CurveRow {
    day: String,
    at_risk: String,
    exits: String,
    voluntary_exits: String,
    retention: String,
    voluntary_retention: String,
}

struct CohortRow {
    cohort: String,
    cells: Vec<Figure>,
}

#[derive(Template)]
#[template(path = "console/outcomes/retention.html")]
struct RetentionPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    min_cell: u32,
    benchmark: String,
    showing: String,
    cohort_choices: Vec<Choice>,
    chart: String,
    curve: Vec<CurveRow>,
    /// Nobody to count yet: no mentee with a hire date.
    nobody: bool,
    cohorts: Vec<CohortRow>,
    csv: String,
}

fn cohort_row(g: &RetentionGroup, min_cell: u32) -> CohortRow {
    let label = Month::parse(&g.cohort).map_or_else(|_| "Everyone".to_string(), Month::label);
    let n = |v: Option<u32>| v.map_or_else(|| hidden(min_cell), |v| shown(v.to_string()));
    let nobody = g.n == Some(0);
    let share = |v: Option<Option<f64>>| match v {
        None => hidden(min_cell),
        Some(_) if nobody => shown("no data yet".into()),
        Some(None) => shown("not yet".into()),
        Some(Some(s)) => shown(svg::percent_tenths(s)),
    };
    CohortRow {
        cohort: label,
        cells: vec![
            n(g.n),
            n(g.exits),
            n(g.voluntary_exits),
            n(g.followed_days),
            share(g.retention_12m),
            share(g.voluntary_retention_12m),
            share(g.retention_so_far.map(Some)),
        ],
    }
}

pub async fn page(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes/retention";
    let q = match OutcomesQuery::parse(&req, &["cohort"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let today = chrono::Utc::now().date_naive();
    let report = outcomes::retention(&app, None).await?;
    let view = RetentionView::new(&report, &app.settings, None, today);
    if q.csv {
        let only = RetentionView::new(
            &outcomes::retention(&app, q.cohort).await?,
            &app.settings,
            q.cohort,
            today,
        );
        return Ok(csv::response("retention.csv", tables::retention(&only)));
    }
    let min_cell = app.settings.privacy.min_cell;
    let benchmark = app.settings.outcomes.retention_benchmark;
    let chosen = q
        .cohort
        .and_then(|c| view.cohorts.iter().find(|g| g.cohort == c.to_string()))
        .unwrap_or(&view.all);
    let showing = match q.cohort {
        Some(c) => format!("people hired in {}", c.label()),
        None => "everyone who came as a mentee".into(),
    };
    let gap_label = chosen
        .suppressed
        .map(|_| format!("fewer than {min_cell} people: not shown"));
    let points = chosen.curve.as_deref().unwrap_or_default();
    let until = chosen.followed_days.unwrap_or(0);
    let chart = steps::render(&StepChart {
        id: "retention".into(),
        title: format!("Still employed in the first year after hire: {showing}"),
        desc: format!(
            "Step chart of the Kaplan–Meier estimate of the share still employed on each day of the first year \
             after hire, counting any leaving (solid line) and only voluntary leaving (dashed line), against the \
             benchmark of {} (dotted line). The table beside the chart has the same numbers.",
            svg::percent_tenths(benchmark)
        ),
        curves: vec![
            steps::Curve {
                name: "Any leaving".into(),
                drops: points.iter().map(|p| (p.day, p.retention)).collect(),
                until,
            },
            steps::Curve {
                name: "Voluntary leaving only".into(),
                drops: points
                    .iter()
                    .map(|p| (p.day, p.voluntary_retention))
                    .collect(),
                until,
            },
        ],
        benchmark: Some(benchmark),
        window: view.window_days,
        gap_label,
    });
    let nobody = chosen.n == Some(0) || (chosen.n.is_none() && chosen.suppressed.is_none());
    let mut curve = Vec::new();
    if let Some(n) = chosen.n.filter(|n| *n > 0) {
        curve.push(CurveRow {
            day: "0 (hire)".into(),
            at_risk: n.to_string(),
            exits: "0".into(),
            voluntary_exits: "0".into(),
            retention: "100%".into(),
            voluntary_retention: "100%".into(),
        });
    }
    curve.extend(points.iter().map(|p| CurveRow {
        day: p.day.to_string(),
        at_risk: p.at_risk.to_string(),
        exits: p.exits.to_string(),
        voluntary_exits: p.voluntary_exits.to_string(),
        retention: svg::percent_tenths(p.retention),
        voluntary_retention: svg::percent_tenths(p.voluntary_retention),
    }));
    let months: Vec<Month> = view
        .cohorts
        .iter()
        .filter_map(|g| Month::parse(&g.cohort).ok())
        .collect();
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        RetentionPage {
            program: &page.program,
            me: &me.0,
            min_cell,
            benchmark: svg::percent_tenths(benchmark),
            showing,
            cohort_choices: cohort_choices(&months, q.cohort),
            chart,
            curve,
            nobody,
            cohorts: view
                .cohorts
                .iter()
                .chain([&view.all])
                .map(|g| cohort_row(g, min_cell))
                .collect(),
            csv: csv_link(PATH, &[("cohort", q.cohort.map(|c| c.to_string()))]),
        },
    ))
}
