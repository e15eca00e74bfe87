//! Page components for what a source site calls by name in its pages: Hugo shortcodes and Jekyll
//! includes. Each name the site uses maps to one valid, unique Charter component name
//! ([`Names`]); each use is written as a component call ([`call`]); each component gets its
//! template in `DEST/templates/components/NAME.html` ([`template`]): Hugo's built-ins
//! (`figure`, `youtube`, …) one drawing what Hugo drew, every other name a generated one that shows
//! its arguments and body in a marked "port me" box, with the source's own template copied into a
//! comment. A person then ports each shortcode or include once, in one template, not at each use.

use super::{attr_escape, slash_path, source_file};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Hugo built-ins drawn by a component of the same name (`tweet` and `twitter` call `x`), with
/// their templates. The other built-ins (`ref`, `relref`, `param`, `highlight`, `comment`) are
/// translated in place.
const HUGO_BUILTINS: [(&str, &str); 7] = [
    ("figure", include_str!("templates/components/figure.html")),
    ("details", include_str!("templates/components/details.html")),
    ("youtube", include_str!("templates/components/youtube.html")),
    ("vimeo", include_str!("templates/components/vimeo.html")),
    ("gist", include_str!("templates/components/gist.html")),
    ("x", include_str!("templates/components/x.html")),
    ("instagram", include_str!("templates/components/instagram.html")),
];

/// The Hugo names each built-in component answers.
pub(crate) fn hugo_builtin_component(name: &str) -> Option<&'static str> {
    match name {
        "tweet" | "twitter" | "x" => Some("x"),
        _ => HUGO_BUILTINS.iter().map(|(n, _)| *n).find(|n| *n == name),
    }
}

/// Which generator's names these are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Hugo shortcodes (`layouts/shortcodes/NAME.html`).
    Hugo,
    /// Jekyll includes (`_includes/NAME`).
    Jekyll,
}

/// What one source name became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The Charter component name.
    pub component: String,
    /// A Hugo built-in drawn by the importer's own template.
    pub builtin: bool,
    /// The source's template for it, relative to SOURCE, when there is one.
    pub source_template: Option<PathBuf>,
}

/// The source names a site uses and the component each becomes.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    pub origin: Origin,
    by_source: BTreeMap<String, Entry>,
}

/// Component names that cannot be used: `end` closes a body.
const RESERVED_COMPONENTS: [&str; 1] = ["end"];

impl Names {
    /// Maps every name in `used` (shortcode names, or include paths such as `note.html`). A Hugo
    /// built-in that the site overrides with its own template is the site's, like any other.
    pub fn new(origin: Origin, source: &Path, used: BTreeSet<String>) -> Names {
        let mut by_source = BTreeMap::new();
        let mut taken: BTreeSet<String> =
            RESERVED_COMPONENTS.iter().map(|s| s.to_string()).collect();
        let mut generic = Vec::new();
        for name in used {
            let source_template = find_source_template(origin, source, &name);
            let builtin = match origin {
                Origin::Hugo if source_template.is_none() => hugo_builtin_component(&name),
                _ => None,
            };
            match builtin {
                Some(component) => {
                    taken.insert(component.to_string());
                    by_source.insert(
                        name,
                        Entry { component: component.to_string(), builtin: true, source_template },
                    );
                }
                None => generic.push((name, source_template)),
            }
        }
        // Names already valid keep themselves; the others take the next free variant.
        let wanted: Vec<String> = generic.iter().map(|(n, _)| component_base(origin, n)).collect();
        let mut assigned: Vec<Option<String>> = vec![None; generic.len()];
        for (i, (name, _)) in generic.iter().enumerate() {
            if wanted[i] == *name && !taken.contains(name) {
                taken.insert(name.clone());
                assigned[i] = Some(name.clone());
            }
        }
        for (i, slot) in assigned.iter_mut().enumerate() {
            if slot.is_none() {
                let base = &wanted[i];
                let mut candidate = base.clone();
                let mut n = 2;
                while taken.contains(&candidate) {
                    candidate = format!("{base}_{n}");
                    n += 1;
                }
                taken.insert(candidate.clone());
                *slot = Some(candidate);
            }
        }
        for ((name, source_template), component) in generic.into_iter().zip(assigned) {
            let component = component.unwrap_or_default();
            by_source.insert(name, Entry { component, builtin: false, source_template });
        }
        Names { origin, by_source }
    }

    /// What the source name `name` became; `None` for a name not seen when the site was read.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_source.get(name)
    }

    /// The source name whose component is `component`.
    pub fn source_of(&self, component: &str) -> Option<(&str, &Entry)> {
        self.by_source.iter().find(|(_, e)| e.component == component).map(|(n, e)| (n.as_str(), e))
    }
}

