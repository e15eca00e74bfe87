//! `charter serve`, run as the real binary on a free port against a temporary copy of
//! `tests/fixtures/serve/site`: every kind of edit shows up in the served HTML and sends a reload
//! event; a broken save keeps the last good site served and shows the error; the server never
//! serves a file outside the output folder and answers with the right types and validators; and
//! after a sequence of edits the output equals a fresh `charter build` byte for byte.

mod serve_support;

use std::time::{Duration, Instant};

use serve_support::{assert_same_as_fresh_build, raw_request, wait_for, Server, PATIENCE};

const SITE: &str = "site";
/// The start of the live-reload tag (it ends with the build number the page was served at).
const TAG: &str = "<script src=\"/__charter/livereload.js\" data-build=\"";

/// One edit: run `change`, then wait for the page to show it and for a reload event.
fn after(server: &Server, change: impl FnOnce(), check: impl FnOnce()) {
    let since = server.events().len();
    change();
    check();
    server.wait_event(since, &["reload", "css"]);
}

#[test]
fn a_sequence_of_edits_shows_up_live_and_ends_equal_to_a_fresh_build() {
    let server = Server::start(SITE, &[]);
    let first = server.wait_page("/notes/first/", 200, "the first note", |b| {
        b.contains("The first note says hello.")
    });
    assert!(first.contains(TAG), "served HTML gets the live-reload script");
    let on_disk = std::fs::read_to_string(server.output().join("notes/first/index.html"))
        .expect("read the output");
    assert!(!on_disk.contains("__charter"), "the file on disk is what `charter build` writes");

    // A page's body.
    after(
        &server,
        || server.edit("content/notes/first.md", "says hello.", "says hello, edited."),
        || {
            server.wait_page("/notes/first/", 200, "the edited body", |b| {
                b.contains("says hello, edited.")
            });
        },
    );

    // A page's front matter: the page and the section listing it.
    after(
        &server,
        || {
            server.edit(
                "content/notes/second.md",
                "title: Second note",
                "title: Second note, retitled",
            )
        },
        || {
            server.wait_page("/notes/second/", 200, "the new title", |b| {
                b.contains("<h1>Second note, retitled</h1>")
            });
            server.wait_page("/notes/", 200, "the section listing the new title", |b| {
                b.contains("Second note, retitled")
            });
        },
    );

    // A new page.
    after(
        &server,
        || {
            server.write("content/notes/third.md", "---\ntitle: Third note\ndescription: New.\ndate: 2026-01-04\n---\n\nA third note appears.\n")
        },
        || {
            server.wait_page("/notes/third/", 200, "the new page", |b| {
                b.contains("A third note appears.")
            });
            server
                .wait_page("/notes/", 200, "the section listing it", |b| b.contains("Third note"));
        },
    );

    // A deleted page.
    after(
        &server,
        || std::fs::remove_file(server.file("content/notes/second.md")).expect("delete"),
        || {
            server.wait_page("/notes/second/", 404, "the deleted page gone", |b| {
                b.contains("Page not found")
            });
            server.wait_page("/notes/", 200, "the section without it", |b| {
                !b.contains("Second note")
            });
        },
    );

    // A renamed section folder.
    after(
        &server,
        || {
            std::fs::rename(server.file("content/notes"), server.file("content/essays"))
                .expect("rename")
        },
        || {
            server.wait_page("/essays/first/", 200, "the page under its new section", |b| {
                b.contains("says hello, edited.")
            });
            server.wait_page("/notes/first/", 404, "the old address gone", |_| true);
            server.wait_page(
                "/essays/bundle/square.svg",
                200,
                "the bundle's file moved too",
                |_| true,
            );
        },
    );

    // An editor's atomic save: write a temporary file, rename it over the page.
    after(
        &server,
        || {
            let tmp = server.file("content/.about.md.tmp");
            std::fs::write(
                &tmp,
                "---\ntitle: About\ndescription: About this fixture.\n---\n\nSaved atomically.\n",
            )
            .expect("write");
            std::fs::rename(&tmp, server.file("content/about.md")).expect("rename over");
        },
        || {
            server.wait_page("/about/", 200, "the atomically saved text", |b| {
                b.contains("Saved atomically.")
            });
        },
    );

    // A broken front matter: the last good page stays, the error is shown, then fixed.
    let since = server.events().len();
    server.write(
        "content/about.md",
        "---\ntitle: About\ndescription: [unclosed\n---\n\nBroken save.\n",
    );
    let failed = server.wait_event(since, &["build-error"]);
    let errors = failed.data["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.iter().any(|e| e["file"].as_str().is_some_and(|f| f.contains("about.md"))),
        "the error names the file: {failed:?}"
    );
    wait_for("the status to report the error", || {
        server.status()["errors"].as_array().is_some_and(|e| !e.is_empty())
    });
    let (status, body) = server.get("/about/");
    assert_eq!(status, 200, "the last good site is still served");
    assert!(
        body.contains("Saved atomically.") && !body.contains("Broken save."),
        "the last good page: {body}"
    );
    // The same broken save again: the error is not printed a second time.
    server.write(
        "content/about.md",
        "---\ntitle: About\ndescription: [unclosed\n---\n\nBroken save.\n",
    );
    std::thread::sleep(Duration::from_millis(500));
    server.settle();
    after(
        &server,
        || {
            server.write(
                "content/about.md",
                "---\ntitle: About\ndescription: Fixed.\n---\n\nFixed again.\n",
            )
        },
        || {
            server.wait_page("/about/", 200, "the fixed page", |b| b.contains("Fixed again."));
            wait_for("the status to clear", || {
                server.status()["errors"].as_array().is_some_and(|e| e.is_empty())
            });
        },
    );
    let printed = server
        .stderr()
        .iter()
        .filter(|l| l.contains("the last good build is still served"))
        .count();
    assert_eq!(printed, 1, "the error is printed once, not a stream: {:#?}", server.stderr());

    // A template.
    after(
        &server,
        || {
            server.edit(
                "templates/page.html",
                "<h1>{{ page.title }}</h1>",
                "<h1>{{ page.title }}</h1>\n<p class=\"tpl\">template two</p>",
            )
        },
        || {
            server.wait_page("/essays/first/", 200, "the new template", |b| {
                b.contains("template two")
            });
            server.wait_page("/about/", 200, "every page using it", |b| b.contains("template two"));
        },
    );

    // The stylesheet.
    after(
        &server,
        || server.write("static/css/site.css", "body { font-family: serif; }\n"),
        || {
            server.wait_page("/css/site.css", 200, "the new stylesheet", |b| {
                b.contains("serif") && !b.contains("sans-serif")
            });
        },
    );

    server.settle();
    assert_same_as_fresh_build(&server);
    let rebuild_lines = server.stdout().iter().filter(|l| l.contains(" ms")).count();
    assert!(rebuild_lines >= 9, "each rebuild prints one line: {:#?}", server.stdout());
}

