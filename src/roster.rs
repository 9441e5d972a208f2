//! Offline matching of a roster file (`belong match-file`): the same engine and rules as the
//! API, on people given in a JSON file with ids of their own.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::config::Settings;
use crate::domain::field_error::FieldErrors;
use crate::domain::fields;
use crate::domain::input::{MenteeInput, MentorInput};
use crate::domain::matching::engine::{Engine, MenteeEntry, MentorEntry, Outcome};
use crate::domain::matching::settings::{MatchingSettings, json as settings_json};
use crate::domain::profile::{MenteeDetails, MentorDetails};
use crate::domain::validate::{self, Rules};
use crate::store::matches::explanation_json;

struct RosterMentor {
    id: String,
    details: MentorDetails,
    paused: bool,
    active: u32,
}

/// Matches the roster in `text` and returns the result as pretty JSON (same input, same
/// bytes). Errors name the file position, or the person and the field.
pub fn match_file(text: &str, file: &str, config: &Settings) -> Result<String, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("{file}:{}:{}: {e}", e.line(), e.column()))?;
    let Value::Object(mut top) = value else {
        return Err(format!(
            "{file}: the roster must be a JSON object with \"mentees\" and \"mentors\""
        ));
    };
    if let Some(key) = top
        .keys()
        .find(|k| !["mentees", "mentors", "settings"].contains(&k.as_str()))
    {
        return Err(format!(
            "{file}: \"{key}\" is not part of a roster; use mentees, mentors and settings"
        ));
    }
    let settings = match top.remove("settings") {
        None | Some(Value::Null) => config.matching.clone(),
        Some(Value::Object(map)) => settings_json::input(&map)
            .and_then(|input| config.matching.updated(input, &config.taxonomy))
            .map_err(|e| format!("{file}: settings: {e}"))?,
        Some(_) => return Err(format!("{file}: settings must be an object")),
    };
    let rules = Rules::new(&config.taxonomy, settings.default_capacity);
    let list = |top: &mut Map<String, Value>, key: &str| match top.remove(key) {
        Some(Value::Array(items)) => Ok(items),
        None => Ok(Vec::new()),
        Some(_) => Err(format!("{file}: \"{key}\" must be a list")),
    };
    let mut ids = HashSet::new();
    let mut mentees: Vec<(String, MenteeDetails)> = Vec::new();
    for (i, item) in list(&mut top, "mentees")?.into_iter().enumerate() {
        let (id, body) = person(item, &format!("mentees[{i}]"), file, &mut ids)?;
        let place = format!("{file}: mentees[{i}] (id \"{id}\")");
        let input: MenteeInput =
            fields::from_json(body, no_status).map_err(|e| format!("{place}: {e}"))?;
        let details = validate::mentee(&input, rules).map_err(|e| format!("{place}: {e}"))?;
        mentees.push((id, details));
    }
    let mut mentors: Vec<RosterMentor> = Vec::new();
    for (i, item) in list(&mut top, "mentors")?.into_iter().enumerate() {
        let (id, mut body) = person(item, &format!("mentors[{i}]"), file, &mut ids)?;
        let place = format!("{file}: mentors[{i}] (id \"{id}\")");
        let active = match body.remove("active_mentees") {
            None | Some(Value::Null) => 0,
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("{place}: active_mentees: must be a whole number from 0"))?,
        };
        let paused = match body.remove("status") {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) if s == "active" => false,
            Some(Value::String(s)) if s == "paused" => true,
            Some(_) => return Err(format!("{place}: status: must be active or paused")),
        };
        let input: MentorInput =
            fields::from_json(body, no_status).map_err(|e| format!("{place}: {e}"))?;
        let details = validate::mentor(&input, rules).map_err(|e| format!("{place}: {e}"))?;
        mentors.push(RosterMentor {
            id,
            details,
            paused,
            active,
        });
    }
    let outcome = run(&mentees, &mentors, &settings, config)
        .map_err(|e| format!("{file}: matching failed: {e}"))?;
    let mut out =
        serde_json::to_string_pretty(&outcome_json(&outcome)).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(out)
}

/// A mentee's `status` is Belong's to set, as when one signs up through the API.
fn no_status(key: &str, _: Value, errors: &mut FieldErrors) -> bool {
    if key != "status" {
        return false;
    }
    errors.add("status", fields::STATUS_ON_CREATE);
    true
}

fn person(
    item: Value,
    place: &str,
    file: &str,
    ids: &mut HashSet<String>,
) -> Result<(String, Map<String, Value>), String> {
    let Value::Object(mut body) = item else {
        return Err(format!("{file}: {place}: must be an object"));
    };
    let id = match body.remove("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => id,
        _ => {
            return Err(format!(
                "{file}: {place}: id: is required, a non-empty string"
            ));
        }
    };
    if !ids.insert(id.clone()) {
        return Err(format!("{file}: {place}: id: \"{id}\" is used twice"));
    }
    Ok((id, body))
}

fn run(
    mentees: &[(String, MenteeDetails)],
    mentors: &[RosterMentor],
    settings: &MatchingSettings,
    config: &Settings,
) -> Result<Outcome, String> {
    let mentee_entries = mentees
        .iter()
        .map(|(id, details)| MenteeEntry { id, details })
        .collect();
    let mentor_entries = mentors
        .iter()
        .map(|m| MentorEntry {
            id: &m.id,
            details: &m.details,
            paused: m.paused,
            free: u32::from(m.details.capacity.get()).saturating_sub(m.active),
        })
        .collect();
    Engine::new(
        mentee_entries,
        mentor_entries,
        &[],
        settings,
        &config.taxonomy,
    )
    .run()
}

/// The proposals, unmatched mentees and stats of a run, as the API shows them.
pub fn outcome_json(o: &Outcome) -> Value {
    json!({
        "proposals": o.proposals.iter().map(|p| json!({
            "mentee_id": p.mentee_id,
            "mentor_id": p.mentor_id,
            "score": p.score.as_f64(),
            "explanation": explanation_json(&p.explanation),
        })).collect::<Vec<_>>(),
        "unmatched": o.unmatched.iter().map(|u| json!({
            "mentee_id": u.mentee_id,
            "reason": u.reason,
        })).collect::<Vec<_>>(),
        "stats": {
            "mentees": o.stats.mentees,
            "mentors": o.stats.mentors,
            "matched": o.stats.matched,
            "total_score": o.stats.total_score as f64 / 100.0,
            "min_score": o.stats.min_score.as_f64(),
        },
    })
}
