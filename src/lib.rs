//! Charter: a static-site generator. Data flows one way; `docs/architecture.md` is the map.
//!
//! ```text
//! BuildOptions (options)                       what the command line asks
//!   -> build::build                            the driver of `charter build`
//!      -> freshness::up_to_date                inputs unchanged since the last build: done
//!      -> Site::load (site)                    the model, through every stage before writing:
//!         site.yaml -> config::Config
//!         templates/ -> templates::Templates   (in parallel with content/)
//!         content/ -> content::load -> content::Library
//!         data/ -> content::data;  static/ -> output::static_files;  git -> git::PageFacts
//!         -> render::render_bodies (markdown)  -> render::values, search   (Site::finish)
//!      -> build::write_all                     every render::Output planned (output::Plan),
//!         rendered in parallel (render::RenderInput), plainly or through deploy,
//!         into an output::Writer that swaps the result in only when all succeeded
//!      -> freshness::record
//! check::check                                 the same Site, rendered without writing, + lints
//! serve -> watch -> Site::rebuild (incremental) the same readers and stages, for what changed
//! ```
//!
//! The modules import downwards only (`scripts/module-cycles.py` checks there is no circle).

pub mod allocator;
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
pub mod new_page;
pub mod options;
pub mod output;
pub mod page_components;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod site_files;
pub mod spill;
pub mod templates;
pub mod text;
pub mod validate;
pub mod watch;
pub mod yaml;

pub use build::{build, BuildSummary};
pub use error::{Diagnostic, Diagnostics};
pub use options::BuildOptions;
pub use site::Site;
pub mod import;
