//! A real nginx (Debian's `nginx`, with `libnginx-mod-http-brotli-static` for `.br` files) serving a
//! `charter build --deploy` output on 127.0.0.1, configured with the server block of
//! docs/deploy.md (`tests/nginx/nginx.conf.template`). Pages and assets are fetched with
//! `Accept-Encoding: br`, `gzip` and none; the bytes must decompress to the built file and the
//! headers must say what they are (Content-Encoding, Content-Type, Vary, Cache-Control: long
//! for fingerprinted assets, revalidate for pages).
//!
//! Without nginx (or its brotli module) the test fails when `CI` is set and is skipped with a
//! note otherwise. CI installs them with
//! `apt-get install -y nginx libnginx-mod-http-brotli-static`.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn find_nginx() -> Option<PathBuf> {
    let candidates = [PathBuf::from("/usr/sbin/nginx"), PathBuf::from("/usr/local/sbin/nginx")];
    if let Some(found) = candidates.into_iter().find(|p| p.is_file()) {
        return Some(found);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("nginx")).find(|p| p.is_file())
}

/// Skips (prints why) or, in CI, fails.
fn missing(what: &str) {
    let message = format!(
        "{what}; install it with: apt-get install -y nginx libnginx-mod-http-brotli-static"
    );
    if in_ci() {
        panic!("{message} (CI is set, so this is a failure)");
    }
    eprintln!("note: skipping the nginx test: {message}");
}

/// nginx in the foreground; killed when dropped.
struct Nginx {
    child: Child,
    prefix: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn error_log(&self) -> String {
        std::fs::read_to_string(self.prefix.join("error.log")).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_nginx(nginx: &Path, prefix: &Path, root: &Path, brotli: bool) -> (Nginx, u16) {
    let template = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/nginx/nginx.conf.template"),
    )
    .expect("read the template");
    for attempt in 0..5 {
        let port = free_port();
        let conf = template
            .replace(
                "@LOAD_MODULES@",
                &if brotli { format!("load_module {BROTLI_MODULE};") } else { String::new() },
            )
            .replace("@BROTLI@", if brotli { "" } else { "# " })
            .replace("@PREFIX@", &prefix.display().to_string())
            .replace("@PORT@", &port.to_string())
            .replace("@ROOT@", &root.display().to_string());
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("write nginx.conf");
        let _ = std::fs::remove_file(prefix.join("error.log"));
        let child = Command::new(nginx)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let mut server = Nginx { child, prefix: prefix.to_path_buf() };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (server, port);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                eprintln!("nginx exited ({status}) on attempt {attempt}: {}", server.error_log());
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        drop(server);
    }
    panic!("nginx did not start; see the messages above");
}

struct Fetched {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Fetched {
    fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }

    /// The body after undoing Content-Encoding.
    fn decoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self.header("content-encoding").as_str() {
            "br" => {
                brotli::Decompressor::new(&self.body[..], 4096)
                    .read_to_end(&mut out)
                    .expect("valid brotli");
            }
            "gzip" => {
                flate2::read::GzDecoder::new(&self.body[..])
                    .read_to_end(&mut out)
                    .expect("valid gzip");
            }
            _ => out = self.body.clone(),
        }
        out
    }
}

fn fetch(
    client: &reqwest::blocking::Client,
    port: u16,
    path: &str,
    encoding: Option<&str>,
) -> Fetched {
    let mut request = client.get(format!("http://127.0.0.1:{port}{path}"));
    if let Some(e) = encoding {
        request = request.header("Accept-Encoding", e);
    }
    let response = request.send().unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().map(|b| b.to_vec()).unwrap_or_default();
    Fetched { status, headers, body }
}

#[test]
fn nginx_serves_precompressed_fingerprinted_output() {
    let Some(nginx) = find_nginx() else {
        missing("nginx is not installed");
        return;
    };
    let brotli = Path::new(BROTLI_MODULE).is_file();
    if !brotli {
        missing("nginx's brotli_static module is not installed");
        if in_ci() {
            return;
        }
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    let init = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("init")
        .arg(&site)
        .output()
        .expect("charter init");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let public = dir.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["build", "--deploy", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&public)
        .env("CHARTER_GIT", "off")
        .output()
        .expect("charter build");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let css = std::fs::read_dir(&public)
        .expect("list public/")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .expect("a fingerprinted style.css");

    let prefix = dir.path().join("nginx");
    std::fs::create_dir_all(&prefix).expect("nginx folder");
    let (server, port) = start_nginx(&nginx, &prefix, &public, brotli);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client");

    let cases: [(&str, &str, &str); 4] = [
        ("/", "index.html", "text/html"),
        ("/notes/first/", "notes/first/index.html", "text/html"),
        ("/atom.xml", "atom.xml", "text/xml"),
        ("/notes/bundle/square.svg", "notes/bundle/square.svg", "image/svg+xml"),
    ];
    let mut encodings = vec![("gzip", Some("gzip")), ("", None)];
    if brotli {
        encodings.insert(0, ("br", Some("br, gzip")));
    }
    for (url, file, content_type) in cases {
        let expected = std::fs::read(public.join(file)).expect("read the built file");
        for (encoding, accept) in &encodings {
            let got = fetch(&client, port, url, *accept);
            let log = server.error_log();
            assert_eq!(got.status, 200, "GET {url} ({accept:?}); nginx log: {log}");
            assert_eq!(got.header("content-encoding"), *encoding, "GET {url} with {accept:?}");
            assert!(
                got.header("content-type").starts_with(content_type),
                "GET {url}: {}",
                got.header("content-type")
            );
            assert_eq!(got.decoded(), expected, "GET {url} with {accept:?}: the bytes of {file}");
            assert!(
                got.header("vary").contains("Accept-Encoding"),
                "GET {url}: Vary {:?}",
                got.header("vary")
            );
            assert_eq!(got.header("cache-control"), "no-cache", "pages revalidate");
            if !encoding.is_empty() {
                let sibling = std::fs::read(
                    public.join(format!("{file}.{}", if *encoding == "br" { "br" } else { "gz" })),
                )
                .expect("sibling");
                assert_eq!(got.body, sibling, "nginx sends the precompressed file as it is");
            }
        }
    }

    // The fingerprinted stylesheet: cached for a year, compressed like the pages.
    let expected = std::fs::read(public.join(&css)).expect("read css");
    for (encoding, accept) in &encodings {
        let got = fetch(&client, port, &format!("/{css}"), *accept);
        assert_eq!(got.status, 200);
        assert_eq!(got.header("content-encoding"), *encoding);
        assert!(
            got.header("content-type").starts_with("text/css"),
            "{}",
            got.header("content-type")
        );
        assert_eq!(got.header("cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(got.decoded(), expected);
    }
    // The plain name is not served: a stale reference would show as a 404, not stale CSS.
    let gone = fetch(&client, port, "/style.css", None);
    assert_eq!(gone.status, 404);
    assert_eq!(
        gone.decoded(),
        std::fs::read(public.join("404.html")).expect("404 page"),
        "the site's own 404 page"
    );
    drop(server);
}
