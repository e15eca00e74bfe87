//! Incremental rebuilds: the same stages as a full build, driven by a set of changed paths.
//! A change is classified (page body, front matter or structure, template, static file, data,
//! config); only the stages it invalidates run again, and only the outputs that depend on it are
//! rendered and rewritten. A page-body edit re-renders that page, its neighbours, the sections
//! above it, its taxonomy terms, the feeds and whatever looked it up with `get_page`. The result
//! is the same as a fresh full build; on error nothing changes (site in memory and output alike).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, CONFIG_FILE};
use crate::content::load::{self, Document};
use crate::content::{Library, PageId};
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::output::{WriteStats, Writer};
use crate::render::pagination::Listing;
use crate::render::{self, values, Output};
use crate::site::{read_content, read_data, read_templates, Site, Stages};
use crate::templates::Templates;

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

impl RebuildReport {
    /// A rebuild that did nothing: no output rendered, no file written.
    pub fn nothing(change: String, started: Instant) -> RebuildReport {
        RebuildReport {
            change,
            rendered: 0,
            stats: WriteStats::default(),
            elapsed: started.elapsed(),
            warnings: Diagnostics::new(),
            changed_outputs: Vec::new(),
        }
    }
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

/// `changed` in a few words: the first path, relative to `root`, and how many more.
pub(crate) fn describe_changes(root: &Path, changed: &[PathBuf]) -> String {
    let names: Vec<String> =
        changed.iter().map(|p| load::relative_to(root, p).display().to_string()).collect();
    match names.len() {
        0 => "rebuild".to_string(),
        1 => names[0].clone(),
        n => format!("{} and {} more", names[0], n - 1),
    }
}

/// What a set of changed paths touches.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    pub config: bool,
    pub templates: bool,
    pub data: bool,
    /// Static files (theme or site), as output paths.
    pub statics: Vec<String>,
    /// Paths under `content/` (files or folders), `/`-separated.
    pub content: Vec<String>,
}

impl ChangeSet {
    /// Classifies paths (absolute or relative to `root`) by the stage they feed.
    pub fn classify(root: &Path, theme: Option<&str>, changed: &[PathBuf]) -> ChangeSet {
        let mut set = ChangeSet::default();
        let theme_dir = theme.map(|t| PathBuf::from("themes").join(t));
        for path in changed {
            let rel = load::relative_to(root, path);
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if load::is_ignored_name(name) {
                continue;
            }
            if rel_str == CONFIG_FILE {
                set.config = true;
            } else if let Some(rest) = rel_str.strip_prefix("content/") {
                set.content.push(rest.to_string());
            } else if rel_str == "content" {
                set.content.push(String::new());
            } else if rel_str.starts_with("templates/")
                || rel_str == "templates"
                || rel_str.starts_with("i18n/")
                || rel_str == "i18n"
            {
                // The interface strings are read with the templates (`trans`).
                set.templates = true;
            } else if rel_str.starts_with("data/") || rel_str == "data" {
                set.data = true;
            } else if let Some(rest) = rel_str.strip_prefix("static/") {
                set.statics.push(rest.to_string());
            } else if rel_str == "static" {
                // The folder itself, made or removed: all of its files come or go.
                set.statics.push(String::new());
            } else if let Some(theme_dir) = &theme_dir {
                let theme_str = theme_dir.to_string_lossy().replace('\\', "/");
                if let Some(rest) = rel_str.strip_prefix(&format!("{theme_str}/")) {
                    if let Some(s) = rest.strip_prefix("static/") {
                        set.statics.push(s.to_string());
                    } else if rest.starts_with("templates") {
                        set.templates = true;
                    } else {
                        set.templates = true; // theme.yaml or anything else: reload the theme
                    }
                } else if rel_str == "themes" || rel_str == theme_str {
                    set.templates = true;
                    set.statics.push(String::new());
                }
            }
        }
        set
    }

    fn describe(&self) -> &'static str {
        if self.config {
            "config"
        } else if self.templates {
            "template"
        } else if self.data {
            "data"
        } else if !self.content.is_empty() {
            "content"
        } else if !self.statics.is_empty() {
            "static file"
        } else {
            "nothing"
        }
    }
}

