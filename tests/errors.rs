//! Bad input never breaks the site or loses work (issue 6).
//!
//! Every test builds a small site with the real binary. The failing cases first build the good
//! site, take a snapshot of `public/` (paths, bytes, modification times), add the broken files
//! from `tests/fixtures/invalid/<case>/` over the site, build again and check three things: the
//! exit code is 1, the message names the file (and line where there is one) and says what to do
//! (`help:`), and `public/` is byte for byte what the last good build wrote. Huge or hostile
//! inputs (a 50 MB file, 10,000 levels of nesting, YAML bombs) are generated at run time.

mod common;

use common::copy_tree;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// A small valid site, the binary, and snapshots of an output tree
// ---------------------------------------------------------------------------------------------

const SITE_YAML: &str =
    "title: \"Test site\"\nbase_url: \"https://example.org\"\ntaxonomies: [topics]\n";

const PAGE_HTML: &str = "<!doctype html><html><head><title>{{ page.title }}</title></head><body>\n<h1>{{ page.title }}</h1>\n{{ page.content | safe }}\n</body></html>\n";

const SECTION_HTML: &str = "<!doctype html><html><head><title>{{ section.title }}</title></head><body>\n<h1>{{ section.title }}</h1>\n<ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>\n<ul>{% for s in section.subsections %}<li><a href=\"{{ s.permalink }}\">{{ s.title }}</a></li>{% endfor %}</ul>\n{{ section.content | safe }}\n</body></html>\n";

const HOME_MD: &str = "---\ntitle: \"Home\"\n---\nWelcome.\n";
const GOOD_MD: &str = "---\ntitle: \"Good page\"\ndate: 2023-03-21\ntopics: [peace]\n---\nIntro.\n\n## Known heading\n\nText.\n";

struct TestSite {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "the build should succeed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Exit code 1 (not a crash, not a signal) and every `needle` in stderr, plus a `help:` line.
    fn assert_error(&self, needles: &[&str]) -> &Self {
        assert_eq!(
            self.code,
            Some(1),
            "the build should fail with exit code 1\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            self.stderr.contains("help:"),
            "the error should say what to do (help:)\n{}",
            self.stderr
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr should mention {n:?}\n--- stderr\n{}",
                self.stderr
            );
        }
        self
    }
}

fn fixture_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid").join(case)
}

impl TestSite {
    /// A site that builds: a home page, one page with a heading, templates for all three kinds.
    fn new() -> TestSite {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        let site = TestSite { _tmp: tmp, root };
        site.write("site.yaml", SITE_YAML);
        site.write("templates/page.html", PAGE_HTML);
        site.write("templates/section.html", SECTION_HTML);
        site.write("templates/index.html", SECTION_HTML);
        site.write("content/_index.md", HOME_MD);
        site.write("content/good.md", GOOD_MD);
        site
    }

    /// A scratch folder next to the site (not inside it).
    fn scratch(&self, name: &str) -> PathBuf {
        let p = self.root.parent().expect("site has a parent").join(name);
        std::fs::create_dir_all(&p).expect("create scratch folder");
        p
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(path, text).expect("write file");
    }

    /// Copies `tests/fixtures/invalid/<case>/` over the site.
    fn overlay(&self, case: &str) {
        let dir = fixture_dir(case);
        assert!(dir.is_dir(), "missing fixture {}", dir.display());
        copy_tree(&dir, &self.root);
    }

    fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_charter"));
        cmd.arg("build").arg("--root").arg(&self.root).args(args).env("NO_COLOR", "1");
        cmd
    }

    fn build(&self) -> Run {
        self.build_with(&[])
    }

    fn build_with(&self, args: &[&str]) -> Run {
        run(self.command(args))
    }

    fn build_into(&self, out: &Path) -> Run {
        let mut cmd = self.command(&[]);
        cmd.arg("--output").arg(out);
        run(cmd)
    }

    fn read(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().expect("run charter");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// Snapshots of an output tree, and the check that a refused build changed nothing: the same
// helpers as the safety cases'.
#[path = "safety/support.rs"]
mod safety_support;
use safety_support::{assert_same_tree, snapshot};

/// Builds the good site, adds the fixture `case`, builds again: the second build must fail and
/// leave `public/` exactly as the first wrote it. Returns the failed run.
fn fails_keeping_public(case: &str) -> Run {
    let site = TestSite::new();
    fails_keeping_public_in(&site, |s| s.overlay(case))
}

fn fails_keeping_public_in(site: &TestSite, break_it: impl FnOnce(&TestSite)) -> Run {
    site.build().assert_ok();
    assert!(site.public().join("good/index.html").is_file(), "the good build wrote the page");
    let before = snapshot(&site.public());
    break_it(site);
    let run = site.build();
    assert_eq!(
        run.code,
        Some(1),
        "the broken build should fail with exit code 1\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
    assert_same_tree(&before, &snapshot(&site.public()), "public/ after a failed build");
    run
}

// ---------------------------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------------------------

#[test]
fn front_matter_not_closed() {
    fails_keeping_public("fm_not_closed").assert_error(&[
        "content/bad.md:1",
        "not closed",
        "add a line `---`",
    ]);
}

#[test]
fn front_matter_in_toml_or_json_is_named_as_such() {
    fails_keeping_public("fm_toml").assert_error(&[
        "content/bad.md:1",
        "the front matter is TOML (`+++`)",
        "between `---` lines",
        "charter import hugo",
    ]);
    fails_keeping_public("fm_json").assert_error(&[
        "content/bad.md:1",
        "the front matter is JSON (`{`)",
        "between `---` lines",
    ]);
}

#[test]
fn front_matter_not_yaml() {
    fails_keeping_public("fm_not_yaml").assert_error(&[
        "content/bad.md:",
        "not valid YAML",
        "description: [this list is never closed",
    ]);
}

#[test]
fn front_matter_not_a_map() {
    fails_keeping_public("fm_not_a_map").assert_error(&["content/bad.md:2", "must be a map"]);
}

#[test]
fn front_matter_missing_title() {
    fails_keeping_public("fm_missing_title").assert_error(&[
        "content/bad.md:2",
        "no `title`",
        "add a line such as `title:",
    ]);
}

#[test]
fn front_matter_empty_title() {
    fails_keeping_public("fm_empty_title").assert_error(&["content/bad.md:2", "title is empty"]);
}

#[test]
fn front_matter_wrong_types_are_all_reported() {
    let run = fails_keeping_public("fm_wrong_types");
    run.assert_error(&[
        "content/draft.md:3",
        "`draft` must be true or false",
        "write `draft: true`",
        "content/weight.md:3",
        "`weight` must be a whole number",
        "content/date.md:3",
        "`date: 2023-13-45` is not a valid date",
    ]);
    assert!(run.stderr.contains("3 errors found"), "all three files are reported:\n{}", run.stderr);
}

#[test]
fn front_matter_duplicate_key() {
    fails_keeping_public("fm_duplicate_key").assert_error(&[
        "content/bad.md:4",
        "duplicate",
        "remove one of the two",
    ]);
}

#[test]
fn front_matter_tab_in_yaml() {
    fails_keeping_public("fm_tab").assert_error(&["content/bad.md:4", "tab", "indent with spaces"]);
}

#[test]
fn front_matter_bom_and_crlf_simply_work() {
    let site = TestSite::new();
    site.overlay("fm_bom_crlf");
    site.build().assert_ok();
    let html = site.read("windows/index.html");
    assert!(html.contains("<title>Saved on Windows</title>"), "{html}");
    assert!(html.contains("<p>First paragraph.</p>"), "{html}");
    assert!(html.contains("<h2 id=\"a-heading\">A heading</h2>"), "{html}");
    assert!(!html.contains('\u{feff}'), "the BOM must not leak into the page");
    assert!(!html.contains("---"), "the header must not leak into the page: {html}");
}

#[test]
fn front_matter_only_works() {
    let site = TestSite::new();
    site.overlay("fm_only");
    site.build().assert_ok();
    assert!(site.read("only/index.html").contains("<h1>Only a header</h1>"));
    assert!(site.read("only-no-newline/index.html").contains("<h1>Only a header, no newline</h1>"));
}

#[test]
fn empty_file_is_an_error() {
    fails_keeping_public("fm_empty_file").assert_error(&[
        "content/empty.md:1",
        "no front matter",
        "the file is empty",
    ]);
}

/// Classic "billion laughs": nine levels of nine aliases.
fn billion_laughs() -> String {
    let mut y = String::from("---\ntitle: \"Bomb\"\nextra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        y.push_str(&format!("  {}: &{} [{refs}]\n", w[1], w[1]));
    }
    y.push_str("---\nBody.\n");
    y
}

/// A quadratic bomb: one list anchored once and aliased thousands of times. serde_yaml's own
/// repetition limit (100 alias jumps per event) does not catch it: 20,000 aliases of a
/// 20,000-item list are 400 million values.
fn quadratic_bomb() -> String {
    let n = 20_000;
    let mut y = String::from("---\ntitle: \"Bomb\"\nextra:\n  a: &a [");
    y.push_str(&vec!["x"; n].join(","));
    y.push_str("]\n  b: [");
    y.push_str(&vec!["*a"; n].join(","));
    y.push_str("]\n---\nBody.\n");
    y
}

fn assert_bomb_fails_fast(text: String) {
    let site = TestSite::new();
    let started = Instant::now();
    let run = fails_keeping_public_in(&site, |s| s.write("content/bomb.md", text));
    let elapsed = started.elapsed();
    run.assert_error(&["content/bomb.md", "alias"]);
    assert!(elapsed < Duration::from_secs(10), "the YAML bomb took {elapsed:?}");
}

#[test]
fn yaml_bomb_billion_laughs_fails_fast() {
    assert_bomb_fails_fast(billion_laughs());
}

#[test]
fn yaml_bomb_quadratic_fails_fast() {
    assert_bomb_fails_fast(quadratic_bomb());
}

#[test]
fn yaml_bomb_in_site_yaml_and_data_fails_fast() {
    let bomb_body: String = billion_laughs()
        .lines()
        .skip(2)
        .take_while(|l| *l != "---")
        .map(|l| format!("{l}\n"))
        .collect();
    let site = TestSite::new();
    let run =
        fails_keeping_public_in(&site, |s| s.write("site.yaml", format!("{SITE_YAML}{bomb_body}")));
    run.assert_error(&["site.yaml", "alias"]);
    let site = TestSite::new();
    let data: String = quadratic_bomb()
        .lines()
        .skip(2)
        .take_while(|l| *l != "---")
        .map(|l| format!("{l}\n"))
        .collect();
    let started = Instant::now();
    let run = fails_keeping_public_in(&site, |s| s.write("data/bomb.yaml", data));
    run.assert_error(&["data/bomb.yaml", "alias"]);
    assert!(started.elapsed() < Duration::from_secs(10));
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_utf8_names_file_and_byte_offset() {
    // "---\ntitle: \"Latin-1\"\n---\nCaf" is 28 bytes; the Latin-1 é is byte 28, line 4, column 4.
    fails_keeping_public("text_invalid_utf8").assert_error(&[
        "content/latin1.md:4:4",
        "not valid UTF-8",
        "offset 28",
        "save the file as UTF-8",
    ]);
}

#[test]
fn nul_byte_is_a_clear_error() {
    fails_keeping_public("text_nul").assert_error(&["content/nul.md:4:5", "NUL", "remove the NUL"]);
}

/// Runs the child to completion while sampling its peak resident memory (VmHWM, in KiB).
fn run_measuring(mut cmd: Command, limit: Duration) -> (Run, Duration, u64) {
    let started = Instant::now();
    let mut child =
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn charter");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the build did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let mut stdout = String::new();
    let mut stderr = String::new();
    use std::io::Read;
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut stdout);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut stderr);
    }
    (Run { code: status.code(), stdout, stderr }, elapsed, peak_kib)
}

