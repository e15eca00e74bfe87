//! The build benchmark: Charter measured against the work's own floor, in one run.
//!
//! Run it with `cargo bench --bench build`. Options after `--`: `--pages 10000,50000,100000`
//! (the default) chooses the corpus sizes; `--disks all|disk|memory` the disks (default both: the
//! repository's disk, usually ext4, and `/dev/shm`, tmpfs; see [`disks`]); `--rounds 2` the
//! interleaved floor/build pairs per size and disk; `--edits 20`. For each size and disk it
//! generates the project's corpus (`tests/corpus/`, Charter's flavor, the layout of
//! `../shared/bench/gen_corpus.py`), then measures, each stage in its own child process (this
//! binary run again with `--stage ...`) so that the peak memory is the stage's own (`wait4`
//! resource usage of the child):
//!
//! - `floor`: one thread reads every page, parses its front matter with serde_yaml, renders its
//!   Markdown with pulldown-cmark and writes the HTML: the least work any build must do;
//! - `cold build`: `charter::build` into a fresh, absent output folder on the same disk,
//!   interleaved with the floor (floor, build, floor, build): wall and CPU time as ratios to the
//!   floor's, peak memory, and both per page (issue 17: at most 2x the floor's wall and 3x its
//!   CPU; at most 150 MiB at 10,000 pages and 400 MiB at 50,000; per-page time and memory at
//!   50,000 and 100,000 at most those at 10,000, within noise);
//!
//! and on the last disk (memory):
//!
//! - `nothing changed`: the same build again, over the previous output (its inputs are those of
//!   the last build, so it is skipped: see `charter::freshness`);
//! - `unchanged, full pass`: the same again with the skip record removed, so every stage runs and
//!   every output compares equal to the file on disk (what a build costs after, say, a
//!   `git checkout` that rewrote files without changing them);
//! - `one-page edit, rebuild`: `Site::load` once, then for each edit a sentence appended to one
//!   page's file and `site.rebuild(&[path])`, timed from the write to the return (the file is on
//!   disk). The time to the new bytes served over HTTP is `cargo bench --bench serve`'s.
//!
//! Then, for sizes up to 10,000:
//!
//! - `component calls`: the cold build of the same corpus with one or two page component calls on
//!   every page (`corpus::generate_with_components`) against the corpus without them, in
//!   [`COMPONENT_PAIRS`] interleaved pairs (without, with, without, with, ...), each cold into a
//!   fresh folder; the medians give the cost of components (issue 15: at most 10% on 10,000
//!   pages). `--components-only` runs this comparison alone:
//!   `cargo bench --bench build -- --components-only --pages 10000`.
//!
//! - `search index`: the cold build of the corpus against the same corpus with `search: false`,
//!   in [`SEARCH_PAIRS`] interleaved pairs (the fastest of each gives the index's share of the
//!   cold build, issue 18 wants at most 25%; the medians' share is printed beside it), and the
//!   bytes a first query downloads (the manifest, the term chunks its words need, the fragment
//!   groups of the first page of results), computed from
//!   the written files the way the theme's search.js fetches them (issue 18: at most 300 KB).
//!   `--search-only` runs this alone: `cargo bench --bench build -- --search-only --pages 10000`.
//!
//! Then the microsite (the repository's own site, built cold by the real `charter` binary) and a
//! determinism check (a 1,000-page corpus built with `RAYON_NUM_THREADS=1` and with every core,
//! byte for byte). It prints one table, the growth per page, and whether each target holds.

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

/// Floor and cold-build pairs per corpus size and disk (interleaved; the medians are reported).
const DEFAULT_ROUNDS: usize = 2;

/// Cold builds with and without component calls, interleaved, for the cost of components.
const COMPONENT_PAIRS: usize = 3;

