//! Whatever a contributor commits, the reading stages answer with a value, never a panic:
//! arbitrary bytes and arbitrary structured front matter go through the front matter splitter,
//! the document parser, the YAML reader, the site configuration and the Markdown renderer.
//! Every failure must be an error value that names the file and says what to do.

use std::path::{Path, PathBuf};

use charter::content::frontmatter;
use charter::content::load;
use charter::markdown::{self, Input, LinkResolver};
use proptest::prelude::*;

struct Links;

impl LinkResolver for Links {
    fn resolve(&self, target: &str) -> Option<String> {
        (target == "a.md" || target == "s/_index.md")
            .then(|| format!("/{}/", target.trim_end_matches(".md")))
    }
}

/// Text that looks like what people type into Markdown files: structure characters weighted up.
/// Pieces of component calls, whole and broken.
/// The language of a file on a site without `languages:`.
fn english() -> load::FileLanguage {
    load::FileLanguage { lang: "en".into(), original: None }
}

fn component_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("{{ f(a=\"x\", n=3, on=true, l=[1, \"b\"]) }}".to_string()),
        Just("{% box(kind=\"note\") %}\n".to_string()),
        Just("{% end %}".to_string()),
        Just("\n{% end %}\n".to_string()),
        Just("{{/* f() */}}".to_string()),
        Just("{%/* box() */%}".to_string()),
        Just("{{ f(".to_string()),
        Just("{{ f(a=".to_string()),
        Just("\"".to_string()),
        Just(") }}".to_string()),
        Just("{{ unknown() }}".to_string()),
        Just("`{{ f() }}`".to_string()),
    ]
}

/// Renders a call as its name and body; `unknown` is an error.
struct Echo;
impl charter::page_components::ComponentRenderer for Echo {
    fn render(
        &self,
        call: &charter::page_components::Call,
        body: Option<&str>,
    ) -> Result<String, charter::page_components::ComponentProblem> {
        if call.name == "unknown" {
            return Err(charter::page_components::ComponentProblem {
                message: "no such component".into(),
                hint: "none".into(),
            });
        }
        Ok(format!("<div data-c=\"{}\">{}</div>", call.name, body.unwrap_or_default()))
    }
}

fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("---\n".to_string()),
        Just("# ".to_string()),
        Just("## x {#id .c}".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("    ".to_string()),
        Just("\t".to_string()),
        Just("```".to_string()),
        Just("```rust\n".to_string()),
        Just("```klingon\n".to_string()),
        Just("[x](@/a.md#h)".to_string()),
        Just("[y](@/missing.md)".to_string()),
        Just("[z](@/".to_string()),
        Just("[^1]".to_string()),
        Just("[^1]: note\n".to_string()),
        Just("<!-- more -->".to_string()),
        Just("<div onclick=\"x\">".to_string()),
        Just("<script>".to_string()),
        Just("<a href=\"javascript:alert(1)\">x</a>".to_string()),
        Just("[x](javascript:alert(1))".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("</div>".to_string()),
        Just("| a | b |\n|:-|-:|\n".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("~~".to_string()),
        Just("`".to_string()),
        Just("\u{feff}".to_string()),
        Just("\0".to_string()),
        Just("é日本".to_string()),
        "[a-z ]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// A YAML scalar, sometimes well-formed and sometimes not.
fn yaml_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"\"".to_string()),
        Just("~".to_string()),
        Just("true".to_string()),
        Just("maybe".to_string()),
        Just("\"maybe\"".to_string()),
        Just("ten".to_string()),
        Just("10".to_string()),
        Just("-3".to_string()),
        Just("1e400".to_string()),
        Just(".nan".to_string()),
        Just("2023-03-21".to_string()),
        Just("2023-13-45".to_string()),
        Just("2023-03-21T09:30:00Z".to_string()),
        Just("[a, b, 1]".to_string()),
        Just("[unclosed".to_string()),
        Just("{ k: v }".to_string()),
        Just("&a [x, y]".to_string()),
        Just("*a".to_string()),
        Just("*undefined".to_string()),
        Just("!tag x".to_string()),
        Just("\"../../etc\"".to_string()),
        Just("/abs/path".to_string()),
        Just("https://x.org/y".to_string()),
        Just("'a\\b'".to_string()),
        Just("\"<script>alert(1)</script>\"".to_string()),
        Just("|\n  block\n  text".to_string()),
        Just("\n  - item\n  - other".to_string()),
        Just("\n\tkey: tab".to_string()),
        Just("\n  nested: { deep: [1, [2, [3]]] }".to_string()),
        "[ -~]{0,16}",
    ]
}

