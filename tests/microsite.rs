//! The real microsite, built by the real binary and checked page by page.
//!
//! One build (into Cargo's per-target temporary folder) is shared by every test here. The checks
//! read the produced HTML with a small tag scanner that accepts what browsers accept: quoted and
//! unquoted attribute values (minified output), entities, comments and raw-text elements.
//! They cover what the theme and the content promise together: titles and descriptions, one
//! `<h1>`, alt text, links and anchors that resolve, JSON-LD that parses, nothing loaded from
//! another host, nothing a strict Content-Security-Policy would block, and a quiet build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// The build
// ---------------------------------------------------------------------------------------------

struct Site {
    out: PathBuf,
    base_url: String,
    stdout: String,
    stderr: String,
    /// URL path (`/essay/`) -> the page's parsed HTML.
    pages: BTreeMap<String, Page>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `base_url` from `site.yaml`, without a trailing slash.
fn configured_base_url(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("site.yaml")).expect("read site.yaml");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("base_url:") {
            let value = rest.split(" #").next().unwrap_or("").trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            return value.trim_end_matches('/').to_string();
        }
    }
    panic!("site.yaml has no base_url");
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = repo_root();
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("microsite-public");
        if out.exists() {
            std::fs::remove_dir_all(&out).expect("clear the previous test build");
        }
        let output = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("build")
            .arg("--root")
            .arg(&root)
            .arg("--output")
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .expect("run charter build");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success(),
            "charter build failed ({})\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
            output.status
        );
        let mut pages = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&out).sort_by_file_name() {
            let entry = entry.expect("walk the output");
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("html") {
                continue;
            }
            let rel = path.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/");
            let url = if rel == "index.html" {
                "/".to_string()
            } else if let Some(dir) = rel.strip_suffix("/index.html") {
                format!("/{dir}/")
            } else {
                format!("/{rel}")
            };
            let html = std::fs::read_to_string(path).expect("read a produced page");
            pages.insert(url, Page::parse(&html));
        }
        assert!(!pages.is_empty(), "the build produced no HTML");
        Site { out, base_url: configured_base_url(&root), stdout, stderr, pages }
    })
}

impl Site {
    /// Pages a person reads: everything but alias redirect stubs.
    fn content_pages(&self) -> impl Iterator<Item = (&String, &Page)> {
        self.pages.iter().filter(|(_, p)| !p.is_redirect())
    }

    /// The produced file behind a root-relative URL path, if any.
    fn file_for(&self, url_path: &str) -> Option<PathBuf> {
        let decoded = percent_decode(url_path);
        let rel = decoded.trim_start_matches('/');
        if rel.split('/').any(|seg| seg == "..") {
            return None;
        }
        let candidate = self.out.join(rel);
        if url_path.ends_with('/') || rel.is_empty() {
            let index = candidate.join("index.html");
            return index.is_file().then_some(index);
        }
        if candidate.is_file() {
            return Some(candidate);
        }
        let index = candidate.join("index.html");
        index.is_file().then_some(index)
    }

    /// The page (as keyed in `pages`) behind a file in the output.
    fn page_for_file(&self, file: &Path) -> Option<&Page> {
        let rel = file.strip_prefix(&self.out).ok()?.to_string_lossy().replace('\\', "/");
        let url = if rel == "index.html" {
            "/".to_string()
        } else if let Some(dir) = rel.strip_suffix("/index.html") {
            format!("/{dir}/")
        } else {
            format!("/{rel}")
        };
        self.pages.get(&url)
    }

    /// Turns an href into a root-relative path when it points into this site; `None` for other
    /// hosts and schemes.
    fn internal_path(&self, page_url: &str, href: &str) -> Option<String> {
        if let Some(rest) = href.strip_prefix(&self.base_url) {
            if rest.is_empty() {
                return Some("/".into());
            }
            if rest.starts_with('/') || rest.starts_with('#') || rest.starts_with('?') {
                return Some(if rest.starts_with('/') {
                    rest.to_string()
                } else {
                    format!("/{rest}")
                });
            }
            return None;
        }
        if href.starts_with("//") || has_scheme(href) {
            return None;
        }
        if href.starts_with('/') {
            return Some(href.to_string());
        }
        if href.starts_with('#') {
            return Some(format!("{page_url}{href}"));
        }
        // A relative reference: resolve against the page's folder.
        let base_dir = match page_url.rfind('/') {
            Some(i) => &page_url[..=i],
            None => "/",
        };
        let mut segments: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
        let (path_part, tail) = split_path(href);
        let mut trailing_slash = path_part.ends_with('/') || path_part.is_empty();
        for seg in path_part.split('/') {
            match seg {
                "" | "." => trailing_slash = true,
                ".." => {
                    segments.pop();
                    trailing_slash = true;
                }
                s => {
                    segments.push(s);
                    trailing_slash = false;
                }
            }
        }
        if path_part.ends_with('/') {
            trailing_slash = true;
        }
        let mut out = format!("/{}", segments.join("/"));
        if trailing_slash && !out.ends_with('/') {
            out.push('/');
        }
        Some(format!("{out}{tail}"))
    }

    fn is_external_asset(&self, url: &str) -> bool {
        let url = url.trim();
        if url.starts_with(&self.base_url) {
            return false;
        }
        url.starts_with("//") || (has_scheme(url) && !url.starts_with("data:"))
    }
}

/// `("/a/b/", "#x")` from `"/a/b/#x"`; the query is dropped.
fn split_path(href: &str) -> (&str, &str) {
    let cut = href.find(['?', '#']).unwrap_or(href.len());
    let path = &href[..cut];
    let tail = match href.find('#') {
        Some(i) => &href[i..],
        None => "",
    };
    (path, tail)
}

fn has_scheme(href: &str) -> bool {
    let Some(colon) = href.find(':') else { return false };
    let scheme = &href[..colon];
    !scheme.is_empty()
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The pages' tags, read by lol_html
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: Vec<(String, Option<String>)>,
    /// For raw-text elements (`script`, `style`, `title`, `textarea`): their text.
    text: Option<String>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    fn has_attr(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _)| n == name)
    }

    fn rel_has(&self, word: &str) -> bool {
        self.attr("rel")
            .map(|r| r.split_ascii_whitespace().any(|w| w.eq_ignore_ascii_case(word)))
            .unwrap_or(false)
    }
}

#[derive(Debug, Default)]
struct Page {
    tags: Vec<Tag>,
    ids: BTreeSet<String>,
    duplicate_ids: BTreeSet<String>,
}

impl Page {
    fn parse(html: &str) -> Page {
        let tags = scan(html);
        let mut ids = BTreeSet::new();
        let mut duplicate_ids = BTreeSet::new();
        for tag in &tags {
            if let Some(id) = tag.attr("id") {
                if !ids.insert(id.to_string()) {
                    duplicate_ids.insert(id.to_string());
                }
            }
            if tag.name == "a" {
                if let Some(name) = tag.attr("name") {
                    ids.insert(name.to_string());
                }
            }
        }
        Page { tags, ids, duplicate_ids }
    }

    fn elements<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Tag> + 'a {
        self.tags.iter().filter(move |t| t.name == name)
    }

    fn title(&self) -> Option<String> {
        self.elements("title")
            .next()
            .and_then(|t| t.text.clone())
            .map(|t| decode_entities(t.trim()))
    }

    fn meta(&self, key: &str, value: &str) -> Option<&str> {
        self.elements("meta")
            .find(|m| m.attr(key).is_some_and(|v| v.eq_ignore_ascii_case(value)))
            .and_then(|m| m.attr("content"))
    }

    fn is_redirect(&self) -> bool {
        self.elements("meta")
            .any(|m| m.attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh")))
    }

    fn json_ld(&self) -> Vec<&str> {
        self.elements("script")
            .filter(|s| {
                s.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
            })
            .map(|s| s.text.as_deref().unwrap_or(""))
            .collect()
    }
}

const RAW_TEXT: &[&str] = &["script", "style", "title", "textarea"];

