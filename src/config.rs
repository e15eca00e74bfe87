//! `site.yaml` -> `Config`: the site's settings, validated. Unknown keys are errors that suggest
//! the nearest known key; every error names the line of `site.yaml` it is about.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Diagnostic, Diagnostics};
use crate::text::{closest_match, line_of_key};
use crate::validate::{BaseUrl, ValueError};
use crate::yaml;

/// The file name of a site's configuration, at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

const KNOWN_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "languages",
    "theme",
    "taxonomies",
    "feed",
    "highlight",
    "markdown",
    "repository",
    "max_file_size",
    "search",
    "extra",
];

/// Settings of the site feed (`atom.xml`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeedConfig {
    pub enabled: bool,
    pub filename: String,
    pub limit: usize,
}

/// The syntect themes whose classes are written to `syntax.css`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HighlightConfig {
    pub light_theme: String,
    pub dark_theme: String,
}

/// How a list (a section's pages, a taxonomy term's pages) is split into pagers: `by` pages a
/// pager, pager k (k >= 2) at `<list URL><path>/k/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub by: usize,
    pub path: String,
}

/// The path word of pagers when none is set: `/news/page/2/`, as in Zola and Hugo.
pub const DEFAULT_PAGINATE_PATH: &str = "page";

/// Where a pager's number goes in a `paginate_path` written in Jekyll's form: `page:num` puts
/// pager 2 at `/page2/`. Without it, the number is a folder of its own: `/page/2/`.
pub const NUMBER_PLACEHOLDER: &str = ":num";

/// Checks a `paginate_path` value: one safe URL segment that is not a number (a number would read
/// as a pager's own number), or a segment with Jekyll's `:num` once where the number goes
/// (`page:num` puts pager 2 at `/page2/`).
pub fn check_paginate_path(word: &str) -> Result<(), String> {
    let placeholders = word.matches(NUMBER_PLACEHOLDER).count();
    let rest = word.replacen(NUMBER_PLACEHOLDER, "", 1);
    if placeholders > 1
        || (placeholders == 1 && !rest.is_empty() && !crate::text::is_safe_segment(&rest))
        || (placeholders == 0 && !crate::text::is_safe_segment(word))
        || word.starts_with('.')
        || rest.contains(':')
    {
        return Err(format!("`paginate_path: {word}` is not a single safe path segment"));
    }
    if rest.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "`paginate_path: {word}` is a number, which reads as a pager's number"
        ));
    }
    Ok(())
}

/// Markdown options a site can switch.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct MarkdownConfig {
    /// Clean raw HTML in Markdown with ammonia (for sites that publish outside contributions).
    pub sanitize_html: bool,
    /// A `#` permalink inside every h2 and h3.
    pub heading_anchors: bool,
    /// A stable id and a `¶` permalink on every paragraph.
    pub paragraph_anchors: bool,
}

/// One language of a multilingual site (`languages:` in `site.yaml`), with the settings that
/// differ per language already resolved: the top-level ones where it sets none, its `extra`
/// deep-merged over the top-level `extra`.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// `uk`, `pt-br` (checked by [`check_language_code`]).
    pub code: String,
    /// Shown in a language switcher (defaults to the code).
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub taxonomies: Vec<String>,
    pub extra: Value,
}

/// The keys of one entry of `languages:`.
const LANGUAGE_KEYS: &[&str] = &["name", "title", "description", "taxonomies", "extra"];

/// Checks a language code, the one rule for `language:`, the keys of `languages:` and the
/// suffixes of content files (`essay.uk.md`): lowercase ASCII letters, digits and `-`, starting
/// with a letter and not ending with `-` (`uk`, `pt-br`).
pub fn check_language_code(code: &str) -> Result<(), String> {
    let ok = code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!("`{code}` is not a language code (lowercase letters, digits and `-`, e.g. `uk` or `pt-br`)"))
    }
}

