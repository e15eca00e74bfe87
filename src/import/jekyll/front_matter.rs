//! One Jekyll page, post or collection document read into a [`Doc`]: its front matter (with
//! `defaults`) mapped to Charter's fields, its dates, and whether Jekyll would publish it.

use super::config::{front_with_defaults, JekyllConfig};
use super::urls::{
    date_and_slug_from_name, fill, path_and_collection, titleize, url_template, UrlParts,
};
use super::{stem, Kind};
use crate::import::dates::{self, DateFix, SourceDate};
use crate::import::report::{Note, NoteKind};
use crate::import::source_front_matter;
use crate::import::{slash_path, value_text, Doc, DocKind};
use serde_json::{Map, Value};
use std::path::Path;

/// Splits a list value (`[a, b]` or Jekyll's space-separated `a b`).
fn words(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(value_text).collect(),
        other => value_text(other)
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
    }
}

pub(super) fn read_doc(
    root: &Path,
    config: &JekyllConfig,
    rel: &Path,
    kind: &Kind,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Doc, Note> {
    let source = rel.to_path_buf();
    let file = source_front_matter::read_source(&root.join(rel), &source, "")?;
    let rel_slash = slash_path(rel);
    let file_stem = stem(rel);
    let dir = rel.parent().map(slash_path).unwrap_or_default();
    let (file_date, file_slug) = date_and_slug_from_name(kind, &file_stem, &source)?;
    let fm = front_with_defaults(config, &rel_slash, kind, &file.parsed.map);
    // The home page: `index.*` at the root, or any page whose `permalink` is `/` (Jekyll's own
    // docs keep theirs in `pages/index.html`). When there are several, `read` keeps one.
    let permalink_is_root = fm
        .get("permalink")
        .and_then(value_text)
        .is_some_and(|p| p.trim_matches('/').is_empty() && p.starts_with('/'));
    let is_home = matches!(kind, Kind::Page)
        && ((dir.is_empty() && file_stem == "index") || permalink_is_root);

    let mut m = JekyllFields {
        source: &source,
        parsed: &file.parsed,
        fm,
        front: Map::new(),
        extra: Map::new(),
        notes: file.notes.clone(),
    };
    let slug = m.fm.get("slug").and_then(value_text).unwrap_or(file_slug.clone());
    m.map_title(config, kind, is_home, &file_stem, &file_slug);
    let mut date = m.map_dates(file_date);
    if let Some(w) = m.fm.get("weight").filter(|w| w.is_i64()) {
        m.front.insert("weight".into(), w.clone());
    }
    m.map_authors();
    let categories = m.map_categories_and_tags(kind);
    m.map_excerpt_and_extra();

    // The URL Jekyll writes.
    let permalink = m.fm.get("permalink").and_then(value_text);
    let template = url_template(config, kind, permalink.as_deref(), &file_stem);
    let (path_part, collection) = path_and_collection(kind, rel, &dir);
    if date.is_none() && matches!(kind, Kind::Draft { .. }) {
        date = Some(draft_date(&root.join(rel), now));
    }
    let url = if is_home && (permalink_is_root || m.fm.get("permalink").is_none()) {
        "/".to_string()
    } else {
        let parts = UrlParts {
            date: date.map(|d| super::urls::in_site_time_zone(d, config.timezone)),
            slug: &slug,
            categories: &categories,
            path: &path_part,
            basename: &file_stem,
            collection: &collection,
        };
        fill(&template, &parts)
    };
    let aliases: Vec<String> = m.fm.get("redirect_from").map(words).unwrap_or_default();
    let reasons = unpublished_reasons(config, kind, &m.fm, date, now);
    let published = m.note_publishing(kind, &reasons, &url);

    let JekyllFields { mut front, mut extra, mut notes, .. } = m;
    redirect_elsewhere(&mut front, &mut extra, &mut notes, &source, &url);
    if !extra.is_empty() {
        front.insert("extra".into(), Value::Object(extra));
    }
    let link_key = match kind {
        Kind::Post { .. } => format!("post:{file_stem}\u{0}{rel_slash}"),
        Kind::Draft { .. } => format!("post:{file_stem}"),
        _ => rel_slash,
    };
    let body = file.body().replace("<!--more-->", "<!-- more -->");
    let kind = if is_home && url == "/" { DocKind::Home } else { DocKind::Page };
    let mut doc = Doc::new(source, link_key, kind, url);
    doc.aliases = aliases;
    doc.published = published;
    doc.front = front;
    doc.body = body;
    doc.body_line = file.body_line;
    doc.notes = notes;
    Ok(doc)
}

/// A page with jekyll-redirect-from's `redirect_to` sent the browser on to that address instead
/// of showing itself: it is rendered by the imported theme's `redirect.html`, which does the
/// same, and kept out of search. An address that is not a web address (`http(s)://` or a path
/// from `/`) stays under `extra`, with a note.
fn redirect_elsewhere(
    front: &mut Map<String, Value>,
    extra: &mut Map<String, Value>,
    notes: &mut Vec<Note>,
    source: &Path,
    url: &str,
) {
    let target = match extra.get("redirect_to") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Array(list)) => match list.first() {
            Some(Value::String(s)) => s.trim().to_string(),
            _ => return,
        },
        _ => return,
    };
    let is_web_address = target.starts_with("https://")
        || target.starts_with("http://")
        || (target.starts_with('/') && !target.starts_with("//"));
    if !is_web_address {
        notes.push(Note::new(
            NoteKind::UrlNotKept,
            source,
            None,
            format!("`redirect_to: {target}` is not a web address: kept as extra.redirect_to, and {url} shows the page instead of redirecting"),
        ));
        return;
    }
    extra.insert("redirect_to".into(), Value::String(target.clone()));
    front.insert("template".into(), Value::String("redirect.html".into()));
    front.insert("search".into(), Value::Bool(false));
    notes.push(Note::new(
        NoteKind::UrlKept,
        source,
        None,
        format!("{url} redirects to {target}, as jekyll-redirect-from made it (templates/redirect.html)"),
    ));
}

