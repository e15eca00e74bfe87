//! Front matter as Hugo and Jekyll read it: YAML (`---`), TOML (`+++`) or JSON (`{ … }`), split
//! from the body and parsed into one ordered map, with the leniency real sites need.
//!
//! Lenient where the source generators were: blank lines before the opening `---` are dropped,
//! and a top-level key written twice keeps its last value (as older Hugo and Jekyll did). Each of
//! these is returned as a [`Fix`] with its line so the importer can report it. Mapping keys to
//! Charter's is left to the Hugo and Jekyll modules; writing YAML back out is [`write`].

use serde_json::{Map, Value};

/// The syntax the front matter was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

/// A file cut into front matter and body, with 1-based line numbers into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// `None` when the file has no front matter.
    pub format: Option<Format>,
    /// The front matter text without its delimiters.
    pub front: &'a str,
    /// Line of the first front matter line.
    pub front_line: usize,
    pub body: &'a str,
    /// Line of the first body line.
    pub body_line: usize,
    /// Blank lines dropped before the opening delimiter.
    pub blank_lines_before: usize,
}

/// A leniency applied while reading, to be reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Blank lines before the opening delimiter (count).
    BlankLines(usize),
    /// `key` was written at `dropped_line` and again at `kept_line`; the last one wins.
    DuplicateKey { key: String, dropped_line: usize, kept_line: usize },
}

/// Parsed front matter: keys in file order, the line of each top-level key, and what was fixed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub map: Map<String, Value>,
    /// Line of each top-level key (as written) in the file.
    pub lines: std::collections::HashMap<String, usize>,
    pub fixes: Vec<Fix>,
}

impl Parsed {
    /// The line of a key, looked up without regard to case (Hugo keys are case-insensitive).
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.lines.get(key).copied().or_else(|| {
            self.lines.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| *v)
        })
    }
}

/// A front matter problem the file cannot be imported through: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontError {
    pub line: usize,
    pub message: String,
}

/// Cuts `text` into front matter and body. A BOM and blank lines before the opening delimiter
/// are skipped. An opening delimiter without a closing one is an error.
pub fn split(text: &str) -> Result<Split<'_>, FrontError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut offset = 0;
    let mut blank = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            offset += line.len();
            blank += 1;
        } else {
            break;
        }
    }
    let rest = &text[offset..];
    let first_line = rest.split_inclusive('\n').next().unwrap_or("");
    let opener = first_line.trim_end();
    let none = Split {
        format: None,
        front: "",
        front_line: 1,
        body: text,
        body_line: 1,
        blank_lines_before: 0,
    };
    let format = match opener {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ if opener.starts_with('{') => Format::Json,
        _ => return Ok(none),
    };
    let open_line = blank + 1;
    if format == Format::Json {
        // The object ends where the JSON value ends.
        let mut stream =
            serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
        return match stream.next() {
            Some(Ok(_)) => {
                let end = stream.byte_offset();
                let after = &rest[end..];
                // The rest of the closing line belongs to the front matter.
                let nl = after.find('\n').map(|i| i + 1).unwrap_or(after.len());
                let front = &rest[..end];
                let body = &after[nl..];
                Ok(Split {
                    format: Some(format),
                    front,
                    front_line: open_line,
                    body,
                    body_line: open_line + front.matches('\n').count() + 1,
                    blank_lines_before: blank,
                })
            }
            Some(Err(e)) => Err(FrontError {
                line: open_line + e.line().saturating_sub(1),
                message: format!("JSON front matter: {e}"),
            }),
            None => Ok(none),
        };
    }
    let after_open = &rest[first_line.len()..];
    let mut pos = 0;
    for (line_no, line) in (open_line + 1..).zip(after_open.split_inclusive('\n')) {
        let t = line.trim_end();
        // Hugo closes YAML front matter at a line that starts with `---` and reads any more
        // dashes (`----`, a common slip) as the body's first line, an empty list item: the
        // import closes it there too and leaves the stray dashes out.
        let dashes = t.len() >= 3 && t.bytes().all(|b| b == b'-');
        if (format == Format::Yaml && (dashes || t == "..."))
            || (format == Format::Toml && t == "+++")
        {
            let front = &after_open[..pos];
            let body = &after_open[pos + line.len()..];
            return Ok(Split {
                format: Some(format),
                front,
                front_line: open_line + 1,
                body,
                body_line: line_no + 1,
                blank_lines_before: blank,
            });
        }
        pos += line.len();
    }
    Err(FrontError {
        line: open_line,
        message: format!("front matter opened with `{opener}` is never closed"),
    })
}

