//! One Hugo page read into a [`Doc`]: its front matter (with `cascade`s from the sections above
//! it) mapped to Charter's fields, its dates, and whether Hugo would publish it.

use super::config::HugoConfig;
use super::languages::ContentTree;
use super::stem;
use super::urls::{aliases_from_page_folder, hugo_path, page_url, servable};
use crate::import::dates::{self, DateFix, SourceDate};
use crate::import::report::{Note, NoteKind};
use crate::import::source_front_matter;
use crate::import::{slash_path, title_from_name, value_text, Doc, DocKind};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Reads one page or section file into a [`Doc`]. A file that cannot be read is a skip note.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_doc(
    root: &Path,
    tree: &ContentTree,
    config: &HugoConfig,
    rel: &Path,
    is_section: bool,
    resources: Vec<(PathBuf, PathBuf)>,
    cascade: &Map<String, Value>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Doc, Note> {
    let source = tree.source(rel);
    let file =
        source_front_matter::read_source(&root.join(&source), &source, ", as older Hugo did")?;
    let parsed = &file.parsed;
    let mut notes = file.notes.clone();
    let place = HugoPlace::of(rel, is_section);
    let own = HugoFront::with_cascade(&parsed.map, cascade);
    let mut m = MapFields {
        source: &source,
        parsed,
        front: Map::new(),
        extra: Map::new(),
        notes: &mut notes,
    };

    let title = map_title(&mut m, &own, config, &place, file.front_line);
    if let Some((_, v)) = own.get("description") {
        m.front.insert("description".into(), v);
    }
    let dates = map_dates(&mut m, &own);
    let draft = matches!(own.get("draft").map(|(_, v)| v), Some(Value::Bool(true)))
        || own.get("draft").and_then(|(_, v)| value_text(&v)).as_deref() == Some("true");
    let addresses = Addresses::read(&own);
    map_plain_fields(&mut m, &own, config);
    let reasons = unpublished_reasons(&own, &dates, now);
    map_extra(&mut m, &own, config);
    let published = mark_unpublished(&mut m, draft, &reasons, place.kind);

    let page_url = match place.kind {
        DocKind::Home => "/".to_string(),
        DocKind::Section => format!("/{}/", hugo_path(&place.dir)),
        DocKind::Page => page_url(
            config,
            &place.page_dir,
            &place.base_name,
            &title,
            addresses.slug.as_deref(),
            addresses.url.as_deref(),
            dates.date,
        ),
    };
    // A language's URLs and aliases lie under its prefix (`/fr/`), but not a `url` as written.
    let page_url = tree.url(&page_url, place.kind == DocKind::Page && addresses.url.is_some());
    let mut own_aliases: Vec<String> = addresses.aliases.iter().map(|a| tree.alias(a)).collect();
    // A section's `url` moves its list page; Charter lists a section at its folder's URL, so
    // the `url` (as written, like a page's) becomes a redirect to it.
    let section_url = addresses.url.as_ref().filter(|_| place.kind == DocKind::Section);
    if let Some(url) = section_url {
        own_aliases.push(url.clone());
    }
    let aliases = aliases_from_page_folder(&own_aliases, &page_url);
    note_url_choices(&mut m, &addresses, &page_url, published, place.kind);
    let MapFields { mut front, extra, .. } = m;
    if let Some(url) = section_url {
        notes.push(Note::new(
            NoteKind::UrlKept,
            &source,
            None,
            format!("the section's `url: {url}`: Charter lists a section at its folder's URL, {page_url}, so {url} is a redirect to it"),
        ));
    }
    if !extra.is_empty() {
        front.insert("extra".into(), Value::Object(extra));
    }
    let body = file.body().replace("<!--more-->", "<!-- more -->");
    let link_key = format!("{}{}", tree.link_prefix, slash_path(rel));
    let mut doc = Doc::new(source, link_key, tree.kind(place.kind), page_url);
    doc.aliases = aliases;
    doc.published = published || place.kind == DocKind::Home;
    doc.front = front;
    doc.body = body;
    doc.body_line = file.body_line;
    doc.resources = resources;
    doc.notes = notes;
    Ok(doc)
}

/// Where a content file sits in Hugo's terms.
struct HugoPlace {
    /// The file's folder under `content/`, `/`-separated.
    dir: String,
    /// The folder Hugo builds the page's URL in (a leaf bundle's parent folder).
    page_dir: String,
    /// The name Hugo builds URLs from: the bundle folder for a leaf bundle.
    base_name: String,
    kind: DocKind,
    is_bundle: bool,
}

impl HugoPlace {
    fn of(rel: &Path, is_section: bool) -> HugoPlace {
        let dir = rel.parent().map(slash_path).unwrap_or_default();
        let is_bundle = !is_section && stem(rel) == "index" && !dir.is_empty();
        let (page_dir, base_name) = if is_bundle {
            match dir.rsplit_once('/') {
                Some((d, n)) => (d.to_string(), n.to_string()),
                None => (String::new(), dir.clone()),
            }
        } else if is_section {
            (dir.clone(), dir.rsplit('/').next().unwrap_or("").to_string())
        } else {
            (dir.clone(), stem(rel))
        };
        let kind = match (is_section, dir.is_empty()) {
            (true, true) => DocKind::Home,
            (true, false) => DocKind::Section,
            (false, _) => DocKind::Page,
        };
        HugoPlace { dir, page_dir, base_name, kind, is_bundle }
    }
}

/// A file's own front matter keys (less its `cascade`), then what the sections above cascade to
/// it; Hugo reads keys without regard to case.
struct HugoFront {
    own: Map<String, Value>,
}

impl HugoFront {
    fn with_cascade(front: &Map<String, Value>, cascade: &Map<String, Value>) -> HugoFront {
        let mut own = front.clone();
        own.remove("cascade");
        for (k, v) in cascade {
            if !own.keys().any(|o| o.eq_ignore_ascii_case(k)) {
                own.insert(k.clone(), v.clone());
            }
        }
        HugoFront { own }
    }

    /// The key as written and its value, found without regard to case.
    fn get(&self, key: &str) -> Option<(String, Value)> {
        self.own
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(k, v)| (k.clone(), v.clone()))
    }

    /// The first of `keys` that is present.
    fn first_of(&self, keys: &[&str]) -> Option<(String, Value)> {
        keys.iter().find_map(|k| self.get(k))
    }
}