/// The front matter keys mapped to Charter's own; the others go under `extra`.
const MAPPED_KEYS: [&str; 18] = [
    "title",
    "description",
    "date",
    "last_modified_at",
    "updated",
    "modified",
    "weight",
    "category",
    "categories",
    "tag",
    "tags",
    "author",
    "authors",
    "excerpt",
    "permalink",
    "published",
    "slug",
    "redirect_from",
];

/// A Jekyll document's front matter (`fm`, defaults applied) being mapped to Charter's, with the
/// notes it produces.
struct JekyllFields<'a> {
    source: &'a Path,
    parsed: &'a source_front_matter::Parsed,
    fm: Map<String, Value>,
    front: Map<String, Value>,
    extra: Map<String, Value>,
    notes: Vec<Note>,
}

impl JekyllFields<'_> {
    /// Writes the title and `description`; a document without a title gets the one Jekyll makes
    /// from its file name (the site title for the home page), with a note.
    fn map_title(
        &mut self,
        config: &JekyllConfig,
        kind: &Kind,
        is_home: bool,
        file_stem: &str,
        file_slug: &str,
    ) {
        let title = self.fm.get("title").and_then(value_text).filter(|t| !t.trim().is_empty());
        let title = match title {
            Some(t) => t,
            None => {
                let t = if is_home {
                    config.site.title.clone()
                } else if matches!(kind, Kind::Page) {
                    crate::import::title_from_name(file_stem)
                } else {
                    titleize(file_slug)
                };
                self.notes.push(Note::new(
                    NoteKind::TitleInvented,
                    self.source,
                    None,
                    format!("no title: used \"{t}\" (as Jekyll does from the file name)"),
                ));
                t
            }
        };
        self.front.insert("title".into(), Value::String(title));
        if let Some(d) = self.fm.get("description") {
            self.front.insert("description".into(), d.clone());
        }
    }

    /// Writes `date` (front matter first, then the file name, as Jekyll does; rewritten if
    /// Charter would not read it) and `updated`. Returns the page's date.
    fn map_dates(&mut self, file_date: Option<SourceDate>) -> Option<SourceDate> {
        let mut date = file_date;
        if let Some(v) = self.fm.get("date") {
            let text = value_text(v).unwrap_or_default();
            let line = self.parsed.line_of("date");
            match dates::fix(&text) {
                DateFix::Kept(d) => {
                    self.front.insert("date".into(), Value::String(text.trim().into()));
                    date = Some(d);
                }
                DateFix::Rewritten(d, new) => {
                    self.notes.push(Note::new(
                        NoteKind::DateRewritten,
                        self.source,
                        line,
                        format!("`date: {text}` written as `date: {new}`"),
                    ));
                    self.front.insert("date".into(), Value::String(new));
                    date = Some(d);
                }
                DateFix::Invalid => {
                    self.notes.push(Note::new(
                        NoteKind::DateRewritten,
                        self.source,
                        line,
                        format!("`date: {text}` is not a date; kept as extra.date"),
                    ));
                    self.extra.insert("date".into(), v.clone());
                }
            }
        } else if let Some(d) = file_date {
            self.front.insert("date".into(), Value::String(d.as_charter_text()));
        }
        for key in ["last_modified_at", "updated", "modified"] {
            if let Some(d) = self.fm.get(key).and_then(value_text).as_deref().and_then(dates::parse)
            {
                self.front.insert("updated".into(), Value::String(d.as_charter_text()));
                break;
            }
        }
        date
    }

    /// Writes `authors` from `authors` or `author`, one name or a list.
    fn map_authors(&mut self) {
        match self.fm.get("authors").or(self.fm.get("author")) {
            Some(Value::Array(a)) => {
                let names = a.iter().filter_map(value_text).map(Value::String).collect();
                self.front.insert("authors".into(), Value::Array(names));
            }
            Some(v) => {
                if let Some(a) = value_text(v) {
                    self.front.insert("authors".into(), Value::Array(vec![Value::String(a)]));
                }
            }
            None => {}
        }
    }

    /// Writes `categories` (a post's folders, then `category`/`categories`) and `tags`
    /// (`tag`/`tags`). Returns the categories, which permalinks use.
    fn map_categories_and_tags(&mut self, kind: &Kind) -> Vec<String> {
        let mut categories: Vec<String> = match kind {
            Kind::Post { categories } | Kind::Draft { categories } => categories.clone(),
            _ => vec![],
        };
        for c in ["category", "categories"].iter().filter_map(|k| self.fm.get(*k)).flat_map(words) {
            if !categories.contains(&c) {
                categories.push(c);
            }
        }
        let tags: Vec<Value> = ["tag", "tags"]
            .iter()
            .filter_map(|k| self.fm.get(*k))
            .flat_map(words)
            .map(Value::String)
            .collect();
        if matches!(kind, Kind::Post { .. } | Kind::Draft { .. }) || !categories.is_empty() {
            self.front.insert(
                "categories".into(),
                Value::Array(categories.iter().cloned().map(Value::String).collect()),
            );
        }
        if !tags.is_empty() {
            self.front.insert("tags".into(), Value::Array(tags));
        }
        categories
    }

    /// Keeps `excerpt` (as the description when there is none) and puts every key not mapped
    /// under `extra`, as written.
    fn map_excerpt_and_extra(&mut self) {
        if let Some(e) = self.fm.get("excerpt") {
            self.extra.insert("excerpt".into(), e.clone());
            if !self.front.contains_key("description") {
                self.front.insert("description".into(), e.clone());
            }
        }
        for (k, v) in &self.fm {
            if !MAPPED_KEYS.contains(&k.as_str()) {
                self.extra.insert(k.clone(), v.clone());
            }
        }
    }

    /// Notes a kept permalink, and marks a document Jekyll would not publish as a draft (with a
    /// note, except for `_drafts`). Returns whether it is published.
    fn note_publishing(&mut self, kind: &Kind, reasons: &[&str], url: &str) -> bool {
        let published = reasons.is_empty();
        if self.fm.get("permalink").is_some() {
            let message = if published {
                format!("permalink kept: published at {url}")
            } else {
                format!("permalink kept: not published (a draft, as in Jekyll); once published, at {url}")
            };
            let line = self.parsed.line_of("permalink");
            self.notes.push(Note::new(NoteKind::UrlKept, self.source, line, message));
        }
        if !published {
            self.front.insert("draft".into(), Value::Bool(true));
            if !matches!(kind, Kind::Draft { .. }) {
                self.notes.push(Note::new(
                    NoteKind::Unpublished,
                    self.source,
                    None,
                    format!(
                        "Jekyll would not publish it ({}): imported as a draft",
                        reasons.join(", ")
                    ),
                ));
            }
        }
        published
    }
}

