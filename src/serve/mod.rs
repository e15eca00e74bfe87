//! `charter serve`: build, then serve the output folder over HTTP and rebuild on every change,
//! with live reload in the browser. Three parts kept apart:
//!
//! - the build side (this file): a thread that owns the [`Site`], takes batches of changed paths
//!   from [`crate::watch`], coalesces a burst into one [`Site::rebuild`], and tells the [`Hub`];
//! - [`http`]: the static server over the output folder (traversal-safe, script injected in flight);
//! - [`livereload`]: the reload stream, the error status and the browser script and overlay.
//!
//! A failed rebuild keeps the last good site on disk and in memory; the error is reported once
//! and shown in the browser until the next good save. Nothing here prints: what happens goes to the
//! caller's [`Reporter`] as [`Notice`]s.

pub mod http;
pub mod livereload;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{io_error, Diagnostic, Diagnostics};
use crate::options::BuildOptions;
use crate::site::Site;
use crate::watch::Watcher;

pub use livereload::Hub;

/// After a first batch of one path with nothing else on the way (no other change seen by the
/// watcher and held by its debouncer, see [`Watcher::still_coming`]), how long to wait for one
/// more before rebuilding: a lone save is rebuilt this soon. A file closed after writing is handed
/// over as soon as it is closed, before the next files of a burst (a `git checkout`) may have been
/// seen; a tool writes them microseconds apart, so within this wait they are seen or come, which
/// puts the wait on [`SETTLE`]. A batch the debouncer reports (after [`crate::watch::DEBOUNCE`])
/// usually has them on the way already. (A fixed 10 ms lull after every batch cost a lone save
/// 10 ms.)
pub const QUICK: Duration = Duration::from_millis(3);
/// In a burst (a second batch came, or changes were still on the way), how long the watch must
/// stay quiet, with nothing on the way, before the one rebuild for the whole burst (a
/// `git checkout` of 200 files).
pub const SETTLE: Duration = Duration::from_millis(30);
/// A stream of changes that never pauses still gets a rebuild this often.
const MAX_SETTLE: Duration = Duration::from_secs(2);
/// How often the rebuild thread, when no change comes, looks whether the output folder is still
/// there (someone ran `rm -rf public`): a removed output is written again within this time plus
/// one build, without an edit.
const OUTPUT_CHECK: Duration = Duration::from_millis(200);

/// What `serve` reports while it runs.
#[derive(Debug, Clone)]
pub enum Notice {
    /// The server is up at `url`.
    Serving { url: String },
    /// Something the user should know (listening beyond this machine, ...).
    Warning(String),
    /// The first build's one line.
    Built(String),
    /// One rebuild's one line.
    Rebuilt(String),
    /// A build failed (reported once per distinct error; the last good site is served).
    Failed(Diagnostics),
    /// Warnings of a build (reported when they change).
    Warnings(Diagnostics),
    /// Anything else worth a line (a browser that could not be opened, ...).
    Note(String),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Serving { url } => write!(f, "serving {url} with live reload (Ctrl-C to stop)"),
            Notice::Warning(text) => write!(f, "warning: {text}"),
            Notice::Built(line) | Notice::Rebuilt(line) | Notice::Note(line) => write!(f, "{line}"),
            Notice::Failed(d) => {
                write!(f, "{d}\nthe last good build is still served; fix the file and save")
            }
            Notice::Warnings(d) => write!(f, "{d}"),
        }
    }
}

/// Where notices go (the command line prints them).
pub type Reporter = Arc<dyn Fn(&Notice) + Send + Sync>;

/// What to serve and how.
#[derive(Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// The address to listen on; 127.0.0.1 unless asked.
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Open the site in a browser (best effort).
    pub open: bool,
    pub reporter: Reporter,
}

impl ServeOptions {
    /// Serves `root` on 127.0.0.1:1111, printing notices to the terminal.
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            open: false,
            reporter: Arc::new(|n: &Notice| match n {
                Notice::Failed(_) | Notice::Warnings(_) | Notice::Warning(_) => eprintln!("{n}"),
                _ => println!("{n}"),
            }),
        }
    }
}

