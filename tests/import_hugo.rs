//! `charter import hugo` on the Hugo fixture: what each rule of the importer writes.

mod import_support;

use import_support::{front_matter, import_fixture};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The fixture, imported once for all the tests in this file.
fn imported() -> &'static Path {
    static DEST: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DEST.get_or_init(|| import_fixture("hugo")).1
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
fn config_becomes_site_yaml_with_params_in_extra() {
    let site: serde_json::Value = charter::yaml::from_str(&read("site.yaml")).unwrap();
    assert_eq!(site["title"], "Policy Institute");
    assert_eq!(site["base_url"], "https://policy.example.org");
    assert_eq!(site["language"], "en-us");
    assert_eq!(site["description"], "Research and commentary since 2010.");
    // The fixture's list template calls `.Paginator`: Hugo's `pagination.pagerSize` carries over.
    assert_eq!(
        site["taxonomies"],
        serde_json::json!([
            {"name": "categories", "paginate_by": 3},
            {"name": "series", "paginate_by": 3},
            {"name": "tags", "paginate_by": 3}
        ])
    );
    assert_eq!(front("content/posts/_index.md")["paginate_by"], 3);
    // The imported templates have no search page: no index is written for them.
    assert_eq!(site["search"], false);
    assert_eq!(site["extra"]["subtitle"], "Independent analysis");
    assert!(site["extra"]["menus"]["main"].is_array());
    let keys: Vec<&String> = site.as_object().unwrap().keys().collect();
    for k in keys {
        assert!(
            [
                "title",
                "base_url",
                "description",
                "language",
                "theme",
                "taxonomies",
                "feed",
                "highlight",
                "search",
                "extra"
            ]
            .contains(&k.as_str()),
            "{k}"
        );
    }
}

#[test]
fn yaml_toml_and_json_front_matter_are_written_as_yaml_with_charter_keys() {
    let first = front("content/posts/first.md");
    assert_eq!(first["title"], "The first post");
    assert_eq!(first["date"], "2010-10-22T11:33:15-04:00");
    assert_eq!(first["updated"], "2011-01-02T09:05:00Z");
    assert_eq!(first["tags"], serde_json::json!(["Foo Bar", "security"]));
    assert_eq!(first["series"], serde_json::json!(["launch"]));
    assert_eq!(first["extra"]["featured_image"], "/img/hero.png");
    assert_eq!(first["extra"]["keywords"], serde_json::json!(["alpha", "beta"]));
    let toml = front("content/posts/reports/2015.md");
    assert_eq!(toml["title"], "A TOML page");
    assert_eq!(toml["date"], "2015-06-07T08:09:10Z");
    let json = front("content/about-us.md");
    assert_eq!(json["title"], "A JSON page");
    assert_eq!(json["extra"]["custom_key"]["nested"], true);
    assert!(read("content/about-us.md").starts_with("---\ntitle:"));
}

#[test]
fn url_and_slug_with_a_slash_keep_the_hugo_url() {
    // `url: /about-us/` -> content/about-us.md; `slug: reports/2015` under posts -> posts/reports/2015.md
    assert!(imported().join("content/about-us.md").is_file());
    let toml = front("content/posts/reports/2015.md");
    // Relative aliases are relative to the page's folder, as in Hugo.
    assert_eq!(
        toml["aliases"],
        serde_json::json!(["/posts/reports/old-toml/", "/archive/toml-page/", "/legacy/toml.html"])
    );
    // A permalinks pattern (`news = "/:year/:month/:slug/"`).
    assert!(imported().join("content/2019/09/launch-day.md").is_file());
    assert!(report().contains("published at /about-us/ as Hugo did"), "{}", report());
}