/// A valid component name for a source name: letters, digits and `_`, not starting with a digit
/// (`newsletter-inline` -> `newsletter_inline`, `foo/bar` -> `foo_bar`, an include `note.html` ->
/// `note`).
fn component_base(origin: Origin, name: &str) -> String {
    let stem = match origin {
        Origin::Jekyll => name.strip_suffix(".html").unwrap_or(name),
        Origin::Hugo => name,
    };
    let mut out: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, if origin == Origin::Hugo { "shortcode_" } else { "include_" });
    }
    out
}

/// Where the source keeps the template of `name`, relative to SOURCE.
fn find_source_template(origin: Origin, source: &Path, name: &str) -> Option<PathBuf> {
    let mut candidates: Vec<String> = Vec::new();
    match origin {
        Origin::Hugo => {
            let mut roots = vec![String::from("layouts")];
            if let Ok(themes) = std::fs::read_dir(source.join("themes")) {
                let mut names: Vec<String> = themes
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                roots.extend(names.into_iter().map(|t| format!("themes/{t}/layouts")));
            }
            for root in roots {
                for dir in ["shortcodes", "_shortcodes"] {
                    for ext in ["html", "md"] {
                        candidates.push(format!("{root}/{dir}/{name}.{ext}"));
                    }
                }
            }
        }
        Origin::Jekyll => candidates.push(format!("_includes/{name}")),
    }
    candidates
        .into_iter()
        .find(|rel| source_file(source, rel).is_ok_and(|p| p.is_file()))
        .map(PathBuf::from)
}

/// The byte ranges of a Markdown body where Charter reads no call, and why: its raw HTML blocks
/// and code blocks.
pub(crate) fn unread_blocks(body: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::HtmlBlock) => Some((range, "in raw HTML")),
            Event::Start(Tag::CodeBlock(_)) => Some((range, "in a code block")),
            _ => None,
        })
        .collect()
}

/// Why Charter would not read a call that follows `before` (the text before it), if it would not:
/// inside a raw HTML block (`in_html_block`), or in a link's URL or an HTML attribute (`[a](…)`,
/// `[a]: <…>`, `href="…"`), where the source generator put the output.
pub(crate) fn unread(before: &str, in_html_block: bool) -> Option<&'static str> {
    if in_html_block {
        return Some("in raw HTML");
    }
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let reference = line.trim_start().starts_with('[')
        && line.trim_end().trim_end_matches('<').trim_end().ends_with("]:");
    let in_url = before.ends_with("](") || before.ends_with("](<") || reference;
    let in_attribute = before.ends_with("=\"") || before.ends_with("='");
    (in_url || in_attribute).then_some("in a link URL or an attribute")
}

/// One use of a component, as a converter writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ComponentUse {
    /// The source name (`ct_logs`, `note.html`).
    pub source_name: String,
    pub component: String,
    pub line: usize,
    /// Each argument: its name in the call, and its name in the source (`0` for the first
    /// positional argument).
    pub args: Vec<(String, String)>,
    pub has_body: bool,
}

/// Tera words and the names Charter gives a component's template: an argument of that name
/// takes a `_` after it.
const RESERVED_ARGS: [&str; 22] = [
    "page", "site", "body", "and", "or", "not", "in", "is", "if", "else", "true", "false", "True",
    "False", "none", "None", "loop", "super", "self", "set", "for", "config",
];

/// The argument name a call uses for the source's argument `name` (`data-id` -> `data_id`, the
/// first positional argument `0` -> `_0`), not yet taken in `taken`.
pub(crate) fn arg_name(name: &str, taken: &[(String, String)]) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if RESERVED_ARGS.contains(&out.as_str()) {
        out.push('_');
    }
    let base = out.clone();
    let mut n = 2;
    while taken.iter().any(|(a, _)| *a == out) {
        out = format!("{base}_{n}");
        n += 1;
    }
    out
}

/// A value written as a call's string: `"`, `\` and line breaks escaped.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A call's opening: `{{ name(a="x", b="y") }}`, or `{% name(…) %}` for a call with a body.
pub(crate) fn call(component: &str, args: &[(String, String)], has_body: bool) -> String {
    let list: Vec<String> = args.iter().map(|(k, v)| format!("{k}={}", quoted(v))).collect();
    let list = list.join(", ");
    if has_body {
        format!("{{% {component}({list}) %}}")
    } else {
        format!("{{{{ {component}({list}) }}}}")
    }
}

/// What the uses of one component add up to, for its template and the report.
#[derive(Debug, Clone, Default)]
pub(crate) struct Usage {
    pub source_name: String,
    pub count: usize,
    /// The first use: (file, line).
    pub first: Option<(PathBuf, usize)>,
    /// Every argument seen: call name -> source name.
    pub args: BTreeMap<String, String>,
    pub has_body: bool,
}

