//! Reads a Jekyll site: `_config.yml` (title, url, baseurl, permalink, collections, defaults,
//! exclude), posts in `_posts/` (date and slug from the file name, categories from the folders
//! above), drafts in `_drafts/`, collections, pages anywhere, `_data/` and static files, and
//! computes every URL exactly as Jekyll writes it (permalink styles and placeholders, per page and
//! site-wide) so that placement can keep it. Bodies are translated later by [`convert_body`]
//! (Liquid links and tags).
//!
//! This module is the driver ([`read`]: which files are posts, drafts, collection documents and
//! pages, the home page, files to copy, pagination); the rest is split by concern: [`config`]
//! reads `_config.yml`, [`front_matter`] reads one document into a [`Doc`], [`urls`] fills
//! Jekyll's permalinks, [`pagination`] keeps jekyll-paginate's pagers, and [`body`] translates
//! bodies.

mod body;
mod config;
mod front_matter;
mod pagination;
mod urls;

use super::report::{Note, NoteKind};
use super::{slash_path, walk, CopyFile, CopyKind, Doc, DocKind, Imported};
use crate::error::Diagnostics;
pub(super) use body::convert_body;
use config::read_config;
use front_matter::read_doc;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PAGE_EXTS: [&str; 5] = ["md", "markdown", "mkdown", "html", "htm"];

/// What kind of document a file is in Jekyll's eyes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Post { categories: Vec<String> },
    Draft { categories: Vec<String> },
    Collection(String),
    Page,
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
        pagination::apply(pagination, &mut imported.docs, &mut imported.notes);
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

fn ext(f: &Path) -> String {
    f.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

fn stem(f: &Path) -> String {
    f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default()
}

/// Jekyll treats a file as a page only when it starts with `---`.
fn has_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 64];
    let Ok(mut f) = std::fs::File::open(path) else { return false };
    let n = f.read(&mut buf).unwrap_or(0);
    starts_with_front_matter(&buf[..n])
}

/// Whether a file's first bytes open front matter as Jekyll reads it: a first line of `---`
/// alone (trailing spaces allowed), not `-----BEGIN PGP …` or a `------` rule.
fn starts_with_front_matter(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(head);
    let Some(rest) = head.strip_prefix(b"---") else { return false };
    let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    rest[..line_end].iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// The report's note on Jekyll's not-found page, which is not imported as a page.
const NOT_FOUND_PAGE: &str = "the not-found page: Charter writes /404.html from templates/404.html (a built-in one when absent); move its text there";

#[cfg(test)]
mod tests {
    use super::starts_with_front_matter;

    #[test]
    fn front_matter_opens_with_a_line_of_three_dashes_alone() {
        assert!(starts_with_front_matter(b"---\ntitle: x\n---\n"));
        assert!(starts_with_front_matter(b"\xef\xbb\xbf---  \r\ntitle: x\n"));
        assert!(starts_with_front_matter(b"---"));
        assert!(!starts_with_front_matter(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n"));
        assert!(!starts_with_front_matter(b"------\nA rule, then text.\n"));
        assert!(!starts_with_front_matter(b"--- not alone\n"));
    }
}
