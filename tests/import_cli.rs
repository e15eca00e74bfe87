//! `charter import` as a command: where it may write, what it refuses, what it prints.

mod import_support;

use import_support::{charter, copy_tree, fixture, text};
use std::path::{Path, PathBuf};

/// Every file under `root` with its bytes, to prove a tree unchanged.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_source_is_never_modified_and_the_report_is_written_and_printed() {
    for kind in ["hugo", "jekyll"] {
        let before = snapshot(&fixture(kind));
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        let out =
            charter(&["import", kind, fixture(kind).to_str().unwrap(), dest.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(snapshot(&fixture(kind)), before, "the {kind} source changed");
        let report = std::fs::read_to_string(dest.join("import-report.md")).unwrap();
        assert!(report.starts_with("# Import report"), "{report}");
        assert!(text(&out).contains("Imported "), "{}", text(&out));
        for f in [
            "site.yaml",
            "content/_index.md",
            "templates/page.html",
            "templates/section.html",
            "templates/index.html",
        ] {
            assert!(dest.join(f).is_file(), "{kind}: {f} missing");
        }
    }
}

#[test]
fn a_non_empty_dest_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("out");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("keep.txt"), "mine").unwrap();
    let out =
        charter(&["import", "hugo", fixture("hugo").to_str().unwrap(), dest.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("DEST is not empty"), "{}", text(&out));
    assert!(text(&out).contains("--force"), "{}", text(&out));
    assert!(!dest.join("site.yaml").exists(), "nothing may be written when refused");

    let out = charter(&[
        "import",
        "hugo",
        fixture("hugo").to_str().unwrap(),
        dest.to_str().unwrap(),
        "--force",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(dest.join("site.yaml").is_file());
    assert_eq!(std::fs::read_to_string(dest.join("keep.txt")).unwrap(), "mine");

    // Forced again over an earlier import: its content is replaced, not mixed with the new one.
    std::fs::write(dest.join("content/stale.md"), "---\ntitle: Stale\n---\n").unwrap();
    let out = charter(&[
        "import",
        "hugo",
        fixture("hugo").to_str().unwrap(),
        dest.to_str().unwrap(),
        "--force",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!dest.join("content/stale.md").exists());
}

#[test]
fn dest_inside_source_and_source_inside_dest_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("site");
    copy_tree(&fixture("jekyll"), &src);
    let before = snapshot(&src);
    let out = charter(&[
        "import",
        "jekyll",
        src.to_str().unwrap(),
        src.join("charter").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("DEST lies inside SOURCE"), "{}", text(&out));
    assert_eq!(snapshot(&src), before);

    let out = charter(&[
        "import",
        "jekyll",
        src.to_str().unwrap(),
        tmp.path().to_str().unwrap(),
        "--force",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("SOURCE lies inside DEST"), "{}", text(&out));
    assert_eq!(snapshot(&src), before);
}

#[test]
fn a_missing_source_is_an_error_that_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let out = charter(&[
        "import",
        "hugo",
        tmp.path().join("nope").to_str().unwrap(),
        tmp.path().join("out").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("cannot read the source site"), "{}", text(&out));
}

#[test]
fn json_format_is_for_tools() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("out");
    let out = charter(&[
        "import",
        "hugo",
        fixture("hugo").to_str().unwrap(),
        dest.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["from"], "hugo");
    assert!(v["counts"]["pages"].as_u64().unwrap() >= 10, "{v}");
    assert_eq!(v["collisions"][0]["url"], "/about/");
    assert!(v["shortcodes"]["chart"]["count"].as_u64().unwrap() >= 1, "{v}");
}