impl Usage {
    pub fn add(&mut self, file: &Path, u: &ComponentUse) {
        self.source_name.clone_from(&u.source_name);
        self.count += 1;
        // The first file met, its first line (a nested use is met before the one around it).
        let earlier = match &self.first {
            None => true,
            Some((f, l)) => f == file && u.line < *l,
        };
        if earlier {
            self.first = Some((file.to_path_buf(), u.line));
        }
        for (arg, label) in &u.args {
            self.args.entry(arg.clone()).or_insert_with(|| label.clone());
        }
        self.has_body |= u.has_body;
    }

    /// The first use as `file:line`.
    pub fn example(&self) -> String {
        match &self.first {
            Some((file, line)) => format!("{}:{line}", slash_path(file)),
            None => String::new(),
        }
    }
}

/// The template path of a component, relative to DEST.
pub(crate) fn template_path(component: &str) -> String {
    format!("templates/components/{component}.html")
}

/// The template for `component`: a built-in's own, or a generated "port me" box declaring every
/// argument its uses give, with the source's template (read from `source`) in a comment.
pub(crate) fn template(names: &Names, source: &Path, component: &str, usage: &Usage) -> String {
    let entry = names.source_of(component).map(|(_, e)| e);
    if entry.is_some_and(|e| e.builtin) {
        if let Some((_, text)) = HUGO_BUILTINS.iter().find(|(n, _)| *n == component) {
            return text.to_string();
        }
    }
    let from = entry
        .and_then(|e| e.source_template.as_ref())
        .map(|rel| format!(" (<code>{}</code>)", attr_escape(&slash_path(rel))))
        .unwrap_or_default();
    let what = match names.origin {
        Origin::Hugo => {
            format!("Hugo shortcode <code>{}</code>{from}", attr_escape(&usage.source_name))
        }
        Origin::Jekyll => {
            format!("Jekyll include <code>{}</code>{from}", attr_escape(&usage.source_name))
        }
    };
    let mut out = String::new();
    let declared: Vec<&str> = usage.args.keys().map(String::as_str).collect();
    out.push_str(&format!("{{#- args: {} -#}}\n", declared.join(", ")));
    let kind = match names.origin {
        Origin::Hugo => "the Hugo shortcode",
        Origin::Jekyll => "the Jekyll include",
    };
    let arg_word = match names.origin {
        Origin::Hugo => "its arguments (`_0`, `_1`, … are the positional ones)",
        Origin::Jekyll => "its `include.*` parameters",
    };
    out.push_str(&format!(
        "{{#- Written by `charter import` for {kind} `{}` ({} use{}; the first in {}).\n    Port it once, here: replace the box below with what it should draw. The template sees\n    {arg_word} by name, `body` (the inner content, rendered as Markdown) and `page`.\n",
        usage.source_name,
        usage.count,
        if usage.count == 1 { "" } else { "s" },
        usage.example(),
    ));
    let original = entry.and_then(|e| e.source_template.as_ref()).and_then(|rel| {
        let path = source_file(source, &slash_path(rel)).ok()?;
        std::fs::read_to_string(path).ok().map(|text| (rel, text))
    });
    match original {
        Some((rel, text)) => {
            out.push_str(&format!("\n    Its template in the source site, {}:\n\n", slash_path(rel)));
            for line in text.replace("#}", "# }").lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
        None => out.push_str("\n    The source site has no template of that name (it came from a theme or module not in the source).\n"),
    }
    out.push_str("-#}\n");
    let name_attr = attr_escape(&usage.source_name);
    out.push_str("{%- if body -%}\n");
    out.push_str(&format!(
        "<aside class=\"import-shortcode\" data-shortcode=\"{name_attr}\">\n<p class=\"import-shortcode__label\"><strong>{what}: port me</strong></p>\n"
    ));
    if !usage.args.is_empty() {
        let any: Vec<&str> = usage.args.keys().map(String::as_str).collect();
        out.push_str(&format!("{{% if {} %}}", any.join(" or ")));
        out.push_str("<dl class=\"import-shortcode__args\">");
        for (arg, label) in &usage.args {
            out.push_str(&format!(
                "{{% if {arg} %}}<dt>{}</dt><dd>{{{{ {arg} }}}}</dd>{{% endif %}}",
                attr_escape(label)
            ));
        }
        out.push_str("</dl>{% endif %}\n");
    }
    out.push_str("<div class=\"import-shortcode__body\">{{ body }}</div>\n</aside>\n");
    out.push_str("{%- else -%}\n");
    out.push_str(&format!(
        "<span class=\"import-shortcode\" data-shortcode=\"{name_attr}\"><strong>{what}: port me</strong>"
    ));
    for (arg, label) in &usage.args {
        out.push_str(&format!(
            "{{% if {arg} %}} <code>{}=&quot;{{{{ {arg} }}}}&quot;</code>{{% endif %}}",
            attr_escape(label)
        ));
    }
    out.push_str("</span>\n{%- endif %}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(origin: Origin, used: &[&str]) -> Names {
        let dir = tempfile::tempdir().unwrap();
        Names::new(origin, dir.path(), used.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn source_names_map_to_valid_unique_component_names() {
        let n = names(
            Origin::Hugo,
            &[
                "ct_logs",
                "newsletter-inline",
                "newsletter_inline",
                "foo/bar",
                "end",
                "2col",
                "tweet",
            ],
        );
        let c = |s: &str| n.get(s).unwrap().component.clone();
        assert_eq!(c("ct_logs"), "ct_logs");
        assert_eq!(c("newsletter_inline"), "newsletter_inline");
        assert_eq!(c("newsletter-inline"), "newsletter_inline_2");
        assert_eq!(c("foo/bar"), "foo_bar");
        assert_eq!(c("end"), "end_2");
        assert_eq!(c("2col"), "shortcode_2col");
        assert_eq!(c("tweet"), "x");
        assert!(n.get("tweet").unwrap().builtin);
        let j = names(Origin::Jekyll, &["note.html", "foo/bar.html", "toc.md"]);
        assert_eq!(j.get("note.html").unwrap().component, "note");
        assert_eq!(j.get("foo/bar.html").unwrap().component, "foo_bar");
        assert_eq!(j.get("toc.md").unwrap().component, "toc_md");
    }

    #[test]
    fn a_builtin_the_site_overrides_is_the_sites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("layouts/shortcodes")).unwrap();
        std::fs::write(dir.path().join("layouts/shortcodes/figure.html"), "<img>").unwrap();
        let n = Names::new(Origin::Hugo, dir.path(), ["figure".to_string()].into());
        let e = n.get("figure").unwrap();
        assert!(!e.builtin);
        assert_eq!(e.component, "figure");
        assert_eq!(e.source_template.as_deref(), Some(Path::new("layouts/shortcodes/figure.html")));
    }

    #[test]
    fn argument_names_are_valid_and_unique() {
        assert_eq!(arg_name("0", &[]), "_0");
        assert_eq!(arg_name("data-id", &[]), "data_id");
        assert_eq!(arg_name("body", &[]), "body_");
        assert_eq!(arg_name("page", &[]), "page_");
        let taken = vec![("data_id".to_string(), "data-id".to_string())];
        assert_eq!(arg_name("data_id", &taken), "data_id_2");
    }

    #[test]
    fn calls_quote_their_values() {
        let args = vec![
            ("_0".to_string(), "say \"hi\"\nC:\\x".to_string()),
            ("k".to_string(), "v".to_string()),
        ];
        assert_eq!(call("note", &args, false), r#"{{ note(_0="say \"hi\"\nC:\\x", k="v") }}"#);
        assert_eq!(call("box", &[], true), "{% box() %}");
        // What Charter reads back is the value written.
        match crate::page_components::parse_marker(&call("note", &args, false)) {
            Ok(crate::page_components::Marker::Call { call, .. }) => {
                assert_eq!(call.args[0].1, tera::Value::from("say \"hi\"\nC:\\x"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_generated_template_declares_every_argument_and_copies_the_source() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("layouts/shortcodes")).unwrap();
        std::fs::write(
            dir.path().join("layouts/shortcodes/note.html"),
            "<aside>{{ .Inner }}</aside>\n{{/* #} */}}",
        )
        .unwrap();
        let n = Names::new(Origin::Hugo, dir.path(), ["note".to_string()].into());
        let mut usage = Usage::default();
        usage.add(
            Path::new("content/a.md"),
            &ComponentUse {
                source_name: "note".into(),
                component: "note".into(),
                line: 4,
                args: vec![("_0".into(), "0".into()), ("kind".into(), "kind".into())],
                has_body: true,
            },
        );
        let t = template(&n, dir.path(), "note", &usage);
        assert!(t.starts_with("{#- args: _0, kind -#}\n"), "{t}");
        assert_eq!(crate::page_components::declared_args(&t).map(|a| a.len()), Some(2), "{t}");
        assert!(t.contains("    <aside>{{ .Inner }}</aside>"), "{t}");
        assert!(t.contains("{{/* # } */}}"), "{t}");
        assert!(t.contains("content/a.md:4"), "{t}");
        assert!(t.contains("<dt>0</dt><dd>{{ _0 }}</dd>"), "{t}");
        // A use without arguments shows no empty list.
        assert!(t.contains("{% if _0 or kind %}<dl class=\"import-shortcode__args\">"), "{t}");
    }
}
