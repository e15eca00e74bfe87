//! Charter's one error type: a `Diagnostic` names the file, the line and column where known,
//! shows the offending line, and says what to do. A build collects them in `Diagnostics` and
//! reports all of them, not only the first.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::text::{escape_control, escape_control_line};

/// How serious a diagnostic is: errors fail the build, warnings are printed and the build goes on,
/// information (from `charter check`: pages without a translation) is printed and asks nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// One problem found in the user's input (or in writing the output).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file at fault, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`.
    pub line: Option<usize>,
    /// 1-based column in `line`.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The text of the offending line, shown under the message.
    pub source_line: Option<String>,
    /// A short machine-readable kind, e.g. `front-matter`, `link`, `template`.
    pub code: &'static str,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            source_line: None,
            code,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// A fact worth knowing that is neither wrong nor suspicious.
    pub fn info(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Info, ..Diagnostic::error(code, message) }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Sets the line and copies its text out of `source` so the report can show it.
    pub fn at_line_of(mut self, source: &str, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self.source_line =
            source.lines().nth(line.saturating_sub(1)).map(|l| l.trim_end().to_string());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` as editors and terminals link it (control characters in the file name
    /// escaped).
    pub fn location(&self) -> String {
        let mut out = match &self.file {
            Some(f) => escape_control_line(&f.display().to_string()),
            None => String::new(),
        };
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                out.push_str(&format!(":{col}"));
            }
        }
        out
    }
}

/// The one way a diagnostic is shown (terminal, overlay, `serve`): every part that comes from the
/// user's files (file name, message, source line, hint) has its control characters escaped, so
/// an ESC or BEL in a page never reaches the terminal.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let location = self.location();
        // A message or hint that spans lines (a value from a file, an error of a library) goes on
        // indented, so that no line of it can pass for a diagnostic of its own.
        let message = escape_control(&self.message);
        let message = continued(&message);
        if location.is_empty() {
            write!(f, "{label}: {message}")?;
        } else {
            write!(f, "{label}: {location}: {message}")?;
        }
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let shown = shortened(text);
            let cut = if shown.len() < text.len() { " …" } else { "" };
            write!(f, "\n {line:>4} | {}{cut}", escape_control_line(shown))?;
            if let Some(col) = self.column {
                let pad = " ".repeat(col.saturating_sub(1));
                write!(f, "\n      | {pad}^")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {}", continued(&escape_control(hint)))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// `text` with each line after the first indented (see [`Diagnostic`]'s `Display`).
fn continued(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\n') {
        std::borrow::Cow::Owned(text.replace('\n', "\n    "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The longest part of a source line a diagnostic shows (a minified or generated line can be
/// megabytes long).
const MAX_SHOWN_LINE: usize = 240;

/// `text` cut at [`MAX_SHOWN_LINE`] bytes (on a character boundary).
fn shortened(text: &str) -> &str {
    if text.len() <= MAX_SHOWN_LINE {
        return text;
    }
    let mut end = MAX_SHOWN_LINE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Every problem a run found. A run fails when any of them is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }
    /// The information findings (neither errors nor warnings).
    pub fn infos(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Info)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Orders by file, then line, so reports read top to bottom and do not depend on threads.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.0.dedup();
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// An I/O failure on a path, as a diagnostic that says what to check.
pub fn io_error(path: &Path, action: &str, err: &std::io::Error) -> Diagnostic {
    let hint = match err.kind() {
        std::io::ErrorKind::PermissionDenied => "check the permissions of this path",
        std::io::ErrorKind::NotFound => "check that the path exists",
        _ if err.raw_os_error() == Some(28) => "the disk is full: free some space and build again",
        _ => "check the path and try again",
    };
    Diagnostic::error("io", format!("could not {action}: {err}")).in_file(path).hint(hint)
}