#[test]
fn sections_bundles_and_resources() {
    let posts = front("content/posts/_index.md");
    assert_eq!(posts["title"], "Posts");
    assert_eq!(posts["description"], "Every post");
    // A top-level folder without _index.md is a section in Hugo: one is written.
    assert_eq!(front("content/docs/_index.md")["title"], "Docs");
    assert_eq!(front("content/docs/guide/_index.md")["title"], "Guide");
    // Titled as Hugo titles it: the folder name pluralised and title-cased.
    for (dir, title) in [("news", "News"), ("notes", "Notes"), ("policy-brief", "Policy-Briefs")] {
        assert_eq!(front(&format!("content/{dir}/_index.md"))["title"], title);
        assert!(
            report().contains(&format!(
                "- `content/{dir}`: section without `_index.md`: wrote one titled \"{title}\""
            )),
            "{}",
            report()
        );
    }
    assert!(report().contains("## Titles invented"), "{}", report());
    // A nested folder without _index.md is no section in Hugo (no list page): none is written.
    assert!(imported().join("content/notes/2019/deep.md").is_file());
    assert!(!imported().join("content/notes/2019/_index.md").exists());
    // Nor for folders that only hold pages moved there to keep their URLs (`permalinks`).
    assert!(!imported().join("content/2019/_index.md").exists());
    // Leaf bundle with its resources, nested folders kept.
    assert!(imported().join("content/posts/bundle/index.md").is_file());
    assert!(imported().join("content/posts/bundle/chart.png").is_file());
    assert!(imported().join("content/posts/bundle/data/figures.csv").is_file());
    // Branch bundle resources are published under the section's URL.
    assert!(imported().join("static/docs/guide/diagram.svg").is_file());
}

#[test]
fn leniency_is_applied_and_reported_with_file_and_line() {
    let r = report();
    assert_eq!(front("content/posts/dup.md")["title"], "Duplicate, kept");
    assert!(r.contains("`content/posts/dup.md:2`: `title` is given again at line 4"), "{r}");
    assert_eq!(front("content/posts/untitled-thoughts.md")["title"], "Untitled thoughts");
    assert!(r.contains("`content/posts/untitled-thoughts.md"), "{r}");
    assert!(r.contains("no title: used \"Untitled thoughts\" from the file name"), "{r}");
    assert!(r.contains("`content/posts/_index.md"), "{r}");
    assert!(r.contains("`content/posts/first.md:3`: `date: 2010-10-22 11:33:15 -0400` written as `date: 2010-10-22T11:33:15-04:00`"), "{r}");
    assert!(r.contains("`content/posts/first.md:4`: `lastmod: 2011-01-02 9:05:00` written as `updated: 2011-01-02T09:05:00Z`"), "{r}");
    assert_eq!(front("content/posts/blank.md")["date"], "2012-03-04T05:06:07Z");
    assert!(
        r.contains("`content/posts/blank.md:1`: 2 blank line(s) before the front matter removed"),
        "{r}"
    );
}

