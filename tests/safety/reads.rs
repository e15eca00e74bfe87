//! Safety cases for reads: every file Charter reads for a site stays inside the site. Each case
//! is one way around the rule (a link somewhere Charter reads, through a path of links, a loop, a
//! broken link, a file too large, a name from a template); the refused builds must exit 1, name
//! the link's file, say what to do, and leave `public/` as the last good build wrote it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// What no output may ever contain: the bytes of the files planted outside the site.
const SECRET: &str = "root:x:0:0:SECRET-OUTSIDE-THE-SITE";

/// A file outside the site (beside it), holding [`SECRET`]: `<tmp>/secrets/<name>`.
fn outside_file(site: &TestSite, name: &str) -> PathBuf {
    let path = site.outside("secrets").join(name);
    std::fs::write(&path, format!("{SECRET}\n")).expect("write the outside file");
    path
}

/// Whether any file under `dir` holds [`SECRET`].
fn holds_secret(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .any(|e| {
            std::fs::read(e.path())
                .is_ok_and(|b| b.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()))
        })
}

/// A site with a theme `plain` (its own static file and template), which builds.
fn site_with_theme() -> TestSite {
    let site = TestSite::new();
    site.write("site.yaml", format!("{SITE_YAML}theme: plain\n"));
    site.write("themes/plain/static/theme.css", "body { margin: 0 }\n");
    site.write("themes/plain/templates/404.html", "<!doctype html><title>Not found</title>\n");
    site
}

/// A site whose files may be at most `limit` (a `max_file_size` value).
fn site_with_limit(limit: &str) -> TestSite {
    let site = TestSite::new();
    site.write("site.yaml", format!("{SITE_YAML}max_file_size: {limit}\n"));
    site
}

#[test]
fn a_static_link_to_a_file_outside_is_refused() {
    let site = TestSite::new();
    let secret = outside_file(&site, "passwd");
    let run = site.refused_keeping_public(|s| s.symlink("static/passwd", &secret));
    run.assert_error(&[
        "static/passwd",
        "points outside the site",
        "secrets/passwd",
        "copy the file into the site",
    ]);
    assert!(!holds_secret(&site.public()));
}

#[test]
fn a_static_link_to_a_folder_outside_is_refused() {
    let site = TestSite::new();
    let secret = outside_file(&site, "passwd");
    let folder = secret.parent().expect("the secrets folder").to_path_buf();
    let run = site.refused_keeping_public(|s| s.symlink("static/docs", &folder));
    run.assert_error(&["static/docs", "points outside the site, to a folder", "secrets"]);
    assert!(!holds_secret(&site.public()));
}

#[test]
fn the_whole_static_folder_as_a_link_outside_is_refused() {
    let site = TestSite::new();
    let secret = outside_file(&site, "passwd");
    let folder = secret.parent().expect("the secrets folder").to_path_buf();
    let run = site.refused_keeping_public(|s| s.symlink("static", &folder));
    run.assert_error(&["static: this symlink points outside the site", "help:"]);
    assert!(!holds_secret(&site.public()));
}

#[test]
fn a_link_out_of_the_theme_static_folder_is_refused() {
    let site = site_with_theme();
    let secret = outside_file(&site, "passwd");
    let run = site.refused_keeping_public(|s| s.symlink("themes/plain/static/passwd", &secret));
    run.assert_error(&["themes/plain/static/passwd", "points outside the site"]);
    assert!(!holds_secret(&site.public()));
}

#[test]
fn a_theme_folder_that_is_a_link_outside_is_refused() {
    let site = site_with_theme();
    let shared = site.outside("shared-theme");
    std::fs::create_dir_all(shared.join("static")).expect("folder");
    std::fs::write(shared.join("static/theme.css"), SECRET).expect("write");
    let run = site.refused_keeping_public(|s| {
        s.remove("themes/plain");
        s.symlink("themes/plain", &shared);
    });
    run.assert_error(&["themes/plain", "points outside the site", "shared-theme"]);
    assert!(!holds_secret(&site.public()));
}

#[test]
fn a_data_file_linked_outside_is_refused() {
    let site = TestSite::new();
    let secret = outside_file(&site, "people.yaml");
    let run = site.refused_keeping_public(|s| s.symlink("data/people.yaml", &secret));
    run.assert_error(&["data/people.yaml", "points outside the site", "secrets/people.yaml"]);
}