#[test]
fn fifty_megabyte_markdown_builds_in_bounded_time_and_memory() {
    let site = TestSite::new();
    let mut text = String::with_capacity(51 << 20);
    text.push_str("---\ntitle: \"Huge\"\n---\n");
    let mut i = 0usize;
    while text.len() < 50 << 20 {
        if i.is_multiple_of(500) {
            text.push_str(&format!("## Part {i}\n\n"));
        }
        text.push_str(&format!(
            "Paragraph {i} with *emphasis*, **strong text**, `code`, a [link](https://example.org/{i}) and plain words to fill the line out to a realistic length.\n\n"
        ));
        if i.is_multiple_of(50) {
            text.push_str("- one item\n- two items\n  - nested\n\n> a quote\n\n");
        }
        i += 1;
    }
    let input_len = text.len() as u64;
    site.write("content/huge.md", text);
    let (run, elapsed, peak_kib) = run_measuring(site.command(&[]), Duration::from_secs(120));
    run.assert_ok();
    let html = std::fs::metadata(site.public().join("huge/index.html"))
        .expect("the huge page was written")
        .len();
    assert!(html > input_len / 2, "the page holds the content ({html} bytes)");
    eprintln!("50 MB build: {elapsed:?}, peak memory {} MiB", peak_kib / 1024);
    assert!(elapsed < Duration::from_secs(60), "50 MB took {elapsed:?}");
    if peak_kib > 0 {
        assert!(peak_kib < 2 * 1024 * 1024, "50 MB used {} MiB", peak_kib / 1024);
    }
}

fn assert_deep_nesting_builds(body: String, sanitize: bool) {
    let site = TestSite::new();
    if sanitize {
        site.write("site.yaml", format!("{SITE_YAML}markdown: {{ sanitize_html: true }}\n"));
    }
    site.write("content/deep.md", format!("---\ntitle: \"Deep\"\n---\n{body}\n"));
    let (run, _, _) = run_measuring(site.command(&[]), Duration::from_secs(120));
    // A stack overflow ends the process with a signal: no exit code.
    assert!(run.code.is_some(), "the build crashed (signal)\n{}", run.stderr);
    run.assert_ok();
    assert!(site.read("deep/index.html").contains("deep"));
}

#[test]
fn ten_thousand_nested_blockquotes_do_not_overflow_the_stack() {
    assert_deep_nesting_builds(format!("{}deep", "> ".repeat(10_000)), false);
}

#[test]
fn ten_thousand_nested_lists_do_not_overflow_the_stack() {
    assert_deep_nesting_builds(
        format!("{}deep\n\n{}deep", "- ".repeat(10_000), "1. ".repeat(10_000)),
        false,
    );
}

#[test]
fn ten_thousand_nested_levels_with_sanitising_do_not_overflow_the_stack() {
    // With sanitising, nesting past 512 levels is refused (the sanitizer's HTML parser is
    // quadratic in depth, issue 12): a clean error, not a crash, each kind at its own line.
    let site = TestSite::new();
    site.write("site.yaml", format!("{SITE_YAML}markdown: {{ sanitize_html: true }}\n"));
    site.write(
        "content/deep.md",
        format!(
            "---\ntitle: \"Deep\"\n---\n{}deep\n\n{}deep\n\n{}deep</div>\n",
            "> ".repeat(10_000),
            "- ".repeat(10_000),
            "<div>".repeat(10_000)
        ),
    );
    let (run, _, _) = run_measuring(site.command(&[]), Duration::from_secs(120));
    assert!(run.code.is_some(), "the build crashed (signal)\n{}", run.stderr);
    run.assert_error(&["content/deep.md:8", "nested more than 512 elements deep", "sanitize_html"]);
    let site = TestSite::new();
    site.write("site.yaml", format!("{SITE_YAML}markdown: {{ sanitize_html: true }}\n"));
    site.write(
        "content/deep.md",
        format!("---\ntitle: \"Deep\"\n---\n{}deep\n", "> ".repeat(10_000)),
    );
    let (run, _, _) = run_measuring(site.command(&[]), Duration::from_secs(120));
    assert!(run.code.is_some(), "the build crashed (signal)\n{}", run.stderr);
    run.assert_error(&["content/deep.md", "more than 512 levels deep"]);
}

// ---------------------------------------------------------------------------------------------
// Paths and names
// ---------------------------------------------------------------------------------------------

#[test]
fn unsafe_slugs_are_refused() {
    fails_keeping_public("path_bad_slugs").assert_error(&[
        "content/dotdot.md:3",
        "content/slash.md:3",
        "content/backslash.md:3",
        "content/absolute.md:3",
        "content/url.md:3",
        "not a single safe path segment",
        "a slug is one URL segment",
    ]);
}

/// A name the file system would refuse (over 255 bytes) is refused before anything is written,
/// at the line that makes it, instead of failing the write with the system's error.
#[test]
fn names_longer_than_file_systems_take_are_refused_at_their_line() {
    let run = fails_keeping_public("path_name_too_long");
    run.assert_error(&[
        "content/long-slug.md:3",
        "has a name of 300 bytes, and file systems take at most 255",
        "content/long-alias.md:3",
        "has a name of 270 bytes",
        // A term's page is named at the first page that has the term, where a person renames it.
        "content/long-term.md:3: the `topics` term page of \"security security",
        "has a name of 269 bytes",
        "rename the term on the pages that have it",
    ]);
    assert!(!run.stderr.contains("os error"), "the plan refuses it, not the write: {}", run.stderr);
}

/// A term whose URL would be `topics/./` or `topics/../` is refused at its page's line (its slug
/// has nothing to be made of), not later as a path of the output.
#[test]
fn terms_of_dots_alone_are_refused_at_their_line() {
    let run = fails_keeping_public("path_bad_terms");
    run.assert_error(&[
        "content/dots.md:3: the term \".\" of `topics` has no letter or digit",
        "content/dots.md:3: the term \"..\" of `topics`",
        "content/listed.md:3: the term \"..\" of `topics`",
        "give the term a letter or digit",
    ]);
    assert!(run.stderr.contains("3 errors found"), "`...` is a name: {}", run.stderr);
}

