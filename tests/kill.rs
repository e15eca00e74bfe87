//! A killed build leaves one whole site. A real `charter build` of a few thousand pages is killed
//! (SIGKILL) at many points, the move phase of its commit among them; every page carries a build
//! marker from `site.yaml`, so after at most the next command (here a build that fails on a
//! content error) every page must come from the old build or every page from the new one. Two
//! builds at once never trip over each other.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Pages of the site whose builds are killed; the lock tests need fewer.
const PAGES: usize = 2000;
const FEW_PAGES: usize = 300;

struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    pages: usize,
}

impl Site {
    fn new(pages: usize) -> Site {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        let site = Site { _tmp: tmp, root, pages };
        site.write("templates/page.html", "<!doctype html><title>{{ page.title }}</title><p class=marker>build {{ site.extra.marker }}</p>{{ page.content | safe }}\n");
        site.write("templates/section.html", "<!doctype html><title>{{ section.title }}</title><p class=marker>build {{ site.extra.marker }}</p>\n");
        site.write(
            "templates/index.html",
            "<!doctype html><title>Home</title><p class=marker>build {{ site.extra.marker }}</p>\n",
        );
        site.write("content/_index.md", "---\ntitle: \"Home\"\n---\n");
        site.write("content/notes/_index.md", "---\ntitle: \"Notes\"\n---\n");
        for i in 0..pages {
            site.write(
                &format!("content/notes/page-{i:04}.md"),
                &format!("---\ntitle: \"Page {i}\"\n---\nThe text of page {i}.\n"),
            );
        }
        site.mark("m0");
        site
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(path, text).expect("write");
    }

    /// Sets the build marker every page prints.
    fn mark(&self, marker: &str) {
        self.write("site.yaml", &format!("title: \"Kill test\"\nbase_url: \"https://example.org\"\nextra:\n  marker: \"{marker}\"\n"));
    }

    fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_charter"));
        cmd.arg("build").arg("--root").arg(&self.root).env("NO_COLOR", "1").env("CHARTER_GIT", "0");
        cmd
    }

    fn build(&self) -> std::process::Output {
        self.command().output().expect("run charter")
    }

    /// The markers found in every page (and the home and section pages), with how many carry each.
    fn markers(&self) -> std::collections::BTreeMap<String, usize> {
        let mut found = std::collections::BTreeMap::new();
        let mut files: Vec<PathBuf> = (0..self.pages)
            .map(|i| self.public().join(format!("notes/page-{i:04}/index.html")))
            .collect();
        files.push(self.public().join("index.html"));
        files.push(self.public().join("notes/index.html"));
        for file in files {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{} is missing: {e}", file.display()));
            let marker = text
                .split("build ")
                .nth(1)
                .and_then(|rest| rest.split('<').next())
                .unwrap_or("none")
                .to_string();
            *found.entry(marker).or_insert(0) += 1;
        }
        found
    }
}

fn text(out: &std::process::Output) -> String {
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn kill(child: &mut std::process::Child) {
    // SIGKILL: no destructor, no handler runs.
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs a build and kills it: as soon as its commit journal appears (the move phase), or after
/// `delay`.
fn build_and_kill(site: &Site, at_journal: bool, delay: Duration) -> bool {
    let mut child =
        site.command().stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn charter");
    let journal = site.public().join(".charter-commit");
    let started = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return false; // finished before the kill
        }
        let due = if at_journal { journal.exists() } else { started.elapsed() >= delay };
        if due {
            kill(&mut child);
            return true;
        }
        if at_journal {
            std::thread::yield_now();
        } else {
            std::thread::sleep(Duration::from_millis(2));
        }
        if started.elapsed() > Duration::from_secs(60) {
            kill(&mut child);
            panic!("the build ran for a minute");
        }
    }
}

fn assert_whole(site: &Site, allowed: &[&str], what: &str) -> String {
    let markers = site.markers();
    assert_eq!(markers.len(), 1, "{what}: a mixed site, pages by marker: {markers:?}");
    let (marker, _) = markers.into_iter().next().unwrap_or_default();
    assert!(
        allowed.contains(&marker.as_str()),
        "{what}: marker {marker} is neither of {allowed:?}"
    );
    for leftover in [".charter-commit", ".charter-staging"] {
        assert!(!site.public().join(leftover).exists(), "{what}: {leftover} is left over");
    }
    marker
}

/// The command after a kill: a build that fails on a content error. It must first finish (or
/// discard) the killed build's commit, and report the content error, not a lock or a mix.
fn failing_build_after(site: &Site) {
    site.write("content/broken.md", "---\ntitle: [unclosed\n---\nx\n");
    let out = site.build();
    let _ = std::fs::remove_file(site.root.join("content/broken.md"));
    assert_eq!(out.status.code(), Some(1), "the broken build fails\n{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/broken.md"), "{}", text(&out));
    assert!(
        !stderr.contains("another Charter run"),
        "a killed build's lock is never in the way\n{}",
        text(&out)
    );
}

