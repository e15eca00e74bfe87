//! `charter import hugo|jekyll SOURCE DEST`: turns a Hugo or Jekyll site into a Charter site that
//! builds, keeping every URL, and reports what it changed and what needs a person.
//!
//! The stages, each in its own module:
//! 1. read the source site into [`Doc`]s and files to copy ([`hugo`] and [`jekyll`], each a
//!    folder split into config, front matter, URLs and body translation, both on
//!    [`source_front_matter`] and [`dates`]), in parallel;
//! 2. place every document at a Charter content path whose URL is the one the source published,
//!    or keep the old URL as an alias, and find collisions ([`place`]);
//! 3. translate bodies (Hugo shortcodes in [`shortcodes`], Liquid in [`liquid`]) now that every
//!    link target's new path is known, in parallel; shortcodes and includes become calls of page
//!    components whose names and templates [`components`] makes;
//! 4. write `site.yaml`, `content/`, `static/`, `data/`, `templates/` and the report
//!    ([`destination`],
//!    [`report`]).
//!
//! SOURCE is only read. Nothing is written outside DEST, and DEST may not lie inside SOURCE or
//! hold it.

mod components;
mod dates;
mod destination;
mod hugo;
mod jekyll;
mod kramdown;
mod liquid;
mod place;
mod report;
mod shortcodes;
mod source_front_matter;
mod titles;

pub use report::{Collision, Counts, ImportReport, Leftover, Note, NoteKind};

use crate::error::{Diagnostic, Diagnostics};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which generator wrote the source site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportSource {
    /// A Hugo site (`hugo.toml` or `config.toml`, `content/`).
    Hugo,
    /// A Jekyll site (`_config.yml`, `_posts/`).
    Jekyll,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Write into a DEST that is not empty.
    pub force: bool,
}

/// What a page is in Charter's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DocKind {
    Home,
    Section,
    Page,
}

/// One page or section read from the source, before it is placed.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// The source file, relative to SOURCE, for reports.
    pub source: PathBuf,
    /// The key links use to find this document (`ref`, `post_url`, `link`).
    pub link_key: String,
    pub kind: DocKind,
    /// The URL the source generator publishes it at: `/a/b/` (a folder with `index.html`) or
    /// `/a/b.html` (a file).
    pub url: String,
    /// Other URLs the source publishes for it (redirects), in the same two forms.
    pub aliases: Vec<String>,
    /// False for drafts and pages the source would not publish; they claim no URL.
    pub published: bool,
    /// Charter front matter, without `slug` and `aliases` (placement sets those).
    pub front: Map<String, Value>,
    pub body: String,
    /// File line of the body's first line.
    pub body_line: usize,
    /// Bundle resources: absolute source path and path relative to the bundle folder.
    pub resources: Vec<(PathBuf, PathBuf)>,
    /// What reading this document changed.
    pub notes: Vec<Note>,
}

impl Doc {
    /// A published document at `url` with no aliases, front matter, body, resources or notes;
    /// set the rest on the result.
    pub(crate) fn new(
        source: impl Into<PathBuf>,
        link_key: impl Into<String>,
        kind: DocKind,
        url: impl Into<String>,
    ) -> Doc {
        Doc {
            source: source.into(),
            link_key: link_key.into(),
            kind,
            url: url.into(),
            aliases: vec![],
            published: true,
            front: Map::new(),
            body: String::new(),
            body_line: 1,
            resources: vec![],
            notes: vec![],
        }
    }

    /// A home or section page the source site had no file for, written titled `title`, with
    /// `note` saying so.
    pub(crate) fn invented(
        source: impl Into<PathBuf>,
        link_key: impl Into<String>,
        kind: DocKind,
        url: impl Into<String>,
        title: &str,
        note: Note,
    ) -> Doc {
        let mut doc = Doc::new(source, link_key, kind, url);
        doc.front.insert("title".into(), Value::String(title.to_string()));
        doc.notes.push(note);
        doc
    }
}

