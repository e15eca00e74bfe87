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
            NoteKind::OutsideSite => "Pages and aliases not imported: their URL leaves the site",
            NoteKind::Skipped => "Files skipped",
            NoteKind::Language => {
                "Languages (each one a plain section: Charter has no translations yet)"
            }
            NoteKind::Other => "Other notes",
        }
    }
    const ORDER: [NoteKind; 13] = [
        NoteKind::Collision,
        NoteKind::LinkUnresolved,
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

/// A shortcode or Liquid tag that was left for a person, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Leftover {
    pub count: usize,
    /// Source files where it occurs, sorted.
    pub files: Vec<PathBuf>,
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
    /// Untranslated Hugo shortcodes by name.
    pub shortcodes: BTreeMap<String, Leftover>,
    /// Untranslated Liquid tags by name.
    pub liquid_tags: BTreeMap<String, Leftover>,
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
            let entry = map.entry(u.name.clone()).or_default();
            entry.count += 1;
            if !entry.files.iter().any(|f| f == file) {
                entry.files.push(file.to_path_buf());
            }
        }
    }

    /// Sorts everything so that the report does not depend on thread scheduling.
    pub(crate) fn finish(&mut self, elapsed: Duration) {
        self.notes.sort();
        self.notes.dedup();
        self.collisions.sort_by(|a, b| a.url.cmp(&b.url));
        for l in self.shortcodes.values_mut().chain(self.liquid_tags.values_mut()) {
            l.files.sort();
        }
        self.seconds = elapsed.as_secs_f64();
    }

    /// How many things need a person: collisions, untranslated shortcodes and tags, broken links.
    pub fn needs_attention(&self) -> usize {
        self.collisions.len()
            + self.shortcodes.values().map(|l| l.count).sum::<usize>()
            + self.liquid_tags.values().map(|l| l.count).sum::<usize>()
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
            line.push_str(&format!(
                "; {} {} a person ({} collisions, {} shortcodes, {} Liquid tags{})",
                attention,
                if attention == 1 { "item needs" } else { "items need" },
                self.collisions.len(),
                self.shortcodes.values().map(|l| l.count).sum::<usize>(),
                self.liquid_tags.values().map(|l| l.count).sum::<usize>(),
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
            if self.collisions.iter().any(|c| c.drafts) {
                out.push_str(
                    "\nAmong drafts (marked `(draft)`; the source published no draft): these appear with \
                     `charter build --drafts`, or once the draft is published.\n\n",
                );
                for col in self.collisions.iter().filter(|c| c.drafts) {
                    out.push_str(&line(col));
                }
            }
            out.push('\n');
        }

        for (title, map, what) in [
            ("Shortcodes left for a person", &self.shortcodes, "shortcode"),
            ("Liquid tags left for a person", &self.liquid_tags, "tag"),
        ] {
            if map.is_empty() {
                continue;
            }
            out.push_str(&format!("## {title}\n\n"));
            out.push_str(&format!(
                "Each {what} below was kept as an HTML comment (single) or replaced by its inner content \
                 (paired). Search the files for `<!-- {}` to find them.\n\n",
                if what == "tag" { "liquid:" } else { "hugo:" }
            ));
            out.push_str(&format!("| {what} | uses | files |\n| --- | ---: | --- |\n"));
            for (name, l) in map {
                let files: Vec<String> =
                    l.files.iter().map(|f| format!("`{}`", f.display())).collect();
                out.push_str(&format!("| `{name}` | {} | {} |\n", l.count, files.join(", ")));
            }
            out.push('\n');
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
        });
        ImportReport::add_leftovers(
            &mut r.shortcodes,
            std::path::Path::new("posts/a.md"),
            &[
                LeftoverUse { name: "chart".into(), line: 4 },
                LeftoverUse { name: "chart".into(), line: 9 },
            ],
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
        assert!(md.contains("| `chart` | 2 | `posts/a.md` |"), "{md}");
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
        assert_eq!(v["shortcodes"]["chart"]["count"], 2);
        assert_eq!(v["collisions"][0]["url"], "/about/");
        assert_eq!(v["notes"][0]["kind"], "title-invented");
    }

    #[test]
    fn summary_counts_what_needs_a_person() {
        let line = sample().summary_line();
        assert!(
            line.contains("3 items need a person (1 collisions, 2 shortcodes, 0 Liquid tags)"),
            "{line}"
        );
        assert!(line.contains("1.50 s"), "{line}");
    }
}
