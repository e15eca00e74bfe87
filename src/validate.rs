//! One validation per kind of value, whatever the value came from: the base URL (`site.yaml` or
//! `--base-url`), a date's year (front matter or an imported site), and a page path under
//! `content/` (`charter new`). Each rule is a single function here that every source calls, so a
//! value the command line brings in cannot skip a check the configuration file has. Callers turn
//! a [`ValueError`] into their own report (a diagnostic with file and line, or a command-line
//! error) but never decide the rule.

use std::fmt;

/// Why a value was refused, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  help: {}", self.message, self.hint)
    }
}

impl std::error::Error for ValueError {}

fn refuse(message: String, hint: &str) -> ValueError {
    ValueError { message, hint: hint.to_string() }
}

/// A site's base URL: absolute `http` or `https`, a host, an optional port and path, nothing
/// else, stored without a trailing slash (`https://example.org/blog`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

/// The base URL of a site that gives none that could be published (`""` or `/`): local preview.
pub const LOCAL_BASE_URL: &str = "http://127.0.0.1";

impl BaseUrl {
    /// The one parser of base URLs. Refuses other schemes (`javascript:`, `file:`, `//host`),
    /// text that is not a URL, white space and control characters anywhere, backslashes, user
    /// names, queries and fragments: the value is written into every permalink, the sitemap
    /// and the feeds.
    pub fn parse(text: &str) -> Result<BaseUrl, ValueError> {
        const HINT: &str = "write an absolute http(s) URL such as `https://example.org` or `https://example.org/blog`";
        let shown = crate::text::escape_control_line(text);
        if text.is_empty() || text == "/" {
            return Ok(BaseUrl(LOCAL_BASE_URL.to_string()));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse(
                format!("the base URL `{shown}` contains white space or control characters"),
                HINT,
            ));
        }
        let lower = text.to_ascii_lowercase();
        let (scheme, rest) = match lower.split_once("://") {
            Some((scheme @ ("http" | "https"), _)) => (scheme, &text[scheme.len() + 3..]),
            _ => {
                return Err(refuse(
                    format!("the base URL `{shown}` is not an absolute http(s) URL"),
                    HINT,
                ))
            }
        };
        if rest.contains(['\\', '?', '#', '@', '"', '<', '>', '`', '{', '}', '|', '^']) {
            return Err(refuse(format!("the base URL `{shown}` has characters a base URL cannot have (`\\ ? # @ \" < > ` and braces)"), HINT));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port) = if authority.starts_with('[') {
            match authority.find(']') {
                Some(end) => match &authority[end + 1..] {
                    "" => (&authority[..=end], None),
                    after => (&authority[..=end], Some(after.strip_prefix(':').unwrap_or(after))),
                },
                None => (authority, None),
            }
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        let host_ok = if let Some(ip6) = host.strip_prefix('[') {
            ip6.strip_suffix(']').is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok())
        } else {
            !host.is_empty()
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                })
        };
        if !host_ok {
            return Err(refuse(format!("the base URL `{shown}` has no valid host name"), HINT));
        }
        if let Some(port) = port {
            if port.parse::<u16>().is_err() {
                return Err(refuse(
                    format!("the base URL `{shown}` has an invalid port `{port}`"),
                    HINT,
                ));
            }
        }
        if path.split('/').any(|segment| segment == ".." || segment == ".") || path.contains("//") {
            return Err(refuse(
                format!("the base URL `{shown}` has `.`, `..` or an empty segment in its path"),
                HINT,
            ));
        }
        let url = format!("{scheme}://{}{}", &rest[..authority.len()], path.trim_end_matches('/'));
        Ok(BaseUrl(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<BaseUrl, ValueError> {
        BaseUrl::parse(text)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The years a date may have: four digits, so that Atom (RFC 3339), the sitemap and `<time>`
/// stay valid. chrono reads `-2023-01-01` and `+12023-01-01` as dates; they are refused.
pub const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// The one rule for a date's year, for front matter and imported sites alike.
pub fn date_year(year: i32) -> Result<(), ValueError> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(refuse(
            format!("the year {year} is outside 0000-9999"),
            "write the date as YYYY-MM-DD with a four-digit year, e.g. `date: 2023-03-21`",
        ))
    }
}

/// A new page's path under `content/`, as given to `charter new`: relative, plain names (no `..`,
/// no hidden names, no control characters), ending in `.md` (added when missing). A leading
/// `content/` is taken as the folder itself. Returns the path relative to `content/`, with `/`.
pub fn content_path(text: &str) -> Result<String, ValueError> {
    const HINT: &str = "give a path under content/ like `proposal/new-page.md` (relative, no `..`, no hidden names)";
    let shown = crate::text::escape_control_line(text);
    if text.trim().is_empty() {
        return Err(refuse("no page path given".to_string(), HINT));
    }
    if text.starts_with(['/', '\\']) || text.as_bytes().get(1) == Some(&b':') {
        return Err(refuse(
            format!("`{shown}` is an absolute path, not a path under content/"),
            HINT,
        ));
    }
    let rel = text.strip_prefix("content/").unwrap_or(text);
    let rel = if rel.ends_with(".md") { rel.to_string() } else { format!("{rel}.md") };
    for segment in rel.split('/') {
        if segment == ".." {
            return Err(refuse(format!("`{shown}` climbs out of content/ with `..`"), HINT));
        }
        if !crate::text::is_safe_segment(segment)
            || segment.starts_with('.')
            || segment.trim() != segment
        {
            return Err(refuse(format!("`{shown}` is not a path under content/: `{}` is not a plain file or folder name", crate::text::escape_control_line(segment)), HINT));
        }
    }
    Ok(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_http_or_https_with_a_host() {
        assert_eq!(BaseUrl::parse("https://example.org/").unwrap().as_str(), "https://example.org");
        assert_eq!(
            BaseUrl::parse("HTTPS://Example.org/blog/").unwrap().as_str(),
            "https://Example.org/blog"
        );
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:1111").unwrap().as_str(),
            "http://127.0.0.1:1111"
        );
        assert_eq!(BaseUrl::parse("http://[::1]:8080").unwrap().as_str(), "http://[::1]:8080");
        assert_eq!(BaseUrl::parse("http://[::1]").unwrap().as_str(), "http://[::1]");
        assert_eq!(BaseUrl::parse("").unwrap().as_str(), LOCAL_BASE_URL);
        for bad in [
            "javascript:alert(1)",
            "javascript://x.org/%0aalert(1)",
            "not a url",
            "//evil.example",
            "file:///etc/passwd",
            "https://",
            "https:// x.org",
            "https://x.org\u{1b}[31m",
            "https://x.org/a b",
            "https://x.org?q=1",
            "https://x.org#top",
            "https://user@x.org",
            "https://x.org:99999",
            "https://x.org/../up",
            "https://x..org",
            " https://x.org",
            "https:\\\\x.org",
            "http://[::1",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn years_have_four_digits() {
        assert!(date_year(0).is_ok());
        assert!(date_year(9999).is_ok());
        assert!(date_year(-1).is_err());
        assert!(date_year(10000).is_err());
    }

    #[test]
    fn content_paths_stay_under_content() {
        assert_eq!(content_path("proposal/x.md").unwrap(), "proposal/x.md");
        assert_eq!(content_path("content/notes/a").unwrap(), "notes/a.md");
        for bad in [
            "",
            " ",
            "/abs/path.md",
            "../x.md",
            "a/../../x.md",
            "a//b.md",
            ".hidden.md",
            "a/.git/x.md",
            "C:/x.md",
            "\\x.md",
            "a\u{1b}b.md",
            ".md",
            "a/ b.md",
        ] {
            assert!(content_path(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
