//! Tera 2 templates: the theme's templates with the site's `templates/` over them, built-in
//! fallbacks for the taxonomy and 404 pages, and the filters and functions Charter adds
//! (`date`, `slugify`, `json_encode`, `get_page`, `get_url`, `load_data`, `trans`, ...).
//! Templates are parsed once; the site data the functions read is swapped in before each render
//! pass. The interface strings `trans` gives are read with the templates (`i18n/<lang>.yaml` of
//! the site over the theme's).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tera::{Context, Kwargs, State, Tera, Value};

use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::SharedHtml;
use crate::page_components::ComponentSpec;
use crate::site_files::SiteFiles;

/// Built-in templates used when the theme has none of that name.
const FALLBACKS: &[(&str, &str)] = &[
    ("taxonomy_list.html", include_str!("builtin/taxonomy_list.html")),
    ("taxonomy_term.html", include_str!("builtin/taxonomy_term.html")),
    ("404.html", include_str!("builtin/404.html")),
];

/// What the template functions can look up: set before each render pass.
#[derive(Default, Clone)]
pub struct Lookups {
    /// `proposal/aasc.md` -> what `get_page` makes the whole page from, its `content` and
    /// `toc` included.
    pub pages: HashMap<String, PageLookup>,
    /// `proposal/_index.md` and `proposal` -> section value.
    pub sections: HashMap<String, Value>,
    /// `proposal/aasc.md` -> root-relative URL (with base path).
    pub urls: HashMap<String, String>,
    /// `data/x.yaml` -> parsed value.
    pub data_files: HashMap<String, Value>,
    pub base_url: String,
    /// The scheme and host of `base_url` ([`crate::config::Config::origin`]).
    pub origin: String,
    pub base_path: String,
    pub build_time: String,
    /// The site's default language (what `trans` uses when a template has no `lang`).
    pub language: String,
    /// The site's language codes, the default first (`get_url(lang=...)` checks against them).
    pub languages: Vec<String>,
}

/// The content paths `get_page` and `get_section` look up during one render: what an output
/// depends on beyond its own page. Open one around a render with [`LookupRecording::start`] and
/// close it with [`LookupRecording::finish`]; lookups outside an open recording are not kept.
///
/// Why a thread-local sits behind this guard and is not a value passed to the functions: Tera 2
/// registers a function once, on the `Tera` that every render of the parallel build shares, and
/// calls it with only its arguments and the render's `State`. The state's context holds plain
/// `Value`s (no Rust object, nothing mutable), so a per-render recorder could only reach
/// `get_page` through a copy of the whole `Tera` per output (every parsed template cloned), a
/// global map keyed by a render id (a lock on the hot path of the rayon build), or the rendering
/// thread. The last is the cheapest, so the paths go to a thread-local that only this guard
/// opens, reads and closes; a guard is tied to its thread (it is not `Send`), and a recording
/// opened inside another one gives the outer one back when it ends.
pub struct LookupRecording {
    /// What an enclosing recording on this thread had collected, restored when this one ends.
    enclosing: Option<Vec<String>>,
    finished: bool,
    /// Not `Send`: the recording belongs to the thread that renders.
    _this_thread: std::marker::PhantomData<*const ()>,
}

