//! Incremental rebuilds (the path `serve` uses) give exactly what a fresh full build gives, after
//! every kind of change, and touch only what depends on the change.

mod common;

use charter::{BuildOptions, Site};
use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn fresh_build(site: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("fresh");
    let mut options = BuildOptions::new(site);
    options.output = Some(dir.clone());
    charter::build(options).unwrap_or_else(|e| panic!("fresh build failed: {e}"));
    output_tree(&dir)
}

fn assert_same_as_fresh(site: &Path, step: &str) {
    let served = output_tree(&site.join("public"));
    let fresh = fresh_build(site);
    let served_keys: Vec<_> = served.keys().collect();
    let fresh_keys: Vec<_> = fresh.keys().collect();
    assert_eq!(served_keys, fresh_keys, "after {step}: the set of files differs");
    for (path, bytes) in &fresh {
        assert!(
            served.get(path) == Some(bytes),
            "after {step}: {} differs from a fresh build",
            path.display()
        );
    }
}

/// The files of the search index in `changed`, and the others.
fn without_search_index(changed: &[String]) -> (Vec<String>, Vec<String>) {
    changed.iter().cloned().partition(|p| p.starts_with("search-index/"))
}

fn load(site: &Path) -> Site {
    let mut site = Site::load(BuildOptions::new(site)).unwrap_or_else(|e| panic!("{e}"));
    charter::build::write_all(&mut site).unwrap_or_else(|e| panic!("{e}"));
    site
}

fn edit(site: &Path, rel: &str, f: impl FnOnce(String) -> String) -> PathBuf {
    let path = site.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, f(text)).unwrap();
    path
}

#[test]
fn a_body_edit_rerenders_only_what_lists_the_page_and_matches_a_full_build() {
    let root = fixture("basic");
    let mut site = load(&root);
    let path = edit(&root, "content/briefs/first.md", |t| t.replace("More.", "More, edited."));
    let report = site.rebuild(&[path]).unwrap();
    assert!(report.change.contains("page body"), "{}", report.change);
    assert!(
        report.rendered < site.outputs().len(),
        "rendered {} of {}",
        report.rendered,
        site.outputs().len()
    );
    assert!(
        report.changed_outputs.contains(&"briefs/first/index.html".to_string()),
        "{:?}",
        report.changed_outputs
    );
    assert!(!report.changed_outputs.contains(&"about/index.html".to_string()));
    assert!(read(&root.join("public"), "briefs/first/index.html").contains("More, edited."));
    assert_same_as_fresh(&root, "a body edit");
}

#[test]
fn every_kind_of_change_matches_a_full_build() {
    let root = fixture("basic");
    let mut site = load(&root);
    let step = |site: &mut Site, name: &str, paths: Vec<PathBuf>| {
        site.rebuild(&paths).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_as_fresh(&root, name);
    };
    let p = edit(&root, "content/briefs/first.md", |t| {
        t.replace("title: First brief", "title: First brief, renamed")
    });
    step(&mut site, "front matter edit", vec![p]);
    fs::write(
        root.join("content/briefs/third.md"),
        "---\ntitle: Third\ndate: 2024-02-02\ntopics: [Security]\n---\nNew.\n",
    )
    .unwrap();
    step(&mut site, "page added", vec![root.join("content/briefs/third.md")]);
    fs::remove_file(root.join("content/briefs/third.md")).unwrap();
    step(&mut site, "page deleted", vec![root.join("content/briefs/third.md")]);
    let p = edit(&root, "content/briefs/second.md", |t| {
        t + "
A second body edit.
"
    });
    step(&mut site, "body edit after structural changes", vec![p]);
    // first.md links to second.md: its body (released from memory after rendering) is read
    // again from its file and rendered with the new URL.
    let p = edit(&root, "content/briefs/second.md", |t| {
        t.replace("slug: brief-two", "slug: brief-two-renamed")
    });
    step(&mut site, "a linked page's slug changed", vec![p]);
    assert!(read(&root.join("public"), "briefs/first/index.html")
        .contains("href=\"/briefs/brief-two-renamed/\""));
    fs::rename(root.join("content/briefs/2023"), root.join("content/briefs/archive")).unwrap();
    step(
        &mut site,
        "section renamed",
        vec![root.join("content/briefs/2023"), root.join("content/briefs/archive")],
    );
    let p = edit(&root, "themes/plain/templates/page.html", |t| {
        t.replace("<article>", "<article class=\"changed\">")
    });
    step(&mut site, "template edit", vec![p]);
    let p = edit(&root, "static/style.css", |t| t + "p { margin: 0 }\n");
    step(&mut site, "static edit", vec![p]);
    // A static robots.txt replaces the generated one while it exists (site's, then theme's).
    fs::write(root.join("static/robots.txt"), "User-agent: *\nDisallow: /private/\n").unwrap();
    step(&mut site, "static robots.txt added", vec![root.join("static/robots.txt")]);
    assert_eq!(read(&root.join("public"), "robots.txt"), "User-agent: *\nDisallow: /private/\n");
    fs::remove_file(root.join("static/robots.txt")).unwrap();
    step(&mut site, "static robots.txt removed", vec![root.join("static/robots.txt")]);
    assert!(read(&root.join("public"), "robots.txt").contains("Sitemap:"));
    fs::write(root.join("themes/plain/static/robots.txt"), "User-agent: *\nDisallow: /theme/\n")
        .unwrap();
    step(&mut site, "theme robots.txt added", vec![root.join("themes/plain/static/robots.txt")]);
    fs::remove_file(root.join("themes/plain/static/robots.txt")).unwrap();
    step(&mut site, "theme robots.txt removed", vec![root.join("themes/plain/static/robots.txt")]);
    let p = edit(&root, "data/people.yaml", |t| t.replace("Analyst One", "Analyst Uno"));
    step(&mut site, "data edit", vec![p]);
    let p = edit(&root, "site.yaml", |t| t.replace("Facts first", "Facts always"));
    step(&mut site, "config edit", vec![p]);
    let p = edit(&root, "content/briefs/draft.md", |t| t.replace("draft: true", "draft: false"));
    step(&mut site, "draft published", vec![p]);
}

