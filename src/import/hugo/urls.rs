//! The URLs Hugo publishes: a page's URL (`url`, `slug`, `permalinks`, ugly URLs), urlized paths,
//! term slugs, aliases, and pagers and what Hugo's last build left at a URL.

use super::config::HugoConfig;
use super::stem;
use crate::import::dates::SourceDate;
use crate::import::place::Placement;
use crate::import::report::{Note, NoteKind};
use crate::import::{source_file, Doc, DocKind, Imported};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Hugo's `urlize` of a path: lower case, spaces to `-`, characters that are not letters, digits
/// or `-_./~+` dropped.
pub(super) fn urlize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' {
            out.push('-');
        } else if matches!(c, '_' | '.' | '/' | '~' | '+') {
            out.push(c);
        }
    }
    out
}

/// The URL path Hugo gives a content file's folders and name (its path parser lower-cases them and
/// turns each space into `-`, then `paths.Sanitize` drops what is not kept): `C# notes` is
/// `c#-notes`, `me@home` stays, `C++ & Rust` is `c++--rust`, `Q&A` is `qa`, `Café Crème` is
/// `café-crème` (found by building a site with such file names).
pub(super) fn hugo_path(s: &str) -> String {
    hugo_term_slug(s)
}

/// Whether a URL from front matter can be a static path: one with a query string (`/?p=443`) or
/// a fragment cannot (Hugo writes it as a folder literally named `?p=443`, which no request for
/// `/?p=443` reaches).
pub(super) fn servable(url: &str) -> bool {
    !url.contains(['?', '#'])
}

/// Urlizes the folders of a path and keeps the file name as it is.
pub(super) fn urlize_path(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, file)) => format!("{}/{}", hugo_path(dir), file),
        None => rel.to_string(),
    }
}

/// Aliases as root-relative paths: a relative one is relative to the page's folder.
pub(super) fn aliases_from_page_folder(aliases: &[String], page_url: &str) -> Vec<String> {
    let parent = match page_url.trim_end_matches('/').rsplit_once('/') {
        Some((p, _)) => format!("{p}/"),
        None => "/".into(),
    };
    aliases
        .iter()
        .map(|a| if a.starts_with('/') { a.clone() } else { format!("{parent}{a}") })
        .collect()
}

/// The URL Hugo publishes a regular page at.
pub(super) fn page_url(
    config: &HugoConfig,
    dir: &str,
    base_name: &str,
    title: &str,
    slug: Option<&str>,
    url: Option<&str>,
    date: Option<SourceDate>,
) -> String {
    if let Some(u) = url {
        let u = u.trim();
        let u = if u.starts_with('/') { u.to_string() } else { format!("/{u}") };
        return u;
    }
    let section = dir.split('/').next().unwrap_or("");
    let ugly = config.ugly_urls || config.ugly_url_sections.iter().any(|s| s == section);
    if let Some(pattern) = config.permalinks.get(section).filter(|_| !section.is_empty()) {
        let out = crate::import::expand_permalink(pattern, |token| match token {
            "year" => date.map(|d| format!("{:04}", d.year())),
            "month" => date.map(|d| format!("{:02}", d.month())),
            "monthname" => date.map(|d| urlize(&d.date.format("%B").to_string())),
            "day" => date.map(|d| format!("{:02}", d.day())),
            "weekday" => date.map(|d| d.date.format("%w").to_string()),
            "weekdayname" => date.map(|d| urlize(&d.date.format("%A").to_string())),
            "yearday" => date.map(|d| d.date.format("%-j").to_string()),
            "section" => Some(urlize(section)),
            "sections" => Some(urlize(dir)),
            "title" => Some(urlize(title)),
            "slug" => Some(urlize(slug.unwrap_or(title))),
            "filename" | "contentbasename" => Some(urlize(base_name)),
            "slugorfilename" | "slugorcontentbasename" => Some(urlize(slug.unwrap_or(base_name))),
            _ => None,
        });
        let mut out = if out.starts_with('/') { out } else { format!("/{out}") };
        if !out.ends_with('/') && !out.rsplit('/').next().unwrap_or("").contains('.') {
            out.push('/');
        }
        // Ugly: `/2014/11/18/x/` is `/2014/11/18/x.html`.
        if ugly && out.len() > 1 && out.ends_with('/') {
            out.pop();
            out.push_str(".html");
        }
        return out;
    }
    let name = match slug {
        Some(slug) => urlize(slug),
        None => hugo_path(base_name),
    };
    let prefix = if dir.is_empty() { "/".to_string() } else { format!("/{}/", hugo_path(dir)) };
    if ugly {
        format!("{prefix}{name}.html")
    } else {
        format!("{prefix}{name}/")
    }
}

