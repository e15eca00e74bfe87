//! What the command line asks of a build: the site and output folders, drafts, the base URL
//! override ([`BuildOptions`]) and the deploy transforms ([`DeployOptions`]). Plain values with
//! no behaviour beyond defaults, and what a load keeps for the command ([`Retain`]): every stage
//! reads them, none of them is imported by this module.

use std::path::PathBuf;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// `--minify`, `--fingerprint`, `--precompress` (all off by default).
    pub deploy: DeployOptions,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
            deploy: Default::default(),
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// Which deploy transforms a build applies (see [`crate::deploy`]). All off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeployOptions {
    pub minify: bool,
    pub fingerprint: bool,
    pub precompress: bool,
}

impl DeployOptions {
    /// All three transforms (`--deploy`).
    pub fn all() -> Self {
        DeployOptions { minify: true, fingerprint: true, precompress: true }
    }

    pub fn any(&self) -> bool {
        self.minify || self.fingerprint || self.precompress
    }
}

/// Extensions that get `.gz` and `.br` siblings when precompressing.
pub const COMPRESSIBLE: &[&str] =
    &["html", "htm", "css", "js", "mjs", "xml", "svg", "json", "txt", "map", "webmanifest", "ico"];

/// Whether `relative` (an output path) gets precompressed siblings.
pub fn is_compressible(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| COMPRESSIBLE.contains(&ext.to_ascii_lowercase().as_str()))
}

/// What a loaded site keeps of its content. Markdown sources are never kept once rendered (on
/// the 10,000-page corpus they are 53 MB): each is dropped as soon as it is rendered and read
/// again from its file on the rare rebuild or lint that needs it. A one-shot build keeps even
/// less: no source past the reading of its file, no page's HTML past the body pass (see
/// `docs/architecture.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retain {
    /// Everything rebuilds need (`serve`) and lints read (`check`): anchors, tables of
    /// contents, front matter as written.
    ForRebuilds,
    /// Only what writing the outputs reads: a one-shot `charter build`.
    ForOneBuild,
}
