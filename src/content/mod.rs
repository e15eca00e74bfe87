//! The content tree: pages and sections placed by their folders, with URLs, sorting, neighbours
//! and taxonomies. One `Library` owns every page and section; everything else refers to them by
//! `PageId`/`SectionId`.

pub mod data;
pub mod frontmatter;
pub mod load;
pub mod paths;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::text::{encode_path, slugify};
use frontmatter::{FrontMatter, SortBy};
use load::{ContentAsset, DocKind, Document};

pub type PageId = usize;
pub type SectionId = usize;

/// A page placed in the tree.
#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Document,
    pub slug: String,
    /// URL path from the site root (without the base URL's own path): `/proposal/aasc/`.
    pub path: String,
    pub section: SectionId,
    /// Files of a bundle, paths under `content/`.
    pub assets: Vec<String>,
    pub previous: Option<PageId>,
    pub next: Option<PageId>,
    /// Every language version of the page (this one included), in the site's language order;
    /// empty on a site without `languages:`.
    pub translations: Vec<PageId>,
}

/// A section placed in the tree. A folder without `_index.md` gets an implicit section: it groups
/// its pages (`section.pages`, `get_section`, previous/next) but publishes no page of its own, as
/// `content/<dir>/_index.md` is what makes a section a page (see [`Section::publishes_page`]).
#[derive(Debug, Clone)]
pub struct Section {
    pub doc: Document,
    /// The folder under `content/`: "" for the home section, `proposal` for `content/proposal/`.
    pub dir: String,
    pub path: String,
    pub parent: Option<SectionId>,
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
    /// No `_index.md`: made up for a folder that holds pages.
    pub implicit: bool,
    /// Every language version of the section that publishes a page (this one included), in the
    /// site's language order; empty on a site without `languages:` and for an implicit section.
    pub translations: Vec<SectionId>,
}

impl Section {
    /// Whether the section has a list page (`<dir>/index.html`) in the output, and so a place in
    /// the sitemap, the feeds, breadcrumbs and `@/` links: the home section always, any other
    /// only with its own `_index.md`.
    pub fn publishes_page(&self) -> bool {
        self.parent.is_none() || !self.implicit
    }

    /// The folder name `get_section` also finds the section by (`proposal`, "" for the home):
    /// only the default language's sections have one (another language's is found by its file,
    /// `proposal/_index.uk.md`).
    pub fn dir_key(&self) -> Option<&str> {
        self.doc.original.is_none().then_some(self.dir.as_str())
    }

    /// Whether the section is a home page: the site's, or a language's (`/uk/`).
    pub fn is_home(&self) -> bool {
        self.parent.is_none()
    }
}

/// One term of a taxonomy, with its pages (newest first).
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub pages: Vec<PageId>,
}

/// A taxonomy named in `site.yaml`, with its terms sorted by name.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// The language whose pages it groups (each language has its own taxonomies).
    pub lang: String,
    pub name: String,
    pub slug: String,
    pub path: String,
    pub terms: Vec<Term>,
}

/// Every page, section and taxonomy of the site.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Files under `content/` that are copied as they are (bundle assets included).
    pub assets: Vec<ContentAsset>,
    /// `proposal/aasc.md` -> page, for `@/` links and `get_page`.
    pub page_by_path: HashMap<String, PageId>,
    /// `proposal/_index.md` (and `proposal`) -> section.
    pub section_by_path: HashMap<String, SectionId>,
    /// Content files that exist but could not be read (their errors are reported): links to
    /// them are not reported again as missing.
    pub broken: std::collections::HashSet<String>,
    /// The site root, from which released Markdown bodies are read again.
    pub root: PathBuf,
    /// The site's language codes, the default first (one code on a site without `languages:`).
    pub languages: Vec<String>,
}

impl Library {
    pub fn root(&self) -> SectionId {
        0
    }

