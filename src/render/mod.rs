//! Rendering: Markdown bodies (in parallel), then every output of the site as `(path, bytes)`:
//! pages, sections, taxonomy pages, the 404 page, feeds, the sitemap, robots.txt, alias
//! redirects, the highlighting stylesheet and the search index ([`crate::search`]).

pub mod feeds;
pub mod pagination;
pub mod values;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::content::paths::{normalise_alias, output_file_for};
use crate::content::{Library, PageId, SectionId};
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkResolver, Rendered, SharedHtml};
use crate::output::Producer;
use crate::page_components::{self, Call, ComponentProblem, ComponentRenderer};
use crate::search::{self, SearchIndex};
use crate::site_files::SiteFiles;
use crate::spill::Spill;
use crate::templates::Templates;
use pagination::{pager_path, Listing};
use values::{SiteValues, Urls};

struct LibraryLinks<'a> {
    lib: &'a Library,
    urls: Urls<'a>,
    /// The language of the page whose links these are: `@/` links go to its translations.
    lang: &'a str,
}

impl LinkResolver for LibraryLinks<'_> {
    fn resolve(&self, target: &str) -> Option<String> {
        self.lib.link_path(target.trim_start_matches('/'), self.lang).map(|p| self.urls.path(p))
    }
    fn why_missing(&self, target: &str) -> Option<String> {
        self.lib.unpublished_section(target.trim_start_matches('/')).map(|dir| {
            format!("content/{dir}/ has no `_index.md`, so it publishes no page of its own: link to one of its pages, or add content/{dir}/_index.md")
        })
    }
}

/// Renders one Markdown document of the library (reading its body again if it was released),
/// its component calls with `templates` (none when the templates failed to load). A body that
/// cannot be read again gives a rendering without HTML whose diagnostics say why.
pub fn render_body(
    lib: &Library,
    config: &Config,
    files: &SiteFiles,
    doc: &crate::content::load::Document,
    templates: Option<&Templates>,
) -> Rendered {
    render_again(lib, config, files, doc, templates).unwrap_or_else(Rendered::failed)
}

/// Renders one document's body again from its file, which must be the file the build read
/// ([`crate::content::load::body_of`]): a one-shot build's body pass reads each body here.
fn render_again(
    lib: &Library,
    config: &Config,
    files: &SiteFiles,
    doc: &crate::content::load::Document,
    templates: Option<&Templates>,
) -> Result<Rendered, Diagnostic> {
    let source = crate::content::load::body_of(files, doc)?;
    Ok(render_source(lib, config, doc, &source, templates))
}

/// Renders a page's component calls with the site's templates (`templates/components/NAME.html`).
/// Each gets its arguments, `body`, and the `page` (or section) and `site` values; `page` holds
/// what is known before bodies are rendered (no `content`, `summary`, `toc` or word counts).
struct ComponentsOfPage<'a> {
    templates: &'a Templates,
    lib: &'a Library,
    config: &'a Config,
    doc: &'a crate::content::load::Document,
    /// `page` and `site`, built at the first call.
    values: std::cell::OnceCell<(tera::Value, tera::Value)>,
}

impl ComponentsOfPage<'_> {
    fn page_and_site(&self) -> &(tera::Value, tera::Value) {
        self.values.get_or_init(|| {
            let urls = Urls { config: self.config };
            let page = values::page_value_before_body(self.lib, self.doc, &urls);
            let site = values::site_value_of(self.config, &values::build_time(), &self.doc.lang);
            (page, site)
        })
    }
}

