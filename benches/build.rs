//! The build benchmark: Charter measured against the work's own floor, in one run.
//!
//! Run it with `cargo bench --bench build` (options after `--`: `--pages 1000,10000` to choose
//! the corpus sizes, `--edits 20`; `CHARTER_BENCH_DIR=<dir>` to work on another disk than the
//! default in-memory `/dev/shm/charter-bench`, see [`work_dir`]). For each corpus size it generates the
//! project's corpus (`tests/corpus/`, Charter's flavor), then measures, each stage in its own child
//! process (this binary run again with `--stage ...`) so that the peak memory is the stage's own
//! (`wait4` resource usage of the child):
//!
//! - `floor`: one thread reads every page, parses its front matter with serde_yaml, renders its
//!   Markdown with pulldown-cmark and writes the HTML: the least work any build must do;
//! - `cold build`: `charter::build` into a fresh output folder;
//! - `nothing changed`: the same build again, over the previous output (its inputs are those of
//!   the last build, so it is skipped: see `charter::freshness`);
//! - `unchanged, full pass`: the same again with the skip record removed, so every stage runs and
//!   every output compares equal to the file on disk (what a build costs after, say, a
//!   `git checkout` that rewrote files without changing them);
//! - `one-page edit`: `Site::load` once, then for each edit a sentence appended to one page's
//!   file and `site.rebuild(&[path])`, timed from the write to the return (the file is on disk).
//!
//! - `component calls`: the cold build of the same corpus with one or two page component calls on
//!   every page (`corpus::generate_with_components`) against the corpus without them, in
//!   [`COMPONENT_PAIRS`] interleaved pairs (without, with, without, with, ...), each cold into a
//!   fresh folder; the medians give the cost of components (issue 15: at most 10% on 10,000
//!   pages). `--components-only` runs this comparison alone:
//!   `cargo bench --bench build -- --components-only --pages 10000`.
//!
//! - `search index`: the cold build of the corpus against the same corpus with `search: false`,
//!   in [`SEARCH_PAIRS`] interleaved pairs (the medians give the index's share of the cold
//!   build: issue 18 wants at most 25%), and the bytes a first query downloads (the manifest,
//!   the term chunks its words need, the fragments of the first page of results), computed from
//!   the written files the way the theme's search.js fetches them (issue 18: at most 300 KB).
//!   `--search-only` runs this alone: `cargo bench --bench build -- --search-only --pages 10000`.
//!
//! Then the microsite (the repository's own site, built cold by the real `charter` binary) and a
//! determinism check (the 1,000-page corpus built with `RAYON_NUM_THREADS=1` and with every core,
//! byte for byte). It prints one table with wall time, pages per second, peak memory, their
//! ratios to the floor and whether each target of issue 5 holds.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use charter::{BuildOptions, Site};

#[path = "../tests/corpus/mod.rs"]
mod corpus;

/// Edits timed through the incremental path.
const DEFAULT_EDITS: usize = 20;

/// Cold builds with and without component calls, interleaved, for the cost of components.
const COMPONENT_PAIRS: usize = 3;

/// Cold builds with and without the search index, interleaved, for the index's share.
const SEARCH_PAIRS: usize = 3;

/// Results search.js shows at first (its `PAGE`): their fragments are part of a first query.
const RESULTS_SHOWN: usize = 10;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--stage") {
        let rest = &args[i + 1..];
        if let Err(e) = run_stage(rest) {
            eprintln!("stage {rest:?} failed: {e}");
            std::process::exit(1);
        }
        return;
    }
    let mut sizes = vec![1000usize, 10000];
    let mut edits = DEFAULT_EDITS;
    let mut components_only = false;
    let mut search_only = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pages" => {
                if let Some(v) = it.next() {
                    sizes = v.split(',').filter_map(|s| s.trim().parse().ok()).collect();
                }
            }
            "--edits" => {
                if let Some(v) = it.next() {
                    edits = v.parse().unwrap_or(DEFAULT_EDITS);
                }
            }
            "--components-only" => components_only = true,
            "--search-only" => search_only = true,
            _ => {} // `cargo bench` passes `--bench`; filters are not used.
        }
    }
    if search_only {
        let work = work_dir();
        let mut ok = true;
        for &n in &sizes {
            match search_cost(&work, n) {
                Ok((lines, pass)) => {
                    println!("{lines}");
                    ok &= pass;
                }
                Err(e) => {
                    eprintln!("benchmark failed: {e}");
                    std::process::exit(1);
                }
            }
        }
        println!(
            "search targets (index <= 25% of the cold build, first query <= 300 KB): {}",
            pass(ok)
        );
        return;
    }
    if components_only {
        let work = work_dir();
        for &n in &sizes {
            match component_cost(&work, n) {
                Ok((cost, _)) => println!("{cost}"),
                Err(e) => {
                    eprintln!("benchmark failed: {e}");
                    std::process::exit(1);
                }
            }
        }
        return;
    }
    if let Err(e) = run(&sizes, edits) {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}

