//! The core build on whole fixture sites: every rule of the build contract (sections, bundles,
//! slugs, drafts, aliases, taxonomies, heading ids, `@/` links, highlighting, feeds, sitemap,
//! atomic output, theme overrides) checked on the files Charter writes.

mod common;
mod corpus;

use common::*;
use std::fs;

#[test]
fn sections_pages_and_bundles_land_at_pretty_urls() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    for file in [
        "index.html",
        "briefs/index.html",
        "briefs/first/index.html",
        "briefs/2023/index.html",
        "briefs/2023/nested/index.html",
        "briefs/bundle/index.html",
        "briefs/bundle/map.svg",
        "about/index.html",
        "404.html",
        "robots.txt",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
    let bundle = read(&out, "briefs/bundle/index.html");
    assert!(bundle.contains("src=\"map.svg\""), "{bundle}");
    let briefs = read(&out, "briefs/index.html");
    assert!(
        briefs.contains("Briefs of 2023 (1)"),
        "nested section listed with its pages: {briefs}"
    );
}

#[test]
fn a_folder_without_index_md_groups_its_pages_but_publishes_no_list_page() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    // The pages are published where they always were...
    assert!(out.join("briefs/letters/open-letter/index.html").is_file());
    assert!(out.join("notes/memo/index.html").is_file());
    // ...but the folders have no page of their own, nested or top-level.
    assert!(
        !out.join("briefs/letters/index.html").exists(),
        "a folder without _index.md got a list page"
    );
    assert!(
        !out.join("notes/index.html").exists(),
        "a top-level folder without _index.md got a list page"
    );
    // They still group their pages: the parent lists the folder with its page, the home page
    // shows the folder (`implicit: true`) without a link to it.
    let briefs = read(&out, "briefs/index.html");
    assert!(briefs.contains("<li>letters (1)</li>"), "{briefs}");
    let home = read(&out, "index.html");
    assert!(home.contains("<li>notes 1</li>"), "{home}");
    assert!(home.contains("<a href=\"/briefs/\">Briefs</a>"), "{home}");
    assert!(!home.contains("href=\"/notes/\""), "{home}");
    // Breadcrumbs skip the folder: no theme links to a page that does not exist.
    let letter = read(&out, "briefs/letters/open-letter/index.html");
    assert!(letter.contains("<ol class=\"crumbs\"><li>Home</li><li>Briefs</li></ol>"), "{letter}");
    // Not in the sitemap, no feed of its own; its pages are in the feeds above it.
    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://fixture.example.org/briefs/letters/open-letter/</loc>"),
        "{sitemap}"
    );
    assert!(
        !sitemap.contains("<loc>https://fixture.example.org/briefs/letters/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("<loc>https://fixture.example.org/notes/</loc>"), "{sitemap}");
    assert!(!out.join("briefs/letters/atom.xml").exists());
    assert!(read(&out, "briefs/atom.xml").contains("/briefs/letters/open-letter/"));
}

#[test]
fn a_link_to_a_folder_without_index_md_fails_and_says_why() {
    let site = fixture("basic");
    append(&site, "content/about.md", "\nSee [the letters](@/briefs/letters/_index.md).\n");
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("content/about.md:9"), "{stderr}");
    assert!(stderr.contains("content/briefs/letters/ has no `_index.md`"), "{stderr}");
}

#[test]
fn an_index_md_makes_a_folder_a_published_section() {
    let site = fixture("basic");
    fs::write(
        site.join("content/briefs/letters/_index.md"),
        "---\ntitle: Letters\ndescription: Open letters.\n---\n",
    )
    .unwrap();
    append(&site, "content/about.md", "\nSee [the letters](@/briefs/letters/_index.md).\n");
    let out = build_ok(&site, &[]);
    assert!(read(&out, "briefs/letters/index.html").contains("Open letter"));
    assert!(read(&out, "about/index.html").contains("href=\"/briefs/letters/\""));
    assert!(read(&out, "sitemap.xml")
        .contains("<loc>https://fixture.example.org/briefs/letters/</loc>"));
    let letter = read(&out, "briefs/letters/open-letter/index.html");
    assert!(
        letter.contains("<ol class=\"crumbs\"><li>Home</li><li>Briefs</li><li>Letters</li></ol>"),
        "{letter}"
    );
}

#[test]
fn a_page_may_live_at_the_url_of_a_folder_without_index_md() {
    // content/notes.md publishes /notes/; content/notes/ has no _index.md, so nothing else does.
    let site = fixture("basic");
    fs::write(
        site.join("content/notes.md"),
        "---\ntitle: All our notes\ndescription: Notes.\n---\n",
    )
    .unwrap();
    let out = build_ok(&site, &[]);
    assert!(read(&out, "notes/index.html").contains("All our notes"));
    assert!(out.join("notes/memo/index.html").is_file());
    // With an _index.md, the two would collide.
    fs::write(site.join("content/notes/_index.md"), "---\ntitle: Notes\n---\n").unwrap();
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("would write /notes/"), "{stderr}");
}

