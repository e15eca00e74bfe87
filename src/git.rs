//! Dates and people from git: for every file under `content/`, the date of the last commit that
//! touched it and the authors who committed to it. The whole site costs one `git log` process
//! (`git log --name-only` over `content/`), never one per page. Outside a git repository, without
//! a `git` program, or for a file that was never committed, a page simply has no facts and keeps
//! what its front matter says. `CHARTER_GIT=off` turns the step off (to measure its cost, or for
//! builds that must not depend on history).
//!
//! What this module leaves to others: how the facts reach templates (`render::values`, which uses
//! the date only when the page has no `updated`) and the `repository` URLs (`config`).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Per-page facts that come from outside the content (git history), by content path.
#[derive(Default, Clone)]
pub struct PageFacts {
    pub contributors: Vec<String>,
    /// RFC 3339 date of the last commit, used when the page has no `updated`.
    pub last_commit: Option<String>,
}

/// The environment variable that turns the git step off: `CHARTER_GIT=off` (or `0`, `false`, `no`).
pub const ENV_SWITCH: &str = "CHARTER_GIT";

/// Separates commits in the log output (ASCII record separator).
const RECORD: char = '\u{1e}';
/// Separates the fields of a commit header (ASCII unit separator).
const UNIT: char = '\u{1f}';

/// Whether the environment turned the git step off.
pub fn disabled_by_env() -> bool {
    match std::env::var(ENV_SWITCH) {
        Ok(v) => matches!(v.trim().to_ascii_lowercase().as_str(), "off" | "0" | "false" | "no"),
        Err(_) => false,
    }
}

/// Facts for every committed file under `<root>/content/`, keyed by the path under `content/`
/// (`proposal/aasc.md`, as `Document::relative_path`). Empty when git is off, absent, or the
/// site is not in a repository.
pub fn page_facts(root: &Path) -> HashMap<String, PageFacts> {
    if disabled_by_env() || !root.join("content").is_dir() {
        return HashMap::new();
    }
    match run_log(root) {
        Some(log) => parse_log(&log),
        None => HashMap::new(),
    }
}

/// `git -C <root>` with the environment that keeps it quiet and on the site's own repository.
fn git_in(root: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-c")
        .arg("core.quotepath=off")
        .arg("-C")
        .arg(root)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// The question "which commit is the site's repository at?" (page facts change only when the
/// answer does), asked of `git rev-parse HEAD` in the background so that the caller works while
/// git starts: a build that may be skipped walks its inputs meanwhile (git takes a few
/// milliseconds to start, a tenth of such a build). Dropped unread, the process is stopped and
/// reaped.
pub struct PendingHead(Option<std::process::Child>);

/// Starts the question; [`PendingHead::wait`] gives the answer.
pub fn start_head(root: &Path) -> PendingHead {
    PendingHead(git_in(root).args(["rev-parse", "HEAD"]).stdout(Stdio::piped()).spawn().ok())
}

impl PendingHead {
    /// The commit hash, empty when git is absent, the site is not in a repository or it has
    /// no commit.
    pub fn wait(mut self) -> String {
        match self.0.take().and_then(|child| child.wait_with_output().ok()) {
            Some(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
            _ => String::new(),
        }
    }
}

impl Drop for PendingHead {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs the one `git log` of the site; `None` when it cannot (no git, not a repository, no commit).
fn run_log(root: &Path) -> Option<String> {
    let output = git_in(root)
        .args(["log", "--no-merges", "--no-renames", "--name-only", "--relative", "--no-color"])
        .arg(format!("--format={RECORD}%cI{UNIT}%aN"))
        .args(["--", "content"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// Turns `git log` output (newest commit first; each commit a header `RS date US author` then the
/// files it touched, paths relative to the site root) into facts. Contributors are listed in the
/// order of their first commit to the file (oldest first), each name once.
pub fn parse_log(log: &str) -> HashMap<String, PageFacts> {
    // Per file: the newest commit date, and authors newest first (reversed at the end).
    let mut facts: HashMap<String, PageFacts> = HashMap::new();
    for record in log.split(RECORD).filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let Some(header) = lines.next() else { continue };
        let Some((date, author)) = header.split_once(UNIT) else { continue };
        let Some(date) = crate::content::frontmatter::parse_date(date) else { continue };
        let author = author.trim();
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            let Some(rel) = file.strip_prefix("content/") else { continue };
            let entry = facts.entry(rel.to_string()).or_default();
            if entry.last_commit.is_none() {
                entry.last_commit = Some(date.to_display());
            }
            if !author.is_empty() {
                // Newest first for now: move a repeated name to the back (towards older).
                if let Some(pos) = entry.contributors.iter().position(|a| a == author) {
                    entry.contributors.remove(pos);
                }
                entry.contributors.push(author.to_string());
            }
        }
    }
    for f in facts.values_mut() {
        f.contributors.reverse();
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_date_wins_and_contributors_come_in_first_commit_order() {
        let log = format!(
            "{RECORD}2024-03-02T10:00:00+01:00{UNIT}Bea\n\ncontent/a.md\n\n{RECORD}2024-02-01T09:00:00+00:00{UNIT}Al\n\ncontent/a.md\ncontent/b/_index.md\n{RECORD}2024-01-01T09:00:00+00:00{UNIT}Bea\n\ncontent/a.md\n"
        );
        let facts = parse_log(&log);
        let a = &facts["a.md"];
        assert_eq!(a.last_commit.as_deref(), Some("2024-03-02T10:00:00+01:00"));
        assert_eq!(a.contributors, vec!["Bea".to_string(), "Al".to_string()]);
        assert_eq!(facts["b/_index.md"].contributors, vec!["Al".to_string()]);
    }

    #[test]
    fn garbage_gives_no_facts() {
        assert!(parse_log("fatal: not a git repository\n").is_empty());
    }
}
