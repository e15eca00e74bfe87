//! Helpers shared by the integration tests: copy a fixture site to a temporary folder, run the
//! real `charter` binary on it, read what it wrote, snapshot output trees.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary copy of a fixture site, removed when the value is dropped. It derefs to the
/// site's root folder, so it is passed wherever a `&Path` is expected.
pub struct FixtureSite {
    root: PathBuf,
    _folder: tempfile::TempDir,
}

impl std::ops::Deref for FixtureSite {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.root
    }
}

impl AsRef<Path> for FixtureSite {
    fn as_ref(&self) -> &Path {
        &self.root
    }
}

/// So that `&FixtureSite` converts into a `PathBuf` (as `BuildOptions::new` takes).
impl AsRef<std::ffi::OsStr> for FixtureSite {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.root.as_os_str()
    }
}

/// A temporary copy of `tests/fixtures/<name>`, removed when the returned value is dropped.
pub fn fixture(name: &str) -> FixtureSite {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let folder = tempfile::Builder::new().prefix("charter-test-").tempdir().expect("temp dir");
    let root = folder.path().join(name);
    copy_tree(&src, &root);
    FixtureSite { root, _folder: folder }
}

/// Copies the folder tree `src` to `dest` (created): the one fixture copier of the tests
/// (`serve_support` and `import_support` include this file with `#[path]`).
pub fn copy_tree(src: &Path, dest: &Path) {
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.expect("walk the fixture");
        let target = dest.join(entry.path().strip_prefix(src).expect("under the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture file");
        }
    }
}

pub fn charter(site: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .arg("--root")
        .arg(site)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs")
}

/// Builds into `<site>/public`; panics with stderr on failure. Returns the output folder.
pub fn build_ok(site: &Path, extra: &[&str]) -> PathBuf {
    build_with_stderr(site, extra).0
}

pub fn build_with_stderr(site: &Path, extra: &[&str]) -> (PathBuf, String) {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = charter(site, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "build failed:\n{stderr}");
    (site.join("public"), stderr)
}

/// Runs a build that must fail; returns its exit code and stderr.
pub fn build_err(site: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = charter(site, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "build should have failed");
    (out.status.code().unwrap_or(-1), stderr)
}

pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

pub fn append(site: &Path, rel: &str, text: &str) {
    let path = site.join(rel);
    let mut current = std::fs::read_to_string(&path).expect("read");
    current.push_str(text);
    std::fs::write(&path, current).expect("write");
}

/// An output tree as path -> bytes, without Charter's own records (the manifest, the skip
/// record): what a reader is served.
pub fn output_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| {
            !p.to_string_lossy().contains(".charter-manifest")
                && !p.to_string_lossy().contains(charter::freshness::RECORD)
        })
        .map(|(p, (bytes, _))| (p, bytes))
        .collect()
}

/// Every file under `dir` with its bytes and modification time.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut map = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let meta = entry.metadata().expect("meta");
            let bytes = std::fs::read(entry.path()).expect("read");
            map.insert(
                entry.path().strip_prefix(dir).expect("prefix").to_path_buf(),
                (bytes, meta.modified().expect("mtime")),
            );
        }
    }
    map
}

pub fn assert_well_formed_xml(text: &str, name: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
    assert_eq!(depth, 0, "{name}: unbalanced elements");
}