#[test]
fn paths_outside_the_output_are_never_served() {
    let server = Server::start(SITE, &[]);
    std::fs::write(server.root.join("secret.txt"), "TOP-SECRET-IN-SITE").expect("write");
    std::fs::write(server.dir.path().join("secret.txt"), "TOP-SECRET-OUTSIDE").expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            server.root.join("secret.txt"),
            server.output().join("leak.txt"),
        )
        .expect("symlink");
        std::os::unix::fs::symlink(server.dir.path(), server.output().join("up")).expect("symlink");
    }
    let attempts = [
        "GET /../secret.txt HTTP/1.1",
        "GET /../../secret.txt HTTP/1.1",
        "GET /notes/../../secret.txt HTTP/1.1",
        "GET /%2e%2e/secret.txt HTTP/1.1",
        "GET /%2E%2E/%2e%2e/secret.txt HTTP/1.1",
        "GET /..%2fsecret.txt HTTP/1.1",
        "GET /..%2f..%2fsecret.txt HTTP/1.1",
        "GET /..\\secret.txt HTTP/1.1",
        "GET /%5c..%5csecret.txt HTTP/1.1",
        "GET /..%5csecret.txt HTTP/1.1",
        "GET //etc/passwd HTTP/1.1",
        "GET /%2fetc%2fpasswd HTTP/1.1",
        "GET http://localhost/../secret.txt HTTP/1.1",
        "GET /.charter-manifest HTTP/1.1",
        "GET /leak.txt HTTP/1.1",
        "GET /up/secret.txt HTTP/1.1",
        "GET /up/site/secret.txt HTTP/1.1",
    ];
    for line in attempts {
        let (status, text) = raw_request(&server.base, line);
        assert!(status == 404 || status == 400, "{line}: status {status}");
        assert!(
            !text.contains("TOP-SECRET") && !text.contains("root:x:0"),
            "{line} leaked: {text}"
        );
    }
    // The server still answers normally.
    let (status, _) = raw_request(&server.base, "GET / HTTP/1.1");
    assert_eq!(status, 200);
}