#[test]
fn unsafe_aliases_are_refused() {
    let run = fails_keeping_public("path_bad_aliases");
    run.assert_error(&[
        "content/aliased.md:",
        "the alias `../../outside`",
        "the alias `old\\path`",
        "the alias `/etc/../../passwd`",
        "the alias `https://evil.example/x`",
        "the alias `//evil.example/x`",
        "an alias is a path on this site",
    ]);
}

#[test]
fn two_pages_writing_the_same_file_are_named_both() {
    fails_keeping_public("path_same_output").assert_error(&[
        "content/first.md",
        "content/second.md",
        "/second/",
    ]);
}

#[test]
fn names_differing_only_in_case_are_refused() {
    fails_keeping_public("path_case_only").assert_error(&[
        "content/About.md",
        "content/about.md",
        "only in letter case",
    ]);
}

#[test]
fn slug_colliding_with_a_static_file_is_refused() {
    fails_keeping_public("path_static_collision").assert_error(&[
        "static/logo/index.html",
        "content/logo.md",
        "logo/index.html",
    ]);
}

#[test]
fn a_static_file_on_a_generated_output_says_how_to_resolve_it() {
    // static/atom.xml and static/sitemap.xml: generated files; the hint fits each (no "slug").
    let run = fails_keeping_public("path_static_generated");
    run.assert_error(&[
        "static/atom.xml",
        "the generated site feed",
        "feed: false",
        "static/sitemap.xml",
        "the generated sitemap",
        "rename the static file",
    ]);
    assert!(!run.stderr.contains("slug"), "{}", run.stderr);
}

#[test]
fn non_ascii_names_and_slugs_work_and_are_percent_encoded() {
    let site = TestSite::new();
    site.overlay("path_non_ascii");
    site.build().assert_ok();
    assert!(site.read("café/index.html").contains("<h1>Café</h1>"));
    assert!(site.read("naïve-über/index.html").contains("<h1>Naïve</h1>"));
    assert!(site.read("日本/東京/index.html").contains("<h1>Tokyo</h1>"));
    let home = site.read("index.html");
    assert!(home.contains("href=\"https://example.org/caf%C3%A9/\""), "{home}");
    assert!(home.contains("href=\"https://example.org/na%C3%AFve-%C3%BCber/\""), "{home}");
    let cafe = site.read("café/index.html");
    assert!(cafe.contains("href=\"/%E6%97%A5%E6%9C%AC/\""), "{cafe}");
    let tokyo = site.read("日本/東京/index.html");
    assert!(tokyo.contains("href=\"/caf%C3%A9/\""), "{tokyo}");
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains("https://example.org/%E6%97%A5%E6%9C%AC/%E6%9D%B1%E4%BA%AC/"),
        "{sitemap}"
    );
}

#[test]
fn symlink_pointing_outside_the_site_is_refused() {
    let site = TestSite::new();
    let outside = site.scratch("outside");
    std::fs::write(outside.join("secret.md"), "---\ntitle: \"Secret\"\n---\nprivate\n")
        .expect("write");
    std::fs::write(outside.join("passwd"), "root:x:0:0").expect("write");
    let run = fails_keeping_public_in(&site, |s| {
        std::os::unix::fs::symlink(outside.join("secret.md"), s.root.join("content/secret.md"))
            .expect("symlink");
        std::os::unix::fs::symlink(&outside, s.root.join("content/outside-dir")).expect("symlink");
    });
    run.assert_error(&[
        "content/secret.md",
        "content/outside-dir",
        "points outside the site",
        "copy the file into the site",
    ]);
}

