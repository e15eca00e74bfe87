//! Front matter: splits a Markdown file into its YAML header and body, and reads the header into a
//! typed `FrontMatter`. Line numbers in errors are lines of the whole file, not of the header.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde_json::{Map, Value};

use crate::error::{Diagnostic, Diagnostics};
use crate::text::{closest_match, is_safe_segment, line_of_key};
use crate::yaml;

/// Which documents a front matter key applies to. A key written where it does not apply is an
/// error (nothing is accepted and ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliesTo {
    /// Pages and sections (`_index.md`).
    Both,
    Pages,
    Sections,
}

impl AppliesTo {
    /// How the docs' table names it.
    pub fn describe(&self) -> &'static str {
        match self {
            AppliesTo::Both => "pages, sections",
            AppliesTo::Pages => "pages",
            AppliesTo::Sections => "sections",
        }
    }
}

/// One front matter key Charter knows: its name, where it applies, the kind of value it takes
/// (as the docs' table writes it) and the template field that shows it (`None`: Charter uses it
/// and templates see it only in `params`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyDescriptor {
    pub name: &'static str,
    pub applies_to: AppliesTo,
    pub kind: &'static str,
    pub template_field: Option<&'static str>,
}

const fn key(
    name: &'static str,
    applies_to: AppliesTo,
    kind: &'static str,
    template_field: Option<&'static str>,
) -> KeyDescriptor {
    KeyDescriptor { name, applies_to, kind, template_field }
}

/// Every front matter key Charter knows, declared once: the reader checks each key against it
/// (where it applies, misspellings), the template values leave these out of the top level of
/// `page`/`section` (their typed fields are there instead), and `docs/front-matter.md` lists them
/// (a test checks the table against this list). The taxonomies named in `site.yaml` are keys too
/// (pages and sections, lists of names, `taxonomies.<name>`). Any other key is kept in `params`.
pub const FRONT_MATTER_KEYS: &[KeyDescriptor] = &[
    key("title", AppliesTo::Both, "text, required", Some("title")),
    key("description", AppliesTo::Both, "text", Some("description")),
    key("date", AppliesTo::Both, "date", Some("date")),
    key("updated", AppliesTo::Both, "date", Some("updated")),
    key("draft", AppliesTo::Both, "true/false", Some("draft")),
    key("slug", AppliesTo::Pages, "one URL segment", Some("slug")),
    key("weight", AppliesTo::Both, "whole number", Some("weight")),
    key("template", AppliesTo::Both, "file name", None),
    key("aliases", AppliesTo::Both, "list of paths", None),
    key("authors", AppliesTo::Both, "list of names", Some("authors")),
    key("toc", AppliesTo::Both, "true/false", Some("toc")),
    key("sort_by", AppliesTo::Sections, "date, weight or title", Some("sort_by")),
    key("feed", AppliesTo::Sections, "true/false", None),
    key("include_pages_below", AppliesTo::Sections, "true/false", Some("pages")),
    key("paginate_by", AppliesTo::Sections, "whole number above 0", Some("paginator")),
    key("paginate_path", AppliesTo::Sections, "one URL segment", Some("paginator")),
    key("search", AppliesTo::Both, "true/false", None),
    key("extra", AppliesTo::Both, "map", Some("extra")),
];

/// Taxonomies that Hugo and Jekyll have without being configured: a page key of one of these
/// names that is not a taxonomy of the site gets a warning.
const DEFAULT_TAXONOMIES_ELSEWHERE: &[&str] = &["tags", "categories"];

/// The descriptor of `name`, if Charter knows the key.
pub fn descriptor(name: &str) -> Option<&'static KeyDescriptor> {
    FRONT_MATTER_KEYS.iter().find(|k| k.name == name)
}

/// A date from front matter: the instant, and whether a time was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageDate {
    pub instant: DateTime<FixedOffset>,
    pub has_time: bool,
}

impl PageDate {
    /// `YYYY-MM-DD` for a date, RFC 3339 for a date with a time.
    pub fn to_display(&self) -> String {
        if self.has_time {
            self.instant.to_rfc3339()
        } else {
            self.instant.format("%Y-%m-%d").to_string()
        }
    }

