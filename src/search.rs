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
//! group anew. Words are
//! lowercased runs of letters and digits; an apostrophe between two letters stays in the word
//! (Ukrainian `з'єднання`, English `don't`), written `'` whatever the apostrophe typed.
//! docs/search.md describes it for users.

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::load::Document;
use crate::content::{Library, PageId, SectionId};
use crate::markdown::Rendered;

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
    pub fragments: Vec<String>,
    /// Whether a fragment group closes after each document ([`GROUP_HASH_EVERY`]).
    closes_group: Vec<bool>,
    /// The doc ids of each fragment group.
    groups: Vec<std::ops::Range<usize>>,
}

/// Every language's index (none when `search: false`).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    pub languages: Vec<LanguageIndex>,
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
                && section_bodies.get(*sid).is_some_and(|b| !plain_text(&b.html).trim().is_empty())
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
    html: &'a str,
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
                html: pages.get(pid).map(|b| &*b.html).unwrap_or_default(),
            }
        }
        Indexed::Section(sid) => {
            let s = &lib.sections[sid];
            Source {
                doc: &s.doc,
                path: &s.path,
                section: section_title(s.parent),
                html: sections.get(sid).map(|b| &*b.html).unwrap_or_default(),
            }
        }
    }
}

impl SearchIndex {
    /// The index of every language of `lib` (empty when the site says `search: false`).
    pub fn build(
        lib: &Library,
        pages: &[Rendered],
        sections: &[Rendered],
        config: &Config,
    ) -> SearchIndex {
        if !config.search {
            return SearchIndex::default();
        }
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
            // Each worker counts the words of a run of documents (in id order) straight into
            // postings of its own: one string per term and worker, not per word and document.
            let (postings, mut fragments) = l
                .docs
                .par_iter()
                .enumerate()
                .fold(
                    || (Postings::default(), Vec::new()),
                    |(mut postings, mut fragments), (id, &d)| {
                        let s = source(lib, pages, sections, d);
                        let text = plain_text(s.html);
                        postings.add_words(id as u32, &s.doc.front.title, &text);
                        fragments.push((id, fragment(&s, &text, config)));
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
            l.entries = terms
                .par_iter_mut()
                .map(|(term, list)| {
                    list.sort_unstable();
                    (term.clone(), entry(term, list))
                })
                .collect();
            l.postings = terms.into_iter().collect();
            l.chunk(&[]);
        }
        SearchIndex { languages: by_lang }
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
        let s = source(lib, pages, sections, Indexed::Page(pid));
        let text = plain_text(s.html);
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
        l.fragments[id as usize] = fragment(&s, &text, config);
        let groups = fragment_groups(&l.fragments, &l.closes_group);
        let regrouped = l.groups.len() != groups.len()
            || l.groups.iter().zip(&groups).any(|(a, b)| a.start != b.start);
        let (groups_written, groups_removed) = {
            let before: FxHashMap<usize, usize> =
                l.groups.iter().map(|g| (g.start, g.end)).collect();
            let after: FxHashMap<usize, usize> = groups.iter().map(|g| (g.start, g.end)).collect();
            let mut written: Vec<usize> = groups
                .iter()
                .filter(|g| g.contains(&(id as usize)) || before.get(&g.start) != Some(&g.end))
                .map(|g| g.start)
                .collect();
            written.sort_unstable();
            let mut removed: Vec<usize> =
                l.groups.iter().map(|g| g.start).filter(|s| !after.contains_key(s)).collect();
            removed.sort_unstable();
            (written, removed)
        };
        l.groups = groups;
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
            regrouped,
        })
    }

    pub fn language(&self, lang: &str) -> Option<&LanguageIndex> {
        self.languages.iter().find(|l| l.lang == lang)
    }
}

/// Cuts the fragments (by doc id) into groups of neighbours: each closes before a fragment that
/// would take it past [`GROUP_BYTES`], at [`GROUP_MAX_DOCS`], and after a document that
/// `closes_group` (see the module's documentation).
fn fragment_groups(fragments: &[String], closes_group: &[bool]) -> Vec<std::ops::Range<usize>> {
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut bytes = 0;
    let mut closed = true;
    for (id, f) in fragments.iter().enumerate() {
        let full = |g: &std::ops::Range<usize>| {
            g.len() >= GROUP_MAX_DOCS || bytes + 1 + f.len() > GROUP_BYTES
        };
        match groups.last_mut() {
            Some(g) if !closed && !full(g) => g.end = id + 1,
            _ => {
                groups.push(id..id + 1);
                bytes = 1;
            }
        }
        bytes += 1 + f.len();
        closed = closes_group.get(id).copied().unwrap_or(true);
    }
    groups
}

