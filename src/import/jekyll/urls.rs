//! The URLs Jekyll publishes: permalink styles and templates filled from a page's date, slug and
//! categories, post file names, and Jekyll's `slugify`.

use super::config::JekyllConfig;
use super::Kind;
use crate::import::dates::{self, SourceDate};
use crate::import::report::{Note, NoteKind};
use crate::import::slash_path;
use chrono::Datelike;
use std::path::Path;

/// Expands a permalink style name into its template.
pub(super) fn style_template(style: &str) -> String {
    match style {
        "date" => "/:categories/:year/:month/:day/:title:output_ext".into(),
        "pretty" => "/:categories/:year/:month/:day/:title/".into(),
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext".into(),
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext".into(),
        "none" => "/:categories/:title:output_ext".into(),
        other => other.to_string(),
    }
}

/// Jekyll's `slugify`: `pretty` keeps `._~!$&'()+,;=@`, `default` only letters and digits;
/// `cased` keeps the letter case.
pub(super) fn slugify(s: &str, pretty: bool, cased: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        let keep = c.is_alphanumeric() || (pretty && "._~!$&'()+,;=@".contains(c));
        if keep {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            if cased {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            dash = true;
        }
    }
    out
}

/// `2010-07-21-my-post.md` -> (date, `my-post`).
fn post_name(file_stem: &str) -> Option<(SourceDate, String)> {
    if file_stem.len() < 11 {
        return None;
    }
    let (date, rest) = file_stem.split_at(10);
    let slug = rest.strip_prefix('-')?;
    let d = dates::parse(date)?;
    if slug.is_empty() {
        return None;
    }
    Some((d, slug.to_string()))
}

/// Jekyll's title from a slug: `my-first-post` -> `My First Post`.
pub(super) fn titleize(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) struct UrlParts<'a> {
    pub(super) date: Option<SourceDate>,
    /// `:title` source: the slug (front matter or file name).
    pub(super) slug: &'a str,
    pub(super) categories: &'a [String],
    /// Folder of a page relative to the site root (`:path`), or a collection document's path.
    pub(super) path: &'a str,
    pub(super) basename: &'a str,
    pub(super) collection: &'a str,
}

