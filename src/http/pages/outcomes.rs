//! The console's outcomes pages: belonging, the check-in funnel, answers per question and
//! retention, each a chart drawn on the server with its numbers in a table beside it, GET
//! filters, and a CSV download of the same figures.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::charts::diverging::{self, Diverging};
use super::charts::line::{self, LineChart, Point, Series};
use super::charts::stacked::{self, Bar, Part, StackedBars};
use super::charts::steps::{self, StepChart};
use super::charts::svg;
use super::console::{ConsoleError, Me};
use super::render::Page;
use crate::app::coordinators::SignedIn;
use crate::app::{App, AppError, outcomes};
use crate::domain::outcomes::GroupBy;
use crate::domain::outcomes::cohort::Month;
use crate::http::api::outcomes::query::OutcomesQuery;
use crate::http::api::outcomes::tables;
use crate::http::api::outcomes::views::{
    BelongingView, QuestionsView, ResponseRatesView, RetentionGroup, RetentionView, choices,
};
use crate::http::csv;
use crate::store::now;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/coordinator/outcomes", web::get().to(belonging))
        .route("/coordinator/outcomes/checkins", web::get().to(checkins))
        .route("/coordinator/outcomes/questions", web::get().to(questions))
        .route("/coordinator/outcomes/retention", web::get().to(retention));
}

pub const ROUTES: &[(&str, &[&str])] = &[
    ("/coordinator/outcomes", &["GET"]),
    ("/coordinator/outcomes/checkins", &["GET"]),
    ("/coordinator/outcomes/questions", &["GET"]),
    ("/coordinator/outcomes/retention", &["GET"]),
];

fn app_error(e: AppError) -> ConsoleError {
    ConsoleError::App(e)
}

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

// ---------------------------------------------------------------------------------------
// Belonging

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

