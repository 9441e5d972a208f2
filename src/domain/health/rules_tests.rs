//! The early-warning rules on realistic calendars of answers.

use super::*;
use crate::domain::health::Health;
use chrono::{Duration, TimeZone};

const MENTEE: &str = "mentee-1";
const MENTOR: &str = "mentor-1";

fn thresholds() -> Thresholds {
    Thresholds {
        first_meeting: Period::parse("14").expect("days"),
        first_meeting_escalate: Period::parse("21").expect("days"),
        no_meeting: Period::parse("45").expect("days"),
        fit_at_most: 2.0,
        belonging_drop: 1.0,
        belonging_at_most: 2.5,
        intent_to_stay_at_most: 2.0,
        burnout_at_least: 4.0,
        unanswered_in_a_row: 2,
    }
}

fn approved() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .expect("date")
}

fn days(n: i64) -> DateTime<Utc> {
    approved() + Duration::days(n)
}

fn person(role: Respondent) -> &'static str {
    match role {
        Respondent::Mentee => MENTEE,
        Respondent::Mentor => MENTOR,
    }
}

/// A pair that is doing well: both on nights, met at day 10, good answers at month 1.
fn healthy() -> Pair {
    let mut pair = Pair {
        approved_at: approved(),
        mentee_shift: Some(Shift::Night),
        mentor_shift: Some(Shift::Night),
        checkins: Vec::new(),
        answers: Vec::new(),
    };
    answer(
        &mut pair,
        "day14",
        Respondent::Mentee,
        10,
        &[("met", 1.0), ("times", 1.0), ("fit", 4.0), ("contact", 0.0)],
    );
    answer(
        &mut pair,
        "day14",
        Respondent::Mentor,
        10,
        &[("met", 1.0), ("times", 1.0), ("fit", 5.0)],
    );
    answer(
        &mut pair,
        "month1",
        Respondent::Mentee,
        30,
        &[
            ("belonging", 4.0),
            ("met", 1.0),
            ("times", 2.0),
            ("fit", 4.0),
            ("stay", 5.0),
            ("burnout", 2.0),
            ("contact", 0.0),
        ],
    );
    answer(
        &mut pair,
        "month1",
        Respondent::Mentor,
        30,
        &[("met", 1.0), ("times", 2.0), ("fit", 4.0)],
    );
    pair
}

fn answer(pair: &mut Pair, step: &str, role: Respondent, day: i64, items: &[(&str, f64)]) {
    let id = format!("{step}-{}", role.as_str());
    pair.checkins.retain(|c| c.id != id);
    pair.checkins.push(Checkin {
        id: id.clone(),
        person_id: person(role).into(),
        role,
        step: step.into(),
        due_at: days(day) - Duration::hours(1),
        state: CheckinState::Answered,
    });
    for (question, number) in items {
        pair.answers.push(Answer {
            checkin_id: id.clone(),
            person_id: person(role).into(),
            role,
            step: step.into(),
            question: (*question).into(),
            number: *number,
            answered_at: days(day),
        });
    }
}

fn expire(pair: &mut Pair, step: &str, role: Respondent, day: i64) {
    pair.checkins.push(Checkin {
        id: format!("{step}-{}", role.as_str()),
        person_id: person(role).into(),
        role,
        step: step.into(),
        due_at: days(day),
        state: CheckinState::Expired,
    });
}

fn codes(pair: &Pair, at: DateTime<Utc>) -> Vec<&'static str> {
    review(pair, &thresholds(), at)
        .iter()
        .map(|w| w.rule.as_str())
        .collect()
}

#[test]
fn a_healthy_pair_raises_nothing() {
    assert_eq!(codes(&healthy(), days(40)), Vec::<&str>::new());
    assert_eq!(Health::of([]), Health::OnTrack);
}