impl ComponentRenderer for ComponentsOfPage<'_> {
    fn render(&self, call: &Call, body: Option<&str>) -> Result<String, ComponentProblem> {
        let components = self.templates.components();
        let Some(spec) = components.get(&call.name) else {
            let mut names: Vec<&str> = components.keys().map(String::as_str).collect();
            names.sort_unstable();
            let hint = match crate::text::closest_match(&call.name, &names) {
                Some(best) => format!("did you mean `{best}`?"),
                None if names.is_empty() => format!(
                    "add templates/components/{}.html (the site and its theme have no components)",
                    call.name
                ),
                None => format!(
                    "add templates/components/{}.html, or use one of: {}",
                    call.name,
                    names.join(", ")
                ),
            };
            return Err(ComponentProblem {
                message: format!("there is no component `{}`", call.name),
                hint,
            });
        };
        page_components::check_args(call, spec)?;
        let mut ctx = Context::new();
        for decl in spec.args.iter().flatten() {
            ctx.insert_value(decl.name.clone(), tera::Value::none());
        }
        for (name, value) in &call.args {
            ctx.insert_value(name.clone(), value.clone());
        }
        let (page, site) = self.page_and_site();
        ctx.insert_value("page", page.clone());
        ctx.insert_value("site", site.clone());
        ctx.insert("lang", &self.doc.lang);
        ctx.insert_value(
            "body",
            body.map(tera::Value::safe_string).unwrap_or_else(tera::Value::none),
        );
        self.templates.render(&spec.template, &ctx, Some(&self.doc.file)).map_err(|d| {
            let template = self
                .templates
                .file_of(&spec.template)
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| spec.template.clone());
            let location = d.location();
            let at = if location.starts_with(&template) { location } else { template };
            ComponentProblem {
                message: format!("the component `{}` failed in {at}: {}", call.name, d.message),
                hint: d.hint.unwrap_or_else(|| "fix the component's template".into()),
            }
        })
    }
}

/// The accessible name of a footnote's back-link on a page in `lang`: the interface string
/// `footnote.backlink` of that language when the site or its theme has one (a rebuild renders a
/// body again when it changed: `incremental::render_bodies_reusing`).
pub fn footnote_backlink<'t>(templates: Option<&'t Templates>, lang: &str) -> &'t str {
    templates
        .and_then(|t| t.interface_string("footnote.backlink", lang))
        .unwrap_or(markdown::FOOTNOTE_BACKLINK)
}

/// Renders `source`, the body of `doc` (which may have been taken out of it).
fn render_source(
    lib: &Library,
    config: &Config,
    doc: &crate::content::load::Document,
    source: &str,
    templates: Option<&Templates>,
) -> Rendered {
    let links = LibraryLinks { lib, urls: Urls { config }, lang: &doc.lang };
    let components = templates.map(|templates| ComponentsOfPage {
        templates,
        lib,
        config,
        doc,
        values: std::cell::OnceCell::new(),
    });
    markdown::render_with_components(
        &markdown::Input {
            body: source,
            first_line: doc.body_first_line,
            file: &doc.file,
            sanitize_html: config.markdown.sanitize_html,
            anchors: markdown::Anchors {
                headings: config.markdown.heading_anchors,
                paragraphs: config.markdown.paragraph_anchors,
            },
            footnote_backlink: footnote_backlink(templates, &doc.lang),
        },
        &links,
        components.as_ref().map(|c| c as &dyn ComponentRenderer),
    )
}

pub use crate::options::Retain;

/// Where [`render_bodies`] leaves the bodies it renders.
#[derive(Debug, Clone, Copy)]
pub enum BodiesKept<'a> {
    /// In memory, as rendered ([`Retain::ForRebuilds`]): `serve` and `check` rebuild from them.
    InMemory,
    /// A one-shot build's ([`Retain::ForOneBuild`]): in the build's scratch file until its pages
    /// are written.
    UntilWritten(&'a Arc<Spill>),
}

