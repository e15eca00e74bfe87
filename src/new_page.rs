//! `charter new`: the site logic of a new page (where its file goes, what its front matter says).
//! The command line only parses the arguments and prints the result.

use std::path::{Path, PathBuf};

use crate::error::Diagnostic;

/// Writes `content/<path>` under `root`: a Markdown file with its front matter filled in (the
/// title from `title` or the file name, today's date, `draft: true`). Returns the file written.
pub fn new_page(root: &Path, path: &str, title: Option<&str>) -> Result<PathBuf, Diagnostic> {
    let rel = crate::validate::content_path(path)
        .map_err(|e| Diagnostic::error("new", e.message).hint(e.hint))?;
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Diagnostic::error("new", format!("no site.yaml in {}", root.display()))
            .hint("run from the site's root or pass --root DIR"));
    }
    // The file goes where the site's own files are read from: a folder on the way that is a
    // symbolic link out of the site (or broken) is refused, as a build would refuse to read it.
    let file = crate::site_files::SiteFiles::new(root, u64::MAX)
        .confine(&Path::new("content").join(&rel))?;
    if file.symlink_metadata().is_ok() {
        return Err(Diagnostic::error("new", format!("{} already exists", file.display()))
            .hint("choose another name or edit the existing file"));
    }
    let stem = rel.rsplit('/').next().unwrap_or(&rel).trim_end_matches(".md");
    let stem = if stem == "_index" || stem == "index" {
        rel.rsplit('/').nth(1).unwrap_or("home")
    } else {
        stem
    };
    let made_title = {
        let words = stem.replace(['-', '_'], " ");
        let mut c = words.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => "New page".to_string(),
        }
    };
    let title = title.map(str::to_string).unwrap_or(made_title);
    let today = chrono::Local::now().format("%Y-%m-%d");
    let text = format!(
        "---\ntitle: {}\ndescription: \"\"\ndate: {today}\ndraft: true\n---\n\nWrite here. Link to other pages with [text](@/path/to/page.md).\n",
        serde_json::to_string(&title).unwrap_or_else(|_| "\"New page\"".into())
    );
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| crate::error::io_error(parent, "create the folder", &e))?;
    }
    std::fs::write(&file, text).map_err(|e| crate::error::io_error(&file, "write the page", &e))?;
    Ok(file)
}