/// Hugo's `paths.Sanitize` (common/paths/path.go), the core of its path and URL rules: letters,
/// digits, Unicode marks, `./\_#+~-@` and `%XX` escapes are kept; a run of white space after
/// something kept (and not after `-`) becomes one `-` before the next kept character; every other
/// character is dropped.
pub(super) fn hugo_sanitize(s: &str) -> String {
    let allowed = |i: usize, c: char| -> bool {
        if c == ' ' {
            return false;
        }
        let hex = |j: usize| s.as_bytes().get(j).is_some_and(u8::is_ascii_hexdigit);
        c.is_alphabetic()
            || c.is_numeric()
            || matches!(c, '.' | '/' | '\\' | '_' | '#' | '+' | '~' | '-' | '@')
            || is_mark(c)
            || (c == '%' && hex(i + 1) && hex(i + 2))
    };
    let mut out = String::with_capacity(s.len());
    let (mut prepend_hyphen, mut was_hyphen) = (false, false);
    for (i, c) in s.char_indices() {
        if allowed(i, c) {
            was_hyphen = c == '-';
            if prepend_hyphen {
                if !was_hyphen {
                    out.push('-');
                }
                prepend_hyphen = false;
            }
            out.push(c);
        } else if !out.is_empty() && !was_hyphen && c.is_whitespace() {
            prepend_hyphen = true;
        }
    }
    out
}

/// Unicode marks (combining accents), which Hugo keeps in paths: the combining blocks.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The path segment Hugo publishes a taxonomy or term at: its path parser lower-cases the name
/// and turns each space into `-` (`NormalizePathStringBasic`), then the page path is sanitized
/// (`MakePathSanitized`). So `Video & Sound` is `video--sound`, `Let's Encrypt` `lets-encrypt`,
/// `C++` `c++`, `CI/CD` `ci/cd`.
pub(super) fn hugo_term_slug(term: &str) -> String {
    hugo_sanitize(&term.to_lowercase().replace(' ', "-")).to_lowercase()
}

/// Notes every term whose Hugo URL differs from the one Charter publishes it at. Charter has no
/// redirects for term pages, so the old URL needs a server rule.
pub(super) fn term_slug_notes(docs: &[Doc], taxonomies: &[String], notes: &mut Vec<Note>) {
    let mut seen = BTreeSet::new();
    for d in docs {
        for t in taxonomies {
            let Some(Value::Array(terms)) = d.front.get(t) else { continue };
            for term in terms.iter().filter_map(Value::as_str).filter(|term| !term.is_empty()) {
                // As a browser asks for it: `#` would start a fragment.
                let hugo =
                    format!("/{}/{}/", hugo_term_slug(t), hugo_term_slug(term)).replace('#', "%23");
                let charter_taxonomy = match crate::text::slugify(t) {
                    s if s.is_empty() => t.clone(),
                    s => s,
                };
                let charter = format!("/{charter_taxonomy}/{}/", crate::content::term_slug(term));
                if hugo != charter && seen.insert((t.clone(), term.to_string())) {
                    notes.push(Note::new(
                        NoteKind::UrlNotKept,
                        &d.source,
                        None,
                        format!(
                            "{t} term \"{term}\": Hugo published it at {hugo}, Charter publishes it at {charter}; Charter has no redirects for term pages, so to keep the old URL add a redirect rule on the web server from {hugo} to {charter}"
                        ),
                    ));
                }
            }
        }
    }
}

