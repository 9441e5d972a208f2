//! Outcomes through the API on both backends: belonging with small cells suppressed under
//! every filter (also by subtraction), response rates, answers per question, comments,
//! retention against a hand computation, CSV, and who may read them.
//!
//! Answers are given as people give them: through the personal link in each check-in email.
//! Only the month a match was approved is set by hand, to place pairs in earlier cohorts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Value, json};

use crate::common::seed::{Person, Seed, Value as Answer};
use crate::common::{
    Backend, Pair, TestApp, TestDb, browser_client, eventually, send, spawn, spawn_with,
};
use crate::on_both_backends;

on_both_backends!(
    belonging_is_suppressed_under_every_filter,
    response_rates_and_answers_per_question,
    comments_only_for_large_groups,
    people_answering_twice_count_once,
    retention_matches_the_hand_computation,
    csv_downloads,
    who_may_read_outcomes,
    bad_queries_are_refused
);

/// Day 14, month 1 and month 3 go out within a second of approval, at any hour; the later
/// steps stay planned.
pub const QUICK_STEPS: &str = r#"
[checkins]
steps = [
  { key = "day14", after = "PT1S", audience = "both", survey = "first_meeting" },
  { key = "month1", after = "PT1S", audience = "both", survey = "pulse" },
  { key = "month3", after = "PT1S", audience = "both", survey = "pulse" },
  { key = "month6", after = "P6M", audience = "both", survey = "pulse" },
  { key = "month9", after = "P9M", audience = "both", survey = "pulse" },
  { key = "month12", after = "P12M", audience = "both", survey = "pulse" },
]
expire_after = "PT1H"
reminders = []
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 100
"#;

const JAN: &str = "2026-01-10 09:00:00";
const FEB: &str = "2026-02-10 09:00:00";

/// Profile fields as the API takes them.
pub fn fields(site: &str, shift: &str, profession: &str, specialty: &str) -> Value {
    json!({"site": site, "shift": shift, "profession": profession, "specialty": specialty})
}

/// An approved pair whose mentor works where the mentee does (so the pair scores well).
pub async fn pair(app: &TestApp, n: usize, profile: &Value) -> Pair {
    app.approved_pair(n, profile.clone(), profile.clone()).await
}

/// Moves matches' approval into an earlier month: cohorts are months, and tests cannot wait.
pub fn approved_in(app: &TestApp, matches: &[&Pair], at: &str) {
    use belong::store::schema::matches;
    use diesel::prelude::*;
    let at = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").expect("time");
    let ids: Vec<String> = matches.iter().map(|p| p.match_id.clone()).collect();
    app.app
        .db
        .run_blocking(|conn| {
            diesel::update(matches::table.filter(matches::id.eq_any(&ids)))
                .set(matches::approved_at.eq(Some(at)))
                .execute(conn)
                .map_err(belong::store::StoreError::from)
        })
        .expect("backdate");
}

/// Every check-in's id by (match, role, step).
async fn checkin_ids(app: &TestApp) -> HashMap<(String, String, String), String> {
    let mut ids = HashMap::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = app
            .get_json(&format!("/api/v1/checkins?limit=200{cursor}"))
            .await;
        assert_eq!(status, 200, "{page}");
        for c in page["items"].as_array().expect("items") {
            let text = |k: &str| c[k].as_str().expect(k).to_string();
            ids.insert((text("match_id"), text("role"), text("step")), text("id"));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return ids,
        }
    }
}

