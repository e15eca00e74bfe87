//! A Hugo page's body translated once every page is placed: shortcodes, and `ref`/`relref`
//! links resolved the way Hugo resolves them.

use super::{stem, CONTENT_EXTS};
use crate::import::place::LinkIndex;
use crate::import::report::{Note, NoteKind};
use crate::import::{shortcodes, value_text, Body, Doc, Imported};
use serde_json::{Map, Value};
use std::path::Path;

/// Translates a page body: shortcodes, with `ref`/`relref` resolved against the imported pages.
pub(crate) fn convert_body(
    doc: &Doc,
    imported: &Imported,
    index: &LinkIndex,
    names: &crate::import::components::Names,
) -> Body {
    let notes = std::sync::Mutex::new(Vec::new());
    // The line of the first use of a link target in the body, for the report.
    let note_link = |target: &str, message: String| {
        let line = doc.body.lines().position(|l| l.contains(target)).map(|i| doc.body_line + i);
        if let Ok(mut notes) = notes.lock() {
            notes.push(Note::new(NoteKind::LinkToUnpublished, &doc.source, line, message));
        }
    };
    let self_dir = {
        let key = doc.link_key.as_str();
        match key.rsplit_once('/') {
            Some((d, _)) => d.to_string(),
            None => String::new(),
        }
    };
    let resolve = |target: &str, lang: Option<&str>| -> Option<String> {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, format!("#{a}")),
            None => (target, String::new()),
        };
        if path.is_empty() {
            return index.get(&doc.link_key).map(|l| format!("{l}{anchor}"));
        }
        // A page of a language below the root (`fr/…`) finds its own language's pages first,
        // or those of the language the link names (`lang="fr"`; the root language's have no
        // prefix).
        let language = match lang {
            Some(code) => imported
                .link_prefixes
                .iter()
                .find(|p| p.trim_end_matches('/').eq_ignore_ascii_case(code))
                .map_or("", String::as_str),
            None => imported
                .link_prefixes
                .iter()
                .find(|p| doc.link_key.starts_with(p.as_str()))
                .map_or("", String::as_str),
        };
        let Some(link) =
            resolve_ref_from(index, (language, &imported.link_prefixes), &self_dir, path)
        else {
            // Hugo with `refLinksErrorLevel = "warning"` renders `refLinksNotFoundURL`; with the
            // default level it refuses to build, and the link is left for a person.
            let url = imported.config.link_not_found_url.clone()?;
            note_link(target, format!("link to `{target}`: no such page; written as Hugo rendered it, a link to `{url}` (its `refLinksNotFoundURL`)"));
            return Some(url);
        };
        match index.unpublished_url(&link) {
            Some((url, true)) => Some(format!("{url}{anchor}")),
            Some((url, false)) => {
                note_link(target, format!("link to `{target}`, a page the new site does not publish (a draft): written as a plain link to its URL {url}, which is broken on the source site too; `charter check` lists it"));
                Some(format!("{url}{anchor}"))
            }
            None => Some(format!("{link}{anchor}")),
        }
    };
    let param = |name: &str| -> Option<String> {
        let lookup = |m: &Map<String, Value>| -> Option<String> {
            let mut cur: Option<&Value> = None;
            for (i, part) in name.split('.').enumerate() {
                cur = if i == 0 {
                    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(part)).map(|(_, v)| v)
                } else {
                    cur.and_then(|v| v.as_object()).and_then(|o| {
                        o.iter().find(|(k, _)| k.eq_ignore_ascii_case(part)).map(|(_, v)| v)
                    })
                };
            }
            cur.and_then(value_text)
        };
        let page_extra = doc.front.get("extra").and_then(Value::as_object);
        lookup(&doc.front)
            .or_else(|| page_extra.and_then(lookup))
            .or_else(|| lookup(&imported.config.extra))
    };
    // `{{< baseurl >}}` writes the base URL's path: links stay root-relative, as on the site.
    let base_path = url::Url::parse(&imported.config.base_url)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    let c = shortcodes::convert(
        &doc.body,
        doc.body_line,
        &shortcodes::Context { resolve_ref: &resolve, param: &param, names, base_path: &base_path },
    );
    let notes = notes.into_inner().unwrap_or_default();
    Body {
        text: c.text,
        leftovers: c.leftovers,
        components: c.components,
        unresolved: c.unresolved,
        notes,
    }
}

/// [`resolve_ref_from`] on a site without languages.
#[cfg(test)]
fn resolve_ref(index: &LinkIndex, self_dir: &str, path: &str) -> Option<String> {
    resolve_ref_from(index, ("", &[]), self_dir, path)
}