/// Cold builds with and without the search index, interleaved, for the index's share.
const SEARCH_PAIRS: usize = 5;

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
    let mut sizes = vec![10_000usize, 50_000, 100_000];
    let mut edits = DEFAULT_EDITS;
    let mut components_only = false;
    let mut which_disks = "all".to_string();
    let mut rounds = DEFAULT_ROUNDS;
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
            "--disks" => {
                if let Some(v) = it.next() {
                    which_disks = v.clone();
                }
            }
            "--rounds" => {
                if let Some(v) = it.next() {
                    rounds = v.parse().unwrap_or(DEFAULT_ROUNDS).max(1);
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
    if let Err(e) = run(&sizes, edits, &which_disks, rounds) {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}

type Res<T> = Result<T, String>;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The disks a run measures on, each a folder: the disk the repository is on (`target/bench-build/`,
/// or `CHARTER_BENCH_DISK_DIR`) and memory (`/dev/shm/charter-bench`, or `CHARTER_BENCH_DIR`),
/// labelled with their file system type (`ext4`, `tmpfs`). `--disks disk`, `--disks memory` keeps
/// one.
///
/// Why both: on ext4 the kernel's inode allocation for fresh folders is the largest single cost of
/// a cold build (it skips the inodes of files deleted in the last minutes, `recently_deleted` in
/// `ext4/ialloc.c`), which memory does not have; the floor pays it too, so each disk has its own
/// floor. Every output folder of a run is fresh (never the name of one just deleted), and all are
/// removed at the end of a corpus size.
fn disks(which: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if which != "memory" {
        let dir =
            std::env::var_os("CHARTER_BENCH_DISK_DIR").map(PathBuf::from).unwrap_or_else(|| {
                let target = std::env::var_os("CARGO_TARGET_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| repo_root().join("target"));
                let target = if target.is_absolute() { target } else { repo_root().join(target) };
                target.join("bench-build")
            });
        out.push((fs_type(&dir), dir));
    }
    if which != "disk" {
        let dir = std::env::var_os("CHARTER_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/dev/shm/charter-bench"));
        if dir.parent().is_some_and(Path::is_dir) {
            out.push((fs_type(&dir), dir));
        }
    }
    out
}

/// The folder for the microsite's build, the component comparison and determinism: memory when
/// there is some, else the disk.
fn work_dir() -> PathBuf {
    disks("all").pop().map(|(_, dir)| dir).unwrap_or_else(|| repo_root().join("target/bench-build"))
}

/// The file system type of the mount that holds `dir` (`/proc/mounts`' longest matching mount
/// point), or `disk` when unknown.
fn fs_type(dir: &Path) -> String {
    let probe = dir.ancestors().find(|a| a.exists()).unwrap_or(Path::new("/"));
    let probe = probe.canonicalize().unwrap_or_else(|_| probe.to_path_buf());
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_, point, kind) = (f.next()?, f.next()?, f.next()?);
            probe.starts_with(point).then(|| (point.len(), kind.to_string()))
        })
        .max()
        .map(|(_, kind)| kind)
        .unwrap_or_else(|| "disk".into())
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

fn run(sizes: &[usize], edits: usize, which_disks: &str, rounds: usize) -> Res<()> {
    let disks = disks(which_disks);
    if disks.is_empty() {
        return Err("no disk to measure on".into());
    }
    println!(
        "Charter build benchmark ({} cores; {}; load average {})",
        cores(),
        disks
            .iter()
            .map(|(kind, dir)| format!("{kind}: {}", dir.display()))
            .collect::<Vec<_>>()
            .join(", "),
        load_average()
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut checks: Vec<(String, bool)> = Vec::new();
    // Per disk: (pages, ms per page, KiB per page) of the cold build, for the growth check.
    let mut growth: BTreeMap<String, Vec<(usize, f64, f64)>> = BTreeMap::new();
    let last_disk = disks.len() - 1;
    for &n in sizes {
        for (disk_index, (kind, dir)) in disks.iter().enumerate() {
            std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
            let corpus_dir = dir.join(format!("corpus-{n}"));
            eprintln!("[{n} {kind}] generating the corpus");
            remove(&corpus_dir)?;
            corpus::generate(&corpus_dir, n, corpus::Flavor::Charter, 7)
                .map_err(|e| format!("write the corpus into {}: {e}", corpus_dir.display()))?;
            // Interleaved: floor, build, floor, build, ... each into a folder of its own.
            let (mut floors, mut colds) = (Vec::new(), Vec::new());
            let mut outputs = Vec::new();
            for round in 0..rounds {
                let floor_out = dir.join(format!("floor-{n}-{round}"));
                let out = dir.join(format!("public-{n}-{round}"));
                remove(&floor_out)?;
                remove(&out)?;
                eprintln!("[{n} {kind}] round {}/{rounds}: floor, cold build", round + 1);
                floors.push(stage(&["floor", path_str(&corpus_dir)?, path_str(&floor_out)?], &[])?);
                colds.push(stage(&["build", path_str(&corpus_dir)?, path_str(&out)?], &[])?);
                outputs.push(floor_out);
                outputs.push(out);
            }
            let floor = median_of(floors);
            let cold = median_of(colds);
            let label = format!("{n} {kind}");
            let pages = n as f64;
            let fw = floor.wall.as_secs_f64();
            let fc = floor.cpu.as_secs_f64().max(1e-9);
            let row = |name: &str, m: &Measure, target: String| Row {
                corpus: label.clone(),
                stage: name.to_string(),
                wall: fmt_duration(m.wall),
                cpu: fmt_duration(m.cpu),
                per_page: format!(
                    "{:.3} ms, {:.1} KiB",
                    m.wall.as_secs_f64() * 1000.0 / pages,
                    m.peak_kib as f64 / pages
                ),
                peak: format!("{:.1} MiB", m.peak_kib as f64 / 1024.0),
                time_ratio: format!("{:.2}x", m.wall.as_secs_f64() / fw),
                cpu_ratio: format!("{:.2}x", m.cpu.as_secs_f64() / fc),
                target,
            };
            let wall_ratio = cold.wall.as_secs_f64() / fw;
            let cpu_ratio = cold.cpu.as_secs_f64() / fc;
            let peak_mib = cold.peak_kib as f64 / 1024.0;
            rows.push(row("floor", &floor, format!("median of {rounds}")));
            rows.push(row(
                "cold build",
                &cold,
                format!(
                    "<= 2x wall {}, <= 3x cpu {}",
                    pass(wall_ratio <= 2.0),
                    pass(cpu_ratio <= 3.0)
                ),
            ));
            checks.push((
                format!("{label}: cold build {wall_ratio:.2}x the floor's wall (<= 2x), {cpu_ratio:.2}x its cpu (<= 3x)"),
                wall_ratio <= 2.0 && cpu_ratio <= 3.0,
            ));
            let memory_limit = match n {
                10000 => Some(150.0),
                50000 => Some(400.0),
                _ => None,
            };
            if let Some(limit) = memory_limit {
                checks.push((
                    format!(
                        "{label}: cold build peak memory {peak_mib:.1} MiB (<= {limit:.0} MiB)"
                    ),
                    peak_mib <= limit,
                ));
            }
            growth.entry(kind.clone()).or_default().push((
                n,
                cold.wall.as_secs_f64() * 1000.0 / pages,
                cold.peak_kib as f64 / pages,
            ));
            if disk_index == last_disk {
                // What does not depend on the disk's file creation: once, on the last disk.
                let out = dir.join(format!("public-{n}-0"));
                eprintln!("[{label}] nothing-changed build");
                let warm = stage(&["build", path_str(&corpus_dir)?, path_str(&out)?], &[])?;
                eprintln!("[{label}] unchanged, full pass");
                let _ = std::fs::remove_file(out.join(charter::freshness::RECORD));
                let full_pass = stage(&["build", path_str(&corpus_dir)?, path_str(&out)?], &[])?;
                eprintln!("[{label}] {edits} one-page edits");
                let edit = stage(
                    &["edit", path_str(&corpus_dir)?, path_str(&out)?, &edits.to_string()],
                    &[],
                )?;
                let warm_ratio = warm.wall.as_secs_f64() / fw;
                rows.push(row(
                    "nothing changed",
                    &warm,
                    format!("~0.03x floor {}", pass(warm_ratio <= 0.05)),
                ));
                checks.push((
                    format!("{label}: nothing changed {warm_ratio:.3}x the floor (about 0.03x)"),
                    warm_ratio <= 0.05,
                ));
                rows.push(row("unchanged, full pass", &full_pass, String::new()));
                let median = ms(&edit.extra, "median_ms");
                let p95 = ms(&edit.extra, "p95_ms");
                let mut edit_row = row("one-page edit, rebuild (median)", &edit, String::new());
                edit_row.wall = format!("{median:.1} ms");
                edit_row.cpu = "-".into();
                edit_row.cpu_ratio = "-".into();
                edit_row.per_page = "-".into();
                edit_row.time_ratio = format!("{:.4}x", median / 1000.0 / fw);
                edit_row.target = "served: cargo bench --bench serve".into();
                rows.push(edit_row);
                rows.push(Row {
                    corpus: label.clone(),
                    stage: "one-page edit, rebuild (p95)".into(),
                    wall: format!("{p95:.1} ms"),
                    cpu: "-".into(),
                    per_page: "-".into(),
                    peak: "(same process)".into(),
                    time_ratio: format!("{:.4}x", p95 / 1000.0 / fw),
                    cpu_ratio: "-".into(),
                    target: String::new(),
                });
                if edit.extra.get("landed").map(String::as_str) != Some("yes") {
                    checks.push((format!("{label}: every edit reached its output file"), false));
                }
                for (what, m) in
                    [("cold", &cold), ("nothing changed", &warm), ("full pass", &full_pass)]
                {
                    if let Some(summary) = m.extra.get("summary") {
                        eprintln!("[{label}] {what}: {summary}");
                    }
                }
            }
            for out in &outputs {
                remove(out)?;
            }
            remove(&corpus_dir)?;
        }
    }
    // Growth: per-page time and memory at each size against the smallest size measured.
    let mut growth_lines = Vec::new();
    for (kind, points) in &growth {
        let Some(&(n0, ms0, kib0)) = points.first() else { continue };
        for &(n, ms_page, kib_page) in &points[1..] {
            let (t, m) = (ms_page / ms0, kib_page / kib0);
            growth_lines.push(format!(
                "{kind}: {n} pages {ms_page:.3} ms/page and {kib_page:.1} KiB/page, {t:.2}x and {m:.2}x those at {n0}"
            ));
            checks.push((
                format!("{kind}: {n} pages grow at most linearly from {n0} (per page: time {t:.2}x, memory {m:.2}x; <= 1.15x)"),
                t <= 1.15 && m <= 1.15,
            ));
        }
    }

    let work = work_dir();
    std::fs::create_dir_all(&work).map_err(|e| format!("create {}: {e}", work.display()))?;
    let mut component_lines = Vec::new();
    for &n in sizes.iter().filter(|&&n| n <= 10000) {
        let (cost, ok) = component_cost(&work, n)?;
        checks.push((format!("{n}: {cost} (<= +10%)"), ok));
        component_lines.push(cost);
        remove(&work.join(format!("corpus-{n}-components")))?;
        let (search, ok) = search_cost(&work, n)?;
        checks.push((format!("{n}: search index within its targets"), ok));
        component_lines.push(search);
        remove(&work.join(format!("corpus-{n}")))?;
    }

    eprintln!("[microsite] cold build with the charter binary");
    let micro = microsite()?;
    rows.push(Row {
        corpus: "microsite".into(),
        stage: "cold build (binary)".into(),
        wall: fmt_duration(micro.wall),
        cpu: fmt_duration(micro.cpu),
        per_page: micro.extra.get("pages").cloned().unwrap_or_default(),
        peak: format!("{:.1} MiB", micro.peak_kib as f64 / 1024.0),
        time_ratio: "-".into(),
        cpu_ratio: "-".into(),
        target: format!("< 150 ms {}", pass(micro.wall < Duration::from_millis(150))),
    });
    checks.push((
        format!("microsite: cold build {} (< 150 ms)", fmt_duration(micro.wall)),
        micro.wall < Duration::from_millis(150),
    ));
    remove(&work.join("microsite"))?;

    let det_pages = 1000;
    eprintln!("[determinism] corpus-{det_pages}: RAYON_NUM_THREADS=1 vs every core");
    let corpus_dir = work.join(format!("corpus-{det_pages}-determinism"));
    remove(&corpus_dir)?;
    corpus::generate(&corpus_dir, det_pages, corpus::Flavor::Charter, 7)
        .map_err(|e| format!("write the corpus into {}: {e}", corpus_dir.display()))?;
    let (same, files, detail) = determinism(&corpus_dir, &work)?;
    remove(&corpus_dir)?;
    checks.push((format!("output identical with 1 thread and {} threads (corpus-{det_pages}, {files} files){detail}", cores()), same));

    print_table(&rows);
    println!();
    for line in growth_lines.iter().chain(&component_lines) {
        println!("{line}");
    }
    println!();
    println!("load average at the end: {} (wall times include waiting for a core; cpu/floor compares CPU time)", load_average());
    println!("edit to served over HTTP (median, p95): `cargo bench --bench serve`");
    println!();
    for (label, ok) in &checks {
        println!("  [{}] {label}", pass(*ok));
    }
    println!();
    Ok(())
}

/// The run with the median wall time of `runs` (the lower middle one of an even count).
fn median_of(mut runs: Vec<Measure>) -> Measure {
    runs.sort_by_key(|m| m.wall);
    let middle = runs.len().saturating_sub(1) / 2;
    runs.into_iter().nth(middle).unwrap_or_default()
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
    /// Wall time and peak memory divided by the corpus's pages.
    per_page: String,
    peak: String,
    time_ratio: String,
    cpu_ratio: String,
    target: String,
}

fn print_table(rows: &[Row]) {
    let header = Row {
        corpus: "corpus".into(),
        stage: "stage".into(),
        wall: "wall".into(),
        cpu: "cpu (all threads)".into(),
        per_page: "per page".into(),
        peak: "peak memory".into(),
        time_ratio: "time/floor".into(),
        cpu_ratio: "cpu/floor".into(),
        target: "target".into(),
    };
    let cells = |r: &Row| {
        [
            r.corpus.clone(),
            r.stage.clone(),
            r.wall.clone(),
            r.cpu.clone(),
            r.per_page.clone(),
            r.peak.clone(),
            r.time_ratio.clone(),
            r.cpu_ratio.clone(),
            r.target.clone(),
        ]
    };
    let mut widths = [0usize; 9];
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
            if matches!(i, 0 | 1 | 8) {
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
    // The fastest of each: what a build costs when nothing else on the machine slows it (on a
    // shared machine the median moves by several points from one run to the next).
    let fastest = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (plain, indexed) = (fastest(&walls[0]), fastest(&walls[1]));
    let share = (indexed - plain) / indexed * 100.0;
    let (plain_median, indexed_median) = (median(&mut walls[0]), median(&mut walls[1]));
    let mut lines = vec![format!(
        "{n} pages: cold build {:.0} ms with the search index, {:.0} ms without: the index is {share:.1}% of the build (fastest of {SEARCH_PAIRS} interleaved pairs; medians {:.0} and {:.0} ms: {:.1}%); {files} files, {:.1} MB",
        indexed * 1000.0,
        plain * 1000.0,
        indexed_median * 1000.0,
        plain_median * 1000.0,
        (indexed_median - plain_median) / indexed_median * 100.0,
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
/// manifest's `prefix_chunks`), and the fragment groups of the first [`RESULTS_SHOWN`] results. Also
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
    // Each result's fragment group (the last that starts at or before it), each fetched once, as
    // search.js caches what it fetched.
    let mut starts = Vec::new();
    let mut first = 0u64;
    for digit in manifest["groups"].as_str().ok_or("the manifest has no groups")?.chars() {
        starts.push(first);
        first += u64::from(digit.to_digit(10).ok_or("a group size that is not a digit")?);
    }
    let mut groups: Vec<u64> = hits
        .iter()
        .take(RESULTS_SHOWN)
        .map(|&(_, doc)| starts[starts.partition_point(|&s| s <= doc).saturating_sub(1)])
        .collect();
    groups.sort_unstable();
    groups.dedup();
    for group in &groups {
        bytes += std::fs::metadata(index.join(format!("d/{group}.json")))
            .map_err(|e| format!("fragment group {group}: {e}"))?
            .len();
    }
    Ok((bytes, hits.len(), 1 + needed.len() + groups.len()))
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
            pulldown_cmark::Parser::new_ext(body, charter::markdown::options()),
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