#[test]
fn a_template_linked_outside_is_refused() {
    let site = TestSite::new();
    let secret = outside_file(&site, "partial.html");
    let run = site.refused_keeping_public(|s| s.symlink("templates/partial.html", &secret));
    run.assert_error(&["templates/partial.html", "points outside the site"]);
}

#[test]
fn a_theme_template_linked_outside_is_refused() {
    let site = site_with_theme();
    let secret = outside_file(&site, "base.html");
    let run =
        site.refused_keeping_public(|s| s.symlink("themes/plain/templates/base.html", &secret));
    run.assert_error(&["themes/plain/templates/base.html", "points outside the site"]);
}

#[test]
fn a_link_inside_a_linked_folder_that_then_leaves_is_refused() {
    // static/assets -> ../shared (inside the site, followed), shared/leak -> ../../secrets/passwd.
    let site = TestSite::new();
    outside_file(&site, "passwd");
    site.write("shared/ok.css", "p { color: red }\n");
    let run = site.refused_keeping_public(|s| {
        s.symlink("static/assets", "../shared");
        s.symlink("shared/leak", "../../secrets/passwd");
    });
    run.assert_error(&["static/assets/leak", "points outside the site", "secrets/passwd"]);
    assert!(!holds_secret(&site.public()));
}

#[test]
fn a_relative_dotdot_target_in_content_is_refused() {
    let site = TestSite::new();
    outside_file(&site, "notes.md");
    let run =
        site.refused_keeping_public(|s| s.symlink("content/notes.md", "../../secrets/notes.md"));
    run.assert_error(&["content/notes.md", "points outside the site", "secrets/notes.md"]);
}

#[test]
fn an_absolute_target_in_data_is_refused() {
    let site = TestSite::new();
    let secret = outside_file(&site, "x.json");
    assert!(secret.is_absolute());
    let run = site.refused_keeping_public(|s| s.symlink("data/x.json", &secret));
    run.assert_error(&["data/x.json", "points outside the site"]);
}

#[test]
fn a_chain_of_links_that_ends_outside_is_refused() {
    // static/a.css -> ../chain/b.css (inside, a folder Charter does not walk) -> the outside file.
    let site = TestSite::new();
    let secret = outside_file(&site, "c.css");
    let run = site.refused_keeping_public(|s| {
        s.symlink("chain/b.css", &secret);
        s.symlink("static/a.css", "../chain/b.css");
    });
    run.assert_error(&["static/a.css", "points outside the site", "secrets/c.css"]);
    assert!(!holds_secret(&site.public()));
}

#[test]
fn a_loop_of_links_gets_a_short_message() {
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| {
        s.symlink("static/loop-a", "loop-b");
        s.symlink("static/loop-b", "loop-a");
    });
    run.assert_error(&["static/loop-a", "static/loop-b", "symlink loop"]);
    assert!(run.stderr.len() < 2000, "a loop is reported once per link, shortly:\n{}", run.stderr);
}

#[test]
fn a_link_back_up_to_a_folder_being_read_is_a_loop() {
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| s.symlink("templates/again", "."));
    run.assert_error(&["templates/again", "symlink loop"]);
    let run = TestSite::new().refused_keeping_public(|s| s.symlink("static/site", ".."));
    run.assert_error(&["static/site", "symlink loop"]);
}

#[test]
fn a_dangling_link_is_refused() {
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| s.symlink("static/gone.css", "nowhere.css"));
    run.assert_error(&["static/gone.css", "broken", "nowhere.css"]);
}

#[test]
fn a_dangling_link_added_after_a_good_build_is_not_nothing_changed() {
    let site = TestSite::new();
    site.build().assert_ok();
    // The shortcut is live: an untouched site is skipped...
    site.build().assert_ok().assert_mentions(&["nothing changed"]);
    let before = snapshot(&site.public());
    // ...but not once a broken link appears, in any folder a build reads.
    for (link, target) in [
        ("content/gone.md", "missing.md"),
        ("data/gone.yaml", "missing.yaml"),
        ("templates/gone.html", "missing.html"),
    ] {
        site.symlink(link, target);
        let run = site.build();
        run.assert_error(&[link, "broken", target]);
        assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
        assert_same_tree(&before, &snapshot(&site.public()), "public/ after the refused build");
        site.remove(link);
    }
}

