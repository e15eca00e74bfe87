//! The built-in search index: built from the rendered bodies, written by `charter build` (and kept
//! current by `serve`) as ordinary outputs under `/search-index/<lang>/`, read in the browser by
//! the theme's `search.js`. Per language:
//!
//! - `index.json`, the manifest: the number of documents and the first term of each term chunk;
//! - `t/<n>.json`: chunk `n` of the sorted terms, `{"term": [doc, weight, doc gap, weight, ...]}`
//!   (doc ids ascending, each after the first as the gap from the previous one);
//! - `d/<first>.json`: a fragment group, the fragments (title, URL, section and plain text, for
//!   the snippet) of a few neighbouring documents as a list, named by the id of its first. The
//!   manifest's `groups` gives the number of documents of each group, a digit each.
//!
//! A query fetches the manifest, the chunk of each word (the chunks a prefix spans for the last
//! word, at most [`PREFIX_CHUNKS`]) and the fragment groups of the first results only.
//!
//! Groups ([`fragment_groups`]) make a file per two or three documents of an ordinary site
//! instead of one each: on a disk, creating files is the largest cost of writing the index. A
//! group closes before a document that would take it past [`GROUP_BYTES`] (so a result costs at
//! most about that to show, or its own fragment if larger), at [`GROUP_MAX_DOCS`], and after a
//! document whose path hashes to a multiple of [`GROUP_HASH_EVERY`]: so a body edit that changes
//! a fragment's size regroups the documents up to the next such one only, and names no other
//! group anew.
//!
//! [`text`] reads a page's plain text and its words: lowercased runs of letters and digits, an
//! apostrophe between two letters kept in the word (Ukrainian `з'єднання`, English `don't`),
//! written `'` whatever the apostrophe typed. [`counting`] counts them into postings.
//! docs/search.md describes it all for users.

mod counting;
mod text;

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use counting::{weighted_terms, Postings};
pub use text::{plain_text, words};

use crate::config::Config;
use crate::content::load::Document;
use crate::content::{Library, PageId, SectionId};
use crate::markdown::Rendered;
use crate::options::Retain;
use crate::spill::{Spill, SpilledText};
use std::sync::Arc;

/// The folder of the index in the output.
pub const INDEX_DIR: &str = "search-index";
/// A term chunk is closed once it holds this many bytes (one term's postings may exceed it).
pub const CHUNK_BYTES: usize = 24 * 1024;
/// Past this many bytes, a chunk also closes after a term whose hash is a multiple of
/// [`CHUNK_HASH_EVERY`]: boundaries then depend on the terms, not on the bytes before them, so an
/// edit that adds or removes a few terms moves the boundaries of its own chunks only.
const CHUNK_MIN_BYTES: usize = CHUNK_BYTES / 2;
const CHUNK_HASH_EVERY: u32 = 32;
/// At most this many chunks are fetched for the prefix of the last word typed (search.js).
pub const PREFIX_CHUNKS: usize = 3;
/// A fragment group closes before a document that would take it past this many bytes.
pub const GROUP_BYTES: usize = 12 * 1024;
/// A fragment group holds at most this many documents (the manifest writes each count as a digit).
pub const GROUP_MAX_DOCS: usize = 8;
/// A fragment group also closes after a document whose path's FNV-1a hash is a multiple of this.
const GROUP_HASH_EVERY: u32 = 4;
/// The plain text kept for snippets, in characters (words beyond it are indexed all the same).
pub const SNIPPET_TEXT_CHARS: usize = 30_000;
/// Words longer than this (in characters) are not indexed: hashes, long URLs.
pub const MAX_WORD_CHARS: usize = 40;
/// How much a word in the title weighs against one occurrence in the text.
const TITLE_WEIGHT: u32 = 20;
const MAX_WEIGHT: u32 = 999;

/// One document of an index: a page, or a section with text of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Indexed {
    Page(PageId),
    Section(SectionId),
}