/// Builds the site, serves it and rebuilds on every change until interrupted (Ctrl-C).
/// Fails only when it cannot start: the port is taken, the output folder is refused, the site
/// cannot be watched. A site with errors still starts (the browser shows them).
pub fn serve(opts: ServeOptions) -> Result<(), Diagnostics> {
    let report = opts.reporter.clone();
    let root =
        opts.root.canonicalize().map_err(|e| io_error(&opts.root, "open the site folder", &e))?;
    let listener = std::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).map_err(|e| {
        Diagnostic::error("serve", format!("could not listen on {}:{}: {e}", opts.bind, opts.port))
            .hint("another program may use this port: choose another with --port, or --port 0 for any free one")
    })?;
    let addr = listener.local_addr().map_err(|e| {
        Diagnostic::error("serve", format!("could not read the listening address: {e}"))
    })?;
    let url = format!("http://{addr}");
    let options = BuildOptions {
        drafts: opts.drafts,
        base_url: Some(url.clone()),
        ..BuildOptions::new(&root)
    };
    let output = options.output_dir();
    crate::output::check_output_dir(&root, &output)?;
    // A commit a killed run left half done is finished before anything is served.
    drop(crate::output::open_existing(&output)?);
    std::fs::create_dir_all(&output)
        .map_err(|e| io_error(&output, "create the output folder", &e))?;
    let output =
        output.canonicalize().map_err(|e| io_error(&output, "open the output folder", &e))?;

    let (batches, changes) = mpsc::channel();
    let watcher = Watcher::start(&root, &output, batches)?;
    let hub = Arc::new(Hub::new());
    let (ready, started) = mpsc::channel();
    let builder = Builder {
        options,
        site: None,
        hub: hub.clone(),
        report: report.clone(),
        last_error: None,
        last_warnings: None,
        unbuilt: Vec::new(),
    };
    std::thread::Builder::new()
        .name("charter-rebuild".into())
        .spawn(move || builder.run(watcher, changes, ready))
        .map_err(|e| {
            Diagnostic::error("serve", format!("could not start the rebuild thread: {e}"))
        })?;
    if started.recv().is_err() {
        return Err(Diagnostic::error("serve", "the first build stopped unexpectedly")
            .hint("run `charter build` to see what fails")
            .into());
    }

    if !opts.bind.is_loopback() {
        report(&Notice::Warning(format!(
            "serving beyond this machine on {}: anyone who can reach it can read the site (use --bind 127.0.0.1 to keep it local)",
            opts.bind
        )));
    }
    report(&Notice::Serving { url: format!("{url}/") });
    if opts.open {
        open_browser(&format!("{url}/"), &report);
    }
    let state = Arc::new(http::AppState { root: output, hub, local_only: opts.bind.is_loopback() });
    run_server(listener, http::router(state))
}

/// Runs the HTTP server until Ctrl-C.
fn run_server(listener: std::net::TcpListener, app: axum::Router) -> Result<(), Diagnostics> {
    let fail = |what: &str, e: std::io::Error| {
        Diagnostics::from(Diagnostic::error("serve", format!("could not {what}: {e}")))
    };
    listener.set_nonblocking(true).map_err(|e| fail("configure the listening socket", e))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| fail("start the server", e))?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|e| fail("listen", e))?;
        tokio::select! {
            result = axum::serve(listener, app) => result.map_err(|e| fail("serve", e)),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(())
}

/// Opens `url` in the desktop's browser; a failure is only a note.
fn open_browser(url: &str, report: &Reporter) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            // Reap it whenever it ends; its exit status does not matter.
            let _ =
                std::thread::Builder::new().name("charter-open".into()).spawn(move || child.wait());
        }
        Err(e) => report(&Notice::Note(format!(
            "could not open a browser ({opener}: {e}); open {url} yourself"
        ))),
    }
}

