//! The search index on a fixture site (tests/fixtures/search) and the real microsite: which files
//! the build writes under search-index/<lang>/, what they hold and leave out, how the terms are
//! chunked, `search: false` in site.yaml and in front matter, and `serve`'s rebuilds keeping the
//! index current. The query itself runs in the browser (tests/browser/search.mjs, the real
//! search.js); here the written files are read as search.js reads them.

mod common;

use charter::{BuildOptions, Site};
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A language's index as written: the manifest, every term chunk, every fragment by doc id.
struct Written {
    manifest: Value,
    chunks: Vec<serde_json::Map<String, Value>>,
    fragments: Vec<Value>,
}

/// The most bytes a fragment group holds (src/search.rs `GROUP_BYTES`), unless it is one
/// document alone.
const GROUP_BYTES: u64 = 12 * 1024;

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn written(out: &Path, lang: &str) -> Written {
    let dir = out.join("search-index").join(lang);
    let manifest = read_json(&dir.join("index.json"));
    let count = manifest["chunks"].as_array().expect("chunks").len();
    let chunks = (0..count)
        .map(|n| match read_json(&dir.join(format!("t/{n}.json"))) {
            Value::Object(map) => map,
            other => panic!("chunk {n} is not a map: {other}"),
        })
        .collect();
    let docs = manifest["docs"].as_u64().expect("docs") as usize;
    // The groups, a digit each (its number of documents), in doc order: d/<first doc>.json.
    let sizes = manifest["groups"].as_str().expect("groups").to_string();
    let mut fragments = Vec::new();
    for size in sizes.chars().map(|c| c.to_digit(10).expect("a digit") as usize) {
        let path = dir.join(format!("d/{}.json", fragments.len()));
        let Value::Array(list) = read_json(&path) else {
            panic!("{} is not a list", path.display())
        };
        assert_eq!(list.len(), size, "{}: the manifest's size", path.display());
        let bytes = fs::metadata(&path).expect("group").len();
        assert!(size == 1 || bytes <= GROUP_BYTES, "{}: {bytes} bytes", path.display());
        fragments.extend(list);
    }
    assert_eq!(fragments.len(), docs, "every document's fragment, once");
    let files = fs::read_dir(dir.join("d")).expect("d/").count();
    assert_eq!(files, sizes.len(), "one file per group, no more");
    let files = fs::read_dir(dir.join("t")).expect("t/").count();
    assert_eq!(files, count, "one file per chunk the manifest lists, no more");
    Written { manifest, chunks, fragments }
}

impl Written {
    /// The chunk that holds `term`, found as search.js finds it: the last whose first term is at
    /// or before it.
    fn chunk_of(&self, term: &str) -> usize {
        let firsts = self.manifest["chunks"].as_array().expect("chunks");
        firsts.iter().rposition(|f| f.as_str().expect("text") <= term).unwrap_or(0)
    }

    /// The URL of each document holding `term`, with its weight.
    fn lookup(&self, term: &str) -> BTreeMap<String, u64> {
        let mut found = BTreeMap::new();
        let Some(list) = self.chunks[self.chunk_of(term)].get(term) else { return found };
        let list = list.as_array().expect("postings");
        assert_eq!(list.len() % 2, 0, "`{term}`: pairs of doc and weight");
        let mut doc = 0;
        for (i, pair) in list.chunks(2).enumerate() {
            let gap = pair[0].as_u64().expect("doc");
            doc = if i == 0 { gap } else { doc + gap };
            assert!(i == 0 || gap > 0, "`{term}`: doc ids ascend");
            let url = self.fragments[doc as usize]["u"].as_str().expect("url").to_string();
            found.insert(url, pair[1].as_u64().expect("weight"));
        }
        found
    }

    fn urls(&self, term: &str) -> Vec<String> {
        self.lookup(term).into_keys().collect()
    }

    fn fragment(&self, url: &str) -> &Value {
        self.fragments.iter().find(|f| f["u"] == url).unwrap_or_else(|| panic!("no doc {url}"))
    }
}

