//! The HTTP side of `serve`: axum routes for the live-reload endpoints and the output folder.
//!
//! Files are served by tower-http's `ServeFile` (content types, `HEAD`, ranges, `Last-Modified`,
//! `If-Modified-Since`) after [`resolve`] has mapped the URL to a file that is really inside the
//! output folder: percent-decoded once, `..`, `.`, backslashes, NUL bytes and hidden names
//! (`.charter-manifest`, `.charter-staging/`) refused, then canonicalised (following symlinks) and
//! checked to still be under the canonical output root. Anything refused gets the site's
//! `404.html` with status 404. A folder asked for without its slash is redirected to a
//! `Location` made from the checked segments ([`folder_location`]), never from the raw request,
//! so no redirect leaves the site (`//notes` goes to `/notes/`, not to the host `notes`). Every
//! file gets a strong `ETag` from its size and modification time (answered with 304 on
//! `If-None-Match`) and `Cache-Control: no-cache`, so a reload never shows a
//! stale page. HTML responses get the live-reload script tag; the files on disk are never changed.
//! On loopback, requests naming another host are refused (DNS rebinding).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use tower_http::services::ServeFile;

use super::livereload::{self, Hub};

/// Largest HTML file the server rewrites to add the script (bigger ones are served as they are).
const MAX_INJECT: usize = 64 * 1024 * 1024;

/// What the server needs to answer requests.
pub struct AppState {
    /// The canonical output folder.
    pub root: PathBuf,
    pub hub: Arc<Hub>,
    /// Answer only requests addressed to this machine by name (`localhost`, a loopback address),
    /// so a web page elsewhere cannot read the site through DNS rebinding.
    pub local_only: bool,
}

/// The router: `/__charter/*` then the output folder.
pub fn router(state: Arc<AppState>) -> Router {
    let hub = state.hub.clone();
    let live = Router::new()
        .route("/__charter/events", get(livereload::events))
        .route("/__charter/status", get(livereload::status))
        .route("/__charter/livereload.js", get(livereload::script))
        .route("/__charter/overlay.css", get(livereload::overlay_css))
        .with_state(hub);
    live.fallback(serve_output)
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .with_state(state)
}

/// Refuses requests for another host name when serving on loopback only.
async fn check_host(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().host());
    if state.local_only && !host.is_none_or(is_local_host) {
        return plain(
            StatusCode::FORBIDDEN,
            "this preview server answers only requests for localhost or 127.0.0.1\n",
        );
    }
    next.run(request).await
}

/// Whether a `Host` header value names this machine (`localhost`, `*.localhost`, a loopback IP).
pub fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host),
    };
    let name = name.trim_end_matches('.');
    name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Where a URL path leads inside the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// This file (canonical, inside the root).
    File(PathBuf),
    /// A folder asked for without the trailing slash: redirect here.
    Redirect(String),
    /// Nothing to serve (missing, or refused).
    NotFound,
}

/// Maps the path part of a URL to a file under `root` (which must be canonical). Never returns a
/// file outside `root`, whatever the encoding or symlinks.
pub fn resolve(root: &Path, url_path: &str) -> Resolved {
    let Ok(decoded) = percent_decode_str(url_path).decode_utf8() else { return Resolved::NotFound };
    if decoded.contains('\\') || decoded.contains('\0') || !decoded.starts_with('/') {
        return Resolved::NotFound;
    }
    let mut candidate = root.to_path_buf();
    let mut segments = Vec::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "."
            || segment == ".."
            || (segment.starts_with('.') && segment != ".well-known")
            || segment.contains(':')
        {
            return Resolved::NotFound;
        }
        candidate.push(segment);
        segments.push(segment);
    }
    if candidate.is_dir() {
        if !decoded.ends_with('/') {
            return match folder_location(&segments) {
                Some(location) => Resolved::Redirect(location),
                None => Resolved::NotFound,
            };
        }
        candidate.push("index.html");
    }
    match candidate.canonicalize() {
        Ok(real) if real.starts_with(root) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

/// Characters escaped in a `Location` path segment: controls, space, and those with a meaning in
/// a URL (`%` itself, `?`, `#`, `/`, `\`) or that browsers rewrite.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\');

/// The one place a redirect's `Location` is made: `/` and the folder's segments, each
/// percent-encoded again, and a trailing `/`. Built from the decoded, checked segments rather than
/// from the request, so it never starts with `//` or `/\` (which browsers follow to another
/// host) whatever the request path was; `None` for no segment (the root needs no redirect).
pub fn folder_location(segments: &[&str]) -> Option<String> {
    if segments.is_empty() || segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let encoded: Vec<String> =
        segments.iter().map(|s| utf8_percent_encode(s, SEGMENT).to_string()).collect();
    let location = format!("/{}/", encoded.join("/"));
    (!location.starts_with("//") && !location.starts_with("/\\")).then_some(location)
}

fn is_html(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
        Some("html" | "htm")
    )
}

