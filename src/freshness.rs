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

use std::path::Path;
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

/// What the walk of a build's inputs found: their digest, and the files of `content/` as the walk
/// listed them, which the build reads instead of walking `content/` a second time
/// ([`crate::site::Site::load_once_listed`]). A file made after this walk is not in the listing
/// nor in the digest: the record then stands for the files the build read, and the next build
/// sees the new file and builds.
#[derive(Debug)]
pub struct Inputs {
    pub digest: String,
    pub content: Vec<crate::site_files::SiteFile>,
}

/// The digest of a build's inputs, with the listing of `content/` walked for it; `None` when the
/// build must not be skipped whatever the record says (templates that ask for the time).
fn walk_inputs(options: &BuildOptions) -> Option<Inputs> {
    // A test binary that injects write failures: such a build must really write.
    if crate::output::injects_failures() {
        return None;
    }
    let root = &options.root;
    // Git starts while the inputs are walked (dropped unread if the walk says not to skip).
    let head = (!crate::git::disabled_by_env()).then(|| crate::git::start_head(root));
    // No size limit here: a file that grew changes its stamp, and the build then refuses it.
    let site_files = SiteFiles::new(root, u64::MAX);
    let mut problems = Diagnostics::new();
    // Every input's path, size and time, in the walk's order (each folder's entries sorted by
    // name), hashed at once.
    let mut stamps: Vec<u8> = Vec::new();
    let mut content = Vec::new();
    let mut add = |relative: &str, len: u64, mtime: u128| {
        stamps.extend_from_slice(relative.as_bytes());
        stamps.push(0);
        stamps.extend_from_slice(&len.to_le_bytes());
        stamps.extend_from_slice(&mtime.to_le_bytes());
    };
    for input in std::iter::once(&CONFIG_FILE).chain(crate::config::INPUT_DIRS) {
        if *input == CONFIG_FILE {
            let confined = site_files.confine(Path::new(CONFIG_FILE)).map_err(|d| problems.push(d));
            if let Some((len, mtime)) = confined.ok().and_then(|p| stamp(&p)) {
                add(CONFIG_FILE, len, mtime);
            }
            continue;
        }
        let is_templates = *input == "templates" || *input == "themes";
        let mut relative = format!("{input}/");
        let files = site_files.walk(&root.join(input), &mut problems);
        for file in &files {
            let mtime = file
                .modified
                .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            relative.truncate(input.len() + 1);
            relative.push_str(&file.relative);
            add(&relative, file.len, mtime);
            let is_template = is_templates && relative.split('/').any(|c| c == "templates");
            // A template too large to read here is left to the build, which refuses or reads it.
            if is_template
                && (file.len > crate::site_files::DEFAULT_MAX_FILE_SIZE
                    || asks_for_the_time(&site_files, &file.path))
            {
                return None;
            }
        }
        if *input == "content" {
            content = files;
        }
    }
    if problems.has_errors() {
        return None;
    }
    let mut hasher = blake3::Hasher::new();
    hasher.update(&stamps);
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
    if let Some(head) = head {
        hasher.update(head.wait().as_bytes());
    }
    Some(Inputs { digest: hasher.finalize().to_hex().to_string(), content })
}

/// The digest of the inputs of a build with `options` (see [`walk_inputs`]), and whether
/// `output` already holds the build of it, untouched since. The walk of the inputs and the
/// check of the outputs read different files: they run side by side.
pub fn inputs_and_up_to_date(
    options: &BuildOptions,
    output: &Path,
) -> (Option<Inputs>, Option<UpToDate>) {
    let (inputs, untouched) = rayon::join(|| walk_inputs(options), || untouched_build(output));
    let done = inputs.as_ref().and_then(|inputs| stands_for(untouched, &inputs.digest));
    (inputs, done)
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
    // Each worker joins the listed paths in a buffer of its own (a listed path only names a
    // file to look at: one that leads elsewhere stamps something else, so is not as recorded).
    let stamps: Vec<Option<(u64, u128)>> = match output.to_str() {
        Some(base) => listed
            .par_iter()
            .map_init(
                || format!("{base}/"),
                |path, rel| {
                    let folder = path.len();
                    path.push_str(rel);
                    let stamp = stamp(Path::new(path.as_str()));
                    path.truncate(folder);
                    stamp
                },
            )
            .collect(),
        None => listed.par_iter().map(|rel| stamp(&output.join(rel))).collect(),
    };
    let mut bytes = Vec::with_capacity(manifest.len() + listed.len() * 25);
    for (rel, stamp) in listed.iter().zip(stamps) {
        let (len, mtime) = stamp?; // a listed file is gone: not up to date
        bytes.extend_from_slice(rel.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes.extend_from_slice(&mtime.to_le_bytes());
    }
    Some((blake3::hash(&bytes).to_hex().to_string(), listed.len()))
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