/// Renders bodies, reusing `previous`'s where the file is unchanged, its `@/` links still
/// resolve to the same URLs, and the page components it calls (in `templates`) are unchanged, at
/// the same URL (a component sees the page's URL).
pub fn render_bodies_reusing(
    lib: &Library,
    config: &Config,
    previous: &Site,
    templates: Option<&Templates>,
) -> (Vec<Rendered>, Vec<Rendered>) {
    let files = config.site_files(&lib.root);
    let prev_pages: HashMap<&str, (u64, &Rendered)> = previous
        .library
        .pages
        .iter()
        .zip(&previous.page_bodies)
        .map(|(p, r)| (p.doc.relative_path.as_str(), (p.doc.hash, r)))
        .collect();
    let prev_sections: HashMap<&str, (u64, &Rendered)> = previous
        .library
        .sections
        .iter()
        .zip(&previous.section_bodies)
        .map(|(s, r)| (s.doc.relative_path.as_str(), (s.doc.hash, r)))
        .collect();
    let same_config = previous.config == *config;
    let reuse = |doc: &Document, prev: &HashMap<&str, (u64, &Rendered)>| -> Option<Rendered> {
        let (hash, body) = prev.get(doc.relative_path.as_str())?;
        if *hash != doc.hash || !same_config || doc.hash == 0 {
            return None;
        }
        let links_same = body.internal_links.iter().all(|l| {
            lib.link_path(&l.target, &doc.lang) == previous.library.link_path(&l.target, &doc.lang)
        });
        let components_same = body.components_used.is_empty()
            || (lib.path_of(&doc.relative_path) == previous.library.path_of(&doc.relative_path)
                && body.components_used.iter().all(|name| {
                    let now = templates.and_then(|t| t.components().get(name));
                    let before = previous.templates.components().get(name);
                    now.is_some() && now.map(|c| c.digest) == before.map(|c| c.digest)
                }));
        let backlink_same = render::footnote_backlink(templates, &doc.lang)
            == render::footnote_backlink(Some(&previous.templates), &doc.lang);
        (links_same && components_same && backlink_same).then(|| (*body).clone())
    };
    let pages = lib
        .pages
        .par_iter()
        .map(|p| {
            reuse(&p.doc, &prev_pages)
                .unwrap_or_else(|| render::render_body(lib, config, &files, &p.doc, templates))
        })
        .collect();
    let sections = lib
        .sections
        .par_iter()
        .map(|s| {
            reuse(&s.doc, &prev_sections)
                .unwrap_or_else(|| render::render_body(lib, config, &files, &s.doc, templates))
        })
        .collect();
    (pages, sections)
}

impl Site {
    /// Brings the site and its output up to date after `changed` paths (under the site root,
    /// absolute or relative; created, modified or deleted alike: the disk is the truth). On error
    /// the site in memory and the output folder stay as they were.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildReport, Diagnostics> {
        let started = Instant::now();
        let set = ChangeSet::classify(&self.options.root, self.config.theme.as_deref(), changed);
        let label =
            format!("{} ({})", describe_changes(&self.options.root, changed), set.describe());
        if set == ChangeSet::default() {
            return Ok(RebuildReport::nothing(label, started));
        }
        if set.config {
            return self.full_reload(label, started);
        }
        if !set.statics.is_empty() {
            // The static files as they are now, through the same checks as in a full build
            // (links, size): every output plan below is made from them.
            let mut listing = Diagnostics::new();
            let static_files = crate::output::static_files(
                &self.files(),
                self.config.theme.as_deref(),
                &mut listing,
            );
            if listing.has_errors() {
                return Err(listing);
            }
            self.static_files = static_files;
        }
        if set.config
            || set.templates
            || set.data
            || !set.statics.is_empty()
            || set.content.len() != 1
        {
            // Only a lone page-body edit leaves every output path as it was.
            *self.body_edit_plan.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        if !set.templates && !set.data && set.content.len() == 1 {
            if let Some(report) = self.try_body_edit(&set.content[0], &label, started)? {
                if set.statics.is_empty() {
                    return Ok(report);
                }
            }
        }
        if set.content.is_empty() && !set.templates && !set.data {
            return self.copy_statics(&set.statics, label, started);
        }
        self.restructure(&set, label, started)
    }