/// Renders every page and section body in parallel, releasing each source once rendered.
///
/// In a one-shot build ([`BodiesKept::UntilWritten`], the build's scratch file `spill`) the
/// search index reads each page's words and fragment as soon as it is rendered
/// ([`search::PagesIndexer`], returned with what it read), and then the page's HTML and table of
/// contents move to `spill` ([`Rendered::spill`]): the page is written later from there
/// (`RenderInput::page_body`). Every body is kept in memory instead, packed
/// ([`crate::markdown::SharedHtml::pack`]), when a template may ask for any page's (`get_page`:
/// [`Templates::may_look_up_pages`]).
pub fn render_bodies(
    lib: &mut Library,
    config: &Config,
    templates: Option<&Templates>,
    kept: BodiesKept<'_>,
) -> (Vec<Rendered>, Vec<Rendered>, Option<search::PagesRead>) {
    // Each body in memory is taken (and freed once rendered); one released as its file was read
    // (a one-shot build: `load::Bodies::Release`) is read again.
    let take = |doc: &mut crate::content::load::Document| {
        if doc.file.as_os_str().is_empty() {
            return Some(String::new()); // an implicit section: no file, no body
        }
        if doc.body_released {
            return None;
        }
        doc.body_released = true;
        Some(std::mem::take(&mut doc.body))
    };
    let page_sources: Vec<Option<String>> =
        lib.pages.iter_mut().map(|p| take(&mut p.doc)).collect();
    let section_sources: Vec<Option<String>> =
        lib.sections.iter_mut().map(|s| take(&mut s.doc)).collect();
    let lib = &*lib;
    let files = config.site_files(&lib.root);
    let render = |doc: &crate::content::load::Document, source: Option<String>| match source {
        Some(source) => render_source(lib, config, doc, &source, templates),
        None => render_body(lib, config, &files, doc, templates),
    };
    let spill = match kept {
        BodiesKept::InMemory => None,
        BodiesKept::UntilWritten(spill) => Some(spill),
    };
    let keep_every_body = templates.is_none_or(Templates::may_look_up_pages);
    let indexer = spill.and_then(|spill| search::PagesIndexer::new(lib, config, spill));
    // Each source is moved into its task and freed as soon as its body is rendered.
    let (mut pages, read): (Vec<(PageId, Rendered)>, search::IndexedPages) = page_sources
        .into_par_iter()
        .zip(lib.pages.par_iter())
        .enumerate()
        .fold(
            || (Vec::new(), search::IndexedPages::default()),
            |(mut done, mut read), (pid, (source, p))| {
                let mut body = render(&p.doc, source);
                if let Some(spill) = spill {
                    if let Some(indexer) = &indexer {
                        indexer.read(&mut read, lib, pid, &body.html.text(), config);
                    }
                    if keep_every_body {
                        body.html.pack();
                    } else {
                        body.spill(spill);
                    }
                }
                done.push((pid, body));
                (done, read)
            },
        )
        .reduce(
            || (Vec::new(), search::IndexedPages::default()),
            |(mut a, read_a), (b, read_b)| {
                a.extend(b);
                (a, read_a.merge(read_b))
            },
        );
    pages.sort_unstable_by_key(|(pid, _)| *pid);
    let pages = pages.into_iter().map(|(_, body)| body).collect();
    let sections = section_sources
        .into_par_iter()
        .zip(lib.sections.par_iter())
        .map(|(source, s)| render(&s.doc, source))
        .collect();
    (pages, sections, indexer.map(|indexer| search::PagesRead { indexer, read }))
}

/// Checks every `@/link#anchor` against the ids of its target.
pub fn check_anchors(
    lib: &Library,
    pages: &[Rendered],
    sections: &[Rendered],
    diagnostics: &mut Diagnostics,
) {
    let docs = lib
        .pages
        .iter()
        .map(|p| &p.doc)
        .zip(pages)
        .chain(lib.sections.iter().map(|s| &s.doc).zip(sections));
    for (doc, body) in docs {
        for link in &body.internal_links {
            let Some(anchor) = &link.anchor else { continue };
            let target = lib.link_target(&link.target, &doc.lang);
            let target_body = if let Some(&pid) = lib.page_by_path.get(target.as_ref()) {
                &pages[pid]
            } else if let Some(&sid) = lib.section_by_path.get(target.trim_start_matches('/')) {
                &sections[sid]
            } else {
                continue;
            };
            if !target_body.ids.contains(anchor) {
                let mut known: Vec<&str> =
                    target_body.ids.iter().filter(|i| !i.starts_with("fr-")).collect();
                known.sort();
                let hint = match crate::text::closest_match(anchor, &known) {
                    Some(best) => format!("did you mean `#{best}`?"),
                    None => format!("anchors in content/{target}: {}", known.join(", ")),
                };
                diagnostics.push(
                    Diagnostic::error(
                        "link",
                        format!("the anchor `#{anchor}` does not exist in content/{target}"),
                    )
                    .in_file(&doc.file)
                    .at(Some(link.line), None)
                    .hint(hint),
                );
            }
        }
    }
}