impl LanguageIndex {
    /// The first doc id of each fragment group (`d/<first>.json`).
    pub fn group_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.groups.iter().map(|g| g.start)
    }

    /// The bytes of the fragment group that starts at doc `first`: its fragments as a list.
    pub fn group_file(&self, first: usize) -> Option<String> {
        let at = self.groups.binary_search_by_key(&first, |g| g.start).ok()?;
        let fragments = &self.fragments[self.groups[at].clone()];
        let mut out =
            String::with_capacity(fragments.iter().map(|f| f.len() + 1).sum::<usize>() + 1);
        for (i, f) in fragments.iter().enumerate() {
            out.push(if i == 0 { '[' } else { ',' });
            out.push_str(f);
        }
        out.push(']');
        Some(out)
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
    /// Whether the groups are cut otherwise (a group new or gone: other output paths).
    pub regrouped: bool,
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

/// Appends `text`, which holds no control character ([`push_text`]), as a JSON string: only `"`
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

/// The postings of the documents one worker reads: term -> (doc id, weight), by doc id. A term
/// of at most 16 bytes (nearly every word) is kept as a [`ShortWord`], which is hashed and compared
/// without reading a string elsewhere in memory; on the 10,000-page corpus that halves the cost
/// of counting words.
#[derive(Default)]
struct Postings {
    short: FxHashMap<ShortWord, Vec<(u32, u32)>>,
    long: FxHashMap<String, Vec<(u32, u32)>>,
    /// The counts of the document being read (kept between documents for their room).
    doc_short: WordCounts,
    doc_long: FxHashMap<String, u32>,
}

impl Postings {
    /// Adds the words of document `id` (a title and a text), with their weights as in
    /// [`weighted_terms`].
    fn add_words(&mut self, id: u32, title: &str, text: &str) {
        // The document's words are counted first in a table of its own, small enough to stay
        // in the cache, and each term then goes once into the worker's postings.
        let (short, long) = (&mut self.doc_short, &mut self.doc_long);
        let mut count = |w: &str, by: u32| {
            if w.len() <= ShortWord::BYTES {
                short.add(ShortWord::of(w.as_bytes()), by);
            } else if let Some(c) = long.get_mut(w) {
                *c += by;
            } else {
                long.insert(w.to_string(), by);
            }
        };
        for_each_word(title, |w| count(w, TITLE_WEIGHT));
        for_each_word(text, |w| count(w, 1));
        let postings = &mut self.short;
        self.doc_short.drain(|w, c| postings.entry(w).or_default().push((id, c.min(MAX_WEIGHT))));
        for (w, c) in self.doc_long.drain() {
            self.long.entry(w).or_default().push((id, c.min(MAX_WEIGHT)));
        }
    }

    /// The postings of both workers (each list sorted again in [`Postings::into_terms`]).
    fn merge(self, other: Postings) -> Postings {
        fn merge_map<K: std::hash::Hash + Eq>(
            a: FxHashMap<K, Vec<(u32, u32)>>,
            b: FxHashMap<K, Vec<(u32, u32)>>,
        ) -> FxHashMap<K, Vec<(u32, u32)>> {
            let (mut into, from) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (term, list) in from {
                into.entry(term).or_default().extend(list);
            }
            into
        }
        Postings {
            short: merge_map(self.short, other.short),
            long: merge_map(self.long, other.long),
            ..Postings::default()
        }
    }

    /// Every term with its postings, the terms in no particular order.
    fn into_terms(self) -> Vec<(String, Vec<(u32, u32)>)> {
        self.short.into_iter().map(|(w, list)| (w.text(), list)).chain(self.long).collect()
    }
}

/// The counts of one document's short words: an open-addressing table (linear probing, at most
/// half full) that remembers its used slots, so that emptying it costs what it holds. On the
/// corpus it counts words about twice as fast as a general hash map.
#[derive(Default)]
struct WordCounts {
    slots: Vec<(ShortWord, u32)>,
    used: Vec<u32>,
    /// log2 of the number of slots.
    bits: u32,
}

impl WordCounts {
    /// No word is empty, so no word is this.
    const EMPTY: ShortWord = ShortWord(0, 0);

    fn add(&mut self, w: ShortWord, by: u32) {
        if self.used.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(w);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == w {
                slot.1 += by;
                return;
            }
            if slot.0 == Self::EMPTY {
                *slot = (w, by);
                self.used.push(i as u32);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn slot_of(&self, w: ShortWord) -> usize {
        let mixed = (w.0 ^ w.1.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - self.bits)) as usize
    }

    fn grow(&mut self) {
        let held: Vec<(ShortWord, u32)> =
            self.used.iter().map(|&i| self.slots[i as usize]).collect();
        self.bits = (self.bits + 1).max(8);
        self.slots = vec![(Self::EMPTY, 0); 1 << self.bits];
        self.used.clear();
        for (w, c) in held {
            self.add(w, c);
        }
    }

    /// Passes every word and its count to `f` and empties the table.
    fn drain(&mut self, mut f: impl FnMut(ShortWord, u32)) {
        for &i in &self.used {
            let slot = std::mem::replace(&mut self.slots[i as usize], (Self::EMPTY, 0));
            f(slot.0, slot.1);
        }
        self.used.clear();
    }
}

/// A word of at most [`ShortWord::BYTES`] bytes as two integers: its bytes little-endian, zeros
/// after its end (a word holds no zero byte, so no two words are the same integers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShortWord(u64, u64);

impl ShortWord {
    const BYTES: usize = 16;

    /// `w` has at most [`ShortWord::BYTES`] bytes.
    fn of(w: &[u8]) -> ShortWord {
        debug_assert!(w.len() <= ShortWord::BYTES);
        match w.split_at_checked(8) {
            Some((first, rest)) => ShortWord(load_le(first), load_le(rest)),
            None => ShortWord(load_le(w), 0),
        }
    }

    fn text(self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.0.to_le_bytes());
        bytes[8..].copy_from_slice(&self.1.to_le_bytes());
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        String::from_utf8_lossy(&bytes[..len]).into_owned()
    }
}

/// Up to 8 bytes as a little-endian integer, zeros above them, read in at most three loads
/// whatever their number (overlapping loads OR the same bytes into the same places).
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let at = |i: usize, shift: usize| u64::from(b[i]) << (8 * shift);
    let four = |i: usize| {
        let mut word = [0u8; 4];
        word.copy_from_slice(&b[i..i + 4]);
        u64::from(u32::from_le_bytes(word))
    };
    match n {
        0 => 0,
        1..=3 => at(0, 0) | at(n / 2, n / 2) | at(n - 1, n - 1),
        4..=7 => four(0) | four(n - 4) << (8 * (n - 4)),
        _ => {
            let mut word = [0u8; 8];
            word.copy_from_slice(&b[..8]);
            u64::from_le_bytes(word)
        }
    }
}