#[test]
fn a_build_killed_at_any_point_leaves_the_old_site_or_the_new_one() {
    let site = Site::new(PAGES);
    let started = Instant::now();
    let first = site.build();
    assert!(first.status.success(), "{}", text(&first));
    let full = started.elapsed();
    let mut current = assert_whole(&site, &["m0"], "the first build");
    let mut killed_in_move_phase = 0;
    let rounds = 6;
    for round in 1..=rounds {
        let marker = format!("m{round}");
        site.mark(&marker);
        // Odd rounds: killed as the move phase starts; even rounds: at a point across the build.
        let at_journal = round % 2 == 1;
        let delay = full.mul_f64(round as f64 / rounds as f64 * 1.2);
        let journal_seen = build_and_kill(&site, at_journal, delay) && at_journal;
        if journal_seen {
            killed_in_move_phase += 1;
        }
        let what = format!(
            "round {round} (killed {})",
            if at_journal { "in the move phase".to_string() } else { format!("after {delay:?}") }
        );
        if !site.public().join(".charter-commit").exists() {
            // No journal: the output is already whole, the old site or the new one.
            let markers = site.markers();
            assert_eq!(markers.len(), 1, "{what}: mixed without a journal: {markers:?}");
        }
        failing_build_after(&site);
        current = assert_whole(&site, &[current.as_str(), marker.as_str()], &what);
    }
    assert!(killed_in_move_phase > 0, "no build was killed in its move phase");
    let last = site.build();
    assert!(last.status.success(), "{}", text(&last));
    assert_whole(&site, &[&format!("m{rounds}")], "the build after the kills");
}

/// A first build, into an output folder that does not exist yet (a cold build: its commit moves
/// whole folders), killed at many points: after the next command the output holds no page or
/// every page of the build, never a part. (Its move phase is a handful of renames, too short to
/// be hit by a kill reliably: `swap_failing_part_way_in_a_first_build_is_finished_by_the_next_command`
/// in tests/errors.rs stops it after each move.)
#[test]
fn a_first_build_killed_at_any_point_leaves_no_site_or_the_whole_one() {
    let site = Site::new(PAGES);
    let started = Instant::now();
    let first = site.build();
    assert!(first.status.success(), "{}", text(&first));
    let full = started.elapsed();
    let pages_present = || {
        (0..site.pages)
            .filter(|i| site.public().join(format!("notes/page-{i:04}/index.html")).is_file())
            .count()
    };
    let rounds = 6;
    let mut killed = 0;
    for round in 1..=rounds {
        // A build killed before its commit, then the failing build, may leave no output at all.
        match std::fs::remove_dir_all(site.public()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => panic!("remove the output: {e}"),
            _ => {}
        }
        let at_journal = round % 2 == 1;
        let delay = full.mul_f64(round as f64 / rounds as f64 * 1.2);
        if build_and_kill(&site, at_journal, delay) {
            killed += 1;
        }
        let what = format!(
            "round {round} (killed {})",
            if at_journal { "in the move phase".to_string() } else { format!("after {delay:?}") }
        );
        failing_build_after(&site);
        match pages_present() {
            0 => assert!(
                !site.public().join("index.html").exists(),
                "{what}: a home page without the pages"
            ),
            n if n == site.pages => {
                assert_whole(&site, &["m0"], &what);
            }
            n => panic!("{what}: {n} of {} pages in the output", site.pages),
        }
    }
    assert!(killed > 0, "no first build was killed");
}

#[test]
fn two_builds_at_once_take_turns() {
    let site = Site::new(FEW_PAGES);
    assert!(site.build().status.success());
    site.mark("both");
    let first =
        site.command().stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let second =
        site.command().stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    for out in [first.wait_with_output().expect("wait"), second.wait_with_output().expect("wait")] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("could not move"), "{}", text(&out));
        if !out.status.success() {
            assert!(
                stderr.contains("another Charter run (pid"),
                "a second build waits or names the lock holder\n{}",
                text(&out)
            );
        }
    }
    assert_whole(&site, &["both"], "after two builds at once");
}

#[test]
fn a_lock_file_left_by_a_dead_process_is_not_in_the_way() {
    let site = Site::new(FEW_PAGES);
    assert!(site.build().status.success());
    // A lock file naming a process that does not exist (nobody holds the lock on it).
    std::fs::write(site.root.join(".public.charter-lock"), "999999999\n").expect("write");
    site.mark("after");
    let out = site.build();
    assert!(out.status.success(), "{}", text(&out));
    assert_whole(&site, &["after"], "after a stale lock");
    assert!(
        !Path::new(&site.root.join(".public.charter-lock")).exists(),
        "the lock is removed when the build ends"
    );
}
