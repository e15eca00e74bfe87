//! A loaded site and the build pipeline over it. `Site::load` runs every stage up to the template
//! values; `Site::write` renders the outputs and writes them. A full build is the two in a row;
//! `serve` keeps the `Site` and reruns only the stages a change invalidates.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::load::{self, ContentAsset};
use crate::content::Library;
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
pub use crate::options::BuildOptions;
use crate::output::{self, Plan, PlanBuilder, Producer, WriteStats, Writer};
use crate::render::values::{self, Bodies, PageFacts, SiteValues};
use crate::render::{self, Output, RenderInput};
use crate::site_files::{SiteFiles, WalkOptions};
use crate::templates::{Lookups, Templates};

/// Outputs rendered so far by the build in progress, and how many it has in all: the command
/// line reads them to draw a progress bar (the library itself never prints).
pub static PROGRESS_DONE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
pub static PROGRESS_TOTAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

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
        write!(
            f,
            "built {} pages, {} sections: {} files written, {} unchanged, {} removed in {} ms",
            self.pages,
            self.sections,
            self.stats.written,
            self.stats.unchanged,
            self.stats.removed,
            self.elapsed.as_millis()
        )
    }
}

/// A site loaded through every stage before writing.
pub struct Site {
    pub options: BuildOptions,
    pub config: Config,
    pub templates: Templates,
    pub library: Library,
    pub page_bodies: Vec<Rendered>,
    pub section_bodies: Vec<Rendered>,
    pub values: SiteValues,
    pub data: HashMap<String, tera::Value>,
    /// The files of `static/` (the theme's, then the site's over them), by output path.
    pub static_files: Vec<(String, PathBuf)>,
    pub facts: HashMap<String, PageFacts>,
    /// Warnings found while loading.
    pub warnings: Diagnostics,
    /// Content path looked up with `get_page`/`get_section` -> the outputs that looked it up.
    pub lookup_deps: std::sync::Mutex<HashMap<String, std::collections::HashSet<Output>>>,
}

/// The inputs of `Site::finish`: everything read from disk.
pub(crate) struct Stages {
    pub options: BuildOptions,
    pub config: Config,
    pub templates: Option<Templates>,
    pub docs: Vec<crate::content::load::Document>,
    pub assets: Vec<ContentAsset>,
    pub broken: std::collections::HashSet<String>,
    pub data: HashMap<String, tera::Value>,
    pub static_files: Vec<(String, PathBuf)>,
    pub facts: HashMap<String, PageFacts>,
    pub diagnostics: Diagnostics,
    pub retain: render::Retain,
}

/// Reads `data/*.yaml|yml|json` (the folder's own files, listed and read through
/// [`SiteFiles`]) into values by path (`data/x.yaml`).
pub fn load_data(files: &SiteFiles) -> Result<HashMap<String, tera::Value>, Diagnostics> {
    let mut data = HashMap::new();
    let mut diagnostics = Diagnostics::new();
    let dir = files.root().join("data");
    let top_level = WalkOptions { top_level_only: true, ..WalkOptions::SITE };
    for entry in files.walk_with(&dir, &top_level, &mut diagnostics).files {
        let name = entry.relative;
        let file = PathBuf::from("data").join(&name);
        let read = || files.read_text(&entry.path);
        let parsed: Option<Result<serde_json::Value, Diagnostic>> = if name.ends_with(".yaml") || name.ends_with(".yml") {
            Some(read().and_then(|t| {
                crate::yaml::from_str(&t).map_err(|e| {
                    let d = Diagnostic::error("data", format!("the data file is not valid YAML: {}", e.message)).in_file(&file).hint("fix the YAML at the line shown");
                    match e.line {
                        Some(l) => d.at_line_of(&t, l, e.column),
                        None => d,
                    }
                })
            }))
        } else if name.ends_with(".json") {
            Some(read().and_then(|t| {
                serde_json::from_str(&t).map_err(|e| {
                    Diagnostic::error("data", format!("the data file is not valid JSON: {e}")).in_file(&file).at_line_of(&t, e.line(), Some(e.column())).hint("fix the JSON at the line shown")
                })
            }))
        } else {
            None
        };
        match parsed {
            Some(Ok(v)) => {
                let value = crate::render::values::from_json(&v);
                data.insert(format!("data/{name}"), value);
            }
            Some(Err(d)) => diagnostics.push(d),
            None => {}
        }
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(data)
    }
}

