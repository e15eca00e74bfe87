//! Template values: every page, section and taxonomy serialised once per build into Tera's
//! reference-counted `Value`s. A section's `pages`, a term's `pages` and the home page's
//! `subsections` share those values (a pointer copy each), so no template context clones the
//! site. A page's value here is its *listing* value, without `content` and `toc`: only its own
//! `page.html` ([`page_with_neighbours`]) and `get_page` ([`crate::templates::whole_page`]) add
//! them, so no build holds every page's HTML or heading tree in its values.

use std::collections::HashMap;

use tera::{Map, Value};

use crate::config::Config;
use crate::content::data::from_json;
use crate::content::{Library, PageId, SectionId};
use crate::markdown::{Rendered, TocEntry};

/// What one build knows of its pages' rendered Markdown.
pub struct Bodies<'a> {
    pub pages: &'a [Rendered],
    pub sections: &'a [Rendered],
}

/// The values of one build.
pub struct SiteValues {
    /// `site` for the default language's outputs.
    pub site: Value,
    /// `site` for each other language's outputs (its title, description, taxonomies, extra).
    pub site_by_language: Vec<(String, Value)>,
    pub data: Value,
    /// Page values without `previous`/`next`.
    pub pages: Vec<Value>,
    pub sections: Vec<Value>,
    /// Per taxonomy: the taxonomy value (with terms and their pages).
    pub taxonomies: Vec<Value>,
    /// Per taxonomy, per term: the term value with its pages.
    pub terms: Vec<Vec<Value>>,
}

fn key(s: &'static str) -> tera::value::Key<'static> {
    tera::value::Key::Str(s)
}

fn opt_str(s: Option<&str>) -> Value {
    s.map(Value::from).unwrap_or_else(Value::none)
}

/// URL helpers bound to one configuration.
pub struct Urls<'a> {
    pub config: &'a Config,
}

impl Urls<'_> {
    /// Root-relative URL with the base path: `/blog/dir/page/`.
    pub fn path(&self, path: &str) -> String {
        format!("{}{}", self.config.base_path(), crate::text::encode_path(path))
    }
    /// Absolute URL.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.config.origin(), self.path(path))
    }
}

impl SiteValues {
    /// The values of a site whose values are not built yet: no page, section or taxonomy has
    /// one (see [`crate::site::Site::build_values`]).
    pub fn unbuilt() -> SiteValues {
        SiteValues {
            site: Value::none(),
            site_by_language: Vec::new(),
            data: Value::none(),
            pages: Vec::new(),
            sections: Vec::new(),
            taxonomies: Vec::new(),
            terms: Vec::new(),
        }
    }

    /// The `site` value of the outputs of language `lang`.
    pub fn site_of(&self, lang: &str) -> &Value {
        self.site_by_language.iter().find(|(code, _)| code == lang).map_or(&self.site, |(_, v)| v)
    }
}

/// `site.languages`: `{code, name, permalink}` of every language, the default first (the
/// default language alone on a site without `languages:`); `permalink` is the language's home.
fn languages_value(config: &Config) -> Value {
    let urls = Urls { config };
    let entry = |code: &str, name: &str| {
        let mut m = Map::with_capacity(3);
        m.insert(key("code"), Value::from(code));
        m.insert(key("name"), Value::from(name));
        m.insert(
            key("permalink"),
            Value::from(urls.permalink(&format!("{}/", config.language_prefix(code)))),
        );
        Value::from(m)
    };
    if config.languages.is_empty() {
        return Value::from(vec![entry(&config.language, &config.language)]);
    }
    Value::from(config.languages.iter().map(|l| entry(&l.code, &l.name)).collect::<Vec<_>>())
}

