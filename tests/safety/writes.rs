//! Safety cases for writes: every output path has one producer, stays inside the output and out
//! of Charter's own names, no path is a file for one producer and a folder for another, and
//! `serve`'s incremental writes obey the same plan. Each case tries one way around the output
//! plan (src/output/plan.rs) through a different producer.

#[allow(unused_imports)]
use crate::support::*;

/// A refused build names both producers and says what to do.
fn refused_naming(
    site: &TestSite,
    args: &[&str],
    break_it: impl FnOnce(&TestSite),
    needles: &[&str],
) {
    site.refused_keeping_public_with(args, break_it).assert_error(needles);
}

// --- A file where another producer needs a folder ----------------------------------------

#[test]
fn a_static_file_where_a_term_page_needs_a_folder() {
    // Not the taxonomy list (`topics`) but one term below it.
    refused_naming(
        &TestSite::new(),
        &[],
        |s| s.write("static/topics/peace", "x"),
        &[
            "static/topics/peace",
            "the `topics` term page of \"peace\"",
            "needs topics/peace/ to be a folder",
        ],
    );
}

#[test]
fn a_theme_static_file_where_a_page_needs_a_folder() {
    let site = TestSite::new();
    site.write("site.yaml", format!("{SITE_YAML}theme: plain\n"));
    site.write("themes/plain/static/theme.css", "body{}");
    refused_naming(
        &site,
        &[],
        |s| s.write("themes/plain/static/good", "from the theme"),
        &["themes/plain/static/good", "content/good.md", "needs good/ to be a folder"],
    );
}

#[test]
fn a_page_slug_with_a_dot_where_robots_txt_is_a_file() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| s.write("content/bots.md", "---\ntitle: \"Bots\"\nslug: \"robots.txt\"\n---\nx\n"),
        &["the generated robots.txt", "content/bots.md", "needs robots.txt/ to be a folder"],
    );
}

#[test]
fn an_alias_whose_redirect_folder_is_the_sitemap() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| {
            s.write(
                "content/good.md",
                GOOD_MD.replace("topics:", "aliases: ['/sitemap.xml']\ntopics:"),
            )
        },
        &[
            "the generated sitemap",
            "the alias /sitemap.xml of content/good.md",
            "needs sitemap.xml/ to be a folder",
        ],
    );
}

#[test]
fn a_feed_filename_that_is_a_pages_folder() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| s.write("site.yaml", format!("{SITE_YAML}feed:\n  filename: good\n")),
        &["the generated site feed", "content/good.md", "needs good/ to be a folder"],
    );
}

#[test]
fn a_bundle_asset_where_a_static_file_needs_a_folder() {
    let site = TestSite::new();
    refused_naming(
        &site,
        &[],
        |s| {
            s.write("content/report/index.md", "---\ntitle: \"Report\"\n---\nSee the chart.\n");
            s.write("content/report/data", "a,b\n1,2\n");
            s.write("static/report/data/chart.svg", "<svg/>");
        },
        &[
            "the page file content/report/data",
            "the static file static/report/data/chart.svg",
            "needs report/data/ to be a folder",
        ],
    );
}

// --- Two producers of one path -----------------------------------------------------------

#[test]
fn an_alias_onto_the_404_page() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| {
            s.write(
                "content/good.md",
                GOOD_MD.replace("topics:", "aliases: ['/404.html']\ntopics:"),
            )
        },
        &[
            "the alias /404.html of content/good.md",
            "the generated 404 page",
            "would both write 404.html",
        ],
    );
}

#[test]
fn a_page_in_the_taxonomy_folder_onto_a_term_page() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| s.write("content/topics/peace.md", "---\ntitle: \"Peace\"\n---\nx\n"),
        &[
            "content/topics/peace.md",
            "the `topics` term page of \"peace\"",
            "would both write topics/peace/index.html",
        ],
    );
}

#[test]
fn a_bundle_file_named_like_its_page() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| {
            s.write("content/report/index.md", "---\ntitle: \"Report\"\n---\nx\n");
            s.write("content/report/index.html", "<p>not the page</p>");
        },
        &[
            "the page file content/report/index.html",
            "content/report/index.md",
            "would both write report/index.html",
        ],
    );
}