#[test]
fn a_broken_edit_changes_nothing_and_the_next_good_edit_recovers() {
    let root = fixture("basic");
    let mut site = load(&root);
    let before = snapshot(&root.join("public"));
    let good = fs::read_to_string(root.join("content/briefs/first.md")).unwrap();
    let p = edit(&root, "content/briefs/first.md", |t| {
        t.replace("[link to the second](@/briefs/second.md)", "[gone](@/briefs/none.md)")
    });
    let err = site.rebuild(std::slice::from_ref(&p)).unwrap_err();
    assert!(err.to_string().contains("content/briefs/first.md"), "{err}");
    assert_eq!(snapshot(&root.join("public")), before);
    fs::write(&p, "---\ntitle: [broken\n---\n").unwrap();
    assert!(site.rebuild(std::slice::from_ref(&p)).is_err());
    assert_eq!(snapshot(&root.join("public")), before);
    fs::write(&p, good.replace("More.", "Recovered.")).unwrap();
    site.rebuild(&[p]).unwrap();
    assert!(read(&root.join("public"), "briefs/first/index.html").contains("Recovered."));
    assert_same_as_fresh(&root, "recovery");
}

#[test]
fn a_page_looked_up_by_a_template_rerenders_its_reader() {
    let root = fixture("basic");
    let mut site = load(&root);
    // index.html calls get_page("briefs/first.md") and prints its title; a body edit of that page
    // must re-render the home page too (it could print the content).
    let p = edit(&root, "content/briefs/first.md", |t| {
        t.replace("Same title again.", "Same title again, edited.")
    });
    let report = site.rebuild(&[p]).unwrap();
    assert!(report.rendered > 0);
    assert_same_as_fresh(&root, "looked-up page edit");
}

#[test]
fn an_index_md_added_or_removed_publishes_or_unpublishes_the_folder_page() {
    // content/briefs/letters/ has pages but no _index.md: no list page until one is written.
    let root = fixture("basic");
    let mut site = load(&root);
    let out = root.join("public");
    assert!(!out.join("briefs/letters/index.html").exists());
    let index = root.join("content/briefs/letters/_index.md");
    fs::write(&index, "---\ntitle: Letters\ndescription: Open letters.\n---\n").unwrap();
    site.rebuild(std::slice::from_ref(&index)).unwrap();
    assert!(read(&out, "briefs/letters/index.html").contains("Open letter"));
    assert_same_as_fresh(&root, "_index.md added");
    fs::remove_file(&index).unwrap();
    let report = site.rebuild(&[index]).unwrap();
    assert!(!out.join("briefs/letters/index.html").exists(), "{:?}", report.changed_outputs);
    assert_same_as_fresh(&root, "_index.md removed");
    // A body edit of a page in such a folder renders no folder page either.
    let p = edit(&root, "content/briefs/letters/open-letter.md", |t| {
        t.replace("A letter.", "A letter, edited.")
    });
    let report = site.rebuild(&[p]).unwrap();
    assert!(report.change.contains("page body"), "{}", report.change);
    assert!(
        report.changed_outputs.contains(&"briefs/letters/open-letter/index.html".to_string()),
        "{:?}",
        report.changed_outputs
    );
    assert!(!out.join("briefs/letters/index.html").exists(), "{:?}", report.changed_outputs);
    assert_same_as_fresh(&root, "a body edit in a folder without _index.md");
}

