//! Walking `content/`: finds every Markdown file and every other file, refuses symlinks that leave
//! the site and symlink loops, reads files as UTF-8 (naming the byte offset when they are not), and
//! splits and parses front matter in parallel.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::frontmatter::{self, FrontMatter, Origin};
use crate::error::{io_error, Diagnostic, Diagnostics};

/// What a file under `content/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// `_index.md`: the section of its folder.
    Section,
    /// `<name>.md`: a page.
    Page,
    /// `<name>/index.md`: a page bundle.
    Bundle,
}

/// A Markdown file read and parsed, not yet placed in the tree.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocKind,
    /// Path under `content/`, `/`-separated: `proposal/aasc.md`.
    pub relative_path: String,
    /// Path for messages, relative to the site root: `content/proposal/aasc.md`.
    pub file: PathBuf,
    pub front: FrontMatter,
    /// The Markdown body; empty once rendered by a site build (see `body_released`).
    pub body: String,
    pub body_first_line: usize,
    /// The body was dropped after rendering (10,000 pages hold ~50 MB of Markdown); [`body_of`]
    /// reads it again from the file when a rebuild or a lint needs it.
    pub body_released: bool,
    /// Hash of the whole file, to tell edits apart from saves without change.
    pub hash: u64,
}

/// A file found under `content/` that is copied as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentAsset {
    /// Path under `content/`, `/`-separated.
    pub relative_path: String,
    pub absolute: PathBuf,
}

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct Found {
    pub markdown: Vec<(String, PathBuf)>,
    pub assets: Vec<ContentAsset>,
}

/// Names editors and tools leave behind, never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// Lists `content/` (sorted, so builds do not depend on directory order).
pub fn walk(site_root: &Path, content_dir: &Path, diagnostics: &mut Diagnostics) -> Found {
    let mut found = Found::default();
    if !content_dir.is_dir() {
        return found;
    }
    let root_canonical = site_root.canonicalize().unwrap_or_else(|_| site_root.to_path_buf());
    let mut visited = HashSet::new();
    if let Ok(c) = content_dir.canonicalize() {
        visited.insert(c);
    }
    walk_dir(site_root, &root_canonical, content_dir, "", &mut visited, &mut found, diagnostics);
    found
}

fn walk_dir(
    site_root: &Path,
    root_canonical: &Path,
    dir: &Path,
    prefix: &str,
    visited: &mut HashSet<PathBuf>,
    found: &mut Found,
    diagnostics: &mut Diagnostics,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(err) => {
            diagnostics.push(io_error(&relative_to(site_root, dir), "read the folder", &err));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            diagnostics.push(
                Diagnostic::error("path", "a file name is not valid UTF-8")
                    .in_file(relative_to(site_root, &entry.path()))
                    .hint("rename the file using UTF-8 characters"),
            );
            continue;
        };
        if is_ignored_name(name) {
            continue;
        }
        let path = entry.path();
        let relative = if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
        let Ok(link_meta) = std::fs::symlink_metadata(&path) else { continue };
        let mut is_dir = link_meta.is_dir();
        if link_meta.file_type().is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(root_canonical) => {
                    is_dir = target.is_dir();
                    if is_dir && !visited.insert(target) {
                        diagnostics.push(
                            Diagnostic::error("path", "this symlink leads back into a folder already read (a symlink loop)")
                                .in_file(relative_to(site_root, &path))
                                .hint("remove the symlink or point it somewhere else"),
                        );
                        continue;
                    }
                }
                Ok(target) => {
                    diagnostics.push(
                        Diagnostic::error("path", format!("this symlink points outside the site, to {}", target.display()))
                            .in_file(relative_to(site_root, &path))
                            .hint("copy the file into the site instead of linking to it"),
                    );
                    continue;
                }
                Err(_) => {
                    diagnostics.push(
                        Diagnostic::error("path", "this symlink is broken or loops")
                            .in_file(relative_to(site_root, &path))
                            .hint("remove the symlink or fix its target"),
                    );
                    continue;
                }
            }
        } else if is_dir {
            if let Ok(c) = path.canonicalize() {
                visited.insert(c);
            }
        }
        if is_dir {
            walk_dir(site_root, root_canonical, &path, &relative, visited, found, diagnostics);
        } else if name.ends_with(".md") {
            found.markdown.push((relative, path));
        } else {
            found.assets.push(ContentAsset { relative_path: relative, absolute: path });
        }
    }
}

/// `path` relative to `root` for messages (falls back to the path itself).
pub fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// The kind of a Markdown file from its path under `content/`.
pub fn kind_of(relative_path: &str) -> DocKind {
    let name = relative_path.rsplit('/').next().unwrap_or(relative_path);
    match name {
        "_index.md" => DocKind::Section,
        "index.md" if relative_path.contains('/') => DocKind::Bundle,
        _ => DocKind::Page,
    }
}