thread_local! {
    /// The open recording of this thread, if any (see [`LookupRecording`]).
    static LOOKED_UP: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

impl LookupRecording {
    /// Starts recording the lookups of the renders that follow on this thread.
    pub fn start() -> LookupRecording {
        let enclosing = LOOKED_UP.with(|l| l.borrow_mut().replace(Vec::new()));
        LookupRecording { enclosing, finished: false, _this_thread: std::marker::PhantomData }
    }

    /// The content paths looked up since [`LookupRecording::start`], in order.
    pub fn finish(mut self) -> Vec<String> {
        self.finished = true;
        let enclosing = self.enclosing.take();
        LOOKED_UP.with(|l| std::mem::replace(&mut *l.borrow_mut(), enclosing)).unwrap_or_default()
    }

    /// Notes a lookup in this thread's open recording, if there is one.
    fn note(path: &str) {
        LOOKED_UP.with(|l| {
            if let Some(paths) = l.borrow_mut().as_mut() {
                paths.push(path.to_string());
            }
        });
    }
}

impl Drop for LookupRecording {
    /// A recording dropped without [`LookupRecording::finish`] (a panic in a render) still closes.
    fn drop(&mut self) {
        if !self.finished {
            let enclosing = self.enclosing.take();
            LOOKED_UP.with(|l| *l.borrow_mut() = enclosing);
        }
    }
}

/// The parsed templates of a site, ready to render.
pub struct Templates {
    tera: Tera,
    /// Template name -> file it came from (for messages).
    files: HashMap<String, PathBuf>,
    /// Template name -> its text as read, for the excerpt of an error (never read again: the
    /// file may have changed since, or its name may not lead where it did).
    texts: Arc<HashMap<String, Arc<str>>>,
    lookups: Arc<RwLock<Arc<Lookups>>>,
    /// The page components (`templates/components/NAME.html`), by name: read once per load.
    components: Arc<HashMap<String, ComponentSpec>>,
    /// The interface strings `trans` gives.
    strings: Arc<InterfaceStrings>,
    /// Whether any template names `get_page`: then a one-shot build keeps every page's body
    /// (see [`Templates::may_look_up_pages`]).
    names_get_page: bool,
}

/// The interface strings of a site and its theme: `i18n/<lang>.yaml` files, flat `key: "text"`
/// maps (nested maps flattened with dots: `search: {label: …}` gives `search.label`); the site's
/// strings replace the theme's of the same key.
#[derive(Debug, Default)]
pub struct InterfaceStrings {
    /// Language code -> key -> text.
    strings: HashMap<String, HashMap<String, String>>,
    /// The i18n folders, for messages: `i18n` and `themes/<theme>/i18n`.
    folders: Vec<String>,
}

impl InterfaceStrings {
    /// Reads the theme's `i18n/` then the site's, through [`SiteFiles`].
    pub fn load(
        site_files: &SiteFiles,
        theme: Option<&str>,
        diagnostics: &mut Diagnostics,
    ) -> Self {
        let mut folders = vec!["i18n".to_string()];
        if let Some(theme) = theme {
            folders.push(format!("themes/{theme}/i18n"));
        }
        let mut strings: HashMap<String, HashMap<String, String>> = HashMap::new();
        for folder in folders.iter().rev() {
            for file in site_files.walk(&site_files.root().join(folder), diagnostics) {
                let Some(lang) = file
                    .relative
                    .strip_suffix(".yaml")
                    .or_else(|| file.relative.strip_suffix(".yml"))
                    .filter(|l| !l.contains('/'))
                else {
                    continue;
                };
                let shown = PathBuf::from(folder).join(&file.relative);
                let text = match site_files.read_text(&file.path) {
                    Ok(text) => text,
                    Err(d) => {
                        diagnostics.push(d);
                        continue;
                    }
                };
                let value: serde_json::Value = match crate::yaml::from_str(&text) {
                    Ok(v) => v,
                    Err(e) => {
                        let mut d = Diagnostic::error("i18n", format!("the interface strings are not valid YAML: {}", e.message))
                            .in_file(&shown)
                            .hint("write one `key: \"text\"` per line (maps nest keys: `search: { label: … }` is `search.label`)");
                        if let Some(line) = e.line {
                            d = d.at_line_of(&text, line, e.column);
                        }
                        diagnostics.push(d);
                        continue;
                    }
                };
                let into = strings.entry(lang.to_string()).or_default();
                flatten_strings("", &value, &text, &shown, into, diagnostics);
            }
        }
        InterfaceStrings { strings, folders }
    }

    /// The text of `key` in `lang`, when there is one.
    pub fn lookup(&self, key: &str, lang: &str) -> Option<&str> {
        self.strings.get(lang).and_then(|s| s.get(key)).map(String::as_str)
    }

    /// The text of `key` in `lang`, or the error naming the files to add it to.
    pub fn get(&self, key: &str, lang: &str) -> Result<&str, String> {
        self.lookup(key, lang).ok_or_else(|| {
            let files: Vec<String> =
                self.folders.iter().map(|f| format!("{f}/{lang}.yaml")).collect();
            format!(
                "the interface string `{key}` has no `{lang}` translation; add `{key}: \"…\"` to {}",
                files.join(" or ")
            )
        })
    }
}

/// Adds the strings of `value` (an i18n file's map) under `prefix` to `into`.
fn flatten_strings(
    prefix: &str,
    value: &serde_json::Value,
    text: &str,
    file: &Path,
    into: &mut HashMap<String, String>,
    diagnostics: &mut Diagnostics,
) {
    use serde_json::Value as Json;
    match value {
        Json::Null if prefix.is_empty() => {}
        Json::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten_strings(&key, v, text, file, into, diagnostics);
            }
        }
        Json::String(s) => {
            into.insert(prefix.to_string(), s.clone());
        }
        Json::Number(n) => {
            into.insert(prefix.to_string(), n.to_string());
        }
        _ => {
            let last = prefix.rsplit('.').next().unwrap_or(prefix);
            let mut d = Diagnostic::error(
                "i18n",
                format!("the interface string `{prefix}` must be text, not {value}"),
            )
            .in_file(file)
            .hint(format!("write `{last}: \"…\"` (a map nests keys; lists are not strings)"));
            if let Some(line) = crate::text::line_of_key(text, last) {
                d = d.at_line_of(text, line, None);
            }
            diagnostics.push(d);
        }
    }
}

