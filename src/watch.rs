//! Watching a site for `serve`: file-system events (through `notify`, debounced by
//! `notify-debouncer-full`) become batches of changed paths under the site root.
//!
//! What counts as a change is decided by one small pure function, [`changed_paths`], with its own
//! tests: only `site.yaml` and files under `content/`, `themes/`, `templates/`, `static/` and
//! `data/` count; the output folder, `.git`, `target`, hidden files and editors' swap, backup and
//! probe files (`.swp`, `~`, `.#x`, `#x#`, `4913`, `.tmp`) never do. Renames report both names;
//! creates, modifies and deletes report the path (the rebuild looks at the disk to tell them apart).
//!
//! This module does not decide what to rebuild (that is [`crate::site::Site::rebuild`]) and does
//! not wait for bursts to end beyond the debouncer (the caller coalesces batches, see
//! [`crate::serve`]).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use crate::error::Diagnostic;

/// The folders under the site root whose files feed a build.
pub const WATCHED_DIRS: &[&str] = &["content", "themes", "templates", "static", "data"];
/// The one file at the site root that feeds a build.
pub const CONFIG_FILE: &str = "site.yaml";

/// How long the debouncer waits for a path's events to settle before reporting them.
pub const DEBOUNCE: Duration = Duration::from_millis(5);
/// How often the debouncer looks for settled events (and so reports batches during a burst).
pub const TICK: Duration = Duration::from_millis(2);

/// Whether a file name is an editor's or a tool's by-product, never part of the site.
pub fn is_litter(name: &str) -> bool {
    crate::content::load::is_ignored_name(name)
        || name.ends_with(".swo")
        || name.ends_with(".swn")
        || name.ends_with(".kate-swp")
        || name.ends_with(".crswap")
        || name.contains(".charter-tmp-")
}

/// Whether a change at `path` can affect the build of the site at `root` writing into `output`.
/// Both `root` and `output` should be canonical (the watcher reports paths under what it watches).
pub fn is_relevant(root: &Path, output: &Path, path: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut names = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(name) => match name.to_str() {
                Some(n) => names.push(n),
                None => return false,
            },
            _ => return false,
        }
    }
    let Some(first) = names.first() else { return false };
    if names.iter().any(|n| is_litter(n)) {
        return false;
    }
    if names.len() == 1 && *first == CONFIG_FILE {
        return true;
    }
    WATCHED_DIRS.contains(first)
}

/// Turns debounced events into the sorted list of changed paths that matter (possibly empty).
/// Read-only access events are dropped. An event that says the watcher lost track (a queue
/// overflow: rescan) reports every watched folder and `site.yaml`, so everything is looked at.
pub fn changed_paths<'a>(root: &Path, output: &Path, events: impl IntoIterator<Item = (&'a EventKind, &'a [PathBuf], bool)>) -> Vec<PathBuf> {
    let mut out = BTreeSet::new();
    for (kind, paths, rescan) in events {
        if rescan {
            out.insert(root.join(CONFIG_FILE));
            out.extend(WATCHED_DIRS.iter().map(|d| root.join(d)));
            continue;
        }
        if matches!(kind, EventKind::Access(_)) {
            continue;
        }
        out.extend(paths.iter().filter(|p| is_relevant(root, output, p)).cloned());
    }
    out.into_iter().collect()
}

/// A running watcher over one site. Batches of changed paths go to the `Sender` given to
/// [`Watcher::start`]; dropping the `Watcher` stops it.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Which of [`WATCHED_DIRS`] have a recursive watch now.
    watching: BTreeSet<&'static str>,
}

impl Watcher {
    /// Starts watching the site at `root` (the root itself, not recursively, for `site.yaml` and
    /// folders created later; each of [`WATCHED_DIRS`] that exists, recursively). Paths in the
    /// batches are under `root` as canonicalised here.
    pub fn start(root: &Path, output: &Path, batches: Sender<Vec<PathBuf>>) -> Result<Watcher, Diagnostic> {
        let root = root.canonicalize().map_err(|e| crate::error::io_error(root, "open the site folder", &e))?;
        let output = output.canonicalize().unwrap_or_else(|_| output.to_path_buf());
        let handler_root = root.clone();
        let handler = move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let paths = changed_paths(&handler_root, &output, events.iter().map(|e| (&e.event.kind, e.event.paths.as_slice(), e.event.need_rescan())));
            if !paths.is_empty() {
                let _ = batches.send(paths);
            }
        };
        let mut debouncer = new_debouncer(DEBOUNCE, Some(TICK), handler).map_err(|e| watch_error(&root, &e))?;
        debouncer.watch(&root, RecursiveMode::NonRecursive).map_err(|e| watch_error(&root, &e))?;
        let mut watcher = Watcher { root, debouncer, watching: BTreeSet::new() };
        watcher.refresh(&[]);
        Ok(watcher)
    }

    /// The canonical site root the watcher reports paths under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Adds recursive watches for watched folders created since, and renews the watch of any
    /// watched folder named in `changed` (deleted and created again, or renamed away and back).
    pub fn refresh(&mut self, changed: &[PathBuf]) {
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            let touched = changed.iter().any(|p| p == &path);
            if touched && self.watching.remove(dir) {
                let _ = self.debouncer.unwatch(&path);
            }
            if !self.watching.contains(dir) && path.is_dir() && self.debouncer.watch(&path, RecursiveMode::Recursive).is_ok() {
                self.watching.insert(dir);
            }
        }
    }
}