#[test]
fn symlink_loops_are_refused() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        std::fs::create_dir_all(s.root.join("content/docs")).expect("mkdir");
        std::os::unix::fs::symlink(s.root.join("content"), s.root.join("content/docs/back-to-top"))
            .expect("symlink");
        std::os::unix::fs::symlink("self-a", s.root.join("content/self-b")).expect("symlink");
        std::os::unix::fs::symlink("self-b", s.root.join("content/self-a")).expect("symlink");
    });
    run.assert_error(&[
        "content/docs/back-to-top",
        "symlink loop",
        "content/self-a",
        "content/self-b",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// Builds the good site into public/, then runs `charter build --output <out>`, which must be
/// refused with the site, public/ and `out` untouched.
fn assert_output_refused(
    site: &TestSite,
    out: &Path,
    extra_env: &[(&str, OsString)],
    needle: &str,
) {
    site.build().assert_ok();
    let public_before = snapshot(&site.public());
    let site_before = snapshot(&site.root);
    let out_before = if out.parent().is_some() && !out.starts_with(&site.root) {
        Some(snapshot(out))
    } else {
        None
    };
    let mut cmd = site.command(&[]);
    cmd.arg("--output").arg(out);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let run = run(cmd);
    run.assert_error(&["refusing to write the site into", needle, "choose an empty folder"]);
    assert_same_tree(&public_before, &snapshot(&site.public()), "public/");
    assert_same_tree(&site_before, &snapshot(&site.root), "the site");
    if let Some(before) = out_before {
        assert_same_tree(&before, &snapshot(out), "the output folder");
    }
}

#[test]
fn output_at_the_site_root_is_refused() {
    let site = TestSite::new();
    let root = site.root.clone();
    assert_output_refused(&site, &root, &[], "the site's own folder");
}

#[test]
fn output_in_content_is_refused() {
    let site = TestSite::new();
    let content = site.root.join("content");
    assert_output_refused(&site, &content, &[], "content/");
    let nested = site.root.join("content/generated");
    assert_output_refused(&site, &nested, &[], "content/");
    assert!(!nested.exists());
}

/// A build keeps its rendered bodies in a scratch file inside the output folder until it writes
/// the pages. The file never has a name, so a build leaves nothing but its output; and an output
/// folder that did not exist is made for the scratch file and removed again, so a build that
/// then fails (after the bodies are rendered: a missing anchor; while pages are written: a
/// template error) leaves no folder behind.
#[test]
fn the_scratch_file_of_the_rendered_bodies_leaves_nothing_behind() {
    for case in ["links_missing_anchor", "tpl_runtime"] {
        let site = TestSite::new();
        site.overlay(case);
        let scratch = site.scratch("elsewhere");
        let out = scratch.join("new/deeper/public");
        site.build_into(&out).assert_error(&[]);
        assert!(!scratch.join("new").exists(), "{case}: a failed build leaves no folder behind");
    }
    let site = TestSite::new();
    let out = site.scratch("elsewhere").join("new/public");
    site.build_into(&out).assert_ok();
    let manifest = std::fs::read_to_string(out.join(".charter-manifest")).expect("the manifest");
    let mut listed: Vec<String> = manifest.lines().map(str::to_string).collect();
    listed.retain(|l| !l.is_empty());
    let mut present: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.expect("a readable output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&out).expect("inside the output");
            rel.to_string_lossy().replace('\\', "/")
        })
        .filter(|rel| !rel.starts_with(".charter-"))
        .collect();
    present.sort();
    listed.sort();
    assert_eq!(present, listed, "the output holds what the manifest lists, and nothing else");
}

/// A path that reaches a protected folder through a folder that does not exist yet, or through a
/// symbolic link, is refused as the folder it leads to: the system would make `public/` and then
/// write into `content/`.
#[test]
fn output_that_leads_into_the_site_by_another_way_is_refused() {
    let site = TestSite::new();
    let root = &site.root;
    assert_output_refused(&site, &root.join("not-yet/../content"), &[], "content/");
    assert!(!root.join("not-yet").exists());
    assert_output_refused(&site, &root.join("a/b/../../templates/x"), &[], "templates/");
    assert_output_refused(&site, &root.join("not-yet/.."), &[], "the site's own folder");
    assert_output_refused(&site, &root.join("content/../not-yet/../.."), &[], "contains the site");
    let link = site.scratch("links").join("to-content");
    std::os::unix::fs::symlink(root.join("content"), &link).expect("symlink");
    assert_output_refused(&site, &link.join("generated"), &[], "content/");
    assert_output_refused(&site, &link.join("new/../../static"), &[], "static/");
}

#[test]
fn output_at_the_file_system_root_is_refused() {
    let site = TestSite::new();
    assert_output_refused(&site, Path::new("/"), &[], "the file system root");
    assert!(!Path::new("/.charter-manifest").exists() && !Path::new("/good").exists());
}

#[test]
fn output_at_the_home_folder_is_refused() {
    let site = TestSite::new();
    // An empty stand-in home folder: refused because it is home, not because it holds files.
    let home = site.scratch("home");
    assert_output_refused(
        &site,
        &home,
        &[("HOME", home.clone().into_os_string())],
        "your home folder",
    );
    assert_eq!(std::fs::read_dir(&home).expect("read home").count(), 0);
}

#[test]
fn output_folder_with_foreign_files_is_refused_unless_charter_wrote_it() {
    let site = TestSite::new();
    let foreign = site.scratch("somebody-elses");
    std::fs::write(foreign.join("thesis.docx"), "years of work").expect("write");
    assert_output_refused(&site, &foreign, &[], "holds files Charter did not write");
    assert_eq!(
        std::fs::read_to_string(foreign.join("thesis.docx")).expect("still there"),
        "years of work"
    );
    // A folder Charter wrote before (it has the manifest) is fine, and only Charter's files change.
    let previous = site.scratch("previous");
    site.build_into(&previous).assert_ok();
    assert!(previous.join(".charter-manifest").is_file());
    std::fs::write(previous.join("notes.txt"), "kept").expect("write");
    site.build_into(&previous).assert_ok();
    assert_eq!(std::fs::read_to_string(previous.join("notes.txt")).expect("kept"), "kept");
}

/// Mounts a tmpfs at `dir` with `options`, if this process may (root on Linux, not in every
/// container). Returns a guard that unmounts it.
struct Mount(PathBuf);

impl Mount {
    fn try_new(dir: &Path, options: &str) -> Option<Mount> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| Mount(dir.to_path_buf()))
    }

    fn remount(&self, options: &str) -> bool {
        Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// `public/` is a read-only mount (or, where mounting is not allowed, every write fails through
/// Charter's injected-failure hook `CHARTER_FAIL_WRITE_AFTER`): the build fails, public/ is intact.
#[test]
fn read_only_output_folder_fails_and_keeps_the_previous_output() {
    let site = TestSite::new();
    let public = site.public();
    std::fs::create_dir_all(&public).expect("mkdir public");
    let mount = Mount::try_new(&public, "size=8m");
    site.build().assert_ok();
    let before = snapshot(&public);
    site.write("content/good.md", GOOD_MD.replace("Text.", "Edited text."));
    let run = match &mount {
        Some(m) if m.remount("ro") => site.build(),
        _ => {
            if !cfg!(feature = "fault-injection") {
                eprintln!("skipped: mount not permitted, and failure injection needs --features fault-injection");
                return;
            }
            eprintln!("mount not permitted: injecting write failures instead");
            let mut cmd = site.command(&[]);
            cmd.env("CHARTER_FAIL_WRITE_AFTER", "0");
            run(cmd)
        }
    };
    run.assert_error(&["could not"]);
    assert_same_tree(&before, &snapshot(&public), "read-only public/");
    drop(mount);
}

/// A full disk: a 1 MiB tmpfs and a 2 MiB static file (or the injected failure after a few writes).
#[test]
fn full_disk_fails_and_keeps_the_previous_output() {
    let site = TestSite::new();
    let public = site.public();
    std::fs::create_dir_all(&public).expect("mkdir public");
    let mount = Mount::try_new(&public, "size=1m");
    site.build().assert_ok();
    let before = snapshot(&public);
    let run = if mount.is_some() {
        let big: Vec<u8> =
            (0..(2u32 << 20)).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        site.write("static/big.bin", big);
        site.write("content/good.md", GOOD_MD.replace("Text.", "Edited text."));
        let run = site.build();
        run.assert_error(&["disk is full"]);
        run
    } else {
        if !cfg!(feature = "fault-injection") {
            eprintln!("skipped: mount not permitted, and failure injection needs --features fault-injection");
            return;
        }
        eprintln!("mount not permitted: injecting write failures instead");
        site.write("content/good.md", GOOD_MD.replace("Text.", "Edited text."));
        let mut cmd = site.command(&[]);
        cmd.env("CHARTER_FAIL_WRITE_AFTER", "2");
        run(cmd)
    };
    run.assert_error(&["could not"]);
    assert_same_tree(&before, &snapshot(&public), "public/ on a full disk");
    drop(mount);
}

/// Whether this test binary can inject failures (built with `--features fault-injection`, as
/// scripts/test.sh does for these tests); the release binary cannot.
fn can_inject_failures() -> bool {
    if !cfg!(feature = "fault-injection") {
        eprintln!("skipped: failure injection needs `cargo test --features fault-injection`");
    }
    cfg!(feature = "fault-injection")
}

#[test]
fn injected_write_failure_keeps_the_previous_output() {
    if !can_inject_failures() {
        return;
    }
    let site = TestSite::new();
    site.build().assert_ok();
    let before = snapshot(&site.public());
    site.write("content/good.md", GOOD_MD.replace("Text.", "Edited text."));
    for after in ["0", "1"] {
        let mut cmd = site.command(&[]);
        cmd.env("CHARTER_FAIL_WRITE_AFTER", after);
        run(cmd).assert_error(&["could not write the output file", "injected"]);
        assert_same_tree(&before, &snapshot(&site.public()), "public/ after an injected failure");
    }
    site.build().assert_ok();
    assert!(site.read("good/index.html").contains("Edited text."));
}

/// A first build (no output folder yet: its commit moves each top-level folder in one rename)
/// whose move phase fails after each number of moves: the next command finishes it, and the
/// output is the whole site.
#[test]
fn swap_failing_part_way_in_a_first_build_is_finished_by_the_next_command() {
    if !can_inject_failures() {
        return;
    }
    let site = TestSite::new();
    site.write("content/fresh/new-page.md", "---\ntitle: \"New\"\ntopics: [fresh]\n---\nNew.\n");
    site.build().assert_ok();
    let whole = site.read(".charter-manifest");
    let mut failed_once = false;
    for after in 0..12 {
        std::fs::remove_dir_all(site.public()).expect("remove the output");
        let mut cmd = site.command(&[]);
        cmd.env("CHARTER_FAIL_MOVE_AFTER", after.to_string());
        let failed = run(cmd);
        if failed.code == Some(0) {
            break; // fewer top-level entries than `after`: nothing failed
        }
        failed_once = true;
        failed.assert_error(&["could not move the output file into place", "injected"]);
        // The next build, even one that fails on a content error, finishes the commit first
        // (it does not refuse the half-moved output as someone else's folder).
        site.write("content/broken.md", "---\ntitle: [unclosed\n---\nx\n");
        let next = run(site.command(&[]));
        std::fs::remove_file(site.root.join("content/broken.md")).expect("remove broken.md");
        next.assert_error(&["content/broken.md"]);
        assert_eq!(site.read(".charter-manifest"), whole, "after a move failing at {after}");
        for file in whole.lines() {
            assert!(
                site.public().join(file).is_file(),
                "{file} missing after a move failing at {after}"
            );
        }
        for leftover in [".charter-commit", ".charter-staging"] {
            assert!(!site.public().join(leftover).exists(), "{leftover} left after {after}");
        }
    }
    assert!(failed_once, "no move failed");
}

/// The move phase fails part-way (a rename fails): the build reports it, and the next command
/// that opens the output (here `charter check`) finishes the commit from its journal, so public/
/// is wholly the new build, new folders and all, with nothing of the commit left over.
#[test]
fn swap_failing_part_way_is_finished_by_the_next_command() {
    if !can_inject_failures() {
        return;
    }
    let site = TestSite::new();
    site.build().assert_ok();
    site.write("content/fresh/new-page.md", "---\ntitle: \"New\"\ntopics: [fresh]\n---\nNew.\n");
    site.write("static/css/new.css", "body { color: red }");
    for after in 0..8 {
        site.write("content/good.md", GOOD_MD.replace("Text.", &format!("Edited text {after}.")));
        site.write(
            "content/_index.md",
            HOME_MD.replace("Welcome.", &format!("Welcome back {after}.")),
        );
        let mut cmd = site.command(&[]);
        cmd.env("CHARTER_FAIL_MOVE_AFTER", after.to_string());
        let failed = run(cmd);
        if failed.code == Some(0) {
            break; // fewer files than `after`: nothing failed
        }
        failed.assert_error(&[
            "could not move the output file into place",
            "injected",
            "the next `charter` command",
        ]);
        let mut check = Command::new(env!("CARGO_BIN_EXE_charter"));
        check.arg("check").arg("--root").arg(&site.root).env("NO_COLOR", "1");
        run(check).assert_ok();
        assert!(
            site.read("good/index.html").contains(&format!("Edited text {after}.")),
            "after a move failing at {after}"
        );
        assert!(site.read("index.html").contains(&format!("Welcome back {after}.")));
        assert!(site.read("fresh/new-page/index.html").contains("New."));
        assert!(site.read(".charter-manifest").lines().any(|l| l == "css/new.css"));
        for leftover in [".charter-commit", ".charter-staging"] {
            assert!(
                !site.public().join(leftover).exists(),
                "{leftover} left after a move failing at {after}"
            );
        }
    }
    site.build().assert_ok();
}

/// A symlink planted in the output folder is not written through.
#[test]
fn symlink_in_the_output_is_not_followed() {
    let site = TestSite::new();
    site.build().assert_ok();
    let outside = site.scratch("elsewhere");
    std::fs::write(outside.join("index.html"), "not Charter's").expect("write");
    std::fs::remove_dir_all(site.public().join("good")).expect("remove");
    std::os::unix::fs::symlink(&outside, site.public().join("good")).expect("symlink");
    let before = snapshot(&site.public());
    let outside_before = snapshot(&outside);
    site.write("content/good.md", GOOD_MD.replace("Text.", "Edited text."));
    site.build().assert_error(&["public/good is a symlink", "does not write through symlinks"]);
    assert_same_tree(&before, &snapshot(&site.public()), "public/");
    assert_same_tree(&outside_before, &snapshot(&outside), "the folder the symlink points to");
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

#[test]
fn template_syntax_error() {
    fails_keeping_public("tpl_syntax").assert_error(&["templates/page.html:", "syntax error"]);
}

#[test]
fn template_unknown_filter() {
    // The excerpt is the site's template line, whatever folder the command runs in (the test's
    // is the repository's, which has no `templates/page.html`).
    fails_keeping_public("tpl_unknown_filter").assert_error(&[
        "templates/page.html:2",
        "shout",
        "check the filter's name",
        "2 | <h1>{{ page.title | shout }}</h1>",
    ]);
}

#[test]
fn template_unknown_function() {
    fails_keeping_public("tpl_unknown_function").assert_error(&[
        "templates/page.html:3",
        "fetch_weather",
        "check the function's name",
    ]);
}

#[test]
fn template_missing() {
    fails_keeping_public("tpl_missing").assert_error(&[
        "content/wide.md",
        "wide.html",
        "does not exist",
    ]);
}

#[test]
fn template_including_a_missing_template() {
    fails_keeping_public("tpl_missing_include").assert_error(&["_nowhere.html"]);
}

#[test]
fn template_including_itself() {
    fails_keeping_public("tpl_self_include").assert_error(&[
        "page.html",
        "includes itself",
        "break the loop",
    ]);
}

#[test]
fn template_runtime_error_names_each_page() {
    let run = fails_keeping_public("tpl_runtime");
    run.assert_error(&[
        "templates/page.html:3",
        "content/broken-one.md",
        "content/broken-two.md",
        "nowhere.md",
        "also-missing.md",
        "3 | {% if page.extra.related %}",
    ]);
    assert!(!run.stderr.contains("content/fine.md"), "{}", run.stderr);
    assert!(run.stderr.contains("2 errors found"), "{}", run.stderr);
}

#[test]
fn a_page_where_a_language_home_without_a_file_goes_names_that_home() {
    // `content/uk.md` and the Ukrainian home page (no `_index.uk.md`) both write /uk/: the
    // message named the home page's file, which it has none of, as an empty name.
    let run = fails_keeping_public_in(&TestSite::new(), |s| {
        s.write("site.yaml", format!("{SITE_YAML}languages:\n  uk:\n    title: \"Сайт\"\n"));
        s.write("content/uk.md", "---\ntitle: \"UK\"\n---\nx\n");
    });
    run.assert_error(&[
        "content/uk.md",
        "would write /uk/, which the `uk` home page (made without a file) also writes",
    ]);
    assert!(!run.stderr.contains("which  also"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

#[test]
fn link_to_a_missing_page() {
    fails_keeping_public("links_missing_page").assert_error(&[
        "content/linker.md:6",
        "@/gone.md",
        "does not exist",
    ]);
}

#[test]
fn link_to_a_missing_anchor() {
    fails_keeping_public("links_missing_anchor").assert_error(&[
        "content/linker.md:6",
        "#no-such-heading",
        "anchors in content/good.md: known-heading",
    ]);
}

#[test]
fn alias_shadowing_a_real_page() {
    fails_keeping_public("links_alias_shadows").assert_error(&[
        "content/old.md:5",
        "the alias /good/ shadows content/good.md",
        "remove the alias",
    ]);
}

#[test]
fn one_alias_on_two_pages() {
    fails_keeping_public("links_alias_twice").assert_error(&[
        "content/two.md:4",
        "the alias /old-home/ is also an alias of content/one.md",
        "remove one of the two aliases",
    ]);
}

#[test]
fn section_alias_shadowing_a_real_page() {
    fails_keeping_public("links_section_alias_shadows").assert_error(&[
        "content/old/_index.md:5",
        "the alias /good/ shadows content/good.md",
        "remove the alias",
    ]);
}

#[test]
fn one_alias_on_a_page_and_a_section() {
    fails_keeping_public("links_section_alias_twice").assert_error(&[
        "content/news/_index.md:4",
        "the alias /old-news/ is also an alias of content/one.md",
        "remove one of the two aliases",
    ]);
}

#[test]
fn a_section_alias_on_a_generated_file_names_both_producers() {
    // `/atom.xml` is no page's URL (the content checks pass); the output plan refuses it.
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\naliases: [/atom.xml/]\n---\n")
    });
    run.assert_error(&["content/news/_index.md", "the alias /atom.xml/ of content/news/_index.md"]);
}

#[test]
fn unsafe_section_aliases_are_refused() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\naliases: [\"../../outside\"]\n---\n")
    });
    run.assert_error(&[
        "content/news/_index.md:3",
        "the alias `../../outside`",
        "an alias is a path on this site",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

#[test]
fn a_page_in_the_folder_of_the_pagers_names_both_producers() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\npaginate_by: 1\n---\n");
        s.write("content/news/first.md", "---\ntitle: First\n---\n");
        s.write("content/news/page.md", "---\ntitle: A page called page\n---\n");
    });
    run.assert_error(&[
        "content/news/page.md",
        "would write news/page/index.html, but news/page/ is the folder of the pagers of the list of content/news/_index.md",
        "give the page another `slug:` or file name or choose another `paginate_path:` in content/news/_index.md",
    ]);
}

