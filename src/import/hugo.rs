//! Reads a Hugo site: its config, `content/` (pages, sections, leaf and branch bundles, front
//! matter in YAML, TOML or JSON), `static/` and `data/`, and computes each page's URL exactly as
//! Hugo publishes it (`url`, `slug`, `permalinks`, `aliases`, urlized paths), so that placement can
//! keep it. Page bodies are translated later by [`convert_body`] (shortcodes, `ref` links).

use super::dates::{self, DateFix, SourceDate};
use super::hugo_languages::{self, ContentTree, Languages};
use super::place::{LinkIndex, Placement};
use super::report::{Note, NoteKind};
use super::source_front_matter;
use super::titles::{ListTitles, TitleCase};
use super::{
    shortcodes, slash_path, source_file, title_from_name, value_text, walk, Body, CopyFile,
    CopyKind, Doc, DocKind, Imported, SiteConfig,
};
use crate::error::{Diagnostic, Diagnostics};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const CONTENT_EXTS: [&str; 6] = ["md", "markdown", "mdown", "mkd", "html", "htm"];
const CONVERTER_EXTS: [&str; 5] = ["adoc", "asciidoc", "rst", "org", "pandoc"];

/// The parts of a Hugo config the import uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct HugoConfig {
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
    pub notes: Vec<Note>,
}

/// Reads the Hugo site in `root`.
pub(crate) fn read(root: &Path) -> Result<Imported, Diagnostics> {
    let config = read_config(root)?;
    let mut imported =
        Imported { config: config.site.clone(), notes: config.notes.clone(), ..Default::default() };
    // One tree of content files per language (one for a site without languages).
    let trees = hugo_languages::content_trees(
        root,
        &config.content_dir,
        config.languages.as_ref(),
        &mut imported.notes,
    )?;
    for tree in &trees {
        read_tree(root, &config, tree, &mut imported);
    }
    if let Some(languages) = &config.languages {
        hugo_languages::finish(languages, &trees, &config, &mut imported);
    }

    // Branch bundle resources: files beside `_index.md` are published under the section's URL;
    // they are already copied to static/ above at that path.
    for dir in &config.static_dirs {
        copy_tree(root, dir, "static", &mut imported, false)?;
    }
    let mut taken: BTreeSet<PathBuf> = imported.files.iter().map(|f| f.to.clone()).collect();
    for dir in &config.theme_static_dirs {
        let mut theme = Imported::default();
        copy_tree(root, dir, "static", &mut theme, false)?;
        imported.notes.extend(theme.notes);
        imported.files.extend(theme.files.into_iter().filter(|f| taken.insert(f.to.clone())));
    }
    copy_tree(root, &config.data_dir, "data", &mut imported, true)?;
    for (dir, why) in [
        ("layouts", "Hugo templates: Charter uses Tera templates; a plain set was written to templates/"),
        ("themes", "Hugo themes: write or pick a Charter theme; a plain set of templates was written to templates/"),
        ("assets", "Hugo Pipes assets are published only when templates use them; copy what you need into static/"),
        ("i18n", "translations are not imported"),
        ("archetypes", "archetypes are Hugo's `hugo new` templates; not needed by Charter"),
    ] {
        if root.join(dir).is_dir() {
            imported.notes.push(Note::new(NoteKind::Skipped, dir, None, why));
        }
    }
    term_slug_notes(&imported.docs, &config.site.taxonomies, &mut imported.notes);
    carry_pagination(root, &mut imported)?;
    Ok(imported)
}