    /// RFC 3339 always (for feeds and sitemaps).
    pub fn to_rfc3339(&self) -> String {
        self.instant.to_rfc3339()
    }

    pub fn timestamp(&self) -> i64 {
        self.instant.timestamp()
    }
}

/// Parses `YYYY-MM-DD`, RFC 3339, `YYYY-MM-DDTHH:MM:SS` (taken as UTC) and the Jekyll/Hugo form
/// `YYYY-MM-DD HH:MM:SS ±hhmm`, with a year in 0000-9999 (in its own offset and in UTC).
pub fn parse_date(text: &str) -> Option<PageDate> {
    read_date(text).ok().flatten()
}

/// [`parse_date`] saying why a date was refused: `None` for text that is not a date, an error
/// for a year outside the one rule of
/// [`crate::validate::date_year`] (chrono reads `-2023-01-01` as the year -2023, which no feed
/// can carry).
pub fn read_date(text: &str) -> Result<Option<PageDate>, crate::validate::ValueError> {
    use chrono::Datelike;
    let Some(date) = parse_any_date(text) else { return Ok(None) };
    crate::validate::date_year(date.instant.year())?;
    crate::validate::date_year(date.instant.with_timezone(&chrono::Utc).year())?;
    Ok(Some(date))
}

fn parse_any_date(text: &str) -> Option<PageDate> {
    let text = text.trim();
    let utc = FixedOffset::east_opt(0)?;
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let instant = utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single()?;
        return Some(PageDate { instant, has_time: false });
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(PageDate { instant: dt, has_time: true });
    }
    for format in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(PageDate { instant: dt, has_time: true });
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
            let instant = utc.from_local_datetime(&dt).single()?;
            return Some(PageDate { instant, has_time: true });
        }
    }
    None
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Weight, lightest first; then date, newest first; then title.
    #[default]
    Weight,
    /// Newest first.
    Date,
    Title,
}

impl SortBy {
    pub fn name(&self) -> &'static str {
        match self {
            SortBy::Weight => "weight",
            SortBy::Date => "date",
            SortBy::Title => "title",
        }
    }
}

/// A page's or section's header, typed and validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<PageDate>,
    pub updated: Option<PageDate>,
    pub draft: bool,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub aliases: Vec<String>,
    pub authors: Vec<String>,
    /// `toc: false` empties the template's `toc` (no table of contents in any theme).
    pub toc: Option<bool>,
    pub sort_by: Option<SortBy>,
    /// Sections: write a feed of this section at `<section>/atom.xml`.
    pub feed: bool,
    /// Sections: the list (`section.pages`, its pagers and feed) holds the pages of every section
    /// below too, in this section's order: a blog's home that lists every post.
    pub include_pages_below: bool,
    /// Sections: split the list of pages into pagers of this many pages.
    pub paginate_by: Option<usize>,
    /// Sections: the path word of pagers (`page` for `/news/page/2/`), with `paginate_by`.
    pub paginate_path: Option<String>,
    /// `search: false` keeps the page (or the section's own text) out of the search index.
    pub search: Option<bool>,
    /// Taxonomy name -> the terms as written.
    pub taxonomies: Vec<(String, Vec<String>)>,
    pub extra: Value,
    /// Every key as written, including ones Charter does not know.
    pub params: Params,
    /// File line of each top-level key, for messages about values found wrong in later stages.
    pub key_lines: KeyLines,
    /// File line of each alias (parallel to `aliases`).
    pub alias_lines: Vec<usize>,
}

impl FrontMatter {
    /// Drops the copies the template values were made from (`params`, `extra`), once a one-shot
    /// build has built its values. The key lines stay: the output plan's messages, built after
    /// the values, give them.
    pub fn release_converted(&mut self) {
        self.params = Params::default();
        self.extra = Value::Null;
    }

    /// The file line on which `key` is written, if it is.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.key_lines.get(key)
    }
}

/// Every top-level key of a front matter as written, Charter's own and any other, in the order
/// written: what templates see as `params` (`page.params.x`). It is held as its JSON text from
/// the read to the build of the template value: as a map of small strings it cost each page
/// about a kilobyte, as text about a third of that (50,000 pages: ~50 MB of a build's peak).
/// The text is Charter's own making, so reading it back cannot fail but for a bug.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Box<str>);

