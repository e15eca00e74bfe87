//! Safety cases for values: one validation per value (URL, date, path) wherever it comes from, bounded costs on hostile input.
//!
//! Also the importer's writes: whatever URL a Hugo or Jekyll page claims, nothing is written
//! outside DEST, and a page whose URL leaves the site is reported for a person.

#[allow(unused_imports)]
use crate::support::*;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';

/// No raw control character (other than newline and tab) reached the terminal.
fn assert_no_raw_controls(run: &Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let bad: Vec<char> =
            text.chars().filter(|c| c.is_control() && *c != '\n' && *c != '\t').collect();
        assert!(bad.is_empty(), "{name} carries raw control characters {bad:?}:\n{text:?}");
    }
}

// ---- base URL: one rule for site.yaml and --base-url ----

#[test]
fn site_yaml_base_url_with_another_scheme_is_refused_at_its_line() {
    let site = TestSite::new();
    for bad in [
        "javascript:alert(1)",
        "javascript://example.org/%0aalert(1)",
        "file:///etc/passwd",
        "//evil.example",
        "data:text/html,hi",
    ] {
        let run = site.refused_keeping_public(|s| {
            s.write(
                "site.yaml",
                format!("title: \"Test site\"\nbase_url: \"{bad}\"\ntaxonomies: [topics]\n"),
            )
        });
        run.assert_error(&[
            "site.yaml:2",
            "base_url",
            "not an absolute http(s) URL",
            "https://example.org",
        ]);
        site.write("site.yaml", SITE_YAML);
    }
}

#[test]
fn site_yaml_base_url_with_control_characters_or_spaces_is_refused_and_shown_escaped() {
    let site = TestSite::new();
    // YAML's own escapes (`\e`, `\a`) put ESC and BEL into the value.
    let run = site.refused_keeping_public(|s| s.write("site.yaml", "title: \"Test site\"\nbase_url: \"https://example.org/\\e[2J\\a\"\ntaxonomies: [topics]\n"));
    run.assert_error(&["site.yaml:2", "white space or control characters", "\\u{1b}"]);
    assert_no_raw_controls(&run);
    site.write("site.yaml", SITE_YAML);
    let run = site.refused_keeping_public(|s| {
        s.write(
            "site.yaml",
            "title: \"Test site\"\nbase_url: \"https://exa mple.org\"\ntaxonomies: [topics]\n",
        )
    });
    run.assert_error(&["site.yaml:2", "white space"]);
}

#[test]
fn command_line_base_url_goes_through_the_same_rule_and_is_a_usage_error() {
    let site = TestSite::new();
    site.build().assert_ok();
    let before = snapshot(&site.public());
    for bad in [
        "javascript:alert(1)",
        "not a url",
        "//evil.example",
        "file:///etc/passwd",
        " https://example.org",
        "https://example.org\u{1b}[31m",
        "https://user@evil.example",
        "https://example.org/?q=1",
        "https://example.org/#x",
        "https:\\\\evil.example",
        "https://example.org:99999",
        "https://example.org/../up",
    ] {
        let run = site.build_with(&["--base-url", bad]);
        assert_eq!(
            run.code,
            Some(2),
            "--base-url {bad:?} is a bad argument (exit 2)\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("--base-url") && run.stderr.contains("help:"),
            "{bad:?}: names the flag and says what to do\n{}",
            run.stderr
        );
        assert_no_raw_controls(&run);
        assert_same_tree(&before, &snapshot(&site.public()), "public/ after a refused --base-url");
    }
    // A good one is used everywhere, normalised like site.yaml's.
    site.build_with(&["--base-url", "HTTPS://staging.example.org/sub/"]).assert_ok();
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("https://staging.example.org/sub/good/"), "{sitemap}");
    assert!(!sitemap.contains("example.org/sub//"), "{sitemap}");
}

// ---- dates: a four-digit year, from front matter ----