#[test]
fn sections_sort_their_pages_and_pages_know_their_neighbours() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let briefs = read(&out, "briefs/index.html");
    let order: Vec<usize> = ["Second brief", "First brief", "Bundle brief"]
        .iter()
        .map(|t| briefs.find(t).unwrap_or(usize::MAX))
        .collect();
    assert!(
        order[0] < order[1] && order[1] < order[2],
        "sort_by: date puts newest first: {briefs}"
    );
    let first = read(&out, "briefs/first/index.html");
    assert!(first.contains("class=\"prev\" href=\"/briefs/brief-two/\""), "{first}");
    assert!(first.contains("class=\"next\" href=\"/briefs/bundle/\""), "{first}");
    assert!(first.contains("<ol class=\"crumbs\"><li>Home</li><li>Briefs</li></ol>"), "{first}");
}

#[test]
fn slug_overrides_the_file_name() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    assert!(out.join("briefs/brief-two/index.html").is_file());
    assert!(!out.join("briefs/second").exists());
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    assert!(!out.join("briefs/draft").exists());
    assert!(!read(&out, "sitemap.xml").contains("/briefs/draft/"));
    let out = build_ok(&site, &["--drafts"]);
    assert!(out.join("briefs/draft/index.html").is_file());
}

#[test]
fn aliases_get_redirect_pages() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let redirect = read(&out, "old/first-brief/index.html");
    assert!(redirect.contains("url=https://fixture.example.org/briefs/first/"), "{redirect}");
    assert!(redirect.contains("rel=\"canonical\""));
}

#[test]
fn section_aliases_get_redirect_pages_as_page_aliases_do() {
    let site = fixture("basic");
    let index = site.join("content/briefs/_index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        text.replace("feed: true\n", "feed: true\naliases: [/papers/, old/briefs]\n"),
    )
    .unwrap();
    let out = build_ok(&site, &[]);
    for alias in ["papers/index.html", "old/briefs/index.html"] {
        let redirect = read(&out, alias);
        assert!(redirect.contains("url=https://fixture.example.org/briefs/"), "{redirect}");
        assert!(redirect.contains("rel=\"canonical\" href=\"https://fixture.example.org/briefs/\""));
        assert!(redirect.contains("noindex"), "{redirect}");
    }
    // The section itself is still where it was.
    assert!(read(&out, "briefs/index.html").contains("<h1>Briefs</h1>"));
    assert!(!read(&out, "sitemap.xml").contains("/papers/"), "redirects are not in the sitemap");
}

#[test]
fn taxonomies_get_list_and_term_pages_and_page_terms() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let list = read(&out, "topics/index.html");
    assert!(list.contains("href=\"/topics/security/\">Security</a> (2)"), "{list}");
    let term = read(&out, "topics/security/index.html");
    assert!(term.contains("First brief") && term.contains("Second brief"), "{term}");
    assert!(!term.contains("Bundle brief"));
    let first = read(&out, "briefs/first/index.html");
    assert!(first.contains("<a href=\"/topics/nato/\">NATO</a>"), "{first}");
}

#[test]
fn headings_get_unique_ids_and_a_toc_tree() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let first = read(&out, "briefs/first/index.html");
    assert!(first.contains("<h2 id=\"background\">"));
    assert!(first.contains("<h2 id=\"background-1\">"));
    assert!(
        first.contains("<a class=\"child\" href=\"#details\">Details</a>"),
        "toc children: {first}"
    );
}

#[test]
fn internal_links_resolve_to_the_target_url() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    assert!(read(&out, "index.html").contains("href=\"/briefs/first/#background\""));
    assert!(read(&out, "briefs/first/index.html").contains("href=\"/briefs/brief-two/\""));
}

