//! Watching a site for `serve`: file-system events (through `notify`, debounced by
//! `notify-debouncer-full`) become batches of changed paths under the site root.
//!
//! What counts as a change is decided by one small pure function, [`changed_paths`], with its own
//! tests: only `site.yaml` and files under `content/`, `themes/`, `templates/`, `static/`,
//! `data/` and `i18n/` ([`WATCHED_DIRS`]) count; the output folder, `.git`, `target`, hidden files and editors' swap, backup and
//! probe files (`.swp`, `~`, `.#x`, `#x#`, `4913`, `.tmp`) never do. Renames report both names;
//! creates, modifies and deletes report the path (the rebuild looks at the disk to tell them apart).
//!
//! The watcher also keeps, through the same function, the set of changes it has seen but not yet
//! reported ([`Watcher::still_coming`]): the debouncer holds each path back for [`DEBOUNCE`], so
//! when a batch arrives while other paths are held, a burst is under way. The caller uses that to
//! rebuild a lone save at once and to wait for the end of a burst (see [`crate::serve`]). A file
//! closed after writing (inotify reports it) is complete: it is handed over at once rather than
//! after [`DEBOUNCE`], and the debouncer's later report of it is dropped ([`InFlight`]).
//!
//! This module does not decide what to rebuild (that is `Site::rebuild`, in [`crate::incremental`])
//! nor when (the caller coalesces batches).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{
    self, Event, EventHandler, EventKind, RecommendedWatcher, RecursiveMode, WatcherKind,
};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};

use crate::error::Diagnostic;

/// The folders under the site root whose files feed a build, and the one file.
pub use crate::config::{CONFIG_FILE, INPUT_DIRS as WATCHED_DIRS};

/// How long the debouncer waits for a path's events to settle before reporting them.
pub const DEBOUNCE: Duration = Duration::from_millis(5);
/// How often the debouncer looks for settled events (and so reports batches during a burst).
pub const TICK: Duration = Duration::from_millis(2);
/// A change seen but never reported (the debouncer may fold a create and a delete into nothing)
/// stops counting as on its way after this long, so it cannot hold rebuilds back for good. Far
/// above [`DEBOUNCE`] + [`TICK`], so that a debouncer slowed by a loaded machine is waited for.
pub const IN_FLIGHT_LIMIT: Duration = Duration::from_millis(100);

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
pub fn changed_paths<'a>(
    root: &Path,
    output: &Path,
    events: impl IntoIterator<Item = (&'a EventKind, &'a [PathBuf], bool)>,
) -> Vec<PathBuf> {
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

/// The changes the file system has reported that the debouncer has not handed over yet: each
/// relevant path with the time of its last raw event. A file closed after writing is complete,
/// so it is handed over at once ([`InFlight::closed`]) and the debouncer's later report of the
/// same events is dropped, unless the file changed again since.
#[derive(Debug, Default)]
pub struct InFlight {
    state: Mutex<InFlightState>,
}

#[derive(Debug, Default)]
struct InFlightState {
    seen: HashMap<PathBuf, Instant>,
    /// Paths handed over when closed, whose events the debouncer has not reported yet.
    handed_over: HashSet<PathBuf>,
}

impl InFlight {
    fn lock(&self) -> std::sync::MutexGuard<'_, InFlightState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Raw events for `paths` (already filtered by [`changed_paths`]) arrived at `at`.
    pub fn saw(&self, paths: Vec<PathBuf>, at: Instant) {
        let mut state = self.lock();
        for path in paths {
            state.seen.insert(path, at);
        }
    }

    /// A relevant file was closed after writing: if changes to it are on the way, its content is
    /// now complete, so `hand_over` gets it at once (under the lock, as in
    /// [`InFlight::reported`]) and it is no longer on the way. Returns whether it was handed over.
    pub fn closed(&self, path: &Path, hand_over: impl FnOnce(Vec<PathBuf>)) -> bool {
        let mut state = self.lock();
        if state.seen.remove(path).is_none() {
            return false;
        }
        state.handed_over.insert(path.to_path_buf());
        hand_over(vec![path.to_path_buf()]);
        true
    }

    /// The debouncer reported `paths` at `now`: they are no longer on the way, except those
    /// touched again within [`DEBOUNCE`] (their newer events are still held). `hand_over` gets
    /// the paths not already handed over when closed (those touched since are handed over
    /// again) and runs under the same lock, so a caller of [`InFlight::any`] sees either the
    /// paths still on the way or their batch already sent. It does not run for an empty batch.
    pub fn reported(
        &self,
        paths: Vec<PathBuf>,
        now: Instant,
        hand_over: impl FnOnce(Vec<PathBuf>),
    ) {
        let mut state = self.lock();
        let mut batch = Vec::with_capacity(paths.len());
        for path in paths {
            let early = state.handed_over.remove(&path);
            match state.seen.get(&path) {
                None if early => continue, // handed over when closed, untouched since
                Some(&at) if now.saturating_duration_since(at) >= DEBOUNCE => {
                    state.seen.remove(&path);
                }
                _ => {}
            }
            batch.push(path);
        }
        if !batch.is_empty() {
            hand_over(batch);
        }
    }

    /// Whether any change is still on the way at `now` (forgetting those older than
    /// [`IN_FLIGHT_LIMIT`]).
    pub fn any(&self, now: Instant) -> bool {
        let mut state = self.lock();
        state.seen.retain(|_, at| now.saturating_duration_since(*at) < IN_FLIGHT_LIMIT);
        !state.seen.is_empty()
    }
}

/// Whether a raw event says a file was closed after writing (inotify's `IN_CLOSE_WRITE`; other
/// platforms' watchers do not report it, and their saves wait for the debouncer).
fn is_closed_after_writing(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write))
    )
}