    fn full_reload(
        &mut self,
        label: String,
        started: Instant,
    ) -> Result<RebuildReport, Diagnostics> {
        let fresh = Site::load(self.options.clone())?;
        self.replace_with(fresh, label, started)
    }

    /// Renders and writes every output (as a full build does), reporting what changed.
    fn write_everything(&mut self) -> Result<(WriteStats, Vec<String>), Diagnostics> {
        let before = std::time::SystemTime::now();
        let stats = crate::build::write_all(self)?;
        let output = self.options.output_dir();
        let changed = self
            .outputs()
            .iter()
            .map(|o| render::output_path(o, &self.library, &self.config))
            .chain(self.files_to_copy().into_iter().map(|(rel, _)| rel))
            .filter(|rel| {
                std::fs::metadata(output.join(rel))
                    .and_then(|m| m.modified())
                    .map(|m| m >= before)
                    .unwrap_or(false)
            })
            .collect();
        Ok((stats, changed))
    }

    /// Static files only: copy (or remove) them.
    fn copy_statics(
        &mut self,
        statics: &[String],
        label: String,
        started: Instant,
    ) -> Result<RebuildReport, Diagnostics> {
        // A folder, or a static file that replaces a generated one (robots.txt) or stops doing so.
        let replaceable: Vec<String> = render::outputs(&self.library, &self.config)
            .iter()
            .filter(|o| o.replaceable_by_static())
            .map(|o| render::output_path(o, &self.library, &self.config))
            .collect();
        if statics.iter().any(|s| s.is_empty() || replaceable.contains(s)) {
            return self.full_reload(label, started);
        }
        // The whole site's plan: a static file that would replace a page (or need a page's path as
        // a folder) is refused here exactly as `charter build` refuses it.
        let plan = self.plan(&self.outputs())?;
        let writer = Writer::update(&self.options.output_dir(), std::sync::Arc::new(plan))
            .map_err(Diagnostics::from)?;
        let sources: HashMap<String, PathBuf> = self.files_to_copy().into_iter().collect();
        let mut diagnostics = Diagnostics::new();
        for rel in statics {
            match sources.get(rel) {
                Some(src) => {
                    if let Err(d) = writer.copy(rel, src) {
                        diagnostics.push(d);
                    }
                }
                None => {
                    // A folder (made: its files are to copy; or removed: its files are in the
                    // output as a folder, to remove), or a file that is gone.
                    let static_dirs = crate::output::static_dirs(
                        &self.options.root,
                        self.config.theme.as_deref(),
                    );
                    let is_folder = static_dirs.iter().any(|d| d.join(rel).is_dir())
                        || self.options.output_dir().join(rel).is_dir();
                    if is_folder {
                        drop(writer);
                        return self.full_reload(label, started);
                    }
                    writer.remove(rel);
                }
            }
        }
        if diagnostics.has_errors() {
            writer.abort();
            return Err(diagnostics);
        }
        let mut changed_outputs = writer.produced();
        changed_outputs.extend(statics.iter().filter(|s| !sources.contains_key(*s)).cloned());
        let stats = crate::build::commit(writer, &self.options.output_dir())?;
        Ok(RebuildReport {
            change: label,
            rendered: 0,
            stats,
            elapsed: started.elapsed(),
            warnings: Diagnostics::new(),
            changed_outputs,
        })
    }

