//! The project's own benchmark corpus: N Markdown pages over about N/100 sections, written for
//! Charter, Zola or Hugo from one seed, so that tests and benchmarks need nothing beside the
//! repository. The Markdown bodies are byte-identical across flavors (only where taxonomies sit in
//! the front matter differs); only the scaffolding (config and templates) differs, so the peers do
//! comparable work: Markdown with tables, footnotes and one highlighted code block per page, a
//! table of contents, tags, section listings, a feed and a sitemap.
//!
//! Used by `tests/build.rs`, `tests/determinism.rs`, both benchmarks and
//! `cargo run --release --example gen_corpus -- --pages N --out DIR [--flavor charter|zola|hugo]
//! [--components]`. With components (Charter's flavor only: [`generate_with_components`]) every
//! page also calls one or two page components; the pages are otherwise byte-identical to the
//! corpus without them, so the two builds compare the cost of the calls alone.
//! The generator is a small xorshift, written here rather than taken from `rand`, because a
//! corpus must stay byte-identical across dependency upgrades for figures to be comparable.

#![allow(dead_code)]

use std::path::Path;

/// Which generator's layout the corpus is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Charter,
    Zola,
    Hugo,
}

impl Flavor {
    pub fn parse(name: &str) -> Option<Flavor> {
        match name {
            "charter" => Some(Flavor::Charter),
            "zola" => Some(Flavor::Zola),
            "hugo" => Some(Flavor::Hugo),
            _ => None,
        }
    }
}

const WORDS: &[&str] = &[
    "security",
    "guarantee",
    "alliance",
    "deterrence",
    "treaty",
    "border",
    "mandate",
    "monitor",
    "force",
    "training",
    "mission",
    "council",
    "assembly",
    "member",
    "state",
    "community",
    "sovereignty",
    "peace",
    "negotiation",
    "ceasefire",
    "demobilization",
    "reform",
    "policy",
    "strategy",
    "region",
    "defense",
    "partner",
    "commitment",
    "tripwire",
    "observer",
    "envoy",
    "stability",
    "agreement",
    "charter",
    "mechanism",
    "settlement",
    "frontier",
    "garrison",
    "coalition",
    "doctrine",
    "escalation",
    "diplomacy",
    "sanctions",
    "reconstruction",
    "governance",
    "institution",
    "legitimacy",
    "accession",
    "criteria",
    "timeline",
    "phase",
    "brigade",
    "command",
    "rotation",
    "logistics",
    "verification",
    "transparency",
];

const LANGS: &[&str] = &["rust", "python", "yaml", "json", "bash"];

fn code(lang: &str, n: u64) -> String {
    match lang {
        "rust" => format!("fn main() {{\n    let force = Force::new({n});\n    for unit in force.units() {{\n        println!(\"{{}}\", unit.name);\n    }}\n}}"),
        "python" => format!("def deploy(units, n={n}):\n    for u in units[:n]:\n        print(u.name, u.region)\n    return len(units)"),
        "yaml" => format!("mission:\n  name: monitor-{n}\n  members:\n    - ukraine\n    - partners\n  mandate_years: {n}"),
        "json" => format!("{{\n  \"mission\": \"monitor-{n}\",\n  \"troops\": {n},\n  \"regions\": [\"north\", \"east\", \"south\"]\n}}"),
        _ => format!("#!/usr/bin/env bash\nset -euo pipefail\nfor i in $(seq 1 {n}); do\n  echo \"rotation $i\"\ndone"),
    }
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn word(&mut self) -> &'static str {
        WORDS[(self.next() % WORDS.len() as u64) as usize]
    }

    fn sentence(&mut self, lo: u64, hi: u64) -> String {
        let n = self.between(lo, hi);
        let mut words: Vec<String> = (0..n).map(|_| self.word().to_string()).collect();
        if let Some(first) = words.first_mut() {
            let mut chars = first.chars();
            if let Some(c) = chars.next() {
                *first = c.to_uppercase().chain(chars).collect();
            }
        }
        words.join(" ") + "."
    }

    fn paragraph(&mut self, lo: u64, hi: u64) -> String {
        let n = self.between(lo, hi);
        (0..n).map(|_| self.sentence(8, 20)).collect::<Vec<_>>().join(" ")
    }
}