type Res<T> = Result<T, String>;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where corpora and outputs go: `CHARTER_BENCH_DIR` if set, else a folder in `/dev/shm` (memory)
/// when there is one, else `target/bench-build/`.
///
/// Why memory by default: on this machine's ext4 (no journal), the kernel skips the inodes of
/// files deleted in the last minutes when it creates new ones (`recently_deleted` in
/// `ext4/ialloc.c`), so every file creation gets slower after anyone on the machine deleted many
/// files. Measured: the same floor took 3.5 s, 5.0 s, then 8.2 s in three runs in a row on disk,
/// 1.7 s in memory. The benchmark measures Charter's work, not that.
fn work_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CHARTER_BENCH_DIR") {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        return shm.join("charter-bench");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let target = if target.is_absolute() { target } else { repo_root().join(target) };
    target.join("bench-build")
}

/// One measured stage, as the child reported it and the parent saw it.
#[derive(Debug, Clone, Default)]
struct Measure {
    /// The stage's own time (reported by the child; process start excluded).
    wall: Duration,
    /// Peak resident memory of the child process, in KiB (`ru_maxrss`).
    peak_kib: u64,
    /// CPU time (user + system) of the child process, all threads: on a shared machine the wall
    /// time also holds the time other processes had the cores.
    cpu: Duration,
    /// Other values the child reported (`key=value`).
    extra: BTreeMap<String, String>,
}