#[test]
fn shortcodes_become_links_markdown_and_component_calls() {
    let body = read("content/posts/first.md");
    assert!(body.contains("[the bundle](@/posts/bundle/index.md)"), "{body}");
    assert!(body.contains("[install](@/docs/guide/install.md#steps)"), "{body}");
    assert!(
        body.contains("{{ figure(src=\"/img/map.png\", alt=\"A map\", title=\"The map\", caption=\"Where it happens\") }}"),
        "{body}"
    );
    assert!(body.contains("{{ youtube(id=\"w7Ft2ymGmfc\") }}"), "{body}");
    assert!(body.contains("```go\nfunc main() { fmt.Println(\"hi\") }\n```"), "{body}");
    assert!(body.contains("{{ chart(data=\"prices.csv\") }}"), "{body}");
    // `about.md` is a draft now (Hugo served another page at /about/): a plain link, as Hugo
    // rendered it, to the URL that still serves a page.
    assert!(body.contains("{% note() %}\nA **note** with [a link](/about/).\n{% end %}"), "{body}");
    assert!(body.contains("Literal: {{< chart data=\"x\" >}}"), "{body}");
    assert!(body.contains("<!-- more -->"), "{body}");
    assert!(read("content/about-2.md").contains("By Research staff."));
    assert!(read("content/_index.md").contains("[the first post](@/posts/first.md)"));
    let port = read("content/posts/port-me.md");
    for call in [
        // Positional arguments are `_0`, `_1`; a hyphenated name becomes a valid component name.
        "{{ newsletter_inline(_0=\"Sign up \\\"now\\\"\", _1=\"weekly\") }}",
        // Paired (Markdown and HTML inner), nested, self-closing, a value over two lines.
        "{% box(kind=\"tip\") %}\nText with **bold** and a range {{ range(from=\"1\", to=\"3\") }} inline.\n\n{% box(kind=\"inner\") %}\nInner box with [a link](/about/).\n{% end %}\n{% end %}",
        "{{ chart(data=\"sales.csv\", note=\"line one\\nline two\") }}",
        "{% details(summary=\"More about it\") %}\nHidden *text*.\n{% end %}",
    ] {
        assert!(port.contains(call), "{call}\n{port}");
    }
    let r = report();
    assert!(r.contains("## Shortcodes to port (5, 7 uses)"), "{r}");
    for line in [
        "| `box` | 2 | `content/posts/port-me.md:10` | `templates/components/box.html` |",
        "| `chart` | 2 | `content/posts/first.md:24` | `templates/components/chart.html` |",
        "| `newsletter-inline` | 1 | `content/posts/port-me.md:8` | `templates/components/newsletter_inline.html` |",
        "| `note` | 1 | `content/posts/first.md:26` | `templates/components/note.html` |",
        "| `range` | 1 | `content/posts/port-me.md:11` | `templates/components/range.html` |",
        "`details` (1 use), `figure` (1 use), `youtube` (1 use).",
    ] {
        assert!(r.contains(line), "{line}\n{r}");
    }
    // Charter reads no call inside a raw HTML block: that use stays a comment, listed apart.
    assert!(
        port.contains(
            "<div class=\"wrap\">\n  <!-- hugo: {{< chart data=\"inside.csv\" >}} -->\n</div>"
        ),
        "{port}"
    );
    assert!(r.contains("## Shortcodes kept as HTML comments (1 uses)"), "{r}");
    assert!(r.contains("| `chart (in raw HTML)` | 1 | `content/posts/port-me.md:26` |"), "{r}");
    assert!(r.contains("5 shortcodes to port (7 uses), 1 shortcode uses kept as comments"), "{r}");
}

/// The imported fixture built by `charter build` (the one collision a person must settle
/// removed), with `port` applied to the copy first: (the copy, its output).
fn built(port: &dyn Fn(&Path)) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    import_support::copy_tree(imported(), &site);
    let _ = std::fs::remove_file(site.join("content/about-2.md"));
    port(&site);
    let out = tmp.path().join("public");
    let build = import_support::charter(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(build.status.success(), "charter build failed: {}", import_support::text(&build));
    (tmp, out)
}

#[test]
fn shortcodes_build_into_marked_boxes_and_builtins_as_hugo_drew_them() {
    let (_tmp, out) = built(&|_| {});
    let page = std::fs::read_to_string(out.join("posts/port-me/index.html")).unwrap();
    for html in [
        "<span class=\"import-shortcode\" data-shortcode=\"newsletter-inline\"><strong>Hugo shortcode <code>newsletter-inline</code> (<code>layouts/shortcodes/newsletter-inline.html</code>): port me</strong> <code>0=&quot;Sign up &quot;now&quot;&quot;</code> <code>1=&quot;weekly&quot;</code></span>",
        "<aside class=\"import-shortcode\" data-shortcode=\"box\">",
        "<dl class=\"import-shortcode__args\"><dt>kind</dt><dd>tip</dd></dl>",
        "<dl class=\"import-shortcode__args\"><dt>kind</dt><dd>inner</dd></dl>",
        "Text with <strong>bold</strong> and a range <span class=\"import-shortcode\" data-shortcode=\"range\">",
        "<code>from=&quot;1&quot;</code> <code>to=&quot;3&quot;</code></span> inline.",
        "Inner box with <a href=\"/about/\">a link</a>.",
        "<code>note=&quot;line one\nline two&quot;</code>",
        "<details><summary>More about it</summary>\n<p>Hidden <em>text</em>.</p>",
    ] {
        assert!(page.contains(html), "{html}\n{page}");
    }
    // The inner box is inside the outer one's body.
    let outer = page.find("<dd>tip</dd>").unwrap();
    let inner = page.find("<dd>inner</dd>").unwrap();
    let outer_end = page[outer..].find("</div>\n</aside>").unwrap() + outer;
    assert!(outer < inner && inner < outer_end, "{page}");
    let first = std::fs::read_to_string(out.join("posts/first/index.html")).unwrap();
    for html in [
        "<figure><img src=\"/img/map.png\" alt=\"A map\"><figcaption><h4>The map</h4><p>Where it happens</p></figcaption></figure>",
        "<div><iframe src=\"https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc\" title=\"YouTube video\"",
        "<aside class=\"import-shortcode\" data-shortcode=\"note\">",
        "<p>A <strong>note</strong> with <a href=\"/about/\">a link</a>.</p>",
        "<span class=\"import-shortcode\" data-shortcode=\"chart\">",
    ] {
        assert!(first.contains(html), "{html}\n{first}");
    }
    // Each generated template declares the arguments its uses give and keeps Hugo's template.
    let template = read("templates/components/newsletter_inline.html");
    assert!(template.starts_with("{#- args: _0, _1 -#}\n"), "{template}");
    assert!(
        template.contains("    <p class=\"newsletter\">{{ .Get 0 }} ({{ .Get 1 }})</p>"),
        "{template}"
    );
    assert!(read("templates/components/chart.html").starts_with("{#- args: data, note -#}\n"));
}