/// Fills a permalink template the way Jekyll's `URL` does, and sanitises it.
pub(super) fn fill(template: &str, p: &UrlParts<'_>) -> String {
    let d = p.date;
    let out = crate::import::expand_permalink(template, |token| match token {
        "year" => d.map(|d| format!("{:04}", d.year())),
        "short_year" => d.map(|d| format!("{:02}", d.year() % 100)),
        "month" => d.map(|d| format!("{:02}", d.month())),
        "i_month" => d.map(|d| d.month().to_string()),
        "short_month" => d.map(|d| d.date.format("%b").to_string()),
        "long_month" => d.map(|d| d.date.format("%B").to_string()),
        "day" => d.map(|d| format!("{:02}", d.day())),
        "i_day" => d.map(|d| d.day().to_string()),
        "y_day" => d.map(|d| format!("{:03}", d.date.ordinal())),
        "week" => d.map(|d| format!("{:02}", d.date.iso_week().week())),
        "short_day" => d.map(|d| d.date.format("%a").to_string()),
        "long_day" => d.map(|d| d.date.format("%A").to_string()),
        "hour" => {
            d.map(|d| d.time.map(|t| t.format("%H").to_string()).unwrap_or_else(|| "00".into()))
        }
        "minute" => {
            d.map(|d| d.time.map(|t| t.format("%M").to_string()).unwrap_or_else(|| "00".into()))
        }
        "second" => {
            d.map(|d| d.time.map(|t| t.format("%S").to_string()).unwrap_or_else(|| "00".into()))
        }
        "title" => Some(slugify(p.slug, true, true)),
        "slug" => Some(slugify(p.slug, false, false)),
        "name" => Some(slugify(p.basename, false, false)),
        "categories" => {
            let mut seen = Vec::new();
            for c in p.categories {
                let c = c.to_lowercase();
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            Some(seen.join("/"))
        }
        "path" => Some(p.path.to_string()),
        "basename" => Some(p.basename.to_string()),
        "collection" => Some(p.collection.to_string()),
        "output_ext" => Some(".html".into()),
        _ => None,
    });
    // Jekyll's sanitising: one leading slash, no doubled slashes.
    let mut u = format!("/{out}");
    while u.contains("//") {
        u = u.replace("//", "/");
    }
    // A URL that names neither a folder nor a file is written as a `.html` file.
    let last = u.rsplit('/').next().unwrap_or("");
    if !u.ends_with('/') && !last.contains('.') {
        u.push_str(".html");
    }
    u
}

/// The default page template for a site-wide permalink style.
fn page_template(site_permalink: &str, index: bool) -> String {
    if index {
        return "/:path/".into();
    }
    if site_permalink.ends_with('/') {
        "/:path/:basename/".into()
    } else if site_permalink.ends_with(":output_ext") {
        "/:path/:basename:output_ext".into()
    } else {
        "/:path/:basename".into()
    }
}

/// A post's date and slug from its file name (`2020-01-02-title.md`); a post without a date in
/// its name is skipped, as Jekyll skips it. Other documents have no date and their stem as slug.
pub(super) fn date_and_slug_from_name(
    kind: &Kind,
    file_stem: &str,
    source: &Path,
) -> Result<(Option<SourceDate>, String), Note> {
    match kind {
        Kind::Post { .. } => match post_name(file_stem) {
            Some((d, s)) => Ok((Some(d), s)),
            None => Err(Note::new(NoteKind::Skipped, source, None, "a post's file name must start with its date (YYYY-MM-DD-title.md); Jekyll skips it too")),
        },
        Kind::Draft { .. } => match post_name(file_stem) {
            Some((d, s)) => Ok((Some(d), s)),
            None => Ok((None, file_stem.to_string())),
        },
        _ => Ok((None, file_stem.to_string())),
    }
}

/// The permalink template of a document: its own `permalink` (a style name expanded), else its
/// collection's, the site's for posts, or the page default.
pub(super) fn url_template(
    config: &JekyllConfig,
    kind: &Kind,
    permalink: Option<&str>,
    file_stem: &str,
) -> String {
    match permalink {
        Some(p) => style_template(p),
        None => match kind {
            Kind::Post { .. } | Kind::Draft { .. } => config.post_permalink.clone(),
            Kind::Collection(c) => config
                .collections
                .get(c)
                .and_then(|c| c.1.clone())
                .unwrap_or_else(|| "/:collection/:path:output_ext".into()),
            Kind::Page => page_template(&config.permalink, file_stem == "index"),
        },
    }
}

/// The `:path` and `:collection` of a document: a collection document's path inside `_<name>`
/// without extension, else its folder.
pub(super) fn path_and_collection(kind: &Kind, rel: &Path, dir: &str) -> (String, String) {
    match kind {
        Kind::Collection(c) => {
            let inside =
                rel.strip_prefix(format!("_{c}")).map(Path::to_path_buf).unwrap_or_default();
            let mut p = slash_path(&inside);
            if let Some(dot) = p.rfind('.') {
                p.truncate(dot);
            }
            (p, c.clone())
        }
        _ => (dir.to_string(), String::new()),
    }
}

/// A post's date as Jekyll puts it in a URL: a date with a time and an offset is shown in the
/// site's `timezone` (`2013-05-06 02:12:52 +0200` is May 5 in Los Angeles); a bare day, or a time
/// without an offset, is already in it.
pub(super) fn in_site_time_zone(date: SourceDate, timezone: Option<chrono_tz::Tz>) -> SourceDate {
    let (Some(tz), Some(time), Some(offset)) = (timezone, date.time, date.offset) else {
        return date;
    };
    let naive = chrono::NaiveDateTime::new(date.date, time);
    let Some(instant) = chrono::TimeZone::from_local_datetime(&offset, &naive).single() else {
        return date;
    };
    let local = instant.with_timezone(&tz);
    SourceDate {
        date: local.date_naive(),
        time: Some(local.time()),
        offset: Some(chrono::Offset::fix(local.offset())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_date_with_an_offset_is_shown_in_the_site_time_zone() {
        let tz: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
        let d = dates::parse("2013-05-06 02:12:52 +0200").unwrap();
        assert_eq!(in_site_time_zone(d, Some(tz)).date.to_string(), "2013-05-05");
        assert_eq!(in_site_time_zone(d, None).date.to_string(), "2013-05-06");
        // A bare day, or a time without an offset, is already in the site's zone.
        let day = dates::parse("2013-05-06").unwrap();
        assert_eq!(in_site_time_zone(day, Some(tz)).date.to_string(), "2013-05-06");
        let local = dates::parse("2013-05-06 00:30:00").unwrap();
        assert_eq!(in_site_time_zone(local, Some(tz)).date.to_string(), "2013-05-06");
    }

    fn parts<'a>(date: &str, slug: &'a str, cats: &'a [String]) -> UrlParts<'a> {
        UrlParts {
            date: dates::parse(date),
            slug,
            categories: cats,
            path: "",
            basename: slug,
            collection: "",
        }
    }

    #[test]
    fn permalink_styles() {
        let cats = vec!["Blog".to_string(), "news".to_string()];
        let p = parts("2010-07-21", "Hello-World", &cats);
        assert_eq!(fill(&style_template("date"), &p), "/blog/news/2010/07/21/Hello-World.html");
        assert_eq!(fill(&style_template("pretty"), &p), "/blog/news/2010/07/21/Hello-World/");
        assert_eq!(fill(&style_template("ordinal"), &p), "/blog/news/2010/202/Hello-World.html");
        assert_eq!(fill(&style_template("none"), &p), "/blog/news/Hello-World.html");
        assert_eq!(
            fill("/:categories/:year/:month/:day/:title/", &parts("2010-07-21", "x", &[])),
            "/2010/07/21/x/"
        );
        assert_eq!(fill("/blog/:year/:slug", &p), "/blog/2010/hello-world.html");
        assert_eq!(
            fill("/:short_year/:i_month/:i_day/:title/", &parts("2010-07-01", "x", &[])),
            "/10/7/1/x/"
        );
    }

    #[test]
    fn page_templates_follow_the_site_style() {
        assert_eq!(
            page_template("/:categories/:year/:month/:day/:title:output_ext", false),
            "/:path/:basename:output_ext"
        );
        assert_eq!(page_template("/:year/:title/", false), "/:path/:basename/");
        assert_eq!(page_template("/:year/:title", true), "/:path/");
        let p = UrlParts {
            date: None,
            slug: "about",
            categories: &[],
            path: "docs",
            basename: "about",
            collection: "",
        };
        assert_eq!(fill("/:path/:basename:output_ext", &p), "/docs/about.html");
        let p = UrlParts {
            date: None,
            slug: "about",
            categories: &[],
            path: "",
            basename: "about",
            collection: "",
        };
        assert_eq!(fill("/:path/:basename/", &p), "/about/");
        assert_eq!(fill("/:path/:basename", &p), "/about.html");
    }

    #[test]
    fn post_file_names() {
        let (d, s) = post_name("2010-07-21-my-post").unwrap();
        assert_eq!((d.year(), d.month(), d.day(), s.as_str()), (2010, 7, 21, "my-post"));
        assert!(post_name("my-post").is_none());
        assert_eq!(titleize("my-first-post"), "My First Post");
    }

    #[test]
    fn slugify_modes() {
        assert_eq!(slugify("Hello, World!", true, true), "Hello,-World!");
        assert_eq!(slugify("Hello, World!", false, false), "hello-world");
    }
}