/// One check-in to answer: the pair, the role, the step and the form.
pub type Answering<'a> = (&'a Pair, &'a str, &'a str, Vec<(&'a str, String)>);

/// Answers check-ins as their people do: waits for each one's email, opens its link and
/// posts the form. `answers` holds (match, role, step, form).
pub async fn answer(app: &TestApp, answers: &[Answering<'_>]) {
    let ids = checkin_ids(app).await;
    let wanted: Vec<String> = answers
        .iter()
        .map(|(p, role, step, _)| {
            ids[&(p.match_id.clone(), role.to_string(), step.to_string())].clone()
        })
        .collect();
    let links: HashMap<String, String> =
        eventually(Duration::from_secs(60), "the check-in emails", || async {
            let links: HashMap<String, String> = app
                .checkin_emails()
                .await
                .into_iter()
                .filter(|e| e.kind == "checkin")
                .map(|e| (e.checkin_id, e.link))
                .collect();
            wanted
                .iter()
                .all(|id| links.contains_key(id))
                .then_some(links)
        })
        .await;
    let client = browser_client();
    for (id, (_, _, _, form)) in wanted.iter().zip(answers) {
        let response = client
            .post(app.url(&links[id]))
            .form(form)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 303, "{:?}", response.text().await);
    }
}

/// A mentee's answers to the pulse survey, with this belonging.
pub fn pulse(belonging: f64) -> Vec<(&'static str, String)> {
    vec![
        ("belonging", belonging.to_string()),
        ("met", "yes".into()),
        ("times", "1".into()),
        ("fit", "4".into()),
        ("stay", "4".into()),
    ]
}

/// Two cohorts of mentees answering the belonging question at month 1, with one small
/// group (4 in the south site in January); at month 3 only three answer.
pub async fn belonging_answers(app: &TestApp) {
    let groups: [(&str, Value, &[f64]); 6] = [
        (
            JAN,
            fields("north_campus", "day", "registered_nurse", "emergency"),
            &[4., 4., 5., 3., 4., 4.],
        ),
        (
            JAN,
            fields("south_campus", "day", "registered_nurse", "intensive_care"),
            &[2., 3., 2., 3.],
        ),
        (
            JAN,
            fields(
                "community_clinic",
                "night",
                "licensed_practical_nurse",
                "emergency",
            ),
            &[3.; 7],
        ),
        (
            FEB,
            fields("north_campus", "day", "registered_nurse", "emergency"),
            &[4.; 8],
        ),
        (
            FEB,
            fields(
                "south_campus",
                "night",
                "registered_nurse",
                "intensive_care",
            ),
            &[2.; 9],
        ),
        (
            FEB,
            fields(
                "community_clinic",
                "night",
                "licensed_practical_nurse",
                "emergency",
            ),
            &[5.; 6],
        ),
    ];
    let mut n = 0;
    let mut pairs = Vec::new();
    for (month, profile, values) in &groups {
        for v in values.iter() {
            n += 1;
            pairs.push((*month, pair(app, n, profile).await, *v));
        }
    }
    for month in [JAN, FEB] {
        let of_month: Vec<&Pair> = pairs
            .iter()
            .filter(|(m, _, _)| *m == month)
            .map(|(_, p, _)| p)
            .collect();
        approved_in(app, &of_month, month);
    }
    let mut answers: Vec<Answering> = pairs
        .iter()
        .map(|(_, p, v)| (p, "mentee", "month1", pulse(*v)))
        .collect();
    answers.extend(
        pairs
            .iter()
            .take(3)
            .map(|(_, p, _)| (p, "mentee", "month3", pulse(4.0))),
    );
    answer(app, &answers).await;
}

fn items(view: &Value) -> Vec<Value> {
    view["items"].as_array().cloned().unwrap_or_default()
}

fn cell<'a>(view: &'a Value, step: &str, group: &str) -> Option<&'a Value> {
    view["items"]
        .as_array()?
        .iter()
        .find(|i| i["step"] == step && i["group"] == group)
}

fn total<'a>(view: &'a Value, step: &str) -> Option<&'a Value> {
    view["totals"]
        .as_array()?
        .iter()
        .find(|t| t["step"] == step)
}

fn hidden(v: &Value) -> bool {
    v["suppressed"] == true
}

/// The shape of the contract: `{step, group, n, mean}` or `{step, group, suppressed: true}`.
fn check_shape(item: &Value) {
    let keys: BTreeSet<&str> = item
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    if hidden(item) {
        assert_eq!(
            keys,
            BTreeSet::from(["step", "group", "suppressed"]),
            "{item}"
        );
    } else {
        assert_eq!(
            keys,
            BTreeSet::from(["step", "group", "n", "mean"]),
            "{item}"
        );
        assert!(
            item["n"].as_u64().expect("n") >= 5,
            "a shown cell has 5 or more: {item}"
        );
    }
}