#[test]
fn the_build_indexes_published_pages_and_sections_with_text() {
    let site = fixture("search");
    let out = build_ok(&site, &[]);
    let index = written(&out, "en");
    assert_eq!(index.manifest["lang"], "en");
    let mut urls: Vec<&str> = index.fragments.iter().map(|f| f["u"].as_str().unwrap()).collect();
    urls.sort();
    // Three pages and the one section with text of its own; not the home (no text), the
    // `search: false` page or the draft.
    assert_eq!(
        urls,
        [
            "/guide/force/",
            "/guide/force/commander/",
            "/guide/force/empty-list/",
            "/guide/guarantee/"
        ]
    );
    assert!(index.urls("zanzibar").is_empty(), "a `search: false` page is left out");
    assert!(index.urls("quokka").is_empty(), "a draft is left out");
    assert!(index.urls("scriptword").is_empty(), "a script's code is not text");
    assert_eq!(index.urls("brussels"), ["/guide/force/commander/"], "footnotes are text");
    let guarantee = index.lookup("guarantee");
    assert!(guarantee["/guide/guarantee/"] > 20, "a title word weighs more: {guarantee:?}");
    assert_eq!(index.urls("commander"), ["/guide/force/", "/guide/force/commander/"]);
    assert_eq!(index.lookup("commander")["/guide/force/commander/"], 2, "two in the text");
    // Unicode words: Cyrillic lowercased, an apostrophe inside a word kept (as ') and its parts
    // findable too, entities decoded.
    for term in ["з'єднання", "єднання", "гарантія", "o'hanlon", "hanlon", "українською"]
    {
        assert_eq!(index.urls(term), ["/guide/guarantee/"], "`{term}`");
    }
    assert_eq!(index.urls("supply"), ["/guide/force/empty-list/"], "`Logistics &amp; supply`");
    let commander = index.fragment("/guide/force/commander/");
    assert_eq!(commander["t"], "Who commands the force");
    assert_eq!(commander["s"], "The force", "the section's title");
    let text = commander["x"].as_str().unwrap();
    assert!(
        text.starts_with("The commander is named by the council.")
            && text.ends_with("A footnote tells more. 1 The council meets in Brussels."),
        "{text}"
    );
    assert!(!text.contains("scriptword") && !text.contains('<'), "{text}");
    assert_eq!(index.fragment("/guide/guarantee/")["s"], "", "a page at the top has no section");
    assert_eq!(index.fragment("/guide/force/empty-list/")["t"], "Logistics & supply");

    // `--drafts` shows the draft, but search still leaves it out.
    fs::remove_dir_all(&out).unwrap();
    let out = build_ok(&site, &["--drafts"]);
    assert!(out.join("unfinished/index.html").is_file());
    assert!(written(&out, "en").urls("quokka").is_empty());
}

/// A page of `count` distinct made-up words.
fn vocabulary(count: usize) -> String {
    let words: Vec<String> = (0..count).map(|i| format!("voc{i:05}x")).collect();
    format!("---\ntitle: Vocabulary\n---\n{}\n", words.join(" "))
}

