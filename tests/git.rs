//! Dates and people from git, on a temporary repository made by the test: `page.updated` from the
//! last commit when the front matter has none, `page.contributors` in the order of their first
//! commit, `edit_url`/`history_url` from `repository`, and the fallbacks (front matter wins, an
//! uncommitted file, no repository at all, `CHARTER_GIT=off`).

use std::path::Path;
use std::process::Command;

fn charter(root: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_charter"));
    cmd.args(args).arg("--root").arg(root).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run charter")
}

fn git(root: &Path, args: &[&str], author: Option<(&str, &str)>) {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root).args(args).env_remove("GIT_DIR").env_remove("GIT_WORK_TREE");
    if let Some((name, date)) = author {
        cmd.env("GIT_AUTHOR_NAME", name)
            .env(
                "GIT_AUTHOR_EMAIL",
                format!("{}@example.org", name.to_lowercase().replace(' ', ".")),
            )
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", "committer@example.org")
            .env("GIT_COMMITTER_DATE", date);
    }
    let out = cmd.output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A new site whose page template prints what git gave it.
fn site(dir: &Path, repository: bool) -> std::path::PathBuf {
    let root = dir.join("site");
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("init")
        .arg(&root)
        .output()
        .expect("charter init");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::create_dir_all(root.join("templates")).expect("templates folder");
    std::fs::write(
        root.join("templates/page.html"),
        "<p id=updated>{% if page.updated %}{{ page.updated }}{% endif %}</p>\n<p id=contributors>{% for c in page.contributors %}{{ c }};{% endfor %}</p>\n<p id=edit>{% if page.edit_url %}{{ page.edit_url }}{% endif %}</p>\n<p id=history>{% if page.history_url %}{{ page.history_url }}{% endif %}</p>\n",
    )
    .expect("write template");
    if repository {
        let yaml = root.join("site.yaml");
        let text = std::fs::read_to_string(&yaml).expect("read site.yaml");
        std::fs::write(&yaml, format!("{text}repository: https://github.com/example/site\n"))
            .expect("write site.yaml");
    }
    root
}

fn field(html: &str, id: &str) -> String {
    let start = format!("<p id={id}>");
    let from =
        html.find(&start).map(|i| i + start.len()).unwrap_or_else(|| panic!("no #{id} in {html}"));
    let len = html[from..].find("</p>").unwrap_or(0);
    html[from..from + len].to_string()
}

fn page(root: &Path, out: &str, path: &str) -> String {
    std::fs::read_to_string(root.join(out).join(path).join("index.html"))
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn init_repo(root: &Path) {
    git(root, &["init", "-q"], None);
    // The repository's own identity, so no global configuration is needed.
    git(root, &["config", "user.name", "Test Runner"], None);
    git(root, &["config", "user.email", "runner@example.org"], None);
    git(root, &["config", "commit.gpgsign", "false"], None);
}

#[test]
fn dates_and_contributors_come_from_the_history() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = site(dir.path(), true);
    init_repo(&root);
    git(&root, &["add", "-A"], None);
    git(
        &root,
        &["commit", "-q", "-m", "start"],
        Some(("Alice Author", "2025-03-01T10:00:00+00:00")),
    );
    let first = root.join("content/notes/first.md");
    let text = std::fs::read_to_string(&first).expect("read page");
    std::fs::write(&first, format!("{text}\nA second paragraph.\n")).expect("edit page");
    git(
        &root,
        &["commit", "-q", "-am", "edit"],
        Some(("Bob Builder", "2025-04-02T09:30:00+02:00")),
    );
    std::fs::write(&first, format!("{text}\nA third version.\n")).expect("edit page");
    git(
        &root,
        &["commit", "-q", "-am", "edit again"],
        Some(("Alice Author", "2025-05-03T08:00:00+00:00")),
    );
    // A page written after the last commit: never committed.
    std::fs::write(
        root.join("content/notes/draft-ish.md"),
        "---\ntitle: New\ndescription: Not committed yet.\ndate: 2026-01-05\n---\n\nNew.\n",
    )
    .expect("new page");

    let out = charter(&root, &["build"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let html = page(&root, "public", "notes/first");
    assert_eq!(field(&html, "updated"), "2025-05-03T08:00:00+00:00", "the last commit's date");
    assert_eq!(
        field(&html, "contributors"),
        "Alice Author;Bob Builder;",
        "first-commit order, each once"
    );
    assert_eq!(
        field(&html, "edit"),
        "https://github.com/example/site/edit/HEAD/content/notes/first.md"
    );
    assert_eq!(
        field(&html, "history"),
        "https://github.com/example/site/commits/HEAD/content/notes/first.md"
    );

    let bundle = page(&root, "public", "notes/bundle");
    assert_eq!(field(&bundle, "updated"), "2025-03-01T10:00:00+00:00");
    assert_eq!(field(&bundle, "contributors"), "Alice Author;");

    // Uncommitted: no date, nobody; the build is not disturbed.
    let fresh = page(&root, "public", "notes/draft-ish");
    assert_eq!(field(&fresh, "updated"), "");
    assert_eq!(field(&fresh, "contributors"), "");

    // `updated` in the front matter wins over git.
    let text = std::fs::read_to_string(&first).expect("read page");
    std::fs::write(
        &first,
        text.replacen("date: 2026-01-01\n", "date: 2026-01-01\nupdated: 2026-02-14\n", 1),
    )
    .expect("edit page");
    let out = charter(&root, &["build"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(field(&page(&root, "public", "notes/first"), "updated"), "2026-02-14");

    // CHARTER_GIT=off: no git facts at all.
    let off = root.join("off");
    let out = charter(
        &root,
        &["build", "--output", off.to_str().unwrap_or_default()],
        &[("CHARTER_GIT", "off")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bundle = page(&root, "off", "notes/bundle");
    assert_eq!(field(&bundle, "updated"), "");
    assert_eq!(field(&bundle, "contributors"), "");
}

#[test]
fn outside_a_repository_pages_keep_their_front_matter() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = site(dir.path(), false);
    // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temporary folder.
    let out = charter(
        &root,
        &["build"],
        &[("GIT_CEILING_DIRECTORIES", dir.path().to_str().unwrap_or_default())],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).trim().is_empty(),
        "no warning outside a repository: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = page(&root, "public", "notes/first");
    assert_eq!(field(&html, "updated"), "");
    assert_eq!(field(&html, "contributors"), "");
    assert_eq!(field(&html, "edit"), "", "no repository in site.yaml: no edit link");
}

#[test]
fn a_repository_without_commits_is_no_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = site(dir.path(), true);
    init_repo(&root);
    let out = charter(&root, &["build"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(field(&page(&root, "public", "notes/first"), "contributors"), "");
}
