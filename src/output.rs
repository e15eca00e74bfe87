//! Writing the output folder safely. A build writes only files whose bytes changed, into a
//! staging folder inside the output (`.charter-staging/`); only when the whole build succeeded are
//! they moved into place (renames, no copies) and files of the previous build that are no longer
//! produced removed. A failed build removes the staging folder and leaves the output untouched.
//! Unchanged files keep their modification time. `.charter-manifest` lists what Charter wrote, so
//! Charter never deletes a file it did not write and refuses folders that hold other files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{io_error, Diagnostic, Diagnostics};

pub const MANIFEST: &str = ".charter-manifest";
const STAGING: &str = ".charter-staging";

/// Checks that `output` is a folder Charter may write: not the site, not its content, not `/` or
/// the home folder, and either empty, absent, or a previous Charter output.
pub fn check_output_dir(site_root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| absolute(p));
    let out = canonical(output);
    let root = canonical(site_root);
    let refuse = |why: String| {
        Err(Diagnostic::error("output", format!("refusing to write the site into {}: {why}", output.display()))
            .hint("choose an empty folder (or the default `public/`) with --output"))
    };
    if out.parent().is_none() {
        return refuse("it is the file system root".into());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if canonical(&home) == out {
            return refuse("it is your home folder".into());
        }
    }
    if out == root {
        return refuse("it is the site's own folder".into());
    }
    if root.starts_with(&out) {
        return refuse("it contains the site".into());
    }
    for protected in ["content", "themes", "templates", "static", "data"] {
        let p = root.join(protected);
        if out == p || out.starts_with(&p) {
            return refuse(format!("it is inside the site's {protected}/ folder"));
        }
    }
    if out.is_file() {
        return refuse("it is a file".into());
    }
    if out.is_dir() && !out.join(MANIFEST).is_file() {
        let has_files = std::fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(false);
        if has_files {
            return refuse("it holds files Charter did not write (no .charter-manifest); empty it or choose another folder".into());
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Whether every path of `wanted` is a line of `manifest`.
fn all_listed(manifest: &str, wanted: &HashSet<String>) -> bool {
    if wanted.len() > 64 {
        let known: HashSet<&str> = manifest.lines().collect();
        return wanted.iter().all(|p| known.contains(p.as_str()));
    }
    let mut missing: Vec<&str> = wanted.iter().map(String::as_str).collect();
    for line in manifest.lines() {
        if missing.is_empty() {
            break;
        }
        if let Some(i) = missing.iter().position(|m| *m == line) {
            missing.swap_remove(i);
        }
    }
    missing.is_empty()
}

/// How many files a run wrote and kept.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Writes one build's files (safe to share between threads).
pub struct Writer {
    output: PathBuf,
    staging: PathBuf,
    /// Every file this build produces, relative and `/`-separated.
    produced: Mutex<Vec<String>>,
    staged: Mutex<Vec<String>>,
    unchanged: Mutex<usize>,
    created_output: bool,
    /// Whether files go through the staging folder (full builds) or straight into place with a
    /// per-file atomic rename (incremental rebuilds, whose rendering already succeeded).
    staged_mode: bool,
}

impl Writer {
    /// Starts a staged build into `output`.
    pub fn begin(output: &Path) -> Result<Writer, Diagnostic> {
        Self::new(output, true)
    }

    /// Starts a direct write (each file replaced atomically, no staging folder).
    pub fn direct(output: &Path) -> Result<Writer, Diagnostic> {
        Self::new(output, false)
    }

    fn new(output: &Path, staged_mode: bool) -> Result<Writer, Diagnostic> {
        let created_output = !output.exists();
        std::fs::create_dir_all(output).map_err(|e| io_error(output, "create the output folder", &e))?;
        if !staged_mode {
            // Files change in place (serve): the output is no longer the one the record of the
            // last build describes. A staged build leaves the output as it was unless it
            // succeeds, and then writes its own record.
            crate::freshness::forget(output);
        }
        let staging = output.join(STAGING);
        if staging.exists() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        Ok(Writer {
            output: output.to_path_buf(),
            staging,
            produced: Mutex::new(Vec::new()),
            staged: Mutex::new(Vec::new()),
            unchanged: Mutex::new(0),
            created_output,
            staged_mode,
        })
    }

    pub fn output(&self) -> &Path {
        &self.output
    }

    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `bytes` to `relative` unless the output already holds exactly these bytes.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        Self::lock(&self.produced).push(relative.to_string());
        let target = self.output.join(relative);
        if same_bytes(&target, bytes) {
            *Self::lock(&self.unchanged) += 1;
            return Ok(());
        }
        if self.staged_mode {
            let staged = self.staging.join(relative);
            write_new(&staged, bytes).map_err(|e| io_error(&staged, "write the output file", &e))?;
            Self::lock(&self.staged).push(relative.to_string());
        } else {
            let tmp = tmp_path(&target);
            write_new(&tmp, bytes).map_err(|e| io_error(&target, "write the output file", &e))?;
            std::fs::rename(&tmp, &target).map_err(|e| io_error(&target, "replace the output file", &e))?;
            Self::lock(&self.staged).push(relative.to_string());
        }
        Ok(())
    }

    /// Copies a file into the output unless an identical one is already there.
    pub fn copy(&self, relative: &str, source: &Path) -> Result<(), Diagnostic> {
        let bytes = std::fs::read(source).map_err(|e| io_error(source, "read the file to copy", &e))?;
        self.write(relative, &bytes)
    }

    /// Files whose bytes changed (written) so far.
    pub fn written(&self) -> Vec<String> {
        Self::lock(&self.staged).clone()
    }

    /// Files produced so far.
    pub fn produced(&self) -> Vec<String> {
        Self::lock(&self.produced).clone()
    }

    /// The build failed: removes what it staged; the output is as it was.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
        if self.created_output {
            let _ = std::fs::remove_dir_all(&self.output);
        }
    }

    /// The build succeeded: moves staged files into place and removes stale files of the
    /// previous build. With `full`, files of the previous build not produced now are removed.
    ///
    /// Everything that needs disk space (the new manifest) is written before the first file
    /// moves; each file the move replaces is set aside in the staging folder, so that when a
    /// move fails part-way every file moved so far goes back and the output is as it was.
    pub fn commit(self, full: bool) -> Result<WriteStats, Diagnostics> {
        let staged = std::mem::take(&mut *Self::lock(&self.staged));
        let produced: HashSet<String> = Self::lock(&self.produced).iter().cloned().collect();
        let mut stats = WriteStats { written: staged.len(), unchanged: *Self::lock(&self.unchanged), removed: 0 };
        let folders: std::collections::BTreeSet<&str> =
            produced.iter().flat_map(|rel| rel.match_indices('/').map(move |(i, _)| &rel[..i])).collect();
        for folder in folders {
            let path = self.output.join(folder);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                let link = path;
                self.discard();
                return Err(Diagnostic::error("output", format!("{} is a symlink; Charter does not write through symlinks", link.display()))
                    .in_file(&link)
                    .hint("remove the symlink from the output folder (Charter never makes one) and build again")
                    .into());
            }
        }
        let manifest_path = self.output.join(MANIFEST);
        let previous_text = std::fs::read_to_string(&manifest_path).unwrap_or_default();
        if !full && !self.staged_mode {
            // An incremental write that produced no new path leaves the manifest as it is. It
            // produced a handful of paths and the manifest lists the whole site: look for those
            // few in one pass rather than indexing every line.
            if all_listed(&previous_text, &produced) {
                return Ok(stats);
            }
        }
        let previous: Vec<String> = previous_text.lines().map(str::to_string).collect();
        let mut all: Vec<String> = if full {
            produced.iter().cloned().collect()
        } else {
            let mut set: HashSet<String> = previous.iter().cloned().collect();
            set.extend(produced.iter().cloned());
            set.into_iter().collect()
        };
        all.sort();
        let mut text = all.join("\n");
        text.push('\n');
        let new_manifest = if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(text.as_str()) {
            let tmp = if self.staged_mode { self.staging.join(MANIFEST) } else { tmp_path(&manifest_path) };
            if let Err(e) = write_new(&tmp, text.as_bytes()) {
                let _ = std::fs::remove_file(&tmp);
                self.discard();
                return Err(io_error(&manifest_path, "write the manifest", &e).into());
            }
            Some(tmp)
        } else {
            None
        };
        if self.staged_mode {
            if let Err(d) = self.move_into_place(&staged) {
                self.discard();
                return Err(d.into());
            }
        }
        if let Some(tmp) = new_manifest {
            std::fs::rename(&tmp, &manifest_path).map_err(|e| Diagnostics::from(io_error(&manifest_path, "write the manifest", &e)))?;
        }
        if full {
            for old in previous.iter().filter(|p| !produced.contains(*p)) {
                if old.split('/').any(|s| s == ".." || s == "." || s.is_empty()) || symlink_on_the_way(&self.output, old).is_some() {
                    continue;
                }
                let path = self.output.join(old);
                if std::fs::remove_file(&path).is_ok() {
                    stats.removed += 1;
                    remove_empty_parents(&self.output, &path);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(stats)
    }

    /// Moves every staged file into the output, setting aside what it replaces; on the first
    /// failure puts everything back.
    fn move_into_place(&self, staged: &[String]) -> Result<(), Diagnostic> {
        let aside = self.staging.join(".replaced");
        // (target, the file it replaced if any, folders created for it)
        let mut done: Vec<(PathBuf, Option<PathBuf>, Vec<PathBuf>)> = Vec::with_capacity(staged.len());
        let mut result = Ok(());
        for (i, rel) in staged.iter().enumerate() {
            let from = self.staging.join(rel);
            let to = self.output.join(rel);
            let mut created = Vec::new();
            let step = (|| -> Result<Option<PathBuf>, Diagnostic> {
                if let Some(parent) = to.parent() {
                    let mut missing = Vec::new();
                    let mut dir = parent;
                    while !dir.exists() && dir.starts_with(&self.output) && dir != self.output {
                        missing.push(dir.to_path_buf());
                        match dir.parent() {
                            Some(p) => dir = p,
                            None => break,
                        }
                    }
                    if dir.is_file() && dir != self.output {
                        // A file of the previous build where a folder goes now: set it aside too.
                        let keep = aside.join(format!("{i}.dir"));
                        write_parent(&keep).and_then(|_| std::fs::rename(dir, &keep)).map_err(|e| io_error(dir, "move an old output file aside", &e))?;
                        missing.push(dir.to_path_buf());
                        done.push((dir.to_path_buf(), Some(keep), Vec::new()));
                    }
                    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create an output folder", &e))?;
                    missing.reverse();
                    created = missing;
                }
                let replaced = if std::fs::symlink_metadata(&to).is_ok() {
                    let keep = aside.join(i.to_string());
                    write_parent(&keep).and_then(|_| std::fs::rename(&to, &keep)).map_err(|e| io_error(&to, "move the old output file aside", &e))?;
                    Some(keep)
                } else {
                    None
                };
                let moved = match injected_failure("CHARTER_FAIL_MOVE_AFTER") {
                    Some(err) => Err(err),
                    None => std::fs::rename(&from, &to),
                };
                if let Err(e) = moved {
                    if let Some(keep) = &replaced {
                        let _ = std::fs::rename(keep, &to);
                    }
                    return Err(io_error(&to, "move the output file into place", &e));
                }
                Ok(replaced)
            })();
            match step {
                Ok(replaced) => done.push((to, replaced, created)),
                Err(d) => {
                    for dir in created.iter().rev() {
                        let _ = std::fs::remove_dir(dir);
                    }
                    result = Err(d);
                    break;
                }
            }
        }
        if result.is_err() {
            for (to, replaced, created) in done.into_iter().rev() {
                match replaced {
                    Some(keep) => {
                        if to.is_dir() {
                            let _ = std::fs::remove_dir_all(&to);
                        }
                        let _ = std::fs::rename(&keep, &to);
                    }
                    None => {
                        let _ = std::fs::remove_file(&to);
                    }
                }
                for dir in created.iter().rev() {
                    let _ = std::fs::remove_dir(dir);
                }
            }
        }
        result
    }

    /// Removes the staging folder (and an output folder this build created) after a failure.
    fn discard(&self) {
        let _ = std::fs::remove_dir_all(&self.staging);
        if self.created_output {
            let _ = std::fs::remove_dir_all(&self.output);
        }
    }

    /// Removes files of a previous build that are gone now (incremental deletes).
    pub fn remove(&self, relative: &str) {
        let path = self.output.join(relative);
        if std::fs::remove_file(&path).is_ok() {
            remove_empty_parents(&self.output, &path);
        }
    }
}

fn tmp_path(target: &Path) -> PathBuf {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    target.with_file_name(format!(".{name}.charter-tmp-{}", std::process::id()))
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => std::fs::read(path).map(|old| old == bytes).unwrap_or(false),
        _ => false,
    }
}

/// Failure injection for tests of what a failed write leaves behind (Charter's own test suite
/// uses it where it cannot mount a read-only or full file system): with
/// `CHARTER_FAIL_WRITE_AFTER=N` in the environment, every output file written after the first N
/// fails as a full disk would. Unset, it costs one cached lookup per file.
/// `CHARTER_FAIL_MOVE_AFTER=N` does the same for moving staged files into place, to test the
/// roll-back of a swap that fails part-way.
fn injected_failure(variable: &'static str) -> Option<std::io::Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;
    static LIMITS: OnceLock<[Option<usize>; 2]> = OnceLock::new();
    static COUNTS: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let read = |v: &str| std::env::var(v).ok().and_then(|v| v.trim().parse().ok());
    let limits = LIMITS.get_or_init(|| [read("CHARTER_FAIL_WRITE_AFTER"), read("CHARTER_FAIL_MOVE_AFTER")]);
    let i = usize::from(variable == "CHARTER_FAIL_MOVE_AFTER");
    let limit = limits[i]?;
    (COUNTS[i].fetch_add(1, Ordering::SeqCst) >= limit).then(|| std::io::Error::other(format!("injected failure ({variable} is set)")))
}

/// The first folder on the way from `root` to `relative` (exclusive of `root`) that is a symlink.
fn symlink_on_the_way(root: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    let mut segments = relative.split('/').peekable();
    while let Some(segment) = segments.next() {
        path.push(segment);
        let is_last = segments.peek().is_none();
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Some(path),
            Ok(_) if !is_last => {}
            _ => return None,
        }
    }
    None
}