/// Redirects for the pagers Hugo wrote beyond the ones Charter writes: a Hugo section lists its
/// regular pages and its subsections (`.Pages`), and pages placed by `url` count in the folder of
/// their file, while a Charter section lists the pages placed in its own folder (not those of its
/// subfolders, which are sections of their own even without `_index.md`). Each pager Hugo had
/// and Charter has not becomes a redirect to Charter's last pager of that list.
pub(crate) fn pager_redirects(imported: &Imported, placed: &Placement) -> Vec<(String, String)> {
    let Some((by, path)) = &imported.config.pagination else { return Vec::new() };
    let by = (*by).max(1) as usize;
    let parent = |p: &str| p.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default();
    let nearest = |mut dir: String, sections: &BTreeSet<String>| loop {
        if sections.contains(&dir) || dir.is_empty() {
            return dir;
        }
        dir = parent(&dir);
    };
    let docs = &imported.docs;
    let hugo_sections: BTreeSet<String> =
        docs.iter().filter(|d| d.kind == DocKind::Section).map(|d| parent(&d.link_key)).collect();
    let mut hugo_count: HashMap<String, usize> = HashMap::new();
    for d in docs.iter().filter(|d| d.published) {
        if d.kind == DocKind::Home {
            continue;
        }
        // A section counts in its parent's list, and so does a leaf bundle (`x/index.md`).
        let mut dir = parent(&d.link_key);
        if d.kind == DocKind::Section || stem(Path::new(&d.link_key)) == "index" {
            dir = parent(&dir);
        }
        *hugo_count.entry(nearest(dir, &hugo_sections)).or_default() += 1;
    }
    // Every content folder is a section in Charter (one without `_index.md` has no list page).
    let mut charter_count: HashMap<String, usize> = HashMap::new();
    for (d, p) in docs.iter().zip(&placed.places) {
        if d.published && !p.outside_site && !p.content_path.ends_with("_index.md") {
            let mut dir = parent(&p.content_path);
            if p.content_path.ends_with("/index.md") {
                dir = parent(&dir);
            }
            *charter_count.entry(dir).or_default() += 1;
        }
    }
    let pagers = |n: usize| n.div_ceil(by).max(1);
    let mut out = Vec::new();
    for (d, p) in docs.iter().zip(&placed.places) {
        if d.kind != DocKind::Section || p.outside_site {
            continue;
        }
        let hugo = pagers(hugo_count.get(&parent(&d.link_key)).copied().unwrap_or(0));
        let charter = pagers(charter_count.get(&parent(&p.content_path)).copied().unwrap_or(0));
        let last = if charter == 1 { p.url.clone() } else { format!("{}{path}/{charter}/", p.url) };
        for n in charter + 1..=hugo {
            out.push((format!("{}{path}/{n}/", p.url), last.clone()));
        }
    }
    out
}