/// The `site` value of the outputs of language `lang`: its title, description, taxonomies and
/// `extra` (the top-level ones for the default language).
pub fn site_value_of(config: &Config, build_time: &str, lang: &str) -> Value {
    let mut m = Map::new();
    let own = config.language_settings(lang).filter(|_| lang != config.language);
    let (title, description, taxonomies, extra) = match own {
        Some(l) => (&l.title, &l.description, &l.taxonomies, &l.extra),
        None => (&config.title, &config.description, &config.taxonomies, &config.extra),
    };
    m.insert(key("title"), Value::from(title.as_str()));
    m.insert(key("base_url"), Value::from(config.base_url.as_str()));
    m.insert(key("description"), opt_str(description.as_deref()));
    m.insert(key("language"), Value::from(config.language.as_str()));
    m.insert(key("languages"), languages_value(config));
    m.insert(key("taxonomies"), Value::from(taxonomies.clone()));
    m.insert(key("extra"), from_json(extra));
    m.insert(key("repository"), opt_str(config.repository.as_deref()));
    let mut feed = Map::new();
    feed.insert(key("enabled"), Value::from(config.feed.enabled));
    feed.insert(
        key("path"),
        Value::from(format!("{}/{}", config.base_path(), config.feed.filename)),
    );
    feed.insert(key("limit"), Value::from(config.feed.limit));
    m.insert(key("feed"), Value::from(feed));
    m.insert(key("build_time"), Value::from(build_time));
    Value::from(m)
}

/// The `site` value of the default language's outputs.
pub fn site_value(config: &Config, build_time: &str) -> Value {
    site_value_of(config, build_time, &config.language)
}

/// `translations` of a page or section: `{lang, name, permalink, path, title}` of each language
/// version (`docs_and_paths`), in the site's language order; empty on a site with one language.
fn translations_value<'d>(
    versions: impl ExactSizeIterator<Item = (&'d crate::content::load::Document, &'d str)>,
    urls: &Urls<'_>,
    config: &Config,
) -> Value {
    if versions.len() == 0 {
        return empty_list();
    }
    let list: Vec<Value> = versions
        .map(|(doc, path)| {
            let name = config.language_settings(&doc.lang).map_or(doc.lang.as_str(), |l| &l.name);
            let mut m = Map::with_capacity(5);
            m.insert(key("lang"), Value::from(doc.lang.as_str()));
            m.insert(key("name"), Value::from(name));
            m.insert(key("permalink"), Value::from(urls.permalink(path)));
            m.insert(key("path"), Value::from(urls.path(path)));
            m.insert(key("title"), Value::from(doc.front.title.as_str()));
            Value::from(m)
        })
        .collect();
    Value::from(list)
}

/// The empty list, shared (one allocation for every empty `children`, `assets`, ...).
fn empty_list() -> Value {
    static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Value::from(Vec::<Value>::new())).clone()
}

/// The empty map, shared (most pages' `extra`).
fn empty_map() -> Value {
    static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Value::from(Map::new())).clone()
}

/// The names of the site's front-matter keys and taxonomies, one shared string each: every
/// page's `params` (and its top-level copies, and `taxonomies`) names its keys with them instead
/// of a string of its own per page (10,000 pages with 6 keys: about 2 MB).
pub struct KeyNames(HashMap<String, std::sync::Arc<str>>);

impl KeyNames {
    /// The names of every key of the front matters `fronts` (as their key lines name them: a
    /// key without one is named by a string of its own), and of every taxonomy of `lib`.
    fn of<'a>(
        lib: &'a Library,
        fronts: impl Iterator<Item = &'a crate::content::frontmatter::FrontMatter>,
    ) -> KeyNames {
        let mut names = HashMap::new();
        let keys = fronts.flat_map(|front| front.key_lines.keys());
        let taxonomies = lib.taxonomies.iter().map(|t| t.name.as_str());
        for name in keys.chain(taxonomies) {
            if !names.contains_key(name) {
                names.insert(name.to_string(), std::sync::Arc::from(name));
            }
        }
        KeyNames(names)
    }

    /// The key `name`, shared when it is one of the names collected.
    fn key(&self, name: &str) -> tera::value::Key<'static> {
        match self.0.get(name) {
            Some(shared) => tera::value::Key::String(shared.clone()),
            None => tera::value::Key::String(name.into()),
        }
    }
}

