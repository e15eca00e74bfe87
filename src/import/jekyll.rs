//! Reads a Jekyll site: `_config.yml` (title, url, baseurl, permalink, collections, defaults,
//! exclude), posts in `_posts/` (date and slug from the file name, categories from the folders
//! above), drafts in `_drafts/`, collections, pages anywhere, `_data/` and static files, and
//! computes every URL exactly as Jekyll writes it (permalink styles and placeholders, per page and
//! site-wide) so that placement can keep it. Bodies are translated later by [`convert_body`]
//! (Liquid links and tags).

use super::dates::{self, DateFix, SourceDate};
use super::jekyll_pagination::{self, JekyllPagination};
use super::kramdown;
use super::place::LinkIndex;
use super::report::{Note, NoteKind};
use super::source_front_matter;
use super::{
    liquid, slash_path, source_file, value_text, walk, Body, CopyFile, CopyKind, Doc, DocKind,
    Imported, SiteConfig,
};
use crate::error::{Diagnostic, Diagnostics};
use chrono::Datelike;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const PAGE_EXTS: [&str; 5] = ["md", "markdown", "mkdown", "html", "htm"];

/// The parts of `_config.yml` the import uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct JekyllConfig {
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
    pub notes: Vec<Note>,
}

/// What kind of document a file is in Jekyll's eyes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Post { categories: Vec<String> },
    Draft { categories: Vec<String> },
    Collection(String),
    Page,
}

/// Expands a permalink style name into its template.
fn style_template(style: &str) -> String {
    match style {
        "date" => "/:categories/:year/:month/:day/:title:output_ext".into(),
        "pretty" => "/:categories/:year/:month/:day/:title/".into(),
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext".into(),
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext".into(),
        "none" => "/:categories/:title:output_ext".into(),
        other => other.to_string(),
    }
}