/// Reads the content files of one language (of the whole site when it has no languages) into
/// `imported`: pages, sections, the sections Hugo makes of top-level folders, bundle resources
/// and other files.
fn read_tree(root: &Path, config: &HugoConfig, tree: &ContentTree, imported: &mut Imported) {
    // The language's own title and permalinks replace the site's.
    let config = &HugoConfig {
        site: SiteConfig {
            title: tree.title.clone().unwrap_or_else(|| config.site.title.clone()),
            ..config.site.clone()
        },
        permalinks: tree.permalinks.clone().unwrap_or_else(|| config.permalinks.clone()),
        ..config.clone()
    };
    let files: Vec<PathBuf> = tree.files.keys().cloned().collect();
    let source_of = |f: &Path| tree.source(f);
    let taxonomies: BTreeSet<String> = config.site.taxonomies.iter().cloned().collect();

    // Bundles: a folder with `index.*` is a leaf bundle (everything below is its resources), a
    // folder with `_index.*` a branch bundle (a section).
    let mut leaf_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut branch_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for f in &files {
        if is_content(f) {
            let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
            match stem(f).as_str() {
                "index" if !dir.as_os_str().is_empty() => {
                    leaf_dirs.insert(dir);
                }
                "_index" => {
                    branch_dirs.insert(dir);
                }
                _ => {}
            }
        }
    }
    let leaf_of = |f: &Path| -> Option<PathBuf> {
        f.ancestors().skip(1).filter(|a| leaf_dirs.contains(*a)).last().map(Path::to_path_buf)
    };

    let mut pages: Vec<PathBuf> = Vec::new();
    let mut sections: Vec<PathBuf> = Vec::new();
    let mut resources: HashMap<PathBuf, Vec<(PathBuf, PathBuf)>> = HashMap::new();
    let mut top_dirs: BTreeSet<String> = BTreeSet::new();
    for f in &files {
        let rel_str = slash_path(f);
        if let Some(first) = f.components().next() {
            let first = first.as_os_str().to_string_lossy().to_string();
            if f.components().count() > 1 && taxonomies.contains(&first) {
                imported.notes.push(Note::new(
                    NoteKind::Skipped,
                    source_of(f),
                    None,
                    format!("taxonomy page content (`{first}`): Charter renders taxonomy pages from taxonomy_list.html and taxonomy_term.html; move its text into those templates if it matters"),
                ));
                continue;
            }
        }
        if let Some(bundle) = leaf_of(f) {
            if is_content(f) && f.parent() == Some(bundle.as_path()) && stem(f) == "index" {
                pages.push(f.clone());
                if let Some(first) = f.components().next().filter(|_| f.components().count() > 2) {
                    top_dirs.insert(first.as_os_str().to_string_lossy().to_string());
                }
            } else if is_content(f) && ext(f) != "html" && ext(f) != "htm" {
                imported.notes.push(Note::new(
                    NoteKind::Skipped,
                    source_of(f),
                    None,
                    "a content file inside a leaf bundle is a resource Hugo does not publish as a page; not imported",
                ));
            } else {
                let rel =
                    f.strip_prefix(&bundle).map(Path::to_path_buf).unwrap_or_else(|_| f.clone());
                resources
                    .entry(bundle.join("index"))
                    .or_default()
                    .push((root.join(source_of(f)), rel));
            }
            continue;
        }
        if ext(f) == "gotmpl" {
            imported.notes.push(Note::new(
                NoteKind::Skipped,
                source_of(f),
                None,
                "a content adapter makes pages with Go templates at build time; write those pages as Markdown (or a script that does) and import again",
            ));
            continue;
        }
        if CONVERTER_EXTS.contains(&ext(f).as_str()) {
            imported.notes.push(Note::new(
                NoteKind::Skipped,
                source_of(f),
                None,
                format!("`.{}` content needs an external converter in Hugo; convert it to Markdown and import again", ext(f)),
            ));
            continue;
        }
        if is_content(f) {
            if stem(f) == "_index" {
                sections.push(f.clone());
            } else {
                pages.push(f.clone());
            }
            if f.components().count() > 1 {
                if let Some(first) = f.components().next() {
                    top_dirs.insert(first.as_os_str().to_string_lossy().to_string());
                }
            }
            continue;
        }
        // Any other file is published at its own path.
        let to = Path::new("static")
            .join(tree.url_prefix.trim_start_matches('/'))
            .join(urlize_path(&rel_str));
        imported.files.push(CopyFile { from: root.join(source_of(f)), to, kind: CopyKind::Static });
    }

    // Top-level folders are sections in Hugo even without `_index.md` (a nested folder is one
    // only with its `_index.md`, as in Charter): write the file, with the title Hugo shows.
    let mut invented: Vec<Doc> = Vec::new();
    for dir in &top_dirs {
        if !branch_dirs.contains(Path::new(dir)) {
            let title = config.list_titles.section_title(dir);
            let source = tree.source(Path::new(dir));
            let note = Note::new(
                NoteKind::TitleInvented,
                source.clone(),
                None,
                format!("section without `_index.md`: wrote one titled \"{title}\" (Hugo's title: the folder name, pluralised and title-cased)"),
            );
            invented.push(Doc::invented(
                source,
                format!("{}{dir}/_index.md", tree.link_prefix),
                DocKind::Section,
                tree.url(&format!("/{}/", hugo_path(dir)), false),
                &title,
                note,
            ));
        }
    }
    if !branch_dirs.contains(Path::new("")) {
        let note = Note::new(
            NoteKind::TitleInvented,
            tree.source(Path::new("_index.md")),
            None,
            format!(
                "no home page file: wrote one titled \"{}\" (the {} title)",
                config.site.title,
                if tree.lang.is_empty() { "site" } else { "language's" }
            ),
        );
        invented.push(Doc::invented(
            tree.source(Path::new("_index.md")),
            format!("{}_index.md", tree.link_prefix),
            tree.kind(DocKind::Home),
            tree.url("/", false),
            &config.site.title,
            note,
        ));
    }

    let now = chrono::Utc::now();
    let cascades = read_cascades(root, tree, &sections);
    let parsed: Vec<Result<Doc, Note>> = sections
        .par_iter()
        .map(|f| (f, true))
        .chain(pages.par_iter().map(|f| (f, false)))
        .map(|(f, is_section)| {
            let res = resources
                .get(&f.parent().unwrap_or(Path::new("")).join("index"))
                .filter(|_| !is_section)
                .cloned()
                .unwrap_or_default();
            let cascade = cascade_for(&cascades, f);
            read_doc(root, tree, config, f, is_section, res, &cascade, now)
        })
        .collect();
    for p in parsed {
        match p {
            Ok(doc) => imported.docs.push(doc),
            Err(note) => imported.notes.push(note),
        }
    }
    imported.docs.extend(invented);
}

