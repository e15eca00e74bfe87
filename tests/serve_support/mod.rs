//! Shared by the `serve` tests: a temporary copy of a fixture site, the real `charter serve` on a
//! free port against it, a listener on its reload stream, and bounded polling.

#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;
pub use common::copy_tree;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a change may take to show up before a test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve").join(name)
}

/// One event read from `/__charter/events`.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub name: String,
    pub data: serde_json::Value,
}

/// A running `charter serve` over a temporary copy of a fixture site.
pub struct Server {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub base: String,
    child: Child,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub events: Arc<Mutex<Vec<SseEvent>>>,
    pub client: reqwest::blocking::Client,
}

fn collect_lines(stream: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            match line {
                Ok(l) => into.lock().expect("lines").push(l),
                Err(_) => break,
            }
        }
    });
}

impl Server {
    /// Copies `tests/fixtures/serve/<name>` and serves it (extra arguments after `serve`).
    pub fn start(name: &str, args: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        copy_tree(&fixture(name), &root);
        Server::start_at(dir, root, args)
    }

    pub fn start_at(dir: tempfile::TempDir, root: PathBuf, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("serve")
            .arg("--root")
            .arg(&root)
            .args(["--port", "0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start charter serve");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        collect_lines(child.stdout.take().expect("stdout"), stdout.clone());
        collect_lines(child.stderr.take().expect("stderr"), stderr.clone());
        let started = Instant::now();
        let base = loop {
            let found = stdout.lock().expect("lines").iter().find_map(|l| {
                let at = l.find("http://")?;
                let url = l[at..].split_whitespace().next()?;
                Some(url.trim_end_matches('/').to_string())
            });
            if let Some(url) = found {
                break url;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "charter serve exited with {status}: {:?} {:?}",
                    stdout.lock().expect("lines"),
                    stderr.lock().expect("lines")
                );
            }
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "charter serve did not start: {:?} {:?}",
                    stdout.lock().expect("lines"),
                    stderr.lock().expect("lines")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let server = Server {
            dir,
            root,
            base,
            child,
            stdout,
            stderr,
            events: Arc::new(Mutex::new(Vec::new())),
            client,
        };
        server.listen();
        server
    }

    /// Reads the reload stream in the background; returns once `hello` arrived.
    fn listen(&self) {
        let events = self.events.clone();
        let url = format!("{}/__charter/events", self.base);
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder()
                .timeout(None::<Duration>)
                .build()
                .expect("client");
            let Ok(response) = client.get(&url).send() else { return };
            let mut name = String::new();
            let mut data = String::new();
            for line in BufReader::new(response).lines() {
                let Ok(line) = line else { break };
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                } else if line.is_empty() && !name.is_empty() {
                    let value = serde_json::from_str(&data).unwrap_or(serde_json::Value::Null);
                    events
                        .lock()
                        .expect("events")
                        .push(SseEvent { name: std::mem::take(&mut name), data: value });
                    data.clear();
                }
            }
        });
        wait_for("the reload stream to say hello", || {
            self.events().iter().any(|e| e.name == "hello")
        });
    }

    pub fn events(&self) -> Vec<SseEvent> {
        self.events.lock().expect("events").clone()
    }

    pub fn stdout(&self) -> Vec<String> {
        self.stdout.lock().expect("lines").clone()
    }

    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().expect("lines").clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path`: status and body (status 0 on a connection error).
    pub fn get(&self, path: &str) -> (u16, String) {
        match self.client.get(self.url(path)).send() {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.text().unwrap_or_default())
            }
            Err(_) => (0, String::new()),
        }
    }

    pub fn status(&self) -> serde_json::Value {
        let (_, body) = self.get("/__charter/status");
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }

    pub fn build_number(&self) -> u64 {
        self.status()["build"].as_u64().unwrap_or(0)
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.file(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(&path, text).expect("write");
    }

    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.file(rel)).expect("read");
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Waits until `path` is served with `status` and a body for which `check` holds.
    pub fn wait_page(
        &self,
        path: &str,
        status: u16,
        what: &str,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let started = Instant::now();
        loop {
            let (s, body) = self.get(path);
            if s == status && check(&body) {
                return body;
            }
            if started.elapsed() > PATIENCE {
                panic!("{path}: waited for {what} (status {status}); last: {s}\n{body}\nstdout: {:#?}\nstderr: {:#?}", self.stdout(), self.stderr());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for an event named one of `names` after the first `since` events.
    pub fn wait_event(&self, since: usize, names: &[&str]) -> SseEvent {
        let started = Instant::now();
        loop {
            if let Some(e) =
                self.events().into_iter().skip(since).find(|e| names.contains(&e.name.as_str()))
            {
                return e;
            }
            if started.elapsed() > PATIENCE {
                panic!(
                    "no {names:?} event after #{since}: {:#?}\nstdout: {:#?}\nstderr: {:#?}",
                    self.events(),
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the server has seen no change for a while (the build number stays put).
    pub fn settle(&self) -> u64 {
        let mut last = self.build_number();
        let mut stable_since = Instant::now();
        let started = Instant::now();
        while stable_since.elapsed() < Duration::from_millis(800) {
            std::thread::sleep(Duration::from_millis(50));
            let now = self.build_number();
            if now != last {
                last = now;
                stable_since = Instant::now();
            }
            assert!(started.elapsed() < PATIENCE * 3, "the server never settled");
        }
        last
    }

    pub fn output(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` until it holds, failing the test after [`PATIENCE`].
pub fn wait_for(what: &str, check: impl Fn() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends one request exactly as written (no URL normalisation) and returns the status code and
/// the whole response.
pub fn raw_request(base: &str, request_line: &str) -> (u16, String) {
    raw_request_for_host(base, request_line, base.trim_start_matches("http://"))
}

/// [`raw_request`] with another `Host` header.
pub fn raw_request_for_host(base: &str, request_line: &str, host: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(stream, "{request_line}\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send");
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).to_string();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// Every file under `dir` (relative path -> bytes), without Charter's manifest and build record.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel =
            entry.path().strip_prefix(dir).expect("under").to_string_lossy().replace('\\', "/");
        if rel == ".charter-manifest" || rel == charter::freshness::RECORD {
            continue;
        }
        out.insert(rel, std::fs::read(entry.path()).expect("read"));
    }
    out
}

/// A fresh `charter build` of `root` into `out` with `base_url`.
pub fn fresh_build(root: &Path, out: &Path, base_url: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(["--base-url", base_url])
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter build");
    assert!(
        status.status.success(),
        "charter build failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// Asserts the served output equals a fresh build of the same files, byte for byte.
pub fn assert_same_as_fresh_build(server: &Server) {
    let fresh = server.dir.path().join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    fresh_build(&server.root, &fresh, &server.base);
    let served = tree(&server.output());
    let built = tree(&fresh);
    let served_names: Vec<&String> = served.keys().collect();
    let built_names: Vec<&String> = built.keys().collect();
    assert_eq!(served_names, built_names, "the served output lists other files than a fresh build");
    for (name, bytes) in &built {
        let same = served.get(name) == Some(bytes);
        assert!(
            same,
            "{name} differs from a fresh build:\nserved: {}\nfresh: {}",
            String::from_utf8_lossy(served.get(name).map(Vec::as_slice).unwrap_or(b"")),
            String::from_utf8_lossy(bytes)
        );
    }
}