#[test]
fn a_broken_internal_link_fails_the_build_naming_file_and_line() {
    let site = fixture("basic");
    append(&site, "content/about.md", "\nSee [nothing](@/briefs/missing.md).\n");
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("content/about.md:9"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn a_broken_anchor_fails_the_build_and_suggests_the_nearest() {
    let site = fixture("basic");
    append(&site, "content/about.md", "\nSee [it](@/briefs/first.md#backgruond).\n");
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("#backgruond"), "{stderr}");
    assert!(stderr.contains("did you mean `#background`"), "{stderr}");
}

#[test]
fn all_content_errors_are_reported_not_only_the_first() {
    let site = fixture("basic");
    append(&site, "content/about.md", "\n[a](@/nope-one.md)\n");
    fs::write(site.join("content/briefs/bad.md"), "---\ntitle: x\ndate: 2023-13-45\n---\n")
        .unwrap();
    let (_, stderr) = build_err(&site, &[]);
    assert!(stderr.contains("nope-one.md"), "{stderr}");
    assert!(stderr.contains("content/briefs/bad.md:3"), "{stderr}");
    assert!(stderr.contains("2 errors found"), "{stderr}");
}

#[test]
fn code_is_highlighted_with_classes_and_both_schemes_get_css() {
    let site = fixture("basic");
    let (out, stderr) = build_with_stderr(&site, &[]);
    let first = read(&out, "briefs/first/index.html");
    assert!(first.contains("<span class=\"hl-"), "{first}");
    assert!(!first.contains("style=\""), "no inline styles: {first}");
    assert!(first.contains("&lt;raw &amp; code&gt;"), "unknown language rendered escaped");
    assert!(
        stderr.contains("warning: content/briefs/first.md:32: unknown code language `nosuchlang`"),
        "{stderr}"
    );
    let css = read(&out, "syntax.css");
    assert!(css.contains(".hl-"));
    assert!(css.contains("@media (prefers-color-scheme: dark)"));
}

#[test]
fn feeds_and_sitemap_are_valid_xml_with_absolute_links() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    for file in ["atom.xml", "briefs/atom.xml", "sitemap.xml"] {
        let text = read(&out, file);
        assert_well_formed_xml(&text, file);
    }
    let feed = read(&out, "atom.xml");
    assert!(feed.contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://fixture.example.org/briefs/first/\"/>"), "{feed}");
    assert!(
        feed.contains("href=&quot;https://fixture.example.org/briefs/brief-two/&quot;"),
        "content links are absolute: {feed}"
    );
    assert!(!feed.contains("Unfinished"), "drafts stay out of the feed");
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example.org/briefs/first/</loc>"));
    assert!(sitemap.contains("<lastmod>2023-03-21T00:00:00+00:00</lastmod>"));
    assert!(read(&out, "robots.txt").contains("Sitemap: https://fixture.example.org/sitemap.xml"));
}

#[test]
fn the_feed_can_be_switched_off() {
    let site = fixture("basic");
    let config = fs::read_to_string(site.join("site.yaml"))
        .unwrap()
        .replace("feed:\n  limit: 10\n", "feed: false\n");
    fs::write(site.join("site.yaml"), config).unwrap();
    let out = build_ok(&site, &[]);
    assert!(!out.join("atom.xml").exists());
}

#[test]
fn a_static_robots_txt_replaces_the_generated_one() {
    // The theme's static/robots.txt replaces the generated file; the site's own replaces both.
    let site = fixture("basic");
    fs::write(site.join("themes/plain/static/robots.txt"), "User-agent: *\nDisallow: /theme/\n")
        .unwrap();
    let out = build_ok(&site, &[]);
    assert_eq!(read(&out, "robots.txt"), "User-agent: *\nDisallow: /theme/\n");
    fs::write(site.join("static/robots.txt"), "User-agent: *\nDisallow: /drafts/\n").unwrap();
    let out = build_ok(&site, &[]);
    assert_eq!(read(&out, "robots.txt"), "User-agent: *\nDisallow: /drafts/\n");
    let check = charter(&site, &["check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    // Gone again: Charter writes its own.
    fs::remove_file(site.join("static/robots.txt")).unwrap();
    fs::remove_file(site.join("themes/plain/static/robots.txt")).unwrap();
    let out = build_ok(&site, &[]);
    assert!(read(&out, "robots.txt").contains("Sitemap: https://fixture.example.org/sitemap.xml"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let before = snapshot(&out);
    fs::write(site.join("content/briefs/first.md"), "---\ntitle: [unclosed\n---\nbody\n").unwrap();
    let (code, _) = build_err(&site, &[]);
    assert_eq!(code, 1);
    assert_eq!(snapshot(&out), before, "public/ changed after a failed build");
    assert!(!out.join(".charter-staging").exists());
}

#[test]
fn a_template_error_on_render_leaves_the_output_untouched_and_names_template_and_line() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let before = snapshot(&out);
    fs::write(site.join("themes/plain/templates/section.html"), "{% extends \"base.html\" %}{% block content %}\n\n{{ section.title | nosuchfilter }}{% endblock %}\n").unwrap();
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("themes/plain/templates/section.html:3"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

/// A build writes its search index before the pages (then drops it and builds the template
/// values): a page that fails to render after that still leaves the previous output whole, the
/// index included.
#[test]
fn a_page_that_fails_after_the_search_index_is_written_leaves_the_previous_index() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let before = snapshot(&out);
    let index_holds = |word: &str| {
        walkdir::WalkDir::new(out.join("search-index"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .any(|e| fs::read_to_string(e.path()).unwrap_or_default().contains(word))
    };
    assert!(index_holds("first"), "the good build wrote a search index");
    let page = site.join("content/briefs/first.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nA zanzibarish word that only the failed build reads.\n"))
        .unwrap();
    // Fails on render, not on load: only a page's values have no `no_such_field`.
    fs::write(
        site.join("themes/plain/templates/page.html"),
        "{{ page.title }}\n{{ page.no_such_field.deeper }}\n{{ page.content | safe }}\n",
    )
    .unwrap();
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("page.html:2"), "the error names the template and line: {stderr}");
    assert_eq!(snapshot(&out), before, "public/ changed after a failed build");
    assert!(!index_holds("zanzibarish"), "the failed build's index reached public/");
    assert!(!out.join(".charter-staging").exists());
}

#[test]
fn a_page_in_a_list_has_no_content_or_toc_and_reading_them_fails_with_the_way_to_get_them() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let before = snapshot(&out);
    let section = site.join("themes/plain/templates/section.html");
    let listing = fs::read_to_string(&section).unwrap();
    let with = |expression: &str| {
        listing.replace(
            "<a href=\"{{ p.path }}\">{{ p.title }}</a>",
            &format!("<a href=\"{{{{ p.path }}}}\">{{{{ p.title }}}}</a>{expression}"),
        )
    };
    // Printed as it is, or through `safe` (Tera's own `safe` prints an undefined value as
    // nothing: the page would lose it without a word).
    // Nor a `toc`.
    for expression in [
        "{{ p.content }}",
        "{{ p.content | safe }}",
        "{{ p.toc }}",
        "{% for h in p.toc %}{{ h.id }}{% endfor %}",
    ] {
        fs::write(&section, with(expression)).unwrap();
        let (code, stderr) = build_err(&site, &[]);
        assert_eq!(code, 1, "{expression}: {stderr}");
        assert!(stderr.contains("section.html:2"), "{expression}: names the line: {stderr}");
        assert!(stderr.contains("get_page(path=p.relative_path)"), "{expression}: {stderr}");
        assert_eq!(snapshot(&out), before, "{expression}: public/ changed after a failed build");
    }
    // The way the hint gives: the whole page from `get_page`, in a one-shot build (whose
    // bodies are packed) as in the page's own `page.html`.
    fs::write(
        &section,
        with("<div class=\"whole\">{% set whole = get_page(path=p.relative_path) %}{{ whole.content | safe }}{% for h in whole.toc %}<i>{{ h.permalink }}</i>{% endfor %}</div>"),
    )
    .unwrap();
    let out = build_ok(&site, &[]);
    let list = read(&out, "briefs/index.html");
    assert!(list.contains("<div class=\"whole\"><p>Second body.</p>"), "{list}");
    assert!(list.contains("<i>/briefs/first/#background</i>"), "the whole page's toc: {list}");
    assert!(read(&out, "briefs/brief-two/index.html").contains("<p>Second body.</p>"));
    assert!(
        read(&out, "atom.xml").contains("&lt;p&gt;Second body.&lt;/p&gt;"),
        "the feed keeps its entries' content"
    );
}

#[test]
fn unchanged_files_keep_their_modification_time_and_stale_files_go() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let mtime = |p: &str| fs::metadata(out.join(p)).unwrap().modified().unwrap();
    let about_before = mtime("about/index.html");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::remove_file(site.join("content/briefs/2023/nested.md")).unwrap();
    let out = build_ok(&site, &[]);
    assert_eq!(mtime("about/index.html"), about_before, "an unchanged file was rewritten");
    assert!(
        !out.join("briefs/2023/nested").exists(),
        "a page removed from content stays in public/"
    );
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    assert!(read(&out, "index.html").contains("site override footer"));
    assert_eq!(read(&out, "style.css").trim(), "body { color: navy; }");
    assert_eq!(read(&out, "favicon.txt").trim(), "theme favicon");
    assert_eq!(read(&out, "extra.txt").trim(), "site only");
    assert!(
        read(&out, "about/index.html").contains("site-override-template"),
        "front matter `template:` picks a site template"
    );
}

#[test]
fn templates_see_data_extra_functions_and_unknown_keys() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let home = read(&out, "index.html");
    assert!(home.contains("<p class=\"motto\">Facts first</p>"));
    assert!(home.contains("<p class=\"staff\">Analyst One</p>"));
    assert!(home.contains("<p class=\"lookup\">First brief</p>"));
    let first = read(&out, "briefs/first/index.html");
    assert!(first.contains("An unknown key kept for templates"));
    assert!(first.contains("March 21, 2023"), "date filter");
    assert!(first.contains("class=\"summary\"><p>Intro paragraph"), "summary from <!-- more -->");
}

#[test]
fn dates_take_the_hugo_form() {
    let site = fixture("basic");
    let out = build_ok(&site, &[]);
    let second = read(&out, "briefs/brief-two/index.html");
    assert!(second.contains("<p class=\"date\">2023-04-01T10:30:00+02:00</p>"), "{second}");
}

#[test]
fn front_matter_values_are_escaped_in_templates() {
    let site = fixture("basic");
    fs::write(
        site.join("content/briefs/xss.md"),
        "---\ntitle: \"<script>alert(1)</script>\"\n---\nx\n",
    )
    .unwrap();
    let out = build_ok(&site, &[]);
    let page = read(&out, "briefs/xss/index.html");
    assert!(!page.contains("<script>alert(1)</script>"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;"),
        "{page}"
    );
}

#[test]
fn unknown_site_keys_are_errors_with_a_suggestion() {
    let site = fixture("basic");
    append(&site, "site.yaml", "titel: Oops\n");
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("site.yaml:"), "{stderr}");
    assert!(stderr.contains("unknown key `titel`"), "{stderr}");
    assert!(stderr.contains("did you mean `title`"), "{stderr}");
}

#[test]
fn a_front_matter_typo_is_a_warning_naming_the_line_and_the_key() {
    let site = fixture("basic");
    fs::write(site.join("content/briefs/typo.md"), "---\ntitle: Typo\ndescriptoin: x\n---\nx\n")
        .unwrap();
    let (_, stderr) = build_with_stderr(&site, &[]);
    assert!(
        stderr
            .contains("warning: content/briefs/typo.md:3: unknown front matter key `descriptoin`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `description`"), "{stderr}");
}

#[test]
fn tags_or_categories_that_are_not_taxonomies_of_the_site_get_a_warning() {
    let site = fixture("basic");
    fs::write(
        site.join("content/briefs/tagged.md"),
        "---\ntitle: Tagged\ntopics: [NATO]\ntags: [nato, guarantees]\n---\nx\n",
    )
    .unwrap();
    // A warning, not an error: the build succeeds (`build_with_stderr` asserts it).
    let (public, stderr) = build_with_stderr(&site, &[]);
    assert!(
        stderr.contains("warning: content/briefs/tagged.md:4: `tags` is not one of the site's taxonomies (the site's: topics), so its terms get no pages"),
        "{stderr}"
    );
    assert!(stderr.contains("add `tags` to `taxonomies:` in site.yaml"), "{stderr}");
    assert!(!public.join("tags").exists(), "no term pages for a key that is not a taxonomy");
    // Named in site.yaml, it is a taxonomy like any other: no warning, and its term pages.
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    fs::write(
        site.join("site.yaml"),
        yaml.replace("taxonomies: [topics]", "taxonomies: [topics, tags]"),
    )
    .unwrap();
    let (public, stderr) = build_with_stderr(&site, &[]);
    assert!(!stderr.contains("is not one of the site's taxonomies"), "{stderr}");
    assert!(public.join("tags/guarantees/index.html").is_file());
}

#[test]
fn terms_that_only_share_a_url_get_a_warning_and_case_or_accents_do_not() {
    let site = fixture("basic");
    fs::write(site.join("content/briefs/plus.md"), "---\ntitle: Plus\ntopics: [C++]\n---\nx\n")
        .unwrap();
    fs::write(
        site.join("content/briefs/sharp.md"),
        "---\ntitle: Sharp\ntopics: [\"C#\", Caf\u{e9}]\n---\nx\n",
    )
    .unwrap();
    fs::write(site.join("content/briefs/cafe.md"), "---\ntitle: Cafe\ntopics: [cafe]\n---\nx\n")
        .unwrap();
    let (public, stderr) = build_with_stderr(&site, &[]);
    // `C#` and `C++` share /topics/c/: said where the second is written, with both names.
    let warned: Vec<&str> = stderr.lines().filter(|l| l.contains("make the same URL")).collect();
    assert_eq!(warned.len(), 1, "{stderr}");
    assert!(warned[0].contains("content/briefs/"), "{stderr}");
    assert!(warned[0].contains("`C#`") && warned[0].contains("`C++`"), "{stderr}");
    assert!(warned[0].contains("/topics/c/"), "{stderr}");
    assert!(stderr.contains("rename one of them"), "{stderr}");
    // `Café` and `cafe` are one term, as meant: no warning about them.
    assert!(!stderr.contains("`cafe`") && !stderr.contains("`Caf\u{e9}`"), "{stderr}");
    assert!(public.join("topics/c/index.html").is_file());
}

#[test]
fn check_validates_and_writes_nothing() {
    let site = fixture("basic");
    let status = charter(&site, &["check"]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert!(!site.join("public").exists());
    append(&site, "content/about.md", "\n[x](@/gone.md)\n");
    let status = charter(&site, &["check"]);
    assert_eq!(status.status.code(), Some(1));
    assert!(!site.join("public").exists());
}

#[test]
fn base_url_can_be_overridden() {
    let site = fixture("basic");
    let out = build_ok(&site, &["--base-url", "https://staging.example.net/sub/"]);
    let feed = read(&out, "atom.xml");
    assert!(feed.contains("https://staging.example.net/sub/briefs/first/"), "{feed}");
    assert!(read(&out, "index.html").contains("href=\"/sub/briefs/first/#background\""));
}

#[test]
fn init_gives_a_site_that_builds_and_new_makes_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("fresh");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("init")
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let built = build_ok(&site, &[]);
    assert!(built.join("notes/first/index.html").is_file());
    assert!(built.join("notes/bundle/square.svg").is_file());
    assert!(built.join("topics/getting-started/index.html").is_file());
    let made = charter(&site, &["new", "notes/second-note.md"]);
    assert!(made.status.success());
    let text = fs::read_to_string(site.join("content/notes/second-note.md")).unwrap();
    assert!(text.starts_with("---\ntitle: \"Second note\"\n"), "{text}");
    let again = charter(&site, &["new", "../escape.md"]);
    assert_eq!(again.status.code(), Some(1));
}

/// `charter new` writes only inside the site: not through a folder of content/ that links out of
/// it, nor through a broken link, and it never replaces a file (nor a link) that is there.
#[test]
fn charter_new_writes_nothing_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let init = charter(dir.path(), &["init", site.to_str().unwrap()]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, site.join("content/linked")).unwrap();
    std::os::unix::fs::symlink(outside.join("absent.md"), site.join("content/notes/broken.md"))
        .unwrap();
    for (path, needle) in [
        ("linked/page.md", "points outside the site"),
        ("linked/deeper/page.md", "points outside the site"),
        ("notes/broken.md", "broken"),
    ] {
        let made = charter(&site, &["new", path]);
        let stderr = String::from_utf8_lossy(&made.stderr);
        assert_eq!(made.status.code(), Some(1), "{path}: {stderr}");
        assert!(stderr.contains(needle), "{path}: {stderr}");
    }
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0, "nothing was written outside");
    let made = charter(&site, &["new", "notes/inside.md"]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(site.join("content/notes/inside.md").is_file());
}

#[test]
fn the_benchmark_corpus_builds_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("corpus");
    corpus::generate(&site, 300, corpus::Flavor::Charter, 7).expect("write the corpus");
    let (out, stderr) = build_with_stderr(&site, &[]);
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(out.join("s000/p00000/index.html").is_file());
    assert!(out.join("tags/index.html").is_file());
}

