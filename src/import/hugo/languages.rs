//! A multilingual Hugo site's languages, and which content file belongs to which language.
//!
//! Hugo finds a page's translations two ways: a `contentDir` per language (`content/fr/about.md`)
//! and a language code before the extension (`about.fr.md`, `_index.de.md`, `index.fr.md` in a
//! bundle). It publishes each language under `/<code>/`, the default language at the root
//! (unless `defaultContentLanguageInSubdir`). Charter has no translations yet, so each language
//! becomes a plain section at Hugo's prefix: every translation keeps its URL, and the report says
//! so. The reader in [`super`] reads each language's files as one [`ContentTree`].

use crate::error::{Diagnostic, Diagnostics};
use crate::import::report::{Note, NoteKind};
use crate::import::{slash_path, value_text, walk, Doc, DocKind, Imported};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One language of the site, as its config declares it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Language {
    /// The code, lower-cased as Hugo uses it in URLs (`pt-br`).
    pub code: String,
    pub title: Option<String>,
    pub weight: i64,
    /// Its own content folder, relative to the site root.
    pub content_dir: Option<String>,
    /// Its own `permalinks` (section -> pattern), replacing the site's.
    pub permalinks: Option<HashMap<String, String>>,
    /// Its own `menus` (or `menu`), as written.
    pub menus: Option<Value>,
    /// Its own `params`.
    pub params: Option<Map<String, Value>>,
}

/// The languages of a Hugo site.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Languages {
    /// `defaultContentLanguage` (Hugo's default: `en`).
    pub default: String,
    /// `defaultContentLanguageInSubdir`: the default language under `/<code>/` too.
    pub default_in_subdir: bool,
    /// The languages Hugo builds, by weight, then code.
    pub enabled: Vec<Language>,
    /// Codes of `disableLanguages` and languages with `disabled = true`.
    pub disabled: Vec<String>,
    /// `disableKinds` has `term`: Hugo publishes no term pages, in any language.
    pub terms_disabled: bool,
}

/// Folds a file of `config/_default/` into the raw config the way Hugo does: `languages.toml` is
/// `languages`, `languages.fr.toml` is `languages.fr`, and `menus.fr.toml` (or `params.fr.toml`) is
/// `languages.fr.menus`; any other file `name.toml` is the key `name`.
pub(super) fn insert_config_dir_file(
    raw: &mut Map<String, Value>,
    stem: &str,
    file: Map<String, Value>,
) {
    let stem = stem.to_lowercase();
    let Some((key, lang)) = stem.split_once('.') else {
        merge_into(raw, &stem, file);
        return;
    };
    let languages = object_entry(raw, "languages");
    if key == "languages" {
        merge_into(languages, lang, file);
    } else {
        merge_into(object_entry(languages, lang), key, file);
    }
}

/// `map[key]` as a map, made one if it is missing or not a map.
fn object_entry<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    match entry {
        Value::Object(m) => m,
        _ => unreachable!("made a map just above"),
    }
}

/// Adds `file`'s keys to `map[key]` (a key already there is replaced).
fn merge_into(map: &mut Map<String, Value>, key: &str, file: Map<String, Value>) {
    let target = object_entry(map, key);
    for (k, v) in file {
        target.insert(k, v);
    }
}

/// A key of a language's map, found without regard to case (Hugo's keys are case-insensitive).
fn get<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

/// `permalinks` as Hugo reads it: `permalinks.page.<section>` or the older `permalinks.<section>`.
pub(super) fn permalink_patterns(value: &Value) -> Option<HashMap<String, String>> {
    let Value::Object(m) = value else { return None };
    let pages = match get(m, "page") {
        Some(Value::Object(p)) => p,
        _ => m,
    };
    Some(pages.iter().filter_map(|(s, p)| Some((s.clone(), value_text(p)?))).collect())
}