/// Hugo writes pagers (`/posts/page/2/`, and `/posts/page/1/` redirecting to `/posts/`) only for
/// lists whose template calls `.Paginator` or `.Paginate`. When a template of the site or its
/// themes does, every section's `_index.md` gets `paginate_by` (and `paginate_path`), and
/// `site.yaml` the same for the taxonomies' term pages. Hugo also paginates the taxonomy lists
/// (`/tags/page/1/`), which Charter does not: those pager URLs become redirect pages to the list.
fn carry_pagination(root: &Path, imported: &mut Imported) -> Result<(), Diagnostics> {
    let mut paginates = false;
    for dir in ["layouts", "themes"] {
        let folder = root.join(dir);
        if paginates || !folder.is_dir() {
            continue;
        }
        let mut notes = Vec::new();
        let files = walk(root, &folder, &|_| false, &mut notes).map_err(Diagnostics::from)?;
        paginates = files.iter().filter(|f| ext(f) == "html").any(|f| {
            std::fs::read_to_string(folder.join(f))
                .is_ok_and(|t| t.contains(".Paginator") || t.contains(".Paginate"))
        });
    }
    if !paginates {
        imported.config.pagination = None;
        return Ok(());
    }
    let Some((by, path)) = imported.config.pagination.clone() else { return Ok(()) };
    for doc in imported.docs.iter_mut().filter(|d| d.kind == DocKind::Section) {
        doc.front.insert("paginate_by".into(), Value::from(by));
        if path != crate::config::DEFAULT_PAGINATE_PATH {
            doc.front.insert("paginate_path".into(), Value::String(path.clone()));
        }
    }
    for t in &imported.config.taxonomies {
        let terms: BTreeSet<String> = imported
            .docs
            .iter()
            .filter(|d| d.published)
            .filter_map(|d| d.front.get(t).and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_str)
            .map(crate::content::term_slug)
            .collect();
        let list = format!("/{}/", crate::text::slugify(t));
        let pagers = terms.len().div_ceil(by.max(1) as usize).max(1);
        for n in 1..=pagers {
            imported.redirect_pages.push((format!("{list}{path}/{n}/"), list.clone()));
        }
        if pagers > 1 {
            imported.notes.push(Note::new(
                NoteKind::UrlKept,
                "",
                None,
                format!("Hugo split the {t} list {list} into {pagers} pagers; Charter lists every term on {list}, and the pager URLs {list}{path}/2/ to {list}{path}/{pagers}/ are redirects to it"),
            ));
        }
    }
    Ok(())
}