fn run(sizes: &[usize], edits: usize) -> Res<()> {
    let work = work_dir();
    std::fs::create_dir_all(&work).map_err(|e| format!("create {}: {e}", work.display()))?;
    println!(
        "Charter build benchmark ({} cores; corpora under {}; load average {})",
        cores(),
        work.display(),
        load_average()
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut checks: Vec<(String, bool)> = Vec::new();
    for &n in sizes {
        let corpus = work.join(format!("corpus-{n}"));
        eprintln!("[{n}] generating the corpus");
        remove(&corpus)?;
        corpus::generate(&corpus, n, corpus::Flavor::Charter, 7)
            .map_err(|e| format!("write the corpus into {}: {e}", corpus.display()))?;
        let floor_out = work.join(format!("floor-{n}"));
        let out = work.join(format!("public-{n}"));
        remove(&floor_out)?;
        remove(&out)?;
        eprintln!("[{n}] floor");
        let floor = stage(&["floor", path_str(&corpus)?, path_str(&floor_out)?], &[])?;
        eprintln!("[{n}] cold build");
        let cold = stage(&["build", path_str(&corpus)?, path_str(&out)?], &[])?;
        eprintln!("[{n}] nothing-changed build");
        let warm = stage(&["build", path_str(&corpus)?, path_str(&out)?], &[])?;
        eprintln!("[{n}] unchanged, full pass");
        let _ = std::fs::remove_file(out.join(charter::freshness::RECORD));
        let full_pass = stage(&["build", path_str(&corpus)?, path_str(&out)?], &[])?;
        eprintln!("[{n}] {edits} one-page edits");
        let edit = stage(&["edit", path_str(&corpus)?, path_str(&out)?, &edits.to_string()], &[])?;
        let pages = n as f64;
        let fw = floor.wall.as_secs_f64();
        let fm = floor.peak_kib as f64;
        let row = |name: &str, m: &Measure, target: Option<(&str, bool)>| Row {
            corpus: n.to_string(),
            stage: name.to_string(),
            wall: fmt_duration(m.wall),
            cpu: fmt_duration(m.cpu),
            rate: format!("{:.0}", pages / m.wall.as_secs_f64().max(1e-9)),
            peak: format!("{:.1} MiB", m.peak_kib as f64 / 1024.0),
            time_ratio: format!("{:.2}x", m.wall.as_secs_f64() / fw),
            cpu_ratio: format!("{:.2}x", m.cpu.as_secs_f64() / floor.cpu.as_secs_f64().max(1e-9)),
            mem_ratio: format!("{:.1}x", m.peak_kib as f64 / fm),
            target: target
                .map(|(t, ok)| format!("{t} {}", if ok { "PASS" } else { "FAIL" }))
                .unwrap_or_default(),
        };
        let big = n >= 10000;
        let cold_ratio = cold.wall.as_secs_f64() / fw;
        let warm_ratio = warm.wall.as_secs_f64() / fw;
        let max_peak = [cold.peak_kib, warm.peak_kib, full_pass.peak_kib, edit.peak_kib]
            .into_iter()
            .max()
            .unwrap_or(0);
        let peak_ok = (max_peak as f64) < 250.0 * 1024.0;
        let median = ms(&edit.extra, "median_ms");
        let p95 = ms(&edit.extra, "p95_ms");
        rows.push(row("floor", &floor, None));
        rows.push(row("cold build", &cold, big.then_some(("<= 3x floor", cold_ratio <= 3.0))));
        rows.push(row(
            "nothing changed",
            &warm,
            big.then_some(("<= 1.5x floor", warm_ratio <= 1.5)),
        ));
        rows.push(row("unchanged, full pass", &full_pass, None));
        let mut edit_row = row("one-page edit (median)", &edit, None);
        edit_row.wall = format!("{median:.1} ms");
        edit_row.rate = "-".into();
        edit_row.cpu = "-".into();
        edit_row.cpu_ratio = "-".into();
        edit_row.time_ratio = format!("{:.3}x", median / 1000.0 / fw);
        edit_row.target =
            if big { format!("< 25 ms {}", pass(median < 25.0)) } else { String::new() };
        rows.push(edit_row);
        rows.push(Row {
            corpus: n.to_string(),
            stage: "one-page edit (p95)".into(),
            wall: format!("{p95:.1} ms"),
            cpu: "-".into(),
            rate: "-".into(),
            peak: "(same process)".into(),
            time_ratio: format!("{:.3}x", p95 / 1000.0 / fw),
            cpu_ratio: "-".into(),
            mem_ratio: "-".into(),
            target: if big { format!("< 50 ms {}", pass(p95 < 50.0)) } else { String::new() },
        });
        if big {
            checks.push((
                format!("{n}: cold build {cold_ratio:.2}x floor (<= 3x)"),
                cold_ratio <= 3.0,
            ));
            checks.push((
                format!("{n}: nothing changed {warm_ratio:.2}x floor (<= 1.5x)"),
                warm_ratio <= 1.5,
            ));
            checks.push((
                format!("{n}: peak memory {:.1} MiB (< 250 MiB)", max_peak as f64 / 1024.0),
                peak_ok,
            ));
            checks.push((
                format!("{n}: one-page edit median {median:.1} ms (< 25 ms)"),
                median < 25.0,
            ));
            checks.push((format!("{n}: one-page edit p95 {p95:.1} ms (< 50 ms)"), p95 < 50.0));
        }
        if edit.extra.get("landed").map(String::as_str) != Some("yes") {
            checks.push((format!("{n}: every edit reached its output file"), false));
        }
        for (label, m) in
            [("cold", &cold), ("nothing changed", &warm), ("unchanged, full pass", &full_pass)]
        {
            if let Some(summary) = m.extra.get("summary") {
                eprintln!("[{n}] {label}: {summary}");
            }
        }
        remove(&floor_out)?;
        let (cost, ok) = component_cost(&work, n)?;
        println!("{cost}");
        if big {
            checks.push((format!("{n}: {cost} (<= +10%)"), ok));
        }
        let (search, ok) = search_cost(&work, n)?;
        println!("{search}");
        if big {
            checks.push((format!("{n}: search index within its targets"), ok));
        }
    }

    eprintln!("[microsite] cold build with the charter binary");
    let micro = microsite()?;
    rows.push(Row {
        corpus: "microsite".into(),
        stage: "cold build (binary)".into(),
        wall: fmt_duration(micro.wall),
        cpu: fmt_duration(micro.cpu),
        rate: micro.extra.get("pages").cloned().unwrap_or_default(),
        peak: format!("{:.1} MiB", micro.peak_kib as f64 / 1024.0),
        time_ratio: "-".into(),
        cpu_ratio: "-".into(),
        mem_ratio: "-".into(),
        target: format!("< 150 ms {}", pass(micro.wall < Duration::from_millis(150))),
    });
    checks.push((
        format!("microsite: cold build {} (< 150 ms)", fmt_duration(micro.wall)),
        micro.wall < Duration::from_millis(150),
    ));

    let det_pages = sizes.iter().copied().min().unwrap_or(1000);
    eprintln!("[determinism] corpus-{det_pages}: RAYON_NUM_THREADS=1 vs every core");
    let corpus = work.join(format!("corpus-{det_pages}"));
    let (same, files, detail) = determinism(&corpus, &work)?;
    checks.push((format!("output identical with 1 thread and {} threads (corpus-{det_pages}, {files} files){detail}", cores()), same));

    for &n in sizes {
        remove(&work.join(format!("corpus-{n}")))?;
        remove(&work.join(format!("public-{n}")))?;
    }
    remove(&work.join("microsite"))?;

    print_table(&rows);
    println!();
    println!("load average at the end: {} (wall times include waiting for a core; cpu/floor compares CPU time)", load_average());
    println!();
    for (label, ok) in &checks {
        println!("  [{}] {label}", pass(*ok));
    }
    println!();
    Ok(())
}

fn pass(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

fn ms(extra: &BTreeMap<String, String>, k: &str) -> f64 {
    extra.get(k).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

/// `/proc/loadavg`'s first three fields: how busy the machine was (other builds share it).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn path_str(p: &Path) -> Res<&str> {
    p.to_str().ok_or_else(|| format!("{} is not UTF-8", p.display()))
}

fn remove(p: &Path) -> Res<()> {
    match std::fs::remove_dir_all(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("remove {}: {e}", p.display())),
    }
}

fn fmt_duration(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

struct Row {
    corpus: String,
    stage: String,
    wall: String,
    cpu: String,
    rate: String,
    peak: String,
    time_ratio: String,
    cpu_ratio: String,
    mem_ratio: String,
    target: String,
}

fn print_table(rows: &[Row]) {
    let header = Row {
        corpus: "corpus".into(),
        stage: "stage".into(),
        wall: "wall".into(),
        cpu: "cpu (all threads)".into(),
        rate: "pages/s".into(),
        peak: "peak memory".into(),
        time_ratio: "time/floor".into(),
        cpu_ratio: "cpu/floor".into(),
        mem_ratio: "mem/floor".into(),
        target: "target".into(),
    };
    let cells = |r: &Row| {
        [
            r.corpus.clone(),
            r.stage.clone(),
            r.wall.clone(),
            r.cpu.clone(),
            r.rate.clone(),
            r.peak.clone(),
            r.time_ratio.clone(),
            r.cpu_ratio.clone(),
            r.mem_ratio.clone(),
            r.target.clone(),
        ]
    };
    let mut widths = [0usize; 10];
    for r in std::iter::once(&header).chain(rows) {
        for (w, c) in widths.iter_mut().zip(cells(r)) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |r: &Row| {
        let c = cells(r);
        let mut s = String::new();
        for (i, (w, v)) in widths.iter().zip(c.iter()).enumerate() {
            let pad = w - v.chars().count();
            // Text columns left-aligned, numbers right-aligned.
            if matches!(i, 0 | 1 | 9) {
                s.push_str(v);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(v);
            }
            s.push_str("  ");
        }
        s.trim_end().to_string()
    };
    println!();
    println!("{}", line(&header));
    println!("{}", "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
    for r in rows {
        println!("{}", line(r));
    }
}

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

/// The cold-build cost of page components on the `n`-page corpus: [`COMPONENT_PAIRS`] cold builds
/// of the corpus without calls and with them, interleaved so that both see the same load. Returns
/// the line to print and whether the cost is at most 10%.
fn component_cost(work: &Path, n: usize) -> Res<(String, bool)> {
    let plain = work.join(format!("corpus-{n}"));
    let with = work.join(format!("corpus-{n}-components"));
    eprintln!("[{n}] generating the corpus, with and without component calls");
    remove(&plain)?;
    remove(&with)?;
    corpus::generate(&plain, n, corpus::Flavor::Charter, 7)
        .map_err(|e| format!("write the corpus into {}: {e}", plain.display()))?;
    corpus::generate_with_components(&with, n, 7)
        .map_err(|e| format!("write the corpus into {}: {e}", with.display()))?;
    let out = work.join(format!("public-{n}-components"));
    let mut walls = [Vec::new(), Vec::new()];
    for round in 0..COMPONENT_PAIRS {
        for (i, corpus) in [&plain, &with].into_iter().enumerate() {
            remove(&out)?;
            eprintln!("[{n}] component pair {}/{COMPONENT_PAIRS}: {}", round + 1, corpus.display());
            let m = stage(&["build", path_str(corpus)?, path_str(&out)?], &[])?;
            walls[i].push(m.wall.as_secs_f64());
        }
    }
    remove(&out)?;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (without, with_calls) = (median(&mut walls[0]), median(&mut walls[1]));
    let cost = (with_calls / without - 1.0) * 100.0;
    let line = format!(
        "{n} pages: cold build with component calls {:.0} ms vs {:.0} ms without: {cost:+.1}% (median of {COMPONENT_PAIRS} interleaved pairs)",
        with_calls * 1000.0,
        without * 1000.0
    );
    Ok((line, cost <= 10.0))
}

/// The search index on the `n`-page corpus: its share of the cold build ([`SEARCH_PAIRS`]
/// interleaved cold builds with the index and with `search: false`), its size, and the bytes
/// a first query downloads for typical and worst queries. Returns the lines to print and
/// whether both targets hold (share <= 25%, every first query <= 300 KB).
fn search_cost(work: &Path, n: usize) -> Res<(String, bool)> {
    let with = work.join(format!("corpus-{n}-search"));
    let without = work.join(format!("corpus-{n}-nosearch"));
    eprintln!("[{n}] generating the corpus, with and without its search index");
    for dir in [&with, &without] {
        remove(dir)?;
        corpus::generate(dir, n, corpus::Flavor::Charter, 7)
            .map_err(|e| format!("write the corpus into {}: {e}", dir.display()))?;
    }
    let config = without.join("site.yaml");
    let text = std::fs::read_to_string(&config).map_err(|e| format!("read site.yaml: {e}"))?;
    std::fs::write(&config, format!("{text}search: false\n"))
        .map_err(|e| format!("write site.yaml: {e}"))?;
    let out = work.join(format!("public-{n}-search"));
    let mut walls = [Vec::new(), Vec::new()];
    for round in 0..SEARCH_PAIRS {
        for (i, corpus) in [&without, &with].into_iter().enumerate() {
            remove(&out)?;
            eprintln!("[{n}] search pair {}/{SEARCH_PAIRS}: {}", round + 1, corpus.display());
            let m = stage(&["build", path_str(corpus)?, path_str(&out)?], &[])?;
            walls[i].push(m.wall.as_secs_f64());
        }
    }
    // `out` holds the last build: the one with the index.
    let index = out.join("search-index/en");
    let (files, bytes) = folder_size(&index)?;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (plain, indexed) = (median(&mut walls[0]), median(&mut walls[1]));
    let share = (indexed - plain) / indexed * 100.0;
    let mut lines = vec![format!(
        "{n} pages: cold build {:.0} ms with the search index, {:.0} ms without: the index is {share:.1}% of the build (median of {SEARCH_PAIRS} interleaved pairs); {files} files, {:.1} MB",
        indexed * 1000.0,
        plain * 1000.0,
        bytes as f64 / 1e6
    )];
    let queries = typical_and_worst_queries(&index)?;
    let mut largest = 0u64;
    for query in &queries {
        let (bytes, hits, fetched) = first_query(&index, query)?;
        largest = largest.max(bytes);
        lines.push(format!(
            "{n} pages: first query \"{}\": {:.1} KB in {fetched} files, {hits} results",
            query.join(" "),
            bytes as f64 / 1000.0
        ));
    }
    lines.push(format!(
        "{n} pages: largest first query {:.1} KB (<= 300 KB {})",
        largest as f64 / 1000.0,
        pass(largest <= 300_000)
    ));
    remove(&with)?;
    remove(&without)?;
    remove(&out)?;
    Ok((lines.join("\n"), share <= 25.0 && largest <= 300_000))
}

/// Files and bytes under `dir`.
fn folder_size(dir: &Path) -> Res<(usize, u64)> {
    let mut files = 0;
    let mut bytes = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("read {}: {e}", dir.display()))?.path();
        if path.is_dir() {
            let (f, b) = folder_size(&path)?;
            files += f;
            bytes += b;
        } else {
            files += 1;
            bytes += std::fs::metadata(&path).map_err(|e| format!("{e}"))?.len();
        }
    }
    Ok((files, bytes))
}

fn read_json(path: &Path) -> Res<(serde_json::Value, u64)> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))?;
    let value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((value, text.len() as u64))
}