#[test]
fn a_clash_found_by_the_output_plan_gives_the_line_of_the_slug() {
    // `charter build` releases what only the values read before it plans the outputs: the
    // lines of the front matter keys must stay for the plan's messages.
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\npaginate_by: 1\n---\n");
        s.write("content/news/first.md", "---\ntitle: First\n---\n");
        s.write("content/news/x.md", "---\ntitle: X\ndate: 2020-01-01\nslug: page\n---\n");
    });
    run.assert_error(&["content/news/x.md:4", "news/page/ is the folder of the pagers"]);
}

#[test]
fn a_pager_and_a_page_on_one_path_name_both_producers() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\npaginate_by: 1\n---\n");
        s.write("content/news/one.md", "---\ntitle: One\n---\n");
        s.write("content/news/two.md", "---\ntitle: Two\n---\n");
        s.write("content/news/page/_index.md", "---\ntitle: Page\n---\n");
        s.write("content/news/page/2.md", "---\ntitle: Two again\n---\n");
    });
    run.assert_error(&[
        "would both write news/page/2/index.html",
        "pager 2 of the list of content/news/_index.md",
        "content/news/page/2.md",
    ]);
}

#[test]
fn the_old_paginate_key_is_an_error_that_names_paginate_by() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\npaginate: 10\n---\n");
    });
    run.assert_error(&[
        "content/news/_index.md:3",
        "`paginate` is not a Charter key",
        "write `paginate_by: 10`",
    ]);
}