#[test]
fn a_shortcode_is_ported_once_in_its_template() {
    let (_tmp, out) = built(&|site| {
        std::fs::write(
            site.join("templates/components/chart.html"),
            "{#- args: data, note -#}\n<div class=\"chart\" data-src=\"{{ data }}\"></div>\n",
        )
        .unwrap();
    });
    for (page, data) in
        [("posts/first/index.html", "prices.csv"), ("posts/port-me/index.html", "sales.csv")]
    {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(
            html.contains(&format!("<div class=\"chart\" data-src=\"{data}\"></div>")),
            "{html}"
        );
        assert!(!html.contains("data-shortcode=\"chart\""), "{html}");
    }
}

#[test]
fn drafts_collisions_static_and_data() {
    assert_eq!(front("content/posts/draft.md")["draft"], true);
    assert!(
        report().contains("- `/about/`: `content/posts/old-about.md`, `content/about.md (draft)`"),
        "{}",
        report()
    );
    assert_eq!(front("content/about.md")["title"], "An older About page");
    let second = front("content/about-2.md");
    assert_eq!(second["slug"], "about");
    assert_eq!(second["title"], "About us");
    assert_eq!(second["draft"], true);
    assert_eq!(read("static/css/site.css"), "body { font-family: serif; }\n");
    let team: serde_json::Value = charter::yaml::from_str(&read("data/team.yaml")).unwrap();
    assert_eq!(team["people"][0]["name"], "Ada");
    assert!(imported().join("data/links.yaml").is_file());
    assert!(report().contains("`layouts`: Hugo templates"), "{}", report());
}

#[test]
fn drafts_are_reported_as_unpublished_and_their_collisions_marked() {
    let r = report();
    // Two drafts at /posts/draft/: Hugo publishes neither, `charter build --drafts` would fail.
    assert!(r.contains("Among drafts (marked `(draft)`; the source published no draft)"), "{r}");
    assert!(r.contains("- `/posts/draft/`: `content/posts/draft.md (draft)`, `content/posts/not-yet-either.md (draft)`"), "{r}");
    assert!(
        !r.contains("- `/about/`: `content/about.md`, `content/posts/old-about.md` (draft)"),
        "{r}"
    );
    // `url: /?p=443` on a draft: no alias `/`, no "published … as Hugo did", a server rule to add.
    let leftover = front("content/posts/wp-leftover.md");
    assert_eq!(leftover["draft"], true);
    assert!(leftover.get("aliases").is_none() && leftover.get("slug").is_none(), "{leftover}");
    assert!(
        r.contains("`content/posts/wp-leftover.md:4`: `url: /?p=443` has a query string"),
        "{r}"
    );
    assert!(
        r.contains(
            "placed by its file path at /posts/wp-leftover/ (a draft: not published, as in Hugo)"
        ),
        "{r}"
    );
    assert!(
        !r.contains("published at /?p=443") && !r.contains("published at /posts/wp-leftover/"),
        "{r}"
    );
    assert!(r.contains("1 server redirect)"), "{r}");
    // A static robots.txt is copied (and replaces the one Charter would write).
    assert_eq!(read("static/robots.txt"), "User-agent: *\nDisallow: /drafts/\n");
}