/// Every word of a title and a text with its weight: occurrences in the text, plus
/// [`TITLE_WEIGHT`] for each in the title.
fn weighted_terms(title: &str, text: &str) -> Vec<(String, u32)> {
    let mut counts: FxHashMap<String, u32> = FxHashMap::default();
    let mut count = |w: &str, by: u32| match counts.get_mut(w) {
        Some(c) => *c += by,
        None => {
            counts.insert(w.to_string(), by);
        }
    };
    for_each_word(title, |w| count(w, TITLE_WEIGHT));
    for_each_word(text, |w| count(w, 1));
    counts.into_iter().map(|(w, c)| (w, c.min(MAX_WEIGHT))).collect()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// The words of `text` as the index holds them: lowercased runs of letters and digits, an
/// apostrophe between two of them kept (as `'`), and then also each part of such a word.
/// search.js splits a query the same way.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

/// Calls `f` with each word of `text` ([`words`]), without allocating one string per word. The
/// text is read 64 bytes at a time into bit masks (which bytes are ASCII letters or digits, which
/// are uppercase, which need [`word_at`]: an apostrophe or a byte beyond ASCII), so that a word of
/// ASCII letters and digits, most words of most sites, costs a few bit operations and is passed
/// as a slice of `text` (lowercased into a buffer only when it has a capital).
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    let mut pos = 0;
    // The start of a word of ASCII letters and digits that runs on past the block before.
    let mut open: Option<usize> = None;
    let mut upper_in_open = false;
    'blocks: while pos < bytes.len() {
        let masks = BlockMasks::at(bytes, pos);
        let mut bit = 0u32;
        loop {
            if let Some(start) = open {
                let run = (!(masks.alnum >> bit)).trailing_zeros();
                upper_in_open |= masks.upper >> bit & low_bits(run) != 0;
                bit += run;
                if bit >= 64 {
                    break;
                }
                open = None;
                let end = pos + bit as usize;
                if masks.other >> bit & 1 == 1 {
                    // An apostrophe or a letter beyond ASCII goes on: the word is read again
                    // letter by letter.
                    pos = word_at(text, start, &mut word, &mut f);
                    continue 'blocks;
                }
                ascii_word(&text[start..end], upper_in_open, &mut word, &mut f);
            }
            let starts = (masks.alnum | masks.other) >> bit;
            if starts == 0 {
                break;
            }
            bit += starts.trailing_zeros();
            if masks.other >> bit & 1 == 1 {
                pos = word_at(text, pos + bit as usize, &mut word, &mut f);
                continue 'blocks;
            }
            open = Some(pos + bit as usize);
            upper_in_open = false;
        }
        pos += 64;
    }
    if let Some(start) = open {
        ascii_word(&text[start..], upper_in_open, &mut word, &mut f);
    }
}

