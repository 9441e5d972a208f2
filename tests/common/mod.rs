//! The test harness: the real service on a random port, on a fresh SQLite file or a fresh
//! PostgreSQL database, with typed helpers for its API.
#![allow(dead_code)]

pub mod seed;
pub mod smtp;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use belong::app::{App, tokens};
use belong::config::Settings;
use belong::domain::role::Role;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::{Value, json};

/// The two storage backends every behaviour is checked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the test PostgreSQL server is; each test gets its own database on it.
pub fn pg_admin_url() -> String {
    std::env::var("BELONG_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database of its own for one test, removed when dropped.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        belong::startup::prepare_process();
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => TestDb {
                url: format!("sqlite://{}", dir.path().join("belong.db").display()),
                backend,
                pg_name: None,
                _dir: dir,
            },
            Backend::Postgres => {
                let name = format!("belong_test_{}", uuid::Uuid::new_v4().simple());
                let admin = pg_admin_url();
                let mut conn = PgConnection::establish(&admin).unwrap_or_else(|e| {
                    panic!("PostgreSQL for tests is not reachable at {admin}: {e} (scripts/test starts it)")
                });
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    pg_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }

    pub fn dir(&self) -> PathBuf {
        self._dir.path().to_path_buf()
    }

    /// Lays `toml` over the defaults for every service started on this database, in this
    /// process or as a separate `belong` process.
    pub fn with_config(self, toml: &str) -> Self {
        std::fs::write(self.config_file(), toml).expect("write test config");
        self
    }

    fn config_file(&self) -> PathBuf {
        self.dir().join("belong.toml")
    }

    fn config(&self) -> Option<PathBuf> {
        Some(self.config_file()).filter(|p| p.is_file())
    }
}

/// The first year of check-ins in seconds, sent at any hour, the scheduler ticking fast.
pub const FAST_YEAR: &str = r#"
[checkins]
steps = [
  { key = "day14", after = "PT1S", audience = "both", survey = "first_meeting" },
  { key = "month1", after = "PT2S", audience = "both", survey = "pulse" },
  { key = "month3", after = "PT3S", audience = "both", survey = "pulse" },
  { key = "month6", after = "PT4S", audience = "both", survey = "pulse" },
  { key = "month9", after = "PT5S", audience = "both", survey = "pulse" },
  { key = "month12", after = "PT6S", audience = "both", survey = "pulse" },
]
expire_after = "PT60S"
reminders = ["PT40S", "PT50S"]
send_hours = { day = "00:00-24:00", evening = "00:00-24:00", night = "00:00-24:00", rotating = "00:00-24:00" }
tick_interval_ms = 100
"#;

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name
            && let Ok(mut conn) = PgConnection::establish(&pg_admin_url())
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Settings for a test: the defaults, the test database, quiet email into the temp dir.
pub fn settings(db: &TestDb, extra: &[(&str, &str)]) -> Settings {
    let outbox = db.dir().join("outbox");
    let mut env: Vec<(String, String)> = vec![
        ("BELONG__DATABASE__URL".into(), db.url.clone()),
        ("BELONG__SERVER__PORT".into(), "0".into()),
        ("BELONG__SERVER__WORKERS".into(), "2".into()),
        ("BELONG__DATABASE__POOL_SIZE".into(), "6".into()),
        (
            "BELONG__EMAIL__FILE_DIR".into(),
            outbox.display().to_string(),
        ),
        ("BELONG__EMAIL__POLL_INTERVAL_MS".into(), "100".into()),
        ("BELONG__EMAIL__BACKOFF_BASE_SECS".into(), "1".into()),
        ("BELONG__EMAIL__BACKOFF_CAP_SECS".into(), "1".into()),
        ("BELONG__EMAIL__SEND_TIMEOUT_SECS".into(), "5".into()),
        ("BELONG__EMAIL__LEASE_SECS".into(), "10".into()),
        // No coordinators' digest unless a test asks for one: it would add to the outbox.
        ("BELONG__HEALTH__DIGEST_AT".into(), "off".into()),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Settings::load_with_env(db.config().as_deref(), env).expect("test settings")
}

/// The service running in this process on a random port.
pub struct TestApp {
    /// Dropping it stops the email worker (if one runs) and the check-in scheduler.
    _worker: tokio::sync::watch::Sender<bool>,
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub coordinator: String,
    pub integration: String,
    pub app: App,
    pub db: TestDb,
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(TestDb::new(backend), &[]).await
}

pub async fn spawn_with(db: TestDb, extra: &[(&str, &str)]) -> TestApp {
    spawn_app(db, extra, true).await
}

/// The service without its email worker, so that email stays queued.
pub async fn spawn_without_worker(db: TestDb, extra: &[(&str, &str)]) -> TestApp {
    spawn_app(db, extra, false).await
}

async fn spawn_app(db: TestDb, extra: &[(&str, &str)], worker: bool) -> TestApp {
    let settings = settings(&db, extra);
    let (app, _) = tokio::task::spawn_blocking(move || belong::startup::open(settings))
        .await
        .expect("join")
        .expect("service opens its database");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = belong::http::server(app.clone(), listener).expect("server");
    tokio::spawn(server);
    let (stopper, stop) = tokio::sync::watch::channel(false);
    if worker {
        belong::startup::start_worker(&app, stop.clone()).expect("email worker");
    }
    belong::startup::start_scheduler(&app, stop);
    let (coordinator, integration) = {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            (
                tokens::create(&db, "tests", Role::Coordinator).expect("token"),
                tokens::create(&db, "hr", Role::Integration).expect("token"),
            )
        })
        .await
        .expect("join")
    };
    TestApp {
        _worker: stopper,
        addr,
        client: reqwest::Client::new(),
        coordinator,
        integration,
        app,
        db,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A request with the coordinator's token.
    pub fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.coordinator)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        send(self.req(reqwest::Method::POST, path).json(body)).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> (u16, Value) {
        send(self.req(reqwest::Method::PATCH, path).json(body)).await
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        send(self.req(reqwest::Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> u16 {
        self.req(reqwest::Method::DELETE, path)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    }

    /// Creates a mentee from `mentee_body(n)` overlaid with `extra`, and returns its id.
    pub async fn mentee(&self, n: usize, extra: Value) -> String {
        let (status, body) = self
            .post_json("/api/v1/mentees", &merge(mentee_body(n), extra))
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("id").to_string()
    }

    pub async fn mentor(&self, n: usize, extra: Value) -> String {
        let (status, body) = self
            .post_json("/api/v1/mentors", &merge(mentor_body(n), extra))
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("id").to_string()
    }

    /// A mentee and a mentor (bodies `n` overlaid with the extras), proposed by hand and
    /// approved.
    pub async fn approved_pair(&self, n: usize, mentee: Value, mentor: Value) -> Pair {
        let mentee_id = self.mentee(n, mentee).await;
        let mentor_id = self.mentor(n, mentor).await;
        let (status, m) = self
            .post_json(
                "/api/v1/matches",
                &json!({"mentee_id": mentee_id, "mentor_id": mentor_id}),
            )
            .await;
        assert_eq!(status, 201, "{m}");
        let match_id = m["id"].as_str().expect("id").to_string();
        let (status, m) = self
            .post_json(&format!("/api/v1/matches/{match_id}/approve"), &json!({}))
            .await;
        assert_eq!(status, 200, "{m}");
        Pair {
            match_id,
            mentee_id,
            mentor_id,
        }
    }

    /// The personal link of the `role`'s check-in at `step`, once its email is queued.
    pub async fn checkin_link(&self, match_id: &str, role: &str, step: &str) -> String {
        let (_, page) = self
            .get_json(&format!("/api/v1/checkins?match_id={match_id}&limit=200"))
            .await;
        let checkin = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["role"] == role && c["step"] == step)
            .and_then(|c| c["id"].as_str())
            .expect("a planned check-in")
            .to_string();
        eventually(
            Duration::from_secs(30),
            &format!("the {role}'s {step} check-in email"),
            || async {
                self.checkin_emails()
                    .await
                    .into_iter()
                    .find(|e| e.checkin_id == checkin)
                    .map(|e| e.link)
            },
        )
        .await
    }

    /// The check-in emails queued so far, oldest first.
    pub async fn checkin_emails(&self) -> Vec<CheckinEmail> {
        checkin_emails(&self.app.db, &self.db.dir().join("outbox")).await
    }
}

/// An approved pair.
#[derive(Debug, Clone)]
pub struct Pair {
    pub match_id: String,
    pub mentee_id: String,
    pub mentor_id: String,
}

/// A check-in email as its reader gets it: to whom, and the personal link in it.
#[derive(Debug, Clone)]
pub struct CheckinEmail {
    pub checkin_id: String,
    /// `checkin` or `checkin_reminder`.
    pub kind: String,
    pub to: String,
    /// The link's path, `/c/{token}`.
    pub link: String,
    pub list_unsubscribe: Option<String>,
}

/// Reads the check-in emails in the outbox, and the personal link in each: from the row
/// while queued, from the delivered `.eml` file in `outbox` once sent (a sent row keeps
/// neither its bodies nor its unsubscribe address).
pub async fn checkin_emails(db: &belong::store::Db, outbox: &Path) -> Vec<CheckinEmail> {
    use belong::store::schema::emails;
    use diesel::prelude::*;
    type Columns = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<Columns> = db
        .run(|conn| {
            emails::table
                .filter(emails::checkin_id.is_not_null())
                .order(emails::seq.asc())
                .select((
                    emails::kind,
                    emails::recipients,
                    emails::body_text,
                    emails::checkin_id,
                    emails::list_unsubscribe,
                    emails::message_id,
                ))
                .load(conn)
                .map_err(belong::store::StoreError::from)
        })
        .await
        .expect("read outbox");
    rows.into_iter()
        .map(
            |(kind, recipients, text, checkin_id, list_unsubscribe, message_id)| {
                let (text, list_unsubscribe) = if text.is_empty() {
                    let email = delivered(outbox, &message_id)
                        .expect("a sent check-in email has its .eml file");
                    (email.text, email.list_unsubscribe)
                } else {
                    (text, list_unsubscribe)
                };
                let to: Value = serde_json::from_str(&recipients).expect("recipients");
                let start = text.find("/c/").expect("a personal link in the email");
                let token: String = text[start + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                CheckinEmail {
                    checkin_id: checkin_id.expect("checkin id"),
                    kind,
                    to: to[0]["email"].as_str().expect("to").to_string(),
                    link: format!("/c/{token}"),
                    list_unsubscribe,
                }
            },
        )
        .collect()
}

/// An email as the file transport delivered it, decoded.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub raw: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub list_unsubscribe: Option<String>,
}

/// The `.eml` file the file transport wrote in `outbox` for `message_id`, if it is there.
pub fn delivered(outbox: &Path, message_id: &str) -> Option<Delivered> {
    let name: String = message_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '@'))
        .collect();
    let raw = std::fs::read(outbox.join(format!("{name}.eml"))).ok()?;
    let message = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("a well-formed email");
    let list_unsubscribe = message.header_raw("List-Unsubscribe").map(|v| {
        v.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    });
    Some(Delivered {
        raw: String::from_utf8_lossy(&raw).into_owned(),
        subject: message.subject().unwrap_or_default().to_string(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        html: message.body_html(0).unwrap_or_default().into_owned(),
        list_unsubscribe,
    })
}

/// Polls `check` until it returns something, for at most `within`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends a request and returns the status and the JSON body (`null` when there is none).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let response = req.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, body)
}

