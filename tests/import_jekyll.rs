//! `charter import jekyll` on the Jekyll fixture: what each rule of the importer writes.

mod import_support;

use import_support::{front_matter, import_fixture};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The fixture, imported once for all the tests in this file.
fn imported() -> &'static Path {
    static DEST: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DEST.get_or_init(|| import_fixture("jekyll")).1
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(imported().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn front(rel: &str) -> serde_json::Value {
    front_matter(&read(rel))
}

fn report() -> String {
    read("import-report.md")
}

#[test]
fn config_becomes_site_yaml() {
    let site: serde_json::Value = charter::yaml::from_str(&read("site.yaml")).unwrap();
    assert_eq!(site["title"], "Think Tank Notes");
    assert_eq!(site["base_url"], "https://notes.example.org");
    assert_eq!(site["taxonomies"], serde_json::json!(["categories", "tags"]));
    assert_eq!(site["extra"]["twitter_username"], "thinktank");
}

#[test]
fn posts_take_date_and_slug_from_the_file_name_and_keep_their_permalink() {
    let hello = front("content/news/2010/07/21/hello-world.md");
    assert_eq!(hello["title"], "Hello World");
    assert_eq!(hello["date"], "2010-07-21");
    assert_eq!(hello["categories"], serde_json::json!(["News"]));
    assert_eq!(hello["tags"], serde_json::json!(["intro", "welcome"]));
    // `layout` (from the config's defaults) is kept in extra; `author` becomes authors.
    assert_eq!(hello["extra"]["layout"], "post");
    assert_eq!(hello["authors"], serde_json::json!(["Staff"]));
    let second = front("content/2011/01/02/second-post.md");
    assert_eq!(second["title"], "Second Post");
    assert_eq!(second["tags"], serde_json::json!(["intro"]));
    // The front matter date wins; a space-separated category string is two categories.
    let dated = front("content/analysis/policy/2013/01/05/date-in-front-matter.md");
    assert_eq!(dated["date"], "2013-01-05T10:00:00Z");
    assert_eq!(dated["categories"], serde_json::json!(["analysis", "policy"]));
    // The folder above _posts is a category.
    assert_eq!(
        front("content/blog/2012/05/06/in-a-folder.md")["categories"],
        serde_json::json!(["blog"])
    );
    // A permalink naming a file: the page is at the folder, the file URL a redirect.
    assert_eq!(
        front("content/custom/path.md")["aliases"],
        serde_json::json!(["/custom/path.html"])
    );
    // Jekyll publishes no page for a folder: the date and category folders get no _index.md, so
    // Charter publishes none either.
    for dir in ["news", "news/2010", "news/2010/07/21", "2011", "blog/2012/05", "custom", "work"] {
        assert!(imported().join("content").join(dir).is_dir(), "{dir}");
        assert!(
            !imported().join("content").join(dir).join("_index.md").exists(),
            "{dir}/_index.md was written"
        );
    }
}

#[test]
fn pages_drafts_and_collections() {
    assert_eq!(front("content/_index.md")["title"], "Home");
    assert!(imported().join("content/about.md").is_file());
    assert!(imported().join("content/contact.md").is_file());
    assert!(read("content/contact.md").contains("<p>Write to us.</p>"));
    // docs/index.md is published at /docs/, the folder that holds docs/setup.md: it is that folder's _index.md.
    assert_eq!(front("content/docs/_index.md")["title"], "Documentation");
    assert!(imported().join("content/docs/setup.md").is_file());
    assert!(imported().join("content/work/alpha.md").is_file());
    let r = report();
    assert!(r.contains("`feed.xml`"), "{r}");
    assert!(r.contains("`404.html`"), "{r}");
    assert!(r.contains("`_layouts`"), "{r}");
}

#[test]
fn drafts_are_drafts() {
    let mut found = None;
    let mut stack = vec![imported().join("content")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() == "unfinished-idea.md" {
                found = Some(p);
            }
        }
    }
    let p = found.expect("the draft was imported");
    assert!(std::fs::read_to_string(p).unwrap().contains("draft: true"));
}