/// A strong validator from the file's size and modification time (writes are atomic renames, so
/// every change gives a new one); HTML gets its own suffix since its bytes change in flight.
/// The ETag of `path` as served: its size and time, and for HTML the build it was served at
/// (the injected tag carries that number, so a page from the cache must not outlive a build).
fn etag_for(path: &Path, build: u64) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    let suffix = if is_html(path) { format!("-lr{build:x}") } else { String::new() };
    Some(format!("\"{:x}-{:x}{suffix}\"", meta.len(), modified.as_nanos()))
}

fn if_none_match_hits(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// Types the MIME table behind `ServeFile` gets wrong or old-fashioned, by extension.
fn content_type_override(path: &Path) -> Option<&'static str> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("woff") => Some("font/woff"),
        Some("woff2") => Some("font/woff2"),
        Some("ttf") => Some("font/ttf"),
        Some("otf") => Some("font/otf"),
        Some("js" | "mjs") => Some("text/javascript"),
        Some("webmanifest") => Some("application/manifest+json"),
        Some("wasm") => Some("application/wasm"),
        _ => None,
    }
}

/// Sets the content type: fixes the few the MIME table gets wrong and adds `charset=utf-8` to
/// text types that come without one.
fn set_content_type(path: &Path, response: &mut Response) {
    if let Some(fixed) = content_type_override(path) {
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(fixed));
    }
    let Some(value) = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let textual = value.starts_with("text/")
        || matches!(
            value,
            "application/javascript"
                | "application/json"
                | "application/manifest+json"
                | "application/xml"
                | "image/svg+xml"
                | "application/atom+xml"
                | "application/rss+xml"
        );
    if textual && !value.contains("charset") {
        if let Ok(v) = HeaderValue::from_str(&format!("{value}; charset=utf-8")) {
            response.headers_mut().insert(header::CONTENT_TYPE, v);
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// Every request that is not for `/__charter/*`.
async fn serve_output(State(state): State<Arc<AppState>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    match resolve(&state.root, request.uri().path()) {
        Resolved::File(path) => send_file(path, request, StatusCode::OK, &state.hub).await,
        Resolved::Redirect(to) => {
            let to = match request.uri().query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            match HeaderValue::from_str(&to) {
                Ok(location) => {
                    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response()
                }
                Err(_) => plain(StatusCode::NOT_FOUND, "not found\n"),
            }
        }
        Resolved::NotFound => not_found(&state.root, request, &state.hub).await,
    }
}

async fn not_found(root: &Path, request: Request, hub: &Hub) -> Response {
    match resolve(root, "/404.html") {
        Resolved::File(page) => send_file(page, request, StatusCode::NOT_FOUND, hub).await,
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Serves `path` through `ServeFile`, with the ETag, no-cache and (for HTML) the script, which
/// carries the number of the build the page was read at.
async fn send_file(path: PathBuf, mut request: Request, status: StatusCode, hub: &Hub) -> Response {
    // Read before the file: a rebuild in between makes the page newer than its number (the
    // script then reloads once more), never older (a reload missed).
    let build = hub.status().build;
    let tag = livereload::script_tag(build);
    let etag = etag_for(&path, build);
    if status == StatusCode::OK {
        if let Some(tag) = &etag {
            if if_none_match_hits(&request, tag) {
                let mut r = StatusCode::NOT_MODIFIED.into_response();
                if let Ok(v) = HeaderValue::from_str(tag) {
                    r.headers_mut().insert(header::ETAG, v);
                }
                r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                return r;
            }
        }
    }
    let html = is_html(&path);
    let headers = request.headers_mut();
    if headers.contains_key(header::IF_NONE_MATCH) || status != StatusCode::OK {
        // The ETag answered above; a stale If-Modified-Since (one-second resolution) must not
        // turn a changed page into a 304.
        headers.remove(header::IF_MODIFIED_SINCE);
        headers.remove(header::IF_UNMODIFIED_SINCE);
    }
    if html || status != StatusCode::OK {
        // HTML is rewritten in flight, so byte ranges of the file would not match.
        headers.remove(header::RANGE);
        headers.remove(header::IF_RANGE);
    }
    headers.remove(header::ACCEPT_ENCODING);
    let is_head = request.method() == Method::HEAD;
    let response = match ServeFile::new(&path).try_call(request).await {
        Ok(r) => r,
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "could not read the file\n"),
    };
    let (mut parts, body) = response.into_parts();
    let mut response = if html && parts.status == StatusCode::OK {
        if is_head {
            let length = parts
                .headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok());
            if let Some(length) = length {
                parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length + tag.len()));
            }
            Response::from_parts(parts, Body::empty())
        } else {
            match axum::body::to_bytes(Body::new(body), MAX_INJECT).await {
                Ok(bytes) => {
                    let injected = livereload::inject(&bytes, &tag);
                    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(injected.len()));
                    Response::from_parts(parts, Body::from(injected))
                }
                Err(_) => {
                    return plain(StatusCode::INTERNAL_SERVER_ERROR, "could not read the file\n")
                }
            }
        }
    } else {
        Response::from_parts(parts, Body::new(body))
    };
    if response.status() == StatusCode::OK || response.status() == StatusCode::PARTIAL_CONTENT {
        *response.status_mut() = if status == StatusCode::OK { response.status() } else { status };
    }
    if let Some(tag) = etag.filter(|_| status == StatusCode::OK) {
        if let Ok(v) = HeaderValue::from_str(&tag) {
            response.headers_mut().insert(header::ETAG, v);
        }
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    set_content_type(&path, &mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tree(tempfile::TempDir);

    fn tree() -> Tree {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let root = dir.path().join("out");
        for (rel, text) in [
            ("index.html", "home"),
            ("a/index.html", "a"),
            ("css/site.css", "x"),
            (".charter-manifest", "m"),
        ] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap_or_else(|e| panic!("{e}"));
        Tree(dir)
    }

    impl Tree {
        fn root(&self) -> PathBuf {
            self.0.path().join("out").canonicalize().unwrap_or_else(|e| panic!("{e}"))
        }
    }

    #[test]
    fn only_local_host_names_are_local() {
        for h in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:8080",
            "127.0.0.2",
            "[::1]:1111",
            "[::1]",
            "app.localhost:3000",
            "LOCALHOST.",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        for h in [
            "example.org",
            "evil.example:1111",
            "10.0.0.1:1111",
            "localhost.evil.example",
            "[2001:db8::1]:80",
            "",
        ] {
            assert!(!is_local_host(h), "{h}");
        }
    }

    #[test]
    fn files_and_folders_resolve() {
        let t = tree();
        let root = t.root();
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(resolve(&root, "/a/"), Resolved::File(root.join("a/index.html")));
        assert_eq!(resolve(&root, "/a"), Resolved::Redirect("/a/".into()));
        for doubled in ["//a", "///a", "/%2Fa", "//%2F/a"] {
            assert_eq!(resolve(&root, doubled), Resolved::Redirect("/a/".into()), "{doubled}");
        }
        assert_eq!(folder_location(&["a b", "c?d"]), Some("/a%20b/c%3Fd/".into()));
        assert_eq!(folder_location(&[]), None);
        assert_eq!(resolve(&root, "/css/site.css"), Resolved::File(root.join("css/site.css")));
        assert_eq!(resolve(&root, "/css/%73ite.css"), Resolved::File(root.join("css/site.css")));
        assert_eq!(resolve(&root, "/missing.html"), Resolved::NotFound);
    }

    #[test]
    fn nothing_outside_the_root() {
        let t = tree();
        let root = t.root();
        for url in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/a/%2e%2e/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..%5csecret.txt",
            "/a\\..\\..\\secret.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/.charter-manifest",
            "/%00",
            "/C:/Windows/win.ini",
            "relative",
        ] {
            let r = resolve(&root, url);
            assert_eq!(r, Resolved::NotFound, "{url}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_pointing_out_are_refused() {
        let t = tree();
        let root = t.root();
        let outside = t.0.path().join("secret.txt");
        std::os::unix::fs::symlink(&outside, root.join("leak.txt"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(t.0.path(), root.join("up")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(root.join("css/site.css"), root.join("inside.css"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resolve(&root, "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/up/secret.txt"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/inside.css"), Resolved::File(root.join("css/site.css")));
    }
}
