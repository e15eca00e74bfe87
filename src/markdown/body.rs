//! A rendered Markdown body and where it is kept: its HTML (shared with templates, packed, or
//! moved to a one-shot build's scratch file), its table of contents, its ids for the anchor
//! checks and its `@/` links.

use std::collections::HashSet;

use crate::error::Diagnostic;
use crate::spill::{Spill, SpilledText};

/// One entry of a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A table of contents as templates see it: per heading `{level, id, title, permalink,
/// children}`, `permalink` being `page_path#id` (`page_path` the page's root-relative URL).
pub fn toc_value(entries: &[TocEntry], page_path: &str) -> tera::Value {
    let key = tera::value::Key::Str;
    let list: Vec<tera::Value> = entries
        .iter()
        .map(|e| {
            let mut m = tera::Map::with_capacity(5);
            m.insert(key("level"), tera::Value::from(e.level));
            m.insert(key("id"), tera::Value::from(e.id.as_str()));
            m.insert(key("title"), tera::Value::from(e.title.as_str()));
            m.insert(key("permalink"), tera::Value::from(format!("{page_path}#{}", e.id)));
            m.insert(key("children"), toc_value(&e.children, page_path));
            tera::Value::from(m)
        })
        .collect();
    tera::Value::from(list)
}

/// An `@/` link found in the body, kept so anchors can be checked once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// `proposal/aasc.md`
    pub target: String,
    pub anchor: Option<String>,
    pub line: usize,
}

/// Rendered HTML, held once. As rendered it is a reference-counted Tera safe string, so the body
/// and the `content` (or `summary`) of its template value share one allocation (on the
/// 10,000-page corpus the HTML is ~85 MB; held twice it was a third of the peak memory).
///
/// A one-shot build keeps no page's HTML in memory: the search index reads it as soon as it is
/// rendered, then it moves to the build's scratch file ([`Rendered::spill`]), and the page's own
/// `page.html` and the feeds read it back from there (`RenderInput::page_body`). Only a site
/// whose templates name `get_page` keeps every body, packed ([`SharedHtml::pack`]: LZ4 makes it
/// about a third of its size), since any page's template may then ask for any body.
#[derive(Clone)]
pub struct SharedHtml(HtmlStore);

#[derive(Clone)]
enum HtmlStore {
    Plain(tera::Value),
    Packed(crate::text::PackedText),
    /// Dropped after the search index read it: it is in the build's scratch file
    /// ([`Rendered::spill`]).
    Released,
}

impl SharedHtml {
    pub fn new(html: &str) -> Self {
        SharedHtml(HtmlStore::Plain(tera::Value::safe_string(html)))
    }

    /// The value for templates: a pointer copy, or the unpacked HTML of a packed body. Empty once
    /// released: its readers check [`SharedHtml::is_released`] first.
    pub fn value(&self) -> tera::Value {
        match &self.0 {
            HtmlStore::Plain(v) => v.clone(),
            HtmlStore::Packed(_) | HtmlStore::Released => tera::Value::safe_string(&self.text()),
        }
    }

    /// The HTML. Empty once released: its readers check [`SharedHtml::is_released`] first.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            HtmlStore::Plain(v) => std::borrow::Cow::Borrowed(v.as_str().unwrap_or_default()),
            HtmlStore::Packed(packed) => std::borrow::Cow::Owned(packed.unpack()),
            HtmlStore::Released => std::borrow::Cow::Borrowed(""),
        }
    }

    /// Drops the HTML, and returns it (see the type's docs).
    pub fn release(&mut self) -> SharedHtml {
        SharedHtml(std::mem::replace(&mut self.0, HtmlStore::Released))
    }

    /// Whether the HTML was dropped (see [`Rendered::spill`]).
    pub fn is_released(&self) -> bool {
        matches!(self.0, HtmlStore::Released)
    }

    /// Keeps the HTML compressed from now on (see the type's docs).
    pub fn pack(&mut self) {
        if let HtmlStore::Plain(v) = &self.0 {
            let html = v.as_str().unwrap_or_default();
            self.0 = HtmlStore::Packed(crate::text::PackedText::pack(html));
        }
    }
}

impl Default for SharedHtml {
    fn default() -> Self {
        SharedHtml::new("")
    }
}