/// One file of the output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    Page(PageId),
    Section(SectionId),
    TaxonomyList(usize),
    Term(usize, usize),
    NotFound,
    /// Pager `number` (2 or more) of a paginated list; pager 1 is the list's own output.
    Pager {
        list: Listing,
        number: usize,
    },
    /// `<list>/<paginate_path>/1/`, a redirect to the list page (pager 1).
    PagerRedirect(Listing),
    /// A redirect page at an alias of a page or a section.
    Alias {
        alias: String,
        target: AliasTarget,
    },
    Feed(Option<SectionId>),
    Sitemap,
    Robots,
    SyntaxCss,
    /// The manifest of a language's search index (`search-index/<lang>/index.json`).
    SearchManifest(String),
    /// Term chunk `chunk` of a language's search index.
    SearchChunk {
        lang: String,
        chunk: usize,
    },
    /// The fragment group of a language's search index that starts at doc `first`: the title,
    /// URL, section and text of a few neighbouring documents.
    SearchFragments {
        lang: String,
        first: usize,
    },
}

/// What an alias redirects to: a page, or a section with a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AliasTarget {
    Page(PageId),
    Section(SectionId),
}

impl AliasTarget {
    /// The document whose front matter holds the alias.
    pub fn doc<'a>(&self, lib: &'a Library) -> &'a crate::content::load::Document {
        match *self {
            AliasTarget::Page(p) => &lib.pages[p].doc,
            AliasTarget::Section(s) => &lib.sections[s].doc,
        }
    }

    /// The URL path the alias redirects to.
    pub fn path<'a>(&self, lib: &'a Library) -> &'a str {
        match *self {
            AliasTarget::Page(p) => &lib.pages[p].path,
            AliasTarget::Section(s) => &lib.sections[s].path,
        }
    }
}

/// The pages a feed chooses its entries from: a section's feed, the pages under it; the site's
/// feed, every page (or, on a multilingual site, the default language's).
fn feed_candidates(lib: &Library, section: Option<SectionId>) -> Vec<PageId> {
    match section {
        None if lib.languages.len() > 1 => pages_under(lib, lib.root()),
        None => (0..lib.pages.len()).collect(),
        Some(sid) => pages_under(lib, sid),
    }
}

/// Whether a feed shows the body of page `pid`: whether it is among the feed's newest
/// `config.feed.limit` dated candidates.
pub fn feed_shows(lib: &Library, config: &Config, section: Option<SectionId>, pid: PageId) -> bool {
    feeds::is_among_newest(lib, &feed_candidates(lib, section), config.feed.limit, pid)
}

/// The files of the search index: per language, its manifest, term chunks and fragments.
pub fn search_outputs(search: &SearchIndex) -> Vec<Output> {
    let mut list = Vec::new();
    for l in &search.languages {
        list.push(Output::SearchManifest(l.lang.clone()));
        list.extend(
            (0..l.chunks.len()).map(|chunk| Output::SearchChunk { lang: l.lang.clone(), chunk }),
        );
        list.extend(
            l.group_starts().map(|first| Output::SearchFragments { lang: l.lang.clone(), first }),
        );
    }
    list
}

/// Every output of the site but the search index's ([`search_outputs`]). A section without
/// `_index.md` has none of its own (no list page, no feed):
/// [`crate::content::Section::publishes_page`].
pub fn outputs(lib: &Library, config: &Config) -> Vec<Output> {
    let mut list = Vec::with_capacity(lib.pages.len() + lib.sections.len() + 16);
    list.extend((0..lib.pages.len()).map(Output::Page));
    list.extend(
        lib.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.publishes_page())
            .map(|(sid, _)| Output::Section(sid)),
    );
    for (t, tax) in lib.taxonomies.iter().enumerate() {
        list.push(Output::TaxonomyList(t));
        list.extend((0..tax.terms.len()).map(|i| Output::Term(t, i)));
    }
    for (listing, _) in pagination::paginated(lib, config) {
        list.push(Output::PagerRedirect(listing));
        let count = listing.number_pagers(lib, config);
        list.extend((2..=count).map(|number| Output::Pager { list: listing, number }));
    }
    list.push(Output::NotFound);
    for target in alias_targets(lib) {
        for alias in &target.doc(lib).front.aliases {
            list.push(Output::Alias { alias: alias.clone(), target });
        }
    }
    if config.feed.enabled {
        list.push(Output::Feed(None));
        for (sid, s) in lib.sections.iter().enumerate() {
            // Each other language's home has its feed (`/uk/atom.xml`), as the site has its own.
            let language_home = s.is_home() && sid != lib.root();
            if (s.doc.front.feed || language_home) && sid != lib.root() && s.publishes_page() {
                list.push(Output::Feed(Some(sid)));
            }
        }
    }
    list.push(Output::Sitemap);
    list.push(Output::Robots);
    list.push(Output::SyntaxCss);
    list
}