/// Finds a `ref` target the way Hugo does: relative to the page, then from the content root,
/// with or without extension, as a bundle or section folder, and finally by unique base name.
/// On a multilingual site, from a page of the language whose link keys start with `language`
/// (`fr/`; empty for the language at the root), given every language's prefix: a path from the
/// content root finds that language's page first, and a base name finds no other language's page.
fn resolve_ref_from(
    index: &LinkIndex,
    (language, prefixes): (&str, &[String]),
    self_dir: &str,
    path: &str,
) -> Option<String> {
    let clean = |p: &str| -> String {
        let mut parts: Vec<&str> = Vec::new();
        for seg in p.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    };
    let mut bases = Vec::new();
    if !path.starts_with('/') && !self_dir.is_empty() {
        bases.push(clean(&format!("{self_dir}/{path}")));
    }
    if !language.is_empty() {
        bases.push(clean(&format!("{language}{path}")));
    }
    bases.push(clean(path));
    for base in &bases {
        let mut candidates = vec![base.clone()];
        for e in CONTENT_EXTS {
            candidates.push(format!("{base}.{e}"));
        }
        for e in CONTENT_EXTS {
            candidates.push(if base.is_empty() {
                format!("_index.{e}")
            } else {
                format!("{base}/_index.{e}")
            });
            candidates.push(format!("{base}/index.{e}"));
        }
        for c in candidates {
            if let Some(l) = index.get(&c) {
                return Some(l.to_string());
            }
        }
    }
    // By base name, when only one page has it.
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    let name_stem = name
        .rsplit_once('.')
        .filter(|(_, e)| CONTENT_EXTS.contains(e))
        .map(|(s, _)| s)
        .unwrap_or(name);
    let mut found: Vec<&str> = index
        .keys()
        .filter(|k| {
            let p = Path::new(k);
            let s = stem(p);
            let bundle_name = if s == "index" || s == "_index" {
                p.parent().map(stem).unwrap_or_default()
            } else {
                s
            };
            bundle_name == name_stem
        })
        .collect();
    found.sort();
    found.retain(|k| {
        let other = prefixes.iter().any(|p| p != language && k.starts_with(p.as_str()));
        !other || (!language.is_empty() && k.starts_with(language))
    });
    if found.len() > 1 && !language.is_empty() {
        found.retain(|k| k.starts_with(language));
    }
    if found.len() == 1 {
        return index.get(found[0]).map(str::to_string);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::DocKind;

    fn index(keys: &[&str]) -> LinkIndex {
        let docs: Vec<Doc> = keys.iter().map(|k| Doc::new(*k, *k, DocKind::Page, "")).collect();
        let places: Vec<crate::import::place::Place> = keys
            .iter()
            .map(|k| crate::import::place::Place {
                content_path: format!("new/{k}"),
                ..Default::default()
            })
            .collect();
        LinkIndex::new(&docs, &places)
    }

    #[test]
    fn refs_resolve_like_hugo() {
        let idx = index(&[
            "posts/first.md",
            "posts/bundle/index.md",
            "docs/sub/_index.md",
            "about.md",
            "_index.md",
        ]);
        assert_eq!(
            resolve_ref(&idx, "", "posts/first.md").as_deref(),
            Some("@/new/posts/first.md")
        );
        assert_eq!(resolve_ref(&idx, "", "/posts/first").as_deref(), Some("@/new/posts/first.md"));
        assert_eq!(resolve_ref(&idx, "posts", "first.md").as_deref(), Some("@/new/posts/first.md"));
        assert_eq!(
            resolve_ref(&idx, "posts", "bundle").as_deref(),
            Some("@/new/posts/bundle/index.md")
        );
        assert_eq!(resolve_ref(&idx, "", "/docs/sub").as_deref(), Some("@/new/docs/sub/_index.md"));
        assert_eq!(resolve_ref(&idx, "posts", "../about.md").as_deref(), Some("@/new/about.md"));
        assert_eq!(resolve_ref(&idx, "x", "first").as_deref(), Some("@/new/posts/first.md"));
        assert_eq!(resolve_ref(&idx, "", "/").as_deref(), Some("@/new/_index.md"));
        assert_eq!(resolve_ref(&idx, "", "missing.md"), None);
    }

    #[test]
    fn refs_from_a_translation_find_its_own_language_first() {
        let idx =
            index(&["about.md", "docs/guide.md", "fr/about.md", "fr/docs/guide.md", "de/x.md"]);
        let langs = ["fr/".to_string(), "de/".to_string()];
        let from =
            |lang: &str, dir: &str, path: &str| resolve_ref_from(&idx, (lang, &langs), dir, path);
        assert_eq!(from("fr/", "fr/posts", "/about.md").as_deref(), Some("@/new/fr/about.md"));
        assert_eq!(
            from("fr/", "fr/posts", "docs/guide.md").as_deref(),
            Some("@/new/fr/docs/guide.md")
        );
        assert_eq!(from("fr/", "fr", "guide").as_deref(), Some("@/new/fr/docs/guide.md"));
        // Not translated: the default language's page.
        assert_eq!(from("de/", "de", "/docs/guide.md").as_deref(), Some("@/new/docs/guide.md"));
        // Another language's page is never found, not even by its base name.
        assert_eq!(from("fr/", "fr", "/x.md"), None);
        assert_eq!(from("", "", "x"), None);
        assert_eq!(resolve_ref(&idx, "", "/about.md").as_deref(), Some("@/new/about.md"));
    }
}
