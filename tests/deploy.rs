//! `charter build --minify --fingerprint --precompress` (`--deploy`) through the real binary:
//! fingerprinted CSS and JS with every reference rewritten and no broken link, minified output,
//! `.gz`/`.br` siblings that decompress to the same bytes, stable output between builds, and a
//! plain build afterwards that removes what the deploy build added.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn charter(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("CHARTER_GIT", "off")
        .output()
        .expect("run charter")
}

fn new_site(dir: &Path) -> PathBuf {
    let root = dir.join("site");
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("init")
        .arg(&root)
        .output()
        .expect("charter init");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    root
}

fn build(root: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        out.to_str().unwrap_or_default(),
    ];
    args.extend_from_slice(extra);
    let result = charter(&args);
    assert!(
        result.status.success(),
        "build {extra:?} failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    String::from_utf8_lossy(&result.stdout).into_owned()
}

/// Every file of the output, relative and `/`-separated, without Charter's manifest.
fn files(out: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            e.path().strip_prefix(out).ok().map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .filter(|p| !p.starts_with(".charter"))
        .collect()
}

/// Values of `href` and `src` attributes, quoted or not (minified HTML drops quotes), read by
/// lol_html's tokenizer.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    {
        let settings = lol_html::Settings::new().append_element_content_handler(
            lol_html::element!("[href], [src]", |el| {
                for name in ["href", "src"] {
                    out.extend(el.get_attribute(name).map(|v| v.replace("&amp;", "&")));
                }
                Ok(())
            }),
        );
        let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(html.as_bytes()).expect("lol_html reads the page");
        rewriter.end().expect("lol_html reads the page to its end");
    }
    out
}

/// Local references that do not lead to a file of the output.
fn broken_links(out: &Path, origin: &str) -> Vec<String> {
    let all = files(out);
    let mut broken = Vec::new();
    for file in all.iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(file)).unwrap_or_default();
        for r in references(&html) {
            let r = r.split(['#', '?']).next().unwrap_or_default();
            let path = match r.strip_prefix(origin) {
                Some(p) => p.to_string(),
                None if r.starts_with('/') && !r.starts_with("//") => r.to_string(),
                None => continue,
            };
            let path = percent_decode(path.trim_start_matches('/'));
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path
            };
            if !all.contains(&target) {
                broken.push(format!("{file} -> {r}"));
            }
        }
    }
    broken
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("valid gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).expect("valid brotli");
    out
}

const COMPRESSIBLE: &[&str] = &[".html", ".css", ".js", ".xml", ".svg", ".json", ".txt"];