/// A list value, the shared empty one when `items` is empty (most pages have no assets, authors
/// or contributors, and every page's value lives to the end of the build).
fn list<T: Into<Value>>(items: Vec<T>) -> Value {
    if items.is_empty() {
        return empty_list();
    }
    Value::from(items.into_iter().map(Into::into).collect::<Vec<Value>>())
}

/// A term's reference value: `{name, slug, permalink, path}`.
fn term_ref(term: &crate::content::Term, urls: &Urls<'_>) -> Value {
    let mut m = Map::new();
    m.insert(key("name"), Value::from(term.name.as_str()));
    m.insert(key("slug"), Value::from(term.slug.as_str()));
    m.insert(key("permalink"), Value::from(urls.permalink(&term.path)));
    m.insert(key("path"), Value::from(urls.path(&term.path)));
    Value::from(m)
}

/// Term reference values `{name, slug, permalink, path}` per taxonomy, per term slug.
pub fn term_refs(lib: &Library, urls: &Urls<'_>) -> Vec<HashMap<String, Value>> {
    lib.taxonomies
        .iter()
        .map(|t| t.terms.iter().map(|term| (term.slug.clone(), term_ref(term, urls))).collect())
        .collect()
}

/// The fields Charter sets on `page` and `section` values: a front matter key of the same name
/// that Charter does not know stays in `params` only. (Charter's own keys are declared in
/// [`crate::content::frontmatter::FRONT_MATTER_KEYS`].)
const PAGE_FIELDS: &[&str] = &[
    "title",
    "description",
    "permalink",
    "path",
    "relative_path",
    "slug",
    "date",
    "updated",
    "draft",
    "weight",
    "content",
    "summary",
    "toc",
    "word_count",
    "reading_time",
    "taxonomies",
    "authors",
    "extra",
    "params",
    "assets",
    "ancestors",
    "section",
    "lang",
    "translations",
    "previous",
    "next",
    "pages",
    "subsections",
    "sort_by",
    "contributors",
    "edit_url",
    "history_url",
    "implicit",
];

/// The front matter a value converts for templates (`params`, `extra`): a document's own, or,
/// in a one-shot build, moved out of it ([`FrontToConvert::take`]) so that each page's is freed as
/// soon as its value is built rather than all of them after every value (10,000 pages: ~11 MB
/// of the peak).
pub struct FrontToConvert {
    params: crate::content::frontmatter::Params,
    extra: serde_json::Value,
}

impl FrontToConvert {
    /// Moves `params` and `extra` out of `front` (they are left empty, as
    /// [`crate::content::frontmatter::FrontMatter::release_converted`] leaves them).
    pub fn take(front: &mut crate::content::frontmatter::FrontMatter) -> FrontToConvert {
        FrontToConvert {
            params: std::mem::take(&mut front.params),
            extra: std::mem::take(&mut front.extra),
        }
    }
}