/// Every start tag of a page in document order, with its attributes (values entity-decoded) and,
/// for raw-text elements, their text as written; read by lol_html's tokenizer (comments, end tags
/// and text skipped).
fn scan(html: &str) -> Vec<Tag> {
    let tags = std::cell::RefCell::new(Vec::new());
    {
        let settings = lol_html::Settings::new()
            .append_element_content_handler(lol_html::element!("*", |el| {
                let name = el.tag_name();
                let attrs = el
                    .attributes()
                    .iter()
                    .map(|a| {
                        let value = a.value_source_location().map(|_| decode_entities(&a.value()));
                        (a.name(), value)
                    })
                    .collect();
                let text = RAW_TEXT.contains(&name.as_str()).then(String::new);
                tags.borrow_mut().push(Tag { name, attrs, text });
                Ok(())
            }))
            .append_element_content_handler(lol_html::text!(
                "script, style, title, textarea",
                |chunk| {
                    if let Some(text) = tags.borrow_mut().last_mut().and_then(|t| t.text.as_mut()) {
                        text.push_str(chunk.as_str());
                    }
                    Ok(())
                }
            ));
        let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(html.as_bytes()).expect("lol_html reads the page");
        rewriter.end().expect("lol_html reads the page to its end");
    }
    tags.into_inner()
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.find(';').filter(|&k| k <= 10);
        let decoded = semi.and_then(|k| {
            let ent = &rest[1..k];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse::<u32>().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, k))
        });
        match decoded {
            Some((c, k)) => {
                out.push(c);
                rest = &rest[k + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn report(problems: &[String], what: &str) {
    assert!(problems.is_empty(), "{} {what}:\n  {}", problems.len(), problems.join("\n  "));
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

#[test]
fn build_prints_no_warnings() {
    let site = site();
    for (name, stream) in [("stderr", &site.stderr), ("stdout", &site.stdout)] {
        assert!(
            !stream.to_lowercase().contains("warning"),
            "the build printed a warning on {name}:\n{stream}"
        );
    }
}

#[test]
fn the_expected_pages_exist() {
    let site = site();
    let expected = [
        "/",
        "/essay/",
        "/proposal/",
        "/proposal/aasc/",
        "/proposal/international-force/",
        "/proposal/two-approaches/",
        "/proposal/russia-membership/",
        "/proposal/nato/",
        "/timeline/",
        "/questions/",
        "/glossary/",
        "/about/",
        "/topics/",
        "/404.html",
    ];
    let missing: Vec<String> =
        expected.iter().filter(|u| !site.pages.contains_key(**u)).map(|u| u.to_string()).collect();
    report(&missing, "expected pages are missing");
    for file in ["atom.xml", "sitemap.xml", "robots.txt"] {
        assert!(site.out.join(file).is_file(), "{file} was not produced");
    }
    assert!(
        site.pages.keys().any(|u| u.starts_with("/topics/") && u != "/topics/"),
        "no topic term pages"
    );
}

#[test]
fn every_page_has_a_title_and_a_description() {
    let mut problems = Vec::new();
    for (url, page) in site().content_pages() {
        match page.title() {
            Some(t) if !t.trim().is_empty() => {}
            _ => problems.push(format!("{url}: no <title> or an empty one")),
        }
        match page.meta("name", "description") {
            Some(d) if !d.trim().is_empty() => {}
            _ => problems.push(format!("{url}: no meta description or an empty one")),
        }
        if page
            .elements("html")
            .next()
            .and_then(|h| h.attr("lang"))
            .is_none_or(|l| l.trim().is_empty())
        {
            problems.push(format!("{url}: <html> has no lang"));
        }
    }
    report(&problems, "pages without a title or description");
}

#[test]
fn every_page_has_exactly_one_h1() {
    let mut problems = Vec::new();
    for (url, page) in site().content_pages() {
        let n = page.elements("h1").count();
        if n != 1 {
            problems.push(format!("{url}: {n} <h1> elements"));
        }
    }
    report(&problems, "pages without exactly one <h1>");
}

#[test]
fn every_image_has_alt_text() {
    let mut problems = Vec::new();
    for (url, page) in site().content_pages() {
        for img in page.elements("img") {
            if img.attr("alt").is_none_or(|a| a.trim().is_empty()) {
                problems.push(format!(
                    "{url}: <img src={:?}> has no alt text",
                    img.attr("src").unwrap_or("")
                ));
            }
        }
    }
    report(&problems, "images without alt text");
}

#[test]
fn ids_are_unique_within_a_page() {
    let mut problems = Vec::new();
    for (url, page) in site().content_pages() {
        for id in &page.duplicate_ids {
            problems.push(format!("{url}: id {id:?} is used more than once"));
        }
    }
    report(&problems, "duplicate ids");
}

#[test]
fn internal_links_and_anchors_resolve() {
    let site = site();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (url, page) in &site.pages {
        for tag in &page.tags {
            let href = match tag.name.as_str() {
                "a" | "area" => tag.attr("href"),
                "link" if !tag.rel_has("preconnect") && !tag.rel_has("dns-prefetch") => {
                    tag.attr("href")
                }
                _ => None,
            };
            let Some(href) = href.map(str::trim).filter(|h| !h.is_empty()) else { continue };
            let Some(path) = site.internal_path(url, href) else { continue };
            checked += 1;
            let (file_path, fragment) = split_path(&path);
            let Some(file) = site.file_for(file_path) else {
                problems.push(format!(
                    "{url}: <{} href={href:?}> points to nothing ({file_path})",
                    tag.name
                ));
                continue;
            };
            let fragment = percent_decode(fragment.trim_start_matches('#'));
            if fragment.is_empty() {
                continue;
            }
            match site.page_for_file(&file) {
                Some(target) if target.ids.contains(&fragment) => {}
                Some(_) => problems.push(format!(
                    "{url}: <{} href={href:?}>: no id {fragment:?} on {file_path}",
                    tag.name
                )),
                None => {}
            }
        }
    }
    assert!(checked > 0, "no internal link was found at all");
    report(&problems, "broken internal links");
}

#[test]
fn assets_come_from_this_site_only() {
    let site = site();
    let mut problems = Vec::new();
    for (url, page) in &site.pages {
        for tag in &page.tags {
            let mut check = |attr: &str| {
                if let Some(v) = tag.attr(attr) {
                    let candidates: Vec<&str> = if attr == "srcset" {
                        v.split(',').filter_map(|c| c.split_whitespace().next()).collect()
                    } else {
                        vec![v]
                    };
                    for c in candidates {
                        if site.is_external_asset(c) {
                            problems.push(format!(
                                "{url}: <{} {attr}={c:?}> loads from another host",
                                tag.name
                            ));
                        }
                    }
                }
            };
            match tag.name.as_str() {
                "script" | "img" | "iframe" | "audio" | "video" | "source" | "track" | "embed"
                | "input" => {
                    check("src");
                    check("srcset");
                    check("poster");
                }
                "object" => check("data"),
                "link" => {
                    let loads = [
                        "stylesheet",
                        "icon",
                        "apple-touch-icon",
                        "mask-icon",
                        "preload",
                        "modulepreload",
                        "prefetch",
                        "manifest",
                    ];
                    if loads.iter().any(|r| tag.rel_has(r)) {
                        check("href");
                    }
                    if tag.rel_has("preconnect") || tag.rel_has("dns-prefetch") {
                        problems.push(format!(
                            "{url}: <link rel={:?}> reaches out to another host",
                            tag.attr("rel").unwrap_or("")
                        ));
                    }
                }
                "style" => {
                    let css = tag.text.as_deref().unwrap_or("");
                    if css.contains("@import") || css.contains("url(http") || css.contains("url(//")
                    {
                        problems.push(format!("{url}: an inline <style> loads from elsewhere"));
                    }
                }
                _ => {}
            }
        }
    }
    report(&problems, "assets from other hosts");
}

#[test]
fn pages_survive_a_strict_content_security_policy() {
    // No inline script, no inline event handler, no style attribute, no javascript: URL.
    let mut problems = Vec::new();
    for (url, page) in site().content_pages() {
        for tag in &page.tags {
            if tag.name == "script" && !tag.has_attr("src") {
                let kind = tag.attr("type").unwrap_or("").to_ascii_lowercase();
                if kind != "application/ld+json" && kind != "application/json" {
                    problems.push(format!("{url}: an inline <script>"));
                }
            }
            if tag.name == "style" {
                problems.push(format!("{url}: an inline <style> element"));
            }
            for (name, value) in &tag.attrs {
                if name.starts_with("on") && name.len() > 2 {
                    problems.push(format!("{url}: <{} {name}=…> inline event handler", tag.name));
                }
                if name == "style" {
                    problems.push(format!(
                        "{url}: <{} style={:?}>",
                        tag.name,
                        value.as_deref().unwrap_or("")
                    ));
                }
                if (name == "href" || name == "src")
                    && value.as_deref().is_some_and(|v| {
                        v.trim_start().to_ascii_lowercase().starts_with("javascript:")
                    })
                {
                    problems.push(format!("{url}: <{} {name}=\"javascript:…\">", tag.name));
                }
            }
        }
    }
    report(&problems, "things a strict CSP would block");
}

#[test]
fn every_json_ld_block_parses() {
    let mut problems = Vec::new();
    let mut blocks = 0;
    for (url, page) in site().content_pages() {
        for block in page.json_ld() {
            blocks += 1;
            match serde_json::from_str::<serde_json::Value>(block) {
                Ok(v) => {
                    if v.get("@context").is_none() || v.get("@type").is_none() {
                        problems.push(format!("{url}: JSON-LD without @context or @type"));
                    }
                }
                Err(e) => problems.push(format!("{url}: JSON-LD does not parse: {e}")),
            }
        }
    }
    assert!(blocks > 0, "no JSON-LD on any page");
    report(&problems, "JSON-LD problems");
}

/// The JSON-LD object of a given `@type` on a page.
fn json_ld_of_type(page: &Page, kind: &str) -> Option<serde_json::Value> {
    page.json_ld()
        .into_iter()
        .filter_map(|b| serde_json::from_str::<serde_json::Value>(b).ok())
        .find(|v| v.get("@type").and_then(|t| t.as_str()) == Some(kind))
}

#[test]
fn structured_data_describes_the_site_and_the_articles() {
    let site = site();
    let mut problems = Vec::new();
    let home = &site.pages["/"];
    match json_ld_of_type(home, "WebSite") {
        Some(v) => {
            if v["name"].as_str().is_none_or(str::is_empty) {
                problems.push("/: WebSite JSON-LD has no name".into());
            }
        }
        None => problems.push("/: no WebSite JSON-LD".into()),
    }
    for url in ["/essay/", "/proposal/aasc/", "/proposal/two-approaches/"] {
        let Some(page) = site.pages.get(url) else { continue };
        match json_ld_of_type(page, "Article") {
            Some(v) => {
                for key in ["headline", "description", "datePublished", "author"] {
                    if v.get(key).is_none_or(|x| x.is_null() || x.as_str() == Some("")) {
                        problems.push(format!("{url}: Article JSON-LD lacks {key}"));
                    }
                }
                let about = v["about"].to_string();
                if !about.contains("The Case for a Security Guarantee for Ukraine")
                    || !about.contains("Howard")
                {
                    problems.push(format!("{url}: Article JSON-LD is not about the essay"));
                }
            }
            None => problems.push(format!("{url}: no Article JSON-LD")),
        }
    }
    report(&problems, "structured data problems");
}

#[test]
fn pages_carry_canonical_and_social_metadata() {
    let site = site();
    let mut problems = Vec::new();
    for (url, page) in site.content_pages() {
        if url == "/404.html" {
            continue;
        }
        let canonical =
            page.elements("link").find(|l| l.rel_has("canonical")).and_then(|l| l.attr("href"));
        match canonical {
            Some(c) if c == format!("{}{url}", site.base_url) => {}
            other => problems.push(format!("{url}: canonical is {other:?}")),
        }
        for prop in ["og:title", "og:description", "og:url", "og:type"] {
            if page.meta("property", prop).is_none_or(|v| v.trim().is_empty()) {
                problems.push(format!("{url}: no {prop}"));
            }
        }
        if let Some(image) = page.meta("property", "og:image") {
            match site.internal_path(url, image) {
                Some(path) if site.file_for(split_path(&path).0).is_some() => {}
                _ => problems.push(format!("{url}: og:image {image:?} is not a file of this site")),
            }
        }
        if page.meta("name", "twitter:card").is_none() {
            problems.push(format!("{url}: no twitter:card"));
        }
        let feed = page
            .elements("link")
            .any(|l| l.rel_has("alternate") && l.attr("type") == Some("application/atom+xml"));
        if !feed {
            problems.push(format!("{url}: no link to the Atom feed"));
        }
    }
    report(&problems, "metadata problems");
}

#[test]
fn pages_have_landmarks_and_a_skip_link() {
    let mut problems = Vec::new();
    for (url, page) in site().content_pages() {
        for landmark in ["header", "nav", "main", "footer"] {
            if page.elements(landmark).next().is_none() {
                problems.push(format!("{url}: no <{landmark}>"));
            }
        }
        let main_id = page.elements("main").next().and_then(|m| m.attr("id")).unwrap_or("");
        let skip = page.elements("a").next().and_then(|a| a.attr("href")).unwrap_or("");
        if main_id.is_empty() || skip != format!("#{main_id}") {
            problems.push(format!("{url}: the first link is not a skip link to <main> ({skip:?})"));
        }
    }
    report(&problems, "accessibility structure problems");
}

#[test]
fn the_sitemap_lists_pages_that_exist() {
    let site = site();
    let xml = std::fs::read_to_string(site.out.join("sitemap.xml")).expect("read sitemap.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut in_loc = false;
    let mut locs = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) if e.name().as_ref() == b"loc" => in_loc = true,
            Ok(quick_xml::events::Event::End(e)) if e.name().as_ref() == b"loc" => in_loc = false,
            Ok(quick_xml::events::Event::Text(t)) if in_loc => {
                locs.push(t.unescape().expect("sitemap text").into_owned());
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => panic!("sitemap.xml does not parse: {e}"),
            _ => {}
        }
    }
    assert!(!locs.is_empty(), "the sitemap lists no URL");
    let mut problems = Vec::new();
    for loc in &locs {
        match loc.strip_prefix(&site.base_url) {
            Some(path) if site.file_for(if path.is_empty() { "/" } else { path }).is_some() => {}
            _ => problems.push(format!(
                "sitemap entry {loc} is not a produced page under {}",
                site.base_url
            )),
        }
    }
    report(&problems, "bad sitemap entries");
}

#[test]
fn scanner_reads_minified_and_quoted_markup() {
    let page = Page::parse(
        "<!doctype html><html lang=en><title>A &amp; B</title><!-- <h1>no</h1> -->\
         <a href=/essay/#x-y id=a>x</a><a href='/q?a=1&amp;b=2'>y</a><img alt=\"\" src=/i.png>\
         <script type=application/ld+json>{\"a\":\"<h1>\"}</script><h1 class=t>One</h1>",
    );
    assert_eq!(page.title().as_deref(), Some("A & B"));
    assert_eq!(page.elements("h1").count(), 1);
    let hrefs: Vec<_> = page.elements("a").filter_map(|a| a.attr("href")).collect();
    assert_eq!(hrefs, ["/essay/#x-y", "/q?a=1&b=2"]);
    assert_eq!(page.elements("img").next().unwrap().attr("alt"), Some(""));
    assert_eq!(page.json_ld(), ["{\"a\":\"<h1>\"}"]);
    assert!(page.ids.contains("a"));
    assert_eq!(split_path("/a/b/?q=1#frag"), ("/a/b/", "#frag"));
    assert_eq!(percent_decode("/topics/united%20nations/"), "/topics/united nations/");
}

// ---------------------------------------------------------------------------------------------
// Fidelity to the essay (issue 13): the content's own text, read as Markdown
// ---------------------------------------------------------------------------------------------

/// Every content page as (path under content/, body without front matter, front matter).
fn sources() -> Vec<(String, String, String)> {
    let dir = repo_root().join("content");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.expect("walk content/");
        if entry.path().extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).expect("read a content page");
        let (front, body) = match text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")) {
            Some((f, b)) => (f.to_string(), b.to_string()),
            None => (String::new(), text),
        };
        out.push((rel, body, front));
    }
    assert!(out.len() >= 12, "expected the twelve content pages, found {}", out.len());
    out
}