/// The `data` variable: every data file by its stem.
fn data_value(data: &HashMap<String, tera::Value>) -> tera::Value {
    let mut map = tera::Map::new();
    let mut keys: Vec<&String> = data.keys().collect();
    keys.sort();
    for k in keys {
        let stem = k.trim_start_matches("data/").rsplit_once('.').map(|(s, _)| s).unwrap_or(k);
        map.insert(tera::value::Key::String(stem.into()), data[k].clone());
    }
    tera::Value::from(map)
}

impl Site {
    /// Runs every stage up to the template values. Collects all content errors before failing.
    /// The site keeps what rebuilds (`serve`) and lints (`check`) read.
    pub fn load(options: BuildOptions) -> Result<Site, Diagnostics> {
        Site::load_with(options, render::Retain::ForRebuilds)
    }

    /// [`Site::load`] for one build: what only rebuilds and lints read is dropped as soon as the
    /// build is past needing it (see [`render::Retain`]).
    pub fn load_once(options: BuildOptions) -> Result<Site, Diagnostics> {
        Site::load_with(options, render::Retain::ForOneBuild)
    }

    fn load_with(options: BuildOptions, retain: render::Retain) -> Result<Site, Diagnostics> {
        let mut config = Config::load(&options.root)?;
        if let Some(url) = &options.base_url {
            config.set_base_url(url).map_err(|e| {
                Diagnostics::from(Diagnostic::error("config", format!("--base-url: {}", e.message)).hint(e.hint))
            })?;
        }
        let root = options.root.clone();
        let files = SiteFiles::of_site(&root, &config);
        let (templates, content) = rayon::join(
            || Templates::load(&files, config.theme.as_deref()),
            || {
                let mut diagnostics = Diagnostics::new();
                let found = load::walk(&files, &root.join("content"), &mut diagnostics);
                let docs = load::read_all(&files, &found, &config.taxonomies, &mut diagnostics);
                let broken = load::unreadable(&found, &docs);
                (docs, found.assets, broken, diagnostics)
            },
        );
        let (docs, assets, broken, mut diagnostics) = content;
        let templates = match templates {
            Ok(t) => Some(t),
            Err(errs) => {
                diagnostics.extend(errs.0);
                None
            }
        };
        let data = match load_data(&files) {
            Ok(d) => d,
            Err(errs) => {
                diagnostics.extend(errs.0);
                HashMap::new()
            }
        };
        let static_files = output::static_files(&files, config.theme.as_deref(), &mut diagnostics);
        let facts = crate::git::page_facts(&options.root);
        Site::finish(Stages { options, config, templates, docs, assets, broken, data, static_files, facts, diagnostics, retain }, None)
    }