/// The index of one language.
#[derive(Debug, Clone, Default)]
pub struct LanguageIndex {
    pub lang: String,
    /// Doc id -> the document.
    pub docs: Vec<Indexed>,
    /// Term -> (doc id, weight), by doc id.
    postings: FxHashMap<String, Vec<(u32, u32)>>,
    /// Every term in order with its entry in a chunk (`"term":[doc, weight, ...]`), kept so that
    /// an edit writes the entries of its changed terms only.
    entries: Vec<(String, String)>,
    /// The first and the last term of each chunk.
    chunk_terms: Vec<(String, String)>,
    /// The bytes of `index.json`.
    pub manifest: String,
    /// The bytes of each `t/<n>.json`.
    pub chunks: Vec<String>,
    /// Each document's fragment, by doc id (`d/<first>.json` lists those of a group).
    fragments: Vec<Fragment>,
    /// Whether a fragment group closes after each document ([`GROUP_HASH_EVERY`]).
    closes_group: Vec<bool>,
    /// The doc ids of each fragment group.
    groups: Vec<std::ops::Range<usize>>,
}

/// One document's fragment, its JSON. A one-shot build's index moves it to the build's scratch
/// file from the moment it is made (the fragments hold every page's text, the largest part of
/// the index), and reads it back once, to write its group.
#[derive(Debug, Clone)]
enum Fragment {
    Plain(String),
    Spilled(SpilledText),
}

impl Fragment {
    /// The fragment `json`, in `spill` when there is one and it takes it.
    fn new(json: String, spill: Option<&Arc<Spill>>) -> Fragment {
        match spill.map(|spill| SpilledText::new(spill, &json)) {
            Some(Ok(spilled)) => Fragment::Spilled(spilled),
            None | Some(Err(_)) => Fragment::Plain(json),
        }
    }

    /// Its length in bytes, what grouping reads.
    fn bytes(&self) -> usize {
        match self {
            Fragment::Plain(json) => json.len(),
            Fragment::Spilled(spilled) => spilled.len(),
        }
    }

    fn json(&self) -> std::io::Result<std::borrow::Cow<'_, str>> {
        match self {
            Fragment::Plain(json) => Ok(std::borrow::Cow::Borrowed(json)),
            Fragment::Spilled(spilled) => spilled.read().map(std::borrow::Cow::Owned),
        }
    }
}

/// The index's share of a one-shot build's body pass: each page's words and fragment are read
/// while its HTML is at hand, right after it is rendered, so that the build keeps no page's
/// HTML for the index (`crate::render::render_bodies`). It knows each page's document id
/// beforehand: pages come first in an index, in library order ([`documents`]).
pub struct PagesIndexer {
    /// Page id -> (language slot, doc id), for the pages the index holds.
    slots: Vec<Option<(usize, u32)>>,
    /// The languages of the pages, by slot.
    langs: Vec<String>,
    /// The build's scratch file, where the fragments go ([`Fragment`]).
    spill: Arc<Spill>,
}

/// What the body pass read of the pages (one worker's, then all of them merged): by language
/// slot, the postings and the (doc id, fragment) of each page read.
#[derive(Default)]
pub struct IndexedPages {
    by_lang: Vec<(Postings, Vec<(u32, Fragment)>)>,
}

/// What [`SearchIndex::build`] takes from a body pass that read the pages for it.
pub struct PagesRead {
    pub indexer: PagesIndexer,
    pub read: IndexedPages,
}

impl PagesIndexer {
    /// The indexer of `lib`'s pages, or `None` when the site has no search index. The fragments
    /// go to `spill`, the build's scratch file.
    pub fn new(lib: &Library, config: &Config, spill: &Arc<Spill>) -> Option<PagesIndexer> {
        if !config.search {
            return None;
        }
        let mut langs: Vec<String> = Vec::new();
        let mut counts: Vec<u32> = Vec::new();
        let slots = lib
            .pages
            .iter()
            .map(|p| {
                if !wanted(&p.doc) {
                    return None;
                }
                let lang = language_of(&p.doc, config);
                let slot = langs.iter().position(|l| l == lang).unwrap_or_else(|| {
                    langs.push(lang.to_string());
                    counts.push(0);
                    langs.len() - 1
                });
                let id = counts[slot];
                counts[slot] += 1;
                Some((slot, id))
            })
            .collect();
        Some(PagesIndexer { slots, langs, spill: spill.clone() })
    }

