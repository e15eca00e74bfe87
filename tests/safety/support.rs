//! The harness of the safety cases: a small valid site in a temporary folder, the real binary,
//! snapshots of an output tree, and the assertion that a refused build changed nothing.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

pub const SITE_YAML: &str =
    "title: \"Test site\"\nbase_url: \"https://example.org\"\ntaxonomies: [topics]\n";
pub const PAGE_HTML: &str = "<!doctype html><html><head><title>{{ page.title }}</title></head><body>\n<h1>{{ page.title }}</h1>\n{{ page.content | safe }}\n</body></html>\n";
pub const SECTION_HTML: &str = "<!doctype html><html><head><title>{{ section.title }}</title></head><body>\n<h1>{{ section.title }}</h1>\n<ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>\n{{ section.content | safe }}\n</body></html>\n";
pub const HOME_MD: &str = "---\ntitle: \"Home\"\n---\nWelcome.\n";
pub const GOOD_MD: &str = "---\ntitle: \"Good page\"\ndate: 2023-03-21\ntopics: [peace]\n---\nIntro.\n\n## Known heading\n\nText.\n";

/// A site in a temporary folder: `<tmp>/site`, with room beside it for things outside the site.
pub struct TestSite {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

/// What one run of `charter` did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "the command should succeed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Exit code 1 (not a crash, not a signal), a `help:` line, and every `needle` in stderr.
    pub fn assert_error(&self, needles: &[&str]) -> &Self {
        assert_eq!(
            self.code,
            Some(1),
            "the command should fail with exit code 1\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            self.stderr.contains("help:"),
            "the error should say what to do (help:)\n{}",
            self.stderr
        );
        self.assert_mentions(needles)
    }

    pub fn assert_mentions(&self, needles: &[&str]) -> &Self {
        for n in needles {
            assert!(
                self.stderr.contains(n) || self.stdout.contains(n),
                "output should mention {n:?}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout,
                self.stderr
            );
        }
        self
    }
}

impl TestSite {
    /// A site that builds: a home page, one page with a heading and a term, three templates.
    pub fn new() -> TestSite {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        let site = TestSite { _tmp: tmp, root };
        site.write("site.yaml", SITE_YAML);
        site.write("templates/page.html", PAGE_HTML);
        site.write("templates/section.html", SECTION_HTML);
        site.write("templates/index.html", SECTION_HTML);
        site.write("content/_index.md", HOME_MD);
        site.write("content/good.md", GOOD_MD);
        site
    }

    /// A folder beside the site (outside it), created if needed.
    pub fn outside(&self, name: &str) -> PathBuf {
        let p = self.root.parent().expect("site has a parent").join(name);
        std::fs::create_dir_all(&p).expect("create a folder outside the site");
        p
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(path, text).expect("write file");
    }

    pub fn remove(&self, rel: &str) {
        let path = self.root.join(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("remove folder");
        } else {
            std::fs::remove_file(path).expect("remove file");
        }
    }

    /// A symlink at `rel` (inside the site) pointing at `target` (anything).
    pub fn symlink(&self, rel: &str, target: impl AsRef<Path>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::os::unix::fs::symlink(target, path).expect("make a symlink");
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// `charter <args> --root <site>` with colour off.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_charter"));
        cmd.args(args).arg("--root").arg(&self.root).env("NO_COLOR", "1");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command(args))
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn build_with(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Builds the good site, breaks it with `break_it`, builds again: the second build must fail
    /// with exit code 1 and leave `public/` exactly as the first wrote it. Returns the failed run.
    pub fn refused_keeping_public(&self, break_it: impl FnOnce(&TestSite)) -> Run {
        self.refused_keeping_public_with(&[], break_it)
    }

    pub fn refused_keeping_public_with(
        &self,
        args: &[&str],
        break_it: impl FnOnce(&TestSite),
    ) -> Run {
        self.build().assert_ok();
        assert!(self.public().join("good/index.html").is_file(), "the good build wrote the page");
        let before = snapshot(&self.public());
        break_it(self);
        let run = self.build_with(args);
        assert_eq!(
            run.code,
            Some(1),
            "the broken build should fail with exit code 1\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout,
            run.stderr
        );
        assert_same_tree(&before, &snapshot(&self.public()), "public/ after a refused build");
        run
    }
}

pub fn run(mut cmd: Command) -> Run {
    let out = cmd.output().expect("run charter");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// One entry of a folder snapshot.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    File { bytes: Vec<u8>, modified: SystemTime },
    Link(PathBuf),
}

/// Every path under `dir`: folders by name, files by bytes and modification time, links by target.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Entry> {
    let mut map = BTreeMap::new();
    if !dir.exists() {
        return map;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk the output");
        let rel = entry.path().strip_prefix(dir).expect("under dir").to_string_lossy().into_owned();
        let e = if entry.path_is_symlink() {
            Entry::Link(std::fs::read_link(entry.path()).expect("read link"))
        } else if entry.file_type().is_dir() {
            Entry::Dir
        } else {
            let meta = entry.metadata().expect("metadata");
            Entry::File {
                bytes: std::fs::read(entry.path()).expect("read"),
                modified: meta.modified().expect("mtime"),
            }
        };
        map.insert(rel, e);
    }
    map
}

pub fn assert_same_tree(
    before: &BTreeMap<String, Entry>,
    after: &BTreeMap<String, Entry>,
    what: &str,
) {
    let keys_before: Vec<&String> = before.keys().collect();
    let keys_after: Vec<&String> = after.keys().collect();
    assert_eq!(keys_before, keys_after, "{what}: the set of files changed");
    for (k, v) in before {
        assert!(after.get(k) == Some(v), "{what}: {k} changed (bytes or modification time)");
    }
}