#[test]
fn dates_outside_years_0000_to_9999_are_refused_at_their_line() {
    let site = TestSite::new();
    for (key, bad, year) in [
        ("date", "-2023-01-01", "-2023"),
        ("date", "+12023-01-01", "12023"),
        ("updated", "-0001-12-31", "-1"),
        ("date", "0000-01-01T00:30:00+01:00", "-1"),
        ("date", "9999-12-31T23:30:00-01:00", "10000"),
    ] {
        let run = site.refused_keeping_public(|s| {
            s.write(
                "content/good.md",
                format!("---\ntitle: \"Good page\"\n{key}: \"{bad}\"\n---\nText.\n"),
            )
        });
        run.assert_error(&[
            "content/good.md:3",
            key,
            &format!("the year {year} is outside 0000-9999"),
            "four-digit year",
        ]);
        site.write("content/good.md", GOOD_MD);
    }
}

#[test]
fn dates_at_the_year_boundaries_build_and_stay_valid_in_the_feed() {
    let site = TestSite::new();
    site.write("content/first.md", "---\ntitle: \"First\"\ndate: 0000-01-01\n---\nOld.\n");
    site.write("content/last.md", "---\ntitle: \"Last\"\ndate: 9999-12-31T23:59:59Z\n---\nNew.\n");
    site.build().assert_ok();
    let feed = site.read("atom.xml");
    assert!(feed.contains("0000-01-01T00:00:00+00:00"), "{feed}");
    assert!(feed.contains("9999-12-31T23:59:59+00:00"), "{feed}");
    assert!(!feed.contains(">-"), "no negative year in the feed: {feed}");
}

// ---- charter new: a path under content/ ----

#[test]
fn new_refuses_paths_that_are_empty_absolute_climbing_or_hidden() {
    let site = TestSite::new();
    let outside = site.outside("elsewhere");
    let abs = outside.join("abs.md");
    let abs = abs.to_string_lossy().into_owned();
    for (bad, needle) in [
        ("", "no page path given"),
        ("   ", "no page path given"),
        (abs.as_str(), "absolute path"),
        ("/x.md", "absolute path"),
        ("../x.md", "climbs out of content/"),
        ("a/../../x.md", "climbs out of content/"),
        ("content/../../x.md", "climbs out of content/"),
        (".md", "not a plain file or folder name"),
        (".hidden/x.md", "not a plain file or folder name"),
        ("a//b.md", "not a plain file or folder name"),
        ("C:/x.md", "absolute path"),
        ("\\\\server\\x.md", "absolute path"),
    ] {
        let before = snapshot(&site.root);
        let run = site.run(&["new", bad]);
        run.assert_error(&[needle, "proposal/new-page.md"]);
        assert_same_tree(
            &before,
            &snapshot(&site.root),
            &format!("the site after `charter new {bad:?}`"),
        );
    }
    assert!(
        std::fs::read_dir(&outside).expect("read").next().is_none(),
        "nothing written outside the site"
    );
    assert!(!site.root.parent().expect("parent").join("x.md").exists());
}

#[test]
fn new_with_control_characters_in_the_name_is_refused_and_shown_escaped() {
    let site = TestSite::new();
    let run = site.run(&["new", &format!("notes/a{ESC}]0;pwned{BEL}.md")]);
    run.assert_error(&["\\u{1b}", "not a plain file or folder name"]);
    assert_no_raw_controls(&run);
    assert!(!site.root.join("content/notes").exists());
    // A plain path still works.
    site.run(&["new", "notes/plain"]).assert_ok();
    assert!(site.root.join("content/notes/plain.md").is_file());
}

// ---- control characters reaching the terminal ----

#[test]
fn control_characters_from_a_source_line_and_a_file_name_are_escaped_in_errors() {
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| {
        s.write(
            "content/good.md",
            format!(
                "---\ntitle: \"Good{ESC}[31m page{BEL}\"\ndate: not-a-date{ESC}[2J\n---\nText.\n"
            ),
        );
    });
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("content/good.md:"), "{}", run.stderr);
    assert!(run.stderr.contains("\\u{1b}"), "shown escaped: {}", run.stderr);
    assert_no_raw_controls(&run);

    let site = TestSite::new();
    let name = format!("content/evil{ESC}[8m{BEL}.md");
    let run =
        site.refused_keeping_public(|s| s.write(&name, "---\ntitle: [unclosed\n---\nText.\n"));
    run.assert_error(&["content/evil\\u{1b}[8m\\u{7}.md:2"]);
    assert_no_raw_controls(&run);
}