impl Params {
    fn of(map: &Map<String, Value>) -> Params {
        if map.is_empty() {
            return Params::default();
        }
        let text = serde_json::to_string(map).unwrap_or_else(|e| {
            panic!("front matter values do not write as JSON ({e}): a bug in Charter")
        });
        Params(text.into())
    }

    /// The keys and their values, in the order written. The text is read back without JSON's own
    /// nesting limit: how deep a front matter nests is bounded once, where it is read
    /// ([`crate::yaml`]), and anything that reader accepts must come back.
    pub fn map(&self) -> Map<String, Value> {
        use serde::Deserialize;
        if self.0.is_empty() {
            return Map::new();
        }
        let mut text = serde_json::Deserializer::from_str(&self.0);
        text.disable_recursion_limit();
        Map::deserialize(&mut text).unwrap_or_else(|e| {
            panic!("front matter values do not read back ({e}): a bug in Charter")
        })
    }
}

/// The file line of each top-level key of a front matter, sorted by key: one allocation for the
/// list, where a map took a node of a dozen slots (every page's lives to the end of a build).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyLines(Box<[(Box<str>, u32)]>);

impl KeyLines {
    fn new(mut lines: Vec<(Box<str>, u32)>) -> KeyLines {
        lines.sort_unstable();
        KeyLines(lines.into_boxed_slice())
    }

    pub fn get(&self, key: &str) -> Option<usize> {
        let at = self.0.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        Some(self.0[at].1 as usize)
    }

    /// The keys whose line was found (every key written plainly, on a line of its own).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| &**k)
    }
}

/// A Markdown file cut in two.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where the YAML starts.
    pub yaml_first_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_first_line: usize,
}

/// Cuts `text` (without BOM) into YAML header and body. The header opens with a first line `---`
/// and closes at the next line that is `---` (CRLF line ends are fine).
pub fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').unwrap_or(text.len());
    let first_line = text[..first_end].trim_end();
    let json = first_line == "{" || first_line.starts_with("{\"");
    if first_line == "+++" || json {
        // Zola's and Hugo's TOML, or Hugo's JSON: said as such, not as a file without a header.
        let format = if json { "JSON (`{`)" } else { "TOML (`+++`)" };
        return Err(Diagnostic::error(
            "front-matter",
            format!("the front matter is {format}; Charter reads YAML front matter between `---` lines"),
        )
        .at(Some(1), None)
        .hint("write the header as YAML between `---` lines (`title = \"x\"` becomes `title: \"x\"`); `charter import hugo SOURCE DEST` converts a whole Hugo site's pages"));
    }
    if first_line != "---" {
        let hint = if text.trim().is_empty() {
            "the file is empty: add a header such as\n---\ntitle: \"My page\"\n---"
        } else {
            "start the file with a line `---`, then `title: ...`, then a closing `---` line"
        };
        return Err(Diagnostic::error("front-matter", "the file has no front matter")
            .at(Some(1), None)
            .hint(hint));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map(|i| offset + i).unwrap_or(text.len());
        let current = text[offset..end].trim_end_matches('\r');
        if current == "---" || current == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[body_start..],
                body_first_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(Diagnostic::error("front-matter", "the front matter is not closed")
        .at(Some(1), None)
        .hint("add a line `---` after the last front matter line to close it"))
}

/// Where the header was read from, for messages.
pub struct Origin<'a> {
    pub file: &'a Path,
    /// The whole file's text, to show offending lines.
    pub source: &'a str,
    pub yaml_first_line: usize,
}

impl Origin<'_> {
    fn diag_at_key(&self, d: Diagnostic, yaml: &str, key: &str) -> Diagnostic {
        let d = d.in_file(self.file);
        match line_of_key(yaml, key) {
            Some(l) => d.at_line_of(self.source, l + self.yaml_first_line - 1, None),
            None => d.at(Some(self.yaml_first_line), None),
        }
    }
}