#[test]
fn a_static_file_onto_a_section_feed() {
    let site = TestSite::new();
    site.write("content/notes/_index.md", "---\ntitle: \"Notes\"\nfeed: true\n---\n");
    site.write("content/notes/one.md", "---\ntitle: \"One\"\ndate: 2023-01-02\n---\nx\n");
    refused_naming(
        &site,
        &[],
        |s| s.write("static/notes/atom.xml", "<feed/>"),
        &[
            "the static file static/notes/atom.xml",
            "the generated feed of content/notes/_index.md",
            "would both write notes/atom.xml",
        ],
    );
}

#[test]
fn a_static_file_onto_a_precompressed_copy() {
    refused_naming(
        &TestSite::new(),
        &["--precompress"],
        |s| s.write("static/good/index.html.gz", "not gzip"),
        &[
            "the static file static/good/index.html.gz",
            "the precompressed copy (.gz) of content/good.md",
            "would both write good/index.html.gz",
        ],
    );
}

#[test]
fn a_static_file_onto_the_precompressed_copy_of_a_fingerprinted_name() {
    // The fingerprinted name is known only once the stylesheet is read: the plan checks it (and
    // its `.gz`, `.br`) when the name is made, before anything is written.
    let site = TestSite::new();
    let args = ["--fingerprint", "--precompress"];
    site.write("static/css/site.css", "body { color: navy }\n");
    site.build_with(&args).assert_ok();
    let hashed = std::fs::read_dir(site.public().join("css"))
        .expect("css folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("site.") && n.ends_with(".css"))
        .expect("a fingerprinted stylesheet");
    let before = snapshot(&site.public());
    site.write(&format!("static/css/{hashed}.gz"), "not gzip");
    let run = site.build_with(&args);
    run.assert_error(&[
        &format!("the static file static/css/{hashed}.gz"),
        "the precompressed copy (.gz) of the static file static/css/site.css",
        &format!("would both write css/{hashed}.gz"),
    ]);
    assert_same_tree(
        &before,
        &snapshot(&site.public()),
        "public/ after a refused fingerprinted build",
    );
}

// --- Names that differ only in letter case -----------------------------------------------

#[test]
fn an_alias_differing_from_a_page_only_in_case() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| s.write("content/other.md", "---\ntitle: \"Other\"\naliases: ['/Good/']\n---\nx\n"),
        &["the alias /Good/ of content/other.md", "content/good.md", "differ only in letter case"],
    );
}

#[test]
fn pages_whose_names_differ_only_in_unicode_normalization() {
    // `café` typed as one letter `é` (NFC) and as `e` + a combining accent (NFD): two files on
    // Linux, one on macOS, where one page would overwrite the other.
    refused_naming(
        &TestSite::new(),
        &[],
        |s| {
            s.write("content/caf\u{e9}.md", "---\ntitle: \"One\"\n---\nx\n");
            s.write("content/cafe\u{301}.md", "---\ntitle: \"Two\"\n---\nx\n");
        },
        &["content/caf\u{e9}.md", "content/cafe\u{301}.md", "Unicode normalization", "macOS"],
    );
}

#[test]
fn a_static_file_where_an_alias_differing_in_normalization_and_case_needs_a_folder() {
    // `Café.txt` (NFC, a capital) is a file; the alias `/café.txt` (NFD) writes
    // `café.txt/index.html`: on macOS the two are one name, a file and a folder at once.
    refused_naming(
        &TestSite::new(),
        &[],
        |s| {
            s.write("static/Caf\u{c9}.txt", "one");
            s.write(
                "content/other.md",
                "---\ntitle: \"Other\"\naliases: ['/cafe\u{301}.txt']\n---\nx\n",
            );
        },
        &["content/other.md", "static/Caf\u{c9}.txt", "a path cannot be both a file and a folder"],
    );
}

// --- Charter's own names, and paths that leave the output --------------------------------

#[test]
fn a_nested_alias_into_a_reserved_name() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| {
            s.write(
                "content/good.md",
                GOOD_MD.replace("topics:", "aliases: ['/old/.charter-staging/good/']\ntopics:"),
            )
        },
        &[
            "the alias /old/.charter-staging/good/ of content/good.md",
            ".charter-staging",
            "a name Charter keeps for its own files",
        ],
    );
}

#[test]
fn an_alias_into_a_reserved_name_in_capitals() {
    // `.CHARTER-STAGING` is the staging folder on case-insensitive file systems.
    refused_naming(
        &TestSite::new(),
        &[],
        |s| {
            s.write(
                "content/good.md",
                GOOD_MD.replace("topics:", "aliases: ['/.CHARTER-STAGING/evil.html']\ntopics:"),
            )
        },
        &[
            "the alias /.CHARTER-STAGING/evil.html of content/good.md",
            "a name Charter keeps for its own files",
        ],
    );
}

