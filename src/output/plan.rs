//! The output plan: every path a run writes, and who produces it, known before any byte is
//! written. It is the one place that confines writes: the full build, `check`, `serve`'s
//! incremental writes and the deploy transforms all go through a [`Plan`], and the
//! [`super::Writer`] refuses to write a path the plan does not hold. A plan is refused, naming
//! both producers, when
//!
//! - two producers write one path;
//! - one producer writes a file where another needs a folder (`topics` and `topics/index.html`);
//! - two paths differ only in letter case (they overwrite each other on macOS and Windows);
//! - a producer writes the index page of a folder another has reserved (the folder of a list's
//!   pagers, `news/page/`: a page there would read as pager 0);
//! - a path is one of Charter's own names (any segment starting with `.charter`: the manifest,
//!   the staging folder, the commit journal, the lock) or is not a plain relative path inside the
//!   output (empty, absolute, `.`/`..` segments, backslashes, control characters).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::error::{Diagnostic, Diagnostics};

/// Who writes an output path: what to call it in a message, where it comes from, and how to move
/// it out of the way (an imperative clause, or empty when it cannot move).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Producer {
    pub describe: String,
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub hint: String,
}

impl Producer {
    pub fn new(
        describe: impl Into<String>,
        file: Option<PathBuf>,
        hint: impl Into<String>,
    ) -> Producer {
        Producer { describe: describe.into(), file, line: None, hint: hint.into() }
    }

    pub fn at_line(mut self, line: Option<usize>) -> Producer {
        self.line = line;
        self
    }

    fn place(&self, d: Diagnostic) -> Diagnostic {
        match &self.file {
            Some(f) => d.in_file(f).at(self.line, None),
            None => d,
        }
    }
}

/// Every output path of a run and its producer. Built with [`PlanBuilder`]; a `Plan` exists only
/// when every rule held.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    claims: HashMap<String, Producer>,
    /// Folders (`news/page`) in which only their reserver writes, kept so that a claim added to
    /// the finished plan ([`Plan::claim`]) is checked against them too.
    reserved: Vec<(String, Producer)>,
}

/// Collects the claims of a run, then checks them all at once ([`PlanBuilder::finish`]).
#[derive(Debug, Default)]
pub struct PlanBuilder {
    claims: HashMap<String, Producer>,
    /// Folders (`news/page`) in which only their reserver writes.
    reserved: Vec<(String, Producer)>,
    errors: Diagnostics,
}

/// The segment prefix Charter keeps for its own files in the output folder.
pub const RESERVED_PREFIX: &str = ".charter";

/// The longest name of a file or folder that the common file systems take (ext4, XFS, APFS and
/// tmpfs count bytes, NTFS UTF-16 units: 255 bytes fits them all).
pub const MAX_NAME_BYTES: usize = 255;

/// Why `path` cannot be written as it is, if it cannot.
pub fn path_problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("is empty".into());
    }
    if path.starts_with('/') {
        return Some("is absolute".into());
    }
    if path.contains('\\') {
        return Some("contains a backslash".into());
    }
    if path.chars().any(char::is_control) {
        return Some("contains a control character".into());
    }
    for segment in path.split('/') {
        match segment {
            "" => return Some("has an empty segment (`//` or a trailing `/`)".into()),
            "." | ".." => return Some(format!("has a `{segment}` segment")),
            // Any letter case: on macOS and Windows `.Charter-Manifest` is the manifest.
            s if s.to_ascii_lowercase().starts_with(RESERVED_PREFIX) => {
                return Some(format!("uses `{s}`, a name Charter keeps for its own files (its manifest, staging folder, commit journal and lock)"))
            }
            s if s.len() > MAX_NAME_BYTES => {
                return Some(format!("has a name of {} bytes, and file systems take at most {MAX_NAME_BYTES}", s.len()))
            }
            _ => {}
        }
    }
    None
}

fn join_hints(a: &Producer, b: &Producer) -> String {
    match (a.hint.is_empty(), b.hint.is_empty()) {
        (false, false) => format!("{} or {}", b.hint, a.hint),
        (true, false) => b.hint.clone(),
        (false, true) => a.hint.clone(),
        (true, true) => "rename one of the two".into(),
    }
}

impl PlanBuilder {
    pub fn new() -> PlanBuilder {
        PlanBuilder::default()
    }

    /// Claims `path` for `producer`. A second claim of the same path is an error naming both.
    pub fn claim(&mut self, path: String, producer: Producer) {
        if let Some(d) = refuse_claim(&self.claims, &path, &producer) {
            self.errors.push(d);
            return;
        }
        self.claims.insert(path, producer);
    }

    /// Reserves `folder` (`news/page`, no trailing `/`) for `producer`: no other producer may
    /// write its index page (`news/page/index.html`).
    pub fn reserve_folder(&mut self, folder: String, producer: Producer) {
        self.reserved.push((folder, producer));
    }

