//! Writes the imported site into DEST: `site.yaml`, `content/` (front matter in Charter's key
//! order, bodies translated in parallel), bundle resources, `static/`, `data/` and a minimal
//! `templates/` set so that the site builds before anyone writes a theme, with a page component
//! for each shortcode or include the pages call.
//!
//! Every byte the importer writes goes through [`Dest`], which proves each path is inside DEST
//! (relative, plain names only, no symlink on the way) before it creates, copies or removes
//! anything. Placement already leaves out pages whose URL climbs out of the site; `Dest` is the
//! rule that holds even if some other path were wrong.

use super::components::{self, Names, Usage};
use super::place::{Place, Placement};
use super::report::{ImportReport, Note, NoteKind};
use super::{source_front_matter, Body, CopyKind, Doc, DocKind, Imported, SiteConfig};
use crate::error::{io_error, Diagnostic, Diagnostics};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::path::{Component, Path, PathBuf};

/// DEST, and the one way the importer writes into it.
#[derive(Debug, Clone)]
pub(crate) struct Dest {
    root: PathBuf,
}

impl Dest {
    /// DEST as `check_paths` resolved it (absolute, its own symlinks followed).
    pub fn new(root: PathBuf) -> Dest {
        Dest { root }
    }

    /// `rel` inside DEST, proven: relative, made of plain names only (no `..`, no root, no
    /// drive), and no symlink at any existing step on the way, so nothing written there can land
    /// outside DEST.
    pub fn path(&self, rel: &Path) -> Result<PathBuf, Diagnostic> {
        let refuse = |why: &str| {
            Diagnostic::error("import", format!("refused to write `{}` into DEST: {why}", rel.display()))
                .in_file(&self.root)
                .hint("this is a bug in the importer or a hostile source site; report it with the source file that produced this path")
        };
        let mut out = self.root.clone();
        let mut parts = 0;
        for component in rel.components() {
            match component {
                Component::Normal(name) => {
                    out.push(name);
                    parts += 1;
                    if out.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                        return Err(refuse(&format!("`{}` is a symbolic link", out.display())));
                    }
                }
                Component::CurDir => {}
                Component::ParentDir => return Err(refuse("it climbs out with `..`")),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(refuse("it is an absolute path"))
                }
            }
        }
        if parts == 0 {
            return Err(refuse("it names DEST itself"));
        }
        Ok(out)
    }

    /// Writes `bytes` at `rel`, creating its folders.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.create_parent(rel.as_ref())?;
        std::fs::write(&path, bytes).map_err(|e| io_error(&path, "write the file", &e))
    }

    /// Copies the file `from` (in SOURCE) to `rel`, creating its folders.
    pub fn copy(&self, from: &Path, rel: impl AsRef<Path>) -> Result<(), Diagnostic> {
        let path = self.create_parent(rel.as_ref())?;
        std::fs::copy(from, &path).map(|_| ()).map_err(|e| io_error(from, "copy the file", &e))
    }

    /// Removes the folder `rel` and everything in it, when it is there.
    pub fn remove_dir(&self, rel: impl AsRef<Path>) -> Result<(), Diagnostic> {
        let path = self.path(rel.as_ref())?;
        if path.is_dir() {
            std::fs::remove_dir_all(&path)
                .map_err(|e| io_error(&path, "clear the earlier import", &e))?;
        }
        Ok(())
    }

    /// Checks `rel`, creates the folders above it (each checked too) and returns its full path.
    fn create_parent(&self, rel: &Path) -> Result<PathBuf, Diagnostic> {
        let path = self.path(rel)?;
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            let dir = self.path(parent)?;
            std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, "create the folder", &e))?;
            // A link made while the folders were created would show here.
            self.path(rel)?;
        }
        Ok(path)
    }
}