/// Runs `charter build` and returns its summary line (stdout) and warnings (stderr).
fn build_summary(site: &std::path::Path) -> (String, String) {
    let out = charter(site, &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "build failed:\n{stderr}");
    (String::from_utf8_lossy(&out.stdout).to_string(), stderr)
}

#[test]
fn a_build_with_nothing_changed_does_no_work_and_any_change_builds_in_full() {
    const SKIPPED: &str = "nothing changed since the last build";
    let site = fixture("basic");
    let out = site.join("public");
    let (first, warnings) = build_summary(&site);
    assert!(first.contains("built "), "{first}");
    let clean = warnings.trim().is_empty();
    if !clean {
        // A build that printed warnings prints them again every time: it is never skipped.
        let (again, warnings_again) = build_summary(&site);
        assert!(
            !again.contains(SKIPPED) && warnings_again == warnings,
            "{again}\n{warnings_again}"
        );
        for file in walkdir::WalkDir::new(site.join("content"))
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        {
            let text = fs::read_to_string(file.path()).unwrap();
            fs::write(file.path(), text.replace("```nosuchlang", "```text")).unwrap();
        }
    }
    let (_, warnings) = build_summary(&site);
    assert!(
        warnings.trim().is_empty(),
        "the fixture should build without warnings here:\n{warnings}"
    );
    let before = snapshot(&out);
    let (second, _) = build_summary(&site);
    assert!(second.contains(SKIPPED), "{second}");
    assert_eq!(snapshot(&out), before, "a skipped build touches nothing");

    // A content edit builds in full, and the build after it is skipped again.
    append(&site, "content/briefs/first.md", "\nA later sentence.\n");
    let (third, _) = build_summary(&site);
    assert!(!third.contains(SKIPPED), "{third}");
    assert!(read(&out, "briefs/first/index.html").contains("A later sentence."));
    assert!(build_summary(&site).0.contains(SKIPPED));

    // An output edited or deleted by hand is restored by the next build.
    fs::write(out.join("about/index.html"), "edited by hand").unwrap();
    assert!(!build_summary(&site).0.contains(SKIPPED));
    assert!(read(&out, "about/index.html").contains("<html"), "restored");
    fs::remove_file(out.join("briefs/index.html")).unwrap();
    assert!(!build_summary(&site).0.contains(SKIPPED));
    assert!(out.join("briefs/index.html").is_file(), "restored");

    // Other options are other inputs.
    let drafts = charter(&site, &["build", "--drafts"]);
    assert!(drafts.status.success() && !String::from_utf8_lossy(&drafts.stdout).contains(SKIPPED));
    assert!(!build_summary(&site).0.contains(SKIPPED), "back without drafts: a full build");

    // A template that asks for the time changes every build: never skipped.
    append(&site, "themes/plain/templates/base.html", "<!-- built {{ now() }} -->\n");
    build_summary(&site);
    assert!(!build_summary(&site).0.contains(SKIPPED));
}