    /// Reads page `pid`'s words and fragment from its `html` into `into`.
    pub fn read(
        &self,
        into: &mut IndexedPages,
        lib: &Library,
        pid: PageId,
        html: &str,
        config: &Config,
    ) {
        let Some(&Some((slot, id))) = self.slots.get(pid) else { return };
        if into.by_lang.len() <= slot {
            into.by_lang.resize_with(slot + 1, Default::default);
        }
        let s = source(lib, &[], &[], Indexed::Page(pid));
        let (postings, fragments) = &mut into.by_lang[slot];
        read_document(postings, fragments, id, &s, html, config, Some(&self.spill));
    }
}

/// Reads document `id`, `s` with its body's `html`, into a worker's postings (its words) and
/// fragments (its fragment): the one reading of a document, in a one-shot build's body pass
/// ([`PagesIndexer`]) as in [`SearchIndex::build`].
fn read_document(
    postings: &mut Postings,
    fragments: &mut Vec<(u32, Fragment)>,
    id: u32,
    s: &Source<'_>,
    html: &str,
    config: &Config,
    spill: Option<&Arc<Spill>>,
) {
    let text = plain_text(html);
    postings.add_words(id, &s.doc.front.title, &text);
    fragments.push((id, Fragment::new(fragment(s, &text, config), spill)));
}

impl IndexedPages {
    /// What two workers read.
    pub fn merge(mut self, other: IndexedPages) -> IndexedPages {
        if self.by_lang.len() < other.by_lang.len() {
            self.by_lang.resize_with(other.by_lang.len(), Default::default);
        }
        for (slot, (postings, fragments)) in other.by_lang.into_iter().enumerate() {
            let (into_postings, into_fragments) = std::mem::take(&mut self.by_lang[slot]);
            let mut into_fragments = into_fragments;
            into_fragments.extend(fragments);
            self.by_lang[slot] = (into_postings.merge(postings), into_fragments);
        }
        self
    }
}

/// Every language's index (none when `search: false`).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    pub languages: Vec<LanguageIndex>,
    /// Whether it keeps what [`SearchIndex::update_page`] edits (not for a one-shot build).
    updatable: bool,
}

/// The language of a document. The one place that decides which index holds a document.
fn language_of<'a>(doc: &'a Document, _config: &'a Config) -> &'a str {
    &doc.lang
}

/// Whether a document goes into the index: published, not a draft, not `search: false`.
fn wanted(doc: &Document) -> bool {
    !doc.front.draft && doc.front.search != Some(false)
}

/// The documents of the index, in the order of their ids: pages in library order, then sections
/// with a page of their own and text in their body.
fn documents(lib: &Library, section_bodies: &[Rendered]) -> Vec<Indexed> {
    let pages = lib
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| wanted(&p.doc))
        .map(|(pid, _)| Indexed::Page(pid));
    let sections = lib
        .sections
        .iter()
        .enumerate()
        .filter(|(sid, s)| {
            s.publishes_page()
                && wanted(&s.doc)
                && section_bodies
                    .get(*sid)
                    .is_some_and(|b| !plain_text(&b.html.text()).trim().is_empty())
        })
        .map(|(sid, _)| Indexed::Section(sid));
    pages.chain(sections).collect()
}

/// What the index reads of one document.
struct Source<'a> {
    doc: &'a Document,
    path: &'a str,
    /// The title of the section it is in ("" at the top).
    section: &'a str,
    body: Option<&'a crate::markdown::SharedHtml>,
}

impl Source<'_> {
    /// The document's HTML (unpacked if its body is packed: only this reads it).
    fn html(&self) -> std::borrow::Cow<'_, str> {
        self.body.map(|b| b.text()).unwrap_or_default()
    }
}

fn source<'a>(
    lib: &'a Library,
    pages: &'a [Rendered],
    sections: &'a [Rendered],
    d: Indexed,
) -> Source<'a> {
    let section_title = |sid: Option<SectionId>| match sid {
        Some(s) if s != lib.root() => lib.sections[s].doc.front.title.as_str(),
        _ => "",
    };
    match d {
        Indexed::Page(pid) => {
            let p = &lib.pages[pid];
            Source {
                doc: &p.doc,
                path: &p.path,
                section: section_title(Some(p.section)),
                body: pages.get(pid).map(|b| &b.html),
            }
        }
        Indexed::Section(sid) => {
            let s = &lib.sections[sid];
            Source {
                doc: &s.doc,
                path: &s.path,
                section: section_title(s.parent),
                body: sections.get(sid).map(|b| &b.html),
            }
        }
    }
}