impl Languages {
    /// The languages of a config whose top-level keys are lower-cased, or `None` for a site that
    /// declares none (one language, at the root).
    pub(super) fn read(cfg: &Map<String, Value>) -> Option<Languages> {
        let Some(Value::Object(declared)) = cfg.get("languages") else { return None };
        if declared.is_empty() {
            return None;
        }
        let default = cfg
            .get("defaultcontentlanguage")
            .and_then(value_text)
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "en".into());
        let truthy = |v: Option<&Value>| {
            matches!(v, Some(Value::Bool(true)))
                || v.and_then(value_text).is_some_and(|t| t.trim().eq_ignore_ascii_case("true"))
        };
        let default_in_subdir = truthy(cfg.get("defaultcontentlanguageinsubdir"));
        let mut disabled: BTreeSet<String> = match cfg.get("disablelanguages") {
            Some(Value::Array(a)) => {
                a.iter().filter_map(value_text).map(|c| c.to_lowercase()).collect()
            }
            _ => BTreeSet::new(),
        };
        let mut enabled = Vec::new();
        for (code, value) in declared {
            let code = code.to_lowercase();
            let empty = Map::new();
            let lang = value.as_object().unwrap_or(&empty);
            // Hugo never disables the default language.
            if code != default && (truthy(get(lang, "disabled")) || disabled.contains(&code)) {
                disabled.insert(code);
                continue;
            }
            disabled.remove(&code);
            let weight = get(lang, "weight")
                .and_then(value_text)
                .and_then(|w| w.trim().parse::<i64>().ok())
                .unwrap_or(0);
            enabled.push(Language {
                code,
                title: get(lang, "title").and_then(value_text),
                weight,
                content_dir: get(lang, "contentdir")
                    .and_then(value_text)
                    .map(|d| d.trim().trim_matches('/').to_string())
                    .filter(|d| !d.is_empty()),
                permalinks: get(lang, "permalinks").and_then(permalink_patterns),
                menus: get(lang, "menus").or_else(|| get(lang, "menu")).cloned(),
                params: get(lang, "params").and_then(Value::as_object).cloned(),
            });
        }
        if !enabled.iter().any(|l| l.code == default) {
            enabled.push(Language {
                code: default.clone(),
                title: None,
                weight: 0,
                content_dir: None,
                permalinks: None,
                menus: None,
                params: None,
            });
        }
        // Hugo's order: weight (0 last), then code.
        enabled.sort_by_key(|l| (l.weight == 0, l.weight, l.code.clone()));
        let terms_disabled = match cfg.get("disablekinds") {
            Some(Value::Array(kinds)) => {
                kinds.iter().filter_map(value_text).any(|k| k.eq_ignore_ascii_case("term"))
            }
            _ => false,
        };
        Some(Languages {
            default,
            default_in_subdir,
            enabled,
            disabled: disabled.into_iter().collect(),
            terms_disabled,
        })
    }

    /// The URL prefix of a language: `/fr`, or empty for the default language at the root.
    pub(super) fn url_prefix(&self, code: &str) -> String {
        if code == self.default && !self.default_in_subdir {
            String::new()
        } else {
            format!("/{code}")
        }
    }

    /// The language code in a file name (`about.fr.md` -> `fr`) when it is one the site declares,
    /// and the name without it (`about.md`).
    fn split_suffix(&self, file_name: &str) -> Option<(String, String)> {
        let (rest, ext) = file_name.rsplit_once('.')?;
        let (stem, code) = rest.rsplit_once('.')?;
        let code = code.to_lowercase();
        let known = self.enabled.iter().any(|l| l.code == code) || self.disabled.contains(&code);
        (known && !stem.is_empty()).then(|| (code, format!("{stem}.{ext}")))
    }
}

/// The content files of one language, as one tree: each under the path Hugo sees it at
/// (`about.md` for `about.fr.md`), with the file it comes from.
#[derive(Debug, Clone, Default)]
pub(super) struct ContentTree {
    /// The language code; empty for a site without languages.
    pub lang: String,
    /// The language's title, for its home page.
    pub title: Option<String>,
    /// `/fr` or empty: the language's URLs start with it.
    pub url_prefix: String,
    /// `fr/` or empty: link keys (what `ref` finds) start with it, so two languages' `about.md`
    /// stay apart.
    pub link_prefix: String,
    /// The language's own `permalinks`, when it has them.
    pub permalinks: Option<HashMap<String, String>>,
    /// Path as Hugo sees it (relative to the content root) -> the file, relative to SOURCE.
    pub files: BTreeMap<PathBuf, PathBuf>,
    /// The content folder, relative to SOURCE, for reports about folders.
    pub dir: String,
    /// Whether the folder's files without a language code are this language's; if not, a file
    /// the import writes for it is named as Hugo would name it there (`_index.de.md`).
    pub owns_dir: bool,
}