fn write_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent),
        None => Ok(()),
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(err) = injected_failure("CHARTER_FAIL_WRITE_AFTER") {
        return Err(err);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) {
            break;
        }
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Static files to copy: the theme's `static/`, then the site's `static/` over it, listed
/// through [`crate::site_files`] (which reports links out of the site and oversized files).
pub fn static_files(files: &crate::site_files::SiteFiles, theme: Option<&str>, diagnostics: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let root = files.root();
    let mut map: std::collections::BTreeMap<String, PathBuf> = Default::default();
    let mut dirs = Vec::new();
    if let Some(t) = theme {
        dirs.push(root.join("themes").join(t).join("static"));
    }
    dirs.push(root.join("static"));
    for dir in dirs {
        for file in files.walk(&dir, diagnostics) {
            map.insert(file.relative, file.path);
        }
    }
    map.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::all_listed;
    use std::collections::HashSet;

    #[test]
    fn a_manifest_lists_paths_only_as_whole_lines() {
        let manifest = "a/index.html\natom.xml\nb/index.html\nindex.html\n";
        let set = |paths: &[&str]| paths.iter().map(|p| p.to_string()).collect::<HashSet<String>>();
        assert!(all_listed(manifest, &set(&[])));
        assert!(all_listed(manifest, &set(&["index.html", "a/index.html", "atom.xml"])));
        assert!(!all_listed(manifest, &set(&["index.html", "c/index.html"])));
        assert!(!all_listed(manifest, &set(&["index"])), "a prefix of a line is not a line");
        let many: Vec<String> = (0..100).map(|i| format!("p{i}/index.html")).collect();
        let text = many.join("\n");
        assert!(all_listed(&text, &many.iter().cloned().collect()));
        let mut more: HashSet<String> = many.iter().cloned().collect();
        more.insert("new/index.html".into());
        assert!(!all_listed(&text, &more));
    }
}