#[test]
fn liquid_links_become_charter_links_and_other_tags_are_reported() {
    assert!(
        read("content/_index.md").contains("[the first post](@/news/2010/07/21/hello-world.md)"),
        "{}",
        read("content/_index.md")
    );
    assert!(read("content/_index.md").contains("Welcome to Think Tank Notes."));
    let hello = read("content/news/2010/07/21/hello-world.md");
    assert!(hello.contains("[second](@/2011/01/02/second-post.md)"), "{hello}");
    assert!(hello.contains("{{ note(text=\"Remember this\") }}"), "{hello}");
    assert!(read("content/2011/01/02/second-post.md").contains("[about](@/about.md)"));
    assert!(read("content/docs/_index.md").contains("[setup](@/docs/setup.md)"));
    let setup = read("content/docs/setup.md");
    assert!(setup.contains("```ruby\nputs \"hello\"\n```"), "{setup}");
    assert!(setup.contains("{{ not liquid }}"), "{setup}");
    assert!(read("content/about.md").contains("![logo](/images/logo.png)"));
    let r = report();
    assert!(r.contains("## Includes to port (2, 3 uses)"), "{r}");
    assert!(
        r.contains("| `note.html` | 2 | `_posts/2010-07-21-hello-world.md:9` | `templates/components/note.html` |"),
        "{r}"
    );
    assert!(
        r.contains("| `widgets/call-out.html` | 1 | `about.md:9` | `templates/components/widgets_call_out.html` |"),
        "{r}"
    );
}

