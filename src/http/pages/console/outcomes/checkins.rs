//! The check-in funnel: at each step, how many were answered, waiting, expired or not yet sent.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Choice, Figure, bad_filter, cohort_choices, csv_link, hidden, shown, step_label};
use crate::app::coordinators::SignedIn;
use crate::app::{App, outcomes};
use crate::http::api::outcomes::query::OutcomesQuery;
use crate::http::api::outcomes::tables;
use crate::http::api::outcomes::views::ResponseRatesView;
use crate::http::csv;
use crate::http::pages::charts::stacked::{self, Bar, Part, StackedBars};
use crate::http::pages::charts::svg;
use crate::http::pages::console::errors::ConsoleError;
use crate::http::pages::console::session::Me;
use crate::http::pages::render::Page;

struct FunnelRow {
    step: String,
    cells: Vec<Figure>,
}

#[derive(Template)]
#[template(path = "console/outcomes/checkins.html")]
struct CheckinsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    min_cell: u32,
    cohort_choices: Vec<Choice>,
    chart: String,
    rows: Vec<FunnelRow>,
    csv: String,
}

pub async fn page(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes/checkins";
    let q = match OutcomesQuery::parse(&req, &["cohort"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let report = outcomes::funnel(&app, q.cohort).await?;
    let view = ResponseRatesView::new(&report, &app.settings, q.cohort);
    if q.csv {
        return Ok(csv::response(
            "response-rates.csv",
            tables::response_rates(&view),
        ));
    }
    let min_cell = app.settings.privacy.min_cell;
    let part = |name: &str, colour: &str, pattern: &str| Part {
        name: name.into(),
        colour: colour.into(),
        pattern: pattern.into(),
    };
    let chart = stacked::render(&StackedBars {
        id: "funnel".into(),
        title: "Check-ins at each step".into(),
        desc: format!(
            "Stacked bars, one per check-in step: how many check-ins were answered, are waiting for an answer, \
             expired unanswered, or are not yet sent. Steps with fewer than {min_cell} invitations are left out \
             as gaps. The table beside the chart has the same numbers."
        ),
        parts: vec![
            part("Answered", svg::BLUE, "solid"),
            part("Waiting", svg::SKY, "hatch"),
            part("Expired", svg::VERMILLION, "dots"),
            part("Not yet sent", svg::GREY, "cross"),
        ],
        bars: view
            .items
            .iter()
            .map(|i| Bar {
                label: step_label(&i.step),
                counts: match (i.answered, i.awaiting, i.expired, i.scheduled) {
                    (Some(a), Some(w), Some(e), Some(s)) => Some(vec![a, w, e, s]),
                    _ => None,
                },
            })
            .collect(),
        gap_label: format!("fewer than {min_cell} invited"),
    });
    let rows = view
        .items
        .iter()
        .map(|i| {
            let n = |v: Option<u64>| v.map_or_else(|| hidden(min_cell), |v| shown(v.to_string()));
            FunnelRow {
                step: step_label(&i.step),
                cells: vec![
                    n(i.invited),
                    n(i.delivered),
                    n(i.answered),
                    n(i.awaiting),
                    n(i.expired),
                    n(i.scheduled),
                    match i.response_rate {
                        None => hidden(min_cell),
                        Some(None) => shown("–".into()),
                        Some(Some(r)) => shown(svg::percent(r)),
                    },
                ],
            }
        })
        .collect();
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        CheckinsPage {
            program: &page.program,
            me: &me.0,
            min_cell,
            cohort_choices: cohort_choices(&report.cohorts, q.cohort),
            chart,
            rows,
            csv: csv_link(PATH, &[("cohort", q.cohort.map(|c| c.to_string()))]),
        },
    ))
}
