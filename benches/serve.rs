//! `cargo bench --bench serve`: how fast a save shows up under `charter serve`.
//!
//! For each size (10,000, 50,000 and 100,000 pages; `CHARTER_BENCH_PAGES=10000,50000` chooses)
//! generates a site with the project's corpus generator (`tests/corpus/`), times a full build of it, starts
//! the real `charter serve` on it, then 20 times appends a sentence to one page's body and measures
//! the time from the save to (a) the rebuilt file on disk, (b) the reload event on the SSE stream,
//! (c) the new page served over HTTP with the sentence. Prints median and 95th percentile of each
//! beside the full build time. A measurement, not a test: it fails only if something never
//! happens.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/corpus/mod.rs"]
mod corpus;

const EDITS: usize = 20;
const GIVE_UP: Duration = Duration::from_secs(120);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn pages_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            pages_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_none_or(|n| n != "_index.md")
        {
            out.push(path);
        }
    }
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (e.g. `cargo test --benches`) skips the run.
    if !std::env::args().any(|a| a == "--bench") {
        println!("serve benchmark: run with `cargo bench --bench serve`");
        return;
    }
    let sizes: Vec<usize> = std::env::var("CHARTER_BENCH_PAGES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 50_000, 100_000]);
    for pages in sizes {
        measure(pages);
    }
}