    /// The URL path of an `@/` target (`proposal/aasc.md`, `proposal/_index.md`), if it exists
    /// and is published (a folder without `_index.md` is not).
    pub fn path_of(&self, target: &str) -> Option<&str> {
        if let Some(&id) = self.page_by_path.get(target) {
            return Some(&self.pages[id].path);
        }
        if let Some(&id) = self.section_by_path.get(target) {
            let section = &self.sections[id];
            return section.publishes_page().then_some(section.path.as_str());
        }
        self.broken.contains(target).then_some("/")
    }

    /// The content path an `@/` link in a page of language `lang` goes to: the `lang`
    /// translation of `target` when the site has one (`essay.uk.md` for `essay.md`, in a `uk`
    /// page), else `target` as written (which may name a translation itself).
    pub fn link_target<'t>(&self, target: &'t str, lang: &str) -> std::borrow::Cow<'t, str> {
        use std::borrow::Cow;
        if self.languages.len() < 2 || self.languages.first().is_some_and(|d| d == lang) {
            return Cow::Borrowed(target);
        }
        let translated = match target.strip_suffix(".md") {
            Some(stem) => format!("{stem}.{lang}.md"),
            None if target.is_empty() => format!("_index.{lang}.md"),
            None => format!("{}/_index.{lang}.md", target.trim_end_matches('/')),
        };
        let exists = self.page_by_path.contains_key(&translated)
            || self
                .section_by_path
                .get(&translated)
                .is_some_and(|&s| self.sections[s].publishes_page());
        if exists {
            Cow::Owned(translated)
        } else {
            Cow::Borrowed(target)
        }
    }

    /// The URL path of an `@/` link in a page of language `lang` ([`Library::link_target`]).
    pub fn link_path(&self, target: &str, lang: &str) -> Option<&str> {
        self.path_of(&self.link_target(target, lang))
    }

    /// The folder of an `@/` target that names a section without `_index.md` (`news` for `news`
    /// or `news/_index.md`): such a link has nowhere to go.
    pub fn unpublished_section(&self, target: &str) -> Option<&str> {
        let &id = self.section_by_path.get(target)?;
        let section = &self.sections[id];
        (!section.publishes_page()).then_some(section.dir.as_str())
    }

    /// The sections from the root down to `section` (inclusive).
    pub fn ancestry(&self, section: SectionId) -> Vec<SectionId> {
        let mut chain = vec![section];
        let mut current = section;
        while let Some(parent) = self.sections[current].parent {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// Places documents in the tree. Drafts are left out unless `include_drafts`.
    pub fn assemble(
        config: &Config,
        docs: Vec<Document>,
        assets: Vec<ContentAsset>,
        include_drafts: bool,
    ) -> Result<(Library, Diagnostics), Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let languages = if config.is_multilingual() {
            config.languages.iter().map(|l| l.code.clone()).collect()
        } else {
            vec![config.language.clone()]
        };
        let mut lib = Library { languages, ..Library::default() };
        let bundle_dirs: Vec<String> = docs
            .iter()
            .filter(|d| d.kind == DocKind::Bundle)
            .map(|d| parent_dir(&d.relative_path).to_string())
            .collect();
        // Each language is a tree of its own (its home at `/` or `/<code>/`), placed in the
        // site's language order: the default language's sections and pages come first.
        let mut by_language: Vec<Vec<Document>> = vec![Vec::new(); lib.languages.len()];
        for doc in docs {
            let i = lib.languages.iter().position(|code| *code == doc.lang).unwrap_or(0);
            by_language[i].push(doc);
        }
        for (code, docs) in lib.languages.clone().iter().zip(by_language) {
            lib.place_language(config, code, docs, include_drafts, &mut diagnostics);
        }

        // Assets: those inside a bundle folder belong to that bundle (to each of its language
        // versions); the rest are copied as they are.
        let mut bundle_pages: HashMap<&str, Vec<PageId>> = HashMap::new();
        for (pid, page) in lib.pages.iter().enumerate() {
            if page.doc.kind == DocKind::Bundle {
                bundle_pages.entry(parent_dir(&page.doc.relative_path)).or_default().push(pid);
            }
        }
        let mut copies = Vec::new();
        let mut owned: Vec<(PageId, String)> = Vec::new();
        for asset in assets {
            let bundle = bundle_dirs
                .iter()
                .filter(|b| asset.relative_path.starts_with(&format!("{b}/")))
                .max_by_key(|b| b.len());
            if let Some(b) = bundle {
                for &pid in bundle_pages.get(b.as_str()).map(Vec::as_slice).unwrap_or(&[]) {
                    owned.push((pid, asset.relative_path.clone()));
                    let rest = &asset.relative_path[b.len() + 1..];
                    let mut copy = asset.clone();
                    copy.relative_path =
                        format!("{}{}", lib.pages[pid].path.trim_start_matches('/'), rest);
                    copies.push(copy);
                }
                continue;
            }
            copies.push(asset);
        }
        for (pid, asset) in owned {
            lib.pages[pid].assets.push(asset);
        }
        lib.assets = copies;
        lib.link_translations();

        lib.sort_sections();
        lib.build_taxonomies(config, &mut diagnostics);
        lib.check_section_terms(&mut diagnostics);
        lib.check_home_feed(&mut diagnostics);
        lib.check_collisions(&mut diagnostics);
        if diagnostics.has_errors() {
            Err(diagnostics)
        } else {
            Ok((lib, diagnostics))
        }
    }

    /// Places the documents of one language: its sections (a folder without `_index.md`, or
    /// without `_index.<code>.md` for another language, gets an implicit section, which lists
    /// its pages but publishes no page of its own) and its pages, under the language's prefix.
    fn place_language(
        &mut self,
        config: &Config,
        code: &str,
        docs: Vec<Document>,
        include_drafts: bool,
        diagnostics: &mut Diagnostics,
    ) {
        let lib = self;
        let prefix = config.language_prefix(code);
        let is_default = code == config.language;
        let (section_docs, page_docs): (Vec<_>, Vec<_>) =
            docs.into_iter().partition(|d| d.kind == DocKind::Section);

        // Sections, parents before children: sort by folder depth, then name.
        let mut section_docs: BTreeMap<String, Document> = section_docs
            .into_iter()
            .map(|d| (parent_dir(&d.relative_path).to_string(), d))
            .collect();
        let mut dirs_needed: Vec<String> = vec![String::new()];
        for d in page_docs.iter().filter(|d| include_drafts || !d.front.draft) {
            let mut dir = page_dir(d);
            loop {
                dirs_needed.push(dir.to_string());
                if dir.is_empty() {
                    break;
                }
                dir = parent_dir(dir);
            }
        }
        for dir in section_docs.keys().cloned().collect::<Vec<_>>() {
            let mut dir = dir.as_str();
            while !dir.is_empty() {
                dir = parent_dir(dir);
                dirs_needed.push(dir.to_string());
            }
        }
        for dir in dirs_needed {
            section_docs.entry(dir.clone()).or_insert_with(|| implicit_section(config, code, &dir));
        }
        let mut ordered: Vec<(String, Document)> = section_docs.into_iter().collect();
        ordered.sort_by(|a, b| {
            (a.0.matches('/').count() + usize::from(!a.0.is_empty()), &a.0)
                .cmp(&(b.0.matches('/').count() + usize::from(!b.0.is_empty()), &b.0))
        });
        let mut section_by_dir: HashMap<String, SectionId> = HashMap::new();
        for (dir, doc) in ordered {
            if doc.front.draft && !include_drafts && !dir.is_empty() {
                continue;
            }
            let parent =
                if dir.is_empty() { None } else { section_by_dir.get(parent_dir(&dir)).copied() };
            if !dir.is_empty() && parent.is_none() {
                continue; // the parent is a draft: the whole subtree is left out
            }
            let path =
                if dir.is_empty() { format!("{prefix}/") } else { format!("{prefix}/{dir}/") };
            let id = lib.sections.len();
            let implicit = doc.hash == 0 && doc.body.is_empty() && doc.file.as_os_str().is_empty();
            lib.section_by_path.insert(doc.relative_path.clone(), id);
            if is_default {
                lib.section_by_path.insert(dir.clone(), id);
            }
            section_by_dir.insert(dir.clone(), id);
            if let Some(p) = parent {
                lib.sections[p].subsections.push(id);
            }
            lib.sections.push(Section {
                doc,
                dir,
                path,
                parent,
                pages: Vec::new(),
                subsections: Vec::new(),
                implicit,
                translations: Vec::new(),
            });
        }

        // Pages.
        lib.pages.reserve(page_docs.len());
        for doc in page_docs {
            if doc.front.draft && !include_drafts {
                continue;
            }
            let dir = page_dir(&doc);
            let Some(&section) = section_by_dir.get(dir) else { continue };
            let name_path = doc.translation_key();
            let stem = match doc.kind {
                DocKind::Bundle => {
                    parent_dir(name_path).rsplit('/').next().unwrap_or_default().to_string()
                }
                _ => name_path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(".md")
                    .to_string(),
            };
            let slug = doc.front.slug.clone().unwrap_or(stem);
            if !crate::text::is_safe_segment(&slug) {
                diagnostics.push(
                    Diagnostic::error(
                        "path",
                        format!("the file name gives the unsafe URL segment `{slug}`"),
                    )
                    .in_file(&doc.file)
                    .hint("rename the file or set a `slug:` in its front matter"),
                );
                continue;
            }
            let path = format!("{}{}/", lib.sections[section].path, slug);
            let id = lib.pages.len();
            lib.page_by_path.insert(doc.relative_path.clone(), id);
            lib.pages.push(Page {
                doc,
                slug,
                path,
                section,
                assets: Vec::new(),
                previous: None,
                next: None,
                translations: Vec::new(),
            });
            lib.sections[section].pages.push(id);
        }
    }

    /// Links the language versions of each page and section by their default-language path
    /// ([`Document::translation_key`]); nothing on a site with one language.
    fn link_translations(&mut self) {
        if self.languages.len() < 2 {
            return;
        }
        let mut pages: HashMap<&str, Vec<PageId>> = HashMap::new();
        for (pid, page) in self.pages.iter().enumerate() {
            pages.entry(page.doc.translation_key()).or_default().push(pid);
        }
        let mut sections: HashMap<&str, Vec<SectionId>> = HashMap::new();
        for (sid, section) in self.sections.iter().enumerate() {
            if section.publishes_page() {
                sections.entry(section.doc.translation_key()).or_default().push(sid);
            }
        }
        let pages: Vec<Vec<PageId>> = pages.into_values().collect();
        let sections: Vec<Vec<SectionId>> = sections.into_values().collect();
        for group in pages {
            for &pid in &group {
                self.pages[pid].translations = group.clone();
            }
        }
        for group in sections {
            for &sid in &group {
                self.sections[sid].translations = group.clone();
            }
        }
    }

    fn sort_sections(&mut self) {
        for sid in 0..self.sections.len() {
            let sort = self.sections[sid].doc.front.sort_by.unwrap_or_default();
            let mut pages = std::mem::take(&mut self.sections[sid].pages);
            pages.sort_by(|&a, &b| compare_pages(&self.pages[a], &self.pages[b], sort));
            for (i, &pid) in pages.iter().enumerate() {
                self.pages[pid].previous = if i > 0 { Some(pages[i - 1]) } else { None };
                self.pages[pid].next = pages.get(i + 1).copied();
            }
            self.sections[sid].pages = pages;
            let mut subs = std::mem::take(&mut self.sections[sid].subsections);
            subs.sort_by(|&a, &b| {
                let (x, y) = (&self.sections[a].doc.front, &self.sections[b].doc.front);
                (x.weight.unwrap_or(i64::MAX), &x.title)
                    .cmp(&(y.weight.unwrap_or(i64::MAX), &y.title))
            });
            self.sections[sid].subsections = subs;
        }
        self.gather_pages_below();
    }

    /// Sections with `include_pages_below: true` list the pages of every section below them too,
    /// in their own order. A page's previous/next stay those of its own section.
    fn gather_pages_below(&mut self) {
        for sid in 0..self.sections.len() {
            if !self.sections[sid].doc.front.include_pages_below {
                continue;
            }
            let mut pages = Vec::new();
            let mut stack = vec![sid];
            while let Some(s) = stack.pop() {
                let own = self.sections[s].pages.iter().filter(|&&p| self.pages[p].section == s);
                pages.extend(own.copied());
                stack.extend(self.sections[s].subsections.iter().copied());
            }
            let sort = self.sections[sid].doc.front.sort_by.unwrap_or_default();
            pages.sort_by(|&a, &b| compare_pages(&self.pages[a], &self.pages[b], sort));
            self.sections[sid].pages = pages;
        }
    }

    fn build_taxonomies(&mut self, config: &Config, diagnostics: &mut Diagnostics) {
        for code in self.languages.clone() {
            self.build_taxonomies_of(config, &code, diagnostics);
        }
    }

    /// The taxonomies of one language, over its pages, under its prefix (`/uk/topics/`).
    fn build_taxonomies_of(&mut self, config: &Config, code: &str, diagnostics: &mut Diagnostics) {
        let prefix = config.language_prefix(code);
        for name in config.taxonomies_of(code) {
            let slug = slugify(name);
            let slug = if slug.is_empty() { name.clone() } else { slug };
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (pid, page) in self.pages.iter().enumerate() {
                if page.doc.lang != code {
                    continue;
                }
                let Some((_, values)) = page.doc.front.taxonomies.iter().find(|(n, _)| n == name)
                else {
                    continue;
                };
                for value in values {
                    let term_slug = term_slug(value);
                    let term = terms.entry(term_slug.clone()).or_insert_with(|| Term {
                        name: value.clone(),
                        slug: term_slug.clone(),
                        path: format!("{prefix}/{slug}/{term_slug}/"),
                        pages: Vec::new(),
                    });
                    if !term.pages.contains(&pid) {
                        term.pages.push(pid);
                    }
                    // Names that differ only in letter case or accents are meant as one term;
                    // others that only share a URL (`C++` and `C#`, `十` and `石`) are merged
                    // all the same, under the first name: say so, where the second is written.
                    if *value != term.name && same_term_name(value) != same_term_name(&term.name) {
                        let line = page.doc.front.line_of(name);
                        diagnostics.push(
                            Diagnostic::warning(
                                "taxonomy",
                                format!(
                                    "the {name} `{value}` and `{}` make the same URL, {}: they are one term page, named `{}`",
                                    term.name, term.path, term.name
                                ),
                            )
                            .in_file(&page.doc.file)
                            .at(line, None)
                            .hint("rename one of them so that their letters and digits differ (a term's URL keeps only those)"),
                        );
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for term in &mut terms {
                term.pages
                    .sort_by(|&a, &b| compare_pages(&self.pages[a], &self.pages[b], SortBy::Date));
            }
            terms.sort_by(|a, b| {
                a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.name.cmp(&b.name))
            });
            self.taxonomies.push(Taxonomy {
                lang: code.to_string(),
                name: name.clone(),
                path: format!("{prefix}/{slug}/"),
                slug,
                terms,
            });
        }
    }

    /// `feed: true` writes a section's own feed; the home section's feed is the site feed, which
    /// `site.yaml` switches: in content/_index.md the key would do nothing, so it is an error.
    fn check_home_feed(&self, diagnostics: &mut Diagnostics) {
        let Some(home) = self.sections.first() else { return };
        if home.doc.front.feed {
            diagnostics.push(
                Diagnostic::error(
                    "front-matter",
                    "`feed: true` in the home section does nothing: the site feed is set in site.yaml",
                )
                .in_file(&home.doc.file)
                .at(home.doc.front.line_of("feed"), None)
                .hint("remove `feed:` from content/_index.md; switch the site feed with `feed:` in site.yaml"),
            );
        }
    }

    /// A section's own terms (`topics:` in its _index.md) are shown as links to their term pages:
    /// a term that no page carries has no term page, so it is an error, not a dead link.
    fn check_section_terms(&self, diagnostics: &mut Diagnostics) {
        for s in self.sections.iter().filter(|s| s.publishes_page()) {
            for (name, terms) in &s.doc.front.taxonomies {
                let Some(tax) =
                    self.taxonomies.iter().find(|t| t.name == *name && t.lang == s.doc.lang)
                else {
                    continue;
                };
                for term in terms {
                    let slug = term_slug(term);
                    if tax.terms.iter().any(|t| t.slug == slug) {
                        continue;
                    }
                    diagnostics.push(
                        Diagnostic::error(
                            "front-matter",
                            format!("the section's {name} term \"{term}\" is on no page, so it has no page to link to"),
                        )
                        .in_file(&s.doc.file)
                        .at(s.doc.front.line_of(name), None)
                        .hint(format!("give one of the section's pages `{name}: [\"{term}\"]`, or remove the term from the section")),
                    );
                }
            }
        }
    }

    /// Two sources that would write the same output file, names that differ only in case, aliases
    /// that shadow real pages.
    fn check_collisions(&self, diagnostics: &mut Diagnostics) {
        // Output path -> who writes it, as messages name it (its file, or what it is when no file
        // makes it: a language's home page without `_index.<code>.md`).
        let mut owners: HashMap<String, String> = HashMap::new();
        let mut lower: HashMap<String, (String, PathBuf)> = HashMap::new();
        let mut claim = |path: &str,
                         file: &PathBuf,
                         line: Option<usize>,
                         what: &str,
                         diagnostics: &mut Diagnostics| {
            if let Some(previous) = owners.get(path) {
                diagnostics.push(
                    Diagnostic::error(
                        "collision",
                        format!("{what} would write {path}, which {previous} also writes"),
                    )
                    .in_file(file)
                    .at(line, None)
                    .hint("give one of them another `slug:` or file name"),
                );
                return;
            }
            let owner = if file.as_os_str().is_empty() {
                format!("{what} (made without a file)")
            } else {
                file.display().to_string()
            };
            owners.insert(path.to_string(), owner);
            let folded = path.to_lowercase();
            if let Some((other_path, other_file)) = lower.get(&folded) {
                if other_path != path {
                    diagnostics.push(
                        Diagnostic::error("collision", format!("{path} differs only in letter case from {other_path} ({})", other_file.display()))
                            .in_file(file)
                            .at(line, None)
                            .hint("rename one of them: the two would overwrite each other on case-insensitive file systems (macOS, Windows)"),
                    );
                }
            } else {
                lower.insert(folded, (path.to_string(), file.clone()));
            }
        };
        for s in self.sections.iter().filter(|s| s.publishes_page()) {
            let what = if s.dir.is_empty() {
                format!("the `{}` home page", s.doc.lang)
            } else {
                "this section".to_string()
            };
            claim(&s.path, &s.doc.file, None, &what, diagnostics);
        }
        for p in &self.pages {
            claim(&p.path, &p.doc.file, p.doc.front.line_of("slug"), "this page", diagnostics);
        }
        for t in &self.taxonomies {
            let f = PathBuf::from(crate::config::CONFIG_FILE);
            claim(&t.path, &f, None, &format!("the taxonomy `{}`", t.name), diagnostics);
        }
        // Pages' aliases, then those of sections with a page of their own (in the order of
        // `render::alias_targets`): the same checks and messages for both.
        let alias_holders = self
            .pages
            .iter()
            .map(|p| &p.doc)
            .chain(self.sections.iter().filter(|s| s.publishes_page()).map(|s| &s.doc));
        let mut alias_owners: HashMap<String, PathBuf> = HashMap::new();
        for doc in alias_holders {
            for (i, alias) in doc.front.aliases.iter().enumerate() {
                let alias = paths::normalise_alias(alias);
                let line =
                    doc.front.alias_lines.get(i).copied().or_else(|| doc.front.line_of("aliases"));
                if let Some(owner) = owners.get(&alias) {
                    diagnostics.push(
                        Diagnostic::error(
                            "collision",
                            format!("the alias {alias} shadows {owner}, a real page"),
                        )
                        .in_file(&doc.file)
                        .at(line, None)
                        .hint("remove the alias, or move the page that lives there"),
                    );
                } else if let Some(other) =
                    alias_owners.get(&alias).filter(|other| **other != doc.file)
                {
                    diagnostics.push(
                        Diagnostic::error("collision", format!("the alias {alias} is also an alias of {}", other.display()))
                            .in_file(&doc.file)
                            .at(line, None)
                            .hint("an old path can redirect to one page only: remove one of the two aliases"),
                    );
                } else {
                    alias_owners.insert(alias, doc.file.clone());
                }
            }
        }
    }
}

/// A term's name as one term: lowercased, accents taken off (`Café` and `cafe` are one term).
fn same_term_name(name: &str) -> String {
    let lower = name.to_lowercase();
    if lower.is_ascii() {
        return lower;
    }
    icu_normalizer::DecomposingNormalizerBorrowed::new_nfd()
        .normalize(&lower)
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect()
}

/// Whether a taxonomy term has a URL: its slug is a path segment, not `.` or `..` (a term of
/// dots alone, which the front matter refuses at its line).
pub fn term_has_url(name: &str) -> bool {
    // A letter or digit of ASCII is in the slug: the usual term needs no slug made to know.
    name.bytes().any(|b| b.is_ascii_alphanumeric())
        || !matches!(term_slug(name).as_str(), "" | "." | "..")
}

/// The slug of a taxonomy term (falls back to the percent-encoded name when it has no ASCII).
pub fn term_slug(name: &str) -> String {
    let s = slugify(name);
    if s.is_empty() {
        encode_path(name.trim())
    } else {
        s
    }
}

fn compare_pages(a: &Page, b: &Page, sort: SortBy) -> std::cmp::Ordering {
    let (fa, fb) = (&a.doc.front, &b.doc.front);
    let date = |f: &FrontMatter| f.date.map(|d| d.timestamp()).unwrap_or(i64::MIN);
    let by_path = a.doc.relative_path.cmp(&b.doc.relative_path);
    match sort {
        SortBy::Date => date(fb).cmp(&date(fa)).then_with(|| fa.title.cmp(&fb.title)).then(by_path),
        SortBy::Title => fa.title.to_lowercase().cmp(&fb.title.to_lowercase()).then(by_path),
        SortBy::Weight => fa
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&fb.weight.unwrap_or(i64::MAX))
            .then_with(|| date(fb).cmp(&date(fa)))
            .then_with(|| fa.title.cmp(&fb.title))
            .then(by_path),
    }
}

fn parent_dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// The folder whose section a page belongs to (a bundle's is the folder above its own).
fn page_dir(doc: &Document) -> &str {
    match doc.kind {
        DocKind::Bundle => parent_dir(parent_dir(&doc.relative_path)),
        _ => parent_dir(&doc.relative_path),
    }
}

/// The section made up for a folder of language `code` without its `_index.md` (or
/// `_index.<code>.md`).
fn implicit_section(config: &Config, code: &str, dir: &str) -> Document {
    let title = if dir.is_empty() {
        config.language_settings(code).map_or(&config.title, |l| &l.title).clone()
    } else {
        dir.rsplit('/').next().unwrap_or(dir).replace(['-', '_'], " ")
    };
    let original = if dir.is_empty() { "_index.md".into() } else { format!("{dir}/_index.md") };
    let (relative_path, original) = if code == config.language {
        (original, None)
    } else {
        (original.replace("_index.md", &format!("_index.{code}.md")), Some(original))
    };
    Document {
        kind: DocKind::Section,
        relative_path,
        file: PathBuf::new(),
        front: FrontMatter {
            title,
            extra: serde_json::Value::Object(Default::default()),
            taxonomies: config
                .taxonomies_of(code)
                .iter()
                .map(|t| (t.clone(), Vec::new()))
                .collect(),
            ..FrontMatter::default()
        },
        body: String::new(),
        body_first_line: 1,
        body_released: false,
        hash: 0,
        lang: code.to_string(),
        original,
    }
}