/// Queries to measure: the corpus's own words (one, two, a two-letter prefix), and the worst
/// case, the two terms with the longest postings.
fn typical_and_worst_queries(index: &Path) -> Res<Vec<Vec<String>>> {
    let (manifest, _) = read_json(&index.join("index.json"))?;
    let chunks = manifest["chunks"].as_array().map_or(0, Vec::len);
    let mut longest: Vec<(usize, String)> = Vec::new();
    for c in 0..chunks {
        let (chunk, _) = read_json(&index.join(format!("t/{c}.json")))?;
        for (term, list) in chunk.as_object().into_iter().flatten() {
            longest.push((list.as_array().map_or(0, Vec::len), term.clone()));
        }
    }
    longest.sort_by(|a, b| b.cmp(a));
    let worst: Vec<String> = longest.iter().take(2).map(|(_, t)| t.clone()).collect();
    let words = |q: &str| q.split(' ').map(String::from).collect::<Vec<_>>();
    let mut queries = vec![words("security"), words("security guarantee"), words("se")];
    if let Some(first) = worst.first() {
        queries.push(vec![first.clone()]);
    }
    queries.push(worst);
    Ok(queries)
}

/// The bytes a first query for `words` downloads, as search.js fetches them: the manifest, the
/// chunk of each word but the last, the chunks the last word's prefix spans (at most the
/// manifest's `prefix_chunks`), and the fragments of the first [`RESULTS_SHOWN`] results. Also
/// the number of results and of files fetched.
fn first_query(index: &Path, words: &[String]) -> Res<(u64, usize, usize)> {
    let (manifest, mut bytes) = read_json(&index.join("index.json"))?;
    let firsts: Vec<&str> = manifest["chunks"]
        .as_array()
        .ok_or("the manifest has no chunks")?
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let prefix_chunks = manifest["prefix_chunks"].as_u64().unwrap_or(3) as usize;
    let chunk_of = |t: &str| firsts.iter().rposition(|f| *f <= t).unwrap_or(0);
    let Some((last, exact)) = words.split_last() else { return Ok((bytes, 0, 1)) };
    let mut needed: Vec<usize> = exact.iter().map(|w| chunk_of(w)).collect();
    let start = chunk_of(last);
    needed.push(start);
    needed.extend(
        (start + 1..firsts.len())
            .take_while(|&i| firsts[i].starts_with(last.as_str()))
            .take(prefix_chunks - 1),
    );
    needed.sort_unstable();
    needed.dedup();
    let mut chunks = Vec::new();
    for &c in &needed {
        let (chunk, size) = read_json(&index.join(format!("t/{c}.json")))?;
        bytes += size;
        chunks.push(chunk);
    }
    // doc -> weight for each word, as search.js scores them.
    let postings = |list: &serde_json::Value, into: &mut BTreeMap<u64, u64>, bonus: u64| {
        let list = list.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut doc = 0;
        for (i, pair) in list.chunks(2).enumerate() {
            let gap = pair[0].as_u64().unwrap_or(0);
            doc = if i == 0 { gap } else { doc + gap };
            let w = pair.get(1).and_then(|w| w.as_u64()).unwrap_or(0) + bonus;
            let e = into.entry(doc).or_insert(w);
            *e = (*e).max(w);
        }
    };
    let mut found: Vec<BTreeMap<u64, u64>> = Vec::new();
    for word in exact {
        let mut scores = BTreeMap::new();
        for chunk in &chunks {
            if let Some(list) = chunk.get(word.as_str()) {
                postings(list, &mut scores, 0);
            }
        }
        found.push(scores);
    }
    let mut scores = BTreeMap::new();
    for chunk in &chunks {
        for (term, list) in chunk.as_object().into_iter().flatten() {
            if term.starts_with(last.as_str()) {
                postings(list, &mut scores, u64::from(term == last));
            }
        }
    }
    found.push(scores);
    let mut hits: Vec<(f64, u64)> = found[0]
        .keys()
        .filter(|d| found.iter().all(|s| s.contains_key(d)))
        .map(|&d| (found.iter().map(|s| (1.0 + s[&d] as f64).ln()).sum::<f64>(), d))
        .collect();
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, doc) in hits.iter().take(RESULTS_SHOWN) {
        bytes += std::fs::metadata(index.join(format!("d/{doc}.json")))
            .map_err(|e| format!("fragment {doc}: {e}"))?
            .len();
    }
    Ok((bytes, hits.len(), 1 + needed.len() + hits.len().min(RESULTS_SHOWN)))
}