#[test]
fn a_paginated_section_splits_its_list_into_pagers() {
    let site = fixture("paginated");
    let out = build_ok(&site, &[]);
    // Pager 1 stays at the section URL, with this pager's pages in `section.pages` too.
    let first = read(&out, "news/index.html");
    assert!(first.contains("<p class=\"path\">/news/</p>"), "{first}");
    assert!(first.contains("<ul class=\"pages\"><li>Item 5</li><li>Item 4</li></ul>"), "{first}");
    assert!(
        first.contains("pager 1 of 3, 5 pages, 2 a pager; first /news/; last /news/page/3/; previous none; next /news/page/2/; base /news/page/"),
        "{first}"
    );
    assert!(first.contains("<a href=\"/news/\" aria-current=\"page\">1</a>"), "{first}");
    let second = read(&out, "news/page/2/index.html");
    assert!(second.contains("<p class=\"path\">/news/page/2/</p>"), "{second}");
    assert!(second.contains("<ol class=\"paginator\"><li>Item 3</li><li>Item 2</li></ol>"));
    assert!(second.contains("previous /news/; next /news/page/3/"), "{second}");
    let last = read(&out, "news/page/3/index.html");
    assert!(last.contains("<ol class=\"paginator\"><li>Item 1</li></ol>"), "{last}");
    assert!(last.contains("previous /news/page/2/; next none"), "{last}");
    assert!(last.contains("<a href=\"/news/page/3/\" aria-current=\"page\">3</a>"), "{last}");
    assert!(!out.join("news/page/4").exists());
    // `/news/page/1/` redirects to the section; the home page is not paginated.
    let redirect = read(&out, "news/page/1/index.html");
    assert!(redirect.contains("url=https://paged.example.org/news/\""), "{redirect}");
    assert!(read(&out, "index.html").contains("not paginated"));
    // The sitemap lists pagers 2 and 3, not the redirect.
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://paged.example.org/news/page/2/</loc>"), "{sitemap}");
    assert!(sitemap.contains("<loc>https://paged.example.org/news/page/3/</loc>"));
    assert!(!sitemap.contains("/page/1/"), "{sitemap}");
}

