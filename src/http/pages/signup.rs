//! The sign-up forms: every field of the API (the domain's field table), labels from the
//! taxonomy, the same reader and validation as the API, errors beside the fields and in a
//! summary at the top, input kept.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::render::Page;
use super::{csrf, limit};
use crate::app::profiles::{self, Profile, SignUp};
use crate::app::{App, AppError};
use crate::domain::field_error::FieldErrors;
use crate::domain::fields::{self, FieldSpec, Pairs, ProfileInput, Shape};
use crate::domain::language;
use crate::domain::profile::{Mentee, Mentor, ProfileKind};
use crate::domain::taxonomy::CodeList;

/// Languages shown as checkboxes; every other ISO 639-1 language is in a list below them.
const COMMON_LANGUAGES: &[&str] = &[
    "en", "es", "pt", "tl", "zh", "fr", "ar", "hi", "vi", "ko", "ru", "pl", "so", "ur", "yo",
];

/// Submitted form values, kept to show the form again; lists arrive as repeated fields.
struct Values(Vec<(String, String)>);

impl Values {
    fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn many(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }
}

struct OptionView {
    value: String,
    label: String,
    checked: bool,
}

struct FieldView {
    name: &'static str,
    id: String,
    label: String,
    hint: Option<String>,
    /// text | email | date | number | select | textarea | radios | checkboxes | languages |
    /// checkbox (one box, ticked when the value is "yes") | section
    kind: &'static str,
    required: bool,
    value: String,
    options: Vec<OptionView>,
    more: Vec<OptionView>,
    error: Option<String>,
    autocomplete: Option<&'static str>,
}

struct ErrorLink {
    anchor: String,
    label: String,
    message: String,
}

#[derive(Template)]
#[template(path = "pages/signup.html")]
struct SignupPage<'a> {
    program: &'a str,
    contact_email: &'a str,
    heading: &'a str,
    intro: &'a str,
    action: &'a str,
    submit: &'a str,
    csrf_token: &'a str,
    fields: Vec<FieldView>,
    errors: Vec<ErrorLink>,
}

struct Builder<'a> {
    values: &'a Values,
    errors: &'a FieldErrors,
    fields: Vec<FieldView>,
}

impl Builder<'_> {
    fn field(
        &mut self,
        name: &'static str,
        kind: &'static str,
        label: &str,
        hint: Option<&str>,
        required: bool,
    ) -> &mut FieldView {
        self.fields.push(FieldView {
            name,
            id: format!("field-{name}"),
            label: label.to_string(),
            hint: hint.map(str::to_string),
            kind,
            required,
            value: self.values.one(name).unwrap_or_default().to_string(),
            options: Vec::new(),
            more: Vec::new(),
            error: self.errors.message_for(name).map(sentence),
            autocomplete: None,
        });
        let last = self.fields.len() - 1;
        &mut self.fields[last]
    }

    fn section(&mut self, label: &str, hint: Option<&str>) {
        self.field("", "section", label, hint, false);
    }

    fn choices(
        &mut self,
        name: &'static str,
        kind: &'static str,
        label: &str,
        hint: Option<&str>,
        required: bool,
        options: Vec<(String, String)>,
    ) {
        let chosen = self.values.many(name);
        let field = self.field(name, kind, label, hint, required);
        field.options = options
            .into_iter()
            .map(|(value, label)| OptionView {
                checked: chosen.contains(&value),
                value,
                label,
            })
            .collect();
    }

    fn codes(
        &mut self,
        name: &'static str,
        kind: &'static str,
        label: &str,
        hint: Option<&str>,
        required: bool,
        list: &CodeList,
    ) {
        let options = list
            .entries()
            .iter()
            .map(|e| (e.code.clone(), e.label.clone()))
            .collect();
        self.choices(name, kind, label, hint, required, options);
    }
}

/// "is required" → "Is required": messages stand on their own beside a field.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// How the form asks for one field of the table, in its own words.
struct Ask {
    name: &'static str,
    /// The field's own label when `None`.
    label: Option<&'static str>,
    /// May use `{min}`, `{max}` and `{items}` (the field's limits) and `{partner}`.
    hint: Option<&'static str>,
    autocomplete: Option<&'static str>,
}