impl ContentTree {
    /// The source file (relative to SOURCE) of a path of this tree; a folder of the tree lies
    /// in its content folder.
    pub(super) fn source(&self, rel: &Path) -> PathBuf {
        if let Some(f) = self.files.get(rel) {
            return f.clone();
        }
        let named = match (self.owns_dir, rel.extension(), rel.file_stem()) {
            (false, Some(ext), Some(stem)) => rel.with_file_name(format!(
                "{}.{}.{}",
                stem.to_string_lossy(),
                self.lang,
                ext.to_string_lossy()
            )),
            _ => rel.to_path_buf(),
        };
        Path::new(&self.dir).join(named)
    }

    /// Whether the tree is a language other than the site's root one: its home page is the
    /// section `/<code>/`.
    pub(super) fn is_subdir(&self) -> bool {
        !self.url_prefix.is_empty()
    }

    /// The kind a document of this tree has in Charter: a language's home page below the root is
    /// a section.
    pub(super) fn kind(&self, kind: DocKind) -> DocKind {
        if kind == DocKind::Home && self.is_subdir() {
            DocKind::Section
        } else {
            kind
        }
    }

    /// A URL Hugo computed from the path in this tree, under the language's prefix. A `url` set in
    /// front matter is not prefixed: Hugo publishes it as written.
    pub(super) fn url(&self, url: &str, from_front_matter: bool) -> String {
        if from_front_matter || self.url_prefix.is_empty() {
            url.to_string()
        } else {
            format!("{}{url}", self.url_prefix)
        }
    }

    /// An alias of a page of this tree: Hugo writes a root-relative alias under the language's
    /// prefix.
    pub(super) fn alias(&self, alias: &str) -> String {
        if alias.starts_with('/') && !self.url_prefix.is_empty() {
            format!("{}{alias}", self.url_prefix)
        } else {
            alias.to_string()
        }
    }
}