/// Leaves out of each document's taxonomies the terms Charter cannot publish, which `charter
/// build` would refuse (`..`: no letter or digit to make a URL from,
/// [`crate::content::term_has_url`]), each with a note saying so: the imported site builds.
fn leave_out_terms_without_a_url(docs: &mut [Doc], taxonomies: &[String]) {
    for doc in docs {
        for taxonomy in taxonomies {
            let mut left_out = Vec::new();
            let keep = |term: &Value, left_out: &mut Vec<String>| match term.as_str() {
                Some(name) if !crate::content::term_has_url(name) => {
                    left_out.push(name.to_string());
                    false
                }
                _ => true,
            };
            match doc.front.get_mut(taxonomy) {
                Some(Value::Array(terms)) => terms.retain(|term| keep(term, &mut left_out)),
                Some(term) if !keep(term, &mut left_out) => {
                    doc.front.remove(taxonomy);
                }
                _ => {}
            }
            for name in left_out {
                let message = format!(
                    "the term {name:?} of `{taxonomy}` was left out: it has no letter or digit to make its URL from"
                );
                doc.notes.push(Note::new(NoteKind::Other, &doc.source, None, message));
            }
        }
    }
}

/// A file copied as it is (or converted) into DEST.
#[derive(Debug, Clone)]
pub(crate) struct CopyFile {
    /// Absolute source path.
    pub from: PathBuf,
    /// Path relative to DEST.
    pub to: PathBuf,
    pub kind: CopyKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyKind {
    Static,
    Data,
    /// A TOML data file, written as YAML (Charter reads YAML and JSON data).
    DataFromToml,
}

/// `site.yaml`'s content.
#[derive(Debug, Clone, Default)]
pub(crate) struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub description: Option<String>,
    pub language: Option<String>,
    pub taxonomies: Vec<String>,
    pub extra: Map<String, Value>,
    /// Where the source renders a link to a page it cannot find, when it renders one at all
    /// (Hugo's `refLinksNotFoundURL` with `refLinksErrorLevel = "warning"`).
    pub link_not_found_url: Option<String>,
    /// Pages per pager and the pagers' folder name (`page`), for sections and taxonomies.
    pub pagination: Option<(u64, String)>,
}

/// Everything read from a source site.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub config: SiteConfig,
    pub docs: Vec<Doc>,
    pub files: Vec<CopyFile>,
    pub notes: Vec<Note>,
    /// Redirect pages written into `static/`: (URL, target URL), for URLs the source published
    /// that no Charter page or alias can answer (Hugo's pagers of taxonomy lists).
    pub redirect_pages: Vec<(String, String)>,
    /// A multilingual Hugo site's link-key prefixes of its languages below the root (`fr/`): a
    /// `ref` from such a page finds its own language's pages first.
    pub link_prefixes: Vec<String>,
}

/// A translated body and what was left in it.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub text: String,
    pub leftovers: Vec<report::LeftoverUse>,
    /// Shortcodes and includes written as component calls.
    pub components: Vec<components::ComponentUse>,
    pub unresolved: Vec<(usize, String)>,
    /// What translating the body changed that the report lists (links to unpublished pages).
    pub notes: Vec<Note>,
}

/// The site title a config gives, or else the source folder's name, with a note saying so.
fn site_title(
    configured: Option<String>,
    folder_name: &str,
    config_file: &str,
    notes: &mut Vec<Note>,
) -> String {
    configured.unwrap_or_else(|| {
        notes.push(Note::new(
            NoteKind::TitleInvented,
            config_file,
            None,
            format!("no site title: used \"{folder_name}\""),
        ));
        folder_name.to_string()
    })
}