/// Runs this binary with `--stage args...`, and returns what it reported and its peak memory.
fn stage(args: &[&str], env: &[(&str, &str)]) -> Res<Measure> {
    let exe = std::env::current_exe().map_err(|e| format!("find the bench binary: {e}"))?;
    let mut cmd = Command::new(exe);
    cmd.arg("--stage").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (out, peak_kib, _, cpu) = spawn_measured(cmd)?;
    let mut m = parse_report(&out);
    m.peak_kib = peak_kib;
    m.cpu = cpu;
    Ok(m)
}

/// Spawns `cmd`, reads its stdout, reaps it with `wait4` and returns (stdout, peak RSS KiB, wall,
/// CPU time).
fn spawn_measured(mut cmd: Command) -> Res<(String, u64, Duration, Duration)> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("spawn {cmd:?}: {e}"))?;
    let mut out = String::new();
    if let Some(mut so) = child.stdout.take() {
        so.read_to_string(&mut out).map_err(|e| format!("read the child's output: {e}"))?;
    }
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data, zero is a valid value; `wait4` fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if rc != pid {
        return Err(format!("wait4 on {cmd:?}: {}", std::io::Error::last_os_error()));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("{cmd:?} failed (status {status}); its output:\n{out}"));
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    // Linux reports ru_maxrss in KiB.
    Ok((out, usage.ru_maxrss.max(0) as u64, wall, tv(usage.ru_utime) + tv(usage.ru_stime)))
}