impl SearchIndex {
    /// The index of every language of `lib` (empty when the site says `search: false`). With
    /// [`Retain::ForOneBuild`] it keeps only the bytes it writes: the postings and the serialised
    /// entries [`SearchIndex::update_page`] edits (on the 10,000-page corpus about 14 MB) are
    /// dropped as soon as the chunks are made.
    ///
    /// `pages_read`, when given, holds what a one-shot build's body pass already read of every
    /// page ([`PagesIndexer`]): the pages' HTML is gone by now, and only the sections are read
    /// here.
    pub fn build(
        lib: &Library,
        pages: &[Rendered],
        sections: &[Rendered],
        config: &Config,
        retain: Retain,
        pages_read: Option<PagesRead>,
    ) -> SearchIndex {
        if !config.search {
            return SearchIndex::default();
        }
        let (indexer, mut read) = match pages_read {
            Some(PagesRead { indexer, read }) => (Some(indexer), read),
            None => (None, IndexedPages::default()),
        };
        let spill = indexer.as_ref().map(|indexer| &indexer.spill);
        let mut by_lang: Vec<LanguageIndex> = Vec::new();
        for d in documents(lib, sections) {
            let lang = language_of(source(lib, pages, sections, d).doc, config);
            match by_lang.iter_mut().find(|l| l.lang == lang) {
                Some(l) => l.docs.push(d),
                None => by_lang.push(LanguageIndex {
                    lang: lang.to_string(),
                    docs: vec![d],
                    ..LanguageIndex::default()
                }),
            }
        }
        // The default language first, then the others in the order met.
        by_lang.sort_by_key(|l| l.lang != config.language);
        for l in &mut by_lang {
            // What the body pass read of this language's pages, if it did.
            let (read_postings, read_fragments) = indexer
                .as_ref()
                .and_then(|indexer| indexer.langs.iter().position(|lang| *lang == l.lang))
                .and_then(|slot| read.by_lang.get_mut(slot))
                .map(std::mem::take)
                .unwrap_or_default();
            let unread = |d: &Indexed| indexer.is_none() || matches!(d, Indexed::Section(_));
            // Each worker counts the words of a run of documents (in id order) straight into
            // postings of its own: one string per term and worker, not per word and document.
            let (postings, mut fragments) = l
                .docs
                .par_iter()
                .enumerate()
                .filter(|(_, d)| unread(d))
                .fold(
                    || (Postings::default(), Vec::new()),
                    |(mut postings, mut fragments), (id, &d)| {
                        let s = source(lib, pages, sections, d);
                        let html = s.html();
                        read_document(
                            &mut postings,
                            &mut fragments,
                            id as u32,
                            &s,
                            &html,
                            config,
                            spill,
                        );
                        (postings, fragments)
                    },
                )
                .reduce(
                    || (Postings::default(), Vec::new()),
                    |(a, mut fa), (b, fb)| {
                        fa.extend(fb);
                        (a.merge(b), fa)
                    },
                );
            let postings = postings.merge(read_postings);
            fragments.extend(read_fragments);
            assert_eq!(fragments.len(), l.docs.len(), "one fragment per document of the index");
            fragments.sort_unstable_by_key(|(id, _)| *id);
            l.fragments = fragments.into_iter().map(|(_, f)| f).collect();
            l.closes_group = l
                .docs
                .iter()
                .map(|&d| {
                    term_hash(source(lib, pages, sections, d).path).is_multiple_of(GROUP_HASH_EVERY)
                })
                .collect();
            l.groups = fragment_groups(&l.fragments, &l.closes_group);
            let mut terms = postings.into_terms();
            terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
            match retain {
                Retain::ForRebuilds => {
                    l.entries = terms
                        .par_iter_mut()
                        .map(|(term, list)| (term.clone(), counted_entry(term, list)))
                        .collect();
                    l.chunk(&[]);
                    l.postings = terms.into_iter().collect();
                }
                // Each term's postings are dropped as soon as its entry is made, and the entries
                // once the chunks are: the three are never held whole together.
                Retain::ForOneBuild => {
                    l.entries = terms
                        .into_par_iter()
                        .map(|(term, mut list)| {
                            let entry = counted_entry(&term, &mut list);
                            (term, entry)
                        })
                        .collect();
                    l.chunk(&[]);
                    l.entries = Vec::new();
                }
            }
        }
        SearchIndex { languages: by_lang, updatable: retain == Retain::ForRebuilds }
    }

