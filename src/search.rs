//! The built-in search index: built from the rendered bodies, written by `charter build` (and kept
//! current by `serve`) as ordinary outputs under `/search-index/<lang>/`, read in the browser by
//! the theme's `search.js`. Per language:
//!
//! - `index.json`, the manifest: the number of documents and the first term of each term chunk;
//! - `t/<n>.json`: chunk `n` of the sorted terms, `{"term": [doc, weight, doc gap, weight, ...]}`
//!   (doc ids ascending, each after the first as the gap from the previous one);
//! - `d/<doc>.json`: one document's title, URL, section and plain text (for the snippet).
//!
//! A query fetches the manifest, the chunk of each word (the chunks a prefix spans for the last
//! word, at most [`PREFIX_CHUNKS`]) and the fragments of the first results only. Words are
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
    /// The bytes of each `d/<doc>.json`.
    pub fragments: Vec<String>,
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
                    || (FxHashMap::<String, Vec<(u32, u32)>>::default(), Vec::new()),
                    |(mut postings, mut fragments), (id, &d)| {
                        let s = source(lib, pages, sections, d);
                        let text = plain_text(s.html);
                        add_words(&mut postings, id as u32, &s.doc.front.title, &text);
                        fragments.push((id, fragment(&s, &text, config)));
                        (postings, fragments)
                    },
                )
                .reduce(
                    || (FxHashMap::default(), Vec::new()),
                    |(a, mut fa), (b, fb)| {
                        let (mut a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                        for (term, list) in b {
                            match a.get_mut(&term) {
                                Some(into) => into.extend(list),
                                None => {
                                    a.insert(term, list);
                                }
                            }
                        }
                        fa.extend(fb);
                        (a, fa)
                    },
                );
            let mut terms: Vec<(String, Vec<(u32, u32)>)> = postings.into_iter().collect();
            terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
            l.entries = terms
                .par_iter_mut()
                .map(|(term, list)| {
                    list.sort_unstable();
                    (term.clone(), entry(term, list))
                })
                .collect();
            l.postings = terms.into_iter().collect();
            fragments.sort_unstable_by_key(|(id, _)| *id);
            l.fragments = fragments.into_iter().map(|(_, f)| f).collect();
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
            doc: id as usize,
        })
    }

    pub fn language(&self, lang: &str) -> Option<&LanguageIndex> {
        self.languages.iter().find(|l| l.lang == lang)
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
    /// The page's doc id (its fragment changed).
    pub doc: usize,
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

/// A document's fragment: `{"t": title, "u": URL, "s": section, "x": text}`.
fn fragment(s: &Source, text: &str, config: &Config) -> String {
    let text = match text.char_indices().nth(SNIPPET_TEXT_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let url = format!("{}{}", config.base_path(), crate::text::encode_path(s.path));
    let mut out = String::with_capacity(text.len() + 200);
    for (i, (key, value)) in
        [("t", s.doc.front.title.as_str()), ("u", &url), ("s", s.section), ("x", text)]
            .into_iter()
            .enumerate()
    {
        out.push_str(if i == 0 { "{\"" } else { ",\"" });
        out.push_str(key);
        out.push_str("\":");
        push_json_string(&mut out, value);
    }
    out.push('}');
    out
}

/// Adds the words of document `id` (a title and a text) to `postings`, with their weights as in
/// [`weighted_terms`]. Documents come in ascending id order.
fn add_words(postings: &mut FxHashMap<String, Vec<(u32, u32)>>, id: u32, title: &str, text: &str) {
    let mut add = |w: &str, by: u32| match postings.get_mut(w) {
        Some(list) => match list.last_mut() {
            Some((doc, weight)) if *doc == id => *weight = (*weight + by).min(MAX_WEIGHT),
            _ => list.push((id, by.min(MAX_WEIGHT))),
        },
        None => {
            postings.insert(w.to_string(), vec![(id, by.min(MAX_WEIGHT))]);
        }
    };
    for_each_word(title, |w| add(w, TITLE_WEIGHT));
    for_each_word(text, |w| add(w, 1));
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

/// Calls `f` with each word of `text` ([`words`]), without allocating one string per word.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    let mut finish = |word: &mut String| {
        // Bytes first: only a word of more bytes than the limit in characters is counted.
        if !word.is_empty()
            && (word.len() <= MAX_WORD_CHARS || word.chars().count() <= MAX_WORD_CHARS)
        {
            if word.contains('\'') {
                // `o'hanlon` is found by `hanlon` too, `з'єднання` by `єднання`.
                word.split('\'').filter(|p| p.chars().count() > 1).for_each(&mut f);
            }
            f(word);
        }
        word.clear();
    };
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_ascii() && !matches!(c, '\'') {
            finish(&mut word);
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if is_apostrophe(c)
            && !word.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            word.push('\'');
        } else {
            finish(&mut word);
        }
    }
    finish(&mut word);
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
        let skipped = ["script", "style"].into_iter().find(|s| name.eq_ignore_ascii_case(s));
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
        if !INLINE_TAGS.iter().any(|t| name.eq_ignore_ascii_case(t)) {
            push_text(&mut out, " ");
        }
    }
    if !rest.starts_with('<') {
        push_text(&mut out, rest);
    }
    out.trim_end().to_string()
}

/// Tags that do not separate words (`sup` does: a footnote's number is not part of a word).
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "time", "u", "var",
];

/// Appends `text` with every run of whitespace as one space (none at the start of `out`), and
/// without the `¶` and `↩` of permalinks and footnote back-links.
fn push_text(out: &mut String, text: &str) {
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_whitespace() {
                out.push_str(&text[start..i]);
                space(out);
                start = i + 1;
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        let next = i + c.len_utf8();
        if c.is_whitespace() || c == '¶' || c == '↩' {
            out.push_str(&text[start..i]);
            if c.is_whitespace() {
                space(out);
            }
            start = next;
        }
        i = next;
    }
    out.push_str(&text[start..]);
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
pub fn fragment_path(lang: &str, doc: usize) -> String {
    format!("{INDEX_DIR}/{lang}/d/{doc}.json")
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

    #[test]
    fn plain_text_drops_tags_scripts_and_anchors() {
        let html = "<h2 id=\"a\"><a class=\"heading-anchor\" href=\"#a\">Who <em>commands</em></a></h2>\n<p>Force&nbsp;&amp; law&#39;s <code>x</code><a href=\"#p\">¶</a></p><script>var a=1;</script><p>end</p>";
        assert_eq!(plain_text(html), "Who commands Force & law's x end");
    }
}