#[test]
fn deploy_build_fingerprints_minifies_and_precompresses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = new_site(dir.path());
    let plain = dir.path().join("plain");
    let out = dir.path().join("out");
    build(&root, &plain, &[]);
    build(&root, &out, &["--deploy"]);
    let produced = files(&out);

    // Fingerprinted: the theme's style.css and the generated syntax.css, named by their bytes.
    for stem in ["style", "syntax"] {
        assert!(
            !produced.contains(&format!("{stem}.css")),
            "{stem}.css should only exist under its hashed name: {produced:?}"
        );
        let hashed: Vec<&String> = produced
            .iter()
            .filter(|f| f.starts_with(&format!("{stem}.")) && f.ends_with(".css"))
            .collect();
        assert_eq!(hashed.len(), 1, "{produced:?}");
        let bytes = std::fs::read(out.join(hashed[0])).expect("read asset");
        let hash = blake3::hash(&bytes).to_hex();
        assert_eq!(
            hashed[0].as_str(),
            format!("{stem}.{}.css", &hash.as_str()[..8]),
            "the name is the hash of the bytes written"
        );
        // Every page refers to the new name.
        let home = std::fs::read_to_string(out.join("index.html")).expect("home");
        assert!(home.contains(&format!("/{}", hashed[0])), "{home}");
        assert!(!home.contains(&format!("/{stem}.css")), "{home}");
    }
    assert_eq!(broken_links(&out, "https://example.org"), Vec::<String>::new());
    assert_eq!(
        broken_links(&plain, "https://example.org"),
        Vec::<String>::new(),
        "the plain build is the reference"
    );

    // Minified: every HTML page is smaller than in the plain build, and the CSS too.
    for file in produced.iter().filter(|f| f.ends_with(".html")) {
        let small = std::fs::metadata(out.join(file)).map(|m| m.len()).unwrap_or(0);
        let big = std::fs::metadata(plain.join(file)).map(|m| m.len()).unwrap_or(0);
        assert!(small > 0 && small < big, "{file}: {small} bytes minified, {big} plain");
    }
    let css = produced
        .iter()
        .find(|f| f.starts_with("style.") && f.ends_with(".css"))
        .cloned()
        .unwrap_or_default();
    let minified_css = std::fs::read_to_string(out.join(&css)).unwrap_or_default();
    assert!(!minified_css.contains('\n'), "{minified_css}");

    // Precompressed: every compressible file has both siblings, decompressing to the same bytes.
    let mut checked = 0;
    for file in produced.iter().filter(|f| COMPRESSIBLE.iter().any(|ext| f.ends_with(ext))) {
        let bytes = std::fs::read(out.join(file)).expect("read file");
        let gz = std::fs::read(out.join(format!("{file}.gz")))
            .unwrap_or_else(|_| panic!("{file}.gz missing"));
        let br = std::fs::read(out.join(format!("{file}.br")))
            .unwrap_or_else(|_| panic!("{file}.br missing"));
        assert_eq!(gunzip(&gz), bytes, "{file}.gz");
        assert_eq!(unbrotli(&br), bytes, "{file}.br");
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} compressible files");
    assert!(produced
        .iter()
        .all(|f| !(f.ends_with(".gz.gz") || f.ends_with(".br.br") || f.ends_with(".gz.br"))));

    // The same input gives the same output: a second deploy build writes nothing (the skip
    // record removed, so that it runs in full rather than being skipped).
    std::fs::remove_file(out.join(charter::freshness::RECORD))
        .expect("a clean deploy build leaves its record");
    let again = build(&root, &out, &["--deploy"]);
    assert!(again.contains(" 0 files written"), "{again}");

    // A plain build into the same folder takes the deploy files away.
    build(&root, &out, &[]);
    let now = files(&out);
    assert!(now.contains("style.css"), "{now:?}");
    assert!(now.iter().all(|f| !f.ends_with(".gz") && !f.ends_with(".br")), "{now:?}");
    assert!(
        !now.iter().any(|f| f.starts_with("style.") && f.len() == "style.12345678.css".len()),
        "{now:?}"
    );
}

#[test]
fn each_flag_works_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = new_site(dir.path());

    let out = dir.path().join("gz");
    build(&root, &out, &["--precompress"]);
    let produced = files(&out);
    assert!(
        produced.contains("style.css")
            && produced.contains("style.css.gz")
            && produced.contains("index.html.br"),
        "{produced:?}"
    );
    assert!(
        !produced.contains("notes/bundle/square.svg.gz")
            || produced.contains("notes/bundle/square.svg.br")
    );

    // A bundle's own script is named relatively by its page: it keeps its name.
    std::fs::write(root.join("content/notes/bundle/chart.js"), "document.title += '';\n")
        .expect("bundle script");
    let out = dir.path().join("fp");
    build(&root, &out, &["--fingerprint"]);
    let produced = files(&out);
    assert!(produced.contains("notes/bundle/chart.js"), "{produced:?}");
    assert!(
        !produced.contains("style.css") && produced.iter().all(|f| !f.ends_with(".gz")),
        "{produced:?}"
    );
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home.contains("\n"), "not minified without --minify");
    assert_eq!(broken_links(&out, "https://example.org"), Vec::<String>::new());

    let out = dir.path().join("min");
    build(&root, &out, &["--minify"]);
    let produced = files(&out);
    assert!(produced.contains("style.css"), "{produced:?}");
    let source =
        std::fs::read_to_string(root.join("themes/starter/static/style.css")).unwrap_or_default();
    let minified = std::fs::read_to_string(out.join("style.css")).unwrap_or_default();
    assert!(
        !minified.is_empty() && minified.len() < source.len() && !minified.contains('\n'),
        "{minified}"
    );
}

