//! Writes the imported site into DEST: `site.yaml`, `content/` (front matter in Charter's key
//! order, bodies translated in parallel), bundle resources, `static/`, `data/` and a minimal
//! `templates/` set so that the site builds before anyone writes a theme.

use super::place::{Place, Placement};
use super::report::{ImportReport, Note, NoteKind};
use super::{frontmatter, Body, CopyKind, Doc, DocKind, Imported, SiteConfig};
use crate::error::{io_error, Diagnostic, Diagnostics};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Writes everything and fills the report's counts, leftovers and link notes.
pub(crate) fn write_site(
    dest: &Path,
    imported: &Imported,
    placed: &Placement,
    convert: &(dyn Fn(&Doc) -> Body + Sync),
    report: &mut ImportReport,
) -> Result<(), Diagnostics> {
    prepare_dest(dest)?;
    write_file(&dest.join("site.yaml"), site_yaml(&imported.config)?.as_bytes())?;
    for (name, text) in TEMPLATES {
        write_file(&dest.join("templates").join(name), text.as_bytes())?;
    }

    let taxonomies = &imported.config.taxonomies;
    let results: Vec<Result<Written, Diagnostic>> = imported
        .docs
        .par_iter()
        .zip(placed.places.par_iter())
        .map(|(doc, place)| write_doc(dest, doc, place, taxonomies, convert))
        .collect();
    let mut errors = Diagnostics::new();
    for (doc, result) in imported.docs.iter().zip(results) {
        match result {
            Ok(w) => {
                let map = if report.from == "hugo" { &mut report.shortcodes } else { &mut report.liquid_tags };
                ImportReport::add_leftovers(map, &doc.source, &w.body.leftovers);
                for (line, target) in &w.body.unresolved {
                    report.note(Note::new(
                        NoteKind::LinkUnresolved,
                        &doc.source,
                        Some(*line),
                        format!("link target `{target}` was not found among the imported pages; fix the link by hand"),
                    ));
                }
                match doc.kind {
                    DocKind::Page => {
                        report.counts.pages += 1;
                        if doc.front.get("draft") == Some(&Value::Bool(true)) {
                            report.counts.drafts += 1;
                        }
                    }
                    DocKind::Section => report.counts.sections += 1,
                    DocKind::Home => {}
                }
                report.counts.aliases += w.aliases;
                report.counts.resources += doc.resources.len();
            }
            Err(d) => errors.push(d),
        }
    }

    let copied: Vec<Result<CopyKind, Diagnostic>> = imported.files.par_iter().map(|f| copy_one(dest, f).map(|_| f.kind)).collect();
    for c in copied {
        match c {
            Ok(CopyKind::Static) => report.counts.static_files += 1,
            Ok(CopyKind::Data | CopyKind::DataFromToml) => report.counts.data_files += 1,
            Err(d) => errors.push(d),
        }
    }
    if errors.has_errors() {
        errors.sort();
        return Err(errors);
    }
    Ok(())
}

struct Written {
    body: Body,
    aliases: usize,
}

fn write_doc(dest: &Path, doc: &Doc, place: &Place, taxonomies: &[String], convert: &(dyn Fn(&Doc) -> Body + Sync)) -> Result<Written, Diagnostic> {
    let body = convert(doc);
    let front = charter_front(&doc.front, place, taxonomies);
    let text = frontmatter::write(&front, &body.text)
        .map_err(|e| Diagnostic::error("import", format!("could not write the front matter: {e}")).in_file(&doc.source))?;
    let path = dest.join("content").join(&place.content_path);
    write_file(&path, text.as_bytes())?;
    if let Some(dir) = &place.bundle_dir {
        let base = dest.join("content").join(dir);
        for (from, rel) in &doc.resources {
            let to = base.join(rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
            }
            std::fs::copy(from, &to).map_err(|e| io_error(from, "copy the file", &e))?;
        }
    }
    Ok(Written { body, aliases: place.aliases.len() })
}

