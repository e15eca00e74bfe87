//! Subcommands, their flags and help texts, and how results are printed (colour only on a
//! terminal and never with `NO_COLOR`). Exit codes: 0 success, 1 the site has errors, 2 the
//! command line is wrong.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use charter::{BuildOptions, Diagnostics};

/// Exit code: the site has errors (content, templates, output).
pub const EXIT_SITE_ERROR: i32 = 1;

#[derive(Parser)]
#[command(
    name = "charter",
    version,
    about = "Charter: build a static site from Markdown with YAML front matter and Tera themes.",
    after_help = "Exit codes: 0 success, 1 the site has errors, 2 the command line is wrong.\n\nExamples:\n  charter build                 build the site in this folder into public/\n  charter serve                 preview at http://127.0.0.1:1111 with live reload\n  charter check                 validate everything, write nothing (for CI)\n  charter new proposal/x.md     start a page with its front matter"
)]
struct Cli {
    /// The site's root folder (holding site.yaml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct BuildArgs {
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Override `base_url` from site.yaml (the same rule: an absolute http(s) URL).
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    base_url: Option<String>,
    /// Write the site here instead of public/.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Minify HTML and CSS (minify-html, lightningcss) and JS (minifier).
    #[arg(long)]
    minify: bool,
    /// Name CSS and JS files by their content (`style.<hash8>.css`) and rewrite every reference.
    #[arg(long)]
    fingerprint: bool,
    /// Write `.gz` and `.br` beside every compressible file (html css js xml svg json txt).
    #[arg(long)]
    precompress: bool,
    /// Everything for production: --minify --fingerprint --precompress.
    #[arg(long)]
    deploy: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --output).
    #[command(
        after_help = "Examples:\n  charter build\n  charter build --drafts --output /tmp/preview\n  charter build --base-url https://staging.example.org\n  charter build --deploy        minified, fingerprinted, with .gz/.br files (see docs/deploy.md)"
    )]
    Build(BuildArgs),
    /// Build, serve the site locally and rebuild on every save, with live reload in the browser.
    #[command(
        after_help = "Examples:\n  charter serve                     http://127.0.0.1:1111 with live reload\n  charter serve --port 0 --open     any free port, opened in the browser\n  charter serve --drafts            include pages marked `draft: true`\n  charter serve --bind 0.0.0.0      reachable from other machines (prints a warning)"
    )]
    Serve {
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Anything but 127.0.0.1 or ::1 exposes the site to your network.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: std::net::IpAddr,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Open the site in the browser once it is built.
        #[arg(long)]
        open: bool,
    },
    /// Check everything a build checks; write nothing. Non-zero exit on any error.
    #[command(
        after_help = "Findings: errors (exit 1) for everything a build rejects, images without alt text and\nmalformed external links; warnings for missing descriptions, headings that skip a level and\npages no other page links to. See docs/check.md.\n\nExamples:\n  charter check\n  charter check --root path/to/site\n  charter check --format github   annotations on a pull request (GitHub Actions)\n  charter check --format json     for other tools"
    )]
    Check {
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// How to print findings: human (stderr), json or github (stdout).
        #[arg(long, value_name = "FORMAT", value_enum, default_value_t = charter::check::Format::Human)]
        format: charter::check::Format,
    },
    /// Create a page with its front matter filled in.
    #[command(
        after_help = "Examples:\n  charter new proposal/new-page.md\n  charter new briefs/_index.md     (a section)"
    )]
    New {
        /// The page's path under content/, e.g. `proposal/new-page.md`.
        path: String,
        /// The page's title (defaults to one made from the file name).
        #[arg(long)]
        title: Option<String>,
    },
    /// Import a Hugo or Jekyll site into a new Charter site, keeping every URL.
    #[command(
        after_help = "Writes site.yaml, content/, static/, data/, templates/ and import-report.md into DEST;\nSOURCE is only read.\n\nExamples:\n  charter import hugo ../old-site ./new-site\n  charter import jekyll ../blog ./blog-charter --format json"
    )]
    Import {
        /// The generator that built the source site.
        #[arg(value_enum)]
        from: charter::import::ImportSource,
        /// The source site's folder (only read, never changed).
        source: PathBuf,
        /// The new Charter site's folder (must be empty or absent unless --force).
        dest: PathBuf,
        /// Write into a DEST that is not empty.
        #[arg(long)]
        force: bool,
        /// How to print the report: human (a summary line) or json (the whole report, stdout).
        #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
    },
    /// Create a new site that builds, with a default theme and one page of each kind.
    #[command(after_help = "Examples:\n  charter init my-site\n  cd my-site && charter build")]
    Init {
        /// The folder to create (must be empty or absent).
        dir: PathBuf,
    },
}