/// Copies `root/dir` to `DEST/to`. Data files in TOML are converted to YAML.
fn copy_tree(
    root: &Path,
    dir: &str,
    to: &str,
    imported: &mut Imported,
    data: bool,
) -> Result<(), Diagnostics> {
    let from = root.join(dir);
    if !from.is_dir() {
        return Ok(());
    }
    for f in walk(root, &from, &|_| false, &mut imported.notes).map_err(Diagnostics::from)? {
        let mut dest = Path::new(to).join(&f);
        let kind = if !data {
            CopyKind::Static
        } else if ext(&f) == "toml" {
            dest.set_extension("yaml");
            imported.notes.push(Note::new(
                NoteKind::Other,
                Path::new(dir).join(&f),
                None,
                format!("TOML data written as YAML: {}", slash_path(&dest)),
            ));
            CopyKind::DataFromToml
        } else {
            if !matches!(ext(&f).as_str(), "yaml" | "yml" | "json") {
                imported.notes.push(Note::new(
                    NoteKind::Other,
                    Path::new(dir).join(&f),
                    None,
                    "copied, but Charter's `data` reads only YAML and JSON files",
                ));
            }
            CopyKind::Data
        };
        imported.files.push(CopyFile { from: from.join(&f), to: dest, kind });
    }
    Ok(())
}

fn is_content(f: &Path) -> bool {
    CONTENT_EXTS.contains(&ext(f).as_str())
}

fn ext(f: &Path) -> String {
    f.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

fn stem(f: &Path) -> String {
    f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default()
}

/// Hugo's `urlize` of a path: lower case, spaces to `-`, characters that are not letters, digits
/// or `-_./~+` dropped.
pub(crate) fn urlize(s: &str) -> String {
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
pub(crate) fn hugo_path(s: &str) -> String {
    hugo_term_slug(s)
}

/// Whether a URL from front matter can be a static path: one with a query string (`/?p=443`) or
/// a fragment cannot (Hugo writes it as a folder literally named `?p=443`, which no request for
/// `/?p=443` reaches).
fn servable(url: &str) -> bool {
    !url.contains(['?', '#'])
}

/// Urlizes the folders of a path and keeps the file name as it is.
fn urlize_path(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, file)) => format!("{}/{}", hugo_path(dir), file),
        None => rel.to_string(),
    }
}