/// Reads a site's content folder(s) into one tree per language: a site without languages has
/// one tree, `content_dir` as it is.
pub(super) fn content_trees(
    root: &Path,
    content_dir: &str,
    languages: Option<&Languages>,
    notes: &mut Vec<Note>,
) -> Result<Vec<ContentTree>, Diagnostics> {
    let missing = |dir: &str| -> Diagnostics {
        Diagnostic::error("import", format!("no content folder `{dir}` in the Hugo site"))
            .in_file(root)
            .hint("check that SOURCE is the root of a Hugo site (the folder with hugo.toml or config.toml), and each language's `contentDir`")
            .into()
    };
    let Some(languages) = languages else {
        let content_root = root.join(content_dir);
        if !content_root.is_dir() {
            return Err(missing(content_dir));
        }
        let files = walk(root, &content_root, &|_| false, notes).map_err(Diagnostics::from)?;
        let files =
            files.into_iter().map(|f| (f.clone(), Path::new(content_dir).join(f))).collect();
        return Ok(vec![ContentTree {
            files,
            dir: content_dir.to_string(),
            owns_dir: true,
            ..Default::default()
        }]);
    };

    // Each content folder once, with the language its files without a code belong to (the first
    // language that names it; the default language for the site's own `contentDir`).
    let mut dirs: Vec<(String, String)> = Vec::new();
    let default_first = languages
        .enabled
        .iter()
        .filter(|l| l.code == languages.default)
        .chain(languages.enabled.iter().filter(|l| l.code != languages.default));
    for lang in default_first {
        let dir = lang.content_dir.clone().unwrap_or_else(|| content_dir.to_string());
        if !dirs.iter().any(|(d, _)| *d == dir) {
            dirs.push((dir, lang.code.clone()));
        }
    }
    unread_content_notes(root, content_dir, &dirs, notes);
    let mut trees: Vec<ContentTree> = languages
        .enabled
        .iter()
        .map(|l| {
            let url_prefix = languages.url_prefix(&l.code);
            let dir = l.content_dir.clone().unwrap_or_else(|| content_dir.to_string());
            let owns_dir = dirs.iter().any(|(d, owner)| *d == dir && *owner == l.code);
            let link_prefix =
                if url_prefix.is_empty() { String::new() } else { format!("{}/", l.code) };
            ContentTree {
                lang: l.code.clone(),
                title: l.title.clone(),
                url_prefix,
                link_prefix,
                permalinks: l.permalinks.clone(),
                files: BTreeMap::new(),
                dir,
                owns_dir,
            }
        })
        .collect();
    let mut left_out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (dir, owner) in &dirs {
        let content_root = root.join(dir);
        if !content_root.is_dir() {
            return Err(missing(dir));
        }
        for f in walk(root, &content_root, &|_| false, notes).map_err(Diagnostics::from)? {
            let name = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let (lang, logical) = match languages.split_suffix(&name) {
                Some((code, plain)) => (code, f.with_file_name(plain)),
                None => (owner.clone(), f.clone()),
            };
            let source = Path::new(dir).join(&f);
            let Some(tree) = trees.iter_mut().find(|t| t.lang == lang) else {
                left_out.entry(lang).or_default().push(slash_path(&source));
                continue;
            };
            if let Some(first) = tree.files.get(&logical) {
                notes.push(Note::new(
                    NoteKind::Skipped,
                    &source,
                    None,
                    format!(
                        "not imported: {} is the same {} page, read first",
                        slash_path(first),
                        lang
                    ),
                ));
                continue;
            }
            tree.files.insert(logical, source);
        }
    }
    for (code, files) in left_out {
        notes.push(Note::new(
            NoteKind::Skipped,
            files.first().map(String::as_str).unwrap_or(""),
            None,
            format!(
                "{} file(s) of the disabled language `{code}` not imported, as Hugo does not publish them (first: {})",
                files.len(),
                files.first().map(String::as_str).unwrap_or("")
            ),
        ));
    }
    Ok(trees)
}

/// When every language has its own `contentDir` inside the site's content folder
/// (`content/en`, `content/fr`), that folder's other entries (`content/fa`, a language the config
/// does not declare) are read by no language: Hugo does not publish them, and neither does the
/// import; the report names each.
fn unread_content_notes(
    root: &Path,
    content_dir: &str,
    dirs: &[(String, String)],
    notes: &mut Vec<Note>,
) {
    if dirs.iter().any(|(d, _)| d == content_dir) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root.join(content_dir)) else { return };
    let mut unread: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| format!("{content_dir}/{}", e.file_name().to_string_lossy()))
        .filter(|rel| {
            !rel.rsplit('/').next().is_some_and(|name| name.starts_with('.'))
                && !dirs.iter().any(|(d, _)| d == rel || d.starts_with(&format!("{rel}/")))
        })
        .collect();
    unread.sort();
    for rel in unread {
        notes.push(Note::new(
            NoteKind::Skipped,
            rel,
            None,
            "not imported: no language of the config has it as its `contentDir`, so Hugo does not publish it either",
        ));
    }
}