    /// The fast path: one page's file changed and only its body did.
    fn try_body_edit(
        &mut self,
        rel: &str,
        label: &str,
        started: Instant,
    ) -> Result<Option<RebuildReport>, Diagnostics> {
        let Some(&pid) = self.library.page_by_path.get(rel) else { return Ok(None) };
        if !self.library.pages[pid].assets.is_empty() {
            return Ok(None);
        }
        let files = self.files();
        let path = files.confine(&Path::new("content").join(rel)).map_err(Diagnostics::from)?;
        if !path.is_file() {
            return Ok(None);
        }
        let (doc, warnings) = load::read_document(&files, rel, &path, &self.config)?;
        let old = &self.library.pages[pid].doc;
        if doc.front != old.front || doc.kind != old.kind {
            return Ok(None);
        }
        if doc.hash == old.hash {
            return Ok(Some(RebuildReport {
                warnings,
                ..RebuildReport::nothing(label.to_string(), started)
            }));
        }
        // Validate before touching `self`: the body renders against the current library (the
        // page's own URL and every link target are unchanged by a body edit).
        let files = self.files();
        let body =
            render::render_body(&self.library, &self.config, &files, &doc, Some(&self.templates));
        let mut diagnostics = warnings;
        diagnostics.extend(body.diagnostics.iter().cloned());
        let mut page_bodies_view: Vec<&Rendered> = self.page_bodies.iter().collect();
        page_bodies_view[pid] = &body;
        check_anchors_touching(
            &self.library,
            pid,
            &page_bodies_view,
            &self.section_bodies,
            &mut diagnostics,
        );
        if diagnostics.has_errors() {
            diagnostics.sort();
            return Err(diagnostics);
        }
        let old_doc = std::mem::replace(&mut self.library.pages[pid].doc, doc);
        let old_body = std::mem::replace(&mut self.page_bodies[pid], body);
        let old_values_page = self.values.pages[pid].clone();
        self.refresh_values_for_page(pid);
        self.patch_lookups(pid);
        let search = self.update_search_index(pid, &old_body.html.text());

        let mut outputs = outputs_depending_on_page(self, pid);
        outputs.extend(search.outputs.iter().cloned());
        let output_dir = self.options.output_dir();
        // The plan of the last body edit, with the paths of the search index's files that came
        // or went since (another number of term chunks, fragments grouped otherwise); built
        // again in full when there is none or a new path is refused (the full plan says why).
        let cached = self.body_edit_plan.lock().unwrap_or_else(|p| p.into_inner()).take();
        let plan = match cached.and_then(|plan| self.with_search_paths(plan, &search)) {
            Some(plan) => Ok(plan),
            None => self.plan(&self.outputs()).map(std::sync::Arc::new),
        }
        .inspect(|plan| {
            *self.body_edit_plan.lock().unwrap_or_else(|p| p.into_inner()) = Some(plan.clone())
        });
        let result = plan
            .and_then(|plan| Writer::update(&output_dir, plan).map_err(Diagnostics::from))
            .and_then(|writer| {
                let errors = self.render_into(&outputs, &writer);
                if errors.has_errors() {
                    writer.abort();
                    return Err(errors);
                }
                for chunk in search.chunks_after..search.chunks_before {
                    writer.remove(&crate::search::chunk_path(&search.lang, chunk));
                }
                for &first in &search.groups_removed {
                    writer.remove(&crate::search::fragment_path(&search.lang, first));
                }
                let changed = writer.written();
                crate::build::commit(writer, &self.options.output_dir())
                    .map(|stats| (stats, changed))
            });
        match result {
            Ok((stats, changed_outputs)) => Ok(Some(RebuildReport {
                change: format!("{label}: page body"),
                rendered: outputs.len(),
                stats,
                elapsed: started.elapsed(),
                warnings: diagnostics,
                changed_outputs,
            })),
            Err(errors) => {
                // Roll back the in-memory site; the plan may hold the paths of this edit's search
                // files, so the next edit builds it again.
                *self.body_edit_plan.lock().unwrap_or_else(|p| p.into_inner()) = None;
                let new_body = std::mem::replace(&mut self.page_bodies[pid], old_body);
                self.library.pages[pid].doc = old_doc;
                self.values.pages[pid] = old_values_page;
                self.refresh_values_for_page(pid);
                self.patch_lookups(pid);
                self.update_search_index(pid, &new_body.html.text());
                Err(errors)
            }
        }
    }