/// How `charter import` prints its report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// A summary line.
    Human,
    /// The whole report as JSON on stdout.
    Json,
}

/// `--base-url` through the one base-URL rule ([`charter::validate::BaseUrl`]); a refused value
/// is a command-line error (exit 2) with what to write instead.
fn parse_base_url(text: &str) -> Result<String, String> {
    charter::validate::BaseUrl::parse(text)
        .map(|url| url.as_str().to_string())
        .map_err(|e| format!("{}\n\n  help: {}", e.message, e.hint))
}

/// Whether to colour the output on stderr.
fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn paint(text: &str, style: anstyle::Style) -> String {
    if use_colour() {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

fn print_diagnostics(diagnostics: &Diagnostics, quiet: bool) {
    let red = anstyle::Style::new().bold().fg_color(Some(anstyle::AnsiColor::Red.into()));
    let yellow = anstyle::Style::new().bold().fg_color(Some(anstyle::AnsiColor::Yellow.into()));
    for d in &diagnostics.0 {
        if quiet && !d.is_error() {
            continue;
        }
        let text = d.to_string();
        let (label, style) = match d.severity {
            charter::error::Severity::Error => ("error", red),
            charter::error::Severity::Warning => ("warning", yellow),
            charter::error::Severity::Info => ("info", anstyle::Style::new().bold()),
        };
        let text = match text.strip_prefix(label) {
            Some(rest) => format!("{}{rest}", paint(label, style)),
            None => text,
        };
        eprintln!("{text}");
    }
    let errors = diagnostics.errors().count();
    if errors > 0 {
        eprintln!(
            "{}",
            paint(
                &format!(
                    "{errors} error{} found; nothing was changed in the output",
                    if errors == 1 { "" } else { "s" }
                ),
                red
            )
        );
    }
}

/// Runs `work`; when it takes longer than a second and stderr is a terminal, draws a progress
/// bar of the outputs rendered (cleared when done).
fn with_progress<T>(
    quiet: bool,
    work: impl FnOnce(std::sync::Arc<charter::site::Progress>) -> T,
) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let progress = Arc::new(charter::site::Progress::default());
    if quiet || !std::io::stderr().is_terminal() {
        return work(progress);
    }
    let counted = progress.clone();
    let finished = Arc::new(AtomicBool::new(false));
    let flag = finished.clone();
    let drawer = std::thread::spawn(move || {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(1) {
            if flag.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} building: {pos}/{len} outputs {wide_bar} {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        let bar = indicatif::ProgressBar::new(0).with_style(style);
        while !flag.load(Ordering::Relaxed) {
            bar.set_length(counted.total.load(Ordering::Relaxed) as u64);
            bar.set_position(counted.done.load(Ordering::Relaxed) as u64);
            bar.tick();
            std::thread::sleep(Duration::from_millis(80));
        }
        bar.finish_and_clear();
    });
    let result = work(progress);
    finished.store(true, Ordering::Relaxed);
    let _ = drawer.join();
    result
}

pub fn run() -> i32 {
    charter::allocator::return_freed_memory_soon();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let root = cli.root.clone();
    match cli.command {
        Command::Build(args) => {
            let deploy = charter::deploy::DeployOptions {
                minify: args.minify || args.deploy,
                fingerprint: args.fingerprint || args.deploy,
                precompress: args.precompress || args.deploy,
            };
            let options = BuildOptions {
                root,
                output: args.output,
                drafts: args.drafts,
                base_url: args.base_url,
                deploy,
            };
            match with_progress(cli.quiet, |progress| {
                charter::build::build_counting(options, progress)
            }) {
                Ok(summary) => {
                    print_diagnostics(&summary.warnings, cli.quiet);
                    if !cli.quiet {
                        println!("{summary}");
                    }
                    0
                }
                Err(diagnostics) => {
                    print_diagnostics(&diagnostics, cli.quiet);
                    EXIT_SITE_ERROR
                }
            }
        }
        Command::Check { drafts, format } => {
            let options = BuildOptions { drafts, ..BuildOptions::new(root) };
            let result = charter::check::check(options);
            if format != charter::check::Format::Human {
                let (Ok(d) | Err(d)) = &result;
                match format {
                    charter::check::Format::Json => println!("{}", charter::check::to_json(d)),
                    charter::check::Format::Github | charter::check::Format::Human => {
                        print!("{}", charter::check::to_github(d, &github_prefix(&cli.root)))
                    }
                }
                return if result.is_ok() { 0 } else { EXIT_SITE_ERROR };
            }
            match result {
                Ok(warnings) => {
                    print_diagnostics(&warnings, cli.quiet);
                    if !cli.quiet {
                        let infos = warnings.infos().count();
                        let warnings = warnings.warnings().count();
                        if infos > 0 {
                            println!("check passed: no errors ({warnings} warnings, {infos} for information)");
                        } else {
                            println!("check passed: no errors ({warnings} warnings)");
                        }
                    }
                    0
                }
                Err(diagnostics) => {
                    print_diagnostics(&diagnostics, cli.quiet);
                    EXIT_SITE_ERROR
                }
            }
        }
        Command::New { path, title } => {
            match charter::new_page::new_page(&root, &path, title.as_deref()) {
                Ok(file) => {
                    if !cli.quiet {
                        println!(
                            "created {}",
                            charter::text::escape_control_line(&file.display().to_string())
                        );
                    }
                    0
                }
                Err(d) => {
                    print_diagnostics(&Diagnostics::from(d), cli.quiet);
                    EXIT_SITE_ERROR
                }
            }
        }
        Command::Import { from, source, dest, force, format } => {
            match charter::import::import_site(
                from,
                &source,
                &dest,
                &charter::import::ImportOptions { force },
            ) {
                Ok(report) => {
                    if format == ReportFormat::Json {
                        println!("{}", report.to_json());
                    } else if !cli.quiet {
                        println!("{}", report.summary_line());
                    }
                    0
                }
                Err(d) => {
                    print_diagnostics(&d, cli.quiet);
                    EXIT_SITE_ERROR
                }
            }
        }
        Command::Init { dir } => match charter::init::init_site(&dir) {
            Ok(()) => {
                if !cli.quiet {
                    println!(
                        "created a new site in {}; build it with: cd {} && charter build",
                        dir.display(),
                        dir.display()
                    );
                }
                0
            }
            Err(d) => {
                print_diagnostics(&Diagnostics::from(d), cli.quiet);
                EXIT_SITE_ERROR
            }
        },
        Command::Serve { port, bind, drafts, open } => {
            serve(root, port, bind, drafts, open, cli.quiet)
        }
    }
}

/// `charter serve`: runs until Ctrl-C; notices are printed as they come.
fn serve(
    root: PathBuf,
    port: u16,
    bind: std::net::IpAddr,
    drafts: bool,
    open: bool,
    quiet: bool,
) -> i32 {
    use charter::serve::Notice;
    let reporter = std::sync::Arc::new(move |notice: &Notice| match notice {
        Notice::Failed(d) => {
            print_diagnostics(d, false);
            eprintln!("the last good build is still served; fix the file and save");
        }
        Notice::Warnings(d) => print_diagnostics(d, quiet),
        Notice::Warning(_) => eprintln!("{}", charter::text::escape_control(&notice.to_string())),
        Notice::Serving { .. } => println!("{notice}"),
        other if !quiet => println!("{}", charter::text::escape_control(&other.to_string())),
        _ => {}
    });
    let options = charter::serve::ServeOptions {
        port,
        bind,
        drafts,
        open,
        reporter,
        ..charter::serve::ServeOptions::new(root)
    };
    match charter::serve::serve(options) {
        Ok(()) => 0,
        Err(d) => {
            print_diagnostics(&d, false);
            EXIT_SITE_ERROR
        }
    }
}

/// The site root's path inside its git repository (`docs/site`), so GitHub annotations name the
/// right file; empty when the root is the repository's top or not in one.
fn github_prefix(root: &Path) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-prefix"])
        .stderr(std::process::Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => {
            String::from_utf8_lossy(&o.stdout).trim().trim_end_matches('/').to_string()
        }
        _ => String::new(),
    }
}