    /// Checks file/folder clashes, case-only differences and reserved folders, and returns the
    /// plan or every error.
    pub fn finish(self) -> Result<Plan, Diagnostics> {
        let PlanBuilder { claims, reserved, mut errors } = self;
        for (folder, _) in &reserved {
            let index = format!("{folder}/index.html");
            if let Some(other) = claims.get(&index) {
                errors.extend(reserved_folder_clash(&reserved, &index, other));
            }
        }
        let plan = Plan { claims, reserved };
        plan.check_shapes(&mut errors);
        if errors.has_errors() {
            errors.sort();
            Err(errors)
        } else {
            Ok(plan)
        }
    }
}

/// Why `producer` may not write `path`, if `path` is the index page of a folder in `reserved`.
fn reserved_folder_clash(
    reserved: &[(String, Producer)],
    path: &str,
    producer: &Producer,
) -> Option<Diagnostic> {
    let folder = path.strip_suffix("/index.html")?;
    let (_, reserver) = reserved.iter().find(|(f, _)| f == folder)?;
    let d = Diagnostic::error(
        "collision",
        format!(
            "{} would write {path}, but {folder}/ is the folder of {}",
            producer.describe, reserver.describe
        ),
    );
    Some(producer.place(d).hint(join_hints(reserver, producer)))
}

/// Why `producer` may not claim `path` alone (its name, or a producer that has it already).
fn refuse_claim(
    claims: &HashMap<String, Producer>,
    path: &str,
    producer: &Producer,
) -> Option<Diagnostic> {
    if let Some(why) = path_problem(path) {
        let d = Diagnostic::error(
            "output",
            format!("{} would write `{}`, which {why}", producer.describe, path.escape_debug()),
        );
        let hint = if producer.hint.is_empty() {
            "choose another name".to_string()
        } else {
            producer.hint.clone()
        };
        return Some(producer.place(d).hint(hint));
    }
    let first = claims.get(path)?;
    let d = Diagnostic::error(
        "collision",
        format!("{} and {} would both write {path}", producer.describe, first.describe),
    );
    Some(producer.place(d).hint(join_hints(first, producer)))
}

fn file_folder_clash(
    file: &str,
    file_producer: &Producer,
    inner: &str,
    folder_producer: &Producer,
) -> Diagnostic {
    let d = Diagnostic::error(
        "collision",
        format!(
            "{} writes the file {file}, but {} needs {file}/ to be a folder (it writes {inner})",
            file_producer.describe, folder_producer.describe
        ),
    );
    file_producer.place(d).hint(format!(
        "{}: a path cannot be both a file and a folder",
        join_hints(folder_producer, file_producer)
    ))
}

fn case_clash(
    path: &str,
    producer: &Producer,
    other: &str,
    other_producer: &Producer,
) -> Diagnostic {
    let (differ, systems) = if path.to_lowercase() == other.to_lowercase() {
        ("letter case", "case-insensitive file systems (macOS, Windows)")
    } else {
        (
            "letter case or in how an accented letter is encoded (Unicode normalization, as `é` and `e` with a combining accent)",
            "macOS, which treats such names as one",
        )
    };
    let d = Diagnostic::error(
        "collision",
        format!(
            "{} writes {path} and {} writes {other}: the two differ only in {differ}",
            producer.describe, other_producer.describe
        ),
    );
    producer.place(d).hint(format!(
        "{}: on {systems} one would overwrite the other",
        join_hints(other_producer, producer)
    ))
}

/// The name two paths share where a file system ignores letter case and Unicode normalization
/// (macOS; Windows for case): lowercased, in NFC. Borrowed when the path is already so (ASCII
/// without capitals, as most are): the plan folds every path and folder of a site.
fn folded(path: &str) -> std::borrow::Cow<'_, str> {
    if path.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        return std::borrow::Cow::Borrowed(path);
    }
    let lower = path.to_lowercase();
    if lower.is_ascii() {
        return std::borrow::Cow::Owned(lower);
    }
    std::borrow::Cow::Owned(
        icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(&lower).into_owned(),
    )
}