    /// `plan` with the search index's file paths that `search` adds claimed and those it removes
    /// given up, or `None` if a new path is refused or the plan holds deploy siblings.
    fn with_search_paths(
        &self,
        mut plan: std::sync::Arc<crate::output::Plan>,
        search: &SearchUpdate,
    ) -> Option<std::sync::Arc<crate::output::Plan>> {
        let lang = &search.lang;
        let path = |o: &Output| render::output_path(o, &self.library, &self.config);
        let gone: Vec<Output> = (search.chunks_after..search.chunks_before)
            .map(|chunk| Output::SearchChunk { lang: lang.clone(), chunk })
            .chain(
                search
                    .groups_removed
                    .iter()
                    .map(|&first| Output::SearchFragments { lang: lang.clone(), first }),
            )
            .collect();
        let new: Vec<&Output> =
            search.outputs.iter().filter(|o| !plan.contains(&path(o))).collect();
        if gone.is_empty() && new.is_empty() {
            return Some(plan);
        }
        if self.options.deploy.precompress {
            return None; // each file has siblings (`.gz`, `.br`): the full plan claims them
        }
        // The only holder of the plan (the writer of the last edit is gone): changed in place.
        let claims = std::sync::Arc::make_mut(&mut plan);
        for o in &gone {
            claims.release(&path(o));
        }
        for o in new {
            claims.claim(path(o), render::producer(o, &self.library)).ok()?;
        }
        Some(plan)
    }

    /// Takes `old_html`'s words of page `pid` out of the search index and its current body's in.
    fn update_search_index(&mut self, pid: PageId, old_html: &str) -> SearchUpdate {
        let updated = self.search.update_page(
            &self.library,
            &self.page_bodies,
            &self.section_bodies,
            &self.config,
            pid,
            old_html,
        );
        let Some(update) = updated else {
            return SearchUpdate::default();
        };
        let lang = update.lang;
        // Only the chunks whose terms changed, and the manifest if chunk boundaries moved.
        let mut outputs = Vec::new();
        if update.manifest_changed {
            outputs.push(Output::SearchManifest(lang.clone()));
        }
        outputs.extend(
            update
                .changed_chunks
                .iter()
                .map(|&chunk| Output::SearchChunk { lang: lang.clone(), chunk }),
        );
        outputs.extend(
            update
                .groups_written
                .iter()
                .map(|&first| Output::SearchFragments { lang: lang.clone(), first }),
        );
        SearchUpdate {
            groups_removed: update.groups_removed,
            lang,
            chunks_before: update.chunks_before,
            chunks_after: update.chunks_after,
            outputs,
        }
    }

    /// Gives `get_page`/`get_section` the new values of page `pid` and of every section (section
    /// values were rebuilt around it); URLs and the rest are unchanged by a body edit.
    fn patch_lookups(&self, pid: PageId) {
        let page = (self.library.pages[pid].doc.relative_path.clone(), self.page_lookup(pid));
        let mut sections = Vec::with_capacity(self.library.sections.len() * 2);
        for (sid, s) in self.library.sections.iter().enumerate() {
            sections.push((s.doc.relative_path.clone(), self.values.sections[sid].clone()));
            if let Some(dir) = s.dir_key() {
                sections.push((dir.to_string(), self.values.sections[sid].clone()));
            }
        }
        self.templates.update_lookups([page], sections);
    }

    /// Rebuilds the values that hold page `pid` (its own, sections, taxonomies) after its body changed.
    fn refresh_values_for_page(&mut self, pid: PageId) {
        let urls = values::Urls { config: &self.config };
        let term_refs = values::term_refs(&self.library, &urls);
        let facts = self.facts.get(&self.library.pages[pid].doc.relative_path);
        self.values.pages[pid] = values::page_value(
            &self.library,
            pid,
            &self.page_bodies[pid],
            &urls,
            &self.config,
            &term_refs,
            facts,
        );
        let bodies = values::Bodies { pages: &self.page_bodies, sections: &self.section_bodies };
        values::refresh_holders_of_page(
            &mut self.values,
            &self.library,
            &bodies,
            &self.config,
            pid,
        );
    }

