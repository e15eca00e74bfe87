//! `charter check`: the lints a build does not run, on top of everything a build validates, and
//! the three report formats (`human`, `json`, `github`).
//!
//! Findings and their severity:
//!
//! | code | finding | severity |
//! |---|---|---|
//! | `description` | a page or section without `description` | warning |
//! | `alt-text` | an image without alt text (`![](x.png)`, `<img>` without `alt`) | error |
//! | `heading-level` | a heading that skips a level (the page title is the `h1`) | warning |
//! | `orphan` | a page no other page links to (in the rendered site; the home page excepted) | warning |
//! | `external-link` | a malformed external link (`www.x.org`, `http//x.org`, `htps://`, no host) | error |
//! | `broken-link` | a link to a URL of this site that nothing publishes (a draft, a removed page) | warning |
//! | `untranslated` | on a multilingual site, a page or section with no version in some language | info |
//!
//! Every finding names the file (relative to the site root) and the line. Rendering, output
//! writing and the report printing stay elsewhere: [`check`] loads and renders (through [`run`]),
//! the CLI prints.

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::content::load::Document;
use crate::error::{Diagnostic, Diagnostics};
use crate::render::values::Urls;
use crate::render::Output;
use crate::site::Site;

/// Everything a build checks, writing nothing.
pub fn check(options: crate::options::BuildOptions) -> Result<Diagnostics, Diagnostics> {
    // A commit a killed run left half done is finished first: `check` never reports over a mix.
    drop(crate::output::open_existing(&options.output_dir()).map_err(Diagnostics::from)?);
    let site = Site::load(options)?;
    let outputs = site.outputs();
    let mut diagnostics = site.warnings.clone();
    if let Err(clashes) = site.plan(&outputs) {
        diagnostics.extend(clashes.0);
    }
    // Renders every output (its errors are the build's) and runs the lints of `check`.
    diagnostics.extend(run(&site, &outputs).0);
    diagnostics.sort();
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(diagnostics)
    }
}

/// How `charter check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Coloured text on stderr, with the offending line and a hint.
    #[default]
    Human,
    /// One JSON document on stdout: `{"errors": n, "warnings": n, "findings": [...]}`.
    Json,
    /// GitHub Actions workflow commands on stdout: `::error file=…,line=…,title=…::message`.
    Github,
}

