//! The one door to YAML. Every YAML read or write in Charter goes through this module, so that
//! the frozen `serde_yaml` 0.9 (RUSTSEC-2024-0320) can be swapped for a maintained successor
//! (`serde_yaml_ng`, `serde-saphyr`) by changing the `use` line below and nothing else.
//!
//! Reading is bounded: the backend limits nesting (128 levels) and alias jumps (100 per event),
//! but one anchored list aliased thousands of times stays under the jump limit while expanding
//! quadratically (20,000 aliases of a 20,000-item list are 400 million values). So text is read
//! into a tree through [`Bounded`], which charges every value it builds against a budget that
//! grows with the size of the text and fails as soon as aliases expand past it. The same pass
//! refuses duplicate keys, which the tree types would otherwise silently overwrite.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde::Serialize;
use serde_json::{Map, Number, Value};
use serde_yaml as backend;

/// A YAML error with the position the parser reported (1-based, relative to the text given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

impl From<backend::Error> for YamlError {
    fn from(err: backend::Error) -> Self {
        let location = err.location();
        let mut message = err.to_string();
        // The backend appends " at line L column C"; we carry the position separately.
        if let Some(cut) = message.find(" at line ") {
            message.truncate(cut);
        }
        // Say in the user's terms what the backend's limits mean.
        if message.starts_with("repetition limit exceeded") {
            message =
                "aliases (`*name`) repeat the data too many times (repetition limit exceeded)"
                    .into();
        } else if message.starts_with("recursion limit exceeded") {
            message = "the YAML nests more than 128 levels deep (recursion limit exceeded)".into();
        }
        YamlError {
            message,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    }
}

/// Bytes of tree a text may expand to: generous for any text without aliases (a value costs
/// [`VALUE_COST`] plus its string bytes, and every value takes at least two bytes of text, so
/// such a text needs at most about 17 times its size), small enough that a bomb fails in
/// milliseconds. The allowance beyond the text's own size is small, since the tree in memory is
/// several times what is charged and a site may hold thousands of files: a few kilobytes that
/// expanded to 64 MiB each took gigabytes over twenty pages.
fn budget_for(text: &str) -> usize {
    (256 << 10) + text.len().saturating_mul(32)
}

/// What one value costs against the budget, beyond its string bytes.
const VALUE_COST: usize = 32;

/// Parses YAML text into any deserializable type (a struct, or `serde_json::Value` for a
/// free-form tree). Duplicate keys, tabs used as indentation, nesting deeper than 128 levels and
/// alias bombs are errors; none of them panics.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_flow_depth(text)?;
    let budget = Cell::new(budget_for(text));
    let tree = Bounded { budget: &budget }
        .deserialize(backend::Deserializer::from_str(text))
        .map_err(|e| explain(YamlError::from(e), text))?;
    serde_json::from_value(tree).map_err(|e| YamlError {
        message: e.to_string(),
        line: None,
        column: None,
    })
}

/// The deepest nesting the backend accepts.
const MAX_DEPTH: usize = 128;

/// Refuses flow collections (`[[[...`) nested deeper than the backend accepts before parsing:
/// the parser's time grows with the square of that depth (100,000 brackets take a minute), and it
/// would refuse them anyway. Quoted text and comments are skipped; brackets in plain text only
/// count when more than 128 are left open, which no real file does.
fn check_flow_depth(text: &str) -> Result<(), YamlError> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    for c in text.chars() {
        column += 1;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                column = 0;
                comment = false;
            }
            _ if comment => {}
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '#') if previous.is_whitespace() => comment = true,
            (None, '"' | '\'') if matches!(previous, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':') => {
                quote = Some(c)
            }
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(YamlError {
                        message: format!("the YAML nests more than {MAX_DEPTH} levels deep"),
                        line: Some(line),
                        column: Some(column),
                    });
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    Ok(())
}

