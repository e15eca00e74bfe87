//! Charter: a static-site generator. Data flows one way:
//!
//! `site.yaml` -> [`config::Config`] -> `content/` walked and parsed ([`content::load`]) ->
//! placed in a [`content::Library`] -> Markdown bodies rendered ([`render::render_bodies`]) ->
//! template values built once ([`render::values`]) -> every [`render::Output`] rendered in
//! parallel and written through an [`output::Writer`] that swaps the result in only when the
//! whole build succeeded. `serve` drives the same stages from a set of changes ([`site`]).

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod deploy;
pub mod error;
pub mod freshness;
pub mod git;
pub mod highlight;
pub mod incremental;
pub mod init;
pub mod markdown;
pub mod options;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod site_files;
pub mod templates;
pub mod text;
pub mod validate;
pub mod watch;
pub mod yaml;

pub use error::{Diagnostic, Diagnostics};
pub use build::{build, BuildSummary};
pub use options::BuildOptions;
pub use site::Site;
pub mod import;