pub fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
    base
}

/// The contract's example mentee, with a unique email per `n`.
pub fn mentee_body(n: usize) -> Value {
    json!({
        "full_name": "Ana Souza",
        "email": format!("ana.souza.{n}@example.org"),
        "profession": "registered_nurse",
        "specialty": "emergency",
        "site": "north_campus",
        "shift": "night",
        "start_date": "2026-10-01",
        "languages": ["en", "pt"],
        "interests": ["trauma care", "teaching"],
        "goals": ["clinical_skills", "time_management"],
        "affinity_groups": ["internationally_educated"],
        "preferred_meeting": "either",
        "manager_email": "charge.nurse@example.org",
        "notes": "Happy to meet before night shifts."
    })
}

pub fn mentor_body(n: usize) -> Value {
    json!({
        "full_name": "Grace Okafor",
        "email": format!("grace.okafor.{n}@example.org"),
        "profession": "registered_nurse",
        "specialty": "emergency",
        "site": "north_campus",
        "shift": "night",
        "languages": ["en"],
        "goals": ["leadership"],
        "years_experience": 12,
        "capacity": 2,
        "can_help_with": ["clinical_skills", "time_management"],
        "certifications": ["CEN"]
    })
}

/// The `belong` binary as a separate process, for restarts, kill -9 and several processes.
pub struct Process {
    pub child: Child,
    pub port: u16,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub fn belong_command(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_belong"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BELONG__DATABASE__URL", &db.url)
        .env("BELONG__EMAIL__FILE_DIR", db.dir().join("outbox"))
        .env("BELONG__EMAIL__POLL_INTERVAL_MS", "100")
        .env("BELONG__EMAIL__BACKOFF_BASE_SECS", "1")
        .env("BELONG__EMAIL__BACKOFF_CAP_SECS", "1")
        .env("BELONG__EMAIL__SEND_TIMEOUT_SECS", "5")
        .env("BELONG__EMAIL__LEASE_SECS", "10")
        .env("BELONG__HEALTH__DIGEST_AT", "off")
        .env("RUST_LOG", "warn")
        .current_dir(db.dir());
    if let Some(file) = db.config() {
        cmd.env("BELONG_CONFIG", file);
    }
    cmd
}