/// Generates an `pages`-page site, serves it and times [`EDITS`] saves; prints the figures.
fn measure(pages: usize) {
    let work = tempfile::tempdir().expect("a temporary folder");
    let root = work.path().join("site");
    corpus::generate(&root, pages, corpus::Flavor::Charter, 7).expect("write the corpus");

    // The full build of the same site, for comparison (in process, into another folder).
    let build_out = work.path().join("full-build");
    let started = Instant::now();
    let summary = charter::build(charter::BuildOptions {
        output: Some(build_out.clone()),
        ..charter::BuildOptions::new(&root)
    })
    .expect("the generated site builds");
    let full_build = started.elapsed();
    println!("full build: {summary}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("serve")
        .arg("--root")
        .arg(&root)
        .args(["--port", "0"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start charter serve");
    let stdout = child.stdout.take().expect("stdout");
    let (url_tx, url_rx) = std::sync::mpsc::channel();
    // The rebuild's own time, from the one line serve prints per rebuild (`... in N ms`).
    let rebuild_times: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::new()));
    {
        let rebuild_times = rebuild_times.clone();
        std::thread::spawn(move || {
            let mut serving = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let url = line[at..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('/')
                        .to_string();
                    let _ = url_tx.send(url);
                    serving = true;
                } else if serving {
                    let n = line
                        .strip_suffix(" ms")
                        .and_then(|l| l.rsplit(' ').next())
                        .and_then(|n| n.parse::<u64>().ok());
                    if let Some(n) = n {
                        rebuild_times.lock().expect("times").push(Duration::from_millis(n));
                    }
                }
            }
        });
    }
    let serve_started = Instant::now();
    let base = url_rx.recv_timeout(GIVE_UP).expect("charter serve printed its address");
    println!("serve: first build and start in {}", ms(serve_started.elapsed()));

    // The reload stream: every event with the time it arrived.
    let events: Arc<Mutex<Vec<(Instant, String)>>> = Arc::new(Mutex::new(Vec::new()));
    {
        let events = events.clone();
        let url = format!("{base}/__charter/events");
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder()
                .timeout(None::<Duration>)
                .build()
                .expect("client");
            let response = client.get(&url).send().expect("connect to the reload stream");
            for line in BufReader::new(response).lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event:") {
                    events.lock().expect("events").push((Instant::now(), name.trim().to_string()));
                }
            }
        });
    }
    let waited = Instant::now();
    while !events.lock().expect("events").iter().any(|(_, n)| n == "hello") {
        assert!(waited.elapsed() < GIVE_UP, "no hello on the reload stream");
        std::thread::sleep(Duration::from_millis(5));
    }

    let mut sources = Vec::new();
    pages_under(&root.join("content"), &mut sources);
    assert!(sources.len() >= EDITS, "the corpus has too few pages");
    let output = root.join("public");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let (mut disk, mut event, mut http) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..EDITS {
        let source = &sources[(i * 7919) % sources.len()];
        let rel =
            source.strip_prefix(root.join("content")).expect("under content").with_extension("");
        let url_path = format!("/{}/", rel.to_string_lossy().replace('\\', "/"));
        let out_file = output.join(&rel).join("index.html");
        assert!(out_file.is_file(), "no output for {} at {}", source.display(), out_file.display());
        let sentence = format!("Benchmark sentence number {i} was appended.");
        let mut text = std::fs::read_to_string(source).expect("read the page");
        text.push_str(&format!("\n{sentence}\n"));
        let before = events.lock().expect("events").len();

        let saved = Instant::now();
        std::fs::write(source, &text).expect("save the page");
        let disk_probe = {
            let out_file = out_file.clone();
            let sentence = sentence.clone();
            std::thread::spawn(move || loop {
                if std::fs::read_to_string(&out_file).is_ok_and(|t| t.contains(&sentence)) {
                    return Instant::now();
                }
                assert!(saved.elapsed() < GIVE_UP, "the file on disk never changed");
                std::thread::sleep(Duration::from_micros(200));
            })
        };
        let http_probe = {
            let url = format!("{base}{url_path}");
            let client = client.clone();
            let sentence = sentence.clone();
            std::thread::spawn(move || loop {
                if client
                    .get(&url)
                    .send()
                    .and_then(|r| r.text())
                    .is_ok_and(|t| t.contains(&sentence))
                {
                    return Instant::now();
                }
                assert!(saved.elapsed() < GIVE_UP, "the page was never served with the edit");
                std::thread::sleep(Duration::from_micros(500));
            })
        };
        let on_disk = disk_probe.join().expect("disk probe");
        let served = http_probe.join().expect("http probe");
        let reloaded = loop {
            let found = events
                .lock()
                .expect("events")
                .iter()
                .skip(before)
                .find(|(_, n)| n == "reload" || n == "css")
                .map(|(t, _)| *t);
            if let Some(t) = found {
                break t;
            }
            assert!(saved.elapsed() < GIVE_UP, "no reload event");
            std::thread::sleep(Duration::from_millis(1));
        };
        disk.push(on_disk.duration_since(saved));
        event.push(reloaded.duration_since(saved));
        http.push(served.duration_since(saved));
        // Let the server go quiet before the next edit.
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = child.kill();
    let _ = child.wait();

    let mut rebuilds = rebuild_times.lock().expect("times").clone();
    for v in [&mut disk, &mut event, &mut http, &mut rebuilds] {
        v.sort();
    }
    println!("serve benchmark: {pages} pages, {EDITS} edits of one page's body");
    println!("  full build (charter build):          {}", ms(full_build));
    for (name, v) in [
        ("save -> rebuilt file on disk", &disk),
        ("save -> reload event (SSE)", &event),
        ("save -> new page over HTTP", &http),
        ("the rebuild itself (as printed)", &rebuilds),
    ] {
        println!(
            "  {name:<36} median {:>9}   p95 {:>9}   max {:>9}",
            ms(percentile(v, 50.0)),
            ms(percentile(v, 95.0)),
            ms(percentile(v, 100.0))
        );
    }
    println!(
        "  ({} rebuilds for {EDITS} edits; a file closed after writing is handed over at once, other changes after {} ms of debounce; a lone save then waits {} ms for a second file)",
        rebuilds.len(),
        charter::watch::DEBOUNCE.as_millis(),
        charter::serve::QUICK.as_millis()
    );
    println!("  targets (issue 17, at 10,000 pages): save -> new page over HTTP median <= 10 ms, p95 <= 20 ms");
}
