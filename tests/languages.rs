//! Multilingual sites (`languages:` in site.yaml, `name.CODE.md` translations) on the fixture
//! `tests/fixtures/languages` (English, Ukrainian, German; a theme with i18n files; a page
//! without translation, a translation without original, `@/` links across languages), built
//! by the real binary; the error texts; `charter check`'s untranslated findings; rebuilds.

mod common;

use charter::{BuildOptions, Site};
use common::*;
use std::fs;
use std::path::Path;

fn built() -> (FixtureSite, std::path::PathBuf) {
    let site = fixture("languages");
    let out = build_ok(&site, &[]);
    (site, out)
}

#[test]
fn each_language_is_published_under_its_prefix_with_its_own_settings_and_strings() {
    let (_site, out) = built();
    for file in [
        "index.html",
        "essay/index.html",
        "proposal/aasc/index.html",
        "uk/index.html",
        "uk/essay/index.html",
        "uk/only/index.html",
        "uk/proposal/aasc/index.html",
        "de/index.html",
        "de/essay/index.html",
    ] {
        assert!(out.join(file).is_file(), "{file} is published");
    }
    // The uk pages of proposal/ have no _index.uk.md: the uk section lists them, publishes none.
    assert!(!out.join("uk/proposal/index.html").exists());
    assert!(!out.join("uk/about/index.html").exists(), "no translation, no page");
    assert!(!out.join("only/index.html").exists(), "a translation without original stays in uk");

    let uk = read(&out, "uk/essay/index.html");
    assert!(uk.contains(r#"<html lang="uk">"#), "{uk}");
    assert!(uk.contains("<title>Есей — Інститут гарантій</title>"), "uk title: {uk}");
    assert!(uk.contains(r#"<main data-lang="uk">"#), "page.lang: {uk}");
    // `extra` deep-merged: the uk tagline over the top-level menu.
    assert!(uk.contains(r#"<p class="tagline">Безпека передусім</p><p class="menu">/essay/</p>"#));
    // trans(): the site's i18n/uk.yaml over the theme's; get_url(lang=...).
    assert!(uk.contains(r#"<a class="search" href="/uk/topics/">Пошук</a>"#), "{uk}");
    assert!(uk.contains("<footer>Видано Інститутом гарантій</footer>"), "{uk}");
    assert!(uk.contains(r#"<a class="home-uk" href="/uk/">"#), "{uk}");
    // page.translations: every version, the current one included, in site order.
    assert!(
        uk.contains(r#"<li><a hreflang="en" href="/essay/">English: The essay</a></li><li><a hreflang="uk" href="/uk/essay/">Українська: Есей</a></li><li><a hreflang="de" href="/de/essay/">Deutsch: Der Essay</a></li>"#),
        "{uk}"
    );
    assert!(uk.contains(
        r#"<link rel="alternate" hreflang="en" href="https://languages.example.org/essay/">"#
    ));
    // site.languages: each language's home.
    assert!(uk.contains(r#"<a hreflang="de" href="https://languages.example.org/de/">Deutsch</a>"#));

    let en = read(&out, "essay/index.html");
    assert!(
        en.contains(r#"<html lang="en">"#)
            && en.contains("<footer>Published by the institute</footer>")
    );
    assert!(en.contains(r#"<a class="search" href="/topics/">Search</a>"#), "{en}");
    let de = read(&out, "de/essay/index.html");
    assert!(de.contains("<footer>Vom Institut veröffentlicht</footer>"), "{de}");
    assert!(de.contains("<title>Der Essay — Guarantee Institute</title>"), "defaults: {de}");
    // The German home has no _index.de.md: it is made up, with the language's title.
    let de_home = read(&out, "de/index.html");
    assert!(de_home.contains(r#"<html lang="de">"#), "{de_home}");
    // get_section by folder finds the default language's section, by file any language's.
    assert!(
        de_home.contains(r#"<p class="root-section">Home / Головна / The proposal</p>"#),
        "{de_home}"
    );
    // A page without translation lists none.
    let about = read(&out, "about/index.html");
    assert!(about.contains(r#"<ul class="translations"><li><a hreflang="en" href="/about/">English: About</a></li></ul>"#), "{about}");
}

#[test]
fn at_links_go_to_the_translation_in_the_page_language_or_to_the_original() {
    let (_site, out) = built();
    let uk = read(&out, "uk/essay/index.html");
    // `@/proposal/aasc.md#mandate`: the uk AASC page, whose anchor is checked there.
    assert!(uk.contains(r#"<a href="/uk/proposal/aasc/#mandate">AASC</a>"#), "{uk}");
    assert!(uk.contains(r#"<a href="/uk/essay/">"#), "{uk}");
    let uk_home = read(&out, "uk/index.html");
    assert!(uk_home.contains(r#"<a href="/about/">"#), "no uk about: the original: {uk_home}");
    let about = read(&out, "about/index.html");
    assert!(about.contains(r#"<a href="/uk/essay/">Ukrainian essay</a>"#), "explicit: {about}");
    let en = read(&out, "essay/index.html");
    assert!(en.contains(r#"<a href="/proposal/aasc/#command">"#), "{en}");
}

#[test]
fn an_anchor_is_checked_in_the_translation_the_link_goes_to() {
    let site = fixture("languages");
    // `#command` exists in the English AASC page only; the uk link goes to the uk page.
    let path = site.join("content/essay.uk.md");
    let text = fs::read_to_string(&path).unwrap().replace("#mandate", "#command");
    fs::write(&path, text).unwrap();
    let (code, err) = build_err(&site, &[]);
    assert_ne!(code, 0);
    assert!(
        err.contains("content/essay.uk.md")
            && err.contains("the anchor `#command` does not exist in content/proposal/aasc.uk.md")
            && err.contains("anchors in content/proposal/aasc.uk.md: mandate"),
        "{err}"
    );
}

#[test]
fn feeds_taxonomies_listings_and_neighbours_stay_within_one_language() {
    let (_site, out) = built();
    let uk_feed = read(&out, "uk/atom.xml");
    assert_well_formed_xml(&uk_feed, "uk/atom.xml");
    assert!(
        uk_feed.contains(r#"xml:lang="uk""#)
            && uk_feed.contains("<title>Інститут гарантій</title>")
    );
    assert!(uk_feed.contains("https://languages.example.org/uk/atom.xml"), "{uk_feed}");
    assert!(uk_feed.contains("<title>Есей</title>") && !uk_feed.contains("The essay"), "{uk_feed}");
    let feed = read(&out, "atom.xml");
    assert!(
        feed.contains("<title>The essay</title>")
            && !feed.contains("Есей")
            && !feed.contains("Der Essay"),
        "{feed}"
    );
    assert!(read(&out, "de/atom.xml").contains("<title>Der Essay</title>"));

    let uk_term = read(&out, "uk/topics/security/index.html");
    assert!(
        uk_term.contains(r#"<html lang="uk">"#)
            && uk_term.contains("/uk/essay/")
            && !uk_term.contains(r#""/essay/""#),
        "{uk_term}"
    );
    let term = read(&out, "topics/security/index.html");
    assert!(term.contains(r#"href="/essay/""#) && !term.contains("/uk/essay/"), "{term}");
    assert!(out.join("topics/institute/index.html").is_file());
    assert!(!out.join("uk/topics/institute/index.html").exists(), "no uk page has the term");
    let topic = read(&out, "uk/essay/index.html");
    assert!(
        topic.contains(r#"<a class="topic" href="/uk/topics/security/">security</a>"#),
        "{topic}"
    );

    let uk_home = read(&out, "uk/index.html");
    assert!(uk_home.contains(r#"<ul class="pages"><li><a href="/uk/only/">Лише українською</a></li><li><a href="/uk/essay/">Есей</a></li></ul>"#), "{uk_home}");
    let home = read(&out, "index.html");
    let listed = home.split(r#"<ul class="pages">"#).nth(1).unwrap_or_default();
    assert!(
        listed.contains("/essay/") && !listed.contains("/uk/"),
        "only the English pages: {home}"
    );
    // Neighbours: the uk essay's previous page is the other uk page of its section.
    assert!(topic.contains(r#"<a class="previous" href="/uk/only/">"#), "{topic}");
    let en = read(&out, "essay/index.html");
    assert!(
        !en.contains(r#"class="previous" href="/uk"#) && !en.contains(r#"class="next" href="/uk"#),
        "{en}"
    );
}

#[test]
fn the_sitemap_lists_every_url_with_its_language_alternates() {
    let (_site, out) = built();
    let sitemap = read(&out, "sitemap.xml");
    assert_well_formed_xml(&sitemap, "sitemap.xml");
    assert!(sitemap.contains(r#"xmlns:xhtml="http://www.w3.org/1999/xhtml""#), "{sitemap}");
    let entry = |loc: &str| -> String {
        let start = sitemap
            .find(&format!("<loc>{loc}</loc>"))
            .unwrap_or_else(|| panic!("{loc} in {sitemap}"));
        sitemap[start..].split("</url>").next().unwrap_or_default().to_string()
    };
    let uk_essay = entry("https://languages.example.org/uk/essay/");
    for (lang, href) in [("en", "/essay/"), ("uk", "/uk/essay/"), ("de", "/de/essay/")] {
        let link = format!(
            r#"<xhtml:link rel="alternate" hreflang="{lang}" href="https://languages.example.org{href}"/>"#
        );
        assert!(uk_essay.contains(&link), "{link} in {uk_essay}");
    }
    assert!(
        !entry("https://languages.example.org/about/").contains("xhtml:link"),
        "no translation, no alternates"
    );
    assert!(entry("https://languages.example.org/uk/")
        .contains(r#"hreflang="en" href="https://languages.example.org/""#));
    assert!(sitemap.contains("<loc>https://languages.example.org/uk/only/</loc>"));
}

#[test]
fn a_suffix_that_is_not_a_language_is_an_error_naming_the_file_and_the_languages() {
    let site = fixture("languages");
    fs::write(site.join("content/about.fr.md"), "---\ntitle: À propos\n---\n").unwrap();
    fs::write(site.join("content/essay.en.md"), "---\ntitle: Essay\n---\n").unwrap();
    let (code, err) = build_err(&site, &[]);
    assert_ne!(code, 0);
    assert!(
        err.contains("content/about.fr.md: the file name's suffix `.fr` is not one of the site's languages (en, uk, de)")
            && err.contains("help: add `fr:` under `languages:` in site.yaml"),
        "{err}"
    );
    assert!(
        err.contains(
            "content/essay.en.md: `.en.md` names the default language, which needs no suffix"
        ) && err.contains("help: rename the file to essay.md"),
        "{err}"
    );
}

#[test]
fn without_languages_a_dotted_name_stays_an_ordinary_page() {
    let site = fixture("languages");
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    let monolingual = yaml.split("languages:").next().unwrap_or_default().to_string();
    fs::write(site.join("site.yaml"), monolingual).unwrap();
    // The uk anchor exists only in aasc.uk.md, which is now a page of its own.
    let base = site.join("themes/plain/templates/base.html");
    fs::write(&base, fs::read_to_string(&base).unwrap().replace(", lang='uk'", "")).unwrap();
    let index = site.join("themes/plain/templates/index.html");
    let without_uk_home =
        fs::read_to_string(&index).unwrap().replace(r#"path="_index.uk.md""#, r#"path="""#);
    fs::write(&index, without_uk_home).unwrap();
    let essay = site.join("content/essay.uk.md");
    fs::write(&essay, fs::read_to_string(&essay).unwrap().replace("#mandate", "")).unwrap();
    let out = build_ok(&site, &[]);
    assert!(out.join("essay.uk/index.html").is_file(), "essay.uk.md is a page as before");
    assert!(!out.join("uk").exists());
    let page = read(&out, "essay.uk/index.html");
    assert!(
        page.contains(r#"<html lang="en">"#) && page.contains(r#"<ul class="translations"></ul>"#),
        "{page}"
    );
}

#[test]
fn a_missing_interface_string_is_an_error_naming_the_key_the_language_and_the_files() {
    let site = fixture("languages");
    fs::write(site.join("themes/plain/i18n/de.yaml"), "search:\n  label: Suche\n").unwrap();
    let (code, err) = build_err(&site, &[]);
    assert_ne!(code, 0);
    assert!(
        err.contains("themes/plain/templates/base.html:8:")
            && err.contains("the interface string `footer` has no `de` translation")
            && err
                .contains("help: add `footer: \"…\"` to i18n/de.yaml or themes/plain/i18n/de.yaml"),
        "{err}"
    );
    assert!(!err.contains("`footer` has no `uk`") && !err.contains("no `en`"), "{err}");
}

#[test]
fn bad_language_settings_are_errors_with_the_line() {
    let site = fixture("languages");
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    fs::write(
        site.join("site.yaml"),
        yaml.replace("  de:\n    name: Deutsch", "  de:\n    nmae: Deutsch"),
    )
    .unwrap();
    let (code, err) = build_err(&site, &[]);
    assert_ne!(code, 0);
    assert!(
        err.contains("site.yaml:")
            && err.contains("unknown key `nmae` in `languages.de`")
            && err.contains("did you mean `name`?"),
        "{err}"
    );
}

#[test]
fn check_lists_untranslated_pages_as_information_without_failing() {
    let site = fixture("languages");
    let out = charter(&site, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let infos: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "info")
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(doc["infos"], infos.len());
    assert!(
        infos.contains(&(
            "content/about.md".into(),
            "no translation into uk (Українська), de (Deutsch)".into()
        )),
        "{infos:?}"
    );
    assert!(
        infos.contains(&(
            "content/only.uk.md".into(),
            "no translation into en (English), de (Deutsch)".into()
        )),
        "{infos:?}"
    );
    assert!(
        infos.contains(&(
            "content/proposal/aasc.md".into(),
            "no translation into de (Deutsch)".into()
        )),
        "{infos:?}"
    );
    assert!(
        !infos.iter().any(|(f, _)| f == "content/essay.md" || f == "content/essay.uk.md"),
        "translated everywhere: {infos:?}"
    );
    let human = charter(&site, &["check"]);
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(stderr.contains("info: content/about.md: no translation into uk"), "{stderr}");
}

fn load(root: &Path) -> Site {
    let mut site = Site::load(BuildOptions::new(root)).unwrap_or_else(|e| panic!("{e}"));
    charter::build::write_all(&mut site).unwrap_or_else(|e| panic!("{e}"));
    site
}

/// A footnote's back-link is named in the page's language when the interface strings have
/// `footnote.backlink`, in English otherwise; a rebuild follows an edit of the string, as a full
/// build would write it.
#[test]
fn footnote_back_links_are_named_in_the_page_language() {
    let root = fixture("languages");
    let essay = root.join("content/essay.uk.md");
    let text = fs::read_to_string(&essay).unwrap();
    fs::write(&essay, format!("{text}\nПримітка[^a] і ще раз[^a].\n\n[^a]: Переклад наш.\n"))
        .unwrap();
    let english = root.join("content/essay.md");
    let text = fs::read_to_string(&english).unwrap();
    fs::write(&english, format!("{text}\nA note[^a].\n\n[^a]: Ours.\n")).unwrap();
    let strings = root.join("i18n/uk.yaml");
    let uk_strings = fs::read_to_string(&strings).unwrap();
    fs::write(
        &strings,
        format!("{uk_strings}footnote:\n  backlink: \"Назад до посилання {{n}} <&>\"\n"),
    )
    .unwrap();
    let mut site = load(&root);
    let public = root.join("public");
    let uk = read(&public, "uk/essay/index.html");
    assert!(uk.contains(r#"aria-label="Назад до посилання 1 &lt;&amp;&gt;">↩</a>"#), "{uk}");
    assert!(uk.contains(r#"aria-label="Назад до посилання 2 &lt;&amp;&gt;">↩</a>"#), "{uk}");
    assert!(!uk.contains("Back to reference"), "{uk}");
    // No `footnote.backlink` for English: Charter's own name.
    let en = read(&public, "essay/index.html");
    assert!(en.contains(r#"aria-label="Back to reference 1">↩</a>"#), "{en}");
    // The string is an input of the bodies: an edit renders them again.
    fs::write(&strings, format!("{uk_strings}footnote:\n  backlink: \"До посилання {{n}}\"\n"))
        .unwrap();
    site.rebuild(std::slice::from_ref(&strings)).unwrap_or_else(|e| panic!("{e}"));
    let uk = read(&public, "uk/essay/index.html");
    assert!(uk.contains(r#"aria-label="До посилання 1">↩</a>"#), "{uk}");
}

#[test]
fn rebuilds_follow_edits_of_translations_and_interface_strings() {
    let root = fixture("languages");
    let mut site = load(&root);
    let public = root.join("public");
    // A body edit of a translation.
    let path = root.join("content/essay.uk.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("Есей обстоює гарантію.", "Есей обстоює гарантію безпеки."))
        .unwrap();
    site.rebuild(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&public, "uk/essay/index.html").contains("гарантію безпеки."));
    // A new title: the original's and the other versions' translation lists follow.
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("title: Есей", "title: Есей про гарантію")).unwrap();
    site.rebuild(&[path]).unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&public, "essay/index.html").contains("Українська: Есей про гарантію"));
    assert!(read(&public, "de/essay/index.html").contains("Українська: Есей про гарантію"));
    // The site's i18n folder is an input: an edit there is rebuilt.
    let strings = root.join("i18n/uk.yaml");
    fs::write(&strings, "footer: Нове\n").unwrap();
    site.rebuild(&[strings]).unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&public, "uk/index.html").contains("<footer>Нове</footer>"));
    // A new translation gets its page and becomes a translation of its original.
    let new = root.join("content/about.uk.md");
    fs::write(&new, "---\ntitle: Про нас\n---\nПро інститут.\n").unwrap();
    site.rebuild(&[new]).unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&public, "uk/about/index.html").contains("Про інститут."));
    assert!(read(&public, "about/index.html").contains("Українська: Про нас"));
    // And the uk home's `@/about.md` now goes to it.
    assert!(read(&public, "uk/index.html").contains(r#"<a href="/uk/about/">"#));
    let fresh = tempfile::tempdir().unwrap();
    let mut options = BuildOptions::new(&*root);
    options.output = Some(fresh.path().join("out"));
    charter::build(options).unwrap_or_else(|e| panic!("{e}"));
    for file in [
        "index.html",
        "about/index.html",
        "uk/index.html",
        "uk/essay/index.html",
        "sitemap.xml",
        "uk/atom.xml",
    ] {
        assert_eq!(
            read(&public, file),
            read(&fresh.path().join("out"), file),
            "{file} as a full build writes it"
        );
    }
}
