//! Deployable output: the transforms `charter build --minify --fingerprint --precompress` (or
//! `--deploy`, all three) apply on the way to the output folder.
//!
//! - **Minify**: HTML through `minify-html` (spec-compliant settings: quoted attribute values where
//!   the spec needs them, doctype kept) with its CSS minifier (lightningcss) for inline `<style>`
//!   and `style=""`, the same CSS minifier for `.css` files, and the `minifier` crate (the one
//!   rustdoc uses) for `.js` files. Inline `<script>` is left as written: minify-html's JS
//!   minifier (minify-js 0.6) panics on ordinary code such as the institute theme's script. A file
//!   a minifier cannot parse is kept as it was.
//! - **Fingerprint**: every `.css` and `.js` file of the theme's and the site's `static/` (and the
//!   generated `syntax.css`; not the files of a page bundle, which pages name relatively) is
//!   written as `name.<hash8>.ext`, hash = the first 8 hex digits of the
//!   BLAKE3 hash of the bytes written; references to the old URL in every HTML output are
//!   rewritten. The plain name is not written, so a missed reference shows up as a broken link.
//! - **Precompress**: beside every compressible file (`html css js xml svg json txt`, plus `map`,
//!   `webmanifest`, `ico`) a `.gz` and a `.br` whose decompressed bytes equal the file, for hosts
//!   that serve them as they are (nginx `gzip_static`/`brotli_static`). Pages, feeds and other
//!   generated text are many: gzip 6 and brotli 5. Stylesheets, scripts and SVG are few and fetched
//!   on every first visit: gzip 9 and brotli 11.
//!
//! Everything goes through the build's [`Writer`], so the output stays atomic and the manifest
//! lists the siblings (a later build without `--precompress` removes them).

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::{io_error, Diagnostic, Diagnostics};
use crate::output::Writer;
use crate::render::{self, Output};
use crate::site::Site;

pub use crate::options::{is_compressible, DeployOptions, COMPRESSIBLE};

fn extension(relative: &str) -> Option<String> {
    let name = relative.rsplit('/').next()?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

fn is_html(relative: &str) -> bool {
    matches!(extension(relative).as_deref(), Some("html" | "htm"))
}

fn is_fingerprintable(relative: &str) -> bool {
    matches!(extension(relative).as_deref(), Some("css" | "js"))
}

/// Minifies an HTML document (with its inline CSS and JS).
pub fn minify_html(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: false,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html, &cfg)
}

/// Minifies a stylesheet with minify-html's CSS minifier (lightningcss); `None` when it is not
/// UTF-8 or cannot be minified safely.
pub fn minify_css(css: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(css).ok()?;
    if text.to_ascii_lowercase().contains("</style") {
        return None;
    }
    let wrapped = format!("<style>{text}</style>");
    let cfg = minify_html::Cfg { minify_css: true, ..minify_html::Cfg::default() };
    let out = minify_html::minify(wrapped.as_bytes(), &cfg);
    let out = std::str::from_utf8(&out).ok()?;
    let inner = out.strip_prefix("<style>")?.strip_suffix("</style>")?;
    Some(inner.as_bytes().to_vec())
}

/// Minifies a script (comments and needless white space out, names kept); `None` when it is not
/// UTF-8.
pub fn minify_js(js: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(js).ok()?;
    let out = minifier::js::minify(text).to_string();
    (out.len() < text.len()).then(|| out.into_bytes())
}

/// `css/style.css` + bytes -> `css/style.<hash8>.css`.
pub fn hashed_name(relative: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let hash8 = &hash.as_str()[..8];
    let (dir, name) = match relative.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), relative),
    };
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{dir}{stem}.{hash8}.{ext}"),
        _ => format!("{dir}{name}.{hash8}"),
    }
}