/// The fields shared by pages and sections. `moved` is the front matter to convert when it was
/// moved out of `doc` (else `doc`'s own is read).
#[allow(clippy::too_many_arguments)]
fn common(
    map: &mut Map,
    doc: &crate::content::load::Document,
    moved: Option<&FrontToConvert>,
    path: &str,
    body: &Rendered,
    urls: &Urls<'_>,
    config: &Config,
    names: &KeyNames,
) {
    let fm = &doc.front;
    let (fm_params, fm_extra) = match moved {
        Some(m) => (&m.params, &m.extra),
        None => (&fm.params, &fm.extra),
    };
    let url_path = urls.path(path);
    // Each front-matter value converted once: `params.x` and a top-level `x` share it, and so
    // do `title` and `description` when the front matter wrote them as they are.
    let fm_params = fm_params.map();
    let params: Vec<(&String, Value)> = fm_params.iter().map(|(k, v)| (k, from_json(v))).collect();
    let as_written = |name: &str, typed: &str| {
        params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
            .filter(|v| v.as_str() == Some(typed))
    };
    let title = as_written("title", &fm.title).cloned();
    map.insert(key("title"), title.unwrap_or_else(|| Value::from(fm.title.as_str())));
    let description = fm
        .description
        .as_deref()
        .map(|d| as_written("description", d).cloned().unwrap_or_else(|| Value::from(d)));
    map.insert(key("description"), description.unwrap_or_else(Value::none));
    map.insert(key("permalink"), Value::from(urls.permalink(path)));
    map.insert(key("relative_path"), Value::from(doc.relative_path.as_str()));
    map.insert(
        key("date"),
        fm.date.map(|d| Value::from(d.to_display())).unwrap_or_else(Value::none),
    );
    map.insert(
        key("updated"),
        fm.updated.map(|d| Value::from(d.to_display())).unwrap_or_else(Value::none),
    );
    map.insert(key("draft"), Value::from(fm.draft));
    map.insert(key("weight"), fm.weight.map(Value::from).unwrap_or_else(Value::none));
    map.insert(
        key("summary"),
        body.summary.as_ref().map(|s| s.value()).unwrap_or_else(Value::none),
    );
    map.insert(key("word_count"), Value::from(body.word_count));
    map.insert(key("reading_time"), Value::from(body.word_count.div_ceil(200).max(1)));
    map.insert(key("authors"), list(fm.authors.clone()));
    let extra_is_empty = fm_extra.as_object().is_some_and(|o| o.is_empty());
    map.insert(key("extra"), if extra_is_empty { empty_map() } else { from_json(fm_extra) });
    map.insert(key("lang"), Value::from(doc.lang.as_str()));
    let mut params_map = Map::with_capacity(params.len());
    for (k, v) in &params {
        params_map.insert(names.key(k), v.clone());
    }
    map.insert(key("params"), Value::from(params_map));
    for (k, v) in params {
        if !PAGE_FIELDS.contains(&k.as_str())
            && crate::content::frontmatter::descriptor(k).is_none()
            && !config.taxonomies.contains(k)
        {
            map.insert(names.key(k), v);
        }
    }
    map.insert(key("path"), Value::from(url_path));
}

fn ancestors_value(
    lib: &Library,
    section: SectionId,
    urls: &Urls<'_>,
    include_self: bool,
) -> Value {
    let mut chain = lib.ancestry(section);
    if !include_self {
        chain.pop();
    }
    // A folder without `_index.md` has no page to link to: breadcrumbs skip it.
    let list: Vec<Value> = chain
        .into_iter()
        .filter(|&sid| lib.sections[sid].publishes_page())
        .map(|sid| {
            let s = &lib.sections[sid];
            let mut m = Map::new();
            m.insert(key("title"), Value::from(s.doc.front.title.as_str()));
            m.insert(key("path"), Value::from(urls.path(&s.path)));
            m.insert(key("permalink"), Value::from(urls.permalink(&s.path)));
            Value::from(m)
        })
        .collect();
    Value::from(list)
}

pub use crate::git::PageFacts;