/// Passes a word of ASCII letters and digits to `f` unless it is too long: as it is, or
/// lowercased in `buffer` when it has a capital.
fn ascii_word(w: &str, has_capital: bool, buffer: &mut String, f: &mut impl FnMut(&str)) {
    if w.len() > MAX_WORD_CHARS {
        return;
    }
    if has_capital {
        buffer.clear();
        buffer.push_str(w);
        buffer.make_ascii_lowercase();
        f(buffer);
    } else {
        f(w);
    }
}

/// The `n` lowest bits set (`n` at most 64).
fn low_bits(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// Bit `k` of each mask says what byte `pos + k` of a text is (a byte past the end counts as a
/// space).
struct BlockMasks {
    /// An ASCII letter or digit.
    alnum: u64,
    /// An ASCII capital.
    upper: u64,
    /// An apostrophe or a byte beyond ASCII: [`word_at`] decides.
    other: u64,
}

impl BlockMasks {
    fn at(bytes: &[u8], pos: usize) -> BlockMasks {
        let rest = &bytes[pos..];
        let mut padded = [b' '; 64];
        // The text itself while 64 bytes are left, a copy padded with spaces at its end.
        let block = match rest.get(..64) {
            Some(block) => block,
            None => {
                padded[..rest.len()].copy_from_slice(rest);
                &padded[..]
            }
        };
        let mut masks = BlockMasks { alnum: 0, upper: 0, other: 0 };
        for (i, eight) in block.chunks_exact(8).enumerate() {
            let mut word = [0u8; 8];
            word.copy_from_slice(eight);
            let x = u64::from_le_bytes(word);
            let (alnum, upper, other) = classify_eight(x);
            masks.alnum |= u64::from(alnum) << (8 * i);
            masks.upper |= u64::from(upper) << (8 * i);
            masks.other |= u64::from(other) << (8 * i);
        }
        masks
    }
}

/// For 8 bytes (little-endian in `x`): one bit per byte for an ASCII letter or digit, for an
/// ASCII capital, and for an apostrophe or a byte beyond ASCII.
fn classify_eight(x: u64) -> (u8, u8, u8) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let high = x & HIGH;
    let low = x & !HIGH;
    // The high bit of each byte of `low` (at most 0x7f) that lies in `lo..=hi`: adding
    // `0x80 - lo` sets it from `lo` up, adding `0x7f - hi` sets it above `hi`, never carrying.
    let within = |lo: u64, hi: u64| (low + (0x80 - lo) * ONES) & !(low + (0x7f - hi) * ONES) & HIGH;
    // A letter either way once bit 5 (lowercase) is set; a capital is a letter without it.
    let folded = low | 0x2020_2020_2020_2020;
    let letter = (folded + (0x80 - 0x61) * ONES) & !(folded + (0x7f - 0x7a) * ONES) & HIGH;
    let upper = letter & !(low << 2);
    let alnum = (within(0x30, 0x39) | letter) & !high;
    let upper = upper & !high;
    let other = high | (within(0x27, 0x27) & !high);
    (gather(alnum), gather(upper), gather(other))
}

