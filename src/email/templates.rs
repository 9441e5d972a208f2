//! The introduction email, from templates built into the binary (HTML auto-escaped).

use askama::Template;

use crate::config::EmailSettings;
use crate::domain::matching::score::{Explained, join_and_words, shared_affinity_labels};
use crate::domain::matching::settings::Criterion;
use crate::domain::profile::{MenteeDetails, MentorDetails, PersonDetails};
use crate::domain::taxonomy::Taxonomy;
use crate::domain::words;

/// One person as the email presents them.
#[derive(Debug, Clone)]
pub struct Card {
    pub name: String,
    pub email: String,
    pub profession: String,
    pub specialty: String,
    pub site: String,
    pub shift: String,
}

impl Card {
    fn new(p: &PersonDetails, t: &Taxonomy) -> Self {
        Card {
            name: p.full_name.as_str().to_string(),
            email: p.email.as_str().to_string(),
            profession: t.professions.label(p.profession.as_str()).to_string(),
            specialty: t.specialties.label(p.specialty.as_str()).to_string(),
            site: t.sites.label(p.site.as_str()).to_string(),
            shift: p.shift.label().to_lowercase(),
        }
    }
}

#[derive(Template)]
#[template(path = "email/introduction.txt", escape = "none")]
struct Text<'a> {
    program: &'a str,
    mentee: &'a Card,
    mentor: &'a Card,
    mentor_years: Option<String>,
    reasons: &'a [String],
    contact: &'a str,
    privacy_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/introduction.html")]
struct Html<'a> {
    subject: &'a str,
    program: &'a str,
    mentee: &'a Card,
    mentor: &'a Card,
    mentor_years: Option<String>,
    reasons: &'a [String],
    contact: &'a str,
    contact_email: &'a str,
    privacy_url: &'a str,
}

/// A rendered email.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The strongest shared points of a pair, in words: the criteria that earned points, best
/// first. A shared affinity group is mentioned only as `affinity` says: named when both
/// people agreed to it being shown to their partner, left out altogether otherwise.
pub fn reasons(explanation: &[Explained], affinity: Option<&str>) -> Vec<String> {
    let mut earned: Vec<&Explained> = explanation
        .iter()
        .filter(|e| e.points.0 > 0)
        .filter(|e| e.criterion != Criterion::Affinity || affinity.is_some())
        .collect();
    earned.sort_by(|a, b| b.points.cmp(&a.points).then(a.criterion.cmp(&b.criterion)));
    let mut out: Vec<String> = earned
        .iter()
        .take(4)
        .map(|e| match (e.criterion, affinity) {
            (Criterion::Affinity, Some(named)) => named.to_string(),
            _ => e.detail.clone(),
        })
        .collect();
    if out.is_empty() {
        out.push("Our coordinators chose this pairing for you".into());
    }
    out
}

