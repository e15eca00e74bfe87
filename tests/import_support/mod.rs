//! Helpers shared by the importer's tests: the import fixtures, the real `charter` binary, a
//! fixture imported once per test file, and the front matter of what it wrote.

#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;
#[allow(unused_imports)] // not every importer test copies a tree
pub use common::copy_tree;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_charter");

/// `tests/fixtures/import/<name>` (a Hugo or Jekyll source site; never written to).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

/// Runs `charter` with `args`.
pub fn charter(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run charter")
}

/// What a run printed, stdout then stderr.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// `charter import <kind>` of the fixture of that name into a temporary folder (kept with the
/// returned guard); panics with what it printed on failure.
pub fn import_fixture(kind: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dest = tmp.path().join("site");
    let out = Command::new(BIN)
        .args(["import", kind])
        .arg(fixture(kind))
        .arg(&dest)
        .output()
        .expect("run charter");
    assert!(out.status.success(), "{}", text(&out));
    (tmp, dest)
}

/// The YAML front matter of a Markdown file's text, as JSON.
pub fn front_matter(text: &str) -> serde_json::Value {
    let rest = text.strip_prefix("---\n").expect("front matter opens the file");
    let end = rest.find("\n---\n").expect("front matter is closed");
    charter::yaml::from_str(&rest[..end + 1]).expect("valid YAML")
}
