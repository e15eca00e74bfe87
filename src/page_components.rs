//! Page components: the calls staff write in Markdown (`{{ figure(src="a.png", alt="…") }}`, or
//! with a Markdown body `{% callout(kind="note") %} … {% end %}`), read here from the page's source
//! text; and what the site's components declare (the `args:` comment at the top of
//! `templates/components/NAME.html`). Not to be confused with Tera's `{% component %}` macros,
//! which templates call (the theme's `_components.html`): page components are called by pages.
//!
//! The Markdown renderer ([`crate::markdown`]) finds the calls in the text events of its one parse
//! (so calls in code spans and code blocks stay text) and asks a [`ComponentRenderer`] to render
//! each one.

use std::collections::HashMap;

use tera::Value;

/// The folder under `templates/` that holds page components.
pub const COMPONENT_DIR: &str = "components/";

/// A parsed call, as written in the Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    /// The arguments in the order written.
    pub args: Vec<(String, Value)>,
    /// `{% name(...) %}`: a call with a body, closed by `{% end %}`.
    pub has_body: bool,
}

/// What a marker in the text turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Marker {
    /// A call; `len` is the length of its marker in bytes.
    Call { call: Call, len: usize },
    /// `{% end %}`, of `len` bytes.
    End { len: usize },
    /// `{{/* name() */}}` or `{%/* name() */%}`: the literal text `{{ name() }}` to show.
    Escaped { literal: String, len: usize },
}