/// Reads the Jekyll site in `root`.
pub(crate) fn read(root: &Path) -> Result<Imported, Diagnostics> {
    let config = read_config(root)?;
    let mut imported =
        Imported { config: config.site.clone(), notes: config.notes.clone(), ..Default::default() };
    let default_excludes = [
        "_site",
        "Gemfile",
        "Gemfile.lock",
        "node_modules",
        "vendor",
        ".sass-cache",
        ".jekyll-cache",
        "gemfiles",
    ];
    let excluded = |rel: &Path| -> bool {
        let s = slash_path(rel);
        if config.include.contains(&s) {
            return false;
        }
        default_excludes.contains(&s.as_str()) && !config.include.iter().any(|i| i == &s)
            || config.exclude.iter().any(|e| !e.is_empty() && e.contains(&s))
    };
    let files = walk(root, root, &excluded, &mut imported.notes).map_err(Diagnostics::from)?;

    let mut docs_to_read: Vec<(PathBuf, Kind)> = Vec::new();
    let mut skipped_dirs: BTreeSet<String> = BTreeSet::new();
    for f in &files {
        let comps: Vec<String> =
            f.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect();
        let first = comps[0].as_str();
        let ext = ext(f);
        if first == "_data" {
            let mut to = PathBuf::from("data").join(f.strip_prefix("_data").unwrap_or(f));
            let kind = if ext == "toml" {
                to.set_extension("yaml");
                CopyKind::DataFromToml
            } else {
                if !matches!(ext.as_str(), "yaml" | "yml" | "json") {
                    imported.notes.push(Note::new(
                        NoteKind::Other,
                        f,
                        None,
                        "copied, but Charter's `data` reads only YAML and JSON files",
                    ));
                }
                CopyKind::Data
            };
            imported.files.push(CopyFile { from: root.join(f), to, kind });
            continue;
        }
        if let Some(pos) = comps.iter().position(|c| c == "_posts" || c == "_drafts") {
            if comps[..pos].iter().any(|c| c.starts_with('_')) {
                skipped_dirs.insert(comps[0].clone());
                continue;
            }
            let categories: Vec<String> = comps[..pos].to_vec();
            if !PAGE_EXTS.contains(&ext.as_str()) {
                // Files beside posts are static files at their own path (Jekyll copies them).
                imported.files.push(CopyFile {
                    from: root.join(f),
                    to: Path::new("static").join(f),
                    kind: CopyKind::Static,
                });
                continue;
            }
            let kind = if comps[pos] == "_posts" {
                Kind::Post { categories }
            } else {
                Kind::Draft { categories }
            };
            docs_to_read.push((f.clone(), kind));
            continue;
        }
        if comps.len() == 1 && first.starts_with("_config.") {
            continue;
        }
        if let Some(name) = first.strip_prefix('_') {
            if comps.len() > 1 && config.collections.contains_key(name) {
                if PAGE_EXTS.contains(&ext.as_str()) {
                    docs_to_read.push((f.clone(), Kind::Collection(name.to_string())));
                } else if config.collections.get(name).is_some_and(|c| c.0) {
                    imported.files.push(CopyFile {
                        from: root.join(f),
                        to: Path::new("static").join(name).join(f.strip_prefix(first).unwrap_or(f)),
                        kind: CopyKind::Static,
                    });
                }
                continue;
            }
            if !config.include.iter().any(|i| i == first) {
                skipped_dirs.insert(first.to_string());
                continue;
            }
        }
        if comps.iter().any(|c| c.starts_with('_') && !config.include.contains(c)) {
            skipped_dirs
                .insert(comps.iter().find(|c| c.starts_with('_')).cloned().unwrap_or_default());
            continue;
        }
        // Anywhere else: a page when it has front matter, a static file otherwise.
        if has_front_matter(&root.join(f)) {
            if comps.len() == 1 && stem(f) == "404" {
                imported.notes.push(Note::new(NoteKind::Skipped, f, None, NOT_FOUND_PAGE));
            } else if PAGE_EXTS.contains(&ext.as_str()) {
                docs_to_read.push((f.clone(), Kind::Page));
            } else {
                imported.notes.push(Note::new(
                    NoteKind::Skipped,
                    f,
                    None,
                    match ext.as_str() {
                        "scss" | "sass" => "Sass compiled by Jekyll: compile it to CSS and put it in static/".to_string(),
                        "xml" if f.to_string_lossy().contains("feed") || f.to_string_lossy().contains("sitemap") => {
                            "a feed or sitemap made with Liquid: Charter writes its own atom.xml and sitemap.xml".to_string()
                        }
                        _ => format!("a `.{ext}` file with front matter is rendered by Liquid in Jekyll; Charter copies static files as they are, so write this one by hand"),
                    },
                ));
            }
        } else {
            imported.files.push(CopyFile {
                from: root.join(f),
                to: Path::new("static").join(f),
                kind: CopyKind::Static,
            });
        }
    }
    for dir in skipped_dirs {
        let why = match dir.as_str() {
            "_layouts" => "Jekyll layouts: Charter uses Tera templates; a plain set was written to templates/ (each page keeps its `layout` in extra)",
            "_includes" => "Jekyll includes: each one pages use became a component to port, its source copied into its template (see \"Includes to port\")",
            "_sass" => "Sass partials: compile your CSS and put it in static/",
            "_plugins" => "Ruby plugins cannot run in Charter",
            _ => "a file or folder starting with `_` is not published by Jekyll",
        };
        imported.notes.push(Note::new(NoteKind::Skipped, &dir, None, why));
    }

    let now = chrono::Utc::now();
    let results: Vec<Result<Doc, Note>> =
        docs_to_read.par_iter().map(|(f, kind)| read_doc(root, &config, f, kind, now)).collect();
    let mut has_home = false;
    let mut used_taxonomies = BTreeSet::new();
    for r in results {
        match r {
            // A not-found page kept elsewhere (`pages/404.html` with `permalink: /404.html`).
            Ok(doc) if doc.url == "/404.html" || doc.aliases.iter().any(|a| a == "/404.html") => {
                imported.notes.push(Note::new(
                    NoteKind::Skipped,
                    &doc.source,
                    None,
                    NOT_FOUND_PAGE,
                ));
            }
            Ok(doc) => {
                has_home |= doc.kind == DocKind::Home;
                for t in ["categories", "tags"] {
                    if doc.front.get(t).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                        used_taxonomies.insert(t);
                    }
                }
                imported.docs.push(doc);
            }
            Err(note) => imported.notes.push(note),
        }
    }
    keep_one_home(&mut imported.docs);
    if let Some(pagination) = &config.pagination {
        jekyll_pagination::apply(pagination, &mut imported.docs, &mut imported.notes);
    }
    // Categories and tags become taxonomies when some page uses them.
    imported.config.taxonomies = ["categories", "tags"]
        .iter()
        .filter(|t| used_taxonomies.contains(*t))
        .map(|t| t.to_string())
        .collect();
    for d in imported.docs.iter_mut() {
        for t in ["categories", "tags"] {
            if !used_taxonomies.contains(t) {
                d.front.remove(t);
            }
        }
    }
    if !imported.config.taxonomies.is_empty() {
        imported.notes.push(Note::new(
            NoteKind::Other,
            "_config.yml",
            None,
            format!(
                "{} became taxonomies: Charter publishes a page per taxonomy and term ({}), which Jekyll without a plugin did not",
                imported.config.taxonomies.join(" and "),
                imported.config.taxonomies.iter().map(|t| format!("/{t}/")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if !has_home {
        imported.docs.push(Doc::invented(
            "index.md",
            "index.md",
            DocKind::Home,
            "/",
            &config.site.title,
            Note::new(
                NoteKind::TitleInvented,
                "index.md",
                None,
                "no home page in the site: wrote one with the site title",
            ),
        ));
    }
    Ok(imported)
}

/// Of several pages at `/` (a root `index.*` and a page with `permalink: /`), the root `index.*`
/// stays the home page, or else the first; the others become plain pages at `/`, which placement
/// reports as a collision.
fn keep_one_home(docs: &mut [Doc]) {
    let homes: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].kind == DocKind::Home).collect();
    let keep = homes
        .iter()
        .copied()
        .find(|&i| docs[i].source.parent().is_none_or(|p| p.as_os_str().is_empty()))
        .or(homes.first().copied());
    for i in homes {
        if Some(i) != keep {
            docs[i].kind = DocKind::Page;
        }
    }
}

/// A path from `_config.yml` (a `defaults` scope or an `exclude` entry): the file or folder it
/// names, or, when it holds a `*`, a glob (where `*` also matches across `/`).
#[derive(Debug, Clone)]
pub(crate) struct PathScope {
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

fn ext(f: &Path) -> String {
    f.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

fn stem(f: &Path) -> String {
    f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default()
}

/// Jekyll treats a file as a page only when it starts with `---`.
fn has_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 5];
    let Ok(mut f) = std::fs::File::open(path) else { return false };
    let n = f.read(&mut buf).unwrap_or(0);
    let head = &buf[..n];
    let head = head.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(head);
    head.starts_with(b"---")
}

fn read_config(root: &Path) -> Result<JekyllConfig, Diagnostics> {
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
    let title = get_str("title").or_else(|| get_str("name")).unwrap_or_else(|| {
        notes.push(Note::new(
            NoteKind::TitleInvented,
            &config_file,
            None,
            format!("no site title: used \"{folder_name}\""),
        ));
        folder_name.clone()
    });
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
    let pagination = jekyll_pagination::read(&raw, root, &config_file, &mut notes);
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
        notes,
    })
}