/// After every language is read: the redirects Hugo writes at the root for the default language
/// (`/en/` to `/`, or `/` to `/en/` when the default language lives in its folder), and the
/// report's notes on the languages.
pub(super) fn finish(
    languages: &Languages,
    trees: &[ContentTree],
    config: &super::HugoConfig,
    imported: &mut Imported,
) {
    let default_prefix = languages.url_prefix(&languages.default);
    if default_prefix.is_empty() {
        // Hugo answers `/en/` with a redirect to `/` when the site has more than one language.
        if languages.enabled.len() > 1 {
            let alias = format!("/{}/", languages.default);
            if let Some(home) = imported.docs.iter_mut().find(|d| d.kind == DocKind::Home) {
                if !home.aliases.contains(&alias) {
                    home.aliases.push(alias);
                }
            }
        }
    } else {
        // Hugo's `/` is a redirect to the default language's home page; Charter always publishes
        // a home page, so it links to each language's.
        let links: Vec<String> = trees
            .iter()
            .map(|t| {
                let title = t.title.clone().unwrap_or_else(|| t.lang.clone());
                format!("- [{title}]({}/)", t.url_prefix)
            })
            .collect();
        let source = PathBuf::from(&config.content_dir).join("_index.md");
        let note = Note::new(
            NoteKind::Language,
            source.clone(),
            None,
            format!(
                "Hugo's `/` was a redirect to the default language's home page {default_prefix}/ (`defaultContentLanguageInSubdir`); Charter's home page (content/_index.md) links to each language's instead"
            ),
        );
        let mut home =
            Doc::invented(source, "_index.md", DocKind::Home, "/", &config.site.title, note);
        home.body = format!("{}\n", links.join("\n"));
        imported.docs.push(home);
    }
    imported.link_prefixes =
        trees.iter().map(|t| t.link_prefix.clone()).filter(|p| !p.is_empty()).collect();
    default_language_settings(languages, imported);
    titles_from_translations(languages, trees, &mut imported.docs, &mut imported.notes);
    if !languages.terms_disabled {
        let notes = term_notes(trees, &config.site.taxonomies, &imported.docs);
        imported.notes.extend(notes);
    }
    imported.notes.extend(language_notes(languages, trees, ""));
}

