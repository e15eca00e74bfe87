//! Reads a Hugo site: its config, `content/` (pages, sections, leaf and branch bundles, front
//! matter in YAML, TOML or JSON), `static/` and `data/`, and computes each page's URL exactly as
//! Hugo publishes it (`url`, `slug`, `permalinks`, `aliases`, urlized paths), so that placement can
//! keep it. Page bodies are translated later by [`convert_body`] (shortcodes, `ref` links).
//!
//! This module is the driver ([`read`]: the content tree, invented section and home pages, files to
//! copy, pagination); the rest is split by concern: [`config`] reads the site config, [`front_matter`]
//! reads one page into a [`Doc`], [`languages`] splits a multilingual site into content trees,
//! [`urls`] computes the URLs Hugo publishes, and [`links`] translates bodies.

mod config;
mod front_matter;
mod languages;
mod links;
mod urls;

use super::report::{Note, NoteKind};
use super::{slash_path, walk, CopyFile, CopyKind, Doc, DocKind, Imported, SiteConfig};
use crate::error::Diagnostics;
use config::{read_config, HugoConfig};
use front_matter::{cascade_for, read_cascades, read_doc};
use languages::ContentTree;
pub(super) use links::convert_body;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use urls::{hugo_path, term_slug_notes, urlize_path};
pub(super) use urls::{pager_redirects, what_hugo_wrote_at};

const CONTENT_EXTS: [&str; 6] = ["md", "markdown", "mdown", "mkd", "html", "htm"];

const CONVERTER_EXTS: [&str; 5] = ["adoc", "asciidoc", "rst", "org", "pandoc"];

/// Reads the Hugo site in `root`.
pub(crate) fn read(root: &Path) -> Result<Imported, Diagnostics> {
    let config = read_config(root)?;
    let mut imported =
        Imported { config: config.site.clone(), notes: config.notes.clone(), ..Default::default() };
    // One tree of content files per language (one for a site without languages).
    let trees = languages::content_trees(
        root,
        &config.content_dir,
        config.languages.as_ref(),
        &mut imported.notes,
    )?;
    for tree in &trees {
        read_tree(root, &config, tree, &mut imported);
    }
    if let Some(languages) = &config.languages {
        languages::finish(languages, &trees, &config, &mut imported);
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

    let cascades = read_cascades(root, tree, &sections, config.cascade.as_ref());
    // Top-level folders are sections in Hugo even without `_index.md` (a nested folder is one
    // only with its `_index.md`, as in Charter): write the file, with the title Hugo shows,
    // unpublished when a `cascade` above unpublishes it.
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
            let mut doc = Doc::invented(
                source,
                format!("{}{dir}/_index.md", tree.link_prefix),
                DocKind::Section,
                tree.url(&format!("/{}/", hugo_path(dir)), false),
                &title,
                note,
            );
            let cascade = cascade_for(&cascades, &Path::new(dir).join("_index.md"), &tree.lang);
            if let Some(reason) = front_matter::cascaded_unpublishing(&cascade) {
                doc.front.insert("draft".into(), Value::Bool(true));
                doc.notes.push(Note::new(
                    NoteKind::Unpublished,
                    doc.source.clone(),
                    None,
                    format!("Hugo would not publish it ({reason}, from a `cascade`): imported as a draft"),
                ));
            }
            invented.push(doc);
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
            let cascade = cascade_for(&cascades, f, &tree.lang);
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