#[test]
fn requests_for_other_host_names_are_refused_on_loopback() {
    // A page on another site that rebinds its name to 127.0.0.1 must not read the preview.
    let server = Server::start(SITE, &[]);
    let (status, text) =
        serve_support::raw_request_for_host(&server.base, "GET / HTTP/1.1", "evil.example:80");
    assert_eq!(status, 403, "{text}");
    let (status, _) = serve_support::raw_request_for_host(
        &server.base,
        "GET /__charter/status HTTP/1.1",
        "evil.example",
    );
    assert_eq!(status, 403);
    let port = server.base.rsplit(':').next().unwrap_or("");
    let (status, _) = serve_support::raw_request_for_host(
        &server.base,
        "GET / HTTP/1.1",
        &format!("localhost:{port}"),
    );
    assert_eq!(status, 200);
}

#[test]
fn content_types_are_right() {
    let server = Server::start(SITE, &[]);
    let cases = [
        ("/", "text/html"),
        ("/notes/first/", "text/html"),
        ("/404.html", "text/html"),
        ("/css/site.css", "text/css"),
        ("/app.js", "javascript"),
        ("/notes/bundle/square.svg", "image/svg+xml"),
        ("/data/note.xml", "xml"),
        ("/atom.xml", "xml"),
        ("/sitemap.xml", "xml"),
        ("/data/info.json", "application/json"),
        ("/img/dot.png", "image/png"),
        ("/img/dot.gif", "image/gif"),
        ("/fonts/fixture.woff2", "font/woff2"),
        ("/fonts/fixture.woff", "font/woff"),
        ("/robots.txt", "text/plain"),
        ("/__charter/livereload.js", "text/javascript"),
        ("/__charter/overlay.css", "text/css"),
        ("/__charter/status", "application/json"),
    ];
    for (path, want) in cases {
        let response = server.client.get(server.url(path)).send().expect("request");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let got = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(
            got.starts_with(want) || got.contains(want),
            "{path}: content-type {got}, want {want}"
        );
    }
}

#[test]
fn not_found_head_and_conditional_requests() {
    let server = Server::start(SITE, &[]);
    // 404.html with status 404, script injected like any page.
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found") && body.contains(TAG), "{body}");
    // A folder without its slash is redirected.
    let response = server.client.get(server.url("/notes")).send().expect("request");
    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(response.headers().get("location").and_then(|v| v.to_str().ok()), Some("/notes/"));

    // HEAD: the same headers as GET, no body.
    let get = server.client.get(server.url("/notes/first/")).send().expect("get");
    let get_length =
        get.headers().get("content-length").and_then(|v| v.to_str().ok()).map(str::to_string);
    let etag = get
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .expect("an ETag");
    let body = get.text().expect("body");
    let head = server.client.head(server.url("/notes/first/")).send().expect("head");
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(
        head.headers().get("content-length").and_then(|v| v.to_str().ok()).map(str::to_string),
        get_length
    );
    assert_eq!(get_length, Some(body.len().to_string()));
    assert!(head.text().expect("head body").is_empty());

    // If-None-Match answers 304 while the file is unchanged, 200 once it changed.
    let again = server
        .client
        .get(server.url("/notes/first/"))
        .header("if-none-match", &etag)
        .send()
        .expect("conditional");
    assert_eq!(again.status().as_u16(), 304);
    server.edit("content/notes/first.md", "says hello.", "says hello again.");
    server.wait_page("/notes/first/", 200, "the edit", |b| b.contains("hello again"));
    let changed = server
        .client
        .get(server.url("/notes/first/"))
        .header("if-none-match", &etag)
        .send()
        .expect("conditional");
    assert_eq!(changed.status().as_u16(), 200, "a changed page is never a 304");

    // If-Modified-Since on a static file.
    let css = server.client.get(server.url("/css/site.css")).send().expect("css");
    let modified = css
        .headers()
        .get("last-modified")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .expect("Last-Modified");
    let css_again = server
        .client
        .get(server.url("/css/site.css"))
        .header("if-modified-since", &modified)
        .send()
        .expect("conditional");
    assert_eq!(css_again.status().as_u16(), 304);

    // Only GET and HEAD.
    let post = server.client.post(server.url("/")).send().expect("post");
    assert_eq!(post.status().as_u16(), 405);
}