fn source(rel: &str) -> String {
    sources().into_iter().find(|(r, _, _)| r == rel).unwrap_or_else(|| panic!("no content/{rel}")).1
}

/// Prose blocks (paragraphs, list blocks, the raw HTML table): blank-line separated, headings
/// and fenced code left out.
fn blocks(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for block in body.split("\n\n") {
        let b = block.trim();
        // A fence that opens and closes within the block leaves the state as it was.
        let fences = b.matches("```").count();
        if fenced || b.starts_with("```") {
            if fences % 2 == 1 {
                fenced = !fenced;
            }
            continue;
        }
        if b.is_empty() || b.starts_with('#') {
            continue;
        }
        out.push(b.to_string());
    }
    out
}

/// Sentences of the prose, with "U.S." kept whole.
fn sentences(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in blocks(body) {
        let text = block.replace("U.S.", "U_S_");
        let mut cur = String::new();
        let chars: Vec<char> = text.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            cur.push(c);
            let end = matches!(c, '.' | '?' | '!' | '\n')
                && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
            if end {
                out.push(cur.trim().replace("U_S_", "U.S."));
                cur.clear();
            }
        }
        if !cur.trim().is_empty() {
            out.push(cur.trim().replace("U_S_", "U.S."));
        }
    }
    out
}

