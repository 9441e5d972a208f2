//! Employment events from the HR system: a hire, a transfer inside the organisation, or a
//! leaving (voluntary or not). They feed first-year retention.

use chrono::{DateTime, Days, NaiveDate, Utc};
use uuid::Uuid;

use super::email::EmailAddress;
use super::field_error::FieldErrors;
use super::outcomes::retention::Event;
use super::survey::Respondent;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Hired,
    Transferred,
    Left,
}

impl Kind {
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim().to_ascii_lowercase().as_str() {
            "hired" => Ok(Kind::Hired),
            "transferred" => Ok(Kind::Transferred),
            "left" => Ok(Kind::Left),
            _ => Err("must be one of hired, transferred, left".into()),
        }
    }

    /// The event as retention reads it (a leaving not known to be voluntary is counted as
    /// involuntary).
    pub fn for_retention(self, voluntary: Option<bool>) -> Event {
        match self {
            Kind::Hired => Event::Hired,
            Kind::Transferred => Event::Transferred,
            Kind::Left => Event::Left {
                voluntary: voluntary.unwrap_or(false),
            },
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Hired => "hired",
            Kind::Transferred => "transferred",
            Kind::Left => "left",
        }
    }
}

/// One event, checked: a leaving says whether it was voluntary, nothing else does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmploymentEvent {
    pub kind: Kind,
    pub voluntary: Option<bool>,
    pub occurred_on: NaiveDate,
}

/// Who an event is about: a profile id, an email address, or both (then they must agree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    pub id: Option<Uuid>,
    pub email: Option<EmailAddress>,
}

/// One checked event and whom it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    pub person: PersonRef,
    pub event: EmploymentEvent,
}

/// The fields an event may have, in the order a CSV file is expected to list them.
pub const FIELDS: [&str; 5] = ["person_id", "email", "event", "voluntary", "occurred_on"];

/// An event's fields as given, as text (a JSON object's values, or a CSV row's cells);
/// empty values count as missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEvent {
    pub person_id: Option<String>,
    pub email: Option<String>,
    pub event: Option<String>,
    pub voluntary: Option<String>,
    pub occurred_on: Option<String>,
}

impl RawEvent {
    /// Sets a field by name; false when there is no such field.
    pub fn set(&mut self, field: &str, value: Option<String>) -> bool {
        let value = value.filter(|v| !v.trim().is_empty());
        let slot = match field {
            "person_id" => &mut self.person_id,
            "email" => &mut self.email,
            "event" => &mut self.event,
            "voluntary" => &mut self.voluntary,
            "occurred_on" => &mut self.occurred_on,
            _ => return false,
        };
        *slot = value;
        true
    }
}

fn parse_voluntary(input: &str) -> Result<bool, String> {
    match input.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err("must be true or false".into()),
    }
}