/// Where a site's templates come from, lowest priority first.
pub fn template_dirs(root: &Path, theme: Option<&str>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(theme) = theme {
        dirs.push(root.join("themes").join(theme).join("templates"));
    }
    dirs.push(root.join("templates"));
    dirs
}

impl Templates {
    /// Loads and parses every template, listed and read through [`SiteFiles`]. The theme folder
    /// must exist when one is named.
    pub fn load(site_files: &SiteFiles, theme: Option<&str>) -> Result<Templates, Diagnostics> {
        let root = site_files.root();
        if let Some(theme) = theme {
            let dir = root.join("themes").join(theme);
            if !dir.is_dir() {
                let available: Vec<String> = std::fs::read_dir(root.join("themes"))
                    .map(|d| {
                        d.filter_map(Result::ok)
                            .filter_map(|e| e.file_name().to_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                return Err(Diagnostic::error("theme", format!("the theme `{theme}` is not in themes/"))
                    .in_file(crate::config::CONFIG_FILE)
                    .hint(if available.is_empty() {
                        "create themes/<name>/templates/ or remove `theme:` to use a site-level templates/ folder".to_string()
                    } else {
                        format!("themes available: {}", available.join(", "))
                    })
                    .into());
            }
        }
        let mut diagnostics = Diagnostics::new();
        let mut found: Vec<(String, PathBuf)> = Vec::new();
        for dir in template_dirs(root, theme) {
            found.extend(
                site_files.walk(&dir, &mut diagnostics).into_iter().map(|f| (f.relative, f.path)),
            );
        }
        let mut sources: HashMap<String, (String, PathBuf)> = HashMap::new();
        for (name, path) in found {
            match site_files.read_text(&path) {
                Ok(text) => {
                    sources.insert(name, (text, site_files.relative(&path)));
                }
                Err(d) => diagnostics.push(d),
            }
        }
        for (name, text) in FALLBACKS {
            sources
                .entry(name.to_string())
                .or_insert_with(|| (text.to_string(), PathBuf::from(format!("(built-in) {name}"))));
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let files: HashMap<String, PathBuf> =
            sources.iter().map(|(n, (_, f))| (n.clone(), f.clone())).collect();
        let texts: Arc<HashMap<String, Arc<str>>> = Arc::new(
            sources.iter().map(|(n, (t, _))| (n.clone(), Arc::from(t.as_str()))).collect(),
        );
        let strings = InterfaceStrings::load(site_files, theme, &mut diagnostics);
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let mut tera = Tera::new();
        let lookups: Arc<RwLock<Arc<Lookups>>> =
            Arc::new(RwLock::new(Arc::new(Lookups::default())));
        register_filters(&mut tera);
        register_functions(&mut tera, lookups.clone());
        let strings = Arc::new(strings);
        register_trans(&mut tera, strings.clone(), lookups.clone());
        let mut names: Vec<&String> = sources.keys().collect();
        names.sort();
        let batch: Vec<(&str, &str)> =
            names.iter().map(|n| (n.as_str(), sources[*n].0.as_str())).collect();
        let components = Arc::new(crate::page_components::specs(batch.iter().copied()));
        let names_get_page = batch.iter().any(|(_, text)| text.contains("get_page"));
        if let Err(err) = tera.add_raw_templates(batch) {
            return Err(load_errors(&err, &files, &texts));
        }
        Ok(Templates { tera, files, texts, lookups, components, strings, names_get_page })
    }

    /// The same parsed templates with lookups of their own (a rebuild's site gets its values
    /// without touching those of the site it may replace): no file is read again.
    pub fn fork(&self) -> Templates {
        let mut tera = self.tera.clone();
        let lookups: Arc<RwLock<Arc<Lookups>>> =
            Arc::new(RwLock::new(Arc::new(Lookups::default())));
        register_functions(&mut tera, lookups.clone());
        let strings = self.strings.clone();
        register_trans(&mut tera, strings.clone(), lookups.clone());
        Templates {
            tera,
            files: self.files.clone(),
            texts: self.texts.clone(),
            lookups,
            components: self.components.clone(),
            strings,
            names_get_page: self.names_get_page,
        }
    }

    /// Whether a template may call `get_page`, which gives any page's whole body: true when any
    /// template's text names it (a comment too: a false alarm only keeps the bodies).
    pub fn may_look_up_pages(&self) -> bool {
        self.names_get_page
    }

    /// The page components, by name.
    pub fn components(&self) -> &HashMap<String, ComponentSpec> {
        &self.components
    }

    /// The interface string `key` in `lang`, when the site or its theme has one.
    pub fn interface_string(&self, key: &str, lang: &str) -> Option<&str> {
        self.strings.lookup(key, lang)
    }

    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The file a template was read from.
    pub fn file_of(&self, name: &str) -> Option<&Path> {
        self.files.get(name).map(PathBuf::as_path)
    }

    /// Swaps in the site data the functions read.
    pub fn set_lookups(&self, lookups: Lookups) {
        if let Ok(mut guard) = self.lookups.write() {
            *guard = Arc::new(lookups);
        }
    }

    /// Replaces the values `get_page` and `get_section` return for the paths given and keeps
    /// every other lookup: what a body edit needs (URLs and the site's structure are unchanged).
    /// On the 10,000-page corpus, rebuilding every lookup instead ([`Self::set_lookups`]) is
    /// more than half of a one-page edit. Between renders the lookups are not shared, so they
    /// are patched in place.
    pub fn update_lookups(
        &self,
        pages: impl IntoIterator<Item = (String, PageLookup)>,
        sections: impl IntoIterator<Item = (String, Value)>,
    ) {
        let mut guard = match self.lookups.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let lookups = Arc::make_mut(&mut guard);
        lookups.pages.extend(pages);
        lookups.sections.extend(sections);
    }

    /// Renders `name`; `for_file` is the content file the output comes from (for messages).
    pub fn render(
        &self,
        name: &str,
        context: &Context,
        for_file: Option<&Path>,
    ) -> Result<String, Diagnostic> {
        if !self.has(name) {
            let mut d = Diagnostic::error("template", format!("the template `{name}` does not exist"))
                .hint(format!("add templates/{name} (or themes/<theme>/templates/{name}), or fix the `template:` name"));
            if let Some(f) = for_file {
                d = d.in_file(f);
            }
            return Err(d);
        }
        let _watched = render_limit::Watched::start(name, self.files.get(name), for_file);
        let mut output = render_limit::BoundedOutput::new();
        let result = self.tera.render_to(name, context, &mut output);
        if let Some(exceeded) = output.exceeded {
            return Err(render_limit::stopped(name, self.files.get(name), for_file, exceeded));
        }
        result.map_err(|err| template_error(&err, &self.files, &self.texts, for_file))?;
        String::from_utf8(output.bytes).map_err(|_| {
            let mut d = Diagnostic::error(
                "template",
                format!("the template `{name}` produced text that is not UTF-8"),
            )
            .hint("check the template and the data it prints");
            if let Some(f) = for_file {
                d = d.in_file(f);
            }
            d
        })
    }
}

/// The bounds on one render, so that a template whose component or include calls fan out (a
/// component calling itself several times per level, loops in loops) stops with an error naming
/// it instead of running until killed. Tera 2 has none beyond a component depth of 20 and a
/// cap on `range`, and gives no hook inside a render, so two bounds sit around it:
///
/// - every byte goes through [`BoundedOutput`], which refuses more once the output passes
///   [`MAX_OUTPUT_BYTES`] or has taken [`MAX_RENDER_TIME`]: Tera then stops and the render fails
///   with a diagnostic naming the template;
/// - a render that writes nothing at all while it runs (pure control flow) is seen by a watchdog
///   thread: past twice [`MAX_RENDER_TIME`] it reports the template and ends the process with
///   exit code 1, since a thread cannot be stopped from outside. Nothing has been swapped into
///   the output by then (rendering comes before the commit).
///
/// On a normal page this costs a clock read every 64 writes and a map insert and removal per
/// render.
pub mod render_limit {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, OnceLock};
    use std::thread::ThreadId;
    use std::time::{Duration, Instant};

    use crate::error::Diagnostic;

    /// The longest one output may take to render.
    pub const MAX_RENDER_TIME: Duration = Duration::from_secs(10);
    /// The largest one rendered output may be.
    pub const MAX_OUTPUT_BYTES: usize = 256 * 1024 * 1024;

    /// Which bound a render passed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Exceeded {
        Time,
        Size,
    }

    /// The buffer a render writes into, refusing to grow past the bounds.
    pub struct BoundedOutput {
        pub bytes: Vec<u8>,
        started: Instant,
        writes: u32,
        pub exceeded: Option<Exceeded>,
    }

    impl BoundedOutput {
        pub fn new() -> BoundedOutput {
            BoundedOutput {
                bytes: Vec::with_capacity(16 * 1024),
                started: Instant::now(),
                writes: 0,
                exceeded: None,
            }
        }

        fn refuse(&mut self, why: Exceeded) -> std::io::Result<usize> {
            self.exceeded = Some(why);
            Err(std::io::Error::other("the render passed Charter's limit"))
        }
    }

    impl Default for BoundedOutput {
        fn default() -> Self {
            BoundedOutput::new()
        }
    }

    impl std::io::Write for BoundedOutput {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Some(why) = self.exceeded {
                return self.refuse(why);
            }
            if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
                return self.refuse(Exceeded::Size);
            }
            self.writes = self.writes.wrapping_add(1);
            if self.writes.is_multiple_of(64) && self.started.elapsed() > MAX_RENDER_TIME {
                return self.refuse(Exceeded::Time);
            }
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The error of a render stopped by a bound: the template, its file, the page.
    pub fn stopped(
        name: &str,
        template_file: Option<&PathBuf>,
        for_file: Option<&Path>,
        why: Exceeded,
    ) -> Diagnostic {
        let what = match why {
            Exceeded::Time => format!("took longer than {} s", MAX_RENDER_TIME.as_secs()),
            Exceeded::Size => format!("produced more than {} MiB", MAX_OUTPUT_BYTES >> 20),
        };
        let page = for_file.map(|f| format!(" for {}", f.display())).unwrap_or_default();
        let d = Diagnostic::error("template", format!("rendering the template `{name}`{page} {what} and was stopped"))
            .hint("a component or include that calls itself several times per level, or loops inside loops, multiplies the work at every level: make the recursion end sooner or call it once per level");
        match template_file {
            Some(file) => d.in_file(file),
            None => d,
        }
    }

    /// A render in progress, for the watchdog.
    struct InFlight {
        name: String,
        template_file: Option<PathBuf>,
        for_file: Option<PathBuf>,
        started: Instant,
    }

    fn in_flight() -> &'static Mutex<HashMap<ThreadId, InFlight>> {
        static RENDERS: OnceLock<Mutex<HashMap<ThreadId, InFlight>>> = OnceLock::new();
        RENDERS.get_or_init(|| {
            let _ =
                std::thread::Builder::new().name("charter-render-watchdog".into()).spawn(watchdog);
            Mutex::new(HashMap::new())
        })
    }

    /// Ends the process when a render has run past twice the limit without stopping.
    fn watchdog() {
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let renders = match in_flight().lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            if let Some(stuck) =
                renders.values().find(|r| r.started.elapsed() > 2 * MAX_RENDER_TIME)
            {
                let d = stopped(
                    &stuck.name,
                    stuck.template_file.as_ref(),
                    stuck.for_file.as_deref(),
                    Exceeded::Time,
                );
                eprintln!("{d}");
                std::process::exit(1);
            }
        }
    }