/// Parses the front matter of a split file into an ordered map.
pub fn parse(split: &Split<'_>) -> Result<Parsed, FrontError> {
    let mut parsed = Parsed::default();
    if split.blank_lines_before > 0 {
        parsed.fixes.push(Fix::BlankLines(split.blank_lines_before));
    }
    let Some(format) = split.format else { return Ok(parsed) };
    let base = split.front_line;
    match format {
        Format::Yaml => {
            let keys = yaml_top_keys(split.front);
            let (text, dups) = drop_earlier_duplicates(split.front, &keys);
            let value: Value = if text.trim().is_empty() {
                Value::Object(Map::new())
            } else {
                crate::yaml::from_str(&text).map_err(|e| FrontError {
                    line: base + e.line.unwrap_or(1).saturating_sub(1),
                    message: format!("YAML front matter: {}", e.message),
                })?
            };
            parsed.map = into_map(value, base)?;
            record(&mut parsed, &keys, &dups, base);
        }
        Format::Toml => {
            let keys = toml_top_keys(split.front);
            let (text, dups) = drop_earlier_duplicates(split.front, &keys);
            let value: toml::Value = toml::from_str(&text).map_err(|e| FrontError {
                line: base
                    + e.span()
                        .map(|s| text[..s.start.min(text.len())].matches('\n').count())
                        .unwrap_or(0),
                message: format!("TOML front matter: {}", e.message()),
            })?;
            parsed.map = into_map(toml_to_json(value), base)?;
            record(&mut parsed, &keys, &dups, base);
        }
        Format::Json => {
            let pairs: Pairs = serde_json::from_str(split.front).map_err(|e| FrontError {
                line: base + e.line().saturating_sub(1),
                message: format!("JSON front matter: {e}"),
            })?;
            let mut seen: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
            for (key, value) in pairs.0 {
                let line = json_key_line(
                    split.front,
                    &key,
                    seen.get(&key).map(|l| l + 1 - base).unwrap_or(0),
                ) + base;
                if let Some(prev) = seen.insert(key.clone(), line) {
                    parsed.fixes.push(Fix::DuplicateKey {
                        key: key.clone(),
                        dropped_line: prev,
                        kept_line: line,
                    });
                    parsed.map.shift_remove(&key);
                }
                parsed.lines.insert(key.clone(), line);
                parsed.map.insert(key, value);
            }
        }
    }
    Ok(parsed)
}

fn into_map(value: Value, line: usize) -> Result<Map<String, Value>, FrontError> {
    match value {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(FrontError {
            line,
            message: format!("front matter must be a map of keys, found {}", kind_of(&other)),
        }),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn record(
    parsed: &mut Parsed,
    keys: &[(String, usize, usize)],
    dups: &[(String, usize, usize)],
    base: usize,
) {
    for (key, start, _) in keys {
        parsed.lines.insert(key.clone(), base + start);
    }
    for (key, dropped, kept) in dups {
        parsed.fixes.push(Fix::DuplicateKey {
            key: key.clone(),
            dropped_line: base + dropped,
            kept_line: base + kept,
        });
    }
}

/// Top-level YAML keys: `(key, first line index, line count of its block)`, 0-based lines.
fn yaml_top_keys(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut keys: Vec<(String, usize, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(first) = line.chars().next() else { continue };
        if first.is_whitespace() || first == '#' || first == '-' || first == '[' || first == '{' {
            continue;
        }
        if let Some(key) = yaml_key(line) {
            if let Some(last) = keys.last_mut() {
                last.2 = i - last.1;
            }
            keys.push((key, i, lines.len() - i));
        }
    }
    // A block ends before trailing comments and blank lines that precede the next key; that does
    // not matter for dropping, since those lines carry no value.
    keys
}

/// The key of a top-level `key: value` line, unquoted.
fn yaml_key(line: &str) -> Option<String> {
    let (raw, _) = if let Some(stripped) = line.strip_prefix('"') {
        let end = stripped.find('"')?;
        let rest = &stripped[end + 1..];
        if !rest.trim_start().starts_with(':') {
            return None;
        }
        return Some(stripped[..end].to_string());
    } else if let Some(stripped) = line.strip_prefix('\'') {
        let end = stripped.find('\'')?;
        let rest = &stripped[end + 1..];
        if !rest.trim_start().starts_with(':') {
            return None;
        }
        return Some(stripped[..end].to_string());
    } else {
        let idx = line.find(": ").or_else(|| {
            if line.trim_end().ends_with(':') {
                Some(line.trim_end().len() - 1)
            } else {
                None
            }
        })?;
        (line[..idx].trim_end(), ())
    };
    if raw.is_empty() {
        None
    } else {
        Some(raw.to_string())
    }
}

/// Top-level TOML keys (before the first table header): `(key, line, 1)`.
fn toml_top_keys(text: &str) -> Vec<(String, usize, usize)> {
    let mut keys = Vec::new();
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            // A table header is a top-level key too: `[params]`.
            let name = t.trim_start_matches('[').trim_end_matches(']').trim().to_string();
            table = name.clone();
            if !t.starts_with("[[") && !name.contains('.') {
                keys.push((name, i, 0));
            }
            continue;
        }
        if !table.is_empty() || t.starts_with('#') || t.is_empty() {
            continue;
        }
        if let Some(eq) = t.find('=') {
            let key = t[..eq].trim().trim_matches('"').trim_matches('\'').to_string();
            // Only single-line values can be dropped line by line.
            let value = t[eq + 1..].trim();
            let single = !(value.starts_with("\"\"\"")
                || value.starts_with("'''")
                || (value.starts_with('[') && !value.ends_with(']')));
            if !key.is_empty() && single && !key.contains('.') {
                keys.push((key, i, 1));
            }
        }
    }
    keys
}