#[test]
fn taxonomy_terms_paginate_as_site_yaml_says_and_the_path_word_is_settable() {
    let site = fixture("paginated");
    let yaml = site.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(
        &yaml,
        text.replace("paginate_by: 2 }", "paginate_by: 4, paginate_path: seite }"),
    )
    .unwrap();
    let news = site.join("content/news/_index.md");
    let text = std::fs::read_to_string(&news).unwrap();
    std::fs::write(&news, text.replace("paginate_by: 2\n", "paginate_by: 3\npaginate_path: p\n"))
        .unwrap();
    let out = build_ok(&site, &[]);
    let term = read(&out, "topics/peace/index.html");
    assert!(term.contains("pager 1 of 2, 5 pages, 4 a pager"), "{term}");
    assert!(term.contains("next /topics/peace/seite/2/"), "{term}");
    assert!(read(&out, "topics/peace/seite/2/index.html").contains("<li>Item 1</li></ol>"));
    assert!(out.join("topics/peace/seite/1/index.html").is_file());
    assert!(read(&out, "news/p/2/index.html").contains("<li>Item 2</li><li>Item 1</li></ol>"));
    assert!(!out.join("news/page").exists());
}

#[test]
fn a_home_can_list_and_paginate_every_page_below_it_with_jekyll_pager_urls() {
    // A blog's home as Jekyll's paginator has it: every post of the site, newest first, pager 2
    // at `/page2/`.
    let site = fixture("paginated");
    std::fs::write(
        site.join("content/_index.md"),
        "---\ntitle: Home\nsort_by: date\ninclude_pages_below: true\npaginate_by: 2\npaginate_path: \"page:num\"\n---\nWelcome.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/about.md"),
        "---\ntitle: About\ndate: 2000-01-01\n---\nAbout.\n",
    )
    .unwrap();
    let out = build_ok(&site, &[]);
    let home = read(&out, "index.html");
    assert!(
        home.contains("pager 1 of 3, 6 pages, 2 a pager; first /; last /page3/; previous none; next /page2/; base /page"),
        "{home}"
    );
    assert!(home.contains("<ol class=\"paginator\"><li>Item 5</li><li>Item 4</li></ol>"), "{home}");
    let second = read(&out, "page2/index.html");
    assert!(
        second.contains("<ol class=\"paginator\"><li>Item 3</li><li>Item 2</li></ol>"),
        "{second}"
    );
    assert!(second.contains("previous /; next /page3/"), "{second}");
    let third = read(&out, "page3/index.html");
    assert!(
        third.contains("<ol class=\"paginator\"><li>Item 1</li><li>About</li></ol>"),
        "{third}"
    );
    assert!(read(&out, "page1/index.html").contains("url=https://paged.example.org/\""));
    assert!(!out.join("page4").exists() && !out.join("page").exists());
    // The section below keeps its own list, and a page its own section's previous and next.
    let news = read(&out, "news/index.html");
    assert!(news.contains("<ul class=\"pages\"><li>Item 5</li><li>Item 4</li></ul>"), "{news}");
    assert!(!news.contains("About"), "{news}");

    // A `paginate_path` with `:num` twice, or a `/` in it, is refused where it is written.
    for bad in ["\"page:num:num\"", "\"a/page:num\""] {
        std::fs::write(
            site.join("content/_index.md"),
            format!("---\ntitle: Home\npaginate_by: 2\npaginate_path: {bad}\n---\n"),
        )
        .unwrap();
        let (code, text) = build_err(&site, &[]);
        assert!(
            code != 0 && text.contains("content/_index.md") && text.contains("paginate_path"),
            "{bad}: {text}"
        );
    }
}