/// Reads the YAML header. Errors and warnings go to `diagnostics`; returns `None` when the header
/// cannot be used.
pub fn parse(
    yaml_text: &str,
    origin: &Origin<'_>,
    taxonomies: &[String],
    is_section: bool,
    diagnostics: &mut Diagnostics,
) -> Option<FrontMatter> {
    let value: Value = match yaml::from_str(yaml_text) {
        Ok(v) => v,
        Err(e) => {
            let mut d = Diagnostic::error(
                "front-matter",
                format!("the front matter is not valid YAML: {}", e.message),
            )
            .in_file(origin.file);
            let hint = if e.message.contains("duplicate") {
                "remove one of the two entries with the same key"
            } else if e.message.contains("tab") {
                "indent with spaces: YAML does not allow tabs"
            } else if e.message.contains("alias") {
                "the header expands aliases too far: write the values out instead of repeating anchors (`&name`/`*name`)"
            } else if e.message.contains("recursion limit") {
                "the header nests too deeply: flatten it"
            } else {
                "fix the YAML at the line shown; quote values that contain `: ` or start with a special character"
            };
            d = d.hint(hint);
            d = match e.line {
                // The parser noticed at the end of the header (an unclosed list or quote): show
                // the header's last written line, where the fix usually goes.
                Some(l) if l > yaml_text.lines().count() => match yaml_text
                    .lines()
                    .collect::<Vec<_>>()
                    .iter()
                    .rposition(|t| !t.trim().is_empty())
                {
                    Some(last) => d.at_line_of(origin.source, last + origin.yaml_first_line, None),
                    None => d.at(Some(origin.yaml_first_line), None),
                },
                Some(l) => d.at_line_of(origin.source, l + origin.yaml_first_line - 1, e.column),
                None => d.at(Some(origin.yaml_first_line), None),
            };
            diagnostics.push(d);
            return None;
        }
    };
    let map = match value {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    "front-matter",
                    "the front matter must be a map of `key: value` lines",
                )
                .in_file(origin.file)
                .at(Some(origin.yaml_first_line), None)
                .hint("write e.g. `title: \"My page\"` between the `---` lines"),
            );
            return None;
        }
    };
    let mut reader = Reader { yaml: yaml_text, origin, diagnostics, failed: false };
    let fm = reader.read(map, taxonomies, is_section);
    if reader.failed {
        None
    } else {
        Some(fm)
    }
}

struct Reader<'a, 'b> {
    yaml: &'a str,
    origin: &'a Origin<'b>,
    diagnostics: &'a mut Diagnostics,
    failed: bool,
}

impl Reader<'_, '_> {
    fn error(&mut self, key: &str, message: String, hint: String) {
        let d = self.origin.diag_at_key(
            Diagnostic::error("front-matter", message).hint(hint),
            self.yaml,
            key,
        );
        self.diagnostics.push(d);
        self.failed = true;
    }