/// The output file of an output, relative to the output folder, `/`-separated.
pub fn output_path(output: &Output, lib: &Library, config: &Config) -> String {
    match output {
        Output::Page(p) => output_file_for(&lib.pages[*p].path),
        Output::Section(s) => output_file_for(&lib.sections[*s].path),
        Output::TaxonomyList(t) => output_file_for(&lib.taxonomies[*t].path),
        Output::Term(t, i) => output_file_for(&lib.taxonomies[*t].terms[*i].path),
        Output::Pager { list, number } => match list.pagination(lib, config) {
            Some(p) => output_file_for(&pager_path(list.path(lib), &p, *number)),
            None => output_file_for(list.path(lib)),
        },
        Output::PagerRedirect(list) => match list.pagination(lib, config) {
            Some(p) => output_file_for(&pagination::first_pager_redirect_path(list.path(lib), &p)),
            None => output_file_for(list.path(lib)),
        },
        Output::NotFound => "404.html".into(),
        Output::Alias { alias, .. } => output_file_for(&normalise_alias(alias)),
        Output::Feed(None) => config.feed.filename.clone(),
        Output::Feed(Some(s)) => {
            format!("{}{}", lib.sections[*s].path.trim_start_matches('/'), config.feed.filename)
        }
        Output::Sitemap => "sitemap.xml".into(),
        Output::Robots => "robots.txt".into(),
        Output::SyntaxCss => "syntax.css".into(),
        Output::SearchManifest(lang) => search::manifest_path(lang),
        Output::SearchChunk { lang, chunk } => search::chunk_path(lang, *chunk),
        Output::SearchFragments { lang, first } => search::fragment_path(lang, *first),
    }
}

/// Everything rendering reads.
pub struct RenderInput<'a> {
    pub lib: &'a Library,
    pub config: &'a Config,
    pub templates: &'a Templates,
    pub values: &'a SiteValues,
    pub page_bodies: &'a [Rendered],
    pub search: &'a SearchIndex,
}