#[test]
fn a_new_page_load_sees_the_current_error() {
    let server = Server::start(SITE, &[]);
    assert_eq!(server.status()["errors"].as_array().map(Vec::len), Some(0));
    let since = server.events().len();
    server.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title {% endblock %}\n",
    );
    server.wait_event(since, &["build-error"]);
    let status = server.status();
    let errors = status["errors"].as_array().cloned().unwrap_or_default();
    assert!(!errors.is_empty(), "{status}");
    assert!(
        errors.iter().any(|e| e["file"].as_str().is_some_and(|f| f.contains("page.html"))),
        "{status}"
    );
    assert!(
        errors.iter().all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())),
        "{status}"
    );
    // The page is served (the last good build) with the script that fetches the status.
    let (code, body) = server.get("/notes/first/");
    assert_eq!(code, 200);
    assert!(body.contains(TAG) && body.contains("The first note says hello."));
    let (_, script) = server.get("/__charter/livereload.js");
    assert!(
        script.contains("/__charter/status")
            && script.contains("/__charter/events")
            && script.contains("/__charter/overlay.css")
    );
}

/// Issue 6: a broken save never stops the server; it keeps answering while the error stands.
#[test]
fn a_broken_save_keeps_the_server_answering() {
    let server = Server::start(SITE, &[]);
    let since = server.events().len();
    server.write("content/notes/first.md", "---\ntitle: First note\ndate: 2023-13-45\n");
    server.wait_event(since, &["build-error"]);
    for _ in 0..20 {
        assert_eq!(server.get("/notes/first/").0, 200);
        assert_eq!(server.get("/").0, 200);
    }
    let since = server.events().len();
    server.write(
        "content/notes/first.md",
        "---\ntitle: First note\ndate: 2023-12-05\n---\n\nRepaired.\n",
    );
    server.wait_event(since, &["reload"]);
    server.wait_page("/notes/first/", 200, "the repaired page", |b| b.contains("Repaired."));
    assert!(server.events().iter().skip(since).any(|e| e.name == "build-ok"));
}

/// An error stands until its own file is fixed: a save of another file is built together with
/// the broken one (it was built alone, and the error called fixed while `charter check` still
/// failed). The output folder emptied meanwhile comes back with the last good site.
#[test]
fn an_error_stands_until_its_own_file_is_fixed() {
    let server = Server::start(SITE, &[]);
    let broken = |status: &serde_json::Value| {
        status["errors"].as_array().is_some_and(|e| {
            e.iter().any(|e| e["file"].as_str().is_some_and(|f| f.contains("first.md")))
        })
    };
    let since = server.events().len();
    server.write("content/notes/first.md", "---\ntitle: [broken\n---\n\nBroken.\n");
    server.wait_event(since, &["build-error"]);
    assert!(broken(&server.status()), "{}", server.status());
    let since = server.events().len();
    server.write("content/about.md", "---\ntitle: About\n---\n\nAbout, edited.\n");
    let event = server.wait_event(since, &["build-error", "build-ok"]);
    assert_eq!(event.name, "build-error", "another file's save does not fix first.md");
    assert!(broken(&server.status()), "{}", server.status());
    assert!(!server.stdout().iter().any(|l| l.contains("fixed")), "{:?}", server.stdout());
    // `rm -rf public/*` (Charter's hidden files stay): the last good site is written again.
    for entry in std::fs::read_dir(server.output()).expect("read the output") {
        let path = entry.expect("entry").path();
        if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            if path.is_dir() {
                std::fs::remove_dir_all(&path).expect("remove");
            } else {
                std::fs::remove_file(&path).expect("remove");
            }
        }
    }
    server.wait_page("/notes/first/", 200, "the last good page", |b| {
        b.contains("The first note says hello.")
    });
    assert!(broken(&server.status()), "{}", server.status());
    let since = server.events().len();
    server.write("content/notes/first.md", "---\ntitle: First note\n---\n\nRepaired.\n");
    server.wait_event(since, &["build-ok"]);
    server.wait_page("/notes/first/", 200, "the repaired page", |b| b.contains("Repaired."));
    server.wait_page("/about/", 200, "the edited page", |b| b.contains("About, edited."));
    assert_eq!(server.status()["errors"].as_array().map(Vec::len), Some(0));
}