/// The report's note on Jekyll's not-found page, which is not imported as a page.
const NOT_FOUND_PAGE: &str = "the not-found page: Charter writes /404.html from templates/404.html (a built-in one when absent); move its text there";

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
    "timezone",
    "encoding",
    "incremental",
    "safe",
    "keep_files",
    "show_drafts",
    "liquid",
    "livereload",
];

/// Splits a list value (`[a, b]` or Jekyll's space-separated `a b`).
fn words(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(value_text).collect(),
        other => value_text(other)
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
    }
}

/// Jekyll's `slugify`: `pretty` keeps `._~!$&'()+,;=@`, `default` only letters and digits;
/// `cased` keeps the letter case.
pub(crate) fn slugify(s: &str, pretty: bool, cased: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        let keep = c.is_alphanumeric() || (pretty && "._~!$&'()+,;=@".contains(c));
        if keep {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            if cased {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            dash = true;
        }
    }
    out
}

/// `2010-07-21-my-post.md` -> (date, `my-post`).
fn post_name(file_stem: &str) -> Option<(SourceDate, String)> {
    if file_stem.len() < 11 {
        return None;
    }
    let (date, rest) = file_stem.split_at(10);
    let slug = rest.strip_prefix('-')?;
    let d = dates::parse(date)?;
    if slug.is_empty() {
        return None;
    }
    Some((d, slug.to_string()))
}