#[test]
fn terms_are_split_into_ordered_chunks_that_cover_every_word() {
    let site = fixture("search");
    fs::write(site.join("content/vocabulary.md"), vocabulary(6000)).unwrap();
    let out = build_ok(&site, &[]);
    let index = written(&out, "en");
    let firsts: Vec<&str> =
        index.manifest["chunks"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(firsts.len() > 3, "6,000 words make several chunks: {}", firsts.len());
    for (n, chunk) in index.chunks.iter().enumerate() {
        let terms: Vec<&String> = chunk.keys().collect();
        assert_eq!(terms[0], firsts[n], "the manifest names each chunk's first term");
        assert!(terms.windows(2).all(|w| w[0] < w[1]), "chunk {n} is sorted");
        if let Some(next) = firsts.get(n + 1) {
            assert!(terms.iter().all(|t| t.as_str() < *next), "chunk {n} stops before the next");
        }
        let bytes = fs::metadata(out.join(format!("search-index/en/t/{n}.json"))).unwrap().len();
        assert!(bytes < 2 * charter::search::CHUNK_BYTES as u64, "chunk {n}: {bytes} bytes");
    }
    for i in (0..6000).step_by(7) {
        let term = format!("voc{i:05}x");
        assert_eq!(index.urls(&term), ["/guide/vocabulary/"], "`{term}`");
    }
}

#[test]
fn search_false_in_site_yaml_writes_no_index() {
    let site = fixture("search");
    append(&site, "site.yaml", "search: false\n");
    let out = build_ok(&site, &[]);
    assert!(out.join("guarantee/index.html").is_file());
    assert!(!out.join("search-index").exists(), "no index with `search: false`");
}

#[test]
fn a_search_setting_that_is_not_true_or_false_is_an_error() {
    let site = fixture("search");
    append(&site, "site.yaml", "search: sometimes\n");
    let (code, stderr) = build_err(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("site.yaml:4")
            && stderr.contains("`search` must be true or false, not `sometimes`"),
        "{stderr}"
    );
    assert!(stderr.contains("search: false"), "the hint says what to write: {stderr}");

    let site = fixture("search");
    let page = site.join("content/guarantee.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replacen("title:", "search: never\ntitle:", 1)).unwrap();
    let (_, stderr) = build_err(&site, &[]);
    assert!(
        stderr.contains("content/guarantee.md:2")
            && stderr.contains("`search` must be true or false"),
        "{stderr}"
    );
    assert!(!site.join("public/search-index").exists(), "nothing written");
}

fn assert_same_as_fresh(site: &Path, step: &str) {
    let served = output_tree(&site.join("public"));
    let folder = tempfile::tempdir().unwrap();
    let mut options = BuildOptions::new(site);
    options.output = Some(folder.path().join("fresh"));
    charter::build(options).unwrap_or_else(|e| panic!("fresh build failed: {e}"));
    let fresh = output_tree(&folder.path().join("fresh"));
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "after {step}: the set of files differs"
    );
    for (path, bytes) in &fresh {
        assert!(served.get(path) == Some(bytes), "after {step}: {} differs", path.display());
    }
}

#[test]
fn a_body_edit_is_searchable_after_its_incremental_rebuild() {
    let site = fixture("search");
    let mut loaded = Site::load(BuildOptions::new(&*site)).unwrap_or_else(|e| panic!("{e}"));
    charter::build::write_all(&mut loaded).unwrap_or_else(|e| panic!("{e}"));
    let out = site.join("public");
    assert!(written(&out, "en").urls("hippopotamus").is_empty());
    let page = site.join("content/force/commander.md");
    let before = fs::read_to_string(&page).unwrap();

    fs::write(&page, before.replace("every month", "every hippopotamus season")).unwrap();
    let report = loaded.rebuild(std::slice::from_ref(&page)).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.change.contains("page body"), "the fast path: {}", report.change);
    let index = written(&out, "en");
    assert_eq!(index.urls("hippopotamus"), ["/guide/force/commander/"]);
    assert!(index.urls("month").is_empty(), "the words taken out are gone");
    assert_same_as_fresh(&site, "a body edit");

    // An edit that adds thousands of words (more chunks), then takes them out again (fewer: the
    // stale chunk files go).
    let many = vocabulary(4000);
    let words = many.split("---\n").last().unwrap();
    fs::write(&page, format!("{before}\n{words}")).unwrap();
    let report = loaded.rebuild(std::slice::from_ref(&page)).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.change.contains("page body"), "{}", report.change);
    assert_eq!(written(&out, "en").urls("voc03999x"), ["/guide/force/commander/"]);
    assert_same_as_fresh(&site, "an edit adding 4,000 words");
    fs::write(&page, &before).unwrap();
    loaded.rebuild(std::slice::from_ref(&page)).unwrap_or_else(|e| panic!("{e}"));
    assert!(written(&out, "en").urls("voc03999x").is_empty());
    assert_same_as_fresh(&site, "an edit taking them out");

    // A new page (a structural change) is searchable too.
    let new = site.join("content/force/training.md");
    fs::write(&new, "---\ntitle: Training\n---\nJoint exercises with rhinoceros.\n").unwrap();
    loaded.rebuild(&[new]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written(&out, "en").urls("rhinoceros"), ["/guide/force/training/"]);
    assert_same_as_fresh(&site, "a new page");
}