/// The date of an undated draft: its file's modification time, as Jekyll does (`now` when
/// unknown).
fn draft_date(path: &Path, now: chrono::DateTime<chrono::Utc>) -> SourceDate {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(chrono::DateTime::<chrono::Utc>::from)
        .unwrap_or(now);
    SourceDate { date: modified.date_naive(), time: None, offset: None }
}

/// Why Jekyll would not publish the document: in `_drafts`, `published: false`, a collection
/// without output, a date in the future.
fn unpublished_reasons(
    config: &JekyllConfig,
    kind: &Kind,
    fm: &Map<String, Value>,
    date: Option<SourceDate>,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<&'static str> {
    let output = match kind {
        Kind::Collection(c) => config.collections.get(c).map(|c| c.0).unwrap_or(false),
        _ => true,
    };
    let mut reasons = Vec::new();
    if matches!(kind, Kind::Draft { .. }) {
        reasons.push("it is in _drafts");
    }
    if matches!(fm.get("published"), Some(Value::Bool(false))) {
        reasons.push("`published: false`");
    }
    if !output {
        reasons.push("its collection has no `output: true`");
    }
    if matches!(kind, Kind::Post { .. } | Kind::Collection(_))
        && !config.future
        && date.is_some_and(|d| d.instant() > now)
    {
        reasons.push("its date is in the future");
    }
    reasons
}
