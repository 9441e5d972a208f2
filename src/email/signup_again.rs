//! The email to a person who is already signed up when their address is entered on a sign-up
//! form again: the form answers as for anyone, so that it never tells a stranger who has
//! signed up, and the person hears about it here instead.

use askama::Template;

use super::templates::Rendered;
use crate::config::EmailSettings;

#[derive(Template)]
#[template(path = "email/signup_again.txt", escape = "none")]
struct Text<'a> {
    program: &'a str,
    noun: &'a str,
    contact: &'a str,
    privacy_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/signup_again.html")]
struct Html<'a> {
    subject: &'a str,
    program: &'a str,
    noun: &'a str,
    contact: &'a str,
    contact_email: &'a str,
    privacy_url: &'a str,
}

/// `noun` is what the form signs people up as: mentee or mentor.
pub fn render(noun: &str, settings: &EmailSettings) -> Result<Rendered, askama::Error> {
    let subject = format!("You are already signed up to the {}", settings.program_name);
    let contact = settings.reply_to.to_string();
    let contact_email = settings.reply_to.email.to_string();
    let text = Text {
        program: &settings.program_name,
        noun,
        contact: &contact,
        privacy_url: &settings.privacy_url,
    }
    .render()?;
    let html = Html {
        subject: &subject,
        program: &settings.program_name,
        noun,
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
