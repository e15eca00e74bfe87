//! Whether a build can skip all its work: as `make` or `cargo` do, a build whose inputs are the
//! same as those of the last successful full build, over an output folder nobody touched since,
//! has nothing to do and says so. Anything else builds in full.
//!
//! The inputs are summed up by a digest of every file's path, size and modification time under
//! `site.yaml`, `content/`, `templates/`, `static/`, `data/`, `i18n/` and `themes/`, listed by the same
//! walker as the build ([`crate::site_files`]; no file is read but the templates). A symlink that
//! leaves the site, is broken or loops makes the build run (and fail, naming it), never skip; the build options, the `charter` program itself, the `CHARTER_GIT` switch and
//! the commit git is at (page dates and contributors come from it). A site whose templates ask
//! for the time (`now()`, `site.build_time`) changes with every build, so it never skips, and
//! neither does a build that printed warnings (they are printed again each time).
//!
//! After a full build that may be skipped next time, `.charter-inputs` in the output folder
//! records the digest, the page and section counts and a digest of the size and modification
//! time of every file of the manifest; a later edit of the output (by `serve`, by hand, a file
//! deleted) changes that and the next build is a full one again.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use crate::config::CONFIG_FILE;
use crate::error::Diagnostics;
use crate::options::BuildOptions;
use crate::output::MANIFEST;
use crate::site_files::SiteFiles;

/// The record of the last full build that may be skipped, in the output folder.
pub const RECORD: &str = ".charter-inputs";

/// What a skipped build reports: the counts of the build it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpToDate {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
}

/// The digest of a build's inputs, or `None` when the build must not be skipped whatever the
/// record says (templates that ask for the time).
pub fn inputs_digest(options: &BuildOptions) -> Option<String> {
    // A test binary that injects write failures: such a build must really write.
    if crate::output::injects_failures() {
        return None;
    }
    let root = &options.root;
    // No size limit here: a file that grew changes its stamp, and the build then refuses it.
    let site_files = SiteFiles::new(root, u64::MAX);
    let mut problems = Diagnostics::new();
    let mut files: Vec<(PathBuf, u64, u128)> = Vec::new();
    for input in std::iter::once(&CONFIG_FILE).chain(crate::config::INPUT_DIRS) {
        let path = root.join(input);
        if *input == CONFIG_FILE {
            let confined = site_files.confine(Path::new(CONFIG_FILE)).map_err(|d| problems.push(d));
            if let Some((len, mtime)) = confined.ok().and_then(|p| stamp(&p)) {
                files.push((PathBuf::from(CONFIG_FILE), len, mtime));
            }
            continue;
        }
        for file in site_files.walk(&path, &mut problems) {
            let mtime = file
                .modified
                .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            files.push((Path::new(input).join(&file.relative), file.len, mtime));
        }
    }
    if problems.has_errors() {
        return None;
    }
    files.sort();
    let mut hasher = blake3::Hasher::new();
    for (relative, len, mtime) in &files {
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update(b"\0");
        hasher.update(&len.to_le_bytes());
        hasher.update(&mtime.to_le_bytes());
        let is_template = relative.components().any(|c| c.as_os_str() == "templates");
        // A template too large to read here is left to the build, which refuses or reads it.
        if is_template
            && (*len > crate::site_files::DEFAULT_MAX_FILE_SIZE
                || asks_for_the_time(&site_files, &root.join(relative)))
        {
            return None;
        }
    }
    let options_text = format!(
        "drafts={} base_url={:?} output={:?} deploy={:?} git_off={} version={}",
        options.drafts,
        options.base_url,
        options.output_dir(),
        options.deploy,
        crate::git::disabled_by_env(),
        env!("CARGO_PKG_VERSION")
    );
    hasher.update(options_text.as_bytes());
    // The program itself: a rebuilt `charter` may render differently.
    if let Some((len, mtime)) = std::env::current_exe().ok().and_then(|exe| stamp(&exe)) {
        hasher.update(&len.to_le_bytes());
        hasher.update(&mtime.to_le_bytes());
    }
    if !crate::git::disabled_by_env() {
        hasher.update(crate::git::head(root).as_bytes());
    }
    Some(hasher.finalize().to_hex().to_string())
}

