//! The one place through which Charter lists and opens the files it reads for a site: content,
//! templates and static files (the site's and its theme's), data, and the source of an import.
//! The rules that keep reads inside the site live here and nowhere else:
//!
//! - a symlink is followed only when its target resolves inside the root (the site, or an
//!   import's SOURCE); one that leaves it, one that is broken and one that loops is an error
//!   naming the link and its target, or, in an import source, skipped and reported instead;
//! - a file larger than the limit (`max_file_size` in `site.yaml`, 64 MiB by default) is refused
//!   from its metadata, before any byte of it is read, and reads stop at the limit anyway;
//! - a name that comes from a template or front matter (`load_data(path=...)`) is a plain path
//!   inside the site: no `..`, no absolute path, no symlink out ([`plain_relative`]).
//!
//! Only symlinks are resolved (one `canonicalize` each); plain files and folders cost the one
//! `stat` a walk needs anyway, so the walk stays as fast as `read_dir` on 10,000 pages.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use crate::error::{io_error, Diagnostic, Diagnostics};

/// The size limit of an input file when `site.yaml` sets none: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The site's files, confined to its root.
#[derive(Debug, Clone)]
pub struct SiteFiles {
    root: PathBuf,
    /// `root` with every symlink resolved: where a link's target must lie.
    root_canonical: PathBuf,
    max_file_size: u64,
}

/// One file a walk found.
#[derive(Debug, Clone)]
pub struct SiteFile {
    /// Path under the walked folder, `/`-separated: `css/site.css`.
    pub relative: String,
    /// The path to open: the walked folder joined with `relative` (through any links inside).
    pub path: PathBuf,
    /// Size in bytes (of the target, for a link).
    pub len: u64,
    pub modified: Option<SystemTime>,
}

/// The name of the manifest an output folder of Charter's holds (`crate::output::MANIFEST`): a
/// folder with one is an output, which the site's walks never read.
pub const OUTPUT_MANIFEST: &str = ".charter-manifest";

/// Which names a walk leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Hidden files and the leftovers of editors and tools ([`is_ignored_name`]).
    Site,
    /// Only names starting with `.` (an import source's own rules decide the rest).
    Hidden,
}

/// What a walk does with a symlink that leaves the root, is broken, or loops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLinks {
    /// An error naming the link (building a site).
    Refuse,
    /// Left out and listed in [`Walk::skipped`] (an import source, reported to a person).
    Skip,
}

/// How to walk one folder.
pub struct WalkOptions<'a> {
    pub names: Names,
    pub bad_links: BadLinks,
    /// Only the folder's own files, not its subfolders.
    pub top_level_only: bool,
    /// Relative paths (files or folders) to leave out.
    pub skip: &'a dyn Fn(&str) -> bool,
}

impl WalkOptions<'_> {
    /// The walk of a site folder: editor leftovers ignored, bad links refused, every subfolder.
    pub const SITE: WalkOptions<'static> = WalkOptions {
        names: Names::Site,
        bad_links: BadLinks::Refuse,
        top_level_only: false,
        skip: &|_| false,
    };
}

/// A link a walk left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The link, relative to the root.
    pub link: PathBuf,
    /// What is wrong with it (names the target).
    pub why: String,
}

/// What a walk found, in order: each folder's entries sorted by name, subfolders in place.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<SiteFile>,
    pub skipped: Vec<Skipped>,
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

/// What resolving one symlink gave.
enum LinkTarget {
    Inside(PathBuf),
    Bad { why: String, hint: &'static str },
}

impl SiteFiles {
    /// The files under `root`, each at most `max_file_size` bytes.
    pub fn new(root: &Path, max_file_size: u64) -> SiteFiles {
        let root_canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        SiteFiles { root: root.to_path_buf(), root_canonical, max_file_size }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// `path` relative to the root, for messages.
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
    }

    /// Every file under `dir` (a folder of the site; absent is empty), by the site's rules:
    /// problems are pushed to `diagnostics` and the file left out.
    pub fn walk(&self, dir: &Path, diagnostics: &mut Diagnostics) -> Vec<SiteFile> {
        self.walk_with(dir, &WalkOptions::SITE, diagnostics).files
    }

