//! What an import changed and what it leaves for a person, grouped for reading.
//!
//! Every converter pushes [`Note`]s (file, line, what was done) and [`Leftover`]s (shortcodes and
//! Liquid tags it could not translate). The report prints them as Markdown for
//! `import-report.md`, as JSON for tools, and as one summary line for the terminal.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// What kind of change or problem a note records; the report groups notes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// Two sources publish the same URL.
    Collision,
    /// A title was missing and was made from the file or folder name.
    TitleInvented,
    /// A date was rewritten into a form Charter reads.
    DateRewritten,
    /// A front matter key appeared twice; the last one was kept.
    KeyDeduplicated,
    /// Blank lines stood before the opening `---`.
    BlankLinesRemoved,
    /// A URL is kept by a redirect (alias) or a chosen content path.
    UrlKept,
    /// A source URL Charter cannot keep (a query string or fragment, a term slug Charter makes
    /// differently): it needs a redirect rule on the web server.
    UrlNotKept,
    /// A page the source would not publish (draft, future, expired, unrendered) is a draft.
    Unpublished,
    /// A link (`ref`, `post_url`, `link`) whose target was not found.
    LinkUnresolved,
    /// A link to a page the new site does not publish (a draft, expired, future or missing page),
    /// written as the source rendered it: broken on the source site too.
    LinkToUnpublished,
    /// An alias left out because a page, section or term publishes its URL.
    AliasOverPage,
    /// A page or alias whose URL climbs out of the site (`..`): not imported, needs a person.
    OutsideSite,
    /// A file that was not imported, and why.
    Skipped,
    /// A language of a multilingual source site: where it went.
    Language,
    /// Anything else worth a look.
    Other,
}

impl NoteKind {
    fn heading(self) -> &'static str {
        match self {
            NoteKind::Collision => "Collisions (two sources, one URL)",
            NoteKind::TitleInvented => "Titles invented",
            NoteKind::DateRewritten => "Dates rewritten",
            NoteKind::KeyDeduplicated => "Duplicate keys (the last one was kept)",
            NoteKind::BlankLinesRemoved => "Blank lines before front matter removed",
            NoteKind::UrlKept => "URLs kept by content path or redirect",
            NoteKind::UrlNotKept => {
                "URLs not kept (a redirect rule on the web server needs a person)"
            }
            NoteKind::Unpublished => "Pages the source would not publish (imported as drafts)",
            NoteKind::LinkUnresolved => "Links whose target was not found",
            NoteKind::LinkToUnpublished => {
                "Links to pages the new site does not publish (broken on the source site too)"
            }
            NoteKind::AliasOverPage => {
                "Aliases left out: a page, section or term publishes that URL (a redirect never replaces content)"
            }
            NoteKind::OutsideSite => "Pages and aliases not imported: their URL leaves the site",
            NoteKind::Skipped => "Files skipped",
            NoteKind::Language => {
                "Languages (each one a plain section: Charter has no translations yet)"
            }
            NoteKind::Other => "Other notes",
        }
    }
    const ORDER: [NoteKind; 15] = [
        NoteKind::Collision,
        NoteKind::LinkUnresolved,
        NoteKind::LinkToUnpublished,
        NoteKind::AliasOverPage,
        NoteKind::UrlNotKept,
        NoteKind::OutsideSite,
        NoteKind::Language,
        NoteKind::Skipped,
        NoteKind::Unpublished,
        NoteKind::TitleInvented,
        NoteKind::DateRewritten,
        NoteKind::KeyDeduplicated,
        NoteKind::BlankLinesRemoved,
        NoteKind::UrlKept,
        NoteKind::Other,
    ];
}

/// One thing the import did or noticed, with where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    /// The source file, relative to SOURCE (empty for site-wide notes).
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl Note {
    pub fn new(
        kind: NoteKind,
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Note { kind, file: file.into(), line, message: message.into() }
    }
}

