//! Writing the output folder safely. Every path a run writes is known first, with its producer,
//! in an output [`Plan`] (see [`plan`]): the one place that refuses clashes, reserved names and
//! paths that leave the output. A run writes only files whose bytes changed, into a staging
//! folder inside the output (`.charter-staging/`); a failed run removes it and leaves the output
//! untouched. Unchanged files keep their modification time. `.charter-manifest` lists what
//! Charter wrote, so Charter never deletes a file it did not write and refuses folders that hold
//! other files.
//!
//! **Crash consistency: a roll-forward journal.** Once everything is staged (the new manifest
//! too), the run writes `.charter-commit` (a temporary file renamed into place) listing
//! the stale files to remove and the staged files to move (into an output that holds no site
//! yet, a cold build, the top-level entries of the staged tree: a folder moves with all it holds,
//! so the tree is written once); then it does so, renames the new
//! manifest into place, and removes the journal and the staging folder. A run killed at any
//! instant leaves either no journal (the output is the previous site; the staging folder is
//! discarded by the next run) or a journal, which the next `charter` command that opens the
//! output (`build`, `check`, `serve`, even a build that then fails on a content error) finishes
//! before anything else: every step can be done twice, so the output is wholly the new site.
//! A rename that fails in the middle (a disk error) is also finished by the next command.
//!
//! **One run at a time per output folder:** `.public.charter-lock` beside it (named after the
//! output folder), locked with `flock` and holding the holder's pid. A second run waits up to ten seconds, then says which process holds
//! it; the system releases the lock of a killed process, so a stale lock never blocks.

pub mod plan;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::error::{io_error, Diagnostic, Diagnostics};
pub use plan::{path_problem, Plan, PlanBuilder, Producer};

/// The list of the files a build wrote, in the output folder; it marks the folder as an output
/// of Charter's, which no walk of the site reads ([`crate::site_files::OUTPUT_MANIFEST`]).
pub const MANIFEST: &str = crate::site_files::OUTPUT_MANIFEST;
const STAGING: &str = ".charter-staging";
/// The commit journal (see the module documentation).
pub const JOURNAL: &str = ".charter-commit";
const JOURNAL_TMP: &str = ".charter-commit.tmp";
const JOURNAL_HEADER: &str = "charter commit journal 1";
/// The end of the name of the output folder's lock file, beside it: `.public.charter-lock`.
pub const LOCK_SUFFIX: &str = ".charter-lock";

/// Checks that `output` is a folder Charter may write: not the site, not its content, not `/` or
/// the home folder, and either empty, absent, or a previous Charter output.
pub fn check_output_dir(site_root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let out = resolve_folder(output);
    let root = resolve_folder(site_root);
    let refuse = |why: String| Err(refused(output, &why));
    if out.parent().is_none() {
        return refuse("it is the file system root".into());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if resolve_folder(&home) == out {
            return refuse("it is your home folder".into());
        }
    }
    if out == root {
        return refuse("it is the site's own folder".into());
    }
    if root.starts_with(&out) {
        return refuse("it contains the site".into());
    }
    for protected in crate::config::INPUT_DIRS {
        // Where the input folder really is (`content` may be a link to another folder).
        let p = resolve_folder(&root.join(protected));
        if out == p || out.starts_with(&p) {
            return refuse(format!("it is inside the site's {protected}/ folder"));
        }
    }
    if out.is_file() {
        return refuse("it is a file".into());
    }
    if holds_files_of_others(&out) {
        return refuse(HOLDS_FILES_OF_OTHERS.into());
    }
    Ok(())
}

/// Why a run may not write into `output`, and what to do.
fn refused(output: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        "output",
        format!("refusing to write the site into {}: {why}", output.display()),
    )
    .hint("choose an empty folder (or the default `public/`) with --output")
}

const HOLDS_FILES_OF_OTHERS: &str =
    "it holds files Charter did not write (no .charter-manifest); empty it or choose another folder";

/// Whether `output` is a folder without Charter's manifest that holds anything but Charter's own
/// files (a lock, the staging folder of a first build that was killed): someone else's files,
/// which no build may write among, let alone replace.
fn holds_files_of_others(output: &Path) -> bool {
    if !output.is_dir() || output.join(MANIFEST).is_file() {
        return false;
    }
    std::fs::read_dir(output)
        .map(|d| {
            d.filter_map(Result::ok)
                .any(|e| !e.file_name().to_string_lossy().starts_with(plan::RESERVED_PREFIX))
        })
        .unwrap_or(false)
}

