//! Typed settings, layered: the built-in `config/default.toml` → the file named by `--config`
//! or `BELONG_CONFIG` → `BELONG__SECTION__KEY` environment variables. Everything is checked at
//! start-up, and a bad value stops the process with one line that names the key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use url::Url;

use crate::domain::checkin::{After, Audience, SendWindow, Step};
use crate::domain::health::{Period, Thresholds};
use crate::domain::matching::settings::{MatchingSettings, Points, SettingsInput, Weights};
use crate::domain::profile::Shift;
use crate::domain::profile::{Capacity, YearsExperience};
use crate::domain::survey::{Instrument, Kind, Question, Scoring, Survey, Surveys};
use crate::domain::taxonomy::{Entry, Taxonomy, TaxonomySpec};
use crate::store::DatabaseUrl;

/// The defaults shipped with Belong, compiled into the binary.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// A setting that cannot be used, with the key it belongs to.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

#[derive(Debug, Clone)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub email: EmailSettings,
    pub matching: MatchingSettings,
    pub taxonomy: Arc<Taxonomy>,
    /// The check-in steps every approved match gets.
    pub checkin_steps: Vec<Step>,
    pub checkins: CheckinSettings,
    pub health: HealthSettings,
    pub privacy: PrivacySettings,
    pub outcomes: OutcomesSettings,
    pub log: LogSettings,
}

/// How the log is written.
#[derive(Debug, Clone, Copy)]
pub struct LogSettings {
    pub format: LogFormat,
}

/// `text`: plain lines, coloured only on a terminal; `json`: one object a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// How check-ins are sent, reminded and expired, and what they ask.
#[derive(Debug, Clone)]
pub struct CheckinSettings {
    pub expire_after: After,
    pub reminders: Vec<After>,
    pub timezone: chrono_tz::Tz,
    send_hours: Vec<(Shift, SendWindow)>,
    pub who_sees: String,
    pub tick_interval: std::time::Duration,
    pub lease: std::time::Duration,
    pub surveys: Surveys,
}

impl CheckinSettings {
    /// The hours within which someone on `shift` may be emailed.
    pub fn send_window(&self, shift: Shift) -> SendWindow {
        self.send_hours
            .iter()
            .find(|(s, _)| *s == shift)
            .map(|(_, w)| *w)
            .unwrap_or(SendWindow::ANY_TIME)
    }
}

#[derive(Debug, Clone)]
pub struct HealthSettings {
    pub thresholds: Thresholds,
    /// Local time of the coordinators' daily digest, in the check-ins' time zone; `None`
    /// (`digest_at = "off"`) sends none.
    pub digest_at: Option<chrono::NaiveTime>,
    /// How often each process reviews every running pair for the time-based rules.
    pub review_every: std::time::Duration,
}

#[derive(Debug, Clone)]
pub struct PrivacySettings {
    /// The fewest respondents an outcomes cell may show.
    pub min_cell: u32,
    /// The fewest respondents for which free text is shown.
    pub min_cell_text: u32,
    /// The privacy notice shown at `/privacy`: plain text, paragraphs split by blank lines,
    /// `## ` headings and `- ` list items; `{program}` and `{contact}` are filled in.
    pub notice: String,
}

#[derive(Debug, Clone, Copy)]
pub struct OutcomesSettings {
    /// First-year retention to draw the curve against, 0 to 1.
    pub retention_benchmark: f64,
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: Url,
    pub max_body_bytes: usize,
    /// HTTP worker threads; `None` means one per CPU core.
    pub workers: Option<usize>,
    pub signup_posts_per_minute: u32,
    pub session_hours: u32,
    /// Proxies whose `X-Forwarded-For` is believed (see `http::client`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Failed sign-ins allowed per account, and per client address, before each further
    /// attempt must wait: `login_wait_secs` at first, doubling up to `login_wait_cap_secs`.
    pub login_failures_per_account: u32,
    pub login_failures_per_address: u32,
    pub login_wait_secs: u32,
    pub login_wait_cap_secs: u32,
    /// Threads that check passwords; 0 means twice the cores, at most four.
    pub password_hashers: usize,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: DatabaseUrl,
    pub pool_size: u32,
    pub pool_timeout_secs: u64,
    pub sqlite_busy_timeout_ms: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    File,
    Smtp,
}

#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub transport: EmailTransport,
    pub file_dir: PathBuf,
    pub smtp_url: Option<Url>,
    pub from: lettre::message::Mailbox,
    pub reply_to: lettre::message::Mailbox,
    pub program_name: String,
    /// `{server.public_url}/privacy`, linked from every email's footer.
    pub privacy_url: String,
    pub send_timeout: std::time::Duration,
    pub max_attempts: u32,
    pub backoff_base: std::time::Duration,
    pub backoff_cap: std::time::Duration,
    pub poll_interval: std::time::Duration,
    pub lease: std::time::Duration,
}