/// Checks the `language:` of a site without `languages:` (one with them takes
/// [`check_language_code`]): a language tag of ASCII letters and
/// digits in parts joined by `-` or `_` (`en`, `en-US`, `en_US`), at most 35 characters.
pub fn check_language_tag(tag: &str) -> Result<(), String> {
    let ok = tag.len() <= 35
        && tag
            .split(['-', '_'])
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
        && tag.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if ok {
        Ok(())
    } else {
        Err(format!("`{tag}` is not a language tag (letters and digits joined by `-`, e.g. `en` or `en-US`)"))
    }
}

/// A site's validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    /// Without a trailing slash, e.g. `https://example.org` or `https://example.org/blog`.
    pub base_url: String,
    pub description: Option<String>,
    pub language: String,
    pub theme: Option<String>,
    pub taxonomies: Vec<String>,
    /// Taxonomy name -> how its term pages are paginated (`taxonomies: [{name, paginate_by}]`).
    pub term_pagination: std::collections::BTreeMap<String, Pagination>,
    pub feed: FeedConfig,
    pub highlight: HighlightConfig,
    pub markdown: MarkdownConfig,
    /// Every language of a multilingual site, the default (`language`) first, then the others in
    /// the order of `languages:`. Empty when `site.yaml` has no `languages:` (then no file name
    /// is read as a translation).
    pub languages: Vec<Language>,
    /// A repository web URL for `edit_url`/`history_url` (e.g. `https://github.com/org/site`).
    pub repository: Option<String>,
    /// The largest input file the site may hold, in bytes (see [`crate::site_files`]).
    pub max_file_size: u64,
    /// `search: false` writes no search index (see [`crate::search`]).
    pub search: bool,
    pub extra: Value,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            base_url: "http://127.0.0.1".into(),
            description: None,
            language: "en".into(),
            theme: None,
            taxonomies: Vec::new(),
            term_pagination: std::collections::BTreeMap::new(),
            feed: FeedConfig { enabled: true, filename: "atom.xml".into(), limit: 20 },
            highlight: HighlightConfig {
                light_theme: "InspiredGitHub".into(),
                dark_theme: "base16-ocean.dark".into(),
            },
            markdown: MarkdownConfig::default(),
            languages: Vec::new(),
            repository: None,
            max_file_size: crate::site_files::DEFAULT_MAX_FILE_SIZE,
            search: true,
            extra: Value::Object(Map::new()),
        }
    }
}

/// The folders under the site root whose files are inputs of a build (with [`CONFIG_FILE`]):
/// what `serve` watches, what `freshness` digests, what the output folder may not be inside.
pub const INPUT_DIRS: &[&str] = &["content", "themes", "templates", "static", "data", "i18n"];

impl Config {
    /// Whether the site has `languages:` (and so reads `name.CODE.md` as translations).
    pub fn is_multilingual(&self) -> bool {
        !self.languages.is_empty()
    }

    /// The settings of the language `code` (`None` for a language the site does not have, and for
    /// every language of a site without `languages:`).
    pub fn language_settings(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The taxonomies of language `code`: its own, or the top-level ones.
    pub fn taxonomies_of(&self, code: &str) -> &[String] {
        match self.language_settings(code) {
            Some(language) => &language.taxonomies,
            None => &self.taxonomies,
        }
    }

    /// The URL prefix of language `code`: "" for the default language, `/uk` for another.
    pub fn language_prefix(&self, code: &str) -> String {
        if code == self.language {
            String::new()
        } else {
            format!("/{code}")
        }
    }

    /// The scheme and host of `base_url`, without its path: `https://example.org`.
    pub fn origin(&self) -> &str {
        &self.base_url[..self.base_url.len() - self.base_path().len()]
    }

    /// The files of the site at `root`, read with this configuration's size limit.
    pub fn site_files(&self, root: &Path) -> crate::site_files::SiteFiles {
        crate::site_files::SiteFiles::new(root, self.max_file_size)
    }

    /// Reads and validates `site.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let files =
            crate::site_files::SiteFiles::new(root, crate::site_files::DEFAULT_MAX_FILE_SIZE);
        let path = files.confine(Path::new(CONFIG_FILE)).map_err(Diagnostics::from)?;
        if let Err(err) = std::fs::metadata(&path) {
            let d = if err.kind() == std::io::ErrorKind::NotFound {
                Diagnostic::error("config", format!("no {CONFIG_FILE} in {}", root.display()))
                    .hint("run Charter from the site's root folder, pass --root DIR, or create a site with `charter init DIR`")
            } else {
                crate::error::io_error(&path, "read the site configuration", &err)
            };
            return Err(Diagnostics::from(d.in_file(CONFIG_FILE)));
        }
        let text = files.read_text(&path).map_err(Diagnostics::from)?;
        Config::parse(&text)
    }

