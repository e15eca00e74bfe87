//! A loaded site: the model every driver works on. `Site::load` runs every stage up to the
//! template values, through the readers here (config, templates, content, data, static files)
//! and [`Site::finish`]; the writing is the drivers' (a full build: [`crate::build`]; `serve`:
//! [`crate::incremental`], which calls the same readers for whatever changed; `charter check`:
//! [`crate::check`]).

use std::collections::HashMap;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::data;
use crate::content::load::{self, ContentAsset, Document};
use crate::content::Library;
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::options::BuildOptions;
use crate::output::{self, Plan, PlanBuilder, Producer, Writer};
use crate::render::values::{self, Bodies, PageFacts, SiteValues};
use crate::render::{self, Output, RenderInput};
use crate::search::SearchIndex;
use crate::site_files::{SiteFile, SiteFiles};
use crate::templates::{Lookups, Templates};

/// How far a write of the site has got: outputs rendered so far, and how many it has in all. A
/// caller that draws a progress bar shares it with the site and reads it from another thread
/// (the library itself never prints).
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
}

/// A site loaded through every stage before writing.
pub struct Site {
    pub options: BuildOptions,
    pub config: Config,
    pub templates: Templates,
    pub library: Library,
    pub page_bodies: Vec<Rendered>,
    pub section_bodies: Vec<Rendered>,
    /// The template values: [`SiteValues::unbuilt`] until [`Site::build_values`] after
    /// [`Site::load_once`].
    pub values: SiteValues,
    values_built: bool,
    /// The search index, written as outputs (empty with `search: false`).
    pub search: SearchIndex,
    pub data: HashMap<String, tera::Value>,
    /// The files of `static/` (the theme's, then the site's over them), by output path.
    pub static_files: Vec<(String, PathBuf)>,
    pub facts: HashMap<String, PageFacts>,
    /// Warnings found while loading.
    pub warnings: Diagnostics,
    /// Content path looked up with `get_page`/`get_section` -> the outputs that looked it up.
    pub lookup_deps: std::sync::Mutex<HashMap<String, std::collections::HashSet<Output>>>,
    /// Counted by every write of the site ([`Site::render_into`]).
    pub progress: Arc<Progress>,
    /// The output plan of the last page-body rebuild: a body edit changes no output path, so
    /// the next one reuses it (see `incremental`); any other change clears it.
    pub(crate) body_edit_plan: std::sync::Mutex<Option<Arc<Plan>>>,
}

/// What a load reads from disk besides the content: the inputs of [`Site::finish`].
pub(crate) struct Stages {
    pub options: BuildOptions,
    pub config: Config,
    /// `None` when the templates failed to load (their errors are in `diagnostics`).
    pub templates: Option<Templates>,
    pub data: HashMap<String, tera::Value>,
    pub static_files: Vec<(String, PathBuf)>,
    pub facts: HashMap<String, PageFacts>,
    pub diagnostics: Diagnostics,
    pub retain: render::Retain,
    /// What a one-shot build's body pass read of the pages for the search index.
    pub pages_read: Option<crate::search::PagesRead>,
}

/// The content folder as read: the documents, the assets, and the files that could not be read.
pub(crate) struct ContentRead {
    pub docs: Vec<Document>,
    pub assets: Vec<ContentAsset>,
    pub broken: HashSet<String>,
}

/// The site's configuration, with the `--base-url` of `options` over it.
pub(crate) fn read_config(options: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error("config", format!("--base-url: {}", e.message)).hint(e.hint),
            )
        })?;
    }
    Ok(config)
}

