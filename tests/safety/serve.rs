//! Safety cases for `serve`: no redirect leaves the site, a removed output comes back, refused states match `charter build`.
//!
//! Each case runs the real `charter serve` on a free port over a copy of the serve fixture and
//! sends real HTTP requests (redirects are not followed, so the `Location` itself is checked).

#[allow(unused_imports)]
use crate::support::*;

#[path = "../serve_support/mod.rs"]
mod serve_support;

use serve_support::{wait_for, Server};
use std::time::{Duration, Instant};

/// GET `path` as written (no normalisation by the client): status and `Location`.
fn raw_get(server: &Server, path: &str) -> (u16, Option<String>) {
    use std::io::{Read, Write};
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect to charter serve");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
        .expect("send the request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read the response");
    let text = String::from_utf8_lossy(&response);
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let location = text.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
            .map(|(_, v)| v.trim().to_string())
    });
    (status, location)
}

/// Every request path here must not be answered with a redirect off the site, nor with a file
/// from outside the output.
fn assert_stays_on_site(server: &Server, path: &str) -> (u16, Option<String>) {
    let (status, location) = raw_get(server, path);
    assert_ne!(status, 0, "{path}: the server answered");
    if let Some(loc) = &location {
        assert!(loc.starts_with('/'), "{path}: Location {loc:?} must be a path on this site");
        assert!(
            !loc.starts_with("//") && !loc.starts_with("/\\"),
            "{path}: Location {loc:?} would send the browser to another host"
        );
        assert!(
            !loc.contains('\\') && !loc.contains("/../") && !loc.contains("/./"),
            "{path}: Location {loc:?} is not a clean path"
        );
    }
    (status, location)
}

#[test]
fn no_redirect_leaves_the_site_whatever_the_slashes() {
    let server = Server::start("site", &[]);
    // The plain case still redirects a folder to its slash form.
    assert_eq!(assert_stays_on_site(&server, "/notes"), (308, Some("/notes/".to_string())));
    // The open redirect of the issue: `//notes` answered `Location: //notes/` (the host `notes`).
    assert_eq!(assert_stays_on_site(&server, "//notes"), (308, Some("/notes/".to_string())));
    assert_eq!(assert_stays_on_site(&server, "///notes"), (308, Some("/notes/".to_string())));
    assert_eq!(
        assert_stays_on_site(&server, "//notes?x=1"),
        (308, Some("/notes/?x=1".to_string()))
    );
    for path in [
        "//notes",
        "///notes",
        "////notes",
        "//notes?x=1",
        "/\\notes",
        "/%5Cnotes",
        "/%2Fnotes",
        "/%2F%2Fnotes",
        "//%2Fnotes",
        "/%2F/notes",
        "//notes/bundle",
    ] {
        let (status, location) = assert_stays_on_site(&server, path);
        if status == 308 {
            let location = location.unwrap_or_default();
            assert!(
                location.starts_with("/notes/"),
                "{path}: redirected to {location:?}, expected the folder itself"
            );
        }
    }
}

#[test]
fn traversal_and_encoded_dot_segments_are_not_served() {
    let server = Server::start("site", &[]);
    let secret = server.dir.path().join("secret.txt");
    std::fs::write(&secret, "outside the output").expect("write a file outside the site");
    for path in [
        "/..%2f..%2fetc/passwd",
        "/..%2F..%2F..%2Fsecret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/notes/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/notes/..%5c..%5c..%5csecret.txt",
        "/%2e/notes",
        "/notes/%00",
        "/.charter-manifest",
    ] {
        let (status, location) = assert_stays_on_site(&server, path);
        assert_eq!((status, location.as_deref()), (404, None), "{path}: refused as not found");
    }
    let (status, body) = server.get("/notes/first/");
    assert_eq!(status, 200, "an ordinary page is still served");
    assert!(!body.contains("outside the output"));
}