impl Plan {
    /// The producer of `path`, if the plan holds it.
    pub fn producer(&self, path: &str) -> Option<&Producer> {
        self.claims.get(path)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.claims.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// Claims `path` for `producer` in a finished plan (an output a rebuild adds), checked against
    /// every claim and reserved folder as [`PlanBuilder`] checks it.
    pub fn claim(&mut self, path: String, producer: Producer) -> Result<(), Diagnostic> {
        if let Some(d) = refuse_claim(&self.claims, &path, &producer)
            .or_else(|| reserved_folder_clash(&self.reserved, &path, &producer))
            .or_else(|| self.shape_of_one(&path, &producer))
        {
            return Err(d);
        }
        self.claims.insert(path, producer);
        Ok(())
    }

    /// Gives up the claim of `path` (an output a rebuild removes).
    pub fn release(&mut self, path: &str) {
        self.claims.remove(path);
    }

    /// Moves the claim of `from` to `to` (a fingerprinted name), checking `to` as a new claim.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Diagnostic> {
        let Some(producer) = self.claims.remove(from) else {
            return Err(Diagnostic::error("output", format!("{from} is not in the output plan"))
                .hint("this is a bug in Charter: please report it"));
        };
        let refused =
            refuse_claim(&self.claims, to, &producer).or_else(|| self.shape_of_one(to, &producer));
        if let Some(d) = refused {
            self.claims.insert(from.to_string(), producer);
            return Err(d);
        }
        self.claims.insert(to.to_string(), producer);
        Ok(())
    }

    /// Adds `suffix` siblings (`.gz`, `.br`) of every path `wanted` selects, as products of the
    /// same producer, checking them like any claim.
    pub fn with_siblings(
        self,
        suffixes: &[&str],
        wanted: impl Fn(&str) -> bool,
    ) -> Result<Plan, Diagnostics> {
        let mut paths: Vec<String> = self.claims.keys().filter(|p| wanted(p)).cloned().collect();
        paths.sort();
        let mut builder = PlanBuilder {
            claims: self.claims,
            reserved: self.reserved,
            errors: Diagnostics::new(),
        };
        for path in paths {
            let Some(producer) = builder.claims.get(&path).cloned() else { continue };
            for suffix in suffixes {
                let sibling = Producer {
                    describe: format!("the precompressed copy ({suffix}) of {}", producer.describe),
                    ..producer.clone()
                };
                builder.claim(format!("{path}{suffix}"), sibling);
            }
        }
        builder.finish()
    }

    /// Why `path`, about to be claimed by `producer`, clashes with the plan's shapes, if it does.
    fn shape_of_one(&self, path: &str, producer: &Producer) -> Option<Diagnostic> {
        for (i, _) in path.match_indices('/') {
            if let Some(file_producer) = self.claims.get(&path[..i]) {
                return Some(file_folder_clash(&path[..i], file_producer, path, producer));
            }
        }
        let folder = format!("{path}/");
        let lower = folded(path);
        for (other, other_producer) in &self.claims {
            if other.starts_with(&folder) {
                return Some(file_folder_clash(path, producer, other, other_producer));
            }
            if other != path && folded(other) == lower {
                return Some(case_clash(path, producer, other, other_producer));
            }
        }
        None
    }