/// The site's and its theme's templates, or `None` with their errors in `diagnostics`.
pub(crate) fn read_templates(
    files: &SiteFiles,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<Templates> {
    match Templates::load(files, config.theme.as_deref()) {
        Ok(t) => Some(t),
        Err(errs) => {
            diagnostics.extend(errs.0);
            None
        }
    }
}

/// Walks `content/` (or takes `listed`, what a walk of it found already) and reads its
/// documents, keeping or releasing their bodies as `bodies` says; `reuse` gives an already-read
/// document for a path (relative to `content/`) instead of reading the file again (incremental
/// rebuilds).
pub(crate) fn read_content(
    files: &SiteFiles,
    config: &Config,
    bodies: load::Bodies,
    reuse: impl Fn(&str) -> Option<Document> + Sync,
    listed: Option<Vec<SiteFile>>,
    diagnostics: &mut Diagnostics,
) -> ContentRead {
    let found = match listed {
        Some(listed) => load::found(files.within_size_limit(listed, diagnostics)),
        None => load::walk(files, &files.root().join("content"), diagnostics),
    };
    let docs = load::read_all_reusing(files, &found, config, diagnostics, bodies, reuse);
    let broken = load::unreadable(&found, &docs);
    ContentRead { docs, assets: found.assets, broken }
}

/// The data files, or none with their errors in `diagnostics`.
pub(crate) fn read_data(
    files: &SiteFiles,
    diagnostics: &mut Diagnostics,
) -> HashMap<String, tera::Value> {
    match data::load_data(files) {
        Ok(d) => d,
        Err(errs) => {
            diagnostics.extend(errs.0);
            HashMap::new()
        }
    }
}

impl Stages {
    /// Places the documents of `content` in a library. On error, every error found so far.
    pub(crate) fn place(&mut self, content: ContentRead) -> Result<Library, Diagnostics> {
        // Content errors do not stop here: the readable pages go on through the next stages so
        // that one run reports every error (a link to an unreadable page is not reported twice).
        match Library::assemble(&self.config, content.docs, content.assets, self.options.drafts) {
            Ok((mut lib, warnings)) => {
                self.diagnostics.extend(warnings.0);
                lib.broken = content.broken;
                lib.root = self.options.root.clone();
                Ok(lib)
            }
            Err(errs) => {
                let mut diagnostics = std::mem::take(&mut self.diagnostics);
                diagnostics.extend(errs.0);
                diagnostics.sort();
                Err(diagnostics)
            }
        }
    }
}

/// Every template value of a site, from its library and rendered bodies.
fn all_values(
    library: &Library,
    page_bodies: &[Rendered],
    section_bodies: &[Rendered],
    config: &Config,
    data: &HashMap<String, tera::Value>,
    facts: &HashMap<String, PageFacts>,
    moved: Option<Vec<values::FrontToConvert>>,
) -> SiteValues {
    values::build(
        library,
        &Bodies { pages: page_bodies, sections: section_bodies },
        config,
        data::data_value(data),
        &crate::render::values::build_time(),
        facts,
        moved,
    )
}

impl Site {
    /// Runs every stage up to the template values. Collects all content errors before failing.
    /// The site keeps what rebuilds (`serve`) and lints (`check`) read.
    pub fn load(options: BuildOptions) -> Result<Site, Diagnostics> {
        Site::load_with(options, render::Retain::ForRebuilds, None)
    }

    /// [`Site::load`] for one build: what only rebuilds and lints read is dropped as soon as the
    /// build is past needing it (see [`render::Retain`]), and the template values are left for
    /// [`Site::build_values`], once the search index is written ([`crate::build::write_all`]).
    pub fn load_once(options: BuildOptions) -> Result<Site, Diagnostics> {
        Site::load_once_listed(options, None)
    }

    /// [`Site::load_once`] of the files of `content/` that `listed` holds, when the build walked
    /// them already ([`crate::freshness::Inputs`]): `content/` is walked once per build.
    pub fn load_once_listed(
        options: BuildOptions,
        listed: Option<Vec<SiteFile>>,
    ) -> Result<Site, Diagnostics> {
        Site::load_with(options, render::Retain::ForOneBuild, listed)
    }

    fn load_with(
        options: BuildOptions,
        retain: render::Retain,
        listed: Option<Vec<SiteFile>>,
    ) -> Result<Site, Diagnostics> {
        let config = read_config(&options)?;
        let files = config.site_files(&options.root);
        let ((templates, template_errors), (content, mut diagnostics)) = rayon::join(
            || {
                let mut errors = Diagnostics::new();
                (read_templates(&files, &config, &mut errors), errors)
            },
            || {
                let mut diagnostics = Diagnostics::new();
                // A one-shot build reads each body again when it renders it.
                let bodies = match retain {
                    render::Retain::ForOneBuild => load::Bodies::Release,
                    render::Retain::ForRebuilds => load::Bodies::Keep,
                };
                let content =
                    read_content(&files, &config, bodies, |_| None, listed, &mut diagnostics);
                (content, diagnostics)
            },
        );
        diagnostics.extend(template_errors.0);
        let data = read_data(&files, &mut diagnostics);
        let static_files = output::static_files(&files, config.theme.as_deref(), &mut diagnostics);
        let facts = crate::git::page_facts(&options.root);
        let mut stages = Stages {
            options,
            config,
            templates,
            data,
            static_files,
            facts,
            diagnostics,
            retain,
            pages_read: None,
        };
        let mut library = stages.place(content)?;
        // A one-shot build keeps its rendered page bodies in a scratch file in the output until
        // it writes the pages (`crate::spill`).
        let spill = match retain {
            render::Retain::ForOneBuild => {
                let file = output::scratch_file(&stages.options.output_dir())
                    .map_err(Diagnostics::from)?;
                Some(std::sync::Arc::new(crate::spill::Spill::new(file)))
            }
            render::Retain::ForRebuilds => None,
        };
        let kept = match &spill {
            Some(spill) => render::BodiesKept::UntilWritten(spill),
            None => render::BodiesKept::InMemory,
        };
        let (pages, sections, pages_read) =
            render::render_bodies(&mut library, &stages.config, stages.templates.as_ref(), kept);
        stages.pages_read = pages_read;
        Site::finish(stages, library, (pages, sections))
    }

    /// The stages after placing: collect the bodies' messages, check anchors, build the search
    /// index and (unless the load is for one build) the values.
    /// `bodies` are the rendered bodies of `library`'s pages and sections, in order.
    pub(crate) fn finish(
        stages: Stages,
        library: Library,
        bodies: (Vec<Rendered>, Vec<Rendered>),
    ) -> Result<Site, Diagnostics> {
        let Stages {
            options,
            config,
            mut templates,
            data,
            static_files,
            facts,
            mut diagnostics,
            retain,
            pages_read,
        } = stages;
        let (page_bodies, section_bodies) = bodies;
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
        crate::templates::register_absolute_url(&mut tpl, config.origin(), config.base_path());
        let index = |pages_read| {
            SearchIndex::build(&library, &page_bodies, &section_bodies, &config, retain, pages_read)
        };
        let (values, search) = match retain {
            // The values and the search index read the same bodies: built side by side, the
            // index's workers fill the time the values spend on one thread (sections, taxonomies).
            render::Retain::ForRebuilds => rayon::join(
                || {
                    all_values(
                        &library,
                        &page_bodies,
                        &section_bodies,
                        &config,
                        &data,
                        &facts,
                        None,
                    )
                },
                || index(None),
            ),
            // One build: the index alone, so that it and the values are never held together.
            // Its files are written first, then it is dropped and the values are built
            // ([`crate::build::write_all`], [`Site::build_values`]).
            render::Retain::ForOneBuild => (SiteValues::unbuilt(), index(pages_read)),
        };
        diagnostics.sort();
        let mut site = Site {
            options,
            config,
            templates: tpl,
            library,
            page_bodies,
            section_bodies,
            values,
            values_built: false,
            search,
            data,
            static_files,
            facts,
            warnings: diagnostics,
            lookup_deps: std::sync::Mutex::new(HashMap::new()),
            progress: Arc::default(),
            body_edit_plan: std::sync::Mutex::new(None),
        };
        match retain {
            render::Retain::ForRebuilds => {
                site.values_built = true;
                site.install_lookups();
            }
            render::Retain::ForOneBuild => {}
        }
        Ok(site)
    }

    /// Builds the template values that [`Site::load_once`] leaves for later, and drops what only
    /// they read: every table of contents and the front matter converted for templates (the
    /// values hold all a template reads of them). Does nothing once they are built.
    pub fn build_values(&mut self) {
        if self.values_built {
            return;
        }
        // Each page's front matter to convert is moved into the values' build, which frees it
        // as soon as the page's value is made (the sections' are read in place and released
        // below).
        let moved =
            self.library.pages.iter_mut().map(|p| values::FrontToConvert::take(&mut p.doc.front));
        let moved = Some(moved.collect());
        self.values = all_values(
            &self.library,
            &self.page_bodies,
            &self.section_bodies,
            &self.config,
            &self.data,
            &self.facts,
            moved,
        );
        self.values_built = true;
        // A section's value holds its table of contents; a page's is built when it is rendered.
        for body in self.section_bodies.iter_mut() {
            body.toc = Vec::new().into();
        }
        let library = &mut self.library;
        let docs = library.pages.iter_mut().map(|p| &mut p.doc);
        for doc in docs.chain(library.sections.iter_mut().map(|s| &mut s.doc)) {
            doc.front.release_converted();
        }
        self.install_lookups();
    }

    /// Whether the template values are built ([`Site::load`] builds them, [`Site::load_once`]
    /// leaves them for [`Site::build_values`]).
    pub fn values_built(&self) -> bool {
        self.values_built
    }

    /// Drops the search index of a one-shot build once its files are written: from then on the
    /// site lists no search file among its [`Site::outputs`].
    pub fn drop_search_index(&mut self) {
        self.search = SearchIndex::default();
    }

    /// What `get_page` makes page `pid`'s whole value from.
    pub(crate) fn page_lookup(&self, pid: crate::content::PageId) -> crate::templates::PageLookup {
        let page = &self.library.pages[pid];
        let body = &self.page_bodies[pid];
        crate::templates::PageLookup {
            listing: self.values.pages[pid].clone(),
            html: body.html.clone(),
            toc: values::shown_toc(&page.doc, &body.toc),
        }
    }

    /// Gives the template functions the current values.
    pub fn install_lookups(&self) {
        let urls = values::Urls { config: &self.config };
        let mut lookups = Lookups {
            base_url: self.config.base_url.clone(),
            origin: self.config.origin().to_string(),
            base_path: self.config.base_path().to_string(),
            build_time: crate::render::values::build_time(),
            data_files: self.data.clone(),
            language: self.config.language.clone(),
            languages: self.library.languages.clone(),
            ..Lookups::default()
        };
        for (pid, p) in self.library.pages.iter().enumerate() {
            lookups.pages.insert(p.doc.relative_path.clone(), self.page_lookup(pid));
            lookups.urls.insert(p.doc.relative_path.clone(), urls.path(&p.path));
        }
        for (sid, s) in self.library.sections.iter().enumerate() {
            lookups.sections.insert(s.doc.relative_path.clone(), self.values.sections[sid].clone());
            if let Some(dir) = s.dir_key() {
                lookups.sections.insert(dir.to_string(), self.values.sections[sid].clone());
            }
            lookups.urls.insert(s.doc.relative_path.clone(), urls.path(&s.path));
        }
        self.templates.set_lookups(lookups);
    }

    /// Every output of the site, less the generated files a static file replaces (a site's or
    /// its theme's `static/robots.txt`: [`Output::replaceable_by_static`]).
    pub fn outputs(&self) -> Vec<Output> {
        let mut outputs = render::outputs(&self.library, &self.config);
        outputs.extend(render::search_outputs(&self.search));
        outputs.retain(|o| {
            !(o.replaceable_by_static()
                && self.has_static_file(&render::output_path(o, &self.library, &self.config)))
        });
        outputs
    }

    /// Whether the site's `static/` or its theme's holds a file at `rel` (an output path).
    pub fn has_static_file(&self, rel: &str) -> bool {
        self.static_files.iter().any(|(r, _)| r == rel)
    }

    /// The site's files, confined to its root, with its size limit.
    pub fn files(&self) -> SiteFiles {
        self.config.site_files(&self.options.root)
    }

    /// Static files and content assets, by output path.
    pub fn files_to_copy(&self) -> Vec<(String, PathBuf)> {
        let mut files = self.static_files.clone();
        files.extend(
            self.library
                .assets
                .iter()
                .map(|a: &ContentAsset| (a.relative_path.clone(), a.absolute.clone())),
        );
        files
    }

    /// The output plan of `outputs` and every file to copy (static files of the site and its
    /// theme, content assets), with the deploy siblings (`.gz`, `.br`) when precompressing: every
    /// path and its producer, or every clash, reserved name and unplain path, naming both sources.
    pub fn plan(&self, outputs: &[Output]) -> Result<Plan, Diagnostics> {
        let mut plan = PlanBuilder::new();
        for o in outputs {
            plan.claim(
                render::output_path(o, &self.library, &self.config),
                render::producer(o, &self.library),
            );
        }
        for (listing, pagination) in render::pagination::paginated(&self.library, &self.config) {
            let Some(folder) = listing.pagers_folder(&self.library, &pagination) else {
                continue;
            };
            plan.reserve_folder(
                folder.trim_matches('/').to_string(),
                render::pager_producer(&listing, &self.library, "the pagers of"),
            );
        }
        for (rel, path) in self.files_to_copy() {
            let file = load::relative_to(&self.options.root, &path);
            let producer = if file.starts_with("content") {
                Producer::new(
                    format!("the page file {}", file.display()),
                    Some(file),
                    "rename the file",
                )
            } else {
                Producer::new(
                    format!("the static file {}", file.display()),
                    Some(file),
                    "rename the static file",
                )
            };
            plan.claim(rel, producer);
        }
        let plan = plan.finish()?;
        if self.options.deploy.precompress {
            return plan.with_siblings(&[".gz", ".br"], crate::options::is_compressible);
        }
        Ok(plan)
    }

    /// How many sections publish a page (what the build line counts).
    pub fn published_sections(&self) -> usize {
        self.library.sections.iter().filter(|s| s.publishes_page()).count()
    }

    /// What rendering an output of this site reads. Every output but the search index's files
    /// reads the values: after [`Site::load_once`], only those are rendered before
    /// [`Site::build_values`].
    pub fn render_input(&self) -> RenderInput<'_> {
        RenderInput {
            lib: &self.library,
            config: &self.config,
            templates: &self.templates,
            values: &self.values,
            page_bodies: &self.page_bodies,
            search: &self.search,
        }
    }

    /// Renders `outputs` in parallel and writes them through `writer`. Returns every error.
    pub fn render_into(&self, outputs: &[Output], writer: &Writer) -> Diagnostics {
        let input = self.render_input();
        let results: Vec<(Option<Diagnostic>, Vec<String>)> = outputs
            .par_iter()
            .map(|o| {
                self.progress.done.fetch_add(1, Ordering::Relaxed);
                let path = render::output_path(o, &self.library, &self.config);
                let recording = crate::templates::LookupRecording::start();
                let result = input.render(o);
                let looked_up = recording.finish();
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
}
