//! The one door to YAML. Every YAML read or write in Charter goes through this module, so that
//! the frozen `serde_yaml` 0.9 (RUSTSEC-2024-0320) can be swapped for a maintained successor
//! (`serde_yaml_ng`, `serde-saphyr`) by changing the `use` line below and nothing else.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_yaml as backend;

/// A YAML error with the position the parser reported (1-based, relative to the text given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
        YamlError {
            message,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    }
}

/// Parses YAML text into any deserializable type (a struct, or `serde_json::Value` for a
/// free-form tree). Duplicate keys, tabs used as indentation and alias bombs are errors.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str(text).map_err(YamlError::from)
}

/// Serialises a value as YAML text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, YamlError> {
    backend::to_string(value).map_err(YamlError::from)
}