/// Grows the `first` batch of changes into the set one rebuild handles (sorted, without
/// duplicates). A lone save (one path, nothing else on the way) waits only [`QUICK`] for more;
/// once a burst shows (several paths, another batch, or `still_coming` says the watcher holds
/// more) it waits until the watch has been quiet for [`SETTLE`] with nothing on the way, or
/// [`MAX_SETTLE`] has passed.
fn gather(
    first: Vec<PathBuf>,
    changes: &Receiver<Vec<PathBuf>>,
    mut still_coming: impl FnMut() -> bool,
) -> Vec<PathBuf> {
    let started = Instant::now();
    let mut batch = first;
    let mut burst = starts_a_burst(&batch, &mut still_coming);
    loop {
        if started.elapsed() > MAX_SETTLE {
            break;
        }
        match changes.recv_timeout(if burst { SETTLE } else { QUICK }) {
            Ok(more) => {
                batch.extend(more);
                burst = true;
            }
            Err(RecvTimeoutError::Timeout) => {
                if still_coming() {
                    burst = true;
                } else {
                    break;
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // A batch handed over while we decided (the watcher sends it as it stops counting its paths
    // on the way).
    while let Ok(more) = changes.try_recv() {
        batch.extend(more);
    }
    batch.sort();
    batch.dedup();
    batch
}

/// Whether a first batch opens a burst: more than one path (the debouncer reported several
/// files together), or changes still on the way. Otherwise it is a lone save.
fn starts_a_burst(first: &[PathBuf], still_coming: &mut impl FnMut() -> bool) -> bool {
    first.len() > 1 || still_coming()
}

/// The rebuild side: owns the site, turns batches of changes into rebuilds.
struct Builder {
    options: BuildOptions,
    /// The last good site; `None` until a build succeeds.
    site: Option<Site>,
    hub: Arc<Hub>,
    report: Reporter,
    /// The text of the error last reported, so a repeated failure is not printed again.
    last_error: Option<String>,
    last_warnings: Option<String>,
    /// The changed paths of rebuilds that failed since the last good one: the last good site
    /// does not hold them, so every later rebuild takes them again until one succeeds (else a
    /// save of another file would build without the broken one and call the error fixed).
    unbuilt: Vec<PathBuf>,
}

impl Builder {
    fn run(
        mut self,
        mut watcher: Watcher,
        changes: Receiver<Vec<PathBuf>>,
        ready: mpsc::Sender<()>,
    ) {
        self.full_build(true);
        let _ = ready.send(());
        loop {
            match changes.recv_timeout(OUTPUT_CHECK) {
                Ok(first) => {
                    let batch = gather(first, &changes, || watcher.still_coming());
                    watcher.refresh(&batch);
                    self.rebuild(&batch);
                }
                Err(RecvTimeoutError::Timeout) => {
                    if self.output_was_removed() {
                        self.write_again();
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    }

    /// Whether the output folder went away (or was emptied: `rm -rf public/*` leaves Charter's
    /// hidden files) under a site that built: what is served must come back without waiting for
    /// an edit.
    fn output_was_removed(&self) -> bool {
        if self.site.is_none() {
            return false;
        }
        let output = self.options.output_dir();
        match std::fs::read_dir(&output) {
            Ok(entries) => entries.filter_map(Result::ok).all(|e| {
                e.file_name().to_string_lossy().starts_with(crate::output::plan::RESERVED_PREFIX)
            }),
            Err(_) => true,
        }
    }

    /// Writes the last good site again into an output folder that went away. With no change
    /// waiting (`unbuilt`), it is the site as the files say, loaded afresh (the build record
    /// went with the folder); with a change that fails, it is the last good site as held, so
    /// that the preview keeps serving it while the error stands.
    fn write_again(&mut self) {
        if self.unbuilt.is_empty() {
            // If this fails, the next edit tries again (not every tick).
            self.site = None;
            self.full_build(false);
            return;
        }
        let Some(site) = self.site.as_mut() else { return };
        let started = Instant::now();
        let written = std::panic::catch_unwind(AssertUnwindSafe(|| crate::build::write_all(site)))
            .unwrap_or_else(|_| Err(panicked()));
        match written {
            Ok(stats) => {
                let line = crate::build::built_line(
                    site.library.pages.len(),
                    site.published_sections(),
                    &stats,
                    started.elapsed(),
                );
                // The pages show what they showed, and the error still stands: nothing to tell
                // them.
                (self.report)(&Notice::Rebuilt(format!(
                    "{line} (the output folder was removed: the last good site, written again while the error stands)"
                )));
            }
            Err(d) => {
                self.site = None;
                self.failed(d);
            }
        }
    }

    /// Loads and writes the whole site (at start, and after a failure left no good site).
    fn full_build(&mut self, first: bool) {
        let started = Instant::now();
        let options = self.options.clone();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut site = Site::load(options)?;
            let stats = crate::build::write_all(&mut site)?;
            Ok::<_, Diagnostics>((site, stats))
        }))
        .unwrap_or_else(|_| Err(panicked()));
        match result {
            Ok((site, stats)) => {
                let line = crate::build::built_line(
                    site.library.pages.len(),
                    site.published_sections(),
                    &stats,
                    started.elapsed(),
                );
                self.warnings(&site.warnings);
                self.site = Some(site);
                self.unbuilt.clear();
                self.succeeded(line, &[], first);
            }
            Err(d) => self.failed(d),
        }
    }

    fn rebuild(&mut self, changed: &[PathBuf]) {
        let Some(site) = self.site.as_mut() else {
            self.full_build(false);
            return;
        };
        // The changes of failed rebuilds go again with this one.
        let mut changed = changed.to_vec();
        changed.extend(self.unbuilt.iter().cloned());
        changed.sort();
        changed.dedup();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| site.rebuild(&changed)))
            .unwrap_or_else(|_| Err(panicked()));
        match result {
            Ok(report) => {
                self.unbuilt.clear();
                self.warnings(&report.warnings);
                self.succeeded(report.to_string(), &report.changed_outputs, false);
            }
            Err(d) => {
                if d.0.iter().any(|x| x.code == "panic") {
                    // The site may be half-updated: start from a fresh load next time.
                    self.site = None;
                }
                self.unbuilt = changed;
                self.failed(d);
            }
        }
    }

    /// Reports a good build in one line (saying so when it ends an error) and tells the pages.
    fn succeeded(&mut self, mut line: String, changed_outputs: &[String], first: bool) {
        if self.last_error.take().is_some() && !first {
            line.push_str(" (fixed: the site builds again)");
        }
        // The pages first: they wait for it, the terminal line does not.
        if !first {
            self.hub.rebuilt(changed_outputs);
        }
        (self.report)(&if first { Notice::Built(line) } else { Notice::Rebuilt(line) });
    }

    fn failed(&mut self, diagnostics: Diagnostics) {
        let text = diagnostics.to_string();
        if self.last_error.as_deref() != Some(text.as_str()) {
            (self.report)(&Notice::Failed(diagnostics.clone()));
            self.last_error = Some(text);
        }
        self.hub.failed(&diagnostics);
    }

    fn warnings(&mut self, warnings: &Diagnostics) {
        let text = warnings.to_string();
        if !warnings.is_empty() && self.last_warnings.as_deref() != Some(text.as_str()) {
            (self.report)(&Notice::Warnings(warnings.clone()));
        }
        self.last_warnings = Some(text);
    }
}

fn panicked() -> Diagnostics {
    Diagnostics::from(
        Diagnostic::error("panic", "the rebuild stopped on an internal error (a bug in Charter)")
            .hint(
            "save again to retry with a full build; please report this with the file you changed",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn a_lone_batch_is_rebuilt_alone() {
        let (_tx, rx) = mpsc::channel::<Vec<PathBuf>>();
        let mut asked = 0;
        let batch = gather(paths(&["content/a.md"]), &rx, || {
            asked += 1;
            false
        });
        assert_eq!(batch, paths(&["content/a.md"]));
        assert_eq!(asked, 2, "asked when the batch came and when the short wait ended");
    }

    #[test]
    fn changes_still_on_the_way_join_the_same_rebuild() {
        // The watcher holds b.md when a.md's batch arrives; it reports b.md on the next tick.
        let (tx, rx) = mpsc::channel();
        let mut held = vec![paths(&["content/b.md"])];
        let batch = gather(paths(&["content/a.md"]), &rx, || match held.pop() {
            Some(b) => {
                tx.send(b).expect("send");
                true
            }
            None => false,
        });
        assert_eq!(batch, paths(&["content/a.md", "content/b.md"]));
    }

    #[test]
    fn a_burst_is_waited_for_while_anything_is_on_the_way() {
        // The debouncer is slow to report (a loaded machine): the wait goes on while the watcher
        // says changes are on the way, even when no batch comes in a whole window.
        let (tx, rx) = mpsc::channel();
        let mut calls = 0;
        let batch = gather(paths(&["content/a.md"]), &rx, || {
            calls += 1;
            match calls {
                1 | 2 => true,
                3 => {
                    tx.send(paths(&["content/c.md", "content/a.md"])).expect("send");
                    true
                }
                _ => false,
            }
        });
        assert_eq!(batch, paths(&["content/a.md", "content/c.md"]));
    }

    #[test]
    fn several_paths_at_once_are_a_burst() {
        // The debouncer reported two files of a burst together and the writer then stalled, so
        // nothing is on the way: still a burst, waited for with SETTLE, not QUICK.
        assert!(starts_a_burst(&paths(&["content/a.md", "content/b.md"]), &mut || false));
        assert!(starts_a_burst(&paths(&["content/a.md"]), &mut || true));
        assert!(!starts_a_burst(&paths(&["content/a.md"]), &mut || false), "a lone save");
    }

    #[test]
    fn batches_already_sent_are_taken() {
        let (tx, rx) = mpsc::channel();
        tx.send(paths(&["content/b.md"])).expect("send");
        let batch = gather(paths(&["content/a.md"]), &rx, || false);
        assert_eq!(batch, paths(&["content/a.md", "content/b.md"]));
    }
}