/// Writes the title; a page without one gets the name Hugo would show (site title, folder or
/// file name), with a note.
fn map_title(
    m: &mut MapFields<'_>,
    own: &HugoFront,
    config: &HugoConfig,
    place: &HugoPlace,
    front_line: usize,
) -> String {
    let title = own.get("title").and_then(|(_, v)| value_text(&v)).filter(|t| !t.trim().is_empty());
    let title = match title {
        Some(t) => t,
        None => {
            let (name, from) = if place.kind == DocKind::Home {
                (config.site.title.clone(), "site title")
            } else if place.kind == DocKind::Section || place.is_bundle {
                (title_from_name(&place.base_name), "folder name")
            } else {
                (title_from_name(&place.base_name), "file name")
            };
            m.notes.push(Note::new(
                NoteKind::TitleInvented,
                m.source,
                m.parsed.line_of("title").or(Some(front_line.saturating_sub(1).max(1))),
                format!("no title: used \"{name}\" from the {from}"),
            ));
            name
        }
    };
    m.front.insert("title".into(), Value::String(title.clone()));
    title
}

/// The dates that decide where and whether Hugo publishes a page.
struct PageDates {
    date: Option<SourceDate>,
    publish: Option<SourceDate>,
    expiry: Option<SourceDate>,
}

/// Writes `date` and `updated` (Hugo's several names for each), and keeps the publish and expiry
/// dates under `extra`.
fn map_dates(m: &mut MapFields<'_>, own: &HugoFront) -> PageDates {
    let date = own
        .first_of(&["date", "publishdate", "pubdate", "published"])
        .and_then(|(k, v)| m.date("date", &k, &v));
    let _updated =
        own.first_of(&["lastmod", "modified"]).and_then(|(k, v)| m.date("updated", &k, &v));
    let publish = own.first_of(&["publishdate", "pubdate", "published"]).and_then(|(_, v)| {
        let d = dates::parse(value_text(&v)?.as_str())?;
        m.extra.insert("publish_date".into(), Value::String(d.as_charter_text()));
        Some(d)
    });
    let expiry = own.first_of(&["expirydate", "unpublishdate"]).and_then(|(_, v)| {
        let d = dates::parse(value_text(&v)?.as_str())?;
        m.extra.insert("expiry_date".into(), Value::String(d.as_charter_text()));
        Some(d)
    });
    PageDates { date, publish, expiry }
}