type RawHook = Box<dyn Fn(&Event) + Send + 'static>;

thread_local! {
    /// Hands the raw-event hook to [`Hooked::new`], which `new_debouncer_opt` calls on the thread
    /// that starts the watcher (notify's `Watcher::new` takes no other argument).
    static NEXT_HOOK: RefCell<Option<RawHook>> = const { RefCell::new(None) };
}

/// The platform's watcher, with a hook that sees every raw event before the debouncer does.
struct Hooked {
    inner: RecommendedWatcher,
}

impl notify::Watcher for Hooked {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let hook = NEXT_HOOK.with(|h| h.borrow_mut().take());
        let inner = <RecommendedWatcher as notify::Watcher>::new(
            move |event: notify::Result<Event>| {
                if let (Some(hook), Ok(e)) = (&hook, &event) {
                    hook(e);
                }
                handler.handle_event(event);
            },
            config,
        )?;
        Ok(Hooked { inner })
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.inner.watch(path, recursive_mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.inner.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.inner.configure(option)
    }

    fn kind() -> WatcherKind {
        <RecommendedWatcher as notify::Watcher>::kind()
    }
}

/// A running watcher over one site. Batches of changed paths go to the `Sender` given to
/// [`Watcher::start`]; dropping the `Watcher` stops it.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<Hooked, RecommendedCache>,
    /// Which of [`WATCHED_DIRS`] have a recursive watch now.
    watching: BTreeSet<&'static str>,
    in_flight: Arc<InFlight>,
}