    /// File/folder clashes and case-only differences over the whole plan.
    fn check_shapes(&self, errors: &mut Diagnostics) {
        let mut all: Vec<&str> = self.claims.keys().map(String::as_str).collect();
        all.sort_unstable();
        // Every folder some path needs (as a file system that ignores case and normalization
        // names it, [`folded`]) -> the first path that needs it.
        let mut folders: HashMap<std::borrow::Cow<'_, str>, &str> = HashMap::new();
        for path in &all {
            for (i, _) in path.match_indices('/') {
                folders.entry(folded(&path[..i])).or_insert(path);
            }
        }
        // Every path folded -> its first spelling.
        let mut spellings: HashMap<std::borrow::Cow<'_, str>, &str> = HashMap::new();
        for path in all {
            let key = folded(path);
            if let Some(inner) = folders.get(&key) {
                errors.push(file_folder_clash(
                    path,
                    &self.claims[path],
                    inner,
                    &self.claims[*inner],
                ));
            }
            match spellings.get(&key) {
                Some(other) => {
                    errors.push(case_clash(path, &self.claims[path], other, &self.claims[*other]))
                }
                None => {
                    spellings.insert(key, path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn producer(name: &str) -> Producer {
        Producer::new(name, Some(PathBuf::from(name)), format!("rename {name}"))
    }

    fn plan(paths: &[(&str, &str)]) -> Result<Plan, Diagnostics> {
        let mut b = PlanBuilder::new();
        for (path, who) in paths {
            b.claim(path.to_string(), producer(who));
        }
        b.finish()
    }

    fn message(r: Result<Plan, Diagnostics>) -> String {
        match r {
            Ok(_) => String::new(),
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{} / {}", d.message, d.hint.clone().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
    }

    #[test]
    fn a_plan_refuses_two_producers_of_one_path_naming_both() {
        let m = message(plan(&[
            ("a/index.html", "content/a.md"),
            ("a/index.html", "static/a/index.html"),
        ]));
        assert!(
            m.contains("static/a/index.html and content/a.md would both write a/index.html"),
            "{m}"
        );
        assert!(m.contains("rename static/a/index.html or rename content/a.md"), "{m}");
    }

    #[test]
    fn a_finished_plan_checks_a_new_claim_as_the_builder_does() {
        let mut b = PlanBuilder::new();
        for (path, who) in [
            ("search-index/en/d/0.json", "the index"),
            ("search-index/en/c", "static/search-index/en/c"),
            ("Notes.json", "static/Notes.json"),
        ] {
            b.claim(path.to_string(), producer(who));
        }
        b.reserve_folder("news/page".into(), producer("the pagers of news"));
        let mut p = b.finish().unwrap();
        let claim = |p: &mut Plan, path: &str| {
            p.claim(path.to_string(), producer("the index")).map_err(|d| d.message)
        };
        assert!(claim(&mut p, "search-index/en/d/8.json").is_ok());
        assert!(p.contains("search-index/en/d/8.json"));
        let taken = claim(&mut p, "search-index/en/d/0.json").unwrap_err();
        assert!(taken.contains("would both write"), "{taken}");
        let under_a_file = claim(&mut p, "search-index/en/c/0.json").unwrap_err();
        assert!(under_a_file.contains("needs search-index/en/c/ to be a folder"), "{under_a_file}");
        let over_a_folder = claim(&mut p, "search-index/en/d").unwrap_err();
        assert!(over_a_folder.contains("writes the file search-index/en/d"), "{over_a_folder}");
        let case = claim(&mut p, "notes.json").unwrap_err();
        assert!(case.contains("differ only in letter case"), "{case}");
        assert!(claim(&mut p, ".charter-manifest").is_err());
        let pagers = claim(&mut p, "news/page/index.html").unwrap_err();
        assert!(pagers.contains("news/page/ is the folder of the pagers of news"), "{pagers}");
        assert!(claim(&mut p, "news/page/2.json").is_ok(), "only the folder's index page is kept");
        assert!(!p.contains("notes.json") && !p.contains("search-index/en/d"));
        p.release("search-index/en/d/0.json");
        assert!(!p.contains("search-index/en/d/0.json"));
        assert!(claim(&mut p, "search-index/en/d/0.json").is_ok(), "free again");
    }

    #[test]
    fn a_plan_refuses_a_file_where_a_folder_goes() {
        let m =
            message(plan(&[("topics/index.html", "the taxonomy"), ("topics", "static/topics")]));
        assert!(m.contains("static/topics writes the file topics, but the taxonomy needs topics/ to be a folder"), "{m}");
        let m = message(plan(&[("a/b/c/d.html", "deep"), ("a/b", "file")]));
        assert!(m.contains("file writes the file a/b"), "{m}");
        assert!(plan(&[("a.html", "x"), ("a/index.html", "y"), ("ab/index.html", "z")]).is_ok());
    }

    #[test]
    fn a_plan_refuses_reserved_and_unplain_paths() {
        for bad in [
            ".charter-manifest",
            "x/.charter-lock",
            ".charter",
            "a/.CHARTER-staging/x",
            "",
            "/abs",
            "a//b",
            "a/../b",
            "./a",
            "a\\b",
            "a\nb",
            "a/",
        ] {
            assert!(plan(&[(bad, "p")]).is_err(), "{bad:?}");
        }
        let longest = "é".repeat(MAX_NAME_BYTES / 2) + "x";
        assert!(plan(&[(format!("{longest}/index.html").as_str(), "p")]).is_ok());
        let over = format!("{longest}x/index.html");
        assert!(message(plan(&[(over.as_str(), "p")])).contains("a name of 256 bytes"));
        assert!(plan(&[("charter-notes/index.html", "p"), (".well-known/x", "q")]).is_ok());
    }

    #[test]
    fn a_plan_refuses_case_only_differences() {
        let m = message(plan(&[("About/index.html", "A"), ("about/index.html", "B")]));
        assert!(m.contains("differ only in letter case"), "{m}");
    }

    #[test]
    fn renames_and_siblings_are_checked_like_claims() {
        let p = plan(&[("style.css", "css"), ("style.0123abcd.css", "static fake")]).expect("plan");
        let mut q = p.clone();
        assert!(q.rename("style.css", "style.0123abcd.css").is_err());
        let mut r = p.clone();
        assert!(r.rename("style.css", "style.89abcdef.css").is_ok());
        assert!(r.contains("style.89abcdef.css") && !r.contains("style.css"));
        let s = plan(&[("index.html", "home"), ("index.html.gz", "static gz")]).expect("plan");
        let m = message(s.with_siblings(&[".gz", ".br"], |p| p.ends_with(".html")));
        assert!(
            m.contains(
                "the precompressed copy (.gz) of home and static gz would both write index.html.gz"
            ) || m.contains("static gz"),
            "{m}"
        );
    }
}