/// The high bit of each byte of `m` as the 8 bits of a byte (byte `k` to bit `k`).
fn gather(m: u64) -> u8 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Reads the word that starts at byte `start` of `text` letter by letter (lowercasing any
/// letter, keeping an apostrophe between two letters as `'`), passes it to `f` with its parts
/// (`o'hanlon` is found by `hanlon` too, `з'єднання` by `єднання`), and returns where it ends.
/// A character that starts no word is skipped.
fn word_at(text: &str, start: usize, word: &mut String, f: &mut impl FnMut(&str)) -> usize {
    word.clear();
    let mut chars = text[start..].char_indices().peekable();
    let mut end = text.len();
    while let Some((at, c)) = chars.next() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if is_apostrophe(c)
            && !word.is_empty()
            && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric())
        {
            word.push('\'');
        } else {
            // The first character that is not part of the word; one that starts no word is
            // passed over.
            end = start + if word.is_empty() { at + c.len_utf8() } else { at };
            break;
        }
    }
    // Bytes first: only a word of more bytes than the limit in characters is counted.
    if !word.is_empty() && (word.len() <= MAX_WORD_CHARS || word.chars().count() <= MAX_WORD_CHARS)
    {
        if word.contains('\'') {
            word.split('\'').filter(|p| p.chars().count() > 1).for_each(&mut *f);
        }
        f(word);
    }
    end
}

/// The text a reader sees in rendered HTML: tags dropped (a block's end as a space), `script`
/// and `style` contents dropped, entities decoded, whitespace collapsed, `¶` and `↩` links left
/// out.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        push_text(&mut out, &rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('&') {
            let head = &rest.as_bytes()[..rest.len().min(12)];
            let end = head.iter().position(|&b| b == b';');
            match end.and_then(|e| decode_entity(&rest[1..e]).map(|c| (c, e))) {
                Some((c, e)) => {
                    push_text(&mut out, c.encode_utf8(&mut [0; 4]));
                    rest = &rest[e + 1..];
                }
                None => {
                    push_text(&mut out, "&");
                    rest = &rest[1..];
                }
            }
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', rest.as_bytes()) else { break };
        let tag = &rest[1..gt];
        let closing = tag.starts_with('/');
        let tag = tag.trim_start_matches('/');
        let name = &tag[..tag.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(tag.len())];
        rest = &rest[gt + 1..];
        let lowered = lowercase_tag(name);
        let lowered = lowered.as_ref().map_or(&[][..], |(buf, len)| &buf[..*len]);
        let skipped = match lowered {
            b"script" => Some("script"),
            b"style" => Some("style"),
            _ => None,
        };
        if let (Some(skipped), false) = (skipped, closing) {
            // To the closing tag (`</script`, any case), which the next turn reads.
            let close = format!("</{skipped}");
            let found = rest
                .as_bytes()
                .windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close.as_bytes()));
            rest = found.map_or("", |i| &rest[i..]);
            continue;
        }
        if !is_inline_tag(lowered) {
            push_text(&mut out, " ");
        }
    }
    if !rest.starts_with('<') {
        push_text(&mut out, rest);
    }
    out.truncate(out.trim_end().len());
    out
}

/// A tag name of at most 8 letters lowercased (no element that matters here is longer).
fn lowercase_tag(name: &str) -> Option<([u8; 8], usize)> {
    let mut buf = [0u8; 8];
    buf.get_mut(..name.len())?.copy_from_slice(name.as_bytes());
    buf.make_ascii_lowercase();
    Some((buf, name.len()))
}