#[test]
fn a_body_edit_rerenders_only_the_pager_that_lists_the_page() {
    let root = fixture("paginated");
    let mut site = load(&root);
    // news is sorted newest first, two a pager: item-3 is on pager 2 of the section, and on
    // pager 2 of the `Peace` term.
    let p = edit(&root, "content/news/item-3.md", |t| t.replace("Body of item 3.", "Edited."));
    let report = site.rebuild(&[p]).unwrap();
    assert!(report.change.contains("page body"), "{}", report.change);
    let (search, mut changed) = without_search_index(&report.changed_outputs);
    changed.sort();
    assert_eq!(changed, ["atom.xml", "news/item-3/index.html"], "no list prints the body");
    assert!(search.iter().any(|p| p.contains("/d/")), "the page's search fragment: {search:?}");
    assert_same_as_fresh(&root, "a body edit in a paginated section");
    // Rendered: the page and its two neighbours, pager 2 of the section and pager 2 of the term
    // (not their pagers 1 and 3), the taxonomy list, the home page (it holds the section among
    // its subsections) and the feed; and the page's search fragment and the index's chunks whose
    // terms changed (tests/search.rs checks which).
    assert!(search.len() <= 3, "{search:?}");
    assert_eq!(report.rendered, 8 + search.len(), "{report}");
}

#[test]
fn a_title_edit_writes_only_the_pagers_that_list_the_page() {
    let root = fixture("paginated");
    let mut site = load(&root);
    let p =
        edit(&root, "content/news/item-1.md", |t| t.replace("title: Item 1", "title: Item one"));
    let report = site.rebuild(&[p]).unwrap();
    let (search, mut changed) = without_search_index(&report.changed_outputs);
    assert!(search.iter().any(|p| p.contains("/d/")), "the page's search fragment: {search:?}");
    changed.sort();
    // item-1 is the oldest: the last pager of the section and of its term; its neighbour item-2
    // does not print titles of neighbours in this fixture's templates.
    assert_eq!(
        changed,
        [
            "atom.xml",
            "news/item-1/index.html",
            "news/page/3/index.html",
            "topics/peace/page/3/index.html"
        ],
        "{report}"
    );
    assert_same_as_fresh(&root, "a title edit in a paginated section");
}

#[test]
fn adding_and_removing_a_page_rewrites_the_sections_pagers() {
    let root = fixture("paginated");
    let mut site = load(&root);
    let added = root.join("content/news/item-6.md");
    fs::write(&added, "---\ntitle: Item 6\ndate: 2024-01-06\n---\nNewest.\n").unwrap();
    site.rebuild(std::slice::from_ref(&added)).unwrap();
    let out = root.join("public");
    assert!(read(&out, "news/index.html").contains("<li>Item 6</li><li>Item 5</li></ol>"));
    assert!(read(&out, "news/page/3/index.html").contains("<li>Item 2</li><li>Item 1</li></ol>"));
    assert_same_as_fresh(&root, "a page added to a paginated section");
    fs::remove_file(&added).unwrap();
    fs::remove_file(root.join("content/news/item-5.md")).unwrap();
    site.rebuild(&[added, root.join("content/news/item-5.md")]).unwrap();
    assert!(!out.join("news/page/3/index.html").exists(), "two pagers are left");
    assert!(read(&out, "sitemap.xml").contains("/news/page/2/"));
    assert!(!read(&out, "sitemap.xml").contains("/news/page/3/"));
    assert_same_as_fresh(&root, "two pages removed from a paginated section");
}

#[test]
fn a_body_edit_renders_a_feed_again_only_if_the_page_is_among_its_entries() {
    // The same edits on the paginated fixture with the default feed limit (every item is an
    // entry) and with a limit of 2 (only the two newest, items 5 and 4, are).
    let renders = |limit: Option<usize>, item: usize| {
        let root = fixture("paginated");
        if let Some(limit) = limit {
            let config = fs::read_to_string(root.join("site.yaml")).unwrap();
            fs::write(root.join("site.yaml"), format!("{config}feed:\n  limit: {limit}\n"))
                .unwrap();
        }
        let mut site = load(&root);
        let rel = format!("content/news/item-{item}.md");
        let body = format!("Body of item {item}.");
        let p = edit(&root, &rel, |t| t.replace(&body, "Edited body."));
        let report = site.rebuild(&[p]).unwrap();
        assert!(report.change.contains("page body"), "{}", report.change);
        assert_same_as_fresh(&root, &format!("a body edit of item {item} (feed limit {limit:?})"));
        let atom = read(&root.join("public"), "atom.xml");
        assert_eq!(
            atom.contains("Edited body."),
            limit.is_none() || item >= 4,
            "item {item}, limit {limit:?}"
        );
        (report.rendered, report.changed_outputs.contains(&"atom.xml".to_string()))
    };
    let (all_entries, feed_written) = renders(None, 1);
    assert!(feed_written, "item 1 is an entry of the unlimited feed");
    let (newest_two, feed_written) = renders(Some(2), 1);
    assert!(!feed_written);
    assert_eq!(newest_two, all_entries - 1, "the feed is not rendered for item 1");
    let (_, feed_written) = renders(Some(2), 5);
    assert!(feed_written, "item 5 is an entry of the feed of the two newest");
}