    /// Parses the text of a `site.yaml`.
    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = yaml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error("config", format!("{CONFIG_FILE} is not valid YAML: {}", e.message))
                .in_file(CONFIG_FILE)
                .hint("fix the YAML syntax at the line shown (indent with spaces, quote values containing ': ')");
            if let Some(line) = e.line {
                d = d.at_line_of(text, line, e.column);
            }
            Diagnostics::from(d)
        })?;
        let map = match value {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => {
                return Err(Diagnostic::error(
                    "config",
                    format!("{CONFIG_FILE} must be a map of settings"),
                )
                .in_file(CONFIG_FILE)
                .hint("write `key: value` lines, e.g. `title: My site`")
                .into())
            }
        };
        let mut reader = ConfigReader { text, diagnostics: Diagnostics::new() };
        let config = reader.read(&map);
        if reader.diagnostics.has_errors() {
            Err(reader.diagnostics)
        } else {
            Ok(config)
        }
    }

    /// The base URL's path part, without trailing slash: "" for `https://x.org`, "/blog" for
    /// `https://x.org/blog`.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map(|i| i + 3).unwrap_or(0);
        match self.base_url[after_scheme..].find('/') {
            Some(i) => &self.base_url[after_scheme + i..],
            None => "",
        }
    }

    /// Sets the base URL (from `--base-url` or `serve`) through the same rule as `site.yaml`'s
    /// ([`BaseUrl::parse`]), normalised without trailing slash.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), ValueError> {
        self.base_url = BaseUrl::parse(url)?.as_str().to_string();
        Ok(())
    }
}

struct ConfigReader<'a> {
    text: &'a str,
    diagnostics: Diagnostics,
}