    /// Every file under `dir`, as `options` say.
    pub fn walk_with(
        &self,
        dir: &Path,
        options: &WalkOptions<'_>,
        diagnostics: &mut Diagnostics,
    ) -> Walk {
        let mut walk = Walk::default();
        // The folder itself may be a link (`static -> /srv/shared`), or lie under one.
        if let Some((link, target)) = self.first_bad_link(&self.relative(dir)) {
            self.bad_link(&link, target, options, &mut walk, diagnostics);
            return walk;
        }
        let Ok(canonical) = dir.canonicalize() else { return walk };
        if let Some(why) = self.output_holding(&canonical) {
            self.bad_link(
                dir,
                LinkTarget::Bad { why, hint: HINT_OUTPUT },
                options,
                &mut walk,
                diagnostics,
            );
            return walk;
        }
        if !canonical.starts_with(&self.root_canonical) {
            self.bad_link(
                dir,
                LinkTarget::Bad {
                    why: format!("this folder lies outside the site, at {}", canonical.display()),
                    hint: HINT_OUTSIDE,
                },
                options,
                &mut walk,
                diagnostics,
            );
            return walk;
        }
        if !canonical.is_dir() {
            return walk;
        }
        // Every folder from the root down to `dir` counts as read: a link back up is a loop.
        let mut visited: HashSet<PathBuf> = canonical
            .ancestors()
            .take_while(|a| a.starts_with(&self.root_canonical))
            .map(Path::to_path_buf)
            .collect();
        visited.insert(canonical.clone());
        self.walk_dir(dir, &canonical, "", options, &mut visited, &mut walk, diagnostics);
        walk
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_dir(
        &self,
        dir: &Path,
        canonical: &Path,
        prefix: &str,
        options: &WalkOptions<'_>,
        visited: &mut HashSet<PathBuf>,
        walk: &mut Walk,
        diagnostics: &mut Diagnostics,
    ) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(err) => {
                diagnostics.push(io_error(&self.relative(dir), "read the folder", &err));
                return;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                match options.bad_links {
                    BadLinks::Refuse => diagnostics.push(
                        Diagnostic::error("path", "a file name is not valid UTF-8")
                            .in_file(self.relative(&path))
                            .hint("rename the file using UTF-8 characters"),
                    ),
                    BadLinks::Skip => walk.skipped.push(Skipped {
                        link: self.relative(&path),
                        why: "its name is not valid UTF-8".into(),
                    }),
                }
                continue;
            };
            let ignored = match options.names {
                Names::Site => is_ignored_name(name),
                Names::Hidden => name.starts_with('.'),
            };
            if ignored {
                continue;
            }
            let relative =
                if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
            if (options.skip)(&relative) {
                continue;
            }
            let Ok(file_type) = entry.file_type() else { continue };
            let (is_dir, child_canonical) = if file_type.is_symlink() {
                match self.resolve_link(&path, path.canonicalize()) {
                    LinkTarget::Inside(target) => {
                        let is_dir = target.is_dir();
                        if is_dir && !visited.insert(target.clone()) {
                            let why = format!("this symlink leads back into a folder already read, {} (a symlink loop)", self.relative_target(&target));
                            self.bad_link(
                                &path,
                                LinkTarget::Bad { why, hint: HINT_LOOP },
                                options,
                                walk,
                                diagnostics,
                            );
                            continue;
                        }
                        (is_dir, target)
                    }
                    bad => {
                        self.bad_link(&path, bad, options, walk, diagnostics);
                        continue;
                    }
                }
            } else if file_type.is_dir() {
                let child = canonical.join(name);
                visited.insert(child.clone());
                (true, child)
            } else {
                (false, PathBuf::new()) // a file: its canonical path is never read
            };
            if is_dir {
                if !options.top_level_only {
                    self.walk_dir(
                        &path,
                        &child_canonical,
                        &relative,
                        options,
                        visited,
                        walk,
                        diagnostics,
                    );
                }
                continue;
            }
            // A plain entry is read through its folder's open handle (no walk of the whole path
            // again, and never through a link); a link inside the site, through the link.
            let meta =
                if file_type.is_symlink() { std::fs::metadata(&path) } else { entry.metadata() };
            let meta = match meta {
                Ok(m) => m,
                Err(err) => {
                    diagnostics.push(io_error(&self.relative(&path), "read the file's size", &err));
                    continue;
                }
            };
            if !meta.is_file() {
                continue; // sockets, fifos, devices: never site files
            }
            if meta.len() > self.max_file_size {
                diagnostics.push(self.too_large(&path, meta.len()));
                continue;
            }
            walk.files.push(SiteFile {
                relative,
                path,
                len: meta.len(),
                modified: meta.modified().ok(),
            });
        }
    }