/// A folder of static files removed takes its files out of what is served, and a `static/`
/// folder made with files already in it (`cp -r assets static`) serves them: both were left as
/// they were ("static (nothing)").
#[test]
fn static_folders_made_and_removed_come_and_go() {
    let server = Server::start(SITE, &[]);
    server.write("static/img/a.txt", "picture");
    server.wait_page("/img/a.txt", 200, "the new static file", |b| b == "picture");
    std::fs::remove_dir_all(server.root.join("static/img")).expect("remove static/img");
    server.wait_page("/img/a.txt", 404, "the removed folder's file gone", |_| true);
    std::fs::remove_dir_all(server.root.join("static")).expect("remove static");
    server.wait_page("/css/site.css", 404, "no static file left", |_| true);
    let made = server.dir.path().join("made-static");
    std::fs::create_dir_all(made.join("icons")).expect("make a folder");
    std::fs::write(made.join("icons/favicon.txt"), "icon").expect("write");
    std::fs::rename(&made, server.root.join("static")).expect("move it into the site");
    server.wait_page("/icons/favicon.txt", 200, "the moved-in folder's file", |b| b == "icon");
}

/// A served page names the build it was read at, so that a page still loading when a save lands
/// is reloaded once its script runs (it compared two numbers both read after the rebuild, and
/// stayed stale). Its ETag changes with the build, so a cached copy never carries an old number.
#[test]
fn a_served_page_carries_the_build_it_was_read_at() {
    let server = Server::start(SITE, &[]);
    let served_at = |body: &str| -> Option<u64> {
        let at = body.find(TAG)? + TAG.len();
        body[at..].split('"').next()?.parse().ok()
    };
    let (_, body) = server.get("/notes/first/");
    let before = served_at(&body).expect("the tag carries a build number");
    assert_eq!(Some(before), server.status()["build"].as_u64());
    let since = server.events().len();
    server.edit("content/about.md", "edited by tests", "edited by tests, once more");
    server.wait_event(since, &["reload", "build-ok"]);
    let (_, body) = server.get("/notes/first/");
    let after = served_at(&body).expect("the tag carries a build number");
    assert!(after > before, "{before} -> {after}");
    assert_eq!(Some(after), server.status()["build"].as_u64());
}

/// A burst of changes (a `git checkout` of 200 files) gives one rebuild. A save is handed over at
/// once and waits 3 ms for a second file (for the latency of a single save): on a loaded machine
/// the burst's first file may go alone, and then the other 199 come as one rebuild, never more.
#[test]
fn a_burst_of_200_files_is_one_rebuild() {
    let server = Server::start(SITE, &[]);
    let before = server.settle();
    let lines_before = server.stdout().len();
    for i in 0..200 {
        server.write(
            &format!("content/notes/burst-{i:03}.md"),
            &format!("---\ntitle: Burst {i}\ndate: 2026-02-01\n---\n\nBurst page {i}.\n"),
        );
    }
    server.wait_page("/notes/burst-199/", 200, "the last page of the burst", |b| {
        b.contains("Burst page 199.")
    });
    let after = server.settle();
    let stdout = server.stdout();
    let rebuilds: Vec<&String> =
        stdout[lines_before..].iter().filter(|l| l.contains("(content): rendered")).collect();
    assert_eq!(rebuilds.len() as u64, after - before, "each rebuild is reported: {stdout:#?}");
    match rebuilds.as_slice() {
        [all] => assert!(all.contains("and 199 more"), "one rebuild for the burst: {stdout:#?}"),
        [first, rest] => {
            assert!(!first.contains(" more "), "the first alone: {stdout:#?}");
            assert!(rest.contains("and 198 more"), "then the rest at once: {stdout:#?}");
        }
        _ => panic!("one rebuild for the burst (two when its first file went alone): {stdout:#?}"),
    }
    assert_same_as_fresh_build(&server);
}

