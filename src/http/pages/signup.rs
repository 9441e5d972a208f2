//! The sign-up forms: every field of the API, labels from the taxonomy, the same validation
//! as the API, errors beside the fields and in a summary at the top, input kept.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::render::Page;
use super::{csrf, limit};
use crate::app::profiles::{self, Profile, SignUp};
use crate::app::{App, AppError};
use crate::domain::field_error::FieldErrors;
use crate::domain::input::{Field, MenteeInput, MentorInput, PersonInput};
use crate::domain::language;
use crate::domain::profile::{MeetingPreference, Mentee, Mentor, ProfileKind, Shift};
use crate::domain::taxonomy::CodeList;

/// Languages shown as checkboxes; every other ISO 639-1 language is in a list below them.
const COMMON_LANGUAGES: &[&str] = &[
    "en", "es", "pt", "tl", "zh", "fr", "ar", "hi", "vi", "ko", "ru", "pl", "so", "ur", "yo",
];

/// Submitted form values; lists arrive as repeated fields.
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

    /// Free-text lists may also be typed comma-separated into one box.
    fn split(&self, name: &str) -> Vec<String> {
        self.many(name)
            .iter()
            .flat_map(|v| v.split(',').map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn text(&self, name: &str) -> Field<String> {
        self.one(name)
            .map_or(Field::Absent, |v| Field::Value(v.to_string()))
    }

    fn person(&self) -> PersonInput {
        PersonInput {
            full_name: self.text("full_name"),
            email: self.text("email"),
            profession: self.text("profession"),
            specialty: self.text("specialty"),
            site: self.text("site"),
            shift: self.text("shift"),
            languages: Field::Value(self.many("languages")),
            interests: Field::Value(self.split("interests")),
            goals: Field::Value(self.many("goals")),
            affinity_groups: Field::Value(self.many("affinity_groups")),
            share_affinity_with_partner: Field::Value(
                self.one("share_affinity_with_partner") == Some("yes"),
            ),
            preferred_meeting: self.text("preferred_meeting").filter_blank(),
            manager_email: self.text("manager_email"),
            notes: self.text("notes"),
        }
    }

    /// A whole number from a text box; "" is absent, anything else not a number an error.
    fn number(&self, name: &str, errors: &mut FieldErrors) -> Field<i64> {
        match self.one(name).map(str::trim) {
            None | Some("") => Field::Absent,
            Some(text) => match text.parse::<i64>() {
                Ok(n) => Field::Value(n),
                Err(_) => {
                    errors.add(name, "must be a whole number, e.g. 5");
                    Field::Absent
                }
            },
        }
    }
}

trait BlankIsAbsent {
    fn filter_blank(self) -> Self;
}

impl BlankIsAbsent for Field<String> {
    fn filter_blank(self) -> Self {
        match self {
            Field::Value(v) if v.trim().is_empty() => Field::Absent,
            other => other,
        }
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

fn fields(app: &App, kind: ProfileKind, values: &Values, errors: &FieldErrors) -> Vec<FieldView> {
    let t = &app.settings.taxonomy;
    let mut b = Builder {
        values,
        errors,
        fields: Vec::new(),
    };
    b.section("About you", None);
    b.field("full_name", "text", "Full name", None, true)
        .autocomplete = Some("name");
    b.field(
        "email",
        "email",
        "Work email",
        Some("We use it to introduce you and to check in now and then."),
        true,
    )
    .autocomplete = Some("email");
    b.codes(
        "profession",
        "select",
        "Profession",
        None,
        true,
        &t.professions,
    );
    b.codes(
        "specialty",
        "select",
        "Specialty or unit",
        None,
        true,
        &t.specialties,
    );
    b.codes("site", "select", "Site", None, true, &t.sites);
    let shifts = Shift::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    b.choices(
        "shift",
        "radios",
        "Shift you mostly work",
        None,
        true,
        shifts,
    );
    match kind {
        ProfileKind::Mentee => {
            b.field(
                "start_date",
                "date",
                "First day in your new role",
                Some("Written like 2026-10-01. Leave empty if you are not sure yet."),
                false,
            );
        }
        ProfileKind::Mentor => {
            b.field(
                "years_experience",
                "number",
                "Years of experience in your profession",
                None,
                true,
            );
            b.field(
                "capacity",
                "number",
                "How many newcomers could you mentor at once?",
                Some("From 1 to 10. Leave empty for the usual number."),
                false,
            );
        }
    }
    let chosen = values.many("languages");
    let option = |code: &str| OptionView {
        value: code.to_string(),
        label: language::name_of(code).unwrap_or(code).to_string(),
        checked: chosen.iter().any(|c| c == code),
    };
    let field = b.field(
        "languages",
        "languages",
        "Languages you speak",
        Some("Choose every language you are comfortable speaking."),
        false,
    );
    field.options = COMMON_LANGUAGES.iter().map(|c| option(c)).collect();
    let mut more: Vec<OptionView> = language::ALL
        .iter()
        .filter(|(code, _)| !COMMON_LANGUAGES.contains(code))
        .map(|(code, _)| option(code))
        .collect();
    more.sort_by(|a, z| a.label.cmp(&z.label));
    field.more = more;

    match kind {
        ProfileKind::Mentee => {
            b.section("What would help you", None);
            b.codes(
                "goals",
                "checkboxes",
                "What would you like help with?",
                Some("Choose as many as you like."),
                false,
                &t.goals,
            );
        }
        ProfileKind::Mentor => {
            b.section("How you can help", None);
            b.codes(
                "can_help_with",
                "checkboxes",
                "What could you help a newcomer with?",
                Some("Choose as many as you like."),
                false,
                &t.goals,
            );
            b.field(
                "certifications",
                "text",
                "Certifications",
                Some("Separate several with commas, e.g. CEN, TNCC."),
                false,
            );
            b.codes(
                "goals",
                "checkboxes",
                "Would you like to grow in any of these yourself?",
                Some("Optional: mentors learn too."),
                false,
                &t.goals,
            );
        }
    }
    b.field("interests", "text", "Interests", Some("Anything you enjoy talking about, separated by commas: teaching, trauma care, running."), false);
    let meetings = MeetingPreference::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), m.label().to_string()))
        .collect();
    b.choices(
        "preferred_meeting",
        "radios",
        "How would you like to meet?",
        None,
        false,
        meetings,
    );

    b.section("Optional, and only if you wish", None);
    b.codes(
        "affinity_groups",
        "checkboxes",
        "Would you like to be paired with someone who shares one of these?",
        Some("Entirely optional. We only ever compare this with someone who has also chosen to share it. It is kept with your details; when coordinators look at a pairing they see only that a shared group counted, not which one."),
        false,
        &t.affinity_groups,
    );
    let partner = match kind {
        ProfileKind::Mentee => "mentor",
        ProfileKind::Mentor => "mentee",
    };
    b.field(
        "share_affinity_with_partner",
        "checkbox",
        &format!("You may mention these to my {partner}"),
        Some(&format!("Only if you and your {partner} both tick this do we name a group you share in the email that introduces you. If you leave it unticked, we never tell them; it still helps us pair you.")),
        false,
    );
    b.field(
        "manager_email",
        "email",
        "Your manager's email",
        Some("So that we never pair you with your own manager."),
        false,
    );
    b.field(
        "notes",
        "textarea",
        "Anything else we should know?",
        Some("Up to 2000 characters, e.g. when you are easiest to reach."),
        false,
    );
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
    submit::<Mentee>(&app, &req, &body, |values, _| MenteeInput {
        person: values.person(),
        start_date: values.text("start_date"),
    })
    .await
}

pub async fn mentor_submit(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    submit::<Mentor>(&app, &req, &body, |values, errors| MentorInput {
        person: values.person(),
        years_experience: values.number("years_experience", errors),
        capacity: values.number("capacity", errors),
        can_help_with: Field::Value(values.many("can_help_with")),
        certifications: Field::Value(values.split("certifications")),
    })
    .await
}

async fn submit<P: Profile>(
    app: &App,
    req: &HttpRequest,
    body: &[u8],
    input: impl FnOnce(&Values, &mut FieldErrors) -> P::Input,
) -> HttpResponse {
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
    let mut errors = FieldErrors::new();
    let input = input(&values, &mut errors);
    if !errors.is_empty() {
        return render_form(
            app,
            req,
            kind,
            StatusCode::UNPROCESSABLE_ENTITY,
            &values,
            &errors,
        );
    }
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