    /// After a body edit of page `pid` (its front matter unchanged): takes `old_html`'s words out
    /// of the index and the page's current body's in, and serialises again only the entries of
    /// the terms whose postings changed and the chunks holding them. `None` when the page is not
    /// indexed.
    pub fn update_page(
        &mut self,
        lib: &Library,
        pages: &[Rendered],
        sections: &[Rendered],
        config: &Config,
        pid: PageId,
        old_html: &str,
    ) -> Option<PageUpdate> {
        let (l, id) = self.languages.iter_mut().find_map(|l| {
            l.docs.iter().position(|&d| d == Indexed::Page(pid)).map(|id| (l, id as u32))
        })?;
        assert!(self.updatable, "the search index of a one-shot build cannot be updated");
        let s = source(lib, pages, sections, Indexed::Page(pid));
        let text = plain_text(&s.html());
        let old: FxHashMap<String, u32> =
            weighted_terms(&s.doc.front.title, &plain_text(old_html)).into_iter().collect();
        let new: FxHashMap<String, u32> =
            weighted_terms(&s.doc.front.title, &text).into_iter().collect();
        // The terms whose postings change: gone, new, or of another weight.
        let mut changed: Vec<&String> = old
            .iter()
            .filter(|(term, w)| new.get(*term) != Some(*w))
            .map(|(term, _)| term)
            .chain(new.keys().filter(|term| !old.contains_key(*term)))
            .collect();
        changed.sort_unstable();
        for &term in &changed {
            let list = l.postings.entry(term.clone()).or_default();
            list.retain(|&(d, _)| d != id);
            if let Some(&weight) = new.get(term) {
                let at = list.partition_point(|&(d, _)| d < id);
                list.insert(at, (id, weight));
            }
            let at = l.entries.binary_search_by(|(t, _)| t.as_str().cmp(term));
            match (list.is_empty(), at) {
                (true, Ok(at)) => {
                    l.entries.remove(at);
                }
                (true, Err(_)) => {}
                (false, Ok(at)) => l.entries[at].1 = entry(term, list),
                (false, Err(at)) => l.entries.insert(at, (term.clone(), entry(term, list))),
            }
            if list.is_empty() {
                l.postings.remove(term);
            }
        }
        l.fragments[id as usize] = Fragment::Plain(fragment(&s, &text, config));
        let (groups_written, groups_removed) =
            regroup_around(&mut l.groups, &l.fragments, &l.closes_group, id as usize);
        let changed: Vec<&str> = changed.iter().map(|t| t.as_str()).collect();
        let chunks_before = l.chunks.len();
        let manifest_before = std::mem::take(&mut l.manifest);
        let changed_chunks = l.chunk(&changed);
        Some(PageUpdate {
            lang: l.lang.clone(),
            chunks_before,
            chunks_after: l.chunks.len(),
            manifest_changed: l.manifest != manifest_before,
            changed_chunks,
            groups_written,
            groups_removed,
        })
    }

    pub fn language(&self, lang: &str) -> Option<&LanguageIndex> {
        self.languages.iter().find(|l| l.lang == lang)
    }
}