#[test]
fn no_first_meeting_at_day_14_then_escalated_at_day_21() {
    let mut pair = healthy();
    pair.answers.clear();
    pair.checkins.clear();
    // Silence alone is not evidence until the escalation threshold: the day-14 check-in
    // may still be on its way or in someone's inbox.
    for d in [13, 14, 20] {
        assert!(codes(&pair, days(d)).is_empty(), "day {d}");
    }
    assert_eq!(codes(&pair, days(21)), ["no_first_meeting_escalated"]);
    let w = &review(&pair, &thresholds(), days(21))[0];
    assert_eq!(w.rule.severity(), Severity::Critical);
    assert_eq!(w.subject, Subject::Pair);
    assert!(w.evidence.contains("2026-01-26"), "{}", w.evidence);
    // A "not yet" before day 14 is too early to worry about; at the day-14 check-in it
    // puts the pair at risk.
    answer(&mut pair, "week1", Respondent::Mentee, 7, &[("met", 0.0)]);
    assert!(codes(&pair, days(16)).is_empty());
    answer(
        &mut pair,
        "day14",
        Respondent::Mentee,
        15,
        &[("met", 0.0), ("times", 0.0)],
    );
    assert_eq!(codes(&pair, days(16)), ["no_first_meeting"]);
    let w = &review(&pair, &thresholds(), days(16))[0];
    assert_eq!(w.basis, "checkin day14-mentee");
    assert_eq!(codes(&pair, days(21)), ["no_first_meeting_escalated"]);
    // A "yes" from either person is a meeting: nothing holds any more.
    answer(&mut pair, "day14", Respondent::Mentor, 16, &[("met", 1.0)]);
    assert!(codes(&pair, days(17)).is_empty());
    assert!(codes(&pair, days(21)).is_empty());
}

#[test]
fn no_meeting_reported_for_45_days() {
    let mut pair = healthy();
    // The last meeting was reported on day 30; time alone says nothing, as the next
    // chance to report one is the next check-in.
    assert!(codes(&pair, days(200)).is_empty());
    answer(&mut pair, "month3", Respondent::Mentee, 74, &[("met", 0.0)]);
    assert!(codes(&pair, days(80)).is_empty(), "44 days is not 45");
    answer(&mut pair, "month3", Respondent::Mentor, 75, &[("met", 0.0)]);
    assert_eq!(codes(&pair, days(80)), ["no_recent_meeting"]);
    let w = &review(&pair, &thresholds(), days(80))[0];
    assert_eq!(w.basis, "checkin month3-mentor", "the latest report");
    assert!(
        w.evidence.contains("month1") && w.evidence.contains("mentor"),
        "{}",
        w.evidence
    );
    // A meeting reported later clears it.
    answer(
        &mut pair,
        "month6",
        Respondent::Mentee,
        100,
        &[("met", 1.0)],
    );
    assert!(codes(&pair, days(101)).is_empty());
}

#[test]
fn a_poor_fit_offers_a_rematch_from_either_person() {
    let mut pair = healthy();
    answer(
        &mut pair,
        "month3",
        Respondent::Mentor,
        60,
        &[("met", 1.0), ("fit", 2.0)],
    );
    let warnings = review(&pair, &thresholds(), days(61));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].rule, Rule::PoorFit);
    assert_eq!(
        warnings[0].subject,
        Subject::Person {
            id: MENTOR.into(),
            role: Respondent::Mentor
        }
    );
    assert_eq!(
        warnings[0].evidence,
        "The mentor rated the pair's fit 2 at the month3 check-in on 2026-03-06 \
         (threshold: 2 or lower offers a re-match)."
    );
    // A later, better answer clears it; 3 is above the threshold.
    answer(
        &mut pair,
        "month6",
        Respondent::Mentor,
        90,
        &[("met", 1.0), ("fit", 3.0)],
    );
    assert!(codes(&pair, days(91)).is_empty());
}

#[test]
fn belonging_low_or_dropped() {
    let mut low = healthy();
    low.answers.retain(|a| a.question != "belonging");
    answer(
        &mut low,
        "month1",
        Respondent::Mentee,
        30,
        &[("belonging", 2.0), ("met", 1.0)],
    );
    assert_eq!(codes(&low, days(31)), ["belonging_low"]);

    let mut dropped = healthy();
    answer(
        &mut dropped,
        "month3",
        Respondent::Mentee,
        60,
        &[("belonging", 3.0), ("met", 1.0)],
    );
    assert_eq!(codes(&dropped, days(61)), ["belonging_dropped"]);
    let w = &review(&dropped, &thresholds(), days(61))[0];
    assert!(
        w.evidence.contains("from 4 (month1 check-in) to 3"),
        "{}",
        w.evidence
    );
    assert_eq!(w.basis, "checkin month3-mentee");

    // 4 → 3.5 is not a drop of 1; 4 → 2 is both low and dropped.
    let mut small = healthy();
    answer(
        &mut small,
        "month3",
        Respondent::Mentee,
        60,
        &[("belonging", 3.5), ("met", 1.0)],
    );
    assert!(codes(&small, days(61)).is_empty());
    let mut both = healthy();
    answer(
        &mut both,
        "month3",
        Respondent::Mentee,
        60,
        &[("belonging", 2.0), ("met", 1.0)],
    );
    assert_eq!(
        codes(&both, days(61)),
        ["belonging_low", "belonging_dropped"]
    );
}