impl Process {
    /// Starts `belong serve` and waits until `/health` answers 200.
    pub async fn start(db: &TestDb) -> Process {
        Self::start_with(db, &[]).await
    }

    pub async fn start_with(db: &TestDb, env: &[(&str, &str)]) -> Process {
        Self::spawn(db, env, Stdio::inherit()).await
    }

    /// Starts `belong serve` with its log (standard error) written to `log`.
    pub async fn start_logged(db: &TestDb, env: &[(&str, &str)], log: &Path) -> Process {
        let file = std::fs::File::create(log).expect("log file");
        Self::spawn(db, env, Stdio::from(file)).await
    }

    async fn spawn(db: &TestDb, env: &[(&str, &str)], stderr: Stdio) -> Process {
        let port = free_port();
        let mut command = belong_command(db);
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command
            .arg("serve")
            .env("BELONG__SERVER__PORT", port.to_string())
            .env("BELONG__SERVER__WORKERS", "2")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start belong");
        let process = Process { child, port };
        process.wait_healthy().await;
        process
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    pub async fn wait_healthy(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(self.url("/health")).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("belong did not become healthy on port {}", self.port);
    }

    /// SIGKILL: no chance to flush or finish anything.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Makes a token for a database through the CLI, as an operator would.
pub fn cli_token(db: &TestDb, role: &str) -> String {
    let out = belong_command(db)
        .args(["token", "create", "--name", "tests", "--role", role])
        .output()
        .expect("run belong token create");
    assert!(
        out.status.success(),
        "{:?}: {} {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .expect("token line")
        .trim()
        .to_string()
}

/// Declares `name::sqlite` and `name::postgres` tests from `async fn name(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        )+
    };
}

/// A client that keeps cookies and does not follow redirects, like a browser seen by a test.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Opens a form page as a browser would (`client` keeps its cookie); the form's token.
pub async fn open_form(client: &reqwest::Client, url: &str) -> String {
    let html = client
        .get(url)
        .send()
        .await
        .expect("form page")
        .text()
        .await
        .expect("html");
    csrf_token_in(&html)
}

/// Signs in through the console's login form on the service at `base` (`http://host:port`);
/// the answer to the POST.
pub async fn sign_in_at(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let token = open_form(client, &format!("{base}/coordinator/login")).await;
    client
        .post(format!("{base}/coordinator/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("sign in")
}

/// A browser-like client signed in to `app`'s console as a coordinator made for it.
pub async fn signed_in(app: &TestApp) -> reqwest::Client {
    let (email, password) = ("lead@example.org", "tea before the night shift");
    belong::app::coordinators::create(&app.app.db, email, "Programme Lead", password)
        .expect("coordinator");
    let client = browser_client();
    let response = sign_in_at(&client, &app.url(""), email, password).await;
    assert_eq!(response.status(), 303, "signed in");
    client
}

/// The value of the first `csrf_token` field of a page.
pub fn csrf_token_in(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf_token field")
        .to_string()
}