/// Writes the keys Charter reads as they are: `weight`, `summary` (as the description when there
/// is none), `authors`, `toc` and the site's taxonomies.
fn map_plain_fields(m: &mut MapFields<'_>, own: &HugoFront, config: &HugoConfig) {
    if let Some((_, w)) = own.get("weight") {
        match &w {
            Value::Number(_) => {
                m.front.insert("weight".into(), w.clone());
            }
            other => {
                if let Some(n) = value_text(other).and_then(|t| t.trim().parse::<i64>().ok()) {
                    m.front.insert("weight".into(), Value::from(n));
                }
            }
        }
    }
    if let Some((_, s)) = own.get("summary") {
        m.extra.insert("summary".into(), s.clone());
        if !m.front.contains_key("description") {
            m.front.insert("description".into(), s);
        }
    }
    match own.get("authors").map(|(_, v)| v) {
        Some(Value::Array(a)) => {
            m.front.insert(
                "authors".into(),
                Value::Array(a.iter().filter_map(value_text).map(Value::String).collect()),
            );
        }
        Some(v) => {
            if let Some(a) = value_text(&v) {
                m.front.insert("authors".into(), Value::Array(vec![Value::String(a)]));
            }
        }
        None => {}
    }
    if let Some((_, Value::Bool(b))) = own.get("toc") {
        m.front.insert("toc".into(), Value::Bool(b));
    }
    for t in &config.site.taxonomies {
        if let Some((_, v)) = own.get(t) {
            let terms: Vec<Value> = match v {
                Value::Array(a) => a.iter().filter_map(value_text).map(Value::String).collect(),
                other => value_text(&other).into_iter().map(Value::String).collect(),
            };
            m.front.insert(t.clone(), Value::Array(terms));
        }
    }
}

/// The page's own addresses: `slug`, `url` and `aliases`, with those no static file can answer
/// set apart.
struct Addresses {
    slug: Option<String>,
    url: Option<String>,
    /// A `url` with a query string or a fragment (`/?p=443`, a WordPress leftover).
    unservable_url: Option<String>,
    aliases: Vec<String>,
    unservable_aliases: Vec<String>,
}

impl Addresses {
    fn read(own: &HugoFront) -> Addresses {
        let text = |key: &str| {
            own.get(key).and_then(|(_, v)| value_text(&v)).filter(|s| !s.trim().is_empty())
        };
        // A URL with a query string or a fragment names no file a static site can serve: the
        // page is placed by its file path, as Hugo places a page without `url`, and the old
        // address is left to the server.
        let (url, unservable_url) = match text("url") {
            Some(u) if !servable(&u) => (None, Some(u)),
            other => (other, None),
        };
        let all_aliases: Vec<String> = match own.get("aliases").map(|(_, v)| v) {
            Some(Value::Array(a)) => a.iter().filter_map(value_text).collect(),
            Some(v) => value_text(&v).into_iter().collect(),
            None => vec![],
        };
        let (aliases, unservable_aliases) = all_aliases.into_iter().partition(|a| servable(a));
        Addresses { slug: text("slug"), url, unservable_url, aliases, unservable_aliases }
    }
}

/// Why Hugo would not publish the page now (besides `draft`): publish date ahead, expired,
/// `build.render: never`, headless.
fn unpublished_reasons(
    own: &HugoFront,
    dates: &PageDates,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<&'static str> {
    let build = own.get("_build").or_else(|| own.get("build")).map(|(_, v)| v);
    let never_rendered = match &build {
        Some(Value::Object(b)) => {
            matches!(b.get("render"), Some(Value::Bool(false)))
                || b.get("render").and_then(value_text).as_deref() == Some("never")
        }
        _ => false,
    };
    let headless = matches!(own.get("headless").map(|(_, v)| v), Some(Value::Bool(true)));
    let mut reasons = Vec::new();
    if dates.publish.or(dates.date).is_some_and(|d| d.instant() > now) {
        reasons.push("its publish date is in the future");
    }
    if dates.expiry.is_some_and(|d| d.instant() <= now) {
        reasons.push("it has expired");
    }
    if never_rendered {
        reasons.push("`build.render` is never");
    }
    if headless {
        reasons.push("it is headless");
    }
    reasons
}

