//! Typed settings, layered: the built-in `config/default.toml` → the file named by `--config`
//! or `BELONG_CONFIG` → `BELONG__SECTION__KEY` environment variables. Everything is checked at
//! start-up, and a bad value stops the process with one line that names the key.
//!
//! Each section has its own module: its raw form as read, its settings as used, and a
//! `TryFrom` between them whose errors name the key.

mod checkins;
mod database;
mod email;
mod health;
mod log;
mod matching;
mod outcomes;
mod privacy;
mod server;
mod taxonomy;

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

pub use checkins::CheckinSettings;
pub use database::DatabaseSettings;
pub use email::{EmailSettings, EmailTransport};
pub use health::HealthSettings;
pub use log::{LogFormat, LogSettings};
pub use outcomes::OutcomesSettings;
pub use privacy::PrivacySettings;
pub use server::ServerSettings;

use crate::domain::checkin::Step;
use crate::domain::matching::settings::MatchingSettings;
use crate::domain::taxonomy::Taxonomy;

/// The defaults shipped with Belong, compiled into the binary.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

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

fn invalid(key: &str, message: impl std::fmt::Display) -> ConfigError {
    ConfigError(format!("{key}: {message}"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    server: server::RawServer,
    database: database::RawDatabase,
    email: email::RawEmail,
    matching: matching::RawMatching,
    taxonomy: taxonomy::RawTaxonomy,
    checkins: checkins::RawCheckins,
    health: health::RawHealth,
    privacy: privacy::RawPrivacy,
    outcomes: outcomes::RawOutcomes,
    log: log::RawLog,
}

impl RawSettings {
    /// Every section checked, in the order they always were; some rest on an earlier one
    /// (email on the public address, matching on the taxonomy, the steps on the surveys).
    fn check(mut self) -> Result<Settings, ConfigError> {
        let server = ServerSettings::try_from(self.server)?;
        let database = DatabaseSettings::try_from(self.database)?;
        let email = EmailSettings::try_from((self.email, &server.public_url))?;
        let taxonomy = Taxonomy::try_from(self.taxonomy)?;
        let matching = MatchingSettings::try_from((self.matching, &taxonomy))?;
        let checkin_steps: Vec<Step> = checkins::steps(std::mem::take(&mut self.checkins.steps))?;
        let checkins = CheckinSettings::try_from(self.checkins)?;
        checkins::check_surveys(&checkin_steps, &checkins)?;
        Ok(Settings {
            server,
            database,
            email,
            matching,
            taxonomy: Arc::new(taxonomy),
            checkin_steps,
            checkins,
            health: HealthSettings::try_from(self.health)?,
            privacy: PrivacySettings::try_from(self.privacy)?,
            outcomes: OutcomesSettings::try_from(self.outcomes)?,
            log: LogSettings::try_from(self.log)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DatabaseUrl;

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