/// The introduction of a newly approved pair.
pub fn introduction(
    mentee: &MenteeDetails,
    mentor: &MentorDetails,
    explanation: &[Explained],
    taxonomy: &Taxonomy,
    settings: &EmailSettings,
) -> Result<Rendered, askama::Error> {
    let (a, b) = (
        Card::new(&mentee.person, taxonomy),
        Card::new(&mentor.person, taxonomy),
    );
    let subject = format!(
        "{} and {}: meet your {} partner",
        a.name, b.name, settings.program_name
    );
    // Named to the pair only with both people's consent.
    let shared = shared_affinity_labels(&mentee.person, &mentor.person, taxonomy);
    let named = (mentee.person.share_affinity_with_partner
        && mentor.person.share_affinity_with_partner
        && !shared.is_empty())
    .then(|| format!("Both chose to share: {}", join_and_words(&shared)));
    let reasons = reasons(explanation, named.as_deref());
    let contact = settings.reply_to.to_string();
    let contact_email = settings.reply_to.email.to_string();
    let years = Some(mentor.years_experience.get())
        .filter(|y| *y > 0)
        .map(|y| words::count(y, "year", "years"));
    let text = Text {
        program: &settings.program_name,
        mentee: &a,
        mentor: &b,
        mentor_years: years.clone(),
        reasons: &reasons,
        contact: &contact,
        privacy_url: &settings.privacy_url,
    }
    .render()?;
    let html = Html {
        subject: &subject,
        program: &settings.program_name,
        mentee: &a,
        mentor: &b,
        mentor_years: years,
        reasons: &reasons,
        contact: &contact,
        contact_email: &contact_email,
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
    use crate::domain::input::{Field, MenteeInput, MentorInput, PersonInput};
    use crate::domain::matching::score::Scorer;
    use crate::domain::validate::{self, Rules};
    use crate::email::message::{self, Outgoing, Recipient};

    fn person(name: &str, email: &str) -> PersonInput {
        let s = |v: &str| Field::Value(v.to_string());
        PersonInput {
            full_name: s(name),
            email: s(email),
            profession: s("registered_nurse"),
            specialty: s("emergency"),
            site: s("north_campus"),
            shift: s("night"),
            languages: Field::Value(vec!["en".into(), "tl".into()]),
            goals: Field::Value(vec!["communication".into(), "leadership".into()]),
            affinity_groups: Field::Value(vec!["parent".into()]),
            notes: s("夜勤の前に会えます"),
            ..Default::default()
        }
    }

    fn rendered() -> (Rendered, Settings) {
        rendered_with_years(12)
    }

    fn rendered_with_years(years: i64) -> (Rendered, Settings) {
        let settings = Settings::load_with_env(None, Vec::new()).expect("settings");
        let rules = Rules::new(&settings.taxonomy, settings.matching.default_capacity);
        let mentee = validate::mentee(
            &MenteeInput {
                person: person("Zoë O'Brien <b>", "zoe@example.org"),
                start_date: Field::Absent,
            },
            rules,
        )
        .expect("mentee");
        let mentor = validate::mentor(
            &MentorInput {
                person: person("Grace \"Gigi\" Okafor & co", "grace@example.org"),
                years_experience: Field::Value(years),
                can_help_with: Field::Value(vec!["leadership".into()]),
                ..Default::default()
            },
            rules,
        )
        .expect("mentor");
        let mut scorer = Scorer::new(settings.matching.weights, &settings.taxonomy, "en");
        let (a, b) = (scorer.mentee(&mentee), scorer.mentor(&mentor));
        scorer.prepare();
        let explanation = scorer.explain((&mentee, &a), (&mentor, &b));
        let rendered = introduction(
            &mentee,
            &mentor,
            &explanation,
            &settings.taxonomy,
            &settings.email,
        )
        .expect("renders");
        (rendered, settings)
    }

    #[test]
    fn introduction_text_and_html() {
        let (r, _) = rendered();
        insta::assert_snapshot!("introduction_subject", r.subject);
        insta::assert_snapshot!("introduction_text", r.text);
        insta::assert_snapshot!("introduction_html", r.html);
        assert!(r.html.contains("Zoë O&#39;Brien &#60;b&#62;"));
        assert!(!r.html.contains("<b>"));
        assert!(r.text.contains("Both speak Tagalog"));
    }

    #[test]
    fn one_year_of_experience_is_singular() {
        let (one, _) = rendered_with_years(1);
        assert!(one.text.contains(", 1 year of experience."), "{}", one.text);
        assert!(one.html.contains("1 year of experience"));
        assert!(!one.text.contains("1 years") && !one.html.contains("1 years"));
        let (many, _) = rendered();
        assert!(
            many.text.contains(", 12 years of experience."),
            "{}",
            many.text
        );
    }

    #[test]
    fn the_whole_message_with_ids_and_dates_redacted() {
        let (r, settings) = rendered();
        let outgoing = Outgoing {
            id: "EMAIL-ID".into(),
            message_id: message::message_id("EMAIL-ID", &settings.email.from),
            recipients: vec![
                Recipient {
                    name: "Zoë O'Brien <b>".into(),
                    email: "zoe@example.org".into(),
                },
                Recipient {
                    name: "Grace \"Gigi\" Okafor & co".into(),
                    email: "grace@example.org".into(),
                },
            ],
            subject: r.subject,
            text: r.text,
            html: r.html,
            list_unsubscribe: None,
        };
        let built = message::build(&outgoing, &settings.email.from, &settings.email.reply_to)
            .expect("message");
        let text = String::from_utf8(built.formatted()).expect("utf-8");
        let boundary = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("boundary=\""))
            .map(|b| b.trim_end_matches('"').to_string())
            .expect("boundary");
        let redacted: String = text
            .replace(&boundary, "[boundary]")
            .lines()
            .map(|l| {
                if l.starts_with("Date: ") {
                    "Date: [date]"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!("introduction_message", redacted);
    }
}