    /// The stages after reading: place the documents, render their bodies (reusing `previous`'s
    /// where the source and its links are unchanged), check anchors, build the values.
    pub(crate) fn finish(stages: Stages, previous: Option<&Site>) -> Result<Site, Diagnostics> {
        let Stages { options, config, mut templates, docs, assets, broken, data, static_files, facts, mut diagnostics, retain } = stages;
        // Content errors do not stop here: the readable pages go on through the next stages so
        // that one run reports every error (a link to an unreadable page is not reported twice).
        let mut library = match Library::assemble(&config, docs, assets, options.drafts) {
            Ok((mut lib, warnings)) => {
                diagnostics.extend(warnings.0);
                lib.broken = broken;
                lib.root = options.root.clone();
                lib
            }
            Err(errs) => {
                diagnostics.extend(errs.0);
                diagnostics.sort();
                return Err(diagnostics);
            }
        };
        let (page_bodies, section_bodies) = match previous {
            Some(prev) => crate::incremental::render_bodies_reusing(&library, &config, prev),
            None => render::render_bodies(&mut library, &config),
        };
        for body in page_bodies.iter().chain(section_bodies.iter()) {
            diagnostics.extend(body.diagnostics.iter().cloned());
        }
        render::check_anchors(&library, &page_bodies, &section_bodies, &mut diagnostics);
        if diagnostics.has_errors() {
            diagnostics.sort();
            return Err(diagnostics);
        }
        let (mut page_bodies, mut section_bodies) = (page_bodies, section_bodies);
        if retain == render::Retain::ForOneBuild {
            // Anchors are checked and messages collected: a one-shot build needs only the HTML,
            // the table of contents and the word count of each body from here on.
            for body in page_bodies.iter_mut().chain(section_bodies.iter_mut()) {
                body.release_checked();
            }
        }
        let Some(mut tpl) = templates.take() else { return Err(diagnostics) };
        crate::templates::register_absolute_url(&mut tpl, &config.base_url, config.base_path());
        let values = values::build(&library, &Bodies { pages: &page_bodies, sections: &section_bodies }, &config, data_value(&data), &build_time(), &facts);
        if retain == render::Retain::ForOneBuild {
            // The values hold all a template reads of the front matter and the tables of contents.
            for body in page_bodies.iter_mut().chain(section_bodies.iter_mut()) {
                body.toc = Vec::new();
            }
            for doc in library.pages.iter_mut().map(|p| &mut p.doc).chain(library.sections.iter_mut().map(|s| &mut s.doc)) {
                doc.front.release_converted();
            }
        }
        diagnostics.sort();
        let site = Site {
            options,
            config,
            templates: tpl,
            library,
            page_bodies,
            section_bodies,
            values,
            data,
            static_files,
            facts,
            warnings: diagnostics,
            lookup_deps: std::sync::Mutex::new(HashMap::new()),
        };
        site.install_lookups();
        Ok(site)
    }

    /// Gives the template functions the current values.
    pub fn install_lookups(&self) {
        let urls = values::Urls { config: &self.config };
        let mut lookups = Lookups {
            base_url: self.config.base_url.clone(),
            base_path: self.config.base_path().to_string(),
            build_time: build_time(),
            data_files: self.data.clone(),
            ..Lookups::default()
        };
        for (pid, p) in self.library.pages.iter().enumerate() {
            lookups.pages.insert(p.doc.relative_path.clone(), self.values.pages[pid].clone());
            lookups.urls.insert(p.doc.relative_path.clone(), urls.path(&p.path));
        }
        for (sid, s) in self.library.sections.iter().enumerate() {
            lookups.sections.insert(s.doc.relative_path.clone(), self.values.sections[sid].clone());
            lookups.sections.insert(s.dir.clone(), self.values.sections[sid].clone());
            lookups.urls.insert(s.doc.relative_path.clone(), urls.path(&s.path));
        }
        self.templates.set_lookups(lookups);
    }

    /// Every output of the site, less the generated files a static file replaces (a site's or
    /// its theme's `static/robots.txt`: [`Output::replaceable_by_static`]).
    pub fn outputs(&self) -> Vec<Output> {
        let mut outputs = render::outputs(&self.library, &self.config);
        outputs.retain(|o| !(o.replaceable_by_static() && self.has_static_file(&render::output_path(o, &self.library, &self.config))));
        outputs
    }

    /// Whether the site's `static/` or its theme's holds a file at `rel` (an output path).
    pub fn has_static_file(&self, rel: &str) -> bool {
        self.static_files.iter().any(|(r, _)| r == rel)
    }

