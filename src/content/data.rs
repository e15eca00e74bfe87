//! The site's data files: `data/*.yaml|yml|json` read into template values by path
//! (`data/people.yaml`), for the `data` variable and `load_data(path=...)`.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{Map, Value};

use crate::error::{Diagnostic, Diagnostics};
use crate::site_files::{SiteFiles, WalkOptions};

/// Reads `data/*.yaml|yml|json` (the folder's own files, listed and read through
/// [`SiteFiles`]) into values by path (`data/x.yaml`).
pub fn load_data(files: &SiteFiles) -> Result<HashMap<String, tera::Value>, Diagnostics> {
    let mut data = HashMap::new();
    let mut diagnostics = Diagnostics::new();
    let dir = files.root().join("data");
    let top_level = WalkOptions { top_level_only: true, ..WalkOptions::SITE };
    for entry in files.walk_with(&dir, &top_level, &mut diagnostics).files {
        let name = entry.relative;
        let file = PathBuf::from("data").join(&name);
        let read = || files.read_text(&entry.path);
        let parsed: Option<Result<serde_json::Value, Diagnostic>> =
            if name.ends_with(".yaml") || name.ends_with(".yml") {
                Some(read().and_then(|t| {
                    crate::yaml::from_str(&t).map_err(|e| {
                        let d = Diagnostic::error(
                            "data",
                            format!("the data file is not valid YAML: {}", e.message),
                        )
                        .in_file(&file)
                        .hint("fix the YAML at the line shown");
                        match e.line {
                            Some(l) => d.at_line_of(&t, l, e.column),
                            None => d,
                        }
                    })
                }))
            } else if name.ends_with(".json") {
                Some(read().and_then(|t| {
                    serde_json::from_str(&t).map_err(|e| {
                        Diagnostic::error("data", format!("the data file is not valid JSON: {e}"))
                            .in_file(&file)
                            .at_line_of(&t, e.line(), Some(e.column()))
                            .hint("fix the JSON at the line shown")
                    })
                }))
            } else {
                None
            };
        match parsed {
            Some(Ok(v)) => {
                let value = from_json(&v);
                data.insert(format!("data/{name}"), value);
            }
            Some(Err(d)) => diagnostics.push(d),
            None => {}
        }
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(data)
    }
}

/// The `data` variable: every data file by its stem.
pub fn data_value(data: &HashMap<String, tera::Value>) -> tera::Value {
    let mut map = tera::Map::new();
    let mut keys: Vec<&String> = data.keys().collect();
    keys.sort();
    for k in keys {
        let stem = k.trim_start_matches("data/").rsplit_once('.').map(|(s, _)| s).unwrap_or(k);
        map.insert(tera::value::Key::String(stem.into()), data[k].clone());
    }
    tera::Value::from(map)
}

/// A front-matter value as a template value, converted directly (through serde it was a tenth
/// of building the values).
pub(crate) fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::none(),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Value::from(u),
            (None, Some(i), _) => Value::from(i),
            (None, None, Some(f)) => Value::from(f),
            _ => Value::try_from_serializable(n).unwrap_or_else(|_| Value::none()),
        },
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => {
            Value::from(items.iter().map(from_json).collect::<Vec<Value>>())
        }
        serde_json::Value::Object(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (k, v) in entries {
                map.insert(tera::value::Key::String(k.as_str().into()), from_json(v));
            }
            Value::from(map)
        }
    }
}