/// Jekyll's title from a slug: `my-first-post` -> `My First Post`.
fn titleize(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

struct UrlParts<'a> {
    date: Option<SourceDate>,
    /// `:title` source: the slug (front matter or file name).
    slug: &'a str,
    categories: &'a [String],
    /// Folder of a page relative to the site root (`:path`), or a collection document's path.
    path: &'a str,
    basename: &'a str,
    collection: &'a str,
}

/// Fills a permalink template the way Jekyll's `URL` does, and sanitises it.
fn fill(template: &str, p: &UrlParts<'_>) -> String {
    let d = p.date;
    let out = super::expand_permalink(template, |token| match token {
        "year" => d.map(|d| format!("{:04}", d.year())),
        "short_year" => d.map(|d| format!("{:02}", d.year() % 100)),
        "month" => d.map(|d| format!("{:02}", d.month())),
        "i_month" => d.map(|d| d.month().to_string()),
        "short_month" => d.map(|d| d.date.format("%b").to_string()),
        "long_month" => d.map(|d| d.date.format("%B").to_string()),
        "day" => d.map(|d| format!("{:02}", d.day())),
        "i_day" => d.map(|d| d.day().to_string()),
        "y_day" => d.map(|d| format!("{:03}", d.date.ordinal())),
        "week" => d.map(|d| format!("{:02}", d.date.iso_week().week())),
        "short_day" => d.map(|d| d.date.format("%a").to_string()),
        "long_day" => d.map(|d| d.date.format("%A").to_string()),
        "hour" => {
            d.map(|d| d.time.map(|t| t.format("%H").to_string()).unwrap_or_else(|| "00".into()))
        }
        "minute" => {
            d.map(|d| d.time.map(|t| t.format("%M").to_string()).unwrap_or_else(|| "00".into()))
        }
        "second" => {
            d.map(|d| d.time.map(|t| t.format("%S").to_string()).unwrap_or_else(|| "00".into()))
        }
        "title" => Some(slugify(p.slug, true, true)),
        "slug" => Some(slugify(p.slug, false, false)),
        "name" => Some(slugify(p.basename, false, false)),
        "categories" => {
            let mut seen = Vec::new();
            for c in p.categories {
                let c = c.to_lowercase();
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            Some(seen.join("/"))
        }
        "path" => Some(p.path.to_string()),
        "basename" => Some(p.basename.to_string()),
        "collection" => Some(p.collection.to_string()),
        "output_ext" => Some(".html".into()),
        _ => None,
    });
    // Jekyll's sanitising: one leading slash, no doubled slashes.
    let mut u = format!("/{out}");
    while u.contains("//") {
        u = u.replace("//", "/");
    }
    // A URL that names neither a folder nor a file is written as a `.html` file.
    let last = u.rsplit('/').next().unwrap_or("");
    if !u.ends_with('/') && !last.contains('.') {
        u.push_str(".html");
    }
    u
}

/// The default page template for a site-wide permalink style.
fn page_template(site_permalink: &str, index: bool) -> String {
    if index {
        return "/:path/".into();
    }
    if site_permalink.ends_with('/') {
        "/:path/:basename/".into()
    } else if site_permalink.ends_with(":output_ext") {
        "/:path/:basename:output_ext".into()
    } else {
        "/:path/:basename".into()
    }
}

fn read_doc(
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
            date,
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

    let JekyllFields { mut front, extra, notes, .. } = m;
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

/// A post's date and slug from its file name (`2020-01-02-title.md`); a post without a date in
/// its name is skipped, as Jekyll skips it. Other documents have no date and their stem as slug.
fn date_and_slug_from_name(
    kind: &Kind,
    file_stem: &str,
    source: &Path,
) -> Result<(Option<SourceDate>, String), Note> {
    match kind {
        Kind::Post { .. } => match post_name(file_stem) {
            Some((d, s)) => Ok((Some(d), s)),
            None => Err(Note::new(NoteKind::Skipped, source, None, "a post's file name must start with its date (YYYY-MM-DD-title.md); Jekyll skips it too")),
        },
        Kind::Draft { .. } => match post_name(file_stem) {
            Some((d, s)) => Ok((Some(d), s)),
            None => Ok((None, file_stem.to_string())),
        },
        _ => Ok((None, file_stem.to_string())),
    }
}

/// The front matter Jekyll sees: the `defaults` of `_config.yml` whose scope takes the file, then
/// the file's own keys.
fn front_with_defaults(
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
                    super::title_from_name(file_stem)
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

/// The permalink template of a document: its own `permalink` (a style name expanded), else its
/// collection's, the site's for posts, or the page default.
fn url_template(
    config: &JekyllConfig,
    kind: &Kind,
    permalink: Option<&str>,
    file_stem: &str,
) -> String {
    match permalink {
        Some(p) => style_template(p),
        None => match kind {
            Kind::Post { .. } | Kind::Draft { .. } => config.post_permalink.clone(),
            Kind::Collection(c) => config
                .collections
                .get(c)
                .and_then(|c| c.1.clone())
                .unwrap_or_else(|| "/:collection/:path:output_ext".into()),
            Kind::Page => page_template(&config.permalink, file_stem == "index"),
        },
    }
}

/// The `:path` and `:collection` of a document: a collection document's path inside `_<name>`
/// without extension, else its folder.
fn path_and_collection(kind: &Kind, rel: &Path, dir: &str) -> (String, String) {
    match kind {
        Kind::Collection(c) => {
            let inside =
                rel.strip_prefix(format!("_{c}")).map(Path::to_path_buf).unwrap_or_default();
            let mut p = slash_path(&inside);
            if let Some(dot) = p.rfind('.') {
                p.truncate(dot);
            }
            (p, c.clone())
        }
        _ => (dir.to_string(), String::new()),
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

/// Translates the Liquid in a body, with `post_url` and `link` resolved against imported pages.
pub(crate) fn convert_body(
    doc: &Doc,
    imported: &Imported,
    index: &LinkIndex,
    names: &super::components::Names,
) -> Body {
    // Posts are indexed as `post:<stem>\0<path>`; pages by their path.
    let resolve_post = |name: &str| -> Option<String> {
        let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
        let file = name.rsplit('/').next().unwrap_or(name);
        let file = file
            .rsplit_once('.')
            .filter(|(_, e)| PAGE_EXTS.contains(e))
            .map(|(s, _)| s)
            .unwrap_or(file);
        let prefix = format!("post:{file}\u{0}");
        let mut found: Vec<&str> = index.keys().filter(|k| k.starts_with(&prefix)).collect();
        found.sort();
        // With a folder (`dir/2010-01-01-x`), prefer the post under that folder.
        if let Some((dir, _)) = name.rsplit_once('/') {
            if let Some(k) = found.iter().find(|k| k.contains(&format!("{dir}/_posts/"))) {
                return index.get(k).map(str::to_string);
            }
        }
        found.first().and_then(|k| index.get(k)).map(str::to_string)
    };
    let resolve_link = |path: &str| -> Option<String> {
        let path = path.trim().trim_matches(|c| c == '"' || c == '\'').trim_start_matches('/');
        if let Some(l) = index.get(path) {
            return Some(l.to_string());
        }
        // `_posts/2016-07-26-name.md`
        let key = index.keys().find(|k| k.ends_with(&format!("\u{0}{path}")))?;
        index.get(key).map(str::to_string)
    };
    let variable = |name: &str| -> Option<String> {
        let (scope, key) = name.split_once('.')?;
        let lookup = |m: &Map<String, Value>| -> Option<String> {
            let mut cur: Option<&Value> = None;
            for (i, part) in key.split('.').enumerate() {
                cur = if i == 0 { m.get(part) } else { cur.and_then(|v| v.get(part)) };
            }
            cur.and_then(value_text)
        };
        match scope {
            "page" => lookup(&doc.front)
                .or_else(|| doc.front.get("extra").and_then(Value::as_object).and_then(lookup)),
            "site" => lookup(&imported.config.extra).or_else(|| match key {
                "title" => Some(imported.config.title.clone()),
                "description" => imported.config.description.clone(),
                _ => None,
            }),
            _ => None,
        }
    };
    let (site_url, base_path) = split_base(&imported.config.base_url);
    let markdown = doc.source.extension().is_some_and(|e| {
        ["md", "markdown", "mkd", "mkdn", "mdown"].contains(&&*e.to_string_lossy())
    });
    let (body, attribute_lists) = if markdown {
        kramdown::block_attributes(&doc.body)
    } else {
        (doc.body.clone(), Vec::new())
    };
    let c = liquid::convert(
        &body,
        doc.body_line,
        &liquid::Context {
            resolve_post: &resolve_post,
            resolve_link: &resolve_link,
            variable: &variable,
            site_url: &site_url,
            base_path: &base_path,
            names,
        },
    );
    let mut leftovers = c.leftovers;
    leftovers.extend(attribute_lists.into_iter().map(|i| super::report::LeftoverUse {
        name: "kramdown attribute list `{: }` (kept as a comment)".into(),
        line: doc.body_line + i,
    }));
    Body {
        text: c.text,
        leftovers,
        components: c.components,
        unresolved: c.unresolved,
        ..Body::default()
    }
}

/// `https://host/base` -> (`https://host`, `/base`).
fn split_base(base_url: &str) -> (String, String) {
    let after_scheme = base_url.find("://").map(|i| i + 3).unwrap_or(0);
    match base_url[after_scheme..].find('/') {
        Some(i) => (
            base_url[..after_scheme + i].to_string(),
            base_url[after_scheme + i..].trim_end_matches('/').to_string(),
        ),
        None => (base_url.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(date: &str, slug: &'a str, cats: &'a [String]) -> UrlParts<'a> {
        UrlParts {
            date: dates::parse(date),
            slug,
            categories: cats,
            path: "",
            basename: slug,
            collection: "",
        }
    }

    #[test]
    fn permalink_styles() {
        let cats = vec!["Blog".to_string(), "news".to_string()];
        let p = parts("2010-07-21", "Hello-World", &cats);
        assert_eq!(fill(&style_template("date"), &p), "/blog/news/2010/07/21/Hello-World.html");
        assert_eq!(fill(&style_template("pretty"), &p), "/blog/news/2010/07/21/Hello-World/");
        assert_eq!(fill(&style_template("ordinal"), &p), "/blog/news/2010/202/Hello-World.html");
        assert_eq!(fill(&style_template("none"), &p), "/blog/news/Hello-World.html");
        assert_eq!(
            fill("/:categories/:year/:month/:day/:title/", &parts("2010-07-21", "x", &[])),
            "/2010/07/21/x/"
        );
        assert_eq!(fill("/blog/:year/:slug", &p), "/blog/2010/hello-world.html");
        assert_eq!(
            fill("/:short_year/:i_month/:i_day/:title/", &parts("2010-07-01", "x", &[])),
            "/10/7/1/x/"
        );
    }

    #[test]
    fn page_templates_follow_the_site_style() {
        assert_eq!(
            page_template("/:categories/:year/:month/:day/:title:output_ext", false),
            "/:path/:basename:output_ext"
        );
        assert_eq!(page_template("/:year/:title/", false), "/:path/:basename/");
        assert_eq!(page_template("/:year/:title", true), "/:path/");
        let p = UrlParts {
            date: None,
            slug: "about",
            categories: &[],
            path: "docs",
            basename: "about",
            collection: "",
        };
        assert_eq!(fill("/:path/:basename:output_ext", &p), "/docs/about.html");
        let p = UrlParts {
            date: None,
            slug: "about",
            categories: &[],
            path: "",
            basename: "about",
            collection: "",
        };
        assert_eq!(fill("/:path/:basename/", &p), "/about/");
        assert_eq!(fill("/:path/:basename", &p), "/about.html");
    }

    #[test]
    fn post_file_names() {
        let (d, s) = post_name("2010-07-21-my-post").unwrap();
        assert_eq!((d.year(), d.month(), d.day(), s.as_str()), (2010, 7, 21, "my-post"));
        assert!(post_name("my-post").is_none());
        assert_eq!(titleize("my-first-post"), "My First Post");
    }

    #[test]
    fn slugify_modes() {
        assert_eq!(slugify("Hello, World!", true, true), "Hello,-World!");
        assert_eq!(slugify("Hello, World!", false, false), "hello-world");
    }

    #[test]
    fn exclude_globs() {
        assert!(PathScope::new("*.sh").contains("build.sh"));
        assert!(!PathScope::new("*.sh").contains("build.rb"));
        assert!(PathScope::new("docs/*.txt").contains("docs/a.txt"));
    }

    #[test]
    fn base_url_split() {
        assert_eq!(
            split_base("https://e.org/blog"),
            ("https://e.org".to_string(), "/blog".to_string())
        );
        assert_eq!(split_base("https://e.org"), ("https://e.org".to_string(), String::new()));
    }
}