impl Watcher {
    /// Starts watching the site at `root` (the root itself, not recursively, for `site.yaml` and
    /// folders created later; each of [`WATCHED_DIRS`] that exists, recursively). Paths in the
    /// batches are under `root` as canonicalised here.
    pub fn start(
        root: &Path,
        output: &Path,
        batches: Sender<Vec<PathBuf>>,
    ) -> Result<Watcher, Diagnostic> {
        let root = root
            .canonicalize()
            .map_err(|e| crate::error::io_error(root, "open the site folder", &e))?;
        let output = output.canonicalize().unwrap_or_else(|_| output.to_path_buf());
        let in_flight = Arc::new(InFlight::default());
        let (hook_root, hook_output, hook_in_flight) =
            (root.clone(), output.clone(), in_flight.clone());
        let early_batches = batches.clone();
        let hook: RawHook = Box::new(move |event: &Event| {
            if is_closed_after_writing(&event.kind) {
                for path in &event.paths {
                    if is_relevant(&hook_root, &hook_output, path) {
                        hook_in_flight.closed(path, |batch| {
                            let _ = early_batches.send(batch);
                        });
                    }
                }
                return;
            }
            let paths = changed_paths(
                &hook_root,
                &hook_output,
                [(&event.kind, event.paths.as_slice(), event.need_rescan())],
            );
            if !paths.is_empty() {
                hook_in_flight.saw(paths, Instant::now());
            }
        });
        let (handler_root, handler_in_flight) = (root.clone(), in_flight.clone());
        let handler = move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let paths = changed_paths(
                &handler_root,
                &output,
                events
                    .iter()
                    .map(|e| (&e.event.kind, e.event.paths.as_slice(), e.event.need_rescan())),
            );
            if !paths.is_empty() {
                handler_in_flight.reported(paths, Instant::now(), |batch| {
                    let _ = batches.send(batch);
                });
            }
        };
        NEXT_HOOK.with(|h| *h.borrow_mut() = Some(hook));
        let started = new_debouncer_opt::<_, Hooked, RecommendedCache>(
            DEBOUNCE,
            Some(TICK),
            handler,
            RecommendedCache::new(),
            notify::Config::default(),
        );
        NEXT_HOOK.with(|h| h.borrow_mut().take());
        let mut debouncer = started.map_err(|e| watch_error(&root, &e))?;
        debouncer.watch(&root, RecursiveMode::NonRecursive).map_err(|e| watch_error(&root, &e))?;
        let mut watcher = Watcher { root, debouncer, watching: BTreeSet::new(), in_flight };
        watcher.refresh(&[]);
        Ok(watcher)
    }

    /// The canonical site root the watcher reports paths under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether relevant changes have been seen that are not in a batch yet (the debouncer still
    /// holds them): more batches are on the way.
    pub fn still_coming(&self) -> bool {
        self.in_flight.any(Instant::now())
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
            if !self.watching.contains(dir)
                && path.is_dir()
                && self.debouncer.watch(&path, RecursiveMode::Recursive).is_ok()
            {
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
    use notify_debouncer_full::notify::event::{
        AccessKind, CreateKind, ModifyKind, RemoveKind, RenameMode,
    };

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
        for p in [
            "content/a.md",
            "content/notes/_index.md",
            "content/notes/bundle/pic.png",
            "themes/t/templates/page.html",
            "templates/base.html",
            "static/css/site.css",
            "data/people.yaml",
            "site.yaml",
            "content",
        ] {
            assert!(relevant(p), "{p} should count");
        }
    }

    #[test]
    fn output_and_tool_folders_do_not_count() {
        for p in [
            "public/index.html",
            "public/.charter-staging/x.html",
            ".git/index",
            "target/debug/charter",
            "node_modules/x/y.js",
            "README.md",
            "content/../site.yaml.bak",
            "other/site.yaml",
        ] {
            assert!(!relevant(p), "{p} should not count");
        }
        assert!(!is_relevant(
            &root(),
            Path::new("/elsewhere/out"),
            Path::new("/elsewhere/out/index.html")
        ));
        assert!(!is_relevant(&root(), &out(), Path::new("/other/content/a.md")));
    }

    #[test]
    fn editor_litter_does_not_count() {
        for p in [
            "content/a.md.swp",
            "content/.a.md.swx",
            "content/a.md~",
            "content/.#a.md",
            "content/#a.md#",
            "content/4913",
            "content/a.md.tmp",
            "content/.hidden.md",
            "content/a.md.swo",
            "static/.DS_Store",
            "content/.git/x",
            "content/.a.md.charter-tmp-12",
        ] {
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
        let events = vec![
            (&create, e1.as_slice(), false),
            (&modify, e2.as_slice(), false),
            (&rename, e3.as_slice(), false),
            (&remove, e4.as_slice(), false),
            (&access, e5.as_slice(), false),
            (&modify, e6.as_slice(), false),
        ];
        let paths = changed_paths(&root(), &out(), events);
        assert_eq!(
            paths,
            vec![
                root().join("content/a.md"),
                root().join("content/b.md"),
                root().join("content/old")
            ]
        );
    }

    #[test]
    fn a_section_rename_reports_both_folders() {
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let e = vec![root().join("content/notes"), root().join("content/essays")];
        assert_eq!(
            changed_paths(&root(), &out(), [(&rename, e.as_slice(), false)]),
            vec![root().join("content/essays"), root().join("content/notes")]
        );
    }

    #[test]
    fn a_rescan_reports_everything() {
        let other = EventKind::Other;
        let paths = changed_paths(&root(), &out(), [(&other, &[][..], true)]);
        assert!(paths.contains(&root().join("site.yaml")));
        assert!(paths.contains(&root().join("content")));
        assert_eq!(paths.len(), WATCHED_DIRS.len() + 1);
    }

    /// What `reported` hands over (nothing when it does not call `hand_over`).
    fn report(in_flight: &InFlight, paths: &[&str], at: Instant) -> Vec<PathBuf> {
        let mut sent = Vec::new();
        in_flight.reported(paths.iter().map(|p| root().join(p)).collect(), at, |b| sent = b);
        sent
    }

    #[test]
    fn changes_are_on_the_way_until_reported() {
        let t0 = Instant::now();
        let after = |ms: u64| t0 + Duration::from_millis(ms);
        let in_flight = InFlight::default();
        assert!(!in_flight.any(t0));
        // A burst: three pages touched; the debouncer reports two of them first.
        in_flight.saw(vec![root().join("content/a.md"), root().join("content/b.md")], t0);
        in_flight.saw(vec![root().join("content/c.md")], after(3));
        let sent = report(&in_flight, &["content/a.md", "content/b.md"], after(6));
        assert_eq!(sent, [root().join("content/a.md"), root().join("content/b.md")]);
        assert!(in_flight.any(after(6)), "c.md is still held by the debouncer");
        report(&in_flight, &["content/c.md"], after(9));
        assert!(!in_flight.any(after(9)), "everything seen was reported");
    }

    #[test]
    fn a_path_touched_again_stays_on_the_way() {
        let t0 = Instant::now();
        let in_flight = InFlight::default();
        in_flight.saw(vec![root().join("content/a.md")], t0);
        // Its first events are reported while a newer one (at 4 ms) is still held back.
        in_flight.saw(vec![root().join("content/a.md")], t0 + Duration::from_millis(4));
        report(&in_flight, &["content/a.md"], t0 + Duration::from_millis(6));
        assert!(in_flight.any(t0 + Duration::from_millis(6)));
        report(&in_flight, &["content/a.md"], t0 + Duration::from_millis(10));
        assert!(!in_flight.any(t0 + Duration::from_millis(10)));
    }

    #[test]
    fn a_file_closed_after_writing_is_handed_over_at_once_and_only_once() {
        let t0 = Instant::now();
        let after = |ms: u64| t0 + Duration::from_millis(ms);
        let in_flight = InFlight::default();
        let a = root().join("content/a.md");
        // Closed without a change on the way (opened for writing, nothing written): nothing.
        assert!(!in_flight.closed(&a, |_| panic!("nothing changed")));
        in_flight.saw(vec![a.clone()], t0);
        let mut sent = Vec::new();
        assert!(in_flight.closed(&a, |b| sent = b));
        assert_eq!(sent, vec![a.clone()]);
        assert!(!in_flight.any(t0), "a closed file is not on the way any more");
        // The debouncer's report of the same events is dropped; another path in it is not.
        in_flight.saw(vec![root().join("content/b.md")], t0);
        assert_eq!(
            report(&in_flight, &["content/a.md", "content/b.md"], after(6)),
            [root().join("content/b.md")]
        );
        // Written again after the early hand-over: the next report hands it over again.
        in_flight.saw(vec![a.clone()], after(7));
        assert!(in_flight.closed(&a, |_| ()));
        in_flight.saw(vec![a.clone()], after(8));
        assert_eq!(report(&in_flight, &["content/a.md"], after(14)), vec![a.clone()]);
        assert!(!in_flight.any(after(14)));
    }

    #[test]
    fn only_a_close_after_writing_settles_a_file() {
        use notify_debouncer_full::notify::event::AccessMode;
        assert!(is_closed_after_writing(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(!is_closed_after_writing(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!is_closed_after_writing(&EventKind::Modify(ModifyKind::Any)));
    }

    #[test]
    fn a_change_never_reported_is_forgotten() {
        let t0 = Instant::now();
        let in_flight = InFlight::default();
        in_flight.saw(vec![root().join("content/tmp-page.md")], t0);
        assert!(in_flight.any(t0 + IN_FLIGHT_LIMIT / 2));
        assert!(!in_flight.any(t0 + IN_FLIGHT_LIMIT));
    }

    #[test]
    fn nothing_relevant_gives_nothing() {
        let modify = EventKind::Modify(ModifyKind::Any);
        let e = vec![root().join("content/x.md.swp"), root().join("4913")];
        assert!(changed_paths(&root(), &out(), [(&modify, e.as_slice(), false)]).is_empty());
    }
}