// ---- bounded costs ----

#[test]
fn deep_raw_html_with_sanitize_is_refused_quickly_at_its_line() {
    let site = TestSite::new();
    site.write("site.yaml", format!("{SITE_YAML}markdown:\n  sanitize_html: true\n"));
    let started = Instant::now();
    let run = site.refused_keeping_public(|s| {
        s.write(
            "content/good.md",
            format!(
                "---\ntitle: \"Deep\"\n---\nIntro.\n\n{}x{}\n",
                "<div>".repeat(100_000),
                "</div>".repeat(100_000)
            ),
        );
    });
    run.assert_error(&["content/good.md:6", "nested more than 512 elements deep", "sanitize_html"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a hang, not a refusal: {:?}",
        started.elapsed()
    );
    assert!(
        run.stderr.len() < 4_000,
        "the offending line is shown shortened, not whole ({} bytes)",
        run.stderr.len()
    );
}

#[test]
fn deep_markdown_nesting_with_sanitize_is_refused_and_shallow_html_is_kept() {
    let site = TestSite::new();
    site.write("site.yaml", format!("{SITE_YAML}markdown:\n  sanitize_html: true\n"));
    let started = Instant::now();
    let run = site.refused_keeping_public(|s| {
        s.write(
            "content/good.md",
            format!("---\ntitle: \"Deep\"\n---\n{} quoted\n", ">".repeat(30_000)),
        )
    });
    run.assert_error(&["content/good.md:4", "more than 512 levels deep"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a hang, not a refusal: {:?}",
        started.elapsed()
    );
    // Ordinary nesting, void elements and unclosed `<p>`s are not counted as depth.
    let ordinary = format!(
        "---\ntitle: \"Fine\"\n---\n{}<img src=x.png><br><hr>{}inside{}\n",
        "<p>one".repeat(2000),
        "<div>".repeat(50),
        "</div>".repeat(50)
    );
    site.write("content/good.md", ordinary);
    site.build().assert_ok();
    assert!(site.read("good/index.html").contains("inside"));
}

#[test]
fn a_template_whose_component_calls_fan_out_stops_with_an_error_naming_it() {
    let site = TestSite::new();
    let started = Instant::now();
    let run = site.refused_keeping_public(|s| {
        s.write(
            "templates/page.html",
            "{% component fan(n: integer) %}x{% if n > 0 %}{{ <fan n={n - 1} /> }}{{ <fan n={n - 1} /> }}{{ <fan n={n - 1} /> }}{{ <fan n={n - 1} /> }}{% endif %}{% endcomponent fan %}\n<html><body>{{ <fan n={18} /> }}</body></html>\n",
        );
    });
    run.assert_error(&[
        "templates/page.html",
        "rendering the template `page.html`",
        "was stopped",
        "calls itself",
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "stopped by the bound, not killed: {:?}",
        started.elapsed()
    );
}

#[test]
fn a_template_that_fans_out_without_writing_is_still_stopped() {
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| {
        s.write(
            "templates/page.html",
            "{% component quiet(n: integer) %}{% if n > 0 %}{{ <quiet n={n - 1} /> }}{{ <quiet n={n - 1} /> }}{{ <quiet n={n - 1} /> }}{{ <quiet n={n - 1} /> }}{% endif %}{% endcomponent quiet %}\n<html><body>{{ <quiet n={18} /> }}</body></html>\n",
        );
    });
    assert!(
        run.stderr.contains("templates/page.html")
            && run.stderr.contains("was stopped")
            && run.stderr.contains("help:"),
        "{}",
        run.stderr
    );
}

// ---- import: every write inside DEST ----

/// A source site in a temporary folder, imported into `<tmp>/dest`, with `<tmp>/victim` beside.
struct ImportCase {
    tmp: tempfile::TempDir,
}

impl ImportCase {
    fn new() -> ImportCase {
        let case = ImportCase { tmp: tempfile::tempdir().expect("temp dir") };
        std::fs::create_dir_all(case.victim()).expect("victim folder");
        std::fs::write(case.victim().join("keep.md"), "precious").expect("victim file");
        case
    }
    fn source(&self) -> PathBuf {
        self.tmp.path().join("src")
    }
    fn dest(&self) -> PathBuf {
        self.tmp.path().join("work/dest")
    }
    fn victim(&self) -> PathBuf {
        self.tmp.path().join("victim")
    }
    fn write(&self, rel: &str, text: &str) {
        let path = self.source().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(path, text).expect("write");
    }
    fn import(&self, kind: &str, extra: &[&str]) -> Run {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_charter"));
        cmd.args(["import", kind])
            .arg(self.source())
            .arg(self.dest())
            .args(extra)
            .env("NO_COLOR", "1");
        run(cmd)
    }
    fn report(&self) -> String {
        std::fs::read_to_string(self.dest().join("import-report.md")).expect("the import report")
    }
    /// Every file under the temporary folder that is neither the source nor DEST.
    fn files_outside(&self) -> Vec<PathBuf> {
        walkdir::WalkDir::new(self.tmp.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().to_path_buf())
            .filter(|p| !p.starts_with(self.source()) && !p.starts_with(self.dest()))
            .collect()
    }
    fn assert_nothing_written_outside(&self) {
        assert_eq!(
            self.files_outside(),
            vec![self.victim().join("keep.md")],
            "only the victim's own file is outside DEST"
        );
        assert_eq!(
            std::fs::read_to_string(self.victim().join("keep.md")).expect("victim"),
            "precious"
        );
    }
}

fn hugo_site(case: &ImportCase) {
    case.write("hugo.toml", "baseURL = \"https://example.org/\"\ntitle = \"Hugo\"\n");
    case.write("content/posts/fine.md", "---\ntitle: Fine\n---\nA fine page.\n");
}

fn jekyll_site(case: &ImportCase) {
    case.write("_config.yml", "title: Jekyll\nurl: https://example.org\n");
    case.write("_posts/2020-01-02-fine.md", "---\ntitle: Fine\n---\nA fine post.\n");
}

/// The import succeeded, wrote nothing outside DEST, reported every page in `left_out` as not
/// imported (never as "published ... as Hugo did"), and DEST builds.
fn assert_confined(case: &ImportCase, run: &Run, left_out: &[&str]) {
    run.assert_ok();
    case.assert_nothing_written_outside();
    let report = case.report();
    assert!(
        report.contains("Pages and aliases not imported: their URL leaves the site"),
        "{report}"
    );
    for source in left_out {
        let line = report
            .lines()
            .find(|l| l.contains(source) && l.contains("climbs out of the site"))
            .unwrap_or_else(|| panic!("{source} is reported as leaving the site:\n{report}"));
        assert!(!line.contains("as Hugo did") && !line.contains("as Jekyll did"), "{line}");
        assert!(
            !report.lines().any(|l| l.contains(source)
                && (l.contains("as Hugo did") || l.contains("permalink kept"))),
            "no 'published as the source did' for {source}:\n{report}"
        );
    }
    assert!(
        run.stdout.contains("need") || run.stdout.contains("needs"),
        "the summary says a person is needed: {}",
        run.stdout
    );
    let build = run_build(&case.dest());
    build.assert_ok();
}

fn run_build(root: &Path) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_charter"));
    cmd.arg("build").arg("--root").arg(root).env("NO_COLOR", "1");
    run(cmd)
}

#[test]
fn hugo_url_and_slug_with_dot_dot_segments_write_nothing_outside_dest() {
    let case = ImportCase::new();
    hugo_site(&case);
    case.write(
        "content/posts/url.md",
        "---\ntitle: Url\nurl: /../../victim/keep/\n---\nOverwrite?\n",
    );
    case.write(
        "content/posts/slug.md",
        "---\ntitle: Slug\nslug: ../../../victim/slugged\n---\nEscape?\n",
    );
    case.write(
        "content/posts/back.md",
        "---\ntitle: Back\nurl: '/..\\..\\..\\victim\\back/'\n---\nBackslashes?\n",
    );
    case.write(
        "content/posts/enc.md",
        "---\ntitle: Enc\nurl: /%2e%2e/%2E%2e/victim/enc/\n---\nEncoded?\n",
    );
    let run = case.import("hugo", &[]);
    assert_confined(
        &case,
        &run,
        &["posts/url.md", "posts/slug.md", "posts/back.md", "posts/enc.md"],
    );
    assert!(case.dest().join("content/posts/fine.md").is_file(), "the fine page is imported");
}

#[test]
fn hugo_dot_dot_inside_the_site_resolves_and_aliases_out_of_the_site_are_left_out() {
    let case = ImportCase::new();
    hugo_site(&case);
    case.write("content/posts/inside.md", "---\ntitle: Inside\nurl: /a/../b/\naliases: ['/../../victim/alias/', '/old/']\n---\nInside.\n");
    let run = case.import("hugo", &[]);
    run.assert_ok();
    case.assert_nothing_written_outside();
    assert!(case.dest().join("content/b.md").is_file(), "`/a/../b/` is the page `/b/`");
    let front = std::fs::read_to_string(case.dest().join("content/b.md")).expect("read");
    assert!(front.contains("/old/") && !front.contains("victim"), "{front}");
    assert!(
        case.report().contains("the alias `/../../victim/alias/` climbs out of the site"),
        "{}",
        case.report()
    );
    run_build(&case.dest()).assert_ok();
}

#[test]
fn jekyll_permalinks_and_redirects_with_dot_dot_segments_write_nothing_outside_dest() {
    let case = ImportCase::new();
    jekyll_site(&case);
    case.write(
        "_posts/2020-01-03-up.md",
        "---\ntitle: Up\npermalink: /../../victim/keep.md\n---\nOverwrite?\n",
    );
    case.write(
        "about.md",
        "---\ntitle: About\npermalink: /a/../../../../victim/about/\n---\nEscape?\n",
    );
    case.write(
        "_posts/2020-01-04-red.md",
        "---\ntitle: Red\nredirect_from: ['/../../victim/r/']\n---\nRedirect.\n",
    );
    let run = case.import("jekyll", &[]);
    assert_confined(&case, &run, &["_posts/2020-01-03-up.md", "about.md"]);
    assert!(
        case.report().contains("the alias `/../../victim/r/` climbs out of the site"),
        "{}",
        case.report()
    );
}

#[test]
fn a_symlink_inside_dest_is_not_followed_by_the_import() {
    let case = ImportCase::new();
    hugo_site(&case);
    std::fs::create_dir_all(case.dest()).expect("dest");
    std::os::unix::fs::symlink(case.victim(), case.dest().join("content"))
        .expect("link DEST/content to the victim");
    let run = case.import("hugo", &["--force"]);
    run.assert_error(&["refused to write", "symbolic link"]);
    assert_eq!(
        walkdir::WalkDir::new(case.victim())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .count(),
        1,
        "nothing written through the link"
    );
}

#[test]
fn control_characters_in_imported_names_are_escaped_in_the_report_and_terminal() {
    let case = ImportCase::new();
    hugo_site(&case);
    case.write(
        &format!("content/posts/evil{ESC}[2J.md"),
        "---\ntitle: Evil\nurl: /../../gone/\n---\nx\n",
    );
    let run = case.import("hugo", &[]);
    run.assert_ok();
    assert_no_raw_controls(&run);
    let report = case.report();
    assert!(!report.contains(ESC), "no raw ESC in import-report.md");
    assert!(report.contains("evil\\u{1b}[2J.md"), "{report}");
    case.assert_nothing_written_outside();
}
