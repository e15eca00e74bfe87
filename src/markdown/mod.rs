//! Markdown -> HTML in one pass over pulldown-cmark's events: unique heading ids and the table of
//! contents, `@/` internal links (resolved, or an error naming the line), highlighted code fences,
//! footnotes gathered at the end with back-links, the `<!-- more -->` summary and a word count.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::error::Diagnostic;
use crate::highlight::{self, Highlighted};
use crate::page_components::{self, ComponentRenderer, Marker};
use crate::text::{escape_xml, slugify};

mod body;

pub use body::{toc_value, Ids, InternalLink, Rendered, SharedHtml, TocEntry};

/// What the renderer needs to know about the rest of the site.
pub trait LinkResolver {
    /// The URL (root-relative, with the base path) of an `@/` target such as `proposal/aasc.md`.
    fn resolve(&self, target: &str) -> Option<String>;
    /// Why a target that does not resolve has nowhere to go, when it is not a simple typo (a
    /// folder without `_index.md`): the hint of the error.
    fn why_missing(&self, _target: &str) -> Option<String> {
        None
    }
}

/// One Markdown body and where it comes from.
pub struct Input<'a> {
    pub body: &'a str,
    /// File line on which `body` starts.
    pub first_line: usize,
    pub file: &'a Path,
    pub sanitize_html: bool,
    pub anchors: Anchors,
    /// The accessible name of a footnote's back-link, `{n}` standing for the reference's number
    /// ([`FOOTNOTE_BACKLINK`] unless the page's language has its own).
    pub footnote_backlink: &'a str,
}

/// The accessible name of a footnote's back-link when the site's interface strings give none
/// for the page's language (`footnote.backlink` in `i18n/<lang>.yaml`).
pub const FOOTNOTE_BACKLINK: &str = "Back to reference {n}";

/// Permalink marks written into the HTML, so they work without JavaScript.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Anchors {
    /// A `#` link inside every h2 and h3.
    pub headings: bool,
    /// A stable id (`<section-id>-p<N>`, or `p<N>` before the first heading) and a `¶` link on
    /// every paragraph outside lists, tables and footnotes.
    pub paragraphs: bool,
}

/// The pulldown-cmark extensions Charter renders with (the build benchmark's floor uses them too).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

struct PendingHeading<'a> {
    level: pulldown_cmark::HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    events: Vec<Event<'a>>,
    text: String,
}

/// Renders a Markdown body. Component calls stay text (see [`render_with_components`]).
pub fn render(input: &Input<'_>, links: &dyn LinkResolver) -> Rendered {
    render_with_components(input, links, None)
}

/// Renders a Markdown body, rendering its component calls with `components`.
pub fn render_with_components(
    input: &Input<'_>,
    links: &dyn LinkResolver,
    components: Option<&dyn ComponentRenderer>,
) -> Rendered {
    let mut renderer = Renderer::new(input, links);
    renderer.components = components;
    for (event, range) in Parser::new_ext(input.body, options()).into_offset_iter() {
        renderer.event(event, range);
    }
    renderer.end_skip(None);
    renderer.finish()
}

/// How deep component bodies may nest.
const MAX_COMPONENT_NESTING: usize = 32;

/// The source of a component call being passed over: the parser's events inside it are dropped,
/// and `replacement` (the component's HTML, or an escaped call's text) goes out in its place.
struct Skip<'a> {
    /// Byte offset in the body where the call's source ends.
    end: usize,
    replacement: Event<'a>,
    /// Starts minus ends among the dropped events (counting a paragraph taken back).
    depth: usize,
    /// The call opened a paragraph: its start was taken back, so that a call alone in its
    /// paragraph is not wrapped in `<p>`.
    took_paragraph: bool,
    /// That paragraph closed inside the call's source.
    paragraph_closed: bool,
}

/// Ends still to drop after a call's source: those of containers whose starts were inside it.
#[derive(Default)]
struct Dangling {
    ends: usize,
    /// Starts met since, whose ends are not to be dropped.
    opened: usize,
}

/// A fenced or indented code block being read: its language, its text, the line it opens on.
struct PendingCode {
    lang: String,
    text: String,
    line: usize,
}

/// A footnote definition being read: its name and its events.
struct PendingFootnote<'a> {
    name: String,
    events: Vec<Event<'a>>,
}

/// Footnotes as met: the definitions, the order of first reference, the references per name.
#[derive(Default)]
struct Footnotes<'a> {
    definitions: HashMap<String, Vec<Event<'a>>>,
    order: Vec<String>,
    reference_counts: HashMap<String, usize>,
}

/// Where paragraph anchors stand: the id of the last h2/h3, the paragraphs under it, how deep in
/// lists the renderer is, and the id of the paragraph open now.
#[derive(Default)]
struct ParagraphAnchors {
    section_id: String,
    count: usize,
    list_depth: usize,
    open: Option<String>,
}

/// One body's rendering: the events out so far and what is pending (a heading, a code block, a
/// footnote definition), with one method per kind of event.
struct Renderer<'a, 'r> {
    input: &'r Input<'a>,
    links: &'r dyn LinkResolver,
    /// Byte offset of the start of each line of the body.
    line_starts: Vec<usize>,
    rendered: Rendered,
    /// Every id given so far (kept unique), for [`Rendered::ids`].
    ids: HashSet<String>,
    /// For each heading id taken more than once, the suffix to try next (`x-3` after `x-2`): ids
    /// are never given back, so the search goes on from there instead of from 1 again, and a
    /// page of N equal headings costs N, not N² (`x-1` … `x-N`).
    next_suffix: HashMap<String, usize>,
    /// Events borrow the body's text (no copy of a 50 MB file event by event).
    out: Vec<Event<'a>>,
    heading: Option<PendingHeading<'a>>,
    code: Option<PendingCode>,
    footnote: Option<PendingFootnote<'a>>,
    footnotes: Footnotes<'a>,
    flat_toc: Vec<(u8, String, String)>,
    summary_cut: Option<usize>,
    paragraphs: ParagraphAnchors,
    html_nesting: HtmlNesting,
    components: Option<&'r dyn ComponentRenderer>,
    skip: Option<Skip<'a>>,
    dangling: Dangling,
    /// How many component bodies the renderer is inside.
    component_depth: usize,
}