/// Finds and reads `hugo.*`, `config.*` or `config/_default/`.
fn read_config(root: &Path) -> Result<HugoConfig, Diagnostics> {
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
                hugo_languages::insert_config_dir_file(&mut raw, &key, map);
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
    let title = get_str("title").unwrap_or_else(|| {
        notes.push(Note::new(
            NoteKind::TitleInvented,
            &config_file,
            None,
            format!("no site title: used \"{folder_name}\""),
        ));
        folder_name.clone()
    });
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

/// Reads one page or section file into a [`Doc`]. A file that cannot be read is a skip note.
#[allow(clippy::too_many_arguments)]
fn read_doc(
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
    let own_aliases: Vec<String> = addresses.aliases.iter().map(|a| tree.alias(a)).collect();
    let aliases = aliases_from_page_folder(&own_aliases, &page_url);
    note_url_choices(&mut m, &addresses, &page_url, published, place.kind);
    let MapFields { mut front, extra, .. } = m;
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

/// Aliases as root-relative paths: a relative one is relative to the page's folder.
fn aliases_from_page_folder(aliases: &[String], page_url: &str) -> Vec<String> {
    let parent = match page_url.trim_end_matches('/').rsplit_once('/') {
        Some((p, _)) => format!("{p}/"),
        None => "/".into(),
    };
    aliases
        .iter()
        .map(|a| if a.starts_with('/') { a.clone() } else { format!("{parent}{a}") })
        .collect()
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

/// `cascade` values of each section folder: (target path pattern, values).
type Cascades = HashMap<String, Vec<(Option<String>, Map<String, Value>)>>;

/// Reads the `cascade` of every section file.
fn read_cascades(root: &Path, tree: &ContentTree, sections: &[PathBuf]) -> Cascades {
    let mut out = Cascades::new();
    for f in sections {
        let Ok(text) = std::fs::read_to_string(root.join(tree.source(f))) else { continue };
        let Ok(split) = source_front_matter::split(&text) else { continue };
        let Ok(parsed) = source_front_matter::parse(&split) else { continue };
        let Some((_, c)) = parsed.map.iter().find(|(k, _)| k.eq_ignore_ascii_case("cascade"))
        else {
            continue;
        };
        let entries: Vec<&Value> = match c {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let dir = f.parent().map(slash_path).unwrap_or_default();
        for e in entries {
            let Value::Object(m) = e else { continue };
            let mut values = Map::new();
            let mut target = None;
            for (k, v) in m {
                match k.as_str() {
                    "_target" | "target" => target = v.get("path").and_then(value_text),
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
            out.entry(dir.clone()).or_default().push((target, values));
        }
    }
    out
}

/// The cascaded values for a content file: the nearest section's win.
fn cascade_for(cascades: &Cascades, rel: &Path) -> Map<String, Value> {
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
    let mut dirs: Vec<String> = rel.ancestors().skip(1).map(slash_path).collect();
    dirs.reverse();
    for dir in dirs {
        for (target, values) in cascades.get(&dir).into_iter().flatten() {
            let applies = match target {
                None => true,
                Some(t) => path_glob(&t.to_lowercase(), &page_path),
            };
            if applies {
                for (k, v) in values {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    out
}

/// Hugo's target paths: `*` within a segment, `**` across segments.
fn path_glob(pattern: &str, path: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix("/**") {
        return path == prefix || path.starts_with(&format!("{prefix}/"));
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

/// The URL Hugo publishes a regular page at.
fn page_url(
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
        let out = super::expand_permalink(pattern, |token| match token {
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
pub(crate) fn hugo_sanitize(s: &str) -> String {
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
pub(crate) fn hugo_term_slug(term: &str) -> String {
    hugo_sanitize(&term.to_lowercase().replace(' ', "-")).to_lowercase()
}

/// Notes every term whose Hugo URL differs from the one Charter publishes it at. Charter has no
/// redirects for term pages, so the old URL needs a server rule.
fn term_slug_notes(docs: &[Doc], taxonomies: &[String], notes: &mut Vec<Note>) {
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

/// Translates a page body: shortcodes, with `ref`/`relref` resolved against the imported pages.
pub(crate) fn convert_body(
    doc: &Doc,
    imported: &Imported,
    index: &LinkIndex,
    names: &super::components::Names,
) -> Body {
    let notes = std::sync::Mutex::new(Vec::new());
    // The line of the first use of a link target in the body, for the report.
    let note_link = |target: &str, message: String| {
        let line = doc.body.lines().position(|l| l.contains(target)).map(|i| doc.body_line + i);
        if let Ok(mut notes) = notes.lock() {
            notes.push(Note::new(NoteKind::LinkToUnpublished, &doc.source, line, message));
        }
    };
    let self_dir = {
        let key = doc.link_key.as_str();
        match key.rsplit_once('/') {
            Some((d, _)) => d.to_string(),
            None => String::new(),
        }
    };
    let resolve = |target: &str| -> Option<String> {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, format!("#{a}")),
            None => (target, String::new()),
        };
        if path.is_empty() {
            return index.get(&doc.link_key).map(|l| format!("{l}{anchor}"));
        }
        // A page of a language below the root (`fr/…`) finds its own language's pages first.
        let language = imported
            .link_prefixes
            .iter()
            .find(|p| doc.link_key.starts_with(p.as_str()))
            .map_or("", String::as_str);
        let Some(link) =
            resolve_ref_from(index, (language, &imported.link_prefixes), &self_dir, path)
        else {
            // Hugo with `refLinksErrorLevel = "warning"` renders `refLinksNotFoundURL`; with the
            // default level it refuses to build, and the link is left for a person.
            let url = imported.config.link_not_found_url.clone()?;
            note_link(target, format!("link to `{target}`: no such page; written as Hugo rendered it, a link to `{url}` (its `refLinksNotFoundURL`)"));
            return Some(url);
        };
        match index.unpublished_url(&link) {
            Some((url, true)) => Some(format!("{url}{anchor}")),
            Some((url, false)) => {
                note_link(target, format!("link to `{target}`, a page the new site does not publish (a draft): written as a plain link to its URL {url}, which is broken on the source site too; `charter check` lists it"));
                Some(format!("{url}{anchor}"))
            }
            None => Some(format!("{link}{anchor}")),
        }
    };
    let param = |name: &str| -> Option<String> {
        let lookup = |m: &Map<String, Value>| -> Option<String> {
            let mut cur: Option<&Value> = None;
            for (i, part) in name.split('.').enumerate() {
                cur = if i == 0 {
                    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(part)).map(|(_, v)| v)
                } else {
                    cur.and_then(|v| v.as_object()).and_then(|o| {
                        o.iter().find(|(k, _)| k.eq_ignore_ascii_case(part)).map(|(_, v)| v)
                    })
                };
            }
            cur.and_then(value_text)
        };
        let page_extra = doc.front.get("extra").and_then(Value::as_object);
        lookup(&doc.front)
            .or_else(|| page_extra.and_then(lookup))
            .or_else(|| lookup(&imported.config.extra))
    };
    let c = shortcodes::convert(
        &doc.body,
        doc.body_line,
        &shortcodes::Context { resolve_ref: &resolve, param: &param, names },
    );
    let notes = notes.into_inner().unwrap_or_default();
    Body {
        text: c.text,
        leftovers: c.leftovers,
        components: c.components,
        unresolved: c.unresolved,
        notes,
    }
}

/// [`resolve_ref_from`] on a site without languages.
#[cfg(test)]
fn resolve_ref(index: &LinkIndex, self_dir: &str, path: &str) -> Option<String> {
    resolve_ref_from(index, ("", &[]), self_dir, path)
}

/// Finds a `ref` target the way Hugo does: relative to the page, then from the content root,
/// with or without extension, as a bundle or section folder, and finally by unique base name.
/// On a multilingual site, from a page of the language whose link keys start with `language`
/// (`fr/`; empty for the language at the root), given every language's prefix: a path from the
/// content root finds that language's page first, and a base name finds no other language's page.
fn resolve_ref_from(
    index: &LinkIndex,
    (language, prefixes): (&str, &[String]),
    self_dir: &str,
    path: &str,
) -> Option<String> {
    let clean = |p: &str| -> String {
        let mut parts: Vec<&str> = Vec::new();
        for seg in p.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    };
    let mut bases = Vec::new();
    if !path.starts_with('/') && !self_dir.is_empty() {
        bases.push(clean(&format!("{self_dir}/{path}")));
    }
    if !language.is_empty() {
        bases.push(clean(&format!("{language}{path}")));
    }
    bases.push(clean(path));
    for base in &bases {
        let mut candidates = vec![base.clone()];
        for e in CONTENT_EXTS {
            candidates.push(format!("{base}.{e}"));
        }
        for e in CONTENT_EXTS {
            candidates.push(if base.is_empty() {
                format!("_index.{e}")
            } else {
                format!("{base}/_index.{e}")
            });
            candidates.push(format!("{base}/index.{e}"));
        }
        for c in candidates {
            if let Some(l) = index.get(&c) {
                return Some(l.to_string());
            }
        }
    }
    // By base name, when only one page has it.
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    let name_stem = name
        .rsplit_once('.')
        .filter(|(_, e)| CONTENT_EXTS.contains(e))
        .map(|(s, _)| s)
        .unwrap_or(name);
    let mut found: Vec<&str> = index
        .keys()
        .filter(|k| {
            let p = Path::new(k);
            let s = stem(p);
            let bundle_name = if s == "index" || s == "_index" {
                p.parent().map(stem).unwrap_or_default()
            } else {
                s
            };
            bundle_name == name_stem
        })
        .collect();
    found.sort();
    found.retain(|k| {
        let other = prefixes.iter().any(|p| p != language && k.starts_with(p.as_str()));
        !other || (!language.is_empty() && k.starts_with(language))
    });
    if found.len() > 1 && !language.is_empty() {
        found.retain(|k| k.starts_with(language));
    }
    if found.len() == 1 {
        return index.get(found[0]).map(str::to_string);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> HugoConfig {
        HugoConfig { content_dir: "content".into(), ..Default::default() }
    }

    #[test]
    fn cascade_reaches_descendants_and_targets() {
        let mut c = Cascades::new();
        let mut never = Map::new();
        never.insert("build".into(), serde_json::json!({"render": "never"}));
        c.insert("common".into(), vec![(None, never)]);
        let mut draft = Map::new();
        draft.insert("draft".into(), Value::Bool(true));
        c.insert("other".into(), vec![(Some("/other/a".into()), draft)]);
        assert!(cascade_for(&c, Path::new("common/x.md")).contains_key("build"));
        assert!(cascade_for(&c, Path::new("common/_index.md")).contains_key("build"));
        assert!(cascade_for(&c, Path::new("other/a.md")).contains_key("draft"));
        assert!(!cascade_for(&c, Path::new("other/b.md")).contains_key("draft"));
        assert!(path_glob("/blog/**", "/blog/x/y"));
        assert!(path_glob("/blog/*", "/blog/x"));
        assert!(!path_glob("/blog/*", "/blog/x/y"));
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
        let doc = Doc {
            source: "content/p.md".into(),
            link_key: "p.md".into(),
            kind: DocKind::Page,
            url: "/p/".into(),
            aliases: vec![],
            published: true,
            front,
            body: String::new(),
            body_line: 1,
            resources: vec![],
            notes: vec![],
        };
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

    fn index(keys: &[&str]) -> LinkIndex {
        let docs: Vec<Doc> = keys
            .iter()
            .map(|k| Doc {
                source: k.into(),
                link_key: k.to_string(),
                kind: DocKind::Page,
                url: String::new(),
                aliases: vec![],
                published: true,
                front: Map::new(),
                body: String::new(),
                body_line: 1,
                resources: vec![],
                notes: vec![],
            })
            .collect();
        let places: Vec<super::super::place::Place> = keys
            .iter()
            .map(|k| super::super::place::Place {
                content_path: format!("new/{k}"),
                url: String::new(),
                slug: None,
                aliases: vec![],
                moved_from: vec![],
                bundle_dir: None,
                outside_site: false,
                aliases_outside_site: vec![],
                aliases_taken: vec![],
            })
            .collect();
        LinkIndex::new(&docs, &places)
    }

    #[test]
    fn refs_resolve_like_hugo() {
        let idx = index(&[
            "posts/first.md",
            "posts/bundle/index.md",
            "docs/sub/_index.md",
            "about.md",
            "_index.md",
        ]);
        assert_eq!(
            resolve_ref(&idx, "", "posts/first.md").as_deref(),
            Some("@/new/posts/first.md")
        );
        assert_eq!(resolve_ref(&idx, "", "/posts/first").as_deref(), Some("@/new/posts/first.md"));
        assert_eq!(resolve_ref(&idx, "posts", "first.md").as_deref(), Some("@/new/posts/first.md"));
        assert_eq!(
            resolve_ref(&idx, "posts", "bundle").as_deref(),
            Some("@/new/posts/bundle/index.md")
        );
        assert_eq!(resolve_ref(&idx, "", "/docs/sub").as_deref(), Some("@/new/docs/sub/_index.md"));
        assert_eq!(resolve_ref(&idx, "posts", "../about.md").as_deref(), Some("@/new/about.md"));
        assert_eq!(resolve_ref(&idx, "x", "first").as_deref(), Some("@/new/posts/first.md"));
        assert_eq!(resolve_ref(&idx, "", "/").as_deref(), Some("@/new/_index.md"));
        assert_eq!(resolve_ref(&idx, "", "missing.md"), None);
    }

    #[test]
    fn refs_from_a_translation_find_its_own_language_first() {
        let idx =
            index(&["about.md", "docs/guide.md", "fr/about.md", "fr/docs/guide.md", "de/x.md"]);
        let langs = ["fr/".to_string(), "de/".to_string()];
        let from =
            |lang: &str, dir: &str, path: &str| resolve_ref_from(&idx, (lang, &langs), dir, path);
        assert_eq!(from("fr/", "fr/posts", "/about.md").as_deref(), Some("@/new/fr/about.md"));
        assert_eq!(
            from("fr/", "fr/posts", "docs/guide.md").as_deref(),
            Some("@/new/fr/docs/guide.md")
        );
        assert_eq!(from("fr/", "fr", "guide").as_deref(), Some("@/new/fr/docs/guide.md"));
        // Not translated: the default language's page.
        assert_eq!(from("de/", "de", "/docs/guide.md").as_deref(), Some("@/new/docs/guide.md"));
        // Another language's page is never found, not even by its base name.
        assert_eq!(from("fr/", "fr", "/x.md"), None);
        assert_eq!(from("", "", "x"), None);
        assert_eq!(resolve_ref(&idx, "", "/about.md").as_deref(), Some("@/new/about.md"));
    }
}