impl RenderInput<'_> {
    /// Page `pid`'s body HTML: as held, or, when a one-shot build moved it to its scratch file
    /// once the search index had read it ([`Rendered::spill`]), read back from there.
    pub fn page_html(&self, pid: PageId) -> Result<Cow<'_, SharedHtml>, Diagnostic> {
        Ok(match self.page_body(pid)? {
            Cow::Borrowed(body) => Cow::Borrowed(&body.html),
            Cow::Owned(body) => Cow::Owned(body.html),
        })
    }

    /// Page `pid`'s rendered body, its HTML and its table of contents: as held, or read back
    /// from the build's scratch file ([`Rendered::unspilled`]).
    fn page_body(&self, pid: PageId) -> Result<Cow<'_, Rendered>, Diagnostic> {
        let held = &self.page_bodies[pid];
        match held.unspilled() {
            Ok(None) => Ok(Cow::Borrowed(held)),
            Ok(Some(body)) => Ok(Cow::Owned(body)),
            Err(e) => Err(crate::spill::read_back_failed("the rendered body", &e)
                .in_file(&self.lib.pages[pid].doc.file)),
        }
    }

    /// The values every template sees: `site` (that of the output's language `lang`), `data`,
    /// `current_path` and `lang`.
    fn context(&self, current_path: &str, lang: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.values.site_of(lang).clone());
        ctx.insert_value("data", self.values.data.clone());
        ctx.insert("lang", lang);
        ctx.insert("current_path", &Urls { config: self.config }.path(current_path));
        ctx
    }

    fn template_for(
        &self,
        requested: Option<&str>,
        default: &str,
        file: &Path,
    ) -> Result<String, Diagnostic> {
        match requested {
            Some(name) if self.templates.has(name) => Ok(name.to_string()),
            Some(name) => Err(Diagnostic::error("template", format!("`template: {name}` names a template that does not exist"))
                .in_file(file)
                .hint(format!("add templates/{name} or themes/<theme>/templates/{name}, or remove the `template:` line"))),
            None if self.templates.has(default) => Ok(default.to_string()),
            None => Err(Diagnostic::error("template", format!("the theme has no `{default}` template"))
                .in_file(file)
                .hint(format!("add templates/{default} (or choose a theme in site.yaml with `theme:`)"))),
        }
    }

    /// Renders pager `number` of a section's or a term's list (1: the list page itself). On a
    /// paginated list `section.pages` (or `term.pages`) holds this pager's pages, as
    /// `paginator.pages` does; elsewhere `paginator` is empty.
    fn render_listing(&self, listing: Listing, number: usize) -> Result<String, Diagnostic> {
        let lib = self.lib;
        let (pages, paginator) =
            pagination::pager(listing, number, lib, self.config, &self.values.pages);
        let paginated = !paginator.is_none();
        let with_pages = |value: &tera::Value| -> tera::Value {
            match value.as_map() {
                Some(map) if paginated => {
                    let mut map = map.clone();
                    map.insert(tera::value::Key::Str("pages"), pages.clone());
                    tera::Value::from(map)
                }
                _ => value.clone(),
            }
        };
        let path = match listing.pagination(lib, self.config) {
            Some(p) => pager_path(listing.path(lib), &p, number),
            None => listing.path(lib).to_string(),
        };
        let lang = match listing {
            Listing::Section(sid) => &lib.sections[sid].doc.lang,
            Listing::Term(t, _) => &lib.taxonomies[t].lang,
        };
        let mut ctx = self.context(&path, lang);
        ctx.insert_value("paginator", paginator);
        match listing {
            Listing::Section(sid) => {
                let section = &lib.sections[sid];
                let file: PathBuf = if section.doc.file.as_os_str().is_empty() {
                    PathBuf::from("content").join(&section.doc.relative_path)
                } else {
                    section.doc.file.clone()
                };
                let default = if section.is_home() { "index.html" } else { "section.html" };
                let template =
                    self.template_for(section.doc.front.template.as_deref(), default, &file)?;
                ctx.insert_value("section", with_pages(&self.values.sections[sid]));
                self.templates.render(&template, &ctx, Some(&file))
            }
            Listing::Term(t, i) => {
                ctx.insert_value("taxonomy", self.values.taxonomies[t].clone());
                ctx.insert_value("term", with_pages(&self.values.terms[t][i]));
                self.templates.render("taxonomy_term.html", &ctx, None)
            }
        }
    }

    /// Renders one output to bytes.
    pub fn render(&self, output: &Output) -> Result<Vec<u8>, Diagnostic> {
        self.render_bytes(output).map(Cow::into_owned)
    }

    /// Renders one output to bytes, borrowed when they are built already (the search index's
    /// manifests and term chunks).
    pub fn render_bytes(&self, output: &Output) -> Result<Cow<'_, [u8]>, Diagnostic> {
        let lib = self.lib;
        let html = match output {
            Output::Page(pid) => {
                let page = &lib.pages[*pid];
                let template = self.template_for(
                    page.doc.front.template.as_deref(),
                    "page.html",
                    &page.doc.file,
                )?;
                let mut ctx = self.context(&page.path, &page.doc.lang);
                let body = self.page_body(*pid)?;
                let page_value = values::page_with_neighbours(
                    self.values,
                    lib,
                    *pid,
                    &body.html,
                    &body.toc,
                    self.config,
                );
                ctx.insert_value("page", page_value);
                self.templates.render(&template, &ctx, Some(&page.doc.file))?
            }
            Output::Section(sid) => self.render_listing(Listing::Section(*sid), 1)?,
            Output::TaxonomyList(t) => {
                let mut ctx = self.context(&lib.taxonomies[*t].path, &lib.taxonomies[*t].lang);
                ctx.insert_value("taxonomy", self.values.taxonomies[*t].clone());
                self.templates.render("taxonomy_list.html", &ctx, None)?
            }
            Output::Term(t, i) => self.render_listing(Listing::Term(*t, *i), 1)?,
            Output::Pager { list, number } => self.render_listing(*list, *number)?,
            Output::PagerRedirect(list) => {
                feeds::redirect(&Urls { config: self.config }.permalink(list.path(lib)))
            }
            Output::NotFound => {
                let ctx = self.context("/404.html", &self.config.language);
                self.templates.render("404.html", &ctx, None)?
            }
            Output::Alias { target, .. } => {
                feeds::redirect(&Urls { config: self.config }.permalink(target.path(lib)))
            }
            Output::Feed(section) => feeds::atom(
                lib,
                &|pid| self.page_html(pid),
                self.config,
                *section,
                &feed_candidates(lib, *section),
            )?,
            Output::Sitemap => feeds::sitemap(lib, self.config),
            Output::Robots => feeds::robots(self.config),
            Output::SyntaxCss => crate::highlight::stylesheet(
                &self.config.highlight.light_theme,
                &self.config.highlight.dark_theme,
            )
            .map_err(|e| Diagnostic::error("highlight", e).in_file(crate::config::CONFIG_FILE))?,
            Output::SearchManifest(_)
            | Output::SearchChunk { .. }
            | Output::SearchFragments { .. } => return self.search_file(output),
        };
        Ok(Cow::Owned(html.into_bytes()))
    }
}

