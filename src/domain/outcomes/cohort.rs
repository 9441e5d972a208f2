//! Cohorts are calendar months: of a match's approval for check-in answers, of the hire for
//! retention.

use chrono::{Datelike, NaiveDate};

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

const NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Month {
    pub fn of(date: NaiveDate) -> Self {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// `YYYY-MM`, as in a query string or a stored timestamp's first seven characters.
    pub fn parse(input: &str) -> Result<Self, String> {
        let bad = || format!("\"{input}\" is not a month like 2026-03");
        let (y, m) = input.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// "March 2026".
    pub fn label(self) -> String {
        format!("{} {}", NAMES[(self.month - 1) as usize], self.year)
    }

    /// The first day of the month.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_print() {
        let m = Month::parse("2026-03").expect("test value");
        assert_eq!(m.to_string(), "2026-03");
        assert_eq!(m.label(), "March 2026");
        assert_eq!(
            Month::of(NaiveDate::from_ymd_opt(2026, 3, 31).expect("test value")),
            m
        );
        for bad in [
            "2026-13",
            "2026-3",
            "26-03",
            "march",
            "",
            "2026-00",
            "2026-03-01",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        assert!(Month::parse("2025-12").expect("test value") < m);
    }
}