/// The real microsite: fingerprinted theme CSS and JS, no broken link, with a base path too.
#[test]
fn microsite_deploy_build_has_no_broken_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    build(&root, &out, &["--deploy"]);
    let produced = files(&out);
    assert!(
        produced.iter().any(|f| f.starts_with("css/institute.")
            && f.ends_with(".css")
            && f != "css/institute.css"),
        "{produced:?}"
    );
    assert!(
        produced.iter().any(|f| f.starts_with("js/institute.")
            && f.ends_with(".js")
            && f != "js/institute.js"),
        "{produced:?}"
    );
    assert!(!produced.contains("css/institute.css") && !produced.contains("js/institute.js"));
    let origin = "https://aasc.example.org";
    assert_eq!(broken_links(&out, origin), Vec::<String>::new());

    let sub = dir.path().join("sub");
    build(&root, &sub, &["--deploy", "--base-url", "https://example.org/policy/"]);
    let home = std::fs::read_to_string(sub.join("index.html")).expect("home");
    let css = files(&sub)
        .into_iter()
        .find(|f| {
            f.starts_with("css/institute.")
                && f.ends_with(".css")
                && !f.ends_with(".gz")
                && !f.ends_with(".br")
        })
        .unwrap_or_default();
    assert!(
        home.contains(&format!("/policy/{css}")),
        "the base path is kept in rewritten references"
    );
}

/// References in unquoted attributes, in a `<style>` element's `url()` and in a `style=""`
/// attribute's `url()` are rewritten to the fingerprinted name like quoted `href`s.
#[test]
fn unquoted_attributes_and_style_urls_are_rewritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = new_site(dir.path());
    let base = root.join("themes/starter/templates/base.html");
    let template = std::fs::read_to_string(&base).expect("base template");
    let template = template
        .replacen(
            "</head>",
            "<link rel=preload href=/style.css as=style>\n\
             <style>@import url(/style.css);</style>\n</head>",
            1,
        )
        .replacen("<body>", "<body>\n<div style=\"background: url('/style.css')\"></div>", 1);
    std::fs::write(&base, template).expect("write base template");
    let out = dir.path().join("out");
    build(&root, &out, &["--fingerprint"]);
    let hashed = files(&out)
        .into_iter()
        .find(|f| f.starts_with("style.") && f.ends_with(".css"))
        .unwrap_or_default();
    assert_eq!(hashed.len(), "style.12345678.css".len(), "{hashed}");
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    for expected in [
        format!("<link rel=preload href=/{hashed} as=style>"),
        format!("<style>@import url(/{hashed});</style>"),
        format!("<div style=\"background: url('/{hashed}')\"></div>"),
    ] {
        assert!(home.contains(&expected), "{expected} missing from {home}");
    }
    assert!(!home.contains("/style.css"), "{home}");
}

/// A deploy build writes the search index before the pages, as a plain build does: the same
/// files with the same bytes, each with `.gz` and `.br` siblings that decompress to them.
#[test]
fn the_search_index_of_a_deploy_build_is_the_plain_builds_precompressed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = new_site(dir.path());
    let (plain, deploy) = (dir.path().join("plain"), dir.path().join("deploy"));
    build(&root, &plain, &[]);
    build(&root, &deploy, &["--deploy"]);
    let index: Vec<String> =
        files(&plain).into_iter().filter(|f| f.starts_with("search-index/")).collect();
    assert!(index.iter().any(|f| f.ends_with("index.json")), "a plain build indexes: {index:?}");
    let deployed = files(&deploy);
    for file in &index {
        let bytes = std::fs::read(plain.join(file)).expect("plain file");
        let deployed_bytes = std::fs::read(deploy.join(file))
            .unwrap_or_else(|e| panic!("{file} missing from the deploy build: {e}"));
        assert_eq!(deployed_bytes, bytes, "{file}");
        for (suffix, decode) in [(".gz", gunzip as fn(&[u8]) -> Vec<u8>), (".br", unbrotli)] {
            let sibling = format!("{file}{suffix}");
            assert!(deployed.contains(&sibling), "{sibling} missing");
            let packed = std::fs::read(deploy.join(&sibling)).expect("sibling");
            assert_eq!(decode(&packed), bytes, "{sibling}");
        }
    }
    let deployed_index: Vec<&String> = deployed
        .iter()
        .filter(|f| f.starts_with("search-index/") && f.ends_with(".json"))
        .collect();
    assert_eq!(deployed_index.len(), index.len(), "the deploy build's index has other files");
}