#[test]
fn includes_become_components_that_build_into_marked_boxes() {
    let about = read("content/about.md");
    assert!(about.contains("{{ widgets_call_out(title=\"About\", kind=\"info\") }}"), "{about}");
    assert!(
        about.contains("Our notes: {{ note(text=\"Inline, with \\\"quotes\\\"\") }} and more."),
        "{about}"
    );
    let template = read("templates/components/widgets_call_out.html");
    assert!(template.starts_with("{#- args: kind, title -#}\n"), "{template}");
    assert!(
        template.contains("Its template in the source site, _includes/widgets/call-out.html:"),
        "{template}"
    );
    assert!(
        template.contains("    <div class=\"call-out call-out-{{ include.kind }}\">"),
        "{template}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let build = import_support::charter(&[
        "build",
        "--root",
        imported().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(build.status.success(), "charter build failed: {}", import_support::text(&build));
    let html = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(html.contains("<span class=\"import-shortcode\" data-shortcode=\"widgets/call-out.html\"><strong>Jekyll include <code>widgets/call-out.html</code> (<code>_includes/widgets/call-out.html</code>): port me</strong> <code>include.kind=&quot;info&quot;</code> <code>include.title=&quot;About&quot;</code></span>"), "{html}");
    assert!(
        html.contains("Our notes: <span class=\"import-shortcode\" data-shortcode=\"note.html\">"),
        "{html}"
    );
    assert!(html.contains("<code>include.text=&quot;Inline, with &quot;quotes&quot;&quot;</code></span> and more."), "{html}");
    let hello = std::fs::read_to_string(out.join("news/2010/07/21/hello-world.html"))
        .or_else(|_| std::fs::read_to_string(out.join("news/2010/07/21/hello-world/index.html")))
        .unwrap();
    assert!(hello.contains("<code>include.text=&quot;Remember this&quot;</code>"), "{hello}");
}

#[test]
fn data_and_static_files_are_copied_and_excludes_respected() {
    assert!(read("data/members.yml").contains("Ada"));
    assert_eq!(read("static/assets/style.css"), "body { color: #222; }\n");
    assert!(imported().join("static/images/logo.png").is_file());
    assert!(!imported().join("static/notes.txt").exists());
    assert!(!imported().join("static/_config.yml").exists());
}

/// Writes `files` (path, text) into a fresh folder: a small Jekyll site made for one rule.
fn jekyll_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// `charter import jekyll SITE DEST`, which must succeed.
fn import_jekyll(site: &Path, dest: &Path) {
    let run = import_support::charter(&[
        "import",
        "jekyll",
        site.to_str().unwrap(),
        dest.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", import_support::text(&run));
}

/// `charter build` of an imported site into `public`, which must succeed with no edit.
fn build_imported(dest: &Path, public: &Path) {
    let build = import_support::charter(&[
        "build",
        "--root",
        dest.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(build.status.success(), "{}", import_support::text(&build));
}

#[test]
fn a_page_with_permalink_root_is_the_home_page_and_name_titles_the_site() {
    // As Jekyll's own documentation site: no root index, the home page kept in `pages/` with
    // `permalink: /`, and the site named by `name:` rather than `title:`.
    let site = jekyll_site(&[
        ("_config.yml", "name: Docs of a tool\nurl: https://docs.example.org\n"),
        ("pages/index.html", "---\nlayout: default\npermalink: /\n---\n<p>Welcome home.</p>\n"),
        ("pages/about.md", "---\ntitle: About\npermalink: /about/\n---\nAbout us.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("imported");
    import_jekyll(site.path(), &dest);
    let home = std::fs::read_to_string(dest.join("content/_index.md")).unwrap();
    assert!(home.contains("Welcome home."), "{home}");
    assert_eq!(front_matter(&home)["title"], "Docs of a tool");
    let site_yaml = std::fs::read_to_string(dest.join("site.yaml")).unwrap();
    assert!(site_yaml.contains("title: Docs of a tool"), "{site_yaml}");
    build_imported(&dest, &out.path().join("public"));
    let index = std::fs::read_to_string(out.path().join("public/index.html")).unwrap();
    assert!(index.contains("Welcome home."), "{index}");

    // With a root `index.md` too, the root file stays the home page and the other page at `/`
    // is reported as a collision, not dropped.
    let both = jekyll_site(&[
        ("_config.yml", "title: Both\n"),
        ("index.md", "---\ntitle: Root\n---\nThe root index.\n"),
        ("pages/index.html", "---\npermalink: /\n---\n<p>The other one.</p>\n"),
    ]);
    let dest2 = out.path().join("imported-2");
    import_jekyll(both.path(), &dest2);
    let home = std::fs::read_to_string(dest2.join("content/_index.md")).unwrap();
    assert!(home.contains("The root index."), "{home}");
    let report = std::fs::read_to_string(dest2.join("import-report.md")).unwrap();
    assert!(report.contains("pages/index.html"), "{report}");
}

#[test]
fn posts_take_the_posts_collection_permalink_and_a_moved_404_page_is_not_a_page() {
    // As Jekyll's own documentation site: `collections: posts: permalink:` over the site-wide
    // permalink, kramdown ids under headings that links point at, and `pages/404.html` with
    // `permalink: /404.html`.
    let site = jekyll_site(&[
        (
            "_config.yml",
            "title: T\npermalink: /:categories/:year/:title/\ncollections:\n  posts:\n    permalink: /news/:year/:month/:day/:title/\n    output: true\n",
        ),
        ("_posts/2013-05-06-one.md", "---\ntitle: One\ncategory: release\n---\nSee [3.9.3](/history/#v3-9-3).\n"),
        ("history.md", "---\ntitle: History\npermalink: /history/\n---\n## 3.9.3 / 2023-01-29\n{: #v3-9-3}\n\nFixes.\n{: .note}\n"),
        ("pages/404.html", "---\npermalink: /404.html\n---\n<p>Lost.</p>\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("imported");
    import_jekyll(site.path(), &dest);
    let report = std::fs::read_to_string(dest.join("import-report.md")).unwrap();
    assert!(report.contains("`pages/404.html`: the not-found page"), "{report}");
    assert!(report.contains("kramdown attribute list"), "{report}");
    let public = out.path().join("public");
    build_imported(&dest, &public);
    assert!(public.join("news/2013/05/06/one/index.html").is_file());
    let history = std::fs::read_to_string(public.join("history/index.html")).unwrap();
    assert!(history.contains("id=\"v3-9-3\""), "{history}");
    // The list under a paragraph is a comment, not text on the page.
    assert!(history.contains("<p>Fixes.</p>\n<!-- kramdown: {: .note} -->"), "{history}");
}

#[test]
fn redirect_to_pages_still_send_the_browser_on() {
    // jekyll-redirect-from's `redirect_to`: the page is a redirect to the address, as it was.
    let fm = front("content/press.md");
    assert_eq!(fm["template"], "redirect.html", "{fm}");
    assert_eq!(fm["search"], false, "{fm}");
    assert_eq!(fm["extra"]["redirect_to"], "https://press.example.org/kit/", "{fm}");
    let template = read("templates/redirect.html");
    assert!(template.contains("http-equiv=\"refresh\""), "{template}");
    assert!(report().contains("redirects to https://press.example.org/kit/"), "{}", report());
    let out = tempfile::tempdir().expect("temp dir");
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["--quiet", "build", "--output"])
        .arg(out.path())
        .arg("--root")
        .arg(imported())
        .output()
        .expect("run charter");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let page = std::fs::read_to_string(out.path().join("press/index.html")).expect("page");
    assert!(page.contains("content=\"0; url=https://press.example.org/kit/\""), "{page}");
}