/// Why values a `cascade` gives would keep a page from being published, if they would: what an
/// invented section (one without a file) takes of them.
pub(super) fn cascaded_unpublishing(cascade: &Map<String, Value>) -> Option<&'static str> {
    let get = |key: &str| cascade.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v);
    let is_true = |v: Option<&Value>| {
        matches!(v, Some(Value::Bool(true))) || v.and_then(value_text).as_deref() == Some("true")
    };
    let render = get("build").or_else(|| get("_build")).and_then(|b| b.get("render"));
    if matches!(render, Some(Value::Bool(false)))
        || render.and_then(value_text).as_deref() == Some("never")
    {
        Some("`build.render` is never")
    } else if is_true(get("draft")) {
        Some("it is a draft")
    } else if is_true(get("headless")) {
        Some("it is headless")
    } else {
        None
    }
}

/// The front matter keys the import maps to Charter's own; the others go under `extra`.
const MAPPED_KEYS: [&str; 18] = [
    "title",
    "description",
    "date",
    "publishdate",
    "pubdate",
    "published",
    "lastmod",
    "modified",
    "expirydate",
    "unpublishdate",
    "draft",
    "weight",
    "slug",
    "url",
    "aliases",
    "summary",
    "authors",
    "extra",
];

/// Puts everything not mapped under `extra`, as written: the file's `cascade`, the other keys,
/// then the entries of its own `extra`.
fn map_extra(m: &mut MapFields<'_>, own: &HugoFront, config: &HugoConfig) {
    if let Some(c) = m.parsed.map.get("cascade") {
        m.extra.insert("cascade".into(), c.clone());
    }
    for (k, v) in &own.own {
        let lk = k.to_lowercase();
        let taken = MAPPED_KEYS.contains(&lk.as_str())
            || config.site.taxonomies.iter().any(|t| t.eq_ignore_ascii_case(k))
            || (lk == "toc" && v.is_boolean());
        if !taken {
            m.extra.insert(k.clone(), v.clone());
        }
    }
    if let Some((_, Value::Object(e))) = own.get("extra") {
        for (k, v) in e {
            m.extra.entry(k).or_insert(v);
        }
    }
}

/// Marks a page Hugo would not publish as a draft, with a note saying why (not for the home
/// page). Returns whether it is published.
fn mark_unpublished(m: &mut MapFields<'_>, draft: bool, reasons: &[&str], kind: DocKind) -> bool {
    if draft || !reasons.is_empty() {
        m.front.insert("draft".into(), Value::Bool(true));
    }
    if !reasons.is_empty() && kind != DocKind::Home {
        m.notes.push(Note::new(
            NoteKind::Unpublished,
            m.source,
            None,
            format!("Hugo would not publish it now ({}): imported as a draft", reasons.join(", ")),
        ));
    }
    !draft && reasons.is_empty()
}

/// Notes a URL kept from `url` or a `slug` with a folder, and every `url` or alias left out
/// because no static file can answer it.
fn note_url_choices(
    m: &mut MapFields<'_>,
    addresses: &Addresses,
    page_url: &str,
    published: bool,
    kind: DocKind,
) {
    let parsed = m.parsed;
    let sets_url =
        addresses.url.is_some() || addresses.slug.as_deref().is_some_and(|s| s.contains('/'));
    if sets_url && kind == DocKind::Page {
        let message = if published {
            format!("published at {page_url} as Hugo did")
        } else {
            format!("not published (a draft, as in Hugo); once published, at {page_url}, the URL Hugo gives it")
        };
        m.notes.push(Note::new(
            NoteKind::UrlKept,
            m.source,
            parsed.line_of("url").or(parsed.line_of("slug")),
            message,
        ));
    }
    let state = if published { "" } else { " (a draft: not published, as in Hugo)" };
    if let Some(u) = &addresses.unservable_url {
        m.notes.push(Note::new(
            NoteKind::UrlNotKept,
            m.source,
            parsed.line_of("url"),
            format!(
                "`url: {u}` has a query string or fragment, which no static file can answer (a server sees only the path before `?`, and never the `#` part): placed by its file path at {page_url}{state}; to keep the old address working, add a redirect rule on the web server from `{u}` to {page_url}"
            ),
        ));
    }
    for a in &addresses.unservable_aliases {
        m.notes.push(Note::new(
            NoteKind::UrlNotKept,
            m.source,
            parsed.line_of("aliases"),
            format!(
                "the alias `{a}` has a query string or fragment, which no redirect page can answer: left out{state}; to keep it working, add a redirect rule on the web server from `{a}` to {page_url}"
            ),
        ));
    }
}

/// `cascade` values of each section folder (the config's under the root, `""`): what they
/// target, and the values.
type Cascades = HashMap<String, Vec<(CascadeTarget, Map<String, Value>)>>;