fn yaml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title"),
        Just("description"),
        Just("date"),
        Just("updated"),
        Just("draft"),
        Just("slug"),
        Just("weight"),
        Just("template"),
        Just("aliases"),
        Just("authors"),
        Just("toc"),
        Just("sort_by"),
        Just("extra"),
        Just("feed"),
        Just("topics"),
        Just("tittle"),
        Just("? [complex]"),
        Just("1"),
        Just("\"quoted\""),
        Just("<<"),
    ]
    .prop_map(str::to_string)
}

/// A whole file: a header of `key: value` lines (duplicates, bad types and all), a body, and
/// the ways editors save files (BOM, CRLF, no final newline, unclosed header).
fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((yaml_key(), yaml_scalar()), 0..10),
        markdownish(),
        any::<bool>(),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(|(entries, body, bom, crlf, close)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str("---\n");
            for (k, v) in entries {
                text.push_str(&format!("{k}: {v}\n"));
            }
            match close {
                0 => {}
                1 => text.push_str("...\n"),
                _ => text.push_str("---\n"),
            }
            text.push_str(&body);
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

/// The tags of an HTML text (`<...>`) as (name, attributes); escaped text has no `<`, so it is
/// never taken for a tag, and quoted attribute values (which may hold `>` or `onclick=` as text)
/// are read as values, not as more attributes.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(start) = html[i..].find('<').map(|o| i + o) {
        let mut j = start + 1;
        let name_start = j;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let attr_start = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>')
            {
                j += 1;
            }
            let attr = html[attr_start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                    let quote = bytes[j];
                    let value_start = j + 1;
                    j = value_start;
                    while j < bytes.len() && bytes[j] != quote {
                        j += 1;
                    }
                    value = html[value_start..j.min(bytes.len())].to_string();
                    j = (j + 1).min(bytes.len());
                } else {
                    let value_start = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = html[value_start..j].to_string();
                }
            }
            attributes.push((attr, value));
        }
        found.push((name, attributes));
        i = (j + 1).min(bytes.len());
        if j >= bytes.len() {
            break;
        }
    }
    found
}

/// The first script-capable element, event handler or `javascript:` URL in `html`, if any.
fn unsafe_markup(html: &str) -> Option<String> {
    for (name, attributes) in tags(html) {
        if matches!(name.as_str(), "script" | "iframe" | "object" | "embed" | "style") {
            return Some(format!("<{name}>"));
        }
        for (attribute, value) in attributes {
            if attribute.starts_with("on") {
                return Some(format!("the handler {attribute}"));
            }
            if value.trim_start().to_ascii_lowercase().starts_with("javascript:") {
                return Some(format!("the URL {value}"));
            }
        }
    }
    None
}

