//! The build driver: `charter build` from options to a written output folder. It skips the work
//! when nothing changed since the last build ([`crate::freshness`]), else loads the [`Site`]
//! through every stage and writes it, plainly or through the deploy transforms
//! ([`crate::deploy`]), atomically ([`crate::output::Writer`]).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::deploy::DeployWrite;
use crate::error::Diagnostics;
use crate::options::BuildOptions;
use crate::output::{self, WriteStats, Writer};
use crate::render::Output;
use crate::site::{Progress, Site};

/// The one line a build prints.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub stats: WriteStats,
    pub elapsed: Duration,
    pub warnings: Diagnostics,
    /// Nothing changed since the last build (see [`crate::freshness`]): no work was done.
    pub up_to_date: bool,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.up_to_date {
            return write!(
                f,
                "nothing changed since the last build: {} pages, {} sections, {} files up to date ({} ms)",
                self.pages,
                self.sections,
                self.stats.unchanged,
                self.elapsed.as_millis()
            );
        }
        write!(f, "{}", built_line(self.pages, self.sections, &self.stats, self.elapsed))
    }
}

/// The line of a build that wrote: `built N pages, M sections: ...` (`charter build`, and
/// `serve`'s first build).
pub fn built_line(pages: usize, sections: usize, stats: &WriteStats, elapsed: Duration) -> String {
    format!(
        "built {} pages, {} sections: {} files written, {} unchanged, {} removed in {} ms",
        pages,
        sections,
        stats.written,
        stats.unchanged,
        stats.removed,
        elapsed.as_millis()
    )
}

/// A full build: load every stage, then write the output atomically.
pub fn build(options: BuildOptions) -> Result<BuildSummary, Diagnostics> {
    build_counting(options, Arc::default())
}

/// [`build`], counting the outputs it renders in `progress` (for a progress bar).
pub fn build_counting(
    options: BuildOptions,
    progress: Arc<Progress>,
) -> Result<BuildSummary, Diagnostics> {
    // Before anything is freed: a build's stages free what the next does not read, and that
    // memory goes back to the system within the build (see [`crate::allocator`]).
    crate::allocator::return_freed_memory_soon();
    let started = Instant::now();
    let output_dir = options.output_dir();
    // Held to the end: one run writes an output folder at a time, and a commit a killed run left
    // half done is finished before anything else (even when this build then fails).
    output::check_output_dir(&options.root, &output_dir).map_err(Diagnostics::from)?;
    let _lock = output::open_existing(&output_dir).map_err(Diagnostics::from)?;
    let (inputs, up_to_date) = crate::freshness::inputs_and_up_to_date(&options, &output_dir);
    if let Some(done) = up_to_date {
        return Ok(BuildSummary {
            pages: done.pages,
            sections: done.sections,
            stats: WriteStats { written: 0, unchanged: done.files, removed: 0 },
            elapsed: started.elapsed(),
            warnings: Diagnostics::new(),
            up_to_date: true,
        });
    }
    let (digest, content) = match inputs {
        Some(inputs) => (Some(inputs.digest), Some(inputs.content)),
        None => (None, None),
    };
    let mut site = Site::load_once_listed(options, content)?;
    site.progress = progress;
    let stats = write_all(&mut site)?;
    let summary = BuildSummary {
        pages: site.library.pages.len(),
        sections: site.published_sections(),
        stats,
        elapsed: started.elapsed(),
        warnings: std::mem::take(&mut site.warnings),
        up_to_date: false,
    };
    if let (Some(digest), true) = (digest, summary.warnings.is_empty()) {
        crate::freshness::record(&output_dir, &digest, summary.pages, summary.sections);
    }
    // Freeing every page's values and bodies costs a twentieth of a build's CPU: a thread of its
    // own does it, so the command returns at once (and a process that exits does not wait).
    std::thread::spawn(move || drop(site));
    Ok(summary)
}