/// Which pages a `cascade` entry reaches: Hugo's `target` (`_target` before Hugo 0.140).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct CascadeTarget {
    /// A glob of the page's path (`/docs/**`, `{/a/**,/b/**}`).
    path: Option<String>,
    /// `page`, `section`, `home` (a glob too in Hugo; matched as written here).
    kind: Option<String>,
    /// A language code.
    lang: Option<String>,
}

/// Reads the `cascade` of the site's config (`config_cascade`, which applies from the root as a
/// home page's does) and of every section file.
pub(super) fn read_cascades(
    root: &Path,
    tree: &ContentTree,
    sections: &[PathBuf],
    config_cascade: Option<&Value>,
) -> Cascades {
    let mut out = Cascades::new();
    if let Some(c) = config_cascade {
        out.entry(String::new()).or_default().extend(cascade_entries(c));
    }
    for f in sections {
        let Ok(text) = std::fs::read_to_string(root.join(tree.source(f))) else { continue };
        let Ok(split) = source_front_matter::split(&text) else { continue };
        let Ok(parsed) = source_front_matter::parse(&split) else { continue };
        let Some((_, c)) = parsed.map.iter().find(|(k, _)| k.eq_ignore_ascii_case("cascade"))
        else {
            continue;
        };
        let dir = f.parent().map(slash_path).unwrap_or_default();
        out.entry(dir).or_default().extend(cascade_entries(c));
    }
    out
}

/// The entries of one `cascade` value (a table or a list of them).
fn cascade_entries(c: &Value) -> Vec<(CascadeTarget, Map<String, Value>)> {
    let entries: Vec<&Value> = match c {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for e in entries {
        let Value::Object(m) = e else { continue };
        let mut values = Map::new();
        let mut target = CascadeTarget::default();
        for (k, v) in m {
            match k.to_ascii_lowercase().as_str() {
                "_target" | "target" => {
                    let field = |name: &str| {
                        v.as_object()?
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(name))
                            .and_then(|(_, v)| value_text(v))
                    };
                    target = CascadeTarget {
                        path: field("path"),
                        kind: field("kind"),
                        lang: field("lang"),
                    };
                }
                // Cascaded params are the page's own params (kept under extra).
                "params" => {
                    if let Value::Object(p) = v {
                        for (pk, pv) in p {
                            values.insert(pk.clone(), pv.clone());
                        }
                    }
                }
                _ => {
                    values.insert(k.clone(), v.clone());
                }
            }
        }
        out.push((target, values));
    }
    out
}