/// Tags that do not separate words (`sup` does: a footnote's number is not part of a word), by
/// their lowercased name.
fn is_inline_tag(name: &[u8]) -> bool {
    matches!(
        name,
        b"a" | b"abbr"
            | b"b"
            | b"bdi"
            | b"bdo"
            | b"cite"
            | b"code"
            | b"data"
            | b"del"
            | b"dfn"
            | b"em"
            | b"i"
            | b"ins"
            | b"kbd"
            | b"mark"
            | b"q"
            | b"s"
            | b"samp"
            | b"small"
            | b"span"
            | b"strong"
            | b"sub"
            | b"time"
            | b"u"
            | b"var"
    )
}

/// Appends `text` with every run of whitespace (and any other control character) as one space,
/// none at the start of `out`, and without the `¶` and `↩` of permalinks and footnote back-links.
/// So the text holds no control character, and [`push_json_text`] needs to escape only `"` and
/// `\`. Runs of printable ASCII and single spaces are copied as they are, in one piece.
fn push_text(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut after_space = out.is_empty() || out.ends_with(' ');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(eight) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(eight);
            if let Some(ends_with_space) = plain_eight(u64::from_le_bytes(word), after_space) {
                after_space = ends_with_space;
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        // Printable ASCII, or a space after something else: kept as it is.
        let space = b == b' ';
        if (b > b' ' && b < 0x7f) | (space & !after_space) {
            after_space = space;
            i += 1;
            continue;
        }
        if b < 0x80 {
            // Whitespace after whitespace, a tab or a line break, or a control character.
            out.push_str(&text[start..i]);
            if !after_space {
                out.push(' ');
                after_space = true;
            }
            i += 1;
            start = i;
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        let next = i + c.len_utf8();
        if c.is_whitespace() || c.is_control() || c == '¶' || c == '↩' {
            out.push_str(&text[start..i]);
            if (c.is_whitespace() || c.is_control()) && !after_space {
                out.push(' ');
                after_space = true;
            }
            start = next;
        } else {
            after_space = false;
        }
        i = next;
    }
    out.push_str(&text[start..]);
}

/// Whether 8 bytes (little-endian in `x`) are kept as they are by [`push_text`]: printable ASCII
/// or spaces, no space right after another (or first, when `after_space`). If so, whether the
/// last is a space.
fn plain_eight(x: u64, after_space: bool) -> Option<bool> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if x & HIGH != 0 {
        return None;
    }
    let within = |lo: u64, hi: u64| (x + (0x80 - lo) * ONES) & !(x + (0x7f - hi) * ONES) & HIGH;
    if within(0x20, 0x7e) != HIGH {
        return None;
    }
    let spaces = within(0x20, 0x20);
    if spaces & (spaces << 8) != 0 || (after_space && spaces & 0x80 != 0) {
        return None;
    }
    Some(spaces >> 63 == 1)
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "shy" => '\u{00AD}',
        _ => return None,
    })
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
    fn words_are_lowercased_and_keep_inner_apostrophes() {
        assert_eq!(
            words("The AASC's mandate, 2023!"),
            ["the", "aasc", "aasc's", "mandate", "2023"]
        );
        assert_eq!(
            words("З'єднання та з’єднання"),
            ["єднання", "з'єднання", "та", "єднання", "з'єднання"]
        );
        assert_eq!(words("'quoted' — УКРАЇНА"), ["quoted", "україна"]);
        assert_eq!(words(&"x".repeat(MAX_WORD_CHARS + 1)), Vec::<String>::new());
    }

    /// A fixed pseudo-random sequence (xorshift) of numbers below `n`: the same texts on every
    /// run.
    fn pseudo_random(mut state: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }

    /// The rule of [`words`] read letter by letter, as search.js applies it: the fast path must
    /// split every text the same way.
    fn words_letter_by_letter(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut chars = text.chars().peekable();
        let finish = |word: &mut String, out: &mut Vec<String>| {
            if !word.is_empty() && word.chars().count() <= MAX_WORD_CHARS {
                if word.contains('\'') {
                    out.extend(
                        word.split('\'').filter(|p| p.chars().count() > 1).map(str::to_string),
                    );
                }
                out.push(word.clone());
            }
            word.clear();
        };
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else if is_apostrophe(c)
                && !word.is_empty()
                && chars.peek().is_some_and(|n| n.is_alphanumeric())
            {
                word.push('\'');
            } else {
                finish(&mut word, &mut out);
            }
        }
        finish(&mut word, &mut out);
        out
    }

    #[test]
    fn words_split_every_text_as_the_letter_by_letter_rule_does() {
        // Words across the 64-byte blocks of the fast path, capitals, apostrophes, letters
        // beyond ASCII at a word's start, middle and end, words at the length limit.
        let pieces = [
            "a",
            "Z",
            "09",
            "word",
            "Word",
            "WORD",
            "o'hanlon",
            "O’Hanlon",
            "don't",
            "'",
            "’",
            "café",
            "Éclair",
            "naïve",
            "з'єднання",
            "Україна",
            "«Що»",
            " ",
            "  ",
            ".",
            ", ",
            "—",
            "x1y2",
            "-",
            "\"",
            "ʼ",
            "ß",
            "İ",
            "straße",
            "AASC's",
            "2023!",
            &"y".repeat(MAX_WORD_CHARS),
            &"y".repeat(MAX_WORD_CHARS + 1),
            &"Ж".repeat(MAX_WORD_CHARS),
            &"ж".repeat(MAX_WORD_CHARS + 1),
        ];
        let mut next = pseudo_random(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(60) {
                text.push_str(pieces[next(pieces.len())]);
                if next(3) > 0 {
                    text.push(' ');
                }
            }
            assert_eq!(words(&text), words_letter_by_letter(&text), "text: {text:?}");
        }
    }

    #[test]
    fn short_words_are_their_bytes_and_nothing_else() {
        let words = [
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "єднання",
            "з'єдна",
            "aasc",
        ];
        for w in words {
            assert_eq!(ShortWord::of(w.as_bytes()).text(), w);
        }
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                assert_ne!(ShortWord::of(a.as_bytes()), ShortWord::of(b.as_bytes()), "{a} {b}");
            }
        }
    }

    #[test]
    fn push_text_collapses_whitespace_in_every_text_as_char_by_char() {
        fn char_by_char(out: &mut String, text: &str) {
            for c in text.chars() {
                if c.is_whitespace() || c.is_control() {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                } else if c != '¶' && c != '↩' {
                    out.push(c);
                }
            }
        }
        let pieces = [
            "word",
            "  ",
            " ",
            "\n",
            "\t",
            "\u{1}",
            "\u{7f}",
            "é",
            "¶",
            "↩",
            "\u{a0}",
            "a b c d e f g h",
            "abcdefgh",
            " x",
            "Ж ж",
            "\u{85}",
        ];
        let mut next = pseudo_random(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let (mut fast, mut slow) = (String::new(), String::new());
            for _ in 0..next(4) {
                let text: String = (0..next(30)).map(|_| pieces[next(pieces.len())]).collect();
                push_text(&mut fast, &text);
                char_by_char(&mut slow, &text);
                assert_eq!(fast, slow, "text: {text:?}");
            }
        }
    }

    #[test]
    fn fragment_groups_keep_to_their_bytes_and_regroup_only_up_to_the_next_boundary() {
        let sized = |n: usize| "x".repeat(n);
        // 40 documents of 3 KB, a boundary after every fifth.
        let mut fragments: Vec<String> = (0..40).map(|_| sized(3000)).collect();
        let closes: Vec<bool> = (0..40).map(|i| i % 5 == 4).collect();
        let groups = fragment_groups(&fragments, &closes);
        assert_eq!(groups.iter().map(|g| g.len()).sum::<usize>(), 40);
        for g in &groups {
            let bytes: usize = fragments[g.clone()].iter().map(|f| f.len() + 1).sum::<usize>() + 1;
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
        let small: Vec<String> = (0..30).map(|_| sized(10)).collect();
        let groups = fragment_groups(&small, &[false; 30]);
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 8, 8, 6]);
    }

    #[test]
    fn plain_text_drops_tags_scripts_and_anchors() {
        let html = "<h2 id=\"a\"><a class=\"heading-anchor\" href=\"#a\">Who <em>commands</em></a></h2>\n<p>Force&nbsp;&amp; law&#39;s <code>x</code><a href=\"#p\">¶</a></p><script>var a=1;</script><p>end</p>";
        assert_eq!(plain_text(html), "Who commands Force & law's x end");
    }
}