/// The folder `p` names once it is made, as the system will find it: every part that exists
/// resolved as the system resolves it (symbolic links followed), and a `..` after a part that
/// does not exist yet taken back from the path. `public/../content` is `content/` even while
/// `public/` is absent: making the output (`create_dir_all`) would make `public/` and then write
/// into `content/`. A plain `canonicalize` fails on such a path, and the path as written would
/// hide where it leads. Every folder Charter is asked to write (the output, the importer's DEST)
/// is checked as this says it is.
pub fn resolve_folder(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut resolved = PathBuf::new();
    for part in absolute(p).components() {
        match part {
            Component::Prefix(_) | Component::RootDir | Component::Normal(_) => {
                resolved.push(part);
                // Only a part that exists can be a symbolic link; once one does not, no later
                // part exists either (until a `..` comes back to one that does).
                if let Ok(real) = resolved.canonicalize() {
                    resolved = real;
                }
            }
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
        }
    }
    resolved
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

/// Writes one run's files (safe to share between threads): every file goes to the staging
/// folder, and [`Writer::commit`] moves them into place through the commit journal.
pub struct Writer {
    output: PathBuf,
    staging: PathBuf,
    /// Every path this run may write, and who produces it: shared with the caller (serve keeps
    /// the plan of the last body edit for the next one), copied only if a name is fingerprinted.
    plan: RwLock<Arc<Plan>>,
    /// Every file this run produces, relative and `/`-separated.
    produced: Mutex<Vec<String>>,
    staged: Mutex<Vec<String>>,
    /// Files of a previous build this run removes (incremental deletes).
    removed: Mutex<Vec<String>>,
    unchanged: Mutex<usize>,
    /// A full build (files of the previous build it does not produce are removed) or an update
    /// of a few files (`serve`).
    full: bool,
    /// A full build into an output that holds no site yet (absent, empty, or only Charter's own
    /// files): nothing is compared with the output, and the commit moves each top-level entry of
    /// the staged tree into place in one rename, not file by file (see [`Writer::commit`]).
    cold: bool,
    /// Folders made in the staging folder so far, so that each is made once.
    staged_folders: Mutex<HashSet<String>>,
    _lock: OutputLock,
    /// The output folder and those above it that this run made: a failed run removes them again.
    /// After the lock (fields drop in order), whose file is beside the output.
    made_folders: MadeFolders,
}

/// Folders a run made, deepest first. Once [`MadeFolders::remove_when_done`] is called, those
/// still empty are removed when the run ends.
struct MadeFolders {
    folders: Vec<PathBuf>,
    remove: std::sync::atomic::AtomicBool,
}

impl MadeFolders {
    fn remove_when_done(&self) {
        self.remove.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Drop for MadeFolders {
    fn drop(&mut self) {
        if *self.remove.get_mut() {
            remove_made_folders(&self.folders);
        }
    }
}

impl Writer {
    /// Starts a full build into `output`: every path it writes must be in `plan`.
    pub fn begin(output: &Path, plan: Arc<Plan>) -> Result<Writer, Diagnostic> {
        Self::new(output, plan, true)
    }

    /// Starts an update of some files of `output` (`serve`): `plan` is still the whole site's, so
    /// that a path is refused exactly when a full build would refuse it.
    pub fn update(output: &Path, plan: Arc<Plan>) -> Result<Writer, Diagnostic> {
        Self::new(output, plan, false)
    }

    fn new(output: &Path, plan: Arc<Plan>, full: bool) -> Result<Writer, Diagnostic> {
        let made_folders =
            make_folder(output).map_err(|e| io_error(output, "create the output folder", &e))?;
        let lock = OutputLock::acquire(output)?;
        finish_interrupted_commit(output)?;
        let staging = output.join(STAGING);
        // A cold commit replaces what stands in its way unchecked: it may run only where nothing
        // but Charter's own files is. `check_output_dir` says so too, but it is asked first and
        // by each caller; this is where the files would go.
        if holds_files_of_others(output) {
            return Err(refused(output, HOLDS_FILES_OF_OTHERS));
        }
        let cold = full && !output.join(MANIFEST).exists();
        Ok(Writer {
            output: output.to_path_buf(),
            staging,
            plan: RwLock::new(plan),
            produced: Mutex::new(Vec::new()),
            staged: Mutex::new(Vec::new()),
            removed: Mutex::new(Vec::new()),
            unchanged: Mutex::new(0),
            made_folders: MadeFolders { folders: made_folders, remove: false.into() },
            full,
            cold,
            staged_folders: Mutex::new(HashSet::new()),
            _lock: lock,
        })
    }

    pub fn output(&self) -> &Path {
        &self.output
    }

    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Moves the claim of `from` to `to` before either is written (a fingerprinted name).
    pub fn rename_planned(&self, from: &str, to: &str) -> Result<(), Diagnostic> {
        let mut plan = self.plan.write().unwrap_or_else(|p| p.into_inner());
        Arc::make_mut(&mut plan).rename(from, to)
    }

    /// Writes `bytes` to `relative` unless the output already holds exactly these bytes.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if !self.plan.read().unwrap_or_else(|p| p.into_inner()).contains(relative) {
            return Err(Diagnostic::error(
                "output",
                format!("{relative} is not in the output plan, so Charter does not write it"),
            )
            .hint("this is a bug in Charter: please report it with the site that shows it"));
        }
        Self::lock(&self.produced).push(relative.to_string());
        if !self.cold && same_bytes(&self.output.join(relative), bytes) {
            *Self::lock(&self.unchanged) += 1;
            return Ok(());
        }
        let staged = self.staging.join(relative);
        self.make_staged_folder(relative)
            .and_then(|()| write_new(&staged, bytes))
            .map_err(|e| io_error(&staged, "write the output file", &e))?;
        Self::lock(&self.staged).push(relative.to_string());
        Ok(())
    }

    /// Makes the staging folder that holds `relative`, once per folder and run.
    fn make_staged_folder(&self, relative: &str) -> std::io::Result<()> {
        let Some((folder, _)) = relative.rsplit_once('/') else {
            return std::fs::create_dir_all(&self.staging);
        };
        if Self::lock(&self.staged_folders).contains(folder) {
            return Ok(());
        }
        std::fs::create_dir_all(self.staging.join(folder))?;
        Self::lock(&self.staged_folders).insert(folder.to_string());
        Ok(())
    }

    /// Copies a file into the output unless an identical one is already there.
    pub fn copy(&self, relative: &str, source: &Path) -> Result<(), Diagnostic> {
        let bytes =
            std::fs::read(source).map_err(|e| io_error(source, "read the file to copy", &e))?;
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

    /// Removes, at commit, a file of a previous build that is gone now (incremental deletes). A
    /// path the plan holds is produced by someone else and stays; so does a file Charter did not
    /// write (not in the manifest).
    pub fn remove(&self, relative: &str) {
        if !self.plan.read().unwrap_or_else(|p| p.into_inner()).contains(relative)
            && path_problem(relative).is_none()
        {
            Self::lock(&self.removed).push(relative.to_string());
        }
    }

    /// The run failed: removes what it staged; the output is as it was.
    pub fn abort(self) {
        self.discard();
    }

    /// Removes the staging folder (and the output folder and those above it, if this run made
    /// them) after a failure.
    fn discard(&self) {
        let _ = std::fs::remove_dir_all(&self.staging);
        if let Some(output) = self.made_folders.folders.first() {
            let _ = std::fs::remove_dir_all(output);
        }
        self.made_folders.remove_when_done();
    }

    /// The run succeeded: moves staged files into place and removes stale files of the previous
    /// build, through the commit journal (see the module documentation): once the journal is
    /// written, a run killed at any instant is finished by the next command that opens the output.
    ///
    /// `before_moves` runs once, when the commit is sure to change the output, before the first
    /// file moves: the caller drops there what describes the output as it was.
    pub fn commit(self, before_moves: impl FnOnce()) -> Result<WriteStats, Diagnostics> {
        let staged = std::mem::take(&mut *Self::lock(&self.staged));
        let produced: HashSet<String> = Self::lock(&self.produced).iter().cloned().collect();
        let mut stats = WriteStats {
            written: staged.len(),
            unchanged: *Self::lock(&self.unchanged),
            removed: 0,
        };
        // A cold build's output holds no folder yet (only Charter's own files), so none can be a
        // symlink.
        let folders: std::collections::BTreeSet<&str> = if self.cold {
            Default::default()
        } else {
            produced
                .iter()
                .flat_map(|rel| rel.match_indices('/').map(move |(i, _)| &rel[..i]))
                .collect()
        };
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
        let asked = std::mem::take(&mut *Self::lock(&self.removed));
        // An update that removes nothing and writes only listed paths (a body edit under serve)
        // leaves the manifest as it is: each path is looked up in the sorted text, and the site is
        // not listed again. (A manifest not in order only makes a lookup miss: then it is read.)
        let listing_unchanged = !self.full
            && asked.is_empty()
            && produced.iter().all(|p| sorted_lines_contain(&previous_text, p));
        let (previous, removals, text) = if listing_unchanged {
            (None, Vec::new(), previous_text.clone())
        } else {
            let previous = Listed::of(&previous_text);
            let removals = self.removals(&previous, &produced, asked);
            let mut listed: Vec<&str> = if self.full {
                produced.iter().map(String::as_str).collect()
            } else {
                let gone: HashSet<&str> = removals.iter().map(String::as_str).collect();
                previous
                    .paths
                    .iter()
                    .copied()
                    .filter(|p| !gone.contains(p))
                    .chain(produced.iter().map(String::as_str))
                    .collect()
            };
            listed.sort_unstable();
            listed.dedup();
            let mut text = listed.join("\n");
            text.push('\n');
            (Some(previous), removals, text)
        };
        let manifest_changed = previous_text != text;
        if staged.is_empty() && removals.is_empty() && !manifest_changed {
            let _ = std::fs::remove_dir_all(&self.staging);
            return Ok(stats);
        }
        if let Err(d) = self.check_obstacles(&staged, &removals, previous.as_ref()) {
            self.discard();
            return Err(d.into());
        }
        if manifest_changed {
            let staged_manifest = self.staging.join(MANIFEST);
            let written = std::fs::create_dir_all(&self.staging)
                .and_then(|()| write_new(&staged_manifest, text.as_bytes()));
            if let Err(e) = written {
                self.discard();
                return Err(io_error(&manifest_path, "write the manifest", &e).into());
            }
            // A cold commit puts the manifest in place before anything moves: a first build
            // killed in its move phase leaves folders that the next run knows as Charter's (and
            // finishes), not files it would refuse as someone else's.
            if self.cold {
                if let Err(e) = std::fs::rename(&staged_manifest, &manifest_path) {
                    self.discard();
                    return Err(io_error(&manifest_path, "write the manifest", &e).into());
                }
            }
        }
        before_moves();
        // Into an output with no site yet, each top-level entry of the staged tree moves in one
        // rename (a folder with all it holds): the tree is written once, as the floor writes it.
        let moves = if self.cold { top_level_entries(&staged) } else { staged };
        if let Err(e) = write_journal(&self.output, &moves, &removals) {
            self.discard();
            return Err(io_error(&self.output.join(JOURNAL), "write the commit journal", &e).into());
        }
        stats.removed = finish_interrupted_commit(&self.output).map_err(Diagnostics::from)?;
        Ok(stats)
    }

    /// The files of the previous build this commit removes: in a full build, every listed file it
    /// did not produce; in an update, those `asked` to be removed that are listed and not
    /// produced. Never a path with a problem, nor one behind a symlink.
    fn removals(
        &self,
        previous: &Listed<'_>,
        produced: &HashSet<String>,
        mut asked: Vec<String>,
    ) -> Vec<String> {
        let mut removals: Vec<String> = if self.full {
            previous
                .paths
                .iter()
                .filter(|p| !produced.contains(**p))
                .map(|p| p.to_string())
                .collect()
        } else {
            asked.retain(|r| previous.contains(r) && !produced.contains(r));
            asked
        };
        removals.sort();
        removals.dedup();
        removals
            .retain(|p| path_problem(p).is_none() && symlink_on_the_way(&self.output, p).is_none());
        removals
    }

    /// Before the journal: refuses a commit that would have to delete or replace files Charter
    /// did not write: a file where a new path needs a folder, a folder where a new file goes, or
    /// a file the manifest does not list where a new file goes. `previous` is the manifest;
    /// `None` when every staged path is listed in it.
    fn check_obstacles(
        &self,
        staged: &[String],
        removals: &[String],
        previous: Option<&Listed<'_>>,
    ) -> Result<(), Diagnostic> {
        if self.cold {
            return Ok(()); // nothing but Charter's own files is in the way
        }
        let removed: HashSet<&str> = removals.iter().map(String::as_str).collect();
        let goes = |rel: &str| {
            removed.contains(rel) || (self.full && previous.is_some_and(|p| p.contains(rel)))
        };
        let refuse = |path: &Path, what: &str| {
            Err(Diagnostic::error("output", format!("{} is {what} that Charter did not write, where this build writes", path.display()))
                .in_file(path)
                .hint("move it out of the output folder (Charter never deletes what it did not write) and build again"))
        };
        for rel in staged {
            for (i, _) in rel.match_indices('/') {
                let ancestor = self.output.join(&rel[..i]);
                if std::fs::symlink_metadata(&ancestor).is_ok_and(|m| !m.is_dir())
                    && !goes(&rel[..i])
                {
                    return refuse(&ancestor, "a file");
                }
            }
            let target = self.output.join(rel);
            match std::fs::symlink_metadata(&target) {
                Ok(m) if m.is_dir() => {
                    let mut inside = Vec::new();
                    collect_files(&target, rel, &mut inside);
                    if inside.iter().any(|(r, _)| !goes(r)) {
                        return refuse(&target, "a folder holding files");
                    }
                }
                // A file (or link) the last build did not write: someone's own, which the new
                // one would replace. (Without `previous`, every staged path is listed.)
                Ok(_) if previous.is_some_and(|p| !p.contains(rel)) => {
                    return refuse(&target, "a file");
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // A writer dropped without commit (an early return): nothing it staged may linger.
        if self.staging.exists() && !self.output.join(JOURNAL).exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The paths a manifest lists, sorted, for lookups by binary search (a manifest is written
/// sorted, so this sorts nothing in the common case).
struct Listed<'a> {
    paths: Vec<&'a str>,
}

impl<'a> Listed<'a> {
    fn of(text: &'a str) -> Listed<'a> {
        // As `str::lines` reads them (a `\r` before the `\n` is not part of the path), but
        // finding each line break with memchr.
        let mut paths: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .filter(|l| !l.is_empty())
            .collect();
        if !paths.windows(2).all(|w| w[0] < w[1]) {
            paths.sort_unstable();
            paths.dedup();
        }
        Listed { paths }
    }

    fn contains(&self, path: &str) -> bool {
        self.paths.binary_search(&path).is_ok()
    }
}

/// Whether `path` is a line of `text`, a manifest as [`Writer::commit`] writes it (sorted, one
/// path per line), by binary search over the text's bytes. Lines out of order can only make it
/// miss a path that is there, never find one that is not.
fn sorted_lines_contain(text: &str, path: &str) -> bool {
    let bytes = text.as_bytes();
    // `lo` and `hi` are always at the start of a line (or the end of the text).
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid].iter().rposition(|&b| b == b'\n').map_or(lo, |i| lo + i + 1);
        let end = bytes[mid..hi].iter().position(|&b| b == b'\n').map_or(hi, |i| mid + i);
        match bytes[start..end].cmp(path.as_bytes()) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = (end + 1).min(hi),
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// The first segments of `staged` paths, each once, in order: what a cold commit moves.
fn top_level_entries(staged: &[String]) -> Vec<String> {
    let entries: std::collections::BTreeSet<&str> = staged
        .iter()
        .map(|rel| rel.split_once('/').map_or(rel.as_str(), |(first, _)| first))
        .collect();
    entries.into_iter().map(str::to_string).collect()
}

/// Writes the commit journal atomically (a temporary file renamed into place). It is not forced
/// to disk: the promise is about a killed process, whose writes the system keeps, not about power
/// loss, which would also need every staged file synced (peers make no such promise either).
fn write_journal(output: &Path, staged: &[String], removals: &[String]) -> std::io::Result<()> {
    use std::io::Write;
    let mut text = String::from(JOURNAL_HEADER);
    text.push('\n');
    for r in removals {
        text.push_str("remove ");
        text.push_str(r);
        text.push('\n');
    }
    for s in staged {
        text.push_str("move ");
        text.push_str(s);
        text.push('\n');
    }
    text.push_str("end\n");
    let tmp = output.join(JOURNAL_TMP);
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
    }
    std::fs::rename(&tmp, output.join(JOURNAL))
}

/// Brings `output` to one whole site after a run that stopped part-way (killed, or a disk error):
/// with a commit journal, finishes its moves and removals (each step may already be done) and
/// returns how many files it removed; with a staging folder but no journal, the run never
/// committed and its staging is discarded. Every run that writes calls it first, holding the
/// lock; so do `build` and `check` before anything else ([`open_existing`]).
pub fn finish_interrupted_commit(output: &Path) -> Result<usize, Diagnostic> {
    let journal_path = output.join(JOURNAL);
    let staging = output.join(STAGING);
    let _ = std::fs::remove_file(output.join(JOURNAL_TMP));
    let journal = match std::fs::read_to_string(&journal_path) {
        Ok(text) if text.starts_with(JOURNAL_HEADER) && text.ends_with("end\n") => text,
        _ => {
            let _ = std::fs::remove_file(&journal_path);
            if staging.exists() {
                std::fs::remove_dir_all(&staging).map_err(|e| {
                    io_error(&staging, "remove the staging folder of an unfinished build", &e)
                })?;
            }
            return Ok(0);
        }
    };
    let mut removed = 0;
    let steps: Vec<(&str, &str)> = journal
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, rel)| path_problem(rel).is_none())
        .collect();
    for (step, rel) in &steps {
        if *step != "remove" || symlink_on_the_way(output, rel).is_some() {
            continue;
        }
        let path = output.join(rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir())
            && std::fs::remove_file(&path).is_ok()
        {
            removed += 1;
            remove_empty_parents(output, &path);
        }
    }
    for (step, rel) in &steps {
        if *step != "move" || symlink_on_the_way(output, rel).is_some() {
            continue;
        }
        let from = staging.join(rel);
        if std::fs::symlink_metadata(&from).is_err() {
            continue; // moved before the interruption
        }
        let to = output.join(rel);
        // What stands in the way was checked before the journal: stale files and their folders.
        let mut dir = output.to_path_buf();
        let segments: Vec<&str> = rel.split('/').collect();
        for segment in &segments[..segments.len() - 1] {
            dir.push(segment);
            if std::fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&dir)
                    .map_err(|e| io_error(&dir, "remove a stale output file", &e))?;
            }
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| io_error(parent, "create an output folder", &e))?;
        }
        if std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(&to)
                .map_err(|e| io_error(&to, "remove a stale output folder", &e))?;
        }
        let moved = match injected_failure(FailurePoint::Move) {
            Some(err) => Err(err),
            None => std::fs::rename(&from, &to),
        };
        moved.map_err(|e| {
            io_error(&to, "move the output file into place", &e)
                .hint("the build is committed part-way: the next `charter` command that opens this output finishes it")
        })?;
    }
    let staged_manifest = staging.join(MANIFEST);
    if staged_manifest.exists() {
        std::fs::rename(&staged_manifest, output.join(MANIFEST))
            .map_err(|e| io_error(&output.join(MANIFEST), "write the manifest", &e))?;
    }
    std::fs::remove_file(&journal_path)
        .map_err(|e| io_error(&journal_path, "remove the commit journal", &e))?;
    let _ = std::fs::remove_dir_all(&staging);
    Ok(removed)
}

/// Locks an existing output folder and finishes or discards an interrupted commit in it, for a
/// command that touches the output before (or without) writing: `build` before loading the
/// site, `check`, `serve` at start. `None` when there is no output folder yet.
pub fn open_existing(output: &Path) -> Result<Option<OutputLock>, Diagnostic> {
    // Only a folder Charter wrote (or began to): never a lock file in someone else's folder.
    if !output.is_dir()
        || ![MANIFEST, JOURNAL, STAGING].iter().any(|name| output.join(name).exists())
    {
        return Ok(None);
    }
    let lock = OutputLock::acquire(output)?;
    finish_interrupted_commit(output)?;
    Ok(Some(lock))
}

/// An unnamed scratch file inside the output folder ([`crate::spill`]): it has no name at any
/// moment (`O_TMPFILE` where the system has it; elsewhere a name removed as soon as the file is
/// open), so nothing is left behind, even by a killed build, and nothing is written outside the
/// output. An output folder that does not exist yet is made for the moment the file is opened and
/// removed again, so that a build that then fails leaves no folder behind, as before.
pub fn scratch_file(output: &Path) -> Result<std::fs::File, Diagnostic> {
    let made = make_folder(output).map_err(|e| io_error(output, "create the output folder", &e))?;
    let opened = tempfile::tempfile_in(output);
    // Only empty folders go: the scratch file has no name in them.
    remove_made_folders(&made);
    opened.map_err(|e| io_error(output, "make a scratch file in the output folder", &e))
}

/// Makes `folder` and any missing folder above it; returns those it made, deepest first.
fn make_folder(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let missing: Vec<PathBuf> = folder
        .ancestors()
        .take_while(|f| !f.as_os_str().is_empty() && std::fs::symlink_metadata(f).is_err())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(folder)?;
    Ok(missing)
}

/// Removes the folders [`make_folder`] made, deepest first, each only if it is empty (another
/// run may have written into one since).
fn remove_made_folders(made: &[PathBuf]) {
    for folder in made {
        let _ = std::fs::remove_dir(folder);
    }
}

/// The lock of one output folder: `.<name>.charter-lock` beside it (so that a refused run leaves
/// the output byte for byte as it was), locked with `flock` (the system releases it when the
/// holder ends, even killed, so a stale lock never blocks) and holding the holder's process id
/// for the message another run shows. Removed on release. Re-entrant within one process: a build
/// holds it from start to end and its writer takes it again.
pub struct OutputLock {
    key: PathBuf,
}

/// Held locks of this process: canonical output folder -> (the open lock file, its path, holders).
type HeldLocks = HashMap<PathBuf, (std::fs::File, PathBuf, usize)>;
static HELD: Mutex<Option<HeldLocks>> = Mutex::new(None);

/// How long a run waits for another run's lock before it gives up and says who holds it.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The lock file of the output folder `canonical`.
pub fn lock_path(canonical: &Path) -> PathBuf {
    let name = canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    canonical.with_file_name(format!(".{name}{LOCK_SUFFIX}"))
}

impl OutputLock {
    pub fn acquire(output: &Path) -> Result<OutputLock, Diagnostic> {
        let key =
            output.canonicalize().map_err(|e| io_error(output, "open the output folder", &e))?;
        let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
        let map = held.get_or_insert_with(HashMap::new);
        if let Some((_, _, holders)) = map.get_mut(&key) {
            *holders += 1;
            return Ok(OutputLock { key });
        }
        let path = lock_path(&key);
        let started = Instant::now();
        loop {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| io_error(&path, "create the lock file of the output folder", &e))?;
            match file.try_lock() {
                Ok(()) if same_file(&file, &path) => {
                    use std::io::Write;
                    let _ = file.set_len(0);
                    let _ = (&file).write_all(format!("{}\n", std::process::id()).as_bytes());
                    map.insert(key.clone(), (file, path, 1));
                    return Ok(OutputLock { key });
                }
                Ok(()) => continue, // the holder removed the lock file as it released it
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty());
                    let who = holder.map(|pid| format!(" (pid {pid})")).unwrap_or_default();
                    return Err(Diagnostic::error(
                        "output",
                        format!("another Charter run{who} is writing {}; waited {} s for it", output.display(), LOCK_WAIT.as_secs()),
                    )
                    .hint("wait for it to finish (or stop it) and run the command again; one run writes an output folder at a time"));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(io_error(&path, "lock the output folder", &e))
                }
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
        let Some(map) = held.as_mut() else { return };
        if let Some((_, path, holders)) = map.get_mut(&self.key) {
            *holders -= 1;
            if *holders == 0 {
                // Removed while still locked, then closed (which releases the lock): a run waiting
                // on the old file sees it is gone and makes a new one.
                let _ = std::fs::remove_file(&*path);
                map.remove(&self.key);
            }
        }
    }
}

