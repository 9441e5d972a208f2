//! The pages in a real browser: headless Chromium driven through chromedriver, with an
//! automated accessibility check (axe-core) on each page. Screenshots go to `screenshots/`.

#[path = "../common/mod.rs"]
mod common;

mod checkin;
mod console;
mod health;
mod outcomes;
mod privacy;
mod signup;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use thirtyfour::prelude::*;

/// chromedriver on a port of its own, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub async fn start() -> Driver {
        let port = common::free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (scripts/prerequisites installs it)");
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if reqwest::get(format!("http://127.0.0.1:{port}/status"))
                .await
                .is_ok()
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start");
    }

    /// A fresh headless Chromium window of the given size.
    pub async fn browser(&self, width: u32, height: u32) -> WebDriver {
        self.session(width, height, false).await
    }

    /// A phone: the page is laid out `width` CSS pixels wide, as on a small handset (a
    /// desktop window cannot be made that narrow).
    pub async fn phone(&self, width: u32, height: u32) -> WebDriver {
        self.session(width, height, true).await
    }

    async fn session(&self, width: u32, height: u32, phone: bool) -> WebDriver {
        let mut caps = DesiredCapabilities::chrome();
        if phone {
            caps.add_experimental_option(
                "mobileEmulation",
                serde_json::json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0, "touch": true}}),
            )
            .expect("mobile emulation");
        }
        caps.set_binary("/usr/bin/chromium").expect("binary");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--window-size={width},{height}"),
        ] {
            caps.add_arg(arg).expect("arg");
        }
        WebDriver::new(format!("http://127.0.0.1:{}", self.port), caps)
            .await
            .expect("browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Saves a screenshot for reviewers (the folder is not committed).
pub async fn screenshot(browser: &WebDriver, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    browser
        .screenshot(&dir.join(format!("{name}.png")))
        .await
        .expect("screenshot");
}

/// Runs axe-core on the current page and returns its serious and critical violations.
pub async fn serious_violations(browser: &WebDriver) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run scripts/prerequisites", path.display()));
    browser
        .execute(axe, Vec::<Value>::new())
        .await
        .expect("inject axe");
    let result = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })
                .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}))))
                .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: 0}]));",
            Vec::<Value>::new(),
        )
        .await
        .expect("axe.run");
    result
        .json()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            format!(
                "{} ({}): {} ×{}",
                v["id"], v["impact"], v["help"], v["nodes"]
            )
        })
        .collect()
}

pub async fn click(browser: &WebDriver, css: &str) {
    browser
        .find(By::Css(css))
        .await
        .expect(css)
        .click()
        .await
        .expect("click");
}

/// The main text once the page that was navigated to says `needle` (clicks navigate
/// asynchronously, so the old page may still be there for a moment).
pub async fn page_with(browser: &WebDriver, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(main) = browser.find(By::Tag("main")).await
            && let Ok(text) = main.text().await
        {
            if text.contains(needle) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page never said {needle:?}; it says: {last}");
}

/// Fills in the login form already open in `browser` and sends it.
pub async fn sign_in(browser: &WebDriver, email: &str, password: &str) {
    for (id, text) in [("field-email", email), ("field-password", password)] {
        browser
            .find(By::Id(id))
            .await
            .expect(id)
            .send_keys(text)
            .await
            .expect("type");
    }
    click(browser, "button[type=submit]").await;
}