/// Writes everything and fills the report's counts, leftovers and link notes.
pub(crate) fn write_site(
    dest: &Dest,
    imported: &Imported,
    placed: &Placement,
    convert: &(dyn Fn(&Doc) -> Body + Sync),
    names: &Names,
    report: &mut ImportReport,
) -> Result<(), Diagnostics> {
    prepare_dest(dest)?;
    dest.write("site.yaml", site_yaml(&imported.config)?.as_bytes())?;
    for (name, text) in TEMPLATES {
        dest.write(Path::new("templates").join(name), text.as_bytes())?;
    }

    let taxonomies = &imported.config.taxonomies;
    let results: Vec<Result<Option<Written>, Diagnostic>> = imported
        .docs
        .par_iter()
        .zip(placed.places.par_iter())
        .map(|(doc, place)| write_doc(dest, doc, place, taxonomies, convert))
        .collect();
    let mut errors = Diagnostics::new();
    let mut usages: std::collections::BTreeMap<String, Usage> = Default::default();
    for (doc, result) in imported.docs.iter().zip(results) {
        match result {
            Ok(None) => {}
            Ok(Some(w)) => {
                let map = if report.from == "hugo" {
                    &mut report.shortcodes
                } else {
                    &mut report.liquid_tags
                };
                ImportReport::add_leftovers(map, &doc.source, &w.body.leftovers);
                for used in &w.body.components {
                    usages.entry(used.component.clone()).or_default().add(&doc.source, used);
                    if names.get(&used.source_name).is_some_and(|e| e.builtin) {
                        *report.builtin_components.entry(used.component.clone()).or_default() += 1;
                    } else {
                        ImportReport::add_component_use(
                            map,
                            &used.source_name,
                            &used.component,
                            &doc.source,
                            used.line,
                        );
                    }
                }
                for note in &w.body.notes {
                    report.note(note.clone());
                }
                for (line, target) in &w.body.unresolved {
                    report.note(Note::new(
                        NoteKind::LinkUnresolved,
                        &doc.source,
                        Some(*line),
                        format!("link target `{target}` was not found among the imported pages; fix the link by hand"),
                    ));
                }
                match doc.kind {
                    DocKind::Page => {
                        report.counts.pages += 1;
                        if doc.front.get("draft") == Some(&Value::Bool(true)) {
                            report.counts.drafts += 1;
                        }
                    }
                    DocKind::Section => report.counts.sections += 1,
                    DocKind::Home => {}
                }
                report.counts.aliases += w.aliases;
                report.counts.resources += doc.resources.len();
            }
            Err(d) => errors.push(d),
        }
    }

    for (component, usage) in &usages {
        let text = components::template(names, &report.source, component, usage);
        dest.write(components::template_path(component), text.as_bytes())?;
    }
    for (url, target) in &imported.redirect_pages {
        let target = format!("{}{target}", imported.config.base_url.trim_end_matches('/'));
        let rel = Path::new("static").join(url.trim_matches('/')).join("index.html");
        if let Err(d) = dest.write(rel, crate::render::feeds::redirect(&target).as_bytes()) {
            errors.push(d);
        }
        report.counts.aliases += 1;
    }

    let copied: Vec<Result<CopyKind, Diagnostic>> =
        imported.files.par_iter().map(|f| copy_one(dest, f).map(|_| f.kind)).collect();
    for c in copied {
        match c {
            Ok(CopyKind::Static) => report.counts.static_files += 1,
            Ok(CopyKind::Data | CopyKind::DataFromToml) => report.counts.data_files += 1,
            Err(d) => errors.push(d),
        }
    }
    if errors.has_errors() {
        errors.sort();
        return Err(errors);
    }
    Ok(())
}

struct Written {
    body: Body,
    aliases: usize,
}

/// Writes one document and its bundle resources; nothing for a document whose URL leaves the site.
fn write_doc(
    dest: &Dest,
    doc: &Doc,
    place: &Place,
    taxonomies: &[String],
    convert: &(dyn Fn(&Doc) -> Body + Sync),
) -> Result<Option<Written>, Diagnostic> {
    if place.outside_site {
        return Ok(None);
    }
    let body = convert(doc);
    let front = charter_front(&doc.front, place, taxonomies);
    let text = source_front_matter::write(&front, &body.text).map_err(|e| {
        Diagnostic::error("import", format!("could not write the front matter: {e}"))
            .in_file(&doc.source)
    })?;
    dest.write(Path::new("content").join(&place.content_path), text.as_bytes())?;
    if let Some(dir) = &place.bundle_dir {
        let base = Path::new("content").join(dir);
        for (from, rel) in &doc.resources {
            dest.copy(from, base.join(rel))?;
        }
    }
    Ok(Some(Written { body, aliases: place.aliases.len() }))
}