/// Reads bytes as UTF-8, or says at which byte they stop being UTF-8.
pub fn decode_utf8(bytes: Vec<u8>, file: &Path) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let (line, column) = line_and_column(&err.as_bytes()[..offset]);
        Diagnostic::error("encoding", format!("the file is not valid UTF-8 (first bad byte at offset {offset})"))
            .in_file(file)
            .at(Some(line), Some(column))
            .hint("save the file as UTF-8 in your editor (it is probably Latin-1 or Windows-1252)")
    })
}

/// The 1-based line and column (in bytes) just after `before`.
fn line_and_column(before: &[u8]) -> (usize, usize) {
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.len() - before.iter().rposition(|&b| b == b'\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, column)
}

/// Reads and parses one Markdown file.
pub fn read_document(
    site_root: &Path,
    relative_path: &str,
    absolute: &Path,
    taxonomies: &[String],
) -> Result<(Document, Diagnostics), Diagnostics> {
    let file = PathBuf::from("content").join(relative_path);
    let _ = site_root;
    let bytes = std::fs::read(absolute).map_err(|e| Diagnostics::from(io_error(&file, "read the file", &e)))?;
    let hash = crate::text::hash64(&bytes);
    let text = decode_utf8(bytes, &file)?;
    parse_document(relative_path, file, &text, hash, taxonomies)
}

/// Parses a Markdown file's text.
pub fn parse_document(
    relative_path: &str,
    file: PathBuf,
    text: &str,
    hash: u64,
    taxonomies: &[String],
) -> Result<(Document, Diagnostics), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    if let Some(offset) = text.find('\0') {
        let (line, column) = line_and_column(&text.as_bytes()[..offset]);
        return Err(Diagnostic::error("encoding", format!("the file contains a NUL byte (at offset {offset})"))
            .in_file(&file)
            .at(Some(line), Some(column))
            .hint("remove the NUL character (often left by a broken copy or a binary file saved as .md)")
            .into());
    }
    let split = frontmatter::split(text).map_err(|d| Diagnostics::from(d.in_file(&file)))?;
    let kind = kind_of(relative_path);
    let origin = Origin { file: &file, source: text.strip_prefix('\u{feff}').unwrap_or(text), yaml_first_line: split.yaml_first_line };
    let front = frontmatter::parse(split.yaml, &origin, taxonomies, kind == DocKind::Section, &mut diagnostics);
    match front {
        Some(front) if !diagnostics.has_errors() => Ok((
            Document {
                kind,
                relative_path: relative_path.to_string(),
                file,
                front,
                body: split.body.to_string(),
                body_first_line: split.body_first_line,
                body_released: false,
                hash,
            },
            diagnostics,
        )),
        _ => Err(diagnostics),
    }
}

/// The Markdown body of `doc`: the text in memory, or, once a build released it, the body read
/// again from the file under `site_root`.
pub fn body_of<'a>(site_root: &Path, doc: &'a Document) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
    if !doc.body_released {
        return Ok(std::borrow::Cow::Borrowed(&doc.body));
    }
    let bytes = std::fs::read(site_root.join(&doc.file)).map_err(|e| io_error(&doc.file, "read the file again", &e))?;
    let text = decode_utf8(bytes, &doc.file)?;
    let split = frontmatter::split(&text).map_err(|d| d.in_file(&doc.file))?;
    Ok(std::borrow::Cow::Owned(split.body.to_string()))
}

/// Reads every Markdown file in parallel. Returns the documents (in path order) and all
/// diagnostics (errors for files that could not be read).
pub fn read_all(site_root: &Path, found: &Found, taxonomies: &[String], diagnostics: &mut Diagnostics) -> Vec<Document> {
    read_all_reusing(site_root, found, taxonomies, diagnostics, |_| None)
}

/// Like [`read_all`], but takes a document from `reuse` instead of reading the file when it
/// gives one (incremental rebuilds reuse every untouched document).
pub fn read_all_reusing(
    site_root: &Path,
    found: &Found,
    taxonomies: &[String],
    diagnostics: &mut Diagnostics,
    reuse: impl Fn(&str) -> Option<Document> + Sync,
) -> Vec<Document> {
    let results: Vec<_> = found
        .markdown
        .par_iter()
        .map(|(rel, abs)| match reuse(rel) {
            Some(doc) => Ok((doc, Diagnostics::new())),
            None => read_document(site_root, rel, abs, taxonomies),
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((doc, warnings)) => {
                diagnostics.extend(warnings.0);
                docs.push(doc);
            }
            Err(errs) => diagnostics.extend(errs.0),
        }
    }
    docs
}

/// The Markdown files found that could not be read into documents (their errors are reported).
pub fn unreadable(found: &Found, docs: &[Document]) -> std::collections::HashSet<String> {
    let read: HashSet<&str> = docs.iter().map(|d| d.relative_path.as_str()).collect();
    found.markdown.iter().map(|(rel, _)| rel.clone()).filter(|rel| !read.contains(rel.as_str())).collect()
}
