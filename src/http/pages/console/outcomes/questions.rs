//! Answers per question: the share of each answer by check-in, and one check-in's comments.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{
    Choice, Figure, bad_filter, cohort_choices, csv_link, mean, shown, step_label, withheld,
};
use crate::app::coordinators::SignedIn;
use crate::app::{App, outcomes};
use crate::http::api::outcomes::query::OutcomesQuery;
use crate::http::api::outcomes::tables;
use crate::http::api::outcomes::views::{QuestionItem, QuestionsView, choices};
use crate::http::csv;
use crate::http::pages::charts::diverging::{self, Diverging};
use crate::http::pages::charts::svg;
use crate::http::pages::console::errors::ConsoleError;
use crate::http::pages::console::session::Me;
use crate::http::pages::render::Page;

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

pub async fn page(
    app: web::Data<App>,
    me: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    const PATH: &str = "/coordinator/outcomes/questions";
    let q = match OutcomesQuery::parse(&req, &["cohort", "step"]) {
        Ok(q) => q,
        Err(errors) => return Ok(bad_filter(&app, PATH, &errors)),
    };
    let report = outcomes::questions(&app, q.cohort).await?;
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
            let label = |i: &&QuestionItem| {
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
            let c = outcomes::comments(&app, step.clone()).await?;
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
