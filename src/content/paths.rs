//! URL paths and output file paths: what a page's URL is, which file it is written to, and which
//! user-given paths (aliases) are safe to write.

/// Checks that an alias is a path on this site that is safe to write a redirect page at.
pub fn check_alias(alias: &str) -> Result<(), &'static str> {
    if alias.contains("://") || alias.starts_with("//") {
        return Err("is a URL, not a path on this site");
    }
    if alias.contains('\\') {
        return Err("contains a backslash");
    }
    if alias.contains('\0') || alias.chars().any(char::is_control) {
        return Err("contains a control character");
    }
    if alias.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err("contains `..` or `.`");
    }
    if alias.contains(':') {
        return Err("contains `:`");
    }
    if alias.trim_matches('/').is_empty() {
        return Err("is the site root");
    }
    Ok(())
}

/// Normalises an alias to the form of a page path: `/old/path/` (or `/old/file.html`).
pub fn normalise_alias(alias: &str) -> String {
    let trimmed = alias.trim_matches('/');
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

/// The output file (relative to the output folder, `/`-separated) for a URL path: `/a/b/` ->
/// `a/b/index.html`, `/` -> `index.html`, `/x.html` -> `x.html`.
pub fn output_file_for(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_that_escape_are_refused() {
        for bad in
            ["../etc/passwd", "/a/../../b", "https://evil.org/x", "//evil.org", "a\\b", "/", "C:/x"]
        {
            assert!(check_alias(bad).is_err(), "{bad}");
        }
        assert!(check_alias("/old/path/").is_ok());
        assert!(check_alias("old.html").is_ok());
    }

    #[test]
    fn output_files() {
        assert_eq!(output_file_for("/"), "index.html");
        assert_eq!(output_file_for("/a/b/"), "a/b/index.html");
        assert_eq!(output_file_for("/x.html"), "x.html");
        assert_eq!(normalise_alias("old/path"), "/old/path/");
    }
}
