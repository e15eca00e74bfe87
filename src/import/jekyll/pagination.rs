//! Jekyll's pagination (the `jekyll-paginate` plugin) carried over, so that its `/page2/` URLs
//! survive.
//!
//! The plugin's rules, from its source: with `paginate: N` set and the plugin loaded, the page
//! named `index.html` in the folder of `paginate_path` (default `/page:num/`), or else in the
//! nearest folder above it, lists every post (newest first, `hidden: true` left out) in pagers of
//! N; pager 1 is that page, pager k is `paginate_path` with `:num` replaced by k. In Charter that
//! page becomes a section (`_index.md`) with `paginate_by`, `paginate_path` in Jekyll's `:num` form
//! and `include_pages_below: true` (its list holds every page below it, sorted by date).
//!
//! What differs, and the report says so: Charter's list holds the pages below that have no date
//! too; they sort after every dated post, so Jekyll's pagers keep their posts and order and extra
//! pagers may follow. A template page in a folder above `paginate_path`'s is not carried over
//! (Charter's pagers live under their list), nor are hidden posts left out.

use std::path::Path;

use serde_json::{Map, Value};

use crate::import::report::{Note, NoteKind};
use crate::import::{Doc, DocKind};

/// The plugin's settings, when it paginates.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JekyllPagination {
    /// `paginate`: posts a pager.
    pub per_page: u64,
    /// `paginate_path`, with its leading `/`: `/page:num/`.
    pub path: String,
}

/// Reads `paginate` and `paginate_path` from `_config.yml` (`raw`). None, with a note when
/// `paginate` is set, when Jekyll would make no pagers: the plugin is not loaded (neither in
/// `plugins`/`gems` nor in a `Gemfile`), or `paginate` is not a whole number above 0.
pub(super) fn read(
    raw: &Map<String, Value>,
    root: &Path,
    config_file: &str,
    notes: &mut Vec<Note>,
) -> Option<JekyllPagination> {
    let per_page = raw.get("paginate")?;
    let per_page = match per_page {
        Value::Number(n) => n.as_u64().filter(|&n| n > 0),
        Value::String(s) => s.trim().parse::<u64>().ok().filter(|&n| n > 0),
        _ => None,
    };
    let Some(per_page) = per_page else {
        notes.push(Note::new(
            NoteKind::Other,
            config_file,
            None,
            "`paginate` is not a whole number above 0: Jekyll makes no pagers, and neither does the import",
        ));
        return None;
    };
    let listed = ["plugins", "gems"].iter().any(|k| {
        raw.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|p| p.as_str() == Some("jekyll-paginate")))
    });
    let in_gemfile = std::fs::read_to_string(root.join("Gemfile"))
        .is_ok_and(|g| g.contains("\"jekyll-paginate\"") || g.contains("'jekyll-paginate'"));
    if !listed && !in_gemfile {
        notes.push(Note::new(
            NoteKind::Other,
            config_file,
            None,
            "`paginate` is set but the jekyll-paginate plugin is not loaded (not in `plugins` or the Gemfile): Jekyll makes no pagers, and neither does the import",
        ));
        return None;
    }
    let path = raw
        .get("paginate_path")
        .and_then(Value::as_str)
        .map(|p| format!("/{}", p.trim().trim_start_matches('/')))
        .unwrap_or_else(|| "/page:num/".to_string());
    Some(JekyllPagination { per_page, path })
}

/// The folder of `paginate_path` (`/blog/page:num/` -> `blog`) and the pager word relative to it
/// in Charter's form: `page:num` (one segment holding `:num`) or `page` (`/blog/page/:num/`).
fn split_path(path: &str) -> Option<(String, String)> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let at = segments.iter().position(|s| s.contains(":num"))?;
    if at + 1 != segments.len() {
        return None;
    }
    let (word, folder) = if segments[at] == ":num" {
        let word = *segments.get(at.checked_sub(1)?)?;
        (word.to_string(), segments[..at - 1].join("/"))
    } else {
        (segments[at].to_string(), segments[..at].join("/"))
    };
    crate::config::check_paginate_path(&word).ok()?;
    Some((folder, word))
}

/// Makes the page Jekyll paginates a paginated section over every page below it, and notes what
/// was done (or why the pagers' URLs are not kept).
pub(super) fn apply(pagination: &JekyllPagination, docs: &mut [Doc], notes: &mut Vec<Note>) {
    let Some((folder, word)) = split_path(&pagination.path) else {
        notes.push(Note::new(
            NoteKind::UrlNotKept,
            "_config.yml",
            None,
            format!(
                "`paginate_path: {}` has no `:num` in its last part: its pagers' URLs are not kept",
                pagination.path
            ),
        ));
        return;
    };
    // The plugin's template page: `index.html` in `folder` or the nearest folder above it.
    let dir_of = |d: &Doc| {
        d.source.parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default()
    };
    let candidate = |d: &Doc| {
        d.published
            && d.kind != DocKind::Section
            && d.source.file_name().is_some_and(|n| n == "index.html")
            && {
                let dir = dir_of(d);
                dir.is_empty() || folder == dir || folder.starts_with(&format!("{dir}/"))
            }
    };
    let Some(index) = (0..docs.len())
        .filter(|&i| candidate(&docs[i]))
        .max_by_key(|&i| docs[i].source.as_os_str().len())
    else {
        notes.push(Note::new(
            NoteKind::Other,
            "_config.yml",
            None,
            "`paginate` is set but no `index.html` can be the pagination template: Jekyll makes no pagers, and neither does the import",
        ));
        return;
    };
    let doc = &mut docs[index];
    if dir_of(doc) != folder {
        let source = doc.source.clone();
        notes.push(Note::new(
            NoteKind::UrlNotKept,
            source,
            None,
            format!(
                "Jekyll paginates this page with pagers at {}, outside its folder: Charter's pagers live under their list, so those URLs are not kept",
                pagination.path.replace(":num", "N")
            ),
        ));
        return;
    }
    if doc.kind == DocKind::Page {
        doc.kind = DocKind::Section;
    }
    doc.front.insert("sort_by".into(), Value::String("date".into()));
    doc.front.insert("include_pages_below".into(), Value::Bool(true));
    doc.front.insert("paginate_by".into(), Value::from(pagination.per_page));
    doc.front.insert("paginate_path".into(), Value::String(word.clone()));
    let first = if folder.is_empty() { "/".to_string() } else { format!("/{folder}/") };
    let second = crate::render::pagination::pager_path(
        &first,
        &crate::config::Pagination { by: pagination.per_page as usize, path: word },
        2,
    );
    let source = doc.source.clone();
    doc.notes.push(Note::new(
        NoteKind::UrlKept,
        source,
        None,
        format!(
            "Jekyll's pagination (`paginate: {}`) carried over: this page lists every page below {first} by date, {} a pager, pager 2 at {second}; pages without a date come after the posts, on pagers Jekyll did not have",
            pagination.per_page, pagination.per_page
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginate_path_splits_into_the_list_folder_and_charters_pager_word() {
        assert_eq!(split_path("/page:num/"), Some((String::new(), "page:num".into())));
        assert_eq!(split_path("/blog/page:num/"), Some(("blog".into(), "page:num".into())));
        assert_eq!(split_path("/blog/page/:num/"), Some(("blog".into(), "page".into())));
        assert_eq!(split_path("/a/b/p-:num"), Some(("a/b".into(), "p-:num".into())));
        assert_eq!(split_path("/page:num/more/"), None);
        assert_eq!(split_path("/blog/"), None);
        assert_eq!(split_path("/:num/"), None);
    }
}