impl<'a, 'r> Renderer<'a, 'r> {
    fn new(input: &'r Input<'a>, links: &'r dyn LinkResolver) -> Self {
        let line_starts =
            std::iter::once(0).chain(input.body.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Renderer {
            input,
            links,
            line_starts,
            rendered: Rendered::default(),
            ids: HashSet::new(),
            next_suffix: HashMap::new(),
            out: Vec::new(),
            heading: None,
            code: None,
            footnote: None,
            footnotes: Footnotes::default(),
            flat_toc: Vec::new(),
            summary_cut: None,
            paragraphs: ParagraphAnchors::default(),
            html_nesting: HtmlNesting::default(),
            components: None,
            skip: None,
            dangling: Dangling::default(),
            component_depth: 0,
        }
    }

    /// The file line of a byte offset in the body.
    fn line_of(&self, offset: usize) -> usize {
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        idx + self.input.first_line
    }

    /// Sends an event where it belongs: the pending heading, the pending footnote, or the output.
    fn push(&mut self, event: Event<'a>) {
        if let Some(h) = self.heading.as_mut() {
            h.events.push(event);
        } else if let Some(f) = self.footnote.as_mut() {
            f.events.push(event);
        } else {
            self.out.push(event);
        }
    }

    /// Takes one event of the parser, with its byte range in the body.
    fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        if self.input.sanitize_html {
            if let Event::Html(html) | Event::InlineHtml(html) = &event {
                self.check_html_nesting(html, range.start);
            }
        }
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(t) => {
                    code.text.push_str(&t);
                    return;
                }
                Event::End(TagEnd::CodeBlock) => {}
                _ => return,
            }
        }
        if let Some(skip) = self.skip.as_mut() {
            let past = match &event {
                Event::End(_) => range.end > skip.end,
                _ => range.start >= skip.end,
            };
            if !past {
                if matches!(event, Event::Text(_)) && range.end > skip.end {
                    // The text runs on past the call's source: the rest of it follows the call.
                    let end = skip.end;
                    self.end_skip(Some(&Event::Text(CowStr::Borrowed(""))));
                    let rest = CowStr::Borrowed(&self.input.body[end..range.end]);
                    self.text_with_calls(rest, end..range.end);
                    return;
                }
                match event {
                    Event::Start(_) => skip.depth += 1,
                    Event::End(_) if skip.depth > 0 => {
                        skip.depth -= 1;
                        if skip.took_paragraph && skip.depth == 0 && !skip.paragraph_closed {
                            skip.paragraph_closed = true;
                        }
                    }
                    // The end of a container opened inside an earlier call's source.
                    Event::End(_) if self.dangling.ends > 0 && self.dangling.opened == 0 => {
                        self.dangling.ends -= 1;
                    }
                    // A container open before the call closes inside it: closed before the
                    // call's output.
                    end @ Event::End(_) => {
                        let skip = self.skip.take();
                        self.handle(end, range);
                        self.skip = skip;
                    }
                    _ => {}
                }
                return;
            }
            self.end_skip(Some(&event));
        }
        if self.dangling.ends > 0 {
            match &event {
                Event::Start(_) => self.dangling.opened += 1,
                Event::End(_) if self.dangling.opened > 0 => self.dangling.opened -= 1,
                Event::End(_) => {
                    self.dangling.ends -= 1;
                    return;
                }
                _ => {}
            }
        }
        self.handle(event, range);
    }

    /// Handles one event by its kind.
    fn handle(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                self.heading = Some(PendingHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Text(text) if self.components.is_some() => self.text_with_calls(text, range),
            Event::Text(text) => self.text(text),
            Event::Code(text) => self.code_span(text),
            Event::Start(Tag::CodeBlock(kind)) => self.start_code_block(kind, range.start),
            Event::End(TagEnd::CodeBlock) => self.end_code_block(),
            Event::Start(Tag::Link { link_type, dest_url, title, id })
                if dest_url.starts_with("@/") =>
            {
                self.internal_link(link_type, dest_url, title, id, range.start)
            }
            Event::Html(html) | Event::InlineHtml(html) if html.trim() == "<!-- more -->" => {
                if self.summary_cut.is_none()
                    && self.heading.is_none()
                    && self.footnote.is_none()
                    && self.component_depth == 0
                {
                    self.summary_cut = Some(self.out.len());
                }
            }
            Event::FootnoteReference(name) => self.footnote_reference(&name),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                self.footnote =
                    Some(PendingFootnote { name: name.to_string(), events: Vec::new() });
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(f) = self.footnote.take() {
                    self.footnotes.definitions.insert(f.name, f.events);
                }
            }
            Event::Start(Tag::Item) => {
                self.paragraphs.list_depth += 1;
                self.push(Event::Start(Tag::Item));
            }
            Event::End(TagEnd::Item) => {
                self.paragraphs.list_depth = self.paragraphs.list_depth.saturating_sub(1);
                self.push(Event::End(TagEnd::Item));
            }
            Event::Start(Tag::Paragraph) if self.paragraph_takes_anchor() => {
                self.start_anchored_paragraph()
            }
            Event::End(TagEnd::Paragraph) if self.paragraphs.open.is_some() => {
                self.end_anchored_paragraph()
            }
            other => self.push(other),
        }
    }

    /// Text that may hold component calls: the text before each call goes out as text, the
    /// call's source is passed over ([`Skip`]) and its output goes out in its place.
    fn text_with_calls(&mut self, text: CowStr<'a>, range: std::ops::Range<usize>) {
        let body: &'a str = self.input.body;
        let (mut text, mut range) = (text, range);
        loop {
            let source = &body[range.clone()];
            let Some(at) = page_components::next_marker(&body[range.start..], range.len()) else {
                if !text.is_empty() {
                    self.text(text);
                }
                return;
            };
            // The text before the call: as the parser gave it when it is the source as written
            // (the common case), else up to the parser's own `{{`.
            let before: CowStr<'a> = if *text == *source {
                CowStr::Borrowed(&body[range.start..range.start + at])
            } else {
                let cut = page_components::next_marker(&text, text.len()).unwrap_or(text.len());
                CowStr::from(text[..cut].to_string())
            };
            if !before.is_empty() {
                self.text(before);
            }
            let end = self.call_at(range.start + at);
            if end >= range.end {
                return;
            }
            // More of this text follows the call.
            self.end_skip(Some(&Event::Text(CowStr::Borrowed(""))));
            text = CowStr::Borrowed(&body[end..range.end]);
            range = end..range.end;
        }
    }

    /// Reads the marker at byte `offset` of the body and renders it; returns the offset where its
    /// source ends.
    fn call_at(&mut self, offset: usize) -> usize {
        let body: &'a str = self.input.body;
        let marker = match page_components::parse_marker(&body[offset..]) {
            Ok(marker) => marker,
            Err(e) => {
                self.component_error(offset + e.offset, e.message, e.hint);
                self.text(CowStr::Borrowed(&body[offset..offset + 2]));
                return offset + 2;
            }
        };
        let (call, len) = match marker {
            Marker::Escaped { literal, len } => {
                self.start_skip(offset + len, Event::Text(CowStr::from(literal)), false);
                return offset + len;
            }
            Marker::End { len } => {
                self.component_error(
                    offset,
                    "`{% end %}` closes no component".into(),
                    "remove it, or open a body before it with `{% name(…) %}`".into(),
                );
                self.start_skip(offset + len, Event::Text(CowStr::Borrowed("")), false);
                return offset + len;
            }
            Marker::Call { call, len } => (call, len),
        };
        let mut end = offset + len;
        let mut body_html = None;
        if call.has_body {
            match page_components::find_end(&body[end..]) {
                None => {
                    self.component_error(
                        offset,
                        format!("the body of `{}` is never closed", call.name),
                        format!(
                            "close it with `{{% end %}}` (each `{{% {}(…) %}}` needs its own)",
                            call.name
                        ),
                    );
                    self.start_skip(end, Event::Text(CowStr::Borrowed("")), true);
                    return end;
                }
                Some(_) if self.component_depth >= MAX_COMPONENT_NESTING => {
                    self.component_error(
                        offset,
                        format!("component bodies nest more than {MAX_COMPONENT_NESTING} deep"),
                        "nest fewer components inside one another".into(),
                    );
                    self.start_skip(body.len(), Event::Text(CowStr::Borrowed("")), false);
                    return body.len();
                }
                Some((at, end_len)) => {
                    body_html = Some(self.render_component_body(end, end + at));
                    end += at + end_len;
                }
            }
        }
        let html = match self.components.map(|c| c.render(&call, body_html.as_deref())) {
            Some(Ok(mut html)) => {
                // The template file's last newline would split the sentence around an inline call.
                html.truncate(html.trim_end().len());
                html
            }
            Some(Err(problem)) => {
                self.component_error(offset, problem.message, problem.hint);
                String::new()
            }
            None => String::new(),
        };
        self.rendered.components_used.push(call.name);
        self.start_skip(end, Event::Html(CowStr::from(html)), true);
        end
    }

    /// Starts passing over a call's source, up to byte `end`. A call that opens its paragraph
    /// takes the paragraph's start back (`block`), so that a call alone in it is not wrapped in
    /// `<p>`.
    fn start_skip(&mut self, end: usize, replacement: Event<'a>, block: bool) {
        let took_paragraph = block && self.take_back_paragraph();
        self.skip = Some(Skip {
            end,
            replacement,
            depth: usize::from(took_paragraph),
            took_paragraph,
            paragraph_closed: false,
        });
    }

    /// Takes back the paragraph start just sent out, if the last event is one.
    fn take_back_paragraph(&mut self) -> bool {
        let anchored = self.paragraphs.open.clone();
        let target = if let Some(h) = self.heading.as_mut() {
            &mut h.events
        } else if let Some(f) = self.footnote.as_mut() {
            &mut f.events
        } else {
            &mut self.out
        };
        match (target.last(), anchored) {
            (Some(Event::Start(Tag::Paragraph)), _) => {
                target.pop();
                true
            }
            (Some(Event::Html(html)), Some(id)) if html.starts_with("<p id=") => {
                target.pop();
                self.ids.remove(&id);
                self.paragraphs.open = None;
                self.paragraphs.count -= 1;
                true
            }
            _ => false,
        }
    }

    /// The first event past a call's source (`next`, or none at the end of the text): the call's
    /// output goes out, in the paragraph it was written in unless it was that paragraph's only
    /// content.
    fn end_skip(&mut self, next: Option<&Event<'a>>) {
        let Some(skip) = self.skip.take() else { return };
        let mut dangling = skip.depth;
        if skip.took_paragraph && !skip.paragraph_closed {
            let alone = skip.depth == 1 && matches!(next, Some(Event::End(TagEnd::Paragraph)));
            if !alone {
                self.handle(Event::Start(Tag::Paragraph), 0..0);
                dangling -= 1;
            }
        }
        self.push(skip.replacement);
        self.dangling.ends += dangling;
    }

    /// Renders the Markdown of a component's body, bytes `start..end` of the body, with this
    /// renderer: its headings join the table of contents, its ids stay unique.
    fn render_component_body(&mut self, start: usize, end: usize) -> String {
        let body: &'a str = self.input.body;
        let out = std::mem::take(&mut self.out);
        let heading = self.heading.take();
        let footnote = self.footnote.take();
        let dangling = std::mem::take(&mut self.dangling);
        let open_paragraph = self.paragraphs.open.take();
        self.component_depth += 1;
        for (event, range) in Parser::new_ext(&body[start..end], options()).into_offset_iter() {
            self.event(event, range.start + start..range.end + start);
        }
        self.end_skip(None);
        self.component_depth -= 1;
        let events = std::mem::replace(&mut self.out, out);
        self.heading = heading;
        self.footnote = footnote;
        self.dangling = dangling;
        self.paragraphs.open = open_paragraph;
        let mut html = String::new();
        html::push_html(&mut html, events.into_iter());
        html
    }

    /// An error at byte `offset` of the body: the file, line and column of a call.
    fn component_error(&mut self, offset: usize, message: String, hint: String) {
        let input = self.input;
        let line = self.line_of(offset);
        let index = line - input.first_line;
        let line_start = self.line_starts.get(index).copied().unwrap_or(0);
        let column = input.body.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1;
        self.rendered.diagnostics.push(
            Diagnostic::error("component", message)
                .in_file(input.file)
                .at_line_of(input.body, index + 1, Some(column))
                .at(Some(line), Some(column))
                .hint(hint),
        );
    }

    /// Raw HTML nested too deep to sanitize is an error (with `markdown.sanitize_html` on).
    fn check_html_nesting(&mut self, html: &str, offset: usize) {
        if !self.html_nesting.read(html) {
            return;
        }
        let line = self.line_of(offset);
        let input = self.input;
        self.rendered.diagnostics.push(
            Diagnostic::error("html", format!("raw HTML is nested more than {MAX_HTML_NESTING} elements deep"))
                .in_file(input.file)
                .at_line_of(input.body, line + 1 - input.first_line, None)
                .at(Some(line), None)
                .hint("with `markdown.sanitize_html` on, raw HTML may nest at most this deep: flatten the HTML or write it as Markdown"),
        );
    }

    /// A heading ends: it gets a unique id, joins the table of contents and, for h2 and h3, may
    /// become its own permalink.
    fn end_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let base = match &h.id {
            Some(id) => id.to_string(),
            None => {
                let s = slugify(&h.text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        let mut id = base.clone();
        if self.ids.contains(&id) {
            let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
            loop {
                id = format!("{base}-{n}");
                n += 1;
                if !self.ids.contains(&id) {
                    break;
                }
            }
            self.next_suffix.insert(base, n);
        }
        self.ids.insert(id.clone());
        self.flat_toc.push((h.level as u8, id.clone(), h.text.trim().to_string()));
        let small =
            matches!(h.level, pulldown_cmark::HeadingLevel::H2 | pulldown_cmark::HeadingLevel::H3);
        if small && self.footnote.is_none() {
            self.paragraphs.section_id = id.clone();
            self.paragraphs.count = 0;
        }
        // The heading's own text is its permalink: the heading's accessible name stays its
        // text, and there is one tab stop per heading. Not when the heading holds a link.
        let has_link = h.events.iter().any(|e| matches!(e, Event::Start(Tag::Link { .. })));
        let anchor = (self.input.anchors.headings && small && self.footnote.is_none() && !has_link)
            .then(|| format!("<a class=\"heading-anchor\" href=\"#{id}\">"));
        self.push(Event::Start(Tag::Heading {
            level: h.level,
            id: Some(CowStr::from(id)),
            classes: h.classes,
            attrs: h.attrs,
        }));
        if let Some(a) = &anchor {
            self.push(Event::InlineHtml(CowStr::from(a.clone())));
        }
        for e in h.events {
            self.push(e);
        }
        if anchor.is_some() {
            self.push(Event::InlineHtml(CowStr::from("</a>")));
        }
        self.push(Event::End(TagEnd::Heading(h.level)));
    }

    /// Text counts its words and, in a heading, names the heading.
    fn text(&mut self, text: CowStr<'a>) {
        self.rendered.word_count += count_words(&text);
        if let Some(h) = self.heading.as_mut() {
            h.text.push_str(&text);
        }
        self.push(Event::Text(text));
    }

    /// A code span counts as text.
    fn code_span(&mut self, text: CowStr<'a>) {
        self.rendered.word_count += count_words(&text);
        if let Some(h) = self.heading.as_mut() {
            h.text.push_str(&text);
        }
        self.push(Event::Code(text));
    }

    fn start_code_block(&mut self, kind: CodeBlockKind<'a>, offset: usize) {
        let lang = match kind {
            CodeBlockKind::Fenced(lang) => lang.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        self.code = Some(PendingCode { lang, text: String::new(), line: self.line_of(offset) });
    }

    /// A code block ends: highlighted, or plain with a warning when the language is unknown.
    fn end_code_block(&mut self) {
        let Some(PendingCode { lang, text, line }) = self.code.take() else { return };
        let html = match highlight::highlight(&lang, &text) {
            Highlighted::Html(html) => html.to_string(),
            Highlighted::UnknownLanguage => {
                self.rendered.diagnostics.push(
                    Diagnostic::warning("highlight", format!("unknown code language `{lang}`; the block is shown as plain code"))
                        .in_file(self.input.file)
                        .at(Some(line), None)
                        .hint("use a language syntect knows (rust, python, yaml, json, bash, html, ...) or `text`"),
                );
                format!("<pre><code>{}</code></pre>", escape_xml(&text))
            }
        };
        self.push(Event::Html(CowStr::from(html)));
    }

    /// An `@/` link: resolved to the target's URL (and kept for the anchor check), or an error.
    fn internal_link(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        let line = self.line_of(offset);
        let (target, anchor) = match dest_url[2..].split_once('#') {
            Some((t, a)) => (t.to_string(), Some(a.to_string())),
            None => (dest_url[2..].to_string(), None),
        };
        let url = match self.links.resolve(&target) {
            Some(url) => {
                self.rendered.internal_links.push(InternalLink {
                    target: target.clone(),
                    anchor: anchor.clone(),
                    line,
                });
                match &anchor {
                    Some(a) => format!("{url}#{a}"),
                    None => url,
                }
            }
            None => {
                self.rendered.diagnostics.push(
                    Diagnostic::error("link", format!("the link `{dest_url}` points to a page that does not exist"))
                        .in_file(self.input.file)
                        .at(Some(line), None)
                        .hint(self.links.why_missing(&target).unwrap_or_else(|| {
                            format!("check the path under content/ (e.g. `@/proposal/aasc.md`); there is no content/{target}")
                        })),
                );
                "#".to_string()
            }
        };
        self.push(Event::Start(Tag::Link { link_type, dest_url: CowStr::from(url), title, id }));
    }

    /// A footnote reference: numbered by first use, with an id per use for the back-links.
    fn footnote_reference(&mut self, name: &str) {
        let notes = &mut self.footnotes;
        if !notes.order.iter().any(|n| n == name) {
            notes.order.push(name.to_string());
        }
        let number = notes.order.iter().position(|n| n == name).unwrap_or(0) + 1;
        let count = notes.reference_counts.entry(name.to_string()).or_insert(0);
        *count += 1;
        let count = *count;
        let slug = footnote_slug(name);
        let html = format!(
            "<sup class=\"footnote-reference\" id=\"fr-{slug}-{count}\"><a href=\"#fn-{slug}\" role=\"doc-noteref\">{number}</a></sup>"
        );
        self.ids.insert(format!("fr-{slug}-{count}"));
        self.push(Event::InlineHtml(CowStr::from(html)));
    }

    /// Whether a paragraph starting now gets an anchor: asked for, outside lists, footnotes and
    /// headings.
    fn paragraph_takes_anchor(&self) -> bool {
        self.input.anchors.paragraphs
            && self.paragraphs.list_depth == 0
            && self.component_depth == 0
            && self.footnote.is_none()
            && self.heading.is_none()
    }

    fn start_anchored_paragraph(&mut self) {
        let p = &mut self.paragraphs;
        p.count += 1;
        let mut id = if p.section_id.is_empty() {
            format!("p{}", p.count)
        } else {
            format!("{}-p{}", p.section_id, p.count)
        };
        while self.ids.contains(&id) {
            id.push('_');
        }
        self.ids.insert(id.clone());
        self.push(Event::Html(CowStr::from(format!("<p id=\"{id}\">"))));
        self.paragraphs.open = Some(id);
    }

    fn end_anchored_paragraph(&mut self) {
        let id = self.paragraphs.open.take().unwrap_or_default();
        // A pointer's permalink: silent for screen readers and not a tab stop (the section's
        // heading link is the keyboard's way to the same place).
        let close = format!("<a class=\"para-anchor\" href=\"#{id}\" tabindex=\"-1\" aria-hidden=\"true\">¶</a></p>\n");
        self.push(Event::Html(CowStr::from(close)));
    }

    /// The HTML of the body (and of its summary), the footnotes gathered at the end, sanitized
    /// when asked, with the table of contents.
    fn finish(mut self) -> Rendered {
        let input = self.input;
        let mut body_html = String::with_capacity(input.body.len() * 3 / 2);
        let mut summary_html = None;
        if let Some(cut) = self.summary_cut {
            let mut summary = String::new();
            html::push_html(&mut summary, self.out[..cut].iter().cloned());
            summary_html = Some(summary);
        }
        html::push_html(&mut body_html, std::mem::take(&mut self.out).into_iter());
        // Table alignment as classes, not inline styles, so a strict Content-Security-Policy holds.
        if alignment_finder().find(body_html.as_bytes()).is_some() {
            body_html = alignment_as_classes(&body_html);
        }
        self.write_footnotes(&mut body_html);
        let ids = Ids::new(std::mem::take(&mut self.ids));
        let mut rendered = self.rendered;
        rendered.ids = ids;
        let mut html_nesting = self.html_nesting;
        if input.sanitize_html && !html_nesting.too_deep && HtmlNesting::default().read(&body_html)
        {
            // Markdown itself can nest as deep (block quotes `>>>>`, lists in lists).
            rendered.diagnostics.push(
                Diagnostic::error("html", format!("the page nests block quotes, lists or HTML more than {MAX_HTML_NESTING} levels deep"))
                    .in_file(input.file)
                    .at(Some(input.first_line), None)
                    .hint("with `markdown.sanitize_html` on, a page may nest at most this deep: flatten the block quotes or lists"),
            );
            html_nesting.too_deep = true;
        }
        if input.sanitize_html && html_nesting.too_deep {
            // Refused above with an error; the HTML parser behind the sanitizer is never handed it
            // (its cost grows with the square of the depth).
            body_html.clear();
            summary_html = None;
        } else if input.sanitize_html {
            body_html = sanitize(&body_html);
            summary_html = summary_html.map(|s| sanitize(&s));
        }
        rendered.html = SharedHtml::new(&body_html);
        rendered.summary = summary_html.map(|s| SharedHtml::new(&s));
        rendered.toc = build_toc(self.flat_toc).into();
        rendered.components_used.sort();
        rendered.components_used.dedup();
        rendered
    }

    /// The footnotes, in the order of first reference, each with a back-link per reference.
    fn write_footnotes(&mut self, body_html: &mut String) {
        let notes = &mut self.footnotes;
        if notes.order.is_empty() {
            return;
        }
        body_html.push_str("<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
        for name in &notes.order {
            let slug = footnote_slug(name);
            self.ids.insert(format!("fn-{slug}"));
            body_html.push_str(&format!("<li id=\"fn-{slug}\">"));
            let mut note = String::new();
            if let Some(events) = notes.definitions.remove(name) {
                html::push_html(&mut note, events.into_iter());
            }
            let count = notes.reference_counts.get(name).copied().unwrap_or(1);
            let label = escape_xml(self.input.footnote_backlink);
            let backlinks: String = (1..=count)
                .map(|i| {
                    let label = label.replace("{n}", &i.to_string());
                    format!(" <a href=\"#fr-{slug}-{i}\" class=\"footnote-backref\" role=\"doc-backlink\" aria-label=\"{label}\">↩</a>")
                })
                .collect();
            let note = note.trim_end();
            match note.strip_suffix("</p>") {
                Some(before) => {
                    body_html.push_str(before);
                    body_html.push_str(&backlinks);
                    body_html.push_str("</p>");
                }
                None => {
                    body_html.push_str(note);
                    body_html.push_str(&backlinks);
                }
            }
            body_html.push_str("</li>\n");
        }
        body_html.push_str("</ol>\n</section>\n");
    }
}

/// The words of `text`, as `split_whitespace().count()` counts them, in one pass over the bytes
/// when the text is ASCII (the common case; the iterator cost 2% of a build).
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    fn space(b: u8) -> bool {
        b == b' ' || (b'\t'..=b'\r').contains(&b)
    }
    // A word starts at a non-space byte that is first or follows a space. The pairs are counted
    // in blocks of 255 into a byte counter, a loop the compiler turns into vector compares.
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else { return 0 };
    let mut words = usize::from(!space(first));
    for (before, after) in bytes.chunks(255).zip(bytes[1..].chunks(255)) {
        let mut block: u8 = 0;
        for (&x, &y) in before.iter().zip(after) {
            block += u8::from(space(x) & !space(y));
        }
        words += usize::from(block);
    }
    words
}

/// What pulldown-cmark writes on an aligned table cell.
const ALIGNMENT: &str = " style=\"text-align: ";

/// A vectorised search for [`ALIGNMENT`] (`str::find` was 3% of a build: every body is searched).
fn alignment_finder() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new(ALIGNMENT))
}