/// The default language's `title`, `params` and `menus` are the site's where the top level of
/// the config has none (Hugo reads them per language; letsencrypt.org sets its title and
/// description only per language).
fn default_language_settings(languages: &Languages, imported: &mut Imported) {
    let Some(lang) = languages.enabled.iter().find(|l| l.code == languages.default) else {
        return;
    };
    let site = &mut imported.config;
    let untitled =
        |n: &Note| n.kind == NoteKind::TitleInvented && n.message.starts_with("no site title");
    if let Some(title) = lang.title.as_ref().filter(|_| imported.notes.iter().any(untitled)) {
        site.title = title.clone();
        imported.notes.retain(|n| !untitled(n));
    }
    if let Some(params) = &lang.params {
        for (k, v) in params {
            site.extra.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if site.description.is_none() {
            site.description = get(params, "description").and_then(value_text);
        }
    }
    if let Some(menus) = &lang.menus {
        site.extra.entry("menus").or_insert_with(|| menus.clone());
    }
}

/// A translation without a title (an untranslated stub: `untranslated: 1` and no text, as on
/// letsencrypt.org, whose theme shows the default language's page instead) takes the title of
/// its default-language translation rather than one made from its file name. The report gets one
/// line per language (how many, and the first), not one per page.
fn titles_from_translations(
    languages: &Languages,
    trees: &[ContentTree],
    docs: &mut [Doc],
    notes: &mut Vec<Note>,
) {
    let Some(default) = trees.iter().find(|t| t.lang == languages.default) else { return };
    let others: Vec<&ContentTree> =
        trees.iter().filter(|t| t.lang != languages.default && !t.link_prefix.is_empty()).collect();
    let titles: HashMap<String, (String, PathBuf)> = docs
        .iter()
        .filter(|d| !others.iter().any(|t| d.link_key.starts_with(&t.link_prefix)))
        .filter_map(|d| {
            let logical = d.link_key.strip_prefix(&default.link_prefix)?;
            let title = d.front.get("title").and_then(value_text)?;
            let invented = d.notes.iter().any(|n| n.kind == NoteKind::TitleInvented);
            (!invented).then(|| (logical.to_string(), (title, d.source.clone())))
        })
        .collect();
    // Language -> (pages, the first one's source, its title, where the title came from).
    let mut taken: BTreeMap<String, (usize, PathBuf, String, PathBuf)> = BTreeMap::new();
    for doc in docs.iter_mut() {
        let Some((lang, logical)) =
            others.iter().find_map(|t| Some((&t.lang, doc.link_key.strip_prefix(&t.link_prefix)?)))
        else {
            continue;
        };
        let Some((title, from)) = titles.get(logical) else { continue };
        let invented =
            |n: &Note| n.kind == NoteKind::TitleInvented && n.message.starts_with("no title:");
        if !doc.notes.iter().any(invented) {
            continue;
        }
        doc.notes.retain(|n| !invented(n));
        doc.front.insert("title".into(), Value::String(title.clone()));
        let entry = taken
            .entry(lang.clone())
            .or_insert_with(|| (0, doc.source.clone(), title.clone(), from.clone()));
        entry.0 += 1;
    }
    for (lang, (count, first, title, from)) in taken {
        notes.push(Note::new(
            NoteKind::TitleInvented,
            &first,
            None,
            format!(
                "{count} `{lang}` page(s) without a title took the title of their `{}` translation (this one: \"{title}\", from {})",
                languages.default,
                slash_path(&from)
            ),
        ));
    }
}

/// Hugo publishes a language's term pages under its prefix (`/fr/tags/x/`); Charter has one set
/// of taxonomies for the whole site, so those URLs are not kept: one note per language whose
/// published pages have terms.
fn term_notes(trees: &[ContentTree], taxonomies: &[String], docs: &[Doc]) -> Vec<Note> {
    let mut notes = Vec::new();
    let first_taxonomy = taxonomies.first().map(String::as_str).unwrap_or("tags");
    for tree in trees.iter().filter(|t| t.is_subdir()) {
        let with_terms: Vec<&Doc> = docs
            .iter()
            .filter(|d| d.published && d.link_key.starts_with(&tree.link_prefix))
            .filter(|d| {
                taxonomies.iter().any(
                    |t| matches!(d.front.get(t), Some(Value::Array(terms)) if !terms.is_empty()),
                )
            })
            .collect();
        let Some(first) = with_terms.first() else { continue };
        let moved: Vec<String> =
            taxonomies.iter().map(|t| format!("{}/{t}/ to /{t}/", tree.url_prefix)).collect();
        notes.push(Note::new(
            NoteKind::UrlNotKept,
            &first.source,
            None,
            format!(
                "`{}`: Hugo published the terms of its {} page(s) with terms under {}/ ({}/{first_taxonomy}/…); Charter has one set of taxonomies for the whole site, so they are listed with the other languages' terms at /{first_taxonomy}/…; to keep the old URLs, add redirect rules on the web server from {}",
                tree.lang,
                with_terms.len(),
                tree.url_prefix,
                tree.url_prefix,
                moved.join(", from ")
            ),
        ));
    }
    notes
}

/// The report's notes on the languages: where each went, that Charter has no translation links
/// yet, and which languages were left out.
pub(super) fn language_notes(
    languages: &Languages,
    trees: &[ContentTree],
    config_file: &str,
) -> Vec<Note> {
    let mut notes = Vec::new();
    for tree in trees {
        let place = if tree.url_prefix.is_empty() {
            "at the root (`content/`), as Hugo published it".to_string()
        } else {
            format!(
                "as the section `content/{}/`, published at {}/ as Hugo did",
                tree.url_prefix.trim_start_matches('/'),
                tree.url_prefix
            )
        };
        let default = if tree.lang == languages.default { ", the default language" } else { "" };
        notes.push(Note::new(
            NoteKind::Language,
            config_file,
            None,
            format!(
                "`{}`{default}{}: {} file(s) from `{}` imported {place}",
                tree.lang,
                tree.title.as_deref().map(|t| format!(" (\"{t}\")")).unwrap_or_default(),
                tree.files.len(),
                tree.dir,
            ),
        ));
    }
    for code in &languages.disabled {
        notes.push(Note::new(
            NoteKind::Language,
            config_file,
            None,
            format!("`{code}` is disabled in the Hugo config: not imported, as Hugo does not publish it"),
        ));
    }
    notes.push(Note::new(
        NoteKind::Language,
        config_file,
        None,
        "Charter has no multilingual support yet: each language is a plain section, so every translation keeps its URL, but pages do not link to their translations, and the languages' `i18n/` strings and the other languages' menus and `params` are not carried over (the default language's title, `params` and menus are the site's where the config's top level has none)",
    ));
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect(),
            _ => panic!("a map"),
        }
    }

    #[test]
    fn no_languages_is_one_language_at_the_root() {
        assert_eq!(Languages::read(&config(json!({"title": "x"}))), None);
        assert_eq!(Languages::read(&config(json!({"languages": {}}))), None);
    }

    #[test]
    fn languages_are_read_with_their_folders_weights_and_permalinks() {
        let l = Languages::read(&config(json!({
            "defaultContentLanguage": "FR",
            "disableLanguages": ["es"],
            "languages": {
                "en": {"weight": 2, "contentDir": "content/en/", "title": "Notes"},
                "fr": {"weight": 1, "ContentDir": "content/fr", "permalinks": {"page": {"posts": "/articles/:slug/"}}},
                "es": {"weight": 3},
                "de": {"disabled": true},
                "pt-BR": {"weight": "4"},
            }
        })))
        .unwrap();
        assert_eq!(l.default, "fr");
        assert!(!l.default_in_subdir);
        let codes: Vec<&str> = l.enabled.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["fr", "en", "pt-br"]);
        assert_eq!(l.disabled, ["de", "es"]);
        assert_eq!(l.enabled[1].content_dir.as_deref(), Some("content/en"));
        assert_eq!(l.enabled[1].title.as_deref(), Some("Notes"));
        assert_eq!(l.enabled[0].permalinks.as_ref().unwrap()["posts"], "/articles/:slug/");
        assert_eq!(l.url_prefix("fr"), "");
        assert_eq!(l.url_prefix("pt-br"), "/pt-br");
    }

    #[test]
    fn the_default_language_is_en_and_can_live_in_a_subdir() {
        let l = Languages::read(&config(json!({
            "defaultContentLanguageInSubdir": true,
            "languages": {"de": {"weight": 1}},
        })))
        .unwrap();
        assert_eq!(l.default, "en");
        let codes: Vec<&str> = l.enabled.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["de", "en"]);
        assert_eq!(l.url_prefix("en"), "/en");
    }

    #[test]
    fn config_dir_files_fold_into_languages() {
        let mut raw = Map::new();
        let file = |v: Value| v.as_object().unwrap().clone();
        insert_config_dir_file(&mut raw, "languages", file(json!({"en": {"weight": 1}})));
        insert_config_dir_file(&mut raw, "languages.fr", file(json!({"contentDir": "content/fr"})));
        insert_config_dir_file(&mut raw, "menus.fr", file(json!({"main": [{"name": "Accueil"}]})));
        insert_config_dir_file(&mut raw, "params", file(json!({"a": 1})));
        assert_eq!(
            Value::Object(raw),
            json!({
                "languages": {
                    "en": {"weight": 1},
                    "fr": {"contentDir": "content/fr", "menus": {"main": [{"name": "Accueil"}]}},
                },
                "params": {"a": 1},
            })
        );
    }

    #[test]
    fn files_go_to_their_language_by_folder_or_name() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for f in [
            "content/about.md",
            "content/about.de.md",
            "content/about.es.md",
            "content/post/index.de.md",
            "content/post/index.md",
            "content/post/pic.png",
            "content/v1.2.md",
            "content-fr/_index.md",
        ] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "---\ntitle: x\n---\n").unwrap();
        }
        let l = Languages::read(&config(json!({
            "disableLanguages": ["es"],
            "languages": {"en": {"weight": 1}, "fr": {"weight": 2, "contentDir": "content-fr"}, "de": {"weight": 3}, "es": {}},
        })))
        .unwrap();
        let mut notes = Vec::new();
        let trees = content_trees(root, "content", Some(&l), &mut notes).unwrap();
        let listed = |lang: &str| -> Vec<(String, String)> {
            let t = trees.iter().find(|t| t.lang == lang).unwrap();
            t.files.iter().map(|(k, v)| (slash_path(k), slash_path(v))).collect()
        };
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
        };
        assert_eq!(
            listed("en"),
            pairs(&[
                ("about.md", "content/about.md"),
                ("post/index.md", "content/post/index.md"),
                ("post/pic.png", "content/post/pic.png"),
                ("v1.2.md", "content/v1.2.md"),
            ])
        );
        assert_eq!(
            listed("de"),
            pairs(&[
                ("about.md", "content/about.de.md"),
                ("post/index.md", "content/post/index.de.md")
            ])
        );
        assert_eq!(listed("fr"), pairs(&[("_index.md", "content-fr/_index.md")]));
        let fr = trees.iter().find(|t| t.lang == "fr").unwrap();
        assert_eq!((fr.url_prefix.as_str(), fr.link_prefix.as_str()), ("/fr", "fr/"));
        assert!(
            notes.iter().any(|n| n.message.contains("1 file(s) of the disabled language `es`")),
            "{notes:?}"
        );
    }

    #[test]
    fn the_default_language_s_title_params_and_menus_are_the_site_s_when_the_top_level_has_none() {
        let l = Languages::read(&config(json!({
            "languages": {
                "en": {"title": "Let's Encrypt", "params": {"description": "Free TLS", "x": 1}, "menu": {"main": []}},
                "fr": {"title": "Pas ça", "params": {"y": 2}},
            },
        })))
        .unwrap();
        let mut imported = Imported::default();
        imported.config.title = "folder".into();
        imported.config.extra.insert("x".into(), json!(0));
        imported.notes.push(Note::new(
            NoteKind::TitleInvented,
            "hugo.toml",
            None,
            "no site title: used \"folder\"",
        ));
        default_language_settings(&l, &mut imported);
        assert_eq!(imported.config.title, "Let's Encrypt");
        assert!(imported.notes.is_empty());
        assert_eq!(imported.config.description.as_deref(), Some("Free TLS"));
        assert_eq!(imported.config.extra["x"], json!(0));
        assert_eq!(imported.config.extra["menus"], json!({"main": []}));
        assert!(!imported.config.extra.contains_key("y"));
    }

    #[test]
    fn a_language_s_terms_below_its_prefix_are_named_as_not_kept() {
        let doc = |key: &str, tags: Value| {
            let mut front = Map::new();
            front.insert("tags".into(), tags);
            Doc { front, ..Doc::new(format!("content/{key}"), key, DocKind::Page, "") }
        };
        let docs = [
            doc("a.md", json!(["x"])),
            doc("fr/a.md", json!([])),
            doc("fr/b.md", json!(["y"])),
            doc("de/b.md", json!([])),
        ];
        let tree = |lang: &str, prefix: &str| ContentTree {
            lang: lang.into(),
            url_prefix: prefix.into(),
            link_prefix: if prefix.is_empty() { String::new() } else { format!("{lang}/") },
            ..Default::default()
        };
        let trees = [tree("en", ""), tree("fr", "/fr"), tree("de", "/de")];
        let notes = term_notes(&trees, &["tags".into(), "categories".into()], &docs);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].file, Path::new("content/fr/b.md"));
        assert!(notes[0].message.starts_with("`fr`: Hugo published the terms of its 1 page(s) with terms under /fr/ (/fr/tags/…)"), "{}", notes[0].message);
        assert!(
            notes[0]
                .message
                .ends_with("from /fr/tags/ to /tags/, from /fr/categories/ to /categories/"),
            "{}",
            notes[0].message
        );
        let disabled = json!({"languages": {"en": {}}, "disableKinds": ["Term"]});
        assert!(Languages::read(&config(disabled)).unwrap().terms_disabled);
    }

    #[test]
    fn a_missing_language_folder_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("content")).unwrap();
        let l = Languages::read(&config(json!({
            "languages": {"en": {}, "fr": {"contentDir": "content/fr"}},
        })))
        .unwrap();
        let err = content_trees(tmp.path(), "content", Some(&l), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("no content folder `content/fr`"), "{err}");
    }
}