impl Settings {
    /// Loads and checks the settings; `file` is the `--config` file, if any.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_with_env(file, std::env::vars())
    }

    /// As [`Self::load`], with the environment given explicitly (for tests).
    pub fn load_with_env(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError(format!(
                    "--config: {} is not a readable file",
                    path.display()
                )));
            }
            builder = builder.add_source(config::File::from(path).required(true));
        }
        let mut env: config::Map<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("BELONG__"))
            .collect();
        // The one list that may come from the environment, separated by commas.
        if let Some(list) = env.remove("BELONG__SERVER__TRUSTED_PROXIES") {
            let items: Vec<String> = list
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(String::from)
                .collect();
            builder = builder
                .set_override("server.trusted_proxies", items)
                .map_err(|e| ConfigError(one_line(&e.to_string())))?;
        }
        builder = builder.add_source(
            config::Environment::with_prefix("BELONG")
                .prefix_separator("__")
                .separator("__")
                .source(Some(env)),
        );
        let raw: RawSettings = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|e| ConfigError(one_line(&e.to_string())))?;
        raw.check()
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A CIDR range, or a single address, of a proxy in front of Belong.
fn trusted_proxy(text: &str) -> Result<ipnet::IpNet, ConfigError> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| {
            invalid(
                "server.trusted_proxies",
                format!("\"{text}\" is not an address range like 10.0.0.0/8 or an address like 192.0.2.7"),
            )
        })
}

/// The notice from `privacy.notice_file` when set (it must be readable and not empty), else
/// `privacy.notice`.
fn privacy_notice(notice: String, file: Option<String>) -> Result<String, ConfigError> {
    let text = match file.filter(|f| !f.trim().is_empty()) {
        Some(path) => std::fs::read_to_string(&path)
            .map_err(|e| invalid("privacy.notice_file", format!("cannot read {path}: {e}")))?,
        None => notice,
    };
    if text.trim().is_empty() {
        return Err(invalid("privacy.notice", "must not be empty"));
    }
    Ok(text)
}