/// A mistake in a call: where (a byte offset from the start of the marker), what, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// The byte offset of the next place in `text[..within]` where a call starts (`{{` or `{%`); the
/// call itself may run on past `within`.
pub fn next_marker(text: &str, within: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let within = within.min(bytes.len());
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'{', &bytes[from..within]) {
        let i = from + at;
        if matches!(bytes.get(i + 1), Some(b'{' | b'%')) && looks_like_call(&text[i..]) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Whether `text` (which starts with `{{` or `{%`) is a call, an `{% end %}` or an escape: the
/// marker, optional spaces, then a name and `(`, or `end`, or `/*`. Anything else (`{{ x }}` in
/// prose about templates) stays text.
fn looks_like_call(text: &str) -> bool {
    let rest = &text[2..];
    if rest.starts_with("/*") {
        return true;
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let name_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    if name_len == 0 || rest.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    let after = rest[name_len..].trim_start_matches([' ', '\t']);
    after.starts_with('(') || (text.starts_with("{%") && &rest[..name_len] == "end")
}

/// Reads the marker at the start of `text` (which [`next_marker`] found).
pub fn parse_marker(text: &str) -> Result<Marker, CallError> {
    let body_form = text.starts_with("{%");
    let close = if body_form { "%}" } else { "}}" };
    if text[2..].starts_with("/*") {
        let end_mark = if body_form { "*/%}" } else { "*/}}" };
        let Some(end) = text[4..].find(end_mark).map(|e| e + 4) else {
            return Err(CallError {
                offset: 0,
                message: format!("this escaped call has no closing `{end_mark}`"),
                hint: format!(
                    "an escaped call is written `{}/* name() */{}`",
                    &text[..2],
                    &close[..2]
                ),
            });
        };
        let inner = &text[4..end];
        return Ok(Marker::Escaped {
            literal: format!("{}{inner}{close}", &text[..2]),
            len: end + end_mark.len(),
        });
    }
    let mut p = Reader { text, at: 2 };
    p.spaces();
    let name = p.name();
    p.spaces();
    if body_form && name == "end" && !p.rest().starts_with('(') {
        if !p.rest().starts_with(close) {
            return Err(
                p.error("`{% end` must be followed by `%}`", "close a body with `{% end %}`")
            );
        }
        return Ok(Marker::End { len: p.at + 2 });
    }
    p.expect('(', "write the arguments in parentheses: `name(arg=\"value\")`")?;
    let mut args: Vec<(String, Value)> = Vec::new();
    loop {
        p.spaces();
        if p.eat(')') {
            break;
        }
        let arg_at = p.at;
        let arg = p.name();
        if arg.is_empty() {
            return Err(p.error(
                "expected an argument name or `)`",
                "arguments are written `name=value`, separated by commas",
            ));
        }
        p.spaces();
        p.expect('=', &format!("give the argument a value: `{arg}=\"…\"`"))?;
        p.spaces();
        let value = p.value()?;
        if args.iter().any(|(a, _)| *a == arg) {
            return Err(CallError {
                offset: arg_at,
                message: format!("the argument `{arg}` is given twice"),
                hint: "give each argument once".into(),
            });
        }
        args.push((arg.to_string(), value));
        p.spaces();
        if p.eat(',') {
            continue;
        }
        p.expect(')', "separate arguments with commas and close the list with `)`")?;
        break;
    }
    p.spaces();
    if !p.rest().starts_with(close) {
        return Err(p.error(
            &format!("expected `{close}` to close the call"),
            if body_form {
                "a call with a body opens with `{% name(…) %}`"
            } else {
                "an inline call is written `{{ name(…) }}`"
            },
        ));
    }
    Ok(Marker::Call {
        call: Call { name: name.to_string(), args, has_body: body_form },
        len: p.at + 2,
    })
}

/// The byte offset, in `text` (the source after a body call's marker), of the `{% end %}` that
/// closes it, and the length of that marker; bodies nest.
pub fn find_end(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut from = 0;
    while let Some(at) = next_marker(&text[from..], text.len() - from) {
        let i = from + at;
        match parse_marker(&text[i..]) {
            Ok(Marker::End { len }) if depth == 0 => return Some((i, len)),
            Ok(Marker::End { len }) => {
                depth -= 1;
                from = i + len;
            }
            Ok(Marker::Call { call, len }) => {
                if call.has_body {
                    depth += 1;
                }
                from = i + len;
            }
            Ok(Marker::Escaped { len, .. }) => from = i + len,
            Err(_) => from = i + 2,
        }
    }
    None
}

/// A cursor over a marker's text.
struct Reader<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Reader<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        if self.rest().starts_with(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> &'t str {
        let rest = self.rest();
        let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        self.at += len;
        &rest[..len]
    }

    fn error(&self, message: &str, hint: &str) -> CallError {
        CallError { offset: self.at, message: message.to_string(), hint: hint.to_string() }
    }

    fn expect(&mut self, c: char, hint: &str) -> Result<(), CallError> {
        if self.eat(c) {
            return Ok(());
        }
        let found = match self.rest().chars().next() {
            Some(f) => format!("`{f}`"),
            None => "the end of the text".to_string(),
        };
        Err(self.error(&format!("expected `{c}`, found {found}"), hint))
    }

    /// A string, a number, `true`/`false`, or a list of those.
    fn value(&mut self) -> Result<Value, CallError> {
        let rest = self.rest();
        let values_hint =
            "a value is a string (\"text\"), a number (3, 1.5), true, false, or a list ([\"a\", \"b\"])";
        match rest.chars().next() {
            Some(q @ ('"' | '\'')) => self.string(q),
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.spaces();
                    if self.eat(']') {
                        break;
                    }
                    items.push(self.value()?);
                    self.spaces();
                    if self.eat(',') {
                        continue;
                    }
                    self.expect(']', "separate list items with commas and close it with `]`")?;
                    break;
                }
                Ok(Value::from(items))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let len = rest
                    .bytes()
                    .take_while(|b| {
                        b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
                    })
                    .count();
                let number = &rest[..len];
                let value = if let Ok(n) = number.parse::<i64>() {
                    Value::from(n)
                } else if let Ok(x) = number.parse::<f64>() {
                    Value::from(x)
                } else {
                    return Err(self.error(&format!("`{number}` is not a number"), values_hint));
                };
                self.at += len;
                Ok(value)
            }
            _ => {
                let word = self.name();
                match word {
                    "true" => Ok(Value::from(true)),
                    "false" => Ok(Value::from(false)),
                    _ => {
                        self.at -= word.len();
                        let shown = if word.is_empty() {
                            rest.chars().next().map(String::from).unwrap_or_default()
                        } else {
                            word.to_string()
                        };
                        Err(self.error(
                            &format!("`{shown}` is not a value (strings are quoted)"),
                            values_hint,
                        ))
                    }
                }
            }
        }
    }

    /// A quoted string with `\"`, `\'`, `\\` and `\n` escapes.
    fn string(&mut self, quote: char) -> Result<Value, CallError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, e)) => out.push(e),
                    None => break,
                },
                c if c == quote => {
                    self.at += i + 1;
                    return Ok(Value::from(out));
                }
                c => out.push(c),
            }
        }
        self.at = start;
        Err(self.error("this string has no closing quote", &format!("close it with {quote}")))
    }
}