    /// Registers the render on this thread until dropped.
    pub struct Watched(());

    impl Watched {
        pub fn start(
            name: &str,
            template_file: Option<&PathBuf>,
            for_file: Option<&Path>,
        ) -> Watched {
            let entry = InFlight {
                name: name.to_string(),
                template_file: template_file.cloned(),
                for_file: for_file.map(Path::to_path_buf),
                started: Instant::now(),
            };
            if let Ok(mut renders) = in_flight().lock() {
                renders.insert(std::thread::current().id(), entry);
            }
            Watched(())
        }
    }

    impl Drop for Watched {
        fn drop(&mut self) {
            if let Ok(mut renders) = in_flight().lock() {
                renders.remove(&std::thread::current().id());
            }
        }
    }
}

/// Errors found while loading templates. Tera 2 validates every filter, test, function and
/// include when templates load and joins the reports into one message: split them apart so each
/// names its template file and line.
fn load_errors(
    err: &tera::Error,
    files: &HashMap<String, PathBuf>,
    texts: &HashMap<String, Arc<str>>,
) -> Diagnostics {
    let tera::ErrorKind::Msg(text) = err.kind() else {
        return template_error(err, files, texts, None).into();
    };
    let mut diagnostics = Diagnostics::new();
    let mut message: Option<String> = None;
    for line in text.lines() {
        if let Some(m) = line.trim_start().strip_prefix("error: ") {
            message = Some(m.to_string());
        } else if let (Some(loc), Some(m)) =
            (line.trim_start().strip_prefix("--> "), message.take())
        {
            let mut parts = loc.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse::<usize>().ok());
            let line_no = parts.next().and_then(|l| l.parse::<usize>().ok());
            let name = parts.next().unwrap_or(loc);
            let file = files.get(name).cloned().unwrap_or_else(|| PathBuf::from(name));
            let source = texts.get(name).map(|t| &**t).unwrap_or_default();
            let hint = if m.contains("filter") {
                "check the filter's name; Charter adds date, slugify, urlencode, json_encode, striptags, absolute_url to Tera's own"
            } else if m.contains("function") {
                "check the function's name; Charter adds get_page, get_section, get_url, load_data, now, trans"
            } else {
                "fix the template at the line shown"
            };
            let mut d = Diagnostic::error("template", format!("template error: {m}"))
                .in_file(&file)
                .hint(hint);
            if let Some(l) = line_no {
                d = d.at_line_of(source, l, col);
            }
            diagnostics.push(d);
        }
    }
    if diagnostics.is_empty() {
        diagnostics.push(template_error(err, files, texts, None));
    }
    diagnostics
}

