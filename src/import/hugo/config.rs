//! The Hugo site's configuration: `hugo.toml`/`config.toml` (or YAML, JSON) and a `config/`
//! folder, read into [`HugoConfig`], with Hugo's pagination settings.

use super::languages::{self, Languages};
use super::{ext, stem};
use crate::error::{Diagnostic, Diagnostics};
use crate::import::report::{Note, NoteKind};
use crate::import::source_front_matter;
use crate::import::titles::{ListTitles, TitleCase};
use crate::import::{source_file, value_text, walk, SiteConfig};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// The parts of a Hugo config the import uses.
#[derive(Debug, Clone, Default)]
pub(super) struct HugoConfig {
    pub site: SiteConfig,
    pub content_dir: String,
    pub static_dirs: Vec<String>,
    /// `themes/<theme>/static` of each theme the config names that has one: Hugo publishes their
    /// files too, under the site's own (a site file wins over a theme's at the same path).
    pub theme_static_dirs: Vec<String>,
    pub data_dir: String,
    /// Top-level section -> permalink pattern for its pages.
    pub permalinks: HashMap<String, String>,
    pub ugly_urls: bool,
    /// Sections whose pages are ugly (`uglyURLs = { post = true }`, per section).
    pub ugly_url_sections: Vec<String>,
    /// How Hugo titles list pages that have no file (`pluralizeListTitles`, …).
    pub list_titles: ListTitles,
    /// The site's languages, when it declares them.
    pub languages: Option<Languages>,
    /// The config's own `cascade`: what it sets on every page its target reaches, as a home
    /// page's `cascade` does ([`super::front_matter::read_cascades`]).
    pub cascade: Option<Value>,
    pub notes: Vec<Note>,
}

