//! Walking `content/` (through [`crate::site_files`], which refuses symlinks that leave the site,
//! loops and oversized files): finds every Markdown file and every other file, reads files as UTF-8 (naming the byte offset when they are not), and
//! splits and parses front matter in parallel.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::frontmatter::{self, FrontMatter, Origin};
use crate::error::{Diagnostic, Diagnostics};
pub use crate::site_files::decode_utf8;
use crate::site_files::{line_and_column, SiteFiles};

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
    /// The Markdown body; empty once released (see `body_released`).
    pub body: String,
    pub body_first_line: usize,
    /// The body was dropped (10,000 pages hold ~50 MB of Markdown): after rendering, or, in a
    /// one-shot build, as soon as the file was read ([`Bodies::Release`]); [`body_of`] reads it
    /// again from the file when the render, a rebuild or a lint needs it.
    pub body_released: bool,
    /// Hash of the whole file, to tell edits apart from saves without change.
    pub hash: u64,
    /// The language code: the site's default language, or the file's suffix (`essay.uk.md`).
    pub lang: String,
    /// For a translation, the path under `content/` of the default-language file it
    /// translates (`essay.md` for `essay.uk.md`), whether or not that file exists.
    pub original: Option<String>,
}

impl Document {
    /// What links the language versions of one content file: the default-language path.
    pub fn translation_key(&self) -> &str {
        self.original.as_deref().unwrap_or(&self.relative_path)
    }
}

/// The language of a content file and, for a translation, the path of the file it translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLanguage {
    pub lang: String,
    pub original: Option<String>,
}

/// The language of the Markdown file at `relative_path` (under `content/`). On a site with
/// `languages:`, a suffix before `.md` names it (`essay.uk.md`, `_index.uk.md`, `index.uk.md`)
/// and must be one of the site's languages other than the default; without `languages:` every
/// file is in the default language, whatever its name.
pub fn language_of(relative_path: &str, config: &Config) -> Result<FileLanguage, Diagnostic> {
    let default = || FileLanguage { lang: config.language.clone(), original: None };
    if !config.is_multilingual() {
        return Ok(default());
    }
    let (dir, name) = match relative_path.rfind('/') {
        Some(i) => (&relative_path[..=i], &relative_path[i + 1..]),
        None => ("", relative_path),
    };
    let Some((stem, suffix)) = name.trim_end_matches(".md").rsplit_once('.') else {
        return Ok(default());
    };
    let file = PathBuf::from("content").join(relative_path);
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    if suffix == config.language {
        return Err(Diagnostic::error(
            "language",
            format!("`.{suffix}.md` names the default language, which needs no suffix"),
        )
        .in_file(&file)
        .hint(format!("rename the file to {dir}{stem}.md")));
    }
    if !codes.contains(&suffix) {
        return Err(Diagnostic::error(
            "language",
            format!(
                "the file name's suffix `.{suffix}` is not one of the site's languages ({})",
                codes.join(", ")
            ),
        )
        .in_file(&file)
        .hint(format!("add `{suffix}:` under `languages:` in site.yaml, or rename the file without the dot (a `.CODE.md` suffix names a translation)")));
    }
    Ok(FileLanguage { lang: suffix.to_string(), original: Some(format!("{dir}{stem}.md")) })
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

pub use crate::site_files::is_ignored_name;

/// Lists `content/` (sorted, so builds do not depend on directory order) through the one walker
/// that keeps reads inside the site ([`SiteFiles`]).
pub fn walk(files: &SiteFiles, content_dir: &Path, diagnostics: &mut Diagnostics) -> Found {
    found(files.walk(content_dir, diagnostics))
}

/// The Markdown files and assets among `listed`, the files a walk of `content/` found.
pub fn found(listed: Vec<crate::site_files::SiteFile>) -> Found {
    let mut found = Found::default();
    for file in listed {
        if file.relative.ends_with(".md") {
            found.markdown.push((file.relative, file.path));
        } else {
            found.assets.push(ContentAsset { relative_path: file.relative, absolute: file.path });
        }
    }
    found
}

/// `path` relative to `root` for messages (falls back to the path itself).
pub fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// The kind of a Markdown file from its path under `content/` (for a translation, the path of
/// the file it translates: `_index.uk.md` is a section as `_index.md` is).
pub fn kind_of(relative_path: &str) -> DocKind {
    let name = relative_path.rsplit('/').next().unwrap_or(relative_path);
    match name {
        "_index.md" => DocKind::Section,
        "index.md" if relative_path.contains('/') => DocKind::Bundle,
        _ => DocKind::Page,
    }
}

/// Reads and parses one Markdown file.
pub fn read_document(
    files: &SiteFiles,
    relative_path: &str,
    absolute: &Path,
    config: &Config,
) -> Result<(Document, Diagnostics), Diagnostics> {
    let file = PathBuf::from("content").join(relative_path);
    let language = language_of(relative_path, config)?;
    let bytes = files.read(absolute).map_err(|d| Diagnostics::from(d.in_file(&file)))?;
    let hash = crate::text::hash64(&bytes);
    let text = decode_utf8(bytes, &file)?;
    let taxonomies = config.taxonomies_of(&language.lang);
    parse_document(relative_path, language, file, &text, hash, taxonomies)
}

/// Parses a Markdown file's text; `language` is the file's ([`language_of`]).
pub fn parse_document(
    relative_path: &str,
    language: FileLanguage,
    file: PathBuf,
    text: &str,
    hash: u64,
    taxonomies: &[String],
) -> Result<(Document, Diagnostics), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    if let Some(offset) = text.find('\0') {
        let (line, column) = line_and_column(&text.as_bytes()[..offset]);
        return Err(Diagnostic::error(
            "encoding",
            format!("the file contains a NUL byte (at offset {offset})"),
        )
        .in_file(&file)
        .at(Some(line), Some(column))
        .hint(
            "remove the NUL character (often left by a broken copy or a binary file saved as .md)",
        )
        .into());
    }
    let split = frontmatter::split(text).map_err(|d| Diagnostics::from(d.in_file(&file)))?;
    let kind = kind_of(language.original.as_deref().unwrap_or(relative_path));
    let origin = Origin {
        file: &file,
        source: text.strip_prefix('\u{feff}').unwrap_or(text),
        yaml_first_line: split.yaml_first_line,
    };
    let front = frontmatter::parse(
        split.yaml,
        &origin,
        taxonomies,
        kind == DocKind::Section,
        &mut diagnostics,
    );
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
                lang: language.lang,
                original: language.original,
            },
            diagnostics,
        )),
        _ => Err(diagnostics),
    }
}