#[test]
fn paginate_by_must_be_a_positive_whole_number_and_paginate_path_needs_it() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\npaginate_by: 0\n---\n");
        s.write("content/more/_index.md", "---\ntitle: More\npaginate_path: p\n---\n");
        s.write(
            "content/odd/_index.md",
            "---\ntitle: Odd\npaginate_by: 2\npaginate_path: \"12\"\n---\n",
        );
    });
    run.assert_error(&[
        "content/news/_index.md:3",
        "`paginate_by` must be a whole number above 0, not a number",
        "content/more/_index.md:3",
        "`paginate_path` is set but there is no `paginate_by`",
        "content/odd/_index.md:4",
        "`paginate_path: 12` is a number",
    ]);
}

#[test]
fn a_key_where_it_does_not_apply_is_an_error() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/sorted.md", "---\ntitle: Sorted\nsort_by: date\nfeed: true\n---\n");
        s.write("content/news/_index.md", "---\ntitle: News\nslug: headlines\n---\n");
    });
    run.assert_error(&[
        "content/sorted.md:3",
        "`sort_by` only applies to sections (`_index.md`), not to a page",
        "content/sorted.md:4",
        "`feed` only applies to sections",
        "content/news/_index.md:3",
        "`slug` only applies to pages: a section's URL is its folder",
        "rename the folder",
    ]);
}