fn page_body(rng: &mut Rng, idx: usize) -> String {
    let lang = LANGS[idx % LANGS.len()];
    let n = rng.between(2, 40);
    let mut parts = vec![rng.paragraph(3, 7) + "[^1]", String::new()];
    let headings = rng.between(3, 6);
    for h in 0..headings {
        let level = if h % 2 == 0 { "##" } else { "###" };
        let heading = rng.sentence(2, 5);
        parts.push(format!("{level} {}", heading.trim_end_matches('.')));
        parts.push(String::new());
        parts.push(rng.paragraph(3, 7));
        parts.push(String::new());
        if h == 0 {
            parts.push("| Phase | Troops | Region |".into());
            parts.push("|---|---:|---|".into());
            for _ in 0..4 {
                let (a, troops, b) = (rng.word(), rng.between(100, 9000), rng.word());
                parts.push(format!("| {a} | {troops} | {b} |"));
            }
            parts.push(String::new());
        }
        if h == 1 {
            parts.push(format!("```{lang}"));
            parts.push(code(lang, n));
            parts.push("```".into());
            parts.push(String::new());
        }
        if h == 2 {
            parts.push(format!("> {}", rng.sentence(8, 20)));
            parts.push(String::new());
            let link = rng.word();
            parts.push(format!("- [{link}](https://example.org/{idx}/{h})"));
            let (a, b) = (rng.word(), rng.word());
            parts.push(format!("- *{a}* and **{b}**"));
            let c = rng.word();
            parts.push(format!("- `{c}` reference[^2]"));
            parts.push(String::new());
        }
    }
    parts.push(rng.paragraph(3, 7));
    parts.push(String::new());
    parts.push(format!("[^1]: {}", rng.sentence(8, 20)));
    parts.push(format!("[^2]: {}", rng.sentence(8, 20)));
    parts.push(String::new());
    parts.join("\n")
}