/// A shortcode, include or Liquid tag that needs a person, by its name in the source: either a
/// generated component to port once (its uses are calls of it), or uses kept in HTML comments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Leftover {
    pub count: usize,
    /// The first use, `file:line`.
    pub example: String,
    /// The component its uses call, when they became calls.
    pub component: Option<String>,
    /// That component's generated template, relative to DEST.
    pub template: Option<String>,
    /// The first use: the first file met, its first line.
    #[serde(skip)]
    first: Option<(PathBuf, usize)>,
}

impl Leftover {
    fn add_use(&mut self, file: &std::path::Path, line: usize) {
        self.count += 1;
        let earlier = match &self.first {
            None => true,
            Some((f, l)) => f == file && line < *l,
        };
        if earlier {
            self.first = Some((file.to_path_buf(), line));
            self.example = format!("{}:{line}", super::slash_path(file));
        }
    }
}

/// One use of an untranslated shortcode or tag, as converters return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftoverUse {
    pub name: String,
    pub line: usize,
}

/// Two or more sources publishing one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collision {
    pub url: String,
    /// Each claimant: a source file (page or alias) or a taxonomy; drafts end in ` (draft)`.
    pub sources: Vec<String>,
    /// Fewer than two of the claimants are published: the collision appears only with
    /// `charter build --drafts`, or once a draft is published.
    pub drafts: bool,
    /// Which claimant the source generator served there, when the import made the others drafts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served: Option<String>,
}

/// Counts of what was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pages: usize,
    pub sections: usize,
    pub drafts: usize,
    pub aliases: usize,
    pub resources: usize,
    pub static_files: usize,
    pub data_files: usize,
}

/// Everything an import did, grouped for a person (Markdown) or a tool (JSON).
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// `hugo` or `jekyll`.
    pub from: &'static str,
    pub source: PathBuf,
    pub dest: PathBuf,
    pub counts: Counts,
    pub collisions: Vec<Collision>,
    /// Hugo shortcodes to port (generated components) or kept in comments, by name.
    pub shortcodes: BTreeMap<String, Leftover>,
    /// Jekyll includes to port (generated components, by file name) and Liquid tags kept in
    /// comments (by tag name).
    pub liquid_tags: BTreeMap<String, Leftover>,
    /// Hugo built-ins drawn by the importer's own components, with their uses.
    pub builtin_components: BTreeMap<String, usize>,
    pub notes: Vec<Note>,
    /// Wall-clock time of the import, in seconds.
    pub seconds: f64,
}

impl ImportReport {
    pub(crate) fn new(from: &'static str, source: PathBuf, dest: PathBuf) -> Self {
        ImportReport {
            from,
            source,
            dest,
            counts: Counts::default(),
            collisions: Vec::new(),
            shortcodes: BTreeMap::new(),
            liquid_tags: BTreeMap::new(),
            builtin_components: BTreeMap::new(),
            notes: Vec::new(),
            seconds: 0.0,
        }
    }

    pub(crate) fn note(&mut self, note: Note) {
        self.notes.push(note);
    }

    pub(crate) fn add_leftovers(
        map: &mut BTreeMap<String, Leftover>,
        file: &std::path::Path,
        uses: &[LeftoverUse],
    ) {
        for u in uses {
            map.entry(u.name.clone()).or_default().add_use(file, u.line);
        }
    }

    /// Counts a use of the generated component `component` (source name `name`).
    pub(crate) fn add_component_use(
        map: &mut BTreeMap<String, Leftover>,
        name: &str,
        component: &str,
        file: &std::path::Path,
        line: usize,
    ) {
        let entry = map.entry(name.to_string()).or_default();
        entry.add_use(file, line);
        entry.component = Some(component.to_string());
        entry.template = Some(format!("templates/components/{component}.html"));
    }

    /// Sorts everything so that the report does not depend on thread scheduling.
    pub(crate) fn finish(&mut self, elapsed: Duration) {
        self.notes.sort();
        self.notes.dedup();
        self.collisions.sort_by(|a, b| a.url.cmp(&b.url));
        self.seconds = elapsed.as_secs_f64();
    }

    /// (distinct names, uses) of the generated components to port in `map`.
    fn to_port(map: &BTreeMap<String, Leftover>) -> (usize, usize) {
        let port = map.values().filter(|l| l.template.is_some());
        (port.clone().count(), port.map(|l| l.count).sum())
    }