#[test]
fn toc_false_empties_the_table_of_contents_and_section_terms_reach_templates() {
    let site = fixture("basic");
    let first = site.join("content/briefs/first.md");
    let text = std::fs::read_to_string(&first).unwrap();
    let out = build_ok(&site, &[]);
    assert!(read(&out, "briefs/first/index.html").contains("class=\"child\""), "a toc to hide");
    std::fs::write(&first, text.replace("toc: true", "toc: false")).unwrap();
    let index = site.join("content/briefs/_index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, text.replace("feed: true\n", "feed: true\ntopics: [Security]\n"))
        .unwrap();
    let section = site.join("themes/plain/templates/section.html");
    let text = std::fs::read_to_string(&section).unwrap();
    std::fs::write(
        &section,
        text.replace(
            "<h1>{{ section.title }}</h1>",
            "<h1>{{ section.title }}</h1>{% for t in section.taxonomies.topics %}<a class=\"term\" href=\"{{ t.path }}\">{{ t.name }}</a>{% endfor %}",
        ),
    )
    .unwrap();
    let out = build_ok(&site, &[]);
    let page = read(&out, "briefs/first/index.html");
    assert!(page.contains("<nav class=\"toc\"></nav>"), "{page}");
    let briefs = read(&out, "briefs/index.html");
    assert!(
        briefs.contains("<a class=\"term\" href=\"/topics/security/\">Security</a>"),
        "{briefs}"
    );
}

/// `write_all` writes a site loaded for one build (search index first, values built after it,
/// every page's body and table of contents moved to the build's scratch file once the index read
/// them, and read back from there) exactly as it writes one loaded for `serve` (values and index
/// built together, every body kept): on every fixture site that builds, with feeds, page
/// components, languages and pagers, and headings that a table of contents must carry intact.
#[test]
fn a_site_loaded_for_one_build_is_written_as_a_site_loaded_for_serve() {
    for name in ["basic", "components", "languages", "paginated", "search"] {
        let site = fixture(name);
        if name == "basic" {
            std::fs::write(
                site.join("content/briefs/marks.md"),
                "---\ntitle: Marks\ntoc: true\n---\n\n## \"Quoted\" and back\\\\slash\n\nText.\n\n\
                 ### Ukraine \u{1F1FA}\u{1F1E6} \u{2014} *a guarantee*\n\nText.\n\n\
                 ## `<code>` &amp; entities, tab\there\n\nText.\n",
            )
            .expect("a page with marks in its headings");
        }
        let write = |load: fn(charter::BuildOptions) -> Result<charter::Site, _>, folder: &str| {
            let mut options = charter::BuildOptions::new(&site);
            options.output = Some(site.join(folder));
            let mut loaded = load(options).unwrap_or_else(|e| panic!("{name} loads: {e}"));
            charter::build::write_all(&mut loaded).unwrap_or_else(|e| panic!("{name}: {e}"));
            output_tree(&site.join(folder))
        };
        let once = write(charter::Site::load_once, "once");
        let kept = write(charter::Site::load, "kept");
        assert!(once.keys().any(|p| p.starts_with("search-index")), "{name}: the index is written");
        assert_eq!(once.keys().collect::<Vec<_>>(), kept.keys().collect::<Vec<_>>(), "{name}");
        for (path, bytes) in &kept {
            assert!(once.get(path) == Some(bytes), "{name}: {} differs", path.display());
        }
        if name == "basic" {
            let marks =
                String::from_utf8_lossy(&once[std::path::Path::new("briefs/marks/index.html")]);
            assert!(marks.contains("class=\"child\""), "the table of contents is kept: {marks}");
        }
    }
}

/// A one-shot build writes each page from the body it rendered once (kept in its scratch file,
/// not read from the page's file again): a file saved once the site is read changes nothing in
/// this build, whose pages are all of the files as they were read (the page's title and listings
/// agree with its body); the next build sees the change and has the new text.
#[test]
fn a_page_file_edited_after_the_site_was_read_is_in_the_next_build() {
    // (A site whose templates name `get_page` keeps every body instead: not this one.)
    let site = fixture("search");
    let out = build_ok(&site, &[]);
    let before = read(&out, "guarantee/index.html");
    let mut options = charter::BuildOptions::new(&site);
    options.output = Some(out.clone());
    let mut loaded = charter::Site::load_once(options).unwrap_or_else(|e| panic!("loads: {e}"));
    append(&site, "content/guarantee.md", "\nA sentence saved during the build.\n");
    charter::build::write_all(&mut loaded).unwrap_or_else(|e| panic!("writes: {e}"));
    assert_eq!(read(&out, "guarantee/index.html"), before, "the page as it was read");
    let out = build_ok(&site, &[]);
    assert!(read(&out, "guarantee/index.html").contains("A sentence saved during the build."));
}