    /// Where a symlink leads, given the result of canonicalizing it.
    fn resolve_link(&self, link: &Path, canonical: std::io::Result<PathBuf>) -> LinkTarget {
        let written = std::fs::read_link(link)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".into());
        match canonical {
            Ok(target) if target.starts_with(&self.root_canonical) => {
                match self.output_holding(&target) {
                    Some(why) => LinkTarget::Bad { why, hint: HINT_OUTPUT },
                    None => LinkTarget::Inside(target),
                }
            }
            Ok(target) => LinkTarget::Bad { why: outside(&target), hint: HINT_OUTSIDE },
            // ELOOP: the chain of links comes back to itself.
            Err(e) if e.raw_os_error() == Some(40) || e.raw_os_error() == Some(62) => {
                LinkTarget::Bad {
                    why: format!(
                        "this symlink leads back to itself through {written} (a symlink loop)"
                    ),
                    hint: HINT_LOOP,
                }
            }
            Err(_) => LinkTarget::Bad {
                why: format!("this symlink is broken: its target {written} does not exist"),
                hint: HINT_BROKEN,
            },
        }
    }

    /// Why `target` (resolved) may not be read: it lies in an output folder of Charter's (one
    /// that holds a manifest), which a build reading it would copy into itself again at every
    /// build.
    fn output_holding(&self, target: &Path) -> Option<String> {
        let output = target
            .ancestors()
            .take_while(|a| a.starts_with(&self.root_canonical))
            .find(|a| a.join(OUTPUT_MANIFEST).is_file())?;
        Some(format!(
            "this leads into {}, a folder Charter writes its output to: a build would read its own output",
            self.relative_target(output)
        ))
    }

    fn relative_target(&self, target: &Path) -> String {
        match target.strip_prefix(&self.root_canonical) {
            Ok(rel) if rel.as_os_str().is_empty() => "the site's own folder".to_string(),
            Ok(rel) => rel.display().to_string(),
            Err(_) => target.display().to_string(),
        }
    }

    fn bad_link(
        &self,
        link: &Path,
        target: LinkTarget,
        options: &WalkOptions<'_>,
        walk: &mut Walk,
        diagnostics: &mut Diagnostics,
    ) {
        let LinkTarget::Bad { why, hint } = target else { return };
        match options.bad_links {
            BadLinks::Refuse => diagnostics
                .push(Diagnostic::error("path", why).in_file(self.relative(link)).hint(hint)),
            BadLinks::Skip => walk.skipped.push(Skipped { link: self.relative(link), why }),
        }
    }

    fn too_large(&self, path: &Path, len: u64) -> Diagnostic {
        Diagnostic::error(
            "path",
            format!("the file is {}, larger than the limit of {} (`max_file_size` in site.yaml)", describe_size(len), describe_size(self.max_file_size)),
        )
        .in_file(self.relative(path))
        .hint("make the file smaller, move it out of the site, or raise `max_file_size` in site.yaml (e.g. `max_file_size: 256 MiB`)")
    }

    /// The files of `listed` (found by a walk of the same root with a larger size limit) that a
    /// walk with this one's limit gives, each file over it reported as that walk reports it.
    pub fn within_size_limit(
        &self,
        mut listed: Vec<SiteFile>,
        diagnostics: &mut Diagnostics,
    ) -> Vec<SiteFile> {
        listed.retain(|file| {
            let fits = file.len <= self.max_file_size;
            if !fits {
                diagnostics.push(self.too_large(&file.path, file.len));
            }
            fits
        });
        listed
    }

