//! The Jekyll site's `_config.yml` read into [`JekyllConfig`]: what carries over to `site.yaml`,
//! what only served Jekyll's build, `include`/`exclude` scopes ([`PathScope`]) and front matter
//! `defaults`.

use super::pagination::{self, JekyllPagination};
use super::urls::style_template;
use super::Kind;
use crate::error::{Diagnostic, Diagnostics};
use crate::import::report::{Note, NoteKind};
use crate::import::source_front_matter;
use crate::import::{source_file, value_text, SiteConfig};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// The parts of `_config.yml` the import uses.
#[derive(Debug, Clone, Default)]
pub(super) struct JekyllConfig {
    pub site: SiteConfig,
    /// The site-wide permalink template, styles expanded.
    pub permalink: String,
    /// The posts' permalink template: `collections: posts: permalink:`, else `permalink`.
    pub post_permalink: String,
    /// Collection name -> (output, permalink template).
    pub collections: HashMap<String, (bool, Option<String>)>,
    /// `defaults`: (scope path, scope type, values).
    pub defaults: Vec<(PathScope, Option<String>, Map<String, Value>)>,
    pub exclude: Vec<PathScope>,
    pub include: Vec<String>,
    pub future: bool,
    /// `paginate` with the jekyll-paginate plugin loaded.
    pub pagination: Option<JekyllPagination>,
    /// `timezone`: the zone Jekyll writes a post's date in, in its URL.
    pub timezone: Option<chrono_tz::Tz>,
    pub notes: Vec<Note>,
}

/// A path from `_config.yml` (a `defaults` scope or an `exclude` entry): the file or folder it
/// names, or, when it holds a `*`, a glob (where `*` also matches across `/`).
#[derive(Debug, Clone)]
pub(super) struct PathScope {
    /// The path without leading and trailing `/`.
    path: String,
    glob: Option<globset::GlobMatcher>,
}

impl PathScope {
    pub(crate) fn new(path: &str) -> Self {
        let path = path.trim_matches('/').to_string();
        let glob = if path.contains('*') {
            globset::Glob::new(&path).ok().map(|g| g.compile_matcher())
        } else {
            None
        };
        PathScope { path, glob }
    }

    /// Whether the scope is the empty path (every file for `defaults`, none for `exclude`).
    pub(crate) fn is_empty(&self) -> bool {
        self.path.is_empty()
    }

    /// Whether the site-relative path `rel` (with `/`) is the scope, lies under it or matches its
    /// glob; the empty scope holds everything.
    pub(crate) fn contains(&self, rel: &str) -> bool {
        let path = self.path.as_str();
        path.is_empty()
            || rel == path
            || rel.strip_prefix(path).is_some_and(|rest| rest.starts_with('/'))
            || self.glob.as_ref().is_some_and(|g| g.is_match(rel))
    }
}