/// The cascaded values for content file `rel` of a tree in language `lang` (empty on a site
/// without languages): the nearest section's win.
pub(super) fn cascade_for(cascades: &Cascades, rel: &Path, lang: &str) -> Map<String, Value> {
    let mut out = Map::new();
    if cascades.is_empty() {
        return out;
    }
    let page_path = {
        let s = slash_path(rel);
        let s = s.rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or(s);
        let s = s
            .trim_end_matches("/_index")
            .trim_end_matches("/index")
            .trim_end_matches("_index")
            .to_string();
        format!("/{}", s.to_lowercase())
    };
    let is_list = rel.file_stem().is_some_and(|s| s.to_string_lossy().starts_with("_index"));
    let kind = match (is_list, page_path.as_str()) {
        (true, "/") => "home",
        (true, _) => "section",
        (false, _) => "page",
    };
    let mut dirs: Vec<String> = rel.ancestors().skip(1).map(slash_path).collect();
    dirs.reverse();
    for dir in dirs {
        for (target, values) in cascades.get(&dir).into_iter().flatten() {
            let applies =
                target.path.as_ref().is_none_or(|t| path_glob(&t.to_lowercase(), &page_path))
                    && target.kind.as_ref().is_none_or(|k| k.eq_ignore_ascii_case(kind))
                    && target
                        .lang
                        .as_ref()
                        .is_none_or(|l| lang.is_empty() || l.eq_ignore_ascii_case(lang));
            if applies {
                for (k, v) in values {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    out
}

/// Hugo's target paths: `*` within a segment, `**` across segments, `{a,b}` either.
fn path_glob(pattern: &str, path: &str) -> bool {
    if let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}')) {
        if open < close {
            let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
            return pattern[open + 1..close]
                .split(',')
                .any(|choice| path_glob(&format!("{head}{}{tail}", choice.trim()), path));
        }
    }
    // As in Hugo's globs, `/docs/**` is what lies below `/docs`, not `/docs` itself (Hugo's
    // documentation writes `{/docs,/docs/**}` for both).
    if let Some(prefix) = pattern.strip_suffix("/**") {
        return path.starts_with(&format!("{prefix}/"));
    }
    if pattern == "**" {
        return true;
    }
    if !pattern.contains('*') {
        return pattern.trim_end_matches('/') == path;
    }
    let (pre, post) = pattern.split_once('*').unwrap_or((pattern, ""));
    path.starts_with(pre)
        && path.ends_with(post)
        && !path[pre.len()..path.len() - post.len().min(path.len() - pre.len())].contains('/')
}

/// Front matter being mapped, with the notes it produces.
struct MapFields<'a> {
    source: &'a Path,
    parsed: &'a source_front_matter::Parsed,
    front: Map<String, Value>,
    extra: Map<String, Value>,
    notes: &'a mut Vec<Note>,
}

impl MapFields<'_> {
    /// Writes a date under `key`, rewritten if Charter would not read it; an invalid date goes to
    /// `extra` with a note.
    fn date(&mut self, key: &str, src_key: &str, v: &Value) -> Option<SourceDate> {
        let text = value_text(v)?;
        let line = self.parsed.line_of(src_key);
        match dates::fix(&text) {
            DateFix::Kept(d) => {
                self.front.insert(key.into(), Value::String(text.trim().to_string()));
                Some(d)
            }
            DateFix::Rewritten(d, new) => {
                self.notes.push(Note::new(
                    NoteKind::DateRewritten,
                    self.source,
                    line,
                    format!("`{src_key}: {text}` written as `{key}: {new}`"),
                ));
                self.front.insert(key.into(), Value::String(new));
                Some(d)
            }
            DateFix::Invalid => {
                self.notes.push(Note::new(
                    NoteKind::DateRewritten,
                    self.source,
                    line,
                    format!("`{src_key}: {text}` is not a date; kept as extra.{src_key}"),
                ));
                self.extra.insert(src_key.into(), v.clone());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cascade_reaches_descendants_and_targets() {
        let mut c = Cascades::new();
        let mut never = Map::new();
        never.insert("build".into(), serde_json::json!({"render": "never"}));
        c.insert("common".into(), vec![(CascadeTarget::default(), never)]);
        let mut draft = Map::new();
        draft.insert("draft".into(), Value::Bool(true));
        let a_only = CascadeTarget { path: Some("/other/a".into()), ..CascadeTarget::default() };
        c.insert("other".into(), vec![(a_only, draft)]);
        assert!(cascade_for(&c, Path::new("common/x.md"), "").contains_key("build"));
        assert!(cascade_for(&c, Path::new("common/_index.md"), "").contains_key("build"));
        assert!(cascade_for(&c, Path::new("other/a.md"), "").contains_key("draft"));
        assert!(!cascade_for(&c, Path::new("other/b.md"), "").contains_key("draft"));
        assert!(path_glob("/blog/**", "/blog/x/y"));
        assert!(path_glob("/blog/*", "/blog/x"));
        assert!(!path_glob("/blog/*", "/blog/x/y"));
        assert!(path_glob("{/private/**}", "/private/plan"));
        assert!(!path_glob("/private/**", "/private"));
        assert!(path_glob("{/private,/private/**}", "/private"));
        assert!(path_glob("{/a/**, /b}", "/b"));
        assert!(!path_glob("{/a/**,/b}", "/c"));
    }

    #[test]
    fn a_config_cascade_applies_from_the_root_by_path_kind_and_language() {
        let config = serde_json::json!([
            {"draft": true, "target": {"path": "{/private/**}"}},
            {"params": {"banner": "x"}, "_target": {"kind": "section", "lang": "fr"}},
        ]);
        let mut c = Cascades::new();
        c.insert(String::new(), cascade_entries(&config));
        assert!(cascade_for(&c, Path::new("private/plan.md"), "").contains_key("draft"));
        assert!(!cascade_for(&c, Path::new("pub/a.md"), "").contains_key("draft"));
        assert!(cascade_for(&c, Path::new("blog/_index.md"), "fr").contains_key("banner"));
        assert!(!cascade_for(&c, Path::new("blog/_index.md"), "en").contains_key("banner"));
        assert!(!cascade_for(&c, Path::new("blog/post.md"), "fr").contains_key("banner"));
    }
}