/// Renders every output (to find the links between pages) and runs the lints. Returns render
/// errors and findings together.
pub fn run(site: &Site, outputs: &[Output]) -> Diagnostics {
    let input = site.render_input();
    // Each output's page URL and the links in it (None for outputs that are not pages).
    type PageLinks = Option<(String, Vec<String>)>;
    let results: Vec<Result<PageLinks, Diagnostic>> = outputs
        .par_iter()
        .map(|o| {
            let bytes = input.render(o)?;
            Ok(source_url(site, o)
                .map(|url| (url, hrefs_in_html(&String::from_utf8_lossy(&bytes)))))
        })
        .collect();
    let mut diagnostics = Diagnostics::new();
    let mut links = Vec::new();
    for r in results {
        match r {
            Ok(Some(l)) => links.push(l),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    diagnostics.extend(lint(site, &links).0);
    diagnostics.extend(broken_links(site, outputs, &links));
    diagnostics.sort();
    diagnostics
}

/// Links in rendered pages to a URL of this site that no output, static file or content asset
/// answers: a draft's URL, a page that was removed (an imported site keeps such links as the
/// source site rendered them). Each is named once per page, at the first line of the source file
/// that holds the link.
fn broken_links(
    site: &Site,
    outputs: &[Output],
    links: &[(String, Vec<String>)],
) -> Vec<Diagnostic> {
    let config = &site.config;
    let lib = &site.library;
    let base = config.base_path().trim_end_matches('/').to_string();
    let url_of_file = |rel: &str| -> String {
        match rel.strip_suffix("index.html") {
            Some(dir) => format!("{base}/{dir}"),
            None => format!("{base}/{rel}"),
        }
    };
    let mut served: HashSet<String> =
        outputs.iter().map(|o| url_of_file(&crate::render::output_path(o, lib, config))).collect();
    served.extend(site.files_to_copy().iter().map(|(rel, _)| url_of_file(rel)));
    let urls = Urls { config };
    let docs: std::collections::HashMap<String, &Document> = lib
        .pages
        .iter()
        .map(|p| (urls.path(&p.path), &p.doc))
        .chain(lib.sections.iter().filter(|s| !s.implicit).map(|s| (urls.path(&s.path), &s.doc)))
        .collect();
    let origin = config.origin();
    let mut out = Vec::new();
    for (source, hrefs) in links {
        let Some(doc) = docs.get(source) else { continue };
        let mut named = HashSet::new();
        for href in hrefs {
            // A malformed external link is the `external-link` finding, not this one.
            if malformed_external(href).is_some() {
                continue;
            }
            let Some(target) = resolve_href(source, href, origin) else { continue };
            if served.contains(&target) || !named.insert(target.clone()) {
                continue;
            }
            let text =
                std::fs::read_to_string(site.options.root.join(&doc.file)).unwrap_or_default();
            let bare = href.split(['#', '?']).next().unwrap_or(href);
            let line = text.lines().position(|l| l.contains(bare)).map(|i| i + 1).unwrap_or(1);
            out.push(
                Diagnostic::warning(
                    "broken-link",
                    format!("the link `{href}` leads nowhere: nothing in the site is published at {target}"),
                )
                .in_file(&doc.file)
                .at(Some(line), None)
                .hint("link to a published page (`[text](@/path/to/page.md)`), publish the page it names, or remove the link"),
            );
        }
    }
    out
}

/// The URL path of an HTML output whose links count for orphans (pages, sections and their
/// pagers, taxonomy pages, the 404 page; not alias redirects, feeds or the sitemap).
fn source_url(site: &Site, output: &Output) -> Option<String> {
    let urls = Urls { config: &site.config };
    let lib = &site.library;
    Some(match output {
        Output::Page(p) => urls.path(&lib.pages[*p].path),
        Output::Section(s) => urls.path(&lib.sections[*s].path),
        Output::TaxonomyList(t) => urls.path(&lib.taxonomies[*t].path),
        Output::Term(t, i) => urls.path(&lib.taxonomies[*t].terms[*i].path),
        Output::Pager { list, number } => match list.pagination(lib, &site.config) {
            Some(p) => {
                urls.path(&crate::render::pagination::pager_path(list.path(lib), &p, *number))
            }
            None => return None,
        },
        Output::NotFound => format!("{}/404.html", site.config.base_path().trim_end_matches('/')),
        _ => return None,
    })
}

/// The lints, given the links of every rendered HTML output (`(its URL path, hrefs)`).
pub fn lint(site: &Site, links: &[(String, Vec<String>)]) -> Diagnostics {
    let lib = &site.library;
    let docs: Vec<&Document> = lib
        .pages
        .iter()
        .map(|p| &p.doc)
        .chain(lib.sections.iter().filter(|s| !s.implicit).map(|s| &s.doc))
        .collect();
    let found: Vec<Diagnostic> = {
        let files = site.files();
        docs.par_iter().flat_map_iter(|doc| lint_document(site, &files, doc)).collect()
    };
    let mut diagnostics = Diagnostics(found);
    diagnostics.extend(orphans(site, links));
    diagnostics.extend(untranslated(site));
    diagnostics.sort();
    diagnostics
}

/// On a multilingual site, each page and section (with a file of its own) that has no version
/// in some of the site's languages: information, as a translation may come later or never.
fn untranslated(site: &Site) -> Vec<Diagnostic> {
    let lib = &site.library;
    if lib.languages.len() < 2 {
        return Vec::new();
    }
    let versions = lib
        .pages
        .iter()
        .map(|p| (&p.doc, p.translations.iter().map(|&t| lib.pages[t].doc.lang.as_str()).collect()))
        .chain(lib.sections.iter().filter(|s| !s.implicit).map(|s| {
            (&s.doc, s.translations.iter().map(|&t| lib.sections[t].doc.lang.as_str()).collect())
        }));
    let mut found = Vec::new();
    for (doc, langs) in versions {
        let langs: Vec<&str> = langs;
        let missing_codes: Vec<&String> = lib
            .languages
            .iter()
            .filter(|code| **code != doc.lang && !langs.contains(&code.as_str()))
            .collect();
        let missing: Vec<String> = missing_codes
            .iter()
            .map(|&code| match site.config.language_settings(code) {
                Some(l) if l.name != *code => format!("{code} ({})", l.name),
                _ => code.clone(),
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let key = doc.translation_key();
        let example = match (key.strip_suffix(".md"), missing_codes.first()) {
            (Some(stem), Some(code)) if doc.lang == lib.languages[0] => {
                format!("; a translation is a file beside it, e.g. content/{stem}.{code}.md")
            }
            _ => String::new(),
        };
        found.push(
            Diagnostic::info("untranslated", format!("no translation into {}", missing.join(", ")))
                .in_file(&doc.file)
                .hint(format!(
                    "nothing to do unless the page should exist in those languages{example}"
                )),
        );
    }
    found
}

/// The lines of the file's front matter, to point at `title:` for a missing description.
fn title_line(site: &Site, doc: &Document) -> usize {
    let Ok(text) = std::fs::read_to_string(site.options.root.join(&doc.file)) else { return 1 };
    text.lines()
        .take(doc.body_first_line.saturating_sub(1).max(1))
        .position(|l| l.trim_start().starts_with("title:"))
        .map(|i| i + 1)
        .unwrap_or(1)
}

fn lint_document(
    site: &Site,
    files: &crate::site_files::SiteFiles,
    doc: &Document,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if doc.front.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
        out.push(
            Diagnostic::warning("description", "the page has no description (search results and link previews show it)")
                .in_file(&doc.file)
                .at(Some(title_line(site, doc)), None)
                .hint("add `description: \"One or two sentences on what this page says.\"` to the front matter"),
        );
    }
    match crate::content::load::body_of(files, doc) {
        Ok(body) => lint_body(&body, doc.body_first_line, &mut |line, d: Diagnostic| {
            out.push(d.in_file(&doc.file).at(Some(line), None))
        }),
        Err(d) => out.push(d),
    }
    out
}

/// Runs the body lints over a Markdown body starting at file line `first_line`; reports each
/// finding with its line.
pub fn lint_body(body: &str, first_line: usize, report: &mut dyn FnMut(usize, Diagnostic)) {
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(body.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| match line_starts.binary_search(&offset) {
        Ok(i) => i + first_line,
        Err(i) => i.saturating_sub(1) + first_line,
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut previous_level = 1u8;
    let mut image: Option<(String, String, usize)> = None;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if let (Some((_, alt, _)), Event::Text(t) | Event::Code(t)) = (image.as_mut(), &event) {
            alt.push_str(t);
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = level as u8;
                if level > previous_level + 1 {
                    report(
                        line_of(range.start),
                        Diagnostic::warning(
                            "heading-level",
                            format!("the heading skips a level: h{level} after h{previous_level}"),
                        )
                        .hint(format!(
                            "use a level-{} heading ({}) here, or add the missing level above",
                            previous_level + 1,
                            "#".repeat(usize::from(previous_level) + 1)
                        )),
                    );
                }
                previous_level = level;
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((dest_url.to_string(), String::new(), line_of(range.start)))
            }
            Event::End(TagEnd::Image) => {
                if let Some((src, alt, line)) = image.take() {
                    if alt.trim().is_empty() {
                        report(
                            line,
                            Diagnostic::error("alt-text", format!("the image `{src}` has no alt text"))
                                .hint("describe the image for readers who cannot see it: `![What the image shows](…)`"),
                        );
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(why) = malformed_external(&dest_url) {
                    report(line_of(range.start), link_error(&dest_url, &why));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let start_line = line_of(range.start);
                for tag in start_tags(&html) {
                    let line = start_line
                        + html.get(..tag.offset).unwrap_or_default().matches('\n').count();
                    if tag.img_without_alt {
                        let src = tag.src.as_deref().unwrap_or_default();
                        report(
                            line,
                            Diagnostic::error("alt-text", format!("the image `{src}` has no alt attribute"))
                                .hint("add alt=\"what the image shows\" (or alt=\"\" for a purely decorative image)"),
                        );
                    }
                    for url in [&tag.href, &tag.src].into_iter().flatten() {
                        if let Some(why) = malformed_external(url) {
                            report(line, link_error(url, &why));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn link_error(url: &str, why: &str) -> Diagnostic {
    Diagnostic::error("external-link", format!("the link `{url}` is malformed: {why}"))
        .hint("write external links in full, e.g. `https://www.example.org/page`; link to pages of this site with `@/path/to/page.md`")
}

/// Why an external link is malformed, or `None` when it is well-formed or not external
/// (`@/` links, anchors, root-relative and relative paths are the build's business).
pub fn malformed_external(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty()
        || url.starts_with("@/")
        || url.starts_with('#')
        || url.starts_with("./")
        || url.starts_with("../")
        || url.starts_with('?')
    {
        return None;
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("www.") {
        return Some(
            "it has no scheme, so browsers treat it as a path on this site; add `https://`".into(),
        );
    }
    if let Some(rest) = url.strip_prefix("//") {
        return check_authority(rest);
    }
    let scheme_end = url.find(':');
    let scheme = scheme_end.map(|i| &lower[..i]).filter(|s| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    let Some(scheme) = scheme else {
        // No scheme: a relative path, unless it is an attempt at one (`http//x.org`, `https;//x`).
        for attempt in ["https", "http"] {
            if let Some(rest) = lower.strip_prefix(attempt) {
                if rest.starts_with("//")
                    || rest.starts_with(";//")
                    || rest.starts_with(":")
                    || rest.starts_with("/")
                {
                    return Some(format!("`{attempt}` must be followed by `://`"));
                }
            }
        }
        return None;
    };
    let rest = &url[scheme.len() + 1..];
    match scheme {
        "http" | "https" | "ftp" | "ftps" => {
            if url.chars().any(char::is_whitespace) {
                return Some("it contains a space; write it as %20".into());
            }
            match rest.strip_prefix("//") {
                Some(authority) => check_authority(authority),
                None => Some(format!("`{scheme}:` must be followed by `//`")),
            }
        }
        "mailto" => {
            let address = rest.split('?').next().unwrap_or_default();
            if address.contains('@') && !address.contains(char::is_whitespace) {
                None
            } else {
                Some("a `mailto:` link needs an address like `mailto:name@example.org`".into())
            }
        }
        "tel" | "sms" | "data" | "javascript" | "irc" | "ircs" | "news" | "xmpp" | "geo"
        | "magnet" | "urn" | "doi" | "file" => None,
        other => {
            let near = ["http", "https"]
                .into_iter()
                .find(|w| strsim::levenshtein(other, w) <= 2 && other != *w);
            near.map(|w| {
                format!("the scheme `{other}:` is not a known scheme; did you mean `{w}:`?")
            })
        }
    }
}

/// Checks `host[:port]/rest` after `//`.
fn check_authority(rest: &str) -> Option<String> {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    if host_port.is_empty() {
        return Some("it has no host name".into());
    }
    if host_port.starts_with('[') {
        return if host_port.contains(']') {
            None
        } else {
            Some("the IPv6 address is not closed with `]`".into())
        };
    }
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host_port, None),
    };
    if let Some(port) = port {
        if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) || port.len() > 5 {
            return Some(format!("the port `{port}` is not a number"));
        }
    }
    if host.is_empty() {
        return Some("it has no host name".into());
    }
    if let Some(bad) = host
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '.' || *c == '%' || *c == '_'))
    {
        return Some(format!("the host name `{host}` contains `{bad}`"));
    }
    if host.starts_with('.') || host.ends_with("..") || host.contains("..") || host.starts_with('-')
    {
        return Some(format!("the host name `{host}` is not valid"));
    }
    if !host.contains('.') && !host.eq_ignore_ascii_case("localhost") {
        return Some(format!("the host name `{host}` has no domain (e.g. `{host}.org`)"));
    }
    None
}

/// Pages and sections that no other rendered page links to.
fn orphans(site: &Site, links: &[(String, Vec<String>)]) -> Vec<Diagnostic> {
    let config = &site.config;
    let urls = Urls { config };
    let origin = config.origin();
    let mut linked: HashSet<String> = HashSet::new();
    for (source, hrefs) in links {
        for href in hrefs {
            if let Some(target) = resolve_href(source, href, origin) {
                if target != *source {
                    linked.insert(target);
                }
            }
        }
    }
    let lib = &site.library;
    let mut out = Vec::new();
    let mut check = |doc: &Document, path: &str| {
        let url = urls.path(path);
        if !linked.contains(&url) {
            out.push(
                Diagnostic::warning("orphan", format!("no other page links to this page ({url})"))
                    .in_file(&doc.file)
                    .at(Some(1), None)
                    .hint("link to it from a related page (`[text](@/path/to/page.md)`), or list it in its section"),
            );
        }
    };
    for p in &lib.pages {
        check(&p.doc, &p.path);
    }
    for (sid, s) in lib.sections.iter().enumerate() {
        if sid != lib.root() && !s.implicit {
            check(&s.doc, &s.path);
        }
    }
    out
}

/// The URL path an `href` on the page at `source` leads to, normalised like page URLs
/// (`/dir/page/`), or `None` for other hosts and schemes. The `url` crate resolves the reference
/// against the page's URL on the site's origin (`..`, `.`, a `//host` or a `scheme:`); query and
/// fragment are dropped.
fn resolve_href(source: &str, href: &str, origin: &str) -> Option<String> {
    let href = href.trim();
    let href = href.split(['#', '?']).next().unwrap_or_default();
    if href.is_empty() {
        return None;
    }
    let origin = if origin.is_empty() { "http://localhost" } else { origin };
    let page = url::Url::parse(origin).ok()?.join(source).ok()?;
    let target = page.join(href).ok()?;
    if target.origin() != page.origin() {
        return None;
    }
    let mut parts: Vec<&str> = target.path().split('/').filter(|s| !s.is_empty()).collect();
    if parts.last() == Some(&"index.html") {
        parts.pop();
    }
    let mut out = format!("/{}", parts.join("/"));
    let last_has_ext = parts.last().is_some_and(|p| p.contains('.'));
    if !out.ends_with('/') && !last_has_ext {
        out.push('/');
    }
    Some(out)
}

/// A start tag of an HTML fragment, as the lints read it.
struct StartTag {
    /// Byte offset of the `<` in the fragment.
    offset: usize,
    /// Whether the tag is an `<img>` without an `alt` attribute.
    img_without_alt: bool,
    /// The `src` attribute (entities `&amp;` decoded).
    src: Option<String>,
    /// The `href` attribute (entities `&amp;` decoded).
    href: Option<String>,
}

/// Every start tag of an HTML fragment, in order (comments, end tags and text skipped), read by
/// lol_html's tokenizer.
fn start_tags(html: &str) -> Vec<StartTag> {
    let mut out = Vec::new();
    scan(html, "*", |el| {
        out.push(StartTag {
            offset: el.source_location().bytes().start,
            img_without_alt: el.tag_name().eq_ignore_ascii_case("img") && !el.has_attribute("alt"),
            src: el.get_attribute("src").map(|v| v.replace("&amp;", "&")),
            href: el.get_attribute("href").map(|v| v.replace("&amp;", "&")),
        });
    });
    out
}

/// Runs `on_element` on every start tag that matches the CSS `selector`, in document order; the
/// output of the rewriter is not kept.
fn scan(html: &str, selector: &str, mut on_element: impl FnMut(&lol_html::html_content::Element)) {
    let settings = lol_html::Settings::new().append_element_content_handler(lol_html::element!(
        selector,
        |el| {
            on_element(el);
            Ok(())
        }
    ));
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
    // The rewriter fails only on its memory limits; the tags found until then are kept.
    if rewriter.write(html.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
}

/// Every `href` of `<a>` and `<area>` elements in an HTML document.
pub fn hrefs_in_html(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan(html, "a[href], area[href]", |el| {
        out.extend(el.get_attribute("href").map(|v| v.replace("&amp;", "&")))
    });
    out
}

/// Escapes a GitHub workflow command's message (`%`, CR, LF).
fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a GitHub workflow command's property (`%`, CR, LF, `:`, `,`).
fn github_escape_property(s: &str) -> String {
    github_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The findings as GitHub Actions workflow commands, one line each. `prefix` is the site root's
/// path inside the repository (empty when they are the same), so annotations land on the file.
pub fn to_github(diagnostics: &Diagnostics, prefix: &str) -> String {
    let mut out = String::new();
    for d in &diagnostics.0 {
        let kind = match d.severity {
            crate::error::Severity::Error => "error",
            crate::error::Severity::Warning => "warning",
            crate::error::Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = &d.file {
            let path = file.display().to_string().replace('\\', "/");
            let path = if prefix.is_empty() {
                path
            } else {
                format!("{}/{path}", prefix.trim_end_matches('/'))
            };
            props.push(format!("file={}", github_escape_property(&path)));
        }
        if let Some(line) = d.line {
            props.push(format!("line={line}"));
        }
        if let Some(col) = d.column {
            props.push(format!("col={col}"));
        }
        props.push(format!("title={}", github_escape_property(&format!("charter {}", d.code))));
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhelp: ");
            message.push_str(hint);
        }
        out.push_str(&format!("::{kind} {}::{}\n", props.join(","), github_escape_data(&message)));
    }
    out
}

/// The findings as one JSON document.
pub fn to_json(diagnostics: &Diagnostics) -> String {
    let findings: Vec<serde_json::Value> = diagnostics
        .0
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity,
                "code": d.code,
                "file": d.file.as_ref().map(|f| f.display().to_string().replace('\\', "/")),
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "errors": diagnostics.errors().count(),
        "warnings": diagnostics.warnings().count(),
        "infos": diagnostics.infos().count(),
        "findings": findings,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_external_links() {
        for bad in [
            "www.example.org",
            "http//example.org",
            "https:/example.org",
            "https://",
            "https://exa_mple org",
            "htps://example.org",
            "https://example",
            "mailto:nobody",
            "http://example.org:80a/",
        ] {
            assert!(malformed_external(bad).is_some(), "{bad} should be malformed");
        }
        for good in [
            "https://example.org/a?b=c#d",
            "http://localhost:8080/",
            "mailto:a@b.org",
            "@/x.md",
            "/about/",
            "../x/",
            "#top",
            "tel:+441234",
            "https://[::1]/",
            "//cdn.example.org/x.js",
            "page/",
        ] {
            assert!(
                malformed_external(good).is_none(),
                "{good} should pass: {:?}",
                malformed_external(good)
            );
        }
    }

    #[test]
    fn body_lints_name_lines() {
        let body =
            "## A\n\n#### Skipped\n\n![](x.png)\n\n<img src=\"y.png\">\n\n[bad](www.x.org)\n";
        let mut found = Vec::new();
        lint_body(body, 5, &mut |line, d| found.push((line, d.code)));
        assert_eq!(
            found,
            vec![(7, "heading-level"), (9, "alt-text"), (11, "alt-text"), (13, "external-link")]
        );
    }

    #[test]
    fn hrefs_resolve_relative_to_the_page() {
        assert_eq!(resolve_href("/a/b/", "../c/", "https://x.org").as_deref(), Some("/a/c/"));
        assert_eq!(
            resolve_href("/a/b/", "https://x.org/d#x", "https://x.org").as_deref(),
            Some("/d/")
        );
        assert_eq!(resolve_href("/a/", "https://y.org/d", "https://x.org"), None);
        assert_eq!(
            hrefs_in_html("<a class=x href=\"/p/\">p</a><abbr title=y><a href=/q/>"),
            vec!["/p/".to_string(), "/q/".to_string()]
        );
        // Non-ASCII text in attributes (here a no-break space, bytes C2 A0) is not split.
        assert_eq!(
            hrefs_in_html("<a title=\"é\u{a0}x\" data-x=ü\u{a0}ü href=\"/r/\">"),
            vec!["/r/".to_string()]
        );
    }

    #[test]
    fn github_lines_escape() {
        let d = Diagnostic::error("alt-text", "50% bad\nthing")
            .in_file("content/a,b.md")
            .at(Some(3), None);
        let out = to_github(&Diagnostics(vec![d]), "");
        assert_eq!(
            out,
            "::error file=content/a%2Cb.md,line=3,title=charter alt-text::50%25 bad%0Athing\n"
        );
    }
}
