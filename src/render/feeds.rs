//! The outputs that need no template: the Atom feeds, `sitemap.xml`, `robots.txt` and the
//! redirect pages of aliases. All links in them are absolute.

use crate::config::Config;
use crate::content::{Library, PageId, SectionId};
use crate::error::Diagnostic;
use crate::markdown::SharedHtml;
use crate::render::values::Urls;
use crate::text::escape_xml;

/// Rewrites root-relative URLs in `href` and `src` attributes (and `data-src`, `xlink:href`, …)
/// to absolute URLs on the site's origin (feeds are read elsewhere). lol_html's tokenizer finds
/// the attributes; protocol-relative `//host/…` URLs are left as they are, and so is every byte
/// of a tag it does not change.
pub fn absolutise(html: &str, config: &Config) -> String {
    let host = config.origin();
    let settings = lol_html::RewriteStrSettings::new().append_element_content_handler(
        lol_html::element!("*", |el| {
            let root_relative: Vec<(String, String)> = el
                .attributes()
                .iter()
                .map(|a| (a.name(), a.value()))
                .filter(|(name, value)| {
                    (name.ends_with("href") || name.ends_with("src"))
                        && value.starts_with('/')
                        && !value.starts_with("//")
                })
                .collect();
            for (name, value) in root_relative {
                el.set_attribute(&name, &format!("{host}{value}"))?;
            }
            Ok(())
        }),
    );
    // lol_html fails only on its memory limits; the body is then kept as it is.
    lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

fn page_date(lib: &Library, pid: PageId) -> Option<String> {
    let f = &lib.pages[pid].doc.front;
    f.updated.or(f.date).map(|d| d.to_rfc3339())
}

/// The dated pages among `pages`, newest first (ties by path), at most `limit` of them.
///
/// The site-wide feed looks at every page, and `serve` renders it again after each body edit, so
/// this picks the newest `limit` in linear time (each key computed once) and sorts only those,
/// rather than sorting the whole site. Keys are unique (paths are), so the order is the same as
/// a full stable sort's.
fn newest(lib: &Library, pages: &[PageId], limit: usize) -> Vec<PageId> {
    let keyed: Vec<(FeedKey<'_>, PageId)> =
        pages.iter().filter_map(|&p| feed_key(lib, p).map(|k| (k, p))).collect();
    smallest_sorted(keyed, limit).into_iter().map(|(_, p)| p).collect()
}

/// Whether [`newest`] would pick page `pid` from `pages`, without listing what it picks (`serve`
/// asks this of every feed above an edited page).
pub(crate) fn is_among_newest(lib: &Library, pages: &[PageId], limit: usize, pid: PageId) -> bool {
    let Some(own) = feed_key(lib, pid) else { return false };
    pages.contains(&pid)
        && ranks_within(pages.iter().filter_map(|&p| feed_key(lib, p)), &own, limit)
}

/// A dated page's place in a feed: newest first, then by path.
type FeedKey<'a> = (std::cmp::Reverse<i64>, &'a str);

fn feed_key(lib: &Library, pid: PageId) -> Option<FeedKey<'_>> {
    let doc = &lib.pages[pid].doc;
    doc.front.date.map(|d| (std::cmp::Reverse(d.timestamp()), doc.relative_path.as_str()))
}

/// Whether `own`, one of `items` (distinct), is among the `limit` smallest of them.
fn ranks_within<T: Ord>(items: impl Iterator<Item = T>, own: &T, limit: usize) -> bool {
    let mut smaller = 0;
    for item in items {
        if item < *own {
            smaller += 1;
            if smaller >= limit {
                return false;
            }
        }
    }
    limit > 0
}

/// The `limit` smallest of `items`, in order: the same as sorting and truncating when the items
/// are distinct, in linear time plus the sort of what is kept.
fn smallest_sorted<T: Ord>(mut items: Vec<T>, limit: usize) -> Vec<T> {
    if limit == 0 {
        return Vec::new();
    }
    if items.len() > limit {
        items.select_nth_unstable(limit - 1);
        items.truncate(limit);
    }
    items.sort_unstable();
    items
}