fn front_matter(
    title: &str,
    date: &str,
    description: &str,
    tags: &[String],
    weight: usize,
    flavor: Flavor,
) -> String {
    // Zola nests taxonomies under one key; Hugo and Charter take one top-level list per taxonomy.
    let tag_block = match flavor {
        Flavor::Zola => format!(
            "taxonomies:\n  tags:\n{}",
            tags.iter().map(|t| format!("    - {t}\n")).collect::<String>()
        ),
        _ => format!("tags:\n{}", tags.iter().map(|t| format!("  - {t}\n")).collect::<String>()),
    };
    format!("---\ntitle: \"{title}\"\ndate: {date}\ndescription: \"{description}\"\n{tag_block}draft: false\nweight: {weight}\n---\n")
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// Writes a corpus of `pages` pages into `out` for `flavor`.
pub fn generate(out: &Path, pages: usize, flavor: Flavor, seed: u64) -> std::io::Result<()> {
    generate_corpus(out, pages, flavor, seed, false)
}

/// [`generate`] for Charter, with one or two page component calls per page: an inline
/// `{{ badge(...) }}` on every page, and a `{% note(...) %}` with a Markdown body on every other
/// one (the templates go in the bench theme's `templates/components/`).
pub fn generate_with_components(out: &Path, pages: usize, seed: u64) -> std::io::Result<()> {
    generate_corpus(out, pages, Flavor::Charter, seed, true)
}

/// The calls appended to page `idx` (no draw from the generator, so the rest stays identical).
fn component_calls(idx: usize) -> String {
    let mut calls = format!(
        "Status: {{{{ badge(label=\"phase {}\", n={}, active=true) }}}}.\n\n",
        idx % 7,
        idx % 100
    );
    if idx.is_multiple_of(2) {
        calls.push_str("{% note(kind=\"key-point\", tags=[\"a\", \"b\"]) %}\nThe *mission* keeps its mandate.\n{% end %}\n\n");
    }
    calls
}

fn generate_corpus(
    out: &Path,
    pages: usize,
    flavor: Flavor,
    seed: u64,
    components: bool,
) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    let sections = (pages / 100).max(1);
    let content = out.join("content");
    write(&content.join("_index.md"), "---\ntitle: \"Benchmark home\"\n---\n\nWelcome.\n")?;
    for s in 0..sections {
        let intro = rng.paragraph(1, 2);
        write(
            &content.join(format!("s{s:03}")).join("_index.md"),
            &format!("---\ntitle: \"Section {s}\"\nsort_by: date\n---\n\n{intro}\n"),
        )?;
    }
    for i in 0..pages {
        let s = i % sections;
        let title = rng.sentence(3, 7).trim_end_matches('.').to_string();
        let date = format!("20{:02}-{:02}-{:02}", 10 + i % 15, 1 + i % 12, 1 + i % 28);
        let tag_count = rng.between(1, 3) as usize;
        let mut tags: Vec<String> = Vec::with_capacity(tag_count);
        while tags.len() < tag_count {
            let tag = format!("topic-{:02}", rng.next() % 50);
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let description = rng.sentence(6, 12).trim_end_matches('.').to_string();
        let mut body = page_body(&mut rng, i);
        if components {
            body.push('\n');
            body.push_str(&component_calls(i));
        }
        let text = front_matter(&title, &date, &description, &tags, i, flavor) + "\n" + &body;
        write(&content.join(format!("s{s:03}")).join(format!("p{i:05}.md")), &text)?;
    }
    if components {
        let t = out.join("themes/bench/templates/components");
        write(
            &t.join("badge.html"),
            "{#- args: label (required), n, active -#}\n<span class=\"badge{% if active %} badge--on{% endif %}\">{{ label }} ({{ n }})</span>\n",
        )?;
        write(
            &t.join("note.html"),
            "{#- args: kind (required), tags -#}\n<aside class=\"note note--{{ kind }}\" role=\"note\">{{ body }}</aside>\n",
        )?;
    }
    match flavor {
        Flavor::Charter => charter_scaffold(out),
        Flavor::Zola => zola_scaffold(out),
        Flavor::Hugo => hugo_scaffold(out),
    }
}

const BASE_TERA: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>
<link rel="stylesheet" href="/style.css"></head>
<body><nav><a href="/">Home</a></nav><main>{% block content %}{% endblock %}</main></body></html>
"#;

const STYLE: &str = "body{font-family:sans-serif}\n";

fn charter_scaffold(out: &Path) -> std::io::Result<()> {
    write(
        &out.join("site.yaml"),
        "title: Bench\nbase_url: https://bench.example.org\ntheme: bench\ntaxonomies: [tags]\n",
    )?;
    let t = out.join("themes/bench/templates");
    write(&t.join("base.html"), &BASE_TERA.replace("config.title", "site.title"))?;
    write(
        &t.join("index.html"),
        r#"{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1>
<ul>{% for sub in section.subsections %}<li><a href="{{ sub.permalink }}">{{ sub.title }}</a> ({{ sub.pages | length }})</li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(
        &t.join("section.html"),
        r#"{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1>{{ section.content | safe }}
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> <time>{{ p.date }}</time></li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(
        &t.join("page.html"),
        r##"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}<article><h1>{{ page.title }}</h1><time>{{ page.date }}</time>
<ul class="tags">{% for t in page.taxonomies.tags %}<li><a href="{{ t.permalink }}">{{ t.name }}</a></li>{% endfor %}</ul>
<nav class="toc"><ul>{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a></li>{% endfor %}</ul></nav>
{{ page.content | safe }}
{% if page.previous %}<a href="{{ page.previous.permalink }}">prev</a>{% endif %}{% if page.next %}<a href="{{ page.next.permalink }}">next</a>{% endif %}</article>{% endblock %}"##,
    )?;
    write(
        &t.join("taxonomy_list.html"),
        r#"{% extends "base.html" %}{% block content %}<h1>{{ taxonomy.name }}</h1><ul>{% for term in taxonomy.terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.pages | length }})</li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(
        &t.join("taxonomy_term.html"),
        r#"{% extends "base.html" %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(&out.join("themes/bench/static/style.css"), STYLE)
}

fn zola_scaffold(out: &Path) -> std::io::Result<()> {
    write(
        &out.join("config.toml"),
        "base_url = \"https://bench.example.org\"\ntitle = \"Bench\"\ncompile_sass = false\nbuild_search_index = false\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\", feed = true }]\n\n[markdown]\nsmart_punctuation = true\n\n[markdown.highlighting]\nstyle = \"class\"\nlight_theme = \"github-light\"\ndark_theme = \"github-dark\"\n",
    )?;
    let t = out.join("templates");
    write(&t.join("base.html"), BASE_TERA)?;
    write(
        &t.join("index.html"),
        r#"{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1>
<ul>{% for s in section.subsections %}{% set sub = get_section(path=s) %}<li><a href="{{ sub.permalink }}">{{ sub.title }}</a> ({{ sub.pages | length }})</li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(
        &t.join("section.html"),
        r#"{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1>{{ section.content | safe }}
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> <time>{{ p.date }}</time></li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(
        &t.join("page.html"),
        r#"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}<article><h1>{{ page.title }}</h1><time>{{ page.date }}</time>
<ul class="tags">{% for t in page.taxonomies.tags %}<li><a href="{{ get_taxonomy_url(kind="tags", name=t) }}">{{ t }}</a></li>{% endfor %}</ul>
<nav class="toc"><ul>{% for h in page.toc %}<li><a href="{{ h.permalink | safe }}">{{ h.title }}</a>{% if h.children %}<ul>{% for c in h.children %}<li><a href="{{ c.permalink | safe }}">{{ c.title }}</a></li>{% endfor %}</ul>{% endif %}</li>{% endfor %}</ul></nav>
{{ page.content | safe }}
{% if page.lower %}<a href="{{ page.lower.permalink }}">prev</a>{% endif %}{% if page.higher %}<a href="{{ page.higher.permalink }}">next</a>{% endif %}</article>{% endblock %}"#,
    )?;
    write(
        &t.join("taxonomy_list.html"),
        r#"{% extends "base.html" %}{% block content %}<ul>{% for term in terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.pages | length }})</li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(
        &t.join("taxonomy_single.html"),
        r#"{% extends "base.html" %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}"#,
    )?;
    write(&out.join("static/style.css"), STYLE)
}

fn hugo_scaffold(out: &Path) -> std::io::Result<()> {
    write(
        &out.join("hugo.yaml"),
        "baseURL: https://bench.example.org/\ntitle: Bench\ndisableKinds: []\ntaxonomies:\n  tag: tags\nmarkup:\n  highlight:\n    noClasses: false\n  goldmark:\n    extensions:\n      typographer: true\n  tableOfContents:\n    startLevel: 2\n    endLevel: 3\n",
    )?;
    let l = out.join("layouts/_default");
    write(
        &l.join("baseof.html"),
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<link rel="stylesheet" href="/style.css"></head>
<body><nav><a href="/">Home</a></nav><main>{{ block "main" . }}{{ end }}</main></body></html>
"#,
    )?;
    write(
        &l.join("single.html"),
        r#"{{ define "title" }}{{ .Title }}{{ end }}{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
<ul class="tags">{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
{{ .TableOfContents }}
{{ .Content }}
{{ with .PrevInSection }}<a href="{{ .Permalink }}">prev</a>{{ end }}{{ with .NextInSection }}<a href="{{ .Permalink }}">next</a>{{ end }}</article>{{ end }}"#,
    )?;
    write(
        &l.join("list.html"),
        r#"{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .Permalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>{{ end }}"#,
    )?;
    write(
        &l.join("terms.html"),
        r#"{{ define "main" }}<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.Permalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}"#,
    )?;
    write(
        &out.join("layouts/index.html"),
        r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Sections }}<li><a href="{{ .Permalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}</ul>{{ end }}"#,
    )?;
    write(&out.join("static/style.css"), STYLE)
}