/// Whether the open `file` is still the file at `path` (not removed and made again).
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            std::fs::read(path).map(|old| old == bytes).unwrap_or(false)
        }
        _ => false,
    }
}

/// Where a test can make a write fail.
#[derive(Debug, Clone, Copy)]
enum FailurePoint {
    Write,
    Move,
}

/// Failure injection for tests of what a failed write leaves behind, built only with the cargo
/// feature `fault-injection` (never in a release binary): with `CHARTER_FAIL_WRITE_AFTER=N` in
/// the environment, every output file written after the first N fails as a full disk would;
/// `CHARTER_FAIL_MOVE_AFTER=N` does the same for moving staged files into place.
#[cfg(feature = "fault-injection")]
fn injected_failure(point: FailurePoint) -> Option<std::io::Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;
    static LIMITS: OnceLock<[Option<usize>; 2]> = OnceLock::new();
    static COUNTS: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let read = |v: &str| std::env::var(v).ok().and_then(|v| v.trim().parse().ok());
    let limits =
        LIMITS.get_or_init(|| [read("CHARTER_FAIL_WRITE_AFTER"), read("CHARTER_FAIL_MOVE_AFTER")]);
    let (i, variable) = match point {
        FailurePoint::Write => (0, "CHARTER_FAIL_WRITE_AFTER"),
        FailurePoint::Move => (1, "CHARTER_FAIL_MOVE_AFTER"),
    };
    let limit = limits[i]?;
    (COUNTS[i].fetch_add(1, Ordering::SeqCst) >= limit)
        .then(|| std::io::Error::other(format!("injected failure ({variable} is set)")))
}