/// Turns a Tera error into a diagnostic naming the template file and line.
fn template_error(
    err: &tera::Error,
    files: &HashMap<String, PathBuf>,
    texts: &HashMap<String, Arc<str>>,
    for_file: Option<&Path>,
) -> Diagnostic {
    use tera::ErrorKind;
    let for_page =
        for_file.map(|f| format!(" while rendering {}", f.display())).unwrap_or_default();
    let file_of = |name: &str| files.get(name).cloned().unwrap_or_else(|| PathBuf::from(name));
    let mut d = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let kind = if matches!(err.kind(), ErrorKind::SyntaxError(_)) {
                "syntax error"
            } else {
                "error"
            };
            let file = file_of(report.filename());
            let line = report.span().start_line;
            let col = report.span().start_col + 1;
            let source = texts.get(report.filename()).map(|t| &**t).unwrap_or_default();
            // `trans`: the missing string's message, and where to add it as the hint.
            if let Some((message, add)) = report
                .message()
                .split_once("; add `")
                .filter(|(m, _)| m.contains("the interface string `"))
            {
                return Diagnostic::error("i18n", format!("{message}{for_page}"))
                    .in_file(&file)
                    .at_line_of(source, line.max(1), Some(col))
                    .hint(format!("add `{add}"));
            }
            let hint = if report.message().contains("Field `content` is not defined")
                || report.message().contains("Field `toc` is not defined")
                || report.message().contains(UNDEFINED_SAFE)
            {
                LISTED_PAGE_CONTENT
            } else if report.message().contains("Iteration not possible on type `undefined`") {
                LISTED_PAGE_TOC
            } else if report.message().contains("not found")
                && report.message().to_lowercase().contains("filter")
            {
                "check the filter's name; Charter adds date, slugify, urlencode, json_encode, striptags, absolute_url to Tera's own"
            } else if report.message().to_lowercase().contains("function") {
                "check the function's name; Charter adds get_page, get_section, get_url, load_data, now"
            } else {
                "fix the template at the line shown"
            };
            Diagnostic::error(
                "template",
                format!("template {kind}{for_page}: {}", report.message()),
            )
            .in_file(&file)
            .at_line_of(source, line.max(1), Some(col))
            .hint(hint)
        }
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error("template", format!("the template `{name}` does not exist{for_page}"))
                .hint(format!("add templates/{name} or fix the name in `extends`/`include`"))
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            "template",
            format!("`{current}` extends `{parent}`, which does not exist"),
        )
        .in_file(file_of(current))
        .hint(format!("add templates/{parent} or fix the name after `extends`")),
        ErrorKind::CircularExtend { tpl, inheritance_chain } => Diagnostic::error(
            "template",
            format!("`{tpl}` extends itself through {}", inheritance_chain.join(" -> ")),
        )
        .in_file(file_of(tpl))
        .hint("break the loop of `extends`"),
        ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
            "template",
            format!("`{tpl}` includes itself through {}", include_chain.join(" -> ")),
        )
        .in_file(file_of(tpl))
        .hint("break the loop of `include`"),
        _ => Diagnostic::error("template", format!("template error{for_page}: {err}"))
            .hint("fix the template named above"),
    };
    if d.file.is_none() {
        if let Some(f) = for_file {
            d = d.in_file(f);
        }
    }
    d
}