async fn belonging(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes";
    let q = match OutcomesQuery::parse(&req, &["group_by", "cohort"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let report = outcomes::belonging(&app, q.group_by, q.cohort)
        .await
        .map_err(app_error)?;
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

// ---------------------------------------------------------------------------------------
// The check-in funnel

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

async fn checkins(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes/checkins";
    let q = match OutcomesQuery::parse(&req, &["cohort"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let report = outcomes::funnel(&app, q.cohort).await.map_err(app_error)?;
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

// ---------------------------------------------------------------------------------------
// Answers per question

struct QuestionRow {
    label: String,
    n: Figure,
    counts: Vec<Figure>,
    mean: Figure,
}

struct QuestionBlock {
    id: String,
    text: String,
    chart: String,
    choices: Vec<String>,
    rows: Vec<QuestionRow>,
}

struct CommentsBlock {
    step: String,
    respondents: u64,
    texts: Option<Vec<String>>,
}

#[derive(Template)]
#[template(path = "console/outcomes/questions.html")]
struct QuestionsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    min_cell: u32,
    min_cell_text: u32,
    cohort_choices: Vec<Choice>,
    step_choices: Vec<Choice>,
    blocks: Vec<QuestionBlock>,
    comments: Option<CommentsBlock>,
    csv: String,
}

fn role_label(role: &str) -> &'static str {
    if role == "mentor" {
        "mentors"
    } else {
        "mentees"
    }
}

async fn questions(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes/questions";
    let q = match OutcomesQuery::parse(&req, &["cohort", "step"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let report = outcomes::questions(&app, q.cohort)
        .await
        .map_err(app_error)?;
    let view = QuestionsView::new(&report, &app.settings, q.cohort);
    if q.csv {
        return Ok(csv::response("questions.csv", tables::questions(&view)));
    }
    let settings = &app.settings;
    let min_cell = settings.privacy.min_cell;
    let blocks = view
        .questions
        .iter()
        .map(|question| {
            let choice_list = choices(settings, &question.key);
            let legend: Vec<String> = choice_list
                .iter()
                .map(|(v, label)| {
                    if question.kind == "yes_no" {
                        label.clone()
                    } else {
                        format!("{v} {label}")
                    }
                })
                .collect();
            let items: Vec<_> = view.items.iter().filter(|i| i.question == question.key).collect();
            let label = |i: &&crate::http::api::outcomes::views::QuestionItem| {
                format!("{}, {}", step_label(&i.step), role_label(&i.role))
            };
            let id = format!("q-{}", question.key);
            let chart = diverging::render(&Diverging {
                id: id.clone(),
                title: question.text.clone(),
                desc: format!(
                    "Diverging bars, one per check-in and group asked: the share of each answer, lower answers \
                     to the left of the centre line and higher ones to the right. Rows with fewer than {min_cell} \
                     answers, or whose answers are all or all but one the same, are left out. The table beside \
                     the chart has the counts."
                ),
                choices: legend.clone(),
                rows: items
                    .iter()
                    .map(|i| diverging::Row {
                        label: label(i),
                        counts: i
                            .counts
                            .as_ref()
                            .map(|c| c.iter().map(|c| c.count).collect()),
                    })
                    .collect(),
                gap_label: "not shown".into(),
            });
            QuestionBlock {
                id,
                text: question.text.clone(),
                chart,
                choices: legend,
                rows: items
                    .iter()
                    .map(|i| QuestionRow {
                        label: label(i),
                        n: i.n.map_or_else(withheld, |n| shown(n.to_string())),
                        counts: match &i.counts {
                            Some(c) => c.iter().map(|c| shown(c.count.to_string())).collect(),
                            None => choice_list.iter().map(|_| withheld()).collect(),
                        },
                        mean: match (i.mean, question.kind.as_str()) {
                            (None, _) => withheld(),
                            (Some(m), "yes_no") => shown(format!("{} yes", svg::percent(m))),
                            (Some(m), _) => shown(mean(m)),
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    let comments = match &q.step {
        Some(step) if settings.checkin_steps.iter().any(|s| &s.key == step) => {
            let c = outcomes::comments(&app, step.clone())
                .await
                .map_err(app_error)?;
            Some(CommentsBlock {
                step: step_label(&c.step),
                respondents: c.respondents,
                texts: c.texts,
            })
        }
        _ => None,
    };
    let step_choices = std::iter::once(Choice {
        value: String::new(),
        label: "Choose a check-in".into(),
        selected: q.step.is_none(),
    })
    .chain(settings.checkin_steps.iter().map(|s| Choice {
        value: s.key.clone(),
        label: step_label(&s.key),
        selected: q.step.as_deref() == Some(s.key.as_str()),
    }))
    .collect();
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        QuestionsPage {
            program: &page.program,
            me: &me.0,
            min_cell,
            min_cell_text: settings.privacy.min_cell_text,
            cohort_choices: cohort_choices(&report.cohorts, q.cohort),
            step_choices,
            blocks,
            comments,
            csv: csv_link(PATH, &[("cohort", q.cohort.map(|c| c.to_string()))]),
        },
    ))
}

// ---------------------------------------------------------------------------------------
// Retention

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
    cohorts: Vec<CohortRow>,
    csv: String,
}

fn cohort_row(g: &RetentionGroup, min_cell: u32) -> CohortRow {
    let label = Month::parse(&g.cohort).map_or_else(|_| "Everyone".to_string(), Month::label);
    let n = |v: Option<u32>| v.map_or_else(|| hidden(min_cell), |v| shown(v.to_string()));
    let share = |v: Option<Option<f64>>| match v {
        None => hidden(min_cell),
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

async fn retention(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes/retention";
    let q = match OutcomesQuery::parse(&req, &["cohort"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let report = outcomes::retention(&app, None).await.map_err(app_error)?;
    let view = RetentionView::new(&report, &app.settings, None, now().date());
    if q.csv {
        let only = RetentionView::new(
            &outcomes::retention(&app, q.cohort)
                .await
                .map_err(app_error)?,
            &app.settings,
            q.cohort,
            now().date(),
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
    let mut curve = Vec::new();
    if let Some(n) = chosen.n {
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