/// Finds and reads `hugo.*`, `config.*` or `config/_default/`.
pub(super) fn read_config(root: &Path) -> Result<HugoConfig, Diagnostics> {
    let mut raw = Map::new();
    let mut file_name = None;
    for name in [
        "hugo.toml",
        "hugo.yaml",
        "hugo.yml",
        "hugo.json",
        "config.toml",
        "config.yaml",
        "config.yml",
        "config.json",
    ] {
        let p = source_file(root, name)?;
        if p.is_file() {
            raw = read_config_file(&p, name)?;
            file_name = Some(name.to_string());
            break;
        }
    }
    let dir = root.join("config").join("_default");
    let mut notes = Vec::new();
    if dir.is_dir() {
        let only_top_level = |rel: &Path| rel.components().count() > 1;
        let entries = walk(root, &dir, &only_top_level, &mut notes).map_err(Diagnostics::from)?;
        for p in entries.into_iter().map(|rel| dir.join(rel)) {
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let key = stem(&p);
            if !matches!(ext(&p).as_str(), "toml" | "yaml" | "yml" | "json") {
                continue;
            }
            let map = read_config_file(&p, &format!("config/_default/{name}"))?;
            if key == "hugo" || key == "config" {
                for (k, v) in map {
                    raw.insert(k, v);
                }
            } else {
                languages::insert_config_dir_file(&mut raw, &key, map);
            }
            file_name.get_or_insert_with(|| "config/_default/".to_string());
        }
    }
    // Hugo's config keys are case-insensitive.
    let cfg: Map<String, Value> = raw.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
    let config_file = file_name.clone().unwrap_or_else(|| "hugo.toml".into());
    if file_name.is_none() {
        notes.push(Note::new(
            NoteKind::Other,
            "",
            None,
            "no Hugo config file (hugo.toml, config.toml, …) found: defaults used",
        ));
    }
    let get_str = |k: &str| cfg.get(k).and_then(value_text);
    let folder_name =
        root.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "Site".into());
    let title = crate::import::site_title(get_str("title"), &folder_name, &config_file, &mut notes);
    let base_url = match get_str("baseurl") {
        Some(u) if !u.trim().is_empty() => u.trim().trim_end_matches('/').to_string(),
        _ => {
            notes.push(Note::new(
                NoteKind::Other,
                &config_file,
                None,
                "no baseURL: used https://example.org; set base_url in site.yaml",
            ));
            "https://example.org".into()
        }
    };
    let params = match cfg.get("params") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let description =
        get_str("description").or_else(|| params.get("description").and_then(value_text));
    let language = get_str("languagecode").or_else(|| get_str("defaultcontentlanguage"));
    let taxonomies: Vec<String> = match cfg.get("taxonomies") {
        Some(Value::Object(m)) => m.values().filter_map(value_text).collect(),
        _ => vec!["tags".into(), "categories".into()],
    };
    let mut extra = params;
    for key in ["menu", "menus"] {
        if let Some(v) = cfg.get(key) {
            extra.entry("menus").or_insert_with(|| v.clone());
        }
    }
    let content_dir = get_str("contentdir").unwrap_or_else(|| "content".into());
    let static_dirs = match cfg.get("staticdir") {
        Some(Value::Array(a)) => a.iter().filter_map(value_text).collect(),
        Some(v) => value_text(v).into_iter().collect(),
        None => vec!["static".into()],
    };
    let mut data_dir = get_str("datadir").unwrap_or_else(|| "data".into());
    let mut content_dir = content_dir;
    let mut static_dirs = static_dirs;
    // Module mounts replace the default folders (`content/en` mounted as `content`, …).
    if let Some(Value::Array(mounts)) = cfg.get("module").and_then(|m| m.get("mounts")) {
        let mut mounted_static = Vec::new();
        let mut content_mounts = Vec::new();
        for m in mounts {
            let (Some(source), Some(target)) =
                (m.get("source").and_then(value_text), m.get("target").and_then(value_text))
            else {
                continue;
            };
            match target.trim_matches('/') {
                "content" => content_mounts.push(source),
                "static" => mounted_static.push(source),
                "data" => data_dir = source,
                _ => {}
            }
        }
        if let Some(first) = content_mounts.first() {
            content_dir = first.clone();
            if content_mounts.len() > 1 {
                notes.push(Note::new(
                    NoteKind::Other,
                    &config_file,
                    None,
                    format!(
                        "several folders are mounted as content ({}): only `{first}` was imported",
                        content_mounts.join(", ")
                    ),
                ));
            }
        }
        if !mounted_static.is_empty() {
            static_dirs = mounted_static;
        }
    }
    // `theme = "x"` or a list; the first one named wins, as in Hugo.
    let themes: Vec<String> = match cfg.get("theme") {
        Some(Value::Array(a)) => a.iter().filter_map(value_text).collect(),
        Some(v) => value_text(v).into_iter().collect(),
        None => vec![],
    };
    // A theme in `themes/` by its name; a module path or a name that climbs out is not one.
    let theme_static_dirs = themes
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty() && !t.contains("..") && !t.starts_with(['/', '\\']))
        .map(|t| format!("themes/{t}/static"))
        .filter(|d| root.join(d).is_dir())
        .collect();
    let mut permalinks = HashMap::new();
    if let Some(Value::Object(m)) = cfg.get("permalinks") {
        // Newer form: permalinks.page.<section>; older: permalinks.<section>.
        let pages = match m.get("page") {
            Some(Value::Object(p)) => p.clone(),
            _ => m.clone(),
        };
        for (section, pattern) in pages {
            if let Some(p) = value_text(&pattern) {
                permalinks.insert(section, p);
            }
        }
    }
    // `uglyURLs` is true, false, or a map of section -> true/false.
    let (ugly_urls, ugly_url_sections) = match cfg.get("uglyurls") {
        Some(Value::Object(sections)) => (
            false,
            sections
                .iter()
                .filter(|(_, v)| matches!(v, Value::Bool(true)))
                .map(|(k, _)| k.clone())
                .collect(),
        ),
        other => (matches!(other, Some(Value::Bool(true))), vec![]),
    };
    // Hugo renders a `ref` to a page it cannot find only at the warning level; at the default
    // (error) level it refuses to build.
    let link_not_found_url = get_str("reflinkserrorlevel")
        .filter(|level| level.eq_ignore_ascii_case("warning"))
        .map(|_| get_str("reflinksnotfoundurl").unwrap_or_default());
    let pagination = hugo_pagination(&cfg);
    let list_titles = ListTitles {
        pluralize: !matches!(cfg.get("pluralizelisttitles"), Some(Value::Bool(false))),
        capitalize: !matches!(cfg.get("capitalizelisttitles"), Some(Value::Bool(false))),
        style: TitleCase::from_config(get_str("titlecasestyle").as_deref()),
    };
    let languages = Languages::read(&cfg);
    if let Some(Value::Array(kinds)) = cfg.get("disablekinds") {
        if !kinds.is_empty() {
            notes.push(Note::new(
                NoteKind::Other,
                &config_file,
                None,
                format!("disableKinds {:?}: Charter publishes every kind of page; remove what you do not want from the templates", kinds),
            ));
        }
    }
    let used = [
        "title",
        "baseurl",
        "params",
        "description",
        "languagecode",
        "defaultcontentlanguage",
        "taxonomies",
        "menu",
        "menus",
        "contentdir",
        "staticdir",
        "datadir",
        "permalinks",
        "theme",
        "uglyurls",
        "languages",
        "defaultcontentlanguageinsubdir",
        "disablelanguages",
        "disablekinds",
        "module",
        "pluralizelisttitles",
        "capitalizelisttitles",
        "titlecasestyle",
        "reflinkserrorlevel",
        "reflinksnotfoundurl",
        "pagination",
        "paginate",
        "paginatepath",
        "cascade",
    ];
    let dropped: Vec<&str> = cfg.keys().map(String::as_str).filter(|k| !used.contains(k)).collect();
    if !dropped.is_empty() {
        notes.push(Note::new(
            NoteKind::Other,
            &config_file,
            None,
            format!("config keys not carried over: {}", dropped.join(", ")),
        ));
    }
    Ok(HugoConfig {
        site: SiteConfig {
            title,
            base_url,
            description,
            language,
            taxonomies,
            extra,
            link_not_found_url,
            pagination,
        },
        content_dir,
        static_dirs,
        theme_static_dirs,
        data_dir,
        permalinks,
        ugly_urls,
        ugly_url_sections,
        list_titles,
        languages,
        cascade: cfg.get("cascade").cloned(),
        notes,
    })
}