    /// The site's files, confined to its root, with its size limit.
    pub fn files(&self) -> SiteFiles {
        SiteFiles::of_site(&self.options.root, &self.config)
    }

    /// Static files and content assets, by output path.
    pub fn files_to_copy(&self) -> Vec<(String, PathBuf)> {
        let mut files = self.static_files.clone();
        files.extend(self.library.assets.iter().map(|a: &ContentAsset| (a.relative_path.clone(), a.absolute.clone())));
        files
    }

    /// The output plan of `outputs` and every file to copy (static files of the site and its
    /// theme, content assets), with the deploy siblings (`.gz`, `.br`) when precompressing: every
    /// path and its producer, or every clash, reserved name and unplain path, naming both sources.
    pub fn plan(&self, outputs: &[Output]) -> Result<Plan, Diagnostics> {
        let mut plan = PlanBuilder::new();
        for o in outputs {
            plan.claim(render::output_path(o, &self.library, &self.config), render::producer(o, &self.library));
        }
        for (rel, path) in self.files_to_copy() {
            let file = load::relative_to(&self.options.root, &path);
            let producer = if file.starts_with("content") {
                Producer::new(format!("the page file {}", file.display()), Some(file), "rename the file")
            } else {
                Producer::new(format!("the static file {}", file.display()), Some(file), "rename the static file")
            };
            plan.claim(rel, producer);
        }
        let plan = plan.finish()?;
        if self.options.deploy.precompress {
            return plan.with_siblings(&[".gz", ".br"], crate::options::is_compressible);
        }
        Ok(plan)
    }

    /// Renders `outputs` in parallel and writes them through `writer`. Returns every error.
    pub fn render_into(&self, outputs: &[Output], writer: &Writer) -> Diagnostics {
        let input = RenderInput {
            lib: &self.library,
            config: &self.config,
            templates: &self.templates,
            values: &self.values,
            page_bodies: &self.page_bodies,
        };
        let results: Vec<(Option<Diagnostic>, Vec<String>)> = outputs
            .par_iter()
            .map(|o| {
                PROGRESS_DONE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let path = render::output_path(o, &self.library, &self.config);
                crate::templates::start_recording();
                let result = input.render(o);
                let looked_up = crate::templates::take_recorded();
                let error = match result {
                    Ok(bytes) => writer.write(&path, &bytes).err(),
                    Err(d) => Some(d),
                };
                (error, looked_up)
            })
            .collect();
        let mut diagnostics = Diagnostics::new();
        let mut deps = self.lookup_deps.lock().unwrap_or_else(|p| p.into_inner());
        for (o, (error, looked_up)) in outputs.iter().zip(results) {
            if let Some(d) = error {
                diagnostics.push(d);
            }
            for path in looked_up {
                deps.entry(path).or_default().insert(o.clone());
            }
        }
        diagnostics.sort();
        diagnostics
    }

    /// Renders and writes the whole site into the output folder, atomically.
    pub fn write_all(&self) -> Result<WriteStats, Diagnostics> {
        let output_dir = self.options.output_dir();
        output::check_output_dir(&self.options.root, &output_dir).map_err(Diagnostics::from)?;
        let outputs = self.outputs();
        PROGRESS_DONE.store(0, std::sync::atomic::Ordering::Relaxed);
        PROGRESS_TOTAL.store(outputs.len(), std::sync::atomic::Ordering::Relaxed);
        let plan = self.plan(&outputs)?;
        let writer = Writer::begin(&output_dir, plan).map_err(Diagnostics::from)?;
        let mut errors = if self.options.deploy.any() {
            crate::deploy::write_site(self, &outputs, &writer, self.options.deploy)
        } else {
            let mut errors = self.render_into(&outputs, &writer);
            let copy_errors: Vec<Diagnostic> =
                self.files_to_copy().par_iter().filter_map(|(rel, path)| writer.copy(rel, path).err()).collect();
            errors.extend(copy_errors);
            errors
        };
        if errors.has_errors() {
            writer.abort();
            errors.sort();
            return Err(errors);
        }
        writer.commit()
    }
}