impl RenderInput<'_> {
    /// The bytes of one file of the search index, built in [`crate::site::Site::finish`].
    fn search_file(&self, output: &Output) -> Result<Cow<'_, [u8]>, Diagnostic> {
        let (lang, file) = match output {
            Output::SearchManifest(lang) => {
                (lang, self.search.language(lang).map(|l| Cow::Borrowed(l.manifest.as_bytes())))
            }
            Output::SearchChunk { lang, chunk } => (
                lang,
                self.search
                    .language(lang)
                    .and_then(|l| l.chunks.get(*chunk))
                    .map(|c| Cow::Borrowed(c.as_bytes())),
            ),
            Output::SearchFragments { lang, first } => (
                lang,
                self.search
                    .language(lang)
                    .and_then(|l| l.group_file(*first))
                    .map(|g| {
                        g.map(|g| Cow::Owned(g.into_bytes()))
                            .map_err(|e| crate::spill::read_back_failed("a search fragment", &e))
                    })
                    .transpose()?,
            ),
            _ => return Err(Diagnostic::error("search", "not a file of the search index")),
        };
        file.ok_or_else(|| {
            Diagnostic::error(
                "search",
                format!(
                    "the search index of `{lang}` has no file {}",
                    output_path(output, self.lib, self.config)
                ),
            )
            .hint("this is a bug in Charter: please report it with the site that shows it")
        })
    }
}

/// Every page, then every section with a page of its own: whatever may have `aliases`, in the
/// order their redirects are listed and checked.
pub fn alias_targets(lib: &Library) -> impl Iterator<Item = AliasTarget> + '_ {
    (0..lib.pages.len()).map(AliasTarget::Page).chain(
        lib.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.publishes_page())
            .map(|(sid, _)| AliasTarget::Section(sid)),
    )
}

/// Who writes the pagers of `list` (`what`: which of its outputs, e.g. `pager 2 of`).
pub fn pager_producer(list: &Listing, lib: &Library, what: &str) -> Producer {
    match *list {
        Listing::Section(s) => {
            let doc = &lib.sections[s].doc;
            Producer::new(
                format!("{what} the list of content/{} (`paginate_by`)", doc.relative_path),
                Some(doc.file.clone()),
                format!("choose another `paginate_path:` in content/{}", doc.relative_path),
            )
            .at_line(doc.front.line_of("paginate_by"))
        }
        Listing::Term(t, i) => {
            let tax = &lib.taxonomies[t];
            Producer::new(
                format!(
                    "{what} the `{}` term page of \"{}\" (`paginate_by`)",
                    tax.name, tax.terms[i].name
                ),
                Some(PathBuf::from(crate::config::CONFIG_FILE)),
                format!(
                    "choose another `paginate_path:` for the `{}` taxonomy in site.yaml",
                    tax.name
                ),
            )
        }
    }
}

/// Every page in a section and its subsections (each once: a section's list may also hold the
/// pages below it, with `include_pages_below`).
pub fn pages_under(lib: &Library, sid: SectionId) -> Vec<PageId> {
    let mut out: Vec<PageId> =
        lib.sections[sid].pages.iter().copied().filter(|&p| lib.pages[p].section == sid).collect();
    for &sub in &lib.sections[sid].subsections {
        out.extend(pages_under(lib, sub));
    }
    out
}