fn all_sentences() -> Vec<(String, String)> {
    sources()
        .into_iter()
        .flat_map(|(rel, body, _)| sentences(&body).into_iter().map(move |s| (rel.clone(), s)))
        .collect()
}

#[test]
fn fidelity_the_aasc_should_not_be_called_a_treaty_organization() {
    let mut problems = Vec::new();
    for (rel, s) in all_sentences() {
        let l = s.to_lowercase();
        for wrong in [
            "would not be a treaty",
            "would be no treaty",
            "not a treaty body",
            "is not a treaty organization",
            "no treaty organization",
        ] {
            if l.contains(wrong) {
                problems.push(format!("{rel}: {s}"));
            }
        }
    }
    report(&problems, "sentences that make the AASC not a treaty organization, where the essay says it should not be called one");
    for rel in [
        "_index.md",
        "proposal/aasc.md",
        "glossary.md",
        "questions.md",
        "essay.md",
        "proposal/nato.md",
    ] {
        assert!(
            source(rel).contains("\"should not be called a treaty organization\" (¶ 8)"),
            "{rel} lacks the essay's wording"
        );
    }
}

#[test]
fn fidelity_the_reason_beyond_paper_promises_is_ukraines_security() {
    let nato = source("proposal/nato.md");
    assert!(
        !nato.contains("For the same reason they look beyond"),
        "nato.md ties the paper promises to the path to redemption"
    );
    assert!(
        nato.contains("to guarantee Ukraine's own security"),
        "nato.md lacks the essay's reason"
    );
    assert!(nato.contains("\"beyond the paper promises\" (¶ 7)"));
}

#[test]
fn fidelity_the_united_states_defends_us_and_other_nato_troops() {
    let mut problems = Vec::new();
    for (rel, s) in all_sentences() {
        if s.contains("defend its troops")
            || s.contains("members, whom the United States should be ready to defend")
        {
            problems.push(format!("{rel}: {s}"));
        }
    }
    report(&problems, "sentences that narrow or widen whom the United States would defend");
    for rel in ["proposal/aasc.md", "questions.md", "glossary.md"] {
        assert!(
            source(rel).contains("defend the U.S. and other NATO troops"),
            "{rel} does not name U.S. and other NATO troops"
        );
    }
    assert!(source("essay.md").contains("U.S. and other NATO troops should serve in it, and the United States should be ready to defend them"));
}

#[test]
fn fidelity_the_essay_does_discuss_ukraine_as_a_candidate() {
    let nato = source("proposal/nato.md");
    assert!(!nato.contains("does not discuss particular candidates"));
    assert!(nato.contains("Ukraine is the one would-be member whose entry the essay weighs"));
    assert!(nato.contains("\"the brightest of all redlines\" (¶ 6)"));
}

#[test]
fn fidelity_the_response_to_probing_attacks_belongs_to_the_aasc_variant() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (rel, body, _) in sources() {
        for b in blocks(&body) {
            if b.to_lowercase().contains("probing attack") {
                seen += 1;
                if !b.contains("AASC") {
                    problems.push(format!("{rel}: {b}"));
                }
            }
        }
    }
    assert!(seen >= 4, "the probing attacks are discussed on {seen} blocks only");
    report(
        &problems,
        "passages on probing attacks that do not tie them to the force placed under the AASC",
    );
    assert!(source("proposal/international-force.md")
        .contains("This response belongs to the AASC-based variant"));
}

#[test]
fn fidelity_the_wartime_conferences_are_not_dated_before_victory() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (rel, s) in all_sentences() {
        if s.contains("Potsdam") {
            seen += 1;
            if s.contains("before") {
                problems.push(format!("{rel}: {s}"));
            }
        }
    }
    assert!(seen >= 3, "the conferences are mentioned {seen} times");
    report(&problems, "sentences that put the conferences (Potsdam among them) before the victory");
    assert!(source("timeline.md")
        .contains("\"began to contemplate the shape of the future peace\" (¶ 1)"));
}

#[test]
fn fidelity_clinton_and_bush_rounds_are_undated() {
    let timeline = source("timeline.md");
    let nineties = timeline
        .split("### The 1990s")
        .nth(1)
        .and_then(|t| t.split("\n#").next())
        .expect("a 1990s section");
    assert!(
        !nineties.contains("Clinton") && !nineties.contains("Bush"),
        "the 1990s section files the Clinton and Bush rounds"
    );
    let undated = timeline.split("## Undated in the essay").nth(1).expect("an undated section");
    assert!(undated.contains("Bill Clinton and George W. Bush"));
}

#[test]
fn fidelity_porcupine_is_others_proposals_not_the_authors_shorthand() {
    let mut problems = Vec::new();
    for (rel, body, front) in sources() {
        let all = format!("{front}\n{body}").to_lowercase();
        if all.contains("porcupine strategy")
            || all.contains("porcupine\" strategy")
            || all.contains("authors' shorthand")
        {
            problems.push(rel);
        }
    }
    report(&problems, "pages calling \"porcupine\" a strategy or the authors' shorthand");
    assert!(source("glossary.md").contains(
        "for what some proposals would turn Ukraine into \"by arming it to the teeth\" (¶ 7)"
    ));
}

#[test]
fn fidelity_routine_work_is_what_the_aasc_would_need_to_carry_out() {
    let aasc = source("proposal/aasc.md");
    assert!(!aasc.contains("To be effective"));
    assert!(aasc.contains("\"would need to carry out\" (¶ 9)"));
}

#[test]
fn fidelity_sovereignty_is_recognized_unconditionally() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (rel, s) in all_sentences() {
        if s.contains("sovereignty") {
            seen += 1;
            if !s.contains("unconditionally") {
                problems.push(format!("{rel}: {s}"));
            }
        }
    }
    assert!(seen >= 2, "the sovereignty criterion is mentioned {seen} times");
    report(
        &problems,
        "sentences on Russia recognizing Ukraine's sovereignty without \"unconditionally\"",
    );
    assert!(source("questions.md").contains(
        "\"willingness to recognize unconditionally the sovereignty of Ukraine\" (¶ 14)"
    ));
}

#[test]
fn fidelity_several_thousand_is_at_least_several_thousand() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (rel, body, front) in sources() {
        let all = format!("{front}\n{body}");
        let lower = all.to_lowercase();
        for (i, _) in lower.match_indices("several thousand") {
            seen += 1;
            if !lower[..i].ends_with("at least ") {
                problems.push(format!("{rel}: …{}", &all[i.saturating_sub(30)..i + 16]));
            }
        }
    }
    assert!(seen >= 5);
    report(&problems, "\"several thousand\" without \"at least\"");
}

#[test]
fn fidelity_kennan_gorbachev_and_burns_warned_only_against_expansion() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (rel, s) in all_sentences() {
        if s.contains("Kennan") || s.contains("Gorbachev") {
            seen += 1;
            if s.contains("plausible") {
                problems.push(format!("{rel}: {s}"));
            }
        }
    }
    assert!(seen >= 3, "Kennan and Gorbachev are mentioned {seen} times");
    report(
        &problems,
        "sentences tying Kennan, Gorbachev or Burns to the claim about future Russian leaders",
    );
    assert!(source("proposal/nato.md")
        .contains("the claim about every plausible future Russian leader is the authors' own"));
}

#[test]
fn fidelity_the_essay_is_dated_and_filed_not_published() {
    for rel in ["essay.md", "about.md"] {
        let s = source(rel);
        assert!(
            s.contains("the \"Date Created\""),
            "{rel}: the date is not given as the page's \"Date Created\""
        );
        assert!(!s.contains("**Date:**"), "{rel}: a bare date line");
    }
    let mut problems = Vec::new();
    for (url, _) in site().content_pages() {
        let Some(file) = site().file_for(url) else { continue };
        let html = std::fs::read_to_string(file).unwrap();
        if html.contains(", published <time")
            || html.contains("only words in quotation marks are the authors")
        {
            problems.push(url.clone());
        }
    }
    report(&problems, "pages saying the essay was published on its date, or that all quoted words are the authors'");
    let essay = std::fs::read_to_string(site().file_for("/essay/").unwrap()).unwrap();
    assert!(
        essay.contains(", dated <time datetime=\"2023-03-21\">"),
        "the source note does not say \"dated\""
    );
}