    /// Content structure, templates or data changed: re-read what changed through the readers
    /// of a full load ([`crate::site`]), reuse the rest (the parsed templates when none changed,
    /// every untouched document, and the bodies whose source and links are unchanged).
    fn restructure(
        &mut self,
        set: &ChangeSet,
        label: String,
        started: Instant,
    ) -> Result<RebuildReport, Diagnostics> {
        let files = self.files();
        let mut diagnostics = Diagnostics::new();
        let templates = if set.templates {
            read_templates(&files, &self.config, &mut diagnostics)
        } else {
            Some(self.templates.fork())
        };
        let data = if set.data { read_data(&files, &mut diagnostics) } else { self.data.clone() };
        // Re-walk content/ (cheap) and re-read only changed files and files we do not know.
        let mut known: HashMap<String, Document> = HashMap::new();
        for p in &self.library.pages {
            known.insert(p.doc.relative_path.clone(), p.doc.clone());
        }
        for s in &self.library.sections {
            if s.doc.hash != 0 {
                known.insert(s.doc.relative_path.clone(), s.doc.clone());
            }
        }
        let touched = |rel: &str| {
            set.content
                .iter()
                .any(|c| c.is_empty() || rel == c || rel.starts_with(&format!("{c}/")))
        };
        // Drafts are not in the library: they are read again, so the build is the same as a full one.
        let content = read_content(
            &files,
            &self.config,
            crate::content::load::Bodies::Keep,
            |rel| known.get(rel).filter(|_| !touched(rel)).cloned(),
            None,
            &mut diagnostics,
        );
        let static_files =
            crate::output::static_files(&files, self.config.theme.as_deref(), &mut diagnostics);
        let mut stages = Stages {
            options: self.options.clone(),
            config: self.config.clone(),
            templates,
            data,
            static_files,
            facts: self.facts.clone(),
            diagnostics,
            retain: crate::render::Retain::ForRebuilds,
            pages_read: None,
        };
        let library = stages.place(content)?;
        let bodies =
            render_bodies_reusing(&library, &stages.config, self, stages.templates.as_ref());
        let fresh = Site::finish(stages, library, bodies)?;
        self.replace_with(fresh, label, started)
    }

    /// Writes every output of `fresh` (as a full build does) and, when that succeeded, makes it
    /// the site: the end of every rebuild that reloaded more than one page.
    fn replace_with(
        &mut self,
        mut fresh: Site,
        label: String,
        started: Instant,
    ) -> Result<RebuildReport, Diagnostics> {
        let (stats, changed_outputs) = fresh.write_everything()?;
        let rendered = fresh.outputs().len();
        let warnings = fresh.warnings.clone();
        *self = fresh;
        Ok(RebuildReport {
            change: label,
            rendered,
            stats,
            elapsed: started.elapsed(),
            warnings,
            changed_outputs,
        })
    }
}

/// What a body edit changed in the search index: the outputs to write again, and the number of
/// term chunks of its language before and after (the chunks past the new number are removed).
#[derive(Default)]
struct SearchUpdate {
    lang: String,
    chunks_before: usize,
    chunks_after: usize,
    /// The fragment groups gone, by first doc.
    groups_removed: Vec<usize>,
    outputs: Vec<Output>,
}

/// Anchors in links to or from page `pid`.
fn check_anchors_touching(
    lib: &Library,
    pid: PageId,
    pages: &[&Rendered],
    sections: &[Rendered],
    diagnostics: &mut Diagnostics,
) {
    let target_rel = &lib.pages[pid].doc.relative_path;
    let check = |doc: &Document,
                 body: &Rendered,
                 diagnostics: &mut Diagnostics,
                 only_target: Option<&str>| {
        let file = &doc.file;
        for link in &body.internal_links {
            let Some(anchor) = &link.anchor else { continue };
            // The page the link goes to: in the linking page's language when translated.
            let target = lib.link_target(&link.target, &doc.lang);
            if let Some(t) = only_target {
                if target != t {
                    continue;
                }
            }
            let target_body: Option<&Rendered> =
                if let Some(&p) = lib.page_by_path.get(target.as_ref()) {
                    Some(pages[p])
                } else {
                    lib.section_by_path.get(target.trim_start_matches('/')).map(|&s| &sections[s])
                };
            if let Some(tb) = target_body {
                if !tb.ids.contains(anchor) {
                    diagnostics.push(
                        Diagnostic::error(
                            "link",
                            format!("the anchor `#{anchor}` does not exist in content/{target}"),
                        )
                        .in_file(file)
                        .at(Some(link.line), None)
                        .hint("fix the anchor, or the heading it points to"),
                    );
                }
            }
        }
    };
    check(&lib.pages[pid].doc, pages[pid], diagnostics, None);
    for (i, p) in lib.pages.iter().enumerate() {
        if i != pid {
            check(&p.doc, pages[i], diagnostics, Some(target_rel));
        }
    }
    for (s, body) in lib.sections.iter().zip(sections) {
        check(&s.doc, body, diagnostics, Some(target_rel));
    }
}