/// Renders and writes the whole site into its output folder, atomically: plainly, or through the
/// deploy transforms when any is asked for. A site from [`Site::load_once`] holds less at its
/// peak: its search index's files are written first and the index dropped, then its template
/// values are built ([`Site::build_values`]) and everything else is written.
pub fn write_all(site: &mut Site) -> Result<WriteStats, Diagnostics> {
    let (outputs, writer) = begin_writing(site)?;
    let errors = match OutputWrite::begin(site, &outputs, &writer) {
        Ok((how, mut errors)) => {
            let rest = if site.values_built() {
                outputs
            } else {
                let (search_files, rest): (Vec<Output>, Vec<Output>) =
                    outputs.into_iter().partition(Output::is_search_file);
                errors.extend(how.render(site, &search_files, &writer));
                site.drop_search_index();
                site.build_values();
                rest
            };
            errors.extend(how.render(site, &rest, &writer));
            errors.extend(how.copy_files(site, &writer));
            errors
        }
        Err(errors) => errors,
    };
    finish_writing(writer, errors, &site.options.output_dir())
}

/// The outputs of `site` and the writer of their plan, into the output folder.
fn begin_writing(site: &Site) -> Result<(Vec<Output>, Writer), Diagnostics> {
    let output_dir = site.options.output_dir();
    output::check_output_dir(&site.options.root, &output_dir).map_err(Diagnostics::from)?;
    let outputs = site.outputs();
    site.progress.done.store(0, Ordering::Relaxed);
    site.progress.total.store(outputs.len(), Ordering::Relaxed);
    let plan = Arc::new(site.plan(&outputs)?);
    if !site.options.deploy.any() {
        // A page-body edit changes no page's path: `serve`'s first edit starts from this plan
        // instead of building it again (the deploy transforms may rename claims: not kept).
        *site.body_edit_plan.lock().unwrap_or_else(|p| p.into_inner()) = Some(plan.clone());
    }
    let writer = Writer::begin(&output_dir, plan).map_err(Diagnostics::from)?;
    Ok((outputs, writer))
}

/// How outputs reach the writer: as rendered, or through the deploy transforms.
enum OutputWrite {
    Plain,
    Deploy(DeployWrite),
}

impl OutputWrite {
    /// Starts a write of `outputs` (all the site's). The deploy transforms name their
    /// fingerprinted files first: a failure there fails the write.
    fn begin(
        site: &Site,
        outputs: &[Output],
        writer: &Writer,
    ) -> Result<(OutputWrite, Diagnostics), Diagnostics> {
        if !site.options.deploy.any() {
            return Ok((OutputWrite::Plain, Diagnostics::new()));
        }
        DeployWrite::begin(site, outputs, writer, site.options.deploy)
            .map(|(deploy, errors)| (OutputWrite::Deploy(deploy), errors))
    }

    /// Renders and writes `outputs`. Returns every error.
    fn render(&self, site: &Site, outputs: &[Output], writer: &Writer) -> Diagnostics {
        match self {
            OutputWrite::Plain => site.render_into(outputs, writer),
            OutputWrite::Deploy(deploy) => deploy.render(site, outputs, writer),
        }
    }

    /// Copies the static files and content assets. Returns every error.
    fn copy_files(&self, site: &Site, writer: &Writer) -> Diagnostics {
        match self {
            OutputWrite::Plain => Diagnostics(
                site.files_to_copy()
                    .par_iter()
                    .filter_map(|(rel, path)| writer.copy(rel, path).err())
                    .collect(),
            ),
            OutputWrite::Deploy(deploy) => deploy.copy_files(site, writer),
        }
    }
}

/// Commits what `writer` wrote, or, after any error, throws it away.
fn finish_writing(
    writer: Writer,
    mut errors: Diagnostics,
    output_dir: &std::path::Path,
) -> Result<WriteStats, Diagnostics> {
    if errors.has_errors() {
        writer.abort();
        errors.sort();
        return Err(errors);
    }
    commit(writer, output_dir)
}

/// Commits `writer`'s output into `output_dir`. The record of the last full build describes the
/// output as it was: it is forgotten before the first file moves (see [`crate::freshness`]).
pub(crate) fn commit(
    writer: Writer,
    output_dir: &std::path::Path,
) -> Result<WriteStats, Diagnostics> {
    writer.commit(|| crate::freshness::forget(output_dir))
}