#[test]
fn fidelity_the_essays_historical_claims_are_attributed() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (rel, s) in all_sentences() {
        let claim = s.contains("1949")
            || s.contains("Soviet Premier")
            || (s.contains("2008") && s.contains("France"))
            || s.contains("CIA Director")
            || s.contains("first secretary-general");
        if claim {
            seen += 1;
            if !s.to_lowercase().contains("essay") {
                problems.push(format!("{rel}: {s}"));
            }
        }
    }
    assert!(seen >= 5, "the essay's historical claims are mentioned {seen} times");
    report(&problems, "historical claims of the essay stated in the site's own voice");
}

// ---------------------------------------------------------------------------------------------
// The essay itself, when its reference capture sits beside the checkout (never in the repository)
// ---------------------------------------------------------------------------------------------

fn reference_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/reference");
    dir.is_dir().then_some(dir)
}

fn normalize_quotes(s: &str) -> String {
    s.replace(['\u{2019}', '\u{2018}'], "'").replace(['\u{201c}', '\u{201d}'], "\"")
}

/// The essay's 16 body paragraphs, numbered as about.md defines: blank-line separated blocks of
/// the body-only capture, without the two all-capitals section headings.
fn essay_paragraphs(dir: &Path) -> Vec<String> {
    for entry in std::fs::read_dir(dir).expect("read the reference") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = normalize_quotes(&std::fs::read_to_string(&path).unwrap());
        let paras: Vec<String> = text
            .split("\n\n")
            .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|b| !b.is_empty() && b.chars().any(|c| c.is_lowercase()))
            .collect();
        if paras.first().is_some_and(|p| p.starts_with("All wars end.")) {
            assert_eq!(
                paras.len(),
                16,
                "the essay's body has 16 paragraphs, as about.md counts them"
            );
            return paras;
        }
    }
    panic!("no body-only capture of the essay in {}", dir.display());
}

/// A `pullquote` component call's quotation (its `original` when it gives one) and the pinpoint
/// that ends its attribution (`attribution="… (¶ 4)"`), as a quotation in prose is followed by
/// its pinpoint. A call
/// without a readable `quote` or pinpoint yields what it has, so the checks below report it.
fn pullquote(block: &str) -> Option<(String, String)> {
    let call = block.strip_prefix("{{ pullquote(")?;
    let argument = |name: &str| {
        let start = call.find(&format!("{name}=\""))? + name.len() + 2;
        let len = call[start..].find('"')?;
        Some(call[start..start + len].to_string())
    };
    let attribution = argument("attribution").unwrap_or_default();
    let pinpoint = attribution.rfind(" (¶ ").map(|at| attribution[at..].to_string());
    // A quotation in translation (a Ukrainian page) is checked by its `original`.
    let quoted = argument("original").or_else(|| argument("quote"));
    Some((quoted.unwrap_or_else(|| block.to_string()), pinpoint.unwrap_or_default()))
}

/// Every "…" quotation in the Markdown prose, with the text right after it (pull quotes
/// included, with their pinpoint).
fn quotations(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for b in blocks(body) {
        if b.starts_with("<table") {
            continue;
        }
        if let Some(quoted) = pullquote(&b) {
            out.push(quoted);
            continue;
        }
        let mut rest = b.as_str();
        while let Some(open) = rest.find('"') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            out.push((after[..close].to_string(), after[close + 1..].to_string()));
            rest = &after[close + 1..];
        }
    }
    out
}

/// Quoted strings that are names, not quotations of the essay's text.
const NOT_QUOTATIONS: &[&str] = &[
    "The Case for a Security Guarantee for Ukraine",
    "The End of the Beginning",
    "War with Russia",
    "Date Created",
    "stalemate",
];

#[test]
fn every_quotation_cites_its_paragraph() {
    let mut problems = Vec::new();
    let mut cited = 0;
    for (rel, body, _) in sources() {
        for (q, after) in quotations(&body) {
            if NOT_QUOTATIONS.contains(&q.as_str()) {
                continue;
            }
            let ok = after
                .strip_prefix(" (¶ ")
                .and_then(|t| t.split_once(')'))
                .is_some_and(|(n, _)| n.parse::<usize>().is_ok_and(|n| (1..=16).contains(&n)));
            if ok {
                cited += 1;
            } else {
                problems.push(format!("{rel}: \"{q}\" has no (¶ n) after it"));
            }
        }
    }
    assert!(cited >= 80, "only {cited} quotations carry a pinpoint reference");
    report(&problems, "quotations without a pinpoint reference");
}

#[test]
fn each_quotation_stands_in_the_paragraph_it_cites() {
    let Some(dir) = reference_dir() else {
        println!("skipped: ../shared/reference is not beside the checkout (the essay's text is not shipped here)");
        return;
    };
    let paras = essay_paragraphs(&dir);
    let mut problems = Vec::new();
    let mut checked = 0;
    for (rel, body, _) in sources() {
        for (q, after) in quotations(&body) {
            let Some(n) = after
                .strip_prefix(" (¶ ")
                .and_then(|t| t.split_once(')'))
                .and_then(|(n, _)| n.parse::<usize>().ok())
            else {
                continue;
            };
            let text = normalize_quotes(&q);
            let text = text.trim_end_matches(['.', ',', ';', ':']).trim();
            checked += 1;
            if !paras.get(n - 1).is_some_and(|p| p.contains(text)) {
                let found: Vec<usize> =
                    (0..paras.len()).filter(|&i| paras[i].contains(text)).map(|i| i + 1).collect();
                problems.push(format!("{rel}: \"{q}\" cites ¶ {n}, found in {found:?}"));
            }
        }
    }
    assert!(checked >= 80, "only {checked} quotations checked");
    report(&problems, "quotations not found word for word in the paragraph they cite");
}

