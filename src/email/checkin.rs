//! The check-in email and its reminders: short, with the first question's answers as links
//! that open the check-in page with that answer chosen (opening it records nothing).

use askama::Template;

use crate::config::EmailSettings;
use crate::domain::survey::{Question, Respondent};

/// One answer link in the email.
#[derive(Debug, Clone)]
pub struct Choice {
    pub label: String,
    pub url: String,
}

/// The first question, asked in the email itself.
#[derive(Debug, Clone)]
pub struct FirstQuestion {
    pub text: String,
    pub choices: Vec<Choice>,
}

/// What one check-in email says.
pub struct Invitation<'a> {
    pub name: &'a str,
    pub who: Respondent,
    pub title: &'a str,
    pub first: Option<&'a Question>,
    /// `{public_url}/c/{token}`.
    pub form_url: &'a str,
    pub unsubscribe_url: &'a str,
    pub expires_on: String,
    pub who_sees: &'a str,
    pub reminder: bool,
}

#[derive(Template)]
#[template(path = "email/checkin.txt", escape = "none")]
struct Text<'a> {
    name: &'a str,
    program: &'a str,
    title: &'a str,
    mentor: bool,
    reminder: bool,
    first: Option<FirstQuestion>,
    form_url: &'a str,
    who_sees: &'a str,
    expires_on: &'a str,
    contact: &'a str,
    unsubscribe_url: &'a str,
    privacy_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/checkin.html")]
struct Html<'a> {
    subject: &'a str,
    name: &'a str,
    program: &'a str,
    title: &'a str,
    mentor: bool,
    reminder: bool,
    first: Option<FirstQuestion>,
    form_url: &'a str,
    who_sees: &'a str,
    expires_on: &'a str,
    contact: &'a str,
    contact_email: &'a str,
    unsubscribe_url: &'a str,
    privacy_url: &'a str,
}

pub fn render(
    i: &Invitation<'_>,
    settings: &EmailSettings,
) -> Result<super::templates::Rendered, askama::Error> {
    let subject = if i.reminder {
        format!("Reminder: {} ({})", i.title, settings.program_name)
    } else {
        format!(
            "{}: a two-minute check-in from the {}",
            i.title, settings.program_name
        )
    };
    let first = i.first.map(|q| FirstQuestion {
        text: q.text_for(i.who).to_string(),
        choices: q
            .choices()
            .into_iter()
            .map(|(value, label)| Choice {
                label,
                url: format!("{}?{}={}", i.form_url, q.key, value),
            })
            .collect(),
    });
    let contact = settings.reply_to.to_string();
    let contact_email = settings.reply_to.email.to_string();
    let mentor = i.who == Respondent::Mentor;
    let text = Text {
        name: i.name,
        program: &settings.program_name,
        title: i.title,
        mentor,
        reminder: i.reminder,
        first: first.clone(),
        form_url: i.form_url,
        who_sees: i.who_sees,
        expires_on: &i.expires_on,
        contact: &contact,
        unsubscribe_url: i.unsubscribe_url,
        privacy_url: &settings.privacy_url,
    }
    .render()?;
    let html = Html {
        subject: &subject,
        name: i.name,
        program: &settings.program_name,
        title: i.title,
        mentor,
        reminder: i.reminder,
        first,
        form_url: i.form_url,
        who_sees: i.who_sees,
        expires_on: &i.expires_on,
        contact: &contact,
        contact_email: &contact_email,
        unsubscribe_url: i.unsubscribe_url,
        privacy_url: &settings.privacy_url,
    }
    .render()?;
    Ok(super::templates::Rendered {
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
    fn the_check_in_email_asks_the_first_question_with_links() {
        let settings = Settings::load_with_env(None, Vec::new()).expect("settings");
        let surveys = &settings.checkins.surveys;
        let first = surveys.questions_for("pulse", Respondent::Mentee)[0];
        let rendered = render(
            &Invitation {
                name: "Zoë O'Brien <b>",
                who: Respondent::Mentee,
                title: "How are you doing?",
                first: Some(first),
                form_url: "https://belong.example.org/c/TOKEN",
                unsubscribe_url: "https://belong.example.org/c/TOKEN/unsubscribe",
                expires_on: "9 December 2026".into(),
                who_sees: &settings.checkins.who_sees,
                reminder: false,
            },
            &settings.email,
        )
        .expect("renders");
        insta::assert_snapshot!("checkin_subject", rendered.subject);
        insta::assert_snapshot!("checkin_text", rendered.text);
        insta::assert_snapshot!("checkin_html", rendered.html);
        assert!(
            rendered
                .text
                .contains("https://belong.example.org/c/TOKEN?belonging=5")
        );
        assert!(rendered.html.contains("Zoë O&#39;Brien &#60;b&#62;"));
    }
}