/// The HTML of a page's body, by page id (as held, or read back from the build's scratch file:
/// `RenderInput::page_html`).
pub type PageHtml<'a> = dyn Fn(PageId) -> Result<std::borrow::Cow<'a, SharedHtml>, Diagnostic> + 'a;

/// An Atom feed of the dated pages among `pages` (newest first, at most `config.feed.limit`).
/// Each entry's content is the page's rendered body (`page_html`): a feed reads the bodies of
/// its newest `limit` pages only.
pub fn atom<'a>(
    lib: &Library,
    page_html: &PageHtml<'a>,
    config: &Config,
    section: Option<SectionId>,
    pages: &[PageId],
) -> Result<String, Diagnostic> {
    let urls = Urls { config };
    let dated = newest(lib, pages, config.feed.limit);
    let lang = section.map_or(config.language.as_str(), |sid| &lib.sections[sid].doc.lang);
    let own = config.language_settings(lang).filter(|_| lang != config.language);
    let site_title = own.map_or(&config.title, |l| &l.title);
    let description = own.map_or(&config.description, |l| &l.description);
    let (title, feed_path, alternate) = match section {
        Some(sid) if sid != lib.root() && lib.sections[sid].is_home() => {
            // A language's home: that language's site feed (`/uk/atom.xml`).
            let s = &lib.sections[sid];
            (site_title.clone(), format!("{}{}", s.path, config.feed.filename), s.path.clone())
        }
        Some(sid) if sid != lib.root() => {
            let s = &lib.sections[sid];
            (
                format!("{} — {}", s.doc.front.title, site_title),
                format!("{}{}", s.path, config.feed.filename),
                s.path.clone(),
            )
        }
        _ => (config.title.clone(), format!("/{}", config.feed.filename), "/".to_string()),
    };
    let updated = dated
        .iter()
        .filter_map(|&p| page_date(lib, p))
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape_xml(lang)
    ));
    out.push_str(&format!("  <title>{}</title>\n", escape_xml(&title)));
    if let Some(d) = description {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", escape_xml(d)));
    }
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape_xml(&urls.permalink(&feed_path))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape_xml(&urls.permalink(&alternate))
    ));
    out.push_str(&format!("  <id>{}</id>\n", escape_xml(&urls.permalink(&feed_path))));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape_xml(if site_title.is_empty() { "Charter" } else { site_title })
    ));
    out.push_str("  <generator uri=\"https://crates.io/crates/charter\">Charter</generator>\n");
    for pid in dated {
        let page = &lib.pages[pid];
        let f = &page.doc.front;
        let permalink = urls.permalink(&page.path);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape_xml(&f.title)));
        if let Some(d) = f.date {
            out.push_str(&format!("    <published>{}</published>\n", d.to_rfc3339()));
        }
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            page_date(lib, pid).unwrap_or_else(|| updated.clone())
        ));
        for a in &f.authors {
            out.push_str(&format!("    <author><name>{}</name></author>\n", escape_xml(a)));
        }
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape_xml(&permalink)
        ));
        out.push_str(&format!("    <id>{}</id>\n", escape_xml(&permalink)));
        if let Some(d) = &f.description {
            out.push_str(&format!("    <summary>{}</summary>\n", escape_xml(d)));
        }
        let html = page_html(pid)?;
        let html = html.text();
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            escape_xml(&absolutise(&html, config))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Ok(out)
}

/// One URL of the sitemap: its path, last date, and the (language, path) of each of its
/// language versions when it has translations.
type SitemapEntry = (String, Option<String>, Vec<(String, String)>);