impl ConfigReader<'_> {
    fn error(&mut self, key: &str, message: String, hint: &str) {
        let mut d = Diagnostic::error("config", message).in_file(CONFIG_FILE).hint(hint);
        if let Some(line) = line_of_key(self.text, key) {
            d = d.at_line_of(self.text, line, None);
        }
        self.diagnostics.push(d);
    }

    fn string(&mut self, map: &Map<String, Value>, key: &str) -> Option<String> {
        match map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(_) => {
                self.error(
                    key,
                    format!("`{key}` must be a string"),
                    &format!("write `{key}: \"...\"`"),
                );
                None
            }
        }
    }

    /// One `taxonomies:` entry written as a map, `{ name: topics, paginate_by: 10, paginate_path:
    /// page }`: records its pagination and returns its name (`None` when it has none).
    fn taxonomy_entry(
        &mut self,
        entry: &Map<String, Value>,
        config: &mut Config,
    ) -> Option<String> {
        let name = entry.get("name").and_then(Value::as_str).map(str::to_string);
        let mut by = None;
        let mut path = DEFAULT_PAGINATE_PATH.to_string();
        for (key, value) in entry {
            match (key.as_str(), value) {
                ("name", _) => {}
                ("paginate_by", Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => {
                    by = n.as_u64().map(|n| n as usize)
                }
                ("paginate_by", other) => self.error(
                    "paginate_by",
                    format!("`paginate_by` must be a whole number above 0, not `{}`", value_text(other)),
                    "write e.g. `paginate_by: 10` (pages a pager), or leave it out to list every page of a term on one page",
                ),
                ("paginate_path", Value::String(word)) => match check_paginate_path(word) {
                    Ok(()) => path = word.clone(),
                    Err(message) => self.error(
                        "paginate_path",
                        message,
                        "write one word such as `paginate_path: page` (pager 2 is then at /topics/<term>/page/2/)",
                    ),
                },
                _ => self.error(
                    key,
                    format!("`{key}` is not a known taxonomy setting or has the wrong type"),
                    "taxonomy settings: `name: topics`, `paginate_by: 10`, `paginate_path: page`",
                ),
            }
        }
        if entry.contains_key("paginate_path") && by.is_none() {
            self.error(
                "paginate_path",
                "`paginate_path` is set but the taxonomy has no `paginate_by`, so it has no pagers"
                    .into(),
                "add `paginate_by: 10` to the entry, or remove `paginate_path`",
            );
        }
        if let (Some(name), Some(by)) = (&name, by) {
            config.term_pagination.insert(name.clone(), Pagination { by, path });
        }
        name
    }

    fn read(&mut self, map: &Map<String, Value>) -> Config {
        let mut config = Config::default();
        for key in map.keys() {
            if !KNOWN_KEYS.contains(&key.as_str()) {
                let hint = match closest_match(key, KNOWN_KEYS) {
                    Some(best) => {
                        format!("did you mean `{best}`? Free-form settings go under `extra:`")
                    }
                    None => format!(
                        "known keys: {}; free-form settings go under `extra:`",
                        KNOWN_KEYS.join(", ")
                    ),
                };
                self.error(key, format!("unknown key `{key}` in {CONFIG_FILE}"), &hint);
            }
        }
        config.title = self.string(map, "title").unwrap_or_default();
        match self.string(map, "base_url") {
            Some(url) => match BaseUrl::parse(&url) {
                Ok(url) => config.base_url = url.as_str().to_string(),
                Err(e) => self.error("base_url", format!("`base_url`: {}", e.message), &e.hint),
            },
            None => self.error(
                "base_url",
                "`base_url` is missing".into(),
                "add e.g. `base_url: https://example.org`",
            ),
        }
        config.description = self.string(map, "description");
        if let Some(lang) = self.string(map, "language") {
            // The language names a folder of the search index and the page's `lang`: a tag such
            // as `en`, `en-US` or `en_US` (as Hugo and Jekyll sites write it). A site with
            // `languages:` asks of it what it asks of every code it lists.
            let (checked, hint) = if map.get("languages").is_some_and(|v| !v.is_null()) {
                (check_language_code(&lang), "a site with `languages:` names its default language with a code such as `language: en`")
            } else {
                (check_language_tag(&lang), "write the language of the site's pages as a tag such as `language: en` or `language: en-US`")
            };
            if let Err(message) = checked {
                self.error("language", format!("`language`: {message}"), hint);
            }
            config.language = lang;
        }
        config.theme = self.string(map, "theme");
        if let Some(theme) = &config.theme {
            if theme.contains(['/', '\\']) || theme.contains("..") {
                let theme = theme.clone();
                self.error(
                    "theme",
                    format!("`theme` must be a folder name under themes/, not `{theme}`"),
                    "write e.g. `theme: institute`",
                );
            }
        }
        match map.get("taxonomies") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for item in items {
                    let name = match item {
                        Value::Object(entry) => self.taxonomy_entry(entry, &mut config),
                        other => other.as_str().map(str::to_string),
                    };
                    match name {
                        Some(name) if crate::text::is_safe_segment(&name) => {
                            config.taxonomies.push(name)
                        }
                        Some(_) | None => self.error(
                            "taxonomies",
                            format!("taxonomy name {item} is not a plain name"),
                            "write names like `taxonomies: [topics, tags]`, or `- { name: topics, paginate_by: 10 }`",
                        ),
                    }
                }
            }
            Some(_) => self.error(
                "taxonomies",
                "`taxonomies` must be a list".into(),
                "write `taxonomies: [topics]`",
            ),
        }
        match map.get("feed") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(enabled)) => config.feed.enabled = *enabled,
            Some(Value::Object(feed)) => {
                for (key, value) in feed {
                    match (key.as_str(), value) {
                        ("enabled", Value::Bool(b)) => config.feed.enabled = *b,
                        ("limit", Value::Number(n)) if n.as_u64().is_some() => {
                            config.feed.limit = n.as_u64().unwrap_or(20) as usize
                        }
                        ("filename", Value::String(s)) if crate::text::is_safe_segment(s) => config.feed.filename = s.clone(),
                        _ => self.error(
                            key,
                            format!("`feed.{key}` is not a known feed setting or has the wrong type"),
                            "feed settings: `enabled: true|false`, `limit: 20`, `filename: atom.xml`",
                        ),
                    }
                }
            }
            Some(_) => self.error(
                "feed",
                "`feed` must be true, false or a map".into(),
                "write `feed: { enabled: true, limit: 20 }`",
            ),
        }
        match map.get("search") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(enabled)) => config.search = *enabled,
            Some(other) => self.error(
                "search",
                format!("`search` must be true or false, not `{}`", value_text(other)),
                "write `search: false` to build no search index (it is on by default)",
            ),
        }
        match map.get("highlight") {
            None | Some(Value::Null) => {}
            Some(Value::Object(h)) => {
                for (key, value) in h {
                    match (key.as_str(), value.as_str()) {
                        ("light_theme", Some(s)) => config.highlight.light_theme = s.to_string(),
                        ("dark_theme", Some(s)) => config.highlight.dark_theme = s.to_string(),
                        _ => self.error(
                            key,
                            format!("`highlight.{key}` is not a known highlight setting"),
                            "highlight settings: `light_theme: InspiredGitHub`, `dark_theme: base16-ocean.dark`",
                        ),
                    }
                }
                for theme in
                    [config.highlight.light_theme.clone(), config.highlight.dark_theme.clone()]
                {
                    if !crate::highlight::theme_exists(&theme) {
                        self.error(
                            "highlight",
                            format!("unknown highlighting theme `{theme}`"),
                            &format!(
                                "available themes: {}",
                                crate::highlight::theme_names().join(", ")
                            ),
                        );
                    }
                }
            }
            Some(_) => self.error(
                "highlight",
                "`highlight` must be a map".into(),
                "write `highlight: { light_theme: InspiredGitHub, dark_theme: base16-ocean.dark }`",
            ),
        }
        match map.get("markdown") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (key, value) in m {
                    match (key.as_str(), value) {
                        ("sanitize_html", Value::Bool(b)) => config.markdown.sanitize_html = *b,
                        ("heading_anchors", Value::Bool(b)) => config.markdown.heading_anchors = *b,
                        ("paragraph_anchors", Value::Bool(b)) => config.markdown.paragraph_anchors = *b,
                        _ => self.error(
                            key,
                            format!("`markdown.{key}` is not a known Markdown setting"),
                            "Markdown settings: `sanitize_html`, `heading_anchors`, `paragraph_anchors` (each true or false)",
                        ),
                    }
                }
            }
            Some(_) => self.error(
                "markdown",
                "`markdown` must be a map".into(),
                "write `markdown: { sanitize_html: true }`",
            ),
        }
        config.repository =
            self.string(map, "repository").map(|s| s.trim_end_matches('/').to_string());
        match map.get("max_file_size") {
            None | Some(Value::Null) => {}
            Some(value) => match value.as_u64().filter(|n| *n > 0).or_else(|| value.as_str().and_then(crate::site_files::parse_size)) {
                Some(limit) => config.max_file_size = limit,
                None => self.error(
                    "max_file_size",
                    format!("`max_file_size` must be a size such as `64 MiB` or a number of bytes, not `{}`", value_text(value)),
                    "write e.g. `max_file_size: 128 MiB` (units: bytes, KiB, MiB, GiB) or a number of bytes",
                ),
            },
        }
        match map.get("extra") {
            None | Some(Value::Null) => {}
            Some(v @ Value::Object(_)) => config.extra = v.clone(),
            Some(_) => self.error(
                "extra",
                "`extra` must be a map".into(),
                "write `extra:` followed by indented `key: value` lines",
            ),
        }
        match map.get("languages") {
            None | Some(Value::Null) => {}
            Some(Value::Object(entries)) => self.languages(entries, &mut config),
            Some(_) => self.error(
                "languages",
                "`languages` must be a map of language codes".into(),
                "write `languages:` followed by indented entries such as `uk: { name: \"Українська\" }`",
            ),
        }
        config
    }

    /// `languages:`: one entry per language code; the default language (`language:`) may appear
    /// for its name only. Fills `config.languages`, the default first.
    fn languages(&mut self, entries: &Map<String, Value>, config: &mut Config) {
        let mut default = Language {
            code: config.language.clone(),
            name: config.language.clone(),
            title: config.title.clone(),
            description: config.description.clone(),
            taxonomies: config.taxonomies.clone(),
            extra: config.extra.clone(),
        };
        let mut others = Vec::new();
        for (code, entry) in entries {
            if let Err(message) = check_language_code(code) {
                self.error(
                    code,
                    format!("`languages`: {message}"),
                    "write each language's code as the key, e.g. `uk:` or `pt-br:`",
                );
                continue;
            }
            let empty = Map::new();
            let entry = match entry {
                Value::Object(entry) => entry,
                Value::Null => &empty,
                _ => {
                    self.error(
                        code,
                        format!("`languages.{code}` must be a map of settings"),
                        &format!("write e.g. `{code}: {{ name: \"…\" }}`"),
                    );
                    continue;
                }
            };
            let is_default = *code == config.language;
            for key in entry.keys() {
                if is_default && key != "name" {
                    self.error(
                        key,
                        format!("`languages.{code}.{key}`: the default language (`language: {code}`) takes only its `name` here"),
                        &format!("set `{key}` at the top level of {CONFIG_FILE}: it is the default language's"),
                    );
                } else if !LANGUAGE_KEYS.contains(&key.as_str()) {
                    let hint = match closest_match(key, LANGUAGE_KEYS) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("a language's settings: {}", LANGUAGE_KEYS.join(", ")),
                    };
                    self.error(key, format!("unknown key `{key}` in `languages.{code}`"), &hint);
                }
            }
            let name = self.string(entry, "name").unwrap_or_else(|| code.clone());
            if is_default {
                default.name = name;
                continue;
            }
            let taxonomies = match entry.get("taxonomies") {
                None | Some(Value::Null) => config.taxonomies.clone(),
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|item| match item.as_str() {
                        Some(name) if crate::text::is_safe_segment(name) => Some(name.to_string()),
                        _ => {
                            self.error(
                                "taxonomies",
                                format!(
                                    "`languages.{code}.taxonomies`: {item} is not a plain name"
                                ),
                                "write names like `taxonomies: [topics]`",
                            );
                            None
                        }
                    })
                    .collect(),
                Some(_) => {
                    self.error(
                        "taxonomies",
                        format!("`languages.{code}.taxonomies` must be a list"),
                        "write `taxonomies: [topics]`",
                    );
                    Vec::new()
                }
            };
            let extra = match entry.get("extra") {
                None | Some(Value::Null) => config.extra.clone(),
                Some(Value::Object(own)) => {
                    let mut merged = config.extra.clone();
                    deep_merge(&mut merged, own);
                    merged
                }
                Some(_) => {
                    self.error(
                        "extra",
                        format!("`languages.{code}.extra` must be a map"),
                        "write `extra:` followed by indented `key: value` lines",
                    );
                    config.extra.clone()
                }
            };
            others.push(Language {
                code: code.clone(),
                name,
                title: self.string(entry, "title").unwrap_or_else(|| config.title.clone()),
                description: self
                    .string(entry, "description")
                    .or_else(|| config.description.clone()),
                taxonomies,
                extra,
            });
        }
        config.languages = std::iter::once(default).chain(others).collect();
    }
}