/// The front matter in the order a person reads it: known keys first, taxonomies, then `extra`.
fn charter_front(front: &Map<String, Value>, place: &Place, taxonomies: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let take = |out: &mut Map<String, Value>, key: &str| {
        if let Some(v) = front.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    };
    for key in ["title", "description", "date", "updated", "draft"] {
        take(&mut out, key);
    }
    if let Some(slug) = &place.slug {
        out.insert("slug".into(), Value::String(slug.clone()));
    }
    take(&mut out, "weight");
    if !place.aliases.is_empty() {
        out.insert("aliases".into(), Value::Array(place.aliases.iter().cloned().map(Value::String).collect()));
    }
    for key in ["template", "sort_by", "toc", "authors"] {
        take(&mut out, key);
    }
    for t in taxonomies {
        take(&mut out, t);
    }
    for (k, v) in front {
        if !out.contains_key(k) && k != "extra" {
            out.insert(k.clone(), v.clone());
        }
    }
    if let Some(Value::Object(extra)) = front.get("extra") {
        if !extra.is_empty() {
            out.insert("extra".into(), Value::Object(extra.clone()));
        }
    }
    out
}

fn site_yaml(config: &SiteConfig) -> Result<String, Diagnostic> {
    let mut m = Map::new();
    m.insert("title".into(), Value::String(config.title.clone()));
    m.insert("base_url".into(), Value::String(config.base_url.clone()));
    if let Some(d) = &config.description {
        m.insert("description".into(), Value::String(d.clone()));
    }
    if let Some(l) = &config.language {
        m.insert("language".into(), Value::String(l.clone()));
    }
    m.insert("taxonomies".into(), Value::Array(config.taxonomies.iter().cloned().map(Value::String).collect()));
    if !config.extra.is_empty() {
        m.insert("extra".into(), Value::Object(config.extra.clone()));
    }
    crate::yaml::to_string(&m).map_err(|e| Diagnostic::error("import", format!("could not write site.yaml: {e}")))
}

/// With `--force` over an earlier import, its generated folders are replaced rather than mixed.
fn prepare_dest(dest: &Path) -> Result<(), Diagnostic> {
    std::fs::create_dir_all(dest).map_err(|e| io_error(dest, "create the destination", &e))?;
    if dest.join("import-report.md").is_file() {
        for dir in ["content", "static", "data", "templates"] {
            let d = dest.join(dir);
            if d.is_dir() {
                std::fs::remove_dir_all(&d).map_err(|e| io_error(&d, "clear the earlier import", &e))?;
            }
        }
    }
    Ok(())
}

fn copy_one(dest: &Path, f: &super::CopyFile) -> Result<(), Diagnostic> {
    let to = dest.join(&f.to);
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
    }
    match f.kind {
        CopyKind::Static | CopyKind::Data => {
            std::fs::copy(&f.from, &to).map_err(|e| io_error(&f.from, "copy the file", &e))?;
        }
        CopyKind::DataFromToml => {
            let text = std::fs::read_to_string(&f.from).map_err(|e| io_error(&f.from, "read the data file", &e))?;
            let value: toml::Value = toml::from_str(&text).map_err(|e| {
                Diagnostic::error("import", format!("TOML data file: {}", e.message())).in_file(&f.from).hint("fix the TOML syntax and import again")
            })?;
            let yaml = crate::yaml::to_string(&frontmatter::toml_to_json(value))
                .map_err(|e| Diagnostic::error("import", format!("could not write YAML: {e}")).in_file(&f.from))?;
            std::fs::write(&to, yaml).map_err(|e| io_error(&to, "write the file", &e))?;
        }
    }
    Ok(())
}

fn write_file(path: &PathBuf, bytes: &[u8]) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
    }
    std::fs::write(path, bytes).map_err(|e| io_error(path, "write the file", &e))
}