enum Item {
    Section(&'static str),
    Field(Ask),
}

const fn ask(name: &'static str, label: &'static str, hint: Option<&'static str>) -> Item {
    Item::Field(Ask {
        name,
        label: Some(label),
        hint,
        autocomplete: None,
    })
}

const fn plain(name: &'static str, hint: Option<&'static str>) -> Item {
    Item::Field(Ask {
        name,
        label: None,
        hint,
        autocomplete: None,
    })
}

/// The order and wording of each form. Which fields exist, their shapes, whether they are
/// required and their limits come from the field table (`domain::fields`); a test checks that
/// every field of the table is asked for exactly once.
fn layout(kind: ProfileKind) -> Vec<Item> {
    let mut items = vec![
        Item::Section("About you"),
        Item::Field(Ask {
            name: "full_name",
            label: None,
            hint: None,
            autocomplete: Some("name"),
        }),
        Item::Field(Ask {
            name: "email",
            label: None,
            hint: Some("We use it to introduce you and to check in now and then."),
            autocomplete: Some("email"),
        }),
        plain("profession", None),
        plain("specialty", None),
        plain("site", None),
        ask("shift", "Shift you mostly work", None),
    ];
    match kind {
        ProfileKind::Mentee => items.push(ask(
            "start_date",
            "First day in your new role",
            Some("Written like 2026-10-01. Leave empty if you are not sure yet."),
        )),
        ProfileKind::Mentor => items.extend([
            ask(
                "years_experience",
                "Years of experience in your profession",
                None,
            ),
            ask(
                "capacity",
                "How many newcomers could you mentor at once?",
                Some("From {min} to {max}. Leave empty for the usual number."),
            ),
        ]),
    }
    items.push(ask(
        "languages",
        "Languages you speak",
        Some("Choose every language you are comfortable speaking."),
    ));
    match kind {
        ProfileKind::Mentee => items.extend([
            Item::Section("What would help you"),
            ask(
                "goals",
                "What would you like help with?",
                Some("Choose as many as you like."),
            ),
        ]),
        ProfileKind::Mentor => items.extend([
            Item::Section("How you can help"),
            ask(
                "can_help_with",
                "What could you help a newcomer with?",
                Some("Choose as many as you like."),
            ),
            plain(
                "certifications",
                Some("Separate several with commas, e.g. CEN, TNCC."),
            ),
            ask(
                "goals",
                "Would you like to grow in any of these yourself?",
                Some("Optional: mentors learn too."),
            ),
        ]),
    }
    items.extend([
        plain("interests", Some("Anything you enjoy talking about, separated by commas: teaching, trauma care, running.")),
        ask("preferred_meeting", "How would you like to meet?", None),
        Item::Section("Optional, and only if you wish"),
        ask(
            "affinity_groups",
            "Would you like to be paired with someone who shares one of these?",
            Some("Entirely optional. We only ever compare this with someone who has also chosen to share it. It is kept with your details; when coordinators look at a pairing they see only that a shared group counted, not which one."),
        ),
        ask(
            "share_affinity_with_partner",
            "You may mention these to my {partner}",
            Some("Only if you and your {partner} both tick this do we name a group you share in the email that introduces you. If you leave it unticked, we never tell them; it still helps us pair you."),
        ),
        ask(
            "manager_email",
            "Your manager's email",
            Some("So that we never pair you with your own manager."),
        ),
        ask(
            "notes",
            "Anything else we should know?",
            Some("Up to {max} characters, e.g. when you are easiest to reach."),
        ),
    ]);
    items
}

/// A form text with the field's limits and the partner's role filled in.
fn wording(spec: &FieldSpec, kind: ProfileKind, template: &str) -> String {
    let partner = match kind {
        ProfileKind::Mentee => "mentor",
        ProfileKind::Mentor => "mentee",
    };
    spec.fill(template).replace("{partner}", partner)
}

fn fields(app: &App, kind: ProfileKind, values: &Values, errors: &FieldErrors) -> Vec<FieldView> {
    let t = &app.settings.taxonomy;
    let mut b = Builder {
        values,
        errors,
        fields: Vec::new(),
    };
    for item in layout(kind) {
        let ask = match item {
            Item::Section(label) => {
                b.section(label, None);
                continue;
            }
            Item::Field(ask) => ask,
        };
        let Some(spec) = fields::find(kind, ask.name) else {
            continue;
        };
        let label = wording(spec, kind, ask.label.unwrap_or(spec.label));
        let hint = ask.hint.map(|h| wording(spec, kind, h));
        let (name, hint, required) = (spec.name, hint.as_deref(), spec.required());
        match spec.shape {
            Shape::Code(list) => b.codes(name, "select", &label, hint, required, list.list(t)),
            Shape::Codes(list) => b.codes(name, "checkboxes", &label, hint, required, list.list(t)),
            Shape::Choice(choices) => {
                let options = choices
                    .values
                    .iter()
                    .map(|v| (v.to_string(), (choices.label)(v).unwrap_or(v).to_string()))
                    .collect();
                b.choices(name, "radios", &label, hint, required, options);
            }
            Shape::Languages => {
                let chosen = values.many(name);
                let option = |code: &str| OptionView {
                    value: code.to_string(),
                    label: language::name_of(code).unwrap_or(code).to_string(),
                    checked: chosen.iter().any(|c| c == code),
                };
                let field = b.field(name, "languages", &label, hint, required);
                field.options = COMMON_LANGUAGES.iter().map(|c| option(c)).collect();
                let mut more: Vec<OptionView> = language::ALL
                    .iter()
                    .filter(|(code, _)| !COMMON_LANGUAGES.contains(code))
                    .map(|(code, _)| option(code))
                    .collect();
                more.sort_by(|a, z| a.label.cmp(&z.label));
                field.more = more;
            }
            shape => {
                let input = match shape {
                    Shape::Text {
                        multiline: true, ..
                    } => "textarea",
                    Shape::Email => "email",
                    Shape::Date => "date",
                    Shape::Integer { .. } => "number",
                    Shape::Bool => "checkbox",
                    _ => "text",
                };
                b.field(name, input, &label, hint, required).autocomplete = ask.autocomplete;
            }
        }
    }
    b.fields
}

struct Copy {
    heading: &'static str,
    intro: &'static str,
    action: &'static str,
    submit: &'static str,
}

fn copy(kind: ProfileKind) -> Copy {
    match kind {
        ProfileKind::Mentee => Copy {
            heading: "Find a mentor for your first year",
            intro: "A mentor who has been where you are: someone who knows the place and its people, and who is on your side. Tell us a little about yourself and we will find the colleague who fits you best.",
            action: "/signup/mentee",
            submit: "Sign me up",
        },
        ProfileKind::Mentor => Copy {
            heading: "Mentor a newcomer",
            intro: "You remember your own first year. A little of your time, a coffee before a shift or a call now and then, can help a new colleague feel they belong. Tell us about yourself and we will find someone you can help.",
            action: "/signup/mentor",
            submit: "Offer to mentor",
        },
    }
}

fn render_form(
    app: &App,
    req: &HttpRequest,
    kind: ProfileKind,
    status: StatusCode,
    values: &Values,
    errors: &FieldErrors,
) -> HttpResponse {
    let page = Page::new(app);
    let secure = app.settings.server.public_url.scheme() == "https";
    let (token, cookie) = csrf::issue(req, &app.keys.form, secure);
    let fields = fields(app, kind, values, errors);
    let links = errors
        .iter()
        .map(|e| {
            let field = fields.iter().find(|f| f.name == e.field);
            ErrorLink {
                anchor: field.map_or_else(|| "main".to_string(), |f| f.id.clone()),
                label: field.map_or_else(|| e.field.clone(), |f| f.label.clone()),
                message: e.message.clone(),
            }
        })
        .collect();
    let c = copy(kind);
    let mut response = page.html(
        status,
        SignupPage {
            program: &page.program,
            contact_email: &page.contact_email,
            heading: c.heading,
            intro: c.intro,
            action: c.action,
            submit: c.submit,
            csrf_token: &token,
            fields,
            errors: links,
        },
    );
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

pub async fn mentee_form(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    render_form(
        &app,
        &req,
        ProfileKind::Mentee,
        StatusCode::OK,
        &Values(Vec::new()),
        &FieldErrors::new(),
    )
}

pub async fn mentor_form(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    render_form(
        &app,
        &req,
        ProfileKind::Mentor,
        StatusCode::OK,
        &Values(Vec::new()),
        &FieldErrors::new(),
    )
}

pub async fn mentee_submit(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    submit::<Mentee>(&app, &req, &body).await
}

pub async fn mentor_submit(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    submit::<Mentor>(&app, &req, &body).await
}

async fn submit<P: Profile>(app: &App, req: &HttpRequest, body: &[u8]) -> HttpResponse
where
    P::Input: ProfileInput,
{
    let page = Page::new(app);
    let kind = P::KIND;
    if let Err(retry_after) = limit::signup_post(app, req).await {
        let mut response = page.message(
            StatusCode::TOO_MANY_REQUESTS,
            "Please wait a minute",
            "We have had a lot of sign-ups from this computer in the last minute. Please wait a moment and try again; nothing you typed has been lost if you go back.",
            copy(kind).action,
            "Back to the form",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
        return response;
    }
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        return page.message(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "We could not read the form. Please try again.",
            copy(kind).action,
            "Back to the form",
        );
    };
    let values = Values(pairs);
    if !csrf::verify(req, &app.keys.form, values.one(csrf::FIELD)) {
        return page.message(
            StatusCode::FORBIDDEN,
            "Please try again",
            "For your security, this form can only be sent from the page we gave you, and that page has expired. Please open the form again and send it once more.",
            copy(kind).action,
            "Open the form again",
        );
    }
    let input = match fields::from_pairs::<P::Input>(&values.0, Pairs::Form) {
        Ok(input) => input,
        Err(errors) => {
            return render_form(
                app,
                req,
                kind,
                StatusCode::UNPROCESSABLE_ENTITY,
                &values,
                &errors,
            );
        }
    };
    // A new sign-up and an address already signed up are answered alike: the page must not
    // tell anyone whether a colleague has signed up (the person is told by email instead).
    match profiles::sign_up::<P>(app, input).await {
        Ok(SignUp::Created | SignUp::AlreadySignedUp) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/signup/thanks?as={}", kind.noun())))
            .finish(),
        Err(AppError::Validation(errors)) => render_form(
            app,
            req,
            kind,
            StatusCode::UNPROCESSABLE_ENTITY,
            &values,
            &errors,
        ),
        Err(e) => page.failure(&e, copy(kind).action, "Back to the form"),
    }
}

#[derive(Template)]
#[template(path = "pages/thanks.html")]
struct Thanks<'a> {
    program: &'a str,
    contact_email: &'a str,
    mentor: bool,
}

pub async fn thanks(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    let page = Page::new(&app);
    let mentor = req.query_string().contains("as=mentor");
    page.html(
        StatusCode::OK,
        Thanks {
            program: &page.program,
            contact_email: &page.contact_email,
            mentor,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::Capacity;
    use crate::domain::text::Notes;

    fn asks(kind: ProfileKind) -> Vec<Ask> {
        layout(kind)
            .into_iter()
            .filter_map(|item| match item {
                Item::Field(ask) => Some(ask),
                Item::Section(_) => None,
            })
            .collect()
    }

    /// A field added to the table cannot be missing from a form, nor one asked for twice.
    #[test]
    fn each_form_asks_for_every_field_of_its_kind_once() {
        for kind in [ProfileKind::Mentee, ProfileKind::Mentor] {
            let mut asked: Vec<&str> = asks(kind).iter().map(|a| a.name).collect();
            let mut table: Vec<&str> = fields::of(kind).map(|f| f.name).collect();
            asked.sort_unstable();
            table.sort_unstable();
            assert_eq!(asked, table, "{}", kind.noun());
        }
    }

    /// The numbers in the hints are the domain's own limits.
    #[test]
    fn hints_state_the_domain_limits() {
        let hint = |kind, name: &str| {
            let ask = asks(kind).into_iter().find(|a| a.name == name);
            let spec = fields::find(kind, name);
            match (ask.and_then(|a| a.hint), spec) {
                (Some(h), Some(spec)) => wording(spec, kind, h),
                _ => String::new(),
            }
        };
        assert_eq!(
            hint(ProfileKind::Mentor, "capacity"),
            format!(
                "From {} to {}. Leave empty for the usual number.",
                Capacity::MIN,
                Capacity::MAX
            )
        );
        for kind in [ProfileKind::Mentee, ProfileKind::Mentor] {
            assert!(
                hint(kind, "notes").starts_with(&format!("Up to {} characters,", Notes::MAX_CHARS))
            );
            for ask in asks(kind) {
                let spec = fields::find(kind, ask.name).expect("in the table");
                for text in [ask.label, ask.hint].into_iter().flatten() {
                    let filled = wording(spec, kind, text);
                    assert!(!filled.contains('{'), "{}: {filled}", ask.name);
                }
            }
        }
        assert!(
            hint(ProfileKind::Mentee, "share_affinity_with_partner").contains("your mentor both")
        );
    }
}