/// Groups the fragments again after document `id`'s changed, in place: groups never cross a
/// document that closes one by its hash, so only the run of documents between the boundaries
/// around `id` can be grouped otherwise. Returns the groups to write (`id`'s and any new) and
/// those gone, by first document, in order: the same as [`fragment_groups`] over every document
/// would give, at the cost of one run.
fn regroup_around(
    groups: &mut Vec<std::ops::Range<usize>>,
    fragments: &[Fragment],
    closes_group: &[bool],
    id: usize,
) -> (Vec<usize>, Vec<usize>) {
    let start = closes_group[..id].iter().rposition(|&c| c).map_or(0, |i| i + 1);
    let end = closes_group[id..].iter().position(|&c| c).map_or(fragments.len(), |i| id + i + 1);
    let regrouped: Vec<std::ops::Range<usize>> =
        fragment_groups(&fragments[start..end], &closes_group[start..end])
            .into_iter()
            .map(|g| g.start + start..g.end + start)
            .collect();
    let first = groups.partition_point(|g| g.start < start);
    let last = groups.partition_point(|g| g.start < end);
    let before: Vec<std::ops::Range<usize>> =
        groups.splice(first..last, regrouped.iter().cloned()).collect();
    let written = regrouped
        .iter()
        .filter(|g| g.contains(&id) || !before.contains(g))
        .map(|g| g.start)
        .collect();
    let removed = before
        .iter()
        .map(|g| g.start)
        .filter(|s| !regrouped.iter().any(|g| g.start == *s))
        .collect();
    (written, removed)
}

/// Cuts the fragments (by doc id) into groups of neighbours: each closes before a fragment that
/// would take it past [`GROUP_BYTES`], at [`GROUP_MAX_DOCS`], and after a document that
/// `closes_group` (see the module's documentation).
fn fragment_groups(fragments: &[Fragment], closes_group: &[bool]) -> Vec<std::ops::Range<usize>> {
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut bytes = 0;
    let mut closed = true;
    for (id, f) in fragments.iter().enumerate() {
        let full = |g: &std::ops::Range<usize>| {
            g.len() >= GROUP_MAX_DOCS || bytes + 1 + f.bytes() > GROUP_BYTES
        };
        match groups.last_mut() {
            Some(g) if !closed && !full(g) => g.end = id + 1,
            _ => {
                groups.push(id..id + 1);
                bytes = 1;
            }
        }
        bytes += 1 + f.bytes();
        closed = closes_group.get(id).copied().unwrap_or(true);
    }
    groups
}

impl LanguageIndex {
    /// The first doc id of each fragment group (`d/<first>.json`).
    pub fn group_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.groups.iter().map(|g| g.start)
    }

    /// The bytes of the fragment group that starts at doc `first`: its fragments as a list
    /// (`None`: no group starts there; an error: a fragment could not be read back from the
    /// build's scratch file).
    pub fn group_file(&self, first: usize) -> Option<std::io::Result<String>> {
        let at = self.groups.binary_search_by_key(&first, |g| g.start).ok()?;
        let fragments = &self.fragments[self.groups[at].clone()];
        let mut out =
            String::with_capacity(fragments.iter().map(|f| f.bytes() + 1).sum::<usize>() + 1);
        for (i, f) in fragments.iter().enumerate() {
            out.push(if i == 0 { '[' } else { ',' });
            match f.json() {
                Ok(json) => out.push_str(&json),
                Err(e) => return Some(Err(e)),
            }
        }
        out.push(']');
        Some(Ok(out))
    }
}

/// What a body edit changed in a language's index ([`SearchIndex::update_page`]).
#[derive(Debug, Clone)]
pub struct PageUpdate {
    pub lang: String,
    /// The number of term chunks before and after (the chunks past the new number are gone).
    pub chunks_before: usize,
    pub chunks_after: usize,
    /// The chunks whose bytes changed (or are new), ascending.
    pub changed_chunks: Vec<usize>,
    /// Whether `index.json` changed (chunk boundaries moved).
    pub manifest_changed: bool,
    /// The fragment groups written again or new (the page's, and any regrouped), by first doc.
    pub groups_written: Vec<usize>,
    /// The fragment groups gone (their documents are in other groups now), by first doc.
    pub groups_removed: Vec<usize>,
}