/// Names a tab when the parser stopped on a line indented with one (the backend only says
/// "found character that cannot start any token").
fn explain(mut err: YamlError, text: &str) -> YamlError {
    // A duplicate is reported where its map starts; point at the second entry instead.
    if let Some(key) = err.message.strip_prefix("duplicate key `").and_then(|r| r.split('`').next())
    {
        let from = err.line.unwrap_or(1).saturating_sub(1);
        let is_key_line = |l: &str| {
            let t = l.trim_start().trim_start_matches("- ");
            [key.to_string(), format!("\"{key}\""), format!("'{key}'")].iter().any(|k| {
                t.strip_prefix(k.as_str()).is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
        };
        if let Some((i, _)) =
            text.lines().enumerate().skip(from).filter(|(_, l)| is_key_line(l)).nth(1)
        {
            err.line = Some(i + 1);
            err.column = None;
        }
        return err;
    }
    if let Some(line) = err.line {
        let source = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        let indent: &str = &source[..source.len() - source.trim_start().len()];
        if indent.contains('\t')
            || (err.message.contains("cannot start any token") && source.contains('\t'))
        {
            err.message =
                format!("a tab is used for indentation; YAML allows only spaces ({})", err.message);
        }
    }
    err
}

/// Serialises a value as YAML text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, YamlError> {
    backend::to_string(value).map_err(YamlError::from)
}

/// Builds a `serde_json::Value` tree from any deserializer, charging each value to `budget`.
#[derive(Clone, Copy)]
struct Bounded<'b> {
    budget: &'b Cell<usize>,
}

impl Bounded<'_> {
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let cost = VALUE_COST.saturating_add(bytes);
        match self.budget.get().checked_sub(cost) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom("aliases (`*name`) expand the YAML to too much data; write the values out instead of repeating anchors")),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.charge(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.charge(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.charge(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.charge(0)?;
        // `.nan` and `.inf` have no JSON form.
        Ok(Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.charge(v.len())?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.charge(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.charge(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.charge(0)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.charge(0)?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key { bounded: self })? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let value = map.next_value_seed(self)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Value, A::Error> {
        Err(de::Error::custom("YAML tags (`!name`) are not supported; remove the tag"))
    }
}

/// A map key: text, or a number or true/false written as a key (kept as its text).
struct Key<'b> {
    bounded: Bounded<'b>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key that is text, a number or true/false")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.bounded.charge(v.len())?;
        Ok(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.bounded.charge(v.len())?;
        Ok(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(E::custom("a key is empty; write a name before the `:`"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<String, A::Error> {
        Err(de::Error::custom("a key is a list; keys must be plain names"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<String, A::Error> {
        Err(de::Error::custom("a key is a map; keys must be plain names"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tree() {
        let v: Value = from_str("a: 1\nb: [x, true, 2.5]\nc: { d: ~ }\n").unwrap();
        assert_eq!(v, serde_json::json!({"a": 1, "b": ["x", true, 2.5], "c": {"d": null}}));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = from_str::<Value>("title: a\nx: 1\ntitle: b\n").unwrap_err();
        assert!(e.message.contains("duplicate key `title`"), "{e:?}");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn tabs_are_named() {
        let e = from_str::<Value>("a:\n\tb: 1\n").unwrap_err();
        assert!(e.message.contains("tab"), "{e:?}");
    }

    #[test]
    fn quadratic_alias_bombs_fail_fast() {
        let n = 20_000;
        let text =
            format!("a: &a [{}]\nb: [{}]\n", vec!["x"; n].join(","), vec!["*a"; n].join(","));
        let started = std::time::Instant::now();
        let e = from_str::<Value>(&text).unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn deep_flow_nesting_fails_fast() {
        let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let e = from_str::<Value>(&text).unwrap_err();
        assert!(e.message.contains("nests"), "{e:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // Brackets in quotes and comments do not count.
        let quoted = format!("a: \"{}\" # {}\nb: [[1]]\n", "[".repeat(500), "{".repeat(500));
        assert!(from_str::<Value>(&quoted).is_ok());
    }

    #[test]
    fn small_texts_may_not_expand_to_much_more_than_their_size() {
        // 8 KB that aliased a 1,000-item list 1,900 times (1.9 million values) was accepted,
        // and held some 400 MB in memory: twenty such pages ran a build out of memory.
        let text =
            format!("a: &a [{}]\nb: [{}]\n", vec!["x"; 1000].join(","), vec!["*a"; 1900].join(","));
        let e = from_str::<Value>(&text).unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
        // Texts without aliases are accepted whatever their size and shape.
        let list = "- 1\n".repeat(200_000);
        assert_eq!(from_str::<Value>(&list).unwrap().as_array().map(Vec::len), Some(200_000));
        let flow = format!("[{}]", vec!["0"; 300_000].join(","));
        assert_eq!(from_str::<Value>(&flow).unwrap().as_array().map(Vec::len), Some(300_000));
        let map: String = (0..50_000).map(|i| format!("k{i}: ''\n")).collect();
        assert_eq!(from_str::<Value>(&map).unwrap().as_object().map(|m| m.len()), Some(50_000));
    }

    #[test]
    fn legitimate_aliases_still_work() {
        let v: Value = from_str("base: &b { x: 1 }\nother: *b\n").unwrap();
        assert_eq!(v["other"]["x"], 1);
    }
}