/// One argument a component declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: String,
    pub required: bool,
}

/// What the site knows of one component: its template and what it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSpec {
    /// The Tera template name, `components/figure.html`.
    pub template: String,
    /// `None` when the template declares nothing: any argument is taken, none is required.
    pub args: Option<Vec<ArgDecl>>,
    /// A digest of the template's text: a rebuild re-renders the pages that call a changed one.
    pub digest: [u8; 32],
}

/// The page components of a site, by name, from the templates under `components/`.
pub fn specs<'s>(
    templates: impl IntoIterator<Item = (&'s str, &'s str)>,
) -> HashMap<String, ComponentSpec> {
    let mut specs = HashMap::new();
    for (template, source) in templates {
        let Some(name) = template.strip_prefix(COMPONENT_DIR).and_then(|n| n.strip_suffix(".html"))
        else {
            continue;
        };
        if name.contains('/') {
            continue;
        }
        specs.insert(
            name.to_string(),
            ComponentSpec {
                template: template.to_string(),
                args: declared_args(source),
                digest: *blake3::hash(source.as_bytes()).as_bytes(),
            },
        );
    }
    specs
}

/// The arguments declared by the Tera comment that opens a component's template:
/// `{#- args: src (required), alt (required), caption, credit -#}` (`args:` alone: none).
pub fn declared_args(source: &str) -> Option<Vec<ArgDecl>> {
    let rest = source.trim_start().strip_prefix("{#")?;
    let comment = &rest[..rest.find("#}")?];
    let list =
        comment.trim_start_matches('-').trim_end_matches('-').trim().strip_prefix("args:")?;
    Some(
        list.split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| match a.strip_suffix("(required)") {
                Some(name) => ArgDecl { name: name.trim().to_string(), required: true },
                None => ArgDecl { name: a.to_string(), required: false },
            })
            .collect(),
    )
}

/// A mistake found when a component is called or rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentProblem {
    pub message: String,
    pub hint: String,
}

/// What the Markdown renderer asks to render calls.
pub trait ComponentRenderer {
    /// Renders `call`, with `body` (its rendered Markdown) for a body call.
    fn render(&self, call: &Call, body: Option<&str>) -> Result<String, ComponentProblem>;
}