/// `key=value` lines of a child's output.
fn parse_report(out: &str) -> Measure {
    let mut m = Measure::default();
    for line in out.lines() {
        if let Some((k, v)) = line.split_once('=') {
            if k == "wall_s" {
                m.wall = Duration::from_secs_f64(v.parse().unwrap_or(f64::NAN).max(0.0));
            } else {
                m.extra.insert(k.to_string(), v.to_string());
            }
        }
    }
    m
}

/// The child's side: runs one stage and prints `key=value` lines.
fn run_stage(args: &[String]) -> Res<()> {
    let get = |i: usize| {
        args.get(i).map(String::as_str).ok_or_else(|| format!("missing argument {i} of --stage"))
    };
    match get(0)? {
        "floor" => {
            let started = Instant::now();
            let pages = floor(Path::new(get(1)?), Path::new(get(2)?))?;
            println!("wall_s={}", started.elapsed().as_secs_f64());
            println!("pages={pages}");
        }
        "build" => {
            let mut options = BuildOptions::new(get(1)?);
            options.output = Some(PathBuf::from(get(2)?));
            let started = Instant::now();
            let summary =
                charter::build(options).map_err(|d| format!("the build failed: {d:?}"))?;
            println!("wall_s={}", started.elapsed().as_secs_f64());
            println!("summary={summary}");
        }
        "edit" => {
            let count: usize = get(3)?.parse().map_err(|e| format!("edit count: {e}"))?;
            edits(Path::new(get(1)?), Path::new(get(2)?), count)?;
        }
        other => return Err(format!("unknown stage {other}")),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The floor
// ---------------------------------------------------------------------------------------------

/// Markdown options as Charter renders them.
fn cmark_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Every `.md` file under `dir`, sorted.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> Res<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            markdown_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
    Ok(())
}

/// One thread: read, parse the front matter, render the Markdown, write the HTML.
fn floor(root: &Path, out: &Path) -> Res<usize> {
    let content = root.join("content");
    let mut files = Vec::new();
    markdown_files(&content, &mut files)?;
    let mut html = String::new();
    let mut pages = 0;
    for file in &files {
        let text =
            std::fs::read_to_string(file).map_err(|e| format!("read {}: {e}", file.display()))?;
        let (front, body) = split_front_matter(&text);
        let front: serde_json::Value =
            charter::yaml::from_str(front).map_err(|e| format!("{}: {e}", file.display()))?;
        std::hint::black_box(&front);
        html.clear();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(body, cmark_options()),
        );
        let rel = file.strip_prefix(&content).map_err(|e| e.to_string())?.with_extension("html");
        let target = out.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, html.as_bytes())
            .map_err(|e| format!("write {}: {e}", target.display()))?;
        if !file.ends_with("_index.md") {
            pages += 1;
        }
    }
    Ok(pages)
}