    /// Reads a file a walk found, refusing (before reading) one that grew past the limit since.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Diagnostic> {
        let file = self.relative(path);
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        // Opening a FIFO for reading waits for a writer, forever: opened without waiting, it is
        // then refused as not a plain file (a plain file ignores the flag).
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
        let mut handle = options.open(path).map_err(|e| io_error(&file, "read the file", &e))?;
        let meta = handle.metadata().map_err(|e| io_error(&file, "read the file", &e))?;
        if !meta.is_file() {
            return Err(Diagnostic::error(
                "path",
                "this is not a plain file (a FIFO, socket or device), and Charter reads only plain files",
            )
            .in_file(&file)
            .hint("replace it with a plain file"));
        }
        let len = meta.len();
        if len > self.max_file_size {
            return Err(self.too_large(path, len));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // A file that grows while it is read still stops at the limit.
        (&mut handle)
            .take(self.max_file_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(&file, "read the file", &e))?;
        if bytes.len() as u64 > self.max_file_size {
            return Err(self.too_large(path, bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// Reads a file a walk found as UTF-8 text.
    pub fn read_text(&self, path: &Path) -> Result<String, Diagnostic> {
        let bytes = self.read(path)?;
        decode_utf8(bytes, &self.relative(path))
    }

    /// Checks a file the site names directly (`site.yaml`, a page `serve` was told changed):
    /// every part of `relative` that is a symlink must stay inside the root. Returns the path to
    /// open.
    pub fn confine(&self, relative: &Path) -> Result<PathBuf, Diagnostic> {
        if relative.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
            return Err(Diagnostic::error(
                "path",
                format!("`{}` is not a path inside the site", relative.display()),
            )
            .in_file(relative)
            .hint(HINT_NAME));
        }
        match self.first_bad_link(relative) {
            Some((link, LinkTarget::Bad { why, hint })) => {
                Err(Diagnostic::error("path", why).in_file(self.relative(&link)).hint(hint))
            }
            _ => Ok(self.root.join(relative)),
        }
    }

    /// The first part of `relative` (a path under the root) that is a symlink leading outside,
    /// broken or looping, with what is wrong with it.
    fn first_bad_link(&self, relative: &Path) -> Option<(PathBuf, LinkTarget)> {
        let mut path = self.root.clone();
        for component in relative.components() {
            path.push(component);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    if let bad @ LinkTarget::Bad { .. } =
                        self.resolve_link(&path, path.canonicalize())
                    {
                        return Some((path, bad));
                    }
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }
}

/// A name given by a template or front matter (`load_data(path="data/x.yaml")`) as a plain
/// `/`-separated path inside the site: leading `/` dropped, no `..`, `.`, empty, `\` or NUL
/// segment. Says what is wrong otherwise.
pub fn plain_relative(name: &str) -> Result<String, String> {
    let trimmed = name.trim_start_matches('/');
    if trimmed.is_empty() {
        return Err(format!("`{name}` names no file"));
    }
    if trimmed.contains(['\\', '\0'])
        || trimmed.split('/').any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(format!(
            "`{name}` is not a plain path inside the site (no `..`, `.`, `\\` or empty parts)"
        ));
    }
    Ok(trimmed.to_string())
}

fn outside(target: &Path) -> String {
    let what = if target.is_dir() { "a folder" } else { "" };
    if what.is_empty() {
        format!("this symlink points outside the site, to {}", target.display())
    } else {
        format!("this symlink points outside the site, to {what} {}", target.display())
    }
}

const HINT_OUTSIDE: &str = "copy the file into the site instead of linking to it (Charter reads nothing outside the site), or remove the link";
const HINT_OUTPUT: &str = "remove the symlink: a site's inputs cannot include its output";
const HINT_LOOP: &str =
    "remove the symlink or point it somewhere that does not lead back to itself";
const HINT_BROKEN: &str =
    "remove the symlink or make it point to a file that exists inside the site";
const HINT_NAME: &str =
    "name a file inside the site, e.g. `data/people.yaml`, without `..` or a leading `/`";

/// A size for people: `70 MiB`, `1.5 KiB`, `12 bytes`.
pub fn describe_size(bytes: u64) -> String {
    const UNITS: &[(&str, u64)] = &[("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= *size {
            let whole = bytes / size;
            let tenths = (bytes % size) * 10 / size;
            return if tenths == 0 {
                format!("{whole} {unit} ({bytes} bytes)")
            } else {
                format!("{whole}.{tenths} {unit} ({bytes} bytes)")
            };
        }
    }
    format!("{bytes} bytes")
}

/// Parses a size setting: a number of bytes (`1048576`) or a number with a unit (`64 MiB`,
/// `10MB`, `512 KiB`, `2 GB`, `100 bytes`). Units are powers of 1024 (KiB, MiB, GiB; KB, MB,
/// GB and K, M, G are read the same way).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "byte" | "bytes" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(factor).filter(|n| *n > 0)
}

/// Reads bytes as UTF-8, or says at which byte they stop being UTF-8.
pub fn decode_utf8(bytes: Vec<u8>, file: &Path) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let (line, column) = line_and_column(&err.as_bytes()[..offset]);
        Diagnostic::error(
            "encoding",
            format!("the file is not valid UTF-8 (first bad byte at offset {offset})"),
        )
        .in_file(file)
        .at(Some(line), Some(column))
        .hint("save the file as UTF-8 in your editor (it is probably Latin-1 or Windows-1252)")
    })
}