/// What page components see as `page` (or as the section, for a section's body): the values
/// known before any body is rendered, so no `content`, `summary`, `toc`, `word_count` or
/// `reading_time`.
pub fn page_value_before_body(
    lib: &Library,
    doc: &crate::content::load::Document,
    urls: &Urls<'_>,
) -> Value {
    let fm = &doc.front;
    let path = lib.path_of(&doc.relative_path).unwrap_or_default();
    let mut m = Map::with_capacity(16);
    m.insert(key("title"), Value::from(fm.title.as_str()));
    m.insert(key("description"), opt_str(fm.description.as_deref()));
    m.insert(key("permalink"), Value::from(urls.permalink(path)));
    m.insert(key("path"), Value::from(urls.path(path)));
    m.insert(key("relative_path"), Value::from(doc.relative_path.as_str()));
    m.insert(key("date"), fm.date.map(|d| Value::from(d.to_display())).unwrap_or_else(Value::none));
    m.insert(
        key("updated"),
        fm.updated.map(|d| Value::from(d.to_display())).unwrap_or_else(Value::none),
    );
    m.insert(key("draft"), Value::from(fm.draft));
    m.insert(key("weight"), fm.weight.map(Value::from).unwrap_or_else(Value::none));
    m.insert(key("authors"), Value::from(fm.authors.clone()));
    m.insert(key("extra"), from_json(&fm.extra));
    m.insert(key("lang"), Value::from(doc.lang.as_str()));
    let fm_params = fm.params.map();
    let mut params = Map::with_capacity(fm_params.len());
    for (k, v) in &fm_params {
        params.insert(tera::value::Key::String(k.as_str().into()), from_json(v));
    }
    m.insert(key("params"), Value::from(params));
    Value::from(m)
}

/// Builds one page's value (without neighbours).
pub fn page_value(
    lib: &Library,
    pid: PageId,
    body: &Rendered,
    urls: &Urls<'_>,
    config: &Config,
    terms: &[HashMap<String, Value>],
    facts: Option<&PageFacts>,
) -> Value {
    let ancestors = ancestors_value(lib, lib.pages[pid].section, urls, true);
    let names = KeyNames::of(lib, std::iter::once(&lib.pages[pid].doc.front));
    page_value_with(lib, pid, None, body, urls, config, terms, facts, ancestors, &names)
}

/// [`page_value`] with the `ancestors` of the page's section already built (they are shared by
/// every page of the section).
#[allow(clippy::too_many_arguments)]
fn page_value_with(
    lib: &Library,
    pid: PageId,
    moved: Option<&FrontToConvert>,
    body: &Rendered,
    urls: &Urls<'_>,
    config: &Config,
    terms: &[HashMap<String, Value>],
    facts: Option<&PageFacts>,
    ancestors: Value,
    key_names: &KeyNames,
) -> Value {
    let page = &lib.pages[pid];
    let mut m = Map::with_capacity(36);
    common(&mut m, &page.doc, moved, &page.path, body, urls, config, key_names);
    m.insert(key("slug"), Value::from(page.slug.as_str()));
    m.insert(
        key("translations"),
        translations_value(
            page.translations.iter().map(|&p| (&lib.pages[p].doc, lib.pages[p].path.as_str())),
            urls,
            config,
        ),
    );
    let mut tax = Map::new();
    for (i, t) in lib.taxonomies.iter().enumerate() {
        if t.lang != page.doc.lang {
            continue;
        }
        let names = page
            .doc
            .front
            .taxonomies
            .iter()
            .find(|(n, _)| *n == t.name)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[]);
        let mut seen = Vec::new();
        let list: Vec<Value> = names
            .iter()
            .filter_map(|n| {
                let slug = crate::content::term_slug(n);
                if seen.contains(&slug) {
                    return None;
                }
                seen.push(slug.clone());
                terms[i].get(&slug).cloned()
            })
            .collect();
        tax.insert(key_names.key(&t.name), Value::from(list));
    }
    m.insert(key("taxonomies"), Value::from(tax));
    let assets: Vec<Value> = page
        .assets
        .iter()
        .map(|a| {
            let name = a.rsplit('/').next().unwrap_or(a);
            Value::from(urls.path(&format!("{}{}", page.path, name)))
        })
        .collect();
    m.insert(key("assets"), list(assets));
    m.insert(key("ancestors"), ancestors);
    m.insert(key("section"), Value::from(urls.path(&lib.sections[page.section].path)));
    let facts = facts.cloned().unwrap_or_default();
    if page.doc.front.updated.is_none() {
        if let Some(date) = &facts.last_commit {
            m.insert(key("updated"), Value::from(date.as_str()));
        }
    }
    m.insert(key("contributors"), list(facts.contributors.clone()));
    match &config.repository {
        Some(repo) => {
            m.insert(
                key("edit_url"),
                Value::from(format!("{repo}/edit/HEAD/content/{}", page.doc.relative_path)),
            );
            m.insert(
                key("history_url"),
                Value::from(format!("{repo}/commits/HEAD/content/{}", page.doc.relative_path)),
            );
        }
        None => {
            m.insert(key("edit_url"), Value::none());
            m.insert(key("history_url"), Value::none());
        }
    }
    m.insert(key("previous"), Value::none());
    m.insert(key("next"), Value::none());
    // Every page's value lives to the end of the build: no spare room (10,000 pages: ~5 MB).
    m.shrink_to_fit();
    Value::from(m)
}