/// Hugo's pager size and folder: `pagination.pagerSize` and `pagination.path` (Hugo 0.128 and
/// later), else the older `paginate` and `paginatePath`; Hugo's defaults are 10 and `page`.
fn hugo_pagination(cfg: &Map<String, Value>) -> Option<(u64, String)> {
    let number = |v: &Value| v.as_u64().or_else(|| value_text(v)?.trim().parse().ok());
    let section = cfg.get("pagination").and_then(Value::as_object);
    let find = |key: &str| {
        section.and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
    };
    let size = find("pagerSize").and_then(number).or_else(|| cfg.get("paginate").and_then(number));
    let path = find("path")
        .and_then(value_text)
        .or_else(|| cfg.get("paginatepath").and_then(value_text))
        .unwrap_or_else(|| "page".into());
    Some((size.unwrap_or(10).max(1), path))
}

fn read_config_file(path: &Path, name: &str) -> Result<Map<String, Value>, Diagnostics> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::error::io_error(path, "read the Hugo config", &e))?;
    let value: Value = match ext(path).as_str() {
        "toml" => source_front_matter::toml_to_json(toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            Diagnostic::error("import", format!("Hugo config: {}", e.message()))
                .in_file(name)
                .at(line, None)
                .hint("fix the TOML and import again")
        })?),
        "json" => serde_json::from_str(&text).map_err(|e| {
            Diagnostic::error("import", format!("Hugo config: {e}"))
                .in_file(name)
                .at(Some(e.line()), Some(e.column()))
                .hint("fix the JSON and import again")
        })?,
        _ => crate::yaml::from_str(&text).map_err(|e| {
            Diagnostic::error("import", format!("Hugo config: {}", e.message))
                .in_file(name)
                .at(e.line, e.column)
                .hint("fix the YAML and import again")
        })?,
    };
    match value {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        _ => Err(Diagnostic::error("import", "Hugo config must be a map of keys")
            .in_file(name)
            .into()),
    }
}