/// Removes the earlier blocks of keys written more than once. Returns the text and, for each
/// dropped block, `(key, dropped line, kept line)` (0-based).
fn drop_earlier_duplicates(
    text: &str,
    keys: &[(String, usize, usize)],
) -> (String, Vec<(String, usize, usize)>) {
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (key, start, _) in keys {
        last.insert(key.as_str(), *start);
    }
    let mut drop = vec![false; text.lines().count()];
    let mut dups = Vec::new();
    for (key, start, len) in keys {
        let kept = last[key.as_str()];
        if kept != *start {
            if *len == 0 {
                // A TOML table written twice cannot be dropped by lines; let the parser report it.
                continue;
            }
            for flag in drop.iter_mut().skip(*start).take(*len) {
                *flag = true;
            }
            dups.push((key.clone(), *start, kept));
        }
    }
    if dups.is_empty() {
        return (text.to_string(), dups);
    }
    // Keep line positions stable for error messages: dropped lines become blank.
    let out: Vec<&str> =
        text.lines().enumerate().map(|(i, l)| if drop[i] { "" } else { l }).collect();
    (out.join("\n"), dups)
}

/// 0-based line of the first `"key"` at or after `from_line` in JSON text.
fn json_key_line(text: &str, key: &str, from_line: usize) -> usize {
    let needle = format!("\"{key}\"");
    for (i, line) in text.lines().enumerate().skip(from_line) {
        if line.contains(&needle) {
            return i;
        }
    }
    0
}

