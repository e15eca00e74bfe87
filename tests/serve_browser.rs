//! `charter serve` in a real browser: headless Chromium from Debian's packages, driven by
//! chromedriver over the WebDriver HTTP protocol (reqwest + serde_json, nothing from npm).
//! A page open in the browser reloads by itself after a content edit, shows the error overlay
//! (with the file name) after a broken edit, and drops it after the fix.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install -y chromium
//! chromium-driver`); without them the test fails when `CI` is set and is skipped otherwise.

mod serve_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serve_support::{Server, PATIENCE};

fn find_program(names: &[&str]) -> Option<PathBuf> {
    for name in names {
        let direct = Path::new(name);
        if direct.is_absolute() && direct.is_file() {
            return Some(direct.to_path_buf());
        }
        if let Some(paths) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&paths) {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
    }
    None
}

/// chromedriver on a free port, killed on drop.
struct Driver {
    child: Child,
    base: String,
    client: reqwest::blocking::Client,
    session: String,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Driver {
    fn start(chromium: &Path, chromedriver: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut driver = Driver { child, base, client, session: String::new(), _profile: profile };
        let started = Instant::now();
        while driver.client.get(format!("{}/status", driver.base)).send().is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            format!("--user-data-dir={}", driver._profile.path().display()),
        ];
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": chromium.display().to_string(), "args": args }
            }}
        });
        let response = driver.post("/session", capabilities);
        driver.session = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {response}"))
            .to_string();
        driver
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let text = self
            .client
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .and_then(|r| r.text())
            .expect("WebDriver request");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    fn session_post(&self, path: &str, body: Value) -> Value {
        self.post(&format!("/session/{}{path}", self.session), body)
    }

    fn goto(&self, url: &str) {
        self.session_post("/url", json!({ "url": url }));
    }

    /// Runs `script` in the page and returns its value (Null when the page is reloading).
    fn run(&self, script: &str) -> Value {
        self.session_post("/execute/sync", json!({ "script": script, "args": [] }))["value"].clone()
    }

    fn wait(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.run(script);
            if !value.is_null() && value != Value::Bool(false) && value.get("error").is_none() {
                return value;
            }
            assert!(started.elapsed() < PATIENCE, "the browser never showed {what}; last: {value}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.client.delete(format!("{}/session/{}", self.base, self.session)).send();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_browser_reloads_and_shows_the_error_overlay() {
    let chromium = find_program(&["/usr/bin/chromium", "chromium", "chromium-browser"]);
    let chromedriver = find_program(&["/usr/bin/chromedriver", "chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but chromium or chromedriver is missing: apt-get install -y chromium chromium-driver");
        }
        eprintln!("note: skipping the browser test: chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)");
        return;
    };
    let server = Server::start("site", &[]);
    let driver = Driver::start(&chromium, &chromedriver);
    driver.goto(&server.url("/notes/first/"));
    driver.wait(
        "the live-reload connection",
        "return !!(window.__charter && window.__charter.connected);",
    );
    driver.run("window.__charterTestMarker = 'before the edit'; return true;");
    assert_eq!(driver.run("return window.__charterTestMarker;"), json!("before the edit"));

    // A content edit: the page reloads by itself (the marker is gone) and shows the new text.
    server.edit(
        "content/notes/first.md",
        "The first note says hello.",
        "The first note says hello from the browser test.",
    );
    driver.wait(
        "the reloaded page",
        "return window.__charterTestMarker === undefined && document.body.textContent.indexOf('hello from the browser test') >= 0;",
    );
    driver.wait(
        "the live-reload connection again",
        "return !!(window.__charter && window.__charter.connected);",
    );

    // A broken front matter: the overlay, naming the file.
    server
        .write("content/notes/first.md", "---\ntitle: First note\ndate: [broken\n---\n\nBroken.\n");
    let overlay = driver.wait(
        "the error overlay",
        "var o = document.getElementById('charter-error-overlay'); return o ? o.textContent : null;",
    );
    let text = overlay.as_str().unwrap_or("");
    assert!(text.contains("first.md"), "the overlay names the file: {text}");
    let shown = driver.run("var o = document.getElementById('charter-error-overlay'); var r = o.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(o).position === 'fixed';");
    assert_eq!(shown, json!(true), "the overlay is visible and styled from /__charter/overlay.css");
    assert!(
        driver.run("return document.body.textContent.indexOf('hello from the browser test') >= 0;")
            == json!(true),
        "the last good page stays under the overlay"
    );

    // A page opened while the error stands shows the overlay too.
    driver.goto(&server.url("/about/"));
    driver.wait(
        "the overlay on a newly opened page",
        "return !!document.getElementById('charter-error-overlay');",
    );

    // The fix: the overlay goes away.
    server.write(
        "content/notes/first.md",
        "---\ntitle: First note\ndate: 2026-01-01\n---\n\nFixed in the browser test.\n",
    );
    driver.wait(
        "the overlay gone",
        "return document.readyState === 'complete' && !!(window.__charter && window.__charter.connected) && !document.getElementById('charter-error-overlay');",
    );
    driver.goto(&server.url("/notes/first/"));
    driver.wait("the fixed page", "return document.body.textContent.indexOf('Fixed in the browser test.') >= 0 && !document.getElementById('charter-error-overlay');");
    driver.wait(
        "the live-reload connection after the fix",
        "return !!(window.__charter && window.__charter.connected);",
    );

    // A stylesheet-only change swaps the stylesheet in place: no reload (the marker stays).
    driver.run("window.__charterTestMarker = 'kept'; return true;");
    server.write("static/css/site.css", "body { font-family: serif; }\n");
    let href = driver.wait(
        "the swapped stylesheet",
        "var l = document.querySelector('link[rel=stylesheet][href*=\"site.css\"]'); return l && l.href.indexOf('charter-reload=') >= 0 ? l.href : null;",
    );
    assert!(href.as_str().is_some_and(|h| h.contains("/css/site.css?charter-reload=")), "{href}");
    assert_eq!(
        driver.run("return window.__charterTestMarker;"),
        json!("kept"),
        "a CSS change does not reload the page"
    );
}
