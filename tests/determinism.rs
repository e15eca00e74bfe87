//! The output does not depend on the thread count: the same site built by the real binary with
//! `RAYON_NUM_THREADS=1` and with several threads gives the same files, byte for byte. Covers
//! the repository's microsite, the `basic` fixture and a generated 300-page corpus (sections,
//! tags, feeds, highlighted code; `tests/corpus/`).

mod corpus;

mod common;

use common::copy_tree;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix(&format!("charter-determinism-{name}-"))
        .tempdir()
        .expect("temp dir");
    dir.keep()
}

/// Builds `site` into `out` with `threads` rayon threads; panics with stderr on failure.
fn build(site: &Path, out: &Path, threads: &str) {
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("--root")
        .arg(site)
        .arg("--quiet")
        .arg("build")
        .arg("--output")
        .arg(out)
        .env("RAYON_NUM_THREADS", threads)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs");
    assert!(
        output.status.success(),
        "build of {} with {threads} threads failed:\n{}",
        site.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir` by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk the output");
        // The skip record names the output folder: a record of the build, not part of the site.
        if entry.file_type().is_file() && entry.file_name() != charter::freshness::RECORD {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("under the output")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).expect("read an output file"));
        }
    }
    out
}

/// Builds `site` with 1 and with 4 threads and asserts the two outputs are identical.
fn assert_same_output(site: &Path, name: &str) {
    let dir = temp_dir(name);
    let one = dir.join("one-thread");
    let many = dir.join("many-threads");
    build(site, &one, "1");
    build(site, &many, "4");
    let a = tree(&one);
    let b = tree(&many);
    assert!(a.len() > 1, "{name}: the build wrote nothing");
    let only_one: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_many: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_one.is_empty() && only_many.is_empty(),
        "{name}: files only with 1 thread {only_one:?}, only with 4 {only_many:?}"
    );
    let differing: Vec<&String> =
        a.iter().filter(|(k, v)| b.get(*k) != Some(*v)).map(|(k, _)| k).collect();
    assert!(
        differing.is_empty(),
        "{name}: these files differ between 1 and 4 threads: {differing:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn microsite_output_is_the_same_with_one_thread_and_many() {
    assert_same_output(&repo_root(), "microsite");
}

#[test]
fn basic_fixture_output_is_the_same_with_one_thread_and_many() {
    let dir = temp_dir("basic-src");
    let site = dir.join("basic");
    copy_tree(&repo_root().join("tests/fixtures/basic"), &site);
    assert_same_output(&site, "basic");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn multilingual_fixture_output_is_the_same_with_one_thread_and_many() {
    let dir = temp_dir("languages-src");
    let site = dir.join("languages");
    copy_tree(&repo_root().join("tests/fixtures/languages"), &site);
    assert_same_output(&site, "languages");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn generated_corpus_output_is_the_same_with_one_thread_and_many() {
    let dir = temp_dir("corpus-src");
    let site = dir.join("corpus");
    corpus::generate(&site, 300, corpus::Flavor::Charter, 7).expect("write the corpus");
    assert_same_output(&site, "corpus");
    let _ = std::fs::remove_dir_all(&dir);
}