#[test]
fn feed_in_the_home_section_is_an_error_that_points_to_site_yaml() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/_index.md", "---\ntitle: Home\nfeed: true\n---\n");
    });
    run.assert_error(&[
        "content/_index.md:3",
        "`feed: true` in the home section does nothing",
        "switch the site feed with `feed:` in site.yaml",
    ]);
}

#[test]
fn a_section_term_on_no_page_is_an_error() {
    let site = TestSite::new();
    let run = fails_keeping_public_in(&site, |s| {
        s.write("content/news/_index.md", "---\ntitle: News\ntopics: [peace, nowhere]\n---\n");
    });
    run.assert_error(&[
        "content/news/_index.md:3",
        "the section's topics term \"nowhere\" is on no page, so it has no page to link to",
        "give one of the section's pages `topics: [\"nowhere\"]`",
    ]);
    assert!(!run.stderr.contains("\"peace\""), "peace is on good.md: {}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

#[test]
fn raw_html_is_kept_by_default_and_titles_are_escaped() {
    let site = TestSite::new();
    site.overlay("html_raw");
    site.build().assert_ok();
    let html = site.read("raw/index.html");
    assert!(
        html.contains("<div class=\"callout\" onclick=\"steal()\">Raw <em>HTML</em></div>"),
        "{html}"
    );
    assert!(html.contains("<script>alert(\"body\")</script>"), "{html}");
    assert!(!html.contains("<script>alert(1)"), "the title must be escaped: {html}");
    assert!(html.contains("<h1>&lt;script&gt;alert(1)&lt;"), "{html}");
    assert!(
        !site.read("index.html").contains("<script>alert(1)"),
        "the title in the section list must be escaped"
    );
}

#[test]
fn sanitising_removes_scripts_and_handlers_and_keeps_charters_markup() {
    let site = TestSite::new();
    site.overlay("html_raw");
    site.write("site.yaml", format!("{SITE_YAML}markdown: {{ sanitize_html: true }}\n"));
    site.build().assert_ok();
    let html = site.read("raw/index.html");
    assert!(!html.contains("alert(\"body\")"), "the script is removed: {html}");
    assert!(!html.contains("onclick"), "the handler is removed: {html}");
    assert!(html.contains("<div class=\"callout\">Raw <em>HTML</em></div>"), "{html}");
    assert!(html.contains("<h2 id=\"heading\">Heading</h2>"), "{html}");
    assert!(html.contains("class=\"footnotes\""), "{html}");
    assert!(html.contains("id=\"fn-1\""), "{html}");
    assert!(html.contains("class=\"footnote-backref\""), "{html}");
    assert!(!html.contains("<script>alert(1)"), "{html}");
}

/// A value from a file that spans lines, echoed in a message, goes on indented: no line of it can
/// pass for a diagnostic of its own (what CI logs and editors read as `error: FILE:LINE:`).
#[test]
fn a_message_that_spans_lines_cannot_forge_a_diagnostic() {
    let site = TestSite::new();
    site.write(
        "content/forging.md",
        "---\ntitle: Forging\ntemplate: \"none.html\\nerror: content/forged.md:1: a forged error\"\n---\nText.\n",
    );
    let run = site.build();
    run.assert_error(&["content/forging.md", "none.html"]);
    for line in run.stderr.lines() {
        assert!(!line.starts_with("error: content/forged.md"), "a forged line:\n{}", run.stderr);
    }
    assert!(
        run.stderr.contains("\n    error: content/forged.md:1: a forged error"),
        "{}",
        run.stderr
    );
}