/// The table of contents a document shows: its headings, or none when its front matter says
/// `toc: false` (the one place that reads that key for templates).
pub fn shown_toc(
    doc: &crate::content::load::Document,
    toc: &std::sync::Arc<[TocEntry]>,
) -> std::sync::Arc<[TocEntry]> {
    if doc.front.toc == Some(false) {
        return std::sync::Arc::from([]);
    }
    toc.clone()
}

/// The `toc` value of a document ([`shown_toc`]) whose root-relative URL is `page_path`.
pub fn toc_of(
    doc: &crate::content::load::Document,
    toc: &std::sync::Arc<[TocEntry]>,
    page_path: &str,
) -> Value {
    crate::markdown::toc_value(&shown_toc(doc, toc), page_path)
}

/// A page value with its content, its table of contents and its neighbours, for `page.html`.
pub fn page_with_neighbours(
    values: &SiteValues,
    lib: &Library,
    pid: PageId,
    html: &crate::markdown::SharedHtml,
    toc: &std::sync::Arc<[TocEntry]>,
    config: &Config,
) -> Value {
    let page = &lib.pages[pid];
    let toc = toc_of(&page.doc, toc, &Urls { config }.path(&page.path));
    let mut map = crate::templates::whole_page(&values.pages[pid], html, toc);
    map.insert(
        key("previous"),
        page.previous.map(|p| values.pages[p].clone()).unwrap_or_else(Value::none),
    );
    map.insert(key("next"), page.next.map(|p| values.pages[p].clone()).unwrap_or_else(Value::none));
    Value::from(map)
}

/// Builds every value of the site. `moved`, when given, holds each page's front matter to
/// convert, moved out of its document ([`FrontToConvert`]): each is dropped once its page's
/// value is built.
pub fn build(
    lib: &Library,
    bodies: &Bodies<'_>,
    config: &Config,
    data: Value,
    build_time: &str,
    facts: &HashMap<String, PageFacts>,
    moved: Option<Vec<FrontToConvert>>,
) -> SiteValues {
    use rayon::prelude::*;
    let urls = Urls { config };
    let term_refs = term_refs(lib, &urls);
    let ancestors: Vec<Value> =
        (0..lib.sections.len()).map(|sid| ancestors_value(lib, sid, &urls, true)).collect();
    let moved_per_page: Vec<Option<FrontToConvert>> = match moved {
        Some(moved) => {
            assert_eq!(moved.len(), lib.pages.len(), "one moved front matter per page, in order");
            moved.into_iter().map(Some).collect()
        }
        None => (0..lib.pages.len()).map(|_| None).collect(),
    };
    let names = KeyNames::of(lib, lib.pages.iter().map(|page| &page.doc.front));
    let pages: Vec<Value> = moved_per_page
        .into_par_iter()
        .enumerate()
        .map(|(pid, moved)| {
            let facts = facts.get(&lib.pages[pid].doc.relative_path);
            page_value_with(
                lib,
                pid,
                moved.as_ref(),
                &bodies.pages[pid],
                &urls,
                config,
                &term_refs,
                facts,
                ancestors[lib.pages[pid].section].clone(),
                &names,
            )
        })
        .collect();
    let sections = section_values(lib, bodies, config, &pages);
    let (taxonomies, terms) = taxonomy_values(lib, &urls, &term_refs, &pages);
    let site_by_language = lib
        .languages
        .iter()
        .skip(1)
        .map(|code| (code.clone(), site_value_of(config, build_time, code)))
        .collect();
    SiteValues {
        site: site_value(config, build_time),
        site_by_language,
        data,
        pages,
        sections,
        taxonomies,
        terms,
    }
}