/// `---\n<yaml>---\n<body>` -> (yaml, body).
fn split_front_matter(text: &str) -> (&str, &str) {
    let Some(rest) = text.strip_prefix("---\n") else { return ("", text) };
    match rest.find("\n---\n") {
        Some(end) => (&rest[..end + 1], &rest[end + 5..]),
        None => ("", text),
    }
}

// ---------------------------------------------------------------------------------------------
// One-page edits through the incremental path
// ---------------------------------------------------------------------------------------------

fn edits(root: &Path, out: &Path, count: usize) -> Res<()> {
    let mut options = BuildOptions::new(root);
    options.output = Some(out.to_path_buf());
    let started = Instant::now();
    let mut site = Site::load(options).map_err(|d| format!("load: {d:?}"))?;
    println!("load_s={}", started.elapsed().as_secs_f64());
    let pages: Vec<(PathBuf, String)> = site
        .library
        .pages
        .iter()
        .map(|p| (root.join("content").join(&p.doc.relative_path), p.path.clone()))
        .collect();
    if pages.is_empty() {
        return Err("the corpus has no pages".into());
    }
    let mut times = Vec::with_capacity(count);
    let mut landed = true;
    for k in 0..count {
        // Spread the edits over the corpus (and its sections).
        let (file, url_path) = &pages[(k * 7919 + 13) % pages.len()];
        let marker = format!("Benchmark edit number {k} lands here.");
        let before =
            std::fs::read_to_string(file).map_err(|e| format!("read {}: {e}", file.display()))?;
        let edited = format!("{before}\n{marker}\n");
        let t = Instant::now();
        std::fs::write(file, edited).map_err(|e| format!("write {}: {e}", file.display()))?;
        site.rebuild(std::slice::from_ref(file)).map_err(|d| format!("rebuild: {d:?}"))?;
        times.push(t.elapsed());
        let html = out.join(url_path.trim_start_matches('/')).join("index.html");
        let written = std::fs::read_to_string(&html).unwrap_or_default();
        if !written.contains(&marker) {
            landed = false;
            eprintln!("edit {k}: {} does not hold the edit", html.display());
        }
    }
    times.sort();
    let pick = |q: f64| -> f64 {
        if times.is_empty() {
            return f64::NAN;
        }
        let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1000.0
    };
    let median = if times.is_empty() {
        f64::NAN
    } else if times.len() % 2 == 1 {
        times[times.len() / 2].as_secs_f64() * 1000.0
    } else {
        (times[times.len() / 2 - 1] + times[times.len() / 2]).as_secs_f64() * 500.0
    };
    println!("median_ms={median}");
    println!("p95_ms={}", pick(0.95));
    println!("max_ms={}", pick(1.0));
    println!("wall_s={}", median / 1000.0);
    println!("landed={}", if landed { "yes" } else { "no" });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The microsite and determinism
// ---------------------------------------------------------------------------------------------

/// A cold build of the repository's own site by the real binary, into a fresh folder. The
/// reported time is the whole process, start to exit.
fn microsite() -> Res<Measure> {
    let out = work_dir().join("microsite");
    let mut best: Option<Measure> = None;
    // Three cold builds (each into a fresh folder); the median is reported.
    let mut runs = Vec::new();
    for _ in 0..3 {
        remove(&out)?;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_charter"));
        cmd.arg("--root").arg(repo_root()).arg("--quiet").arg("build").arg("--output").arg(&out);
        let (_, peak, wall, cpu) = spawn_measured(cmd)?;
        runs.push((wall, peak, cpu));
    }
    runs.sort();
    if let Some(&(wall, peak, cpu)) = runs.get(runs.len() / 2) {
        let mut m = Measure { wall, peak_kib: peak, cpu, extra: BTreeMap::new() };
        let pages = count_files(&out, "html");
        m.extra.insert("pages".into(), format!("{pages} html"));
        best = Some(m);
    }
    best.ok_or_else(|| "the microsite did not build".to_string())
}

fn count_files(dir: &Path, ext: &str) -> usize {
    let mut n = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                n += count_files(&p, ext);
            } else if p.extension().is_some_and(|x| x == ext) {
                n += 1;
            }
        }
    }
    n
}