/// A JSON object's entries in order, duplicates included.
struct Pairs(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// TOML values as JSON values; TOML dates become their text.
pub fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
        }
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Writes a Charter page: YAML front matter between `---` lines, a blank line, the body.
pub fn write(map: &Map<String, Value>, body: &str) -> Result<String, String> {
    let yaml = crate::yaml::to_string(map).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(yaml.len() + body.len() + 16);
    out.push_str("---\n");
    out.push_str(&yaml);
    if !yaml.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("---\n");
    let body = body.trim_start_matches(['\n', '\r']);
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

/// A source page read for import: its text, the parsed front matter, where the body starts, and a
/// report note for every leniency applied while reading. Hugo and Jekyll pages share this reader.
pub struct SourceFile {
    pub text: String,
    pub parsed: Parsed,
    pub notes: Vec<super::report::Note>,
    /// Line of the first front matter line.
    pub front_line: usize,
    /// Line of the first body line.
    pub body_line: usize,
    body_start: usize,
}

impl SourceFile {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// Reads `path` (named `source` in the report) and parses its front matter. A file that cannot
/// be used is a skip note; `dedup_reason` ends the note on a deduplicated key.
pub fn read_source(
    path: &std::path::Path,
    source: &std::path::Path,
    dedup_reason: &str,
) -> Result<SourceFile, super::report::Note> {
    use super::report::{Note, NoteKind};
    let skip = |line: Option<usize>, why: String| Note::new(NoteKind::Skipped, source, line, why);
    let bytes = std::fs::read(path).map_err(|e| skip(None, format!("could not read: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| skip(None, "not UTF-8 text; convert it and import again".into()))?;
    let split = split(&text)
        .map_err(|e| skip(Some(e.line), format!("{}; fix it and import again", e.message)))?;
    let parsed = parse(&split)
        .map_err(|e| skip(Some(e.line), format!("{}; fix it and import again", e.message)))?;
    let notes = parsed
        .fixes
        .iter()
        .map(|fix| match fix {
            Fix::BlankLines(n) => Note::new(NoteKind::BlankLinesRemoved, source, Some(1), format!("{n} blank line(s) before the front matter removed")),
            Fix::DuplicateKey { key, dropped_line, kept_line } => Note::new(
                NoteKind::KeyDeduplicated,
                source,
                Some(*dropped_line),
                format!("`{key}` is given again at line {kept_line}; the last value was kept{dedup_reason}"),
            ),
        })
        .collect();
    let (front_line, body_line) = (split.front_line, split.body_line);
    let body_start = text.len() - split.body.len();
    Ok(SourceFile { parsed, notes, front_line, body_line, body_start, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Parsed {
        parse(&split(text).unwrap()).unwrap()
    }

    #[test]
    fn yaml_toml_and_json_are_one_map() {
        let y = parse_text("---\ntitle: A\ntags: [x]\n---\nbody\n");
        let t = parse_text("+++\ntitle = \"A\"\ntags = [\"x\"]\n+++\nbody\n");
        let j = parse_text("{\n  \"title\": \"A\",\n  \"tags\": [\"x\"]\n}\nbody\n");
        assert_eq!(y.map, t.map);
        assert_eq!(y.map, j.map);
    }

    #[test]
    fn yaml_closed_with_four_dashes_is_closed_as_hugo_closes_it() {
        // Found on a real site (rancher/docs): Hugo 0.168 builds the page.
        let s = split("---\ntitle: A\n----\n\nbody\n").unwrap();
        assert_eq!(s.front, "title: A\n");
        assert_eq!(s.body, "\nbody\n");
        assert_eq!(s.body_line, 4);
        assert!(split("---\ntitle: A\n--\nbody\n").is_err());
    }

    #[test]
    fn body_and_lines_are_located() {
        let s = split("---\ntitle: A\ndate: 2020-01-01\n---\nfirst body line\n").unwrap();
        assert_eq!(s.body, "first body line\n");
        assert_eq!(s.body_line, 5);
        let p = parse(&s).unwrap();
        assert_eq!(p.line_of("date"), Some(3));
        let j = split("{\"title\": \"A\"}\nbody\n").unwrap();
        assert_eq!(j.body, "body\n");
        assert_eq!(j.body_line, 2);
        let t = parse_text("+++\ntitle = \"A\"\ndate = 2020-01-01T10:00:00Z\n+++\n");
        assert_eq!(t.map["date"], "2020-01-01T10:00:00Z");
        assert_eq!(t.line_of("date"), Some(3));
    }

    #[test]
    fn blank_lines_before_the_opening_delimiter_are_dropped_and_reported() {
        let s = split("\n\n  \n---\ntitle: A\n---\nbody\n").unwrap();
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(s.blank_lines_before, 3);
        let p = parse(&s).unwrap();
        assert_eq!(p.fixes, vec![Fix::BlankLines(3)]);
        assert_eq!(p.line_of("title"), Some(5));
    }

    #[test]
    fn duplicate_yaml_keys_keep_the_last_value() {
        let p = parse_text("---\ntitle: First\ntags:\n- a\n- b\ntitle: Second\n---\n");
        assert_eq!(p.map["title"], "Second");
        assert_eq!(p.map["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(
            p.fixes,
            vec![Fix::DuplicateKey { key: "title".into(), dropped_line: 2, kept_line: 6 }]
        );
        // A whole block is dropped, not only its first line.
        let p = parse_text("---\ntags:\n  - a\ntitle: T\ntags: [c]\n---\n");
        assert_eq!(p.map["tags"], serde_json::json!(["c"]));
    }

    #[test]
    fn duplicate_toml_and_json_keys_keep_the_last_value() {
        let t = parse_text("+++\ntitle = \"A\"\ntitle = \"B\"\n+++\n");
        assert_eq!(t.map["title"], "B");
        assert_eq!(
            t.fixes,
            vec![Fix::DuplicateKey { key: "title".into(), dropped_line: 2, kept_line: 3 }]
        );
        let j = parse_text("{\n\"title\": \"A\",\n\"draft\": false,\n\"title\": \"B\"\n}\n");
        assert_eq!(j.map["title"], "B");
        assert_eq!(
            j.fixes,
            vec![Fix::DuplicateKey { key: "title".into(), dropped_line: 2, kept_line: 4 }]
        );
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Just text\n").unwrap();
        assert_eq!(s.format, None);
        assert_eq!(s.body, "# Just text\n");
    }

    #[test]
    fn broken_front_matter_is_an_error_with_a_line() {
        assert!(split("---\ntitle: A\n").is_err());
        let e = parse(&split("---\ntitle: A\n  bad: : :\n---\n").unwrap()).unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let e = parse(&split("---\n- a\n- b\n---\n").unwrap()).unwrap_err();
        assert!(e.message.contains("map"), "{e:?}");
    }

    #[test]
    fn written_front_matter_reads_back() {
        let mut m = Map::new();
        m.insert("title".into(), Value::String("A: B".into()));
        m.insert("date".into(), Value::String("2020-01-01".into()));
        let text = write(&m, "\nbody\n").unwrap();
        assert!(text.starts_with("---\n"));
        assert!(text.ends_with("---\n\nbody\n"));
        assert_eq!(parse_text(&text).map, m);
    }
}