/// The 1-based line and column (in bytes) just after `before`.
pub(crate) fn line_and_column(before: &[u8]) -> (usize, usize) {
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column =
        before.len() - before.iter().rposition(|&b| b == b'\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_and_without_units() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("64 MiB"), Some(64 << 20));
        assert_eq!(parse_size("10MB"), Some(10 << 20));
        assert_eq!(parse_size("2 gb"), Some(2 << 30));
        assert_eq!(parse_size("100 bytes"), Some(100));
        assert_eq!(parse_size("0"), None, "a limit of nothing reads no site");
        assert_eq!(parse_size("12 parsecs"), None);
        assert_eq!(parse_size("-3"), None);
        assert_eq!(parse_size("99999999999999999999 GiB"), None);
        assert_eq!(describe_size(64 << 20), "64 MiB (67108864 bytes)");
        assert_eq!(describe_size(1536), "1.5 KiB (1536 bytes)");
    }

    #[test]
    fn names_from_templates_stay_plain() {
        assert_eq!(plain_relative("data/x.yaml").as_deref(), Ok("data/x.yaml"));
        assert_eq!(plain_relative("/data/x.yaml").as_deref(), Ok("data/x.yaml"));
        for bad in
            ["../x.yaml", "data/../../x", "data//x", "./data/x", "data\\..\\x", "", "/", "data/x\0"]
        {
            assert!(plain_relative(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn a_walk_follows_links_inside_and_refuses_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let outside_dir = tmp.path().join("outside");
        std::fs::create_dir_all(root.join("static/css")).unwrap();
        std::fs::create_dir_all(&outside_dir).unwrap();
        std::fs::write(outside_dir.join("secret"), "secret").unwrap();
        std::fs::write(root.join("static/css/site.css"), "a{}").unwrap();
        std::fs::write(root.join("static/big.bin"), vec![0u8; 200]).unwrap();
        std::os::unix::fs::symlink("css/site.css", root.join("static/inside.css")).unwrap();
        std::os::unix::fs::symlink(outside_dir.join("secret"), root.join("static/leak")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("static/broken")).unwrap();
        std::os::unix::fs::symlink("..", root.join("static/up")).unwrap();
        std::fs::write(root.join("static/.#lock"), "").unwrap();
        let files = SiteFiles::new(&root, 100);
        let mut diagnostics = Diagnostics::new();
        let found = files.walk(&root.join("static"), &mut diagnostics);
        let names: Vec<&str> = found.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(names, ["css/site.css", "inside.css"]);
        let text = diagnostics.to_string();
        assert!(text.contains("static/leak: this symlink points outside the site"), "{text}");
        assert!(text.contains("static/broken: this symlink is broken"), "{text}");
        assert!(
            text.contains("static/up: this symlink leads back into a folder already read"),
            "{text}"
        );
        assert!(
            text.contains(
                "static/big.bin: the file is 200 bytes, larger than the limit of 100 bytes"
            ),
            "{text}"
        );
        assert_eq!(diagnostics.len(), 4, "{text}");
        let skipping = WalkOptions { bad_links: BadLinks::Skip, ..WalkOptions::SITE };
        let mut none = Diagnostics::new();
        let walk =
            SiteFiles::new(&root, u64::MAX).walk_with(&root.join("static"), &skipping, &mut none);
        assert!(none.is_empty(), "{none}");
        assert_eq!(walk.skipped.len(), 3, "{:?}", walk.skipped);
        assert!(files.confine(Path::new("static/leak")).is_err());
        assert!(files.confine(Path::new("static/inside.css")).is_ok());
        assert!(files.confine(Path::new("../site/site.yaml")).is_err());
    }
}