/// Whether `name` (a file name) looks like a fingerprinted asset: `x.0123abcd.css`.
pub fn is_fingerprinted(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (Some(ext), Some(hash)) = (parts.next(), parts.next()) else { return false };
    matches!(ext, "css" | "js")
        && hash.len() == 8
        && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Rewrites the URL paths `from -> to` in `html` where they stand as a whole URL, also after the
/// site's origin (`https://host`): in any attribute value (`href`, `src`, a `srcset` entry, a
/// meta's `content`, a `style=""` attribute's `url()`, quoted or not), and in the text of
/// `<style>` and `<script>` elements (`url()`, `@import`, a quoted path). lol_html's tokenizer
/// finds those spans; text, comments and every other byte are kept as they are, quotes included.
/// `None` when nothing changed.
pub fn rewrite_references(
    html: &str,
    renames: &[(String, String)],
    origin: &str,
) -> Option<String> {
    if !renames.iter().any(|(from, _)| html.contains(from.as_str())) {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut copied_up_to = 0;
    for span in url_bearing_spans(html, renames) {
        let Some(rewritten) = rewrite_span(&html[span.clone()], renames, origin) else {
            continue;
        };
        out.push_str(&html[copied_up_to..span.start]);
        out.push_str(&rewritten);
        copied_up_to = span.end;
    }
    if copied_up_to == 0 {
        return None;
    }
    out.push_str(&html[copied_up_to..]);
    Some(out)
}

/// The byte ranges of `html` that may hold a renamed URL: attribute values (as written, without
/// their quotes) and the text of `<style>` and `<script>` elements, in document order, each
/// holding at least one of the old paths.
fn url_bearing_spans(html: &str, renames: &[(String, String)]) -> Vec<Range<usize>> {
    let holds_old_path = |range: &Range<usize>| {
        html.get(range.clone())
            .is_some_and(|text| renames.iter().any(|(from, _)| text.contains(from.as_str())))
    };
    let mut values: Vec<Range<usize>> = Vec::new();
    let mut texts: Vec<Range<usize>> = Vec::new();
    {
        let settings = lol_html::Settings::new()
            .append_element_content_handler(lol_html::element!("*", |el| {
                values.extend(
                    el.attributes()
                        .iter()
                        .filter_map(|a| a.value_source_location())
                        .map(|location| location.bytes())
                        .filter(&holds_old_path),
                );
                Ok(())
            }))
            .append_element_content_handler(lol_html::text!("style, script", |chunk| {
                let range = chunk.source_location().bytes();
                // A text node may come in several chunks: one span for the whole text.
                match texts.last_mut() {
                    Some(last) if last.end == range.start => last.end = range.end,
                    _ if range.is_empty() => {}
                    _ => texts.push(range),
                }
                Ok(())
            }));
        let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
        // The rewriter fails only on its memory limits; the spans found until then are kept.
        if rewriter.write(html.as_bytes()).is_ok() {
            let _ = rewriter.end();
        }
    }
    texts.retain(&holds_old_path);
    values.extend(texts);
    values.sort_by_key(|range| range.start);
    values
}

/// Rewrites the old paths in one span where each stands as a whole URL: after the span's start, a
/// quote, `=`, `(`, white space, a comma or the origin, and before the span's end, a quote, `?`,
/// `#`, `)`, white space, `>` or a comma. `None` when nothing changed.
fn rewrite_span(span: &str, renames: &[(String, String)], origin: &str) -> Option<String> {
    let mut text = std::borrow::Cow::Borrowed(span);
    for (from, to) in renames {
        if !text.contains(from.as_str()) {
            continue;
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest: &str = &text;
        let mut at_span_start = true;
        let mut consumed_any = false;
        while let Some(i) = rest.find(from.as_str()) {
            let before = &rest[..i];
            let after = &rest[i + from.len()..];
            let starts_ok = (at_span_start && before.is_empty())
                || before.ends_with(['"', '\'', '=', '(', ' ', '\n', '\t', ','])
                || (!origin.is_empty() && before.ends_with(origin));
            let ends_ok = after.is_empty()
                || after.starts_with(['"', '\'', '?', '#', ')', ' ', '\n', '\t', '>', ',']);
            out.push_str(before);
            if starts_ok && ends_ok {
                out.push_str(to);
                consumed_any = true;
            } else {
                out.push_str(from);
            }
            rest = after;
            at_span_start = false;
        }
        out.push_str(rest);
        if consumed_any {
            text = std::borrow::Cow::Owned(out);
        }
    }
    match text {
        std::borrow::Cow::Owned(s) => Some(s),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

/// How hard to compress: pages and feeds are many, so they get fast levels; stylesheets, scripts
/// and the like are few and fetched on every first visit, so they get the best.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// gzip 6, brotli 5.
    Fast,
    /// gzip 9, brotli 11.
    Best,
}

/// The effort for an output path.
pub fn effort_for(relative: &str) -> Effort {
    match extension(relative).as_deref() {
        Some("html" | "htm" | "xml" | "txt" | "json") => Effort::Fast,
        _ => Effort::Best,
    }
}

/// Gzip with no file name and a zero time stamp (the same input gives the same bytes).
pub fn gzip(bytes: &[u8], effort: Effort) -> Vec<u8> {
    let level = match effort {
        Effort::Fast => flate2::Compression::new(6),
        Effort::Best => flate2::Compression::best(),
    };
    let mut encoder =
        flate2::GzBuilder::new().mtime(0).write(Vec::with_capacity(bytes.len() / 3 + 64), level);
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Brotli, window 22.
pub fn brotli(bytes: &[u8], effort: Effort) -> Vec<u8> {
    let quality = match effort {
        Effort::Fast => 5,
        Effort::Best => 11,
    };
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        let _ = writer.write_all(bytes);
        let _ = writer.flush();
    }
    out
}

/// Writes a file, and its `.gz` and `.br` siblings when `precompress` and the file is compressible.
pub fn write_file(
    writer: &Writer,
    relative: &str,
    bytes: &[u8],
    precompress: bool,
) -> Result<(), Diagnostic> {
    writer.write(relative, bytes)?;
    if precompress && is_compressible(relative) {
        let effort = effort_for(relative);
        let (gz, br) = rayon::join(|| gzip(bytes, effort), || brotli(bytes, effort));
        writer.write(&format!("{relative}.gz"), &gz)?;
        writer.write(&format!("{relative}.br"), &br)?;
    }
    Ok(())
}

/// Static CSS and JS after minification, with their new names.
#[derive(Debug, Default)]
pub struct AssetPlan {
    /// Old URL path -> new URL path, for rewriting HTML.
    pub renames: Vec<(String, String)>,
    /// Output path -> (path to write, bytes), for the files read and transformed ahead of pages.
    pub prepared: HashMap<String, (String, Vec<u8>)>,
}

/// Reads, minifies and names the static CSS and JS files (the only files pages refer to by a name
/// that changes).
fn plan_assets(
    files: &[(String, PathBuf)],
    static_dirs: &[PathBuf],
    options: DeployOptions,
    base_path: &str,
) -> Result<AssetPlan, Diagnostics> {
    // Only `static/` files: a bundle's own script is referred to by a relative name.
    // (name in the site, name in the output, bytes to write)
    type AssetCopy = (String, String, Vec<u8>);
    let results: Vec<Result<AssetCopy, Diagnostic>> = files
        .par_iter()
        .filter(|(rel, path)| {
            is_fingerprintable(rel) && static_dirs.iter().any(|d| path.starts_with(d))
        })
        .map(|(rel, path)| {
            let bytes =
                std::fs::read(path).map_err(|e| io_error(path, "read the file to copy", &e))?;
            let bytes =
                if options.minify { minify_by_type(rel, &bytes).unwrap_or(bytes) } else { bytes };
            let target = if options.fingerprint { hashed_name(rel, &bytes) } else { rel.clone() };
            Ok((rel.clone(), target, bytes))
        })
        .collect();
    let mut plan = AssetPlan::default();
    let mut errors = Diagnostics::new();
    for r in results {
        match r {
            Ok((rel, target, bytes)) => {
                if target != rel {
                    plan.renames.push((
                        format!("{base_path}/{}", crate::text::encode_path(&rel)),
                        format!("{base_path}/{}", crate::text::encode_path(&target)),
                    ));
                }
                plan.prepared.insert(rel, (target, bytes));
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        // Longest first, so `a.css` never rewrites inside `/x/a.css`-like longer names.
        plan.renames.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Ok(plan)
    } else {
        Err(errors)
    }
}

fn minify_by_type(relative: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    match extension(relative).as_deref() {
        Some("html" | "htm") => Some(minify_html(bytes)),
        Some("css") => minify_css(bytes),
        Some("js") => minify_js(bytes),
        _ => None,
    }
}

/// A write of the site through the deploy transforms, in three steps: [`DeployWrite::begin`]
/// names the fingerprinted files (the static CSS and JS, the highlighting stylesheet) in the
/// output plan before any byte is written, and writes the stylesheet; [`DeployWrite::render`]
/// renders and writes outputs, in as many calls as the caller likes (a one-shot build writes its
/// search index first); [`DeployWrite::copy_files`] copies the static files and content assets.
pub struct DeployWrite {
    options: DeployOptions,
    origin: String,
    plan: AssetPlan,
}

impl DeployWrite {
    /// Plans the fingerprinted names and writes the highlighting stylesheet, which `outputs`
    /// (the site's, all of them) may hold. Fails when a name cannot be planned; the write
    /// errors of the stylesheet come back with the writer to go on with.
    pub fn begin(
        site: &Site,
        outputs: &[Output],
        writer: &Writer,
        options: DeployOptions,
    ) -> Result<(DeployWrite, Diagnostics), Diagnostics> {
        let config = &site.config;
        let base_path = config.base_path().trim_end_matches('/').to_string();
        let input = site.render_input();
        let files = site.files_to_copy();
        let root = &site.options.root;
        let mut static_dirs = vec![root.join("static")];
        if let Some(theme) = &config.theme {
            static_dirs.push(root.join("themes").join(theme).join("static"));
        }
        let mut plan = plan_assets(&files, &static_dirs, options, &base_path)?;
        let mut errors = Diagnostics::new();

        // Generated CSS (the highlighting stylesheet) is named before the pages that link to it.
        let mut early = Vec::new();
        for o in outputs.iter().filter(|o| matches!(o, Output::SyntaxCss)) {
            let rel = render::output_path(o, &site.library, config);
            match input.render(o) {
                Ok(bytes) => {
                    let bytes = if options.minify {
                        minify_by_type(&rel, &bytes).unwrap_or(bytes)
                    } else {
                        bytes
                    };
                    let target =
                        if options.fingerprint { hashed_name(&rel, &bytes) } else { rel.clone() };
                    if target != rel {
                        plan.renames.push((
                            format!("{base_path}/{}", crate::text::encode_path(&rel)),
                            format!("{base_path}/{}", crate::text::encode_path(&target)),
                        ));
                    }
                    early.push((target, bytes));
                }
                Err(d) => errors.push(d),
            }
        }
        plan.renames.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        // Fingerprinted names go into the output plan before any byte is written, checked like
        // every other path (a static file may already have that name).
        let syntax_css = outputs
            .iter()
            .find(|o| matches!(o, Output::SyntaxCss))
            .map(|o| render::output_path(o, &site.library, config));
        let mut renamed: Vec<(&str, &str)> = plan
            .prepared
            .iter()
            .map(|(rel, (target, _))| (rel.as_str(), target.as_str()))
            .collect();
        renamed.extend(syntax_css.as_deref().zip(early.first().map(|(target, _)| target.as_str())));
        renamed.sort();
        for (from, to) in renamed.into_iter().filter(|(from, to)| from != to) {
            let siblings: &[&str] = if options.precompress && is_compressible(from) {
                &["", ".gz", ".br"]
            } else {
                &[""]
            };
            for suffix in siblings {
                if let Err(d) =
                    writer.rename_planned(&format!("{from}{suffix}"), &format!("{to}{suffix}"))
                {
                    errors.push(d);
                }
            }
        }
        if errors.has_errors() {
            return Err(errors);
        }
        for (target, bytes) in &early {
            if let Err(d) = write_file(writer, target, bytes, options.precompress) {
                errors.push(d);
            }
        }
        let origin = config.origin().to_string();
        Ok((DeployWrite { options, origin, plan }, errors))
    }

    /// Renders `outputs` (the stylesheet aside, written by [`DeployWrite::begin`]), transforms
    /// them and writes them. Returns every error.
    pub fn render(&self, site: &Site, outputs: &[Output], writer: &Writer) -> Diagnostics {
        let input = site.render_input();
        let errors: Vec<Diagnostic> = outputs
            .par_iter()
            .filter(|o| !matches!(o, Output::SyntaxCss))
            .filter_map(|o| {
                let rel = render::output_path(o, &site.library, &site.config);
                let bytes = match input.render(o) {
                    Ok(b) => b,
                    Err(d) => return Some(d),
                };
                let bytes = transform(&rel, bytes, self.options, &self.plan.renames, &self.origin);
                write_file(writer, &rel, &bytes, self.options.precompress).err()
            })
            .collect();
        Diagnostics(errors)
    }

    /// Copies the static files and content assets: the fingerprinted ones as planned, the others
    /// transformed when minifying or precompressing asks for their bytes. Returns every error.
    pub fn copy_files(&self, site: &Site, writer: &Writer) -> Diagnostics {
        let options = self.options;
        let errors: Vec<Diagnostic> = site
            .files_to_copy()
            .par_iter()
            .filter_map(|(rel, path)| {
                if let Some((target, bytes)) = self.plan.prepared.get(rel) {
                    return write_file(writer, target, bytes, options.precompress).err();
                }
                let needs_bytes = options.precompress && is_compressible(rel)
                    || options.minify && (is_html(rel) || is_fingerprintable(rel));
                if !needs_bytes {
                    return writer.copy(rel, path).err();
                }
                match std::fs::read(path) {
                    Ok(bytes) => {
                        let bytes =
                            transform(rel, bytes, options, &self.plan.renames, &self.origin);
                        write_file(writer, rel, &bytes, options.precompress).err()
                    }
                    Err(e) => Some(io_error(path, "read the file to copy", &e)),
                }
            })
            .collect();
        Diagnostics(errors)
    }
}

/// Rewrites references and minifies one rendered output (HTML), or minifies generated CSS/JS.
fn transform(
    relative: &str,
    bytes: Vec<u8>,
    options: DeployOptions,
    renames: &[(String, String)],
    origin: &str,
) -> Vec<u8> {
    if is_html(relative) {
        let bytes = match std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| rewrite_references(t, renames, origin))
        {
            Some(rewritten) => rewritten.into_bytes(),
            None => bytes,
        };
        if options.minify {
            return minify_html(&bytes);
        }
        return bytes;
    }
    if options.minify && is_fingerprintable(relative) {
        return minify_by_type(relative, &bytes).unwrap_or(bytes);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_folder_and_extension() {
        let name = hashed_name("css/style.css", b"body{}");
        assert!(
            name.starts_with("css/style.")
                && name.ends_with(".css")
                && name.len() == "css/style.12345678.css".len(),
            "{name}"
        );
        assert!(is_fingerprinted(name.rsplit('/').next().unwrap_or_default()));
        assert!(!is_fingerprinted("style.css"));
    }

    #[test]
    fn references_are_rewritten_only_as_whole_urls() {
        let renames = vec![("/css/a.css".to_string(), "/css/a.0123abcd.css".to_string())];
        let html = r#"<link href="/css/a.css"><link href=/css/a.css><a href="https://x.org/css/a.css?v=1">x</a><a href="/other/css/a.css">y</a><a href="/css/a.css.map">z</a>"#;
        let out = rewrite_references(html, &renames, "https://x.org").unwrap_or_default();
        assert_eq!(
            out,
            r#"<link href="/css/a.0123abcd.css"><link href=/css/a.0123abcd.css><a href="https://x.org/css/a.0123abcd.css?v=1">x</a><a href="/other/css/a.css">y</a><a href="/css/a.css.map">z</a>"#
        );
        assert!(rewrite_references("<p>nothing</p>", &renames, "").is_none());
    }

    #[test]
    fn every_attribute_and_style_or_script_text_is_rewritten_as_written() {
        let renames = vec![
            ("/css/a.css".to_string(), "/css/a.0123abcd.css".to_string()),
            ("/js/b.js".to_string(), "/js/b.89abcdef.js".to_string()),
        ];
        let html = concat!(
            "<link rel=preload href=/css/a.css as=style>",
            "<img srcset='/css/a.css 1x, /js/b.js 2x' src=x.png>",
            "<meta property=og:x content=\"https://x.org/css/a.css\">",
            "<div style=\"background: url(/css/a.css) , url('/js/b.js')\">t</div>",
            "<style>@import url(/css/a.css);\n@import \"/js/b.js\";</style>",
            "<script>load('/js/b.js#x')</script>",
            "<p>Prose (/css/a.css) and <code>\"/js/b.js\"</code></p><!-- /css/a.css -->",
        );
        let out = rewrite_references(html, &renames, "https://x.org").unwrap_or_default();
        assert_eq!(
            out,
            concat!(
                "<link rel=preload href=/css/a.0123abcd.css as=style>",
                "<img srcset='/css/a.0123abcd.css 1x, /js/b.89abcdef.js 2x' src=x.png>",
                "<meta property=og:x content=\"https://x.org/css/a.0123abcd.css\">",
                "<div style=\"background: url(/css/a.0123abcd.css) , url('/js/b.89abcdef.js')\">t</div>",
                "<style>@import url(/css/a.0123abcd.css);\n@import \"/js/b.89abcdef.js\";</style>",
                "<script>load('/js/b.89abcdef.js#x')</script>",
                "<p>Prose (/css/a.css) and <code>\"/js/b.js\"</code></p><!-- /css/a.css -->",
            )
        );
        // A longer name that ends like an old path is not a reference to it.
        assert!(rewrite_references("<a href=/x/css/a.css.map>x</a>", &renames, "").is_none());
    }

    #[test]
    fn compression_round_trips() {
        use std::io::Read;
        let text = "<p>hello hello hello</p>".repeat(100);
        let mut back = String::new();
        let gz = gzip(text.as_bytes(), Effort::Fast);
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut back).unwrap_or_default();
        assert_eq!(back, text);
        let mut back = Vec::new();
        let br = brotli(text.as_bytes(), Effort::Best);
        brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut back).unwrap_or_default();
        assert_eq!(back, text.as_bytes());
        assert_eq!(gzip(b"same", Effort::Best), gzip(b"same", Effort::Best));
    }

    #[test]
    fn css_and_js_minify_and_bad_input_is_kept() {
        let css = minify_css(b"body {\n  color: red;\n}\n").unwrap_or_default();
        assert_eq!(String::from_utf8_lossy(&css), "body{color:red}");
        let source = b"// Adds.\nfunction add(first, second) {\n  return first + second;\n}\nwindow.add = add;\n";
        let js = String::from_utf8(minify_js(source).unwrap_or_default()).unwrap_or_default();
        assert_eq!(js, "function add(first,second){return first+second;}window.add=add;");
        assert!(minify_css(&[0xff, 0xfe]).is_none());
    }
}