#[test]
fn the_tag_reader_tells_attributes_from_text_inside_values() {
    let html = r#"<p>a &lt;b onclick="x"&gt;</p><a aria-label="x onclick=&quot;y&quot; >" href='#z'>#</a><img src=x onerror=alert(1)>"#;
    let read = tags(html);
    let names: Vec<&str> = read.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["p", "/p", "a", "/a", "img"]);
    assert_eq!(
        read[2].1,
        [
            ("aria-label".to_string(), "x onclick=&quot;y&quot; >".to_string()),
            ("href".to_string(), "#z".to_string())
        ]
    );
    assert!(read[4].1.iter().any(|(a, _)| a == "onerror"), "{:?}", read[4]);
    assert_eq!(unsafe_markup(html).as_deref(), Some("the handler onerror"));
    assert_eq!(unsafe_markup(r#"<p title="<script>">x</p>"#), None);
    assert_eq!(
        unsafe_markup(r#"<a href=" JavaScript:x">"#).as_deref(),
        Some("the URL  JavaScript:x")
    );
}

fn assert_errors_are_useful(diagnostics: &charter::Diagnostics, file: &Path) {
    for d in &diagnostics.0 {
        assert!(d.file.as_deref() == Some(file), "a diagnostic without its file: {d}");
        assert!(d.hint.is_some(), "a diagnostic without a hint: {d}");
        // Rendering a diagnostic must not panic either (source lines, carets).
        let _ = d.to_string();
    }
}

fn check_document(text: &str) {
    let file = PathBuf::from("content/p.md");
    if let Ok(split) = frontmatter::split(text) {
        assert!(split.yaml_first_line >= 1 && split.body_first_line >= 2);
        assert!(text.len() >= split.yaml.len() + split.body.len());
    }
    match load::parse_document("p.md", english(), file.clone(), text, 0, &["topics".to_string()]) {
        Ok((doc, warnings)) => {
            assert!(!doc.front.title.trim().is_empty(), "a document without a title was accepted");
            assert!(!warnings.has_errors());
            assert_errors_are_useful(&warnings, &file);
            for sanitize_html in [false, true] {
                let r = markdown::render(
                    &Input {
                        body: &doc.body,
                        first_line: doc.body_first_line,
                        file: &file,
                        sanitize_html,
                        anchors: markdown::Anchors {
                            headings: sanitize_html,
                            paragraphs: sanitize_html,
                        },
                        footnote_backlink: markdown::FOOTNOTE_BACKLINK,
                    },
                    &Links,
                );
                if sanitize_html {
                    if let Some(found) = unsafe_markup(&r.html.text()) {
                        panic!("sanitised HTML kept {found}: {}", r.html);
                    }
                }
            }
        }
        Err(errors) => {
            assert!(errors.has_errors(), "a failed parse must carry an error");
            assert_errors_are_useful(&errors, &file);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let file = Path::new("content/p.md");
        match load::decode_utf8(bytes, file) {
            Ok(text) => check_document(&text),
            Err(d) => {
                prop_assert!(d.message.contains("offset"));
                prop_assert!(d.line.is_some());
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_document(&text);
        check_document(&format!("---\n{text}"));
        check_document(&format!("---\ntitle: x\n---\n{text}"));
        check_document(&format!("---\n{text}\n---\n"));
    }

    #[test]
    fn structured_front_matter_never_panics(text in document()) {
        check_document(&text);
    }

    #[test]
    fn yaml_reader_never_panics(entries in prop::collection::vec((yaml_key(), yaml_scalar()), 0..12), raw in any::<String>()) {
        let text: String = entries.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        for t in [text.as_str(), raw.as_str()] {
            match charter::yaml::from_str::<serde_json::Value>(t) {
                Ok(_) => {}
                Err(e) => prop_assert!(!e.message.is_empty()),
            }
            let _ = charter::yaml::from_str::<serde_json::Map<String, serde_json::Value>>(t);
        }
    }

    #[test]
    fn site_configuration_never_panics(entries in prop::collection::vec((prop_oneof![
        Just("title"), Just("base_url"), Just("theme"), Just("taxonomies"), Just("feed"), Just("highlight"),
        Just("markdown"), Just("extra"), Just("language"), Just("taxonomy"),
    ], yaml_scalar()), 0..10)) {
        let text: String = entries.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        if let Err(errors) = charter::config::Config::parse(&text) {
            prop_assert!(errors.has_errors());
            for d in &errors.0 {
                prop_assert!(d.hint.is_some(), "no hint: {}", d);
                let _ = d.to_string();
            }
        }
    }

    #[test]
    fn markdown_with_component_calls_never_panics(
        parts in prop::collection::vec((markdownish(), component_piece()), 0..12),
        first_line in 1usize..1000,
    ) {
        let body: String = parts.iter().map(|(m, c)| format!("{m}{c}")).collect();
        let file = Path::new("content/p.md");
        let input = Input { body: &body, first_line, file, sanitize_html: false, anchors: markdown::Anchors { headings: true, paragraphs: true }, footnote_backlink: markdown::FOOTNOTE_BACKLINK };
        let r = markdown::render_with_components(&input, &Links, Some(&Echo));
        for d in &r.diagnostics {
            prop_assert!(d.line.is_some_and(|l| l >= first_line), "a diagnostic without its line: {}", d);
            if d.code == "component" {
                prop_assert!(d.column.is_some(), "a component error without its column: {}", d);
            }
        }
    }

    #[test]
    fn markdown_never_panics(body in markdownish(), first_line in 1usize..1000, sanitize_html in any::<bool>()) {
        let file = Path::new("content/p.md");
        let r = markdown::render(&Input { body: &body, first_line, file, sanitize_html, anchors: markdown::Anchors { headings: true, paragraphs: true }, footnote_backlink: markdown::FOOTNOTE_BACKLINK }, &Links);
        for d in &r.diagnostics {
            prop_assert!(d.line.is_some_and(|l| l >= first_line), "a Markdown diagnostic without its line: {}", d);
        }
        if sanitize_html {
            if let Some(found) = unsafe_markup(&r.html.text()) {
                prop_assert!(false, "sanitised HTML kept {}: {}", found, r.html);
            }
        }
    }
}

#[test]
fn deeply_nested_yaml_is_an_error_not_a_crash() {
    for depth in [200, 10_000, 100_000] {
        let started = std::time::Instant::now();
        let text = format!("title: x\nextra: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let e = charter::yaml::from_str::<serde_json::Value>(&text).unwrap_err();
        assert!(e.message.contains("nests"), "{e:?}");
        let text = format!("---\n{}x\n---\n", "- ".repeat(depth));
        let _ =
            load::parse_document("p.md", english(), PathBuf::from("content/p.md"), &text, 0, &[]);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "depth {depth} took {:?}",
            started.elapsed()
        );
    }
}