/// The start of the error of `safe` given an undefined value.
const UNDEFINED_SAFE: &str = "`safe` was given a value that is not defined";

/// The hint of a template that reads `content` where it is not: a page in a list.
const LISTED_PAGE_CONTENT: &str = "a page in a list (`section.pages`, `term.pages`, `paginator.pages`, `page.previous`, `page.next`) has no `content` or `toc`, so that no build holds every page's HTML at once: show its `summary`, or take the whole page, `{% set whole = get_page(path=p.relative_path) %}`, and show `whole.content`";

/// The hint of a loop over a value that is not defined (the `toc` of a page in a list, often).
const LISTED_PAGE_TOC: &str = "check the name after `in`. If it is the `toc` of a page in a list (`section.pages`, `term.pages`, `paginator.pages`, `page.previous`, `page.next`): such a page has no `toc` or `content`; take the whole page, `{% set whole = get_page(path=p.relative_path) %}`, and loop over `whole.toc`";

fn register_filters(tera: &mut Tera) {
    // Tera's own `safe` prints an undefined value as nothing: `{{ p.contnet | safe }}`, or the
    // `content` of a page in a list (which lists do not carry), would vanish from the page
    // without a word. Charter's refuses it; any other value is printed as Tera's is.
    tera.register_filter("safe", |value: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
        if value.is_undefined() {
            return Err(tera::Error::message(format!(
                "{UNDEFINED_SAFE}: check the name before `| safe`"
            )));
        }
        Ok(match value.as_str() {
            Some(s) => Value::safe_string(s),
            None => Value::safe_string(&value.to_string()),
        })
    });
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let format: String = kwargs.get("format")?.unwrap_or_else(|| "%Y-%m-%d".to_string());
            let date = crate::content::frontmatter::parse_date(value).ok_or_else(|| {
                tera::Error::message(format!(
                    "`{value}` is not a date (expected YYYY-MM-DD or RFC 3339)"
                ))
            })?;
            let items: Vec<_> = chrono::format::StrftimeItems::new(&format).collect();
            if items.iter().any(|i| matches!(i, chrono::format::Item::Error)) {
                return Err(tera::Error::message(format!("`{format}` is not a valid date format")));
            }
            Ok(date.instant.format_with_items(items.into_iter()).to_string())
        },
    );
    tera.register_filter("slugify", |value: &str, _: Kwargs, _: &State| {
        crate::text::slugify(value)
    });
    tera.register_filter("urlencode", |value: &str, _: Kwargs, _: &State| {
        crate::text::encode_path(value)
    });
    tera.register_filter("striptags", |value: &str, _: Kwargs, _: &State| {
        crate::text::strip_tags(value)
    });
    tera.register_filter(
        "json_encode",
        |value: Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let pretty: bool = kwargs.get("pretty")?.unwrap_or(false);
            let json = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            }
            .map_err(|e| tera::Error::message(e.to_string()))?;
            let json = json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
            Ok(Value::safe_string(&json))
        },
    );
}