#[test]
fn a_removed_output_folder_is_served_again_within_a_second_without_an_edit() {
    let server = Server::start("site", &[]);
    let (status, first) = server.get("/notes/first/");
    assert_eq!(status, 200);
    std::fs::remove_dir_all(server.output()).expect("rm -rf public");
    let removed = Instant::now();
    wait_for("the home page and a page to be served again", || {
        server.get("/notes/first/").0 == 200 && server.get("/").0 == 200
    });
    // A generous bound that detects "never without an edit", not a speed test: the check runs
    // every 0.2 s and a build of this site takes milliseconds.
    assert!(
        removed.elapsed() < Duration::from_secs(10),
        "came back only after {:?}",
        removed.elapsed()
    );
    let (_, again) = server.get("/notes/first/");
    // The same page, but for the build it was served at (the live-reload tag's `data-build`).
    let page = |html: &str| match html.split_once(" data-build=\"") {
        Some((head, rest)) => format!("{head}{}", rest.split_once('"').map_or("", |(_, r)| r)),
        None => html.to_string(),
    };
    assert_eq!(page(&again), page(&first), "the same page as before the removal");
    assert!(server.output().join("notes/first/index.html").is_file(), "written to disk again");
}

#[test]
fn an_emptied_output_folder_is_written_again() {
    let server = Server::start("site", &[]);
    assert_eq!(server.get("/about/").0, 200);
    for entry in std::fs::read_dir(server.output()).expect("read public/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).expect("remove a folder");
        } else {
            std::fs::remove_file(&path).expect("remove a file");
        }
    }
    wait_for("the about page to be served again", || server.get("/about/").0 == 200);
}

/// A static file saved at a page's path while serving: `serve` refuses it with the error
/// `charter build` gives for the same tree (its status, which the overlay draws, carries the same
/// message and file), keeps serving the page, and takes the fix without a restart.
#[test]
fn a_static_file_over_a_page_is_the_same_error_in_serve_as_in_build() {
    let server = Server::start("site", &[]);
    let (status, page) = server.get("/about/");
    assert_eq!(status, 200);
    server.write("static/about/index.html", "<p>a static file over the page</p>");
    wait_for("serve to report the clash", || {
        server.status()["errors"].as_array().is_some_and(|e| !e.is_empty())
    });
    let errors = server.status()["errors"].as_array().cloned().unwrap_or_default();
    // The same tree, built by `charter build` into another folder.
    let out = tempfile::tempdir().expect("temp dir");
    let build = run({
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_charter"));
        cmd.arg("build")
            .arg("--root")
            .arg(&server.root)
            .arg("--output")
            .arg(out.path().join("public"))
            .env("NO_COLOR", "1");
        cmd
    });
    assert_eq!(build.code, Some(1), "charter build refuses the tree too\n{}", build.stderr);
    let message = errors[0]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("about/index.html"), "serve's error names the path: {errors:?}");
    assert!(
        build.stderr.contains(&message),
        "serve shows build's error\nserve: {message}\nbuild: {}",
        build.stderr
    );
    assert!(
        errors[0]["file"].as_str().is_some_and(|f| f.contains("about")),
        "the error names a file: {errors:?}"
    );
    let (status, still) = server.get("/about/");
    assert_eq!(status, 200);
    assert!(
        !still.contains("a static file over the page"),
        "the page, not the static file, is served: {still}"
    );
    assert_eq!(strip_reload(&still), strip_reload(&page), "the last good page is still served");
    std::fs::remove_file(server.root.join("static/about/index.html"))
        .expect("remove the static file");
    wait_for("the error to clear", || {
        server.status()["errors"].as_array().is_some_and(|e| e.is_empty())
    });
    assert_eq!(server.get("/about/").0, 200);
}

/// A page as served, less anything that changes from one build to the next of the dev server.
fn strip_reload(page: &str) -> String {
    page.lines().filter(|l| !l.contains("__charter")).collect::<Vec<_>>().join("\n")
}