impl Output {
    /// Whether this is a file of the search index (its manifest, a term chunk, a fragment group).
    pub fn is_search_file(&self) -> bool {
        matches!(
            self,
            Output::SearchManifest(_) | Output::SearchChunk { .. } | Output::SearchFragments { .. }
        )
    }

    /// Whether a static file at the same path (site or theme `static/`) replaces this output
    /// instead of colliding with it, as in Hugo and Zola: a site's own `robots.txt`.
    pub fn replaceable_by_static(&self) -> bool {
        matches!(self, Output::Robots)
    }
}

/// Who writes an output, for the output plan: how to name it in a message, its source file
/// (and line), and how to move it out of the way.
pub fn producer(o: &Output, lib: &Library) -> Producer {
    let site_yaml = || Some(PathBuf::from(crate::config::CONFIG_FILE));
    match o {
        Output::Page(p) => {
            let doc = &lib.pages[*p].doc;
            Producer::new(doc.file.display().to_string(), Some(doc.file.clone()), "give the page another `slug:` or file name").at_line(doc.front.line_of("slug"))
        }
        Output::Section(s) => {
            let doc = &lib.sections[*s].doc;
            let file = if doc.file.as_os_str().is_empty() { PathBuf::from("content").join(&doc.relative_path) } else { doc.file.clone() };
            Producer::new(format!("content/{}", doc.relative_path), Some(file), "rename the section's folder")
        }
        Output::Alias { alias, target } => {
            let doc = target.doc(lib);
            let i = doc.front.aliases.iter().position(|a| a == alias);
            let line = i.and_then(|i| doc.front.alias_lines.get(i).copied()).or_else(|| doc.front.line_of("aliases"));
            let whose = match target {
                AliasTarget::Page(_) => "page",
                AliasTarget::Section(_) => "section",
            };
            Producer::new(format!("the alias {alias} of {}", doc.file.display()), Some(doc.file.clone()), format!("remove the alias from the {whose}'s `aliases:`"))
                .at_line(line)
        }
        Output::TaxonomyList(t) => Producer::new(format!("the `{}` taxonomy list page", lib.taxonomies[*t].name), site_yaml(), "rename the taxonomy in site.yaml"),
        Output::Term(t, i) => {
            let (taxonomy, term) = (&lib.taxonomies[*t], &lib.taxonomies[*t].terms[*i]);
            let describe = format!("the `{}` term page of \"{}\"", taxonomy.name, term.name);
            // Named where a person writes the term: at the first page that has it.
            match term.pages.first().map(|&pid| &lib.pages[pid].doc) {
                Some(doc) => Producer::new(describe, Some(doc.file.clone()), "rename the term on the pages that have it")
                    .at_line(doc.front.line_of(&taxonomy.name)),
                None => Producer::new(describe, site_yaml(), "rename the term"),
            }
        }
        Output::Pager { list, number } => pager_producer(list, lib, &format!("pager {number} of")),
        Output::PagerRedirect(list) => pager_producer(list, lib, "the redirect from pager 1 to"),
        Output::NotFound => Producer::new("the generated 404 page", site_yaml(), "to change the 404 page, write templates/404.html instead"),
        Output::Feed(None) => Producer::new(
            "the generated site feed",
            site_yaml(),
            "choose another `feed: { filename: … }` in site.yaml, or switch the feed off with `feed: false`",
        ),
        Output::Feed(Some(s)) => Producer::new(
            format!("the generated feed of content/{}", lib.sections[*s].doc.relative_path),
            site_yaml(),
            "switch the section's feed off (remove `feed: true` from its _index.md), or choose another `feed: { filename: … }` in site.yaml",
        ),
        Output::Sitemap => Producer::new("the generated sitemap (Charter always writes sitemap.xml)", site_yaml(), ""),
        Output::Robots => Producer::new("the generated robots.txt", site_yaml(), ""),
        Output::SyntaxCss => Producer::new("the generated highlighting stylesheet (Charter always writes syntax.css)", site_yaml(), ""),
        Output::SearchManifest(_) | Output::SearchChunk { .. } | Output::SearchFragments { .. } => Producer::new(
            format!("the site's search index (everything under /{}/)", search::INDEX_DIR),
            site_yaml(),
            "move the other file, or switch search off with `search: false` in site.yaml",
        ),
    }
}