/// Section values, deepest first so each can hold its subsections.
pub fn section_values(
    lib: &Library,
    bodies: &Bodies<'_>,
    config: &Config,
    pages: &[Value],
) -> Vec<Value> {
    let urls = Urls { config };
    let mut values: Vec<Value> = vec![Value::none(); lib.sections.len()];
    let mut order: Vec<SectionId> = (0..lib.sections.len()).collect();
    order.sort_by_key(|&s| std::cmp::Reverse(lib.ancestry(s).len()));
    for sid in order {
        values[sid] = section_value(lib, bodies, config, &urls, pages, &values, sid);
    }
    values
}

/// One section's value; its subsections' values are taken from `sections`.
fn section_value(
    lib: &Library,
    bodies: &Bodies<'_>,
    config: &Config,
    urls: &Urls<'_>,
    pages: &[Value],
    sections: &[Value],
    sid: SectionId,
) -> Value {
    let s = &lib.sections[sid];
    let mut m = Map::with_capacity(30);
    // Sections are few: their keys are their own.
    let names = KeyNames(HashMap::new());
    common(&mut m, &s.doc, None, &s.path, &bodies.sections[sid], urls, config, &names);
    // A section's own value holds its body and table of contents (sections are few); its
    // pages' do not.
    m.insert(key("content"), bodies.sections[sid].html.value());
    m.insert(key("toc"), toc_of(&s.doc, &bodies.sections[sid].toc, &urls.path(&s.path)));
    m.insert(
        key("pages"),
        Value::from(s.pages.iter().map(|&p| pages[p].clone()).collect::<Vec<_>>()),
    );
    let subs: Vec<Value> = s.subsections.iter().map(|&c| sections[c].clone()).collect();
    m.insert(key("subsections"), Value::from(subs));
    m.insert(key("sort_by"), Value::from(s.doc.front.sort_by.unwrap_or_default().name()));
    // A folder without `_index.md`: it lists its pages, but has no page to link to.
    m.insert(key("implicit"), Value::from(!s.publishes_page()));
    m.insert(key("ancestors"), ancestors_value(lib, sid, urls, false));
    m.insert(
        key("translations"),
        translations_value(
            s.translations.iter().map(|&t| (&lib.sections[t].doc, lib.sections[t].path.as_str())),
            urls,
            config,
        ),
    );
    // The section's own terms (`topics:` in its _index.md), each a term some page carries
    // (the library refuses any other: it would have no term page to link to).
    let mut tax = Map::new();
    for t in lib.taxonomies.iter().filter(|t| t.lang == s.doc.lang) {
        let written = s.doc.front.taxonomies.iter().find(|(n, _)| *n == t.name);
        let mut seen = Vec::new();
        let refs: Vec<Value> = written
            .map(|(_, names)| names.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|name| {
                let slug = crate::content::term_slug(name);
                if seen.contains(&slug) {
                    return None;
                }
                seen.push(slug.clone());
                t.terms.iter().find(|term| term.slug == slug).map(|term| term_ref(term, urls))
            })
            .collect();
        tax.insert(tera::value::Key::String(t.name.as_str().into()), Value::from(refs));
    }
    m.insert(key("taxonomies"), Value::from(tax));
    m.insert(key("assets"), empty_list());
    Value::from(m)
}