/// The output of pager `number` of `listing` (pager 1 is the list's own output).
fn pager_output(listing: Listing, number: usize) -> Output {
    match (listing, number) {
        (Listing::Section(sid), 1) => Output::Section(sid),
        (Listing::Term(t, i), 1) => Output::Term(t, i),
        (list, number) => Output::Pager { list, number },
    }
}

/// Every pager of `listing` (just the list page when it is not paginated).
fn pagers_of(site: &Site, listing: Listing) -> impl Iterator<Item = Output> {
    let count = listing.number_pagers(&site.library, &site.config);
    (1..=count).map(move |number| pager_output(listing, number))
}

/// Adds the pager of `listing` that lists page `pid`.
fn insert_pager_listing(set: &mut HashSet<Output>, site: &Site, listing: Listing, pid: PageId) {
    let number = listing.pager_of(&site.library, &site.config, pid).unwrap_or(1);
    set.insert(pager_output(listing, number));
}

/// The outputs whose bytes can depend on page `pid`'s body.
fn outputs_depending_on_page(site: &Site, pid: PageId) -> Vec<Output> {
    let lib = &site.library;
    let page = &lib.pages[pid];
    let mut set: HashSet<Output> = HashSet::new();
    // The feeds above the page; each shows its body only if the page is among its entries (a
    // body edit changes no date, so no feed's entries).
    let mut feeds: Vec<Option<crate::content::SectionId>> = Vec::new();
    set.insert(Output::Page(pid));
    if let Some(p) = page.previous {
        set.insert(Output::Page(p));
    }
    if let Some(n) = page.next {
        set.insert(Output::Page(n));
    }
    for sid in
        lib.ancestry(page.section).into_iter().filter(|&sid| lib.sections[sid].publishes_page())
    {
        let listing = Listing::Section(sid);
        if sid == page.section {
            // The page's own section: on a paginated list, only the pager that lists it (a
            // pager's `section.pages` holds its own pages; its subsections do not hold this one).
            insert_pager_listing(&mut set, site, listing, pid);
        } else {
            // A section above: every pager shows the subsections, which hold the page.
            set.extend(pagers_of(site, listing));
        }
        if site.config.feed.enabled && lib.sections[sid].doc.front.feed && sid != lib.root() {
            feeds.push(Some(sid));
        }
    }
    for (t, tax) in lib.taxonomies.iter().enumerate() {
        let mut member = false;
        for (i, term) in tax.terms.iter().enumerate() {
            if term.pages.contains(&pid) {
                insert_pager_listing(&mut set, site, Listing::Term(t, i), pid);
                member = true;
            }
        }
        if member {
            set.insert(Output::TaxonomyList(t));
        }
    }
    if site.config.feed.enabled {
        feeds.push(None);
    }
    for feed in feeds {
        if render::feed_shows(lib, &site.config, feed, pid) {
            set.insert(Output::Feed(feed));
        }
    }
    if let Ok(deps) = site.lookup_deps.lock() {
        let mut keys = vec![page.doc.relative_path.clone()];
        for sid in lib.ancestry(page.section) {
            keys.push(lib.sections[sid].doc.relative_path.clone());
            keys.push(lib.sections[sid].dir.clone());
        }
        for k in keys {
            if let Some(outs) = deps.get(&k) {
                set.extend(outs.iter().cloned());
            }
        }
    }
    let mut list: Vec<Output> = set.into_iter().collect();
    list.sort();
    list
}