/// Checks `call` against what `spec` declares: an unknown or a missing argument is a problem.
pub fn check_args(call: &Call, spec: &ComponentSpec) -> Result<(), ComponentProblem> {
    let Some(declared) = &spec.args else { return Ok(()) };
    let names: Vec<&str> = declared.iter().map(|d| d.name.as_str()).collect();
    for (arg, _) in &call.args {
        if arg == "body" && call.has_body {
            return Err(ComponentProblem {
                message: format!(
                    "`{}` takes its body between the markers, not as `body=`",
                    call.name
                ),
                hint: "remove the `body` argument".into(),
            });
        }
        if !names.contains(&arg.as_str()) {
            let hint = match crate::text::closest_match(arg, &names) {
                Some(best) => format!("did you mean `{best}`?"),
                None if names.is_empty() => format!("`{}` takes no arguments", call.name),
                None => format!("`{}` takes: {}", call.name, names.join(", ")),
            };
            return Err(ComponentProblem {
                message: format!("the component `{}` has no argument `{arg}`", call.name),
                hint,
            });
        }
    }
    if let Some(missing) =
        declared.iter().find(|d| d.required && !call.args.iter().any(|(a, _)| *a == d.name))
    {
        return Err(ComponentProblem {
            message: format!("the component `{}` needs the argument `{}`", call.name, missing.name),
            hint: format!("add `{}=\"…\"` to the call", missing.name),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(text: &str) -> Call {
        match parse_marker(text) {
            Ok(Marker::Call { call, .. }) => call,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn typed_arguments_are_read() {
        let c = call(
            r#"{{ figure(src="a.png", n=3, x=-1.5, flag=true, off=false, list=["a", 'b\'c'],) }}"#,
        );
        assert_eq!(c.name, "figure");
        assert!(!c.has_body);
        assert_eq!(c.args[0], ("src".to_string(), Value::from("a.png")));
        assert_eq!(c.args[1].1, Value::from(3i64));
        assert_eq!(c.args[2].1, Value::from(-1.5));
        assert_eq!(c.args[3].1, Value::from(true));
        assert_eq!(c.args[4].1, Value::from(false));
        assert_eq!(c.args[5].1, Value::from(vec![Value::from("a"), Value::from("b'c")]));
        assert!(call("{% takeaways() %}").has_body);
    }

    #[test]
    fn only_calls_are_markers() {
        assert_eq!(next_marker("a {{ page.title }} b {{x()}}", 30), Some(21));
        assert_eq!(next_marker("{% if x %} {%end%}", 18), Some(11));
        assert_eq!(next_marker("{% if x %} {%end%}", 11), None);
        assert_eq!(next_marker("{{ 3(x) }}", 10), None);
        assert_eq!(next_marker("{{/* x() */}}", 3), Some(0));
    }

    #[test]
    fn bad_argument_lists_say_where() {
        let e = parse_marker("{{ f(a=1 b=2) }}").unwrap_err();
        assert_eq!(e.offset, 9);
        assert!(e.message.contains("expected `)`"), "{e:?}");
        let e = parse_marker("{{ f(a=nope) }}").unwrap_err();
        assert!(e.message.contains("`nope` is not a value"), "{e:?}");
        let e = parse_marker("{{ f(a=\"open) }}").unwrap_err();
        assert!(e.message.contains("no closing quote"), "{e:?}");
        let e = parse_marker("{{ f(a=1, a=2) }}").unwrap_err();
        assert!(e.message.contains("given twice"), "{e:?}");
        let e = parse_marker("{{ f() %}").unwrap_err();
        assert!(e.message.contains("expected `}}`"), "{e:?}");
    }

    #[test]
    fn escapes_and_ends() {
        assert_eq!(
            parse_marker("{{/* figure(a=1) */}} x"),
            Ok(Marker::Escaped { literal: "{{ figure(a=1) }}".into(), len: 21 })
        );
        assert_eq!(parse_marker("{%end%}"), Ok(Marker::End { len: 7 }));
        assert_eq!(find_end("a {% b() %} c {% end %} d {% end %}"), Some((26, 9)));
        assert_eq!(find_end("a {% b() %} c {% end %}"), None);
    }

    #[test]
    fn declarations_are_read_from_the_opening_comment() {
        let args = declared_args("{#- args: src (required), alt (required), caption -#}\n<figure>")
            .expect("declared");
        assert_eq!(args.len(), 3);
        assert!(args[1].required && !args[2].required);
        assert_eq!(declared_args("{# args: #}"), Some(vec![]));
        assert_eq!(declared_args("<p>{# args: a #}"), None);
    }
}