    fn string(&mut self, map: &Map<String, Value>, key: &str) -> Option<String> {
        match map.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                self.error(
                    key,
                    format!("`{key}` must be text, not {}", kind(other)),
                    format!("write `{key}: \"...\"`"),
                );
                None
            }
        }
    }

    fn strings(&mut self, map: &Map<String, Value>, key: &str) -> Vec<String> {
        match map.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        Value::Number(n) => out.push(n.to_string()),
                        Value::Bool(b) => out.push(b.to_string()),
                        other => self.error(
                            key,
                            format!(
                                "`{key}` must be a list of text values, but one item is {}",
                                kind(other)
                            ),
                            format!("write `{key}: [\"first\", \"second\"]`"),
                        ),
                    }
                }
                out
            }
            Some(other) => {
                self.error(
                    key,
                    format!("`{key}` must be a list, not {}", kind(other)),
                    format!("write `{key}: [\"first\", \"second\"]`"),
                );
                Vec::new()
            }
        }
    }

    fn date(&mut self, map: &Map<String, Value>, key: &str) -> Option<PageDate> {
        let text = self.string(map, key)?;
        match read_date(&text) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                self.error(
                    key,
                    format!("`{key}: {text}` is not a valid date"),
                    format!("write `{key}: 2023-03-21`, `{key}: 2023-03-21T09:30:00Z` or `{key}: 2023-03-21 09:30:00 +0100`"),
                );
                None
            }
            Err(e) => {
                self.error(key, format!("`{key}: {text}`: {}", e.message), e.hint);
                None
            }
        }
    }

    fn bool(&mut self, map: &Map<String, Value>, key: &str) -> bool {
        match map.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.error(
                    key,
                    format!("`{key}` must be true or false, not {}", describe(other)),
                    format!("write `{key}: true` or `{key}: false`"),
                );
                false
            }
        }
    }

    fn read(
        &mut self,
        map: Map<String, Value>,
        taxonomies: &[String],
        is_section: bool,
    ) -> FrontMatter {
        let mut fm = FrontMatter::default();
        match map.get("title") {
            Some(Value::String(s)) if !s.trim().is_empty() => fm.title = s.clone(),
            Some(Value::Number(n)) => fm.title = n.to_string(),
            Some(Value::String(_)) | Some(Value::Null) => self.error(
                "title",
                "the title is empty".into(),
                "write the page's title, e.g. `title: \"Why not NATO enlargement\"`".into(),
            ),
            Some(other) => self.error(
                "title",
                format!("`title` must be text, not {}", kind(other)),
                "write `title: \"...\"`".into(),
            ),
            None => {
                let d = Diagnostic::error("front-matter", "the front matter has no `title`")
                    .in_file(self.origin.file)
                    .at(Some(self.origin.yaml_first_line), None)
                    .hint("add a line such as `title: \"My page\"` to the front matter");
                self.diagnostics.push(d);
                self.failed = true;
            }
        }
        fm.description = self.string(&map, "description");
        fm.date = self.date(&map, "date");
        fm.updated = self.date(&map, "updated");
        fm.draft = self.bool(&map, "draft");
        fm.toc = map.get("toc").filter(|v| !v.is_null()).map(|_| self.bool(&map, "toc"));
        fm.feed = self.bool(&map, "feed");
        fm.search = map.get("search").filter(|v| !v.is_null()).map(|_| self.bool(&map, "search"));
        fm.include_pages_below = self.bool(&map, "include_pages_below");
        if let Some(slug) = self.string(&map, "slug") {
            if is_safe_segment(&slug) && !slug.starts_with('.') {
                fm.slug = Some(slug);
            } else {
                self.error(
                    "slug",
                    format!("the slug `{slug}` is not a single safe path segment"),
                    "a slug is one URL segment: no `/`, `\\`, `..`, `:` or leading `.`; to publish at another path, move the file or add an alias".into(),
                );
            }
        }
        match map.get("weight") {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) if n.as_i64().is_some() => fm.weight = n.as_i64(),
            Some(other) => self.error(
                "weight",
                format!("`weight` must be a whole number, not {}", describe(other)),
                "write e.g. `weight: 10`".into(),
            ),
        }
        fm.template = self.string(&map, "template");
        if let Some(t) = &fm.template {
            if t.contains("..") || t.starts_with('/') || t.contains('\\') {
                let t = t.clone();
                self.error(
                    "template",
                    format!("`template: {t}` is not a template name"),
                    "name a file in the theme's templates/ folder, e.g. `template: wide.html`"
                        .into(),
                );
            }
        }
        fm.aliases = self.strings(&map, "aliases");
        fm.alias_lines = self.alias_lines(&fm.aliases);
        for (alias, &line) in fm.aliases.iter().zip(&fm.alias_lines) {
            if let Err(why) = crate::content::paths::check_alias(alias) {
                let d = Diagnostic::error("front-matter", format!("the alias `{alias}` {why}"))
                    .hint("an alias is a path on this site such as `/old/path/`: no `..`, `\\`, host or scheme")
                    .in_file(self.origin.file)
                    .at_line_of(self.origin.source, line, None);
                self.diagnostics.push(d);
                self.failed = true;
            }
        }
        fm.authors = self.strings(&map, "authors");
        if let Some(sort) = self.string(&map, "sort_by") {
            fm.sort_by = match sort.as_str() {
                "date" => Some(SortBy::Date),
                "weight" => Some(SortBy::Weight),
                "title" => Some(SortBy::Title),
                _ => {
                    self.error(
                        "sort_by",
                        format!("`sort_by: {sort}` is not a known order"),
                        "use `sort_by: date`, `weight` or `title`".into(),
                    );
                    None
                }
            };
        }
        match map.get("paginate_by") {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => {
                fm.paginate_by = n.as_u64().map(|n| n as usize)
            }
            Some(other) => self.error(
                "paginate_by",
                format!("`paginate_by` must be a whole number above 0, not {}", describe(other)),
                "write e.g. `paginate_by: 10` (pages a pager), or leave it out to list every page on one page".into(),
            ),
        }
        if let Some(word) = self.string(&map, "paginate_path") {
            match crate::config::check_paginate_path(&word) {
                Ok(()) if fm.paginate_by.is_some() => fm.paginate_path = Some(word),
                Ok(()) => self.error(
                    "paginate_path",
                    "`paginate_path` is set but there is no `paginate_by`, so the section has no pagers".into(),
                    "add `paginate_by: 10`, or remove `paginate_path`".into(),
                ),
                Err(message) => self.error(
                    "paginate_path",
                    message,
                    "write one word such as `paginate_path: page` (pager 2 is then at /<section>/page/2/)".into(),
                ),
            }
        }
        if map.contains_key("paginate") {
            self.error(
                "paginate",
                "`paginate` is not a Charter key: the number of pages a pager is `paginate_by`"
                    .into(),
                "write `paginate_by: 10` in the section's _index.md instead".into(),
            );
        }
        fm.extra = match map.get("extra") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(v @ Value::Object(_)) => v.clone(),
            Some(other) => {
                self.error(
                    "extra",
                    format!("`extra` must be a map, not {}", kind(other)),
                    "write `extra:` followed by indented `key: value` lines".into(),
                );
                Value::Object(Map::new())
            }
        };
        for name in taxonomies {
            let terms = self.strings(&map, name);
            let terms: Vec<String> = terms.into_iter().filter(|t| !t.trim().is_empty()).collect();
            for term in &terms {
                if !crate::content::term_has_url(term) {
                    self.error(
                        name,
                        format!("the term {term:?} of `{name}` has no letter or digit to make its URL from"),
                        "give the term a letter or digit (e.g. `dotnet`), or remove it".into(),
                    );
                }
            }
            fm.taxonomies.push((name.clone(), terms));
        }
        let mut known: Vec<&str> = FRONT_MATTER_KEYS.iter().map(|k| k.name).collect();
        known.extend(taxonomies.iter().map(String::as_str));
        for key in map.keys() {
            if let Some(d) = descriptor(key) {
                match (d.applies_to, is_section) {
                    (AppliesTo::Sections, false) => self.error(
                        key,
                        format!("`{key}` only applies to sections (`_index.md`), not to a page"),
                        format!("remove `{key}` from this page, or move it to its section's _index.md"),
                    ),
                    (AppliesTo::Pages, true) => self.error(
                        key,
                        format!("`{key}` only applies to pages: a section's URL is its folder"),
                        format!("remove `{key}` from this _index.md (rename the folder to change the section's URL)"),
                    ),
                    _ => {}
                }
                continue;
            }
            if known.contains(&key.as_str()) {
                continue;
            }
            if DEFAULT_TAXONOMIES_ELSEWHERE.contains(&key.as_str()) {
                // Hugo and Jekyll make pages for these without being told: here they are a
                // theme's key unless site.yaml names them, which a newcomer may not know.
                let site_has = if taxonomies.is_empty() {
                    "the site has none".to_string()
                } else {
                    format!("the site's: {}", taxonomies.join(", "))
                };
                self.warn(
                    key,
                    format!("`{key}` is not one of the site's taxonomies ({site_has}), so its terms get no pages"),
                    format!("add `{key}` to `taxonomies:` in site.yaml, or move it under `extra:` if only the theme reads it"),
                );
                continue;
            }
            if let Some(best) = closest_match(key, &known) {
                self.warn(
                    key,
                    format!("unknown front matter key `{key}`"),
                    format!("did you mean `{best}`?"),
                );
            }
        }
        let file_line = |l: usize| l + self.origin.yaml_first_line - 1;
        let lines = map
            .keys()
            .filter_map(|key| {
                let line = line_of_key(self.yaml, key)?;
                Some((Box::from(key.as_str()), u32::try_from(file_line(line)).ok()?))
            })
            .collect();
        fm.key_lines = KeyLines::new(lines);
        fm.params = Params::of(&map);
        fm
    }

    /// The file line of each alias: the first line from the `aliases` key on that holds it.
    fn alias_lines(&self, aliases: &[String]) -> Vec<usize> {
        let aliases_line = line_of_key(self.yaml, "aliases").unwrap_or(1);
        aliases
            .iter()
            .map(|alias| {
                let found = self
                    .yaml
                    .lines()
                    .enumerate()
                    .skip(aliases_line - 1)
                    .find(|(_, t)| t.contains(alias.as_str()))
                    .map(|(i, _)| i + 1);
                found.unwrap_or(aliases_line) + self.origin.yaml_first_line - 1
            })
            .collect()
    }

    fn warn(&mut self, key: &str, message: String, hint: String) {
        let d = self.origin.diag_at_key(
            Diagnostic::warning("front-matter", message).hint(hint),
            self.yaml,
            key,
        );
        self.diagnostics.push(d);
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => kind(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the key table of docs/front-matter.md: `(key, applies to, type)`.
    fn documented_keys() -> Vec<(String, String, String)> {
        let docs = include_str!("../../docs/front-matter.md");
        docs.lines()
            .skip_while(|l| !l.starts_with("| key | applies to |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (cells[1].trim_matches('`').to_string(), cells[2].to_string(), cells[3].to_string())
            })
            .collect()
    }

    #[test]
    fn the_docs_table_lists_every_declared_key_as_declared() {
        let declared: Vec<(String, String, String)> = FRONT_MATTER_KEYS
            .iter()
            .map(|k| (k.name.to_string(), k.applies_to.describe().to_string(), k.kind.to_string()))
            .collect();
        assert_eq!(
            documented_keys(),
            declared,
            "docs/front-matter.md and FRONT_MATTER_KEYS differ"
        );
    }

    fn read_header(yaml: &str, is_section: bool) -> (Option<FrontMatter>, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let origin = Origin { file: Path::new("content/x.md"), source: yaml, yaml_first_line: 1 };
        let fm = parse(yaml, &origin, &["topics".to_string()], is_section, &mut diagnostics);
        (fm, diagnostics)
    }

    #[test]
    fn every_declared_key_is_read_where_it_applies_and_refused_elsewhere() {
        let value = |name: &str| match name {
            "date" | "updated" => "2024-01-02",
            "draft" | "toc" | "feed" | "include_pages_below" | "search" => "true",
            "weight" | "paginate_by" => "3",
            "aliases" | "authors" => "[a]",
            "sort_by" => "date",
            "extra" => "{ k: v }",
            "template" => "x.html",
            _ => "word",
        };
        for k in FRONT_MATTER_KEYS {
            let mut yaml = format!("{}: {}\n", k.name, value(k.name));
            if k.name != "title" {
                yaml.push_str("title: T\n");
            }
            if k.name == "paginate_path" {
                yaml.push_str("paginate_by: 2\n");
            }
            for is_section in [false, true] {
                let applies = match k.applies_to {
                    AppliesTo::Both => true,
                    AppliesTo::Pages => !is_section,
                    AppliesTo::Sections => is_section,
                };
                let (fm, diagnostics) = read_header(&yaml, is_section);
                let text = diagnostics.to_string();
                assert_eq!(fm.is_some(), applies, "{} (section: {is_section}): {text}", k.name);
                if applies {
                    assert!(!text.contains("unknown"), "{}: {text}", k.name);
                    let fm = fm.unwrap_or_default();
                    let read = match k.name {
                        "title" => fm.title == "word",
                        "description" => fm.description.is_some(),
                        "date" => fm.date.is_some(),
                        "updated" => fm.updated.is_some(),
                        "draft" => fm.draft,
                        "slug" => fm.slug.is_some(),
                        "weight" => fm.weight == Some(3),
                        "template" => fm.template.is_some(),
                        "aliases" => fm.aliases == ["a"],
                        "authors" => fm.authors == ["a"],
                        "toc" => fm.toc == Some(true),
                        "sort_by" => fm.sort_by == Some(SortBy::Date),
                        "feed" => fm.feed,
                        "include_pages_below" => fm.include_pages_below,
                        "paginate_by" => fm.paginate_by == Some(3),
                        "paginate_path" => fm.paginate_path.as_deref() == Some("word"),
                        "search" => fm.search == Some(true),
                        "extra" => fm.extra.get("k").is_some(),
                        other => {
                            panic!("the test does not know the declared key `{other}`: add it")
                        }
                    };
                    assert!(read, "`{}` is declared but not read into FrontMatter", k.name);
                } else {
                    assert!(text.contains("only applies to"), "{}: {text}", k.name);
                }
            }
        }
    }

    #[test]
    fn params_read_back_every_key_as_written_in_order() {
        let yaml = "zeta: 1\ntitle: T\nratio: 0.1\nbig: 18446744073709551615\nneg: -7\n\
                    third: 0.30000000000000004\nnested: { b: [1, 'two', null, true], a: {} }\n\
                    empty: ''\nuni: \"Україна \\\"quoted\\\" \\u0007\"\n";
        let (fm, diagnostics) = read_header(yaml, false);
        let fm = fm.unwrap_or_else(|| panic!("{diagnostics}"));
        let expected: Value = yaml::from_str(yaml).unwrap();
        let map = fm.params.map();
        assert_eq!(Value::Object(map.clone()), expected);
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["zeta", "title", "ratio", "big", "neg", "third", "nested", "empty", "uni"]
        );
        assert_eq!(map["third"].as_f64(), Some(0.1 + 0.2), "a float reads back to the same bits");
        let nested: Vec<&str> =
            map["nested"].as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(nested, ["b", "a"], "nested maps keep their order too");
        let (empty, _) = read_header("title: T\n", false);
        assert_eq!(empty.unwrap().params.map().len(), 1);
        assert!(Params::default().map().is_empty());
    }

    /// Whatever depth the YAML reader accepts, the held text gives back (JSON's reader has a
    /// nesting limit of its own, one level short of the YAML reader's, that once panicked here).
    #[test]
    fn params_read_back_at_every_depth_the_header_may_nest() {
        let mut deepest = 0;
        for depth in 1..=200 {
            let yaml = format!("title: T\nx: {}{}\n", "[".repeat(depth), "]".repeat(depth));
            let (fm, _) = read_header(&yaml, false);
            let Some(fm) = fm else { break };
            let expected: Value = yaml::from_str(&yaml).unwrap();
            assert_eq!(Value::Object(fm.params.map()), expected, "depth {depth}");
            deepest = depth;
        }
        assert!(deepest >= 120, "the reader refused a header nested {} deep", deepest + 1);
    }

    #[test]
    fn splits_with_crlf_and_bom() {
        let s = split("\u{feff}---\r\ntitle: x\r\n---\r\nbody\r\n").unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.body, "body\r\n");
        assert_eq!(s.body_first_line, 4);
    }

    #[test]
    fn unclosed_header_is_an_error() {
        let e = split("---\ntitle: x\nbody\n").unwrap_err();
        assert!(e.message.contains("not closed"));
    }

    #[test]
    fn dates_take_every_documented_form() {
        assert!(!parse_date("2023-03-21").unwrap().has_time);
        assert!(parse_date("2023-03-21T10:00:00Z").unwrap().has_time);
        assert!(parse_date("2023-03-21T10:00:00+02:00").is_some());
        let hugo = parse_date("2010-10-22 11:33:15 -0400").unwrap();
        assert_eq!(hugo.to_rfc3339(), "2010-10-22T11:33:15-04:00");
        assert!(parse_date("2023-13-45").is_none());
        assert!(parse_date("-2023-01-01").is_none());
        assert!(parse_date("+12023-01-01").is_none());
        assert!(parse_date("0000-01-01T00:30:00+01:00").is_none(), "year -1 in UTC");
        assert!(parse_date("9999-12-31").is_some());
        assert!(parse_date("0000-01-01").is_some());
    }
}