    /// Uses kept in HTML comments in `map`.
    fn kept(map: &BTreeMap<String, Leftover>) -> usize {
        map.values().filter(|l| l.template.is_none()).map(|l| l.count).sum()
    }

    /// How many things need a person: collisions, each shortcode or include to port (once), each
    /// use kept in a comment, broken links.
    pub fn needs_attention(&self) -> usize {
        self.collisions.len()
            + Self::to_port(&self.shortcodes).0
            + Self::kept(&self.shortcodes)
            + Self::to_port(&self.liquid_tags).0
            + Self::kept(&self.liquid_tags)
            + self
                .notes
                .iter()
                .filter(|n| {
                    matches!(
                        n.kind,
                        NoteKind::LinkUnresolved | NoteKind::UrlNotKept | NoteKind::OutsideSite
                    )
                })
                .count()
    }

    pub fn summary_line(&self) -> String {
        let c = &self.counts;
        let from = if self.from == "hugo" { "Hugo" } else { "Jekyll" };
        let mut line = format!(
            "Imported {} pages ({} drafts), {} sections, {} static files and {} data files from {} in {:.2} s",
            c.pages, c.drafts, c.sections, c.static_files + c.resources, c.data_files, from, self.seconds
        );
        let attention = self.needs_attention();
        if attention == 0 {
            line.push_str("; nothing needs a person");
        } else {
            let redirects = self.notes.iter().filter(|n| n.kind == NoteKind::UrlNotKept).count();
            let (what, map, kept) = if self.from == "hugo" {
                ("shortcodes", &self.shortcodes, "shortcode uses")
            } else {
                ("includes", &self.liquid_tags, "Liquid tags")
            };
            let (port, uses) = Self::to_port(map);
            let kept = match Self::kept(map) {
                0 => String::new(),
                n => format!(", {n} {kept} kept as comments"),
            };
            line.push_str(&format!(
                "; {} {} a person ({} collisions, {port} {what} to port ({uses} uses){kept}{})",
                attention,
                if attention == 1 { "item needs" } else { "items need" },
                self.collisions.len(),
                match redirects {
                    0 => String::new(),
                    1 => ", 1 server redirect".to_string(),
                    n => format!(", {n} server redirects"),
                },
            ));
        }
        line.push_str(": see import-report.md");
        crate::text::escape_control_line(&line)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    pub fn to_markdown(&self) -> String {
        let c = &self.counts;
        let mut out = String::new();
        out.push_str("# Import report\n\n");
        out.push_str(&format!(
            "From {} site `{}` into `{}`.\n\n",
            if self.from == "hugo" { "the Hugo" } else { "the Jekyll" },
            self.source.display(),
            self.dest.display()
        ));
        out.push_str(&format!("{}\n\n", self.summary_line()));
        out.push_str("| what | count |\n| --- | ---: |\n");
        for (what, n) in [
            ("pages", c.pages),
            ("of which drafts", c.drafts),
            ("sections", c.sections),
            ("redirects (aliases)", c.aliases),
            ("bundle resources", c.resources),
            ("static files", c.static_files),
            ("data files", c.data_files),
        ] {
            out.push_str(&format!("| {what} | {n} |\n"));
        }
        out.push('\n');

        out.push_str("## Collisions\n\n");
        if self.collisions.is_empty() {
            out.push_str("None: no two sources publish the same URL.\n\n");
        } else {
            let line = |col: &Collision| {
                format!(
                    "- `{}`: {}\n",
                    col.url,
                    col.sources.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                )
            };
            if self.collisions.iter().all(|c| c.drafts) {
                out.push_str("None among published pages: a plain `charter build` finds no two sources at one URL.\n");
            } else {
                out.push_str(
                    "Each URL below is published by more than one source. The import kept all of them; \
                     `charter build` reports the collision until you remove or move all but one.\n\n",
                );
                for col in self.collisions.iter().filter(|c| !c.drafts) {
                    out.push_str(&line(col));
                }
            }
            let from = if self.from == "hugo" { "Hugo" } else { "Jekyll" };
            if self.collisions.iter().any(|c| c.served.is_some()) {
                out.push_str(&format!(
                    "\nPublished pages at one URL on the source site too: the page {from} served there keeps the URL, \
                     the others were imported as drafts (marked `(draft)`), so nothing is lost and `charter build` \
                     succeeds. {from} writes such pages at the same time, so a rebuild of the old site may have \
                     served another one: check the live URL, and delete or move the drafts.\n\n"
                ));
                for col in self.collisions.iter().filter(|c| c.served.is_some()) {
                    let served = col.served.as_deref().unwrap_or_default();
                    out.push_str(&format!(
                        "{}; {from} served `{served}` there\n",
                        line(col).trim_end()
                    ));
                }
            }
            if self.collisions.iter().any(|c| c.drafts && c.served.is_none()) {
                out.push_str(
                    "\nAmong drafts (marked `(draft)`; the source published no draft): these appear with \
                     `charter build --drafts`, or once the draft is published.\n\n",
                );
                for col in self.collisions.iter().filter(|c| c.drafts && c.served.is_none()) {
                    out.push_str(&line(col));
                }
            }
            out.push('\n');
        }

        let (map, what, plural, from) = if self.from == "hugo" {
            (&self.shortcodes, "shortcode", "Shortcodes", "Hugo template")
        } else {
            (&self.liquid_tags, "include", "Includes", "include file")
        };
        let (port, uses) = Self::to_port(map);
        if port > 0 {
            out.push_str(&format!("## {plural} to port ({port}, {uses} uses)\n\n"));
            out.push_str(&format!(
                "Each {what} below became a page component: every use is a call of it, and its generated \
                 template draws a box marked \"port me\" with the call's arguments and body (the \
                 {from} it came from is copied into a comment at its top). The site builds as it is; \
                 port each {what} once, in its template.\n\n"
            ));
            out.push_str(&format!(
                "| {what} | uses | first use | template |\n| --- | ---: | --- | --- |\n"
            ));
            for (name, l) in map.iter().filter(|(_, l)| l.template.is_some()) {
                out.push_str(&format!(
                    "| `{name}` | {} | `{}` | `{}` |\n",
                    l.count,
                    l.example,
                    l.template.as_deref().unwrap_or_default()
                ));
            }
            out.push('\n');
        }
        let kept: Vec<(&String, &Leftover)> =
            map.iter().filter(|(_, l)| l.template.is_none()).collect();
        if !kept.is_empty() {
            let (title, mark) = if self.from == "hugo" {
                ("Shortcodes kept as HTML comments", "<!-- hugo:")
            } else {
                ("Liquid tags kept as HTML comments", "<!-- liquid:")
            };
            out.push_str(&format!("## {title} ({} uses)\n\n", Self::kept(map)));
            out.push_str(&format!(
                "No component call could express these: a use inside a raw HTML block, a code block, a \
                 link's URL or an HTML attribute (marked so: Charter reads no call there; write its output in place), \
                 a closing tag without its opening, a tag Charter has no equivalent for. Each was kept in an HTML comment, a \
                 paired one around its inner content. Search the files for `{mark}` to find them.\n\n"
            ));
            out.push_str("| name | uses | first use |\n| --- | ---: | --- |\n");
            for (name, l) in kept {
                out.push_str(&format!("| `{name}` | {} | `{}` |\n", l.count, l.example));
            }
            out.push('\n');
        }
        if !self.builtin_components.is_empty() {
            out.push_str("Hugo's built-in shortcodes became components drawn as Hugo drew them (their templates are in `templates/components/`): ");
            let list: Vec<String> = self
                .builtin_components
                .iter()
                .map(|(name, n)| format!("`{name}` ({n} {})", if *n == 1 { "use" } else { "uses" }))
                .collect();
            out.push_str(&list.join(", "));
            out.push_str(".\n\n");
        }

        for kind in NoteKind::ORDER {
            if kind == NoteKind::Collision {
                continue;
            }
            let notes: Vec<&Note> = self.notes.iter().filter(|n| n.kind == kind).collect();
            if notes.is_empty() {
                continue;
            }
            out.push_str(&format!("## {} ({})\n\n", kind.heading(), notes.len()));
            for n in notes {
                let place = match (n.file.as_os_str().is_empty(), n.line) {
                    (true, _) => String::new(),
                    (false, Some(line)) => format!("`{}:{}`: ", n.file.display(), line),
                    (false, None) => format!("`{}`: ", n.file.display()),
                };
                out.push_str(&format!("- {place}{}\n", n.message));
            }
            out.push('\n');
        }
        // File names, titles and URLs come from the source site: no control character reaches a
        // terminal that shows the report.
        crate::text::escape_control(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ImportReport {
        let mut r = ImportReport::new("hugo", "src".into(), "dst".into());
        r.counts.pages = 3;
        r.collisions.push(Collision {
            url: "/about/".into(),
            sources: vec!["about.md".into(), "posts/x.md".into()],
            drafts: false,
            served: None,
        });
        for line in [4, 9] {
            ImportReport::add_component_use(
                &mut r.shortcodes,
                "chart-x",
                "chart_x",
                std::path::Path::new("posts/a.md"),
                line,
            );
        }
        ImportReport::add_leftovers(
            &mut r.shortcodes,
            std::path::Path::new("posts/b.md"),
            &[LeftoverUse { name: "/box".into(), line: 7 }],
        );
        r.note(Note::new(NoteKind::TitleInvented, "posts/b.md", Some(1), "no title: used \"B\""));
        r.note(Note::new(NoteKind::DateRewritten, "posts/a.md", Some(3), "date `x` -> `y`"));
        r.finish(Duration::from_millis(1500));
        r
    }

    #[test]
    fn markdown_groups_everything_with_file_and_line() {
        let md = sample().to_markdown();
        assert!(md.contains("- `/about/`: `about.md`, `posts/x.md`"), "{md}");
        assert!(md.contains("## Shortcodes to port (1, 2 uses)"), "{md}");
        assert!(
            md.contains("| `chart-x` | 2 | `posts/a.md:4` | `templates/components/chart_x.html` |"),
            "{md}"
        );
        assert!(md.contains("## Shortcodes kept as HTML comments (1 uses)"), "{md}");
        assert!(md.contains("| `/box` | 1 | `posts/b.md:7` |"), "{md}");
        assert!(md.contains("## Titles invented (1)"), "{md}");
        assert!(md.contains("`posts/b.md:1`: no title"), "{md}");
        assert!(md.contains("`posts/a.md:3`: date"), "{md}");
    }

    #[test]
    fn collisions_among_drafts_are_listed_apart() {
        let mut r = ImportReport::new("hugo", "src".into(), "dst".into());
        r.collisions.push(Collision {
            url: "/a/".into(),
            sources: vec!["a.md (draft)".into(), "b.md (draft)".into()],
            drafts: true,
            served: None,
        });
        let md = r.to_markdown();
        assert!(md.contains("None among published pages"), "{md}");
        assert!(!md.contains("Each URL below"), "{md}");
        assert!(md.contains("Among drafts (marked `(draft)`"), "{md}");
        assert!(md.contains("- `/a/`: `a.md (draft)`, `b.md (draft)`"), "{md}");
        let md = sample().to_markdown();
        assert!(md.contains("Each URL below") && !md.contains("Among drafts"), "{md}");
    }

    #[test]
    fn json_is_valid_and_complete() {
        let v: serde_json::Value = serde_json::from_str(&sample().to_json()).unwrap();
        assert_eq!(v["from"], "hugo");
        assert_eq!(v["counts"]["pages"], 3);
        assert_eq!(v["shortcodes"]["chart-x"]["count"], 2);
        assert_eq!(v["shortcodes"]["chart-x"]["template"], "templates/components/chart_x.html");
        assert_eq!(v["collisions"][0]["url"], "/about/");
        assert_eq!(v["notes"][0]["kind"], "title-invented");
    }

    #[test]
    fn summary_counts_what_needs_a_person() {
        let line = sample().summary_line();
        assert!(
            line.contains(
                "3 items need a person (1 collisions, 1 shortcodes to port (2 uses), 1 shortcode uses kept as comments)"
            ),
            "{line}"
        );
        assert!(line.contains("1.50 s"), "{line}");
    }
}