/// Rewrites ` style="text-align: X"` (pulldown-cmark's table cells) to ` class="align-X"` in one pass.
fn alignment_as_classes(html: &str) -> String {
    const NEEDLE: &str = ALIGNMENT;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = alignment_finder().find(rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let after = &rest[i + NEEDLE.len()..];
        match after.find('"') {
            Some(end) if matches!(&after[..end], "left" | "center" | "right") => {
                out.push_str(" class=\"align-");
                out.push_str(&after[..end]);
                out.push('"');
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(NEEDLE);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn footnote_slug(name: &str) -> String {
    let s = slugify(name);
    if s.is_empty() {
        crate::text::encode_component(name)
    } else {
        s
    }
}

/// How deep raw HTML may nest when it is sanitized. The HTML parser behind ammonia looks through
/// the stack of open elements at every tag, so its time grows with the square of the depth
/// (100,000 nested `<div>`s took 36 s); real pages nest a few dozen deep.
pub const MAX_HTML_NESTING: usize = 512;

/// The nesting depth of the raw HTML of a body, read event by event in one linear pass: start
/// tags open (except void elements, `<.../>` and tags whose end is optional), end tags close.
/// It over-counts nothing that nests in a browser and under-counts nothing deep.
#[derive(Debug, Default)]
struct HtmlNesting {
    depth: usize,
    too_deep: bool,
}

impl HtmlNesting {
    /// Reads one piece of raw HTML; true the first time the depth passes [`MAX_HTML_NESTING`].
    fn read(&mut self, html: &str) -> bool {
        const NOT_NESTING: &[&str] = &[
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
            "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
        ];
        let bytes = html.as_bytes();
        let mut i = 0;
        while let Some(at) = memchr::memchr(b'<', &bytes[i..]) {
            i += at + 1;
            let closing = bytes.get(i) == Some(&b'/');
            let start = if closing { i + 1 } else { i };
            let len = bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
                .count();
            if len == 0 {
                continue;
            }
            let name = html[start..start + len].to_ascii_lowercase();
            if NOT_NESTING.contains(&name.as_str()) {
                continue;
            }
            if closing {
                self.depth = self.depth.saturating_sub(1);
                continue;
            }
            // The tag ends at the next `>` (looking no further than the next `<`, so the pass stays
            // linear).
            let end =
                bytes[start..].iter().position(|&b| b == b'>' || b == b'<').map(|e| start + e);
            if end.is_some_and(|e| bytes[e] == b'>' && bytes[e - 1] == b'/') {
                continue;
            }
            self.depth += 1;
            if self.depth > MAX_HTML_NESTING && !self.too_deep {
                self.too_deep = true;
                return true;
            }
        }
        false
    }
}

/// Cleans raw HTML with ammonia, keeping what Charter itself generates (ids, classes, roles).
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "role", "aria-label", "data-lang"])
        .add_tags(["section", "sup"])
        .clean(html)
        .to_string()
}

/// Nests a flat list of headings into a tree by level.
fn build_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        if let Some(last) = list.last_mut() {
            if entry.level > last.level {
                insert(&mut last.children, entry);
                return;
            }
        }
        list.push(entry);
    }
    // Every body's table of contents lives until the build ends: no growth slack (on the
    // 10,000-page corpus the slack was 4 MB).
    fn shrink(list: &mut Vec<TocEntry>) {
        list.shrink_to_fit();
        for entry in list {
            shrink(&mut entry.children);
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in flat {
        insert(&mut toc, TocEntry { level, id, title, children: Vec::new() });
    }
    shrink(&mut toc);
    toc
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Links;
    impl LinkResolver for Links {
        fn resolve(&self, target: &str) -> Option<String> {
            (target == "a.md").then(|| "/a/".to_string())
        }
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        let long = "word ".repeat(40) + "  two\tspaces " + &"x".repeat(70) + " tail";
        let samples = [
            "",
            " ",
            "one",
            " one  two\tthree\nfour ",
            "a\x0bb\x0cc\rd",
            "déjà vu\u{a0}x",
            "x\u{2003}y z",
            long.as_str(),
            &long[1..],
            &long[3..],
        ];
        for text in samples {
            assert_eq!(count_words(text), text.split_whitespace().count(), "{text:?}");
        }
    }

    /// A test body in `t.md` from line `first_line`, with Charter's default settings but
    /// `anchors`.
    fn input(body: &str, first_line: usize, anchors: Anchors) -> Input<'_> {
        Input {
            body,
            first_line,
            file: Path::new("t.md"),
            sanitize_html: false,
            anchors,
            footnote_backlink: FOOTNOTE_BACKLINK,
        }
    }

    fn md(body: &str) -> Rendered {
        render(&input(body, 1, Anchors::default()), &Links)
    }

    #[test]
    fn repeated_headings_take_the_next_free_suffix() {
        // `x-2` is taken by an explicit id before the third `X`: it takes `x-3`, and the fourth
        // goes on from there (a page of N equal headings is read once, not N² times).
        let r = md("## X\n\n## X\n\n## Mine {#x-2}\n\n## X\n\n## X\n\n## X-1\n");
        let ids: Vec<&str> = r.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["x", "x-1", "x-2", "x-3", "x-4", "x-1-1"]);
        let many = md(&"## Same\n\n".repeat(3000));
        assert_eq!(many.toc.len(), 3000);
        assert_eq!(many.toc[2999].id, "same-2999");
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let r = md("## One\n\n### Two\n\n## One\n\n## Custom {#mine}\n");
        assert!(r.html.text().contains("<h2 id=\"one\">One</h2>"), "{}", r.html);
        assert!(r.html.text().contains("<h2 id=\"one-1\">"), "{}", r.html);
        assert!(r.html.text().contains("<h2 id=\"mine\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "two");
        // The ids the anchor checks read: every one given, none other (prefixes included).
        assert_eq!(r.ids.iter().collect::<Vec<_>>(), ["mine", "one", "one-1", "two"]);
        for id in ["mine", "one", "one-1", "two"] {
            assert!(r.ids.contains(id), "{id}");
        }
        for id in ["", "on", "one-", "one-11", "three", "z"] {
            assert!(!r.ids.contains(id), "{id}");
        }
    }

    #[test]
    fn internal_links_resolve_or_fail_with_a_line() {
        let r = md("text\n\n[ok](@/a.md#x) and [bad](@/missing.md)\n");
        assert!(r.html.text().contains("href=\"/a/#x\""), "{}", r.html);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].line, Some(3));
        assert_eq!(r.internal_links[0].anchor.as_deref(), Some("x"));
    }

    #[test]
    fn footnotes_move_to_the_end_with_backlinks() {
        let r = md("Claim[^1] again[^1].\n\n[^1]: The source.\n\nAfter.\n");
        let notes = r.html.text().find("class=\"footnotes\"").unwrap();
        assert!(r.html.text().find("After.").unwrap() < notes);
        assert!(r.html.text().contains("href=\"#fr-1-2\""), "{}", r.html);
        assert!(r.html.text().contains("id=\"fn-1\""));
    }

    #[test]
    fn anchors_for_headings_and_paragraphs_when_asked() {
        let anchors = Anchors { headings: true, paragraphs: true };
        let r = render(
            &input("Intro.\n\n## Part one\n\nFirst.\n\n- item\n\nSecond.\n", 1, anchors),
            &Links,
        );
        assert!(r.html.text().contains("<p id=\"p1\">Intro.<a class=\"para-anchor\" href=\"#p1\" tabindex=\"-1\" aria-hidden=\"true\">"), "{}", r.html);
        assert!(r.html.text().contains("<h2 id=\"part-one\"><a class=\"heading-anchor\" href=\"#part-one\">Part one</a></h2>"), "{}", r.html);
        let linked = render(&input("## See [x](https://e.org)\n", 1, anchors), &Links);
        assert!(
            !linked.html.text().contains("heading-anchor"),
            "no link inside a link: {}",
            linked.html
        );
        assert!(r.html.text().contains("<p id=\"part-one-p2\">Second."), "{}", r.html);
        assert!(r.html.text().contains("<li>item</li>"), "list items get no anchors: {}", r.html);
        assert_eq!(r.toc[0].title, "Part one");
        assert_eq!(r.word_count, 6, "anchors add no words");
    }

    #[test]
    fn summary_and_words() {
        let r = md("One two.\n\n<!-- more -->\n\nThree.\n");
        assert_eq!(r.summary.map(|s| s.to_string()).as_deref(), Some("<p>One two.</p>\n"));
        assert_eq!(r.word_count, 3);
    }

    #[test]
    fn a_packed_body_gives_back_the_html_it_was_given() {
        let r = md("# Заголовок\n\nA *body* with `code` and a [link](https://example.org).\n");
        let mut packed = r.html.clone();
        packed.pack();
        packed.pack(); // packing twice changes nothing
        assert_eq!(packed.text(), r.html.text());
        assert_eq!(packed.value().as_str(), r.html.value().as_str());
        assert_eq!(format!("{packed}"), format!("{}", r.html));
        let mut empty = super::SharedHtml::default();
        empty.pack();
        assert_eq!(empty.text(), "");
    }

    /// Renders a call as `<x-NAME a=1>BODY</x-NAME>`; `nope` is unknown.
    struct Tags;
    impl ComponentRenderer for Tags {
        fn render(
            &self,
            call: &page_components::Call,
            body: Option<&str>,
        ) -> Result<String, page_components::ComponentProblem> {
            if call.name == "nope" {
                return Err(page_components::ComponentProblem {
                    message: "there is no component `nope`".into(),
                    hint: "did you mean `note`?".into(),
                });
            }
            let args: String = call.args.iter().map(|(k, v)| format!(" {k}={v}")).collect();
            Ok(format!("<x-{}{args}>{}</x-{}>", call.name, body.unwrap_or_default(), call.name))
        }
    }

    fn with_calls(body: &str) -> Rendered {
        render_with_components(&input(body, 3, Anchors::default()), &Links, Some(&Tags))
    }

    #[test]
    fn a_call_alone_in_its_paragraph_is_not_wrapped_and_inline_calls_stay_inline() {
        let r = with_calls("{{ figure(src=\"a.png\", n=3) }}\n\nBefore {{ f(ok=true) }} after.\n");
        assert_eq!(
            r.html.to_string(),
            "<x-figure src=a.png n=3></x-figure>\n<p>Before <x-f ok=true></x-f> after.</p>\n"
        );
        assert_eq!(r.components_used, vec!["f".to_string(), "figure".to_string()]);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }

    #[test]
    fn bodies_are_markdown_that_joins_the_toc_and_nest() {
        let r = with_calls("{% note() %}\n## Inside\n\nSee `{{ f() }}`.\n{% end %}\n\nAfter.\n");
        assert_eq!(r.html.to_string(), "<x-note><h2 id=\"inside\">Inside</h2>\n<p>See <code>{{ f() }}</code>.</p>\n</x-note>\n<p>After.</p>\n");
        assert_eq!(r.toc[0].id, "inside");
        let lazy = with_calls("{% note() %}\n- one\n- two\n{% end %}\n\nAfter.\n");
        assert_eq!(
            lazy.html.to_string(),
            "<x-note><ul>\n<li>one</li>\n<li>two</li>\n</ul>\n</x-note>\n<p>After.</p>\n"
        );
        let nested = with_calls("{% a() %}\n{% b(k=[1, \"x\"]) %}\ninner\n{% end %}\n{% end %}\n");
        assert_eq!(nested.html.to_string(), "<x-a><x-b k=[1, \"x\"]><p>inner</p>\n</x-b></x-a>");
    }

    #[test]
    fn calls_in_code_are_text_and_escapes_show_a_call() {
        let r = with_calls(
            "```text\n{{ f() }}\n```\n\n    {% g() %}\n\nWrite {{/* f(a=\"x\") */}} so.\n",
        );
        assert!(r.html.text().contains("{{ f() }}"), "{}", r.html);
        assert!(r.html.text().contains("{% g() %}"), "{}", r.html);
        assert!(r.html.text().contains("<p>Write {{ f(a=\"x\") }} so.</p>"), "{}", r.html);
        assert!(r.components_used.is_empty());
    }

    #[test]
    fn broken_and_odd_calls_never_panic_and_always_end() {
        let deep = "{% a() %}\n".repeat(40) + &"{% end %}\n".repeat(40);
        let samples = [
            "{{/*/}}",
            "{%/**/%}",
            "{{ f(",
            "{{ f(a=\"é",
            "{{ f(a=[1, [2, [3]]]) }}",
            "{% f() %}",
            "{% end",
            "{{ f() }}{{ g() }}{{/* h() */}}",
            "> {% q() %}\n> in quote\n{% end %}",
            "- {{ f() }}\n- {% g() %}\n  item\n  {% end %}",
            "# {{ f() }} title",
            "[^1]\n\n[^1]: {{ f() }}",
            "| {{ f() }} | b |\n|---|---|\n| {% g() %} | x |",
            "*{{ f(a=\"*\") }}*",
            "`{{ f() }}` {{ f(",
            "{{ nope() }} {{ nope() }}",
            "é{{ f() }}é",
            deep.as_str(),
            "{{ f(a=1e) }}",
            "{{ f(a=-) }}",
        ];
        for body in samples {
            let r = with_calls(body);
            assert!(!r.html.text().contains("{{ f() }}{{"), "{body:?}: {}", r.html);
        }
        let r = with_calls(&deep);
        assert!(r.diagnostics.iter().any(|d| d.message.contains("nest more than 32 deep")));
    }

    #[test]
    fn mistakes_name_the_line_and_column_of_the_call() {
        let r = with_calls(
            "Intro.\n\nText {{ nope() }}.\n\n  {% note() %}\nno end\n\nx {{ f(a=1 b=2) }}\n",
        );
        let found: Vec<String> =
            r.diagnostics.iter().map(|d| format!("{}: {}", d.location(), d.message)).collect();
        assert_eq!(
            found,
            vec![
                "t.md:5:6: there is no component `nope`",
                "t.md:7:3: the body of `note` is never closed",
                "t.md:10:12: expected `)`, found `b`",
            ]
        );
        assert_eq!(r.diagnostics[0].source_line.as_deref(), Some("Text {{ nope() }}."));
    }

    #[test]
    fn code_is_highlighted_and_unknown_languages_warn() {
        let r = md("```rust\nfn x() {}\n```\n\n```klingon\n<x>\n```\n");
        assert!(r.html.text().contains("hl-"), "{}", r.html);
        assert!(r.html.text().contains("&lt;x&gt;"));
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].line, Some(5));
    }
}