/// The digest of the inputs of a build with `options` (see [`inputs_digest`]), and whether
/// `output` already holds the build of it, untouched since. The walk of the inputs and the
/// check of the outputs read different files: they run side by side.
pub fn inputs_and_up_to_date(
    options: &BuildOptions,
    output: &Path,
) -> (Option<String>, Option<UpToDate>) {
    let (digest, untouched) = rayon::join(|| inputs_digest(options), || untouched_build(output));
    let done = digest.as_deref().and_then(|digest| stands_for(untouched, digest));
    (digest, done)
}

/// Whether the output folder holds the build of `digest`, untouched since: then the build can be
/// skipped, and this is what it stands for.
pub fn up_to_date(output: &Path, digest: &str) -> Option<UpToDate> {
    stands_for(untouched_build(output), digest)
}

/// What the recorded build `untouched` stands for, if it was built from the inputs of `digest`.
fn stands_for(untouched: Option<(String, UpToDate)>, digest: &str) -> Option<UpToDate> {
    untouched.and_then(|(inputs, done)| (inputs == digest).then_some(done))
}

/// The recorded build of the output folder, if nothing changed its files since: the digest of
/// its inputs, and what it stands for.
fn untouched_build(output: &Path) -> Option<(String, UpToDate)> {
    let record = std::fs::read_to_string(output.join(RECORD)).ok()?;
    let mut fields = record.split_whitespace();
    let (recorded_inputs, pages, sections, recorded_outputs) =
        (fields.next()?, fields.next()?, fields.next()?, fields.next()?);
    let (outputs, files) = outputs_digest(output)?;
    let done = UpToDate { pages: pages.parse().ok()?, sections: sections.parse().ok()?, files };
    (outputs == recorded_outputs).then(|| (recorded_inputs.to_string(), done))
}

/// Records, after a full build that succeeded without warnings, what the next build compares.
/// Failing to write the record only costs the next build its shortcut.
pub fn record(output: &Path, digest: &str, pages: usize, sections: usize) {
    let Some((outputs, _)) = outputs_digest(output) else { return };
    let path = output.join(RECORD);
    let tmp = output.join(format!("{RECORD}.tmp"));
    if std::fs::write(&tmp, format!("{digest} {pages} {sections} {outputs}\n")).is_ok()
        && std::fs::rename(&tmp, &path).is_ok()
    {
        return;
    }
    let _ = std::fs::remove_file(&tmp);
    forget(output);
}

/// Removes the record (a build that must not be skipped next time, or any write to the output).
pub fn forget(output: &Path) {
    let _ = std::fs::remove_file(output.join(RECORD));
}

/// A digest of the size and modification time of every file the manifest lists, and how many.
fn outputs_digest(output: &Path) -> Option<(String, usize)> {
    let manifest = std::fs::read_to_string(output.join(MANIFEST)).ok()?;
    let listed: Vec<&str> = manifest.lines().filter(|l| !l.is_empty()).collect();
    let stamps: Vec<Option<(u64, u128)>> =
        listed.par_iter().map(|rel| stamp(&output.join(rel))).collect();
    let mut hasher = blake3::Hasher::new();
    for (rel, stamp) in listed.iter().zip(stamps) {
        let (len, mtime) = stamp?; // a listed file is gone: not up to date
        hasher.update(rel.as_bytes());
        hasher.update(b"\0");
        hasher.update(&len.to_le_bytes());
        hasher.update(&mtime.to_le_bytes());
    }
    Some((hasher.finalize().to_hex().to_string(), listed.len()))
}

/// Size and modification time (nanoseconds) of a file.
fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    Some((meta.len(), mtime))
}

/// Whether a template asks for the time of the build (so its output changes every build).
fn asks_for_the_time(site_files: &SiteFiles, template: &Path) -> bool {
    site_files
        .read_text(template)
        .is_ok_and(|text| text.contains("now(") || text.contains("build_time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_holds_only_for_the_same_inputs_and_an_untouched_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join(MANIFEST), "index.html\n").unwrap();
        record(out, "abc", 3, 1);
        assert_eq!(up_to_date(out, "abc"), Some(UpToDate { pages: 3, sections: 1, files: 1 }));
        assert_eq!(up_to_date(out, "abd"), None, "other inputs");
        std::fs::write(out.join("index.html"), "edited").unwrap();
        assert_eq!(up_to_date(out, "abc"), None, "an output edited since");
        record(out, "abc", 3, 1);
        std::fs::remove_file(out.join("index.html")).unwrap();
        assert_eq!(up_to_date(out, "abc"), None, "an output deleted since");
        record(out, "abc", 3, 1);
        forget(out);
        assert_eq!(up_to_date(out, "abc"), None, "forgotten");
    }
}