#[test]
fn a_site_yaml_linked_outside_is_refused() {
    let site = TestSite::new();
    let secret = site.outside("secrets").join("site.yaml");
    std::fs::write(&secret, SITE_YAML).expect("write");
    let run = site.refused_keeping_public(|s| {
        s.remove("site.yaml");
        s.symlink("site.yaml", &secret);
    });
    run.assert_error(&["site.yaml", "points outside the site"]);
}

#[test]
fn an_oversized_static_file_is_refused_naming_its_size_and_the_setting() {
    let site = site_with_limit("1 KiB");
    let run = site.refused_keeping_public(|s| s.write("static/big.bin", vec![7u8; 2000]));
    run.assert_error(&["static/big.bin", "2000 bytes", "1 KiB", "max_file_size"]);
}

#[test]
fn an_oversized_page_is_refused() {
    let site = site_with_limit("1024");
    let run = site.refused_keeping_public(|s| {
        s.write("content/long.md", format!("---\ntitle: Long\n---\n{}", "word ".repeat(400)))
    });
    run.assert_error(&["content/long.md", "larger than the limit", "max_file_size"]);
}

#[test]
fn an_oversized_data_file_is_refused() {
    let site = site_with_limit("1 KiB");
    let run = site.refused_keeping_public(|s| {
        s.write("data/big.yaml", format!("items: [{}]\n", "1, ".repeat(600)))
    });
    run.assert_error(&["data/big.yaml", "larger than the limit", "max_file_size"]);
}

#[test]
fn a_file_over_the_default_limit_is_refused_without_being_read() {
    // A sparse file: 64 MiB and one byte long, no byte of it written (nor read by Charter).
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| {
        let path = s.root.join("static/huge.iso");
        std::fs::create_dir_all(s.root.join("static")).expect("create static/");
        let file = std::fs::File::create(&path).expect("create");
        file.set_len(64 * 1024 * 1024 + 1).expect("set the length");
    });
    run.assert_error(&["static/huge.iso", "64 MiB", "max_file_size"]);
}

#[test]
fn a_bad_max_file_size_is_a_config_error() {
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| {
        s.write("site.yaml", format!("{SITE_YAML}max_file_size: plenty\n"))
    });
    run.assert_error(&["site.yaml:4", "`max_file_size` must be a size", "plenty"]);
}

#[test]
fn load_data_with_dotdot_is_refused() {
    let site = TestSite::new();
    let secret = outside_file(&site, "people.yaml");
    std::fs::write(&secret, format!("name: \"{SECRET}\"\n")).expect("write");
    site.write("data/people.yaml", "name: Ann\n");
    for path in
        ["../secrets/people.yaml", "data/../../secrets/people.yaml", "/data/../data/people.yaml"]
    {
        let run = site.refused_keeping_public(|s| {
            s.write(
                "templates/page.html",
                format!("{{% set p = load_data(path=\"{path}\") %}}{{{{ p.name }}}}\n{PAGE_HTML}"),
            );
        });
        run.assert_error(&["templates/page.html", "load_data", "not a plain path inside the site"]);
        assert!(!holds_secret(&site.public()));
        site.write("templates/page.html", PAGE_HTML);
    }
}