/// The Markdown body of `doc`: the text in memory, or, once a build released it, the body read
/// again from its file through `files`. The file must be the one the build read (the same
/// [`Document::hash`]): a file edited or replaced since is an error naming it, so no page is ever
/// made of two versions of its file (its values from one, its body from another).
pub fn body_of<'a>(
    files: &SiteFiles,
    doc: &'a Document,
) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
    if !doc.body_released {
        return Ok(std::borrow::Cow::Borrowed(&doc.body));
    }
    let bytes = files.read(&files.root().join(&doc.file)).map_err(|d| d.in_file(&doc.file))?;
    if crate::text::hash64(&bytes) != doc.hash {
        return Err(Diagnostic::error(
            "content",
            "the file changed while the site was being built (Charter reads a page's body again to render it)",
        )
        .in_file(&doc.file)
        .hint("build again once the file is saved"));
    }
    let text = decode_utf8(bytes, &doc.file)?;
    let split = frontmatter::split(&text).map_err(|d| d.in_file(&doc.file))?;
    Ok(std::borrow::Cow::Owned(split.body.to_string()))
}

/// What a read of the content keeps of each document's Markdown body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// Kept in memory until the body is rendered (`serve`, `check`).
    Keep,
    /// Dropped as soon as the file is read and its front matter parsed: a one-shot build reads
    /// each body again when it renders it ([`body_of`]), so it never holds every page's
    /// Markdown at once (10,000 pages: about 50 MB).
    Release,
}

/// Reads every Markdown file in parallel. Returns the documents (in path order) and all
/// diagnostics (errors for files that could not be read).
pub fn read_all(
    files: &SiteFiles,
    found: &Found,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Vec<Document> {
    read_all_reusing(files, found, config, diagnostics, Bodies::Keep, |_| None)
}

/// Like [`read_all`], but takes a document from `reuse` instead of reading the file when it
/// gives one (incremental rebuilds reuse every untouched document), and keeps or releases the
/// bodies it reads as `bodies` says.
pub fn read_all_reusing(
    files: &SiteFiles,
    found: &Found,
    config: &Config,
    diagnostics: &mut Diagnostics,
    bodies: Bodies,
    reuse: impl Fn(&str) -> Option<Document> + Sync,
) -> Vec<Document> {
    let results: Vec<_> = found
        .markdown
        .par_iter()
        .map(|(rel, abs)| match reuse(rel) {
            Some(doc) => Ok((doc, Diagnostics::new())),
            None => read_document(files, rel, abs, config).map(|(mut doc, warnings)| {
                if bodies == Bodies::Release {
                    doc.body = String::new();
                    doc.body_released = true;
                }
                (doc, warnings)
            }),
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
    found
        .markdown
        .iter()
        .map(|(rel, _)| rel.clone())
        .filter(|rel| !read.contains(rel.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-shot build reads a body twice (to parse the file, then to render its body): an
    /// edit between the two fails the build, naming the file, instead of making a page of both.
    #[test]
    fn a_body_read_again_must_be_the_file_the_build_read() {
        let site = tempfile::tempdir().expect("a site folder");
        let path = site.path().join("content/guarantee.md");
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("content/");
        std::fs::write(&path, "---\ntitle: Guarantee\n---\nThe body.\n").expect("written");
        let config = Config::default();
        let files = config.site_files(site.path());
        let (mut doc, _) =
            read_document(&files, "guarantee.md", &path, &config).expect("the page reads");
        doc.body = String::new();
        doc.body_released = true;
        let again = body_of(&files, &doc).expect("the unchanged file reads again");
        assert_eq!(again, "The body.\n");

        std::fs::write(&path, "---\ntitle: Guarantee\n---\nAn edited body.\n").expect("saved");
        let error = body_of(&files, &doc).expect_err("an edited file is refused");
        let shown = error.to_string();
        assert!(shown.contains("content/guarantee.md"), "{shown}");
        assert!(shown.contains("changed while the site was being built"), "{shown}");
        assert!(shown.contains("build again"), "{shown}");
    }
}