/// The build time as RFC 3339 (seconds).
pub fn build_time() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A full build: load every stage, then write the output atomically.
pub fn build(options: BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let started = Instant::now();
    let output_dir = options.output_dir();
    // Held to the end: one run writes an output folder at a time, and a commit a killed run left
    // half done is finished before anything else (even when this build then fails).
    output::check_output_dir(&options.root, &output_dir).map_err(Diagnostics::from)?;
    let _lock = output::open_existing(&output_dir).map_err(Diagnostics::from)?;
    let inputs = crate::freshness::inputs_digest(&options);
    if let Some(done) = inputs.as_deref().and_then(|digest| crate::freshness::up_to_date(&output_dir, digest)) {
        return Ok(BuildSummary {
            pages: done.pages,
            sections: done.sections,
            stats: WriteStats { written: 0, unchanged: done.files, removed: 0 },
            elapsed: started.elapsed(),
            warnings: Diagnostics::new(),
            up_to_date: true,
        });
    }
    let mut site = Site::load_once(options)?;
    let stats = site.write_all()?;
    let summary = BuildSummary {
        pages: site.library.pages.len(),
        sections: site.library.sections.iter().filter(|s| s.publishes_page()).count(),
        stats,
        elapsed: started.elapsed(),
        warnings: std::mem::take(&mut site.warnings),
        up_to_date: false,
    };
    if let (Some(digest), true) = (inputs, summary.warnings.is_empty()) {
        crate::freshness::record(&output_dir, &digest, summary.pages, summary.sections);
    }
    // Freeing every page's values and bodies costs a twentieth of a build's CPU: a thread of its
    // own does it, so the command returns at once (and a process that exits does not wait).
    std::thread::spawn(move || drop(site));
    Ok(summary)
}

/// Everything a build checks, writing nothing.
pub fn check(options: BuildOptions) -> Result<Diagnostics, Diagnostics> {
    // A commit a killed run left half done is finished first: `check` never reports over a mix.
    drop(output::open_existing(&options.output_dir()).map_err(Diagnostics::from)?);
    let site = Site::load(options)?;
    let outputs = site.outputs();
    let mut diagnostics = site.warnings.clone();
    if let Err(clashes) = site.plan(&outputs) {
        diagnostics.extend(clashes.0);
    }
    // Renders every output (its errors are the build's) and runs the lints of `check`.
    diagnostics.extend(crate::check::run(&site, &outputs).0);
    diagnostics.sort();
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(diagnostics)
    }
}

/// What one rebuild did, for the one line `serve` prints.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    /// What kind of change it was: `page body`, `front matter`, `template`, `static file`, `config`, ...
    pub change: String,
    /// How many outputs were rendered again.
    pub rendered: usize,
    pub stats: WriteStats,
    pub elapsed: Duration,
    pub warnings: Diagnostics,
    /// Output paths (relative, `/`-separated) whose bytes changed: `serve` reloads on these;
    /// when every one ends in `.css` it swaps stylesheets instead of reloading.
    pub changed_outputs: Vec<String>,
}

impl std::fmt::Display for RebuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: rendered {} outputs, wrote {} files in {} ms",
            self.change,
            self.rendered,
            self.stats.written,
            self.elapsed.as_millis()
        )
    }
}

pub(crate) fn describe_changes(root: &Path, changed: &[PathBuf]) -> String {
    let names: Vec<String> = changed.iter().map(|p| load::relative_to(root, p).display().to_string()).collect();
    match names.len() {
        0 => "rebuild".to_string(),
        1 => names[0].clone(),
        n => format!("{} and {} more", names[0], n - 1),
    }
}