#[test]
fn a_feed_filename_that_is_the_manifest() {
    refused_naming(
        &TestSite::new(),
        &[],
        |s| s.write("site.yaml", format!("{SITE_YAML}feed:\n  filename: .charter-manifest\n")),
        &["the generated site feed", ".charter-manifest", "a name Charter keeps for its own files"],
    );
}

#[test]
fn the_manifest_is_untouched_by_a_refused_reserved_alias() {
    let site = TestSite::new();
    let run = site.refused_keeping_public(|s| {
        s.write(
            "content/good.md",
            GOOD_MD.replace("topics:", "aliases: ['/.charter-manifest']\ntopics:"),
        )
    });
    run.assert_error(&["the alias /.charter-manifest of content/good.md", ".charter-manifest"]);
    let manifest = site.read(".charter-manifest");
    assert!(manifest.lines().any(|l| l == "good/index.html"), "{manifest}");
    site.write("content/good.md", GOOD_MD);
    site.build().assert_ok();
    assert_eq!(site.read(".charter-manifest"), manifest, "the same site, the same manifest");
}

// --- `check` and `serve` go through the same plan -----------------------------------------

#[test]
fn check_refuses_what_build_refuses() {
    let site = TestSite::new();
    site.write("static/topics", "x");
    site.run(&["check"]).assert_error(&[
        "static/topics",
        "the `topics` taxonomy list page",
        "needs topics/ to be a folder",
    ]);
}

#[test]
fn serve_refuses_a_static_file_that_would_replace_a_page() {
    let site = TestSite::new();
    site.build().assert_ok();
    let mut loaded =
        charter::Site::load(charter::BuildOptions::new(&site.root)).expect("the site loads");
    charter::build::write_all(&mut loaded).expect("the first write");
    let before = snapshot(&site.public());
    let build_error = {
        site.write("static/good/index.html", "<p>a static file</p>");
        site.build().stderr
    };
    assert_same_tree(&before, &snapshot(&site.public()), "public/ after a refused build");
    // The rebuild `serve` runs on the new static file: the same error, nothing written.
    let refused = match loaded.rebuild(&[site.root.join("static/good/index.html")]) {
        Ok(report) => panic!("serve accepted a static file over a page: {report}"),
        Err(d) => d,
    };
    let message = refused.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("\n");
    assert!(message.contains("the static file static/good/index.html and content/good.md would both write good/index.html"), "{message}");
    assert!(
        build_error.contains(&refused.0[0].message),
        "serve and build give the same error\n{build_error}\n{message}"
    );
    assert_same_tree(&before, &snapshot(&site.public()), "public/ after a refused rebuild");
    // A page edit while the clash stands is refused too: serve keeps no bad state as good.
    site.write("content/good.md", GOOD_MD.replace("Text.", "Edited."));
    assert!(
        loaded.rebuild(&[site.root.join("content/good.md")]).is_err(),
        "a rebuild over the clash"
    );
    // The static file goes: the page is back in its place, edited, and the static copy never lands.
    site.remove("static/good/index.html");
    loaded
        .rebuild(&[site.root.join("static/good/index.html"), site.root.join("content/good.md")])
        .expect("rebuild after the fix");
    assert!(site.read("good/index.html").contains("Edited."), "{}", site.read("good/index.html"));
}

#[test]
fn a_file_of_someone_else_in_the_output_is_never_replaced() {
    // public/ holds a build, and someone adds their own files to it; then the site gains static
    // files at the same paths. The build must refuse, not replace theirs.
    let site = TestSite::new();
    site.build().assert_ok();
    std::fs::write(site.public().join("notes.txt"), "MY NOTES").expect("write own file");
    site.write("static/notes.txt", "from the site");
    let run = site.build();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    run.assert_error(&["public/notes.txt", "a file that Charter did not write", "move it out"]);
    assert_eq!(site.read("notes.txt"), "MY NOTES");
    // Once it is moved away, the build writes the site's file.
    std::fs::remove_file(site.public().join("notes.txt")).expect("move it away");
    site.build().assert_ok();
    assert_eq!(site.read("notes.txt"), "from the site");
}