/// After `values.pages[pid]` was replaced (a body edit: same front matter, same place in the
/// site), rebuilds only the values that hold it: the page's section and the sections above it
/// (each holds the one below among its subsections), and the terms the page carries with their
/// taxonomies. Gives the same values as [`section_values`] and [`taxonomy_values`] over the
/// whole site, which on the 10,000-page corpus are a quarter of a one-page edit.
pub fn refresh_holders_of_page(
    values: &mut SiteValues,
    lib: &Library,
    bodies: &Bodies<'_>,
    config: &Config,
    pid: PageId,
) {
    let urls = Urls { config };
    let mut chain = lib.ancestry(lib.pages[pid].section);
    chain.reverse();
    for sid in chain {
        values.sections[sid] =
            section_value(lib, bodies, config, &urls, &values.pages, &values.sections, sid);
    }
    for (t, tax) in lib.taxonomies.iter().enumerate() {
        let mut touched = false;
        for (i, term) in tax.terms.iter().enumerate() {
            if !term.pages.contains(&pid) {
                continue;
            }
            let Some(map) = values.terms[t][i].as_map() else { continue };
            let mut map = map.clone();
            map.insert(
                key("pages"),
                Value::from(
                    term.pages.iter().map(|&p| values.pages[p].clone()).collect::<Vec<_>>(),
                ),
            );
            values.terms[t][i] = Value::from(map);
            touched = true;
        }
        if touched {
            if let Some(map) = values.taxonomies[t].as_map() {
                let mut map = map.clone();
                map.insert(key("terms"), Value::from(values.terms[t].clone()));
                values.taxonomies[t] = Value::from(map);
            }
        }
    }
}

/// Taxonomy values (with their terms' pages) and the term values, per taxonomy.
pub fn taxonomy_values(
    lib: &Library,
    urls: &Urls<'_>,
    term_refs: &[HashMap<String, Value>],
    pages: &[Value],
) -> (Vec<Value>, Vec<Vec<Value>>) {
    let mut taxonomies = Vec::new();
    let mut terms = Vec::new();
    for (i, t) in lib.taxonomies.iter().enumerate() {
        let term_values: Vec<Value> = t
            .terms
            .iter()
            .map(|term| {
                let Some(base) = term_refs[i].get(&term.slug).and_then(|v| v.as_map()) else {
                    return Value::none();
                };
                let mut m = base.clone();
                m.insert(
                    key("pages"),
                    Value::from(term.pages.iter().map(|&p| pages[p].clone()).collect::<Vec<_>>()),
                );
                Value::from(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert(key("name"), Value::from(t.name.as_str()));
        m.insert(key("slug"), Value::from(t.slug.as_str()));
        m.insert(key("permalink"), Value::from(urls.permalink(&t.path)));
        m.insert(key("path"), Value::from(urls.path(&t.path)));
        m.insert(key("terms"), Value::from(term_values.clone()));
        taxonomies.push(Value::from(m));
        terms.push(term_values);
    }
    (taxonomies, terms)
}

/// The build time as RFC 3339 (seconds): `site.build_time` in templates.
pub fn build_time() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn front_matter_values_convert_as_serde_converts_them() {
        let json: serde_json::Value = serde_json::json!({
            "n": null, "t": true, "u": 18446744073709551615u64, "i": -3, "f": 1.5, "s": "a string longer than twenty-one bytes",
            "list": [1, "two", [3], {"k": "v"}], "empty": {}, "zero": 0
        });
        let direct = super::from_json(&json);
        let via_serde = tera::Value::try_from_serializable(&json).expect("serde converts it");
        assert_eq!(format!("{direct:?}"), format!("{via_serde:?}"));
    }
}