#[test]
fn intent_to_leave_burnout_and_contact() {
    for (question, value, code) in [
        ("stay", 2.0, "intent_to_leave"),
        ("burnout", 4.0, "burnout_high"),
        ("contact", 1.0, "asked_for_contact"),
    ] {
        let mut pair = healthy();
        answer(
            &mut pair,
            "month3",
            Respondent::Mentee,
            60,
            &[("met", 1.0), (question, value)],
        );
        assert_eq!(codes(&pair, days(61)), [code], "{question}");
    }
    for (question, value) in [("stay", 3.0), ("burnout", 3.0), ("contact", 0.0)] {
        let mut pair = healthy();
        answer(
            &mut pair,
            "month3",
            Respondent::Mentee,
            60,
            &[("met", 1.0), (question, value)],
        );
        assert!(codes(&pair, days(61)).is_empty(), "{question} {value}");
    }
}

#[test]
fn two_check_ins_in_a_row_unanswered() {
    let mut pair = healthy();
    expire(&mut pair, "month3", Respondent::Mentor, 60);
    assert!(codes(&pair, days(61)).is_empty(), "one is not a run");
    expire(&mut pair, "month6", Respondent::Mentor, 70);
    let warnings = review(&pair, &thresholds(), days(71));
    assert_eq!(
        warnings.iter().map(|w| w.rule.as_str()).collect::<Vec<_>>(),
        ["unanswered_checkins"]
    );
    let w = &warnings[0];
    assert_eq!(
        w.evidence,
        "The mentor left the last 2 check-ins unanswered (month3, month6)."
    );
    assert_eq!(w.basis, "checkin month6-mentor");
    // A pending check-in does not break the run; an answered one does.
    pair.checkins.push(Checkin {
        id: "month9-mentor".into(),
        person_id: MENTOR.into(),
        role: Respondent::Mentor,
        step: "month9".into(),
        due_at: days(80),
        state: CheckinState::Pending,
    });
    assert!(codes(&pair, days(71)).contains(&"unanswered_checkins"));
    answer(
        &mut pair,
        "month9",
        Respondent::Mentor,
        71,
        &[("met", 1.0), ("fit", 4.0)],
    );
    assert!(codes(&pair, days(72)).is_empty());
}

#[test]
fn a_night_shift_mentee_with_a_mentor_off_nights() {
    let mut pair = healthy();
    pair.mentor_shift = Some(Shift::Day);
    assert_eq!(codes(&pair, days(31)), ["shift_mismatch"]);
    pair.mentor_shift = Some(Shift::Rotating);
    assert_eq!(codes(&pair, days(31)), ["shift_mismatch"]);
    // A day-shift mentee with a night mentor, or an erased profile: nothing.
    pair.mentee_shift = Some(Shift::Day);
    pair.mentor_shift = Some(Shift::Night);
    assert!(codes(&pair, days(31)).is_empty());
    pair.mentee_shift = None;
    assert!(codes(&pair, days(31)).is_empty());
}

#[test]
fn evidence_holds_numbers_and_dates_only() {
    let mut pair = healthy();
    answer(
        &mut pair,
        "month3",
        Respondent::Mentee,
        60,
        &[
            ("belonging", 1.0),
            ("stay", 1.0),
            ("burnout", 5.0),
            ("contact", 1.0),
            ("fit", 1.0),
        ],
    );
    expire(&mut pair, "month6", Respondent::Mentor, 61);
    expire(&mut pair, "month9", Respondent::Mentor, 62);
    pair.mentor_shift = Some(Shift::Evening);
    let warnings = review(&pair, &thresholds(), days(200));
    assert_eq!(warnings.len(), 8, "{warnings:?}");
    for w in &warnings {
        assert!(
            !w.evidence.contains(MENTEE) && !w.evidence.contains(MENTOR),
            "{w:?}"
        );
    }
}

#[test]
fn periods_are_days_or_durations() {
    assert_eq!(
        Period::parse("14").map(|p| p.from(approved())),
        Ok(days(14))
    );
    assert_eq!(
        Period::parse(" 14 ").map(|p| p.to_string()),
        Ok("14 days".into())
    );
    assert_eq!(
        Period::parse("PT5S").map(|p| p.from(approved())),
        Ok(approved() + Duration::seconds(5))
    );
    for bad in ["", "-1", "14d", "99999", "P"] {
        assert!(Period::parse(bad).is_err(), "{bad}");
    }
}
