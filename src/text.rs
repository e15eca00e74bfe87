//! Small text utilities shared by the stages: slugs, "did you mean" suggestions, locating a YAML
//! key's line, path-segment safety, URL encoding, HTML/XML escaping and the escaping of control
//! characters in everything shown on a terminal or in a report; text kept packed in memory
//! ([`PackedText`]).

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Turns free text into a URL slug: ASCII (transliterated), lowercase, words joined by `-`.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else if c == '_' && !slug.is_empty() {
            slug.push('_');
            dash = false;
        } else {
            dash = true;
        }
    }
    slug
}

/// The known name closest to `unknown`, if it is close enough to be a likely typo.
pub fn closest_match<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let unknown = unknown.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&unknown, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3) && *d < k.len().max(unknown.len()) / 2 + 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The 1-based line on which the top-level YAML key `key` is written (bare, or in double or
/// single quotes), if it can be found. Called for every key of every page: it allocates nothing.
pub fn line_of_key(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|line| {
            let line = line.trim_start();
            let after_key = line.strip_prefix(key).or_else(|| {
                ['"', '\''].into_iter().find_map(|quote| {
                    line.strip_prefix(quote)?.strip_prefix(key)?.strip_prefix(quote)
                })
            });
            after_key.is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Whether `name` can be one segment of an output path: not empty, no separators, not `.`/`..`,
/// no NUL or control characters.
pub fn is_safe_segment(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':', '\0'])
        && !name.chars().any(|c| c.is_control())
}

/// Whether `c` would act on a terminal instead of being shown: C0 and C1 controls and DEL (ESC
/// starts colour and cursor sequences, BEL rings, CR overwrites the line), and the Unicode
/// direction overrides that make text read differently from what it is. Tab and newline are
/// left to the caller.
fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that would act on a terminal written as a visible escape
/// (`\u{1b}`), tabs and newlines kept. The one place terminal and report output is made
/// harmless: diagnostics and the import report go through it, whatever the value came from (a
/// source line, a file name, a title).
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts_on_terminal(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape_control`] for one line: newlines escaped too.
pub fn escape_control_line(text: &str) -> String {
    escape_control(text).replace('\n', "\\n")
}

const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// Percent-encodes a URL path (keeps `/`), so non-ASCII names work in links.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH_SEGMENT).to_string()
}

/// Percent-encodes a query component.
pub fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Escapes text for HTML and XML content and attribute values.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Removes HTML tags, keeping the text (for summaries in feeds and meta descriptions).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A fast, stable 64-bit content hash (for caches and change detection: a page file's hash is
/// taken at every read of it, three a one-shot build). XXH3: about ten times blake3's speed on
/// page-sized inputs, and a change detector needs no cryptographic strength (whoever can edit
/// the site's files can change its pages anyway).
pub fn hash64(bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(bytes)
}

/// Text kept LZ4-compressed in memory: about a third of HTML's size, half of prose's. For the
/// page bodies a one-shot build must keep in memory (when templates may ask for any page's with
/// `get_page`), so that the build's memory does not carry the whole site's text.
#[derive(Clone)]
pub struct PackedText(std::sync::Arc<[u8]>);

impl PackedText {
    pub fn pack(text: &str) -> PackedText {
        PackedText(lz4_flex::compress_prepend_size(text.as_bytes()).into())
    }

    /// The text. The bytes are the compressor's own output, held in memory since: a failure is a
    /// bug in Charter, never a property of a site.
    pub fn unpack(&self) -> String {
        let raw = lz4_flex::decompress_size_prepended(&self.0)
            .unwrap_or_else(|e| panic!("packed text does not unpack ({e}): a bug in Charter"));
        String::from_utf8(raw)
            .unwrap_or_else(|e| panic!("packed text is not UTF-8 ({e}): a bug in Charter"))
    }
}

impl std::fmt::Debug for PackedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedText({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_dashed() {
        assert_eq!(slugify("The End of the Beginning"), "the-end-of-the-beginning");
        assert_eq!(slugify("“War with Russia”"), "war-with-russia");
        assert_eq!(slugify("Morjé Howard"), "morje-howard");
        assert_eq!(
            slugify("General Assembly vs. Security Council"),
            "general-assembly-vs-security-council"
        );
    }

    #[test]
    fn typos_are_matched() {
        assert_eq!(closest_match("tittle", &["title", "date"]), Some("title"));
        assert_eq!(closest_match("colour", &["title", "date"]), None);
    }

    #[test]
    fn key_lines_are_found() {
        assert_eq!(line_of_key("a: 1\n# c\ntitle: x\n", "title"), Some(3));
        assert_eq!(line_of_key("a: 1\n", "title"), None);
        assert_eq!(line_of_key("a: 1\n\"title\": x\n", "title"), Some(2));
        assert_eq!(line_of_key("a: 1\n  'title' : x\n", "title"), Some(2));
        assert_eq!(line_of_key("titles: 1\ntitle:\n", "title"), Some(2));
        assert_eq!(line_of_key("\"title: 1\n", "title"), None);
    }

    #[test]
    fn unsafe_segments_are_refused() {
        for bad in ["", "..", "a/b", "a\\b", "http://x", "a\0"] {
            assert!(!is_safe_segment(bad), "{bad:?}");
        }
        assert!(is_safe_segment("déjà-vu"));
    }
}