#[cfg(not(feature = "fault-injection"))]
fn injected_failure(_point: FailurePoint) -> Option<std::io::Error> {
    None
}

/// Whether this binary injects failures (built with `fault-injection` and asked to by the
/// environment): such a build must really write, so it is never skipped as up to date.
pub fn injects_failures() -> bool {
    cfg!(feature = "fault-injection")
        && ["CHARTER_FAIL_WRITE_AFTER", "CHARTER_FAIL_MOVE_AFTER"]
            .iter()
            .any(|v| std::env::var_os(v).is_some())
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

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(err) = injected_failure(FailurePoint::Write) {
        return Err(err);
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

/// The folders static files come from, in the order they are copied: the theme's `static/`,
/// then the site's, whose files win.
pub fn static_dirs(root: &Path, theme: Option<&str>) -> Vec<PathBuf> {
    let theme_dir = theme.map(|t| root.join("themes").join(t).join("static"));
    theme_dir.into_iter().chain(std::iter::once(root.join("static"))).collect()
}

/// Static files to copy: the theme's `static/`, then the site's `static/` over it, listed
/// through [`crate::site_files`] (which reports links out of the site and oversized files).
pub fn static_files(
    files: &crate::site_files::SiteFiles,
    theme: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> Vec<(String, PathBuf)> {
    let mut map: std::collections::BTreeMap<String, PathBuf> = Default::default();
    for dir in static_dirs(files.root(), theme) {
        for file in files.walk(&dir, diagnostics) {
            map.insert(file.relative, file.path);
        }
    }
    map.into_iter().collect()
}

/// Every file under `dir` of the output (relative to the output, `/`-separated), for the check
/// that a commit never deletes what Charter did not write. Output folders are Charter's own: this
/// walk lists them and follows no symlink.
fn collect_files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        let rel = format!("{prefix}/{name}");
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_files(&path, &rel, out),
            _ => out.push((rel, path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{sorted_lines_contain, Listed, PlanBuilder, Producer, Writer, MANIFEST};
    use std::sync::Arc;

    /// The writer itself refuses a folder of someone else's files, whoever called it and whatever
    /// was checked before: a cold commit would replace a folder in its way with the site's.
    #[test]
    fn a_writer_never_starts_among_files_charter_did_not_write() {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let output = tmp.path().join("theirs");
        std::fs::create_dir_all(output.join("notes")).expect("folder");
        std::fs::write(output.join("notes/first.md"), "years of work").expect("file");
        let plan = || {
            let mut builder = PlanBuilder::new();
            let producer = Producer::new("page", None, "rename the page".to_string());
            builder.claim("notes/index.html".to_string(), producer);
            Arc::new(builder.finish().expect("a plan"))
        };
        for full in [true, false] {
            let started =
                if full { Writer::begin(&output, plan()) } else { Writer::update(&output, plan()) };
            let err = started.err().expect("refused");
            assert!(err.message.contains("did not write"), "{}", err.message);
        }
        assert_eq!(
            std::fs::read_to_string(output.join("notes/first.md")).unwrap(),
            "years of work"
        );
        // Charter's own output (with its manifest) is written as before.
        let ours = tmp.path().join("ours");
        std::fs::create_dir_all(&ours).expect("folder");
        assert!(Writer::begin(&ours, plan()).is_ok());
        std::fs::write(ours.join(MANIFEST), "").expect("manifest");
        std::fs::write(ours.join("notes.txt"), "kept").expect("file");
        assert!(Writer::begin(&ours, plan()).is_ok());
    }

    #[test]
    fn a_manifest_is_read_sorted_and_each_path_once() {
        for text in ["b\na\n", "a\na\nb\n", "a\n\nb\n", "a\r\nb\r\n", "a\nb", "b\r\na\r\n"] {
            assert_eq!(Listed::of(text).paths, ["a", "b"], "{text:?}");
        }
        assert!(Listed::of("").paths.is_empty());
    }

    #[test]
    fn a_sorted_manifest_finds_exactly_its_lines() {
        let lines: Vec<String> = (0..300).map(|i| format!("p{:03}/index.html", i * 3)).collect();
        for text in [lines.join("\n") + "\n", lines.join("\n")] {
            for i in 0..900 {
                let path = format!("p{i:03}/index.html");
                assert_eq!(sorted_lines_contain(&text, &path), i % 3 == 0, "{path}");
            }
            for absent in
                ["", "p", "p000", "p000/index.htm", "q", "index.html", "p899/index.html\n"]
            {
                assert!(!sorted_lines_contain(&text, absent), "{absent:?}");
            }
        }
        assert!(sorted_lines_contain("a\n", "a"));
        assert!(!sorted_lines_contain("", "a"));
        assert!(!sorted_lines_contain("\n", "a"));
        // Out of order, a lookup may miss a line (then the commit reads the whole manifest); it
        // never finds one that is not there.
        let shuffled = "c\na\nd\nb\n";
        for absent in ["aa", "bb", "e", "0"] {
            assert!(!sorted_lines_contain(shuffled, absent));
        }
    }
}