#[test]
fn an_import_source_link_outside_is_skipped_and_reported() {
    let site = TestSite::new();
    let secret = outside_file(&site, "passwd");
    let folder = secret.parent().expect("the secrets folder").to_path_buf();
    let source = site.outside("hugo-source");
    let write = |rel: &str, text: &str| {
        let p = source.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("folder");
        std::fs::write(p, text).expect("write");
    };
    write("hugo.toml", "baseURL = \"https://example.org/\"\ntitle = \"Source\"\n");
    write("content/_index.md", "---\ntitle: Home\n---\nHome.\n");
    write("content/post.md", "---\ntitle: Post\ndate: 2023-01-02\n---\nA post.\n");
    write("static/ok.css", "p { margin: 0 }\n");
    std::os::unix::fs::symlink(&secret, source.join("static/passwd")).expect("symlink");
    std::os::unix::fs::symlink(&folder, source.join("static/secrets")).expect("symlink");
    std::os::unix::fs::symlink(&secret, source.join("content/leak.md")).expect("symlink");
    std::os::unix::fs::symlink("post.md", source.join("content/same.md")).expect("symlink");
    let dest = site.outside("imported");
    let dest = dest.join("site");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_charter"));
    cmd.args(["import", "hugo"]).arg(&source).arg(&dest).env("NO_COLOR", "1");
    let run = run(cmd);
    run.assert_ok();
    assert!(!holds_secret(&dest), "the import copied a file from outside SOURCE");
    assert!(dest.join("static/ok.css").is_file(), "the rest of the site is imported");
    let report = std::fs::read_to_string(dest.join("import-report.md")).expect("the report");
    for link in ["static/passwd", "static/secrets", "content/leak.md"] {
        let line = report
            .lines()
            .find(|l| l.contains(link))
            .unwrap_or_else(|| panic!("the report names {link}:\n{report}"));
        assert!(line.contains("not imported") && line.contains("outside"), "{line}");
    }
    assert!(
        !report.contains("content/same.md"),
        "a link inside SOURCE is followed, not reported:\n{report}"
    );
}

#[test]
fn links_that_stay_inside_the_site_are_followed() {
    let site = site_with_theme();
    site.write("shared/brand.css", "h1 { color: navy }\n");
    site.write("shared/page.md", "---\ntitle: \"Shared page\"\n---\nShared.\n");
    site.write("shared/people.yaml", "name: Ann\n");
    site.write("shared/partials/footer.html", "{% set people = load_data(path=\"data/people.yaml\") %}<footer>{{ people.name }}</footer>\n");
    site.symlink("static/brand.css", "../shared/brand.css");
    site.symlink("themes/plain/static/theme-brand.css", "../../../shared/brand.css");
    site.symlink("content/shared.md", "../shared/page.md");
    site.symlink("data/people.yaml", "../shared/people.yaml");
    site.symlink("templates/partials", "../shared/partials");
    site.symlink("static/chain.css", "brand.css");
    site.write(
        "templates/page.html",
        PAGE_HTML.replace("</body>", "{% include \"partials/footer.html\" %}</body>"),
    );
    site.build().assert_ok();
    assert_eq!(site.read("brand.css"), "h1 { color: navy }\n");
    assert_eq!(site.read("theme-brand.css"), "h1 { color: navy }\n");
    assert_eq!(site.read("chain.css"), "h1 { color: navy }\n");
    assert!(site.read("shared/index.html").contains("Shared page"));
    assert!(site.read("good/index.html").contains("<footer>Ann</footer>"));
}

#[test]
fn a_link_in_static_to_the_output_folder_is_refused() {
    // After one build, `static/pub -> ../public` would make every later build copy the last
    // output into the next, one level deeper each time.
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| s.symlink("static/pub", "../public"));
    run.assert_error(&[
        "static/pub",
        "a folder Charter writes its output to",
        "remove the symlink",
    ]);
    assert!(!site.public().join("pub").exists());
}

#[test]
fn an_output_inside_a_linked_input_folder_is_refused() {
    // `content` is a link to `real-content`: an output in `real-content/out` is inside the
    // content folder all the same, whichever name the command line gives it.
    let site = TestSite::new();
    std::fs::rename(site.root.join("content"), site.root.join("real-content")).expect("move");
    site.symlink("content", "real-content");
    let out = site.root.join("real-content/out");
    let run = site.build_with(&["--output", out.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    run.assert_error(&["refusing to write the site into", "inside the site's content/ folder"]);
    assert!(!out.exists(), "nothing written into the content folder");
}

#[test]
fn a_site_yaml_that_is_a_fifo_is_refused_without_waiting() {
    // Opening a FIFO for reading waits for a writer: `build` and `check` waited forever.
    let site = TestSite::new();
    site.remove("site.yaml");
    let made = Command::new("mkfifo").arg(site.root.join("site.yaml")).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for command in ["check", "build"] {
        let mut child = site
            .command(&[command])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start charter");
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for charter") {
                break Some(status);
            }
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let out = child.wait_with_output().expect("charter's output");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(status.is_some(), "`charter {command}` still waited on the FIFO after 60 s");
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("site.yaml") && stderr.contains("not a plain file"), "{stderr}");
    }
}