/// The front matter in the order a person reads it: known keys first, taxonomies, then `extra`.
fn charter_front(
    front: &Map<String, Value>,
    place: &Place,
    taxonomies: &[String],
) -> Map<String, Value> {
    let mut out = Map::new();
    let take = |out: &mut Map<String, Value>, key: &str| {
        if let Some(v) = front.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    };
    for key in ["title", "description", "date", "updated", "draft"] {
        take(&mut out, key);
    }
    if let Some(slug) = &place.slug {
        out.insert("slug".into(), Value::String(slug.clone()));
    }
    take(&mut out, "weight");
    if !place.aliases.is_empty() {
        out.insert(
            "aliases".into(),
            Value::Array(place.aliases.iter().cloned().map(Value::String).collect()),
        );
    }
    for key in ["template", "sort_by", "toc", "authors"] {
        take(&mut out, key);
    }
    for t in taxonomies {
        take(&mut out, t);
    }
    for (k, v) in front {
        if !out.contains_key(k) && k != "extra" {
            out.insert(k.clone(), v.clone());
        }
    }
    if let Some(Value::Object(extra)) = front.get("extra") {
        if !extra.is_empty() {
            out.insert("extra".into(), Value::Object(extra.clone()));
        }
    }
    out
}

/// The language tag in a source site's language setting, as `site.yaml` takes it
/// ([`crate::config::check_language_tag`]): a POSIX locale's (`en_US.UTF-8@euro`) without its
/// encoding and variant; none when there is no tag in it (the site then says nothing, and
/// Charter's default applies).
fn language_tag(setting: &str) -> Option<&str> {
    let tag = setting.trim().split(['.', '@']).next().unwrap_or_default();
    crate::config::check_language_tag(tag).is_ok().then_some(tag)
}

fn site_yaml(config: &SiteConfig) -> Result<String, Diagnostic> {
    let mut m = Map::new();
    m.insert("title".into(), Value::String(config.title.clone()));
    m.insert("base_url".into(), Value::String(config.base_url.clone()));
    if let Some(d) = &config.description {
        m.insert("description".into(), Value::String(d.clone()));
    }
    if let Some(l) = config.language.as_deref().and_then(language_tag) {
        m.insert("language".into(), Value::String(l.to_string()));
    }
    let taxonomy = |name: &String| match &config.pagination {
        Some((by, path)) => {
            let mut t = Map::new();
            t.insert("name".into(), Value::String(name.clone()));
            t.insert("paginate_by".into(), Value::from(*by));
            if path != crate::config::DEFAULT_PAGINATE_PATH {
                t.insert("paginate_path".into(), Value::String(path.clone()));
            }
            Value::Object(t)
        }
        None => Value::String(name.clone()),
    };
    m.insert("taxonomies".into(), Value::Array(config.taxonomies.iter().map(taxonomy).collect()));
    // The importer's templates have no search page, so an index would be written for no reader
    // (and cost a build a third of its time): `search: true` turns it on with a theme that has one.
    m.insert("search".into(), Value::Bool(false));
    if !config.extra.is_empty() {
        m.insert("extra".into(), Value::Object(config.extra.clone()));
    }
    crate::yaml::to_string(&m)
        .map_err(|e| Diagnostic::error("import", format!("could not write site.yaml: {e}")))
}

/// With `--force` over an earlier import, its generated folders are replaced rather than mixed.
fn prepare_dest(dest: &Dest) -> Result<(), Diagnostic> {
    std::fs::create_dir_all(&dest.root)
        .map_err(|e| io_error(&dest.root, "create the destination", &e))?;
    if dest.path(Path::new("import-report.md"))?.is_file() {
        for dir in ["content", "static", "data", "templates"] {
            dest.remove_dir(dir)?;
        }
    }
    Ok(())
}