pub(super) fn read_config(root: &Path) -> Result<JekyllConfig, Diagnostics> {
    let mut raw = Map::new();
    let mut config_file = "_config.yml".to_string();
    for name in ["_config.yml", "_config.yaml", "_config.toml"] {
        let p = source_file(root, name)?;
        if p.is_file() {
            config_file = name.to_string();
            let text = std::fs::read_to_string(&p)
                .map_err(|e| crate::error::io_error(&p, "read the Jekyll config", &e))?;
            let value: Value = if name.ends_with(".toml") {
                source_front_matter::toml_to_json(toml::from_str(&text).map_err(|e| {
                    Diagnostic::error("import", format!("Jekyll config: {}", e.message()))
                        .in_file(name)
                        .hint("fix the TOML and import again")
                })?)
            } else if text.trim().is_empty() {
                Value::Null
            } else {
                crate::yaml::from_str(&text).map_err(|e| {
                    Diagnostic::error("import", format!("Jekyll config: {}", e.message))
                        .in_file(name)
                        .at(e.line, e.column)
                        .hint("fix the YAML and import again")
                })?
            };
            if let Value::Object(m) = value {
                raw = m;
            }
            break;
        }
    }
    let mut notes = Vec::new();
    if !root.join(&config_file).is_file() {
        notes.push(Note::new(NoteKind::Other, "", None, "no _config.yml: Jekyll's defaults used"));
    }
    let get_str = |k: &str| raw.get(k).and_then(value_text);
    let folder_name =
        root.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "Site".into());
    // `name` is the site title where `title` is missing, as jekyll-seo-tag and most themes read it.
    let title = crate::import::site_title(
        get_str("title").or_else(|| get_str("name")),
        &folder_name,
        &config_file,
        &mut notes,
    );
    let url =
        get_str("url").map(|u| u.trim().trim_end_matches('/').to_string()).unwrap_or_default();
    let baseurl =
        get_str("baseurl").map(|u| u.trim().trim_end_matches('/').to_string()).unwrap_or_default();
    let baseurl = if baseurl.is_empty() || baseurl.starts_with('/') {
        baseurl
    } else {
        format!("/{baseurl}")
    };
    let base_url = if url.is_empty() {
        notes.push(Note::new(
            NoteKind::Other,
            &config_file,
            None,
            "no `url`: used https://example.org; set base_url in site.yaml",
        ));
        format!("https://example.org{baseurl}")
    } else {
        format!("{url}{baseurl}")
    };
    let permalink = style_template(&get_str("permalink").unwrap_or_else(|| "date".into()));
    let mut collections = HashMap::new();
    match raw.get("collections") {
        Some(Value::Object(m)) => {
            for (name, v) in m {
                let output = v.get("output").and_then(Value::as_bool).unwrap_or(false);
                let permalink = v.get("permalink").and_then(value_text).map(|p| style_template(&p));
                collections.insert(name.clone(), (output, permalink));
            }
        }
        Some(Value::Array(a)) => {
            for name in a.iter().filter_map(value_text) {
                collections.insert(name, (false, None));
            }
        }
        _ => {}
    }
    // `collections: posts: permalink:` is the posts' permalink, over the site-wide one.
    let post_permalink =
        collections.remove("posts").and_then(|c| c.1).unwrap_or_else(|| permalink.clone());
    let mut defaults = Vec::new();
    if let Some(Value::Array(list)) = raw.get("defaults") {
        for d in list {
            let scope = d.get("scope");
            let path = scope.and_then(|s| s.get("path")).and_then(value_text).unwrap_or_default();
            let kind = scope.and_then(|s| s.get("type")).and_then(value_text);
            if let Some(Value::Object(values)) = d.get("values") {
                defaults.push((PathScope::new(&path), kind, values.clone()));
            }
        }
    }
    let list = |k: &str| -> Vec<String> {
        match raw.get(k) {
            Some(Value::Array(a)) => a.iter().filter_map(value_text).collect(),
            _ => vec![],
        }
    };
    let exclude = list("exclude").iter().map(|e| PathScope::new(e)).collect();
    let include = list("include");
    let future = raw.get("future").and_then(Value::as_bool).unwrap_or(false);
    let description = get_str("description");
    let language = get_str("lang").or_else(|| get_str("locale"));
    let mut extra = Map::new();
    for (k, v) in &raw {
        if !CONFIG_CARRIED_OVER.contains(&k.as_str()) && !CONFIG_BUILD_ONLY.contains(&k.as_str()) {
            extra.insert(k.clone(), v.clone());
        }
    }
    let dropped: Vec<&str> =
        raw.keys().map(String::as_str).filter(|k| CONFIG_BUILD_ONLY.contains(k)).collect();
    if !dropped.is_empty() {
        notes.push(Note::new(
            NoteKind::Other,
            &config_file,
            None,
            format!("build settings not carried over: {}", dropped.join(", ")),
        ));
    }
    let pagination = pagination::read(&raw, root, &config_file, &mut notes);
    let timezone = get_str("timezone").and_then(|name| match name.parse::<chrono_tz::Tz>() {
        Ok(tz) => Some(tz),
        Err(_) => {
            notes.push(Note::new(
                NoteKind::Other,
                &config_file,
                None,
                format!("`timezone: {name}` is not a time zone name: post dates in URLs are taken as written"),
            ));
            None
        }
    });
    Ok(JekyllConfig {
        site: SiteConfig {
            title,
            base_url,
            description,
            language,
            taxonomies: vec![],
            extra,
            ..SiteConfig::default()
        },
        permalink,
        post_permalink,
        collections,
        defaults,
        exclude,
        include,
        future,
        pagination,
        timezone,
        notes,
    })
}

/// `_config.yml` keys the import carries over into the Charter site (`site.yaml`, URLs, pages).
const CONFIG_CARRIED_OVER: &[&str] = &[
    "title",
    "name",
    "description",
    "url",
    "baseurl",
    "permalink",
    "collections",
    "defaults",
    "exclude",
    "include",
    "future",
    "lang",
    "locale",
    "paginate",
    "paginate_path",
    "timezone",
];

/// `_config.yml` keys that only steer Jekyll's own build: not carried over, and named in the
/// report. Every other key goes to `extra` in `site.yaml`, for the theme.
const CONFIG_BUILD_ONLY: &[&str] = &[
    "plugins",
    "gems",
    "markdown",
    "kramdown",
    "highlighter",
    "sass",
    "theme",
    "remote_theme",
    "source",
    "destination",
    "encoding",
    "incremental",
    "safe",
    "keep_files",
    "show_drafts",
    "liquid",
    "livereload",
];

/// The front matter Jekyll sees: the `defaults` of `_config.yml` whose scope takes the file, then
/// the file's own keys.
pub(super) fn front_with_defaults(
    config: &JekyllConfig,
    rel_slash: &str,
    kind: &Kind,
    own: &Map<String, Value>,
) -> Map<String, Value> {
    let type_name = match kind {
        Kind::Post { .. } => "posts",
        Kind::Draft { .. } => "drafts",
        Kind::Collection(c) => c.as_str(),
        Kind::Page => "pages",
    };
    let mut fm: Map<String, Value> = Map::new();
    for (scope, t, values) in &config.defaults {
        let path_ok = scope.contains(rel_slash);
        let type_ok =
            t.as_deref().is_none_or(|t| t == type_name || (t == "posts" && type_name == "drafts"));
        if path_ok && type_ok {
            for (k, v) in values {
                fm.insert(k.clone(), v.clone());
            }
        }
    }
    for (k, v) in own {
        fm.insert(k.clone(), v.clone());
    }
    fm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclude_globs() {
        assert!(PathScope::new("*.sh").contains("build.sh"));
        assert!(!PathScope::new("*.sh").contains("build.rb"));
        assert!(PathScope::new("docs/*.txt").contains("docs/a.txt"));
    }
}
