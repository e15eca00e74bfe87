//! A Jekyll page's body translated once every page is placed: Liquid (in [`crate::import::liquid`])
//! and links under the site's `baseurl`.

use super::PAGE_EXTS;
use crate::import::kramdown;
use crate::import::place::LinkIndex;
use crate::import::{liquid, value_text, Body, Doc, Imported};
use serde_json::{Map, Value};

/// Translates the Liquid in a body, with `post_url` and `link` resolved against imported pages.
pub(crate) fn convert_body(
    doc: &Doc,
    imported: &Imported,
    index: &LinkIndex,
    names: &crate::import::components::Names,
) -> Body {
    // Posts are indexed as `post:<stem>\0<path>`; pages by their path.
    let resolve_post = |name: &str| -> Option<String> {
        let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
        let file = name.rsplit('/').next().unwrap_or(name);
        let file = file
            .rsplit_once('.')
            .filter(|(_, e)| PAGE_EXTS.contains(e))
            .map(|(s, _)| s)
            .unwrap_or(file);
        let prefix = format!("post:{file}\u{0}");
        let mut found: Vec<&str> = index.keys().filter(|k| k.starts_with(&prefix)).collect();
        found.sort();
        // With a folder (`dir/2010-01-01-x`), prefer the post under that folder.
        if let Some((dir, _)) = name.rsplit_once('/') {
            if let Some(k) = found.iter().find(|k| k.contains(&format!("{dir}/_posts/"))) {
                return index.get(k).map(str::to_string);
            }
        }
        found.first().and_then(|k| index.get(k)).map(str::to_string)
    };
    let resolve_link = |path: &str| -> Option<String> {
        let path = path.trim().trim_matches(|c| c == '"' || c == '\'').trim_start_matches('/');
        if let Some(l) = index.get(path) {
            return Some(l.to_string());
        }
        // `_posts/2016-07-26-name.md`
        let key = index.keys().find(|k| k.ends_with(&format!("\u{0}{path}")))?;
        index.get(key).map(str::to_string)
    };
    let variable = |name: &str| -> Option<String> {
        let (scope, key) = name.split_once('.')?;
        let lookup = |m: &Map<String, Value>| -> Option<String> {
            let mut cur: Option<&Value> = None;
            for (i, part) in key.split('.').enumerate() {
                cur = if i == 0 { m.get(part) } else { cur.and_then(|v| v.get(part)) };
            }
            cur.and_then(value_text)
        };
        match scope {
            "page" => lookup(&doc.front)
                .or_else(|| doc.front.get("extra").and_then(Value::as_object).and_then(lookup)),
            "site" => lookup(&imported.config.extra).or_else(|| match key {
                "title" => Some(imported.config.title.clone()),
                "description" => imported.config.description.clone(),
                _ => None,
            }),
            _ => None,
        }
    };
    let (site_url, base_path) = split_base(&imported.config.base_url);
    let markdown = doc.source.extension().is_some_and(|e| {
        ["md", "markdown", "mkd", "mkdn", "mdown"].contains(&&*e.to_string_lossy())
    });
    let (body, attribute_lists) = if markdown {
        kramdown::block_attributes(&doc.body)
    } else {
        (doc.body.clone(), Vec::new())
    };
    let c = liquid::convert(
        &body,
        doc.body_line,
        &liquid::Context {
            resolve_post: &resolve_post,
            resolve_link: &resolve_link,
            variable: &variable,
            site_url: &site_url,
            base_path: &base_path,
            names,
        },
    );
    let mut leftovers = c.leftovers;
    leftovers.extend(attribute_lists.into_iter().map(|i| crate::import::report::LeftoverUse {
        name: "kramdown attribute list `{: }` (kept as a comment)".into(),
        line: doc.body_line + i,
    }));
    Body {
        text: c.text,
        leftovers,
        components: c.components,
        unresolved: c.unresolved,
        ..Body::default()
    }
}

/// `https://host/base` -> (`https://host`, `/base`).
fn split_base(base_url: &str) -> (String, String) {
    let after_scheme = base_url.find("://").map(|i| i + 3).unwrap_or(0);
    match base_url[after_scheme..].find('/') {
        Some(i) => (
            base_url[..after_scheme + i].to_string(),
            base_url[after_scheme + i..].trim_end_matches('/').to_string(),
        ),
        None => (base_url.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_split() {
        assert_eq!(
            split_base("https://e.org/blog"),
            ("https://e.org".to_string(), "/blog".to_string())
        );
        assert_eq!(split_base("https://e.org"), ("https://e.org".to_string(), String::new()));
    }
}