fn copy_one(dest: &Dest, f: &super::CopyFile) -> Result<(), Diagnostic> {
    match f.kind {
        CopyKind::Static | CopyKind::Data => dest.copy(&f.from, &f.to)?,
        CopyKind::DataFromToml => {
            let text = std::fs::read_to_string(&f.from)
                .map_err(|e| io_error(&f.from, "read the data file", &e))?;
            let value: toml::Value = toml::from_str(&text).map_err(|e| {
                Diagnostic::error("import", format!("TOML data file: {}", e.message()))
                    .in_file(&f.from)
                    .hint("fix the TOML syntax and import again")
            })?;
            let yaml =
                crate::yaml::to_string(&source_front_matter::toml_to_json(value)).map_err(|e| {
                    Diagnostic::error("import", format!("could not write YAML: {e}"))
                        .in_file(&f.from)
                })?;
            dest.write(&f.to, yaml.as_bytes())?;
        }
    }
    Ok(())
}

/// A plain theme so the imported site builds; a person replaces it with the real design. The
/// files under `templates/` are written as they are.
const TEMPLATES: [(&str, &str); 8] = [
    ("base.html", include_str!("templates/base.html")),
    ("_pagination.html", include_str!("templates/_pagination.html")),
    ("index.html", include_str!("templates/index.html")),
    ("section.html", include_str!("templates/section.html")),
    ("page.html", include_str!("templates/page.html")),
    ("taxonomy_list.html", include_str!("templates/taxonomy_list.html")),
    ("taxonomy_term.html", include_str!("templates/taxonomy_term.html")),
    ("redirect.html", include_str!("templates/redirect.html")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_in_reading_order_with_slug_and_aliases() {
        let mut front = Map::new();
        front.insert("extra".into(), serde_json::json!({"layout": "post"}));
        front.insert("tags".into(), serde_json::json!(["a"]));
        front.insert("date".into(), serde_json::json!("2020-01-01"));
        front.insert("title".into(), serde_json::json!("T"));
        let place = Place {
            content_path: "a-2.md".into(),
            url: "/a/".into(),
            slug: Some("a".into()),
            aliases: vec!["/a.html".into()],
            ..Place::default()
        };
        let out = charter_front(&front, &place, &["tags".to_string()]);
        let keys: Vec<&str> = out.keys().map(String::as_str).collect();
        assert_eq!(keys, vec!["title", "date", "slug", "aliases", "tags", "extra"]);
    }

    #[test]
    fn a_source_language_setting_becomes_a_tag_or_nothing() {
        assert_eq!(language_tag("en"), Some("en"));
        assert_eq!(language_tag("en-us"), Some("en-us"));
        assert_eq!(language_tag("en_US.UTF-8"), Some("en_US"));
        assert_eq!(language_tag("de_DE@euro"), Some("de_DE"));
        assert_eq!(language_tag(" fr "), Some("fr"));
        assert_eq!(language_tag("../en"), None);
        assert_eq!(language_tag(""), None);
    }

    #[test]
    fn dest_paths_are_proven_inside_dest() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let dest = Dest::new(tmp.path().to_path_buf());
        assert_eq!(dest.path(Path::new("content/a.md")).unwrap(), tmp.path().join("content/a.md"));
        for bad in ["../x.md", "content/../../x.md", "/etc/passwd", "", "."] {
            assert!(dest.path(Path::new(bad)).is_err(), "{bad}");
        }
        std::os::unix::fs::symlink(outside.path(), tmp.path().join("static")).unwrap();
        let err = dest.write("static/x.css", b"x").unwrap_err();
        assert!(err.message.contains("symbolic link"), "{}", err.message);
        assert!(
            std::fs::read_dir(outside.path()).unwrap().next().is_none(),
            "nothing written through the link"
        );
    }

    #[test]
    fn site_yaml_has_only_charter_keys() {
        let config = SiteConfig {
            title: "T".into(),
            base_url: "https://e.org".into(),
            description: None,
            language: Some("en".into()),
            taxonomies: vec!["tags".into()],
            extra: Map::new(),
            ..SiteConfig::default()
        };
        let text = site_yaml(&config).unwrap();
        let v: Map<String, Value> = crate::yaml::from_str(&text).unwrap();
        let keys: Vec<&str> = v.keys().map(String::as_str).collect();
        assert_eq!(keys, vec!["title", "base_url", "language", "taxonomies", "search"]);
        assert_eq!(v["search"], Value::Bool(false), "the importer's templates have no search page");
    }
}