/// overlap.py's measure: words in 12-word runs shared with the reference, inside or outside
/// quotation marks. Returns per page (words, unquoted copied words) and the longest unquoted run.
fn overlap(dir: &Path) -> (Vec<(String, usize, usize)>, usize) {
    const N: usize = 12;
    fn tokens(text: &str) -> Vec<(String, usize, usize)> {
        let text = text.replace('\u{2019}', "'");
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (c.is_ascii_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((text[s..i].to_lowercase(), s, i));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }
    let mut src = std::collections::HashSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some("txt") {
            let w: Vec<String> =
                tokens(&std::fs::read_to_string(&path).unwrap()).into_iter().map(|t| t.0).collect();
            for win in w.windows(N) {
                src.insert(win.to_vec());
            }
        }
    }
    let mut pages = Vec::new();
    let mut longest = 0;
    for (rel, body, _) in sources() {
        let body = body.replace('\u{2019}', "'");
        let tk = tokens(&body);
        let w: Vec<String> = tk.iter().map(|t| t.0.clone()).collect();
        let mut cov = vec![false; w.len()];
        for i in 0..w.len().saturating_sub(N - 1) {
            if src.contains(&w[i..i + N]) {
                cov[i..i + N].iter_mut().for_each(|c| *c = true);
            }
        }
        // Quoted spans: "…" or “…” on one line.
        let mut spans = Vec::new();
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let mut k = 0;
        while k < chars.len() {
            let (s, c) = chars[k];
            let close = match c {
                '"' => '"',
                '\u{201c}' => '\u{201d}',
                _ => {
                    k += 1;
                    continue;
                }
            };
            let mut j = k + 1;
            while j < chars.len() && chars[j].1 != close && chars[j].1 != '\n' {
                j += 1;
            }
            if j < chars.len() && chars[j].1 == close {
                spans.push((s, chars[j].0 + close.len_utf8()));
                k = j + 1;
            } else {
                k += 1;
            }
        }
        let quoted: Vec<bool> =
            tk.iter().map(|(_, s, e)| spans.iter().any(|&(a, b)| a <= *s && *e <= b)).collect();
        let mut unquoted = 0;
        let mut run = 0;
        for i in 0..w.len() {
            if cov[i] && !quoted[i] {
                unquoted += 1;
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        pages.push((rel, w.len(), unquoted));
    }
    (pages, longest)
}

#[test]
fn the_prose_is_our_own_words() {
    let Some(dir) = reference_dir() else {
        println!("skipped: ../shared/reference is not beside the checkout (the essay's text is not shipped here)");
        return;
    };
    let (pages, longest) = overlap(&dir);
    let total: usize = pages.iter().map(|p| p.1).sum();
    let unquoted: usize = pages.iter().map(|p| p.2).sum();
    let mut problems = Vec::new();
    for (rel, words, u) in &pages {
        println!("{rel:36} words={words:5} outside quotes={u:4}");
        if *u * 100 > *words * 4 {
            problems.push(format!(
                "{rel}: {u} of {words} words copied outside quotation marks (over 4%)"
            ));
        }
    }
    if unquoted * 100 > total * 2 {
        problems
            .push(format!("{unquoted} of {total} words copied outside quotation marks (over 2%)"));
    }
    if longest > 15 {
        problems.push(format!("an unquoted copied passage of {longest} words (over 15)"));
    }
    assert!(total >= 5000, "the measure read only {total} words");
    report(&problems, "overlap targets missed");
}

// ---------------------------------------------------------------------------------------------
// Voice and markup (issue 13)
// ---------------------------------------------------------------------------------------------

#[test]
fn one_spelling_american_and_us_with_periods() {
    const BRITISH: &[&str] = &[
        "defence",
        "neighbour",
        "behaviour",
        "favour",
        "legitimis",
        "recognis",
        "organis",
        "centre",
        "sceptic",
        "authoris",
        "summaris",
        "programme",
        "colour",
        "labour",
        "honour",
        "judgement",
        "travelled",
        "modelling",
        "analys",
        "emphasis",
        "realis",
        "specialis",
        "apologis",
        "criticis",
        "catalogue",
    ];
    let mut problems = Vec::new();
    for (rel, body, front) in sources() {
        let all = format!("{front}\n{body}");
        let lower = all.to_lowercase();
        for w in BRITISH {
            if lower.contains(w) && (*w != "emphasis" || lower.contains("emphasise")) {
                problems.push(format!("{rel}: \"{w}\""));
            }
        }
        let bytes = all.as_bytes();
        for (i, _) in all.match_indices("US") {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + 2).copied();
            let word = |b: Option<u8>| {
                b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
            };
            if !word(before) && !word(after) {
                problems.push(format!("{rel}: \"US\" rather than \"U.S.\""));
            }
        }
    }
    report(&problems, "British spellings or \"US\"");
}

#[test]
fn titles_and_descriptions_are_typographic_and_short() {
    let mut problems = Vec::new();
    for (url, page) in site().content_pages() {
        let title = page.title().unwrap_or_default();
        let desc = page.meta("name", "description").unwrap_or("").to_string();
        if desc.chars().count() > 160 {
            problems.push(format!("{url}: description of {} characters", desc.chars().count()));
        }
        for (what, text) in [("title", &title), ("description", &desc)] {
            if text.contains('\'') {
                problems.push(format!("{url}: a straight apostrophe in the {what}: {text}"));
            }
        }
    }
    report(
        &problems,
        "titles or descriptions with straight apostrophes, or descriptions over 160 characters",
    );
}

#[test]
fn at_most_one_passage_per_page_on_what_the_essay_leaves_open() {
    const HEDGES: &[&str] = &[
        "does not say",
        "does not specify",
        "not specified",
        "does not discuss",
        "does not define",
        "defines none",
        "does not spell out",
        "does not name",
        "does not explain",
        "does not develop",
        "does not address",
        "leaves open",
        "left open",
        "is silent",
        "gives no",
        "says nothing",
        "does not give",
    ];
    let mut problems = Vec::new();
    for (rel, body, _) in sources() {
        let hedged: Vec<String> = blocks(&body)
            .into_iter()
            .filter(|b| HEDGES.iter().any(|h| b.to_lowercase().contains(h)))
            .collect();
        if hedged.len() > 1 {
            problems.push(format!(
                "{rel}: {} passages: {}",
                hedged.len(),
                hedged
                    .iter()
                    .map(|b| b.chars().take(60).collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    report(&problems, "pages with more than one passage on what the essay leaves open");
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
}

#[test]
fn the_home_page_opens_with_a_summary_of_at_most_50_words() {
    let html = std::fs::read_to_string(site().file_for("/").unwrap()).unwrap();
    let intro = html.split("home__intro").nth(1).expect("the home page's introduction");
    let first_h2 = intro.find("<h2").expect("a heading in the introduction");
    assert!(
        intro[first_h2..].starts_with("<h2 id=\"in-brief\""),
        "the introduction does not open with the summary"
    );
    let p = intro[first_h2..]
        .split("<p")
        .nth(1)
        .and_then(|t| t.split("</p>").next())
        .expect("the summary paragraph");
    let text = strip_tags(&format!("<p{p}"));
    let words = text.split_whitespace().filter(|w| w.chars().any(|c| c.is_alphanumeric())).count();
    assert!((20..=50).contains(&words), "the summary has {words} words: {text}");
}

#[test]
fn the_comparison_table_has_row_headers_a_caption_and_no_empty_corner() {
    let html =
        std::fs::read_to_string(site().file_for("/proposal/two-approaches/").unwrap()).unwrap();
    let start = html.find("<table").expect("a table");
    let table = &html[start..start + html[start..].find("</table>").expect("a closed table")];
    let caption = table
        .split("<caption>")
        .nth(1)
        .and_then(|c| c.split("</caption>").next())
        .expect("a caption");
    assert!(strip_tags(caption).contains("two approaches"), "caption: {caption}");
    let body = table.split("<tbody>").nth(1).expect("a tbody");
    let rows: Vec<&str> = body.split("<tr>").skip(1).collect();
    assert!(rows.len() >= 6, "{} rows", rows.len());
    for row in &rows {
        assert!(
            row.trim_start().starts_with("<th scope=\"row\">"),
            "a row without a row header: {row}"
        );
    }
    let headers =
        table.split("<th scope=").skip(1).map(|c| c.split_once('>').map(|(_, r)| r).unwrap_or(""));
    for cell in headers.chain(table.split("<td>").skip(1)) {
        let inner = cell.split("</t").next().unwrap_or("");
        assert!(!strip_tags(inner).trim().is_empty(), "an empty cell in the comparison table");
    }
    let head =
        table.split("<thead>").nth(1).and_then(|t| t.split("</thead>").next()).expect("a thead");
    assert_eq!(head.matches("<th scope=\"col\">").count(), 3, "three column headers");
}

#[test]
fn permalinks_are_quiet_for_screen_readers_and_the_keyboard() {
    let mut problems = Vec::new();
    let mut headings = 0;
    for (url, _) in site().content_pages() {
        let Some(file) = site().file_for(url) else { continue };
        let html = std::fs::read_to_string(file).unwrap();
        for a in html.split("<a class=\"para-anchor\"").skip(1) {
            let tag = a.split('>').next().unwrap_or("");
            if !tag.contains("tabindex=\"-1\"") || !tag.contains("aria-hidden=\"true\"") {
                problems
                    .push(format!("{url}: a paragraph permalink in the tab order or read aloud"));
                break;
            }
        }
        for h in html.split("<h2 id=").chain(html.split("<h3 id=")).skip(1) {
            let Some(inner) = h.split("</h").next() else { continue };
            if inner.contains("heading-anchor") {
                headings += 1;
                if inner.contains("aria-label") || inner.contains(">#<") {
                    problems.push(format!("{url}: a heading permalink adds to the heading's name"));
                }
            }
        }
    }
    assert!(headings >= 50, "only {headings} headings link to themselves");
    report(&problems, "noisy permalinks");
}

#[test]
fn fidelity_the_essays_should_might_and_may_are_not_hardened() {
    let mut problems = Vec::new();
    for (rel, s) in all_sentences() {
        for wrong in [
            "should be worked out now",
            "would still aim to deter",
            "it would deter by keeping",
            "It would deter Russia instead",
            "foresees probing attacks",
            "usual success in persuading",
            "dismiss both in one sentence",
            "Nothing: no veto",
            "part of the force's work would be to reassure Moscow",
            "but that is \"decades off\"",
            "Kennan, Gorbachev and Burns",
            "in the authors' view, do past \"paper promises\" (¶ 7) or arming",
            "So the AASC should both deter",
        ] {
            if s.contains(wrong) {
                problems.push(format!("{rel}: {s}"));
            }
        }
    }
    report(&problems, "sentences that turn the essay's \"should\", \"might\" or \"may\" into \"would\" or a certainty");
    assert!(source("proposal/aasc.md").contains("the AASC should still try to deter Russia"));
    assert!(
        source("questions.md").contains("and Burns against Ukraine's entry in particular (¶ 6)")
    );
}

// ---------------------------------------------------------------------------------------------
// The theme's pagination (the microsite's own lists are short and not paginated)
// ---------------------------------------------------------------------------------------------

/// A copy of the microsite (site.yaml, content, theme) with `proposal/` paginated two a pager
/// and topic pages one a pager, built by the real binary; returns the output folder.
fn paginated_microsite() -> PathBuf {
    let root = repo_root();
    let copy =
        tempfile::Builder::new().prefix("charter-paged-").tempdir().expect("temp dir").keep();
    for dir in ["content", "themes"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.expect("walk the microsite");
            let rel = entry.path().strip_prefix(&root).expect("under the root");
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(copy.join(rel)).expect("create a folder");
            } else {
                std::fs::copy(entry.path(), copy.join(rel)).expect("copy a file");
            }
        }
    }
    let yaml = std::fs::read_to_string(root.join("site.yaml")).expect("read site.yaml");
    let yaml =
        yaml.replace("taxonomies: [topics]", "taxonomies: [{ name: topics, paginate_by: 1 }]");
    std::fs::write(copy.join("site.yaml"), yaml).expect("write site.yaml");
    let index = copy.join("content/proposal/_index.md");
    let text = std::fs::read_to_string(&index).expect("read the proposal's _index.md");
    std::fs::write(&index, text.replacen("title:", "paginate_by: 2\ntitle:", 1)).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("build")
        .arg("--root")
        .arg(&copy)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    copy.join("public")
}

#[test]
fn the_theme_paginates_sections_and_terms_with_accessible_navigation() {
    let out = paginated_microsite();
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).expect(rel);
    let second = read("proposal/page/2/index.html");
    assert!(second.contains("<nav class=\"pagination\" aria-label=\"Pagination\">"), "{second}");
    assert!(second.contains("<p class=\"pagination__status\">Page 2 of 3</p>"), "{second}");
    assert!(second.contains("<a href=\"/proposal/\" rel=\"prev\">Previous<span class=\"visually-hidden\"> page</span></a>"));
    assert!(second.contains("<a href=\"/proposal/page/3/\" rel=\"next\">Next"));
    assert!(second.contains(
        "<a class=\"pagination__number\" href=\"/proposal/page/2/\" aria-current=\"page\"><span class=\"visually-hidden\">Page </span>2</a>"
    ));
    assert_eq!(
        second.matches("aria-current=\"page\"").count(),
        3,
        "the pager, the breadcrumb and the language switcher's current language"
    );
    assert!(second.contains("<title>Page 2 of 3: The proposal | AASC</title>"), "{second}");
    assert!(second
        .contains("<link rel=\"canonical\" href=\"https://aasc.example.org/proposal/page/2/\">"));
    assert!(
        second.contains("<ol class=\"cards cards--numbered\" start=\"3\">"),
        "numbering goes on"
    );
    assert!(!second.contains(" style="), "no inline style (strict CSP)");
    let first = read("proposal/index.html");
    assert!(first.contains("<span class=\"pagination__edge\" aria-hidden=\"true\">Previous</span>"));
    assert!(first.contains("<link rel=\"canonical\" href=\"https://aasc.example.org/proposal/\">"));
    let term = read("topics/aasc/page/2/index.html");
    assert!(term.contains("aria-label=\"Pagination\""), "{term}");
    assert!(term.contains("pages on this topic."), "{term}");
    let css =
        std::fs::read_to_string(repo_root().join("themes/institute/static/css/institute.css"))
            .expect("read the theme's CSS");
    for rule in [".pagination__list a[aria-current=\"page\"]", ".pagination__list,"] {
        assert!(css.contains(rule), "the theme styles {rule}");
    }
}

#[test]
fn the_essay_guide_opens_with_key_takeaways_and_sets_apart_two_quotations() {
    let page = site().pages.get("/essay/").expect("the essay guide is built");
    let boxes: Vec<&Tag> =
        page.elements("section").filter(|t| t.attr("class") == Some("takeaways")).collect();
    assert_eq!(boxes.len(), 1, "one key takeaways box on the essay guide");
    assert_eq!(boxes[0].attr("aria-label"), Some("Key takeaways"));
    let quotes: Vec<&Tag> =
        page.elements("figure").filter(|t| t.attr("class") == Some("pullquote")).collect();
    assert_eq!(quotes.len(), 2, "two pull quotes on the essay guide");
    let source = source("essay.md");
    let calls: Vec<(String, String)> =
        blocks(&source).iter().filter_map(|b| pullquote(b)).collect();
    assert_eq!(calls.len(), 2, "the two pull quotes are component calls in essay.md");
    for (quote, pinpoint) in &calls {
        assert!(pinpoint.starts_with(" (¶ "), "the pull quote {quote:?} names its paragraph");
    }
}

// ---------------------------------------------------------------------------------------------
// The Ukrainian edition (issue 18)
// ---------------------------------------------------------------------------------------------

/// The pages the Ukrainian edition promises (issue 18): home, essay guide, proposal overview,
/// the AASC page and the glossary they link to, with the Ukrainian topic index.
const UKRAINIAN_PAGES: &[&str] =
    &["/uk/", "/uk/essay/", "/uk/proposal/", "/uk/proposal/aasc/", "/uk/glossary/", "/uk/topics/"];

/// The value of `<html lang>`.
fn html_lang(page: &Page) -> Option<&str> {
    page.elements("html").next().and_then(|t| t.attr("lang"))
}

/// `<link rel="alternate" hreflang>` of a page as (hreflang, root-relative path).
fn alternates(url: &str, page: &Page) -> Vec<(String, String)> {
    let site = site();
    page.elements("link")
        .filter(|l| l.rel_has("alternate"))
        .filter_map(|l| {
            let lang = l.attr("hreflang")?;
            let path = site.internal_path(url, l.attr("href")?)?;
            Some((lang.to_string(), path))
        })
        .collect()
}

/// What a screen reader announces and what a card or a search engine shows of a Ukrainian page
/// is Ukrainian: every accessible name and every article tag has Cyrillic letters, or is the
/// AASC's initials.
#[test]
fn the_ukrainian_edition_names_its_links_and_tags_in_ukrainian() {
    let site = site();
    let ukrainian =
        |text: &str| text == "AASC" || text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    let mut problems = Vec::new();
    let mut footnote_links = 0;
    for (url, page) in site.content_pages().filter(|(url, _)| url.starts_with("/uk/")) {
        for tag in &page.tags {
            if let Some(label) = tag.attr("aria-label") {
                footnote_links += usize::from(tag.attr("role") == Some("doc-backlink"));
                if !ukrainian(label) {
                    problems.push(format!("{url}: <{} aria-label={label:?}>", tag.name));
                }
            }
        }
        for tag in page.elements("meta").filter(|m| m.attr("property") == Some("article:tag")) {
            let name = tag.attr("content").unwrap_or_default();
            if !ukrainian(name) {
                problems.push(format!("{url}: article:tag {name:?}"));
            }
        }
    }
    report(&problems, "English names on Ukrainian pages");
    assert!(footnote_links > 0, "the Ukrainian pages' footnotes have back-links to check");
}

/// A guide page's structured data dates the page, never with the essay's date, which is when the
/// essay was filed (its `dateCreated`), not when anything was published.
#[test]
fn structured_data_never_dates_a_guide_page_with_the_essay() {
    let site = site();
    let mut problems = Vec::new();
    for (url, page) in site.content_pages() {
        for block in page.json_ld() {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(block) else { continue };
            for key in ["datePublished", "dateModified"] {
                if value
                    .get(key)
                    .and_then(|d| d.as_str())
                    .is_some_and(|d| d.starts_with("2023-03-21"))
                {
                    problems.push(format!("{url}: {key} is the essay's date"));
                }
            }
        }
    }
    report(&problems, "guide pages dated with the essay's date");
}

#[test]
fn the_ukrainian_edition_is_built_and_marked_ukrainian() {
    let site = site();
    let missing: Vec<String> = UKRAINIAN_PAGES
        .iter()
        .filter(|u| !site.pages.contains_key(**u))
        .map(|u| u.to_string())
        .collect();
    report(&missing, "Ukrainian pages are missing");
    assert!(site.out.join("uk/atom.xml").is_file(), "no Ukrainian feed at /uk/atom.xml");
    let mut problems = Vec::new();
    for (url, page) in site.content_pages() {
        let expected = if url.starts_with("/uk/") { "uk" } else { "en" };
        if html_lang(page) != Some(expected) {
            problems
                .push(format!("{url}: <html lang={:?}>, expected {expected:?}", html_lang(page)));
        }
    }
    report(&problems, "pages in the wrong language");
    let home = &site.pages["/uk/"];
    assert_eq!(
        home.title().as_deref(),
        Some("Атлантично-Азійська спільнота безпеки: путівник читача")
    );
    assert_eq!(home.meta("property", "og:locale"), Some("uk_UA"));
}

#[test]
fn translations_name_each_other_both_ways() {
    let site = site();
    let mut problems = Vec::new();
    let mut pairs = 0;
    for (url, page) in site.content_pages() {
        let alts = alternates(url, page);
        if alts.is_empty() {
            continue;
        }
        let own = if url.starts_with("/uk/") { "uk" } else { "en" };
        if !alts.iter().any(|(l, p)| l == own && p == url) {
            problems.push(format!("{url}: its alternates {alts:?} do not include itself"));
        }
        match alts.iter().find(|(l, _)| l == "x-default") {
            Some((_, p)) if !p.starts_with("/uk/") => {}
            other => problems.push(format!("{url}: x-default is {other:?}, not the English page")),
        }
        for (lang, path) in alts.iter().filter(|(l, p)| l != "x-default" && p != url) {
            pairs += 1;
            let Some(target) = site.pages.get(path) else {
                problems.push(format!("{url}: the {lang} alternate {path} does not exist"));
                continue;
            };
            if !alternates(path, target).iter().any(|(l, p)| l == own && p == url) {
                problems.push(format!("{url}: {path} does not name it back as its {own} version"));
            }
        }
    }
    for (en, uk) in
        [("/", "/uk/"), ("/essay/", "/uk/essay/"), ("/proposal/aasc/", "/uk/proposal/aasc/")]
    {
        if !alternates(en, &site.pages[en]).contains(&("uk".to_string(), uk.to_string())) {
            problems.push(format!("{en} does not name {uk} as its Ukrainian version"));
        }
    }
    assert!(pairs >= 10, "only {pairs} translation links found");
    report(&problems, "hreflang alternates that do not pair up");
}

#[test]
fn the_language_switcher_goes_to_the_translation_or_to_the_home() {
    let site = site();
    let mut problems = Vec::new();
    for (url, page) in site.content_pages() {
        if url == "/404.html" {
            continue;
        }
        let own = if url.starts_with("/uk/") { "uk" } else { "en" };
        let links: Vec<&Tag> = page.elements("a").filter(|a| a.has_attr("hreflang")).collect();
        let langs: Vec<&str> = links.iter().filter_map(|a| a.attr("hreflang")).collect();
        if langs != ["en", "uk"] {
            problems.push(format!("{url}: switcher links {langs:?}, expected [\"en\", \"uk\"]"));
            continue;
        }
        let alts = alternates(url, page);
        for a in links {
            let lang = a.attr("hreflang").unwrap_or_default();
            let href = site.internal_path(url, a.attr("href").unwrap_or_default());
            if a.attr("lang") != Some(lang) {
                problems.push(format!("{url}: the {lang} link has lang={:?}", a.attr("lang")));
            }
            let expected = if lang == own {
                url.clone()
            } else if let Some((_, p)) = alts.iter().find(|(l, _)| l == lang) {
                p.clone()
            } else if lang == "uk" {
                "/uk/".to_string()
            } else {
                "/".to_string()
            };
            if href.as_deref() != Some(expected.as_str()) {
                problems
                    .push(format!("{url}: the {lang} link goes to {href:?}, expected {expected}"));
            }
            if (lang == own) != a.has_attr("aria-current") {
                problems.push(format!("{url}: aria-current is on the wrong language link"));
            }
        }
    }
    report(&problems, "language switcher links");
}

/// `«…»` spans of a line, with what follows each.
fn guillemet_quotes(line: &str) -> Vec<(&str, &str, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = line[from..].find('«').map(|i| from + i) {
        let inner = open + '«'.len_utf8();
        let Some(close) = line[inner..].find('»').map(|i| inner + i) else { break };
        out.push((&line[..open], &line[inner..close], &line[close + '»'.len_utf8()..]));
        from = close;
    }
    out
}

#[test]
fn every_quotation_in_a_ukrainian_page_is_our_translation_with_the_original_beside_it() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (rel, body, _) in sources().into_iter().filter(|(r, _, _)| r.ends_with(".uk.md")) {
        // Footnote definitions: name -> text.
        let notes: BTreeMap<&str, &str> =
            body.lines().filter_map(|l| l.strip_prefix("[^")?.split_once("]: ")).collect();
        let mut passed = BTreeSet::new();
        let mut headings = Vec::new();
        for line in body.lines().filter(|l| !l.starts_with("[^")) {
            for (before, quote, after) in guillemet_quotes(line) {
                if line.starts_with('#') {
                    headings.push(quote.to_string());
                    continue;
                }
                checked += 1;
                // Either a footnote with our translation's mark and the English original …
                let note = after
                    .strip_prefix("[^")
                    .and_then(|a| a.split_once(']'))
                    .and_then(|(name, _)| notes.get(name));
                let noted = note.is_some_and(|n| {
                    n.starts_with("Переклад наш. Оригінал: <span lang=en>\"")
                        && n.contains("\" (¶ ")
                        && n.ends_with("</span>.")
                });
                // … or a translated name right after its English original.
                let beside = before.ends_with("</span> (");
                if noted || beside {
                    passed.insert(quote.to_string());
                } else {
                    problems.push(format!(
                        "{rel}: «{quote}» has no footnote with the English original"
                    ));
                }
            }
        }
        for h in headings {
            if !passed.contains(&h) {
                problems.push(format!(
                    "{rel}: the heading «{h}» is not given with its original on the page"
                ));
            }
        }
        for b in blocks(&body).iter().filter(|b| b.starts_with("{{ pullquote(")) {
            if !b.contains(" original=\"") || !b.contains("переклад наш") {
                problems.push(format!("{rel}: a pull quote without its original: {b}"));
            }
        }
    }
    assert!(checked >= 40, "only {checked} quotations in Ukrainian pages were checked");
    report(&problems, "quotations in Ukrainian pages not marked as our translation");
}

#[test]
fn ukrainian_quotations_show_the_english_original_in_the_page() {
    let page = site().pages.get("/uk/essay/").expect("the Ukrainian essay guide is built");
    let originals = page.elements("span").filter(|t| t.attr("lang") == Some("en")).count();
    assert!(originals >= 20, "only {originals} English originals on /uk/essay/");
    let pulls: Vec<&Tag> = page.elements("q").filter(|t| t.attr("lang") == Some("en")).collect();
    assert_eq!(pulls.len(), 2, "both pull quotes give their English original");
    let boxes: Vec<&Tag> =
        page.elements("section").filter(|t| t.attr("class") == Some("takeaways")).collect();
    assert_eq!(boxes.len(), 1);
    assert_eq!(boxes[0].attr("aria-label"), Some("Головне"), "the component speaks Ukrainian");
}

/// The theme's English interface strings (`themes/institute/i18n/en.yaml`), flattened; those with
/// placeholders left out.
fn english_interface_strings() -> Vec<(String, String)> {
    fn flatten(prefix: &str, value: &serde_yaml::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_yaml::Value::Mapping(map) => {
                for (k, v) in map {
                    let k = k.as_str().map(str::to_string).unwrap_or_else(|| format!("{k:?}"));
                    let key = if prefix.is_empty() { k } else { format!("{prefix}.{k}") };
                    flatten(&key, v, out);
                }
            }
            serde_yaml::Value::String(s) if !s.contains('{') => {
                out.push((prefix.to_string(), s.clone()))
            }
            _ => {}
        }
    }
    let path = repo_root().join("themes/institute/i18n/en.yaml");
    let text = std::fs::read_to_string(&path).expect("read the theme's en.yaml");
    let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("en.yaml parses");
    let mut out = Vec::new();
    flatten("", &value, &mut out);
    out
}

#[test]
fn ukrainian_pages_show_no_english_interface_string() {
    let site = site();
    let strings = english_interface_strings();
    assert!(strings.len() >= 40, "only {} strings read from en.yaml", strings.len());
    let mut problems = Vec::new();
    let mut checked = 0;
    for (url, _) in site.content_pages().filter(|(u, _)| u.starts_with("/uk/")) {
        let file = site.file_for(url).expect("a built page");
        let html = std::fs::read_to_string(&file).expect("read a built page");
        checked += 1;
        // Counted nouns ("page") and the plural rule's name are parts of phrases, never shown alone
        // ("page" is also the value of aria-current).
        for (key, text) in
            strings.iter().filter(|(k, _)| !k.starts_with("count.") && !k.starts_with("plural."))
        {
            // As an element's whole text or an attribute's whole value.
            let shown = [format!(">{text}<"), format!("\"{text}\"")];
            if shown.iter().any(|s| html.contains(s.as_str())) {
                problems.push(format!("{url}: `{key}` is in English ({text:?})"));
            }
        }
    }
    assert!(checked >= 7, "only {checked} Ukrainian pages");
    report(&problems, "English interface strings on Ukrainian pages");
}