/// A plain theme so the imported site builds; a person replaces it with the real design.
const TEMPLATES: [(&str, &str); 6] = [
    (
        "base.html",
        r#"<!doctype html>
<html lang="{{ site.language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ site.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ get_url(path="syntax.css") }}">
</head>
<body>
<header><a href="{{ get_url(path="/") }}">{{ site.title }}</a></header>
<main>
{% block content %}{% endblock content %}
</main>
</body>
</html>
"#,
    ),
    (
        "index.html",
        r#"{% extends "base.html" %}
{% block content %}
<h1>{{ section.title }}</h1>
{{ section.content | safe }}
{% for sub in section.subsections %}{% if not sub.implicit %}<h2><a href="{{ sub.permalink }}">{{ sub.title }}</a></h2>
{% endif %}{% endfor %}
<ul>
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a>{% if p.date %} <time>{{ p.date }}</time>{% endif %}</li>
{% endfor %}
</ul>
{% endblock content %}
"#,
    ),
    (
        "section.html",
        r#"{% extends "base.html" %}
{% block title %}{{ section.title }} · {{ site.title }}{% endblock title %}
{% block content %}
<h1>{{ section.title }}</h1>
{{ section.content | safe }}
{% for sub in section.subsections %}{% if not sub.implicit %}<h2><a href="{{ sub.permalink }}">{{ sub.title }}</a></h2>
{% endif %}{% endfor %}
<ul>
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a>{% if p.date %} <time>{{ p.date }}</time>{% endif %}</li>
{% endfor %}
</ul>
{% endblock content %}
"#,
    ),
    (
        "page.html",
        r#"{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ site.title }}{% endblock title %}
{% block content %}
<article>
<h1>{{ page.title }}</h1>
{% if page.date %}<p><time datetime="{{ page.date }}">{{ page.date }}</time></p>{% endif %}
{{ page.content | safe }}
{% for name, terms in page.taxonomies %}{% if terms %}<p>{{ name }}: {% for t in terms %}<a href="{{ t.permalink }}">{{ t.name }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
{% endfor %}
</article>
{% endblock content %}
"#,
    ),
    (
        "taxonomy_list.html",
        r#"{% extends "base.html" %}
{% block title %}{{ taxonomy.name }} · {{ site.title }}{% endblock title %}
{% block content %}
<h1>{{ taxonomy.name }}</h1>
<ul>
{% for t in taxonomy.terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> ({{ t.pages | length }})</li>
{% endfor %}
</ul>
{% endblock content %}
"#,
    ),
    (
        "taxonomy_term.html",
        r#"{% extends "base.html" %}
{% block title %}{{ term.name }} · {{ site.title }}{% endblock title %}
{% block content %}
<h1>{{ taxonomy.name }}: {{ term.name }}</h1>
<ul>
{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>
{% endfor %}
</ul>
{% endblock content %}
"#,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_in_reading_order_with_slug_and_aliases() {
        let mut front = Map::new();
        front.insert("extra".into(), serde_json::json!({"layout": "post"}));
        front.insert("tags".into(), serde_json::json!(["a"]));
        front.insert("date".into(), serde_json::json!("2020-01-01"));
        front.insert("title".into(), serde_json::json!("T"));
        let place = Place {
            content_path: "a-2.md".into(),
            url: "/a/".into(),
            slug: Some("a".into()),
            aliases: vec!["/a.html".into()],
            moved_from: vec![],
            bundle_dir: None,
        };
        let out = charter_front(&front, &place, &["tags".to_string()]);
        let keys: Vec<&str> = out.keys().map(String::as_str).collect();
        assert_eq!(keys, vec!["title", "date", "slug", "aliases", "tags", "extra"]);
    }

    #[test]
    fn site_yaml_has_only_charter_keys() {
        let config = SiteConfig {
            title: "T".into(),
            base_url: "https://e.org".into(),
            description: None,
            language: Some("en".into()),
            taxonomies: vec!["tags".into()],
            extra: Map::new(),
        };
        let text = site_yaml(&config).unwrap();
        let v: Map<String, Value> = crate::yaml::from_str(&text).unwrap();
        let keys: Vec<&str> = v.keys().map(String::as_str).collect();
        assert_eq!(keys, vec!["title", "base_url", "language", "taxonomies"]);
    }
}