/// Checks one event's fields. Dates run from 1950 to a year ahead (an HR system may announce
/// a hire); anything else is a typing mistake worth refusing.
pub fn parse(raw: &RawEvent, today: NaiveDate) -> Result<EventInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let id = raw.person_id.as_deref().and_then(|v| {
        errors.check(
            "person_id",
            Uuid::parse_str(v.trim())
                .map_err(|_| "must be a mentee's or mentor's id (UUID)".into()),
        )
    });
    let email = raw
        .email
        .as_deref()
        .and_then(|v| errors.check("email", EmailAddress::parse(v)));
    if raw.person_id.is_none() && raw.email.is_none() {
        errors.add("person_id", "give the person's id or their email address");
    }
    let kind = match raw.event.as_deref() {
        Some(v) => errors.check("event", Kind::parse(v)),
        None => {
            errors.add("event", "is required: hired, transferred or left");
            None
        }
    };
    let voluntary = raw
        .voluntary
        .as_deref()
        .and_then(|v| errors.check("voluntary", parse_voluntary(v)));
    match (kind, &raw.voluntary) {
        (Some(Kind::Left), None) => errors.add(
            "voluntary",
            "is required when someone left: true if they chose to, false if not",
        ),
        (Some(k @ (Kind::Hired | Kind::Transferred)), Some(_)) => errors.add(
            "voluntary",
            format!(
                "only a leaving is voluntary or not; leave it empty for {}",
                k.as_str()
            ),
        ),
        _ => {}
    }
    let earliest = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = today.checked_add_days(Days::new(366)).unwrap_or(today);
    let occurred_on = match raw.occurred_on.as_deref() {
        Some(v) => errors.check(
            "occurred_on",
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| "must be a date like 2026-10-01".to_string())
                .and_then(|d| {
                    if d < earliest || d > latest {
                        Err(format!("must be between {earliest} and {latest}"))
                    } else {
                        Ok(d)
                    }
                }),
        ),
        None => {
            errors.add("occurred_on", "is required: the date, like 2026-10-01");
            None
        }
    };
    match (kind, occurred_on) {
        (Some(kind), Some(occurred_on)) if errors.is_empty() => Ok(EventInput {
            person: PersonRef { id, email },
            event: EmploymentEvent {
                kind,
                voluntary: if kind == Kind::Left { voluntary } else { None },
                occurred_on,
            },
        }),
        _ => Err(errors),
    }
}

/// An event as stored, about a person on file (`person_id` is `None` once they are erased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: String,
    pub person_id: Option<String>,
    pub role: Respondent,
    pub kind: Kind,
    pub voluntary: Option<bool>,
    pub occurred_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(fields: &[(&str, &str)]) -> RawEvent {
        let mut r = RawEvent::default();
        for (k, v) in fields {
            assert!(r.set(k, Some(v.to_string())), "{k}");
        }
        r
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("test value")
    }

    #[test]
    fn a_leaving_needs_to_say_whether_it_was_voluntary() {
        let e = parse(
            &raw(&[
                ("email", "Ana@Example.org"),
                ("event", "left"),
                ("occurred_on", "2026-10-01"),
            ]),
            today(),
        )
        .expect_err("refused");
        assert!(
            e.message_for("voluntary")
                .expect("test value")
                .contains("required")
        );
        let ok = parse(
            &raw(&[
                ("email", "Ana@Example.org"),
                ("event", "Left"),
                ("voluntary", "yes"),
                ("occurred_on", "2026-10-01"),
            ]),
            today(),
        )
        .expect("test value");
        assert_eq!(ok.event.kind, Kind::Left);
        assert_eq!(ok.event.voluntary, Some(true));
        assert_eq!(
            ok.person.email.expect("test value").as_str(),
            "ana@example.org"
        );
    }

    #[test]
    fn every_field_is_checked() {
        let e = parse(
            &raw(&[
                ("person_id", "nope"),
                ("event", "promoted"),
                ("voluntary", "maybe"),
                ("occurred_on", "2026-02-30"),
            ]),
            today(),
        )
        .expect_err("refused");
        for field in ["person_id", "event", "voluntary", "occurred_on"] {
            assert!(e.message_for(field).is_some(), "{field}: {e}");
        }
        let e = parse(
            &raw(&[("event", "hired"), ("occurred_on", "2206-01-01")]),
            today(),
        )
        .expect_err("refused");
        assert!(e.message_for("person_id").is_some());
        assert!(
            e.message_for("occurred_on")
                .expect("test value")
                .contains("between")
        );
        let e = parse(
            &raw(&[
                ("person_id", "0192c6a4-0000-7000-8000-000000000000"),
                ("event", "hired"),
                ("voluntary", "false"),
                ("occurred_on", "2026-01-05"),
            ]),
            today(),
        )
        .expect_err("refused");
        assert!(
            e.message_for("voluntary")
                .expect("test value")
                .contains("only a leaving")
        );
        assert!(!RawEvent::default().set("colour", None));
    }
}
