//! `charter check` on a fixture with one example of each finding (`tests/fixtures/check/site`),
//! in the three formats, run through the real binary. The findings name file and line; errors
//! give exit status 1, warnings alone give 0.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/site")
}

fn charter(args: &[&str], root: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .env("CHARTER_GIT", "off")
        .output()
        .expect("run charter")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every finding of the fixture: (severity, code, file, line).
const EXPECTED: &[(&str, &str, &str, u64)] = &[
    ("warning", "description", "content/notes/findings.md", 2),
    ("warning", "heading-level", "content/notes/findings.md", 7),
    ("error", "alt-text", "content/notes/findings.md", 9),
    ("error", "alt-text", "content/notes/findings.md", 11),
    ("error", "external-link", "content/notes/findings.md", 13),
    ("error", "external-link", "content/notes/findings.md", 15),
    ("warning", "broken-link", "content/notes/findings.md", 17),
    ("warning", "orphan", "content/notes/orphan.md", 1),
];

#[test]
fn json_lists_every_finding_with_file_and_line() {
    let out = charter(&["check", "--format", "json"], &fixture());
    assert_eq!(out.status.code(), Some(1), "errors give exit 1; stderr: {}", text(&out.stderr));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("check --format json prints JSON");
    let found: Vec<(String, String, String, u64)> = doc["findings"]
        .as_array()
        .expect("findings is a list")
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["code"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, u64)> = EXPECTED
        .iter()
        .map(|(s, c, f, l)| (s.to_string(), c.to_string(), f.to_string(), *l))
        .collect();
    assert_eq!(found, expected, "{}", text(&out.stdout));
    assert_eq!(doc["errors"], 4);
    assert_eq!(doc["warnings"], 4);
    // The clean page (alt text, `alt=""`, a well-formed link, levels in order) has no finding.
    assert!(!text(&out.stdout).contains("clean.md"));
}

#[test]
fn github_format_prints_workflow_commands() {
    let out = charter(&["check", "--format", "github"], &fixture());
    assert_eq!(out.status.code(), Some(1));
    // Inside a git repository the file is named from the repository's top, where GitHub looks.
    let stdout = text(&out.stdout).replace("file=tests/fixtures/check/site/", "file=");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), EXPECTED.len(), "{stdout}");
    for (line, (severity, code, file, at)) in lines.iter().zip(EXPECTED) {
        let prefix = format!("::{severity} file={file},line={at},title=charter {code}::");
        assert!(line.starts_with(&prefix), "expected `{prefix}…`, got `{line}`");
    }
    assert!(stdout.contains("::error file=content/notes/findings.md,line=13,title=charter external-link::the link `www.example.org` is malformed"), "{stdout}");
    // Messages stay on one line: the hint follows an escaped newline.
    assert!(lines.iter().all(|l| l.contains("%0Ahelp: ")), "{stdout}");
}

#[test]
fn human_format_names_file_and_line_on_stderr() {
    let out = charter(&["check"], &fixture());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    for needle in [
        "warning: content/notes/findings.md:2: the page has no description",
        "warning: content/notes/findings.md:7: the heading skips a level: h4 after h2",
        "error: content/notes/findings.md:9: the image `photo.jpg` has no alt text",
        "error: content/notes/findings.md:11: the image `raw.png` has no alt attribute",
        "error: content/notes/findings.md:13: the link `www.example.org` is malformed",
        "error: content/notes/findings.md:15: the link `htps://example.org/x` is malformed",
        "warning: content/notes/orphan.md:1: no other page links to this page (/notes/orphan/)",
        "4 errors found",
    ] {
        assert!(stderr.contains(needle), "missing `{needle}` in:\n{stderr}");
    }
    assert!(!stderr.contains('\u{1b}'), "NO_COLOR: no escape codes");
    // -q keeps the errors and drops the warnings.
    let quiet = text(&charter(&["-q", "check"], &fixture()).stderr);
    assert!(quiet.contains("alt-text") || quiet.contains("has no alt text"), "{quiet}");
    assert!(!quiet.contains("warning:"), "{quiet}");
}

#[test]
fn warnings_alone_pass_and_a_new_site_is_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    let init = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("init")
        .arg(&site)
        .output()
        .expect("run charter init");
    assert!(init.status.success(), "{}", text(&init.stderr));
    let out = charter(&["check", "--format", "json"], &site);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["errors"], 0, "{doc}");
    assert_eq!(doc["warnings"], 0, "a new site has nothing to report: {doc}");

    // A page without description is a warning only: still exit 0.
    std::fs::write(
        site.join("content/notes/second.md"),
        "---\ntitle: Second\ndate: 2026-01-03\n---\n\nText.\n",
    )
    .expect("write page");
    let out = charter(&["check", "--format", "github"], &site);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout).trim(), "::warning file=content/notes/second.md,line=2,title=charter description::the page has no description (search results and link previews show it)%0Ahelp: add `description: \"One or two sentences on what this page says.\"` to the front matter");
}

#[test]
fn build_errors_are_reported_in_the_chosen_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    let init = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("init")
        .arg(&site)
        .output()
        .expect("run charter init");
    assert!(init.status.success());
    std::fs::write(
        site.join("content/notes/broken.md"),
        "---\ntitle: Broken\ndescription: x\n---\n\nSee [nothing](@/notes/missing.md).\n",
    )
    .expect("write page");
    let out = charter(&["check", "--format", "github"], &site);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("::error file=content/notes/broken.md,line=6,"), "{stdout}");
}