impl std::fmt::Display for SharedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::fmt::Debug for SharedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.text(), f)
    }
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: SharedHtml,
    pub summary: Option<SharedHtml>,
    /// Shared: a page's own `page.html` and `get_page` build its `toc` value from it.
    pub toc: std::sync::Arc<[TocEntry]>,
    /// Every id in the body (headings and footnotes), for anchor checks.
    pub ids: Ids,
    pub word_count: usize,
    pub internal_links: Vec<InternalLink>,
    pub diagnostics: Vec<Diagnostic>,
    /// The page components the body calls, by name, sorted: a rebuild renders the body again
    /// when one of them changed.
    pub components_used: Vec<String>,
    /// Where the HTML and the table of contents are once moved out of memory
    /// ([`Rendered::spill`]); `html` is then released and `toc` empty. Only this module sets it,
    /// so the two never disagree.
    spilled: Option<SpilledBody>,
}

/// A body's HTML and table of contents in a build's scratch file: the HTML, then the table of
/// contents as JSON.
#[derive(Debug, Clone)]
struct SpilledBody {
    record: SpilledText,
    html_len: usize,
}

impl Rendered {
    /// A rendering that failed: no HTML, and `diagnostic` saying why.
    pub fn failed(diagnostic: Diagnostic) -> Rendered {
        Rendered { diagnostics: vec![diagnostic], ..Rendered::default() }
    }

    /// Moves the HTML and the table of contents into `spill`, out of memory: a one-shot build
    /// writes the page from there ([`Rendered::unspilled`]) without rendering its body twice.
    /// When the scratch file cannot take them, they stay in memory, packed.
    pub fn spill(&mut self, spill: &std::sync::Arc<Spill>) {
        let html = self.html.text();
        let html_len = html.len();
        let kept = serde_json::to_string(&*self.toc)
            .map_err(std::io::Error::from)
            .and_then(|toc| SpilledText::joined(spill, &[&html, &toc]));
        drop(html);
        match kept {
            Ok(record) => {
                self.spilled = Some(SpilledBody { record, html_len });
                self.html.release();
                self.toc = std::sync::Arc::from([]);
            }
            Err(_) => self.html.pack(),
        }
    }

    /// A body moved out by [`Rendered::spill`], read back: its HTML and its table of contents
    /// (what writing its page reads). `None` when the body is in memory.
    pub fn unspilled(&self) -> std::io::Result<Option<Rendered>> {
        let Some(SpilledBody { record, html_len }) = &self.spilled else { return Ok(None) };
        let record = record.read()?;
        let (html, toc) = record.split_at_checked(*html_len).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "a short record")
        })?;
        let toc: Vec<TocEntry> = serde_json::from_str(toc)?;
        Ok(Some(Rendered { html: SharedHtml::new(html), toc: toc.into(), ..Rendered::default() }))
    }

    /// Drops what only the anchor checks and the messages need, once they have run.
    pub fn release_checked(&mut self) {
        self.ids = Ids::default();
        self.internal_links = Vec::new();
        self.diagnostics = Vec::new();
    }
}

/// Every id of a rendered body (headings, anchored paragraphs, footnotes), for the anchor checks:
/// sorted, in one string with where each starts. A set of strings took about 700 bytes a page,
/// and a one-shot build holds every page's ids until the anchors are checked (50,000 pages: about
/// 35 MB); this takes about a third.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    text: String,
    starts: Box<[u32]>,
}

impl Ids {
    pub fn new(ids: HashSet<String>) -> Ids {
        let mut sorted: Vec<String> = ids.into_iter().collect();
        sorted.sort_unstable();
        let mut text = String::with_capacity(sorted.iter().map(String::len).sum());
        let mut starts = Vec::with_capacity(sorted.len());
        for id in &sorted {
            // A body is far smaller than 4 GiB (`max_file_size`).
            starts.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            text.push_str(id);
        }
        Ids { text, starts: starts.into() }
    }

    fn get(&self, i: usize) -> &str {
        let start = self.starts[i] as usize;
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e as usize);
        self.text.get(start..end).unwrap_or_default()
    }

    pub fn contains(&self, id: &str) -> bool {
        let (mut low, mut high) = (0, self.starts.len());
        while low < high {
            let mid = (low + high) / 2;
            match self.get(mid).cmp(id) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
            }
        }
        false
    }

    /// The ids, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.starts.len()).map(|i| self.get(i))
    }
}