fn invalid(key: &str, message: impl std::fmt::Display) -> ConfigError {
    ConfigError(format!("{key}: {message}"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    server: RawServer,
    database: RawDatabase,
    email: RawEmail,
    matching: RawMatching,
    taxonomy: RawTaxonomy,
    checkins: RawCheckins,
    health: RawHealth,
    privacy: RawPrivacy,
    outcomes: RawOutcomes,
    log: RawLog,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: LogFormat,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckins {
    steps: Vec<RawStep>,
    expire_after: String,
    reminders: Vec<String>,
    timezone: String,
    send_hours: std::collections::BTreeMap<String, String>,
    who_sees: String,
    tick_interval_ms: u64,
    lease_secs: u64,
    questions: std::collections::BTreeMap<String, RawQuestion>,
    surveys: std::collections::BTreeMap<String, RawSurvey>,
    #[serde(default)]
    instruments: std::collections::BTreeMap<String, RawInstrument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    text: String,
    mentor_text: Option<String>,
    kind: String,
    min: Option<i64>,
    max: Option<i64>,
    #[serde(default)]
    labels: Vec<String>,
    max_chars: Option<usize>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    mentee_only: bool,
    attribution: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    title: String,
    questions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    name: String,
    #[serde(default)]
    licence: String,
    scoring: String,
    items: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHealth {
    first_meeting_days: RawPeriod,
    first_meeting_escalate_days: RawPeriod,
    no_meeting_days: RawPeriod,
    fit_at_most: f64,
    belonging_drop: f64,
    belonging_at_most: f64,
    intent_to_stay_at_most: f64,
    burnout_at_least: f64,
    unanswered_in_a_row: u32,
    digest_at: String,
    review_every_secs: u64,
}

/// A number of days, or an ISO 8601 duration in a string (environment values are strings).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawPeriod {
    Days(u32),
    Text(String),
}

impl RawPeriod {
    fn check(self, key: &str) -> Result<Period, ConfigError> {
        let text = match self {
            RawPeriod::Days(n) => n.to_string(),
            RawPeriod::Text(t) => t,
        };
        Period::parse(&text).map_err(|e| {
            invalid(
                key,
                format!("{e}; give a number of days, or a duration such as P3W or PT30S"),
            )
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    min_cell: u32,
    min_cell_text: u32,
    notice: String,
    /// A file whose text replaces `notice`.
    #[serde(default)]
    notice_file: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutcomes {
    retention_benchmark: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    key: String,
    after: String,
    audience: String,
    survey: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    host: String,
    port: u16,
    public_url: String,
    max_body_bytes: usize,
    workers: usize,
    signup_posts_per_minute: u32,
    session_hours: u32,
    trusted_proxies: Vec<String>,
    login_failures_per_account: u32,
    login_failures_per_address: u32,
    login_wait_secs: u32,
    login_wait_cap_secs: u32,
    password_hashers: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: String,
    pool_size: u32,
    pool_timeout_secs: u64,
    sqlite_busy_timeout_ms: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    transport: EmailTransport,
    file_dir: PathBuf,
    smtp_url: String,
    from: String,
    reply_to: String,
    program_name: String,
    send_timeout_secs: u64,
    max_attempts: u32,
    backoff_base_secs: u64,
    backoff_cap_secs: u64,
    poll_interval_ms: u64,
    lease_secs: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatching {
    default_capacity: i64,
    min_score: f64,
    min_mentor_years: i64,
    working_language: String,
    cross_profession: Vec<RawCrossProfession>,
    weights: std::collections::BTreeMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrossProfession {
    mentee: String,
    mentor: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    professions: Vec<RawEntry>,
    specialties: Vec<RawSpecialty>,
    sites: Vec<RawEntry>,
    goals: Vec<RawEntry>,
    affinity_groups: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    code: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecialty {
    code: String,
    label: String,
    #[serde(default)]
    related: Vec<String>,
}

impl From<RawEntry> for Entry {
    fn from(raw: RawEntry) -> Self {
        Entry {
            code: raw.code,
            label: raw.label,
        }
    }
}

impl RawSettings {
    fn check(mut self) -> Result<Settings, ConfigError> {
        let s = self.server;
        if s.host.trim().is_empty() {
            return Err(invalid("server.host", "must not be empty"));
        }
        let public_url = Url::parse(&s.public_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                invalid(
                    "server.public_url",
                    format!("\"{}\" is not an absolute http(s) URL", s.public_url),
                )
            })?;
        if s.max_body_bytes < 1024 {
            return Err(invalid("server.max_body_bytes", "must be at least 1024"));
        }
        let server = ServerSettings {
            host: s.host,
            port: s.port,
            public_url,
            max_body_bytes: s.max_body_bytes,
            workers: (s.workers > 0).then_some(s.workers),
            signup_posts_per_minute: s.signup_posts_per_minute.max(1),
            session_hours: match s.session_hours {
                1..=720 => s.session_hours,
                _ => return Err(invalid("server.session_hours", "must be from 1 to 720")),
            },
            trusted_proxies: s
                .trusted_proxies
                .iter()
                .map(|text| trusted_proxy(text))
                .collect::<Result<_, _>>()?,
            login_failures_per_account: match s.login_failures_per_account {
                1..=1000 => s.login_failures_per_account,
                _ => {
                    return Err(invalid(
                        "server.login_failures_per_account",
                        "must be from 1 to 1000",
                    ));
                }
            },
            login_failures_per_address: match s.login_failures_per_address {
                1..=100_000 => s.login_failures_per_address,
                _ => {
                    return Err(invalid(
                        "server.login_failures_per_address",
                        "must be from 1 to 100000",
                    ));
                }
            },
            login_wait_cap_secs: match s.login_wait_cap_secs {
                1..=1800 => s.login_wait_cap_secs,
                _ => {
                    return Err(invalid(
                        "server.login_wait_cap_secs",
                        "must be from 1 to 1800 (half an hour)",
                    ));
                }
            },
            login_wait_secs: match s.login_wait_secs {
                n if n >= 1 && n <= s.login_wait_cap_secs => n,
                _ => {
                    return Err(invalid(
                        "server.login_wait_secs",
                        "must be at least 1 and at most server.login_wait_cap_secs",
                    ));
                }
            },
            password_hashers: match s.password_hashers {
                0..=256 => s.password_hashers,
                _ => return Err(invalid("server.password_hashers", "must be from 0 to 256")),
            },
        };

        let d = self.database;
        let database = DatabaseSettings {
            url: DatabaseUrl::parse(&d.url).map_err(|e| invalid("database.url", e))?,
            pool_size: match d.pool_size {
                1..=200 => d.pool_size,
                _ => return Err(invalid("database.pool_size", "must be from 1 to 200")),
            },
            pool_timeout_secs: match d.pool_timeout_secs {
                1..=600 => d.pool_timeout_secs,
                _ => {
                    return Err(invalid(
                        "database.pool_timeout_secs",
                        "must be from 1 to 600",
                    ));
                }
            },
            sqlite_busy_timeout_ms: d.sqlite_busy_timeout_ms,
        };

        let e = self.email;
        let smtp_url = match e.smtp_url.trim() {
            "" => None,
            text => Some(
                Url::parse(text)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "smtp" | "smtps"))
                    .ok_or_else(|| {
                        invalid(
                            "email.smtp_url",
                            "must be a URL like smtp://host:port or smtps://user:pass@host:465",
                        )
                    })?,
            ),
        };
        if e.transport == EmailTransport::Smtp && smtp_url.is_none() {
            return Err(invalid(
                "email.smtp_url",
                "is required when email.transport is smtp",
            ));
        }
        let mailbox = |key: &str, text: &str| {
            text.trim()
                .parse::<lettre::message::Mailbox>()
                .map_err(|_| {
                    invalid(
                        key,
                        format!("\"{text}\" is not an address like Name <name@hospital.org>"),
                    )
                })
        };
        let from = mailbox("email.from", &e.from)?;
        let reply_to = match e.reply_to.trim() {
            "" => from.clone(),
            text => mailbox("email.reply_to", text)?,
        };
        let positive = |key: &str, n: u64| {
            if n == 0 {
                Err(invalid(key, "must be above 0"))
            } else {
                Ok(std::time::Duration::from_secs(n))
            }
        };
        let send_timeout = positive("email.send_timeout_secs", e.send_timeout_secs)?;
        let lease = positive("email.lease_secs", e.lease_secs)?;
        if lease <= send_timeout {
            return Err(invalid(
                "email.lease_secs",
                "must be longer than email.send_timeout_secs",
            ));
        }
        if e.max_attempts == 0 {
            return Err(invalid("email.max_attempts", "must be at least 1"));
        }
        if e.backoff_cap_secs < e.backoff_base_secs {
            return Err(invalid(
                "email.backoff_cap_secs",
                "must be at least email.backoff_base_secs",
            ));
        }
        if e.program_name.trim().is_empty() {
            return Err(invalid("email.program_name", "must not be empty"));
        }
        let email = EmailSettings {
            transport: e.transport,
            file_dir: e.file_dir,
            smtp_url,
            from,
            reply_to,
            program_name: e.program_name.trim().to_string(),
            privacy_url: format!(
                "{}/privacy",
                server.public_url.as_str().trim_end_matches('/')
            ),
            send_timeout,
            max_attempts: e.max_attempts,
            backoff_base: std::time::Duration::from_secs(e.backoff_base_secs),
            backoff_cap: std::time::Duration::from_secs(e.backoff_cap_secs),
            poll_interval: std::time::Duration::from_millis(e.poll_interval_ms.max(10)),
            lease,
        };

        let t = self.taxonomy;
        let entries = |list: Vec<RawEntry>| list.into_iter().map(Entry::from).collect();
        let taxonomy = Taxonomy::new(TaxonomySpec {
            professions: entries(t.professions),
            specialties: t
                .specialties
                .into_iter()
                .map(|s| {
                    (
                        Entry {
                            code: s.code,
                            label: s.label,
                        },
                        s.related,
                    )
                })
                .collect(),
            sites: entries(t.sites),
            goals: entries(t.goals),
            affinity_groups: entries(t.affinity_groups),
        })
        .map_err(ConfigError)?;

        let m = self.matching;
        let working_language = crate::domain::language::Language::parse(&m.working_language)
            .map_err(|e| invalid("matching.working_language", e))?;
        let base = MatchingSettings {
            weights: Weights::default(),
            min_score: Points(0),
            default_capacity: Capacity::parse(2)
                .map_err(|e| invalid("matching.default_capacity", e))?,
            min_mentor_years: YearsExperience::parse(0)
                .map_err(|e| invalid("matching.min_mentor_years", e))?,
            cross_profession: Vec::new(),
            working_language: working_language.as_str().to_string(),
        };
        let matching = base
            .updated(
                SettingsInput {
                    weights: Some(m.weights.into_iter().collect()),
                    min_score: Some(m.min_score),
                    default_capacity: Some(m.default_capacity),
                    min_mentor_years: Some(m.min_mentor_years),
                    cross_profession: Some(
                        m.cross_profession
                            .into_iter()
                            .map(|c| (c.mentee, c.mentor))
                            .collect(),
                    ),
                },
                &taxonomy,
            )
            .map_err(|errors| {
                let first = errors
                    .iter()
                    .next()
                    .map(|e| format!("matching.{}: {}", e.field, e.message));
                ConfigError(first.unwrap_or_else(|| "matching: invalid".into()))
            })?;

        let mut checkin_steps: Vec<Step> = Vec::new();
        for (i, raw) in std::mem::take(&mut self.checkins.steps)
            .into_iter()
            .enumerate()
        {
            let key = |field: &str| format!("checkins.steps[{i}].{field}");
            if raw.key.trim().is_empty() || checkin_steps.iter().any(|s| s.key == raw.key.trim()) {
                return Err(invalid(&key("key"), "must be present and unique"));
            }
            checkin_steps.push(Step {
                key: raw.key.trim().to_string(),
                after: After::parse(&raw.after).map_err(|e| invalid(&key("after"), e))?,
                audience: Audience::parse(&raw.audience)
                    .map_err(|e| invalid(&key("audience"), e))?,
                survey: raw.survey.trim().to_string(),
            });
        }

        let checkins = check_checkins(self.checkins)?;
        for (i, step) in checkin_steps.iter().enumerate() {
            if checkins.surveys.survey(&step.survey).is_none() {
                return Err(invalid(
                    &format!("checkins.steps[{i}].survey"),
                    format!("\"{}\" is not a configured survey", step.survey),
                ));
            }
        }
        let health = check_health(self.health)?;
        let privacy = match (self.privacy.min_cell, self.privacy.min_cell_text) {
            (0, _) => return Err(invalid("privacy.min_cell", "must be at least 1")),
            (cell, text) if text < cell => {
                return Err(invalid(
                    "privacy.min_cell_text",
                    "must be at least privacy.min_cell",
                ));
            }
            (min_cell, min_cell_text) => PrivacySettings {
                min_cell,
                min_cell_text,
                notice: privacy_notice(self.privacy.notice, self.privacy.notice_file)?,
            },
        };
        let benchmark = self.outcomes.retention_benchmark;
        if !(0.0..=1.0).contains(&benchmark) {
            return Err(invalid(
                "outcomes.retention_benchmark",
                "must be a share from 0 to 1, e.g. 0.825",
            ));
        }

        Ok(Settings {
            server,
            database,
            email,
            matching,
            taxonomy: Arc::new(taxonomy),
            checkin_steps,
            checkins,
            health,
            privacy,
            outcomes: OutcomesSettings {
                retention_benchmark: benchmark,
            },
            log: LogSettings {
                format: self.log.format,
            },
        })
    }
}

fn check_checkins(c: RawCheckins) -> Result<CheckinSettings, ConfigError> {
    let expire_after =
        After::parse(&c.expire_after).map_err(|e| invalid("checkins.expire_after", e))?;
    let reminders = c
        .reminders
        .iter()
        .enumerate()
        .map(|(i, r)| After::parse(r).map_err(|e| invalid(&format!("checkins.reminders[{i}]"), e)))
        .collect::<Result<Vec<_>, _>>()?;
    let timezone: chrono_tz::Tz = c.timezone.trim().parse().map_err(|_| {
        invalid(
            "checkins.timezone",
            format!("\"{}\" is not a time zone like Europe/London", c.timezone),
        )
    })?;
    let mut send_hours = Vec::new();
    for (shift, window) in &c.send_hours {
        let key = format!("checkins.send_hours.{shift}");
        let shift = Shift::parse(shift)
            .map_err(|_| invalid(&key, "is not a shift: use day, evening, night or rotating"))?;
        send_hours.push((
            shift,
            SendWindow::parse(window).map_err(|e| invalid(&key, e))?,
        ));
    }
    if c.who_sees.trim().is_empty() {
        return Err(invalid(
            "checkins.who_sees",
            "must say who sees the answers",
        ));
    }
    if c.lease_secs == 0 {
        return Err(invalid("checkins.lease_secs", "must be above 0"));
    }
    let mut questions = Vec::new();
    for (key, q) in c.questions {
        let at = |field: &str| format!("checkins.questions.{key}.{field}");
        let kind = match q.kind.as_str() {
            "scale" => Kind::Scale {
                min: q
                    .min
                    .ok_or_else(|| invalid(&at("min"), "is required for a scale"))?,
                max: q
                    .max
                    .ok_or_else(|| invalid(&at("max"), "is required for a scale"))?,
                labels: q.labels,
            },
            "yes_no" => Kind::YesNo,
            "count" => Kind::Count {
                max: q
                    .max
                    .ok_or_else(|| invalid(&at("max"), "is required for a count"))?,
            },
            "text" => Kind::Text {
                max_chars: q
                    .max_chars
                    .ok_or_else(|| invalid(&at("max_chars"), "is required for text"))?,
            },
            other => {
                return Err(invalid(
                    &at("kind"),
                    format!("\"{other}\" is not one of scale, yes_no, count, text"),
                ));
            }
        };
        questions.push(Question {
            key,
            text: q.text.trim().to_string(),
            mentor_text: q.mentor_text.map(|t| t.trim().to_string()),
            kind,
            required: q.required,
            mentee_only: q.mentee_only,
            attribution: q.attribution,
        });
    }
    let surveys = c
        .surveys
        .into_iter()
        .map(|(key, s)| Survey {
            key,
            title: s.title,
            questions: s.questions,
        })
        .collect();
    let mut instruments = Vec::new();
    for (key, i) in c.instruments {
        let scoring = match i.scoring.as_str() {
            "sum" => Scoring::Sum,
            "mean" => Scoring::Mean,
            _ => {
                return Err(invalid(
                    &format!("checkins.instruments.{key}.scoring"),
                    "must be sum or mean",
                ));
            }
        };
        instruments.push(Instrument {
            key,
            name: i.name,
            licence: i.licence,
            scoring,
            items: i.items,
        });
    }
    let surveys = Surveys::new(questions, surveys, instruments).map_err(ConfigError)?;
    Ok(CheckinSettings {
        expire_after,
        reminders,
        timezone,
        send_hours,
        who_sees: c.who_sees.trim().to_string(),
        tick_interval: std::time::Duration::from_millis(c.tick_interval_ms.max(10)),
        lease: std::time::Duration::from_secs(c.lease_secs),
        surveys,
    })
}

fn check_health(h: RawHealth) -> Result<HealthSettings, ConfigError> {
    let first_meeting = h.first_meeting_days.check("health.first_meeting_days")?;
    let first_meeting_escalate = h
        .first_meeting_escalate_days
        .check("health.first_meeting_escalate_days")?;
    let no_meeting = h.no_meeting_days.check("health.no_meeting_days")?;
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    if first_meeting_escalate.from(epoch) < first_meeting.from(epoch) {
        return Err(invalid(
            "health.first_meeting_escalate_days",
            "must be at least health.first_meeting_days",
        ));
    }
    if h.unanswered_in_a_row == 0 {
        return Err(invalid("health.unanswered_in_a_row", "must be at least 1"));
    }
    if !(1..=3600).contains(&h.review_every_secs) {
        return Err(invalid(
            "health.review_every_secs",
            "must be from 1 to 3600",
        ));
    }
    for (key, value) in [
        ("health.fit_at_most", h.fit_at_most),
        ("health.belonging_drop", h.belonging_drop),
        ("health.belonging_at_most", h.belonging_at_most),
        ("health.intent_to_stay_at_most", h.intent_to_stay_at_most),
        ("health.burnout_at_least", h.burnout_at_least),
    ] {
        if !value.is_finite() || !(0.0..=100.0).contains(&value) {
            return Err(invalid(
                key,
                "must be a number on the answers' scale, e.g. 2",
            ));
        }
    }
    if h.belonging_drop <= 0.0 {
        return Err(invalid(
            "health.belonging_drop",
            "must be above 0, or every repeated answer would count as a drop",
        ));
    }
    let digest_at = match h.digest_at.trim() {
        "" | "off" => None,
        text => Some(
            chrono::NaiveTime::parse_from_str(text, "%H:%M")
                .map_err(|_| invalid("health.digest_at", "must be a time like 07:30, or off"))?,
        ),
    };
    Ok(HealthSettings {
        thresholds: Thresholds {
            first_meeting,
            first_meeting_escalate,
            no_meeting,
            fit_at_most: h.fit_at_most,
            belonging_drop: h.belonging_drop,
            belonging_at_most: h.belonging_at_most,
            intent_to_stay_at_most: h.intent_to_stay_at_most,
            burnout_at_least: h.burnout_at_least,
            unanswered_in_a_row: h.unanswered_in_a_row,
        },
        digest_at,
        review_every: std::time::Duration::from_secs(h.review_every_secs),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load_and_hold_the_contract_codes() {
        let s = Settings::load_with_env(None, env(&[])).expect("defaults load");
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.server.public_url.as_str(), "http://localhost:8080/");
        assert!(matches!(s.database.url, DatabaseUrl::Sqlite(_)));
        assert_eq!(s.email.transport, EmailTransport::File);
        let t = &s.taxonomy;
        for code in ["registered_nurse", "social_worker", "radiographer"] {
            assert!(t.professions.contains(code), "{code}");
        }
        for code in ["emergency", "home_health", "neonatal_intensive_care"] {
            assert!(t.specialties.contains(code), "{code}");
        }
        assert!(t.goals.contains("wellbeing") && t.affinity_groups.contains("veteran"));
        assert!(t.sites.contains("community_clinic"));
    }

    /// Loads the defaults with `toml` laid over them, from a file as an operator would.
    fn with_file(toml: &str) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("belong.toml");
        std::fs::write(&path, toml).expect("write");
        Settings::load_with_env(Some(&path), env(&[]))
    }

    #[test]
    fn the_privacy_notice_is_configurable() {
        let shipped = Settings::load_with_env(None, env(&[])).expect("defaults load");
        for promise in ["## Who sees it", "not which one", "erase", "{contact}"] {
            assert!(shipped.privacy.notice.contains(promise), "{promise}");
        }
        let s = with_file("[privacy]\nnotice = \"Our own words.\"\n").expect("notice");
        assert_eq!(s.privacy.notice, "Our own words.");
        let err = with_file("[privacy]\nnotice_file = \"/nowhere/privacy.txt\"\n")
            .expect_err("missing file");
        assert!(err.to_string().contains("privacy.notice_file"), "{err}");
        let err = with_file("[privacy]\nnotice = \"  \"\n").expect_err("empty");
        assert!(err.to_string().contains("privacy.notice"), "{err}");
        assert_eq!(shipped.email.privacy_url, "http://localhost:8080/privacy");
    }

    #[test]
    fn the_shipped_surveys_ask_mentors_only_about_the_pair() {
        use crate::domain::survey::Respondent;
        let s = Settings::load_with_env(None, env(&[])).expect("defaults load");
        let surveys = &s.checkins.surveys;
        let keys = |survey: &str, who| -> Vec<String> {
            surveys
                .questions_for(survey, who)
                .iter()
                .map(|q| q.key.clone())
                .collect()
        };
        assert_eq!(
            keys("pulse", Respondent::Mentee),
            [
                "belonging",
                "met",
                "times",
                "fit",
                "stay",
                "burnout",
                "contact",
                "comment"
            ]
        );
        assert_eq!(
            keys("pulse", Respondent::Mentor),
            ["met", "times", "fit", "contact", "comment"]
        );
        assert_eq!(
            keys("first_meeting", Respondent::Mentee),
            ["met", "times", "fit", "contact", "comment"]
        );
        let burnout = surveys.question("burnout").expect("burnout");
        assert!(!burnout.required);
        assert!(
            burnout
                .attribution
                .as_deref()
                .unwrap_or_default()
                .contains("Dolan")
        );
        assert_eq!(s.privacy.min_cell, 5);
        assert!((s.outcomes.retention_benchmark - 0.825).abs() < 1e-9);
    }

    #[test]
    fn a_licensed_instrument_needs_its_licence() {
        let instrument = |licence: &str| {
            format!(
                r#"
[checkins.questions.unit_item_1]
text = "Item wording as licensed"
kind = "scale"
min = 1
max = 4
labels = ["1", "2", "3", "4"]
required = true
mentee_only = true

[checkins.surveys.pulse]
title = "How are you doing?"
questions = ["belonging", "unit_item_1", "met", "fit"]

[checkins.instruments.unit_scale]
name = "A licensed unit-belonging scale"
{licence}
scoring = "mean"
items = ["unit_item_1"]
"#
            )
        };
        let err = with_file(&instrument("")).expect_err("no licence");
        assert!(
            err.to_string()
                .contains("checkins.instruments.unit_scale.licence"),
            "{err}"
        );
        let err = with_file(&instrument(r#"licence = "  ""#)).expect_err("blank licence");
        assert!(err.to_string().contains("licence"), "{err}");
        let s = with_file(&instrument(r#"licence = "Licence 2026-114, St Elsewhere""#))
            .expect("licensed");
        assert_eq!(s.checkins.surveys.instruments().len(), 1);

        let err = with_file(
            r#"
[checkins]
steps = [{ key = "day14", after = "P14D", audience = "both", survey = "nope" }]
"#,
        )
        .expect_err("unknown survey");
        assert!(
            err.to_string().contains("checkins.steps[0].survey"),
            "{err}"
        );
        let err = with_file(
            r#"
[checkins]
send_hours = { night = "late" }
"#,
        )
        .expect_err("bad hours");
        assert!(
            err.to_string().contains("checkins.send_hours.night"),
            "{err}"
        );
        let err = with_file("[health]\nbelonging_drop = 0\n").expect_err("no drop");
        assert!(err.to_string().contains("health.belonging_drop"), "{err}");
        let err = with_file("[health]\nfit_at_most = nan\n").expect_err("not a number");
        assert!(err.to_string().contains("health.fit_at_most"), "{err}");
        let err = with_file("[privacy]\nmin_cell = 0\n").expect_err("min cell");
        assert!(err.to_string().contains("privacy.min_cell"), "{err}");
    }

    #[test]
    fn environment_overrides_and_bad_values_name_the_key() {
        let s = Settings::load_with_env(
            None,
            env(&[
                ("BELONG__SERVER__PORT", "9191"),
                ("BELONG__DATABASE__URL", "postgres://u@127.0.0.1/db"),
            ]),
        )
        .expect("loads");
        assert_eq!(s.server.port, 9191);
        assert!(matches!(s.database.url, DatabaseUrl::Postgres(_)));

        let err = Settings::load_with_env(None, env(&[("BELONG__SERVER__PORT", "eighty")]))
            .expect_err("bad port");
        assert!(err.to_string().contains("server.port"), "{err}");
        let err = Settings::load_with_env(None, env(&[("BELONG__DATABASE__URL", "mysql://x")]))
            .expect_err("bad scheme");
        assert!(err.to_string().contains("database.url"), "{err}");
        let err = Settings::load_with_env(None, env(&[("BELONG__EMAIL__TRANSPORT", "smtp")]))
            .expect_err("smtp without url");
        assert!(err.to_string().contains("email.smtp_url"), "{err}");
        assert_eq!(
            Settings::load_with_env(None, env(&[]))
                .map(|s| s.checkin_steps.len())
                .ok(),
            Some(6)
        );
        let err = Settings::load_with_env(None, env(&[("BELONG__SERVER__PROT", "1")]))
            .expect_err("unknown key");
        assert!(err.to_string().contains("prot"), "{err}");
    }

    #[test]
    fn trusted_proxies_are_ranges_checked_at_start_up() {
        let s = Settings::load_with_env(None, env(&[])).expect("loads");
        assert!(
            s.server.trusted_proxies.is_empty(),
            "nobody is trusted by default"
        );
        let s = Settings::load_with_env(
            None,
            env(&[(
                "BELONG__SERVER__TRUSTED_PROXIES",
                "10.0.0.0/8, 192.0.2.7,2001:db8::/32",
            )]),
        )
        .expect("loads");
        let shown: Vec<String> = s
            .server
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]);
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("belong.toml");
        std::fs::write(
            &file,
            "[server]\ntrusted_proxies = [\"127.0.0.1/32\", \"proxy.local\"]\n",
        )
        .expect("write");
        let err = Settings::load_with_env(Some(&file), env(&[])).expect_err("a host name");
        assert!(
            err.to_string().contains("server.trusted_proxies")
                && err.to_string().contains("proxy.local"),
            "{err}"
        );
        let err = Settings::load_with_env(
            None,
            env(&[("BELONG__SERVER__TRUSTED_PROXIES", "10.0.0.0/33")]),
        )
        .expect_err("a bad prefix");
        assert!(err.to_string().contains("server.trusted_proxies"), "{err}");
        let err = Settings::load_with_env(
            None,
            env(&[
                ("BELONG__SERVER__LOGIN_WAIT_SECS", "120"),
                ("BELONG__SERVER__LOGIN_WAIT_CAP_SECS", "60"),
            ]),
        )
        .expect_err("a first wait above the cap");
        assert!(err.to_string().contains("server.login_wait_secs"), "{err}");
    }

    #[test]
    fn health_periods_take_days_or_durations() {
        let s = Settings::load_with_env(
            None,
            env(&[
                ("BELONG__HEALTH__FIRST_MEETING_DAYS", "PT2S"),
                ("BELONG__HEALTH__FIRST_MEETING_ESCALATE_DAYS", "PT4S"),
                ("BELONG__HEALTH__NO_MEETING_DAYS", "30"),
            ]),
        )
        .expect("loads");
        let t = &s.health.thresholds;
        assert_eq!(t.first_meeting.to_string(), "PT2S");
        assert_eq!(t.no_meeting.to_string(), "30 days");
        assert_eq!(s.health.review_every, std::time::Duration::from_secs(60));
        let defaults = Settings::load_with_env(None, env(&[])).expect("defaults");
        assert_eq!(
            defaults
                .health
                .thresholds
                .first_meeting_escalate
                .to_string(),
            "21 days"
        );
        for (key, value) in [
            ("BELONG__HEALTH__FIRST_MEETING_DAYS", "soon"),
            ("BELONG__HEALTH__FIRST_MEETING_ESCALATE_DAYS", "PT1S"),
            ("BELONG__HEALTH__REVIEW_EVERY_SECS", "0"),
        ] {
            let err = Settings::load_with_env(None, env(&[(key, value)])).expect_err(value);
            assert!(err.to_string().contains("health."), "{err}");
        }
    }

    #[test]
    fn a_hospital_file_replaces_lists() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("hospital.toml");
        std::fs::write(
            &path,
            "[taxonomy]\nsites = [{ code = \"riverside\", label = \"Riverside\" }]\n",
        )
        .expect("write");
        let s = Settings::load_with_env(Some(&path), env(&[])).expect("loads");
        assert!(s.taxonomy.sites.contains("riverside"));
        assert!(!s.taxonomy.sites.contains("north_campus"));
        assert_eq!(s.taxonomy.sites.entries().len(), 1);
    }
}