/// Imports the site in `source` into `dest` and writes `dest/import-report.md`.
pub fn import_site(
    kind: ImportSource,
    source: &Path,
    dest: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, Diagnostics> {
    let started = Instant::now();
    let (source, dest) = check_paths(source, dest, opts)?;
    let from = match kind {
        ImportSource::Hugo => "hugo",
        ImportSource::Jekyll => "jekyll",
    };
    let mut report = ImportReport::new(from, source.clone(), dest.clone());
    let mut imported = match kind {
        ImportSource::Hugo => hugo::read(&source)?,
        ImportSource::Jekyll => jekyll::read(&source)?,
    };
    let demoted = match kind {
        ImportSource::Hugo => place::keep_one_page_per_url(&mut imported.docs, "Hugo"),
        ImportSource::Jekyll => Vec::new(),
    };
    leave_out_terms_without_a_url(&mut imported.docs, &imported.config.taxonomies);
    let placed = place::place(&imported.docs, &imported.config.taxonomies);
    if kind == ImportSource::Hugo {
        let extra_pagers = hugo::pager_redirects(&imported, &placed);
        imported.redirect_pages.extend(extra_pagers);
    }
    let imported = imported;
    let source_did = |url: &str| -> String {
        match kind {
            ImportSource::Hugo => hugo::what_hugo_wrote_at(&source, url),
            ImportSource::Jekyll => String::new(),
        }
    };
    for note in place_notes(&imported.docs, &placed, &source_did) {
        report.note(note);
    }
    report.collisions = placed.collisions.clone();
    for collision in &mut report.collisions {
        if let Some(d) = demoted.iter().find(|d| d.url == collision.url) {
            collision.served = Some(d.served.clone());
        }
    }
    let index = place::LinkIndex::new(&imported.docs, &placed.places);
    let names = component_names(kind, &source, &imported.docs);
    let convert = |doc: &Doc| -> Body {
        match kind {
            ImportSource::Hugo => hugo::convert_body(doc, &imported, &index, &names),
            ImportSource::Jekyll => jekyll::convert_body(doc, &imported, &index, &names),
        }
    };
    let dest = destination::Dest::new(dest);
    destination::write_site(&dest, &imported, &placed, &convert, &names, &mut report)?;
    // A document left out of the site keeps only the note saying so, not the reader's note on
    // where the source published it.
    let doc_notes = imported.docs.iter().zip(&placed.places).flat_map(|(d, p)| {
        d.notes.iter().filter(move |n| !(p.outside_site && n.kind == NoteKind::UrlKept))
    });
    for note in imported.notes.iter().chain(doc_notes) {
        report.note(note.clone());
    }
    report.finish(started.elapsed());
    dest.write("import-report.md", report.to_markdown().as_bytes())?;
    Ok(report)
}

/// The component each shortcode or include the pages use becomes, from every body at once (so
/// that two source names never take one component name).
fn component_names(kind: ImportSource, source: &Path, docs: &[Doc]) -> components::Names {
    use rayon::prelude::*;
    let (origin, used): (components::Origin, fn(&str) -> std::collections::BTreeSet<String>) =
        match kind {
            ImportSource::Hugo => (components::Origin::Hugo, shortcodes::names_used),
            ImportSource::Jekyll => (components::Origin::Jekyll, liquid::includes_used),
        };
    let used = docs.par_iter().map(|d| used(&d.body)).reduce(
        std::collections::BTreeSet::new,
        |mut a, b| {
            a.extend(b);
            a
        },
    );
    components::Names::new(origin, source, used)
}

/// `source_did(url)` says what the source generator left at a URL two of its documents claimed.
fn place_notes(
    docs: &[Doc],
    placed: &place::Placement,
    source_did: &dyn Fn(&str) -> String,
) -> Vec<Note> {
    let mut notes = Vec::new();
    for (doc, p) in docs.iter().zip(&placed.places) {
        if p.outside_site {
            notes.push(Note::new(
                NoteKind::OutsideSite,
                &doc.source,
                None,
                format!("not imported: its URL `{}` climbs out of the site with `..`, so no page inside the site can publish it; give it a URL inside the site (`url`, `slug` or `permalink`) and import again, or copy it by hand", p.url),
            ));
        }
        for alias in &p.aliases_outside_site {
            notes.push(Note::new(
                NoteKind::OutsideSite,
                &doc.source,
                None,
                format!("the alias `{alias}` climbs out of the site with `..`: left out; no redirect page inside the site can answer it"),
            ));
        }
        for (alias, holder) in &p.aliases_taken {
            let message = match holder.strip_suffix(" (alias)") {
                Some(other) => format!("the alias {alias} is left out: it is also an alias of {other}, which keeps it (the later in path order, whose redirect the source wrote last). {}", source_did(alias)),
                None => format!("the alias {alias} is left out: {holder} publishes that URL, and a redirect never replaces content. {}", source_did(alias)),
            };
            notes.push(Note::new(NoteKind::AliasOverPage, &doc.source, None, message));
        }
        for alias in &p.moved_from {
            let message = if doc.published {
                format!(
                    "published at {} (content/{}); its old URL {} is a redirect to it",
                    p.url, p.content_path, alias
                )
            } else {
                format!("not published (a draft, as in the source); once published, at {} (content/{}), and its URL {} a redirect to it", p.url, p.content_path, alias)
            };
            notes.push(Note::new(NoteKind::UrlKept, &doc.source, None, message));
        }
    }
    for c in &placed.collisions {
        let drafts =
            if c.drafts { " (among drafts: it fails only `charter build --drafts`)" } else { "" };
        notes.push(Note::new(
            NoteKind::Collision,
            "",
            None,
            format!("{} is published by {}{drafts}", c.url, c.sources.join(" and ")),
        ));
    }
    notes
}

/// Checks SOURCE and DEST and returns them as absolute paths.
fn check_paths(
    source: &Path,
    dest: &Path,
    opts: &ImportOptions,
) -> Result<(PathBuf, PathBuf), Diagnostics> {
    let src = std::fs::canonicalize(source).map_err(|e| {
        Diagnostic::error("import", format!("cannot read the source site: {e}"))
            .in_file(source)
            .hint("give the folder of the Hugo or Jekyll site as SOURCE")
    })?;
    if !src.is_dir() {
        return Err(Diagnostic::error("import", "the source is not a folder")
            .in_file(source)
            .hint("give the folder of the site as SOURCE")
            .into());
    }
    let dst = crate::output::resolve_folder(dest);
    if dst == src {
        return Err(Diagnostic::error("import", "SOURCE and DEST are the same folder")
            .in_file(dest)
            .hint("import into a new, empty folder: the source is never modified")
            .into());
    }
    if dst.starts_with(&src) {
        return Err(Diagnostic::error("import", "DEST lies inside SOURCE")
            .in_file(dest)
            .hint("choose a DEST outside the source site, e.g. a sibling folder")
            .into());
    }
    if src.starts_with(&dst) {
        return Err(Diagnostic::error("import", "SOURCE lies inside DEST")
            .in_file(dest)
            .hint("choose a DEST that does not contain the source site")
            .into());
    }
    if dst.exists() {
        if !dst.is_dir() {
            return Err(Diagnostic::error("import", "DEST exists and is not a folder")
                .in_file(dest)
                .hint("choose a new folder as DEST")
                .into());
        }
        let mut entries = std::fs::read_dir(&dst)
            .map_err(|e| crate::error::io_error(&dst, "read the destination", &e))?;
        if entries.next().is_some() && !opts.force {
            return Err(Diagnostic::error("import", "DEST is not empty")
                .in_file(dest)
                .hint("choose an empty or new folder, or pass --force to write into it (files of an earlier import there are replaced)")
                .into());
        }
    }
    Ok((src, dst))
}

/// Every file under `dir` (a folder of the source site `source`), sorted, as paths relative to
/// `dir`, listed through [`crate::site_files`]: a symlink that leaves SOURCE, is broken or loops
/// is never followed, and is reported in `notes` as skipped. Hidden files and folders (starting
/// with `.`) are left out; `skip` says which relative paths to leave out too.
pub(crate) fn walk(
    source: &Path,
    dir: &Path,
    skip: &dyn Fn(&Path) -> bool,
    notes: &mut Vec<Note>,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let files = crate::site_files::SiteFiles::new(source, u64::MAX);
    let options = crate::site_files::WalkOptions {
        names: crate::site_files::Names::Hidden,
        bad_links: crate::site_files::BadLinks::Skip,
        top_level_only: false,
        skip: &|rel: &str| skip(Path::new(rel)),
    };
    let mut problems = Diagnostics::new();
    let walk = files.walk_with(dir, &options, &mut problems);
    if let Some(first) = problems.errors().next() {
        return Err(first.clone());
    }
    for skipped in walk.skipped {
        notes.push(Note::new(
            NoteKind::Skipped,
            skipped.link,
            None,
            format!("not imported: {}", skipped.why),
        ));
    }
    let mut out: Vec<PathBuf> = walk.files.into_iter().map(|f| PathBuf::from(f.relative)).collect();
    out.sort();
    Ok(out)
}

/// A file of the source site the importer opens by name (a config file): a symlink on its way
/// must stay inside SOURCE ([`crate::site_files::SiteFiles::confine`]).
pub(crate) fn source_file(source: &Path, relative: &str) -> Result<PathBuf, Diagnostics> {
    crate::site_files::SiteFiles::new(source, u64::MAX)
        .confine(Path::new(relative))
        .map_err(Diagnostics::from)
}

/// A relative path with `/` separators.
pub(crate) fn slash_path(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Escapes text for an HTML attribute or element.
pub(crate) fn attr_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text that can sit inside an HTML comment (`-->` would end it early).
pub(crate) fn comment_safe(s: &str) -> String {
    s.replace("-->", "--&gt;")
}

/// A title made from a file or folder name: `my-first_post` -> `My first post`.
pub(crate) fn title_from_name(name: &str) -> String {
    let spaced: String = name.chars().map(|c| if c == '-' || c == '_' { ' ' } else { c }).collect();
    let spaced = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Untitled".to_string(),
    }
}

/// A JSON value as plain text, for titles and parameters written as numbers or booleans.
pub(crate) fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Expands a permalink pattern (`/:year/:month/:title/`, as Hugo and Jekyll both write them):
/// each `:token` becomes `value_of(token)`; a token it does not know stays as written.
pub(crate) fn expand_permalink(pattern: &str, value_of: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let end =
            tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(tail.len());
        let token = &tail[..end];
        match value_of(token) {
            Some(v) => out.push_str(&v),
            None => {
                out.push(':');
                out.push_str(token);
            }
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_names() {
        assert_eq!(title_from_name("my-first_post"), "My first post");
        assert_eq!(title_from_name("über"), "Über");
        assert_eq!(title_from_name(""), "Untitled");
    }

    #[test]
    fn dest_inside_source_or_source_inside_dest_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("site");
        std::fs::create_dir_all(&src).unwrap();
        let opts = ImportOptions::default();
        let err = check_paths(&src, &src.join("out"), &opts).unwrap_err();
        assert!(err.to_string().contains("DEST lies inside SOURCE"), "{err}");
        let err = check_paths(&src, tmp.path(), &opts).unwrap_err();
        assert!(err.to_string().contains("SOURCE lies inside DEST"), "{err}");
        let err = check_paths(&src, &src.join("x/../"), &opts).unwrap_err();
        assert!(err.to_string().contains("same folder"), "{err}");
        assert!(check_paths(&src, &tmp.path().join("new"), &opts).is_ok());
    }

    /// DEST is checked where the system would create it: a `..` after a symbolic link leaves the
    /// link's target, not the folder the link is in.
    #[test]
    fn dest_that_reaches_source_through_a_link_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("site");
        std::fs::create_dir_all(src.join("content")).unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(src.join("content"), elsewhere.join("link")).unwrap();
        let opts = ImportOptions::default();
        let err = check_paths(&src, &elsewhere.join("link/../new"), &opts).unwrap_err();
        assert!(err.to_string().contains("DEST lies inside SOURCE"), "{err}");
        let err = check_paths(&src, &elsewhere.join("not-yet/../link/new"), &opts).unwrap_err();
        assert!(err.to_string().contains("DEST lies inside SOURCE"), "{err}");
        let (_, dst) = check_paths(&src, &elsewhere.join("not-yet/../new"), &opts).unwrap();
        assert_eq!(dst, elsewhere.canonicalize().unwrap().join("new"));
    }

    #[test]
    fn a_non_empty_dest_needs_force() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("site");
        let dst = tmp.path().join("dst");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::create_dir_all(&dst).unwrap();
        std::fs::write(dst.join("x"), "x").unwrap();
        let err = check_paths(&src, &dst, &ImportOptions { force: false }).unwrap_err();
        assert!(err.to_string().contains("DEST is not empty"), "{err}");
        assert!(err.to_string().contains("--force"), "{err}");
        assert!(check_paths(&src, &dst, &ImportOptions { force: true }).is_ok());
    }
}
