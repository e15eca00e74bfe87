//! Syntax highlighting with syntect, as CSS classes (prefixed `hl-`, no inline styles). The syntax
//! and theme sets load lazily, only when a page has code or a stylesheet is written; highlighted
//! blocks are cached by content hash for the life of the process (across `serve` rebuilds).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The class prefix of highlighted tokens.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Fence names that mean "no language": rendered plain, without a warning.
const PLAIN: &[&str] = &["", "text", "txt", "plain", "plaintext", "none"];

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

fn cache() -> &'static Mutex<HashMap<u64, Arc<str>>> {
    static CACHE: OnceLock<Mutex<HashMap<u64, Arc<str>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Whether `name` is a syntect default theme.
pub fn theme_exists(name: &str) -> bool {
    themes().themes.contains_key(name)
}

pub fn theme_names() -> Vec<String> {
    themes().themes.keys().cloned().collect()
}

/// The result of highlighting one fenced block.
pub enum Highlighted {
    /// `<pre><code>` HTML with classes.
    Html(Arc<str>),
    /// The language is not known: the caller renders the code escaped, and warns.
    UnknownLanguage,
}

/// Highlights `code` written in the fence language `lang`.
pub fn highlight(lang: &str, code: &str) -> Highlighted {
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
    if PLAIN.contains(&lang.to_ascii_lowercase().as_str()) {
        let html: Arc<str> =
            format!("<pre><code>{}</code></pre>", crate::text::escape_xml(code)).into();
        return Highlighted::Html(html);
    }
    let key = crate::text::hash64(format!("{lang}\u{0}{code}").as_bytes());
    if let Ok(cache) = cache().lock() {
        if let Some(hit) = cache.get(&key) {
            return Highlighted::Html(hit.clone());
        }
    }
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_token(&lang.to_ascii_lowercase()));
    let Some(syntax) = syntax else { return Highlighted::UnknownLanguage };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator.parse_html_for_line_which_includes_newline(line).is_err() {
            return Highlighted::UnknownLanguage;
        }
    }
    let lang_class = crate::text::escape_xml(lang);
    let html: Arc<str> =
        format!("<pre class=\"hl-code\" data-lang=\"{lang_class}\"><code class=\"language-{lang_class}\">{}</code></pre>", generator.finalize()).into();
    if let Ok(mut cache) = cache().lock() {
        cache.insert(key, html.clone());
    }
    Highlighted::Html(html)
}

/// The stylesheet for the light theme, with the dark theme under `prefers-color-scheme: dark`.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    let set = themes();
    let get = |name: &str| {
        set.themes.get(name).ok_or_else(|| format!("unknown highlighting theme `{name}`"))
    };
    let light_css =
        css_for_theme_with_class_style(get(light)?, CLASS_STYLE).map_err(|e| e.to_string())?;
    let dark_css =
        css_for_theme_with_class_style(get(dark)?, CLASS_STYLE).map_err(|e| e.to_string())?;
    Ok(format!(
        "/* Syntax highlighting: {light} (light), {dark} (dark). Written by Charter. */\n{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_gets_classes_not_styles() {
        let Highlighted::Html(html) = highlight("rust", "fn main() {}\n") else {
            panic!("rust is known")
        };
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_language_is_reported() {
        assert!(matches!(highlight("no-such-language", "x"), Highlighted::UnknownLanguage));
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