/// Merges `over` into `base`: maps key by key (recursively), anything else replaced.
fn deep_merge(base: &mut Value, over: &Map<String, Value>) {
    let Value::Object(base) = base else {
        *base = Value::Object(over.clone());
        return;
    };
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(existing @ Value::Object(_)), Value::Object(inner)) => {
                deep_merge(existing, inner)
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// A YAML value as written, for messages.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the README's `site.yaml` table documents (a row may name several: `a`, `b`).
    fn documented_keys() -> Vec<String> {
        let readme = include_str!("../README.md");
        readme
            .lines()
            .skip_while(|l| *l != "### `site.yaml`")
            .skip_while(|l| !l.starts_with("| key |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .flat_map(|l| {
                let first = l.split('|').nth(1).unwrap_or_default();
                first.split(',').map(|k| k.trim().trim_matches('`').to_string()).collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn the_readme_documents_every_site_yaml_key_and_no_other() {
        let mut documented = documented_keys();
        documented.sort();
        let mut known: Vec<String> = KNOWN_KEYS.iter().map(|k| k.to_string()).collect();
        known.sort();
        assert_eq!(documented, known, "README's site.yaml table and config::KNOWN_KEYS differ");
    }

    /// `language:` names a folder of the output (the search index's): a value that is no
    /// language tag is refused at its line, once, whether or not the site has `languages:`.
    #[test]
    fn language_is_a_language_tag() {
        for good in ["en", "en-US", "en_US", "pt-br", "zh-Hant-TW"] {
            let text = format!("base_url: https://a.org\nlanguage: {good}\n");
            assert_eq!(Config::parse(&text).expect(good).language, good);
        }
        for bad in ["../en", "en/us", "\"\"", "-en", "en-", "e n", "en..", "1en", "é"] {
            for languages in ["", "languages: { uk: { name: U } }\n"] {
                let text = format!("base_url: https://a.org\nlanguage: {bad}\n{languages}");
                let errors = Config::parse(&text).expect_err(bad);
                let about: Vec<_> =
                    errors.0.iter().filter(|d| d.message.starts_with("`language`")).collect();
                assert_eq!(about.len(), 1, "{bad} {languages}: {errors:?}");
                assert_eq!(about[0].line, Some(2), "{bad}");
            }
        }
    }

    #[test]
    fn every_site_yaml_key_changes_the_configuration() {
        let base = Config::parse("base_url: https://a.org\n").unwrap();
        let settings = [
            ("title", "title: T"),
            ("base_url", "base_url: https://b.org/blog"),
            ("description", "description: D"),
            ("language", "language: fr"),
            ("languages", "languages: { uk: { name: Українська } }"),
            ("theme", "theme: institute"),
            ("taxonomies", "taxonomies: [tags]"),
            ("feed", "feed: { limit: 3, filename: feed.xml }"),
            ("highlight", "highlight: { light_theme: base16-ocean.light }"),
            ("markdown", "markdown: { heading_anchors: true }"),
            ("repository", "repository: https://git.example.org/site/"),
            ("max_file_size", "max_file_size: 1 MiB"),
            ("search", "search: false"),
            ("extra", "extra: { motto: M }"),
        ];
        let mut keys: Vec<&str> = settings.iter().map(|(k, _)| *k).collect();
        keys.sort();
        let mut known = KNOWN_KEYS.to_vec();
        known.sort();
        assert_eq!(keys, known, "every known key has a case here");
        for (key, line) in settings {
            let text = if key == "base_url" {
                format!("{line}\n")
            } else {
                format!("base_url: https://a.org\n{line}\n")
            };
            let config = Config::parse(&text).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_ne!(config, base, "`{key}` is accepted but changes nothing");
        }
    }

    #[test]
    fn unknown_key_suggests_the_nearest() {
        let err =
            Config::parse("title: x\nbase_url: https://a.org\ntaxonomy: [tags]\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown key `taxonomy`"), "{text}");
        assert!(text.contains("did you mean `taxonomies`"), "{text}");
        assert!(text.contains("site.yaml:3"), "{text}");
    }

    #[test]
    fn base_path_is_the_url_path() {
        let mut c = Config::default();
        c.set_base_url("https://x.org/blog/").unwrap();
        assert_eq!(c.base_path(), "/blog");
        c.set_base_url("https://x.org").unwrap();
        assert_eq!(c.base_path(), "");
    }

    #[test]
    fn max_file_size_takes_bytes_or_a_unit() {
        assert_eq!(Config::parse("base_url: https://a.org\n").unwrap().max_file_size, 64 << 20);
        assert_eq!(
            Config::parse("base_url: https://a.org\nmax_file_size: 1000\n").unwrap().max_file_size,
            1000
        );
        assert_eq!(
            Config::parse("base_url: https://a.org\nmax_file_size: 2 MiB\n").unwrap().max_file_size,
            2 << 20
        );
        let err = Config::parse("base_url: https://a.org\nmax_file_size: lots\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("site.yaml:2")
                && err.contains("`max_file_size` must be a size")
                && err.contains("help:"),
            "{err}"
        );
        let err =
            Config::parse("base_url: https://a.org\nmax_filesize: 10\n").unwrap_err().to_string();
        assert!(err.contains("did you mean `max_file_size`"), "{err}");
    }

    #[test]
    fn taxonomies_may_paginate_their_terms() {
        let c = Config::parse(
            "base_url: https://a.org\ntaxonomies:\n  - tags\n  - { name: topics, paginate_by: 2, paginate_path: seite }\n",
        )
        .unwrap();
        assert_eq!(c.taxonomies, ["tags", "topics"]);
        assert_eq!(c.term_pagination["topics"], Pagination { by: 2, path: "seite".into() });
        assert!(!c.term_pagination.contains_key("tags"));
        for (bad, needle) in [
            ("{ name: topics, paginate_by: 0 }", "`paginate_by` must be a whole number above 0"),
            (
                "{ name: topics, paginate_by: 2, paginate_path: 7 }",
                "is not a known taxonomy setting",
            ),
            (
                "{ name: topics, paginate_by: 2, paginate_path: \"a/b\" }",
                "not a single safe path segment",
            ),
            ("{ name: topics, paginate_path: p }", "has no `paginate_by`"),
            ("{ name: topics, paginate: 3 }", "`paginate` is not a known taxonomy setting"),
        ] {
            let err = Config::parse(&format!("base_url: https://a.org\ntaxonomies: [{bad}]\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle) && err.contains("help:"), "{bad}: {err}");
        }
    }

    #[test]
    fn languages_resolve_their_settings_over_the_top_level_ones() {
        let c = Config::parse(
            "base_url: https://a.org\ntitle: T\ntaxonomies: [topics]\nextra: { menu: [a], tagline: E, deep: { x: 1, y: 2 } }\nlanguages:\n  en: { name: English }\n  uk:\n    name: Українська\n    title: У\n    extra: { tagline: У, deep: { y: 3 } }\n  pt-br: {}\n",
        )
        .unwrap();
        let codes: Vec<&str> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "uk", "pt-br"]);
        assert_eq!(c.languages[0].name, "English");
        let uk = c.language_settings("uk").unwrap();
        assert_eq!((uk.name.as_str(), uk.title.as_str()), ("Українська", "У"));
        assert_eq!(uk.taxonomies, ["topics"]);
        assert_eq!(
            uk.extra,
            serde_json::json!({"menu": ["a"], "tagline": "У", "deep": {"x": 1, "y": 3}})
        );
        assert_eq!(c.language_settings("pt-br").unwrap().title, "T");
        assert_eq!(c.language_prefix("uk"), "/uk");
        assert_eq!(c.language_prefix("en"), "");
        for (bad, needle) in [
            ("languages: { UK: {} }", "`UK` is not a language code"),
            ("languages: { uk: { nmae: x } }", "did you mean `name`?"),
            ("languages: { en: { title: x } }", "takes only its `name`"),
            ("languages: [uk]", "`languages` must be a map"),
            ("language: en_GB\nlanguages: { uk: {} }", "`en_GB` is not a language code"),
        ] {
            let err = Config::parse(&format!("base_url: https://a.org\n{bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle) && err.contains("help:"), "{bad}: {err}");
        }
    }

    #[test]
    fn feed_can_be_switched_off() {
        let c = Config::parse("base_url: https://a.org\nfeed: false\n").unwrap();
        assert!(!c.feed.enabled);
    }
}