/// Builds `corpus` with one thread and with every core; compares the two trees byte for byte.
fn determinism(corpus: &Path, work: &Path) -> Res<(bool, usize, String)> {
    let one = work.join("det-1");
    let all = work.join("det-all");
    remove(&one)?;
    remove(&all)?;
    stage(&["build", path_str(corpus)?, path_str(&one)?], &[("RAYON_NUM_THREADS", "1")])?;
    stage(&["build", path_str(corpus)?, path_str(&all)?], &[])?;
    let a = tree(&one)?;
    let b = tree(&all)?;
    let files = a.len();
    let mut differing: Vec<&String> =
        a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).collect();
    differing.sort();
    differing.dedup();
    let detail = match differing.first() {
        Some(first) => format!(": {} differ, first {first}", differing.len()),
        None => String::new(),
    };
    remove(&one)?;
    remove(&all)?;
    Ok((differing.is_empty() && files > 0, files, detail))
}

/// Every file under `dir` by relative path, with its bytes.
fn tree(dir: &Path) -> Res<BTreeMap<String, Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> Res<()> {
        for e in std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))? {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                walk(base, &p, out)?;
            } else if p.file_name().is_some_and(|n| n == charter::freshness::RECORD) {
                // The skip record names the output folder: a record of the build, not the site.
            } else {
                let rel = p
                    .strip_prefix(base)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(
                    rel,
                    std::fs::read(&p).map_err(|e| format!("read {}: {e}", p.display()))?,
                );
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}
