//! The introduction email, from templates built into the binary (HTML auto-escaped).

use askama::Template;

use crate::config::EmailSettings;
use crate::domain::matching::score::Explained;
use crate::domain::profile::{MenteeDetails, MentorDetails, PersonDetails};
use crate::domain::taxonomy::Taxonomy;

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
    mentor_years: Option<u8>,
    reasons: &'a [String],
    contact: &'a str,
}

#[derive(Template)]
#[template(path = "email/introduction.html")]
struct Html<'a> {
    subject: &'a str,
    program: &'a str,
    mentee: &'a Card,
    mentor: &'a Card,
    mentor_years: Option<u8>,
    reasons: &'a [String],
    contact: &'a str,
    contact_email: &'a str,
}

/// A rendered email.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The strongest shared points of a pair, in words: the criteria that earned points, best
/// first. An affinity group only appears here when both people opted in to it, because only
/// then does the explanation name it.
pub fn reasons(explanation: &[Explained]) -> Vec<String> {
    let mut earned: Vec<&Explained> = explanation.iter().filter(|e| e.points.0 > 0).collect();
    earned.sort_by(|a, b| b.points.cmp(&a.points).then(a.criterion.cmp(&b.criterion)));
    let mut out: Vec<String> = earned.iter().take(4).map(|e| e.detail.clone()).collect();
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
    let reasons = reasons(explanation);
    let contact = settings.reply_to.to_string();
    let contact_email = settings.reply_to.email.to_string();
    let years = Some(mentor.years_experience.get()).filter(|y| *y > 0);
    let text = Text {
        program: &settings.program_name,
        mentee: &a,
        mentor: &b,
        mentor_years: years,
        reasons: &reasons,
        contact: &contact,
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
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}