/// What Hugo left at `url`, a URL both a page and an alias claim: read from the site's last
/// build in `public/` when it is there, else what Hugo 0.168 does (found by building sites where
/// an alias names a page, a section and a term, several times over).
pub(crate) fn what_hugo_wrote_at(root: &Path, url: &str) -> String {
    let rel = url.trim_start_matches('/');
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("public/{rel}index.html")
    } else {
        format!("public/{rel}")
    };
    let built = source_file(root, &file).ok().and_then(|p| std::fs::read_to_string(p).ok());
    match built {
        Some(html) if html.contains("http-equiv=\"refresh\"") => format!(
            "Hugo's last build in `{file}` holds the redirect: Hugo wrote it over the page, which the new site serves again."
        ),
        Some(_) => format!("Hugo's last build in `{file}` holds the page, as the new site does."),
        None => "Hugo 0.168 writes the page and the redirect to that file at the same time, so which one a build keeps varies from build to build (in our trials, sometimes the page, sometimes the redirect over it): check the live URL.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::dates;
    use serde_json::Map;

    fn cfg() -> HugoConfig {
        HugoConfig { content_dir: "content".into(), ..Default::default() }
    }

    #[test]
    fn what_hugo_left_at_a_url_is_read_from_its_last_build_when_there() {
        let tmp = tempfile::tempdir().unwrap();
        let redirect = "<meta http-equiv=\"refresh\" content=\"0; url=/a/\">";
        std::fs::create_dir_all(tmp.path().join("public/posts")).unwrap();
        std::fs::write(tmp.path().join("public/posts/index.html"), redirect).unwrap();
        std::fs::create_dir_all(tmp.path().join("public/b")).unwrap();
        std::fs::write(tmp.path().join("public/b/index.html"), "<h1>B</h1>").unwrap();
        let said = what_hugo_wrote_at(tmp.path(), "/posts/");
        assert!(said.contains("`public/posts/index.html` holds the redirect"), "{said}");
        let said = what_hugo_wrote_at(tmp.path(), "/b/");
        assert!(said.contains("`public/b/index.html` holds the page"), "{said}");
        let said = what_hugo_wrote_at(tmp.path(), "/c/");
        assert!(said.contains("varies from build to build"), "{said}");
    }

    #[test]
    fn file_names_become_the_paths_hugo_publishes() {
        // Each pair: a file or folder name, and the folder Hugo 0.168 wrote for it.
        for (name, hugo) in [
            ("Hello World", "hello-world"),
            ("C# notes", "c#-notes"),
            ("me@home", "me@home"),
            ("Café Crème", "café-crème"),
            ("C++ & Rust", "c++--rust"),
            ("Q&A", "qa"),
            ("100% sure", "100-sure"),
            ("a_b.c", "a_b.c"),
            ("Ünïcode—dash", "ünïcodedash"),
            ("tab\tx", "tab-x"),
            ("x  y", "x--y"),
            ("Sub Dir É&+/Page One", "sub-dir-é+/page-one"),
        ] {
            assert_eq!(hugo_path(name), hugo, "{name}");
        }
    }

    #[test]
    fn urlize_matches_hugo() {
        assert_eq!(urlize("My Page"), "my-page");
        assert_eq!(urlize("Perm Title é!"), "perm-title-é");
        assert_eq!(urlize("Foo Bar"), "foo-bar");
    }

    #[test]
    fn term_slugs_are_the_ones_hugo_publishes() {
        // Each pair as Hugo 0.168 wrote the term's folder (tags/<slug>/index.html).
        for (term, hugo) in [
            ("Let's Encrypt", "lets-encrypt"),
            ("Video & Sound", "video--sound"),
            ("#hash", "#hash"),
            ("--x--", "--x--"),
            ("50% off", "50-off"),
            ("a  b", "a--b"),
            ("a.b", "a.b"),
            ("x_y", "x_y"),
            ("a@b!c$d*e", "a@bcde"),
            ("a,b;c=d", "abcd"),
            ("a:b", "ab"),
            ("Tab\tX", "tab-x"),
            ("dots...", "dots..."),
            ("Emoji 💖 here", "emoji--here"),
            ("(paren)", "paren"),
            ("Ünïcode Ω", "ünïcode-ω"),
            ("C++", "c++"),
            ("CI/CD", "ci/cd"),
            ("Foo Bar", "foo-bar"),
        ] {
            assert_eq!(hugo_term_slug(term), hugo, "{term}");
        }
        assert_eq!(hugo_sanitize("a%20b%zz"), "a%20bzz");
        assert_eq!(hugo_sanitize("\tlead and\u{a0}\u{a0}trail\t"), "lead-and-trail");
    }

    #[test]
    fn terms_are_noted_when_charter_s_url_differs_from_hugo_s() {
        let mut front = Map::new();
        front.insert(
            "tags".into(),
            serde_json::json!([
                "Let's Encrypt",
                "Video & Sound",
                "#hash",
                "Foo Bar",
                "security",
                "C++"
            ]),
        );
        let doc = Doc { front, ..Doc::new("content/p.md", "p.md", DocKind::Page, "/p/") };
        let mut notes = Vec::new();
        term_slug_notes(&[doc], &["tags".to_string()], &mut notes);
        let text: Vec<&str> = notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes.len(), 4, "{text:#?}");
        assert!(text.iter().any(|m| m.contains("Hugo published it at /tags/lets-encrypt/, Charter publishes it at /tags/let-s-encrypt/")), "{text:#?}");
        assert!(
            text.iter()
                .any(|m| m
                    .contains("/tags/video--sound/, Charter publishes it at /tags/video-sound/")),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|m| m.contains("/tags/%23hash/, Charter publishes it at /tags/hash/")),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|m| m.contains("/tags/c++/, Charter publishes it at /tags/c/")),
            "{text:#?}"
        );
        assert!(notes.iter().all(|n| n.kind == NoteKind::UrlNotKept));
    }

    #[test]
    fn page_urls_follow_hugo_rules() {
        let c = cfg();
        assert_eq!(page_url(&c, "posts", "My Page", "T", None, None, None), "/posts/my-page/");
        assert_eq!(page_url(&c, "posts", "x", "T", Some("a/b"), None, None), "/posts/a/b/");
        assert_eq!(
            page_url(&c, "posts", "x", "T", Some("Hello World"), None, None),
            "/posts/hello-world/"
        );
        assert_eq!(page_url(&c, "posts", "x", "T", None, Some("/about-us/"), None), "/about-us/");
        assert_eq!(page_url(&c, "", "about", "T", None, None, None), "/about/");
    }

    #[test]
    fn permalink_patterns_and_ugly_urls() {
        let mut c = cfg();
        c.permalinks.insert("docs".into(), "/:year/:month/:title/".into());
        let d = dates::parse("2021-03-04").unwrap();
        assert_eq!(
            page_url(&c, "docs", "perm", "Perm Title é!", None, None, Some(d)),
            "/2021/03/perm-title-é/"
        );
        assert_eq!(page_url(&c, "posts", "x", "T", None, None, Some(d)), "/posts/x/");
        // Per section, as letsencrypt.org's `[uglyURLs] post = true` (Hugo 0.168 published its
        // posts at /2014/11/18/announcing-lets-encrypt.html).
        c.ugly_url_sections = vec!["post".into()];
        c.permalinks.insert("post".into(), "/:year/:month/:day/:slug/".into());
        assert_eq!(
            page_url(&c, "post", "x", "T", Some("Announcing"), None, Some(d)),
            "/2021/03/04/announcing.html"
        );
        assert_eq!(page_url(&c, "posts", "x", "T", None, None, None), "/posts/x/");
        c.ugly_urls = true;
        assert_eq!(page_url(&c, "posts", "x", "T", None, None, None), "/posts/x.html");
        assert_eq!(page_url(&c, "docs", "p", "T", None, None, Some(d)), "/2021/03/t.html");
    }
}
