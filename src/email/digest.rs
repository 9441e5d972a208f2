//! The coordinators' daily pair-health digest: counts only, never an answer or a name.

use askama::Template;
use chrono::NaiveDate;

use super::templates::Rendered;
use crate::config::EmailSettings;
use crate::domain::words;

/// What the digest reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub day: NaiveDate,
    /// Local time the counted period began.
    pub since: String,
    /// (rule title, rule code, flags raised) per rule that fired.
    pub new_by_rule: Vec<(String, String, i64)>,
    pub open: i64,
    pub acknowledged: i64,
    pub at_risk: i64,
    pub off_track: i64,
    pub answered: i64,
    pub expired: i64,
}

#[derive(Template)]
#[template(path = "email/digest.txt", escape = "none")]
struct Text<'a> {
    program: &'a str,
    name: &'a str,
    d: &'a Digest,
    new_total: i64,
    link: &'a str,
    privacy_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/digest.html")]
struct Html<'a> {
    subject: &'a str,
    program: &'a str,
    name: &'a str,
    d: &'a Digest,
    new_total: i64,
    link: &'a str,
    privacy_url: &'a str,
}

/// The digest for one coordinator; `link` is the console's flags page.
pub fn render(
    d: &Digest,
    name: &str,
    link: &str,
    settings: &EmailSettings,
) -> Result<Rendered, askama::Error> {
    let new_total: i64 = d.new_by_rule.iter().map(|r| r.2).sum();
    let unresolved = d.open + d.acknowledged;
    let subject = format!(
        "{}: pair health on {}: {}, {unresolved} waiting",
        settings.program_name,
        d.day,
        words::count(new_total, "new flag", "new flags"),
    );
    let program = &settings.program_name;
    let text = Text {
        program,
        name,
        d,
        new_total,
        link,
        privacy_url: &settings.privacy_url,
    }
    .render()?;
    let html = Html {
        subject: &subject,
        program,
        name,
        d,
        new_total,
        link,
        privacy_url: &settings.privacy_url,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn the_digest_in_text_and_html() {
        let settings = Settings::load_with_env(None, Vec::new()).expect("settings");
        let d = Digest {
            day: NaiveDate::from_ymd_opt(2026, 11, 26).expect("day"),
            since: "2026-11-25 07:30".into(),
            new_by_rule: vec![
                ("No first meeting yet".into(), "no_first_meeting".into(), 2),
                ("High burnout".into(), "burnout_high".into(), 1),
            ],
            open: 4,
            acknowledged: 1,
            at_risk: 2,
            off_track: 1,
            answered: 12,
            expired: 3,
        };
        let r = render(
            &d,
            "Zoë O'Brien <b>",
            "http://localhost:8080/coordinator/flags",
            &settings.email,
        )
        .expect("renders");
        insta::assert_snapshot!("digest_subject", r.subject);
        insta::assert_snapshot!("digest_text", r.text);
        insta::assert_snapshot!("digest_html", r.html);
        assert!(r.html.contains("Zoë O&#39;Brien &#60;b&#62;"));
        assert!(!r.html.contains("<b>"));
        assert!(r.text.contains("High burnout (burnout_high): 1"));
    }
}
