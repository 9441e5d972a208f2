//! Check-ins over the first year: the configured steps, and when each falls due.

use chrono::{DateTime, Months, Utc};

/// An ISO 8601 duration as the steps use it: `P14D`, `P3M`, `P1Y`, `P2W`, `PT5S`, `P1MT2H`…
/// Months and years are calendar months (1 March + P1M = 1 April).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    months: u32,
    days: u32,
    seconds: u64,
}

impl After {
    pub fn parse(input: &str) -> Result<Self, String> {
        let bad = || format!("\"{input}\" is not an ISO 8601 duration like P14D, P3M or PT5S");
        let rest = input.trim().strip_prefix('P').ok_or_else(bad)?;
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return Err(bad()),
            None => (rest, None),
        };
        let mut after = After {
            months: 0,
            days: 0,
            seconds: 0,
        };
        let mut any = false;
        for (part, is_time) in [(date, false), (time.unwrap_or_default(), true)] {
            let mut number = String::new();
            for c in part.chars() {
                if c.is_ascii_digit() {
                    number.push(c);
                    continue;
                }
                let n: u64 = number.parse().map_err(|_| bad())?;
                number.clear();
                any = true;
                let small = |n: u64| u32::try_from(n).map_err(|_| bad());
                match (is_time, c) {
                    (false, 'Y') => after.months += small(n)?.checked_mul(12).ok_or_else(bad)?,
                    (false, 'M') => after.months += small(n)?,
                    (false, 'W') => after.days += small(n)?.checked_mul(7).ok_or_else(bad)?,
                    (false, 'D') => after.days += small(n)?,
                    (true, 'H') => after.seconds += n.checked_mul(3600).ok_or_else(bad)?,
                    (true, 'M') => after.seconds += n.checked_mul(60).ok_or_else(bad)?,
                    (true, 'S') => after.seconds += n,
                    _ => return Err(bad()),
                }
            }
            if !number.is_empty() {
                return Err(bad());
            }
        }
        if !any || after.months > 120 || after.days > 3660 || after.seconds > 10 * 366 * 86_400 {
            return Err(bad());
        }
        Ok(after)
    }

    /// The moment this long after `start`.
    pub fn from(self, start: DateTime<Utc>) -> DateTime<Utc> {
        let with_months = start
            .checked_add_months(Months::new(self.months))
            .unwrap_or(start);
        with_months
            + chrono::Duration::days(i64::from(self.days))
            + chrono::Duration::seconds(self.seconds as i64)
    }
}

/// Who a step asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Mentee,
    Mentor,
    Both,
}

impl Audience {
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim() {
            "mentee" => Ok(Audience::Mentee),
            "mentor" => Ok(Audience::Mentor),
            "both" => Ok(Audience::Both),
            other => Err(format!(
                "\"{other}\" is not an audience; use mentee, mentor or both"
            )),
        }
    }

    pub fn includes_mentee(self) -> bool {
        self != Audience::Mentor
    }

    pub fn includes_mentor(self) -> bool {
        self != Audience::Mentee
    }
}

/// One configured check-in step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Unique per programme, e.g. `day14` or `month3`.
    pub key: String,
    pub after: After,
    pub audience: Audience,
    /// Which survey it asks (defined in configuration).
    pub survey: String,
}

/// One person's check-in at one step of one match, with when it falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub step: String,
    pub role: &'static str,
    pub due_at: DateTime<Utc>,
}

/// The check-ins a match approved at `approved_at` gets: one per step and person asked.
pub fn plan(steps: &[Step], approved_at: DateTime<Utc>) -> Vec<Planned> {
    let mut out = Vec::new();
    for step in steps {
        let due_at = step.after.from(approved_at);
        for (role, asked) in [
            ("mentee", step.audience.includes_mentee()),
            ("mentor", step.audience.includes_mentor()),
        ] {
            if asked {
                out.push(Planned {
                    step: step.key.clone(),
                    role,
                    due_at,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn durations_read_as_iso_8601() {
        let start = at(2026, 1, 31);
        assert_eq!(
            After::parse("P14D").map(|a| a.from(start)),
            Ok(at(2026, 2, 14))
        );
        assert_eq!(
            After::parse("P1M").map(|a| a.from(start)),
            Ok(at(2026, 2, 28)),
            "clamped to the month's end"
        );
        assert_eq!(
            After::parse("P1Y").map(|a| a.from(start)),
            Ok(at(2027, 1, 31))
        );
        assert_eq!(
            After::parse("P2W").map(|a| a.from(start)),
            Ok(at(2026, 2, 14))
        );
        assert_eq!(
            After::parse("PT5S").map(|a| a.from(start)),
            Ok(start + chrono::Duration::seconds(5))
        );
        for bad in [
            "",
            "P",
            "14D",
            "P14",
            "PT",
            "P1H",
            "PT1D",
            "P-1D",
            "P1.5D",
            "P99999999999D",
            "p14d",
        ] {
            assert!(After::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plans_one_check_in_per_step_and_person() {
        let steps = vec![
            Step {
                key: "day14".into(),
                after: After::parse("P14D").expect("d"),
                audience: Audience::Both,
                survey: "first_meeting".into(),
            },
            Step {
                key: "month3".into(),
                after: After::parse("P3M").expect("d"),
                audience: Audience::Mentee,
                survey: "pulse".into(),
            },
        ];
        let planned = plan(&steps, at(2026, 1, 1));
        let summary: Vec<(&str, &str)> =
            planned.iter().map(|p| (p.step.as_str(), p.role)).collect();
        assert_eq!(
            summary,
            vec![
                ("day14", "mentee"),
                ("day14", "mentor"),
                ("month3", "mentee")
            ]
        );
        assert_eq!(planned[2].due_at, at(2026, 4, 1));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,16}") {
            let _ = After::parse(&s);
        }

        #[test]
        fn days_add_up(days in 0u32..3000) {
            let after = After::parse(&format!("P{days}D")).expect("valid");
            prop_assert_eq!(after.from(at(2026, 1, 1)), at(2026, 1, 1) + chrono::Duration::days(i64::from(days)));
        }
    }
}