async fn view(app: &TestApp, group_by: Option<&str>, cohort: Option<&str>) -> Value {
    let mut query = Vec::new();
    if let Some(g) = group_by {
        query.push(format!("group_by={g}"));
    }
    if let Some(c) = cohort {
        query.push(format!("cohort={c}"));
    }
    let (status, body) = app
        .get_json(&format!("/api/v1/outcomes/belonging?{}", query.join("&")))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn belonging_is_suppressed_under_every_filter(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    belonging_answers(&app).await;

    // The whole programme by site: every site has 13 or more answers.
    let by_site = view(&app, Some("site"), None).await;
    assert_eq!(by_site["group_by"], "site");
    assert_eq!(by_site["min_cell"], 5);
    assert_eq!(
        by_site["steps"],
        json!(["month1", "month3", "month6", "month9", "month12"])
    );
    let mean = |v: &Value| v["mean"].as_f64().expect("mean");
    let north = cell(&by_site, "month1", "north_campus").expect("north");
    assert_eq!(north["n"], 14);
    assert!((mean(north) - 4.0).abs() < 1e-9);
    let south = cell(&by_site, "month1", "south_campus").expect("south");
    assert_eq!(south["n"], 13);
    assert_eq!(
        mean(south),
        2.2,
        "28 / 13 = 2.15…, published to one decimal"
    );
    let month1 = total(&by_site, "month1").expect("total");
    assert_eq!(month1["n"], 40);
    // Month 3: three answers in all, too few to publish: nothing about it is shown yet.
    assert!(
        cell(&by_site, "month3", "north_campus").is_none(),
        "{by_site}"
    );
    assert!(total(&by_site, "month3").is_none());

    // January by site: the south site has 4 (hidden) and the community clinic's seven all
    // answered 3 (hidden: each one's answer would be known). North is hidden too: February's
    // north (eight who all answered 4) is hidden, and north overall minus north in January
    // would give it.
    let jan = view(&app, Some("site"), Some("2026-01")).await;
    assert!(hidden(cell(&jan, "month1", "south_campus").expect("south")));
    assert!(hidden(cell(&jan, "month1", "north_campus").expect("north")));
    assert!(hidden(
        cell(&jan, "month1", "community_clinic").expect("community")
    ));
    assert_eq!(total(&jan, "month1").expect("total")["n"], 17);
    // …and north overall minus north in January would give north in February, and so on:
    // February's north and south are hidden as well.
    let feb = view(&app, Some("site"), Some("2026-02")).await;
    assert!(hidden(cell(&feb, "month1", "north_campus").expect("north")));
    assert!(hidden(cell(&feb, "month1", "south_campus").expect("south")));
    // Specialty: intensive care in January is the same 4 people.
    let jan_specialty = view(&app, Some("specialty"), Some("2026-01")).await;
    assert!(hidden(
        cell(&jan_specialty, "month1", "intensive_care").expect("icu")
    ));

    // Every combination of group_by and cohort, checked for what a reader could compute.
    let mut views = BTreeMap::new();
    for group_by in [
        None,
        Some("site"),
        Some("shift"),
        Some("profession"),
        Some("specialty"),
        Some("cohort"),
    ] {
        for cohort in [None, Some("2026-01"), Some("2026-02")] {
            views.insert((group_by, cohort), view(&app, group_by, cohort).await);
        }
    }
    for ((group_by, cohort), v) in &views {
        for item in items(v) {
            check_shape(&item);
        }
        for t in v["totals"].as_array().expect("totals") {
            let step = t["step"].as_str().expect("step");
            let in_step: Vec<Value> = items(v).into_iter().filter(|i| i["step"] == step).collect();
            let hidden_cells = in_step.iter().filter(|i| hidden(i)).count();
            if !hidden(t) {
                assert_ne!(
                    hidden_cells, 1,
                    "{group_by:?} {cohort:?} {step}: one hidden cell beside a shown total"
                );
                if hidden_cells == 0 {
                    let sum: u64 = in_step.iter().map(|i| i["n"].as_u64().unwrap_or(0)).sum();
                    assert_eq!(Some(sum), t["n"].as_u64(), "cells add up to the total");
                }
            }
        }
    }
    // Across filters: a group shown overall must not have exactly one cohort hidden.
    for group_by in ["site", "shift", "profession", "specialty"] {
        let overall = &views[&(Some(group_by), None)];
        for item in items(overall).iter().filter(|i| !hidden(i)) {
            let (step, group) = (&item["step"], &item["group"]);
            let per_cohort: Vec<Option<Value>> = ["2026-01", "2026-02"]
                .iter()
                .map(|c| {
                    items(&views[&(Some(group_by), Some(*c))])
                        .into_iter()
                        .find(|i| &i["step"] == step && &i["group"] == group)
                })
                .collect();
            let hidden_cohorts = per_cohort.iter().flatten().filter(|i| hidden(i)).count();
            assert_ne!(
                hidden_cohorts, 1,
                "{group_by} {group} {step}: overall minus the other cohort gives the hidden one"
            );
        }
    }
    // The same figure is shown alike everywhere: a cohort's total, and its item when grouped
    // by cohort.
    let by_cohort = &views[&(Some("cohort"), None)];
    for c in ["2026-01", "2026-02"] {
        for g in [None, Some("site"), Some("shift"), Some("specialty")] {
            let t = total(&views[&(g, Some(c))], "month1")
                .expect("total")
                .clone();
            let as_item = cell(by_cohort, "month1", c).expect("cohort item");
            assert_eq!(hidden(&t), hidden(as_item), "{c} {g:?}");
            assert_eq!(t["n"], as_item["n"]);
        }
    }
    let everyone = &views[&(None, None)];
    assert_eq!(
        items(everyone).len(),
        1,
        "month 1 only: month 3 is not published yet"
    );
    assert_eq!(cell(everyone, "month1", "all").expect("all")["n"], 40);
    assert_eq!(
        by_site["groups"][0],
        json!({"group": "community_clinic", "label": "Community Clinic"})
    );
}

async fn response_rates_and_answers_per_question(backend: Backend) {
    // Day 14 goes out at once and expires after six seconds; the rest is months away.
    let config = QUICK_STEPS
        .replace(
            r#"after = "PT1S", audience = "both", survey = "pulse""#,
            r#"after = "P1M", audience = "both", survey = "pulse""#,
        )
        .replace(r#"expire_after = "PT1H""#, r#"expire_after = "PT6S""#);
    let app = spawn_with(TestDb::new(backend).with_config(&config), &[]).await;
    let profile = fields("north_campus", "night", "registered_nurse", "emergency");
    let mut pairs = Vec::new();
    for n in 1..=8 {
        pairs.push(pair(&app, n, &profile).await);
    }
    approved_in(&app, &pairs.iter().take(6).collect::<Vec<_>>(), JAN);
    approved_in(&app, &pairs.iter().skip(6).collect::<Vec<_>>(), FEB);
    // January's mentees answer day 14; everyone else lets it expire.
    let answers: Vec<Answering> = pairs
        .iter()
        .take(6)
        .zip([4, 5, 5, 2, 4, 4])
        .map(|(p, fit)| {
            (
                p,
                "mentee",
                "day14",
                vec![("met", "yes".into()), ("fit", fit.to_string())],
            )
        })
        .collect();
    answer(&app, &answers).await;
    eventually(Duration::from_secs(60), "ten expired check-ins", || async {
        let (_, page) = app
            .get_json("/api/v1/checkins?status=expired&limit=200")
            .await;
        (page["items"].as_array().map(Vec::len) == Some(10)).then_some(())
    })
    .await;
    // The last pair ends: its later check-ins are cancelled, no longer invitations.
    let (status, _) = app
        .post_json(
            &format!("/api/v1/matches/{}/end", pairs[7].match_id),
            &json!({"reason": "Moved to another hospital"}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, rates) = app.get_json("/api/v1/outcomes/response-rates").await;
    assert_eq!(status, 200, "{rates}");
    assert_eq!(
        rates["items"][0],
        json!({"step": "day14", "invited": 16, "delivered": 16, "answered": 6, "expired": 10,
               "awaiting": 0, "scheduled": 0, "response_rate": 0.375})
    );
    assert_eq!(
        rates["items"][1],
        json!({"step": "month1", "invited": 14, "delivered": 0, "answered": 0, "expired": 0,
               "awaiting": 0, "scheduled": 14, "response_rate": null})
    );
    assert_eq!(rates["cohorts"], json!(["2026-01", "2026-02"]));
    // February alone had 4 invitations at day 14: hidden, and January (12) with it, since
    // the total minus January would give February.
    let (_, feb) = app
        .get_json("/api/v1/outcomes/response-rates?cohort=2026-02")
        .await;
    assert_eq!(
        feb["items"][0],
        json!({"step": "day14", "suppressed": true})
    );
    let (_, jan) = app
        .get_json("/api/v1/outcomes/response-rates?cohort=2026-01")
        .await;
    assert_eq!(
        jan["items"][0],
        json!({"step": "day14", "suppressed": true})
    );

    let (status, questions) = app.get_json("/api/v1/outcomes/questions").await;
    assert_eq!(status, 200, "{questions}");
    let fit = questions["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["question"] == "fit" && i["step"] == "day14" && i["role"] == "mentee")
        .expect("fit")
        .clone();
    assert_eq!(fit["n"], 6);
    assert!((fit["mean"].as_f64().expect("mean") - 4.0).abs() < 1e-9);
    let counts: Vec<(i64, u64)> = fit["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| {
            (
                c["value"].as_i64().unwrap_or(0),
                c["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(counts, [(1, 0), (2, 1), (3, 0), (4, 3), (5, 2)]);
    assert_eq!(fit["counts"][4]["label"], "Very well");
    let met = questions["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["key"] == "met")
        .expect("met");
    assert_eq!(met["kind"], "yes_no");
    assert!(
        questions["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["step"] == "day14" && i["role"] == "mentee"),
        "no answers, no rows: {questions}"
    );
    // Within January alone the six are shown, but not that all six met their mentor ("Yes,
    // 6 of 6" tells each one's answer); February has no answers at all.
    let (_, jan) = app
        .get_json("/api/v1/outcomes/questions?cohort=2026-01")
        .await;
    let jan_items = jan["items"].as_array().expect("items");
    assert!(
        jan_items.iter().all(|i| if i["question"] == "met" {
            i["suppressed"] == true
        } else {
            i["n"] == 6
        }),
        "{jan}"
    );
    let met_all = questions["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["question"] == "met")
        .expect("met");
    assert_eq!(met_all["suppressed"], true, "{met_all}");
}

async fn comments_only_for_large_groups(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    let profile = fields("north_campus", "night", "registered_nurse", "emergency");
    let mut pairs = Vec::new();
    for n in 1..=10 {
        pairs.push(pair(&app, n, &profile).await);
    }
    let answers: Vec<Answering> = pairs
        .iter()
        .take(9)
        .enumerate()
        .map(|(i, p)| {
            let mut form = pulse(4.0);
            form.push(("comment", format!("Comment {i}: night shifts are long")));
            (p, "mentee", "month3", form)
        })
        .collect();
    answer(&app, &answers).await;
    let (status, c) = app.get_json("/api/v1/outcomes/comments?step=month3").await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(
        c,
        json!({"step": "month3", "min_cell_text": 10, "suppressed": true}),
        "nine people answered: fewer than ten"
    );
    // A tenth person answers (a mentor). One answer alone is not published: a comment that
    // appeared as soon as one person answered would be theirs.
    answer(
        &app,
        &[(
            &pairs[9],
            "mentor",
            "month3",
            vec![
                ("met", "yes".into()),
                ("fit", "5".into()),
                ("comment", "A good pairing".into()),
            ],
        )],
    )
    .await;
    let (_, c) = app.get_json("/api/v1/outcomes/comments?step=month3").await;
    assert_eq!(c["suppressed"], true, "{c}");
    // Four more mentors answer, without comments: the five mentors' answers are published
    // together, and the comments of the ten who wrote one may be read.
    let mentors: Vec<Answering> = pairs[5..9]
        .iter()
        .map(|p| {
            (
                p,
                "mentor",
                "month3",
                vec![("met", "yes".into()), ("fit", "4".into())],
            )
        })
        .collect();
    answer(&app, &mentors).await;
    let (_, c) = app.get_json("/api/v1/outcomes/comments?step=month3").await;
    let texts = c["comments"].as_array().expect("comments");
    assert_eq!(texts.len(), 10, "{c}");
    assert_eq!(
        texts[0], "A good pairing",
        "alphabetical: no order by person or time"
    );
    assert!(c.get("suppressed").is_none());
    // An erased person's words are not shown again.
    assert_eq!(
        app.delete(&format!("/api/v1/mentees/{}", pairs[0].mentee_id))
            .await,
        204
    );
    let (_, c) = app.get_json("/api/v1/outcomes/comments?step=month3").await;
    let texts = c["comments"].as_array().expect("comments");
    assert_eq!(texts.len(), 9);
    assert!(
        !texts
            .iter()
            .any(|t| t.as_str().unwrap_or_default().starts_with("Comment 0"))
    );
}

/// Only the store can make a mentee answer the same step in two matches within seconds. The
/// small-cell rule counts people: five answers from four people are too few.
async fn people_answering_twice_count_once(backend: Backend) {
    let app = spawn(backend).await;
    let mut seed = Seed::new();
    // A mentee matched twice in February answers month 1 in both pairs; three others once.
    let first = seed.pair_as(Person::default(), FEB, "ended");
    seed.belonging(&first, "month1", 1.0);
    let second = seed.rematch(&first, FEB);
    seed.belonging(&second, "month1", 5.0);
    for _ in 0..3 {
        let other = seed.pair(Person::default(), FEB);
        seed.belonging(&other, "month1", 3.0);
    }
    // Three mentors with two mentees each answer day 14 for both: six answers, three people.
    for _ in 0..3 {
        let a = seed.pair(Person::default(), JAN);
        let b = seed.pair_with(Person::default(), &a, JAN);
        for p in [&a, &b] {
            seed.checkin(
                p,
                "mentor",
                "day14",
                "answered",
                &[("fit", Answer::Number(4.0))],
            );
        }
    }
    seed.write(&app.app.db);
    let (_, by_cohort) = app
        .get_json("/api/v1/outcomes/belonging?group_by=cohort")
        .await;
    assert_eq!(
        by_cohort["items"],
        json!([{"step": "month1", "group": "2026-02", "suppressed": true}])
    );
    let (_, questions) = app.get_json("/api/v1/outcomes/questions").await;
    let items = questions["items"].as_array().expect("items");
    let find = |q: &str, role: &str| {
        items
            .iter()
            .find(|i| i["question"] == q && i["role"] == role)
            .expect("item")
            .clone()
    };
    assert_eq!(find("belonging", "mentee")["suppressed"], true);
    assert_eq!(find("fit", "mentor")["suppressed"], true, "{questions}");

    // Two more mentees answer: seven answers from six people, all counted.
    let mut seed = Seed::new();
    for _ in 0..2 {
        let other = seed.pair(Person::default(), FEB);
        seed.belonging(&other, "month1", 3.0);
    }
    // And a fourth and fifth mentor: ten answers from five people.
    for _ in 0..2 {
        let a = seed.pair(Person::default(), JAN);
        let b = seed.pair_with(Person::default(), &a, JAN);
        for p in [&a, &b] {
            seed.checkin(
                p,
                "mentor",
                "day14",
                "answered",
                &[("fit", Answer::Number(5.0))],
            );
        }
    }
    seed.write(&app.app.db);
    // Two new mentee answers and four new mentor answers: too few to be published yet.
    let (_, by_cohort) = app
        .get_json("/api/v1/outcomes/belonging?group_by=cohort")
        .await;
    assert_eq!(
        by_cohort["items"],
        json!([{"step": "month1", "group": "2026-02", "suppressed": true}])
    );
    // Three more mentees and a sixth mentor: five new answers each, published together.
    // Ten mentee answers from nine people; twelve mentor answers from six.
    let mut seed = Seed::new();
    for _ in 0..3 {
        let other = seed.pair(Person::default(), FEB);
        seed.belonging(&other, "month1", 3.0);
    }
    let a = seed.pair(Person::default(), JAN);
    let b = seed.pair_with(Person::default(), &a, JAN);
    for p in [&a, &b] {
        seed.checkin(
            p,
            "mentor",
            "day14",
            "answered",
            &[("fit", Answer::Number(4.0))],
        );
    }
    seed.write(&app.app.db);
    let (_, by_cohort) = app
        .get_json("/api/v1/outcomes/belonging?group_by=cohort")
        .await;
    assert_eq!(
        by_cohort["items"],
        json!([{"step": "month1", "group": "2026-02", "n": 10, "mean": 3.0}])
    );
    let (_, questions) = app.get_json("/api/v1/outcomes/questions").await;
    let fit = questions["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["question"] == "fit" && i["role"] == "mentor")
        .expect("fit")
        .clone();
    assert_eq!(
        (fit["n"].clone(), fit["mean"].clone()),
        (json!(12), json!(4.3)),
        "52 / 12 = 4.33…, to one decimal"
    );
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 0.001)
}

async fn hire_and_leave(
    app: &TestApp,
    n: usize,
    hired: NaiveDate,
    left: Option<(NaiveDate, bool)>,
) -> String {
    let id = app.mentee(n, json!({})).await;
    let mut events = vec![json!({"person_id": id, "event": "hired", "occurred_on": hired})];
    if let Some((on, voluntary)) = left {
        events.push(
            json!({"person_id": id, "event": "left", "voluntary": voluntary, "occurred_on": on}),
        );
    }
    let (status, body) = app
        .post_json("/api/v1/employment-events", &Value::Array(events))
        .await;
    assert_eq!(status, 201, "{body}");
    id
}

/// Two cohorts, worked out by hand (see the table in each step):
///
/// Recent cohort, hired on the 1st of the month 200–231 days ago, 8 people: left on days
/// 30 (voluntary), 60 (involuntary), 60 (voluntary), 150 (voluntary); four still employed,
/// followed until today (day d ≥ 200). One of the leavers had transferred on day 10 first.
///
/// | day | at risk | exits | retention | voluntary exits | voluntary retention |
/// |-----|---------|-------|-----------|-----------------|---------------------|
/// | 30  | 8       | 1     | 7/8 = 0.875 | 1             | 0.875               |
/// | 60  | 7       | 2     | 0.875·5/7 = 0.625 | 1       | 0.875·6/7 = 0.75    |
/// | 150 | 5       | 1     | 0.625·4/5 = 0.5 | 1         | 0.75·4/5 = 0.6      |
///
/// March 2024, 6 people: left on day 100 (voluntary), day 200 (involuntary), day 400
/// (voluntary, after the first year: retained); three still employed.
/// Retention at 12 months 5/6·4/5 = 0.6667; voluntary 5/6 = 0.8333.
///
/// Everyone (14): exits on days 30, 60 (2), 100, 150, 200 with 14, 13, 11, 10, 9 at risk:
/// 13/14 · 11/13 · 10/11 · 9/10 · 8/9 = 8/14 = 0.5714. Voluntary: 13/14 · 12/13 · 10/11 ·
/// 9/10 = 0.7013.
async fn retention_matches_the_hand_computation(backend: Backend) {
    let app = spawn(backend).await;
    let today = chrono::Utc::now().date_naive();
    let back = today - Days::new(200);
    let recent = NaiveDate::from_ymd_opt(back.year(), back.month(), 1).expect("first day");
    let d0 = (today - recent).num_days();
    let day = |d: u64| recent + Days::new(d);
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let a = hire_and_leave(&app, next(), recent, Some((day(30), true))).await;
    let (status, _) = app
        .post_json(
            "/api/v1/employment-events",
            &json!({"person_id": a, "event": "transferred", "occurred_on": day(10)}),
        )
        .await;
    assert_eq!(status, 201);
    hire_and_leave(&app, next(), recent, Some((day(60), false))).await;
    hire_and_leave(&app, next(), recent, Some((day(60), true))).await;
    hire_and_leave(&app, next(), recent, Some((day(150), true))).await;
    for _ in 0..4 {
        hire_and_leave(&app, next(), recent, None).await;
    }
    let march = date("2024-03-04");
    hire_and_leave(&app, next(), march, Some((date("2024-06-12"), true))).await;
    hire_and_leave(&app, next(), march, Some((date("2024-09-20"), false))).await;
    hire_and_leave(&app, next(), march, Some((date("2025-04-08"), true))).await;
    for _ in 0..3 {
        hire_and_leave(&app, next(), march, None).await;
    }
    // A mentor's hire is not a newcomer's.
    let mentor = app.mentor(1, json!({})).await;
    app.post_json(
        "/api/v1/employment-events",
        &json!({"person_id": mentor, "event": "hired", "occurred_on": "2024-03-11"}),
    )
    .await;

    let (status, r) = app.get_json("/api/v1/outcomes/retention").await;
    assert_eq!(status, 200, "{r}");
    assert!(close(&r["benchmark"], 0.825));
    assert_eq!(r["window_days"], 365);
    let cohorts = r["cohorts"].as_array().expect("cohorts");
    assert_eq!(cohorts.len(), 2, "{r}");
    let (old, new) = (&cohorts[0], &cohorts[1]);
    assert_eq!(old["cohort"], "2024-03");
    assert_eq!(new["cohort"], recent.format("%Y-%m").to_string());

    assert_eq!(
        (
            new["n"].clone(),
            new["exits"].clone(),
            new["voluntary_exits"].clone()
        ),
        (json!(8), json!(4), json!(3))
    );
    assert_eq!(new["followed_days"], d0);
    assert!(new["retention_12m"].is_null(), "not followed a year yet");
    assert!(close(&new["retention_so_far"], 0.5));
    assert!(close(&new["voluntary_retention_so_far"], 0.6));
    let curve: Vec<(u64, u64, u64, u64)> = new["curve"]
        .as_array()
        .expect("curve")
        .iter()
        .map(|p| {
            (
                p["day"].as_u64().unwrap_or(0),
                p["at_risk"].as_u64().unwrap_or(0),
                p["exits"].as_u64().unwrap_or(0),
                p["voluntary_exits"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(curve, [(30, 8, 1, 1), (60, 7, 2, 1), (150, 5, 1, 1)]);
    for (i, (all, voluntary)) in [(0.875, 0.875), (0.625, 0.75), (0.5, 0.6)]
        .into_iter()
        .enumerate()
    {
        assert!(
            close(&new["curve"][i]["retention"], all),
            "{}",
            new["curve"][i]
        );
        assert!(close(&new["curve"][i]["voluntary_retention"], voluntary));
    }

    assert_eq!(old["n"], 6);
    assert_eq!(old["followed_days"], 365);
    assert!(close(&old["retention_12m"], 4.0 / 6.0), "{old}");
    assert!(close(&old["voluntary_retention_12m"], 5.0 / 6.0));

    let all = &r["all"];
    assert_eq!(
        (all["cohort"].clone(), all["n"].clone()),
        (json!("all"), json!(14))
    );
    assert!(close(&all["retention_12m"], 8.0 / 14.0), "{all}");
    assert!(close(
        &all["voluntary_retention_12m"],
        13.0 / 14.0 * 12.0 / 13.0 * 10.0 / 11.0 * 9.0 / 10.0
    ));

    // A third cohort of two: hidden, and so is the next smallest (March, 6), or everyone
    // minus the others would give it away.
    hire_and_leave(&app, next(), date("2025-05-05"), None).await;
    hire_and_leave(
        &app,
        next(),
        date("2025-05-05"),
        Some((date("2025-07-01"), true)),
    )
    .await;
    let (_, r) = app.get_json("/api/v1/outcomes/retention").await;
    let cohorts = r["cohorts"].as_array().expect("cohorts");
    assert_eq!(cohorts[0], json!({"cohort": "2024-03", "suppressed": true}));
    assert_eq!(cohorts[1], json!({"cohort": "2025-05", "suppressed": true}));
    assert_eq!(cohorts[2]["n"], 8);
    assert_eq!(r["all"]["n"], 16);
    let (_, one) = app
        .get_json(&format!(
            "/api/v1/outcomes/retention?cohort={}",
            recent.format("%Y-%m")
        ))
        .await;
    assert_eq!(one["cohorts"].as_array().map(Vec::len), Some(1));
}

async fn csv_downloads(backend: Backend) {
    let app = spawn_with(TestDb::new(backend).with_config(QUICK_STEPS), &[]).await;
    belonging_answers(&app).await;
    let get = |path: &str, accept: Option<&str>| {
        let mut req = app.req(reqwest::Method::GET, path);
        if let Some(a) = accept {
            req = req.header("Accept", a);
        }
        req.send()
    };
    for (path, accept, header) in [
        (
            "/api/v1/outcomes/belonging?group_by=site&cohort=2026-01&format=csv",
            None,
            "step,group,label,n,mean,suppressed",
        ),
        (
            "/api/v1/outcomes/belonging?group_by=site&cohort=2026-01",
            Some("text/csv"),
            "step,group,label,n,mean,suppressed",
        ),
        (
            "/api/v1/outcomes/response-rates?format=csv",
            None,
            "step,invited,delivered,answered,expired,awaiting,scheduled,response_rate,suppressed",
        ),
        (
            "/api/v1/outcomes/questions?format=csv",
            None,
            "question,role,step,value,label,count,n,suppressed",
        ),
        (
            "/api/v1/outcomes/retention?format=csv",
            None,
            "cohort,n,exits,voluntary_exits,followed_days,retention_12m,voluntary_retention_12m,retention_so_far,voluntary_retention_so_far,benchmark,suppressed",
        ),
    ] {
        let response = get(path, accept).await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            content_type.starts_with("text/csv"),
            "{path}: {content_type}"
        );
        let text = response.text().await.expect("text");
        assert_eq!(text.lines().next(), Some(header), "{path}");
        if path.contains("belonging") {
            assert!(
                text.contains("month1,south_campus,South Campus,,,true\r\n"),
                "a hidden cell has no numbers: {text}"
            );
            assert!(
                text.contains("month1,community_clinic,Community Clinic,,,true\r\n"),
                "seven who all answered 3: hidden like a small group: {text}"
            );
        }
    }
    // A shown cell, its mean to one decimal (28 / 13 = 2.15…).
    let text = get("/api/v1/outcomes/belonging?group_by=site&format=csv", None)
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains("month1,south_campus,South Campus,13,2.2,false\r\n"),
        "{text}"
    );
    let (status, json) = send(
        app.req(
            reqwest::Method::GET,
            "/api/v1/outcomes/belonging?format=json",
        )
        .header("Accept", "text/csv"),
    )
    .await;
    assert_eq!(status, 200, "format wins over Accept: {json}");
}

/// Integration tokens may read nothing derived from check-in answers: outcomes, check-ins,
/// flags and a match's health are for coordinators (403 problem+json, whatever the query).
async fn who_may_read_outcomes(backend: Backend) {
    let app = spawn(backend).await;
    let pair = app
        .approved_pair(
            1,
            json!({"site": "north_campus"}),
            json!({"site": "north_campus"}),
        )
        .await;
    let health = format!("/api/v1/matches/{}/health", pair.match_id);
    let checkins = format!("/api/v1/checkins?match_id={}", pair.match_id);
    for path in [
        "/api/v1/outcomes/belonging?group_by=shift",
        "/api/v1/outcomes/belonging?format=csv",
        "/api/v1/outcomes/response-rates",
        "/api/v1/outcomes/questions",
        "/api/v1/outcomes/retention",
        "/api/v1/outcomes/comments?step=month1",
        "/api/v1/checkins",
        checkins.as_str(),
        "/api/v1/checkins?status=answered",
        "/api/v1/flags",
        health.as_str(),
    ] {
        let (status, problem) = send(app.client.get(app.url(path))).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(problem["type"], "urn:belong:problem:unauthorized");
        let (status, _) = send(
            app.client
                .get(app.url(path))
                .bearer_auth("belong_not-a-token"),
        )
        .await;
        assert_eq!(status, 401, "{path}");
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(&app.integration)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 403, "{path}");
        let media = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert_eq!(media, "application/problem+json", "{path}");
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["status"], 403, "{path}: {problem}");
        let coordinator = app
            .client
            .get(app.url(path))
            .bearer_auth(&app.coordinator)
            .send()
            .await
            .expect("request");
        assert_eq!(coordinator.status(), 200, "{path}");
    }
}

async fn bad_queries_are_refused(backend: Backend) {
    let app = spawn(backend).await;
    for (path, field) in [
        ("/api/v1/outcomes/belonging?group_by=ward", "group_by"),
        ("/api/v1/outcomes/belonging?group_by=SITE", "group_by"),
        (
            "/api/v1/outcomes/belonging?group_by=site&cohort=2026-13",
            "cohort",
        ),
        ("/api/v1/outcomes/belonging?format=xml", "format"),
        ("/api/v1/outcomes/belonging?colour=blue", "colour"),
        ("/api/v1/outcomes/response-rates?group_by=site", "group_by"),
        ("/api/v1/outcomes/questions?cohort=last-year", "cohort"),
        ("/api/v1/outcomes/retention?cohort=2026", "cohort"),
        ("/api/v1/outcomes/comments", "step"),
        ("/api/v1/outcomes/comments?step=month7", "step"),
        ("/api/v1/outcomes/comments?step=month1&format=csv", "format"),
    ] {
        let (status, problem) = app.get_json(path).await;
        assert_eq!(status, 422, "{path}: {problem}");
        assert_eq!(problem["type"], "urn:belong:problem:validation");
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
    }
    let (status, problem) = app
        .get_json("/api/v1/outcomes/belonging?group_by=%zz")
        .await;
    assert!(status == 400 || status == 422, "{status}: {problem}");
}