/// `sitemap.xml`: home, sections with a page of their own, pages, taxonomy pages and the pagers
/// of paginated lists, with their last dates. On a multilingual site, a page or section with
/// translations lists each language version as `<xhtml:link rel="alternate" hreflang>`.
pub fn sitemap(lib: &Library, config: &Config) -> String {
    let urls = Urls { config };
    let mut entries: Vec<SitemapEntry> = Vec::new();
    let versions = |docs_and_paths: Vec<(&str, &str)>| -> Vec<(String, String)> {
        if docs_and_paths.len() < 2 {
            return Vec::new();
        }
        docs_and_paths.into_iter().map(|(l, p)| (l.to_string(), p.to_string())).collect()
    };
    for s in lib.sections.iter().filter(|s| s.publishes_page()) {
        let alternates = versions(
            s.translations
                .iter()
                .map(|&t| (lib.sections[t].doc.lang.as_str(), lib.sections[t].path.as_str()))
                .collect(),
        );
        entries.push((s.path.clone(), None, alternates));
    }
    for (pid, p) in lib.pages.iter().enumerate() {
        let alternates = versions(
            p.translations
                .iter()
                .map(|&t| (lib.pages[t].doc.lang.as_str(), lib.pages[t].path.as_str()))
                .collect(),
        );
        entries.push((p.path.clone(), page_date(lib, pid), alternates));
    }
    for t in &lib.taxonomies {
        entries.push((t.path.clone(), None, Vec::new()));
        for term in &t.terms {
            entries.push((term.path.clone(), None, Vec::new()));
        }
    }
    // Pagers 2 and on (pager 1 is the list page above; `/page/1/` is a redirect, not listed).
    for (listing, pagination) in crate::render::pagination::paginated(lib, config) {
        for number in 2..=listing.number_pagers(lib, config) {
            let path =
                crate::render::pagination::pager_path(listing.path(lib), &pagination, number);
            entries.push((path, None, Vec::new()));
        }
    }
    entries.sort();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if lib.languages.len() > 1 {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    for (path, lastmod, alternates) in entries {
        out.push_str(&format!("  <url>\n    <loc>{}</loc>\n", escape_xml(&urls.permalink(&path))));
        if let Some(d) = lastmod {
            out.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        for (lang, path) in alternates {
            out.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                escape_xml(&lang),
                escape_xml(&urls.permalink(&path))
            ));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(config: &Config) -> String {
    let urls = Urls { config };
    format!("User-agent: *\nAllow: /\nSitemap: {}\n", urls.permalink("/sitemap.xml"))
}

/// A redirect page for an alias (or a list's `/page/1/`). Its empty icon keeps the browser from
/// asking for `/favicon.ico` (a 404 on most sites) in the instant before it moves on.
pub fn redirect(target_permalink: &str) -> String {
    let t = escape_xml(target_permalink);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Redirecting…</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\n<body><p>This page has moved to <a href=\"{t}\">{t}</a>.</p></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::{ranks_within, smallest_sorted};

    #[test]
    fn the_smallest_kept_are_those_a_full_sort_keeps() {
        // Distinct keys (as feed keys are, by path), many lengths and limits, a fixed LCG.
        let mut state: u64 = 42;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state >> 33
        };
        for len in [0usize, 1, 2, 5, 20, 21, 100, 1000] {
            let items: Vec<(u64, usize)> = (0..len).map(|i| (next() % 50, i)).collect();
            for limit in [0usize, 1, 2, 19, 20, 21, 999, 5000] {
                let mut expected = items.clone();
                expected.sort();
                expected.truncate(limit);
                assert_eq!(
                    smallest_sorted(items.clone(), limit),
                    expected,
                    "len {len}, limit {limit}"
                );
                for own in &items {
                    assert_eq!(
                        ranks_within(items.iter(), &own, limit),
                        expected.contains(own),
                        "len {len}, limit {limit}, {own:?}"
                    );
                }
            }
        }
    }
}