#[test]
fn a_body_edit_writes_only_the_chunks_whose_terms_changed() {
    let site = fixture("search");
    fs::write(site.join("content/vocabulary.md"), vocabulary(6000)).unwrap();
    let mut loaded = Site::load(BuildOptions::new(&*site)).unwrap_or_else(|e| panic!("{e}"));
    charter::build::write_all(&mut loaded).unwrap_or_else(|e| panic!("{e}"));
    let out = site.join("public");
    let before = written(&out, "en");
    assert!(before.chunks.len() > 5, "several chunks: {}", before.chunks.len());
    let page = site.join("content/force/commander.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replace("every month", "every hippopotamus season")).unwrap();
    let report = loaded.rebuild(std::slice::from_ref(&page)).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.change.contains("page body"), "{}", report.change);
    let mut search: Vec<&String> =
        report.changed_outputs.iter().filter(|p| p.starts_with("search-index/")).collect();
    search.sort();
    // The words that changed (`month` out; `hippopotamus`, `season` in) and their chunks, found
    // as search.js finds them, in the index before and after.
    let after = written(&out, "en");
    let mut expected: Vec<String> = ["hippopotamus", "month", "season"]
        .iter()
        .flat_map(|w| [before.chunk_of(w), after.chunk_of(w)])
        .map(|n| format!("search-index/en/t/{n}.json"))
        .collect();
    expected.push("search-index/en/d/".to_string());
    let ok = search.iter().all(|p| {
        expected.iter().any(|e| if e.ends_with('/') { p.starts_with(e.as_str()) } else { *p == e })
    });
    assert!(ok, "only the changed words' chunks and the page's fragment: {search:?}");
    assert!(search.iter().any(|p| p.contains("/d/")), "{search:?}");
    assert!(search.len() < before.chunks.len() / 2, "{search:?}");
    assert_same_as_fresh(&site, "a body edit among 6,000 words");
}

#[test]
fn the_microsite_loads_search_js_on_its_search_page_only() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("site");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["build", "--quiet", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("charter runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&out).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/");
        let loads = html.contains("/js/search.js");
        // The search page of each edition, English and Ukrainian.
        let search_page = rel == "search/index.html" || rel == "uk/search/index.html";
        assert_eq!(loads, search_page, "{rel} and search.js");
        assert!(
            !html.contains("wasm-unsafe-eval") && !html.contains("'unsafe-inline'"),
            "{rel}: the CSP stays strict"
        );
    }
    assert!(pages > 10);
    let search = read(&out, "search/index.html");
    assert!(
        search.contains(
            "<form class=\"search__form\" role=\"search\" action=\"/search/\" method=\"get\""
        ),
        "a plain GET form"
    );
    assert!(search
        .contains("<input class=\"search__input\" id=\"search-q\" type=\"search\" name=\"q\""));
    assert!(search.contains("<label class=\"search__label\" for=\"search-q\">"));
    assert!(search.contains("aria-live=\"polite\""));
    assert!(
        search.contains("data-search-nojs>") && search.contains("href=\"/topics/\""),
        "the message without JavaScript links the topics"
    );
    assert!(out.join("topics/index.html").is_file());
    let index = written(&out, "en");
    assert!(index.urls("aasc").len() > 3, "the microsite's pages are indexed");
    assert!(
        index.fragments.iter().all(|f| f["u"] != "/search/"),
        "the search page itself is not a result"
    );
    // The Ukrainian edition: its own index, holding its pages only, and its page's message links
    // its own topic index.
    let uk = written(&out, "uk");
    let uk_urls = uk.urls("азербайджаном");
    assert_eq!(uk_urls, ["/uk/proposal/aasc/"], "a Ukrainian word finds the Ukrainian page");
    assert!(uk.fragments.iter().all(|f| f["u"].as_str().is_some_and(|u| u.starts_with("/uk/"))));
    assert!(index
        .fragments
        .iter()
        .all(|f| f["u"].as_str().is_some_and(|u| !u.starts_with("/uk/"))));
    let uk_search = read(&out, "uk/search/index.html");
    assert!(uk_search.contains("href=\"/uk/topics/\""), "{uk_search}");
}