/// A page's whole value: its listing value (`values.pages`, which lists, neighbours and
/// `get_section` show) with its `content`, the rendered body, and its `toc`. Only the page's own
/// `page.html` and `get_page` see those, so no build holds every page's HTML in its values.
pub fn whole_page(listing: &Value, html: &SharedHtml, toc: Value) -> tera::Map {
    let mut map = listing.as_map().cloned().unwrap_or_default();
    map.insert(tera::value::Key::Str("content"), html.value());
    map.insert(tera::value::Key::Str("toc"), toc);
    map
}

/// What `get_page` makes a page's whole value from ([`whole_page`]).
#[derive(Clone)]
pub struct PageLookup {
    /// The page's listing value.
    pub listing: Value,
    pub html: SharedHtml,
    /// Its table of contents (empty when its front matter says `toc: false`); the entries'
    /// permalinks start with the page's URL in [`Lookups::urls`].
    pub toc: Arc<[crate::markdown::TocEntry]>,
}

fn register_functions(tera: &mut Tera, lookups: Arc<RwLock<Arc<Lookups>>>) {
    let current = move |l: &Arc<RwLock<Arc<Lookups>>>| -> Arc<Lookups> {
        l.read().map(|g| g.clone()).unwrap_or_else(|p| p.into_inner().clone())
    };
    {
        let l = lookups.clone();
        tera.register_function("get_page", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kwargs.must_get("path")?;
            let path = path.trim_start_matches("@/").trim_start_matches('/').to_string();
            LookupRecording::note(&path);
            let lookups = current(&l);
            let url = lookups.urls.get(&path).map_or("", String::as_str);
            if lookups.pages.get(&path).is_some_and(|p| p.html.is_released()) {
                // Templates that name `get_page` keep every body (`may_look_up_pages`).
                return Err(tera::Error::message(format!("get_page: the body of content/{path} was released before the pages were written: this is a bug in Charter, please report it")));
            }
            lookups.pages.get(&path).map(|p| Value::from(whole_page(&p.listing, &p.html, crate::markdown::toc_value(&p.toc, url)))).ok_or_else(|| {
                tera::Error::message(format!("get_page: there is no page content/{path} (give the path under content/, e.g. \"proposal/aasc.md\")"))
            })
        });
    }
    {
        let l = lookups.clone();
        tera.register_function("get_section", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kwargs.get("path")?.unwrap_or_default();
            let path = path.trim_start_matches("@/").trim_start_matches('/').trim_end_matches('/').to_string();
            let key = if path == "_index.md" { String::new() } else { path };
            LookupRecording::note(&key);
            current(&l).sections.get(&key).cloned().ok_or_else(|| {
                tera::Error::message(format!("get_section: there is no section `{key}` (give e.g. \"proposal/_index.md\")"))
            })
        });
    }
    {
        let l = lookups.clone();
        tera.register_function(
            "get_url",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
                let path: String = kwargs.must_get("path")?;
                let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
                let lang: Option<String> = kwargs.get("lang")?;
                let lookups = current(&l);
                let prefix = match &lang {
                    Some(code) if !lookups.languages.contains(code) => {
                        return Err(tera::Error::message(format!(
                            "get_url: `{code}` is not one of the site's languages ({})",
                            lookups.languages.join(", ")
                        )))
                    }
                    Some(code) if *code != lookups.language => format!("/{code}"),
                    _ => String::new(),
                };
                let url = if let Some(target) = path.strip_prefix("@/") {
                    let (target, anchor) = match target.split_once('#') {
                        Some((t, a)) => (t, Some(a)),
                        None => (target, None),
                    };
                    // With `lang`, the translation of the page when there is one.
                    let translated = match (&lang, target.strip_suffix(".md")) {
                        (Some(code), Some(stem)) if !prefix.is_empty() => {
                            lookups.urls.get(&format!("{stem}.{code}.md"))
                        }
                        _ => None,
                    };
                    let base = translated
                        .or_else(|| lookups.urls.get(target))
                        .cloned()
                        .ok_or_else(|| {
                            tera::Error::message(format!(
                                "get_url: there is no page content/{target}"
                            ))
                        })?;
                    match anchor {
                        Some(a) => format!("{base}#{a}"),
                        None => base,
                    }
                } else if path.starts_with("http://") || path.starts_with("https://") {
                    return Ok(Value::from(path));
                } else {
                    format!(
                        "{}{prefix}/{}",
                        lookups.base_path,
                        crate::text::encode_path(path.trim_start_matches('/'))
                    )
                };
                if absolute {
                    Ok(Value::from(format!("{}{}", lookups.origin, url)))
                } else {
                    Ok(Value::from(url))
                }
            },
        );
    }
    {
        let l = lookups.clone();
        tera.register_function("load_data", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kwargs.must_get("path")?;
            // The name comes from a template: it must be a plain path inside the site.
            let key = crate::site_files::plain_relative(&path).map_err(|why| {
                tera::Error::message(format!("load_data: {why}; give the path of a file under data/, e.g. \"data/people.yaml\""))
            })?;
            current(&l).data_files.get(&key).cloned().ok_or_else(|| {
                tera::Error::message(format!("load_data: there is no data file `{key}` (files under data/ ending in .yaml, .yml or .json)"))
            })
        });
    }
    {
        let l = lookups;
        tera.register_function("now", move |_: Kwargs, _: &State| {
            Value::from(current(&l).build_time.clone())
        });
    }
    let _ = |base: &str, path: &str| format!("{base}{path}");
}

