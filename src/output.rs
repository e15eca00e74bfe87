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
    pub fn commit(self, full: bool) -> Result<WriteStats, Diagnostics> {
        let staged = std::mem::take(&mut *Self::lock(&self.staged));
        let produced: HashSet<String> = Self::lock(&self.produced).iter().cloned().collect();
        let mut stats = WriteStats { written: staged.len(), unchanged: *Self::lock(&self.unchanged), removed: 0 };
        if self.staged_mode {
            for rel in &staged {
                let from = self.staging.join(rel);
                let to = self.output.join(rel);
                if let Some(parent) = to.parent() {
                    if parent.is_file() {
                        let _ = std::fs::remove_file(parent);
                    }
                    std::fs::create_dir_all(parent).map_err(|e| Diagnostics::from(io_error(parent, "create an output folder", &e)))?;
                }
                if to.is_dir() {
                    let _ = std::fs::remove_dir_all(&to);
                }
                std::fs::rename(&from, &to).map_err(|e| Diagnostics::from(io_error(&to, "move the output file into place", &e)))?;
            }
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        let manifest_path = self.output.join(MANIFEST);
        let previous: Vec<String> = std::fs::read_to_string(&manifest_path).map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default();
        let mut all: Vec<String> = if full {
            produced.iter().cloned().collect()
        } else {
            let mut set: HashSet<String> = previous.iter().cloned().collect();
            set.extend(produced.iter().cloned());
            set.into_iter().collect()
        };
        if full {
            for old in previous.iter().filter(|p| !produced.contains(*p)) {
                if old.split('/').any(|s| s == ".." || s.is_empty()) {
                    continue;
                }
                let path = self.output.join(old);
                if std::fs::remove_file(&path).is_ok() {
                    stats.removed += 1;
                    remove_empty_parents(&self.output, &path);
                }
            }
        }
        all.sort();
        let mut text = all.join("\n");
        text.push('\n');
        if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(text.as_str()) {
            let tmp = tmp_path(&manifest_path);
            std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &manifest_path)).map_err(|e| Diagnostics::from(io_error(&manifest_path, "write the manifest", &e)))?;
        }
        Ok(stats)
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
fn injected_write_failure() -> Option<std::io::Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;
    static LIMIT: OnceLock<Option<usize>> = OnceLock::new();
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let limit = (*LIMIT.get_or_init(|| std::env::var("CHARTER_FAIL_WRITE_AFTER").ok().and_then(|v| v.trim().parse().ok())))?;
    (WRITES.fetch_add(1, Ordering::SeqCst) >= limit)
        .then(|| std::io::Error::other("injected write failure (CHARTER_FAIL_WRITE_AFTER is set)"))
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(err) = injected_write_failure() {
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

/// Static files to copy: the theme's `static/`, then the site's `static/` over it.
pub fn static_files(root: &Path, theme: Option<&str>) -> Vec<(String, PathBuf)> {
    let mut map: std::collections::BTreeMap<String, PathBuf> = Default::default();
    let mut dirs = Vec::new();
    if let Some(t) = theme {
        dirs.push(root.join("themes").join(t).join("static"));
    }
    dirs.push(root.join("static"));
    for dir in dirs {
        let mut found = Vec::new();
        collect_files(&dir, "", &mut found);
        for (rel, path) in found {
            map.insert(rel, path);
        }
    }
    map.into_iter().collect()
}

fn collect_files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        if crate::content::load::is_ignored_name(&name) {
            continue;
        }
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, &rel, out);
        } else {
            out.push((rel, path));
        }
    }
}
