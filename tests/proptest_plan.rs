//! Property test of the output plan: random site trees whose pages, bundles, bundle files, static
//! files, aliases, taxonomy terms and feed names are drawn from a small set of names, so that they
//! collide and prefix-collide often. Every tree either builds into a site where every page,
//! section, term and static file is present, or is refused with an error naming both producers
//! and saying what to do; never a build that silently loses a file. Driven through the library
//! (`charter::build`) to keep each case fast.

use proptest::prelude::*;

/// Names that collide with each other and with Charter's generated outputs.
const NAMES: &[&str] =
    &["a", "b", "topics", "notes", "atom.xml", "index.html", "sitemap.xml", "peace"];

#[derive(Debug, Clone)]
enum Item {
    Page { dir: usize, name: usize, alias: Option<(usize, usize)>, term: Option<usize> },
    Bundle { name: usize, file: usize },
    Static { dir: Option<usize>, name: usize },
}

fn item() -> impl Strategy<Value = Item> {
    let n = 0..NAMES.len();
    prop_oneof![
        (
            0..3usize,
            n.clone(),
            proptest::option::of((n.clone(), n.clone())),
            proptest::option::of(n.clone())
        )
            .prop_map(|(dir, name, alias, term)| Item::Page { dir, name, alias, term }),
        (n.clone(), n.clone()).prop_map(|(name, file)| Item::Bundle { name, file }),
        (proptest::option::of(n.clone()), n).prop_map(|(dir, name)| Item::Static { dir, name }),
    ]
}

/// Writes a source file; `false` when the tree cannot hold it (a file where a folder goes).
fn write(root: &std::path::Path, rel: &str, text: &str) -> bool {
    let path = root.join(rel);
    path.parent().is_some_and(|parent| std::fs::create_dir_all(parent).is_ok())
        && std::fs::write(path, text).is_ok()
}

/// A page's file name stem must make a URL segment; `index.html` as a stem is fine.
fn stem(i: usize) -> &'static str {
    NAMES[i]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"))), ..ProptestConfig::default() })]

    #[test]
    fn every_tree_builds_whole_or_is_refused_naming_both(items in proptest::collection::vec(item(), 1..7), feed in 0..NAMES.len()) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        write(&root, "site.yaml", &format!("title: \"T\"\nbase_url: \"https://example.org\"\ntaxonomies: [topics]\nfeed:\n  filename: \"{}\"\n", NAMES[feed]));
        write(&root, "templates/page.html", "<p>{{ page.title }}</p>");
        write(&root, "templates/section.html", "<p>{{ section.title }}</p>");
        write(&root, "templates/index.html", "<p>home</p>");
        write(&root, "templates/taxonomy_list.html", "<p>list</p>");
        write(&root, "templates/taxonomy_term.html", "<p>{{ term.name }}</p>");
        write(&root, "content/_index.md", "---\ntitle: \"Home\"\n---\n");
        // What must be in the output if the build succeeds: output path -> expected content.
        let mut expected: Vec<(String, String)> = Vec::new();
        for (k, it) in items.iter().enumerate() {
            match it {
                Item::Page { dir, name, alias, term } => {
                    let folder = ["", "notes/", "topics/"][*dir];
                    if !folder.is_empty() && write(&root, &format!("content/{folder}_index.md"), &format!("---\ntitle: \"Section {folder}\"\n---\n")) {
                        expected.push((format!("{folder}index.html"), format!("Section {folder}")));
                    }
                    let mut front = format!("title: \"Page {k}\"\n");
                    if let Some((x, y)) = alias {
                        front.push_str(&format!("aliases: ['/{}/{}']\n", NAMES[*x], NAMES[*y]));
                    }
                    if let Some(t) = term {
                        front.push_str(&format!("topics: [\"{}\"]\n", NAMES[*t]));
                    }
                    if write(&root, &format!("content/{folder}{}.md", stem(*name)), &format!("---\n{front}---\nx\n")) {
                        expected.push((format!("{folder}{}/index.html", stem(*name)), format!("Page {k}")));
                        if term.is_some() {
                            expected.push(("topics/index.html".into(), "list".into()));
                        }
                    }
                }
                Item::Bundle { name, file } => {
                    if write(&root, &format!("content/{}/index.md", NAMES[*name]), &format!("---\ntitle: \"Bundle {k}\"\n---\nx\n")) {
                        expected.push((format!("{}/index.html", NAMES[*name]), format!("Bundle {k}")));
                    }
                    if NAMES[*file] != "index.md" && write(&root, &format!("content/{}/{}", NAMES[*name], NAMES[*file]), &format!("bundle file {k}")) {
                        expected.push((format!("{}/{}", NAMES[*name], NAMES[*file]), format!("bundle file {k}")));
                    }
                }
                Item::Static { dir, name } => {
                    let rel = match dir { Some(d) => format!("{}/{}", NAMES[*d], NAMES[*name]), None => NAMES[*name].to_string() };
                    if write(&root, &format!("static/{rel}"), &format!("static file {k}")) {
                        expected.push((rel, format!("static file {k}")));
                    }
                }
            }
        }
        let options = charter::BuildOptions::new(&root);
        match charter::build(options) {
            Ok(_) => {
                let public = root.join("public");
                // Later writes of the same source file replace earlier ones in the tree: only the
                // last item that wrote a given source counts, so check each output path's last claim.
                let mut last: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
                for (path, text) in &expected {
                    last.insert(path.as_str(), text.as_str());
                }
                for (path, text) in last {
                    let got = std::fs::read_to_string(public.join(path));
                    prop_assert!(got.as_deref().is_ok_and(|g| g.contains(text)), "{path} should hold {text:?}, got {got:?}");
                }
                for required in ["index.html", "404.html", "sitemap.xml", "robots.txt", "syntax.css", NAMES[feed]] {
                    prop_assert!(public.join(required).is_file(), "{required} is missing");
                }
            }
            Err(errors) => {
                for d in errors.errors() {
                    prop_assert!(d.hint.is_some(), "an error without a hint: {}", d.message);
                    if d.code == "collision" {
                        let named = d.message.matches(" and ").count() + d.message.matches(", but ").count() + d.message.matches(" also ").count() + d.message.matches(" shadows ").count();
                        prop_assert!(named >= 1, "a collision naming one producer: {}", d.message);
                    }
                }
            }
        }
    }
}