impl LanguageIndex {
    /// Cuts the entries into chunks (see [`CHUNK_MIN_BYTES`]) and writes the
    /// manifest. A chunk with the same first and last term as before and none of the `changed`
    /// terms (sorted) between them keeps its bytes; returns the chunks written again or new.
    fn chunk(&mut self, changed: &[&str]) -> Vec<usize> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        let mut bytes = 0;
        for (i, (term, entry)) in self.entries.iter().enumerate() {
            // `{` or `,` before each entry.
            bytes += 1 + entry.len();
            if bytes >= CHUNK_BYTES
                || (bytes >= CHUNK_MIN_BYTES && term_hash(term).is_multiple_of(CHUNK_HASH_EVERY))
            {
                spans.push((start, i + 1));
                start = i + 1;
                bytes = 0;
            }
        }
        if start < self.entries.len() {
            spans.push((start, self.entries.len()));
        }
        let mut chunks = Vec::with_capacity(spans.len());
        let mut chunk_terms = Vec::with_capacity(spans.len());
        let mut written = Vec::new();
        let mut old_chunks = std::mem::take(&mut self.chunks).into_iter();
        for (n, &(start, end)) in spans.iter().enumerate() {
            let first = &self.entries[start].0;
            let last = &self.entries[end - 1].0;
            let old = old_chunks.next();
            let unchanged = self.chunk_terms.get(n).is_some_and(|(f, l)| f == first && l == last)
                && {
                    let at = changed.partition_point(|t| *t < first.as_str());
                    changed.get(at).is_none_or(|t| *t > last.as_str())
                };
            match old {
                Some(old) if unchanged => chunks.push(old),
                _ => {
                    let size: usize =
                        self.entries[start..end].iter().map(|(_, e)| e.len() + 1).sum();
                    let mut chunk = String::with_capacity(size + 1);
                    for (i, (_, entry)) in self.entries[start..end].iter().enumerate() {
                        chunk.push(if i == 0 { '{' } else { ',' });
                        chunk.push_str(entry);
                    }
                    chunk.push('}');
                    chunks.push(chunk);
                    written.push(n);
                }
            }
            chunk_terms.push((first.clone(), last.clone()));
        }
        let firsts: Vec<&str> = chunk_terms.iter().map(|(f, _)| f.as_str()).collect();
        self.manifest = serde_json::json!({
            "version": 1,
            "lang": self.lang,
            "docs": self.docs.len(),
            "prefix_chunks": PREFIX_CHUNKS,
            "max_word": MAX_WORD_CHARS,
            "groups": self.groups.iter().map(|g| char::from(b'0' + g.len() as u8)).collect::<String>(),
            "chunks": firsts,
        })
        .to_string();
        self.chunks = chunks;
        self.chunk_terms = chunk_terms;
        written
    }
}

