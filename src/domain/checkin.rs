//! Check-ins over the first year: the configured steps, and when each falls due.

use chrono::{DateTime, Months, Utc};

use super::profile::text_enum;
use super::survey::Respondent;

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

    /// Whether it is no time at all (`P0D`, `PT0S`).
    pub fn is_zero(self) -> bool {
        self.months == 0 && self.days == 0 && self.seconds == 0
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

/// The local hours within which a person's check-in email may go out, e.g. `17:00-20:00` for
/// people on nights. A window may wrap past midnight (`20:00-02:00`); `00:00-24:00` is any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendWindow {
    /// Minutes after local midnight.
    from: u32,
    to: u32,
}

impl SendWindow {
    pub const ANY_TIME: SendWindow = SendWindow { from: 0, to: 1440 };

    pub fn parse(input: &str) -> Result<Self, String> {
        let bad = || format!("\"{input}\" is not a window like 17:00-20:00");
        let minutes = |t: &str| -> Result<u32, String> {
            let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
            let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            if m > 59 || h > 24 || (h == 24 && m > 0) {
                return Err(bad());
            }
            Ok(h * 60 + m)
        };
        let (from, to) = input.split_once('-').ok_or_else(bad)?;
        let (from, to) = (minutes(from)?, minutes(to)?);
        if from == to || from == 1440 {
            return Err(bad());
        }
        Ok(SendWindow { from, to })
    }

    fn contains(self, minute: u32) -> bool {
        if self.from < self.to {
            (self.from..self.to).contains(&minute)
        } else {
            minute >= self.from || minute < self.to
        }
    }

    /// The first moment at or after `at` that falls inside the window, in `zone`'s local time.
    pub fn next_open(self, at: DateTime<Utc>, zone: chrono_tz::Tz) -> DateTime<Utc> {
        use chrono::{Duration, TimeZone, Timelike};
        let local = at.with_timezone(&zone);
        if self.contains(local.hour() * 60 + local.minute()) {
            return at;
        }
        let opening = |date: chrono::NaiveDate| {
            let naive = date.and_hms_opt(self.from / 60, self.from % 60, 0)?;
            // A clock change can skip the opening minute: take the first moment after it.
            (0..3).find_map(|h| {
                zone.from_local_datetime(&(naive + Duration::hours(h)))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            })
        };
        let today = local.date_naive();
        [today, today + Duration::days(1), today + Duration::days(2)]
            .into_iter()
            .filter_map(opening)
            .find(|t| *t > at)
            .unwrap_or(at)
    }
}

text_enum!(
    /// Where a check-in stands: planned, emailed, answered, past its link's expiry, or
    /// cancelled with its match.
    CheckinStatus {
        Scheduled = "scheduled",
        Sent = "sent",
        Answered = "answered",
        Expired = "expired",
        Cancelled = "cancelled",
    }
);

/// One person's check-in at one step of a match, as planned and followed (never its
/// answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCheckin {
    pub id: String,
    pub match_id: String,
    pub person_id: String,
    pub role: Respondent,
    pub step: String,
    pub due_at: DateTime<Utc>,
    pub status: CheckinStatus,
    pub answered_at: Option<DateTime<Utc>>,
    /// When the first email went out.
    pub sent_at: Option<DateTime<Utc>>,
    /// When its links stop working.
    pub expires_at: Option<DateTime<Utc>>,
    pub reminders_sent: i32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, sec: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, sec)
            .single()
            .expect("a valid instant")
    }
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

    #[test]
    fn send_windows_wait_for_the_next_opening_in_local_time() {
        let zone: chrono_tz::Tz = "Europe/London".parse().expect("accepted");
        let night = SendWindow::parse("17:00-20:00").expect("accepted");
        // 09:00 UTC in November is 09:00 in London: wait until 17:00 the same day.
        let morning = utc(2026, 11, 25, 9, 0, 0);
        assert_eq!(night.next_open(morning, zone), utc(2026, 11, 25, 17, 0, 0));
        // In July London is UTC+1: 17:00 local is 16:00 UTC.
        let july = utc(2026, 7, 1, 9, 0, 0);
        assert_eq!(night.next_open(july, zone), utc(2026, 7, 1, 16, 0, 0));
        // Inside the window: now. After it: tomorrow's opening.
        let inside = utc(2026, 11, 25, 18, 30, 0);
        assert_eq!(night.next_open(inside, zone), inside);
        let late = utc(2026, 11, 25, 21, 0, 0);
        assert_eq!(night.next_open(late, zone), utc(2026, 11, 26, 17, 0, 0));
        assert_eq!(SendWindow::ANY_TIME.next_open(late, zone), late);
    }

    #[test]
    fn windows_may_wrap_past_midnight() {
        let zone = chrono_tz::UTC;
        let w = SendWindow::parse("22:00-02:00").expect("accepted");
        let one_am = utc(2026, 11, 25, 1, 0, 0);
        assert_eq!(w.next_open(one_am, zone), one_am);
        let noon = utc(2026, 11, 25, 12, 0, 0);
        assert_eq!(w.next_open(noon, zone), utc(2026, 11, 25, 22, 0, 0));
        for bad in [
            "",
            "17-20",
            "17:00",
            "25:00-26:00",
            "10:00-10:00",
            "10:60-11:00",
        ] {
            assert!(SendWindow::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            SendWindow::parse("00:00-24:00").expect("accepted"),
            SendWindow::ANY_TIME
        );
    }
}