fn watch_error(root: &Path, e: &notify_debouncer_full::notify::Error) -> Diagnostic {
    Diagnostic::error("watch", format!("could not watch the site for changes: {e}"))
        .in_file(root)
        .hint("on Linux, raise fs.inotify.max_user_watches (sysctl) or close other programs that watch many files")
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_debouncer_full::notify::event::{AccessKind, CreateKind, ModifyKind, RemoveKind, RenameMode};

    fn root() -> PathBuf {
        PathBuf::from("/site")
    }
    fn out() -> PathBuf {
        PathBuf::from("/site/public")
    }
    fn relevant(p: &str) -> bool {
        is_relevant(&root(), &out(), &root().join(p))
    }

    #[test]
    fn site_files_count() {
        for p in ["content/a.md", "content/notes/_index.md", "content/notes/bundle/pic.png", "themes/t/templates/page.html", "templates/base.html", "static/css/site.css", "data/people.yaml", "site.yaml", "content"] {
            assert!(relevant(p), "{p} should count");
        }
    }

    #[test]
    fn output_and_tool_folders_do_not_count() {
        for p in ["public/index.html", "public/.charter-staging/x.html", ".git/index", "target/debug/charter", "node_modules/x/y.js", "README.md", "content/../site.yaml.bak", "other/site.yaml"] {
            assert!(!relevant(p), "{p} should not count");
        }
        assert!(!is_relevant(&root(), Path::new("/elsewhere/out"), Path::new("/elsewhere/out/index.html")));
        assert!(!is_relevant(&root(), &out(), Path::new("/other/content/a.md")));
    }

    #[test]
    fn editor_litter_does_not_count() {
        for p in ["content/a.md.swp", "content/.a.md.swx", "content/a.md~", "content/.#a.md", "content/#a.md#", "content/4913", "content/a.md.tmp", "content/.hidden.md", "content/a.md.swo", "static/.DS_Store", "content/.git/x", "content/.a.md.charter-tmp-12"] {
            assert!(!relevant(p), "{p} should not count");
        }
    }

    #[test]
    fn events_become_sorted_unique_paths() {
        let create = EventKind::Create(CreateKind::File);
        let modify = EventKind::Modify(ModifyKind::Any);
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let remove = EventKind::Remove(RemoveKind::Any);
        let access = EventKind::Access(AccessKind::Any);
        let e1 = vec![root().join("content/b.md")];
        let e2 = vec![root().join("content/a.md")];
        // An atomic save: the editor writes a hidden temp file, then renames it over the page.
        let e3 = vec![root().join("content/.b.md.tmp"), root().join("content/b.md")];
        let e4 = vec![root().join("content/old")];
        let e5 = vec![root().join("content/read-only.md")];
        let e6 = vec![root().join("public/index.html")];
        let events = vec![(&create, e1.as_slice(), false), (&modify, e2.as_slice(), false), (&rename, e3.as_slice(), false), (&remove, e4.as_slice(), false), (&access, e5.as_slice(), false), (&modify, e6.as_slice(), false)];
        let paths = changed_paths(&root(), &out(), events);
        assert_eq!(paths, vec![root().join("content/a.md"), root().join("content/b.md"), root().join("content/old")]);
    }

    #[test]
    fn a_section_rename_reports_both_folders() {
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let e = vec![root().join("content/notes"), root().join("content/essays")];
        assert_eq!(changed_paths(&root(), &out(), [(&rename, e.as_slice(), false)]), vec![root().join("content/essays"), root().join("content/notes")]);
    }

    #[test]
    fn a_rescan_reports_everything() {
        let other = EventKind::Other;
        let paths = changed_paths(&root(), &out(), [(&other, &[][..], true)]);
        assert!(paths.contains(&root().join("site.yaml")));
        assert!(paths.contains(&root().join("content")));
        assert_eq!(paths.len(), WATCHED_DIRS.len() + 1);
    }

    #[test]
    fn nothing_relevant_gives_nothing() {
        let modify = EventKind::Modify(ModifyKind::Any);
        let e = vec![root().join("content/x.md.swp"), root().join("4913")];
        assert!(changed_paths(&root(), &out(), [(&modify, e.as_slice(), false)]).is_empty());
    }
}