/// Issue 6: 1,000 files touched at once; the server keeps answering throughout.
#[test]
fn a_thousand_files_touched_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    serve_support::copy_tree(&serve_support::fixture(SITE), &root);
    for i in 0..1000 {
        let path = root.join(format!("content/notes/many-{i:04}.md"));
        std::fs::write(
            path,
            format!("---\ntitle: Many {i}\ndate: 2026-03-01\n---\n\nVersion one of {i}.\n"),
        )
        .expect("write");
    }
    let server = Server::start_at(dir, root, &[]);
    server.settle();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let stop = stop.clone();
        let url = server.url("/notes/first/");
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("client");
            let mut answers = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let status = client.get(&url).send().map(|r| r.status().as_u16()).unwrap_or(0);
                assert_eq!(status, 200, "the server stopped answering");
                answers += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            answers
        })
    };
    for i in 0..1000 {
        let path = server.file(&format!("content/notes/many-{i:04}.md"));
        std::fs::write(
            path,
            format!("---\ntitle: Many {i}\ndate: 2026-03-01\n---\n\nVersion two of {i}.\n"),
        )
        .expect("write");
    }
    server.wait_page("/notes/many-0999/", 200, "the last file's new version", |b| {
        b.contains("Version two of 999.")
    });
    server.wait_page("/notes/many-0000/", 200, "the first file's new version", |b| {
        b.contains("Version two of 0.")
    });
    server.settle();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let answers = poller.join().expect("the poller");
    assert!(answers > 0);
    assert_same_as_fresh_build(&server);
}

/// Issue 6: files deleted while a rebuild runs; the server ends consistent and without error.
#[test]
fn files_deleted_mid_rebuild() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    serve_support::copy_tree(&serve_support::fixture(SITE), &root);
    for i in 0..300 {
        std::fs::write(
            root.join(format!("content/notes/gone-{i:03}.md")),
            format!("---\ntitle: Gone {i}\n---\n\nSoon deleted {i}.\n"),
        )
        .expect("write");
    }
    let mut server = Server::start_at(dir, root, &[]);
    server.settle();
    // Start a rebuild, then delete files while it runs.
    server.edit("content/notes/first.md", "says hello.", "says hello mid-rebuild.");
    std::thread::sleep(Duration::from_millis(30));
    for i in 0..300 {
        std::fs::remove_file(server.file(&format!("content/notes/gone-{i:03}.md")))
            .expect("delete");
        if i % 50 == 0 {
            assert_eq!(server.get("/").0, 200, "answering while files vanish");
        }
    }
    server.wait_page("/notes/gone-299/", 404, "the deleted pages gone", |_| true);
    server.wait_page("/notes/first/", 200, "the edit", |b| b.contains("hello mid-rebuild"));
    server.settle();
    assert!(server.alive());
    assert_eq!(
        server.status()["errors"].as_array().map(Vec::len),
        Some(0),
        "no error left: {}",
        server.status()
    );
    assert_same_as_fresh_build(&server);
}

/// Issue 6: an editor that writes a file in two steps (truncate and write part, then the rest).
#[test]
fn a_file_written_in_two_steps() {
    use std::io::Write;
    let server = Server::start(SITE, &[]);
    let full =
        "---\ntitle: About\ndescription: Written in two steps.\n---\n\nThe second half arrived.\n";
    let (head, tail) = full.split_at(20);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(server.file("content/about.md"))
        .expect("open");
    file.write_all(head.as_bytes()).expect("first half");
    file.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(server.get("/").0, 200, "answering between the two writes");
    file.write_all(tail.as_bytes()).expect("second half");
    drop(file);
    server
        .wait_page("/about/", 200, "the complete file", |b| b.contains("The second half arrived."));
    let started = Instant::now();
    while server.status()["errors"].as_array().is_some_and(|e| !e.is_empty()) {
        assert!(started.elapsed() < PATIENCE, "the error of the half-written file stayed");
        std::thread::sleep(Duration::from_millis(50));
    }
    server.settle();
    assert_same_as_fresh_build(&server);
}

#[test]
fn binds_only_to_loopback_by_default_and_warns_otherwise() {
    let server = Server::start(SITE, &[]);
    assert!(server.base.starts_with("http://127.0.0.1:"), "{}", server.base);
    drop(server);
    let exposed = Server::start(SITE, &["--bind", "0.0.0.0"]);
    wait_for("the warning", || {
        exposed.stderr().iter().any(|l| l.contains("warning") && l.contains("beyond this machine"))
    });
}

#[test]
fn open_never_fails_the_server() {
    // Whether or not a browser can be opened here, the server starts and answers.
    let mut server = Server::start(SITE, &["--open"]);
    assert_eq!(server.get("/").0, 200);
    assert!(server.alive());
}