/// Registers `trans(key=..., lang=...)`: the interface string `key` in `lang`, by default the
/// language of the output being rendered (the template's `lang`).
fn register_trans(
    tera: &mut Tera,
    strings: Arc<InterfaceStrings>,
    lookups: Arc<RwLock<Arc<Lookups>>>,
) {
    tera.register_function(
        "trans",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let key: String = kwargs.must_get("key")?;
            let lang = match kwargs.get::<String>("lang")? {
                Some(lang) => lang,
                None => match state.get::<String>("lang")? {
                    Some(lang) => lang,
                    None => lookups
                        .read()
                        .map(|g| g.language.clone())
                        .unwrap_or_else(|p| p.into_inner().language.clone()),
                },
            };
            strings.get(&key, &lang).map(Value::from).map_err(tera::Error::message)
        },
    );
}

/// Adds the `absolute_url` filter, which needs the base URL (called once the config is known).
pub fn register_absolute_url(templates: &mut Templates, origin: &str, base_path: &str) {
    let host = origin.to_string();
    let base_path = base_path.to_string();
    templates.tera.register_filter("absolute_url", move |value: &str, _: Kwargs, _: &State| {
        if value.starts_with("http://") || value.starts_with("https://") {
            value.to_string()
        } else if value.starts_with(&base_path) && !base_path.is_empty() {
            format!("{host}{value}")
        } else {
            format!("{host}{base_path}/{}", value.trim_start_matches('/'))
        }
    });
}

#[cfg(test)]
mod tests {
    use super::LookupRecording;

    #[test]
    fn a_recording_keeps_only_its_own_lookups() {
        LookupRecording::note("before/any.md");
        let outer = LookupRecording::start();
        LookupRecording::note("a.md");
        let inner = LookupRecording::start();
        LookupRecording::note("b.md");
        assert_eq!(inner.finish(), vec!["b.md".to_string()]);
        LookupRecording::note("c.md");
        {
            let _dropped = LookupRecording::start();
            LookupRecording::note("lost.md");
        }
        assert_eq!(outer.finish(), vec!["a.md".to_string(), "c.md".to_string()]);
        LookupRecording::note("after/any.md");
        assert!(LookupRecording::start().finish().is_empty());
    }
}