/// FNV-1a of a term's bytes: the same on every machine and in every version.
fn term_hash(term: &str) -> u32 {
    term.bytes().fold(0x811c_9dc5, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// A term's entry made from its postings as the workers counted them (in no order).
fn counted_entry(term: &str, list: &mut [(u32, u32)]) -> String {
    list.sort_unstable();
    entry(term, list)
}

/// A term's entry in a chunk: `"term":[doc, weight, doc gap, weight, ...]`.
fn entry(term: &str, list: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(term.len() + 4 + list.len() * 6);
    push_json_string(&mut out, term);
    out.push_str(":[");
    let mut numbers = itoa::Buffer::new();
    let mut previous = 0;
    for (i, &(doc, weight)) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(numbers.format(if i == 0 { doc } else { doc - previous }));
        previous = doc;
        out.push(',');
        out.push_str(numbers.format(weight));
    }
    out.push(']');
    out
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escaped.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escaped);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// Appends `text`, which holds no control character ([`plain_text`]), as a JSON string: only `"`
/// and `\` need escaping.
fn push_json_text(out: &mut String, text: &str) {
    debug_assert!(!text.bytes().any(|b| b < 0x20));
    out.push('"');
    let mut rest = text;
    while let Some(at) = memchr::memchr2(b'"', b'\\', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        out.push('\\');
        out.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

/// A document's fragment: `{"t": title, "u": URL, "s": section, "x": text}`.
fn fragment(s: &Source, text: &str, config: &Config) -> String {
    // A text of no more bytes than the limit in characters is within it.
    let cut = if text.len() <= SNIPPET_TEXT_CHARS {
        None
    } else {
        text.char_indices().nth(SNIPPET_TEXT_CHARS).map(|(cut, _)| cut)
    };
    let text = cut.map_or(text, |cut| &text[..cut]);
    let url = format!("{}{}", config.base_path(), crate::text::encode_path(s.path));
    let mut out = String::with_capacity(text.len() + 200);
    for (i, (key, value)) in
        [("t", s.doc.front.title.as_str()), ("u", &url), ("s", s.section)].into_iter().enumerate()
    {
        out.push_str(if i == 0 { "{\"" } else { ",\"" });
        out.push_str(key);
        out.push_str("\":");
        push_json_string(&mut out, value);
    }
    out.push_str(",\"x\":");
    push_json_text(&mut out, text);
    out.push('}');
    out
}

/// The output path of a language's manifest, chunk or fragment.
pub fn manifest_path(lang: &str) -> String {
    format!("{INDEX_DIR}/{lang}/index.json")
}
pub fn chunk_path(lang: &str, chunk: usize) -> String {
    format!("{INDEX_DIR}/{lang}/t/{chunk}.json")
}
pub fn fragment_path(lang: &str, first: usize) -> String {
    format!("{INDEX_DIR}/{lang}/d/{first}.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn regrouping_around_an_edit_gives_what_grouping_everything_gives() {
        let mut next = super::text::tests::pseudo_random(0x9e37_79b9_7f4a_7c15);
        for round in 0..300 {
            let n = 1 + next(60);
            let mut fragments: Vec<Fragment> =
                (0..n).map(|_| Fragment::Plain("x".repeat(1 + next(5000)))).collect();
            let closes: Vec<bool> = (0..n).map(|_| next(4) == 0).collect();
            let mut groups = fragment_groups(&fragments, &closes);
            let id = next(n);
            fragments[id] = Fragment::Plain("x".repeat(next(2) * next(GROUP_BYTES + 100)));
            let expected = fragment_groups(&fragments, &closes);
            let before = groups.clone();
            let (written, removed) = regroup_around(&mut groups, &fragments, &closes, id);
            assert_eq!(groups, expected, "round {round}");
            let expected_written: Vec<usize> = expected
                .iter()
                .filter(|g| g.contains(&id) || !before.contains(g))
                .map(|g| g.start)
                .collect();
            let expected_removed: Vec<usize> = before
                .iter()
                .map(|g| g.start)
                .filter(|s| !expected.iter().any(|g| g.start == *s))
                .collect();
            assert_eq!((written, removed), (expected_written, expected_removed), "round {round}");
        }
    }

    #[test]
    fn fragment_groups_keep_to_their_bytes_and_regroup_only_up_to_the_next_boundary() {
        let sized = |n: usize| Fragment::Plain("x".repeat(n));
        // 40 documents of 3 KB, a boundary after every fifth.
        let mut fragments: Vec<Fragment> = (0..40).map(|_| sized(3000)).collect();
        let closes: Vec<bool> = (0..40).map(|i| i % 5 == 4).collect();
        let groups = fragment_groups(&fragments, &closes);
        assert_eq!(groups.iter().map(|g| g.len()).sum::<usize>(), 40);
        for g in &groups {
            let bytes: usize =
                fragments[g.clone()].iter().map(|f| f.bytes() + 1).sum::<usize>() + 1;
            assert!(bytes <= GROUP_BYTES && g.len() <= GROUP_MAX_DOCS, "{g:?}: {bytes} bytes");
            // A group never runs past a boundary.
            assert!(g.clone().take(g.len() - 1).all(|d| !closes[d]), "{g:?}");
        }
        // Document 11 grows past the limit: it stands alone, and the groups of documents 10 to
        // 14 (up to the boundary after 14) are cut otherwise; every other group stays.
        fragments[11] = sized(GROUP_BYTES + 10);
        let after = fragment_groups(&fragments, &closes);
        assert!(after.contains(&(11..12)), "{after:?}");
        let outside = |g: &std::ops::Range<usize>| g.end <= 10 || g.start >= 15;
        let kept: Vec<_> = groups.iter().filter(|g| outside(g)).collect();
        let kept_after: Vec<_> = after.iter().filter(|g| outside(g)).collect();
        assert_eq!(kept, kept_after);
        // Many small documents: at most GROUP_MAX_DOCS a group.
        let small: Vec<Fragment> = (0..30).map(|_| sized(10)).collect();
        let groups = fragment_groups(&small, &[false; 30]);
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 8, 8, 6]);
    }
}
